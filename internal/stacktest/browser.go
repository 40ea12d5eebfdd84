package stacktest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// SkipSlow skips a slow test (a browser, a real process, several seconds
// of work) under go test -short; .ci/run runs without -short.
func SkipSlow(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skip(what + ": slow; runs without -short and in .ci/run")
	}
}

// NewBrowser starts Debian's chromium, headless, for one test and returns
// the chromedp context of a fresh tab; the browser stops when the test
// ends, and lives as long as the test may (a fixed timeout of its own
// would fail a slow -race run on a busy machine before go test's -timeout
// does). opts are more allocator options (chromedp.Flag …). Browser tests
// are slow: under -short they are skipped. Without chromium the test is
// skipped too, unless CI=true: CI installs it (.ci/run), so there a
// missing browser is a failure.
func NewBrowser(t testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	SkipSlow(t, "browser test")
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
	deadline := time.Now().Add(30 * time.Minute)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if td, ok := d.Deadline(); ok {
			deadline = td.Add(-30 * time.Second)
		}
	}
	ctx, cancelTimeout := context.WithDeadline(context.Background(), deadline)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, append([]chromedp.ExecAllocatorOption{
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
	}, opts...)...)
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

// SaveScreenshot writes png under dir (the test's temp dir, say), and
// also under $TEXTFIX_SCREENSHOTS when set (to look at it after the test),
// and returns the first path.
func SaveScreenshot(t *testing.T, dir, name string, png []byte) string {
	t.Helper()
	dirs := []string{dir}
	if d := os.Getenv("TEXTFIX_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil { //nolint:gosec // a screenshot for people to look at
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	return filepath.Join(dir, name)
}
