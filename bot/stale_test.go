package bot_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
)

// The person's texts a stale conversation is tried with: every kind of
// input the engine tells apart.
var staleInputs = []struct{ name, text string }{
	{"answer", "2"},
	{"BACK", "back"},
	{"RESET", "reset"},
	{"HELP", "help"},
	{"YES", "yes"},
	{"NO", "no"},
	{"new problem", "stripe says card_declined insufficient_funds"},
	{"HUMAN", "human"},
	{"STOP", "stop"},
	{"START", "start"},
	{"empty", ""},
}

// The conversations the flows change under, played on the embedded
// library: one for each state.
var staleStates = map[string][]string{
	"active":         {"claude code 403", "api key"},                     // at smoke-test
	"active, deeper": {"claude code 403", "api key", "can't run it now"}, // at later-changed
	"fixed":          {"claude code 403", "api key", "401 unauthorized"}, // at fix-new-key
	"fixed, tried":   {"claude code 403", "api key", "401 unauthorized", "no"},
	"handoff":        {"claude code 403", "api key", "human"},
	"idle, offered":  {"403"}, // "Is this 1) Claude Code 403 forbidden or 2) something else?"
}

const f403 = "claude-code-403"

// TestStaleConversations: every kind of damage a reload can do to a
// stored conversation (flows check passes each edited set), in every
// state, for every kind of input. The engine never panics, leaves a
// valid state, reports the damage once in Result.Stale with the rule's
// outcome, and tells the person.
func TestStaleConversations(t *testing.T) {
	base := newEngine(t)
	tests := []struct {
		damage string
		state  string
		edit   flowEdit
		want   bot.StaleOutcome // "" when the conversation still fits
		to     string           // moved: the question the person is at
		why    bot.Damage
	}{
		{"node renamed", "active", flowEdit{kind: renameNode, flow: f403, node: "smoke-test"}, bot.StaleMoved, "smoke-test-v2", bot.DamageNodeGone},
		{"node removed", "active", flowEdit{kind: removeNode, flow: f403, node: "smoke-test"}, bot.StaleMoved, "sign-in", bot.DamageNodeGone},
		{"node removed, deeper", "active, deeper", flowEdit{kind: removeNode, flow: f403, node: "later-changed"}, bot.StaleMoved, "smoke-test", bot.DamageNodeGone},
		{"answered node renamed", "active, deeper", flowEdit{kind: renameNode, flow: f403, node: "smoke-test"}, "", "", ""},
		{"choice removed: index out of range", "active, deeper", flowEdit{kind: removeChoice, flow: f403, node: "smoke-test", choice: 6}, bot.StaleMoved, "smoke-test", bot.DamageNodeGone},
		{"question is now info", "active", flowEdit{kind: changeKind, flow: f403, node: "smoke-test"}, bot.StaleMoved, "sign-in", bot.DamageNodeKind},
		{"question is now a fix", "active", flowEdit{kind: changeKind, flow: f403, node: "smoke-test", choice: 1}, bot.StaleMoved, "sign-in", bot.DamageNodeKind},
		{"flow removed", "active", flowEdit{kind: removeFlow, flow: f403}, bot.StaleReset, "", bot.DamageFlowGone},
		{"flow renamed, no alias", "active", flowEdit{kind: renameFlow, flow: f403}, bot.StaleReset, "", bot.DamageFlowGone},

		{"fix renamed", "fixed", flowEdit{kind: renameNode, flow: f403, node: "fix-new-key"}, bot.StaleKept, "", bot.DamageNodeGone},
		{"fix removed", "fixed", flowEdit{kind: removeNode, flow: f403, node: "fix-new-key"}, bot.StaleKept, "", bot.DamageNodeGone},
		{"fix's choice removed", "fixed", flowEdit{kind: removeChoice, flow: f403, node: "smoke-test", choice: 1}, bot.StaleKept, "", bot.DamageNodeGone},
		{"fix is now a question", "fixed", flowEdit{kind: changeKind, flow: f403, node: "fix-new-key"}, bot.StaleKept, "", bot.DamageNodeKind},
		{"fix is now a handoff", "fixed", flowEdit{kind: changeKind, flow: f403, node: "fix-new-key", choice: 1}, bot.StaleKept, "", bot.DamageNodeKind},
		{"flow removed", "fixed", flowEdit{kind: removeFlow, flow: f403}, bot.StaleKept, "", bot.DamageFlowGone},
		{"flow renamed, no alias", "fixed", flowEdit{kind: renameFlow, flow: f403}, bot.StaleKept, "", bot.DamageFlowGone},
		{"tried fix removed", "fixed, tried", flowEdit{kind: removeNode, flow: f403, node: "fix-new-key"}, "", "", ""},
		{"next fix removed", "fixed", flowEdit{kind: removeNode, flow: f403, node: "fix-claude-config"}, "", "", ""},

		{"node removed", "handoff", flowEdit{kind: removeNode, flow: f403, node: "smoke-test"}, "", "", ""},
		{"flow removed", "handoff", flowEdit{kind: removeFlow, flow: f403}, "", "", ""},

		{"offered flow removed", "idle, offered", flowEdit{kind: removeFlow, flow: f403}, bot.StaleReset, "", bot.DamageOfferGone},
		{"offered flow renamed, no alias", "idle, offered", flowEdit{kind: renameFlow, flow: f403}, bot.StaleReset, "", bot.DamageOfferGone},
		{"catch-all removed", "idle, offered", flowEdit{kind: removeFlow, flow: "other-error"}, bot.StaleReset, "", bot.DamageOfferGone},
		{"node removed", "idle, offered", flowEdit{kind: removeNode, flow: f403, node: "smoke-test"}, "", "", ""},
	}
	for _, tt := range tests {
		lib := editedLibrary(t, tt.edit)
		if lib == nil {
			t.Fatalf("%s: the edit %s does not load", tt.damage, tt.edit)
		}
		e := &bot.Engine{Flows: lib, BaseURL: base.BaseURL}
		stored, _ := say(base, bot.Conversation{}, staleStates[tt.state]...)
		if st := e.Stale(stored); !sameOutcome(st, tt.want, tt.to, tt.why) {
			t.Errorf("%s, %s: Engine.Stale = %v, want %s %s %s", tt.damage, tt.state, st, tt.want, tt.to, tt.why)
		}
		for _, in := range staleInputs {
			name := tt.damage + ", " + tt.state + ", " + in.name
			r := e.Step(stored, bot.Inbound{From: "+15555550100", Body: in.text, PageID: "pg"}, stored.Updated.Add(time.Minute))
			c := r.Conversation
			validStaleState(t, name, lib, c)
			if in.name != "BACK" || tt.want != "" {
				if !sameOutcome(r.Stale, tt.want, tt.to, tt.why) {
					t.Errorf("%s: Stale = %v, want %s %s %s", name, r.Stale, tt.want, tt.to, tt.why)
				}
			}
			if len(r.Replies) == 0 && tt.state != "handoff" && in.name != "STOP" { // a person has it, or Twilio confirms: the bot stays quiet
				t.Errorf("%s: no reply", name)
				continue
			}
			if st := e.Stale(c); st != nil {
				t.Errorf("%s: the conversation after the text is stale again: %v", name, st)
			}
			r2 := e.Step(c, bot.Inbound{From: "+15555550100", Body: "ok", PageID: "pg2"}, c.Updated.Add(time.Minute))
			if r2.Stale != nil {
				t.Errorf("%s: the next text reports it again: %v", name, r2.Stale)
			}
			checkTold(t, name, tt.want, tt.to, in.name, r)
		}
	}
}

