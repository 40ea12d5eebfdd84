package web_test

import (
	"bytes"
	"context"
	"flag"
	"html/template"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/templates"
	"github.com/textfix/textfix/web"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// pageBotNumber is the bot's own number: it may appear in sms: links only
// (where html/template writes its "+" as "&#43;").
const pageBotNumber = "+15555550000"

// countingStore counts page lookups.
type countingStore struct {
	*store.DB
	pages atomic.Int32
}

func (s *countingStore) Page(ctx context.Context, id string) (bot.Page, error) {
	s.pages.Add(1)
	return s.DB.Page(ctx, id)
}

// newPagesEnv is a server with the bot's number set, over a real bbolt
// file whose page lookups are counted.
func newPagesEnv(t testing.TB) (*stacktest.Stack, *countingStore, *templates.Set) {
	t.Helper()
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	var cs *countingStore
	e := stacktest.New(t, stacktest.Options{Token: testToken, Templates: tpl, SMSNumber: pageBotNumber,
		Store: func(db *store.DB) web.Store { cs = &countingStore{DB: db}; return cs }})
	return e, cs, tpl
}

var linkRe = regexp.MustCompile(`https://textfix\.example\.com(/f/[0-9A-Za-z]+)`)

// linkIn finds the page link in replies.
func linkIn(t testing.TB, replies []string) string {
	t.Helper()
	m := linkRe.FindStringSubmatch(strings.Join(replies, "\n"))
	if m == nil {
		t.Fatalf("no page link in %q", replies)
	}
	return m[1]
}

// Secrets and markup a person might paste; none may survive to a page or
// to the database file.
var (
	pastedSecrets = []string{"sk-ant-api03-AbCdEf0123456789xyz_QQ", "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnop1234567890"}
	firstText     = "claude code keeps saying 403 <script>alert(1)</script> <img src=x onerror=alert(2)> my api key is " + pastedSecrets[0] + ", text me at +1 (555) 555-0199"
	answerText    = "200, it worked with curl using " + pastedSecrets[1] + " and " + pastedSecrets[2]
)

// noPhones fails if a phone number other than the bot's appears in html,
// or the bot's appears outside an sms: link.
func noPhones(t *testing.T, html string) {
	t.Helper()
	stripped := regexp.MustCompile(`href="sms:[^"]*"`).ReplaceAllString(html, "")
	for _, digits := range []string{"5555550101", "5555550199", "555-0199", "5555550000"} {
		if strings.Contains(stripped, digits) {
			t.Errorf("%s appears in the page", digits)
		}
	}
}

// TestFixPageFromWebhook walks the webhook to a fix and opens the link.
func TestFixPageFromWebhook(t *testing.T) {
	e, _, tpl := newPagesEnv(t)
	first := e.Say(personA, firstText)
	checkLink := linkIn(t, first)
	fix := e.Say(personA, answerText)
	link := linkIn(t, fix)

	resp, html := e.Get(link)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s: %d %s", link, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lib := stacktest.Flows(t)
	flow := lib.Flow("claude-code-403")
	node, question := flow.Node("fix-claude-config"), flow.Node("smoke-test")
	esc := template.HTMLEscapeString
	for what, want := range map[string]string{
		"title":             "<h1>" + esc(node.Title) + "</h1>",
		"diagnosis":         esc(node.Summary),
		"numbered steps":    "<ol>",
		"a step":            "<code>/status</code>",
		"a command":         esc(node.Commands[0]),
		"the first text":    "claude code keeps saying 403",
		"the question":      esc(strings.TrimSpace(question.Text)),
		"the answer":        esc(question.Choices[0].Label),
		"the answer words":  "it worked with curl",
		"redaction":         bot.Redacted,
		"escaped script":    "&lt;script&gt;alert(1)&lt;/script&gt;",
		"escaped img":       "&lt;img src=x onerror=alert(2)&gt;",
		"typed number":      "[number hidden]",
		"feedback words":    "Reply <strong>YES</strong> or <strong>NO</strong>",
		"sms YES link":      `href="sms:&#43;15555550000?&amp;body=YES"`,
		"human":             "Reply <strong>HUMAN</strong>",
		"source":            `href="` + node.Sources[0] + `"`,
		"verified date":     "Last verified",
		"og:title":          `<meta property="og:title" content="` + esc(node.Title) + `">`,
		"og:description":    `<meta property="og:description" content="` + esc(node.Summary) + `">`,
		"og:site_name":      `<meta property="og:site_name" content="textfix">`,
		"og:image":          `<meta property="og:image" content="` + publicURL + `/static/preview.png">`,
		"twitter:card":      `<meta name="twitter:card" content="summary_large_image">`,
		"copy button":       `data-copy="cmd1" hidden>Copy</button>`,
		"progressive data":  `<code id="cmd1">`,
		"robots meta":       `<meta name="robots" content="noindex,nofollow">`,
		"check page linked": "", // below
	} {
		if want != "" && !strings.Contains(html, want) {
			t.Errorf("page lacks %s: %q", what, want)
		}
	}
	for _, bad := range append([]string{"<script>alert", "<img src=x", "onerror=alert(2)>"}, pastedSecrets...) {
		if strings.Contains(html, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	noPhones(t, html)
	pageHeadersOK(t, resp, tpl, "private, no-cache")

	// Nothing pasted reached the database file either.
	raw, err := os.ReadFile(e.DB.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range pastedSecrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the database file holds %q", s)
		}
	}
	p, err := e.DB.Page(context.Background(), strings.TrimPrefix(link, "/f/"))
	if err != nil || p.Reported == "" || len(p.Answers) != 2 { // the sign-in (inferred from "api key") and the smoke test
		t.Fatalf("stored page %+v, %v", p, err)
	}

	// Revalidation: same ETag, no body.
	resp2, body2 := e.Get(link, "If-None-Match", resp.Header.Get("ETag"))
	if resp2.StatusCode != http.StatusNotModified || body2 != "" {
		t.Errorf("revalidation: %d, %d bytes", resp2.StatusCode, len(body2))
	}

	// The question's check page is served under its own id.
	resp, html = e.Get(checkLink)
	if resp.StatusCode != 200 || !strings.Contains(html, esc(question.Check.Title)) || !strings.Contains(html, esc(question.Check.Commands[0])) {
		t.Fatalf("check page %s: %d\n%s", checkLink, resp.StatusCode, html)
	}
	if strings.Contains(html, "What you told us") || strings.Contains(html, "Did this fix it?") {
		t.Error("check page shows fix-page sections")
	}
	noPhones(t, html)
	pageHeadersOK(t, resp, tpl, "public, max-age=86400")

	// YES is recorded on the page and shown there.
	e.Say(personA, "yes")
	if _, html = e.Get(link); !strings.Contains(html, "You replied YES") {
		t.Error("feedback not shown")
	}
}

func pageHeadersOK(t *testing.T, resp *http.Response, tpl *templates.Set, cache string) {
	t.Helper()
	h := resp.Header
	for name, want := range map[string]string{
		"Content-Security-Policy": tpl.CSP(),
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Robots-Tag":            "noindex, nofollow",
		"Cache-Control":           cache,
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'sha256-") {
		t.Errorf("CSP %q", csp)
	}
}

func TestUnknownMalformedAndRevokedPages(t *testing.T) {
	e, cs, tpl := newPagesEnv(t)
	ctx := context.Background()
	live := bot.Page{ID: "Live000000001", Kind: "fix", Title: "A live page", Created: time.Now()}
	gone := bot.Page{ID: "Gone000000001", Kind: "fix", Title: "A revoked page", Summary: "secret-ish summary", Created: time.Now()}
	for _, p := range []bot.Page{live, gone} {
		e.PutPage(p)
	}
	if err := e.DB.RevokePage(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path   string
		status int
		want   string
		lookup bool // the store is asked
	}{
		{"/f/" + live.ID, 200, "A live page", true},
		{"/f/" + gone.ID, 410, "This page was removed", true},
		{"/f/Unknown000001", 404, "find that page", true},
		{"/f/c00000000000z", 404, "find that page", true}, // not a check page: may be a fix page
		{"/f/short", 404, "find that page", false},
		{"/f/Unknown0000012", 404, "find that page", false},
		{"/f/Unknown00000%21", 404, "find that page", false},
		{"/f/Unknown-00001", 404, "find that page", false},
		{"/f/%3Cscript%3E1234", 404, "find that page", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before := cs.pages.Load()
			resp, html := e.Get(tt.path)
			if resp.StatusCode != tt.status || !strings.Contains(html, tt.want) {
				t.Fatalf("%d, want %d with %q:\n%s", resp.StatusCode, tt.status, tt.want, html)
			}
			if asked := cs.pages.Load() != before; asked != tt.lookup {
				t.Errorf("store asked: %v, want %v", asked, tt.lookup)
			}
			cache := "no-store"
			if tt.status == 200 {
				cache = "private, no-cache"
			}
			pageHeadersOK(t, resp, tpl, cache)
			if tt.status != 200 && (strings.Contains(html, "A revoked page") || strings.Contains(html, "secret-ish") || strings.Contains(html, "og:")) {
				t.Error("a missing page shows page content or previews")
			}
			if tt.status != 200 && !strings.Contains(html, `href="sms:&#43;15555550000"`) {
				t.Error("no way back to the bot")
			}
		})
	}
}

// HEAD /f/{id} answers like GET: the same status and headers, no body.
func TestPageHead(t *testing.T) {
	e, _, _ := newPagesEnv(t)
	ctx := context.Background()
	live := bot.Page{ID: "Live000000001", Kind: "fix", Title: "A live page", Created: time.Now()}
	gone := bot.Page{ID: "Gone000000001", Kind: "fix", Title: "A revoked page", Created: time.Now()}
	e.PutPage(live)
	e.PutPage(gone)
	if err := e.DB.RevokePage(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/f/" + live.ID, "/f/" + gone.ID, "/f/Unknown000001", "/f/short"} {
		t.Run(path, func(t *testing.T) {
			get, getBody := e.Get(path)
			req, err := http.NewRequest(http.MethodHead, e.HTTP.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			head, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := stacktest.ReadAll(t, head)
			if head.StatusCode != get.StatusCode || len(body) != 0 {
				t.Fatalf("HEAD: %d with %d bytes, GET: %d", head.StatusCode, len(body), get.StatusCode)
			}
			for _, h := range []string{"Content-Type", "Content-Security-Policy", "Cache-Control", "ETag", "X-Robots-Tag", "Referrer-Policy"} {
				if head.Header.Get(h) != get.Header.Get(h) {
					t.Errorf("%s: HEAD %q, GET %q", h, head.Header.Get(h), get.Header.Get(h))
				}
			}
			if head.ContentLength != int64(len(getBody)) {
				t.Errorf("HEAD Content-Length %d, GET body %d bytes", head.ContentLength, len(getBody))
			}
		})
	}
}

func TestPreviewImage(t *testing.T) {
	e, _, tpl := newPagesEnv(t)
	resp, body := e.Get("/static/preview.png")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || body != string(tpl.Preview()) {
		t.Fatalf("%d %q %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
}

// Without the bot's number there are no sms: links, and the page still
// says what to reply.
func TestPageWithoutSMSNumber(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken})
	e.PutPage(goldenPage())
	resp, html := e.Get("/f/" + goldenPage().ID)
	if resp.StatusCode != 200 || strings.Contains(html, "sms:") || !strings.Contains(html, "Reply <strong>YES</strong>") {
		t.Fatalf("%d\n%s", resp.StatusCode, html)
	}
}

// goldenPage is a fixed fix page: every section, a long command, an
// inferred answer.
func goldenPage() bot.Page {
	return bot.Page{
		ID: "G0ldenPage001", Kind: "fix", Flow: "claude-code-403", Node: "fix-claude-config",
		Title:   "Fix Claude Code's own key and base URL",
		Summary: "The key works from your shell, so Claude Code is sending a different key or calling a different address.",
		Steps: "1. In Claude Code, run `/status`. Note which login it uses and whether it shows a custom base URL.\n" +
			"2. Open `~/.claude/settings.json` and look in its `\"env\"` block for `ANTHROPIC_API_KEY` and\n   `ANTHROPIC_BASE_URL`. A key set there wins over the one in your shell:\n\n" +
			"   - replace a stale one with the key that passed the curl test, or\n   - delete it.\n" +
			"3. Quit Claude Code completely, open a new terminal and start `claude` again.\n",
		Commands: []string{
			"env | grep -i -E 'anthropic|claude' | cut -c1-40",
			`curl -s -w '\nHTTP %{http_code}\n' https://api.anthropic.com/v1/models -H "x-api-key: $ANTHROPIC_API_KEY" -H "anthropic-version: 2023-06-01"`,
			"unset ANTHROPIC_BASE_URL",
		},
		Sources:  []string{"https://code.claude.com/docs/en/settings", "https://code.claude.com/docs/en/troubleshooting"},
		Verified: "2026-11-30",
		Reported: "claude code keeps saying request failed with status code 403 <b>help</b>",
		Answers: []bot.Answer{
			{Node: "smoke-test", Question: "Run the curl test on the How page. What status came back?", Choice: 0, Label: "200 - curl worked", Text: "it worked fine with curl"},
			{Node: "proxy", Question: "Do you use a proxy or gateway?", Choice: 1, Label: "No", Inferred: true, From: 1},
		},
		Created: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
	}
}

// TestFixPageGolden pins the whole HTML of one page (go test ./web -run
// Golden -update rewrites it).
func TestFixPageGolden(t *testing.T) {
	e, _, _ := newPagesEnv(t)
	p := goldenPage()
	e.PutPage(p)
	resp, html := e.Get("/f/" + p.ID)
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	if len(html) >= 30<<10 {
		t.Errorf("page is %d bytes, over 30 KB", len(html))
	}
	golden := filepath.Join("testdata", "fixpage.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if html != string(want) {
		t.Errorf("page differs from %s (run with -update if intended):\n%s", golden, html)
	}
	t.Logf("golden page: %d bytes", len(html))
}

// Many people opening pages at once share one set of parsed templates.
func TestConcurrentPageViews(t *testing.T) {
	e, _, _ := newPagesEnv(t)
	p := goldenPage()
	e.PutPage(p)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		path := "/f/" + p.ID
		if i%2 == 1 {
			path = "/f/Unknown000001"
		}
		wg.Go(func() {
			resp, err := http.Get(e.HTTP.URL + path)
			if err != nil {
				t.Error(err)
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 && resp.StatusCode != 404 || len(body) == 0 {
				t.Errorf("%s: %d %v", path, resp.StatusCode, err)
			}
		})
	}
	wg.Wait()
}

// A page that retention deleted answers 410 "expired", not 404, and
// holds nothing of the page.
func TestExpiredPage(t *testing.T) {
	e, _, _ := newPagesEnv(t)
	ctx := context.Background()
	then := time.Now().Add(-100 * 24 * time.Hour)
	old := bot.Page{ID: "Old0000000001", Kind: "fix", Title: "An old page", Summary: "old summary", Created: then}
	err := e.DB.Update(ctx, "+15555550123", func(tx bot.Tx) error {
		if _, err := tx.Append("+15555550123", bot.Line{Dir: bot.In, Body: "claude code 403", At: then}); err != nil {
			return err
		}
		return tx.PutPage("+15555550123", old)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Retain(ctx, time.Now().Add(-90*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	resp, body := e.Get("/f/" + old.ID)
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "This page has expired") || strings.Contains(body, "old summary") {
		t.Errorf("an expired page: %d\n%s", resp.StatusCode, body)
	}
}
