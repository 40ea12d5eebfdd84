package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// Lines get Seq 1, 2, 3 … per number and the store's time when they have
// none; the tail and the last lines read what they should.
func testTranscript(t *testing.T, e *env) {
	ctx := t.Context()
	in := []bot.Line{{Dir: bot.In, Body: "1"}, {Dir: bot.Out, Body: "2", At: T0.Add(-time.Hour)}}
	var out []bot.Line
	e.update(func(tx bot.Tx) error {
		var err error
		out, err = tx.Append(phoneA, in...) // no conversation needed
		return err
	})
	if in[0].Seq != 0 {
		t.Error("Append changed the caller's lines")
	}
	if len(out) != 2 || out[0].Seq != 1 || out[1].Seq != 2 || !out[0].At.Equal(T0) || !out[1].At.Equal(T0.Add(-time.Hour)) {
		t.Fatalf("Append returned %+v: want seqs 1, 2, the store's time for a zero At", out)
	}
	for i := 3; i <= 7; i++ {
		e.update(func(tx bot.Tx) error {
			_, err := tx.Append(phoneA, bot.Line{Dir: bot.In, Body: fmt.Sprint(i)})
			return err
		})
	}
	e.update(func(tx bot.Tx) error {
		_, err := tx.Append(phoneB, bot.Line{Dir: bot.In, Body: "b1"})
		return err
	})
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "1234567"}, {-1, "1234567"}, {3, "567"}, {1, "7"}, {7, "1234567"}, {50, "1234567"}} {
		lines, err := e.s.TranscriptTail(ctx, phoneA, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(bodies(lines), ""); got != tt.want {
			t.Errorf("TranscriptTail(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if lines, err := e.s.TranscriptTail(ctx, "+15559999999", 3); err != nil || lines == nil || len(lines) != 0 {
		t.Errorf("unknown number: %#v, %v; want an empty slice", lines, err)
	}
	last, err := e.s.LastLines(ctx, phoneA, phoneB, "+15559999999")
	if err != nil || len(last) != 2 || last[phoneA].Body != "7" || last[phoneA].Seq != 7 || last[phoneB].Body != "b1" {
		t.Errorf("LastLines = %+v, %v", last, err)
	}
}

// Delivery reports find their line by MessageSid and only move it
// forward; the outbox's "sent" does not hide a report that came first.
func testDeliveryMovesForward(t *testing.T, e *env) {
	ctx := t.Context()
	e.update(func(tx bot.Tx) error {
		_, err := tx.Append(phoneA, bot.Line{Dir: bot.Out, Body: "reply", MessageID: "SMout"})
		return err
	})
	status := func() (bot.Delivery, string) {
		lines := e.transcript(phoneA)
		return lines[0].Status, lines[0].Error
	}
	for _, step := range []struct {
		status, want bot.Delivery
		code         string
	}{
		{"sent", "sent", ""},
		{"delivered", "delivered", ""},
		{"sent", "delivered", ""}, // late
		{"sending", "delivered", ""},
		{"read", "read", ""},
		{"delivered", "read", ""},
	} {
		phone, err := e.s.SetDelivery(ctx, "SMout", step.status, step.code)
		if err != nil || phone != phoneA {
			t.Fatalf("SetDelivery(%s) = %q, %v", step.status, phone, err)
		}
		if got, _ := status(); got != step.want {
			t.Errorf("after %s the line says %s, want %s", step.status, got, step.want)
		}
	}
	e.inbound(phoneA, "SMin", "an inbound text")
	for _, sid := range []string{"SMunknown", "", "SMin"} { // SMin: an inbound message has no delivery
		if _, err := e.s.SetDelivery(ctx, sid, "delivered", ""); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("SetDelivery(%q): %v, want ErrNotFound", sid, err)
		}
	}

	// An outbox message's line: queued, then sent with its MessageSid, which
	// a report then finds.
	var m bot.OutMsg
	e.update(func(tx bot.Tx) error {
		lines, err := tx.Append(phoneB, bot.Line{Dir: bot.Out, Body: "relay", Status: bot.Delivery(bot.OutQueued)})
		if err != nil {
			return err
		}
		m = bot.OutMsg{To: phoneB, Body: "relay", Kind: bot.OutRelay, Line: lines[0].Seq}
		return tx.Enqueue(&m)
	})
	outcome := func(fn func(m *bot.OutMsg)) {
		e.update(func(tx bot.Tx) error {
			cur, err := tx.Message(m.ID)
			if err != nil {
				return err
			}
			fn(&cur)
			return tx.SaveMessage(cur)
		})
	}
	line := func() bot.Line { return e.transcript(phoneB)[0] }
	outcome(func(m *bot.OutMsg) { m.State, m.Error = bot.OutFailed, "21211 invalid" })
	if l := line(); l.Status != "failed" || l.Error != "21211 invalid" {
		t.Errorf("failed message's line %+v", l)
	}
	outcome(func(m *bot.OutMsg) { m.State, m.Error = bot.OutQueued, "" }) // a retry from the console
	if l := line(); l.Status != "queued" || l.Error != "" {
		t.Errorf("requeued message's line %+v", l)
	}
	if phone, err := e.s.SetDelivery(ctx, "SMrelay", "delivered", ""); err == nil {
		t.Errorf("a report found a message before it was sent: %q", phone)
	}
	outcome(func(m *bot.OutMsg) { m.State, m.SID = bot.OutSent, "SMrelay" })
	if l := line(); l.Status != "sent" || l.MessageID != "SMrelay" {
		t.Errorf("sent message's line %+v", l)
	}
	if phone, err := e.s.SetDelivery(ctx, "SMrelay", "delivered", ""); err != nil || phone != phoneB {
		t.Fatalf("report on the relay: %q %v", phone, err)
	}
	outcome(func(m *bot.OutMsg) { m.State = bot.OutSent })
	if l := line(); l.Status != "delivered" {
		t.Errorf("the outbox's sent hid the report: %+v", l)
	}
}

// Pages are stored once under their id, with their owner; feedback and
// revocation change them.
func testPages(t *testing.T, e *env) {
	ctx := t.Context()
	for i, id := range []string{"p1", "p2", "p3"} {
		e.update(func(tx bot.Tx) error {
			return tx.PutPage(phoneA, bot.Page{ID: id, Kind: bot.PageFix, Title: "fix " + id, Created: T0.Add(time.Duration(i) * time.Hour)})
		})
	}
	e.update(func(tx bot.Tx) error { return tx.PutPage("", bot.Page{ID: "orphan", Title: "no owner"}) })
	if err := e.s.Update(ctx, "", func(tx bot.Tx) error { return tx.PutPage(phoneB, bot.Page{ID: "p1"}) }); !errors.Is(err, bot.ErrPageExists) {
		t.Errorf("a taken id: %v, want ErrPageExists", err)
	}
	if err := e.s.Update(ctx, "", func(tx bot.Tx) error { return tx.PutPage(phoneB, bot.Page{}) }); err == nil {
		t.Error("an empty id was stored")
	}
	p, err := e.s.Page(ctx, "p2")
	if err != nil || p.Title != "fix p2" || p.Kind != bot.PageFix || !p.Created.Equal(T0.Add(time.Hour)) {
		t.Errorf("Page = %+v, %v", p, err)
	}
	pages, err := e.s.PagesOf(ctx, phoneA, 2)
	if err != nil || len(pages) != 2 || pages[0].ID != "p3" || pages[1].ID != "p2" {
		t.Errorf("PagesOf(2) = %+v, %v; want p3, p2", pages, err)
	}
	if pages, err := e.s.PagesOf(ctx, phoneB, 10); err != nil || len(pages) != 0 {
		t.Errorf("PagesOf another number = %+v, %v", pages, err)
	}
	e.update(func(tx bot.Tx) error {
		if err := tx.SetFeedback("p1", bot.FeedbackNo); err != nil {
			return err
		}
		return tx.SetFeedback("missing", bot.FeedbackYes) // nothing to record
	})
	if err := e.s.RevokePage(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if err := e.s.RevokePage(ctx, "p1"); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if p, err := e.s.Page(ctx, "p1"); err != nil || !p.Revoked || p.Feedback != bot.FeedbackNo || p.Title != "fix p1" {
		t.Errorf("revoked page %+v, %v", p, err)
	}
	for name, err := range map[string]error{
		"Page":       second(e.s.Page(ctx, "missing")),
		"RevokePage": e.s.RevokePage(ctx, "missing"),
	} {
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%s(missing): %v, want ErrNotFound", name, err)
		}
	}
}

// Tickets are numbered 1, 2, 3 …; the open ones are listed oldest first.
func testTickets(t *testing.T, e *env) {
	ctx := t.Context()
	var nums []int
	for _, phone := range []string{phoneA, phoneB, operator} {
		e.update(func(tx bot.Tx) error {
			tk := bot.Ticket{Phone: phone, State: bot.TicketWaiting, Opened: e.clock()}
			err := tx.SaveTicket(&tk)
			nums = append(nums, tk.Number)
			return err
		})
	}
	if !slices.Equal(nums, []int{1, 2, 3}) {
		t.Fatalf("ticket numbers %v, want 1 2 3", nums)
	}
	e.update(func(tx bot.Tx) error {
		tk, err := tx.Ticket(2)
		if err != nil {
			return err
		}
		tk.State = bot.TicketClosed
		return tx.SaveTicket(&tk)
	})
	number := func(tks []bot.Ticket) (out []int) {
		for _, tk := range tks {
			out = append(out, tk.Number)
		}
		return out
	}
	if open, err := e.s.Tickets(ctx, 0, true); err != nil || !slices.Equal(number(open), []int{1, 3}) {
		t.Errorf("open tickets %v, %v; want 1 3", number(open), err)
	}
	if all, err := e.s.Tickets(ctx, 10, false); err != nil || !slices.Equal(number(all), []int{3, 2, 1}) || all[1].State != bot.TicketClosed {
		t.Errorf("all tickets %v, %v; want 3 2 1", number(all), err)
	}
	if some, err := e.s.Tickets(ctx, 1, false); err != nil || !slices.Equal(number(some), []int{3}) {
		t.Errorf("Tickets(1) = %v, %v", number(some), err)
	}
	e.update(func(tx bot.Tx) error {
		for _, n := range []int{0, -1, 99} {
			if _, err := tx.Ticket(n); !errors.Is(err, bot.ErrNotFound) {
				return fmt.Errorf("Ticket(%d): %v, want ErrNotFound", n, err)
			}
		}
		tk := bot.Ticket{Phone: phoneA, State: bot.TicketWaiting}
		if err := tx.SaveTicket(&tk); err != nil || tk.Number != 4 {
			return fmt.Errorf("fourth ticket #%d, %v", tk.Number, err)
		}
		return nil
	})
}

// outcome records what became of message id, as the outbox worker does.
func (e *env) outcome(id string, fn func(m *bot.OutMsg)) {
	e.t.Helper()
	e.update(func(tx bot.Tx) error {
		m, err := tx.Message(id)
		if err != nil {
			return err
		}
		fn(&m)
		m.LeaseUntil = time.Time{}
		return tx.SaveMessage(m)
	})
}

func (e *env) claimDue(now time.Time, limit int) []bot.OutMsg {
	e.t.Helper()
	due, err := e.s.ClaimDue(e.t.Context(), now, limit, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	return due
}

func (e *env) enqueue(m bot.OutMsg) bot.OutMsg {
	e.t.Helper()
	e.update(func(tx bot.Tx) error { return tx.Enqueue(&m) })
	return m
}

func ids(msgs []bot.OutMsg) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, m.Body)
	}
	return out
}

