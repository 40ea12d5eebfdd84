package flows

import (
	"slices"
	"sync"
	"testing"
)

// The yes/no and uncertain lists are looked up by joining words on the
// stack: no key may be longer than that buffer.
func TestKeysFit(t *testing.T) {
	for _, set := range []map[string]bool{uncertain, yesWords, noWords} {
		for k := range set {
			if len(k) > maxKey {
				t.Errorf("key %q is longer than maxKey (%d bytes)", k, maxKey)
			}
		}
	}
}

// Intake's cost per text is part of its contract (performance issue 11):
// reading a text and classifying it take a handful of allocations.
func TestClassifyAllocs(t *testing.T) {
	lib := mustLoadEmbedded(t)
	for _, s := range []string{
		"claude code keeps saying 403 what do I do",
		`API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
		"hi",
	} {
		if n := testing.AllocsPerRun(50, func() { lib.Classify(NewText(s)) }); n > 10 {
			t.Errorf("Classify(NewText(%q)) allocates %v times, want at most 10", s, n)
		}
	}
}

// A Library and a Text are shared by the engine's goroutines; -race
// checks that reading them writes nothing.
func TestConcurrentReads(t *testing.T) {
	lib := mustLoadEmbedded(t)
	texts := []Text{NewText("cluade code 403 region not supported"), NewText("yes, I use an api key"), NewText("")}
	f := lib.Flow("claude-code-403")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				for _, in := range texts {
					lib.Classify(in)
					PickCandidate(lib.Flows[:2], in)
					for i := range f.Nodes {
						if n := &f.Nodes[i]; n.Kind == Question {
							f.Match(n, in)
						}
					}
				}
			}
		})
	}
	wg.Wait()
}

func mustLoadEmbedded(tb testing.TB) *Library {
	tb.Helper()
	lib, _, err := Load(Embedded())
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// Away: the person cannot look now, in many words; an answer, trouble or
// a plain sentence is not.
func TestAway(t *testing.T) {
	for text, want := range map[string]bool{
		"on the train rn, cant look the code up":          true,
		"away from my desk till 3":                        true,
		"not in front of the dashboard, sorry":            true,
		"cant check, laptop is at home":                   true,
		"I'm only on my phone right now":                  true,
		"will tell you when I get back to the office":     true,
		"out of office today, can check tomorrow":         true,
		"can't check out, card declined":                  false,
		"not at work, but the vpn keeps failing":          false,
		"I cant see the org in the list":                  false,
		"at the airport, cant see the logs from here":     true,
		"yes, from my laptop":                             false,
		"30006":                                           false,
		"I'll have to ask him, give me a sec":             true,
		"1 sec, walking back to my desk":                  true,
		"1 sec":                                           true,
		"hang on, checking":                               true,
		"let me check, it says 403 forbidden":             false,
		"checking":                                        true,
		"lemme look":                                      true,
		"asking him now":                                  true,
		"one sec, asking her":                             true,
		"I'm passing on what he tells me":                 true,
		"I'll have to find out, the consultant set it up": true,
		"asking him now, he says it still gives 401":      false,
	} {
		if got := Away(NewText(text)); got != want {
			t.Errorf("Away(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestRetracts(t *testing.T) {
	for _, tt := range []struct {
		text     string
		ok, more bool
	}{
		{"oops wrong chat, ignore that", true, false},
		{"oops wrong chat sorry", true, false},
		{"ignore my last text, it's a 401 not 403", true, true},
		{"ignore that, I scrolled up and the real error is SELF_SIGNED_CERT_IN_CHAIN", true, true},
		{"scratch that", true, false},
		{"correction, Max 20x", false, false}, // a detail corrected: an answer
		{"ignore the warning, it still says 403", false, false},
		{"claude code says 403", false, false},
	} {
		if ok, more := Retracts(NewText(tt.text)); ok != tt.ok || more != tt.more {
			t.Errorf("Retracts(%q) = %v, %v, want %v, %v", tt.text, ok, more, tt.ok, tt.more)
		}
	}
}

func TestAsksAboutBot(t *testing.T) {
	for text, want := range map[string]bool{
		"are you a bot?": true,
		"who is this? my coworker gave me this number for claude code help": true,
		"Do you store what I send here? asking before I paste anything":     true,
		"is it safe to send you my key":                                     true,
		"claude code says 403":                                              false,
		"the bot in our slack is down":                                      false,
		"who is the admin? not me":                                          false,
	} {
		if got := AsksAboutBot(NewText(text)); got != want {
			t.Errorf("AsksAboutBot(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestBackAndCutShort(t *testing.T) {
	for _, c := range []struct {
		text      string
		back, cut bool
	}{
		{"back now", true, false},
		{"sorry got a customer, back now", true, false},
		{"ok im at my laptop now", true, false},
		{"back now, still 403 though", false, false},
		{"I came back now and the key is there", false, false},
		{"i log in with the", false, true},
		{"it's the", false, true},
		{"the", false, false},
		{"i use the console", false, false},
		{"we call", false, false},
	} {
		in := NewText(c.text)
		if got := Back(in); got != c.back {
			t.Errorf("Back(%q) = %v, want %v", c.text, got, c.back)
		}
		if got := CutShort(in); got != c.cut {
			t.Errorf("CutShort(%q) = %v, want %v", c.text, got, c.cut)
		}
	}
}

// A thought's opening alone ("wait", "oh") is mid-thought; with its
// point, or a word that answers ("ok", "sorry"), it is not. The question
// asked for again is that, and no more.
func TestMidThoughtAndAsksAgain(t *testing.T) {
	for _, c := range []struct {
		text       string
		mid, again bool
	}{
		{"wait", true, false},
		{"oh", true, false},
		{"hmm wait", true, false},
		{"also", true, false},
		{"oh wait, it's an api key", false, false},
		{"ok", false, false},
		{"sorry", false, false},
		{"what was the question again sorry", false, true},
		{"wait what did you ask", false, true},
		{"can you repeat that?", false, true},
		{"what was the question? it says 403 forbidden now", false, false},
		{"what are the options for fixing a 401 on my salesforce integration with our partner portal", false, false},
	} {
		in := NewText(c.text)
		if got := MidThought(in); got != c.mid {
			t.Errorf("MidThought(%q) = %v, want %v", c.text, got, c.mid)
		}
		if got := AsksAgain(in); got != c.again {
			t.Errorf("AsksAgain(%q) = %v, want %v", c.text, got, c.again)
		}
	}
}

// A phrase that names word classes stands for every phrase they make;
// one that names none is itself; an unknown or unclosed class is an
// error that names it.
func TestExpandClasses(t *testing.T) {
	got, err := expandClasses("{have} {plan}")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(phraseClasses["have"]) * len(phraseClasses["plan"]); len(got) != want {
		t.Errorf("{have} {plan}: %d phrases, want %d", len(got), want)
	}
	for _, want := range []string{"got max", "pay for claude pro", "upgraded to max 20x"} {
		if !slices.Contains(got, want) {
			t.Errorf("{have} {plan} lacks %q", want)
		}
	}
	if got, _ := expandClasses("on the max plan"); !slices.Equal(got, []string{"on the max plan"}) {
		t.Errorf("a phrase without classes: %q", got)
	}
	// Compiled, a class's one-word entries are one word: "{party}
	// {tried}" is a phrase for it and one for each of {tried}'s entries of
	// several words, each matching as the expansion would.
	compiled, err := classPhrases("{party} {tried}")
	if err != nil || len(compiled) > 5 {
		t.Errorf("{party} {tried} compiles to %d phrases (%v), want a handful", len(compiled), err)
	}
	p := newPhrase(compiled[0])
	for text, want := range map[string]bool{"a customer tried to pay": true, "our clients complained": true, "the custmer tried": true, "the dog tried": false} {
		in := NewText(text)
		if got := p.find(&in, true) >= 0; got != want {
			t.Errorf("%q in %q: %v, want %v", compiled[0], text, got, want)
		}
	}
	for _, bad := range []string{"{has} max", "{plan max"} {
		if _, err := expandClasses(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
