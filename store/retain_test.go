package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

// day is one simulated day: perDay new people text twice, get a page and
// miss an answer (a sample), and one regular texts every day.
func day(t *testing.T, db *store.DB, d, perDay int) {
	t.Helper()
	ctx := context.Background()
	for i := range perDay {
		p := fmt.Sprintf("+1666%03d%04d", d, i)
		for j := range 2 {
			sid := fmt.Sprintf("SM%d-%d-%d", d, i, j)
			if _, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: p}, text(p, sid, fmt.Sprintf("day%d-person%d-%s", d, i, strings.Repeat("x", 200)))); err != nil {
				t.Fatal(err)
			}
		}
		err := db.Update(ctx, p, func(tx bot.Tx) error {
			if err := tx.PutPage(p, bot.Page{ID: fmt.Sprintf("pg%dd%d", i, d), Kind: bot.PageFix, Title: "Fix", Created: db.Now()}); err != nil {
				return err
			}
			return tx.Record([]bot.Event{{Kind: bot.EventStart, Flow: "f"}, {Kind: bot.EventMiss, Flow: "f", Node: "q", Text: fmt.Sprintf("sample day %d %d", d, i)}}, db.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sid := fmt.Sprintf("SMregular%d", d)
	if _, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: regular}, text(regular, sid, fmt.Sprintf("regular-day-%03d-end", d))); err != nil {
		t.Fatal(err)
	}
}

const regular = "+17770000001"

// Retention with a fake clock: 60 days of texts with a 10-day retention.
// Old people, their pages (410 "expired"), the regular's old lines and
// old samples go, the counters stay, nothing of day 1 is left in the
// file, and the file stops growing.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "textfix.db")
	db := mustOpenAt(t, path)
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	db.Now = func() time.Time { return time.Unix(0, now.Load()).UTC() }
	db.ScrubDelay = time.Hour // scrubbed by hand below
	const retain, days, perDay = 10 * 24 * time.Hour, 60, 3
	sizes := map[int]int64{}
	for d := 1; d <= days; d++ {
		day(t, db, d, perDay)
		n, err := db.Retain(ctx, db.Now().Add(-retain))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PruneClaims(ctx, db.Now().Add(-48*time.Hour), 1000); err != nil { // as the server does
			t.Fatal(err)
		}
		if d > 11 && n == 0 {
			t.Errorf("day %d: retention deleted nothing", d)
		}
		if _, err := db.Scrub(ctx); err != nil {
			t.Fatal(err)
		}
		used, _, err := db.Space(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sizes[d] = used
		now.Add(int64(24 * time.Hour))
	}
	t.Logf("bytes in use: day 15 %d, day 30 %d, day 45 %d, day 60 %d", sizes[15], sizes[30], sizes[45], sizes[60])
	if sizes[60] > sizes[30]+sizes[30]/10 {
		t.Errorf("the file keeps growing: %d bytes on day 30, %d on day 60", sizes[30], sizes[60])
	}

	if _, err := db.Conversation(ctx, "+16660010000"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a day-1 conversation: %v, want ErrNotFound", err)
	}
	if _, err := db.Page(ctx, "pg0d45"); !errors.Is(err, bot.ErrExpired) {
		t.Errorf("a day-45 page, past retention: %v, want ErrExpired", err)
	}
	if _, err := db.Page(ctx, "pg0d60"); err != nil {
		t.Errorf("a page of today: %v", err)
	}
	if _, err := db.Page(ctx, "never-made"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a page never made: %v, want ErrNotFound", err)
	}
	lines, err := db.TranscriptTail(ctx, regular, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 || len(lines) > 2*11 {
		t.Errorf("the regular keeps %d lines, want the last 10 days' only", len(lines))
	}
	st, err := db.Stats(ctx, "f", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Started != days*perDay {
		t.Errorf("started = %d, want %d: counters stay", st.Started, days*perDay)
	}
	for _, s := range st.Unmatched["q"] {
		var d, i int
		if _, err := fmt.Sscanf(s.Text, "sample day %d %d", &d, &i); err != nil || d < days-11 {
			t.Errorf("sample %q outlived retention", s.Text)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"day1-person3", "+16660010003", "pg3d1", "regular-day-001-end", "sample day 1 3"} {
		if strings.Contains(string(raw), b) {
			t.Errorf("after retention the file still holds %q", b)
		}
	}
}
