package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/store/storetest"
)

const phone = "+15005550006"

// mustOpen opens a fresh store in a temporary directory and closes it when
// the test ends.
func mustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenAt(tb, filepath.Join(tb.TempDir(), "textfix.db"))
}

func mustOpenAt(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// The storage contract, on a real bbolt file.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock func() time.Time) bot.Store {
		db := mustOpen(t)
		db.Now = clock
		return db
	})
	storetest.RunRetainer(t, func(t *testing.T, clock func() time.Time) storetest.Retaining {
		db := mustOpen(t)
		db.Now = clock
		return db
	})
}

// text is an engine stand-in: the inbound line and one reply.
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
		lines, err := tx.Append(from, bot.Line{Dir: bot.In, Body: body, MessageID: sid}, bot.Line{Dir: bot.Out, Body: "Did you set ANTHROPIC_API_KEY? Reply 1) yes 2) no"})
		if err != nil {
			return nil, err
		}
		return lines[1:], nil
	}
}

// Everything survives a restart: claims, and the numbering of lines,
// tickets and outbox messages.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "textfix.db") // Open creates the directory

	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Inbound(ctx, bot.Claim{SID: "SM1", From: phone}, text(phone, "SM1", "hi")); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, "", func(tx bot.Tx) error {
		if err := tx.SaveTicket(&bot.Ticket{Phone: phone, State: bot.TicketWaiting}); err != nil {
			return err
		}
		return tx.Enqueue(&bot.OutMsg{To: phone, Body: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Ping on a closed store: %v, want ErrClosed", err)
	}
	if err := db.Update(ctx, "", func(tx bot.Tx) error { return bot.MarkOptedOut(tx, phone) }); err == nil {
		t.Error("Update on a closed store succeeded")
	}

	db = mustOpenAt(t, path)
	if _, ok, err := db.Replay(ctx, bot.Claim{SID: "SM1", From: phone}); err != nil || !ok {
		t.Errorf("claim after reopen: ok=%v err=%v", ok, err)
	}
	var seq uint64
	var ticket int
	var id string
	err = db.Update(ctx, "", func(tx bot.Tx) error {
		lines, err := tx.Append(phone, bot.Line{Dir: bot.Out, Body: "more"})
		if err != nil {
			return err
		}
		tk := bot.Ticket{Phone: phone, State: bot.TicketWaiting}
		if err := tx.SaveTicket(&tk); err != nil {
			return err
		}
		m := bot.OutMsg{To: phone, Body: "y"}
		if err := tx.Enqueue(&m); err != nil {
			return err
		}
		seq, ticket, id = lines[0].Seq, tk.Number, m.ID
		return nil
	})
	if err != nil || seq != 3 || ticket != 2 || id != "2" {
		t.Errorf("after reopen: line %d, ticket %d, message %s, %v; want 3, 2, 2", seq, ticket, id, err)
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "textfix.db")
	mustOpenAt(t, path)

	start := time.Now()
	second, err := store.Open(path)
	elapsed := time.Since(start)
	if err == nil {
		second.Close()
		t.Fatal("second Open of a locked file succeeded")
	}
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("error = %v, want ErrLocked", err)
	}
	want := "store: open " + path + ": database is locked by another process"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Open took %v to give up, want about 1s", elapsed)
	}
}

// BenchmarkInbound shows that a text costs the same whatever the length
// of the transcript before it.
func BenchmarkInbound(b *testing.B) {
	for _, before := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("lines=%d", before), func(b *testing.B) {
			ctx := context.Background()
			db := mustOpen(b)
			prefill(b, db, phone, before)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				sid := fmt.Sprintf("SM%d", i)
				if _, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: phone}, text(phone, sid, "it still says 403")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// prefill appends n earlier lines to phone's transcript.
func prefill(tb testing.TB, db *store.DB, phone string, n int) {
	tb.Helper()
	for done := 0; done < n; done += 1000 {
		lines := make([]bot.Line, min(1000, n-done))
		for i := range lines {
			lines[i] = bot.Line{Dir: bot.In, Body: "an earlier message of ordinary length"}
		}
		err := db.Update(context.Background(), "", func(tx bot.Tx) error {
			_, err := tx.Append(phone, lines...)
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkInboundParallel is texts from 100 numbers at once: ns/op is
// the amortised cost per text when the writer groups them.
func BenchmarkInboundParallel(b *testing.B) {
	ctx := context.Background()
	db := mustOpen(b)
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			p := fmt.Sprintf("+1555%07d", i%100)
			sid := fmt.Sprintf("SM%d", i)
			if _, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: p}, text(p, sid, "it still says 403")); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
