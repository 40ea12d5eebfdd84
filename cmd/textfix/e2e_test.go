package main_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
)

// bin is the textfix binary the process tests run, built once, on first
// use, into a folder TestMain removes.
var bin struct {
	once      sync.Once
	dir, path string
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
	os.Exit(code)
}

// textfixBinary builds textfix (once) and returns its path. Tests that run
// it are slow: they skip under -short.
func textfixBinary(t *testing.T) string {
	t.Helper()
	stacktest.SkipSlow(t, "real-process test")
	bin.once.Do(func() {
		if bin.dir, bin.err = os.MkdirTemp("", "textfix-bin-"); bin.err != nil {
			return
		}
		bin.path = filepath.Join(bin.dir, "textfix")
		if out, err := exec.Command("go", "build", "-o", bin.path, ".").CombinedOutput(); err != nil {
			bin.err = fmt.Errorf("build textfix: %v\n%s", err, out)
		}
	})
	if bin.err != nil {
		t.Fatal(bin.err)
	}
	return bin.path
}

// proc is a running textfix binary.
type proc struct {
	cmd     *exec.Cmd
	addr    string
	logs    *logBuffer
	exited  chan struct{} // closed when the process has exited
	waitErr error         // valid after exited is closed
}

// wait returns the exit error once the process has exited.
func (p *proc) wait() error { <-p.exited; return p.waitErr }

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

var listenRE = regexp.MustCompile(`listening"?,? ?"?addr"?[=:]"?([0-9.]+:[0-9]+)`)

// start runs textfix serve with env on a free loopback port and waits
// until it listens.
func start(t *testing.T, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(textfixBinary(t), "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TEXTFIX_ADDR=127.0.0.1:0"}, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, logs: &logBuffer{}, exited: make(chan struct{})}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.logs.mu.Lock()
			p.logs.b.WriteString(line + "\n")
			p.logs.mu.Unlock()
			if m := listenRE.FindStringSubmatch(line); m != nil {
				addrc <- m[1]
			}
		}
	}()
	go func() { p.waitErr = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = p.wait() })
	select {
	case p.addr = <-addrc:
	case <-p.exited:
		t.Fatalf("textfix exited before listening: %v\n%s", p.waitErr, p.logs)
	case <-time.After(20 * time.Second):
		t.Fatalf("textfix did not listen within 20s\n%s", p.logs)
	}
	return p
}

// say texts body from from (sandbox mode) and returns the TwiML reply.
func (p *proc) say(from, sid, body string) (int, string, error) {
	form := url.Values{"From": {from}, "MessageSid": {sid}, "Body": {body}, "To": {"+15555550000"}}
	resp, err := http.PostForm("http://"+p.addr+"/twilio/sms", form)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (p *proc) text(from, sid, body string) (int, error) {
	form := url.Values{"From": {from}, "MessageSid": {sid}, "Body": {body}, "To": {"+15555550000"}}
	resp, err := http.PostForm("http://"+p.addr+"/twilio/sms", form)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// TestCrashLosesNothing sends texts from many numbers, kills the server
// with SIGKILL in the middle of the load, restarts it on the same file,
// and checks that every text that got a 200 is in its transcript and the
// database opens cleanly.
func TestCrashLosesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "textfix.db")
	p := start(t, "TEXTFIX_DB="+db)

	var (
		acked sync.Map // body → phone, for texts answered 200
		n     atomic.Int64
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := 0; w < 16; w++ {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				phone := fmt.Sprintf("+1555800%02d%02d", w, i%7)
				body := fmt.Sprintf("w%d-%d claude code 403", w, i)
				code, err := p.text(phone, fmt.Sprintf("SMw%di%d", w, i), body)
				if err != nil {
					return // the server died under us
				}
				if code == 200 {
					acked.Store(body, phone)
					n.Add(1)
				}
			}
		})
	}
	deadline := time.Now().Add(20 * time.Second)
	for n.Load() < 300 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.wait()
	close(stop)
	wg.Wait()
	if n.Load() < 100 {
		t.Fatalf("only %d texts answered before the kill", n.Load())
	}

	// Restart on the same file: it must open and serve.
	p2 := start(t, "TEXTFIX_DB="+db)
	if code, err := p2.text("+15558999999", "SMafter", "claude code 403"); err != nil || code != 200 {
		t.Fatalf("after restart: %d %v\n%s", code, err, p2.logs)
	}
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p2.wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, p2.logs)
	}

	s, err := store.Open(db)
	if err != nil {
		t.Fatalf("db does not open cleanly after a crash: %v", err)
	}
	defer s.Close()
	stored := map[string]int{}
	byPhone := map[string]bool{}
	acked.Range(func(_, phone any) bool { byPhone[phone.(string)] = true; return true })
	for phone := range byPhone {
		lines, err := s.Transcript(context.Background(), phone)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if l.Dir == bot.In {
				stored[l.Body]++
			}
		}
	}
	missing := 0
	acked.Range(func(body, _ any) bool {
		if stored[body.(string)] != 1 {
			missing++
			t.Errorf("acknowledged text %q stored %d times", body, stored[body.(string)])
		}
		return missing < 10
	})
	t.Logf("%d texts acknowledged before SIGKILL, all stored exactly once", n.Load())
}