// The outbox: queued messages are leased to one sender at a time, come
// back when a lease expires or a retry is due, and leave when sent or
// failed.
func testOutbox(t *testing.T, e *env) {
	ctx := t.Context()
	now := T0
	m := e.enqueue(bot.OutMsg{To: phoneA, Body: "m1", Kind: bot.OutNotice})
	if m.ID == "" || m.State != bot.OutQueued || !m.Created.Equal(T0) || !m.NextAt.Equal(T0) {
		t.Fatalf("enqueued %+v: want an id, queued, Created and NextAt the store's time", m)
	}
	later := e.enqueue(bot.OutMsg{To: phoneB, Body: "later", Kind: bot.OutNotice, Created: T0, NextAt: T0.Add(time.Hour)})
	if n, oldest, err := e.s.OutboxDepth(ctx); err != nil || n != 2 || !oldest.Equal(T0) {
		t.Errorf("OutboxDepth = %d, %v, %v", n, oldest, err)
	}
	due := e.claimDue(now, 10)
	if got := ids(due); !slices.Equal(got, []string{"m1"}) || !due[0].LeaseUntil.Equal(now.Add(time.Minute)) || due[0].State != bot.OutQueued {
		t.Fatalf("ClaimDue = %+v: want m1 leased for a minute, still queued", due)
	}
	if got := ids(e.claimDue(now.Add(30*time.Second), 10)); len(got) != 0 {
		t.Errorf("a leased message was claimed again: %v", got)
	}
	if got := ids(e.claimDue(now.Add(2*time.Minute), 10)); !slices.Equal(got, []string{"m1"}) {
		t.Errorf("after the lease: %v, want m1 again", got)
	}
	now = now.Add(2 * time.Minute)

	// A retry comes back when it is due.
	e.outcome(m.ID, func(m *bot.OutMsg) { m.Tries, m.Error, m.NextAt = 1, "20429 busy", now.Add(10*time.Second) })
	if got := ids(e.claimDue(now, 10)); len(got) != 0 {
		t.Errorf("a retry not yet due was claimed: %v", got)
	}
	if got := ids(e.claimDue(now.Add(11*time.Second), 10)); !slices.Equal(got, []string{"m1"}) {
		t.Errorf("a due retry: %v", got)
	}
	// Sent: gone from the queue, still listed.
	e.outcome(m.ID, func(m *bot.OutMsg) { m.State, m.SID, m.Sent, m.Error = bot.OutSent, "SMx", now, "" })
	if got := ids(e.claimDue(now.Add(time.Hour), 10)); !slices.Equal(got, []string{"later"}) {
		t.Errorf("after sending m1: %v, want only later (due by now)", got)
	}
	if n, oldest, err := e.s.OutboxDepth(ctx); err != nil || n != 1 || !oldest.Equal(later.Created) {
		t.Errorf("OutboxDepth = %d, %v, %v; want 1", n, oldest, err)
	}
	// Failed: listed with the queued ones, never claimed, until requeued.
	e.outcome(later.ID, func(m *bot.OutMsg) { m.State, m.Error = bot.OutFailed, "21211 invalid" })
	if got := ids(e.claimDue(now.Add(3*time.Hour), 10)); len(got) != 0 {
		t.Errorf("a failed message was claimed: %v", got)
	}
	if list, err := e.s.OutboxList(ctx, 10, true); err != nil || !slices.Equal(ids(list), []string{"later"}) {
		t.Errorf("OutboxList(pending or failed) = %v, %v", ids(list), err)
	}
	if list, err := e.s.OutboxList(ctx, 10, false); err != nil || !slices.Equal(ids(list), []string{"later", "m1"}) || list[1].SID != "SMx" {
		t.Errorf("OutboxList(all) = %v, %v; want newest first", ids(list), err)
	}
	if list, err := e.s.OutboxList(ctx, 1, false); err != nil || len(list) != 1 {
		t.Errorf("OutboxList(1) = %v, %v", ids(list), err)
	}
	e.outcome(later.ID, func(m *bot.OutMsg) { m.State, m.NextAt, m.Tries = bot.OutQueued, now.Add(3*time.Hour), 0 })
	if got := ids(e.claimDue(now.Add(3*time.Hour), 10)); !slices.Equal(got, []string{"later"}) {
		t.Errorf("a requeued message: %v", got)
	}
	if n, _, err := e.s.OutboxDepth(ctx); err != nil || n != 1 {
		t.Errorf("OutboxDepth with a leased message = %d, %v; want 1 (leased is still queued)", n, err)
	}
	e.update(func(tx bot.Tx) error {
		for _, id := range []string{"", "nope", "0", "999"} {
			if _, err := tx.Message(id); !errors.Is(err, bot.ErrNotFound) {
				return fmt.Errorf("Message(%q): %v, want ErrNotFound", id, err)
			}
		}
		return nil
	})
	if n, oldest, err := e.s.OutboxDepth(ctx); err != nil || n != 1 || oldest.IsZero() {
		t.Errorf("OutboxDepth = %d, %v, %v", n, oldest, err)
	}
}