// checkTold checks what the person was told, by outcome and input.
func checkTold(t *testing.T, name string, want bot.StaleOutcome, to, input string, r bot.Result) {
	t.Helper()
	if len(r.Replies) == 0 {
		return
	}
	c, first, last := r.Conversation, r.Replies[0], r.Replies[len(r.Replies)-1]
	const moved, reset = "Sorry, my questions changed after an update.", "Sorry, this conversation was reset after an update. Text your error again."
	switch {
	case input == "HUMAN": // a person takes it, stale or not
		if r.Handoff == nil || c.Status != bot.StatusHandoff {
			t.Errorf("%s: %q, %s", name, r.Replies, c.Status)
		}
	case input == "START" && want == bot.StaleReset: // the greeting: text the error
		if !strings.HasPrefix(first, "Text me the error") || c.Status != bot.StatusIdle {
			t.Errorf("%s: %q, %s", name, r.Replies, c.Status)
		}
	case input == "RESET":
		if !strings.HasPrefix(first, "OK, ") || c.Status != bot.StatusIdle {
			t.Errorf("%s: %q, %s", name, r.Replies, c.Status)
		}
	case want == bot.StaleReset && input == "new problem":
		if c.Status != bot.StatusActive || c.Flow != "stripe-402" {
			t.Errorf("%s: a new problem did not start its flow: %s %s %q", name, c.Status, c.Flow, r.Replies)
		}
	case want == bot.StaleReset:
		if last != reset || c.Status != bot.StatusIdle || len(r.Replies) != 1+map[bool]int{true: 1}[input == "HELP"] {
			t.Errorf("%s: %q (%s), want the reset note", name, r.Replies, c.Status)
		}
	case want == bot.StaleMoved:
		// The note and the question, in one SMS when they fit two
		// segments, else in two.
		told := strings.Join(r.Replies, "\n")
		if input == "HELP" {
			told = strings.Join(r.Replies[1:], "\n")
		}
		if !strings.HasPrefix(told, moved+"\n") || c.Status != bot.StatusActive {
			t.Errorf("%s: %q (%s), want the moved note and a question", name, r.Replies, c.Status)
		}
		if input != "BACK" && c.Node != to {
			t.Errorf("%s: at %s, want %s", name, c.Node, to)
		}
	case want == bot.StaleKept && input == "YES":
		if r.Feedback == nil || r.Feedback.Answer != bot.FeedbackYes || c.Status != bot.StatusIdle {
			t.Errorf("%s: YES on the kept page: %+v %s", name, r.Feedback, c.Status)
		}
	case want == bot.StaleKept && input == "NO":
		if r.Feedback == nil || r.Feedback.Answer != bot.FeedbackNoHandoff || r.Handoff == nil {
			t.Errorf("%s: NO on the kept page: %+v %v", name, r.Feedback, r.Handoff)
		}
	}
}

