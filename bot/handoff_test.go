package bot_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// What a person is told at a handoff, with operators texted or only the
// console, in and out of office hours (testdata/handoff.golden). Only
// texted operators in office hours are promised a time.
func TestHandoffTextGolden(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	hours := &bot.OfficeHours{Loc: ny, From: 9, To: 18, Days: [7]bool{false, true, true, true, true, true, false}}
	open := time.Date(2026, 11, 27, 10, 0, 0, 0, ny)   // a Friday morning
	closed := time.Date(2026, 11, 28, 10, 0, 0, 0, ny) // the Saturday
	var b strings.Builder
	for _, consoleOnly := range []bool{false, true} {
		for _, at := range []time.Time{open, closed} {
			e := newEngine(t)
			e.Hours, e.ConsoleOnly = hours, consoleOnly
			r := e.Step(bot.Conversation{}, bot.Inbound{From: "+15555550100", Body: "HUMAN"}, at)
			if r.Handoff == nil || len(r.Replies) != 1 {
				t.Fatalf("HUMAN: handoff %v, replies %q", r.Handoff, r.Replies)
			}
			reply := r.Replies[0]
			fmt.Fprintf(&b, "# console only: %v, %s\n%s\n\n", consoleOnly, at.Format("Mon 15:04 MST"), reply)
			promises := strings.Contains(reply, "15 minutes")
			if want := !consoleOnly && at.Equal(open); promises != want {
				t.Errorf("console only %v at %s promises a time: %v\n%s", consoleOnly, at, promises, reply)
			}
		}
	}
	const golden = "testdata/handoff.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run TestHandoffTextGolden -update)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("handoff texts differ from %s (-update to accept):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// A ticket's summary is plain words: quotes the person typed stay as
// typed (no backslashes), questions are their own question, and long
// parts are cut at a word with "...".
func TestHandoffSummaryReadable(t *testing.T) {
	e := newEngine(t)
	long := `claude code 403 with my api key, it said "forbidden" ` + strings.Repeat("and then something else happened again ", 8)
	_, rs := say(e, bot.Conversation{}, long, `curl said "403" too`, "human")
	h := rs[2].Handoff
	if h == nil {
		t.Fatalf("no handoff: %q", rs[2].Replies)
	}
	sum := h.Summary
	t.Logf("summary: %s", sum)
	for _, want := range []string{`Claude Code 403 forbidden.`, `Said: "claude code 403 with my api key, it said "forbidden" and then`, `something else...".`,
		`What came back? 403 forbidden ("curl said "403" too").`} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if strings.Contains(sum, `\`) || strings.Contains(sum, "curl t...") {
		t.Errorf("escaped or cut mid-word:\n%s", sum)
	}
}