// One number's backlog never holds up another's text: each recipient's
// oldest due message in turn, one per recipient per claim, and none for a
// recipient whose message is out with a sender.
func testOutboxFairness(t *testing.T, e *env) {
	at := func(s int) time.Time { return T0.Add(time.Duration(s) * time.Second) }
	for i, m := range []struct{ to, body string }{{phoneA, "a1"}, {phoneA, "a2"}, {phoneA, "a3"}, {phoneB, "b1"}, {phoneB, "b2"}} {
		e.enqueue(bot.OutMsg{To: m.to, Body: m.body, Kind: bot.OutNotify, Created: at(i), NextAt: at(i)})
	}
	now := at(60)
	batch := e.claimDue(now, 10)
	if got := ids(batch); !slices.Equal(got, []string{"a1", "b1"}) {
		t.Fatalf("ClaimDue(10) = %v, want a1 b1: one per recipient, oldest first", got)
	}
	if got := ids(e.claimDue(now, 10)); len(got) != 0 {
		t.Errorf("claimed while both recipients have a message out: %v", got)
	}
	for _, m := range batch {
		e.outcome(m.ID, func(m *bot.OutMsg) { m.State = bot.OutSent })
	}
	// One at a time, as a paced sender claims: the two take turns.
	var order []string
	for i := range 3 {
		now = now.Add(time.Second)
		due := e.claimDue(now, 1)
		if len(due) != 1 {
			t.Fatalf("claim %d: %v", i, ids(due))
		}
		order = append(order, due[0].Body)
		e.outcome(due[0].ID, func(m *bot.OutMsg) { m.State = bot.OutSent })
	}
	if !slices.Equal(order, []string{"a2", "b2", "a3"}) {
		t.Errorf("paced order %v, want a2 b2 a3", order)
	}
}