func sameOutcome(st *bot.Stale, want bot.StaleOutcome, to string, why bot.Damage) bool {
	if st == nil {
		return want == ""
	}
	return st.Outcome == want && st.To == to && st.Damage == why
}

// validStaleState: a conversation after a text fits the flows it ran
// with. Answers may name questions that are gone (they are what the
// person said; BACK passes over them), a fixed conversation kept after
// its fix node went has no node, and a handoff's flow is the person's
// business, not the bot's.
func validStaleState(t *testing.T, name string, lib *flows.Library, c bot.Conversation) {
	t.Helper()
	switch c.Status {
	case bot.StatusIdle:
		for _, id := range c.Candidates {
			if lib.Flow(id) == nil {
				t.Fatalf("%s: idle, offering a flow that is gone: %q", name, id)
			}
		}
	case bot.StatusActive:
		if n := lib.Flow(c.Flow).Node(c.Node); n == nil || n.Kind != flows.Question {
			t.Fatalf("%s: active at %s/%s, not a question", name, c.Flow, c.Node)
		}
	case bot.StatusFixed:
		if c.PageID == "" {
			t.Fatalf("%s: fixed without a page", name)
		}
		if n := lib.Flow(c.Flow).Node(c.Node); c.Node != "" && (n == nil || n.Kind != flows.Fix) {
			t.Fatalf("%s: fixed at %s/%s, not a fix", name, c.Flow, c.Node)
		}
	case bot.StatusHandoff, bot.StatusOptedOut:
	default:
		t.Fatalf("%s: unknown status %q", name, c.Status)
	}
}

// BACK passes over an answer whose question is gone (the crash of issue
// 13: a nil node) to the last question still there, finds a renamed one
// by its words, and reports it once.
func TestBackOverAnswersGone(t *testing.T) {
	base := newEngine(t)
	const moved = "Sorry, my questions changed after an update.\n"
	for _, tt := range []struct {
		name   string
		script []string
		edit   flowEdit
		from   string
		to     string
		reply  string
	}{
		{"renamed", []string{"claude code 403", "api key", "can't run it now"}, flowEdit{kind: renameNode, flow: f403, node: "smoke-test"},
			"later-changed", "smoke-test-v2", moved + "Run the curl test"},
		{"removed", []string{"claude code 403", "claude plan", "request not allowed"}, flowEdit{kind: removeNode, flow: f403, node: "plan-says"},
			"plan-active", "sign-in", moved + "How does Claude Code sign in?"},
	} {
		stored, _ := say(base, bot.Conversation{}, tt.script...)
		e := &bot.Engine{Flows: editedLibrary(t, tt.edit), BaseURL: base.BaseURL}
		if st := e.Stale(stored); st != nil {
			t.Fatalf("%s: the question asked is still there, yet Stale = %v", tt.name, st)
		}
		r := e.Step(stored, bot.Inbound{Body: "back"}, stored.Updated.Add(time.Minute))
		want := &bot.Stale{Flow: f403, Node: tt.from, Status: bot.StatusActive, Damage: bot.DamageAnswerGone, Outcome: bot.StaleMoved, To: tt.to}
		if c := r.Conversation; !reflect.DeepEqual(r.Stale, want) || c.Node != tt.to || !strings.HasPrefix(strings.Join(r.Replies, "\n"), tt.reply) {
			t.Errorf("%s: BACK: %v at %s: %q", tt.name, r.Stale, c.Node, r.Replies)
		}
		if r := e.Step(r.Conversation, bot.Inbound{Body: "back"}, stored.Updated.Add(2*time.Minute)); r.Stale != nil {
			t.Errorf("%s: BACK again reports %v", tt.name, r.Stale)
		}
	}

	// The stored conversation of TestPanicFailsOneTextProcess before this
	// fix: its one answer names a node no flow has.
	broken := bot.Conversation{Phone: "+15555550100", Status: bot.StatusActive, Flow: f403, Node: "smoke-test",
		Answers: []bot.Answer{{Node: "no-such-node"}}, Started: T0, Updated: T0}
	r := base.Step(broken, bot.Inbound{Body: "back"}, T0.Add(time.Minute))
	if c := r.Conversation; r.Stale == nil || r.Stale.Outcome != bot.StaleKept || c.Node != "smoke-test" || len(c.Answers) != 0 ||
		!strings.HasPrefix(strings.Join(r.Replies, "\n"), moved+"Run the curl test") {
		t.Fatalf("BACK over an answer to no node: %v at %s: %q", r.Stale, c.Node, r.Replies)
	}
}

