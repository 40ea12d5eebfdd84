package templates_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

// embedded is the real template folder as a MapFS, to break one file at a
// time.
func embedded(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	names, err := fs.Glob(os.DirFS("."), "*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(names, "preview.png") {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: b}
	}
	return m
}

func TestParseEmbedded(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	csp := tpl.CSP()
	if strings.Contains(csp, "unsafe") || strings.Count(csp, "'sha256-") != 2 || !strings.HasPrefix(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if !bytes.HasPrefix(tpl.Preview(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Error("preview is not a PNG")
	}
}

// A missing or broken template fails Parse (start-up), never a request.
func TestParseFailsOnBrokenTemplates(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(m fstest.MapFS)
	}{
		{"syntax error", func(m fstest.MapFS) { m["page.html"] = &fstest.MapFile{Data: []byte("<p>{{.Page.Title</p>")} }},
		{"unknown field", func(m fstest.MapFS) { m["page.html"] = &fstest.MapFile{Data: []byte("<p>{{.Page.Nope}}</p>")} }},
		{"unknown function", func(m fstest.MapFS) { m["missing.html"] = &fstest.MapFile{Data: []byte("{{shout .Site}}")} }},
		{"page missing", func(m fstest.MapFS) { delete(m, "page.html") }},
		{"css block missing", func(m fstest.MapFS) { delete(m, "base.html") }},
		{"preview missing", func(m fstest.MapFS) { delete(m, "preview.png") }},
		{"unsafe context", func(m fstest.MapFS) {
			m["missing.html"] = &fstest.MapFile{Data: []byte(`<a href="{{.Site}}`)} // ends inside an attribute
		}},
	}
	if _, err := templates.ParseFS(embedded(t)); err != nil {
		t.Fatalf("the unbroken copy fails: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := embedded(t)
			tt.mutate(m)
			if tpl, err := templates.ParseFS(m); err == nil {
				t.Fatalf("Parse succeeded (%v)", tpl != nil)
			}
		})
	}
}

var (
	styleRe  = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	scriptRe = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
)

func render(t *testing.T, tpl *templates.Set, name string, v templates.View) string {
	t.Helper()
	var b bytes.Buffer
	if err := tpl.Render(&b, name, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The inline CSS and script are exactly the bytes the CSP allows.
func TestCSPHashesMatchInlineBlocks(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, tpl, templates.PageHTML, templates.View{Site: "textfix", Page: bot.Page{Kind: "fix", Title: "T", Commands: []string{"ls"}}})
	for _, re := range []*regexp.Regexp{styleRe, scriptRe} {
		m := re.FindAllStringSubmatch(html, -1)
		if len(m) != 1 {
			t.Fatalf("%s: %d matches", re, len(m))
		}
		sum := sha256.Sum256([]byte(m[0][1]))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(tpl.CSP(), h) {
			t.Errorf("%s: hash %s not in CSP %q", re, h, tpl.CSP())
		}
	}
	missing := render(t, tpl, templates.MissingHTML, templates.View{Site: "textfix"})
	if m := styleRe.FindStringSubmatch(missing); m == nil || !strings.Contains(html, m[1]) {
		t.Error("missing.html does not carry the same CSS")
	}
}

func TestMarkdownIsSafe(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, tpl, templates.PageHTML, templates.View{Site: "textfix", Page: bot.Page{Kind: "fix", Title: "T",
		Steps: "1. Run `ls`\n2. [bad](javascript:alert(1)) and [good](https://example.com)\n3. <script>alert(1)</script>"}})
	for _, want := range []string{"<ol>", "<code>ls</code>", `href="https://example.com"`} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered %q", bad)
		}
	}
}

// An answer taken from a text without asking says which text, and
// quotes it.
func TestInferredAnswerSaysWhichText(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, tpl, templates.PageHTML, templates.View{Site: "textfix", Page: bot.Page{Kind: "fix", Title: "T", Steps: "1. x",
		Answers: []bot.Answer{
			{Question: "Where is the key?", Label: ".env file", Text: "its in my .env", Inferred: true, From: 2},
			{Question: "Plan?", Label: "Max", Text: "i'm on max", Inferred: true, From: 1},
			{Question: "Proxy?", Label: "No", Inferred: true},
			{Question: "Curl?", Label: "200", Text: "worked"},
		}}})
	for _, want := range []string{
		"<dd>.env file <small>“its in my .env”</small> <small>(from your 2nd text)</small></dd>",
		"(from your first text)", "<dd>No <small>(from an earlier text)</small></dd>", "<dd>200 <small>“worked”</small></dd>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestSMSLink(t *testing.T) {
	tests := []struct{ number, body, want string }{
		{"+15555550000", "YES", "sms:+15555550000?&body=YES"},
		{"+1 (555) 555-0000", "", "sms:+15555550000"},
		{"+1555\"><script>", "NO", ""},
		{"", "YES", ""},
		{"MG123", "YES", ""},
	}
	for _, tt := range tests {
		if got := string(templates.View{SMSNumber: tt.number}.SMS(tt.body)); got != tt.want {
			t.Errorf("SMS(%q, %q) = %q, want %q", tt.number, tt.body, got, tt.want)
		}
	}
}

// The embedded folder holds only what Parse uses (no stray files shipped).
func TestEmbeddedFiles(t *testing.T) {
	names, err := fs.Glob(os.DirFS("."), "*.html")
	want := []string{"base.html", "console.html", templates.ConsoleConversation, templates.ConsoleEditor, templates.ConsoleInbox,
		templates.ConsoleLogin, templates.ConsoleOutbox, templates.ConsoleStats, templates.ConsoleFlow, templates.ConsoleTry,
		templates.MissingHTML, templates.PageHTML, templates.HomeHTML}
	slices.Sort(want)
	if err != nil || !slices.Equal(names, want) {
		t.Errorf("html files %v (%v), want %v", names, err, want)
	}
}

// A fix page says what became of the person's answer to "Did this fix
// it?": green only for YES; a NO says whether the next fix was texted or
// a person took over.
func TestFixPageFeedbackStates(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		fb        bot.FeedbackAnswer
		want, not []string
	}{
		{"", []string{"Reply <strong>YES</strong> or <strong>NO</strong>"}, []string{`class="fb`}},
		{bot.FeedbackYes, []string{`<p class="fb">You replied YES: this fixed it.</p>`}, []string{"NO:"}},
		{bot.FeedbackNo, []string{`<p class="fb next">`, "so we texted you the next thing to try."}, []string{"passed your conversation", `class="fb">`}},
		{bot.FeedbackNoHandoff, []string{`<p class="fb next">`, "so we passed your conversation to a person."}, []string{"next thing to try", "what to try next", `class="fb">`}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		v := templates.View{Site: "textfix", Page: bot.Page{ID: "0123456789abc", Kind: bot.PageFix, Title: "T", Feedback: tt.fb}}
		if err := tpl.Render(&b, templates.PageHTML, v); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("feedback %q: no %q", tt.fb, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(b.String(), n) {
				t.Errorf("feedback %q: says %q", tt.fb, n)
			}
		}
	}
}
