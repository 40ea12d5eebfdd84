package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

const phone = "+15005550006"

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

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

// step is an engine stand-in: it moves the conversation on and says so.
func step(in, out string) func(bot.Conversation) (bot.Change, error) {
	return func(c bot.Conversation) (bot.Change, error) {
		c.Status = bot.StatusActive
		c.Misses++
		return bot.Change{
			Conversation: c,
			Lines: []bot.Line{
				{Dir: bot.In, Body: in, At: t0},
				{Dir: bot.Out, Body: out, At: t0},
			},
			Reply: []byte("<Response><Message>" + out + "</Message></Response>"),
		}, nil
	}
}

func mustApply(tb testing.TB, db *store.DB, phone, msgID string, fn func(bot.Conversation) (bot.Change, error)) []byte {
	tb.Helper()
	reply, dup, err := db.Apply(context.Background(), phone, msgID, fn)
	if err != nil {
		tb.Fatal(err)
	}
	if dup {
		tb.Fatalf("Apply(%q): dup = true, want false", msgID)
	}
	return reply
}

func mustTranscript(tb testing.TB, db *store.DB, phone string) []bot.Line {
	tb.Helper()
	lines, err := db.Transcript(context.Background(), phone)
	if err != nil {
		tb.Fatal(err)
	}
	return lines
}

func TestApplySaves(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	db.Now = func() time.Time { return t0 }

	page := bot.Page{ID: "pg1", Kind: "fix", Title: "Fix 403", Created: t0}
	reply := mustApply(t, db, phone, "SMin1", func(c bot.Conversation) (bot.Change, error) {
		if c.Phone != phone || c.Status != "" {
			t.Errorf("fn got %+v, want zero conversation with Phone set", c)
		}
		c.Phone = "" // the store must put it back
		c.Status = bot.StatusFixed
		c.Flow = "claude-403"
		c.PageID = page.ID
		c.Updated = t0
		return bot.Change{
			Conversation: c,
			Lines: []bot.Line{
				{Dir: bot.In, Body: "claude code keeps saying 403", MessageID: "SMin1"},
				{Dir: bot.Out, Body: "Here is your fix", At: t0.Add(time.Second), MessageID: "SMout1"},
			},
			Pages: []bot.Page{page},
			Reply: []byte("<Response/>"),
		}, nil
	})
	if string(reply) != "<Response/>" {
		t.Errorf("reply = %q", reply)
	}

	conv, err := db.Conversation(ctx, phone)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Phone != phone || conv.Status != bot.StatusFixed || conv.Flow != "claude-403" || !conv.Updated.Equal(t0) {
		t.Errorf("conversation = %+v", conv)
	}
	if ps, err := db.PagesOf(ctx, phone, 10); err != nil || len(ps) != 1 || ps[0].ID != page.ID {
		t.Errorf("PagesOf = %v, %v; want [%s]", ps, err, page.ID)
	}

	lines := mustTranscript(t, db, phone)
	if len(lines) != 2 {
		t.Fatalf("transcript has %d lines, want 2", len(lines))
	}
	for i, want := range []struct {
		seq  uint64
		dir  bot.Direction
		body string
		at   time.Time
	}{
		{1, bot.In, "claude code keeps saying 403", t0},
		{2, bot.Out, "Here is your fix", t0.Add(time.Second)},
	} {
		l := lines[i]
		if l.Seq != want.seq || l.Dir != want.dir || l.Body != want.body || !l.At.Equal(want.at) {
			t.Errorf("line %d = %+v, want seq %d %s %q at %v", i, l, want.seq, want.dir, want.body, want.at)
		}
	}

	got, err := db.Page(ctx, page.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != page.Title || got.Kind != page.Kind || !got.Created.Equal(page.Created) {
		t.Errorf("page = %+v", got)
	}

	if p, err := db.SetDelivery(ctx, "SMout1", "delivered", ""); err != nil || p != phone {
		t.Errorf("SetDelivery = %q, %v; want %q, nil", p, err, phone)
	}
}

func TestApplyDuplicate(t *testing.T) {
	tests := []struct {
		name      string
		msgID     string
		wantDup   bool
		wantCalls int32
		wantLines int
	}{
		{"claimed MessageSid replays", "SMretry", true, 1, 2},
		{"no MessageSid runs again", "", false, 2, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := mustOpen(t)
			var calls atomic.Int32
			n := 0
			fn := func(c bot.Conversation) (bot.Change, error) {
				calls.Add(1)
				n++
				return step("hi", fmt.Sprintf("reply %d", n))(c)
			}

			first := mustApply(t, db, phone, tt.msgID, fn)
			second, dup, err := db.Apply(ctx, phone, tt.msgID, fn)
			if err != nil {
				t.Fatal(err)
			}
			if dup != tt.wantDup {
				t.Errorf("dup = %v, want %v", dup, tt.wantDup)
			}
			if same := bytes.Equal(first, second); same != tt.wantDup {
				t.Errorf("replies %q and %q: same = %v, want %v", first, second, same, tt.wantDup)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("fn called %d times, want %d", got, tt.wantCalls)
			}
			if got := len(mustTranscript(t, db, phone)); got != tt.wantLines {
				t.Errorf("transcript has %d lines, want %d", got, tt.wantLines)
			}
			conv, err := db.Conversation(ctx, phone)
			if err != nil {
				t.Fatal(err)
			}
			if conv.Misses != int(tt.wantCalls) {
				t.Errorf("Misses = %d, want %d", conv.Misses, tt.wantCalls)
			}
		})
	}
}

