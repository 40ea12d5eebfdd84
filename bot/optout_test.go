package bot_test

import (
	"context"
	"errors"
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
