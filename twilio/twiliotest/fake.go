// Package twiliotest is a fake of the part of Twilio's REST API textfix
// uses — creating messages, serving and deleting the media of inbound
// MMS — for tests in any package. It runs on net/http/httptest; point
// twilio.SenderConfig.BaseURL (and twilio.MediaConfig.BaseURL) at Server.URL.
//
// The fake checks what Twilio checks first (basic auth, the account in
// the path, To, From or MessagingServiceSid, Body) and answers in
// Twilio's JSON shapes. It sends and delivers nothing by itself; a test
// calls [Server.Deliver] to make it report a delivery status to a
// message's StatusCallback, signed as Twilio signs. [Server.AddMedia]
// stores a picture at a Twilio-shaped media URL, optionally misbehaving
// (slow, missing, redirected elsewhere …).
package twiliotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/twilio"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL ("http://127.0.0.1:port"), without a path.
	URL string

	accountSID, authToken string
	srv                   *httptest.Server

	mu       sync.Mutex
	messages []Message
	failures []failure
	changed  chan struct{}           // closed and replaced when messages grows
	media    map[string]*storedMedia // by media SID
	fetches  []MediaFetch
	deleted  []string
}

// Message is one message the fake accepted, as the client sent it.
type Message struct {
	SID                 string // "SM" + 32 hex digits, assigned by the fake
	To                  string
	From                string
	MessagingServiceSID string
	Body                string
	StatusCallback      string
	At                  time.Time // when the fake accepted it
}

type failure struct {
	status      int
	body        string
	contentType string
}

// New starts a fake that accepts basic auth accountSID:authToken and
// messages for that account. It is closed by tb.Cleanup.
func New(tb testing.TB, accountSID, authToken string) *Server {
	tb.Helper()
	s := &Server{
		accountSID: accountSID,
		authToken:  authToken,
		changed:    make(chan struct{}),
		media:      map[string]*storedMedia{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", s.createMessage)
	mux.HandleFunc("GET /2010-04-01/Accounts/{sid}/Messages/{msg}/Media/{media}", s.getMedia)
	mux.HandleFunc("DELETE /2010-04-01/Accounts/{sid}/Messages/{msg}/Media/{media}", s.deleteMedia)
	mux.HandleFunc("GET "+cdnPath+"{media}/{hop}", s.cdnMedia)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// Messages returns a copy of the messages accepted so far, in the order
// they arrived. Requests answered with an error are not in it.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// FailNext makes the next authenticated request to the Messages endpoint
// fail with HTTP status and Twilio's JSON error body
// {"code":code,"message":message,"more_info":…,"status":status}.
// Calls queue up: each failure answers one request, in order.
func (s *Server) FailNext(status, code int, message string) {
	b, _ := json.Marshal(errorBody(status, code, message))
	s.queue(failure{status: status, body: string(b), contentType: "application/json"})
}

// FailNextRaw queues, like FailNext, an error answer whose body is not
// JSON (as from a proxy or load balancer in front of Twilio).
func (s *Server) FailNextRaw(status int, body string) {
	s.queue(failure{status: status, body: body, contentType: "text/html; charset=utf-8"})
}

func (s *Server) queue(f failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, f)
}

// WaitFor waits until at least n messages have been accepted and returns
// a copy of all of them. It fails the test (tb.Fatalf) after timeout, so
// call it from the test's goroutine.
func (s *Server) WaitFor(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.messages), s.changed
		if got >= n {
			msgs := append([]Message(nil), s.messages...)
			s.mu.Unlock()
			return msgs
		}
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			tb.Fatalf("twiliotest: %d of %d messages after %v", got, n, timeout)
			return nil
		}
	}
}

