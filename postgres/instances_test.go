package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/postgres"
	"github.com/textfix/textfix/postgres/pgtest"
)

// What the suite cannot see with one store: several instances on one
// database.

// Instances opening one fresh database together apply its migrations
// once, under the lock, and all of them work.
func TestInstancesMigrateTogether(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	dbs := make([]*postgres.DB, 4)
	errs := make([]error, 4)
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(context.Background(), postgres.Config{URL: url}) })
	}
	wg.Wait()
	for i, db := range dbs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Ping(t.Context()); err != nil {
			t.Error(err)
		}
	}
	n, err := postgres.Migrate(t.Context(), url, nil)
	if err != nil || n != 0 {
		t.Errorf("Migrate after start = %d, %v; want nothing left to apply", n, err)
	}
}

// One instance leads at a time; when it goes, another takes over at its
// next call.
func TestLeaderTakeover(t *testing.T) {
	url := pgtest.URL(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	ctx := t.Context()
	la, err := a.Leader(ctx)
	if err != nil || !la {
		t.Fatalf("first instance: Leader = %v, %v", la, err)
	}
	for range 3 {
		if lb, err := b.Leader(ctx); err != nil || lb {
			t.Fatalf("second instance: Leader = %v, %v while the first leads", lb, err)
		}
		if la, err := a.Leader(ctx); err != nil || !la {
			t.Fatalf("the leader stopped leading: %v, %v", la, err)
		}
	}
	a.Close() // its session ends: the server drops the lock
	deadline := time.Now().Add(5 * time.Second)
	for {
		lb, err := b.Leader(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if lb {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second instance did not take over within 5s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The same MessageSid given to two instances at the same moment is stored
// once, and both answer with the same reply.
func TestSameMessageTwoInstances(t *testing.T) {
	url := pgtest.URL(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	ctx := t.Context()
	const phone = "+15550001111"
	runs := 0
	var mu sync.Mutex
	fn := func(sid string) func(bot.Tx) ([]bot.Line, error) {
		return func(tx bot.Tx) ([]bot.Line, error) {
			mu.Lock()
			runs++
			mu.Unlock()
			c, err := tx.Conversation(phone)
			if err != nil {
				return nil, err
			}
			c.Misses++
			if err := tx.SaveConversation(c); err != nil {
				return nil, err
			}
			lines, err := tx.Append(phone, bot.Line{Dir: bot.In, Body: sid}, bot.Line{Dir: bot.Out, Body: fmt.Sprint("reply ", c.Misses)})
			if err != nil {
				return nil, err
			}
			return lines[1:], nil
		}
	}
	for i := range 20 {
		sid := fmt.Sprint("SM", i)
		var wg sync.WaitGroup
		var ra, rb []string
		var ea, eb error
		start := make(chan struct{})
		wg.Go(func() { <-start; ra, _, ea = a.Inbound(ctx, bot.Claim{SID: sid, From: phone}, fn(sid)) })
		wg.Go(func() { <-start; rb, _, eb = b.Inbound(ctx, bot.Claim{SID: sid, From: phone}, fn(sid)) })
		close(start)
		wg.Wait()
		if ea != nil || eb != nil {
			t.Fatal(ea, eb)
		}
		if !slices.Equal(ra, rb) || len(ra) != 1 {
			t.Fatalf("%s: A replied %q, B %q", sid, ra, rb)
		}
	}
	lines, err := a.TranscriptTail(ctx, phone, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 40 || runs != 20 {
		t.Errorf("%d lines and %d runs for 20 messages sent to both instances; want 40 and 20", len(lines), runs)
	}
}

// Two senders claiming at once never get the same message, and between
// them they get all of them.
func TestClaimDueTwoInstances(t *testing.T) {
	url := pgtest.URL(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const recipients, each = 40, 3
	err := a.Update(ctx, "", func(tx bot.Tx) error {
		for i := range recipients * each {
			m := bot.OutMsg{To: fmt.Sprintf("+1555000%04d", i%recipients), Body: fmt.Sprint(i), Kind: bot.OutNotify, Created: now}
			if err := tx.Enqueue(&m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		got    = map[string]int{}
		wg     sync.WaitGroup
		failed error
	)
	for _, db := range []*postgres.DB{a, b, a, b} {
		wg.Go(func() {
			for round := 0; round < 50; round++ {
				due, err := db.ClaimDue(ctx, now.Add(time.Duration(round)*time.Second), 7, time.Hour)
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
				for _, m := range due {
					err := db.Update(ctx, m.To, func(tx bot.Tx) error {
						cur, err := tx.Message(m.ID)
						if err != nil {
							return err
						}
						cur.State, cur.LeaseUntil = bot.OutSent, time.Time{}
						return tx.SaveMessage(cur)
					})
					mu.Lock()
					got[m.ID]++
					if err != nil {
						failed = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if failed != nil {
		t.Fatal(failed)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("message %s claimed %d times", id, n)
		}
	}
	if len(got) != recipients*each {
		t.Errorf("%d of %d messages claimed", len(got), recipients*each)
	}
}

// Send slots are spaced across instances, not per instance.
func TestSendSlotsAcrossInstances(t *testing.T) {
	url := pgtest.URL(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	every := 100 * time.Millisecond
	var (
		mu    sync.Mutex
		slots []time.Time
		wg    sync.WaitGroup
	)
	for _, db := range []*postgres.DB{a, b, a, b} {
		wg.Go(func() {
			for range 10 {
				s, err := db.NextSendSlot(t.Context(), now, every)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				slots = append(slots, s)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(slots, func(x, y time.Time) int { return x.Compare(y) })
	for i, s := range slots {
		if want := now.Add(time.Duration(i) * every); !s.Equal(want) {
			t.Fatalf("slot %d is %v, want %v: slots are not spaced across instances", i, s, want)
		}
	}
}

// A message queued on one instance wakes the senders of every instance.
func TestListenWakesOtherInstances(t *testing.T) {
	url := pgtest.URL(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	woken := make(chan struct{}, 16)
	go b.Listen(ctx, func() { woken <- struct{}{} }, nil)
	select {
	case <-woken: // once on connecting
	case <-time.After(5 * time.Second):
		t.Fatal("Listen did not connect")
	}
	if err := a.Update(ctx, "", func(tx bot.Tx) error { return tx.SaveConversation(bot.Conversation{Phone: "+15550001111"}) }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-woken:
		t.Fatal("woken by a transaction that queued nothing")
	case <-time.After(200 * time.Millisecond):
	}
	if err := a.Update(ctx, "", func(tx bot.Tx) error {
		return tx.Enqueue(&bot.OutMsg{To: "+15550001111", Body: "hi", Kind: bot.OutNotice})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-woken:
	case <-time.After(5 * time.Second):
		t.Fatal("a message queued on A did not wake B")
	}
}

// Counters read the same before and after the leader folds the counts
// texts appended, and folding twice moves nothing more.
func TestFoldCounters(t *testing.T) {
	db := mustOpen(t, pgtest.URL(t))
	ctx := t.Context()
	day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for range 3 {
		err := db.Update(ctx, "", func(tx bot.Tx) error {
			return tx.Record([]bot.Event{{Kind: bot.EventStart, Flow: "f"}, {Kind: bot.EventMiss, Flow: "f", Node: "q", Text: "huh"}}, day)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	before, err := db.Stats(ctx, "f", day)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.FoldCounters(ctx); err != nil || n != 3 {
		t.Fatalf("FoldCounters = %d, %v; want 3 totals written (start, miss, unmatched)", n, err)
	}
	after, err := db.Stats(ctx, "f", day)
	if err != nil {
		t.Fatal(err)
	}
	if after.Started != 3 || after.Misses["q"] != 3 || fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("stats %+v after folding, %+v before", after, before)
	}
	if n, err := db.FoldCounters(ctx); err != nil || n != 0 {
		t.Errorf("a second fold moved %d, %v", n, err)
	}
}
