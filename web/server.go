package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/console"
	"github.com/textfix/textfix/keylock"
	"github.com/textfix/textfix/templates"
)

// Store is what the webhook, the status callback, the fix pages and
// /healthz need from storage.
type Store interface {
	bot.Transactor
	bot.PageReader
	bot.DeliveryRecorder
	bot.Pinger
}

// Config wires a Server.
type Config struct {
	// PublicURL is the base URL Twilio signs requests against.
	PublicURL string
	// AuthToken verifies X-Twilio-Signature; empty means sandbox mode (no
	// check).
	AuthToken string
	// AccountSID, when set, is the only AccountSid the /twilio/* routes
	// take (403 otherwise).
	AccountSID string
	// Numbers, when set, are the only To numbers the inbound webhook takes
	// (403 otherwise): TWILIO_FROM. A messaging service may have several
	// numbers; then it is empty and To is not checked.
	Numbers []string
	// Store keeps everything the webhook and the pages need.
	Store Store
	// Desk runs people's texts and operators' commands (required).
	Desk *bot.Desk
	// Wake is called after a commit that queued outbox messages
	// (nil: nobody to wake).
	Wake func()
	Log  *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Gauges are extra values for /metrics (outbox sent, open tickets …).
	Gauges []Gauge
	// MetricsToken, when set, is the bearer token /metrics wants. Without
	// one, /metrics is open in sandbox mode (loopback only) and absent
	// (404) otherwise.
	MetricsToken string
	// NewPageID makes page ids (bot.NewPageID when nil).
	NewPageID func() string
	// Templates render the fix pages and the console; nil parses the
	// embedded ones.
	Templates *templates.Set
	// SMSNumber is the bot's own number for the pages' sms: links; empty
	// leaves the links out.
	SMSNumber string
	// ConsoleStore serves the operator console (/console, package
	// console); nil turns the console off (its routes answer 503).
	ConsoleStore console.Store
	// Backup streams snapshots for the console's GET /console/backup; nil
	// when the store has none.
	Backup bot.Backuper
	// ConsolePassword opens the operator console to whoever knows it.
	// Without one the console is open in sandbox mode (no AuthToken) to
	// loopback clients only, and off otherwise.
	ConsolePassword string
	// ClientIPHeader names a header holding the client's address, set by
	// a proxy in front that overwrites whatever the client sent (Fly.io:
	// "Fly-Client-IP"); it keys the console's login rate limit. Empty uses
	// the connection's address.
	ClientIPHeader string
	// Screenshots reads the pictures people text; the zero value reads
	// none (each gets bot.UnreadPicture).
	Screenshots Screenshots
}

// Server holds the HTTP handlers. Its engine can be swapped at run time
// (SIGHUP reloads the flows) without a restart.
type Server struct {
	metrics metrics
	cfg     Config
	engine  atomic.Pointer[bot.Engine]
	locks   *keylock.Locks
	senders senders
	echo    *echo.Echo
	// pictures is the work that outlives a webhook (Wait).
	pictures pictureWork
}

// MaxBody is the largest request body accepted (413 beyond).
const MaxBody = 64 << 10

// New builds the server and its routes. It fails when the templates do
// not parse, so a broken template stops start-up instead of a request.
func New(cfg Config, engine *bot.Engine) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewPageID == nil {
		cfg.NewPageID = bot.NewPageID
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Templates == nil {
		t, err := templates.Parse()
		if err != nil {
			return nil, err
		}
		cfg.Templates = t
	}
	if cfg.Wake == nil {
		cfg.Wake = func() {}
	}
	if cfg.Screenshots.Wait <= 0 {
		cfg.Screenshots.Wait = DefaultPictureWait
	}
	if cfg.Desk == nil {
		cfg.Desk = &bot.Desk{BaseURL: engine.BaseURL}
	}
	s := &Server{cfg: cfg, locks: keylock.New()}
	s.engine.Store(engine)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.httpError
	e.Use(s.requestLog, s.recoverPanic)
	e.POST("/twilio/sms", s.inboundSMS, s.signed)
	e.POST("/twilio/status", s.statusCallback, s.signed)
	e.GET("/", s.home)
	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metricsHandler)
	e.GET(bot.PagesPath+":id", s.fixPage)
	e.HEAD(bot.PagesPath+":id", s.fixPage) // net/http sends the headers, not the body
	e.GET(previewPath, s.previewImage)
	console.Mount(e, console.Config{
		Store: cfg.ConsoleStore, Desk: cfg.Desk, Engine: s.Engine, Lock: s.locks.Lock, Wake: cfg.Wake,
		Templates: cfg.Templates, Now: cfg.Now, NewPageID: cfg.NewPageID, Log: cfg.Log,
		PublicURL: cfg.PublicURL, SMSNumber: cfg.SMSNumber, MaxBody: MaxBody,
		Password: cfg.ConsolePassword, Sandbox: cfg.AuthToken == "", ClientIPHeader: cfg.ClientIPHeader,
		Backup:      cfg.Backup,
		NoTesseract: cfg.Screenshots.NoTesseract,
	})
	s.echo = e
	return s, nil
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Engine returns the engine in use.
func (s *Server) Engine() *bot.Engine { return s.engine.Load() }