func TestApplyReplyIsACopy(t *testing.T) {
	db := mustOpen(t)
	first := mustApply(t, db, phone, "SM1", step("a", "b"))
	first[0] = 'X'
	again, _, err := db.Apply(context.Background(), phone, "SM1", step("a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if again[0] != '<' {
		t.Errorf("changing a returned reply changed the stored one: %q", again)
	}
}

func TestApplyFailureRollsBack(t *testing.T) {
	errEngine := errors.New("engine exploded")
	tests := []struct {
		name    string
		fn      func(bot.Conversation) (bot.Change, error)
		wantErr error
	}{
		{
			name:    "fn error",
			fn:      func(bot.Conversation) (bot.Change, error) { return bot.Change{}, errEngine },
			wantErr: errEngine,
		},
		{
			name: "page id taken",
			fn: func(c bot.Conversation) (bot.Change, error) {
				ch, _ := step("hi", "fix")(c)
				ch.Pages = []bot.Page{{ID: "taken"}}
				return ch, nil
			},
			wantErr: store.ErrPageExists,
		},
		{
			name: "same page twice in one change",
			fn: func(c bot.Conversation) (bot.Change, error) {
				ch, _ := step("hi", "fix")(c)
				ch.Pages = []bot.Page{{ID: "new"}, {ID: "new"}}
				return ch, nil
			},
			wantErr: store.ErrPageExists,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := mustOpen(t)
			if err := db.PutPage(ctx, bot.Page{ID: "taken", Title: "someone else's"}); err != nil {
				t.Fatal(err)
			}

			_, _, err := db.Apply(ctx, phone, "SM1", tt.fn)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Apply error = %v, want %v", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "store: apply: ") {
				t.Errorf("error %q lacks the operation", err)
			}
			if _, err := db.Conversation(ctx, phone); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Conversation after failed Apply: %v, want ErrNotFound", err)
			}
			if lines := mustTranscript(t, db, phone); len(lines) != 0 {
				t.Errorf("transcript after failed Apply = %+v, want empty", lines)
			}
			if _, err := db.Page(ctx, "new"); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Page(new) after failed Apply: %v, want ErrNotFound", err)
			}

			// Nothing was claimed, so Twilio's retry runs the step.
			called := false
			_, dup, err := db.Apply(ctx, phone, "SM1", func(c bot.Conversation) (bot.Change, error) {
				called = true
				return step("hi", "ok")(c)
			})
			if err != nil || dup || !called {
				t.Errorf("retry: dup=%v called=%v err=%v; want a fresh run", dup, called, err)
			}
			if lines := mustTranscript(t, db, phone); len(lines) != 2 || lines[0].Seq != 1 {
				t.Errorf("transcript after retry = %+v, want 2 lines from seq 1", lines)
			}
		})
	}
}

