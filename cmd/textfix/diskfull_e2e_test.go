//go:build linux

package main_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/textfix/textfix/internal/stacktest"
)

// A full disk, for real (root only: a 4 MiB tmpfs; skipped otherwise):
// /healthz says 503 once a text fails for lack of space, and 200 again
// once a text is stored.
func TestDiskFullProcess(t *testing.T) {
	textfixBinary(t) // skips under -short
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	p := start(t, "TEXTFIX_DB="+filepath.Join(dir, "textfix.db"))
	healthz := func() int {
		resp, err := http.Get("http://" + p.addr + "/healthz")
		if err != nil {
			t.Fatalf("healthz: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := healthz(); code != http.StatusOK {
		t.Fatalf("healthz before: %d", code)
	}
	filler := stacktest.FillDisk(t, dir)
	failed := false
	for i := range 300 {
		code, err := p.text(fmt.Sprintf("+1777%07d", i), fmt.Sprintf("SMfull%d", i), "claude code 403 "+strings.Repeat("x", 1000))
		if err != nil {
			t.Fatalf("text %d: %v (the process died?)\n%s", i, err, p.logs)
		}
		if code != http.StatusOK {
			failed = true
			break
		}
	}
	if !failed {
		t.Fatal("no text failed on a full disk")
	}
	if code := healthz(); code != http.StatusServiceUnavailable {
		t.Errorf("healthz on a full disk: %d, want 503\n%s", code, p.logs)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if code, err := p.text("+17779999999", "SMroom", "claude code 403"); err != nil || code != http.StatusOK {
		t.Fatalf("a text once there is room: %d %v", code, err)
	}
	if code := healthz(); code != http.StatusOK {
		t.Errorf("healthz once a write went through: %d, want 200", code)
	}
}
