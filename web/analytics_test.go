package web_test

import (
	"context"
	"fmt"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
)

// The analytics counters match a scripted set of conversations exactly.
// Started, fixed, YES, NO and handoffs count conversations, once each;
// fix pages are counted apart.
func TestAnalyticsCounters(t *testing.T) {
	var clock atomic.Int64
	start := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	clock.Store(start.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	e := stacktest.New(t, stacktest.Options{Now: now})
	db := e.DB
	say := func(from, body string) {
		t.Helper()
		clock.Add(int64(time.Minute))
		resp := e.Post(smsPath, stacktest.Text(from, e.NextSid(), body), "", "")
		stacktest.ReadAll(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("%s %q: %d", from, body, resp.StatusCode)
		}
	}
	a, b, c, d, f, x := "+15555550201", "+15555550202", "+15555550203", "+15555550204", "+15555550206", "+15555550205"

	say(a, "claude code 403 unusual activity on my api key") // straight to fix-abuse
	say(a, "yes")
	say(b, "claude code 403 with my api key")
	say(b, "banana") // a miss at smoke-test
	say(b, "3")
	say(b, "its empty")
	say(b, "human")
	say(c, "claude code 403 with my api key, region not supported")
	say(c, "no") // fix-region → handoff-support
	say(d, "claude code 403")
	clock.Add(int64(25 * time.Hour))
	say(d, "hi") // the flow expired mid-way: abandoned
	// Three fix pages, two NOs: one conversation, fixed once, NO once.
	say(f, "claude code 403 request not allowed, i'm on max")
	say(f, "its active, nothing changed") // fix-plan-stray-key
	say(f, "no")                          // fix-proxy
	say(f, "no")                          // fix-region
	// A simulator (test) conversation never counts.
	if err := db.Update(context.Background(), "", func(tx bot.Tx) error {
		return tx.SaveConversation(bot.Conversation{Phone: x, Test: true})
	}); err != nil {
		t.Fatal(err)
	}
	say(x, "claude code 403 unusual activity on my api key")
	say(x, "yes")

	st, err := db.Stats(context.Background(), "claude-code-403", start.AddDate(0, 0, -7))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("started=%d fixed=%d yes=%d no=%d handoff=%d abandoned=%d", st.Started, st.Fixed, st.Yes, st.No, st.Handoff, st.Abandoned)
	if want := "started=5 fixed=3 yes=1 no=2 handoff=2 abandoned=1"; got != want {
		t.Errorf("counters %s, want %s", got, want)
	}
	wantEdges := map[string]int{
		"sign-in>smoke-test": 3, "smoke-test>body-says": 3, "body-says>plain-changed": 1, "plain-changed>fix-abuse": 1, "body-says>what-changed": 1,
		"body-says>fix-region": 1, "fix-region>handoff-support": 1,
		"sign-in>plan-says": 1, "plan-says>plan-active": 1, "plan-active>fix-plan-stray-key": 1,
		"fix-plan-stray-key>fix-proxy": 1, "fix-proxy>fix-region": 1,
	}
	if !maps.Equal(st.Edges, wantEdges) {
		t.Errorf("edges %v, want %v", st.Edges, wantEdges)
	}
	// Fix pages sent: fix-abuse, fix-region, and the three of the last
	// conversation.
	lib := stacktest.Flows(t)
	if n := st.FixPages(lib.Flow("claude-code-403")); n != 5 {
		t.Errorf("fix pages %d, want 5", n)
	}
	if !maps.Equal(st.Misses, map[string]int{"smoke-test": 1}) {
		t.Errorf("misses %v", st.Misses)
	}
	if u := st.Unmatched["smoke-test"]; len(u) != 1 || u[0] != (bot.TextCount{Text: "banana", Count: 1}) {
		t.Errorf("unmatched %v", st.Unmatched)
	}
	if n := st.Answered("smoke-test"); n != 3 {
		t.Errorf("answered at smoke-test = %d, want 3", n)
	}
	// A window that starts after everything counts nothing.
	if st, _ := db.Stats(context.Background(), "claude-code-403", start.AddDate(0, 0, 3)); st.Started != 0 {
		t.Errorf("future window counts %d starts", st.Started)
	}
}