// TestGracefulShutdown: SIGINT and SIGTERM stop the server cleanly and
// release the database.
func TestGracefulShutdown(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "textfix.db")
			p := start(t, "TEXTFIX_DB="+db)
			if code, err := p.text("+15558000001", "SM1", "hi"); err != nil || code != 200 {
				t.Fatalf("%d %v", code, err)
			}
			_ = p.cmd.Process.Signal(sig)
			select {
			case <-p.exited:
				if p.waitErr != nil {
					t.Fatalf("exit: %v\n%s", p.waitErr, p.logs)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("no exit within 15s")
			}
			s, err := store.Open(db)
			if err != nil {
				t.Fatalf("store still locked after shutdown: %v", err)
			}
			s.Close()
		})
	}
}

// TestProductionNeedsSignature: with a token, an unsigned request is 403.
func TestProductionNeedsSignature(t *testing.T) {
	p := start(t, "TEXTFIX_DB="+filepath.Join(t.TempDir(), "x.db"),
		"TWILIO_AUTH_TOKEN=secret", "TWILIO_ACCOUNT_SID=AC123", "TWILIO_FROM=+15555550000",
		"TEXTFIX_CONSOLE_PASSWORD=console-password", "TEXTFIX_PUBLIC_URL=https://textfix.example.com")
	code, err := p.text("+15558000001", "SM1", "claude code 403")
	if err != nil || code != 403 {
		t.Fatalf("unsigned request: %d %v", code, err)
	}
	if !strings.Contains(p.logs.String(), `"level":"INFO"`) {
		t.Errorf("production logs are not JSON:\n%s", p.logs)
	}
}

func TestSandboxRefusesPublicAddress(t *testing.T) {
	cmd := exec.Command(textfixBinary(t), "serve")
	cmd.Env = []string{"TEXTFIX_ADDR=0.0.0.0:0", "TEXTFIX_DB=" + filepath.Join(t.TempDir(), "x.db")}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "loopback") {
		t.Fatalf("want a refusal naming loopback, got %v: %s", err, out)
	}
}

