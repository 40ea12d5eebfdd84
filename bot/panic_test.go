package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// The desk's entry points return a panic as a *bot.PanicError instead of
// panicking through the store's transaction: a broken stored conversation
// fails its text, and the panic's message is redacted.
func TestDeskPanicIsAnError(t *testing.T) {
	db := deskStore(t)
	e := newEngine(t)
	d := &bot.Desk{}
	const phone = "+15555550100"
	if err := deskUpdate(t, db, func(tx bot.Tx) error {
		c, _ := tx.Conversation(phone)
		c.Status, c.Flow, c.Node = bot.StatusActive, "claude-code-403", "smoke-test"
		c.Answers = []bot.Answer{{Node: "no-such-node"}}
		return tx.SaveConversation(c)
	}); err != nil {
		t.Fatal(err)
	}
	err := deskUpdate(t, db, func(tx bot.Tx) error {
		_, err := d.Handle(tx, e, bot.Inbound{From: phone, Body: "back"}, time.Now())
		return err
	})
	var pe *bot.PanicError
	if !errors.As(err, &pe) || !strings.Contains(pe.Error(), "nil pointer") || !strings.Contains(string(pe.Stack), "back") {
		t.Fatalf("Handle: %v, want a PanicError from the engine's back", err)
	}
	if _, err := d.Sweep(nil, time.Now()); !errors.As(err, &pe) {
		t.Errorf("Sweep: %v, want a PanicError", err)
	}

	func() {
		var err error
		defer func() {
			if !errors.As(err, &pe) || strings.Contains(pe.Value, "sk-ant-") {
				t.Errorf("CatchPanic: %v, want a redacted PanicError", err)
			}
		}()
		defer bot.CatchPanic(&err)
		panic("bad key sk-ant-api03-" + strings.Repeat("x", 90))
	}()
}
