// Package storetest is the conformance suite of textfix's storage
// contract ([bot.Store]): one set of tests that every backend runs
// against itself, so that the bbolt file and PostgreSQL behave the same.
// It depends on package bot alone.
//
// A backend's test calls Run with a function that opens a fresh, empty
// store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, clock func() time.Time) bot.Store {
//			db := mustOpen(t) // closed by t.Cleanup
//			db.Now = clock
//			return db
//		})
//	}
//
// A backend with the optional [bot.Retainer] runs [RunRetainer] too.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// Opener opens a fresh, empty store for one test and closes it when the
// test ends. The store must use clock for every time it stamps itself:
// claim times, and the At of lines and the Created of outbox messages
// stored without one.
type Opener func(t *testing.T, clock func() time.Time) bot.Store

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"ClaimAndReplay", testClaimAndReplay},
		{"ClaimBelongsToSender", testClaimBelongsToSender},
		{"SameClaimAtOnce", testSameClaimAtOnce},
		{"FailedTransactionStoresNothing", testFailedTransactionStoresNothing},
		{"ReadsSeeOwnWrites", testReadsSeeOwnWrites},
		{"ConversationKeepsPrev", testConversationKeepsPrev},
		{"PerNumberOrder", testPerNumberOrder},
		{"OtherNumbersDoNotWait", testOtherNumbersDoNotWait},
		{"ConflictRunsAgain", testConflictRunsAgain},
		{"CancelledContext", testCancelledContext},
		{"Transcript", testTranscript},
		{"DeliveryMovesForward", testDeliveryMovesForward},
		{"Pages", testPages},
		{"Tickets", testTickets},
		{"Outbox", testOutbox},
		{"OutboxFairness", testOutboxFairness},
		{"NextSendSlot", testNextSendSlot},
		{"Stats", testStats},
		{"RecentConversations", testRecentConversations},
		{"Sessions", testSessions},
		{"Forget", testForget},
		{"ForgetQuotes", testForgetQuotes},
		{"PruneClaims", testPruneClaims},
		{"Leader", testLeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{t: t, now: T0}
			e.s = open(t, e.clock)
			tt.fn(t, e)
		})
	}
}

// T0 is the clock's time when a test starts.
var T0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	phoneA   = "+15550000001"
	phoneB   = "+15550000002"
	operator = "+15550000009"
)

// env is one test's store and clock.
type env struct {
	t  *testing.T
	s  bot.Store
	mu sync.Mutex
	// now is what the store's clock says.
	now time.Time
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
	return e.now
}

// update runs fn in a transaction and fails the test on an error.
func (e *env) update(fn func(tx bot.Tx) error) {
	e.t.Helper()
	if err := e.s.Update(e.t.Context(), "", fn); err != nil {
		e.t.Fatal(err)
	}
}

// text is an engine stand-in for one inbound text: it moves from's
// conversation on (Misses counts the texts) and appends the text and one
// reply, "re: " + body, which it returns.
func text(from, sid, body string) func(bot.Tx) ([]bot.Line, error) {
	return func(tx bot.Tx) ([]bot.Line, error) {
		c, err := tx.Conversation(from)
		if err != nil {
			return nil, err
		}
		c.Status = bot.StatusActive
		c.Misses++
		if err := tx.SaveConversation(c); err != nil {
			return nil, err
		}
		lines, err := tx.Append(from, bot.Line{Dir: bot.In, Body: body, MessageID: sid}, bot.Line{Dir: bot.Out, Body: "re: " + body})
		if err != nil {
			return nil, err
		}
		return lines[1:], nil
	}
}

// inbound texts body from from as message sid and returns the reply.
func (e *env) inbound(from, sid, body string) []string {
	e.t.Helper()
	reply, replayed, err := e.s.Inbound(e.t.Context(), bot.Claim{SID: sid, From: from}, text(from, sid, body))
	if err != nil {
		e.t.Fatal(err)
	}
	if replayed {
		e.t.Fatalf("Inbound(%s, %s) replayed a claim it should have made", sid, from)
	}
	return reply
}