// TestOutboxSurvivesSIGKILL: messages queued in the same transaction as
// the texts that caused them reach Twilio exactly once even when the
// server is killed between commit and send.
func TestOutboxSurvivesSIGKILL(t *testing.T) {
	const (
		sid   = "AC0123456789abcdef0123456789abcdef"
		token = "0123456789abcdef0123456789abcdef"
		pub   = "https://textfix.example.com"
	)
	tw := twiliotest.New(t, sid, token)
	db := filepath.Join(t.TempDir(), "textfix.db")
	env := func(rate string) []string {
		return []string{"TEXTFIX_DB=" + db, "TWILIO_ACCOUNT_SID=" + sid, "TWILIO_AUTH_TOKEN=" + token,
			"TWILIO_FROM=+15555550000", "TEXTFIX_CONSOLE_PASSWORD=console-password", "TEXTFIX_PUBLIC_URL=" + pub,
			"TEXTFIX_TWILIO_API_URL=" + tw.URL, "TEXTFIX_SEND_RATE=" + rate,
			"TEXTFIX_OPERATOR_PHONES=+15555559991,+15555559992,+15555559993"}
	}
	signed := func(p *proc, from, msgSid, body string) {
		t.Helper()
		form := url.Values{"From": {from}, "MessageSid": {msgSid}, "Body": {body}, "To": {"+15555550000"}, "AccountSid": {sid}}
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/twilio/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twilio.Sign(token, pub+"/twilio/sms", form))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s %q: %d", from, body, resp.StatusCode)
		}
	}

	// One message every 20 s: the first goes at once, five stay queued.
	p := start(t, env("0.05")...)
	signed(p, "+15555550101", "SMa", "human")
	signed(p, "+15555550102", "SMb", "talk to a human")
	tw.WaitFor(t, 1, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // let the first send's outcome commit
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.wait()
	if n := len(tw.Messages()); n != 1 {
		t.Fatalf("%d messages sent before the kill, want 1", n)
	}

	p2 := start(t, env("100")...)
	tw.WaitFor(t, 6, 10*time.Second)
	time.Sleep(1500 * time.Millisecond) // anything sent twice would show up now
	msgs := tw.Messages()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.To+"|"+m.Body]++
	}
	if len(msgs) != 6 || len(seen) != 6 {
		t.Errorf("Twilio got %d messages (%d distinct), want 6 distinct:\n%+v", len(msgs), len(seen), msgs)
	}
	_ = p2.cmd.Process.Signal(syscall.SIGTERM)
	if err := p2.wait(); err != nil {
		t.Errorf("graceful stop: %v\n%s", err, p2.logs)
	}
}

