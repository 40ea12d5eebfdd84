package console_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/console"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
	"github.com/textfix/textfix/web"
)

// The console is tested through the whole server stack, as serve wires
// it: its screens show what people texted through the webhook, and its
// actions leave through the outbox to a fake Twilio. This builder is
// web's test stack (web/handoff_test.go) with the console on.

var _ console.Store = (*store.DB)(nil)

const (
	testToken  = "0123456789abcdef0123456789abcdef"
	publicURL  = "https://textfix.example.com"
	personA    = "+15555550101"
	personB    = "+15555550102"
	smsPath    = "/twilio/sms"
	statusPath = "/twilio/status"
	accountSID = "AC0123456789abcdef0123456789abcdef"
	operator   = "+15555559999"
	botNumber  = "+15555550000"
)

// deskEnv is the server stack on a bbolt file in a temporary directory:
// the desk, the outbox sending to a fake Twilio, and the HTTP server with
// the console.
type deskEnv struct {
	t      testing.TB
	db     *store.DB
	srv    *web.Server
	ts     *httptest.Server
	base   string // the public URL links and callbacks use
	twilio *twiliotest.Server
	skew   atomic.Int64 // added to the server's and the outbox's clocks
	mu     sync.Mutex
	sid    int
}

// stackOpts vary a deskEnv.
type stackOpts struct {
	token              string // Twilio auth token; "" = sandbox
	operators          []string
	password, ipHeader string
	ownURL             bool // public URL = the server's own address (fake callbacks reach it)
}

func newStack(t testing.TB, o stackOpts) *deskEnv {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	base := publicURL
	if o.ownURL {
		base = "http://" + ts.Listener.Addr().String()
	}
	tw := twiliotest.New(t, accountSID, testToken)
	db, err := store.Open(t.TempDir() + "/textfix.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sender, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: testToken, From: botNumber, BaseURL: tw.URL})
	if err != nil {
		t.Fatal(err)
	}
	de := &deskEnv{t: t, db: db, ts: ts, base: base, twilio: tw}
	now := func() time.Time { return time.Now().Add(time.Duration(de.skew.Load())) }
	ob := &twilio.Outbox{Store: db, Sender: sender, StatusCallback: base + statusPath, Rate: 1000, Now: now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ob.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	de.srv, err = web.New(web.Config{
		PublicURL: base, AuthToken: o.token, Store: db, Wake: ob.Wake, Now: now, SMSNumber: botNumber,
		Desk:         &bot.Desk{Operators: o.operators, BaseURL: base},
		ConsoleStore: db, ConsolePassword: o.password, ClientIPHeader: o.ipHeader,
	}, &bot.Engine{Flows: lib, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = de.srv.Handler()
	ts.Start()
	return de
}

func (e *deskEnv) nextSid() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sid++
	return fmt.Sprintf("SM%032d", e.sid)
}

// post sends a form to path, signed with token over signURL+path.
func (e *deskEnv) post(path string, form url.Values, token, signURL string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(token, signURL+path, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

// say texts the bot as from and returns the TwiML replies.
func (e *deskEnv) say(from, body string) []string {
	e.t.Helper()
	resp := e.post(smsPath, text(from, e.nextSid(), body), testToken, publicURL)
	b := readAll(e.t, resp)
	if resp.StatusCode != 200 {
		e.t.Fatalf("%q: status %d %s", body, resp.StatusCode, b)
	}
	var doc struct {
		XMLName  xml.Name `xml:"Response"`
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		e.t.Fatalf("reply is not TwiML: %v\n%s", err, b)
	}
	return doc.Messages
}

// received waits for the fake Twilio to have n messages in all and
// returns those to phone.
func (e *deskEnv) received(n int, phone string) []string {
	e.t.Helper()
	var out []string
	for _, m := range e.twilio.WaitFor(e.t, n, 5*time.Second) {
		if m.To == phone {
			out = append(out, m.Body)
		}
	}
	return out
}

func (e *deskEnv) conversation(phone string) bot.Conversation {
	e.t.Helper()
	c, err := e.db.Conversation(context.Background(), phone)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// fetchPage fetches path from the test server.
func (e *deskEnv) fetchPage(path string) (*http.Response, string) {
	e.t.Helper()
	resp, err := http.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, string(readAll(e.t, resp))
}

// text is an inbound SMS form as Twilio sends it.
func text(from, sid, body string) url.Values {
	return url.Values{
		"MessageSid": {sid}, "SmsSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {"AC00000000000000000000000000000000"},
		"From": {from}, "To": {"+15555550000"}, "Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"},
		"SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"}, "FromCountry": {"US"},
	}
}

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newBrowser starts Debian's chromium, headless, for one test and returns
// the chromedp context of a fresh tab; the browser stops when the test
// ends. Without chromium the test is skipped, unless CI=true: CI installs
// it (.ci/run), so there a missing browser is a failure.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; CI must install it (.ci/run)")
		}
		t.Skip("chromium is not installed: apt-get install chromium to run the browser tests")
	}
	// Created first, so it is removed after the browser has stopped.
	profile := t.TempDir()
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
	)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(bctx, 5*time.Second)
		_ = chromedp.Cancel(cctx)
		cancel()
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// saveScreenshot writes png under the test's temp dir, and also under
// $TEXTFIX_SCREENSHOTS when set (to look at it after the test).
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{t.TempDir()}
	if d := os.Getenv("TEXTFIX_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}
