package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// Retaining is a store with the optional capability of retention
// ([bot.Retainer]).
type Retaining interface {
	bot.Store
	bot.Retainer
}

// RetainingOpener opens a fresh, empty store as Opener does.
type RetainingOpener func(t *testing.T, clock func() time.Time) Retaining

// RunRetainer runs the conformance tests of retention against stores made
// by open; a backend with bot.Retainer runs it beside Run.
func RunRetainer(t *testing.T, open RetainingOpener) {
	e := &env{t: t, now: T0}
	s := open(t, e.clock)
	e.s = s
	testRetain(t, e, s)
}

// Retain deletes what is older than the cut-off and keeps the rest: an
// idle number with its page (which then reports ErrExpired) and its open
// ticket, the old lines of a number still texting, closed tickets,
// messages and unmatched samples from before; counters stay, and so does
// the open ticket of a number still texting.
func testRetain(t *testing.T, e *env, s bot.Retainer) {
	ctx := t.Context()
	const idle, regular = phoneA, phoneB
	old := e.clock()
	e.inbound(idle, "SMold1", "old text")
	e.inbound(regular, "SMreg1", "regular old")
	e.update(func(tx bot.Tx) error {
		if err := tx.PutPage(idle, bot.Page{ID: "OldPage000001", Kind: bot.PageFix, Title: "t", Created: old}); err != nil {
			return err
		}
		if err := tx.PutPage(regular, bot.Page{ID: "OldPage000002", Kind: bot.PageFix, Title: "t", Created: old}); err != nil {
			return err
		}
		if err := tx.SaveTicket(&bot.Ticket{Phone: operator, State: bot.TicketClosed, Opened: old, Closed: old}); err != nil {
			return err
		}
		if err := tx.SaveTicket(&bot.Ticket{Phone: regular, State: bot.TicketWaiting, Opened: old}); err != nil {
			return err
		}
		if err := tx.SaveTicket(&bot.Ticket{Phone: idle, State: bot.TicketWaiting, Opened: old}); err != nil {
			return err
		}
		if err := tx.Enqueue(&bot.OutMsg{To: idle, Body: "never sent"}); err != nil {
			return err
		}
		m := bot.OutMsg{To: operator, Body: "old notice"}
		if err := tx.Enqueue(&m); err != nil {
			return err
		}
		m.State = bot.OutSent
		if err := tx.SaveMessage(m); err != nil {
			return err
		}
		return tx.Record([]bot.Event{{Kind: bot.EventStart, Flow: "f"}, {Kind: bot.EventMiss, Flow: "f", Node: "q", Text: "old sample"}}, old)
	})

	now := e.advance(100 * 24 * time.Hour)
	e.inbound(regular, "SMreg2", "regular new")
	e.update(func(tx bot.Tx) error {
		if err := tx.PutPage(regular, bot.Page{ID: "NewPage000001", Kind: bot.PageFix, Title: "t", Created: now}); err != nil {
			return err
		}
		return tx.Record([]bot.Event{{Kind: bot.EventStart, Flow: "f"}, {Kind: bot.EventMiss, Flow: "f", Node: "q", Text: "new sample"}}, now)
	})

	n, err := s.Retain(ctx, now.Add(-90*24*time.Hour))
	if err != nil || n == 0 {
		t.Fatalf("Retain: %d, %v", n, err)
	}
	if _, err := e.s.Conversation(ctx, idle); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the idle number's conversation: %v, want ErrNotFound", err)
	}
	if lines := e.transcript(idle); len(lines) != 0 {
		t.Errorf("the idle number's transcript: %v", bodies(lines))
	}
	for _, id := range []string{"OldPage000001", "OldPage000002"} {
		if _, err := e.s.Page(ctx, id); !errors.Is(err, bot.ErrExpired) {
			t.Errorf("old page %s: %v, want ErrExpired", id, err)
		}
	}
	if _, err := e.s.Page(ctx, "NewPage000001"); err != nil {
		t.Errorf("a new page: %v", err)
	}
	if _, err := e.s.Page(ctx, "NeverMade0001"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a page never made: %v, want ErrNotFound", err)
	}
	var kept []string
	for _, l := range e.transcript(regular) {
		if l.Body != "" {
			kept = append(kept, l.Body)
		}
	}
	if fmt.Sprint(kept) != "[regular new re: regular new]" {
		t.Errorf("the regular's transcript keeps %q, want the new lines only", kept)
	}
	if e.conversation(regular).Misses != 2 {
		t.Error("the regular's conversation changed")
	}
	tickets, err := e.s.Tickets(ctx, 10, false)
	if err != nil || len(tickets) != 1 || tickets[0].Phone != regular {
		t.Errorf("tickets after retention: %+v, %v; want the regular's open one only", tickets, err)
	}
	msgs, err := e.s.OutboxList(ctx, 10, false)
	if err != nil || len(msgs) != 0 {
		t.Errorf("outbox after retention: %+v, %v", msgs, err)
	}
	st, err := e.s.Stats(ctx, "f", old)
	if err != nil || st.Started != 2 {
		t.Errorf("counters after retention: %+v, %v; want both starts", st, err)
	}
	if u := st.Unmatched["q"]; len(u) != 1 || u[0].Text != "new sample" {
		t.Errorf("samples after retention: %+v; want the new one only", u)
	}
}