func TestApplyConcurrent(t *testing.T) {
	const n = 50
	ctx := context.Background()
	db := mustOpen(t)

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, dup, err := db.Apply(ctx, phone, fmt.Sprintf("SM%02d", i), step(fmt.Sprint(i), ""))
			if err == nil && dup {
				err = fmt.Errorf("message %d: dup", i)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}

	conv, err := db.Conversation(ctx, phone)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Misses != n {
		t.Errorf("counter = %d, want %d (a lost update)", conv.Misses, n)
	}
	lines := mustTranscript(t, db, phone)
	if len(lines) != 2*n {
		t.Fatalf("transcript has %d lines, want %d", len(lines), 2*n)
	}
	ins := 0
	for i, l := range lines {
		if l.Seq != uint64(i+1) {
			t.Errorf("line %d has seq %d", i, l.Seq)
		}
		if l.Dir == bot.In {
			ins++
		}
	}
	if ins != n {
		t.Errorf("%d inbound lines, want %d", ins, n)
	}
}

func TestApplyCancelled(t *testing.T) {
	db := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := db.Apply(ctx, phone, "SM1", step("a", "b")); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply with a cancelled context: %v", err)
	}
	if _, _, err := db.Apply(context.Background(), "", "SM1", step("a", "b")); err == nil {
		t.Error("Apply with an empty phone succeeded")
	}
}

func TestConversations(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)

	if convs, err := db.Conversations(ctx); err != nil || len(convs) != 0 {
		t.Fatalf("empty store: %v, %v", convs, err)
	}
	if _, err := db.Conversation(ctx, phone); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Conversation on empty store: %v, want ErrNotFound", err)
	}

	updated := map[string]time.Time{
		"+15550000001": t0.Add(1 * time.Hour),
		"+15550000002": t0.Add(3 * time.Hour),
		"+15550000003": t0.Add(2 * time.Hour),
	}
	for p, at := range updated {
		mustApply(t, db, p, "SM"+p, func(c bot.Conversation) (bot.Change, error) {
			c.Updated = at
			return bot.Change{Conversation: c}, nil
		})
	}
	convs, err := db.Conversations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range convs {
		got = append(got, c.Phone)
	}
	want := "+15550000002 +15550000003 +15550000001"
	if strings.Join(got, " ") != want {
		t.Errorf("order = %v, want %s", got, want)
	}
}

func TestAppendLines(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	db.Now = func() time.Time { return t0 }

	if lines := mustTranscript(t, db, phone); lines == nil || len(lines) != 0 {
		t.Errorf("Transcript of an unknown number = %#v, want an empty slice", lines)
	}

	mustApply(t, db, phone, "SM1", step("hi", "hello"))
	in := []bot.Line{
		{Dir: bot.Out, Body: "An operator says hi"},
		{Dir: bot.Out, Body: "Still there?", At: t0.Add(time.Minute)},
	}
	out, err := db.AppendLines(ctx, phone, in...)
	if err != nil {
		t.Fatal(err)
	}
	if in[0].Seq != 0 {
		t.Error("AppendLines changed the caller's slice")
	}
	if len(out) != 2 || out[0].Seq != 3 || out[1].Seq != 4 {
		t.Fatalf("AppendLines returned %+v, want seqs 3 and 4", out)
	}
	if !out[0].At.Equal(t0) || !out[1].At.Equal(t0.Add(time.Minute)) {
		t.Errorf("At = %v, %v; want the clock for a zero At, the given At otherwise", out[0].At, out[1].At)
	}

	lines := mustTranscript(t, db, phone)
	var bodies []string
	for _, l := range lines {
		bodies = append(bodies, l.Body)
	}
	if got := strings.Join(bodies, "|"); got != "hi|hello|An operator says hi|Still there?" {
		t.Errorf("transcript = %s", got)
	}

	// A number with no conversation can still get lines.
	if out, err := db.AppendLines(ctx, "+15550009999", bot.Line{Dir: bot.Out, Body: "x"}); err != nil || out[0].Seq != 1 {
		t.Errorf("AppendLines to a new number: %+v, %v", out, err)
	}
}

