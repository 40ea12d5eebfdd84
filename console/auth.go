package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

// Console sessions and login.
//
// Sessions live in the store (bot.Sessions), keyed by the SHA-256 of a
// 32-byte random token that only the browser holds (cookie
// textfix_session: HttpOnly, SameSite=Strict, Path=/console, Secure when
// PublicURL is https), so a login survives a restart. They end after
// SessionIdle without a request, after SessionMax in any case, and on
// logout. Every form carries the session's CSRF token, checked in
// constant time on every POST; the login form, which has no session yet,
// uses a double-submit cookie instead. Wrong passwords are limited per
// client address: after LoginBurst of them in a LoginWindow, that address
// waits (429, even with the right password) until the oldest is a
// LoginWindow old. Right passwords never count, so an address that has
// not failed is never held back.
const (
	SessionIdle = 12 * time.Hour
	SessionMax  = 7 * 24 * time.Hour
	LoginBurst  = 5
	LoginWindow = time.Minute

	// touchEvery is how stale a session's last-seen time may get before
	// a request writes it again (far below SessionIdle).
	touchEvery = time.Minute

	sessionCookie = "textfix_session"
	loginCookie   = "textfix_login"
	csrfField     = "csrf"
)

type auth struct {
	password [32]byte // SHA-256 of the password
	hasPass  bool
	sandbox  bool
	secure   bool
	ipHeader string
	now      func() time.Time
	store    bot.Sessions // nil: the console is off
}

func newAuth(cfg Config) *auth {
	return &auth{
		password: sha256.Sum256([]byte(cfg.Password)),
		hasPass:  cfg.Password != "",
		sandbox:  cfg.Sandbox,
		secure:   strings.HasPrefix(cfg.PublicURL, "https://"),
		ipHeader: cfg.ClientIPHeader,
		now:      cfg.Now,
		store:    cfg.Store,
	}
}

// open reports sandbox mode without a password: the console needs no login
// but answers loopback clients only.
func (a *auth) open() bool { return a.sandbox && !a.hasPass }

// enabled reports whether the console can be used at all: with a password,
// or open in sandbox mode.
func (a *auth) enabled() bool { return a.hasPass || a.open() }

func randomToken() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand contract)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func tokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (a *auth) expired(s bot.Session, now time.Time) bool {
	return now.Sub(s.Seen) > SessionIdle || now.Sub(s.Created) > SessionMax
}

// newSession starts a session and returns it with its token; expired
// sessions go first.
func (a *auth) newSession(ctx context.Context) (*bot.Session, string, error) {
	token := randomToken()
	now := a.now()
	if _, err := a.store.ExpireSessions(ctx, now.Add(-SessionIdle), now.Add(-SessionMax)); err != nil {
		return nil, "", err
	}
	s := &bot.Session{Key: tokenKey(token), CSRF: randomToken(), Created: now, Seen: now}
	s.Sim = bot.SimulatorPhone([]byte(s.Key))
	if err := a.store.CreateSession(ctx, *s); err != nil {
		return nil, "", err
	}
	return s, token, nil
}