// Send slots are spaced every apart across callers.
func testNextSendSlot(t *testing.T, e *env) {
	ctx := t.Context()
	every := 250 * time.Millisecond
	var slots []time.Time
	for range 3 {
		s, err := e.s.NextSendSlot(ctx, T0, every)
		if err != nil {
			t.Fatal(err)
		}
		slots = append(slots, s)
	}
	if !slots[0].Equal(T0) || !slots[1].Equal(T0.Add(every)) || !slots[2].Equal(T0.Add(2*every)) {
		t.Errorf("slots %v: want now, then every apart", slots)
	}
	if s, err := e.s.NextSendSlot(ctx, T0.Add(time.Hour), every); err != nil || !s.Equal(T0.Add(time.Hour)) {
		t.Errorf("after a quiet hour the slot is %v, %v; want now", s, err)
	}
}

// Counters sum over the days asked for; unmatched answers are counted
// lowercased, all time, the five most common per question.
func testStats(t *testing.T, e *env) {
	ctx := t.Context()
	day1, day2 := T0, T0.Add(24*time.Hour)
	record := func(day time.Time, events ...bot.Event) {
		e.update(func(tx bot.Tx) error { return tx.Record(events, day) })
	}
	record(day1,
		bot.Event{Kind: bot.EventStart, Flow: "f"},
		bot.Event{Kind: bot.EventEdge, Flow: "f", Node: "q1", To: "q2"},
		bot.Event{Kind: bot.EventMiss, Flow: "f", Node: "q2", Text: "  Foo "},
		bot.Event{Kind: bot.EventMiss, Flow: "f", Node: "q2", Text: "foo"},
		bot.Event{Kind: bot.EventFix, Flow: "f", Node: "fix"},
		bot.Event{Kind: bot.EventYes, Flow: "f", Node: "fix"},
		bot.Event{Kind: bot.EventNo, Flow: "f", Node: "fix"},
		bot.Event{Kind: bot.EventHandoff, Flow: "f"},
		bot.Event{Kind: bot.EventAbandon, Flow: "f", Node: "q2"},
		bot.Event{Kind: bot.EventStart, Flow: "g"},
	)
	for i := range 7 {
		for range i + 1 {
			record(day2, bot.Event{Kind: bot.EventMiss, Flow: "f", Node: "q1", Text: fmt.Sprint("x", i)})
		}
	}
	record(day2, bot.Event{Kind: bot.EventStart, Flow: "f"}, bot.Event{Kind: bot.EventEdge, Flow: "f", Node: "q1", To: "q2"})

	all, err := e.s.Stats(ctx, "f", day1)
	if err != nil {
		t.Fatal(err)
	}
	if all.Started != 2 || all.Fixed != 1 || all.Yes != 1 || all.No != 1 || all.Handoff != 1 || all.Abandoned != 1 ||
		all.Edges["q1>q2"] != 2 || all.Misses["q2"] != 2 || all.Misses["q1"] != 28 {
		t.Errorf("since day 1: %+v", all)
	}
	if u := all.Unmatched["q2"]; len(u) != 1 || u[0] != (bot.TextCount{Text: "foo", Count: 2}) {
		t.Errorf("unmatched at q2: %+v", u)
	}
	if u := all.Unmatched["q1"]; len(u) != 5 || u[0] != (bot.TextCount{Text: "x6", Count: 7}) || u[4].Text != "x2" {
		t.Errorf("unmatched at q1: %+v; want the top five, most common first", u)
	}
	recent, err := e.s.Stats(ctx, "f", day2)
	if err != nil || recent.Started != 1 || recent.Fixed != 0 || recent.Edges["q1>q2"] != 1 || recent.Misses["q2"] != 0 {
		t.Errorf("since day 2: %+v, %v", recent, err)
	}
	if len(recent.Unmatched["q2"]) != 1 {
		t.Errorf("unmatched answers are all time: %+v", recent.Unmatched)
	}
	if g, err := e.s.Stats(ctx, "g", day1); err != nil || g.Started != 1 || g.Fixed != 0 {
		t.Errorf("flow g: %+v, %v", g, err)
	}
	if none, err := e.s.Stats(ctx, "nope", day1); err != nil || none.Started != 0 || none.Edges == nil {
		t.Errorf("unknown flow: %+v, %v; want zero counts, non-nil maps", none, err)
	}
}

