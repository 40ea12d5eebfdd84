package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/web"
)

// panicStore is the stack's store, with a transaction that panics when
// the desk reads phone's conversation: a bug that one number's texts hit.
type panicStore struct {
	web.Store
	phone string
	on    *atomic.Bool
}

func (s panicStore) Inbound(ctx context.Context, c bot.Claim, fn func(bot.Tx) ([]bot.Line, error)) ([]string, bool, error) {
	return s.Store.Inbound(ctx, c, func(tx bot.Tx) ([]bot.Line, error) { return fn(panicTx{tx, s.phone, s.on}) })
}

type panicTx struct {
	bot.Tx
	phone string
	on    *atomic.Bool
}

func (tx panicTx) Conversation(phone string) (bot.Conversation, error) {
	if phone == tx.phone && tx.on.Load() {
		panic("a bug")
	}
	return tx.Tx.Conversation(phone)
}

// A panic while handling one number's text fails that text with 500:
// the log says so with the number masked, /metrics counts it, the
// number's lock is released, and every other number carries on.
func TestPanicFailsOneText(t *testing.T) {
	var logs stacktest.Buffer
	var broken atomic.Bool
	broken.Store(true)
	e := stacktest.New(t, stacktest.Options{Token: testToken, Log: &logs, MetricsToken: "scrape-me-0123456789",
		Store: func(db *store.DB) web.Store { return panicStore{db, personA, &broken} }})

	var wg sync.WaitGroup
	codes := make([]int, 10)
	for i := range codes {
		wg.Go(func() {
			from, body := fmt.Sprintf("+155555502%02d", i), "claude code 403"
			if i%2 == 0 {
				from, body = personA, "back"
			}
			resp := e.Post(smsPath, stacktest.Text(from, e.NextSid(), body), testToken, publicURL)
			stacktest.ReadAll(t, resp)
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, code := range codes {
		if want := map[bool]int{true: 500, false: 200}[i%2 == 0]; code != want {
			t.Errorf("text %d: %d, want %d", i, code, want)
		}
	}
	if n := len(e.Transcript(personA)); n != 0 {
		t.Errorf("the failed texts stored %d lines", n)
	}
	// The number's lock is free and its other texts work once the bug
	// is gone.
	broken.Store(false)
	if r := e.Say(personA, "2"); len(r) == 0 {
		t.Error("no reply after the panics")
	}
	if r := e.Say("+15555550201", "api key"); len(r) == 0 {
		t.Error("another number stopped answering")
	}
	got := logs.String()
	if !strings.Contains(got, "panic") || !strings.Contains(got, "***0101") || strings.Contains(got, personA) {
		t.Errorf("the log does not say panic with the number masked:\n%s", got)
	}
	_, metrics := e.Get("/metrics", "Authorization", "Bearer scrape-me-0123456789")
	if !strings.Contains(metrics, "textfix_panics_total 5\n") {
		t.Errorf("panics not counted:\n%s", metrics)
	}
}
