package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
)

// Twilio's word that a number unsubscribed (MarkOptedOut) opts it out as
// STOP does: the desk refuses to text it, the bot answers nothing but an
// opt-in, and OptedOut says so until then.
func TestMarkOptedOut(t *testing.T) {
	db := deskStore(t)
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	e := &bot.Engine{Flows: lib, BaseURL: "https://textfix.test"}
	d := &bot.Desk{BaseURL: "https://textfix.test"}
	const phone = "+15555550100"
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	optedOut := func() bool {
		t.Helper()
		var out bool
		if err := deskUpdate(t, db, func(tx bot.Tx) (err error) { out, err = bot.OptedOut(tx, phone); return err }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	say := func(text string) []string {
		t.Helper()
		var replies []bot.Line
		if err := deskUpdate(t, db, func(tx bot.Tx) (err error) {
			replies, err = d.Handle(tx, e, bot.Inbound{From: phone, Body: text, PageID: bot.NewPageID()}, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return bot.Bodies(replies)
	}

	if optedOut() {
		t.Fatal("a number never seen is opted out")
	}
	say("claude code 403")
	if err := deskUpdate(t, db, func(tx bot.Tx) error { return bot.MarkOptedOut(tx, phone) }); err != nil {
		t.Fatal(err)
	}
	if !optedOut() {
		t.Fatal("not opted out after MarkOptedOut")
	}
	if c, err := db.Conversation(context.Background(), phone); err != nil || c.Status != bot.StatusOptedOut || c.Flow != "claude-code-403" {
		t.Errorf("conversation %+v, %v: want opted_out, the rest as it was", c, err)
	}
	if err := deskUpdate(t, db, func(tx bot.Tx) error { _, err := d.TakeOver(tx, phone, now); return err }); !errors.Is(err, bot.ErrOptedOut) {
		t.Errorf("take over an opted-out number: %v, want ErrOptedOut", err)
	}
	if r := say("hello?"); len(r) != 0 {
		t.Errorf("opted out, the bot said %q", r)
	}
	if r := say("START"); len(r) == 0 || optedOut() {
		t.Errorf("START: replies %q, opted out %v", r, optedOut())
	}
}

// Opting out by "any reasonable means": the STOP family however it is
// typed — polite words around it, repeated, in fullwidth or fancy letters,
// with zero-width characters inside, or in Spanish — and nothing that only
// mentions stopping.
func TestOptOutPhrasing(t *testing.T) {
	tests := []struct {
		text string
		stop bool
	}{
		{"STOP", true},
		{"stop please", true},
		{"Stop, please.", true},
		{"please stop", true},
		{"pls stop!!", true},
		{"stop now", true},
		{"ok stop thanks", true},
		{"STOP STOP", true},
		{"stop stop stop", true},
		{"Stop. Stop.", true},
		{"unsubscribe unsubscribe", true},
		{"stop texting me stop texting me", true},
		{"ＳＴＯＰ", true},             // fullwidth
		{"ｓｔｏｐ　ｐｌｅａｓｅ", true},      // fullwidth, ideographic space
		{"S\u200bTOP", true},       // zero-width space
		{"\ufeffSTOP", true},       // byte order mark
		{"ST\u200dOP\u2060", true}, // zero-width joiner, word joiner
		{"S\u00adTOP", true},       // soft hyphen
		{"𝐒𝐓𝐎𝐏", true},             // mathematical bold
		{"ALTO", true},
		{"Parar", true},
		{"cancelar", true},
		{"alto por favor", true},
		{"por favor, cancelar", true},
		{"ALTO ALTO", true},
		{"cancel", true},
		{"end", true},

		{"", false},
		{"please", false},
		{"please please", false},
		{"thanks", false},
		{"stop the 403", false},
		{"how do I stop claude code retrying", false},
		{"dont stop", false},
		{"stop start", false},
		{"stopping", false},
		{"claude code 403 stop", false},
		{"alto 403", false},
		{"\u200b", false},
		{"ＨＥＬＰ", false}, // only the STOP family is folded here
	}
	for _, tt := range tests {
		if got := bot.KeywordOf(tt.text) == bot.KwStop; got != tt.stop {
			t.Errorf("KeywordOf(%q) is STOP: %v, want %v", tt.text, got, tt.stop)
		}
	}
}

// An opt-out is heard wherever the conversation is: in the middle of a
// question, in a handoff, and from an operator.
func TestOptOutWinsEverywhere(t *testing.T) {
	e := newEngine(t)
	c, rs := say(e, bot.Conversation{}, "claude code 403")
	if c.Status != bot.StatusActive {
		t.Fatalf("not at a question: %+v %q", c, rs[0].Replies)
	}
	for _, text := range []string{"stop please", "ＳＴＯＰ", "S\u200bTOP", "alto", "STOP STOP"} {
		r := e.Step(c, bot.Inbound{From: "+15555550100", Body: text}, T0.Add(time.Hour))
		if !r.OptOut || r.Conversation.Status != bot.StatusOptedOut || len(r.Replies) != 0 {
			t.Errorf("%q at a question: opt-out %v, status %s, replies %q", text, r.OptOut, r.Conversation.Status, r.Replies)
		}
	}
	c, _ = say(e, bot.Conversation{}, "human")
	if r := e.Step(c, bot.Inbound{From: "+15555550100", Body: "por favor alto"}, T0.Add(time.Hour)); !r.OptOut {
		t.Errorf("in a handoff: not opted out: %+v", r)
	}
}

// The one opt-out rule (Desk.OptOut), whichever way the opt-out arrives:
// the number is opted out, its open ticket closes with the reason noted
// on it, and the operators are told once.
func TestOptOutClosesTicket(t *testing.T) {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	e := &bot.Engine{Flows: lib, BaseURL: "https://textfix.test"}
	const op1, op2 = "+15555559991", "+15555559992"
	d := &bot.Desk{Operators: []string{op1, op2}, BaseURL: "https://textfix.test"}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		stop func(t *testing.T, db bot.Transactor, phone string)
		why  string
	}{
		{"Twilio's 21610", func(t *testing.T, db bot.Transactor, phone string) {
			for range 2 { // a send and its delivery report both say so
				if err := db.Update(ctx, phone, func(tx bot.Tx) error {
					return d.OptOut(tx, phone, "Twilio refused to deliver (21610, unsubscribed)", now)
				}); err != nil {
					t.Fatal(err)
				}
			}
		}, "21610"},
		{"STOP", func(t *testing.T, db bot.Transactor, phone string) {
			if err := db.Update(ctx, phone, func(tx bot.Tx) error {
				_, err := d.Handle(tx, e, bot.Inbound{From: phone, Body: "stop please"}, now)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}, "STOP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := deskStore(t)
			const phone = "+15555550100"
			if err := deskUpdate(t, db, func(tx bot.Tx) error {
				_, err := d.Handle(tx, e, bot.Inbound{From: phone, Body: "human"}, now)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			tc.stop(t, db, phone)
			c, _ := db.Conversation(ctx, phone)
			if c.Status != bot.StatusOptedOut {
				t.Errorf("status %s, want opted_out", c.Status)
			}
			tks, _ := db.Tickets(ctx, 10, false)
			if len(tks) != 1 || tks[0].Open() || !strings.Contains(tks[0].ClosedWhy, tc.why) || tks[0].Notes != nil {
				t.Fatalf("tickets %+v: want #1 closed, noting %s, without notification notes", tks, tc.why)
			}
			msgs, _ := db.OutboxList(ctx, 20, false)
			told := map[string]int{}
			for _, m := range msgs {
				if strings.Contains(m.Body, "#1 closed") && strings.Contains(m.Body, "opted out") && strings.Contains(m.Body, tc.why) {
					told[m.To]++
				}
				if m.To == phone {
					t.Errorf("queued to the person who opted out: %+v", m)
				}
			}
			if told[op1] != 1 || told[op2] != 1 {
				t.Errorf("operators told %v, want once each:\n%+v", told, msgs)
			}
		})
	}
}
