package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/textfix/textfix/flows"
)

// newBrowser starts Debian's chromium, headless, for one test and returns
// the chromedp context of a fresh tab; the browser stops when the test
// ends. Without chromium the test is skipped, unless CI=true: CI installs
// it (.ci/run), so there a missing browser is a failure.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; CI must install it (.ci/run)")
		}
		t.Skip("chromium is not installed: apt-get install chromium to run the browser tests")
	}
	// Created first, so it is removed after the browser has stopped.
	profile := t.TempDir()
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
	)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(bctx, 5*time.Second)
		_ = chromedp.Cancel(cctx)
		cancel()
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// saveScreenshot writes png under the test's temp dir, and also under
// $TEXTFIX_SCREENSHOTS when set (to look at it after the test).
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{t.TempDir()}
	if d := os.Getenv("TEXTFIX_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

// TestFixPageInBrowser opens a fix page in a real browser at phone size:
// the steps fit the width (long commands scroll inside their block), the
// inline CSS and script pass the CSP, and the copy button copies.
func TestFixPageInBrowser(t *testing.T) {
	e, _, _ := newPagesEnv(t)
	page := goldenPage()
	e.putPage(page)
	ctx := newBrowser(t)
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: e.ts.URL,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(e.ts.URL+"/f/"+page.ID),
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
	saveScreenshot(t, "fixpage-390.png", png)

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
	saveScreenshot(t, "fixpage-390-full.png", full)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	}); err != nil {
		t.Fatal(err)
	}
	full, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, "fixpage-390-dark-full.png", full)

	// A check page and the 404 page fit the phone too.
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"checkpage-390.png": "/f/" + lib.Flow("claude-code-403").CheckID("smoke-test"),
		"notfound-390.png":  "/f/nope",
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
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
		saveScreenshot(t, name, png)
	}
}
