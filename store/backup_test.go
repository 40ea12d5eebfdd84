package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

// Backups are taken while the store serves, checked, and pruned to the
// newest keep; Restore refuses a damaged backup and a file in use, and
// puts a good one in place of a stopped server's file.
func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "textfix.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	others(t, db, 30)
	dir := filepath.Join(t.TempDir(), "backups")
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var last string
	for i := range 3 {
		if last, err = db.BackupTo(ctx, dir, 2, start.Add(time.Duration(i)*6*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	names, err := store.Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{bot.BackupName(start.Add(6 * time.Hour)), bot.BackupName(start.Add(12 * time.Hour))}; len(names) != 2 || names[0] != want[0] || names[1] != want[1] {
		t.Errorf("backups kept: %q, want %q", names, want)
	}
	if filepath.Base(last) != names[1] {
		t.Errorf("BackupTo returned %s, want the newest", last)
	}

	// While the server holds the file, restore refuses.
	if err := store.Restore(last, path); !errors.Is(err, store.ErrLocked) {
		t.Errorf("restore onto a file in use: %v, want ErrLocked", err)
	}
	// Texts after the backup; the restore takes the file back to it.
	if _, _, err := db.Inbound(ctx, bot.Claim{SID: "SMafter", From: person.phone}, text(person.phone, "SMafter", "after the backup")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	bad := damage(t, last, func(b []byte) []byte { return b[:8<<10] })
	if err := store.Restore(bad, path); !errors.Is(err, store.ErrDamaged) {
		t.Errorf("restore of a damaged backup: %v, want ErrDamaged", err)
	}
	if err := store.Restore(last, path); err != nil {
		t.Fatal(err)
	}
	db = mustOpenAt(t, path)
	if _, err := db.Conversation(ctx, "+14440000007"); err != nil {
		t.Errorf("a conversation from before the backup: %v", err)
	}
	if _, err := db.Conversation(ctx, person.phone); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a conversation from after the backup: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(path + ".restore"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the restore left its temporary file: %v", err)
	}
}
