package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

var _ bot.Backuper = (*DB)(nil)

// Backup implements bot.Backuper: bbolt's WriteTo in one read
// transaction, so the copy is consistent while texts go on. An erase not
// yet scrubbed is scrubbed first, so that the copy holds none of it.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	if !db.scrubbed() {
		_, _ = db.Scrub(ctx) // best effort: a busy scrub runs again later
	}
	db.backups.Add(1)
	defer db.backups.Add(-1)
	var n int64
	err := db.read(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", closedErr(err))
	}
	return n, nil
}

// BackupTo writes a backup into dir (created if needed) named for now,
// (bot.BackupName), checks it as Open would ([CheckFile]), and then deletes the oldest
// backups in dir beyond keep. A backup that fails its check is deleted
// and reported. It returns the new backup's path.
func (db *DB) BackupTo(ctx context.Context, dir string, keep int, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("store: backup: %w", err)
	}
	path := filepath.Join(dir, bot.BackupName(now))
	part := path + ".part"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) //nolint:gosec // the operator's TEXTFIX_BACKUP_DIR
	if err != nil {
		return "", fmt.Errorf("store: backup: %w", err)
	}
	_, err = db.Backup(ctx, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = CheckFile(part, checkBudget)
	}
	if err == nil {
		err = os.Rename(part, path)
	}
	if err != nil {
		_ = os.Remove(part) // a broken backup is no backup
		return "", fmt.Errorf("store: backup: %w", err)
	}
	syncDir(dir)
	return path, pruneBackups(dir, keep)
}

// pruneBackups deletes the oldest backups in dir beyond keep.
func pruneBackups(dir string, keep int) error {
	names, err := Backups(dir)
	if err != nil {
		return err
	}
	for len(names) > max(keep, 1) {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: prune backups: %w", err)
		}
		names = names[1:]
	}
	return nil
}

// Backups lists the backups in dir by name, oldest first.
func Backups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("store: backups: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, "textfix-") && strings.HasSuffix(n, ".db") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Restore puts the backup at src in place of the database file at dst,
// for a stopped server. It refuses a backup that fails [CheckFile], and a
// dst that a process holds (an error wrapping [ErrLocked]). The copy
// goes to a temporary file beside dst, is synced, and replaces dst in one
// rename: a crash leaves the old file or the new one.
func Restore(src, dst string) error {
	if err := CheckFile(src, checkBudget); err != nil {
		var d *damageError
		if errors.As(err, &d) {
			return fmt.Errorf("store: restore: the backup %s is %w (%s); nothing was changed: restore another backup", src, ErrDamaged, d.what)
		}
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if _, err := os.Stat(dst); err == nil && checkMeta(dst) == nil {
		held, err := openChecked(dst, &bolt.Options{Timeout: lockTimeout, ReadOnly: true})
		if errors.Is(err, ErrLocked) {
			return fmt.Errorf("store: restore: %s: %w: stop the server first", dst, ErrLocked)
		}
		if err == nil {
			defer held.Close() //nolint:errcheck // read only; held to keep a server from opening dst meanwhile
		}
	}
	in, err := os.Open(src) //nolint:gosec // the backup the operator names on the command line
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	defer in.Close() //nolint:errcheck // read only
	tmp := dst + ".restore"
	if err := copyFile(tmp, in); err != nil {
		_ = os.Remove(tmp) // half a copy is nothing
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp) // the rename's error is the one to report
		return fmt.Errorf("store: restore: %w", err)
	}
	syncDir(filepath.Dir(dst))
	return nil
}

// syncDir makes a rename in dir durable, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil { //nolint:gosec // a folder of the store's own files
		_ = d.Sync() // not every system syncs a directory; the rename stands either way
		_ = d.Close()
	}
}