// The inbox's listing: newest first, paged, filtered, and a saved
// conversation moves to the top.
func testRecentConversations(t *testing.T, e *env) {
	ctx := t.Context()
	save := func(c bot.Conversation) { e.update(func(tx bot.Tx) error { return tx.SaveConversation(c) }) }
	statuses := []bot.Status{bot.StatusActive, bot.StatusHandoff, bot.StatusIdle, bot.StatusHandoff, bot.StatusFixed}
	for i, s := range statuses {
		save(bot.Conversation{Phone: fmt.Sprint("+1555000000", i), Status: s, Test: i == 2, Updated: T0.Add(time.Duration(i) * time.Hour)})
	}
	phones := func(cs []bot.Conversation) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Phone[len(c.Phone)-1:])
		}
		return strings.Join(out, "")
	}
	for _, tt := range []struct {
		f             bot.ConversationFilter
		offset, limit int
		want          string
		total         int
	}{
		{bot.ConversationFilter{}, 0, 10, "43210", 5},
		{bot.ConversationFilter{}, 0, 2, "43", 5},
		{bot.ConversationFilter{}, 2, 2, "21", 5},
		{bot.ConversationFilter{}, 5, 2, "", 5},
		{bot.ConversationFilter{Status: bot.StatusHandoff}, 0, 10, "31", 2},
		{bot.ConversationFilter{Test: true}, 0, 10, "2", 1},
		{bot.ConversationFilter{NoTest: true}, 0, 10, "4310", 4},
	} {
		got, total, err := e.s.RecentConversations(ctx, tt.f, tt.offset, tt.limit)
		if err != nil || phones(got) != tt.want || total != tt.total || got == nil {
			t.Errorf("RecentConversations(%+v, %d, %d) = %q of %d, %v; want %q of %d", tt.f, tt.offset, tt.limit, phones(got), total, err, tt.want, tt.total)
		}
	}
	save(bot.Conversation{Phone: "+15550000000", Status: bot.StatusHandoff, Updated: T0.Add(10 * time.Hour)})
	if got, total, err := e.s.RecentConversations(ctx, bot.ConversationFilter{}, 0, 10); err != nil || phones(got) != "04321" || total != 5 {
		t.Errorf("after a save: %q of %d, %v; want 04321 of 5", phones(got), total, err)
	}
	if got, _, err := e.s.RecentConversations(ctx, bot.ConversationFilter{Status: bot.StatusActive}, 0, 10); err != nil || len(got) != 0 {
		t.Errorf("its old status still matches: %q", phones(got))
	}
}

