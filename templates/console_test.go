package templates_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

// Console pages carry two inline styles and one script, all allowed by
// hash and nothing else; the preview policy differs from the fix page's
// only in who may frame it.
func TestConsoleCSP(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	csp := tpl.ConsoleCSP()
	if strings.Contains(csp, "unsafe") || strings.Count(csp, "'sha256-") != 3 || !strings.HasPrefix(csp, "default-src 'none'") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("console CSP %q", csp)
	}
	if want := strings.Replace(tpl.CSP(), "frame-ancestors 'none'", "frame-ancestors 'self'", 1); tpl.PreviewCSP() != want {
		t.Errorf("preview CSP %q, want %q", tpl.PreviewCSP(), want)
	}
	var b bytes.Buffer
	v := templates.ConsoleView{Site: "textfix", Title: "T", CSRF: "tok", SignedIn: true, Now: time.Now(),
		Try: &templates.TryView{Phone: "+15550001234", Lines: []bot.Line{{Dir: bot.In, Body: "hi"}}}}
	if err := tpl.RenderConsole(&b, templates.ConsoleTry, v); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, re := range []struct {
		name string
		n    int
		m    [][]string
	}{{"style", 2, styleRe.FindAllStringSubmatch(page, -1)}, {"script", 1, scriptRe.FindAllStringSubmatch(page, -1)}} {
		if len(re.m) != re.n {
			t.Fatalf("%s: %d blocks, want %d", re.name, len(re.m), re.n)
		}
		for _, m := range re.m {
			sum := sha256.Sum256([]byte(m[1]))
			if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, h) {
				t.Errorf("%s: hash %s not in the console CSP", re.name, h)
			}
			if strings.Contains(m[1], "&lt;") || strings.Contains(m[1], "&amp;") {
				t.Errorf("%s block was HTML-escaped (keep '<' out of it)", re.name)
			}
		}
	}
	if strings.Contains(page, `style="`) {
		t.Error("an inline style attribute: the CSP blocks it")
	}
}

// Links in texts become links, and only http(s) ones.
func TestConsoleLinks(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	v := templates.ConsoleView{Site: "textfix", Now: time.Now(), Try: &templates.TryView{Phone: "+15550001234", Lines: []bot.Line{
		{Dir: bot.Out, Body: "Your fix: https://x.example/f/abc. Or javascript:alert(1) <b>x</b>"},
	}}}
	if err := tpl.RenderConsole(&b, templates.ConsoleTry, v); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, `<a href="https://x.example/f/abc">https://x.example/f/abc</a>. Or javascript:alert(1) &lt;b&gt;x&lt;/b&gt;`) {
		t.Errorf("linkified text wrong:\n%s", page)
	}
}

// The inbox cuts a long last message at a word, with an ellipsis, on one
// line.
func TestInboxClipsAtAWord(t *testing.T) {
	tpl, err := templates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	body := "First take Claude Code out of the picture:\nrun the curl test on the check page, then tell me what status came back and what the body says"
	v := templates.ConsoleView{Site: "textfix", Title: "T", CSRF: "tok", SignedIn: true, Now: time.Now(),
		Inbox: &templates.InboxView{Convs: []templates.ConvRow{{Conv: bot.Conversation{Phone: "+15555550100"}, Last: bot.Line{Dir: bot.Out, Body: body}}}, Total: 1, From: 1, To: 1}}
	var b bytes.Buffer
	if err := tpl.RenderConsole(&b, templates.ConsoleInbox, v); err != nil {
		t.Fatal(err)
	}
	if want := "First take Claude Code out of the picture: run the curl test on the check page, then…"; !strings.Contains(b.String(), want) {
		t.Errorf("no %q in\n%s", want, b.String())
	}
}
