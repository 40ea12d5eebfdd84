package twilio_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
)

const (
	testSID   = "AC00000000000000000000000000000001"
	testToken = "authtoken0123456789"
	testFrom  = "+15005550006"
	testTo    = "+15551234567"
)

var sidPattern = regexp.MustCompile(`^SM[0-9a-f]{32}$`)

func mustSender(t *testing.T, cfg twilio.SenderConfig) *twilio.Sender {
	t.Helper()
	s, err := twilio.NewSender(cfg)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

func fakeSender(t *testing.T) (*twilio.Sender, *twiliotest.Server) {
	t.Helper()
	fake := twiliotest.New(t, testSID, testToken)
	return mustSender(t, twilio.SenderConfig{
		AccountSID: testSID, AuthToken: testToken, From: testFrom, BaseURL: fake.URL,
	}), fake
}

func TestSendFrom(t *testing.T) {
	s, fake := fakeSender(t)
	body := "Your fix: https://textfix.example/f/abc — reply 1 & 2 🎉"
	sid, err := s.Send(context.Background(), testTo, body, "https://textfix.example/twilio/status")
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if !sidPattern.MatchString(sid) {
		t.Errorf("sid %q is not SM + 32 hex", sid)
	}
	got := fake.Messages()
	want := []twiliotest.Message{{
		SID: sid, To: testTo, From: testFrom, Body: body,
		StatusCallback: "https://textfix.example/twilio/status",
	}}
	if len(got) == 1 {
		want[0].At = got[0].At // when it arrived
	}
	if len(got) != 1 || got[0] != want[0] || got[0].At.IsZero() {
		t.Errorf("fake received %+v, want %+v", got, want)
	}
}

func TestSendMessagingServiceWithoutCallback(t *testing.T) {
	fake := twiliotest.New(t, testSID, testToken)
	s := mustSender(t, twilio.SenderConfig{
		AccountSID: testSID, AuthToken: testToken,
		MessagingServiceSID: "MG00000000000000000000000000000002",
		BaseURL:             fake.URL + "/", Timeout: 5 * time.Second,
	})
	sid, err := s.Send(context.Background(), testTo, "hi", "")
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := fake.WaitFor(t, 1, time.Second)
	want := twiliotest.Message{SID: sid, To: testTo, MessagingServiceSID: "MG00000000000000000000000000000002", Body: "hi", At: got[0].At}
	if got[0] != want {
		t.Errorf("fake received %+v, want %+v", got[0], want)
	}
}

func TestSendWrongCredentials(t *testing.T) {
	fake := twiliotest.New(t, testSID, testToken)
	s := mustSender(t, twilio.SenderConfig{
		AccountSID: testSID, AuthToken: "wrongtoken", From: testFrom, BaseURL: fake.URL,
	})
	_, err := s.Send(context.Background(), testTo, "hi", "")
	var se *twilio.SendError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *SendError", err, err)
	}
	if se.Status != 401 || se.Code != 20003 || se.Class != twilio.Permanent {
		t.Errorf("got %+v, want 401/20003/permanent", se)
	}
	if n := len(fake.Messages()); n != 0 {
		t.Errorf("fake recorded %d messages", n)
	}
}

