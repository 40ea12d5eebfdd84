//go:build linux

package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/store"
)

// A full disk, for real: the store on a 4 MiB tmpfs (root only; skipped
// otherwise) that a filler file fills. Ping, which /healthz asks, fails
// while the last write failed for lack of space, and answers again once
// a write goes through.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	ctx := context.Background()
	db, err := store.Open(filepath.Join(dir, "textfix.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	others(t, db, 5)
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping before the disk is full: %v", err)
	}

	filler := stacktest.FillDisk(t, dir)

	var failed error
	for i := range 200 {
		p := fmt.Sprintf("+1888%07d", i)
		sid := fmt.Sprintf("SMfull%d", i)
		_, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: p}, text(p, sid, strings.Repeat("fill the disk ", 100)))
		if err != nil {
			failed = err
			break
		}
	}
	if !errors.Is(failed, syscall.ENOSPC) {
		t.Fatalf("texts on a full disk: %v, want ENOSPC", failed)
	}
	if err := db.Ping(ctx); err == nil || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Ping after a write failed for space: %v, want an error naming ENOSPC", err)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Inbound(ctx, bot.Claim{SID: "SMroom", From: phone}, text(phone, "SMroom", "room again")); err != nil {
		t.Fatalf("a text once there is room: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping after a write went through again: %v", err)
	}
	if _, err := db.Conversation(ctx, phone); err != nil {
		t.Errorf("the text stored after the disk had room: %v", err)
	}
}