func (e *env) conversation(phone string) bot.Conversation {
	e.t.Helper()
	c, err := e.s.Conversation(e.t.Context(), phone)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) transcript(phone string) []bot.Line {
	e.t.Helper()
	lines, err := e.s.TranscriptTail(e.t.Context(), phone, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return lines
}

func bodies(lines []bot.Line) []string { return bot.Bodies(lines) }

// within fails the test unless fn returns within five seconds.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { fn(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not finish within 5s", what)
	}
}

// A claimed message replays its reply, byte for byte, without running its
// function again or changing anything; Replay only reads.
func testClaimAndReplay(t *testing.T, e *env) {
	ctx := t.Context()
	body := "claude 403 <&> \"quoted\"\nsecond line 🙈"
	c := bot.Claim{SID: "SM1", From: phoneA}
	if _, ok, err := e.s.Replay(ctx, c); err != nil || ok {
		t.Fatalf("Replay before the claim: ok=%v err=%v", ok, err)
	}
	first := e.inbound(phoneA, "SM1", body)
	if want := []string{"re: " + body}; !slices.Equal(first, want) {
		t.Fatalf("reply %q, want %q", first, want)
	}
	got, ok, err := e.s.Replay(ctx, c)
	if err != nil || !ok || !slices.Equal(got, first) {
		t.Fatalf("Replay = %q, %v, %v; want %q", got, ok, err, first)
	}
	runs := 0
	again, replayed, err := e.s.Inbound(ctx, c, func(tx bot.Tx) ([]bot.Line, error) {
		runs++
		return text(phoneA, "SM1", "changed")(tx)
	})
	if err != nil || !replayed || runs != 0 || !slices.Equal(again, first) {
		t.Fatalf("second Inbound: %q replayed=%v runs=%d err=%v", again, replayed, runs, err)
	}
	if n := len(e.transcript(phoneA)); n != 2 {
		t.Errorf("transcript has %d lines after a replay, want 2", n)
	}
	if conv := e.conversation(phoneA); conv.Misses != 1 {
		t.Errorf("conversation changed on replay: Misses %d", conv.Misses)
	}

	// A text that got no reply replays no reply.
	quiet := bot.Claim{SID: "SM2", From: phoneA}
	reply, _, err := e.s.Inbound(ctx, quiet, func(tx bot.Tx) ([]bot.Line, error) {
		_, err := tx.Append(phoneA, bot.Line{Dir: bot.In, Body: "STOP"})
		return nil, err
	})
	if err != nil || len(reply) != 0 {
		t.Fatalf("silent Inbound: %q, %v", reply, err)
	}
	if got, ok, err := e.s.Replay(ctx, quiet); err != nil || !ok || len(got) != 0 {
		t.Errorf("Replay of a silent text: %q ok=%v err=%v; want no reply, ok", got, ok, err)
	}
	// Lines that are not one run appended to the sender (some of an
	// Append, lines never appended) replay their bodies all the same.
	for sid, fn := range map[string]func(bot.Tx) ([]bot.Line, error){
		"SMskip": func(tx bot.Tx) ([]bot.Line, error) {
			lines, err := tx.Append(phoneA, bot.Line{Dir: bot.In, Body: "x"}, bot.Line{Dir: bot.Out, Body: "one"}, bot.Line{Dir: bot.Out, Body: "not this"}, bot.Line{Dir: bot.Out, Body: "two"})
			if err != nil {
				return nil, err
			}
			return []bot.Line{lines[1], lines[3]}, nil
		},
		"SMmade": func(bot.Tx) ([]bot.Line, error) {
			return []bot.Line{{Dir: bot.Out, Body: "one"}, {Dir: bot.Out, Body: "two"}}, nil
		},
		"SMother": func(tx bot.Tx) ([]bot.Line, error) {
			lines, err := tx.Append(phoneB, bot.Line{Dir: bot.Out, Body: "one"}, bot.Line{Dir: bot.Out, Body: "two"})
			return lines, err
		},
	} {
		c := bot.Claim{SID: sid, From: phoneA}
		if reply, _, err := e.s.Inbound(ctx, c, fn); err != nil || !slices.Equal(reply, []string{"one", "two"}) {
			t.Fatalf("Inbound(%s) = %q, %v", sid, reply, err)
		}
		if got, ok, err := e.s.Replay(ctx, c); err != nil || !ok || !slices.Equal(got, []string{"one", "two"}) {
			t.Errorf("Replay(%s) = %q %v %v; want one, two", sid, got, ok, err)
		}
	}
	for _, bad := range []bot.Claim{{SID: "", From: phoneA}, {SID: "SM3", From: ""}} {
		if _, _, err := e.s.Inbound(ctx, bad, text(phoneA, "SM3", "x")); err == nil {
			t.Errorf("Inbound(%+v) succeeded", bad)
		}
	}
}