// Console sessions: created once, updated but never brought back, expired;
// login attempts counted per address over a window.
func testSessions(t *testing.T, e *env) {
	ctx := t.Context()
	s := bot.Session{Key: "k1", CSRF: "c", Sim: "+15550001234", Created: T0, Seen: T0}
	if err := e.s.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := e.s.CreateSession(ctx, s); err == nil {
		t.Error("a session key was created twice")
	}
	if got, err := e.s.Session(ctx, "k1"); err != nil || got != s {
		t.Errorf("Session = %+v, %v; want %+v", got, err, s)
	}
	if err := e.s.UpdateSession(ctx, "k1", func(s *bot.Session) { s.Seen, s.Flash = T0.Add(time.Hour), "done" }); err != nil {
		t.Fatal(err)
	}
	if got, err := e.s.Session(ctx, "k1"); err != nil || !got.Seen.Equal(T0.Add(time.Hour)) || got.Flash != "done" || got.CSRF != "c" {
		t.Errorf("after UpdateSession: %+v, %v", got, err)
	}
	if err := e.s.CreateSession(ctx, bot.Session{Key: "k2", Created: T0.Add(-8 * 24 * time.Hour), Seen: T0}); err != nil {
		t.Fatal(err)
	}
	if err := e.s.CreateSession(ctx, bot.Session{Key: "k3", Created: T0, Seen: T0}); err != nil {
		t.Fatal(err)
	}
	n, err := e.s.ExpireSessions(ctx, T0.Add(time.Minute), T0.Add(-7*24*time.Hour))
	if err != nil || n != 2 {
		t.Errorf("ExpireSessions = %d, %v; want 2 (one idle, one too old)", n, err)
	}
	if _, err := e.s.Session(ctx, "k3"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	if err := e.s.DeleteSession(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if err := e.s.DeleteSession(ctx, "k1"); err != nil {
		t.Errorf("deleting a missing session: %v", err)
	}
	if err := e.s.UpdateSession(ctx, "k1", func(s *bot.Session) { s.Seen = T0 }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("UpdateSession after logout: %v, want ErrNotFound", err)
	}
	if _, err := e.s.Session(ctx, "k1"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a deleted session came back: %v", err)
	}

	allow := func(addr string, now time.Time) bool {
		t.Helper()
		ok, err := e.s.AllowLogin(ctx, addr, now, now.Add(-time.Minute), 3)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	var got []bool
	for i := range 5 {
		got = append(got, allow("192.0.2.1", T0.Add(time.Duration(i)*time.Second)))
	}
	if !slices.Equal(got, []bool{true, true, true, false, false}) {
		t.Errorf("attempts %v: want three allowed, then refused", got)
	}
	if !allow("192.0.2.2", T0.Add(5*time.Second)) {
		t.Error("another address was refused")
	}
	// A minute after the first attempt one more is allowed; refused
	// attempts did not count.
	if !allow("192.0.2.1", T0.Add(60500*time.Millisecond)) {
		t.Error("a minute later: still refused")
	}
	if allow("192.0.2.1", T0.Add(60800*time.Millisecond)) {
		t.Error("the window let a fourth attempt through")
	}
}

// Forget leaves nothing about a number that the contract can reach, and
// nothing of anyone else goes.
func testForget(t *testing.T, e *env) {
	ctx := t.Context()
	setUp := func(phone, sid, page string) {
		e.inbound(phone, sid, "hello")
		e.update(func(tx bot.Tx) error {
			if _, err := tx.Append(phone, bot.Line{Dir: bot.Out, Body: "reply", MessageID: sid + "out"}); err != nil {
				return err
			}
			if err := tx.PutPage(phone, bot.Page{ID: page, Title: "fix"}); err != nil {
				return err
			}
			if err := tx.PutPage("", bot.Page{ID: page + "old", Title: "before owners"}); err != nil {
				return err
			}
			c, err := tx.Conversation(phone)
			if err != nil {
				return err
			}
			c.PageID = page + "old"
			if err := tx.SaveConversation(c); err != nil {
				return err
			}
			if err := tx.SaveTicket(&bot.Ticket{Phone: phone, State: bot.TicketWaiting}); err != nil {
				return err
			}
			lines, err := tx.Append(phone, bot.Line{Dir: bot.Out, Body: "relay", Status: "queued"})
			if err != nil {
				return err
			}
			return tx.Enqueue(&bot.OutMsg{To: phone, Body: "relay", Kind: bot.OutRelay, Line: lines[0].Seq})
		})
	}
	setUp(phoneA, "SMa", "pa")
	setUp(phoneB, "SMb", "pb")
	if err := e.s.Forget(ctx, phoneA); err != nil {
		t.Fatal(err)
	}

	if _, err := e.s.Conversation(ctx, phoneA); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("conversation: %v", err)
	}
	if lines := e.transcript(phoneA); len(lines) != 0 {
		t.Errorf("transcript: %+v", lines)
	}
	if last, err := e.s.LastLines(ctx, phoneA); err != nil || len(last) != 0 {
		t.Errorf("last lines: %+v %v", last, err)
	}
	if pages, err := e.s.PagesOf(ctx, phoneA, 10); err != nil || len(pages) != 0 {
		t.Errorf("pages of: %+v %v", pages, err)
	}
	for _, id := range []string{"pa", "paold"} {
		if _, err := e.s.Page(ctx, id); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("page %s: %v", id, err)
		}
	}
	if tks, err := e.s.Tickets(ctx, 100, false); err != nil || len(tks) != 1 || tks[0].Phone != phoneB {
		t.Errorf("tickets: %+v %v", tks, err)
	}
	if msgs, err := e.s.OutboxList(ctx, 100, false); err != nil || len(msgs) != 1 || msgs[0].To != phoneB {
		t.Errorf("outbox: %+v %v", msgs, err)
	}
	if n, _, err := e.s.OutboxDepth(ctx); err != nil || n != 1 {
		t.Errorf("outbox depth %d %v", n, err)
	}
	if due := e.claimDue(T0.Add(time.Hour), 10); len(due) != 1 || due[0].To != phoneB {
		t.Errorf("claimed %+v", due)
	}
	if _, ok, err := e.s.Replay(ctx, bot.Claim{SID: "SMa", From: phoneA}); err != nil || ok {
		t.Errorf("claim: ok=%v %v", ok, err)
	}
	for _, sid := range []string{"SMa", "SMaout"} {
		if _, err := e.s.SetDelivery(ctx, sid, "delivered", ""); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("SetDelivery(%s): %v", sid, err)
		}
	}
	if convs, total, err := e.s.RecentConversations(ctx, bot.ConversationFilter{}, 0, 10); err != nil || total != 1 || convs[0].Phone != phoneB {
		t.Errorf("recent conversations: %+v of %d, %v", convs, total, err)
	}
	if err := e.s.Forget(ctx, phoneA); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("second Forget: %v, want ErrNotFound", err)
	}

	// The other number is untouched.
	if c := e.conversation(phoneB); c.PageID != "pbold" {
		t.Errorf("other conversation %+v", c)
	}
	for _, id := range []string{"pb", "pbold"} {
		if _, err := e.s.Page(ctx, id); err != nil {
			t.Errorf("other page %s: %v", id, err)
		}
	}
	if _, ok, err := e.s.Replay(ctx, bot.Claim{SID: "SMb", From: phoneB}); err != nil || !ok {
		t.Errorf("other claim: %v %v", ok, err)
	}
	if p, err := e.s.SetDelivery(ctx, "SMbout", "delivered", ""); err != nil || p != phoneB {
		t.Errorf("other SetDelivery: %q %v", p, err)
	}
	// The forgotten MessageSid is new again.
	if reply := e.inbound(phoneA, "SMa", "hello again"); len(reply) != 1 {
		t.Errorf("a forgotten claim: %q", reply)
	}
	if lines := e.transcript(phoneA); len(lines) != 2 || lines[0].Seq != 1 {
		t.Errorf("a forgotten number starts a new transcript: %+v", lines)
	}
}

