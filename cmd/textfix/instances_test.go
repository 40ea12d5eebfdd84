package main_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/postgres"
	"github.com/textfix/textfix/postgres/pgtest"
	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
)

// Several textfix processes on one PostgreSQL database, behind a "load
// balancer" that is the test itself.

// database builds textfix (skipping under -short) and returns the URL of
// a fresh PostgreSQL schema (skipping without one, failing in CI).
func database(t *testing.T) string {
	t.Helper()
	textfixBinary(t)
	return pgtest.URL(t)
}

// startPG starts textfix serve on the database at dbURL.
func startPG(t *testing.T, dbURL string, env ...string) *proc {
	t.Helper()
	return start(t, append([]string{"TEXTFIX_DATABASE_URL=" + dbURL}, env...)...)
}

// openPG opens the database as the test's own view of it.
func openPG(t *testing.T, dbURL string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), postgres.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sms posts one inbound text (unsigned: sandbox) and returns the status
// and the replies of the TwiML.
func (p *proc) sms(from, sid, body string) (int, []string, error) {
	return postSMS(p.addr, url.Values{"From": {from}, "MessageSid": {sid}, "Body": {body}, "To": {"+15555550000"}}, "")
}

func postSMS(addr string, form url.Values, signature string) (int, []string, error) {
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/twilio/sms", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signature != "" {
		req.Header.Set("X-Twilio-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if resp.StatusCode != 200 {
		return resp.StatusCode, nil, nil
	}
	var doc struct {
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("TwiML %q: %w", raw, err)
	}
	return resp.StatusCode, doc.Messages, nil
}

// pageIDs differ from run to run; everything else in a reply does not.
var pageIDs = regexp.MustCompile(`/f/[A-Za-z0-9_-]+`)

func normalize(replies []string) string {
	return pageIDs.ReplaceAllString(strings.Join(replies, "\n|"), "/f/ID")
}

// script is what each number texts: a flow, answers, a miss, BACK, MENU,
// another flow; no handoff (ticket numbers depend on the order across
// numbers).
var script = []string{"claude code 403", "2", "yeah", "no", "1", "back", "menu", "curl gave me a 401", "2", "no"}