func TestSendErrorClasses(t *testing.T) {
	cases := []struct {
		name    string
		fail    func(*twiliotest.Server)
		code    int
		status  int
		class   twilio.ErrorClass
		message string // substring of SendError.Message
		rest    bool   // unwraps to *client.TwilioRestError
	}{
		{"21610 opted out", func(f *twiliotest.Server) {
			f.FailNext(400, 21610, "Attempt to send to unsubscribed recipient")
		}, 21610, 400, twilio.OptedOut, "unsubscribed", true},
		{"20429 too many requests", func(f *twiliotest.Server) {
			f.FailNext(429, 20429, "Too Many Requests")
		}, 20429, 429, twilio.Retry, "Too Many", true},
		{"20429 with another status", func(f *twiliotest.Server) {
			f.FailNext(400, 20429, "Too Many Requests")
		}, 20429, 400, twilio.Retry, "Too Many", true},
		{"HTTP 429 with another code", func(f *twiliotest.Server) {
			f.FailNext(429, 14107, "Rate limit exceeded")
		}, 14107, 429, twilio.Retry, "Rate limit", true},
		{"500 JSON", func(f *twiliotest.Server) {
			f.FailNext(500, 20500, "Internal Server Error")
		}, 20500, 500, twilio.Retry, "Internal", true},
		{"503 JSON", func(f *twiliotest.Server) {
			f.FailNext(503, 20503, "Service Unavailable")
		}, 20503, 503, twilio.Retry, "Unavailable", true},
		{"502 non-JSON body", func(f *twiliotest.Server) {
			f.FailNextRaw(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		}, 0, 502, twilio.Retry, "502 Bad Gateway", false},
		{"503 empty body", func(f *twiliotest.Server) {
			f.FailNextRaw(503, "")
		}, 0, 503, twilio.Retry, "error decoding", false},
		{"21211 invalid To", func(f *twiliotest.Server) {
			f.FailNext(400, 21211, "The 'To' number +1555 is not a valid phone number.")
		}, 21211, 400, twilio.Permanent, "not a valid phone number", true},
		{"21614 not a mobile", func(f *twiliotest.Server) {
			f.FailNext(400, 21614, "'To' number is not a valid mobile number")
		}, 21614, 400, twilio.Permanent, "mobile", true},
		{"other 4xx", func(f *twiliotest.Server) {
			f.FailNext(403, 20403, "Forbidden")
		}, 20403, 403, twilio.Permanent, "Forbidden", true},
		{"4xx non-JSON body", func(f *twiliotest.Server) {
			f.FailNextRaw(404, "not found")
		}, 0, 404, twilio.Permanent, "not found", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, fake := fakeSender(t)
			c.fail(fake)
			sid, err := s.Send(context.Background(), testTo, "hi", "")
			if err == nil {
				t.Fatalf("Send succeeded (sid %s)", sid)
			}
			var se *twilio.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *SendError", err, err)
			}
			if se.Code != c.code || se.Status != c.status || se.Class != c.class {
				t.Errorf("got code %d status %d class %v, want %d %d %v (%v)",
					se.Code, se.Status, se.Class, c.code, c.status, c.class, err)
			}
			if got := twilio.Classify(err); got != c.class {
				t.Errorf("Classify = %v, want %v", got, c.class)
			}
			if got := twilio.Classify(fmt.Errorf("outbox: %w", err)); got != c.class {
				t.Errorf("Classify(wrapped) = %v, want %v", got, c.class)
			}
			if !strings.Contains(se.Message, c.message) {
				t.Errorf("Message %q lacks %q", se.Message, c.message)
			}
			var tre *client.TwilioRestError
			if errors.As(err, &tre) != c.rest {
				t.Errorf("errors.As(*client.TwilioRestError) = %v, want %v", !c.rest, c.rest)
			}
			if n := len(fake.Messages()); n != 0 {
				t.Errorf("fake recorded %d messages after a failure", n)
			}
			// The failure answered one request only.
			if _, err := s.Send(context.Background(), testTo, "again", ""); err != nil {
				t.Errorf("next Send: %v", err)
			}
		})
	}
}

// refusedURL returns a base URL on which nothing listens.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestSendConnectionRefused(t *testing.T) {
	s := mustSender(t, twilio.SenderConfig{
		AccountSID: testSID, AuthToken: testToken, From: testFrom, BaseURL: refusedURL(t),
	})
	_, err := s.Send(context.Background(), testTo, "hi", "")
	var se *twilio.SendError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *SendError", err, err)
	}
	if se.Class != twilio.Retry || se.Status != 0 || se.Code != 0 {
		t.Errorf("got %+v, want retry with no status or code", se)
	}
	if twilio.Classify(err) != twilio.Retry {
		t.Errorf("Classify = %v", twilio.Classify(err))
	}
	var ue *url.Error
	if !errors.As(err, &ue) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("want a *url.Error wrapping ECONNREFUSED, got %v", err)
	}
}

// blockingServer answers nothing until the test ends.
func blockingServer(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return srv.URL
}