func TestSetDelivery(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)

	mustApply(t, db, phone, "SMin", func(c bot.Conversation) (bot.Change, error) {
		return bot.Change{Conversation: c, Lines: []bot.Line{
			{Dir: bot.In, Body: "hi", MessageID: "SMin"},
			{Dir: bot.Out, Body: "twiml reply", MessageID: "SMviaApply"},
		}}, nil
	})
	if _, err := db.AppendLines(ctx, phone, bot.Line{Dir: bot.Out, Body: "operator", MessageID: "SMviaAppend"}); err != nil {
		t.Fatal(err)
	}
	sent, err := db.AppendLines(ctx, phone, bot.Line{Dir: bot.Out, Body: "queued, sid unknown"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetMessageID(ctx, phone, sent[0].Seq, "SMviaSetID"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetMessageID(ctx, phone, 99, "SMnope"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("SetMessageID on a missing line: %v, want ErrNotFound", err)
	}

	tests := []struct {
		sid     string
		status  bot.Delivery
		code    string
		wantSeq uint64
		wantErr error
	}{
		{"SMviaApply", "delivered", "", 2, nil},
		{"SMviaAppend", "undelivered", "30003", 3, nil},
		{"SMviaSetID", "delivered", "", 4, nil},
		{"SMviaSetID", "sent", "", 4, nil}, // late: the line still says delivered
		{"SMunknown", "delivered", "", 0, bot.ErrNotFound},
		{"", "delivered", "", 0, bot.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.sid, func(t *testing.T) {
			got, err := db.SetDelivery(ctx, tt.sid, tt.status, tt.code)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("SetDelivery error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if got != phone {
				t.Errorf("phone = %q, want %q", got, phone)
			}
			l := mustTranscript(t, db, phone)[tt.wantSeq-1]
			want := tt.status
			if want == "sent" {
				want = "delivered"
			}
			if l.Seq != tt.wantSeq || l.MessageID != tt.sid || l.Status != want || l.Error != tt.code {
				t.Errorf("line = %+v", l)
			}
		})
	}
}

func TestPages(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)

	p := bot.Page{ID: "abc", Kind: "check", Title: "Check your key", Created: t0}
	if err := db.PutPage(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := db.PutPage(ctx, p); !errors.Is(err, store.ErrPageExists) {
		t.Errorf("second PutPage: %v, want ErrPageExists", err)
	}
	if err := db.PutPage(ctx, bot.Page{}); err == nil {
		t.Error("PutPage with an empty id succeeded")
	}

	if err := db.UpdatePage(ctx, "abc", func(p *bot.Page) error { p.Feedback = "yes"; return nil }); err != nil {
		t.Fatal(err)
	}
	errNo := errors.New("no")
	if err := db.UpdatePage(ctx, "abc", func(p *bot.Page) error { p.Feedback = "no"; return errNo }); !errors.Is(err, errNo) {
		t.Errorf("UpdatePage fn error: %v", err)
	}
	if err := db.UpdatePage(ctx, "abc", func(p *bot.Page) error { p.ID = "other"; return nil }); err == nil {
		t.Error("UpdatePage allowed an id change")
	}
	if err := db.RevokePage(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Page(ctx, "abc")
	if err != nil {
		t.Fatal(err)
	}
	if got.Feedback != "yes" || !got.Revoked || got.Title != p.Title {
		t.Errorf("page = %+v", got)
	}

	for name, err := range map[string]error{
		"Page":       func() error { _, err := db.Page(ctx, "missing"); return err }(),
		"UpdatePage": db.UpdatePage(ctx, "missing", func(*bot.Page) error { return nil }),
		"RevokePage": db.RevokePage(ctx, "missing"),
	} {
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%s(missing): %v, want ErrNotFound", name, err)
		}
	}
}

func TestForget(t *testing.T) {
	const other = "+15550001111"
	ctx := context.Background()
	db := mustOpen(t)

	fix := func(id, sid string) func(bot.Conversation) (bot.Change, error) {
		return func(c bot.Conversation) (bot.Change, error) {
			c.PageID = id
			return bot.Change{
				Conversation: c,
				Lines:        []bot.Line{{Dir: bot.Out, Body: "fixed", MessageID: sid}},
				Pages:        []bot.Page{{ID: id, Title: "fix"}},
				Reply:        []byte("r"),
			}, nil
		}
	}
	mustApply(t, db, phone, "SM1", fix("page1", "SMout1"))
	mustApply(t, db, phone, "SM2", fix("page2", "SMout2"))
	mustApply(t, db, other, "SM3", fix("page3", "SMout3"))

	if err := db.Forget(ctx, phone); err != nil {
		t.Fatal(err)
	}

	if _, err := db.Conversation(ctx, phone); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("conversation: %v, want ErrNotFound", err)
	}
	if lines := mustTranscript(t, db, phone); len(lines) != 0 {
		t.Errorf("transcript = %+v, want empty", lines)
	}
	for _, id := range []string{"page1", "page2"} {
		if _, err := db.Page(ctx, id); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("page %s: %v, want ErrNotFound", id, err)
		}
	}
	if _, err := db.SetDelivery(ctx, "SMout1", "delivered", ""); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("SetDelivery for a forgotten line: %v, want ErrNotFound", err)
	}
	// The claim is gone too: the old MessageSid is new again.
	if _, dup, err := db.Apply(ctx, phone, "SM1", step("a", "b")); err != nil || dup {
		t.Errorf("Apply with a forgotten MessageSid: dup=%v err=%v", dup, err)
	}
	if err := db.Forget(ctx, phone); err != nil {
		t.Fatal(err)
	}
	if err := db.Forget(ctx, phone); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("second Forget: %v, want ErrNotFound", err)
	}

	// The other number is untouched.
	if _, err := db.Conversation(ctx, other); err != nil {
		t.Errorf("other conversation: %v", err)
	}
	if _, err := db.Page(ctx, "page3"); err != nil {
		t.Errorf("other page: %v", err)
	}
	if p, err := db.SetDelivery(ctx, "SMout3", "delivered", ""); err != nil || p != other {
		t.Errorf("other SetDelivery: %q, %v", p, err)
	}
	if _, dup, err := db.Apply(ctx, other, "SM3", step("a", "b")); err != nil || !dup {
		t.Errorf("other claim: dup=%v err=%v, want dup", dup, err)
	}
}

