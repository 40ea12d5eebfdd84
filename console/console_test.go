package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/console"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/web"
)

var _ console.Store = (*store.DB)(nil)

// The console is tested through the whole server stack, as serve wires
// it (package stacktest): its screens show what people texted through the
// webhook, and its actions leave through the outbox to a fake Twilio.
const (
	consolePassword = "correct horse battery staple"
	testToken       = stacktest.Token
	personA         = "+15555550101"
	personB         = "+15555550102"
	operator        = "+15555559999"
)

// consoleEnv is a server with the console, operators, a running outbox
// and a fake Twilio, on a clock the test can move (Skew).
type consoleEnv struct {
	*stacktest.Stack
	browsers atomic.Int64
}

type consoleOpts struct {
	token, password, ipHeader string
}

func newConsoleEnv(t testing.TB, o consoleOpts) *consoleEnv {
	t.Helper()
	return &consoleEnv{Stack: stacktest.New(t, stacktest.Options{Token: o.token, Password: o.password, ClientIPHeader: o.ipHeader, Operators: []string{operator}})}
}

// newConsole is the usual console: Twilio configured, a password.
func newConsole(t testing.TB) *consoleEnv {
	return newConsoleEnv(t, consoleOpts{token: testToken, password: consolePassword, ipHeader: "Fly-Client-IP"})
}

// opBrowser is an operator's browser, driving the handler directly: it keeps
// cookies (Secure ones too: the test server is http) and the last CSRF
// token it saw.
type opBrowser struct {
	t       testing.TB
	h       http.Handler
	remote  string
	header  http.Header
	cookies map[string]*http.Cookie
	csrf    string
}

