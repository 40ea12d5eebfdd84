package main_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
)

// TestStaleFlowsProcess is section 1 of issue 13 against the real binary
// in production mode: people mid-flow, a question renamed in the flows
// folder (`flows check` says OK), a reload with SIGHUP, then BACK. Before,
// the process died on that text, and again on its retry after a restart.
// Now the reload logs what it strands, the person gets the renamed
// question, every other number is answered, `flows check --against`
// lists what a further change strands, and a restart on it serves too.
func TestStaleFlowsProcess(t *testing.T) {
	const (
		sid    = "AC0123456789abcdef0123456789abcdef"
		token  = "0123456789abcdef0123456789abcdef"
		pub    = "https://textfix.example.com"
		botNum = "+15555550000"
		scrape = "metrics-token-0123456789"
		back   = "+15558500001" // texts BACK after the rename: the crash
		moved  = "+15558500002" // at the renamed question
		later  = "+15558500003" // at it too, texts after the restart
	)
	dir, db := t.TempDir(), filepath.Join(t.TempDir(), "textfix.db")
	files, err := filepath.Glob("../../flows/library/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("the library: %v", err)
	}
	// edit rewrites every flow file and script in the folder, as an
	// author renaming a node would; from the library the first time.
	edit := func(from, to string, fresh bool) {
		t.Helper()
		for _, f := range files {
			into := filepath.Join(dir, filepath.Base(f))
			if !fresh {
				f = into
			}
			data, err := os.ReadFile(f) //nolint:gosec // the test's own files
			if err == nil {
				err = os.WriteFile(into, []byte(strings.ReplaceAll(string(data), from, to)), 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	rename := func(from, to string) { edit(from, to, false) }
	edit("", "", true)
	tw := twiliotest.New(t, sid, token)
	env := []string{"TEXTFIX_DB=" + db, "TEXTFIX_FLOWS_DIR=" + dir, "TWILIO_ACCOUNT_SID=" + sid, "TWILIO_AUTH_TOKEN=" + token,
		"TWILIO_FROM=" + botNum, "TEXTFIX_CONSOLE_PASSWORD=console-password", "TEXTFIX_PUBLIC_URL=" + pub,
		"TEXTFIX_TWILIO_API_URL=" + tw.URL, "TEXTFIX_METRICS_TOKEN=" + scrape}
	textfix := func(args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(textfixBinary(t), args...)
		cmd.Env = append([]string{"HOME=" + t.TempDir()}, env...)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}

	p := start(t, env...)
	n := 0
	say := func(from, body string) string {
		t.Helper()
		n++
		form := url.Values{"From": {from}, "MessageSid": {fmt.Sprintf("SMstale%04d", n)}, "Body": {body}, "To": {botNum}, "AccountSid": {sid}}
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/twilio/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twilio.Sign(token, pub+"/twilio/sms", form))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v\n%s", body, err, p.logs)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%q: %d %s\n%s", body, resp.StatusCode, b, p.logs)
		}
		return string(b)
	}
	hup := func() {
		t.Helper()
		before := strings.Count(p.logs.String(), "flows reloaded")
		_ = p.cmd.Process.Signal(syscall.SIGHUP)
		for deadline := time.Now().Add(10 * time.Second); strings.Count(p.logs.String(), "flows reloaded") == before; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no reload in the log:\n%s", p.logs)
			}
		}
	}

	// Mid-flow: API key, then "can't run it now" at the curl test.
	for _, text := range []string{"claude code 403", "2", "7"} {
		say(back, text)
	}
	for _, text := range []string{"claude code 403", "2"} {
		say(moved, text)
		say(later, text)
	}

	// The curl test renamed: flows check passes it; against the file the
	// running server holds, it says how to find out instead.
	rename("smoke-test", "smoke-check")
	if code, out := textfix("flows", "check", dir); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("flows check: %d %s", code, out)
	}
	if code, out := textfix("flows", "check", dir, "--against", db); code != 1 || !strings.Contains(out, "the server is using") || !strings.Contains(out, "SIGHUP") {
		t.Errorf("flows check --against a file in use: %d %s", code, out)
	}
	hup()
	logs := p.logs.String()
	if !strings.Contains(logs, `"stranded":3`) || !strings.Contains(logs, `"from":"***0001"`) || strings.Contains(logs, back) {
		t.Errorf("the reload does not log the 3 stranded conversations, numbers masked:\n%s", logs)
	}

	if r := say(back, "back"); !strings.Contains(r, "my questions changed") || !strings.Contains(r, "Run the curl test") {
		t.Errorf("BACK after the rename: %s", r)
	}
	if r := say(back, "back"); !strings.Contains(r, "How does Claude Code sign in") || strings.Contains(r, "changed") {
		t.Errorf("BACK again: %s", r)
	}
	if r := say(moved, "7"); !strings.Contains(r, "my questions changed") || !strings.Contains(r, "Run the curl test") {
		t.Errorf("an answer to the renamed question: %s", r)
	}
	if r := say("+15558500009", "claude code 403"); !strings.Contains(r, "How does Claude Code sign in") {
		t.Errorf("another number: %s", r)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+scrape)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), "textfix_stale_conversations_total 2\n") || !strings.Contains(string(metrics), "textfix_panics_total 0\n") {
		t.Errorf("/metrics:\n%s", metrics)
	}

	// A deploy renames it again: stopped, flows check --against lists who
	// it strands; the restarted server logs it and serves them.
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, p.logs)
	}
	rename("smoke-check", "smoke-probe")
	code, out := textfix("flows", "check", dir, "--against", db)
	if code != 0 || !strings.Contains(out, "2 of 4 live conversation(s) stranded") || !strings.Contains(out, "***0003 claude-code-403/smoke-test (active, node-gone): moved to question smoke-probe") ||
		strings.Contains(out, later) {
		t.Errorf("flows check --against the stopped server's file: %d\n%s", code, out)
	}
	p = start(t, env...)
	// The start's check runs beside the server; a text that came first
	// would be moved before the check saw it.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.logs.String(), `"msg":"stranded conversations"`); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			break
		}
	}
	if r := say(later, "back"); !strings.Contains(r, "my questions changed") || !strings.Contains(r, "How does Claude Code sign in") {
		t.Errorf("BACK after the restart: %s", r)
	}
	if r := say(back, "back"); !strings.Contains(r, "How does Claude Code sign in") {
		t.Errorf("BACK after the restart, at the first question: %s", r)
	}
	if !strings.Contains(p.logs.String(), `"msg":"stranded conversations","stranded":2`) {
		t.Errorf("the restart does not log what the new flows strand:\n%s", p.logs)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(); err != nil {
		t.Fatalf("graceful stop after the restart: %v\n%s", err, p.logs)
	}
}
