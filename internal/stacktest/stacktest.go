// Package stacktest builds textfix's server stack for tests, as serve
// wires it: a bbolt file in a temporary directory, the embedded flows, the
// desk, the outbox sending to a fake Twilio (package twiliotest), and the
// HTTP server with the console. Package web and package console test
// through it; there is one way to build a test server.
//
// Requests are signed live with the code production verifies with
// (twilio.Sign), never with hard-coded signatures.
package stacktest

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/templates"
	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
	"github.com/textfix/textfix/web"
)

// The stack's fixed names: Twilio's account and token (the fake's too),
// the public URL, the bot's own number, and the webhooks' paths.
const (
	AccountSID = "AC0123456789abcdef0123456789abcdef"
	Token      = "0123456789abcdef0123456789abcdef"
	PublicURL  = "https://textfix.example.com"
	BotNumber  = "+15555550000"
	SMSPath    = "/twilio/sms"
	StatusPath = "/twilio/status"
)

// Options vary a Stack. The zero value is sandbox mode (no token) with no
// operators and the console open to loopback.
type Options struct {
	// Token is the Twilio auth token the server checks; "" is sandbox mode.
	Token string
	// Operators are the operators' numbers.
	Operators []string
	// Password and ClientIPHeader configure the console.
	Password, ClientIPHeader string
	// MetricsToken is the bearer token /metrics wants ("" none).
	MetricsToken string
	// SendRate is the outbox's messages per second; 0 is 1000 (no
	// waiting). Production's default is 1.
	SendRate float64
	// MessagingService sends through a messaging service instead of
	// BotNumber (no TWILIO_FROM): the webhook then takes texts to any
	// number. Otherwise, with a Token, only texts to BotNumber and from
	// AccountSID are taken.
	MessagingService bool
	// OwnURL makes the public URL the server's own address, so the fake's
	// status callbacks and the bot's links reach it.
	OwnURL bool
	// IdleOutbox leaves the outbox worker stopped: the test calls
	// Stack.Outbox.Flush.
	IdleOutbox bool
	// SMSNumber is the bot's number on fix pages' sms: links; "" leaves
	// the links out.
	SMSNumber string
	// Now is the clock; nil is the wall clock plus Stack.Skew.
	Now func() time.Time
	// Log receives the server's and the outbox's logs (none when nil).
	Log io.Writer
	// Templates are the parsed pages; nil parses the embedded ones.
	Templates *templates.Set
	// Store wraps the database the web layer uses (to count its calls,
	// say); nil uses it as is.
	Store func(*store.DB) web.Store
	// Screenshots reads pictures with the real tesseract (the test skips
	// without it, and fails under CI=true) and fetches and deletes media
	// at the fake Twilio. PictureWait is web.Screenshots.Wait (0: the
	// default).
	Screenshots bool
	PictureWait time.Duration
	// MediaTimeout bounds one media fetch (0: twilio.DefaultMediaTimeout).
	MediaTimeout time.Duration
}

// Stack is one running server stack. Everything it starts stops when the
// test ends.
type Stack struct {
	T      testing.TB
	DB     *store.DB
	Server *web.Server
	HTTP   *httptest.Server
	// Base is the public URL: links and status callbacks start with it.
	Base   string
	Token  string
	Twilio *twiliotest.Server
	Outbox *twilio.Outbox
	// Skew is added to the default clock of the server and the outbox.
	Skew atomic.Int64
	// Wakes counts the server's calls of its Wake (the outbox's).
	Wakes atomic.Int64

	mu  sync.Mutex
	sid int
}