// session returns the live session of token (nil when there is none) and
// marks it used.
func (a *auth) session(ctx context.Context, token string) (*bot.Session, error) {
	if token == "" {
		return nil, nil
	}
	key := tokenKey(token)
	now := a.now()
	s, err := a.store.Session(ctx, key)
	if errors.Is(err, bot.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.expired(s, now) {
		return nil, a.store.DeleteSession(ctx, key)
	}
	if now.Sub(s.Seen) >= touchEvery {
		err := a.store.UpdateSession(ctx, key, func(s *bot.Session) { s.Seen = now })
		if errors.Is(err, bot.ErrNotFound) {
			return nil, nil // logged out meanwhile
		}
		if err != nil {
			return nil, err
		}
		s.Seen = now
	}
	return &s, nil
}

func (a *auth) end(ctx context.Context, s *bot.Session) error {
	return a.store.DeleteSession(ctx, s.Key)
}

// setFlash leaves a message for the session's next page.
func (a *auth) setFlash(ctx context.Context, s *bot.Session, flash, problem string) error {
	err := a.store.UpdateSession(ctx, s.Key, func(s *bot.Session) { s.Flash, s.Problem = flash, problem })
	if errors.Is(err, bot.ErrNotFound) {
		return nil // logged out meanwhile: nobody to tell
	}
	return err
}

// takeFlash returns the session's message, once.
func (a *auth) takeFlash(ctx context.Context, s *bot.Session) (flash, problem string, err error) {
	flash, problem = s.Flash, s.Problem
	if flash == "" && problem == "" {
		return "", "", nil
	}
	s.Flash, s.Problem = "", ""
	err = a.store.UpdateSession(ctx, s.Key, func(s *bot.Session) { s.Flash, s.Problem = "", "" })
	if errors.Is(err, bot.ErrNotFound) {
		err = nil
	}
	return flash, problem, err
}

// checkPassword compares SHA-256 digests in constant time, so neither the
// password nor its length leaks through timing.
func (a *auth) checkPassword(pw string) bool {
	sum := sha256.Sum256([]byte(pw))
	return a.hasPass && subtle.ConstantTimeCompare(sum[:], a.password[:]) == 1
}

// backedOff reports whether client has used up its wrong passwords
// (LoginBurst in LoginWindow) and must wait. It only reads: the attempt
// AllowLogin would record is dated before the window, so the store forgets
// it at once ("attempts from before since are forgotten").
func (a *auth) backedOff(ctx context.Context, client string) (bool, error) {
	since := a.now().Add(-LoginWindow)
	ok, err := a.store.AllowLogin(ctx, client, since.Add(-time.Second), since, LoginBurst)
	return !ok, err
}

// failedLogin counts a wrong password against client and reports whether
// client has now used up its attempts.
func (a *auth) failedLogin(ctx context.Context, client string) (backedOff bool, err error) {
	now := a.now()
	ok, err := a.store.AllowLogin(ctx, client, now, now.Add(-LoginWindow), LoginBurst)
	return !ok, err
}

// clientKey is who a login attempt counts against: the address in
// ipHeader when configured (a proxy in front sets it and overwrites what
// the client sent: Fly-Client-IP on Fly.io), else the connection's peer.
// X-Forwarded-For is never trusted: any client can write it. An IPv6
// client counts as its /64, which one client usually holds whole.
func (a *auth) clientKey(r *http.Request) string {
	var ip net.IP
	if a.ipHeader != "" {
		ip = net.ParseIP(strings.TrimSpace(r.Header.Get(a.ipHeader)))
	}
	if ip == nil {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ip = net.ParseIP(host)
	}
	if ip == nil {
		return r.RemoteAddr
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// loopback reports whether the request came over loopback (the
// connection's peer; headers are not looked at).
func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// cookie sets HttpOnly and SameSite=Strict always, and Secure when the
// public URL is https (a sandbox on plain-http loopback could not log in
// otherwise).
func (a *auth) cookie(name, value, path string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, //nolint:gosec // Secure: see above
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode}
}

const sessionKey = "console_session"

// sessionOf is the request's session, set by require.
func sessionOf(c echo.Context) *bot.Session {
	s, _ := c.Get(sessionKey).(*bot.Session)
	return s
}

// require guards every console route: a live session (or, open in sandbox
// mode, a loopback client, who gets one), and on POST a same-site request
// carrying the session's CSRF token.
func (cn *console) require(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		setHeaders(c.Response().Header())
		if cn.store == nil || !cn.auth.enabled() {
			return echo.NewHTTPError(http.StatusServiceUnavailable, "the console is off: set TEXTFIX_CONSOLE_PASSWORD")
		}
		if cn.auth.open() && !loopback(r) {
			return echo.NewHTTPError(http.StatusForbidden, "the console without a password answers loopback only")
		}
		var sess *bot.Session
		if ck, err := r.Cookie(sessionCookie); err == nil {
			if sess, err = cn.auth.session(r.Context(), ck.Value); err != nil {
				return err
			}
		}
		if sess == nil {
			switch {
			case cn.auth.open():
				var token string
				var err error
				if sess, token, err = cn.auth.newSession(r.Context()); err != nil {
					return err
				}
				c.SetCookie(cn.auth.cookie(sessionCookie, token, Path, 0))
			case r.Method == http.MethodGet || r.Method == http.MethodHead:
				return c.Redirect(http.StatusSeeOther, loginPath+"?next="+url.QueryEscape(r.URL.RequestURI()))
			default:
				return echo.NewHTTPError(http.StatusForbidden, "log in first")
			}
		}
		c.Set(sessionKey, sess)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := cn.checkForm(c, sess.CSRF); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// checkForm reads a POST form (capped at MaxBody) and checks that it came
// from a console page: not cross-site, and with the expected CSRF token.
func (cn *console) checkForm(c echo.Context, want string) error {
	r := c.Request()
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return echo.NewHTTPError(http.StatusForbidden, "cross-site request refused")
	}
	if err := cn.parseForm(c); err != nil {
		return err
	}
	got := r.PostForm.Get(csrfField)
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return echo.NewHTTPError(http.StatusForbidden, "missing or wrong CSRF token: reload the page and try again")
	}
	return nil
}

// parseForm reads a POST form capped at MaxBody: 413 beyond, 400 when it
// is not a form.
func (cn *console) parseForm(c echo.Context) error {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, cn.cfg.MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d KiB", cn.cfg.MaxBody>>10))
		}
		return echo.NewHTTPError(http.StatusBadRequest, "malformed form")
	}
	return nil
}

