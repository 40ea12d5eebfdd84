// Package templates holds textfix's HTML pages: html/template files
// embedded from this folder, and the link-preview image.
//
// [Parse] parses every file once, at start-up, and renders each page once
// with sample data: html/template checks its escaping contexts on the first
// execution, so a missing file, a syntax error, a bad field or an unsafe
// context fails start-up instead of a request.
//
// The pages carry their CSS and their one small script inline. Both are
// template blocks ("css" and "script") with no actions, so their bytes are
// fixed; [Set.CSP] allows exactly those bytes by hash, and nothing
// else: no other script, style, font, frame or image.
package templates

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/yuin/goldmark"

	"github.com/textfix/textfix/bot"
)

//go:embed *.html preview.png
var files embed.FS

// Names of the page templates.
const (
	// PageHTML is a fix page or a check page ([View].Page.Kind).
	PageHTML = "page.html"
	// MissingHTML answers an unknown page id (404), or a revoked or
	// expired page (410, [View].Gone, [View].Expired).
	MissingHTML = "missing.html"
	// HomeHTML answers "/": what textfix is and where the console is. It
	// shows nothing from the configuration.
	HomeHTML = "home.html"
)

// SiteName names the service in page titles and link previews.
const SiteName = "textfix"

// PreviewFile is the link-preview image's file name (1200×630 PNG).
const PreviewFile = "preview.png"

// Set is the parsed pages. It is immutable and safe for concurrent
// use.
type Set struct {
	set                    *template.Template
	csp                    string
	consoleCSP, previewCSP string
	preview                []byte
}

// View is what a page template shows.
type View struct {
	// Site names the service in titles and link previews.
	Site string
	// URL is the page's absolute address, and Image the preview image's;
	// empty leaves them out of the link-preview tags.
	URL, Image string
	// SMSNumber is the bot's own number, used only inside sms: links; empty
	// leaves the links out. A person's number never belongs in a View.
	SMSNumber string
	// Page is the fix or check page (PageHTML). Its user-typed fields are
	// shown as given: redact them before.
	Page bot.Page
	// Gone marks a revoked page (MissingHTML); Expired, with it, one
	// that retention deleted.
	Gone, Expired bool
}

// SMS is an sms: link to the bot's number with body typed in, or "" when
// there is no number or it is not one (a messaging service SID, say). The
// "?&body=" form works on both iOS and Android.
func (v View) SMS(body string) template.URL {
	var num strings.Builder
	for _, r := range v.SMSNumber {
		switch {
		case r >= '0' && r <= '9', r == '+' && num.Len() == 0:
			num.WriteRune(r)
		case strings.ContainsRune(" ()-.", r):
		default:
			return ""
		}
	}
	if num.Len() < 3 {
		return ""
	}
	link := "sms:" + num.String()
	if body != "" {
		link += "?&body=" + url.QueryEscape(body)
	}
	return template.URL(link) //nolint:gosec // digits and a leading + only, and a query-escaped body
}

// Description is the one-line diagnosis used in link previews.
func (v View) Description() string {
	if s := strings.TrimSpace(v.Page.Summary); s != "" {
		return s
	}
	if v.Page.Kind == bot.PageCheck {
		return "A quick check to run, step by step, then reply to the text with what you saw."
	}
	return "Text an error, get a fix."
}

// Parse parses the embedded templates; see [ParseFS].
func Parse() (*Set, error) { return ParseFS(files) }