// Deliver reports status ("delivered", "undelivered", "failed" …) for
// message sid the way Twilio does: a POST of Twilio's status callback form
// to the StatusCallback URL the message was created with, signed with the
// fake's auth token (twilio.Sign over that exact URL). errorCode, when given,
// is sent as ErrorCode. It fails the test (tb.Fatalf) for an unknown sid,
// a message without a StatusCallback, or an answer other than 2xx; call it
// from the test's goroutine.
func (s *Server) Deliver(tb testing.TB, sid, status string, errorCode ...string) {
	tb.Helper()
	var m *Message
	s.mu.Lock()
	for i := range s.messages {
		if s.messages[i].SID == sid {
			m = &s.messages[i]
		}
	}
	var msg Message
	if m != nil {
		msg = *m
	}
	s.mu.Unlock()
	switch {
	case m == nil:
		tb.Fatalf("twiliotest: Deliver: no message %s", sid)
		return
	case msg.StatusCallback == "":
		tb.Fatalf("twiliotest: Deliver: message %s has no StatusCallback", sid)
		return
	}
	form := url.Values{
		"AccountSid": {s.accountSID}, "ApiVersion": {"2010-04-01"},
		"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
		"To": {msg.To}, "From": {msg.From},
	}
	if msg.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", msg.MessagingServiceSID)
	}
	if len(errorCode) > 0 && errorCode[0] != "" {
		form.Set("ErrorCode", errorCode[0])
	}
	req, err := http.NewRequest(http.MethodPost, msg.StatusCallback, strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatalf("twiliotest: Deliver: %v", err)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(s.authToken, msg.StatusCallback, form))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("twiliotest: Deliver %s: %v", sid, err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		tb.Fatalf("twiliotest: Deliver %s: status callback answered %s", sid, resp.Status)
	}
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.accountSID || pass != s.authToken {
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if r.PathValue("sid") != s.accountSID {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "Could not parse the request: "+err.Error())
		return
	}

	s.mu.Lock()
	if len(s.failures) > 0 {
		f := s.failures[0]
		s.failures = s.failures[1:]
		s.mu.Unlock()
		w.Header().Set("Content-Type", f.contentType)
		w.WriteHeader(f.status)
		fmt.Fprint(w, f.body)
		return
	}
	s.mu.Unlock()

	m := Message{
		To:                  r.PostForm.Get("To"),
		From:                r.PostForm.Get("From"),
		MessagingServiceSID: r.PostForm.Get("MessagingServiceSid"),
		Body:                r.PostForm.Get("Body"),
		StatusCallback:      r.PostForm.Get("StatusCallback"),
	}
	switch {
	case m.To == "":
		writeError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case m.From == "" && m.MessagingServiceSID == "":
		writeError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case m.Body == "" && r.PostForm.Get("MediaUrl") == "" && r.PostForm.Get("ContentSid") == "":
		writeError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	m.SID = newSID()
	m.At = time.Now()

	s.mu.Lock()
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()

	writeJSON(w, http.StatusCreated, s.resource(m))
}

// resource is the Message resource Twilio returns on creation.
func (s *Server) resource(m Message) map[string]any {
	now := time.Now().UTC().Format(time.RFC1123Z)
	uri := "/2010-04-01/Accounts/" + s.accountSID + "/Messages/" + m.SID
	status, from, segments := "queued", any(m.From), "0"
	if m.From == "" {
		// A messaging service picks the sender later.
		status, from = "accepted", nil
	} else {
		n, _ := segment.Count(m.Body)
		segments = strconv.Itoa(n)
	}
	var mss any
	if m.MessagingServiceSID != "" {
		mss = m.MessagingServiceSID
	}
	return map[string]any{
		"account_sid":           s.accountSID,
		"api_version":           "2010-04-01",
		"body":                  m.Body,
		"date_created":          now,
		"date_sent":             nil,
		"date_updated":          now,
		"direction":             "outbound-api",
		"error_code":            nil,
		"error_message":         nil,
		"from":                  from,
		"messaging_service_sid": mss,
		"num_media":             "0",
		"num_segments":          segments,
		"price":                 nil,
		"price_unit":            "USD",
		"sid":                   m.SID,
		"status":                status,
		"subresource_uris":      map[string]any{"media": uri + "/Media.json"},
		"to":                    m.To,
		"uri":                   uri + ".json",
	}
}

func errorBody(status, code int, message string) map[string]any {
	return map[string]any{
		"code":      code,
		"message":   message,
		"more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		"status":    status,
	}
}

func writeError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, errorBody(status, code, message))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client reads what arrives; nothing to do on a broken pipe
}

func newSID() string { return newSIDWith("SM") }

// newSIDWith is prefix and 32 random hex digits, as Twilio's SIDs.
func newSIDWith(prefix string) string {
	var b [16]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