// inbound lines of phone's transcript, in order.
func inboundBodies(t *testing.T, db interface {
	TranscriptTail(context.Context, string, int) ([]bot.Line, error)
}, phone string) []string {
	t.Helper()
	lines, err := db.TranscriptTail(context.Background(), phone, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range lines {
		if l.Dir == bot.In {
			out = append(out, l.Body)
		}
	}
	return out
}

// Two instances behave as one: 50 numbers × 10 texts, each number's
// texts sent alternately to A and B, numbers concurrently. Every text is
// stored once, in order, and every reply is the one a single instance
// gives (a bbolt one, run first as the reference).
func TestTwoInstancesBehaveAsOne(t *testing.T) {
	dbURL := database(t)
	const numbers = 50
	phone := func(n int) string { return fmt.Sprintf("+1555700%04d", n) }
	run := func(pick func(i int) *proc, tag string) [][]string {
		replies := make([][]string, numbers)
		var wg sync.WaitGroup
		for n := range numbers {
			wg.Go(func() {
				for i, body := range script {
					code, r, err := pick(i).sms(phone(n), fmt.Sprintf("SM%s%d-%d", tag, n, i), body)
					if err != nil || code != 200 {
						t.Errorf("%s text %d: %d %v", phone(n), i, code, err)
						return
					}
					replies[n] = append(replies[n], normalize(r))
				}
			})
		}
		wg.Wait()
		return replies
	}

	ref := start(t, "TEXTFIX_DB="+t.TempDir()+"/ref.db")
	want := run(func(int) *proc { return ref }, "ref")

	a, b := startPG(t, dbURL), startPG(t, dbURL)
	got := run(func(i int) *proc { return []*proc{a, b}[i%2] }, "ab")
	if t.Failed() {
		t.FailNow()
	}
	db := openPG(t, dbURL)
	for n := range numbers {
		for i := range script {
			if got[n][i] != want[n][i] {
				t.Errorf("%s text %d (%q): two instances replied\n%s\nwhere one replies\n%s", phone(n), i, script[i], got[n][i], want[n][i])
			}
		}
		if in := inboundBodies(t, db, phone(n)); !slices.Equal(in, script) {
			t.Errorf("%s: stored %q, want each text once, in order", phone(n), in)
		}
	}
}

// The same MessageSid sent to A and B at the same moment: one stored
// text, two identical replies. (And a console login on A works on B.)
func TestSameMessageSidToBothInstances(t *testing.T) {
	dbURL := database(t)
	a, b := startPG(t, dbURL, "TEXTFIX_CONSOLE_PASSWORD=pw"), startPG(t, dbURL, "TEXTFIX_CONSOLE_PASSWORD=pw")
	browser := consoleLogin(t, a, "pw")
	if inbox := page(t, browser, b, "/console"); strings.Contains(inbox, `name="password"`) {
		t.Error("a login on A is not one on B")
	}
	const from = "+15557100001"
	for i, body := range script {
		sid := fmt.Sprint("SMboth", i)
		var (
			wg     sync.WaitGroup
			ra, rb []string
			ca, cb int
			ea, eb error
		)
		go1 := make(chan struct{})
		wg.Go(func() { <-go1; ca, ra, ea = a.sms(from, sid, body) })
		wg.Go(func() { <-go1; cb, rb, eb = b.sms(from, sid, body) })
		close(go1)
		wg.Wait()
		if ea != nil || eb != nil || ca != 200 || cb != 200 {
			t.Fatalf("%s: A %d %v, B %d %v", sid, ca, ea, cb, eb)
		}
		if !slices.Equal(ra, rb) {
			t.Errorf("%s: A replied %q, B %q", sid, ra, rb)
		}
	}
	if in := inboundBodies(t, openPG(t, dbURL), from); !slices.Equal(in, script) {
		t.Errorf("stored %q, want each text once", in)
	}
}

// loadBalancer sends each text to one of the instances it knows, and
// when that one does not answer, to another, with the same MessageSid (as
// Twilio does with a fallback URL).
type loadBalancer struct {
	mu    sync.Mutex
	procs []*proc
	next  int
}

func (lb *loadBalancer) set(i int, p *proc) { lb.mu.Lock(); lb.procs[i] = p; lb.mu.Unlock() }

// send sends a text to the next instance in turn and, when it does not
// answer 200, to the one after it, and so on, up to tries attempts; it
// returns the instance that answered.
func (lb *loadBalancer) send(from, sid, body string, tries int) (*proc, error) {
	lb.mu.Lock()
	lb.next++
	first := lb.next
	lb.mu.Unlock()
	var last error
	for i := range tries {
		lb.mu.Lock()
		p := lb.procs[(first+i)%len(lb.procs)]
		lb.mu.Unlock()
		code, _, err := p.sms(from, sid, body)
		if err == nil && code == 200 {
			return p, nil
		}
		last = fmt.Errorf("%s: %d %v", p.addr, code, err)
		if i%len(lb.procs) == len(lb.procs)-1 {
			time.Sleep(20 * time.Millisecond) // every instance tried: wait a little
		}
	}
	return nil, last
}

// load texts from workers × numbers until stop is closed; acked records
// each text answered 200, by number, in order.
type load struct {
	mu     sync.Mutex
	acked  map[string][]string // phone → bodies answered 200
	errors []string            // why texts got no answer
	n      atomic.Int64
	fail   atomic.Int64
	wg     sync.WaitGroup
	stop   chan struct{}
}

func startLoad(lb *loadBalancer, workers, tries int, prefix string) *load {
	l := &load{acked: map[string][]string{}, stop: make(chan struct{})}
	for w := range workers {
		l.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				phone := fmt.Sprintf("+1555%s%02d%03d", prefix, w, i%5)
				body := fmt.Sprintf("w%d-%d claude code 403", w, i)
				if _, err := lb.send(phone, fmt.Sprintf("SM%sw%di%d", prefix, w, i), body, tries); err != nil {
					l.fail.Add(1)
					l.mu.Lock()
					l.errors = append(l.errors, fmt.Sprintf("%s %q: %v", phone, body, err))
					l.mu.Unlock()
					continue
				}
				l.mu.Lock()
				l.acked[phone] = append(l.acked[phone], body)
				l.mu.Unlock()
				l.n.Add(1)
			}
		})
	}
	return l
}

