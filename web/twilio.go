package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/twilio"
)

// twilioForm reads and authenticates a Twilio webhook: the body is capped
// at MaxBody (413), and outside sandbox mode X-Twilio-Signature must match
// PublicURL + request URI over the full POST form (403). Nothing is stored
// before this passes.
func (s *Server) twilioForm(c echo.Context) error {
	r := c.Request()
	if err := parseForm(c); err != nil {
		return err
	}
	if s.cfg.AuthToken == "" {
		return nil // sandbox: loopback only, no signature
	}
	sig := r.Header.Get("X-Twilio-Signature")
	if sig == "" || !twilio.VerifySignature(s.cfg.AuthToken, s.cfg.PublicURL+r.URL.RequestURI(), r.PostForm, sig) {
		s.cfg.Log.Warn("twilio: bad or missing signature", "path", r.URL.Path, "request_id", requestID(c))
		return echo.NewHTTPError(http.StatusForbidden, "invalid Twilio signature")
	}
	return nil
}

// inboundSMS is Twilio's inbound message webhook. It runs the engine for
// the sending number in one store transaction (claim MessageSid, update
// the conversation, append the transcript, record the reply) and answers
// with TwiML. A retried MessageSid gets the recorded reply, byte for byte.
func (s *Server) inboundSMS(c echo.Context) error {
	if err := s.twilioForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	from, sid := strings.TrimSpace(form.Get("From")), strings.TrimSpace(form.Get("MessageSid"))
	if from == "" || sid == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "From and MessageSid are required")
	}
	c.Set("from", from)
	numMedia, _ := strconv.Atoi(form.Get("NumMedia"))
	in := bot.Inbound{
		From:       from,
		Body:       segment.Repair(form.Get("Body")),
		NumMedia:   numMedia,
		MessageID:  sid,
		OptOutType: strings.ToUpper(form.Get("OptOutType")),
		PageID:     s.cfg.NewPageID(),
	}

	// One number at a time, in arrival order; other numbers don't wait.
	unlock := s.locks.lock(from)
	defer unlock()

	engine := s.engine.Load()
	now := s.cfg.Now()
	reply, dup, err := s.cfg.Store.Update(c.Request().Context(), from, sid, func(t bot.Tx) ([]byte, error) {
		replies, err := s.cfg.Desk.Handle(t, engine, in, now)
		if err != nil {
			return nil, err
		}
		return twilio.TwiML(replies...)
	})
	if err != nil {
		return err
	}
	if dup {
		s.metrics.replayed.Add(1)
		s.cfg.Log.Info("twilio: retried MessageSid, replaying reply", "from", bot.Mask(from), "request_id", requestID(c))
	} else {
		s.metrics.inbound.Add(1)
		s.cfg.Wake()
	}
	return c.Blob(http.StatusOK, "text/xml; charset=utf-8", reply)
}

// statusCallback records a delivery status on the transcript line of the
// message it concerns (statuses only move forward: bot.Delivery).
// ErrorCode 21610 marks the number opted out.
func (s *Server) statusCallback(c echo.Context) error {
	if err := s.twilioForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	sid, status := form.Get("MessageSid"), bot.Delivery(strings.ToLower(form.Get("MessageStatus")))
	if sid == "" || status == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "MessageSid and MessageStatus are required")
	}
	if !status.Known() {
		return echo.NewHTTPError(http.StatusBadRequest, "unknown MessageStatus")
	}
	code := form.Get("ErrorCode")
	ctx := c.Request().Context()
	phone, err := s.cfg.Store.SetDelivery(ctx, sid, status, code)
	if errors.Is(err, bot.ErrNotFound) {
		return c.NoContent(http.StatusOK) // not ours, or forgotten: ignore
	}
	if err != nil {
		return err
	}
	c.Set("from", phone)
	s.metrics.statuses.Add(1)
	if code == strconv.Itoa(twilio.CodeOptedOut) {
		if err := s.optOut(c, phone); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusOK)
}

// optOut marks phone opted out after Twilio refused to deliver to it.
func (s *Server) optOut(c echo.Context, phone string) error {
	unlock := s.locks.lock(phone)
	defer unlock()
	_, _, err := s.cfg.Store.Update(c.Request().Context(), phone, "", func(t bot.Tx) ([]byte, error) {
		return nil, bot.MarkOptedOut(t, phone)
	})
	if err == nil {
		s.cfg.Log.Info("twilio: number opted out", "code", twilio.CodeOptedOut, "from", bot.Mask(phone))
	}
	return err
}

// numberLocks serialises work per phone number, first come first served.
// Entries are removed when no one holds or waits for them, so memory
// follows concurrency, not the number of people.
type numberLocks struct {
	mu sync.Mutex
	m  map[string][]chan struct{} // per number: the holder, then waiters in order
}

func newNumberLocks() *numberLocks { return &numberLocks{m: map[string][]chan struct{}{}} }

// lock waits until every earlier caller for key has unlocked.
func (l *numberLocks) lock(key string) (unlock func()) {
	ch := make(chan struct{})
	l.mu.Lock()
	q := l.m[key]
	l.m[key] = append(q, ch)
	l.mu.Unlock()
	if len(q) > 0 {
		<-ch // closed by the previous holder
	}
	return func() {
		l.mu.Lock()
		q := l.m[key][1:]
		if len(q) == 0 {
			delete(l.m, key)
		} else {
			l.m[key] = q
			close(q[0])
		}
		l.mu.Unlock()
	}
}