func TestSendHonoursContextDeadline(t *testing.T) {
	s := mustSender(t, twilio.SenderConfig{
		AccountSID: testSID, AuthToken: testToken, From: testFrom,
		BaseURL: blockingServer(t), Timeout: time.Minute,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Send(ctx, testTo, "hi", "")
	if err != context.DeadlineExceeded {
		t.Errorf("err = %v (%T), want context.DeadlineExceeded itself", err, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Send returned after %v", d)
	}
	if twilio.Classify(err) != twilio.Retry {
		t.Errorf("Classify = %v, want retry", twilio.Classify(err))
	}
}

func TestSendHonoursCancel(t *testing.T) {
	s := mustSender(t, twilio.SenderConfig{
		AccountSID: testSID, AuthToken: testToken, From: testFrom,
		BaseURL: blockingServer(t), Timeout: time.Minute,
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := s.Send(ctx, testTo, "hi", ""); err != context.Canceled {
		t.Errorf("err = %v (%T), want context.Canceled", err, err)
	}
}

func TestSendCancelledBeforeStart(t *testing.T) {
	s, fake := fakeSender(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Send(ctx, testTo, "hi", ""); err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(fake.Messages()); n != 0 {
		t.Errorf("a cancelled Send reached the server (%d messages)", n)
	}
}

func TestSendTimeout(t *testing.T) {
	s := mustSender(t, twilio.SenderConfig{
		AccountSID: testSID, AuthToken: testToken, From: testFrom,
		BaseURL: blockingServer(t), Timeout: 100 * time.Millisecond,
	})
	start := time.Now()
	_, err := s.Send(context.Background(), testTo, "hi", "")
	var se *twilio.SendError
	if !errors.As(err, &se) || se.Class != twilio.Retry || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v (%T), want a retry *SendError wrapping DeadlineExceeded", err, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Send returned after %v", d)
	}
}

func TestSendConcurrent(t *testing.T) {
	s, fake := fakeSender(t)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if _, err := s.Send(context.Background(), testTo, fmt.Sprintf("msg %d", i), ""); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := fake.WaitFor(t, n, time.Second)
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m.SID] {
			t.Errorf("duplicate sid %s", m.SID)
		}
		seen[m.SID] = true
	}
}

func TestNewSenderRejects(t *testing.T) {
	ok := twilio.SenderConfig{AccountSID: testSID, AuthToken: testToken, From: testFrom}
	cases := []struct {
		name string
		edit func(*twilio.SenderConfig)
	}{
		{"no account", func(c *twilio.SenderConfig) { c.AccountSID = "" }},
		{"no token", func(c *twilio.SenderConfig) { c.AuthToken = "" }},
		{"token with symbols", func(c *twilio.SenderConfig) { c.AuthToken = "abc-def" }},
		{"no sender", func(c *twilio.SenderConfig) { c.From = "" }},
		{"negative timeout", func(c *twilio.SenderConfig) { c.Timeout = -time.Second }},
		{"base URL without scheme", func(c *twilio.SenderConfig) { c.BaseURL = "localhost:8080" }},
		{"base URL ftp", func(c *twilio.SenderConfig) { c.BaseURL = "ftp://example.com" }},
		{"base URL with path", func(c *twilio.SenderConfig) { c.BaseURL = "http://example.com/twilio" }},
	}
	for _, c := range cases {
		cfg := ok
		c.edit(&cfg)
		if _, err := twilio.NewSender(cfg); err == nil {
			t.Errorf("%s: NewSender accepted %+v", c.name, cfg)
		}
	}
	for _, base := range []string{"", twilio.DefaultBaseURL, "http://127.0.0.1:9999", "https://staging.example/"} {
		cfg := ok
		cfg.BaseURL = base
		if _, err := twilio.NewSender(cfg); err != nil {
			t.Errorf("BaseURL %q: %v", base, err)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want twilio.ErrorClass
	}{
		{"nil", nil, 0},
		{"21610", &client.TwilioRestError{Code: 21610, Status: 400}, twilio.OptedOut},
		{"21610 wrapped", fmt.Errorf("x: %w", &client.TwilioRestError{Code: 21610, Status: 400}), twilio.OptedOut},
		{"20429", &client.TwilioRestError{Code: 20429, Status: 429}, twilio.Retry},
		{"429", &client.TwilioRestError{Status: 429}, twilio.Retry},
		{"500", &client.TwilioRestError{Code: 20500, Status: 500}, twilio.Retry},
		{"21211", &client.TwilioRestError{Code: 21211, Status: 400}, twilio.Permanent},
		{"21614", &client.TwilioRestError{Code: 21614, Status: 400}, twilio.Permanent},
		{"SDK credential check", &client.TwilioRestError{Code: 21222, Status: 400}, twilio.Permanent},
		{"v1 error 503", &client.RestErrorV1{Code: 1, HttpStatusCode: 503}, twilio.Retry},
		{"canceled", context.Canceled, twilio.Retry},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), twilio.Retry},
		{"network", &url.Error{Op: "Post", URL: "https://api.twilio.com", Err: syscall.ECONNREFUSED}, twilio.Retry},
		{"SendError", &twilio.SendError{Class: twilio.OptedOut}, twilio.OptedOut},
		{"unknown", errors.New("something else"), twilio.Permanent},
	}
	for _, c := range cases {
		if got := twilio.Classify(c.err); got != c.want {
			t.Errorf("%s: Classify = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestErrorClassString(t *testing.T) {
	for c, want := range map[twilio.ErrorClass]string{
		twilio.Retry: "retry", twilio.OptedOut: "opted-out", twilio.Permanent: "permanent", 0: "ErrorClass(0)",
	} {
		if got := c.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(c), got, want)
		}
	}
}

// rewrite sends every request to base, as Sender does for BaseURL.
type rewrite struct{ base *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.base.Scheme, r.base.Host, ""
	return http.DefaultTransport.RoundTrip(req)
}

// TestSDKErrorShapes pins what twilio-go v1.31 itself returns, which
// Sender and Classify rely on: a JSON error body becomes
// *client.TwilioRestError; a non-JSON error body becomes a plain wrapped
// decoding error that names the status only in its text; a network
// failure is net/http's *url.Error.
func TestSDKErrorShapes(t *testing.T) {
	api := func(t *testing.T, base string) *openapi.ApiService {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		c := &client.Client{
			Credentials: client.NewCredentials(testSID, testToken),
			HTTPClient:  &http.Client{Transport: rewrite{u}},
		}
		c.SetAccountSid(testSID)
		return openapi.NewApiServiceWithClient(c)
	}
	params := func() *openapi.CreateMessageParams {
		return (&openapi.CreateMessageParams{}).SetTo(testTo).SetFrom(testFrom).SetBody("hi")
	}

	t.Run("JSON error", func(t *testing.T) {
		fake := twiliotest.New(t, testSID, testToken)
		fake.FailNext(400, 21610, "unsubscribed")
		_, err := api(t, fake.URL).CreateMessage(params())
		var tre *client.TwilioRestError
		if !errors.As(err, &tre) || tre.Code != 21610 || tre.Status != 400 {
			t.Fatalf("err = %#v", err)
		}
	})
	t.Run("non-JSON error", func(t *testing.T) {
		fake := twiliotest.New(t, testSID, testToken)
		fake.FailNextRaw(502, "<html>Bad Gateway</html>")
		_, err := api(t, fake.URL).CreateMessage(params())
		var tre *client.TwilioRestError
		var syn *json.SyntaxError
		if err == nil || errors.As(err, &tre) || !errors.As(err, &syn) {
			t.Fatalf("err = %#v", err)
		}
		if want := "error decoding the response for an HTTP error code: 502"; !strings.Contains(err.Error(), want) {
			t.Errorf("err %q lacks %q", err, want)
		}
		if strings.Contains(err.Error(), "Bad Gateway") {
			t.Errorf("SDK now keeps the body (%q): Sender's body capture may be redundant", err)
		}
	})
	t.Run("network error", func(t *testing.T) {
		_, err := api(t, refusedURL(t)).CreateMessage(params())
		var ue *url.Error
		var tre *client.TwilioRestError
		if !errors.As(err, &ue) || errors.As(err, &tre) || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("err = %#v", err)
		}
	})
}