// The same MessageSid from another number is another message: it runs and
// gets its own reply, and each number replays its own.
func testClaimBelongsToSender(t *testing.T, e *env) {
	ctx := t.Context()
	a := e.inbound(phoneA, "SMsame", "from A")
	b := e.inbound(phoneB, "SMsame", "from B")
	if slices.Equal(a, b) {
		t.Fatalf("B got A's reply %q", b)
	}
	for phone, want := range map[string][]string{phoneA: a, phoneB: b} {
		got, ok, err := e.s.Replay(ctx, bot.Claim{SID: "SMsame", From: phone})
		if err != nil || !ok || !slices.Equal(got, want) {
			t.Errorf("Replay for %s = %q %v %v, want %q", phone, got, ok, err, want)
		}
	}
	if err := e.s.Forget(ctx, phoneA); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := e.s.Replay(ctx, bot.Claim{SID: "SMsame", From: phoneB}); err != nil || !ok || !slices.Equal(got, b) {
		t.Errorf("B's claim after forgetting A: %q %v %v", got, ok, err)
	}
	if _, ok, _ := e.s.Replay(ctx, bot.Claim{SID: "SMsame", From: phoneA}); ok {
		t.Error("A's claim survived Forget")
	}
}

// The same message delivered twice at the same moment (Twilio's retry
// racing the first try, or two instances given one MessageSid) is stored
// once, and both calls return the same reply.
func testSameClaimAtOnce(t *testing.T, e *env) {
	ctx := t.Context()
	const tries = 8
	for i := range 5 {
		sid := fmt.Sprint("SMrace", i)
		var (
			wg      sync.WaitGroup
			replies [tries][]string
			errs    [tries]error
		)
		for j := range tries {
			wg.Go(func() {
				replies[j], _, errs[j] = e.s.Inbound(ctx, bot.Claim{SID: sid, From: phoneA}, text(phoneA, sid, fmt.Sprint("text ", i)))
			})
		}
		within(t, "one message delivered at once", wg.Wait)
		for j := range tries {
			if errs[j] != nil {
				t.Fatal(errs[j])
			}
			if want := []string{fmt.Sprint("re: text ", i)}; !slices.Equal(replies[j], want) {
				t.Errorf("%s, call %d: reply %q, want %q", sid, j, replies[j], want)
			}
		}
	}
	if lines := e.transcript(phoneA); len(lines) != 10 {
		t.Errorf("%d lines for 5 texts delivered %d times each, want 10", len(lines), tries)
	}
	if c := e.conversation(phoneA); c.Misses != 5 {
		t.Errorf("the engine ran %d times for 5 texts", c.Misses)
	}
}