// SetEngine swaps in a new engine (new flows after SIGHUP); a text being
// handled finishes on the old one.
func (s *Server) SetEngine(e *bot.Engine) { s.engine.Store(e) }

func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.cfg.Log.Error("healthz: store", "err", err)
		return c.String(http.StatusServiceUnavailable, "store unavailable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}

// httpError answers errors with a short plain text and never leaks
// internal error text.
func (s *Server) httpError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code := http.StatusInternalServerError
	msg := "internal error"
	if he, ok := err.(*echo.HTTPError); ok {
		code = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(code)
		}
	}
	var pe *bot.PanicError
	switch {
	case errors.As(err, &pe):
		s.metrics.panics.Add(1)
		attrs := []any{"path", c.Path(), "err", pe.Error(), "request_id", requestID(c), "stack", string(pe.Stack)}
		if from, ok := c.Get("from").(string); ok {
			attrs = append(attrs, "from", bot.Mask(from))
		}
		s.cfg.Log.Error("panic while handling a request; this request failed, the rest carry on", attrs...)
	case code >= 500:
		s.cfg.Log.Error("request failed", "path", c.Path(), "err", err, "request_id", requestID(c))
	}
	_ = c.String(code, msg+"\n")
}

// recoverPanic turns a panic in a handler (the webhook, the console, the
// pages) into a *bot.PanicError, which httpError counts, logs with the
// number masked and answers 500: the request fails, its goroutine's
// deferred unlocks run, and the server carries on. Engine and desk code
// catch their own panics inside the store's transactions
// (bot.CatchPanic); this catches the rest. http.ErrAbortHandler, the way
// a handler aborts a response on purpose, goes on up.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				err = &bot.PanicError{Value: bot.Redact(fmt.Sprint(v)), Stack: debug.Stack()}
			}
		}()
		return next(c)
	}
}

// ReportPanic counts and logs err when it is a panic caught in a timer
// (the ticket sweep, the outbox worker) and reports whether it was one;
// other errors are the caller's to log.
func (s *Server) ReportPanic(timer string, err error) bool {
	var pe *bot.PanicError
	if !errors.As(err, &pe) {
		return false
	}
	s.metrics.panics.Add(1)
	s.cfg.Log.Error("panic in "+timer+"; this run failed, the next one goes ahead", "err", pe.Error(), "stack", string(pe.Stack))
	return true
}

// requestID is the request's id, set by requestLog as the X-Request-Id
// response header before any handler runs (the console reads it there
// too).
func requestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

// requestLog gives each request an id and logs it at info level without
// bodies or full phone numbers.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if id == "" || len(id) > 64 {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path() // the route pattern, never the page id or other values
		if route == "" {
			route = "unmatched"
		}
		s.metrics.request(route, c.Response().Status)
		ctx := c.Request().Context()
		if !s.cfg.Log.Enabled(ctx, slog.LevelInfo) {
			return nil
		}
		attrs := make([]slog.Attr, 0, 6)
		attrs = append(attrs, slog.String("request_id", id), slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path), slog.Int("status", c.Response().Status),
			slog.Int64("ms", time.Since(start).Milliseconds()))
		if from, ok := c.Get("from").(string); ok {
			attrs = append(attrs, slog.String("from", bot.Mask(from)))
		}
		s.cfg.Log.LogAttrs(ctx, slog.LevelInfo, "http", attrs...)
		return nil
	}
}

// parseForm reads a POST form capped at MaxBody: 413 beyond, 400 when it
// is not a form.
func parseForm(c echo.Context) error {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "request body over 64 KiB")
		}
		return echo.NewHTTPError(http.StatusBadRequest, "malformed form")
	}
	return nil
}
