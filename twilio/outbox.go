package twilio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/textfix/textfix/bot"
)

// OutboxStore is what the outbox worker needs from storage: the queue
// (lease due messages, pace sends, its depth) and transactions to record
// each outcome in.
type OutboxStore interface {
	bot.OutboxSender
	bot.DeskReader
	bot.Transactor
}

// MessageSender sends one SMS and returns Twilio's MessageSid.
type MessageSender interface {
	Send(ctx context.Context, to, body, statusCallback string) (sid string, err error)
}

// Outbox sends what the store queued, after commit, at a steady rate. A
// message is sent at least once: a crash after Twilio accepted it but
// before the store recorded it sends it again once its lease expires
// (Twilio has no idempotency key); a crash before the send loses nothing.
type Outbox struct {
	Store  OutboxStore
	Sender MessageSender
	// Desk applies the opt-out rule when Twilio refuses a number as
	// unsubscribed (nil: a desk without operators, so nobody is told).
	Desk *bot.Desk
	// StatusCallback is the URL Twilio reports delivery to ("" for none).
	StatusCallback string
	// Rate is messages per second for the sender (default 1: a US long
	// code's limit), paced across the deployment by the store's send
	// slots. Webhook replies do not go through here, so they never wait
	// for it.
	Rate float64
	// MaxTries before a retryable error becomes a failure (default 8).
	MaxTries int
	// Lease is how long a claimed message is the worker's alone before
	// another sender may take it (default a minute: well over a send's
	// timeout).
	Lease time.Duration
	// Drain is how long a send in progress may go on after Run's context
	// ends (a graceful stop): Twilio may have accepted it already, so it
	// is finished and its outcome recorded rather than cut short and sent
	// again after the restart (default 10 s).
	Drain time.Duration
	Log   *slog.Logger
	Now   func() time.Time
	// OnPanic is told of a panic in a run (a *bot.PanicError), after which
	// the worker goes on; nil logs it.
	OnPanic func(err error)

	wake chan struct{}
	sent atomic.Int64
}

// Wake tells the worker that something was queued. It never blocks.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Sent counts messages sent since start (for metrics).
func (o *Outbox) Sent() int64 { return o.sent.Load() }

// Init prepares the worker; Run calls it, tests may call it to use Flush.
func (o *Outbox) Init() {
	if o.wake == nil {
		o.wake = make(chan struct{}, 1)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Desk == nil {
		o.Desk = &bot.Desk{}
	}
	if o.MaxTries <= 0 {
		o.MaxTries = 8
	}
	if o.Rate <= 0 {
		o.Rate = 1
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.Drain <= 0 {
		o.Drain = 10 * time.Second
	}
}

// draining is a context that ends Drain after ctx does: a send started
// before a stop finishes, within bounds.
func (o *Outbox) draining(ctx context.Context) (context.Context, context.CancelFunc) {
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var timer *time.Timer
	var mu sync.Mutex
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		timer = time.AfterFunc(o.Drain, cancel)
		mu.Unlock()
	})
	return dctx, func() {
		stop()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	}
}

// Run sends due messages until ctx is done: at once when woken, and every
// second for retries that come due.
func (o *Outbox) Run(ctx context.Context) {
	o.Init()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		err := o.flush(ctx)
		var pe *bot.PanicError
		switch {
		case errors.As(err, &pe) && o.OnPanic != nil:
			o.OnPanic(err)
		case err != nil && ctx.Err() == nil:
			o.Log.Error("outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-tick.C:
		}
	}
}

// flush is Flush with a panic turned into a *bot.PanicError: a message
// that makes bot code panic fails its run, not the worker.
func (o *Outbox) flush(ctx context.Context) (err error) {
	defer bot.CatchPanic(&err)
	return o.Flush(ctx)
}

