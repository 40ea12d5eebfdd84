package console

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

// Store is what the console needs from storage: it reads everything,
// changes conversations through the desk in transactions, forgets
// numbers, revokes pages, and keeps its sessions there.
type Store interface {
	bot.Transactor
	bot.ConversationReader
	bot.PageReader
	bot.DeskReader
	bot.StatsReader
	bot.Maintainer
	bot.Sessions
}

// Config wires the console. The server that mounts it (package web)
// shares its engine, its per-number lock, its clock and its templates.
type Config struct {
	// Store keeps everything; nil turns the console off (every route
	// answers 503).
	Store Store
	// Desk carries out the operators' actions (required).
	Desk *bot.Desk
	// Engine returns the engine in use; the server may swap it while it
	// runs (SIGHUP reloads the flows).
	Engine func() *bot.Engine
	// Lock waits until every earlier change to phone has finished (the
	// webhook takes the same lock) and returns the function that ends
	// this one.
	Lock func(phone string) (unlock func())
	// Wake is called after a commit that may have queued outbox messages.
	Wake func()
	// Templates render the console and the preview of a fix page.
	Templates *templates.Set
	// Now is the clock; NewPageID makes the ids of published pages.
	Now       func() time.Time
	NewPageID func() string
	Log       *slog.Logger
	// PublicURL starts page links; an https one makes the session cookie
	// Secure.
	PublicURL string
	// SMSNumber is the bot's own number, for the preview's sms: links.
	SMSNumber string
	// Password opens the console to whoever knows it. Without one the
	// console is open to loopback clients in sandbox mode, and off
	// otherwise.
	Password string
	// Sandbox is sandbox mode: no Twilio auth token, so nothing checks who
	// is calling.
	Sandbox bool
	// ClientIPHeader names a header holding the client's address, set by
	// a proxy in front that overwrites whatever the client sent (Fly.io:
	// "Fly-Client-IP"); it keys the login rate limit. Empty uses the
	// connection's address.
	ClientIPHeader string
	// MaxBody caps a form's body (413 beyond).
	MaxBody int64
	// Backup streams a snapshot of the store (GET /console/backup); nil
	// when the store cannot (that route answers 404).
	Backup bot.Backuper
	// NoTesseract: pictures are not read for want of tesseract; every
	// page says so.
	NoTesseract bool
}

// console serves /console: the operator's desk in a browser. Handlers
// parse the request, call bot.Desk or the store, and render; the rules
// live in package bot.
type console struct {
	cfg   Config
	store Store // nil: the console is off
	auth  *auth
}

// Path is where the console is mounted; its links, redirects and cookie
// path assume it.
const Path = "/console"

// loginPath is the login page, the one page without a session.
const loginPath = Path + "/login"

// Mount registers the console's routes under Path on e. Every route but
// the login page needs a session; every POST needs the session's CSRF
// token.
func Mount(e *echo.Echo, cfg Config) {
	cn := &console{cfg: cfg, store: cfg.Store, auth: newAuth(cfg)}
	e.GET(loginPath, cn.loginPage)
	e.POST(loginPath, cn.login)

	g := e.Group(Path, cn.require)
	g.POST("/logout", cn.logout)
	g.GET("", cn.inbox)
	g.GET("/", cn.inbox)
	g.GET("/conversation", cn.conversation)
	g.POST("/conversation/reply", cn.reply)
	g.POST("/conversation/close", cn.closeTicket)
	g.POST("/conversation/takeover", cn.takeOver)
	g.POST("/conversation/forget", cn.forget)
	g.GET("/tickets/:n/page", cn.editor)
	g.POST("/tickets/:n/page", cn.publish)
	g.GET("/tickets/:n/preview", cn.preview)
	g.POST("/tickets/:n/preview", cn.preview)
	g.POST("/pages/:id/revoke", cn.revoke)
	g.GET("/try", cn.try)
	g.POST("/try", cn.trySay)
	g.POST("/try/erase", cn.tryErase)
	g.GET("/outbox", cn.outbox)
	g.POST("/outbox/:id/retry", cn.retry)
	g.GET("/stats", cn.stats)
	g.GET("/backup", cn.backup)
	g.GET("/stats/:flow", cn.flowStats)
	g.GET("/stats/:flow/tree.svg", cn.flowPicture)
}

