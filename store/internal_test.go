package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "textfix.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// raw writes straight into the file, as an older version or a bug would.
func raw(t *testing.T, db *DB, fn func(tx *bolt.Tx) error) {
	t.Helper()
	if err := db.bolt.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// A write whose read-set no longer holds is skipped and reported; the
// other writes of its group commit.
func TestWriterSkipsOnlyTheConflict(t *testing.T) {
	db := openTest(t)
	put := func(key, val string) op { return op{kind: opPut, at: atPages, key: []byte(key), val: []byte(val)} }
	raw(t, db, func(tx *bolt.Tx) error { return tx.Bucket(bucketKeys[atPages]).Put([]byte("k"), []byte("now")) })

	stale := &job{w: write{reads: []read{{kind: readKey, at: atPages, key: []byte("k"), val: []byte("before")}}, ops: []op{put("a", "1")}}, err: make(chan error, 1)}
	missing := &job{w: write{reads: []read{{kind: readKey, at: atPages, key: []byte("k")}}, ops: []op{put("b", "1")}}, err: make(chan error, 1)}
	fresh := &job{w: write{reads: []read{{kind: readKey, at: atPages, key: []byte("k"), val: []byte("now")}}, ops: []op{put("c", "1"), put("k", "later")}}, err: make(chan error, 1)}
	// Checked after fresh, in the same group: it saw "now", fresh changed it.
	after := &job{w: write{reads: []read{{kind: readKey, at: atPages, key: []byte("k"), val: []byte("now")}}, ops: []op{put("d", "1")}}, err: make(chan error, 1)}
	db.writes.commit([]*job{stale, missing, fresh, after})

	for name, tt := range map[string]struct {
		j    *job
		want error
	}{"stale": {stale, errConflict}, "missing": {missing, errConflict}, "fresh": {fresh, nil}, "after": {after, errConflict}} {
		if err := <-tt.j.err; !errors.Is(err, tt.want) && err != tt.want {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
	}
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys[atPages])
		for k, want := range map[string]string{"a": "", "b": "", "c": "1", "d": "", "k": "later"} {
			if got := string(b.Get([]byte(k))); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		return nil
	})
}

