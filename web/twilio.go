package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/twilio"
)

// twilioForm reads a Twilio webhook's form, capped at MaxBody (413). The
// route's middleware (signed, signature.go) has already checked the
// signature outside sandbox mode.
func (s *Server) twilioForm(c echo.Context) error {
	return parseForm(c)
}

// inboundSMS is Twilio's inbound message webhook. Before anything is
// stored it refuses what the signature does not vouch for: another
// account (403), a To that is not our number when we have one (403), a
// From that is neither an E.164 number nor a short code (400). Under the
// number's lock, a retried MessageSid is answered from a read of its
// claim, with no write: Inbound's own, in the round trip that takes the
// lock, or one before it when there is a picture (so a retry reads none).
// A new one runs the desk and the engine in this goroutine, in one store
// transaction (claim, conversation, transcript, outbox, stats), whose
// reply bodies come back committed. The TwiML is rendered from the
// bodies, so a retry gets the same bytes.
//
// A message with attachments has its first image fetched and read
// (Config.Screenshots) before that transaction, still under the lock, and
// its words go to the engine as bot.Inbound.Picture. When reading takes
// longer than Screenshots.Wait, the claim records bot.ReadingPicture as
// the reply and the text is handled once read, its replies sent through
// the outbox (answerLater). The attachments are deleted from Twilio after
// commit.
func (s *Server) inboundSMS(c echo.Context) error {
	if err := s.twilioForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	from, sid := strings.TrimSpace(form.Get("From")), strings.TrimSpace(form.Get("MessageSid"))
	if from == "" || sid == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "From and MessageSid are required")
	}
	if err := s.checkAccount(c, form); err != nil {
		return err
	}
	if to := strings.TrimSpace(form.Get("To")); len(s.cfg.Numbers) > 0 && !slices.Contains(s.cfg.Numbers, to) {
		return s.refuse(c, http.StatusForbidden, "To is not our number", from, "to", bot.Mask(to))
	}
	if !s.senders.valid(from) {
		return s.refuse(c, http.StatusBadRequest, "From is not an E.164 number or a short code", from)
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

	refs := twilio.InboundMedia(form)

	// One number at a time, in arrival order; other numbers don't wait.
	// A text answered before its picture is read hands the lock to
	// answerLater, which unlocks once the reply is stored.
	unlock := s.locks.Lock(from)
	defer func() {
		if unlock != nil {
			unlock()
		}
	}()

	ctx := c.Request().Context()
	claim := bot.Claim{SID: sid, From: from}
	var (
		reply    []string
		replayed bool
		err      error
	)
	if len(refs) > 0 {
		// A retry must not read its picture again: look the claim up
		// first. A text without one needs no such read: Inbound itself
		// answers a retry from its claim, in the same round trip that
		// takes the number's lock.
		if reply, replayed, err = s.cfg.Store.Replay(ctx, claim); err != nil {
			return err
		}
	}
	var (
		stale  *bot.Stale
		queued bool // the text queued an outbox message: wake the sender
	)
	if !replayed {
		// The picture is read here, before the transaction: a retry was
		// answered above from its claim and never reads it again.
		var later <-chan *bot.Picture
		if reading := s.startReading(ctx, from, refs); reading != nil {
			wait := time.NewTimer(s.cfg.Screenshots.Wait)
			select {
			case in.Picture = <-reading:
				wait.Stop()
			case <-wait.C:
				later = reading
			}
		}
		engine := s.engine.Load()
		now := s.cfg.Now()
		reply, replayed, err = s.cfg.Store.Inbound(ctx, claim, func(t bot.Tx) ([]bot.Line, error) {
			if later != nil {
				return s.cfg.Desk.Reading(t, from, now)
			}
			tx := &noting{Tx: t}
			h, err := s.cfg.Desk.Receive(tx, engine, in, now)
			stale, queued = h.Stale, tx.queued
			return h.Replies, err
		})
		if err != nil {
			// A late reading ends on its own and is dropped: nothing was
			// claimed, so Twilio's retry reads the picture again.
			return err
		}
		switch {
		case replayed:
		case later != nil:
			s.answerLater(in, later, refs, unlock)
			unlock = nil
		default:
			s.deleteMedia(from, refs)
		}
	}
	doc, err := twilio.TwiML(reply...)
	if err != nil {
		return err
	}
	if replayed {
		s.metrics.replayed.Add(1)
		s.cfg.Log.Info("twilio: retried MessageSid, replaying reply", "from", bot.Mask(from), "request_id", requestID(c))
	} else {
		s.metrics.inbound.Add(1)
		s.staleConversation(c, from, stale)
		if queued {
			s.cfg.Wake()
		}
	}
	return c.Blob(http.StatusOK, twilio.TwiMLContentType, doc)
}

