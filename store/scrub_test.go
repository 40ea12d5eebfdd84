package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

// secret is one person's data as it sits in the file: the number, a text
// that appears nowhere else, and a page id.
type secret struct{ phone, text, page string }

func (s secret) store(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for i := range 20 { // enough to reach pages of its own, and old copies of them
		sid := fmt.Sprintf("SMsecret%d", i)
		if _, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: s.phone}, text(s.phone, sid, fmt.Sprintf("%s %d", s.text, i))); err != nil {
			t.Fatal(err)
		}
	}
	err := db.Update(ctx, s.phone, func(tx bot.Tx) error {
		if err := tx.PutPage(s.phone, bot.Page{ID: s.page, Kind: bot.PageFix, Title: "Fix", Reported: s.text, Created: time.Now()}); err != nil {
			return err
		}
		// An answer the engine did not understand, kept as a sample.
		if err := tx.Record([]bot.Event{{Kind: bot.EventMiss, Flow: "f", Node: "q", Text: fmt.Sprintf("%s %d", s.text, 3)}, {Kind: bot.EventMiss, Flow: "f", Node: "q", Text: "yes"}}, time.Now()); err != nil {
			return err
		}
		tk := bot.Ticket{Phone: s.phone, State: bot.TicketWaiting}
		if err := tx.SaveTicket(&tk); err != nil {
			return err
		}
		// An operator's notification quotes the text, in the outbox and
		// in the operator's transcript, as the desk queues it.
		lines, err := tx.Append(operatorPhone, bot.Line{Dir: bot.Out, Body: "#1 ***0002: " + s.text})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(&bot.OutMsg{To: operatorPhone, Body: lines[0].Body, Kind: bot.OutNotify, Ticket: tk.Number, Line: lines[0].Seq}); err != nil {
			return err
		}
		return tx.Enqueue(&bot.OutMsg{To: s.phone, Body: s.text + " queued"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// found lists which of s's bytes the raw file at path holds.
func (s secret) found(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range []string{s.phone, s.text, s.page} {
		if bytes.Contains(raw, []byte(b)) {
			out = append(out, b)
		}
	}
	return out
}

// others fills the file with other people's texts around s's.
func others(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		p := fmt.Sprintf("+1444%07d", i)
		sid := fmt.Sprintf("SMother%d", i)
		if _, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: p}, text(p, sid, "claude code 403 again")); err != nil {
			t.Fatal(err)
		}
	}
}

const operatorPhone = "+15550009999"

var person = secret{phone: "+15551260002", text: "zebra-kumquat-7741 says 403", page: "Pq7ZxW3kLm9Ab"}

// After Forget, in a running server, no byte of the number, its texts or
// its page is in the file once the scrub ran (ScrubDelay); the texts of
// everyone else are still served.
func TestForgetLeavesNoBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "textfix.db")
	db := mustOpenAt(t, path)
	db.ScrubDelay = 50 * time.Millisecond
	others(t, db, 50)
	person.store(t, db)
	others(t, db, 50)
	if got := person.found(t, path); len(got) != 3 {
		t.Fatalf("before forget the file holds %q, want all three", got)
	}
	db.ScrubDelay = time.Hour
	if err := db.Forget(context.Background(), person.phone); err != nil {
		t.Fatal(err)
	}
	// What bbolt alone leaves: the bytes sit in freed pages.
	if got := person.found(t, path); len(got) == 0 {
		t.Error("forget without a scrub left nothing: this test would prove nothing")
	}
	n, err := db.Scrub(context.Background())
	if err != nil || n == 0 {
		t.Fatalf("Scrub: %d pages, %v", n, err)
	}
	if got := person.found(t, path); len(got) != 0 {
		t.Errorf("after the scrub the file holds %q", got)
	}
	t.Logf("scrub zeroed %d pages", n)

	others(t, db, 10)
	if _, err := db.Conversation(context.Background(), "+14440000001"); err != nil {
		t.Errorf("another number after the scrub: %v", err)
	}
	st, err := db.Stats(context.Background(), "f", time.Time{})
	if err != nil || len(st.Unmatched["q"]) != 1 || st.Unmatched["q"][0].Text != "yes" || st.Misses["q"] != 2 {
		t.Errorf("samples after forget: %+v, %v; want the other person's alone, and both misses counted", st, err)
	}
}

// In a server the scrub comes by itself, ScrubDelay after the forget.
func TestForgetScrubsByItself(t *testing.T) {
	path := filepath.Join(t.TempDir(), "textfix.db")
	db := mustOpenAt(t, path)
	db.ScrubDelay = 50 * time.Millisecond
	others(t, db, 20)
	second := secret{phone: "+15551260003", text: "walrus-quince-1183 says 401", page: "Zz8YxW3kLm9Cd"}
	second.store(t, db)
	if err := db.Forget(context.Background(), second.phone); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the scrub", func() bool { return len(second.found(t, path)) == 0 })
}

// A forget from the command line (Open, Forget, Close) scrubs at Close;
// one that crashed before its scrub is scrubbed at the next Open.
func TestForgetScrubsAtCloseAndOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "textfix.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	others(t, db, 20)
	person.store(t, db)
	if err := db.Forget(context.Background(), person.phone); err != nil {
		t.Fatal(err)
	}
	// The file as a crash right after the forget would leave it.
	crashed := filepath.Join(t.TempDir(), "crashed.db")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(crashed, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got := person.found(t, path); len(got) != 0 {
		t.Errorf("after forget and Close the file holds %q", got)
	}
	if got := person.found(t, crashed); len(got) == 0 {
		t.Fatal("the crashed copy holds nothing to scrub")
	}
	mustOpenAt(t, crashed)
	if got := person.found(t, crashed); len(got) != 0 {
		t.Errorf("after Open of a file whose forget was not scrubbed, it holds %q", got)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// stalled is a writer that blocks until released: a slow download.
type stalled struct{ release chan struct{} }

func (s stalled) Write(p []byte) (int, error) { <-s.release; return len(p), nil }

// While a backup is being written (a slow download), the scrub waits for
// it without holding texts up, and runs once it is done.
func TestScrubWaitsForBackup(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "textfix.db")
	db := mustOpenAt(t, path)
	db.ScrubDelay = time.Hour
	others(t, db, 20)
	person.store(t, db)
	w := stalled{release: make(chan struct{})}
	done := make(chan error, 1)
	go func() { _, err := db.Backup(ctx, w); done <- err }()
	time.Sleep(50 * time.Millisecond) // the backup holds its snapshot
	if err := db.Forget(ctx, person.phone); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := db.Scrub(ctx); err == nil {
		t.Error("a scrub ran while a backup read the file")
	}
	others(t, db, 3)
	if d := time.Since(start); d > time.Second {
		t.Errorf("a scrub and three texts took %v during a backup, want no wait", d)
	}
	close(w.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := db.Scrub(ctx); err != nil {
		t.Fatal(err)
	}
	if got := person.found(t, path); len(got) != 0 {
		t.Errorf("after the backup and the scrub the file holds %q", got)
	}
}