// A function that fails stores nothing, claims nothing, and a retry runs
// it again; so does a page id that is taken.
func testFailedTransactionStoresNothing(t *testing.T, e *env) {
	ctx := t.Context()
	e.update(func(tx bot.Tx) error { return tx.PutPage("", bot.Page{ID: "taken", Title: "someone else's"}) })
	errBoom := errors.New("engine exploded")
	everything := func(tx bot.Tx, pageID string) error {
		if _, err := text(phoneA, "SM1", "hi")(tx); err != nil {
			return err
		}
		if err := tx.PutPage(phoneA, bot.Page{ID: pageID, Title: "fix"}); err != nil {
			return err
		}
		if err := tx.SaveTicket(&bot.Ticket{Phone: phoneA, State: bot.TicketWaiting}); err != nil {
			return err
		}
		if err := tx.Enqueue(&bot.OutMsg{To: operator, Body: "news", Kind: bot.OutNotify}); err != nil {
			return err
		}
		return tx.Record([]bot.Event{{Kind: bot.EventStart, Flow: "f"}}, e.clock())
	}
	for name, fn := range map[string]func(bot.Tx) error{
		"an error":        func(tx bot.Tx) error { return cmpErr(everything(tx, "new"), errBoom) },
		"a taken page id": func(tx bot.Tx) error { return everything(tx, "taken") },
		"one page id twice": func(tx bot.Tx) error {
			return cmpErr(everything(tx, "new"), tx.PutPage(phoneA, bot.Page{ID: "new"}))
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := bot.Claim{SID: "SM1", From: phoneA}
			_, _, err := e.s.Inbound(ctx, c, func(tx bot.Tx) ([]bot.Line, error) { return nil, fn(tx) })
			if !errors.Is(err, errBoom) && !errors.Is(err, bot.ErrPageExists) {
				t.Fatalf("Inbound error %v", err)
			}
			if err := e.s.Update(ctx, phoneA, fn); err == nil {
				t.Fatal("Update succeeded")
			}
			if _, err := e.s.Conversation(ctx, phoneA); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("conversation stored: %v", err)
			}
			if lines := e.transcript(phoneA); len(lines) != 0 {
				t.Errorf("lines stored: %+v", lines)
			}
			if _, err := e.s.Page(ctx, "new"); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("page stored: %v", err)
			}
			if tks, err := e.s.Tickets(ctx, 10, false); err != nil || len(tks) != 0 {
				t.Errorf("tickets stored: %+v %v", tks, err)
			}
			if n, _, err := e.s.OutboxDepth(ctx); err != nil || n != 0 {
				t.Errorf("outbox: %d %v", n, err)
			}
			if st, err := e.s.Stats(ctx, "f", T0); err != nil || st.Started != 0 {
				t.Errorf("stats: %+v %v", st, err)
			}
			if _, ok, err := e.s.Replay(ctx, c); err != nil || ok {
				t.Errorf("claimed after a failure: ok=%v err=%v", ok, err)
			}
		})
	}
	// Nothing was claimed: Twilio's retry runs the step.
	if reply := e.inbound(phoneA, "SM1", "hi"); !slices.Equal(reply, []string{"re: hi"}) {
		t.Errorf("retry replied %q", reply)
	}
	if lines := e.transcript(phoneA); len(lines) != 2 || lines[0].Seq != 1 {
		t.Errorf("transcript after the retry: %+v, want 2 lines from seq 1", lines)
	}
}

func cmpErr(err, other error) error {
	if err != nil {
		return err
	}
	return other
}

// A transaction reads what it wrote itself.
func testReadsSeeOwnWrites(t *testing.T, e *env) {
	e.update(func(tx bot.Tx) error {
		c, err := tx.Conversation(phoneA)
		if err != nil || c.Phone != phoneA || c.Status != "" {
			return fmt.Errorf("a missing conversation: %+v, %v; want a zero one with Phone set", c, err)
		}
		c.Status, c.Flow = bot.StatusActive, "f"
		if err := tx.SaveConversation(c); err != nil {
			return err
		}
		if c, err := tx.Conversation(phoneA); err != nil || c.Flow != "f" {
			return fmt.Errorf("conversation after save: %+v, %v", c, err)
		}
		first, err := tx.Append(phoneA, bot.Line{Dir: bot.In, Body: "1"})
		if err != nil {
			return err
		}
		second, err := tx.Append(phoneA, bot.Line{Dir: bot.Out, Body: "2"})
		if err != nil || first[0].Seq != 1 || second[0].Seq != 2 {
			return fmt.Errorf("seqs %d, %d (%v); want 1, 2", first[0].Seq, second[0].Seq, err)
		}
		tk := bot.Ticket{Phone: phoneA, State: bot.TicketWaiting, Summary: "s"}
		if err := tx.SaveTicket(&tk); err != nil {
			return err
		}
		if got, err := tx.Ticket(tk.Number); err != nil || got.Summary != "s" {
			return fmt.Errorf("ticket after save: %+v, %v", got, err)
		}
		if open, err := tx.OpenTickets(); err != nil || len(open) != 1 || open[0].Number != tk.Number {
			return fmt.Errorf("open tickets after save: %+v, %v", open, err)
		}
		tk.State = bot.TicketClosed
		if err := tx.SaveTicket(&tk); err != nil {
			return err
		}
		if open, err := tx.OpenTickets(); err != nil || len(open) != 0 {
			return fmt.Errorf("open tickets after close: %+v, %v", open, err)
		}
		m := bot.OutMsg{To: phoneA, Body: "b", Kind: bot.OutNotice}
		if err := tx.Enqueue(&m); err != nil {
			return err
		}
		if got, err := tx.Message(m.ID); err != nil || got.Body != "b" || got.State != bot.OutQueued {
			return fmt.Errorf("message after enqueue: %+v, %v", got, err)
		}
		if err := tx.PutPage(phoneA, bot.Page{ID: "p1", Title: "t"}); err != nil {
			return err
		}
		return tx.SetFeedback("p1", bot.FeedbackYes)
	})
	if p, err := e.s.Page(e.t.Context(), "p1"); err != nil || p.Feedback != bot.FeedbackYes {
		t.Errorf("page %+v, %v: want the feedback recorded on a page of the same transaction", p, err)
	}
}