// browser is a new browser on its own client address (Fly-Client-IP, as
// Fly's proxy sets it; newConsole trusts it).
func (e *consoleEnv) browser() *opBrowser {
	n := e.browsers.Add(1)
	h := http.Header{}
	h.Set("Fly-Client-IP", fmt.Sprintf("198.51.100.%d", n%250+1))
	return &opBrowser{t: e.T, h: e.Server.Handler(), remote: "127.0.0.1:40000", header: h, cookies: map[string]*http.Cookie{}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *opBrowser) do(method, path string, form url.Values) (*httptest.ResponseRecorder, string) {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.RemoteAddr = b.remote
	for k, v := range b.header {
		req.Header[k] = v
	}
	for _, c := range b.cookies {
		if strings.HasPrefix(req.URL.Path, c.Path) {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	body := rec.Body.String()
	if m := csrfRe.FindStringSubmatch(body); m != nil {
		b.csrf = html.UnescapeString(m[1])
	}
	return rec, body
}

func (b *opBrowser) get(path string) (*httptest.ResponseRecorder, string) {
	return b.do(http.MethodGet, path, nil)
}

// post sends form with the current CSRF token.
func (b *opBrowser) post(path string, form url.Values) (*httptest.ResponseRecorder, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	return b.do(http.MethodPost, path, form)
}

// page GETs path and fails unless it answers 200.
func (b *opBrowser) page(path string) string {
	b.t.Helper()
	rec, body := b.get(path)
	if rec.Code != http.StatusOK {
		b.t.Fatalf("GET %s: %d %s", path, rec.Code, body)
	}
	return body
}

// login logs in with the password and fails unless it worked.
func (b *opBrowser) login() {
	b.t.Helper()
	b.get("/console/login")
	rec, body := b.post("/console/login", url.Values{"password": {consolePassword}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console" {
		b.t.Fatalf("login: %d %s %s", rec.Code, rec.Header().Get("Location"), body)
	}
	b.page("/console")
}

// consoleRoutes are every route under /console but the login page, with
// their parameters filled in.
func consoleRoutes(t *testing.T, srv *web.Server) []echo.Route {
	t.Helper()
	fill := strings.NewReplacer(":n", "1", ":id", "abcdefghijklm", ":flow", "claude-code-403")
	var out []echo.Route
	for _, r := range srv.Handler().(*echo.Echo).Routes() {
		if !strings.HasPrefix(r.Path, "/console") || strings.HasPrefix(r.Path, "/console/login") ||
			(r.Method != http.MethodGet && r.Method != http.MethodPost) {
			continue
		}
		r.Path = fill.Replace(r.Path)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path+out[i].Method < out[j].Path+out[j].Method })
	if len(out) < 20 {
		t.Fatalf("only %d console routes found", len(out))
	}
	return out
}

// Every console route refuses a request without a live session: GETs are
// sent to the login page with nothing of the page, POSTs are forbidden.
func TestConsoleRefusesWithoutSession(t *testing.T) {
	e := newConsole(t)
	e.Say(personA, "human")
	routes := consoleRoutes(t, e.Server)
	routes = append(routes, echo.Route{Method: http.MethodGet, Path: "/console/no-such-page"})

	expired := e.browser()
	expired.login()
	loggedOut := e.browser()
	loggedOut.login()
	loggedOut.post("/console/logout", nil)
	forged := e.browser()
	forged.cookies["textfix_session"] = &http.Cookie{Name: "textfix_session", Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Path: "/console"}
	e.Skew.Store(int64(console.SessionIdle + time.Minute)) // expired is idle too long

	visitors := map[string]*opBrowser{"no cookie": e.browser(), "forged cookie": forged, "expired": expired, "logged out": loggedOut}
	for name, b := range visitors {
		for _, r := range routes {
			rec, body := b.do(r.Method, r.Path+"?phone=%2B15555550101", url.Values{"csrf": {b.csrf}, "phone": {personA}, "ticket": {"1"}, "text": {"hi"}})
			switch r.Method {
			case http.MethodGet:
				if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/console/login?next=") {
					t.Errorf("%s: GET %s = %d %q, want a redirect to the login page", name, r.Path, rec.Code, rec.Header().Get("Location"))
				}
			default:
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s: POST %s = %d, want 403", name, r.Path, rec.Code)
				}
			}
			if strings.Contains(body, "0101") || strings.Contains(body, "<html") || strings.Contains(body, "{") {
				t.Errorf("%s: %s %s leaks a page: %.200s", name, r.Method, r.Path, body)
			}
		}
	}
	// Nothing was sent or changed.
	if msgs := e.Twilio.Messages(); len(msgs) > 1 {
		t.Errorf("something was sent: %+v", msgs[1:])
	}
	if c := e.Conversation(personA); c.Status != bot.StatusHandoff {
		t.Errorf("conversation changed: %s", c.Status)
	}
}

// Every POST needs the session's CSRF token (and a same-site request).
func TestConsoleCSRF(t *testing.T) {
	e := newConsole(t)
	e.Say(personA, "human")
	b := e.browser()
	b.login()
	good := b.csrf
	for _, r := range consoleRoutes(t, e.Server) {
		if r.Method != http.MethodPost {
			continue
		}
		form := func() url.Values {
			return url.Values{"phone": {personA}, "ticket": {"1"}, "text": {"hi"}, "title": {"T"}, "confirm": {"0101"}}
		}
		for name, f := range map[string]url.Values{
			"no token":    form(),
			"empty token": func() url.Values { v := form(); v.Set("csrf", ""); return v }(),
			"wrong token": func() url.Values { v := form(); v.Set("csrf", good[:len(good)-2]+"xx"); return v }(),
		} {
			rec, _ := b.do(http.MethodPost, r.Path, f)
			if rec.Code != http.StatusForbidden {
				t.Errorf("%s: POST %s = %d, want 403", name, r.Path, rec.Code)
			}
		}
		b.header.Set("Sec-Fetch-Site", "cross-site")
		if rec, _ := b.do(http.MethodPost, r.Path, func() url.Values { v := form(); v.Set("csrf", good); return v }()); rec.Code != http.StatusForbidden {
			t.Errorf("cross-site POST %s with the token = %d, want 403", r.Path, rec.Code)
		}
		b.header.Del("Sec-Fetch-Site")
	}
	if msgs := e.Twilio.Messages(); len(msgs) > 1 {
		t.Errorf("a refused POST sent something: %+v", msgs[1:])
	}
	if c := e.Conversation(personA); c.Status != bot.StatusHandoff {
		t.Errorf("a refused POST changed the conversation: %s", c.Status)
	}
	// The session still works with its token.
	if rec, _ := b.post("/console/logout", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("logout with the token: %d", rec.Code)
	}

	// The login form has its own token (a cookie and a field that match).
	fresh := e.browser()
	fresh.get("/console/login")
	for name, f := range map[string]url.Values{
		"no field":    {"password": {consolePassword}},
		"wrong field": {"password": {consolePassword}, "csrf": {"nope"}},
	} {
		if rec, _ := fresh.do(http.MethodPost, "/console/login", f); rec.Code != http.StatusForbidden {
			t.Errorf("login with %s: %d, want 403", name, rec.Code)
		}
	}
	noCookie := e.browser()
	noCookie.csrf = fresh.csrf
	if rec, _ := noCookie.post("/console/login", url.Values{"password": {consolePassword}}); rec.Code != http.StatusForbidden {
		t.Errorf("login without the cookie: %d, want 403", rec.Code)
	}
}

// Five wrong passwords a minute from a client, then 429 for that client,
// even with the right password; the client is Fly-Client-IP when
// configured, never X-Forwarded-For.
func TestConsoleLoginRateLimit(t *testing.T) {
	e := newConsole(t)
	attacker := e.browser()
	attacker.header.Set("Fly-Client-IP", "203.0.113.7")
	attacker.get("/console/login")
	for i := 0; i < console.LoginBurst; i++ {
		rec, body := attacker.post("/console/login", url.Values{"password": {"guess"}})
		if rec.Code != http.StatusUnauthorized || !strings.Contains(body, "Wrong password") {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
		if _, ok := attacker.cookies["textfix_session"]; ok {
			t.Fatal("a wrong password got a session")
		}
	}
	rec, body := attacker.post("/console/login", url.Values{"password": {consolePassword}})
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(body, "Too many attempts") {
		t.Fatalf("6th attempt: %d %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	attacker.header.Set("X-Forwarded-For", "198.51.100.1")
	attacker.header.Set("X-Real-Ip", "198.51.100.1")
	if rec, _ := attacker.post("/console/login", url.Values{"password": {consolePassword}}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For escaped the limit: %d", rec.Code)
	}

	// Another client is not affected.
	other := e.browser()
	other.header.Set("Fly-Client-IP", "203.0.113.8")
	other.login()

	// A minute later the attacker may try again.
	e.Skew.Store(int64(time.Minute))
	attacker.get("/console/login")
	if rec, _ := attacker.post("/console/login", url.Values{"password": {consolePassword}}); rec.Code != http.StatusSeeOther {
		t.Errorf("after a minute: %d", rec.Code)
	}

	// Without a configured header, Fly-Client-IP is just a header anyone
	// can send: the connection's address counts.
	plain := newConsoleEnv(t, consoleOpts{token: testToken, password: consolePassword})
	codes := []int{}
	for i := 0; i <= console.LoginBurst; i++ {
		b := plain.browser()
		b.header.Set("Fly-Client-IP", "203.0.113."+string(rune('0'+i)))
		b.get("/console/login")
		rec, _ := b.post("/console/login", url.Values{"password": {"guess"}})
		codes = append(codes, rec.Code)
	}
	if codes[console.LoginBurst] != http.StatusTooManyRequests {
		t.Errorf("unconfigured Fly-Client-IP was trusted: %v", codes)
	}
}

// Only wrong passwords count against an address: operators behind one
// office address (one Fly-Client-IP) log in as often as they like, and a
// typo or two does not stop the right password.
func TestConsoleLoginOnlyFailuresCount(t *testing.T) {
	e := newConsole(t)
	for i := 0; i < 2*console.LoginBurst; i++ {
		b := e.browser()
		b.header.Set("Fly-Client-IP", "203.0.113.20")
		b.get("/console/login")
		if rec, _ := b.post("/console/login", url.Values{"password": {consolePassword}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("login %d from one office address: %d, want 303", i+1, rec.Code)
		}
	}
	typo := e.browser()
	typo.header.Set("Fly-Client-IP", "203.0.113.21")
	typo.get("/console/login")
	for i := 0; i < console.LoginBurst-1; i++ {
		if rec, _ := typo.post("/console/login", url.Values{"password": {"correct horse battery stapel"}}); rec.Code != http.StatusUnauthorized {
			t.Fatalf("typo %d: %d", i+1, rec.Code)
		}
	}
	if rec, _ := typo.post("/console/login", url.Values{"password": {consolePassword}}); rec.Code != http.StatusSeeOther {
		t.Errorf("the right password after %d typos: %d, want 303", console.LoginBurst-1, rec.Code)
	}
}

// The session cookie's flags, logout and expiry.
func TestConsoleSession(t *testing.T) {
	e := newConsole(t)
	b := e.browser()
	rec, _ := b.get("/console")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/login?next=%2Fconsole" {
		t.Fatalf("not logged in: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	b.get("/console/login?next=%2Fconsole%2Foutbox")
	rec, _ = b.post("/console/login", url.Values{"password": {consolePassword}, "next": {"/console/outbox"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/outbox" {
		t.Fatalf("login: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	c := b.cookies["textfix_session"]
	if c == nil || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/console" || len(c.Value) < 43 {
		t.Fatalf("session cookie %+v", c)
	}
	if rec, body := b.get("/console/outbox"); rec.Code != http.StatusOK || !strings.Contains(body, "Log out") {
		t.Fatalf("logged in: %d", rec.Code)
	} else {
		h := rec.Header()
		if h.Get("Cache-Control") != "no-store" || h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			strings.Contains(h.Get("Content-Security-Policy"), "unsafe") {
			t.Errorf("headers %v", h)
		}
	}
	// An open redirect is not possible.
	for next, want := range map[string]string{
		"https://evil.example": "/console", "//evil.example": "/console", "/console/../f": "/console", "/consolex": "/console",
		"/console//evil.example": "/console", "/console/login": "/console", "/console/try": "/console/try",
		"/console?status=handoff": "/console?status=handoff",
	} {
		o := e.browser()
		o.get("/console/login")
		rec, _ := o.post("/console/login", url.Values{"password": {consolePassword}, "next": {next}})
		if loc := rec.Header().Get("Location"); loc != want {
			t.Errorf("next=%q redirects to %q, want %q", next, loc, want)
		}
	}
	// Idle sessions end; use keeps them alive.
	e.Skew.Store(int64(console.SessionIdle - time.Minute))
	b.page("/console")
	e.Skew.Store(int64(2*console.SessionIdle - 2*time.Minute))
	b.page("/console")
	e.Skew.Store(int64(3*console.SessionIdle + time.Minute))
	if rec, _ := b.get("/console"); rec.Code != http.StatusSeeOther {
		t.Errorf("idle session still works: %d", rec.Code)
	}
	// Logout ends the session for good.
	e.Skew.Store(0)
	b = e.browser()
	b.login()
	old := *b.cookies["textfix_session"]
	if rec, _ := b.post("/console/logout", nil); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/login" {
		t.Fatalf("logout: %d", rec.Code)
	}
	b.cookies["textfix_session"] = &old
	if rec, _ := b.get("/console"); rec.Code != http.StatusSeeOther {
		t.Errorf("session works after logout: %d", rec.Code)
	}
}

// Sessions live in the store: a login survives a restart (a new server on
// the same file), and logging out there ends it everywhere.
func TestConsoleSessionSurvivesRestart(t *testing.T) {
	e := newConsole(t)
	b := e.browser()
	b.login()
	restarted, err := web.New(web.Config{
		PublicURL: e.Base, AuthToken: testToken, Store: e.DB, ConsoleStore: e.DB,
		ConsolePassword: consolePassword, ClientIPHeader: "Fly-Client-IP",
		Desk: &bot.Desk{Operators: []string{operator}, BaseURL: e.Base},
	}, &bot.Engine{Flows: stacktest.Flows(t), BaseURL: e.Base})
	if err != nil {
		t.Fatal(err)
	}
	old := b.h
	b.h = restarted.Handler()
	if body := b.page("/console"); !strings.Contains(body, "Log out") {
		t.Fatal("logged out by a restart")
	}
	if rec, _ := b.post("/console/logout", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	b.h = old
	if rec, _ := b.get("/console"); rec.Code != http.StatusSeeOther {
		t.Errorf("the session still works on the first server: %d", rec.Code)
	}
}

// Without a password the console is off outside sandbox mode, and open to
// loopback only in sandbox mode, with a banner and still with CSRF.
func TestConsoleWithoutPassword(t *testing.T) {
	off := newConsoleEnv(t, consoleOpts{token: testToken})
	for _, path := range []string{"/console", "/console/login", "/console/try"} {
		if rec, _ := off.browser().get(path); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("no password, Twilio configured: GET %s = %d, want 503", path, rec.Code)
		}
	}

	sandbox := newConsoleEnv(t, consoleOpts{})
	b := sandbox.browser()
	body := b.page("/console")
	if !strings.Contains(body, "console is open to anyone on this machine") || strings.Contains(body, "Log out") {
		t.Errorf("no sandbox banner")
	}
	if rec, _ := b.get("/console/login"); rec.Code != http.StatusSeeOther {
		t.Errorf("login page in open mode: %d", rec.Code)
	}
	b.page("/console/try") // a page with forms, for the token
	if rec, _ := b.do(http.MethodPost, "/console/try", url.Values{"text": {"hi"}}); rec.Code != http.StatusForbidden {
		t.Errorf("open mode POST without CSRF: %d", rec.Code)
	}
	if rec, _ := b.post("/console/try", url.Values{"text": {"hi"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("open mode POST with CSRF: %d", rec.Code)
	}
	remote := sandbox.browser()
	remote.remote = "192.0.2.10:5000"
	if rec, _ := remote.get("/console"); rec.Code != http.StatusForbidden {
		t.Errorf("open mode from a remote address: %d, want 403", rec.Code)
	}
}

// Without operator phones every console page says nobody is texted about
// a handoff; with one, none does. The login page tells strangers nothing.
func TestConsoleWarnsWithoutOperators(t *testing.T) {
	const warning = "No operator phones are set"
	alone := &consoleEnv{Stack: stacktest.New(t, stacktest.Options{Token: testToken, Password: consolePassword})}
	b := alone.browser()
	if _, body := b.get("/console/login"); strings.Contains(body, warning) {
		t.Error("the login page shows the operator warning")
	}
	b.login()
	for _, path := range []string{"/console", "/console/outbox", "/console/stats", "/console/try"} {
		if body := b.page(path); !strings.Contains(body, warning) {
			t.Errorf("%s: no operator warning", path)
		}
	}
	b = newConsole(t).browser()
	b.login()
	if body := b.page("/console"); strings.Contains(body, warning) {
		t.Error("operator warning with an operator set")
	}
}

// What a person typed comes out escaped in the inbox, the transcript, the
// editor's preview and the simulator.
func TestConsoleEscapesWhatPeopleType(t *testing.T) {
	const payload = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	raw := []string{"<script>alert", "<img src=x", "onerror=alert(1)>"}
	e := newConsole(t)
	e.Say(personA, "claude code 403 "+payload)
	e.Say(personA, "HUMAN")
	e.Say(personA, payload) // in handoff: no reply, so it is the last message
	b := e.browser()
	b.login()
	check := func(where, body string) {
		t.Helper()
		for _, r := range raw {
			if strings.Contains(body, r) {
				t.Errorf("%s: raw %q in the page", where, r)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("%s: the escaped payload is not shown", where)
		}
	}
	check("inbox", b.page("/console"))
	check("inbox, handoff filter", b.page("/console?status=handoff"))
	check("conversation", b.page("/console/conversation?phone="+url.QueryEscape(personA)))
	if editor := b.page("/console/tickets/1/page"); strings.Contains(editor, "<script>alert") || !strings.Contains(editor, "&lt;script&gt;alert") {
		t.Error("editor: the ticket summary is not escaped")
	}

	// The preview, with the operator's fields as payloads too.
	rec, body := b.post("/console/tickets/1/preview", url.Values{"title": {payload}, "summary": {payload}, "steps": {"1. " + payload}, "commands": {payload}})
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: %d", rec.Code)
	}
	check("preview", body)
	if strings.Count(body, "&lt;script&gt;") < 4 {
		t.Errorf("preview: not every field is shown escaped:\n%s", body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("preview CSP %q", csp)
	}
	// A published page is the preview.
	if rec, _ := b.post("/console/tickets/1/page", url.Values{"title": {payload}, "steps": {payload}, "commands": {payload}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d", rec.Code)
	}
	link := regexp.MustCompile(`/f/[0-9A-Za-z]{13}`).FindString(b.page("/console/conversation?phone=" + url.QueryEscape(personA)))
	if link == "" {
		t.Fatal("no page link in the conversation")
	}
	_, pageBody := e.Get(link)
	for _, r := range raw {
		if strings.Contains(pageBody, r) {
			t.Errorf("published page: raw %q", r)
		}
	}

	// The simulator's phone.
	b.post("/console/try", url.Values{"text": {payload}})
	check("simulator", b.page("/console/try"))
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A whole handoff from the console against the fake Twilio: reply (with
// its delivery status), custom page published and revoked, close, take
// over, forget.
func TestConsoleHandoff(t *testing.T) {
	e := newConsole(t)
	e.Say(personA, "claude code 403")
	e.Say(personA, "HUMAN")
	e.Received(1, operator) // the operator's SMS notification
	b := e.browser()
	b.login()
	inbox := b.page("/console")
	if !strings.Contains(inbox, "#1") || !strings.Contains(inbox, "***0101") || !strings.Contains(inbox, "waiting") {
		t.Fatalf("inbox lacks the ticket:\n%s", inbox)
	}
	if strings.Index(inbox, "Waiting for a human") > strings.Index(inbox, ">Conversations") {
		t.Error("tickets are not first")
	}
	convURL := "/console/conversation?phone=" + url.QueryEscape(personA)

	// Reply.
	rec, _ := b.post("/console/conversation/reply", url.Values{"phone": {personA}, "ticket": {"1"}, "text": {"Hi, I'm here. What does the 403 say?"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != convURL {
		t.Fatalf("reply: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if got := e.Received(2, personA); len(got) != 1 || got[0] != "Hi, I'm here. What does the 403 say?" {
		t.Fatalf("person received %q", got)
	}
	relay := e.Twilio.Messages()[1]
	waitFor(t, "the reply marked sent", func() bool { return strings.Contains(b.page(convURL), ">sent<") })
	// As Twilio would post it (twiliotest.Deliver needs a reachable URL).
	stacktest.ReadAll(t, e.Post(stacktest.StatusPath, url.Values{"AccountSid": {stacktest.AccountSID}, "MessageSid": {relay.SID}, "MessageStatus": {"delivered"}}, testToken, stacktest.PublicURL))
	if page := b.page(convURL); !strings.Contains(page, ">delivered<") {
		t.Errorf("transcript lacks the delivery status")
	}

	// Custom page: publish, the link goes first in one SMS, revoke.
	rec, body := b.post("/console/tickets/1/page", url.Values{"title": {""}, "steps": {"x"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "title is required") || !strings.Contains(body, `name="steps"`) {
		t.Errorf("publish without a title: %d", rec.Code)
	}
	rec, _ = b.post("/console/tickets/1/page", url.Values{"title": {"Use the EU endpoint"}, "summary": {"Your org is EU-only."},
		"steps": {"1. Open settings\n2. Pick EU"}, "commands": {"claude /logout\nclaude /login"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d", rec.Code)
	}
	got := e.Received(3, personA)
	link := strings.SplitN(got[len(got)-1], "\n", 2)[0]
	if !strings.HasPrefix(link, stacktest.PublicURL+"/f/") {
		t.Fatalf("page SMS does not start with the link: %q", got[len(got)-1])
	}
	path := strings.TrimPrefix(link, stacktest.PublicURL)
	if resp, page := e.Get(path); resp.StatusCode != 200 || !strings.Contains(page, "Use the EU endpoint") || !strings.Contains(page, "claude /logout") {
		t.Fatalf("published page: %d", resp.StatusCode)
	}
	if ps, _ := e.DB.PagesOf(context.Background(), personA, 10); len(ps) == 0 || ps[0].ID != strings.TrimPrefix(path, "/f/") {
		t.Errorf("page not stored as the person's: %v", ps)
	}
	conv := b.page(convURL)
	if !strings.Contains(conv, path) || !strings.Contains(conv, "Revoke") {
		t.Error("the conversation does not list the page")
	}
	if rec, _ := b.post("/console/pages/"+strings.TrimPrefix(path, "/f/")+"/revoke", url.Values{"phone": {personA}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if resp, _ := e.Get(path); resp.StatusCode != http.StatusGone {
		t.Errorf("revoked page: %d", resp.StatusCode)
	}

	// Close: the person is back with the bot and told so.
	if rec, _ := b.post("/console/conversation/close", url.Values{"phone": {personA}, "ticket": {"1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("close: %d", rec.Code)
	}
	if got := e.Received(4, personA); !strings.Contains(got[len(got)-1], "back with the textfix bot") {
		t.Errorf("close notice %q", got)
	}
	if c := e.Conversation(personA); c.Status != bot.StatusIdle {
		t.Errorf("after close: %s", c.Status)
	}
	if _, body := b.get("/console"); strings.Contains(body, "#1</a>") {
		t.Error("closed ticket still in the inbox")
	}
	// A reply to the closed ticket is refused with a message.
	b.post("/console/conversation/reply", url.Values{"phone": {personA}, "ticket": {"1"}, "text": {"late"}})
	if page := b.page(convURL); !strings.Contains(page, "Ticket #1 is closed") {
		t.Error("reply to a closed ticket: no message")
	}

	// Take over a conversation that is not in handoff.
	e.Say(personB, "claude code 403")
	if rec, _ := b.post("/console/conversation/takeover", url.Values{"phone": {personB}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("take over: %d", rec.Code)
	}
	if c := e.Conversation(personB); c.Status != bot.StatusHandoff || c.Ticket != 2 {
		t.Errorf("after take over: %s #%d", c.Status, c.Ticket)
	}
	if page := b.page("/console/conversation?phone=" + url.QueryEscape(personB)); !strings.Contains(page, "You have it: ticket #2") || !strings.Contains(page, `name="text"`) {
		t.Error("take over: no reply box")
	}
	// A ticket of another number is refused.
	b.post("/console/conversation/reply", url.Values{"phone": {personA}, "ticket": {"2"}, "text": {"wrong person"}})
	if page := b.page(convURL); !strings.Contains(page, "another number") {
		t.Error("cross-number reply not refused")
	}

	// Forget: only with the last four digits.
	b.post("/console/conversation/forget", url.Values{"phone": {personB}, "confirm": {"9999"}})
	if _, err := e.DB.Conversation(context.Background(), personB); err != nil {
		t.Fatalf("forgotten without confirmation: %v", err)
	}
	rec, _ = b.post("/console/conversation/forget", url.Values{"phone": {personB}, "confirm": {"0102"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console" {
		t.Fatalf("forget: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if _, err := e.DB.Conversation(context.Background(), personB); err == nil {
		t.Error("not forgotten")
	}
	if body := b.page("/console"); !strings.Contains(body, "Forgot ***0102") || strings.Contains(body, "#2</a>") {
		t.Error("inbox after forget")
	}
}

// Failed messages show Twilio's error and can be retried, unless the
// number opted out.
func TestConsoleOutbox(t *testing.T) {
	e := newConsole(t)
	e.Say(personA, "HUMAN")
	e.Received(1, operator)
	b := e.browser()
	b.login()
	e.Twilio.FailNext(400, 21211, "The 'To' number is not a valid phone number.")
	b.post("/console/conversation/reply", url.Values{"phone": {personA}, "ticket": {"1"}, "text": {"try me"}})
	var failed bot.OutMsg
	waitFor(t, "the reply to fail", func() bool {
		msgs, _ := e.DB.OutboxList(context.Background(), 10, true)
		if len(msgs) == 1 && msgs[0].State == bot.OutFailed {
			failed = msgs[0]
			return true
		}
		return false
	})
	page := b.page("/console/outbox")
	if !strings.Contains(page, "21211") || !strings.Contains(page, "/console/outbox/"+failed.ID+"/retry") {
		t.Fatalf("outbox view lacks the error or the retry button:\n%s", page)
	}
	if strings.Contains(html.UnescapeString(page), "+15555550101") {
		t.Error("outbox shows a whole number")
	}
	if rec, _ := b.post("/console/outbox/"+failed.ID+"/retry", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("retry: %d", rec.Code)
	}
	if got := e.Received(2, personA); len(got) != 1 || got[0] != "try me" {
		t.Fatalf("after retry the person received %q", got)
	}
	if page := b.page("/console/outbox"); !strings.Contains(page, "queued again") {
		t.Errorf("outbox after retry: no message")
	}
	waitFor(t, "the outbox to empty", func() bool { return strings.Contains(b.page("/console/outbox"), "Nothing waiting") })

	// Opted out: no button, and a forced retry is refused with a message.
	e.Twilio.FailNext(400, 21211, "invalid")
	b.post("/console/conversation/reply", url.Values{"phone": {personA}, "ticket": {"1"}, "text": {"again"}})
	waitFor(t, "the second reply to fail", func() bool {
		msgs, _ := e.DB.OutboxList(context.Background(), 10, true)
		if len(msgs) == 1 && msgs[0].State == bot.OutFailed {
			failed = msgs[0]
			return true
		}
		return false
	})
	e.Say(personA, "STOP")
	page = b.page("/console/outbox")
	if strings.Contains(page, "/retry") || !strings.Contains(page, "opted out") {
		t.Errorf("opted-out message offers a retry:\n%s", page)
	}
	b.post("/console/outbox/"+failed.ID+"/retry", nil)
	if page := b.page("/console/outbox"); !strings.Contains(page, "Not retried: the number opted out") {
		t.Error("refused retry: no message")
	}
}

// Try it: texts go through the engine as a test number; nothing is sent,
// nothing counts.
func TestConsoleTryIt(t *testing.T) {
	e := newConsole(t)
	b := e.browser()
	b.login()
	for _, text := range []string{"claude code 403", "3", "it says region not supported"} {
		if rec, _ := b.post("/console/try", url.Values{"text": {text}}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/try" {
			t.Fatalf("%q: %d", text, rec.Code)
		}
	}
	page := html.UnescapeString(b.page("/console/try"))
	if !regexp.MustCompile(`<a href="https://textfix.example.com/f/[0-9A-Za-z]{13}">`).MatchString(page) {
		t.Fatalf("no fix link in the simulator:\n%s", page)
	}
	phone := regexp.MustCompile(`\+1555000\d{4}`).FindString(page)
	c := e.Conversation(phone)
	if !c.Test || c.Status != bot.StatusFixed {
		t.Errorf("simulator conversation %+v", c)
	}
	if st, _ := e.DB.Stats(context.Background(), "claude-code-403", time.Now().AddDate(0, 0, -1)); st.Started != 0 {
		t.Errorf("simulator counted: %+v", st)
	}
	if body := b.page("/console?status=test"); !strings.Contains(body, phone[len(phone)-4:]) {
		t.Error("test filter does not list the simulator")
	}
	if body := b.page("/console?status=fixed"); strings.Contains(body, phone[len(phone)-4:]) == false {
		t.Error("fixed filter does not list the simulator")
	}
	// A HUMAN makes a test ticket: nobody is texted, and replies land in the phone.
	b.post("/console/try", url.Values{"text": {"HUMAN"}})
	b.post("/console/conversation/reply", url.Values{"phone": {phone}, "ticket": {"1"}, "text": {"hello from the desk"}})
	if page := b.page("/console/try"); !strings.Contains(page, "hello from the desk") {
		t.Error("operator reply not in the simulator")
	}
	time.Sleep(100 * time.Millisecond)
	if msgs := e.Twilio.Messages(); len(msgs) != 0 {
		t.Errorf("the simulator sent SMS: %+v", msgs)
	}
	if rec, _ := b.post("/console/try/erase", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("erase: %d", rec.Code)
	}
	if _, err := e.DB.Conversation(context.Background(), phone); err == nil {
		t.Error("not erased")
	}
	// Each session has its own test number.
	other := e.browser()
	other.login()
	if p := regexp.MustCompile(`\+1555000\d{4}`).FindString(html.UnescapeString(other.page("/console/try"))); p == phone || p == "" {
		t.Errorf("second session's number %q (first %q)", p, phone)
	}
}

// Where people get stuck: counters, misses with unmatched answers, the
// picture with counts.
func TestConsoleStats(t *testing.T) {
	e := newConsole(t)
	e.Say(personA, "claude code 403 with my api key")
	e.Say(personA, "banana 5555550199")
	e.Say(personA, "3")
	e.Say(personB, "claude code 403 unusual activity on my api key")
	e.Say(personB, "yes")
	b := e.browser()
	b.login()
	body := b.page("/console/stats")
	if !strings.Contains(body, `href="/console/stats/claude-code-403"`) {
		t.Fatal("no link to the flow")
	}
	flow := b.page("/console/stats/claude-code-403")
	for _, want := range []string{"smoke-test", "“banana [number hidden]”", "33%", "tree.svg?days=30"} {
		if !strings.Contains(flow, want) {
			t.Errorf("flow page lacks %q", want)
		}
	}
	if strings.Contains(flow, "5555550199") {
		t.Error("a number in an unmatched answer is shown")
	}
	rec, svg := b.get("/console/stats/claude-code-403/tree.svg?days=7")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.Contains(svg, "<svg") || !strings.Contains(svg, "(2)") {
		t.Errorf("picture: %d %s %.200s", rec.Code, rec.Header().Get("Content-Type"), svg)
	}
	if rec, _ := b.get("/console/stats/nope"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown flow: %d", rec.Code)
	}
}