// The repro of issue 13: smoke-test renamed to smoke-check with the same
// words. Answers are fitted by their question's words when their node is
// gone, and by their choice's label when its index moved.
func TestStaleReplayFitsAnswers(t *testing.T) {
	base := newEngine(t)
	stored, _ := say(base, bot.Conversation{}, "claude code 403", "api key", "can't run it now", "yes") // fix-workspace-model
	stored.Status, stored.Node, stored.PageID = bot.StatusActive, "gone", ""                            // as if a later question went
	e := &bot.Engine{Flows: editedLibrary(t,
		flowEdit{kind: renameNode, flow: f403, node: "smoke-test"},
		flowEdit{kind: removeChoice, flow: f403, node: "smoke-test-v2", choice: 0}, // "Can't run it now" is the 6th choice now
	), BaseURL: base.BaseURL}
	st := e.Stale(stored)
	if st == nil || st.Outcome != bot.StaleMoved || st.To != "later-changed" {
		t.Fatalf("Stale = %v, want moved to later-changed (its answer refitted, the fix not given unasked)", st)
	}
	r := e.Step(stored, bot.Inbound{Body: "yes"}, stored.Updated.Add(time.Minute))
	var got []string
	for _, a := range r.Conversation.Answers {
		got = append(got, a.Node+"="+a.Label)
	}
	if strings.Join(got, " ") != "sign-in=API key from the Claude Console smoke-test-v2=Can't run it now" || r.Conversation.Answers[1].Choice != 5 {
		t.Errorf("answers after the move: %v %+v", got, r.Conversation.Answers)
	}
}

// Stranded lists the live conversations a change of the flows strands,
// with what each one's next text will find, newest first, reading the
// store a page at a time and stopping at the idle period: the report of
// `textfix flows check --against` and of a reload.
func TestStranded(t *testing.T) {
	base := newEngine(t)
	db := deskStore(t)
	now := T0.Add(24 * time.Hour)
	at := func(phone string, updated time.Time, script ...string) bot.Conversation {
		c, _ := say(base, bot.Conversation{}, script...)
		c.Phone, c.Updated = phone, updated
		return c
	}
	convs := []bot.Conversation{
		at("+15555550001", now.Add(-time.Hour), "claude code 403", "api key", "can't run it now"), // issue 13's repro: BACK would crash
		at("+15555550002", now.Add(-2*time.Hour), "claude code 403", "api key"),                   // at the renamed node
		at("+15555550003", now.Add(-3*time.Hour), "claude code 403", "api key", "human"),          // a person has it
		at("+15555550004", now.Add(-25*time.Hour), "claude code 403", "api key"),                  // expired: starts fresh
		at("+15555550005", now.Add(-4*time.Hour), "stripe card_declined"),                         // another flow
	}
	for i := range 600 { // more than a page of conversations that fit
		convs = append(convs, at(fmt.Sprintf("+1555556%04d", i), now.Add(-30*time.Minute), "hi"))
	}
	if err := deskUpdate(t, db, func(tx bot.Tx) error {
		for _, c := range convs {
			if err := tx.SaveConversation(c); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	e := &bot.Engine{Flows: editedLibrary(t, flowEdit{kind: renameNode, flow: f403, node: "smoke-test"}), BaseURL: base.BaseURL}
	got, checked, err := e.Stranded(context.Background(), db, now)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range got {
		lines = append(lines, bot.Mask(s.Phone)+" "+s.Stale.String()+": "+s.Stale.Effect())
	}
	want := []string{
		"***0001 claude-code-403/later-changed (active): answer-gone, kept: stays where it is; BACK skips the answers whose question is gone",
		"***0002 claude-code-403/smoke-test (active): node-gone, moved to smoke-test-v2: moved to question smoke-test-v2, told the questions changed",
	}
	if checked != 604 || !reflect.DeepEqual(lines, want) {
		t.Errorf("checked %d, stranded:\n%s\nwant 604 and\n%s", checked, strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got, _, _ := base.Stranded(context.Background(), db, now); len(got) != 0 {
		t.Errorf("the flows they were made with strand %v", got)
	}
}