// A conversation closed by a thank-you keeps the closed one in Prev, whole,
// through a commit: read back in a transaction and by the console alike.
func testConversationKeepsPrev(t *testing.T, e *env) {
	prev := bot.Conversation{Phone: phoneA, Status: bot.StatusFixed, Flow: "f", Node: "fix-a", PageID: "p1",
		Answers: []bot.Answer{{Node: "q", Question: "Q?", Choice: 1, Label: "B", Text: "b", Inferred: true, From: 1}},
		Said:    []string{"it fails", "b"}, Texts: 2, Tried: []string{"fix-a"}, Counted: []bot.EventKind{bot.EventStart, bot.EventFix},
		Started: T0, Updated: T0.Add(time.Minute)}
	want := bot.Conversation{Phone: phoneA, Status: bot.StatusIdle, Prev: &prev, Started: T0.Add(2 * time.Minute), Updated: T0.Add(2 * time.Minute)}
	e.update(func(tx bot.Tx) error { return tx.SaveConversation(want) })
	e.update(func(tx bot.Tx) error {
		if got, err := tx.Conversation(phoneA); err != nil || !reflect.DeepEqual(got, want) {
			return fmt.Errorf("conversation in a transaction:\n%+v, %v\nwant\n%+v", got, err, want)
		}
		return nil
	})
	if got, err := e.s.Conversation(e.t.Context(), phoneA); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("conversation read:\n%+v, %v\nwant\n%+v", got, err, want)
	}
}

// Texts from one number, and Updates locking it, run one after the other
// (their functions never overlap) and none is lost.
func testPerNumberOrder(t *testing.T, e *env) {
	ctx := t.Context()
	const texts, updates = 20, 5
	var (
		mu       sync.Mutex
		inFlight int
		overlap  bool
		wg       sync.WaitGroup
	)
	enter := func() {
		mu.Lock()
		inFlight++
		overlap = overlap || inFlight > 1
		mu.Unlock()
		time.Sleep(time.Millisecond) // widen the window
	}
	leave := func() { mu.Lock(); inFlight--; mu.Unlock() }
	errs := make(chan error, texts+updates)
	for i := range texts {
		wg.Go(func() {
			sid := fmt.Sprintf("SM%02d", i)
			_, _, err := e.s.Inbound(ctx, bot.Claim{SID: sid, From: phoneA}, func(tx bot.Tx) ([]bot.Line, error) {
				enter()
				defer leave()
				return text(phoneA, sid, fmt.Sprint("text ", i))(tx)
			})
			errs <- err
		})
	}
	for range updates {
		wg.Go(func() {
			errs <- e.s.Update(ctx, phoneA, func(tx bot.Tx) error {
				enter()
				defer leave()
				c, err := tx.Conversation(phoneA)
				if err != nil {
					return err
				}
				c.Candidates = append(c.Candidates, "u")
				return tx.SaveConversation(c)
			})
		})
	}
	within(t, "concurrent texts from one number", wg.Wait)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if overlap {
		t.Error("transaction functions for one number overlapped")
	}
	c := e.conversation(phoneA)
	if c.Misses != texts || len(c.Candidates) != updates {
		t.Errorf("Misses %d, updates %d; want %d, %d (a lost update)", c.Misses, len(c.Candidates), texts, updates)
	}
	lines := e.transcript(phoneA)
	if len(lines) != 2*texts {
		t.Fatalf("%d lines, want %d", len(lines), 2*texts)
	}
	seen := map[string]bool{}
	for i, l := range lines {
		if l.Seq != uint64(i+1) {
			t.Errorf("line %d has seq %d", i, l.Seq)
		}
		if l.Dir == bot.In {
			seen[l.Body] = true
		}
		if i%2 == 1 && l.Body != "re: "+lines[i-1].Body {
			t.Errorf("line %d %q does not follow its text %q", i, l.Body, lines[i-1].Body)
		}
	}
	if len(seen) != texts {
		t.Errorf("%d distinct texts stored, want %d", len(seen), texts)
	}
}