// TestReloadOnSIGHUP: flows in TEXTFIX_FLOWS_DIR reload on SIGHUP; a
// broken set is refused and the previous flows stay live.
func TestReloadOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	example, err := os.ReadFile("../../flows/testdata/valid/example-404.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("example-404.yaml", example)
	p := start(t, "TEXTFIX_DB="+filepath.Join(t.TempDir(), "t.db"), "TEXTFIX_FLOWS_DIR="+dir)
	reply := func(from, body string) string {
		t.Helper()
		form := url.Values{"From": {from}, "MessageSid": {fmt.Sprintf("SM%d", time.Now().UnixNano())}, "Body": {body}}
		resp, err := http.PostForm("http://"+p.addr+"/twilio/sms", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	hup := func(wantLog string) {
		t.Helper()
		_ = p.cmd.Process.Signal(syscall.SIGHUP)
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(p.logs.String(), wantLog) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in logs:\n%s", wantLog, p.logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if r := reply("+15558100001", "example api 404"); !strings.Contains(r, "/v1/messages") {
		t.Fatalf("the folder's flow is not live: %s", r)
	}

	// A broken flow is refused with the checker's message; the old set stays.
	write("broken.yaml", []byte("id: broken\ntitle: Broken\nintake: {codes: ['599']}\nstart: nowhere\nnodes: []\n"))
	hup("flows reload refused")
	if !strings.Contains(p.logs.String(), `start node \"nowhere\" does not exist`) && !strings.Contains(p.logs.String(), `start node "nowhere" does not exist`) {
		t.Errorf("the refusal does not carry the checker's message:\n%s", p.logs)
	}
	if r := reply("+15558100002", "example api 404"); !strings.Contains(r, "/v1/messages") {
		t.Fatalf("old flows gone after a refused reload: %s", r)
	}

	// Fixed: the new flow goes live without a restart.
	os.Remove(filepath.Join(dir, "broken.yaml"))
	renamed := strings.Replace(strings.Replace(string(example), "id: example-404", "id: example-500", 1), `codes: ["404", not_found_error]`, `codes: ["500"]`, 1)
	write("example-500.yaml", []byte(strings.Replace(renamed, "title: Example API 404", "title: Example API 500", 1)))
	hup("flows reloaded")
	if r := reply("+15558100003", "example api 500"); !strings.Contains(r, "/v1/messages") {
		t.Fatalf("new flow not live after reload: %s", r)
	}
}

// TestSIGHUPAtStart: a SIGHUP sent the moment the server says it is
// listening reloads the flows; it does not end the process (SIGHUP's
// default action) because the handler was not yet in place.
func TestSIGHUPAtStart(t *testing.T) {
	for range 5 {
		p := start(t, "TEXTFIX_DB="+filepath.Join(t.TempDir(), "t.db"))
		_ = p.cmd.Process.Signal(syscall.SIGHUP)
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(p.logs.String(), "flows reloaded") {
			select {
			case <-p.exited:
				t.Fatalf("SIGHUP at start ended the server: %v\n%s", p.waitErr, p.logs)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no reload after SIGHUP at start:\n%s", p.logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
		_ = p.cmd.Process.Kill()
	}
}

// TestBrokenConversationProcess: a conversation stored malformed (its
// last answer names a node its flow lacks) made the engine panic on BACK
// (issue 13), and the text failed with 500 every time it was retried. The
// real server now answers it with the question it is at, once with a word
// that the questions changed; the process stays up, other numbers are
// answered, /metrics counts one stale conversation.
func TestBrokenConversationProcess(t *testing.T) {
	db := filepath.Join(t.TempDir(), "textfix.db")
	const broken = "+15558300001"
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(context.Background(), broken, func(tx bot.Tx) error {
		c, _ := tx.Conversation(broken)
		c.Status, c.Flow, c.Node, c.Updated = bot.StatusActive, "claude-code-403", "smoke-test", time.Now()
		c.Answers = []bot.Answer{{Node: "no-such-node"}}
		return tx.SaveConversation(c)
	})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	p := start(t, "TEXTFIX_DB="+db)
	for i := range 3 {
		code, reply, err := p.say(broken, fmt.Sprintf("SMbroken%d", i), "back")
		if err != nil || code != 200 || !strings.Contains(reply, "Run the curl test") || strings.Contains(reply, "changed") != (i == 0) {
			t.Fatalf("broken conversation, text %d: %d %v %s\n%s", i, code, err, reply, p.logs)
		}
		if code, err := p.text(fmt.Sprintf("+155583001%02d", i), fmt.Sprintf("SMfine%d", i), "claude code 403"); err != nil || code != 200 {
			t.Fatalf("another number: %d %v\n%s", code, err, p.logs)
		}
	}
	select {
	case <-p.exited:
		t.Fatalf("the process exited: %v\n%s", p.waitErr, p.logs)
	default:
	}
	logs := p.logs.String()
	if !strings.Contains(logs, "stale conversation") || !strings.Contains(logs, "***0001") || strings.Contains(logs, broken) || strings.Contains(logs, "panic") {
		t.Errorf("the log does not name the stale conversation with the number masked, or names a panic:\n%s", logs)
	}
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "textfix_stale_conversations_total 1\n") || !strings.Contains(string(body), "textfix_panics_total 0\n") {
		t.Errorf("/metrics:\n%s", body)
	}
}

// TestHardenedProcess runs the red-team repros of the reliability issue
// against the real binary in production mode (a fake Twilio behind it).
func TestHardenedProcess(t *testing.T) {
	const (
		sid    = "AC0123456789abcdef0123456789abcdef"
		token  = "0123456789abcdef0123456789abcdef"
		pub    = "https://textfix.example.com:8443"
		botNum = "+15555550000"
		scrape = "metrics-token-0123456789"
	)
	tw := twiliotest.New(t, sid, token)
	env := func(password string) []string {
		return []string{"TEXTFIX_DB=" + filepath.Join(t.TempDir(), "textfix.db"), "TWILIO_ACCOUNT_SID=" + sid,
			"TWILIO_AUTH_TOKEN=" + token, "TWILIO_FROM=" + botNum, "TEXTFIX_CONSOLE_PASSWORD=" + password,
			"TEXTFIX_PUBLIC_URL=" + pub, "TEXTFIX_TWILIO_API_URL=" + tw.URL, "TEXTFIX_METRICS_TOKEN=" + scrape}
	}

	// A one-character console password does not start (were it to, it
	// would serve until killed).
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, textfixBinary(t), "serve")
	cmd.Env = append([]string{"TEXTFIX_ADDR=127.0.0.1:0"}, env("x")...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "TEXTFIX_CONSOLE_PASSWORD must be at least 12 characters") {
		t.Fatalf("a 1-character console password: %v\n%s", err, out)
	}

	p := start(t, env("console-password")...)
	post := func(form url.Values, signURL string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/twilio/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twilio.Sign(token, signURL+"/twilio/sms", form))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b)
	}
	text := func(from, msgSid, body string) url.Values {
		return url.Values{"From": {from}, "MessageSid": {msgSid}, "Body": {body}, "To": {botNum}, "AccountSid": {sid}}
	}
	with := func(f url.Values, k, v string) url.Values { f.Set(k, v); return f }

	for _, tc := range []struct {
		name    string
		form    url.Values
		signURL string
		want    int
	}{
		{"signed over the URL without its port", text("+15558400001", "SMport", "claude code 403"), "https://textfix.example.com", 403},
		{"signed over the URL with it", text("+15558400001", "SMok1", "claude code 403"), pub, 200},
		{"From not E.164", text("5558400002", "SMfrom", "hi"), pub, 400},
		{"another account", with(text("+15558400003", "SMacct", "hi"), "AccountSid", "AC99999999999999999999999999999999"), pub, 403},
		{"to another number", with(text("+15558400004", "SMto", "hi"), "To", "+15555550001"), pub, 403},
		{"fullwidth STOP", text("+15558400001", "SMstop", "ＳＴＯＰ"), pub, 200},
	} {
		if got, _ := post(tc.form, tc.signURL); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if code, reply := post(text("+15558400001", "SMafter", "claude code 429"), pub); code != 200 || strings.Contains(reply, "<Message>") {
		t.Errorf("after a fullwidth STOP the bot still answers: %d %s", code, reply)
	}
	logs := p.logs.String()
	for _, want := range []string{"From is not an E.164 number or a short code", "AccountSid is not ours", "To is not our number"} {
		if !strings.Contains(logs, want) {
			t.Errorf("no %q in the log", want)
		}
	}
	for _, leak := range []string{"5558400002", "+15558400003", "+15558400004"} {
		if strings.Contains(logs, leak) {
			t.Errorf("the log shows %s", leak)
		}
	}

	get := func(method, path string, header ...string) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+p.addr+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	if code, _, _ := get("GET", "/metrics"); code != 401 {
		t.Errorf("/metrics without the token: %d, want 401", code)
	}
	code, _, metrics := get("GET", "/metrics", "Authorization", "Bearer "+scrape)
	for _, want := range []string{"textfix_outbox_queued ", "textfix_outbox_oldest_seconds ", "textfix_panics_total 0\n"} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("/metrics with the token: %d, lacks %q", code, want)
		}
	}
	getCode, getHeader, getBody := get("GET", "/f/Unknown000001")
	headCode, headHeader, headBody := get("HEAD", "/f/Unknown000001")
	if headCode != getCode || headBody != "" || headHeader.Get("Content-Length") != strconv.Itoa(len(getBody)) || headHeader.Get("Content-Security-Policy") != getHeader.Get("Content-Security-Policy") {
		t.Errorf("HEAD /f/…: %d %q, GET %d", headCode, headBody, getCode)
	}

	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, p.logs)
	}
}

// TestMetricsAbsentWithoutToken: outside sandbox without
// TEXTFIX_METRICS_TOKEN, /metrics is not there.
func TestMetricsAbsentWithoutToken(t *testing.T) {
	p := start(t, "TEXTFIX_DB="+filepath.Join(t.TempDir(), "x.db"),
		"TWILIO_AUTH_TOKEN=secret", "TWILIO_ACCOUNT_SID=AC123", "TWILIO_FROM=+15555550000",
		"TEXTFIX_CONSOLE_PASSWORD=console-password", "TEXTFIX_PUBLIC_URL=https://textfix.example.com")
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("/metrics: %d, want 404", resp.StatusCode)
	}
}