func (l *load) waitFor(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for l.n.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d texts answered in 30s", l.n.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *load) end() { close(l.stop); l.wg.Wait() }

// check finds every acknowledged text stored exactly once, in the order
// it was acknowledged in.
func (l *load) check(t *testing.T, db *postgres.DB) {
	t.Helper()
	for phone, bodies := range l.acked {
		in := inboundBodies(t, db, phone)
		if !slices.Equal(in, bodies) {
			t.Errorf("%s: stored %q, acknowledged %q", phone, in, bodies)
		}
	}
}

// SIGKILL instance A mid-load: no text that A acknowledged is lost, and
// B keeps answering (texts A dropped reach B, as through Twilio's
// fallback URL).
func TestKillOneInstanceMidLoad(t *testing.T) {
	dbURL := database(t)
	a, b := startPG(t, dbURL), startPG(t, dbURL)
	lb := &loadBalancer{procs: []*proc{a, b}}
	l := startLoad(lb, 12, 10, "72")
	l.waitFor(t, 200)
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = a.wait()
	atKill := l.n.Load()
	l.waitFor(t, atKill+200)
	l.end()
	if f := l.fail.Load(); f > 0 {
		t.Errorf("%d texts got no answer from either instance: %q\nB:\n%s", f, l.errors, grepLog(b, `status=5`))
	}
	l.check(t, openPG(t, dbURL))
	t.Logf("%d texts answered, %d of them after A was killed", l.n.Load(), l.n.Load()-atKill)
}

// A rolling restart of two instances under load (SIGTERM A, start A',
// SIGTERM B, start B') answers every text and loses none.
func TestRollingRestart(t *testing.T) {
	dbURL := database(t)
	a, b := startPG(t, dbURL), startPG(t, dbURL)
	lb := &loadBalancer{procs: []*proc{a, b}}
	l := startLoad(lb, 12, 20, "73")
	for i, p := range []*proc{a, b} {
		l.waitFor(t, l.n.Load()+150)
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := p.wait(); err != nil {
			t.Fatalf("graceful stop: %v\n%s", err, p.logs)
		}
		lb.set(i, startPG(t, dbURL))
	}
	l.waitFor(t, l.n.Load()+150)
	l.end()
	if f := l.fail.Load(); f > 0 {
		t.Errorf("%d texts got no answer during the rolling restart: %q", f, l.errors)
	}
	l.check(t, openPG(t, dbURL))
	t.Logf("%d texts answered across the restart", l.n.Load())
}

// twilioEnv is a production configuration against the fake Twilio.
func twilioEnv(tw *twiliotest.Server, rate string, extra ...string) []string {
	return append([]string{"TWILIO_ACCOUNT_SID=" + fakeSID, "TWILIO_AUTH_TOKEN=" + fakeToken,
		"TWILIO_FROM=+15555550000", "TEXTFIX_CONSOLE_PASSWORD=console-password", "TEXTFIX_PUBLIC_URL=" + fakePublic,
		"TEXTFIX_TWILIO_API_URL=" + tw.URL, "TEXTFIX_SEND_RATE=" + rate,
		"TEXTFIX_OPERATOR_PHONES=+15555559991,+15555559992,+15555559993"}, extra...)
}

const (
	fakeSID    = "AC0123456789abcdef0123456789abcdef"
	fakeToken  = "0123456789abcdef0123456789abcdef"
	fakePublic = "https://textfix.example.com"
)

// signedSMS posts a text signed as Twilio signs it.
func signedSMS(t *testing.T, p *proc, from, sid, body string) []string {
	t.Helper()
	form := url.Values{"From": {from}, "MessageSid": {sid}, "Body": {body}, "To": {"+15555550000"}, "AccountSid": {fakeSID}}
	code, replies, err := postSMS(p.addr, form, twilio.Sign(fakeToken, fakePublic+"/twilio/sms", form))
	if err != nil || code != 200 {
		t.Fatalf("%s %q: %d %v", from, body, code, err)
	}
	return replies
}

// With two instances running their outboxes, every queued message reaches
// Twilio exactly once, and TEXTFIX_SEND_RATE holds for the deployment.
func TestOutboxTwoInstances(t *testing.T) {
	dbURL := database(t)
	tw := twiliotest.New(t, fakeSID, fakeToken)
	const rate = 8.0
	a := startPG(t, dbURL, twilioEnv(tw, fmt.Sprint(rate))...)
	b := startPG(t, dbURL, twilioEnv(tw, fmt.Sprint(rate))...)
	// Each handoff texts three operators.
	const handoffs = 10
	for i := range handoffs {
		signedSMS(t, []*proc{a, b}[i%2], fmt.Sprintf("+155574000%02d", i), fmt.Sprint("SMh", i), "talk to a human")
	}
	want := 3 * handoffs
	tw.WaitFor(t, want, 30*time.Second)
	time.Sleep(1500 * time.Millisecond) // anything sent twice would show up now
	msgs := tw.Messages()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.To+"|"+m.Body]++
	}
	if len(msgs) != want || len(seen) != want {
		t.Errorf("Twilio got %d messages (%d distinct), want %d, each once", len(msgs), len(seen), want)
	}
	// The pace, whichever instance sent them: slots are reserved
	// deployment-wide, so no second holds more than rate messages (plus
	// one, for a send's own latency), and the whole run took as long as
	// its slots.
	every := time.Duration(float64(time.Second) / rate)
	slices.SortFunc(msgs, func(x, y twiliotest.Message) int { return x.At.Compare(y.At) })
	for i := range msgs {
		n := 0
		for j := i; j < len(msgs) && msgs[j].At.Sub(msgs[i].At) < time.Second; j++ {
			n++
		}
		if n > int(rate)+1 {
			t.Fatalf("%d messages within a second from message %d: faster than %v/s across the deployment", n, i, rate)
		}
	}
	if span := msgs[len(msgs)-1].At.Sub(msgs[0].At); span < time.Duration(len(msgs)-2)*every {
		t.Errorf("%d messages in %v: faster than %v/s", len(msgs), span, rate)
	}
	if n, _, err := openPG(t, dbURL).OutboxDepth(t.Context()); err != nil || n != 0 {
		t.Errorf("outbox depth %d, %v after everything was sent", n, err)
	}
	sentBy := map[string]int{}
	for name, p := range map[string]*proc{"A": a, "B": b} {
		sentBy[name] = strings.Count(p.logs.String(), "outbox: sent")
	}
	t.Logf("sent by instance: %v over %v", sentBy, msgs[len(msgs)-1].At.Sub(msgs[0].At))
}