// While one number's transaction function runs, other numbers' texts and
// updates go through.
func testOtherNumbersDoNotWait(t *testing.T, e *env) {
	ctx := t.Context()
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		first := true
		_, _, err := e.s.Inbound(ctx, bot.Claim{SID: "SMa", From: phoneA}, func(tx bot.Tx) ([]bot.Line, error) {
			if first {
				first = false
				close(started)
				<-release
			}
			return text(phoneA, "SMa", "slow")(tx)
		})
		done <- err
	}()
	<-started
	within(t, "another number's text while one is being computed", func() { e.inbound(phoneB, "SMb", "quick") })
	within(t, "an update locking another number", func() {
		if err := e.s.Update(ctx, phoneB, func(tx bot.Tx) error { return bot.MarkOptedOut(tx, phoneB) }); err != nil {
			t.Error(err)
		}
	})
	close(release)
	within(t, "the slow text", func() {
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	if c := e.conversation(phoneA); c.Misses != 1 {
		t.Errorf("slow text: Misses %d", c.Misses)
	}
}

// A change committed between a transaction's reads and its commit, to
// something it read, makes it run again on fresh data: the result
// reflects both. Here the change is made while the function waits; a
// backend must let it through (Update with no lock).
func testConflictRunsAgain(t *testing.T, e *env) {
	ctx := t.Context()
	meanwhile := func(fn func(bot.Tx) error) {
		done := make(chan error, 1)
		go func() { done <- e.s.Update(ctx, "", fn) }()
		within(t, "a concurrent update", func() {
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}

	t.Run("conversation", func(t *testing.T) {
		runs := 0
		reply, _, err := e.s.Inbound(ctx, bot.Claim{SID: "SMc", From: phoneA}, func(tx bot.Tx) ([]bot.Line, error) {
			runs++
			c, err := tx.Conversation(phoneA)
			if err != nil {
				return nil, err
			}
			if runs == 1 {
				meanwhile(func(tx bot.Tx) error {
					c, err := tx.Conversation(phoneA)
					if err != nil {
						return err
					}
					c.Misses += 100
					return tx.SaveConversation(c)
				})
			}
			c.Misses++
			if err := tx.SaveConversation(c); err != nil {
				return nil, err
			}
			lines, err := tx.Append(phoneA, bot.Line{Dir: bot.Out, Body: fmt.Sprint("run ", runs)})
			return lines, err
		})
		if err != nil {
			t.Fatal(err)
		}
		if runs != 2 || !slices.Equal(reply, []string{"run 2"}) {
			t.Errorf("runs %d, reply %q; want 2 runs and the second run's reply", runs, reply)
		}
		if c := e.conversation(phoneA); c.Misses != 101 {
			t.Errorf("Misses %d, want 101: both changes", c.Misses)
		}
	})

	t.Run("another number's transcript", func(t *testing.T) {
		runs := 0
		e.update(func(tx bot.Tx) error {
			runs++
			if runs == 1 {
				meanwhile(func(tx bot.Tx) error {
					_, err := tx.Append(operator, bot.Line{Dir: bot.Out, Body: "meanwhile"})
					return err
				})
			}
			_, err := tx.Append(operator, bot.Line{Dir: bot.Out, Body: "mine"})
			return err
		})
		lines := e.transcript(operator)
		if got := bodies(lines); !slices.Equal(got, []string{"meanwhile", "mine"}) || lines[1].Seq != 2 {
			t.Errorf("operator's transcript %q (%+v): want both lines, seq 1 and 2", got, lines)
		}
	})

	t.Run("open tickets", func(t *testing.T) {
		runs := 0
		e.update(func(tx bot.Tx) error {
			runs++
			open, err := tx.OpenTickets()
			if err != nil {
				return err
			}
			if runs == 1 {
				meanwhile(func(tx bot.Tx) error { return tx.SaveTicket(&bot.Ticket{Phone: phoneB, State: bot.TicketWaiting}) })
			}
			c, err := tx.Conversation(operator)
			if err != nil {
				return err
			}
			c.Misses = len(open)
			return tx.SaveConversation(c)
		})
		if c := e.conversation(operator); c.Misses != 1 || runs != 2 {
			t.Errorf("saw %d open tickets in %d runs; want the one opened meanwhile, in 2", c.Misses, runs)
		}
	})
}

// A done context fails every method with its error and stores nothing.
func testCancelledContext(t *testing.T, e *env) {
	e.inbound(phoneA, "SM1", "hi")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]error{}
	_, _, calls["Replay"] = e.s.Replay(ctx, bot.Claim{SID: "SM1", From: phoneA})
	_, _, calls["Inbound"] = e.s.Inbound(ctx, bot.Claim{SID: "SM2", From: phoneA}, text(phoneA, "SM2", "x"))
	calls["Update"] = e.s.Update(ctx, phoneA, func(tx bot.Tx) error { return bot.MarkOptedOut(tx, phoneA) })
	calls["Conversation"] = second(e.s.Conversation(ctx, phoneA))
	_, _, calls["RecentConversations"] = e.s.RecentConversations(ctx, bot.ConversationFilter{}, 0, 10)
	calls["LastLines"] = second(e.s.LastLines(ctx, phoneA))
	calls["TranscriptTail"] = second(e.s.TranscriptTail(ctx, phoneA, 0))
	calls["Page"] = second(e.s.Page(ctx, "p"))
	calls["PagesOf"] = second(e.s.PagesOf(ctx, phoneA, 10))
	calls["Tickets"] = second(e.s.Tickets(ctx, 10, false))
	calls["OutboxList"] = second(e.s.OutboxList(ctx, 10, false))
	_, _, calls["OutboxDepth"] = e.s.OutboxDepth(ctx)
	calls["Stats"] = second(e.s.Stats(ctx, "f", T0))
	calls["SetDelivery"] = second(e.s.SetDelivery(ctx, "SM1", "delivered", ""))
	calls["ClaimDue"] = second(e.s.ClaimDue(ctx, T0, 10, time.Minute))
	calls["NextSendSlot"] = second(e.s.NextSendSlot(ctx, T0, time.Second))
	calls["Forget"] = e.s.Forget(ctx, phoneA)
	calls["RevokePage"] = e.s.RevokePage(ctx, "p")
	calls["PruneClaims"] = second(e.s.PruneClaims(ctx, T0.Add(time.Hour), 10))
	calls["Leader"] = second(e.s.Leader(ctx))
	calls["Ping"] = e.s.Ping(ctx)
	calls["CreateSession"] = e.s.CreateSession(ctx, bot.Session{Key: "k"})
	calls["Session"] = second(e.s.Session(ctx, "k"))
	calls["UpdateSession"] = e.s.UpdateSession(ctx, "k", func(*bot.Session) {})
	calls["DeleteSession"] = e.s.DeleteSession(ctx, "k")
	calls["ExpireSessions"] = second(e.s.ExpireSessions(ctx, T0, T0))
	calls["AllowLogin"] = second(e.s.AllowLogin(ctx, "192.0.2.1", T0, T0.Add(-time.Minute), 5))
	for name, err := range calls {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
		}
	}
	c := e.conversation(phoneA)
	if c.Status == bot.StatusOptedOut || c.Misses != 1 || len(e.transcript(phoneA)) != 2 {
		t.Errorf("a cancelled call changed something: %+v", c)
	}
}

func second[T any](_ T, err error) error { return err }
