package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/textfix/textfix/internal/stacktest"
)

// TestFixPageInBrowser opens a fix page in a real browser at phone size:
// the steps fit the width (long commands scroll inside their block), the
// inline CSS and script pass the CSP, and the copy button copies.
func TestFixPageInBrowser(t *testing.T) {
	ctx := stacktest.NewBrowser(t) // first: skipped under -short
	shots := t.TempDir()
	e, _, _ := newPagesEnv(t)
	page := goldenPage()
	e.PutPage(page)
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: e.HTTP.URL,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(e.HTTP.URL+"/f/"+page.ID),
		// Visible only if the hashed inline script ran under the CSP.
		chromedp.WaitVisible(chromedp.CSS(`button[data-copy="cmd1"]`)),
	); err != nil {
		t.Fatal(err)
	}

	type layout struct {
		ViewportWidth, PageWidth float64
		StepsLeft, StepsRight    float64
		StepsVisible             bool
		CodeOverflowX            string
		CodeScrolls              bool
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[layout](`(() => {
		const steps = document.querySelector(".steps").getBoundingClientRect();
		const items = [...document.querySelectorAll(".steps li")];
		const pre = document.querySelectorAll(".cmd pre")[1];
		return {
			ViewportWidth: window.innerWidth,
			PageWidth: document.documentElement.scrollWidth,
			StepsLeft: steps.left, StepsRight: steps.right,
			StepsVisible: items.length > 0 && items.every(li => {
				const r = li.getBoundingClientRect();
				return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth;
			}),
			CodeOverflowX: getComputedStyle(pre).overflowX,
			CodeScrolls: pre.scrollWidth > pre.clientWidth,
		};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("layout at 390 px: %+v", got)
	if got.ViewportWidth != 390 || got.PageWidth > got.ViewportWidth {
		t.Errorf("horizontal scroll: page %v px wide in a %v px viewport", got.PageWidth, got.ViewportWidth)
	}
	if !got.StepsVisible || got.StepsLeft < 0 || got.StepsRight > got.ViewportWidth {
		t.Errorf("steps not within the viewport: %+v", got)
	}
	// The hashed inline CSS applied, and the long command scrolls inside
	// its own block.
	if got.CodeOverflowX != "auto" || !got.CodeScrolls {
		t.Errorf("long command: overflow-x %q, scrolls inside %v", got.CodeOverflowX, got.CodeScrolls)
	}

	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	stacktest.SaveScreenshot(t, shots, "fixpage-390.png", png)

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-copy="cmd1"]`))); err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(ctx, chromedp.Poll[string](`document.querySelector('button[data-copy="cmd1"]').getAttribute("data-copied")`,
		chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil {
		t.Fatalf("the copy button reported nothing: %v", err)
	}
	clip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	switch {
	case err == nil && clip != page.Commands[0]:
		t.Errorf("clipboard %q, want %q", clip, page.Commands[0])
	case err != nil && state != "yes":
		t.Errorf("copy failed (button says %q) and the clipboard is unreadable: %v", state, err)
	case err != nil:
		t.Logf("clipboard unreadable here (%v); the button reported the copy", err)
	}

	// The whole page, in light and dark mode, for a look.
	full, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	stacktest.SaveScreenshot(t, shots, "fixpage-390-full.png", full)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	}); err != nil {
		t.Fatal(err)
	}
	full, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	stacktest.SaveScreenshot(t, shots, "fixpage-390-dark-full.png", full)

	// A check page and the 404 page fit the phone too.
	lib := stacktest.Flows(t)
	for name, path := range map[string]string{
		"checkpage-390.png": "/f/" + lib.Flow("claude-code-403").CheckID("smoke-test"),
		"notfound-390.png":  "/f/nope",
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+path), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatal(err)
		}
		width, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 390 {
			t.Errorf("%s: page is %v px wide at 390", path, width)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		stacktest.SaveScreenshot(t, shots, name, png)
	}
}
