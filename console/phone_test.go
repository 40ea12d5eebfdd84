package console_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/textfix/textfix/internal/stacktest"
)

// Every console page fits a phone: at 390 and 360 px wide nothing
// scrolls sideways (the document is no wider than the viewport), with a
// waiting ticket whose summary is long, a long transcript line and a
// long unbroken word. The inbox, the conversation and the fix page editor
// are saved as screenshots at 390 px.
func TestConsoleAtPhoneWidth(t *testing.T) {
	ctx := stacktest.NewBrowser(t) // first: skipped under -short
	shots := t.TempDir()
	s := stacktest.New(t, stacktest.Options{Token: testToken, Password: consolePassword, Operators: []string{operator}, OwnURL: true})
	s.Say("+15555550111", "claude code 403 unusual activity on my api key")
	s.Say(personA, `claude code keeps saying "request failed with status code 403" since this morning, `+
		`https://console.anthropic.com/settings/keys/a-very-long-address-without-a-single-break-0123456789abcdef`)
	s.Say(personA, "I use an api key")
	s.Say(personA, "HUMAN")
	s.Twilio.WaitFor(t, 1, 5*time.Second)

	pages := []struct{ name, path, ready string }{
		{"login", "/console/login", "#password"},
		{"inbox", "/console", ".tickets"},
		{"inbox-handoff", "/console?status=handoff", "table.list"},
		{"conversation", "/console/conversation?phone=" + url.QueryEscape(personA), "#transcript"},
		{"editor", "/console/tickets/1/page", "#title"},
		{"try", "/console/try", "#say"},
		{"outbox", "/console/outbox", "#outbox"},
		{"stats", "/console/stats", "table.list"},
		{"flow", "/console/stats/claude-code-403", ".picture img"},
	}
	for _, width := range []int64{390, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if p.name == "inbox" && width == 390 {
				// Log in on the way (the login page was measured first).
				if err := chromedp.Do(ctx,
					chromedp.SendKeys(chromedp.CSS("#password"), consolePassword),
					chromedp.Submit(chromedp.CSS("#password")),
					chromedp.WaitVisible(chromedp.CSS(".tickets"))); err != nil {
					t.Fatalf("log in: %v", err)
				}
			}
			if p.name == "login" && width != 390 {
				continue // signed in by now
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(s.Base+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready))); err != nil {
				t.Fatalf("%s at %d: %v", p.name, width, err)
			}
			// Widest names the first element past the edge that no scrolling
			// box holds (a wide table may scroll inside its own box).
			got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
				Viewport, Document float64
				Widest             string
			}](`(() => {
				const edge = `+strconv.FormatInt(width, 10)+`;
				const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; } return false; };
				let widest = "";
				for (const el of document.querySelectorAll("body *")) {
					const r = el.getBoundingClientRect();
					if (r.right > edge + 0.5 && !scrolls(el)) {
						widest = el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") + " right=" + Math.round(r.right);
						break;
					}
				}
				return {Viewport: window.innerWidth, Document: document.documentElement.scrollWidth, Widest: widest};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if got.Viewport != float64(width) || got.Document > float64(width) {
				t.Errorf("%s at %d px: the document is %v px wide in a %v px viewport (first element past the edge: %s)",
					p.name, width, got.Document, got.Viewport, got.Widest)
			}
			if width == 390 && strings.Contains("inbox conversation editor", p.name) && !strings.Contains(p.name, "-") {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				stacktest.SaveScreenshot(t, shots, "console-"+p.name+"-390.png", png)
			}
		}
	}
}
