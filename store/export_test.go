package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

// Export hands over every kind of record the contract writes, decoded.
func TestExport(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if _, _, err := db.Inbound(ctx, bot.Claim{SID: "SM1", From: phone}, text(phone, "SM1", "hi")); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	err := db.Update(ctx, "", func(tx bot.Tx) error {
		if err := tx.PutPage(phone, bot.Page{ID: "p1", Title: "fix"}); err != nil {
			return err
		}
		if err := tx.PutPage("", bot.Page{ID: "p0", Title: "before owners"}); err != nil {
			return err
		}
		if err := tx.SaveTicket(&bot.Ticket{Phone: phone, State: bot.TicketWaiting}); err != nil {
			return err
		}
		if err := tx.Enqueue(&bot.OutMsg{To: "+15555559999", Body: "news", Kind: bot.OutNotify}); err != nil {
			return err
		}
		return tx.Record([]bot.Event{{Kind: bot.EventEdge, Flow: "f", Node: "q1", To: "q2"}, {Kind: bot.EventMiss, Flow: "f", Node: "q2", Text: "Huh"}}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, bot.Session{Key: "k", CSRF: "c", Created: now, Seen: now}); err != nil {
		t.Fatal(err)
	}

	var (
		convs    []bot.Conversation
		lines    = map[string][]bot.Line{}
		owners   = map[string]string{}
		tickets  []bot.Ticket
		msgs     []bot.OutMsg
		counters []store.Counter
		misses   []store.Unmatched
		sessions []bot.Session
	)
	err = db.Export(ctx, store.Export{
		Conversation: func(c bot.Conversation) error { convs = append(convs, c); return nil },
		Transcript:   func(p string, ls []bot.Line) error { lines[p] = ls; return nil },
		Page:         func(owner string, p bot.Page) error { owners[p.ID] = owner; return nil },
		Ticket:       func(tk bot.Ticket) error { tickets = append(tickets, tk); return nil },
		Message:      func(m bot.OutMsg) error { msgs = append(msgs, m); return nil },
		Counter:      func(c store.Counter) error { counters = append(counters, c); return nil },
		Unmatched:    func(u store.Unmatched) error { misses = append(misses, u); return nil },
		Session:      func(s bot.Session) error { sessions = append(sessions, s); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) != 1 || convs[0].Phone != phone || convs[0].Misses != 1 {
		t.Errorf("conversations %+v", convs)
	}
	if ls := lines[phone]; len(ls) != 2 || ls[0].Seq != 1 || ls[1].Seq != 2 || ls[0].Body != "hi" {
		t.Errorf("transcript %+v", ls)
	}
	if len(owners) != 2 || owners["p1"] != phone || owners["p0"] != "" {
		t.Errorf("page owners %v", owners)
	}
	if len(tickets) != 1 || tickets[0].Number != 1 || len(msgs) != 1 || msgs[0].ID != "1" || msgs[0].State != bot.OutQueued {
		t.Errorf("tickets %+v, messages %+v", tickets, msgs)
	}
	want := store.Counter{Flow: "f", Day: "2026-03-01", Kind: bot.EventEdge, Node: "q1", To: "q2", N: 1}
	if len(counters) != 2 || (counters[0] != want && counters[1] != want) {
		t.Errorf("counters %+v, want %+v among them", counters, want)
	}
	if len(misses) != 1 || misses[0] != (store.Unmatched{Flow: "f", Node: "q2", Text: "huh", N: 1}) {
		t.Errorf("unmatched %+v", misses)
	}
	if len(sessions) != 1 || sessions[0].Key != "k" || sessions[0].CSRF != "c" {
		t.Errorf("sessions %+v", sessions)
	}
}
