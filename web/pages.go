package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

// siteName names the service in page titles and link previews.
const siteName = "textfix"

// Cache-Control of each kind of response.
//
// A fix page's content never changes after creation, but it can be revoked
// (and its feedback line changes once), and it carries a person's own
// words: so no shared cache (CDN, corporate proxy, preview service) may
// keep it, and a browser revalidates every view. The ETag makes that
// revalidation a body-less 304, and a revoke takes effect on the next view.
// Check pages hold no personal data and their id changes with their
// content: anyone may cache them for a day.
const (
	cacheFixPage   = "private, no-cache"
	cacheCheckPage = "public, max-age=86400"
	cacheMissing   = "no-store"
	cachePreview   = "public, max-age=86400"
)

// pageIDLen is the length of every page id: bot.NewPageID's 13 base62
// characters for fix pages, "c" and 12 for check pages (flows.Flow.CheckID).
const pageIDLen = 13

// validPageID reports whether id has the shape of a page id; anything else
// is answered 404 without a lookup.
func validPageID(id string) bool {
	if len(id) != pageIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// fixPage serves GET /f/:id: a check page from the flow library when the
// id is one, else a stored fix page; 404 for an unknown or malformed id,
// 410 for a revoked page.
func (s *Server) fixPage(c echo.Context) error {
	id := c.Param("id")
	if !validPageID(id) {
		return s.missing(c, http.StatusNotFound)
	}
	if strings.HasPrefix(id, "c") {
		if t, n := s.Engine().Flows.CheckPage(id); n != nil {
			p := bot.Page{ID: id, Kind: bot.PageCheck, Flow: t.ID, Node: n.ID,
				Title: n.Check.Title, Steps: n.Check.Body, Commands: n.Check.Commands}
			return s.renderPage(c, http.StatusOK, templates.PageHTML, s.view(p), cacheCheckPage)
		}
		// A random fix page id may start with "c" too.
	}
	p, err := s.cfg.Store.Page(c.Request().Context(), id)
	switch {
	case errors.Is(err, bot.ErrNotFound):
		return s.missing(c, http.StatusNotFound)
	case err != nil:
		return err
	case p.Revoked:
		return s.missing(c, http.StatusGone)
	}
	return s.renderPage(c, http.StatusOK, templates.PageHTML, s.view(shareable(p)), cacheFixPage)
}

// missing answers 404 (unknown page) or 410 (revoked page) with a friendly
// page.
func (s *Server) missing(c echo.Context, code int) error {
	v := s.view(bot.Page{})
	v.URL, v.Image = "", ""
	v.Gone = code == http.StatusGone
	return s.renderPage(c, code, templates.MissingHTML, v, cacheMissing)
}

// view is the template data for page p.
func (s *Server) view(p bot.Page) templates.View {
	v := templates.View{Site: siteName, SMSNumber: s.cfg.SMSNumber, Page: p}
	if base := strings.TrimRight(s.cfg.PublicURL, "/"); base != "" {
		v.URL = bot.PageURL(base, p.ID)
		v.Image = base + previewPath
	}
	return v
}

// renderPage renders into a buffer first, so a template error is a clean
// 500 with nothing partial sent; then it writes the page with its security
// headers.
func (s *Server) renderPage(c echo.Context, code int, name string, v templates.View, cache string) error {
	tpl := s.cfg.Templates
	var buf bytes.Buffer
	if err := tpl.Render(&buf, name, v); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", tpl.CSP())
	pageHeaders(h, cache)
	if code == http.StatusOK {
		sum := sha256.Sum256(buf.Bytes())
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		h.Set("ETag", etag)
		if etagMatch(c.Request().Header.Get("If-None-Match"), etag) {
			return c.NoContent(http.StatusNotModified)
		}
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	return c.HTMLBlob(code, buf.Bytes())
}

// pageHeaders are the headers of everything under /f/ and /static/.
func pageHeaders(h http.Header, cache string) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", cache)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == etag || t == "W/"+etag || t == "*" {
			return true
		}
	}
	return false
}

// previewPath serves the link-preview image named in og:image.
const previewPath = "/static/preview.png"

func (s *Server) previewImage(c echo.Context) error {
	pageHeaders(c.Response().Header(), cachePreview)
	return c.Blob(http.StatusOK, "image/png", s.cfg.Templates.Preview())
}

// phoneLike matches what may be a phone number in text a person typed:
// +E.164 with or without separators, (555) 555-0101 shapes, and runs of
// 10 to 15 digits. Status and error codes are shorter.
var phoneLike = regexp.MustCompile(`\+\d[\d ().-]{5,18}\d|\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b|\b\d{10,15}\b`)

// shareable is p as anyone with the link may see it: the person's words
// redacted again (pages stored before a redaction rule existed) and
// without anything that looks like a phone number.
func shareable(p bot.Page) bot.Page {
	clean := func(s string) string { return phoneLike.ReplaceAllString(bot.Redact(s), "[number hidden]") }
	p.Reported = clean(p.Reported)
	p.Answers = append([]bot.Answer(nil), p.Answers...)
	for i := range p.Answers {
		p.Answers[i].Text = clean(p.Answers[i].Text)
	}
	return p
}