// staleConversation logs and counts a conversation the engine found no
// longer fit the flows (a reload changed them under it), once, after its
// text committed: where it was, what no longer fit and what became of
// it, with the number masked and without the text.
func (s *Server) staleConversation(c echo.Context, from string, st *bot.Stale) {
	if st == nil {
		return
	}
	s.metrics.stale.Add(1)
	s.cfg.Log.Warn("stale conversation: the flows changed under it",
		"from", bot.Mask(from), "flow", st.Flow, "node", st.Node, "status", st.Status,
		"damage", st.Damage, "outcome", st.Outcome, "to", st.To, "request_id", requestID(c))
}

// checkAccount refuses (403) a request for another Twilio account than
// Config.AccountSID, when that is set. The signature says the request
// came from Twilio, not that it is about our account: a token shared by
// two accounts' webhooks, or a subaccount, would sign either.
func (s *Server) checkAccount(c echo.Context, form url.Values) error {
	if s.cfg.AccountSID == "" || form.Get("AccountSid") == s.cfg.AccountSID {
		return nil
	}
	return s.refuse(c, http.StatusForbidden, "AccountSid is not ours", form.Get("From"))
}

// refuse answers code with why, and logs why with the sender's number
// masked (and any other attributes given), before anything is stored.
func (s *Server) refuse(c echo.Context, code int, why, from string, attrs ...any) error {
	attrs = append(attrs, "from", bot.Mask(from), "request_id", requestID(c))
	s.cfg.Log.Warn("twilio: refused: "+why, attrs...)
	return echo.NewHTTPError(code, why)
}

// statusCallback records a delivery status on the transcript line of the
// message it concerns (statuses only move forward: bot.Delivery).
// ErrorCode 21610 opts the number out (bot.Desk.OptOut).
func (s *Server) statusCallback(c echo.Context) error {
	if err := s.twilioForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	if err := s.checkAccount(c, form); err != nil {
		return err
	}
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

// optOut applies the opt-out rule (bot.Desk.OptOut) after Twilio refused
// to deliver to phone: opted out, its open ticket closed, the operators
// told once.
func (s *Server) optOut(c echo.Context, phone string) error {
	unlock := s.locks.Lock(phone)
	defer unlock()
	now := s.cfg.Now()
	err := s.cfg.Store.Update(c.Request().Context(), phone, func(t bot.Tx) error {
		return s.cfg.Desk.OptOut(t, phone, twilio.OptedOutWhy, now)
	})
	if err != nil {
		return err
	}
	s.cfg.Log.Info("twilio: number opted out", "code", twilio.CodeOptedOut, "from", bot.Mask(phone))
	s.cfg.Wake()
	return nil
}

// noting is a transaction that notes whether the text queued an outbox
// message (an operator's notification, say), so that the sender is woken
// only then: most texts are answered in the webhook's reply alone, and a
// wake costs the sender a look at the outbox (on PostgreSQL a query).
type noting struct {
	bot.Tx
	queued bool
}

// Enqueue implements bot.Tx.
func (n *noting) Enqueue(m *bot.OutMsg) error {
	n.queued = true
	return n.Tx.Enqueue(m)
}