// consoleHeaders are the headers of every console response: nothing is
// cached, framed, sniffed, indexed or sent as a referrer.
func setHeaders(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("X-Frame-Options", "DENY")
}

// render renders a console page into a buffer, then writes it with the
// console's CSP. It fills in the frame: site, clock, CSRF token, sign-in
// state and the session's pending messages.
func (cn *console) render(c echo.Context, code int, name string, v templates.ConsoleView) error {
	tpl := cn.cfg.Templates
	v.Site, v.Now = templates.SiteName, cn.cfg.Now()
	v.Open = cn.auth.open()
	v.NoOperators = len(cn.cfg.Desk.Operators) == 0
	v.NoTesseract = cn.cfg.NoTesseract
	if sess := sessionOf(c); sess != nil {
		v.CSRF, v.SignedIn = sess.CSRF, !v.Open
		flash, problem, err := cn.auth.takeFlash(c.Request().Context(), sess)
		if err != nil {
			return err
		}
		if v.Flash == "" {
			v.Flash = flash
		}
		if v.Error == "" {
			v.Error = problem
		}
	}
	var buf bytes.Buffer
	if err := tpl.RenderConsole(&buf, name, v); err != nil {
		return err
	}
	h := c.Response().Header()
	setHeaders(h)
	h.Set("Content-Security-Policy", tpl.ConsoleCSP())
	return c.HTMLBlob(code, buf.Bytes())
}

// done ends a POST: it leaves a message for the next page of the session
// and redirects there (303, so a reload does not post again).
func (cn *console) done(c echo.Context, to, flash, problem string) error {
	if sess := sessionOf(c); sess != nil {
		if err := cn.auth.setFlash(c.Request().Context(), sess, flash, problem); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// conversationURL is the console page of phone's conversation. The number
// travels in the query, which the request log leaves out.
func conversationURL(phone string) string {
	return Path + "/conversation?phone=" + url.QueryEscape(phone)
}

// formPhone reads a phone number from a form or query value.
func formPhone(v string) (string, bool) {
	v = strings.TrimSpace(v)
	return v, v != "" && len(v) <= 32 && !strings.ContainsAny(v, "\r\n\x00")
}

// ticketParam reads the :n route parameter.
func ticketParam(c echo.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "no such ticket")
	}
	return n, nil
}

// openTicket returns open ticket n, or ErrNotFound.
func (cn *console) openTicket(ctx context.Context, n int) (bot.Ticket, error) {
	open, err := cn.store.Tickets(ctx, 0, true)
	if err != nil {
		return bot.Ticket{}, err
	}
	for _, tk := range open {
		if tk.Number == n {
			return tk, nil
		}
	}
	return bot.Ticket{}, bot.ErrNotFound
}

// ticketOf returns phone's open ticket, if any.
func (cn *console) ticketOf(ctx context.Context, phone string) (*bot.Ticket, error) {
	open, err := cn.store.Tickets(ctx, 0, true)
	if err != nil {
		return nil, err
	}
	for _, tk := range open {
		if tk.Phone == phone {
			return &tk, nil
		}
	}
	return nil, nil
}

// flowTitle names a flow for people; "" for no flow.
func (cn *console) flowTitle(id string) string {
	if id == "" {
		return ""
	}
	if t := cn.cfg.Engine().Flows.Flow(id); t != nil {
		return t.Title
	}
	return id
}

// update runs fn in one store transaction for phone's conversation, after
// every earlier change to that number (the webhook's lock), and wakes the
// outbox when it committed. A panic in fn (desk code) fails the change
// with a *bot.PanicError, which the server answers 500, logs and counts.
func (cn *console) update(ctx context.Context, phone string, fn func(t bot.Tx) error) error {
	if phone != "" {
		unlock := cn.cfg.Lock(phone)
		defer unlock()
	}
	err := cn.store.Update(ctx, phone, func(t bot.Tx) (err error) {
		defer bot.CatchPanic(&err)
		return fn(t)
	})
	if err == nil {
		cn.cfg.Wake()
	}
	return err
}
