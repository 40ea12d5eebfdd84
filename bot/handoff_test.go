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
			if want := !consoleOnly && at == open; promises != want {
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
