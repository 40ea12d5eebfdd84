package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/web"
)

// The stack's names, as the web tests spell them.
const (
	testToken  = stacktest.Token
	publicURL  = stacktest.PublicURL
	personA    = "+15555550101"
	personB    = "+15555550102"
	smsPath    = stacktest.SMSPath
	statusPath = stacktest.StatusPath
)

// TestInboundWebhook is the table of webhook cases, in the style of
// courier's Twilio handler tests: every request is signed live with the
// same code production verifies with.
func TestInboundWebhook(t *testing.T) {
	type check func(t *testing.T, e *stacktest.Stack, resp *http.Response, body []byte)
	storedFor := func(phone string, n int) check {
		return func(t *testing.T, e *stacktest.Stack, _ *http.Response, _ []byte) {
			if got := len(e.Transcript(phone)); got != n {
				t.Errorf("transcript of %s has %d lines, want %d", phone, got, n)
			}
		}
	}
	stored := func(n int) check { return storedFor(personA, n) }
	replyContains := func(s string) check {
		return func(t *testing.T, _ *stacktest.Stack, _ *http.Response, body []byte) {
			msgs := stacktest.TwiML(t, body)
			if len(msgs) == 0 || !strings.Contains(strings.Join(msgs, "\n"), s) {
				t.Errorf("reply %q lacks %q", msgs, s)
			}
		}
	}
	silent := func(t *testing.T, _ *stacktest.Stack, _ *http.Response, body []byte) {
		if msgs := stacktest.TwiML(t, body); len(msgs) != 0 {
			t.Errorf("want an empty <Response/>, got %q", msgs)
		}
	}
	tests := []struct {
		name    string
		before  []string // texts sent (signed, valid) before the request
		form    url.Values
		token   string // "" = unsigned
		signURL string
		raw     string // a raw body instead of form
		status  int
		checks  []check
	}{
		{name: "valid", form: stacktest.Text(personA, "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 200, checks: []check{replyContains("sign in"), stored(2)}},
		{name: "wrong signature", form: stacktest.Text(personA, "SMa1", "claude code 403"), token: "wrong-token", signURL: publicURL,
			status: 403, checks: []check{stored(0)}},
		{name: "missing signature", form: stacktest.Text(personA, "SMa1", "claude code 403"), token: "",
			status: 403, checks: []check{stored(0)}},
		{name: "signature over another URL", form: stacktest.Text(personA, "SMa1", "claude code 403"), token: testToken, signURL: "https://evil.example.com",
			status: 403, checks: []check{stored(0)}},
		{name: "missing From", form: url.Values{"MessageSid": {"SMa1"}, "Body": {"hi"}}, token: testToken, signURL: publicURL, status: 400},
		{name: "missing MessageSid", form: url.Values{"From": {personA}, "Body": {"hi"}}, token: testToken, signURL: publicURL, status: 400},
		{name: "no parameters", form: url.Values{}, token: testToken, signURL: publicURL, status: 400},
		{name: "oversized body", raw: "Body=" + strings.Repeat("a", web.MaxBody+1), status: 413, checks: []check{stored(0)}},
		{name: "invalid UTF-8 is repaired", form: stacktest.Text(personA, "SMa1", "claude code 403 \xff\xfe\x00"), token: testToken, signURL: publicURL,
			status: 200, checks: []check{replyContains("sign in"), func(t *testing.T, e *stacktest.Stack, _ *http.Response, _ []byte) {
				if l := e.Transcript(personA); len(l) == 0 || !strings.Contains(l[0].Body, "\uFFFD") || strings.Contains(l[0].Body, "\x00") {
					t.Errorf("stored body not repaired: %+v", l)
				}
			}}},
		{name: "emoji body", form: stacktest.Text(personA, "SMa1", "🙈🔥 claude code 403 😭"), token: testToken, signURL: publicURL,
			status: 200, checks: []check{replyContains("sign in"), stored(2)}},
		{name: "media only", form: func() url.Values {
			f := stacktest.Text(personA, "SMa1", "")
			f.Set("NumMedia", "1")
			f.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0")
			f.Set("MediaContentType0", "image/jpeg")
			return f
		}(), token: testToken, signURL: publicURL, status: 200, checks: []check{replyContains("in words")}},
		{name: "STOP then a normal text is silent", before: []string{"claude code 403", "STOP"}, form: stacktest.Text(personA, "SMa9", "hello?"),
			token: testToken, signURL: publicURL, status: 200, checks: []check{silent, func(t *testing.T, e *stacktest.Stack, _ *http.Response, _ []byte) {
				if c := e.Conversation(personA); c.Status != bot.StatusOptedOut {
					t.Errorf("status %s, want opted_out", c.Status)
				}
			}}},
		{name: "START after STOP", before: []string{"STOP"}, form: stacktest.Text(personA, "SMa9", "START"),
			token: testToken, signURL: publicURL, status: 200, checks: []check{replyContains("back on textfix")}},
		{name: "OptOutType STOP", form: func() url.Values {
			f := stacktest.Text(personA, "SMa1", "ARRET")
			f.Set("OptOutType", "STOP")
			return f
		}(), token: testToken, signURL: publicURL, status: 200, checks: []check{silent, func(t *testing.T, e *stacktest.Stack, _ *http.Response, _ []byte) {
			if c := e.Conversation(personA); c.Status != bot.StatusOptedOut {
				t.Errorf("status %s, want opted_out", c.Status)
			}
		}}},
		// The fields the signature does not vouch for: whose account, to
		// which of our numbers, from what kind of address. A refused
		// request stores nothing.
		{name: "From not E.164", form: stacktest.Text("5555550101", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 400, checks: []check{storedFor("5555550101", 0)}},
		{name: "From with a dash", form: stacktest.Text("+1555-555-0101", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 400, checks: []check{storedFor("+1555-555-0101", 0)}},
		{name: "From too short", form: stacktest.Text("+1555", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 400, checks: []check{storedFor("+1555", 0)}},
		{name: "From with no such country", form: stacktest.Text("+9991234567", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 400, checks: []check{storedFor("+9991234567", 0)}},
		{name: "From a name", form: stacktest.Text("whatsapp:alice", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 400, checks: []check{storedFor("whatsapp:alice", 0)}},
		{name: "From a 7-digit code", form: stacktest.Text("1234567", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 400, checks: []check{storedFor("1234567", 0)}},
		{name: "From a 5-digit short code", form: stacktest.Text("12345", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 200, checks: []check{storedFor("12345", 2)}},
		{name: "From a 6-digit short code", form: stacktest.Text("123456", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 200, checks: []check{storedFor("123456", 2)}},
		{name: "From a UK mobile", form: stacktest.Text("+447911123456", "SMa1", "claude code 403"), token: testToken, signURL: publicURL,
			status: 200, checks: []check{storedFor("+447911123456", 2)}},
		{name: "another account", form: func() url.Values {
			f := stacktest.Text(personA, "SMa1", "claude code 403")
			f.Set("AccountSid", "AC99999999999999999999999999999999")
			return f
		}(), token: testToken, signURL: publicURL, status: 403, checks: []check{stored(0)}},
		{name: "no account", form: func() url.Values {
			f := stacktest.Text(personA, "SMa1", "claude code 403")
			f.Del("AccountSid")
			return f
		}(), token: testToken, signURL: publicURL, status: 403, checks: []check{stored(0)}},
		{name: "to a number not ours", form: func() url.Values {
			f := stacktest.Text(personA, "SMa1", "claude code 403")
			f.Set("To", "+15555550001")
			return f
		}(), token: testToken, signURL: publicURL, status: 403, checks: []check{stored(0)}},
		{name: "to no number", form: func() url.Values {
			f := stacktest.Text(personA, "SMa1", "claude code 403")
			f.Del("To")
			return f
		}(), token: testToken, signURL: publicURL, status: 403, checks: []check{stored(0)}},
		{name: "unknown extra parameters are signed too", form: func() url.Values {
			f := stacktest.Text(personA, "SMa1", "claude code 403")
			f.Set("SomethingNew", "Twilio adds fields without notice")
			return f
		}(), token: testToken, signURL: publicURL, status: 200, checks: []check{stored(2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stacktest.New(t, stacktest.Options{Token: testToken})
			for i, b := range tt.before {
				resp := e.Post(smsPath, stacktest.Text(personA, fmt.Sprintf("SMbefore%d", i), b), testToken, publicURL)
				stacktest.ReadAll(t, resp)
				if resp.StatusCode != 200 {
					t.Fatalf("before %q: %d", b, resp.StatusCode)
				}
			}
			var resp *http.Response
			if tt.raw != "" {
				r, err := http.Post(e.HTTP.URL+smsPath, "application/x-www-form-urlencoded", strings.NewReader(tt.raw))
				if err != nil {
					t.Fatal(err)
				}
				resp = r
			} else {
				resp = e.Post(smsPath, tt.form, tt.token, tt.signURL)
			}
			body := stacktest.ReadAll(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if resp.StatusCode == 200 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
			for _, c := range tt.checks {
				c(t, e, resp, body)
			}
		})
	}
}

// replayCountingStore counts Replay reads.
type replayCountingStore struct {
	*store.DB
	replays atomic.Int32
}

func (s *replayCountingStore) Replay(ctx context.Context, c bot.Claim) ([]string, bool, error) {
	s.replays.Add(1)
	return s.DB.Replay(ctx, c)
}

// A retried MessageSid gets byte-for-byte the same reply and changes
// nothing. A text without a picture is answered by Inbound alone, retry
// or not: no Replay read before it (on PostgreSQL, one round trip less).
func TestRetriedMessageSid(t *testing.T) {
	var cs *replayCountingStore
	e := stacktest.New(t, stacktest.Options{Token: testToken,
		Store: func(db *store.DB) web.Store { cs = &replayCountingStore{DB: db}; return cs }})
	form := stacktest.Text(personA, "SMretry", "claude code 403")
	first := stacktest.ReadAll(t, e.Post(smsPath, form, testToken, publicURL))
	before := e.Transcript(personA)
	conv := e.Conversation(personA)
	for i := 0; i < 3; i++ {
		again := stacktest.ReadAll(t, e.Post(smsPath, form, testToken, publicURL))
		if string(again) != string(first) {
			t.Fatalf("retry %d: reply differs:\n%s\n%s", i, again, first)
		}
	}
	if after := e.Transcript(personA); len(after) != len(before) {
		t.Errorf("transcript grew from %d to %d lines", len(before), len(after))
	}
	if after := e.Conversation(personA); !after.Updated.Equal(conv.Updated) || after.Node != conv.Node {
		t.Errorf("conversation changed on retry")
	}
	if n := cs.replays.Load(); n != 0 {
		t.Errorf("%d Replay reads for texts without a picture, want 0", n)
	}
}

func TestSandboxNeedsNoSignature(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{})
	resp := e.Post(smsPath, stacktest.Text(personA, "SM1", "claude code 403"), "", "")
	if body := stacktest.ReadAll(t, resp); resp.StatusCode != 200 || len(stacktest.TwiML(t, body)) != 1 {
		t.Fatalf("sandbox: %d %s", resp.StatusCode, body)
	}
}

func TestStatusCallback(t *testing.T) {
	tests := []struct {
		name   string
		form   url.Values
		status int
		check  func(t *testing.T, e *stacktest.Stack)
	}{
		{"delivered", statusForm("MessageSid", "SMout1", "MessageStatus", "delivered", "To", personA), 200, func(t *testing.T, e *stacktest.Stack) {
			if l := e.Transcript(personA); l[len(l)-1].Status != "delivered" {
				t.Errorf("line status %q, want delivered", l[len(l)-1].Status)
			}
		}},
		{"failed with 21610", statusForm("MessageSid", "SMout1", "MessageStatus", "failed", "ErrorCode", "21610", "To", personA), 200, func(t *testing.T, e *stacktest.Stack) {
			l := e.Transcript(personA)
			if last := l[len(l)-1]; last.Status != "failed" || last.Error != "21610" {
				t.Errorf("line %+v", last)
			}
			if c := e.Conversation(personA); c.Status != bot.StatusOptedOut {
				t.Errorf("status %s, want opted_out", c.Status)
			}
		}},
		{"unknown status", statusForm("MessageSid", "SMout1", "MessageStatus", "exploded"), 400, nil},
		{"missing status", statusForm("MessageSid", "SMout1"), 400, nil},
		{"unknown message", statusForm("MessageSid", "SMnobody", "MessageStatus", "delivered"), 200, nil},
		{"another account", statusForm("MessageSid", "SMout1", "MessageStatus", "failed", "ErrorCode", "21610", "To", personA,
			"AccountSid", "AC99999999999999999999999999999999"), 403, func(t *testing.T, e *stacktest.Stack) {
			if l := e.Transcript(personA); l[len(l)-1].Status != "" {
				t.Errorf("line status %q, want none", l[len(l)-1].Status)
			}
			if c := e.Conversation(personA); c.Status == bot.StatusOptedOut {
				t.Error("opted out by another account's callback")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stacktest.New(t, stacktest.Options{Token: testToken})
			stacktest.ReadAll(t, e.Post(smsPath, stacktest.Text(personA, "SM1", "claude code 403"), testToken, publicURL))
			e.AppendLines(personA, bot.Line{Dir: bot.Out, Body: "hi from a human", At: time.Now(), MessageID: "SMout1"})
			resp := e.Post(statusPath, tt.form, testToken, publicURL)
			stacktest.ReadAll(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		e := stacktest.New(t, stacktest.Options{Token: testToken})
		resp := e.Post(statusPath, url.Values{"MessageSid": {"SMout1"}, "MessageStatus": {"delivered"}}, "", "")
		stacktest.ReadAll(t, resp)
		if resp.StatusCode != 403 {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
}

// statusForm is a status callback's form from our account with the given
// names and values (a later AccountSid overrides ours).
func statusForm(kv ...string) url.Values {
	f := url.Values{"AccountSid": {stacktest.AccountSID}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

// A refused field is logged with what was wrong, never with the full
// number.
func TestRefusedFieldsLogged(t *testing.T) {
	var logs stacktest.Buffer
	e := stacktest.New(t, stacktest.Options{Token: testToken, Log: &logs})
	bad := stacktest.Text("+1555555010", "SMx1", "hi") // one digit short of E.164 for +1
	bad.Set("From", "+155501")
	other := stacktest.Text(personA, "SMx2", "hi")
	other.Set("To", "+15555550001")
	acct := stacktest.Text(personA, "SMx3", "hi")
	acct.Set("AccountSid", "AC99999999999999999999999999999999")
	for _, f := range []url.Values{bad, other, acct} {
		stacktest.ReadAll(t, e.Post(smsPath, f, testToken, publicURL))
	}
	got := logs.String()
	for _, want := range []string{"From is not an E.164 number or a short code", "To is not our number", "AccountSid is not ours"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the log:\n%s", want, got)
		}
	}
	for _, leak := range []string{"+155501", personA, "+15555550001", "AC99999999999999999999999999999999"} {
		if strings.Contains(got, leak) {
			t.Errorf("the log shows %s:\n%s", leak, got)
		}
	}
}

// With a messaging service (no TWILIO_FROM) texts may come to any of its
// numbers: To is not checked.
func TestMessagingServiceAnyTo(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, MessagingService: true})
	f := stacktest.Text(personA, "SMms1", "claude code 403")
	f.Set("To", "+15555550001")
	resp := e.Post(smsPath, f, testToken, publicURL)
	if body := stacktest.ReadAll(t, resp); resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
}

func TestHealthz(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken})
	resp, err := http.Get(e.HTTP.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	stacktest.ReadAll(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	e.DB.Close()
	resp, err = http.Get(e.HTTP.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	stacktest.ReadAll(t, resp)
	if resp.StatusCode != 503 {
		t.Errorf("healthz with a closed store: %d, want 503", resp.StatusCode)
	}
}

// Concurrency: texts race, none is lost or applied twice, and each
// conversation ends in a valid state.
func TestConcurrentTexts(t *testing.T) {
	for _, tc := range []struct{ numbers, perNumber int }{{1, 50}, {100, 5}} {
		t.Run(fmt.Sprintf("%dx%d", tc.numbers, tc.perNumber), func(t *testing.T) {
			e := stacktest.New(t, stacktest.Options{Token: testToken})
			var wg sync.WaitGroup
			errs := make(chan error, tc.numbers*tc.perNumber)
			for n := 0; n < tc.numbers; n++ {
				phone := fmt.Sprintf("+1555700%04d", n)
				for i := 0; i < tc.perNumber; i++ {
					body := fmt.Sprintf("msg %d: claude code 403", i)
					wg.Go(func() {
						resp := e.Post(smsPath, stacktest.Text(phone, fmt.Sprintf("SM%s-%d", phone, i), body), testToken, publicURL)
						b := stacktest.ReadAll(t, resp)
						if resp.StatusCode != 200 {
							errs <- fmt.Errorf("%s: %d %s", body, resp.StatusCode, b)
						}
					})
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			lib := stacktest.Flows(t)
			for n := 0; n < tc.numbers; n++ {
				phone := fmt.Sprintf("+1555700%04d", n)
				seen := map[string]int{}
				for _, l := range e.Transcript(phone) {
					if l.Dir == bot.In {
						seen[l.Body]++
					}
				}
				for i := 0; i < tc.perNumber; i++ {
					if body := fmt.Sprintf("msg %d: claude code 403", i); seen[body] != 1 {
						t.Errorf("%s: %q stored %d times", phone, body, seen[body])
					}
				}
				c := e.Conversation(phone)
				if c.Status == bot.StatusActive {
					if tr := lib.Flow(c.Flow); tr == nil || tr.Node(c.Node) == nil || tr.Node(c.Node).Kind != flows.Question {
						t.Errorf("%s: invalid state %s %s/%s", phone, c.Status, c.Flow, c.Node)
					}
				}
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, MetricsToken: "scrape-me-0123456789"})
	form := stacktest.Text(personA, "SMm1", "claude code 403")
	stacktest.ReadAll(t, e.Post(smsPath, form, testToken, publicURL))
	stacktest.ReadAll(t, e.Post(smsPath, form, testToken, publicURL)) // a retry
	stacktest.ReadAll(t, e.Post(smsPath, form, "", ""))               // unsigned
	resp, body := e.Get("/metrics", "Authorization", "Bearer scrape-me-0123456789")
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics with the token: %d", resp.StatusCode)
	}
	for _, want := range []string{
		"textfix_inbound_texts_total 1\n",
		"textfix_inbound_replays_total 1\n",
		`textfix_http_requests_total{route="/twilio/sms",code="200"} 2`,
		`textfix_http_requests_total{route="/twilio/sms",code="403"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, personA) || strings.Contains(body, "claude") {
		t.Errorf("metrics leak a number or text:\n%s", body)
	}
}

// /metrics outside sandbox mode wants the bearer token
// (TEXTFIX_METRICS_TOKEN); without one configured it is not there (404).
// Sandbox mode (loopback only) serves it openly unless a token is set.
func TestMetricsToken(t *testing.T) {
	const tok = "scrape-me-0123456789"
	tests := []struct {
		name          string
		token, scrape string // the server's Twilio token ("" sandbox), the metrics token
		auth          string // the Authorization header sent
		status        int
	}{
		{"sandbox, no metrics token: open", "", "", "", 200},
		{"sandbox with a metrics token: wanted", "", tok, "", 401},
		{"sandbox with a metrics token: given", "", tok, "Bearer " + tok, 200},
		{"production, no metrics token: not there", testToken, "", "", 404},
		{"production, no metrics token, any bearer: not there", testToken, "", "Bearer anything", 404},
		{"production, no header", testToken, tok, "", 401},
		{"production, wrong token", testToken, tok, "Bearer scrape-me-0123456780", 401},
		{"production, a prefix of the token", testToken, tok, "Bearer scrape-me", 401},
		{"production, basic auth", testToken, tok, "Basic " + tok, 401},
		{"production, right token", testToken, tok, "Bearer " + tok, 200},
		{"production, scheme in any case", testToken, tok, "bearer " + tok, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stacktest.New(t, stacktest.Options{Token: tt.token, MetricsToken: tt.scrape})
			var hdr []string
			if tt.auth != "" {
				hdr = []string{"Authorization", tt.auth}
			}
			resp, body := e.Get("/metrics", hdr...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status == 401 && resp.Header.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
			if tt.status != 200 && strings.Contains(body, "textfix_") {
				t.Errorf("refused, but the metrics are in the body:\n%s", body)
			}
		})
	}
}