// Flush sends every message due now, one per send slot. It waits for a
// slot before it claims a message, so a message is never held while it
// waits: a crash during a long wait strands nothing. A slot taken when
// nothing turns out to be due (a retry backing off) goes unused.
func (o *Outbox) Flush(ctx context.Context) error {
	every := time.Duration(float64(time.Second) / o.Rate)
	for {
		n, _, err := o.Store.OutboxDepth(ctx)
		if err != nil || n == 0 {
			return err
		}
		slot, err := o.Store.NextSendSlot(ctx, o.Now(), every)
		if err != nil {
			return err
		}
		if err := sleep(ctx, slot.Sub(o.Now())); err != nil {
			return err
		}
		due, err := o.Store.ClaimDue(ctx, o.Now(), 1, o.Lease)
		if err != nil || len(due) == 0 {
			return err
		}
		if err := o.send(ctx, due[0]); err != nil {
			return err
		}
	}
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send sends m unless its number opted out (checked now, at send time),
// records the outcome, and then logs and counts it. Once begun, a send is
// not cut short by the end of ctx (a graceful stop) but finishes, for up
// to Drain, and its outcome is recorded.
func (o *Outbox) send(ctx context.Context, m bot.OutMsg) error {
	// The outcome is recorded even if ctx ends: the send happened (or
	// may have), and a graceful stop must not send it twice.
	record := context.WithoutCancel(ctx)
	if ctx.Err() != nil {
		return o.giveBack(record, m)
	}
	sctx, stop := o.draining(ctx)
	defer stop()
	optedOut := false
	err := o.Store.Update(sctx, m.To, func(t bot.Tx) error {
		optedOut = false
		out, err := bot.OptedOut(t, m.To)
		if err != nil || !out {
			return err
		}
		optedOut = true
		cur, err := t.Message(m.ID)
		if err != nil {
			return err
		}
		cur.State, cur.Error, cur.LeaseUntil = bot.OutFailed, "opted out: not sent", time.Time{}
		return t.SaveMessage(cur)
	})
	switch {
	case errors.Is(err, bot.ErrNotFound):
		o.Log.Info("outbox: not sent, the number was forgotten", "to", bot.Mask(m.To), "id", m.ID)
		return nil
	case err != nil:
		return err
	case optedOut:
		o.Log.Info("outbox: not sent, number opted out", "to", bot.Mask(m.To), "id", m.ID)
		return nil
	}

	sid, sendErr := o.Sender.Send(sctx, m.To, m.Body, o.StatusCallback)
	if sendErr != nil && sctx.Err() != nil {
		// Drained too long: give the message back, for the next start.
		return o.giveBack(record, m)
	}
	now := o.Now()
	class := Classify(sendErr)
	var cur bot.OutMsg
	err = o.Store.Update(record, m.To, func(t bot.Tx) error {
		var err error
		if cur, err = t.Message(m.ID); err != nil {
			return err
		}
		cur.Tries++
		cur.LeaseUntil = time.Time{}
		switch class {
		case 0:
			cur.State, cur.SID, cur.Sent, cur.Error = bot.OutSent, sid, now, ""
		case Retry:
			cur.Error = errorText(sendErr)
			if cur.Tries >= o.MaxTries {
				cur.State = bot.OutFailed
			} else {
				cur.NextAt = now.Add(backoff(cur.Tries))
			}
		case OptedOut:
			cur.State, cur.Error = bot.OutFailed, errorText(sendErr)
			if err := o.Desk.OptOut(t, cur.To, OptedOutWhy, now); err != nil {
				return err
			}
		default:
			cur.State, cur.Error = bot.OutFailed, errorText(sendErr)
		}
		return t.SaveMessage(cur)
	})
	if errors.Is(err, bot.ErrNotFound) {
		o.Log.Info("outbox: the number was forgotten during the send", "to", bot.Mask(m.To), "id", m.ID)
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case class == 0:
		o.sent.Add(1)
		o.Log.Info("outbox: sent", "to", bot.Mask(cur.To), "id", cur.ID, "kind", cur.Kind)
	case class == Retry && cur.State == bot.OutFailed:
		o.Log.Warn("outbox: giving up", "to", bot.Mask(cur.To), "id", cur.ID, "tries", cur.Tries, "err", cur.Error)
	case class == Retry:
		o.Log.Warn("outbox: will retry", "to", bot.Mask(cur.To), "id", cur.ID, "tries", cur.Tries, "at", cur.NextAt, "err", cur.Error)
	case class == OptedOut:
		o.Log.Info("outbox: number opted out", "code", CodeOptedOut, "to", bot.Mask(cur.To), "id", cur.ID)
	default:
		o.Log.Warn("outbox: failed", "to", bot.Mask(cur.To), "id", cur.ID, "err", cur.Error)
	}
	return nil
}

// giveBack ends m's lease unsent, so that the next sender (this one
// after a restart, or another instance) takes it at once.
func (o *Outbox) giveBack(ctx context.Context, m bot.OutMsg) error {
	return o.Store.Update(ctx, m.To, func(t bot.Tx) error {
		cur, err := t.Message(m.ID)
		if err != nil {
			return err
		}
		cur.LeaseUntil = time.Time{}
		return t.SaveMessage(cur)
	})
}

// ErrNotFailed is returned by Requeue for a message that has not failed.
var ErrNotFailed = errors.New("the message has not failed")

// Requeue puts a failed message back in the queue (the console's retry
// button). Messages to opted-out numbers stay failed (bot.ErrOptedOut);
// others give ErrNotFailed.
func Requeue(ctx context.Context, s bot.Transactor, id string, now time.Time) error {
	return s.Update(ctx, "", func(t bot.Tx) error {
		m, err := t.Message(id)
		if err != nil {
			return err
		}
		if m.State != bot.OutFailed {
			return fmt.Errorf("message %s is %s: %w", id, m.State, ErrNotFailed)
		}
		switch out, err := bot.OptedOut(t, m.To); {
		case err != nil:
			return err
		case out:
			return bot.ErrOptedOut
		}
		m.State, m.NextAt, m.Tries, m.LeaseUntil = bot.OutQueued, now, 0, time.Time{}
		return t.SaveMessage(m)
	})
}

// backoff is 2 s, 4 s, 8 s … capped at 10 minutes.
func backoff(tries int) time.Duration {
	d := 2 * time.Second << min(tries-1, 9)
	return min(d, 10*time.Minute)
}

// errorText is the error as stored and logged: Twilio's code first when
// there is one, phone numbers masked (Twilio's messages quote them).
func errorText(err error) string {
	if err == nil {
		return ""
	}
	text := err.Error()
	var se *SendError
	if errors.As(err, &se) && se.Code != 0 {
		text = strconv.Itoa(se.Code) + " " + se.Message
	}
	return phoneNumber.ReplaceAllStringFunc(text, bot.Mask)
}

var phoneNumber = regexp.MustCompile(`\+?\d{7,15}`)

// Recorder is the sandbox sender: it records messages in the log instead
// of sending them, and says they were sent.
type Recorder struct {
	Log *slog.Logger
	n   atomic.Int64
}

// Send records the message.
func (r *Recorder) Send(ctx context.Context, to, body, _ string) (string, error) {
	n := r.n.Add(1)
	r.Log.Info("sandbox: SMS recorded, not sent", "to", bot.Mask(to), "chars", len([]rune(body)))
	r.Log.Debug("sandbox: SMS body", "to", bot.Mask(to), "body", body)
	return fmt.Sprintf("SMsandbox%026d", n), nil
}