// A corrupt record fails the request that meets it, with an error.
func TestCorruptRecords(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const phone = "+15550000001"
	if _, _, err := db.Inbound(ctx, bot.Claim{SID: "SM1", From: phone}, func(tx bot.Tx) ([]bot.Line, error) {
		if err := tx.SaveConversation(bot.Conversation{Phone: phone, Status: bot.StatusActive}); err != nil {
			return nil, err
		}
		if err := tx.SaveTicket(&bot.Ticket{Phone: phone, State: bot.TicketWaiting}); err != nil {
			return nil, err
		}
		if err := tx.Enqueue(&bot.OutMsg{To: phone, Body: "b"}); err != nil {
			return nil, err
		}
		return tx.Append(phone, bot.Line{Dir: bot.Out, Body: "r", MessageID: "SMout"})
	}); err != nil {
		t.Fatal(err)
	}
	garbage := []byte("{not json")
	raw(t, db, func(tx *bolt.Tx) error {
		for _, kv := range []struct {
			at   bucket
			k, v []byte
		}{
			{atNumbers, conversationKey(phone), garbage},
			{atNumbers, claimKey(phone, "SM1"), garbage},
			{atNumbers, lineKey(phone, 1), garbage},
			{atPages, []byte("p"), garbage},
			{atOutbox, numKey(1), garbage},
			{atTickets, numKey(1), garbage},
			{atOpen, []byte("short"), nil},
			{atRecent, []byte("x"), []byte("active\n")},
			{atSent, []byte("SMout"), garbage},
			{atSessions, []byte("s"), garbage},
		} {
			if err := tx.Bucket(bucketKeys[kv.at]).Put(kv.k, kv.v); err != nil {
				return err
			}
		}
		return nil
	})
	calls := map[string]func() error{
		"Conversation":        func() error { return second(db.Conversation(ctx, phone)) },
		"RecentConversations": func() error { _, _, err := db.RecentConversations(ctx, bot.ConversationFilter{}, 0, 10); return err },
		"TranscriptTail":      func() error { return second(db.TranscriptTail(ctx, phone, 0)) },
		"LastLines":           func() error { return second(db.LastLines(ctx, phone)) },
		"Replay":              func() error { _, _, err := db.Replay(ctx, bot.Claim{SID: "SM1", From: phone}); return err },
		"Inbound": func() error {
			_, _, err := db.Inbound(ctx, bot.Claim{SID: "SM2", From: phone}, func(tx bot.Tx) ([]bot.Line, error) {
				_, err := tx.Conversation(phone)
				return nil, err
			})
			return err
		},
		"Page":           func() error { return second(db.Page(ctx, "p")) },
		"Tickets":        func() error { return second(db.Tickets(ctx, 10, false)) },
		"OpenTickets":    func() error { return second(db.Tickets(ctx, 10, true)) },
		"OutboxList":     func() error { return second(db.OutboxList(ctx, 10, false)) },
		"OutboxDepth":    func() error { _, _, err := db.OutboxDepth(ctx); return err },
		"ClaimDue":       func() error { return second(db.ClaimDue(ctx, time.Now(), 10, time.Minute)) },
		"SetDelivery":    func() error { return second(db.SetDelivery(ctx, "SMout", "delivered", "")) },
		"Forget":         func() error { return db.Forget(ctx, phone) },
		"PruneClaims":    func() error { return second(db.PruneClaims(ctx, time.Now(), 10)) },
		"Session":        func() error { return second(db.Session(ctx, "s")) },
		"ExpireSessions": func() error { return second(db.ExpireSessions(ctx, time.Now(), time.Now())) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			if err := call(); err == nil || errors.Is(err, bot.ErrNotFound) {
				t.Errorf("%s on a corrupt record: %v, want an error", name, err)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

// holdWriter blocks the writer's next transaction until release is
// called: it holds bbolt's write lock.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	tx, err := db.bolt.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	return func() { _ = tx.Rollback() }
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(100 * time.Microsecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: timed out", what)
		}
	}
}

// putPage is an Update writing one page, counting its runs.
func putPage(ctx context.Context, db *DB, id string, runs *atomic.Int32) error {
	return db.Update(ctx, "", func(tx bot.Tx) error {
		runs.Add(1)
		return tx.PutPage("", bot.Page{ID: id})
	})
}

// A lone write commits in a transaction of its own; writes that arrive
// while a transaction commits share the next one. Cancelling the context
// of a write already queued changes nothing: it commits, and no function
// of its group runs again.
func TestWriterGathers(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var runs atomic.Int32
	commits, writes := db.writes.commits.Load(), db.writes.writes.Load()
	for i := range 3 {
		if err := putPage(ctx, db, fmt.Sprint("lone", i), &runs); err != nil {
			t.Fatal(err)
		}
	}
	if c, w := db.writes.commits.Load()-commits, db.writes.writes.Load()-writes; c != 3 || w != 3 {
		t.Errorf("three lone writes: %d commits of %d writes, want 3 of 3", c, w)
	}

	release := holdWriter(t, db)
	commits, writes = db.writes.commits.Load(), db.writes.writes.Load()
	errs := make(chan error, 4)
	go func() { errs <- putPage(ctx, db, "first", &runs) }()
	waitFor(t, "the writer takes the first write", func() bool { return db.writes.commits.Load() == commits+1 })
	cctx, cancel := context.WithCancel(ctx)
	for _, id := range []string{"a", "b", "c"} {
		c := ctx
		if id == "b" {
			c = cctx
		}
		go func() { errs <- putPage(c, db, id, &runs) }()
	}
	waitFor(t, "three writes queue during the commit", func() bool { return len(db.writes.queue) == 3 })
	cancel()
	runs.Store(0)
	release()
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("a write failed: %v", err)
		}
	}
	if c, w := db.writes.commits.Load()-commits, db.writes.writes.Load()-writes; c != 2 || w != 4 {
		t.Errorf("%d commits of %d writes, want 2 of 4: the first, then the three that queued during it", c, w)
	}
	if n := runs.Load(); n != 0 {
		t.Errorf("%d functions ran again after they were queued", n)
	}
	for _, id := range []string{"first", "a", "b", "c"} {
		if _, err := db.Page(ctx, id); err != nil {
			t.Errorf("page %s: %v", id, err)
		}
	}
}
