package flows

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWithinEdits compares the banded, capped distance with the full
// one (fullEditDistance) on random words over small alphabets (so swaps
// and repeats are common), ASCII and not, up to 40 runes, for k = 0 to 3;
// and typo matching with the rule written plainly on the library's words
// against their mistyped copies.
func TestWithinEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabets := [][]rune{[]rune("ab"), []rune("abc"), []rune("abcdefgh"), []rune("aéüßк_1")}
	randWord := func(abc []rune, n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = abc[r.IntN(len(abc))]
		}
		return string(rs)
	}
	pairs := 0
	for range 60000 {
		abc := alphabets[r.IntN(len(alphabets))]
		n := r.IntN(12)
		if r.IntN(20) == 0 {
			n = 30 + r.IntN(11) // past the stack buffers
		}
		a := randWord(abc, n)
		b := randWord(abc, max(0, n+r.IntN(5)-2))
		if r.IntN(2) == 0 {
			b = mistype(r, a, r.IntN(4))
		}
		for k := range 4 {
			pairs++
			if got, want := withinEdits(a, b, k), fullEditDistance(a, b, k) <= k; got != want {
				t.Fatalf("withinEdits(%q, %q, %d) = %v, want %v", a, b, k, got, want)
			}
		}
	}

	lib := mustLoadEmbedded(t)
	var vocab []string
	for _, f := range lib.Flows {
		in := f.Intake
		for _, ss := range [][]string{in.Codes, in.Products, in.Keywords, in.Phrases, in.Examples, in.Requires} {
			for _, s := range ss {
				vocab = append(vocab, strings.Fields(Normalize(s))...)
			}
		}
	}
	words := 0
	for _, want := range vocab {
		w := newWord(want)
		for range 8 {
			got := mistype(r, want, r.IntN(4))
			if r.IntN(4) == 0 {
				got = vocab[r.IntN(len(vocab))]
			}
			words++
			if m, plain := w.matches(got, shapeOf(got), true), typoByDistance(want, got) || w.plural(got); m != plain {
				t.Fatalf("%q matches %q = %v, by the plain rule %v", want, got, m, plain)
			}
		}
	}
	t.Logf("%d distances and %d word pairs, no differences", pairs, words)
}

// typoByDistance is the typo rule written plainly: equal, or no digit in
// either word and within one edit (five runes or more) or two (eight or
// more) of the wanted word.
func typoByDistance(want, got string) bool {
	if want == got {
		return true
	}
	if strings.ContainsAny(want, "0123456789") || strings.ContainsAny(got, "0123456789") {
		return false
	}
	switch n := len([]rune(want)); {
	case n >= 8:
		return fullEditDistance(want, got, 2) <= 2
	case n >= 5:
		return fullEditDistance(want, got, 1) <= 1
	}
	return false
}

// fullEditDistance is the optimal string alignment distance between a and
// b computed over the whole table, giving up once it exceeds limit.
func fullEditDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// mistype applies k random edits (delete, insert, substitute, swap) to w.
func mistype(r *rand.Rand, w string, k int) string {
	rs := []rune(w)
	letters := []rune("abcdeilnorstuéüx_0")
	for range k {
		i := r.IntN(len(rs) + 1)
		switch op := r.IntN(4); {
		case op == 0 && i < len(rs):
			rs = append(rs[:i:i], rs[i+1:]...)
		case op == 1:
			rs = append(rs[:i:i], append([]rune{letters[r.IntN(len(letters))]}, rs[i:]...)...)
		case op == 2 && i < len(rs):
			rs[i] = letters[r.IntN(len(letters))]
		case i+1 < len(rs):
			rs[i], rs[i+1] = rs[i+1], rs[i]
		}
	}
	return string(rs)
}

func TestWithinEditsAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { withinEdits("permission", "permisison", 2) }); n != 0 {
		t.Errorf("withinEdits allocates %v times", n)
	}
}

// TestRateTypo: an earlier text implies a choice by a phrase of two
// words or more with one word misspelt, never by another form of a word
// or by two typos, and not where the phrase is negated.
func TestRateTypo(t *testing.T) {
	cc, err := compileChoice(Choice{Label: "Opus limit", ImpliedBy: []string{"opus limit", "purchase credits", "limit"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"opus limt reached, can i keep workng?", true},
		{"weekly opus limti", true},
		{"opus limits reached", false}, // a plural is no typo: the exact pass finds it
		{"purchased credits yesterday", false},
		{"opsu limt", false},
		{"its not the opus limt", false},
		{"limt", false}, // one word alone never by a typo
	} {
		in := NewText(tc.text)
		if got := cc.rateTypo(&in, cc.implied).score > 0; got != tc.want {
			t.Errorf("rateTypo(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestTroubled: words, typos and phrases that say something went wrong.
func TestTroubled(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"outlook keeps asking for my password", true},
		{"my wifi keeps disconecting on windows 11", true},
		{"paypal checkout refuses my card", true},
		{"there was an issue processing your payment", true},
		{"vercel function times out", true},
		{"github 401", true},
		{"the eror comes back", true},
		{"how do I change my plan", false},
		{"I looked at the settings page", false},
		{"hello there", false},
		// A negation of what a thing should do or have.
		{"zoom no audio on my work laptop", true},
		{"nobody can hear me in meetings", true},
		{"the portal not accept my file", true},
		{"not sure who to ask, no worries", false},
		{"I'm not the admin of our account", false},
		{"I don't know which plan we have", false},
		// One thing set against another is no denial.
		{"it was zsh not bash", false},
		{"the problem is it not loading", true},
		// Something that happens over and over.
		{"the kiosk keeps rebooting every hour", true},
		{"it kept kicking me out", true},
		{"it keeps working fine now", false},
		// An error's name run together from words.
		{"gcs AccessDenied on upload", true},
		{"ConnectionRefused from the api", true},
		{"our reseller sent the invoice", false},
	} {
		if got := Troubled(NewText(tc.text)); got != tc.want {
			t.Errorf("Troubled(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestMisspeltIdentifier: a long vendor identifier written with a typo
// is its code; a word close to it but not written as an identifier is
// not; written out in words it is a phrase of its flow.
func TestMisspeltIdentifier(t *testing.T) {
	lib := mustLoadEmbedded(t)
	for _, tc := range []struct{ text, want string }{
		{"claude cli rate_limit_eror all the time today", "claude-code-429"},
		{"stripe renewals failling with authentication_requried", "stripe-402"},
		{"openai.RateLimitError: Error code: 429 - You exceeded your current quota", "other-error"},
		// Written out in words, even misspelt.
		{"claude code wont take my api key, says authentication erorr every time i run it", "claude-code-401"},
	} {
		got := ""
		if v := lib.Classify(NewText(tc.text)); v.Flow != nil {
			got = v.Flow.ID
		}
		if got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
