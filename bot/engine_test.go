package bot_test

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/segment"
)

// exampleEngine runs on the small example flows of flows/testdata.
func exampleEngine(tb testing.TB, dir string) *bot.Engine {
	tb.Helper()
	lib, problems, err := flows.Load(os.DirFS(dir))
	if err != nil {
		tb.Fatalf("%v %v", err, problems)
	}
	return &bot.Engine{Flows: lib, BaseURL: "https://textfix.test"}
}

// say plays texts one minute apart and returns every result.
func say(e *bot.Engine, c bot.Conversation, texts ...string) (bot.Conversation, []bot.Result) {
	var rs []bot.Result
	now := T0
	if !c.Updated.IsZero() {
		now = c.Updated
	}
	for _, text := range texts {
		now = now.Add(time.Minute)
		r := e.Step(c, bot.Inbound{From: "+15555550100", Body: text, PageID: "p" + text}, now)
		c = r.Conversation
		rs = append(rs, r)
	}
	return c, rs
}

func TestKeywords(t *testing.T) {
	for text, want := range map[string]bot.Keyword{
		"STOP": bot.KwStop, "stop.": bot.KwStop, " Unsubscribe ": bot.KwStop, "stop texting me": bot.KwStop,
		"Stop texting me!": bot.KwStop, "OPTOUT": bot.KwStop, "cancel": bot.KwStop, "quit": bot.KwStop,
		"START": bot.KwStart, "unstop": bot.KwStart,
		"HELP": bot.KwHelp, "info": bot.KwHelp,
		"reset": bot.KwReset, "start over": bot.KwReset, "MENU": bot.KwReset, "restart": bot.KwReset,
		"back":  bot.KwBack,
		"HUMAN": bot.KwHuman, "agent": bot.KwHuman, "talk to a human": bot.KwHuman, "operator": bot.KwHuman, "person": bot.KwHuman,
		"stop the 403":               bot.KwNone, // not the whole message
		"help my claude code is 403": bot.KwNone,
		"yes":                        bot.KwNone,
		"":                           bot.KwNone,
	} {
		if got := bot.KeywordOf(text); got != want {
			t.Errorf("KeywordOf(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestStopIsSilentUntilStart(t *testing.T) {
	e := exampleEngine(t, "../flows/testdata/valid")
	c, rs := say(e, bot.Conversation{}, "example api 404", "STOP", "hello?", "HELP", "human", "yes please")
	if !rs[1].OptOut || c.Status != bot.StatusOptedOut {
		t.Fatalf("STOP: optout=%v status=%s", rs[1].OptOut, c.Status)
	}
	for _, r := range rs[1:] {
		if len(r.Replies) != 0 || r.Handoff != nil || r.Page != nil {
			t.Errorf("opted-out number got %q (handoff %v)", r.Replies, r.Handoff)
		}
	}
	c, rs = say(e, c, "START")
	if !rs[0].OptIn || c.Status != bot.StatusIdle || len(rs[0].Replies) != 1 {
		t.Fatalf("START: optin=%v status=%s replies=%q", rs[0].OptIn, c.Status, rs[0].Replies)
	}
	// YES while opted out opts in too (Twilio's keyword).
	c, _ = say(e, c, "stop texting me")
	c, rs = say(e, c, "Yes")
	if !rs[0].OptIn || c.Status != bot.StatusIdle {
		t.Errorf("YES while opted out: optin=%v status=%s", rs[0].OptIn, c.Status)
	}
}

func TestAmbiguousIntakeAsks(t *testing.T) {
	e := exampleEngine(t, "testdata/twotrees")
	c, rs := say(e, bot.Conversation{}, "example api error")
	if c.Status != bot.StatusIdle || len(c.Candidates) != 2 {
		t.Fatalf("want a question between two flows, got status %s candidates %v replies %q", c.Status, c.Candidates, rs[0].Replies)
	}
	if !strings.Contains(rs[0].Replies[0], "1)") || !strings.Contains(rs[0].Replies[0], "2)") {
		t.Errorf("reply %q does not number the flows", rs[0].Replies[0])
	}
	second := c.Candidates[1]
	c, _ = say(e, c, "2")
	if c.Status != bot.StatusActive || c.Flow != second {
		t.Errorf("after picking 2: status %s flow %s", c.Status, c.Flow)
	}
}

func TestExpiryStartsFresh(t *testing.T) {
	e := exampleEngine(t, "../flows/testdata/valid")
	e.IdleAfter = time.Hour
	c, _ := say(e, bot.Conversation{}, "example api keeps returning 404")
	if c.Status != bot.StatusActive {
		t.Fatalf("status %s", c.Status)
	}
	c.Updated = c.Updated.Add(-2 * time.Hour) // two hours of silence
	r := e.Step(c, bot.Inbound{Body: "yes"}, T0.Add(time.Hour))
	if r.Conversation.Status == bot.StatusFixed || r.Conversation.Node == "fix-key" {
		t.Errorf("a stale answer still counted: %s/%s", r.Conversation.Status, r.Conversation.Node)
	}
}

func TestBackAndMisses(t *testing.T) {
	e := exampleEngine(t, "../flows/testdata/valid")
	c, rs := say(e, bot.Conversation{}, "example api keeps returning 404", "no", "back")
	if c.Node != "which-url" || c.Status != bot.StatusActive || len(c.Answers) != 0 {
		t.Fatalf("BACK: node %s status %s answers %v", c.Node, c.Status, c.Answers)
	}
	if !strings.Contains(rs[2].Replies[0], "1) Yes") {
		t.Errorf("BACK did not re-ask: %q", rs[2].Replies)
	}
	c, rs = say(e, c, "banana", "pineapple")
	if !rs[0].Missed || !strings.Contains(rs[1].Replies[0], "HUMAN") {
		t.Errorf("second miss should offer HUMAN: %q", rs[1].Replies)
	}
	c, rs = say(e, c, "mango")
	if c.Status != bot.StatusHandoff || rs[0].Handoff == nil {
		t.Errorf("third miss: status %s handoff %v", c.Status, rs[0].Handoff)
	}
}

func TestMediaOnly(t *testing.T) {
	e := exampleEngine(t, "../flows/testdata/valid")
	r := e.Step(bot.Conversation{}, bot.Inbound{NumMedia: 1}, T0)
	if len(r.Replies) != 1 || !strings.Contains(r.Replies[0], "in words") {
		t.Errorf("media only: %q", r.Replies)
	}
}

// FuzzStep: whatever people text, the engine never panics, never answers
// an opted-out number, never sends over 1,600 characters, and keeps every
// conversation on a valid node.
func FuzzStep(f *testing.F) {
	for _, s := range []string{
		"claude code 403\n3\nregion not supported",
		"hi\nclaude code 403\nSTOP\nhello\nSTART\nback\nback",
		"example api 404\nyes\nno\nNO\nhuman\nreset",
		"403 forbidden\n\x00\xff\n👍\n" + strings.Repeat("a", 3000),
		"claude code 403\n2\nBACK\nBACK\nRESET\nstop texting me\nyes",
	} {
		f.Add(s)
	}
	lib := mustLibrary(f)
	e := &bot.Engine{Flows: lib, BaseURL: "https://textfix.test", IdleAfter: 3 * time.Minute}
	f.Fuzz(func(t *testing.T, script string) {
		var c bot.Conversation
		now := T0
		for i, text := range strings.Split(script, "\n") {
			if i > 40 {
				break
			}
			now = now.Add(time.Minute)
			optedOut := c.Status == bot.StatusOptedOut
			r := e.Step(c, bot.Inbound{From: "+15555550100", Body: text, PageID: "p"}, now)
			c = r.Conversation
			if optedOut && !r.OptIn && (len(r.Replies) > 0 || r.Handoff != nil) {
				t.Fatalf("replied to an opted-out number: %q", r.Replies)
			}
			for _, m := range r.Replies {
				if utf8.RuneCountInString(m) > bot.MaxReplyLen {
					t.Fatalf("reply of %d characters", utf8.RuneCountInString(m))
				}
				if n, enc := segment.Count(m); n > 3 {
					t.Fatalf("reply of %d %s segments: %q", n, enc, m)
				}
			}
			validState(t, lib, c)
		}
	})
}

func validState(t *testing.T, lib *flows.Library, c bot.Conversation) {
	t.Helper()
	switch c.Status {
	case bot.StatusIdle, bot.StatusOptedOut:
		return
	case bot.StatusActive, bot.StatusFixed, bot.StatusHandoff:
	default:
		t.Fatalf("unknown status %q", c.Status)
	}
	if c.Status == bot.StatusHandoff && c.Flow == "" {
		return // HUMAN before any flow
	}
	flow := lib.Flow(c.Flow)
	if flow == nil {
		t.Fatalf("status %s on unknown flow %q", c.Status, c.Flow)
	}
	n := flow.Node(c.Node)
	if n == nil {
		t.Fatalf("status %s on unknown node %s/%q", c.Status, c.Flow, c.Node)
	}
	want := map[bot.Status]flows.Kind{bot.StatusActive: flows.Question, bot.StatusFixed: flows.Fix}
	if k, ok := want[c.Status]; ok && n.Kind != k {
		t.Fatalf("status %s at a %s node %s", c.Status, n.Kind, n.ID)
	}
}

func TestFeedback(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		answer     string
		want       bot.FeedbackAnswer // recorded
		status     bot.Status
		node, flow string
	}{
		{"yes", "yes", bot.StatusIdle, "", ""},
		{"thanks, that did it", "yes", bot.StatusIdle, "", ""},
		{"nope", "no_handoff", bot.StatusHandoff, "handoff-support", "claude-code-403"},
		{"no, still the same error after waiting a whole hour", "no_handoff", bot.StatusHandoff, "handoff-support", "claude-code-403"},
		{"claude code 403 unusual activity again", "", bot.StatusFixed, "fix-abuse", "claude-code-403"}, // same problem: not restarted
		{"now stripe says card_declined insufficient_funds", "", bot.StatusActive, "", "stripe-402"},    // a new problem
	}
	for _, tt := range tests {
		c, rs := say(e, bot.Conversation{}, "claude code 403 unusual activity on my api key", tt.answer)
		r := rs[1]
		var got bot.FeedbackAnswer
		if r.Feedback != nil {
			got = r.Feedback.Answer
			if r.Feedback.PageID != rs[0].Page.ID {
				t.Errorf("%q: feedback on page %q, want %q", tt.answer, r.Feedback.PageID, rs[0].Page.ID)
			}
		}
		if got != tt.want || c.Status != tt.status || tt.node != "" && c.Node != tt.node || c.Flow != tt.flow {
			t.Errorf("%q: feedback %q status %s node %s flow %s; want %q %s %s %s", tt.answer, got, c.Status, c.Node, c.Flow, tt.want, tt.status, tt.node, tt.flow)
		}
	}
}

// NO records what followed on the page: the next fix texted, then, when
// the fixes run out, a person.
func TestFeedbackNoRecordsWhatFollowed(t *testing.T) {
	_, rs := say(newEngine(t), bot.Conversation{}, "claude code 403 request not allowed, i'm on max", "its active, nothing changed", "no", "no", "no")
	var got []bot.FeedbackAnswer
	for _, r := range rs[2:] {
		if r.Feedback == nil {
			t.Fatalf("no feedback recorded: %+v", r)
		}
		got = append(got, r.Feedback.Answer)
	}
	want := []bot.FeedbackAnswer{bot.FeedbackNo, bot.FeedbackNo, bot.FeedbackNoHandoff} // fix-proxy, fix-region, a person
	if strings.Join(toStrings(got), " ") != strings.Join(toStrings(want), " ") {
		t.Errorf("recorded %q, want %q", got, want)
	}
	if c := rs[4].Conversation; c.Status != bot.StatusHandoff {
		t.Errorf("after three NOs: %s at %s", c.Status, c.Node)
	}
}

func toStrings(fs []bot.FeedbackAnswer) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// A text that answers a later question instead of the one asked is
// said back, kept for that question and no miss; the question is asked
// again (issue 10: answers already given are not asked again).
func TestMissIsRemembered(t *testing.T) {
	e := newEngine(t)
	// "github actions" answers where-runs, which two answers to sign-in
	// lead to: at sign-in it answers nothing, yet it is not asked again.
	c, rs := say(e, bot.Conversation{}, "claude code 401", "it runs in our github actions pipeline", "api key", "oauth token expired")
	if rs[1].Missed || len(c.Said) != 4 || c.Texts != 4 || !strings.HasPrefix(rs[1].Replies[0], "Got it: it runs in CI") ||
		!strings.Contains(rs[1].Replies[0], "How does Claude Code sign you in?") {
		t.Fatalf("want it kept, no miss: missed %v, Said %q, Texts %d, %q", rs[1].Missed, c.Said, c.Texts, rs[1].Replies)
	}
	if c.Node != "fix-ci-token" || !strings.Contains(rs[3].Replies[0], "Got it from your 2nd text: it runs in CI") {
		t.Errorf("at %s: %q", c.Node, rs[3].Replies)
	}
}

// Another error told instead of an answer ("wait no, it's 429 not 403")
// starts its flow, with no miss; one of the same flow is no switch.
func TestCorrectionSwitchesFlow(t *testing.T) {
	e := newEngine(t)
	c, rs := say(e, bot.Conversation{}, "claude code 403", "wait no, its 429 not 403. usage limit")
	if c.Flow != "claude-code-429" || rs[1].Missed {
		t.Errorf("correction: flow %s at %s, missed %v: %q", c.Flow, c.Node, rs[1].Missed, rs[1].Replies)
	}
	c, rs = say(e, bot.Conversation{}, "claude code 403", "its a 403 like i said")
	if c.Flow != "claude-code-403" {
		t.Errorf("same error again: flow %s, %q", c.Flow, rs[1].Replies)
	}
}

// The product alone, sent after the first text, is no miss: the
// question again.
func TestProductAloneIsNoMiss(t *testing.T) {
	e := newEngine(t)
	c, rs := say(e, bot.Conversation{}, "opus 403 in claude code", "claude code")
	if rs[1].Missed || c.Node != rs[0].Conversation.Node || !strings.Contains(rs[1].Replies[0], "How does Claude Code sign in?") {
		t.Errorf("product alone: missed %v at %s: %q", rs[1].Missed, c.Node, rs[1].Replies)
	}
}

// A conversation stored under a flow's former id (twilio-21610, now
// twilio-sms) is the renamed flow: texting about the same problem again
// does not restart it, and its events name the current id.
func TestRenamedFlowKeepsItsConversation(t *testing.T) {
	e := newEngine(t)
	c, _ := say(e, bot.Conversation{}, "customer replied stop and now twilio wont send them anything", "no, they meant it")
	if c.Status != bot.StatusFixed || c.Flow != "twilio-sms" {
		t.Fatalf("setup: %s %s/%s", c.Status, c.Flow, c.Node)
	}
	c.Flow = "twilio-21610" // as stored before the rename
	c.Candidates = []string{"twilio-21610"}
	c, rs := say(e, c, "twilio 21610 again")
	if c.Status != bot.StatusFixed || c.Flow != "twilio-sms" || c.Node != "fix-honor-opt-out" {
		t.Errorf("same problem again restarted the conversation: %s %s/%s %q", c.Status, c.Flow, c.Node, rs[0].Replies)
	}
	c, rs = say(e, c, "no")
	for _, ev := range rs[0].Events {
		if ev.Flow != "twilio-sms" {
			t.Errorf("event %+v names flow %q, want twilio-sms", ev, ev.Flow)
		}
	}
	if len(rs[0].Events) == 0 {
		t.Errorf("NO recorded no events (status %s)", c.Status)
	}
}