// Old claims are pruned in batches of at most max; a pruned claim no
// longer replays.
func testPruneClaims(t *testing.T, e *env) {
	ctx := t.Context()
	for i, sid := range []string{"SMa", "SMb", "SMc"} {
		if i > 0 {
			e.advance(time.Hour)
		}
		e.inbound(phoneA, sid, sid)
	}
	replays := func() (out []string) {
		for _, sid := range []string{"SMa", "SMb", "SMc"} {
			if _, ok, err := e.s.Replay(ctx, bot.Claim{SID: sid, From: phoneA}); err != nil {
				t.Fatal(err)
			} else if ok {
				out = append(out, sid)
			}
		}
		return out
	}
	if n, err := e.s.PruneClaims(ctx, T0, 10); err != nil || n != 0 {
		t.Errorf("nothing old: pruned %d, %v", n, err)
	}
	if n, err := e.s.PruneClaims(ctx, T0.Add(90*time.Minute), 1); err != nil || n != 1 {
		t.Errorf("batch of one: pruned %d, %v", n, err)
	}
	if got := replays(); len(got) != 2 || got[1] != "SMc" {
		t.Errorf("after one: %v", got)
	}
	if n, err := e.s.PruneClaims(ctx, T0.Add(90*time.Minute), 10); err != nil || n != 1 {
		t.Errorf("the rest: pruned %d, %v", n, err)
	}
	if got := replays(); !slices.Equal(got, []string{"SMc"}) {
		t.Errorf("after the rest: %v, want SMc", got)
	}

	// A pruned claim's MessageSid is new again, though its reply lines
	// are still in the transcript: the text runs again.
	if reply := e.inbound(phoneA, "SMa", "SMa again"); !slices.Equal(reply, []string{"re: SMa again"}) {
		t.Errorf("a pruned claim's retry replied %q", reply)
	}
	if n := len(e.transcript(phoneA)); n != 8 {
		t.Errorf("%d lines after the retry, want 8: both runs", n)
	}

	// A batch larger than a backend's own transactions: max is what
	// counts, and claims go oldest first.
	for i := range 300 {
		e.inbound(phoneB, fmt.Sprint("SMbulk", i), "bulk")
		e.advance(time.Millisecond)
	}
	cut := e.advance(time.Hour)
	claimed := func(from, sid string) bool {
		_, ok, err := e.s.Replay(ctx, bot.Claim{SID: sid, From: from})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if n, err := e.s.PruneClaims(ctx, cut, 250); err != nil || n != 250 {
		t.Errorf("PruneClaims(250) of 302 old = %d, %v", n, err)
	}
	if claimed(phoneA, "SMc") || claimed(phoneA, "SMa") || claimed(phoneB, "SMbulk247") || !claimed(phoneB, "SMbulk248") || !claimed(phoneB, "SMbulk299") {
		t.Error("PruneClaims(250) did not take the 250 oldest claims")
	}
	if n, err := e.s.PruneClaims(ctx, cut, 250); err != nil || n != 52 {
		t.Errorf("the rest = %d, %v; want 52", n, err)
	}
	if claimed(phoneB, "SMbulk299") {
		t.Error("SMbulk299 survived")
	}
}

// One store alone leads.
func testLeader(t *testing.T, e *env) {
	if ok, err := e.s.Leader(t.Context()); err != nil || !ok {
		t.Errorf("Leader = %v, %v; want true for the only instance", ok, err)
	}
	if err := e.s.Ping(t.Context()); err != nil {
		t.Error(err)
	}
}

// Forget reaches what quotes the number without naming it: the
// operators' notifications about its tickets (the messages, and their
// lines in the operators' transcripts, emptied) and its texts among the
// unmatched-answer samples (one count each), and nothing else.
func testForgetQuotes(t *testing.T, e *env) {
	ctx := t.Context()
	e.inbound(phoneA, "SMq1", "Zebra Kumquat")
	e.inbound(phoneB, "SMq2", "yes")
	var ticket int
	e.update(func(tx bot.Tx) error {
		tk := bot.Ticket{Phone: phoneA, State: bot.TicketWaiting}
		if err := tx.SaveTicket(&tk); err != nil {
			return err
		}
		ticket = tk.Number
		lines, err := tx.Append(operator, bot.Line{Dir: bot.Out, Body: "#1 ***0001: Zebra Kumquat", Status: "queued"})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(&bot.OutMsg{To: operator, Body: lines[0].Body, Kind: bot.OutNotify, Ticket: tk.Number, Line: lines[0].Seq}); err != nil {
			return err
		}
		other, err := tx.Append(operator, bot.Line{Dir: bot.Out, Body: "unrelated notice", Status: "queued"})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(&bot.OutMsg{To: operator, Body: other[0].Body, Kind: bot.OutNotify, Line: other[0].Seq}); err != nil {
			return err
		}
		return tx.Record([]bot.Event{
			{Kind: bot.EventMiss, Flow: "f", Node: "q", Text: "Zebra Kumquat"},
			{Kind: bot.EventMiss, Flow: "f", Node: "q", Text: "yes"},
		}, e.clock())
	})
	if err := e.s.Forget(ctx, phoneA); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, l := range e.transcript(operator) {
		bodies = append(bodies, l.Body)
	}
	if fmt.Sprint(bodies) != "[ unrelated notice]" {
		t.Errorf("the operator's transcript after forget: %q, want the notification emptied and the other kept", bodies)
	}
	msgs, err := e.s.OutboxList(ctx, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Ticket == ticket || m.To == phoneA {
			t.Errorf("a message about the forgotten number stays: %+v", m)
		}
	}
	if len(msgs) != 1 {
		t.Errorf("outbox after forget: %+v, want the unrelated notice", msgs)
	}
	st, err := e.s.Stats(ctx, "f", T0)
	if err != nil {
		t.Fatal(err)
	}
	if u := st.Unmatched["q"]; len(u) != 1 || u[0].Text != "yes" || st.Misses["q"] != 2 {
		t.Errorf("samples after forget: %+v, misses %d; want the other number's alone, both misses counted", u, st.Misses["q"])
	}
}