func TestPruneClaims(t *testing.T) {
	claimedAt := map[string]time.Time{
		"SMa": t0,
		"SMb": t0.Add(time.Hour),
		"SMc": t0.Add(2 * time.Hour),
	}
	tests := []struct {
		name      string
		olderThan time.Time
		wantN     int
		wantKept  []string
	}{
		{"nothing old", t0, 0, []string{"SMa", "SMb", "SMc"}},
		{"some", t0.Add(90 * time.Minute), 2, []string{"SMc"}},
		{"all", t0.Add(3 * time.Hour), 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := mustOpen(t)
			for sid, at := range claimedAt {
				db.Now = func() time.Time { return at }
				mustApply(t, db, phone, sid, step("x", "y"))
			}

			n, err := db.PruneClaims(ctx, tt.olderThan)
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.wantN {
				t.Errorf("pruned %d, want %d", n, tt.wantN)
			}
			for sid := range claimedAt {
				want := false
				for _, k := range tt.wantKept {
					want = want || k == sid
				}
				_, dup, err := db.Apply(ctx, phone, sid, step("x", "y"))
				if err != nil {
					t.Fatal(err)
				}
				if dup != want {
					t.Errorf("%s: dup = %v, want %v", sid, dup, want)
				}
			}
		})
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "textfix.db") // Open creates the directory

	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, db, phone, "SM1", step("hi", "hello"))
	if err := db.PutPage(ctx, bot.Page{ID: "p", Title: "kept"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err == nil {
		t.Error("Ping on a closed store succeeded")
	}

	db = mustOpenAt(t, path)
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := db.Conversation(ctx, phone); err != nil || c.Status != bot.StatusActive {
		t.Errorf("conversation after reopen: %+v, %v", c, err)
	}
	if p, err := db.Page(ctx, "p"); err != nil || p.Title != "kept" {
		t.Errorf("page after reopen: %+v, %v", p, err)
	}
	if _, dup, err := db.Apply(ctx, phone, "SM1", step("hi", "hello")); err != nil || !dup {
		t.Errorf("claim after reopen: dup=%v err=%v, want dup", dup, err)
	}
	out, err := db.AppendLines(ctx, phone, bot.Line{Dir: bot.Out, Body: "more"})
	if err != nil || out[0].Seq != 3 {
		t.Errorf("sequence after reopen: %+v, %v; want seq 3", out, err)
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

// BenchmarkApply shows that a message costs the same whatever the length
// of the transcript before it.
func BenchmarkApply(b *testing.B) {
	for _, before := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("lines=%d", before), func(b *testing.B) {
			ctx := context.Background()
			db := mustOpen(b)
			old := make([]bot.Line, before)
			for i := range old {
				old[i] = bot.Line{Dir: bot.In, Body: "an earlier message of ordinary length", At: t0}
			}
			if _, err := db.AppendLines(ctx, phone, old...); err != nil {
				b.Fatal(err)
			}
			fn := step("it still says 403", "Did you set ANTHROPIC_API_KEY? Reply 1) yes 2) no")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, _, err := db.Apply(ctx, phone, fmt.Sprintf("SM%d", i), fn); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplyParallel shows Batch sharing one fsync among concurrent
// messages: ns/op is the amortised cost per message under load.
func BenchmarkApplyParallel(b *testing.B) {
	ctx := context.Background()
	db := mustOpen(b)
	fn := step("it still says 403", "Did you set ANTHROPIC_API_KEY? Reply 1) yes 2) no")
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			p := fmt.Sprintf("+1555%07d", i%100) // 100 numbers texting at once
			if _, _, err := db.Apply(ctx, p, fmt.Sprintf("SM%d", i), fn); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestTranscriptTail(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	for i := 1; i <= 7; i++ {
		if _, err := db.AppendLines(ctx, phone, bot.Line{Dir: bot.In, Body: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "1234567"}, {3, "567"}, {1, "7"}, {7, "1234567"}, {50, "1234567"}} {
		lines, err := db.TranscriptTail(ctx, phone, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, l := range lines {
			got += l.Body
		}
		if got != tt.want {
			t.Errorf("TranscriptTail(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if lines, err := db.TranscriptTail(ctx, "+15550009999", 3); err != nil || len(lines) != 0 {
		t.Errorf("unknown number: %v %v", lines, err)
	}
}
