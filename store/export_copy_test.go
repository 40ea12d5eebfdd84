package store_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
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

// A layout-1 file exports, once migrated, what the contract reads from it:
// the same conversations, transcripts, pages, tickets, outbox messages
// and sessions.
func TestExportMigratedV1(t *testing.T) {
	path, idx := openV1Fixture(t)
	db := mustOpenAt(t, path)
	var (
		got   fixture
		pages = map[string]bot.Page{}
		keys  = map[string]bot.Session{}
	)
	got.Transcripts = map[string][]bot.Line{}
	err := db.Export(context.Background(), store.Export{
		Conversation: func(c bot.Conversation) error { got.Conversations = append(got.Conversations, c); return nil },
		Transcript:   func(p string, ls []bot.Line) error { got.Transcripts[p] = ls; return nil },
		Page:         func(_ string, p bot.Page) error { pages[p.ID] = p; return nil },
		Ticket:       func(tk bot.Ticket) error { got.Tickets = append(got.Tickets, tk); return nil },
		Message:      func(m bot.OutMsg) error { got.Outbox = append(got.Outbox, m); return nil },
		Session:      func(s bot.Session) error { keys[s.Key] = s; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := idx.Read
	for _, p := range idx.Phones {
		if len(want.Transcripts[p]) == 0 {
			delete(want.Transcripts, p) // no lines, no call
		}
	}
	for _, p := range want.Pages {
		got.Pages = append(got.Pages, pages[p.ID])
	}
	for _, s := range want.Sessions {
		got.Sessions = append(got.Sessions, keys[s.Key])
	}
	if len(pages) < len(want.Pages) || len(keys) != len(want.Sessions) {
		t.Errorf("%d pages and %d sessions exported, %d and %d read", len(pages), len(keys), len(want.Pages), len(want.Sessions))
	}
	// The contract lists these newest first, Export in key order.
	slices.SortFunc(want.Conversations, func(a, b bot.Conversation) int { return strings.Compare(a.Phone, b.Phone) })
	slices.SortFunc(got.Conversations, func(a, b bot.Conversation) int { return strings.Compare(a.Phone, b.Phone) })
	slices.SortFunc(want.Tickets, func(a, b bot.Ticket) int { return a.Number - b.Number })
	slices.SortFunc(got.Tickets, func(a, b bot.Ticket) int { return a.Number - b.Number })
	byID := func(a, b bot.OutMsg) int { return cmp.Compare(len(a.ID), len(b.ID))*2 + strings.Compare(a.ID, b.ID) }
	slices.SortFunc(want.Outbox, byID)
	slices.SortFunc(got.Outbox, byID)
	want.Claims, want.Stats = nil, nil
	sameFixture(t, want, got)
}