// The leader is killed: another instance takes the timers over and runs
// the handoff timeout within 10 s.
func TestLeaderKilled(t *testing.T) {
	dbURL := database(t)
	tw := twiliotest.New(t, fakeSID, fakeToken)
	env := twilioEnv(tw, "100", "TEXTFIX_HANDOFF_TIMEOUT=2s")
	a := startPG(t, dbURL, env...)
	waitLog(t, a, "leader: this instance runs the timers")
	b := startPG(t, dbURL, env...)
	const person = "+15557500001"
	signedSMS(t, b, person, "SMhuman", "talk to a human")
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = a.wait()
	killed := time.Now()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range tw.Messages() {
			if m.To == person && strings.Contains(m.Body, "nobody has answered yet") {
				t.Logf("the handoff timeout ran %v after the leader was killed", m.At.Sub(killed).Round(time.Millisecond))
				if !strings.Contains(b.logs.String(), "leader: this instance runs the timers") {
					t.Error("B never said it took over")
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no handoff timeout notice within 10s of killing the leader\n%s", b.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// grepLog returns the lines of p's log matching re.
func grepLog(p *proc, re string) string {
	var out []string
	for _, line := range strings.Split(p.logs.String(), "\n") {
		if ok, _ := regexp.MatchString(re, line); ok {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// waitLog waits up to 10 s for text in p's log.
func waitLog(t *testing.T, p *proc, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.logs.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", text, p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dbProxy forwards TCP connections to the test database's Unix socket,
// so that a test can cut the database off and bring it back.
type dbProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

// newDBProxy listens on a loopback port and returns dbURL rewritten to go
// through it.
func newDBProxy(t *testing.T, dbURL string) (*dbProxy, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	p := &dbProxy{target: filepath.Join(q.Get("host"), ".s.PGSQL.5432")}
	if p.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	q.Del("host")
	u.Host, u.RawQuery = p.ln.Addr().String(), q.Encode()
	go p.serve(p.ln)
	t.Cleanup(func() { p.cut() })
	return p, u.String()
}

func (p *dbProxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		d, err := net.Dial("unix", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, d)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(d, c); d.Close() }()
		go func() { _, _ = io.Copy(c, d); c.Close() }()
	}
}

// cut closes the listener and every connection: the database is gone.
func (p *dbProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address.
func (p *dbProxy) restore(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	p.ln = ln
	go p.serve(ln)
}

// /healthz answers 503 within its 2 s when the database cannot be
// reached, and 200 again when it can.
func TestHealthzFollowsTheDatabase(t *testing.T) {
	dbURL := database(t)
	proxy, viaProxy := newDBProxy(t, dbURL)
	p := startPG(t, viaProxy)
	health := func() int {
		resp, err := http.Get("http://" + p.addr + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := health(); code != 200 {
		t.Fatalf("healthz %d with the database up", code)
	}
	proxy.cut()
	start := time.Now()
	if code := health(); code != http.StatusServiceUnavailable {
		t.Errorf("healthz %d with the database gone, want 503", code)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("healthz took %v to answer", d)
	}
	proxy.restore(t)
	deadline := time.Now().Add(10 * time.Second)
	for health() != 200 {
		if time.Now().After(deadline) {
			t.Fatal("healthz did not recover with the database back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, _, err := p.sms("+15557800001", "SMback", "claude code 403"); err != nil || code != 200 {
		t.Errorf("a text after the database came back: %d %v", code, err)
	}
}