// requestID is the request's id, which the server's request log sets as
// the X-Request-Id response header before any handler runs.
func requestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

// safeNext keeps a post-login destination inside the console: a path
// that stays under /console once cleaned, and not the login page.
func safeNext(next string) string {
	p, _, _ := strings.Cut(next, "?")
	clean := path.Clean(p)
	if (clean == Path || strings.HasPrefix(clean, Path+"/")) && clean == p &&
		!strings.ContainsAny(next, "\\\r\n") && !strings.HasPrefix(clean, loginPath) {
		return next
	}
	return Path
}

// loginPage shows the login form, with a fresh double-submit token.
func (cn *console) loginPage(c echo.Context) error {
	setHeaders(c.Response().Header())
	if cn.store == nil || !cn.auth.enabled() {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the console is off: set TEXTFIX_CONSOLE_PASSWORD")
	}
	next := safeNext(c.QueryParam("next"))
	if cn.auth.open() {
		return c.Redirect(http.StatusSeeOther, next)
	}
	if ck, err := c.Request().Cookie(sessionCookie); err == nil {
		sess, err := cn.auth.session(c.Request().Context(), ck.Value)
		if err != nil {
			return err
		}
		if sess != nil {
			return c.Redirect(http.StatusSeeOther, next)
		}
	}
	return cn.renderLogin(c, http.StatusOK, next, "")
}

func (cn *console) renderLogin(c echo.Context, code int, next, problem string) error {
	token := randomToken()
	c.SetCookie(cn.auth.cookie(loginCookie, token, loginPath, 3600))
	return cn.render(c, code, templates.ConsoleLogin, templates.ConsoleView{
		Title: "Log in", CSRF: token, Error: problem, Login: &templates.LoginView{Next: next},
	})
}

// login checks the client's back-off, the form's token and the password,
// in that order, and starts a session. A wrong password counts against the
// client's address; a right one does not.
func (cn *console) login(c echo.Context) error {
	setHeaders(c.Response().Header())
	r := c.Request()
	if cn.store == nil || !cn.auth.enabled() {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the console is off: set TEXTFIX_CONSOLE_PASSWORD")
	}
	client := cn.auth.clientKey(r)
	tooMany := func() error {
		cn.cfg.Log.Warn("console: login backed off after wrong passwords", "client", client, "request_id", requestID(c))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(LoginWindow.Seconds())))
		return cn.renderLogin(c, http.StatusTooManyRequests, Path, "Too many attempts. Wait a minute and try again.")
	}
	switch wait, err := cn.auth.backedOff(r.Context(), client); {
	case err != nil:
		return err
	case wait:
		return tooMany()
	}
	ck, err := r.Cookie(loginCookie)
	if err != nil {
		return echo.NewHTTPError(http.StatusForbidden, "missing CSRF cookie: reload the login page")
	}
	if err := cn.checkForm(c, ck.Value); err != nil {
		return err
	}
	next := safeNext(r.PostForm.Get("next"))
	if cn.auth.open() {
		return c.Redirect(http.StatusSeeOther, next)
	}
	if !cn.auth.checkPassword(r.PostForm.Get("password")) {
		cn.cfg.Log.Warn("console: wrong password", "client", client, "request_id", requestID(c))
		switch wait, err := cn.auth.failedLogin(r.Context(), client); {
		case err != nil:
			return err
		case wait:
			return tooMany()
		}
		return cn.renderLogin(c, http.StatusUnauthorized, next, "Wrong password.")
	}
	_, token, err := cn.auth.newSession(r.Context())
	if err != nil {
		return err
	}
	c.SetCookie(cn.auth.cookie(sessionCookie, token, Path, 0))
	c.SetCookie(cn.auth.cookie(loginCookie, "", loginPath, -1))
	cn.cfg.Log.Info("console: logged in", "client", client, "request_id", requestID(c))
	return c.Redirect(http.StatusSeeOther, next)
}

func (cn *console) logout(c echo.Context) error {
	if sess := sessionOf(c); sess != nil {
		if err := cn.auth.end(c.Request().Context(), sess); err != nil {
			return err
		}
	}
	c.SetCookie(cn.auth.cookie(sessionCookie, "", Path, -1))
	return c.Redirect(http.StatusSeeOther, loginPath)
}
