package twilio_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/twilio"
)

// slowSender is a Twilio that accepts a message only when the test lets
// it, and honours its context as an HTTP client does until then.
type slowSender struct {
	mu      sync.Mutex
	calls   int
	started chan struct{}
	accept  chan struct{}
}

func (s *slowSender) Send(ctx context.Context, to, body, _ string) (string, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	s.started <- struct{}{}
	select {
	case <-s.accept:
		return "SMaccepted", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func queued(t *testing.T) (*store.DB, string) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var m bot.OutMsg
	err = db.Update(t.Context(), "", func(tx bot.Tx) error {
		m = bot.OutMsg{To: "+15555550101", Body: "your ticket", Kind: bot.OutNotice}
		return tx.Enqueue(&m)
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, m.ID
}

func outMsg(t *testing.T, db *store.DB, id string) bot.OutMsg {
	t.Helper()
	var m bot.OutMsg
	err := db.Update(t.Context(), "", func(tx bot.Tx) error {
		var err error
		m, err = tx.Message(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A graceful stop during a send finishes the send and records it: the
// message Twilio accepted is sent, not sent again after the restart.
func TestOutboxStopFinishesTheSendInProgress(t *testing.T) {
	db, id := queued(t)
	tw := &slowSender{started: make(chan struct{}, 1), accept: make(chan struct{})}
	o := &twilio.Outbox{Store: db, Sender: tw, Rate: 100, Drain: 5 * time.Second}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	<-tw.started
	stop() // SIGTERM while Twilio is answering
	time.Sleep(100 * time.Millisecond)
	close(tw.accept)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the outbox did not stop")
	}
	if m := outMsg(t, db, id); m.State != bot.OutSent || m.SID != "SMaccepted" {
		t.Fatalf("after the stop the message is %s (sid %q), want sent: it would go again", m.State, m.SID)
	}
	// The next start sends nothing.
	again := &slowSender{started: make(chan struct{}, 1), accept: make(chan struct{})}
	o2 := &twilio.Outbox{Store: db, Sender: again, Rate: 100}
	o2.Init()
	if err := o2.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if again.calls != 0 {
		t.Errorf("sent again after the restart: %d", again.calls)
	}
}

// A send that outlasts Drain is cut short and given back, unleased, for
// the next start.
func TestOutboxStopIsBounded(t *testing.T) {
	db, id := queued(t)
	tw := &slowSender{started: make(chan struct{}, 1), accept: make(chan struct{})}
	o := &twilio.Outbox{Store: db, Sender: tw, Rate: 100, Drain: 200 * time.Millisecond}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	<-tw.started
	stopped := time.Now()
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the outbox did not stop")
	}
	if d := time.Since(stopped); d > 2*time.Second {
		t.Errorf("stopping took %v with Drain 200ms", d)
	}
	if m := outMsg(t, db, id); m.State != bot.OutQueued || !m.LeaseUntil.IsZero() {
		t.Errorf("a send cut short left %s, lease %v; want queued, no lease", m.State, m.LeaseUntil)
	}
}
