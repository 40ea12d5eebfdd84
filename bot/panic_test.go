package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// The desk's entry points return a panic as a *bot.PanicError instead of
// panicking through the store's transaction: a text that hits a bug fails,
// and the panic's message is redacted. (A stored conversation the flows
// no longer fit was such a text until the engine repaired them: see
// TestStaleConversations. A nil engine stands in for the next bug.)
func TestDeskPanicIsAnError(t *testing.T) {
	db := deskStore(t)
	d := &bot.Desk{}
	const phone = "+15555550100"
	err := deskUpdate(t, db, func(tx bot.Tx) error {
		_, err := d.Handle(tx, nil, bot.Inbound{From: phone, Body: "back"}, time.Now())
		return err
	})
	var pe *bot.PanicError
	if !errors.As(err, &pe) || !strings.Contains(pe.Error(), "nil pointer") || !strings.Contains(string(pe.Stack), "Step") {
		t.Fatalf("Handle: %v, want a PanicError from the engine's Step", err)
	}
	if _, err := d.Sweep(nil, time.Now()); !errors.As(err, &pe) {
		t.Errorf("Sweep: %v, want a PanicError", err)
	}

	func() {
		var err error
		defer func() {
			if !errors.As(err, &pe) || strings.Contains(pe.Value, "sk-ant-") || strings.Contains(pe.Value, "5551260002") || !strings.Contains(pe.Value, "***0002") {
				t.Errorf("CatchPanic: %v, want a redacted PanicError with the number masked", err)
			}
		}()
		defer bot.CatchPanic(&err)
		panic("conversation +15551260002: bad key sk-ant-api03-" + strings.Repeat("x", 90))
	}()
}
