package twilio_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/twilio"
)

// panickyStore panics whenever the worker asks for its queue.
type panickyStore struct {
	twilio.OutboxStore
	calls atomic.Int32
}

func (s *panickyStore) OutboxDepth(context.Context) (int, time.Time, error) {
	s.calls.Add(1)
	panic("queue index out of range")
}

// A panic in a run of the outbox worker fails that run: OnPanic hears of
// it as a *bot.PanicError and the worker goes on to the next.
func TestOutboxSurvivesPanic(t *testing.T) {
	st := &panickyStore{}
	panics := make(chan error, 10)
	o := &twilio.Outbox{Store: st, OnPanic: func(err error) { panics <- err }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for i := range 2 {
		select {
		case err := <-panics:
			var pe *bot.PanicError
			if !errors.As(err, &pe) || pe.Value != "queue index out of range" || len(pe.Stack) == 0 {
				t.Fatalf("OnPanic got %v", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("run %d: no panic reported (worker dead?)", i+1)
		}
		o.Wake()
	}
}