// New starts a stack with o.
func New(t testing.TB, o Options) *Stack {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	base := PublicURL
	if o.OwnURL {
		base = "http://" + ts.Listener.Addr().String()
	}
	tw := twiliotest.New(t, AccountSID, Token)
	db, err := store.Open(t.TempDir() + "/textfix.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	sender, err := twilio.NewSender(twilio.SenderConfig{AccountSID: AccountSID, AuthToken: Token, From: BotNumber, BaseURL: tw.URL})
	if err != nil {
		t.Fatal(err)
	}
	s := &Stack{T: t, DB: db, HTTP: ts, Base: base, Token: o.Token, Twilio: tw}
	now := o.Now
	if now == nil {
		now = func() time.Time { return time.Now().Add(time.Duration(s.Skew.Load())) }
	}
	log := slog.New(slog.DiscardHandler)
	if o.Log != nil {
		log = slog.New(slog.NewTextHandler(o.Log, nil))
	}
	desk := &bot.Desk{Operators: o.Operators, BaseURL: base}
	rate := o.SendRate
	if rate == 0 {
		rate = 1000
	}
	s.Outbox = &twilio.Outbox{Store: db, Sender: sender, Desk: desk, StatusCallback: base + StatusPath, Rate: rate, Now: now, Log: log}
	if !o.IdleOutbox {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Outbox.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	lib, err := library()
	if err != nil {
		t.Fatal(err)
	}
	// Production (a token) knows its account and, without a messaging
	// service, its number; sandbox mode knows neither.
	var accountSID string
	var numbers []string
	if o.Token != "" {
		accountSID = AccountSID
		if !o.MessagingService {
			numbers = []string{BotNumber}
		}
	}
	var shots web.Screenshots
	if o.Screenshots {
		shots.OCR = Tesseract(t)
		shots.Wait = o.PictureWait
		shots.Media, err = twilio.NewMediaClient(twilio.MediaConfig{AccountSID: AccountSID, AuthToken: Token, BaseURL: tw.URL, Timeout: o.MediaTimeout})
		if err != nil {
			t.Fatal(err)
		}
	}
	var ws web.Store = db
	if o.Store != nil {
		ws = o.Store(db)
	}
	s.Server, err = web.New(web.Config{
		PublicURL: base, AuthToken: o.Token, Store: ws, Wake: func() { s.Wakes.Add(1); s.Outbox.Wake() }, Now: now, Log: log,
		SMSNumber: o.SMSNumber, Templates: o.Templates,
		Desk:         desk,
		ConsoleStore: db, Backup: db, ConsolePassword: o.Password, ClientIPHeader: o.ClientIPHeader,
		MetricsToken: o.MetricsToken, AccountSID: accountSID, Numbers: numbers,
		Screenshots: shots,
	}, &bot.Engine{Flows: lib, BaseURL: base, Screenshots: shots.On()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Server.Wait) // before the store closes
	ts.Config.Handler = s.Server.Handler()
	ts.Start()
	return s
}

// embedded is the embedded flow library, loaded once per test binary:
// loading takes tens of milliseconds, and a library is immutable and safe
// for concurrent use, so every stack shares it.
var embedded struct {
	once sync.Once
	lib  *flows.Library
	err  error
}

func library() (*flows.Library, error) {
	embedded.once.Do(func() { embedded.lib, _, embedded.err = flows.Load(flows.Embedded()) })
	return embedded.lib, embedded.err
}

// Flows is the embedded flow library the stacks run, shared.
func Flows(t testing.TB) *flows.Library {
	t.Helper()
	lib, err := library()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// NextSid is a fresh MessageSid.
func (s *Stack) NextSid() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sid++
	return fmt.Sprintf("SM%032d", s.sid)
}

// Post sends form to path, signed with token over signURL+path (no
// signature when token is empty).
func (s *Stack) Post(path string, form url.Values, token, signURL string) *http.Response {
	s.T.Helper()
	req, err := http.NewRequest(http.MethodPost, s.HTTP.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("X-Twilio-Signature", twilio.Sign(token, signURL+path, form))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.T.Fatal(err)
	}
	return resp
}

// Say texts the bot as from through the webhook, signed as Twilio would
// sign it, and returns the TwiML replies; anything but 200 fails the test.
func (s *Stack) Say(from, body string) []string {
	s.T.Helper()
	resp := s.Post(SMSPath, Text(from, s.NextSid(), body), s.Token, s.Base)
	b := ReadAll(s.T, resp)
	if resp.StatusCode != http.StatusOK {
		s.T.Fatalf("%s %q: status %d %s", from, body, resp.StatusCode, b)
	}
	return TwiML(s.T, b)
}

// Received waits for the fake Twilio to have n messages in all and
// returns those to phone.
func (s *Stack) Received(n int, phone string) []string {
	s.T.Helper()
	var out []string
	for _, m := range s.Twilio.WaitFor(s.T, n, 5*time.Second) {
		if m.To == phone {
			out = append(out, m.Body)
		}
	}
	return out
}

// Conversation is phone's stored conversation.
func (s *Stack) Conversation(phone string) bot.Conversation {
	s.T.Helper()
	c, err := s.DB.Conversation(context.Background(), phone)
	if err != nil {
		s.T.Fatal(err)
	}
	return c
}

// Transcript is phone's stored transcript.
func (s *Stack) Transcript(phone string) []bot.Line {
	s.T.Helper()
	lines, err := s.DB.Transcript(context.Background(), phone)
	if err != nil {
		s.T.Fatal(err)
	}
	return lines
}

// PutPage stores p as a page with no owner.
func (s *Stack) PutPage(p bot.Page) {
	s.T.Helper()
	if err := s.DB.Update(context.Background(), "", func(tx bot.Tx) error { return tx.PutPage("", p) }); err != nil {
		s.T.Fatal(err)
	}
}

// AppendLines appends lines to phone's transcript.
func (s *Stack) AppendLines(phone string, lines ...bot.Line) {
	s.T.Helper()
	err := s.DB.Update(context.Background(), phone, func(tx bot.Tx) error {
		_, err := tx.Append(phone, lines...)
		return err
	})
	if err != nil {
		s.T.Fatal(err)
	}
}

// Get fetches path from the server with the given header names and
// values, and returns the response and its body.
func (s *Stack) Get(path string, header ...string) (*http.Response, string) {
	s.T.Helper()
	req, err := http.NewRequest(http.MethodGet, s.HTTP.URL+path, nil)
	if err != nil {
		s.T.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.T.Fatal(err)
	}
	return resp, string(ReadAll(s.T, resp))
}

// Text is an inbound SMS form as Twilio sends it.
func Text(from, sid, body string) url.Values {
	return url.Values{
		"MessageSid": {sid}, "SmsSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {AccountSID},
		"From": {from}, "To": {BotNumber}, "Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"},
		"SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"}, "FromCountry": {"US"},
	}
}

// TwiML parses a TwiML response into its messages; nil means <Response/>.
func TwiML(t testing.TB, body []byte) []string {
	t.Helper()
	var doc struct {
		XMLName  xml.Name `xml:"Response"`
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("reply is not TwiML: %v\n%s", err, body)
	}
	return doc.Messages
}

// ReadAll reads and closes resp's body.
func ReadAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
