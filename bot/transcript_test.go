package bot_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/ocr"
	"github.com/textfix/textfix/segment"
)

var update = flag.Bool("update", false, "rewrite golden transcripts")

// T0 is the clock at the start of every scripted conversation.
var T0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func mustLibrary(tb testing.TB) *flows.Library {
	tb.Helper()
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		tb.Fatalf("load embedded flows: %v", err)
	}
	return lib
}

func newEngine(tb testing.TB) *bot.Engine {
	return &bot.Engine{Flows: mustLibrary(tb), BaseURL: "https://textfix.test"}
}

// TestTranscripts plays every script in testdata/transcripts through the
// engine and compares the conversation with its .golden file. Scripts:
//
//	> text          the person texts this (one minute after the last text)
//	> [screenshot] words      … a picture in which OCR read the words ("\n"
//	                for a line break; the summary is ocr.Summarize's)
//	> text [screenshot] words … typed words and a picture together
//	> [screenshot]  a picture in which nothing could be read
//	= node ID       assert the conversation is at node ID
//	= status S      assert the status
//	= flow ID       assert the flow
//	= reply-contains TEXT   assert the last replies contain TEXT
//	= silent        assert the last text got no reply
//	= wait DURATION let time pass before the next text
//	# comment
//
// Run with -update to rewrite the golden files; assertions still apply.
func TestTranscripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/transcripts/*.in")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in testdata/transcripts (%v)", err)
	}
	e := newEngine(t)
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".in")
		t.Run(name, func(t *testing.T) {
			got := play(t, e, script)
			golden := strings.TrimSuffix(script, ".in") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./bot -run TestTranscripts -update)", err)
			}
			if got != string(want) {
				t.Errorf("transcript differs from %s (-update to accept):\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

func play(t *testing.T, e *bot.Engine, script string) string {
	t.Helper()
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out   strings.Builder
		c     bot.Conversation
		last  bot.Result
		now   = T0
		pages int
		sent  bool
	)
	sc := bufio.NewScanner(f)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := sc.Text()
		where := fmt.Sprintf("%s:%d", filepath.Base(script), lineNo)
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "> "):
			text := strings.TrimPrefix(line, "> ")
			pages++
			now = now.Add(time.Minute)
			in := bot.Inbound{From: "+15555550100", Body: text, PageID: fmt.Sprintf("page%d", pages)}
			if typed, read, ok := strings.Cut(text, "[screenshot]"); ok {
				read = strings.ReplaceAll(strings.TrimSpace(read), `\n`, "\n")
				in.Body, in.NumMedia = strings.TrimSpace(typed), 1
				in.Picture = &bot.Picture{Text: read, Summary: ocr.Summarize(read)}
			}
			last = e.Step(c, in, now)
			c, sent = last.Conversation, true
			fmt.Fprintf(&out, "> %s\n", text)
			for _, r := range last.Replies {
				fmt.Fprintf(&out, "< %s\n", strings.ReplaceAll(r, "\n", "\n| "))
			}
			fmt.Fprintf(&out, "  [%s %s/%s]\n", c.Status, c.Flow, c.Node)
		case strings.HasPrefix(line, "= "):
			if !sent {
				t.Fatalf("%s: assertion before any text", where)
			}
			verb, arg, _ := strings.Cut(strings.TrimPrefix(line, "= "), " ")
			switch verb {
			case "node":
				if c.Node != arg {
					t.Errorf("%s: node = %q, want %q", where, c.Node, arg)
				}
			case "status":
				if string(c.Status) != arg {
					t.Errorf("%s: status = %q, want %q", where, c.Status, arg)
				}
			case "flow":
				if c.Flow != arg {
					t.Errorf("%s: flow = %q, want %q", where, c.Flow, arg)
				}
			case "reply-contains":
				all := strings.ToLower(strings.Join(last.Replies, "\n"))
				if !strings.Contains(all, strings.ToLower(arg)) {
					t.Errorf("%s: replies %q do not contain %q", where, last.Replies, arg)
				}
			case "silent":
				if len(last.Replies) != 0 {
					t.Errorf("%s: want no reply, got %q", where, last.Replies)
				}
			case "wait":
				d, err := time.ParseDuration(arg)
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				now = now.Add(d)
				fmt.Fprintf(&out, "  (%s later)\n", arg)
			default:
				t.Fatalf("%s: unknown assertion %q", where, verb)
			}
		default:
			t.Fatalf("%s: a line must start with '> ', '= ' or '#'", where)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestTranscriptRepliesFit plays every script and holds every reply to
// two GSM-7 segments with its page links on a 40-character domain, as
// production's can be, whether the engine's own domain is that long or
// short (the engine then measures as if it were long).
func TestTranscriptRepliesFit(t *testing.T) {
	scripts, err := filepath.Glob("testdata/transcripts/*.in")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in testdata/transcripts (%v)", err)
	}
	long := "https://" + strings.Repeat("x", 36) + ".com"
	short := newEngine(t)
	wide := newEngine(t)
	wide.BaseURL = long
	for _, script := range scripts {
		got := play(t, wide, script) + strings.ReplaceAll(play(t, short, script), short.BaseURL+"/f/", long+"/f/")
		for _, reply := range strings.Split(got, "\n< ")[1:] {
			reply, _, _ = strings.Cut(reply, "\n  [")
			msg := strings.ReplaceAll(reply, "\n| ", "\n")
			if n, enc := segment.Count(msg); n > 2 || enc != segment.EncodingGSM7 {
				t.Errorf("%s: reply of %d %s segments:\n%s", filepath.Base(script), n, enc, msg)
			}
		}
	}
}