// ParseFS parses every *.html file of fsys, requires the page templates and
// the preview image, and renders each page once with sample data so that
// any template error surfaces here.
func ParseFS(fsys fs.FS) (*Set, error) {
	set, err := template.New("").Funcs(funcs()).Funcs(consoleFuncs()).ParseFS(fsys, "*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	for _, name := range append([]string{PageHTML, MissingHTML, HomeHTML, "css", "script", "console-css", "console-script"}, consolePages...) {
		if set.Lookup(name) == nil {
			return nil, fmt.Errorf("templates: %q is missing", name)
		}
	}
	preview, err := fs.ReadFile(fsys, PreviewFile)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	t := &Set{set: set, preview: preview}
	css, err := t.block("css")
	if err != nil {
		return nil, err
	}
	js, err := t.block("script")
	if err != nil {
		return nil, err
	}
	t.csp = "default-src 'none'; style-src " + hash(css) + "; script-src " + hash(js) +
		"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	t.previewCSP = strings.Replace(t.csp, "frame-ancestors 'none'", "frame-ancestors 'self'", 1)
	consoleCSS, err := t.block("console-css")
	if err != nil {
		return nil, err
	}
	consoleJS, err := t.block("console-script")
	if err != nil {
		return nil, err
	}
	t.consoleCSP = "default-src 'none'; style-src " + hash(css) + " " + hash(consoleCSS) + "; script-src " + hash(consoleJS) +
		"; img-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	for _, s := range samples() {
		if err := t.Render(io.Discard, s.name, s.view); err != nil {
			return nil, err
		}
	}
	for _, v := range consoleSamples() {
		if err := t.RenderConsole(io.Discard, consolePage(v), v); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Render executes the named page with v into w. Render into a buffer:
// an error can leave w with part of a page.
func (t *Set) Render(w io.Writer, name string, v View) error {
	if err := t.set.ExecuteTemplate(w, name, v); err != nil {
		return fmt.Errorf("templates: %s: %w", name, err)
	}
	return nil
}

// CSP is the Content-Security-Policy of every page: nothing but the inline
// CSS and script of the "css" and "script" blocks, by hash.
func (t *Set) CSP() string { return t.csp }

// Preview is the link-preview image (PNG, 1200×630).
func (t *Set) Preview() []byte { return t.preview }

// block renders a fixed block (one with no actions) on its own.
func (t *Set) block(name string) (string, error) {
	var b bytes.Buffer
	if err := t.set.ExecuteTemplate(&b, name, nil); err != nil {
		return "", fmt.Errorf("templates: %s: %w", name, err)
	}
	return b.String(), nil
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// funcs are the templates' functions.
func funcs() template.FuncMap {
	// goldmark's defaults are safe: raw HTML is left out and javascript:
	// links are dropped.
	md := goldmark.New()
	return template.FuncMap{
		// markdown renders Markdown from a flow (steps, check page bodies).
		"markdown": func(s string) (template.HTML, error) {
			var b bytes.Buffer
			if err := md.Convert([]byte(s), &b); err != nil {
				return "", err
			}
			return template.HTML(b.String()), nil //nolint:gosec // goldmark without raw HTML (html.WithUnsafe is off): it escapes what people typed
		},
		// words are the person's own words for an answer, when they say more
		// than the choice's label (the rule of bot.Answer.Said).
		"words": func(a bot.Answer) string {
			if a.Said() == a.Label {
				return ""
			}
			return strings.TrimSpace(a.Text)
		},
		// told splits what the person reported (bot.Page.Reported) into
		// their typed words and the error read in their screenshot
		// (bot.SplitShown).
		"told": func(s string) Told {
			typed, shot := bot.SplitShown(s)
			return Told{Typed: strings.TrimSpace(typed), Screenshot: strings.TrimSpace(shot)}
		},
		// source is a link's label: the address without its scheme.
		"source": func(s string) string {
			s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
			return strings.TrimSuffix(s, "/")
		},
		// date shows a YYYY-MM-DD date as "27 Nov 2026".
		"date": func(s string) string {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return s
			}
			return d.Format("2 Jan 2006")
		},
		"inc": func(i int) int { return i + 1 },
	}
}

// Told is a fix page's first text: what the person typed, and the error
// read in the screenshot they sent; either may be "".
type Told struct{ Typed, Screenshot string }

type sample struct {
	name string
	view View
}

// samples exercise every branch of every page for ParseFS's trial render.
func samples() []sample {
	fix := bot.Page{
		ID: "0123456789abc", Kind: bot.PageFix, Title: "Title", Summary: "Summary.",
		Steps: "1. One `x`\n2. Two", Commands: []string{"echo 1", "echo 2"},
		Sources: []string{"https://example.com/a"}, Verified: "2026-01-02", Reported: "it broke",
		Answers: []bot.Answer{{Question: "Q?", Label: "Yes", Text: "yes it did"}, {Question: "Q2?", Label: "No", Text: "no vpn here", Inferred: true, From: 2}},
	}
	base := View{Site: "textfix", URL: "https://example.com/f/x", Image: "https://example.com/p.png", SMSNumber: "+15555550000"}
	var out []sample
	for _, fb := range []bot.FeedbackAnswer{"", bot.FeedbackYes, bot.FeedbackNo, bot.FeedbackNoHandoff} {
		v := base
		v.Page = fix
		v.Page.Feedback = fb
		out = append(out, sample{PageHTML, v})
	}
	check := base
	check.Page = bot.Page{ID: "c0123456789a", Kind: bot.PageCheck, Title: "Check", Steps: "Run it.", Commands: []string{"curl"}}
	bare := View{Site: "textfix", Page: bot.Page{Kind: bot.PageFix, Title: "T"}}
	shot := base
	shot.Page = fix
	shot.Page.Reported = bot.Shown("this again", `403 permission_error "Request not allowed"`)
	shot.Page.Answers = append(shot.Page.Answers, bot.Answer{Question: "Q3?", Label: "403", Text: "HTTP/2 403", Picture: true})
	out = append(out, sample{PageHTML, check}, sample{PageHTML, bare}, sample{PageHTML, shot},
		sample{MissingHTML, base}, sample{MissingHTML, View{Site: "textfix", Gone: true}}, sample{MissingHTML, View{Site: "textfix", Gone: true, Expired: true}}, sample{HomeHTML, View{Site: "textfix"}})
	return out
}
