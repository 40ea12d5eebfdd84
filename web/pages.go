package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

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
	cacheHome      = "no-cache"
	cachePreview   = "public, max-age=86400"
)

// fixPage serves GET /f/:id: a check page from the flow library when the
// id is one, else a stored fix page; 404 for an unknown or malformed id,
// 410 for a revoked page, and 410 "expired" for one retention deleted.
func (s *Server) fixPage(c echo.Context) error {
	id := c.Param("id")
	if !bot.IsPageID(id) {
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
	case errors.Is(err, bot.ErrExpired):
		return s.expired(c)
	case err != nil:
		return err
	case p.Revoked:
		return s.missing(c, http.StatusGone)
	}
	return s.renderPage(c, http.StatusOK, templates.PageHTML, s.view(p.Shareable()), cacheFixPage)
}

// home serves GET /: what textfix is and where the console is, with the
// pages' headers and CSP. It shows nothing from the configuration: no
// number, no address.
func (s *Server) home(c echo.Context) error {
	return s.renderPage(c, http.StatusOK, templates.HomeHTML, templates.View{Site: templates.SiteName}, cacheHome)
}

// missing answers 404 (unknown page) or 410 (revoked page) with a friendly
// page.
func (s *Server) missing(c echo.Context, code int) error {
	v := s.view(bot.Page{})
	v.URL, v.Image = "", ""
	v.Gone = code == http.StatusGone
	return s.renderPage(c, code, templates.MissingHTML, v, cacheMissing)
}

// expired answers 410 for a page that retention deleted.
func (s *Server) expired(c echo.Context) error {
	v := s.view(bot.Page{})
	v.URL, v.Image = "", ""
	v.Gone, v.Expired = true, true
	return s.renderPage(c, http.StatusGone, templates.MissingHTML, v, cacheMissing)
}

// view is the template data for page p.
func (s *Server) view(p bot.Page) templates.View {
	v := templates.View{Site: templates.SiteName, SMSNumber: s.cfg.SMSNumber, Page: p}
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
