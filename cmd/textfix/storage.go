package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/postgres"
	"github.com/textfix/textfix/store"
)

// storage is the store the configuration picks, and what the backend
// offers beyond the contract.
type storage struct {
	bot.Store
	// where names it for logs: the file, or "postgres".
	where string
	// listen wakes the outbox when another instance queues a message,
	// until ctx is done; nil when one process is all there is.
	listen func(ctx context.Context, wake func(), failed func(error))
	// warm opens the connections texts will need before the first
	// arrives; nil when there are none to open.
	warm func(ctx context.Context)
	// fold, run by the leader, folds the counts texts appended into the
	// analytics totals; nil when the backend counts in place.
	fold func(ctx context.Context) (int, error)
	// retain deletes what is older than before (TEXTFIX_RETAIN); both
	// backends have it.
	retain func(ctx context.Context, before time.Time) (int, error)
	// backup streams a snapshot (/console/backup), and backupTo writes
	// a checked one into a folder (TEXTFIX_BACKUP_DIR): the bbolt file's
	// alone, nil for PostgreSQL, which has its own tools.
	backup   bot.Backuper
	backupTo func(ctx context.Context, dir string, keep int, now time.Time) (string, error)
}

// openStorage opens PostgreSQL when cfg.DatabaseURL is set, else the
// bbolt file cfg.DB; log hears the bbolt file's migration at Open.
func openStorage(ctx context.Context, cfg Config, log *slog.Logger) (*storage, error) {
	if cfg.DatabaseURL == "" {
		db, err := store.Open(cfg.DB, cfg.StoreOptions(log)...)
		if err != nil {
			return nil, err
		}
		return &storage{Store: db, where: cfg.DB, retain: db.Retain, backup: db, backupTo: db.BackupTo}, nil
	}
	if cfg.BackupDir != "" {
		return nil, errors.New("config: TEXTFIX_BACKUP_DIR backs up the bbolt file; with TEXTFIX_DATABASE_URL use PostgreSQL's own backups (pg_dump, the provider's snapshots)")
	}
	db, err := postgres.Open(ctx, postgres.Config{URL: cfg.DatabaseURL, DirectURL: cfg.DatabaseDirectURL})
	if err != nil {
		return nil, err
	}
	return &storage{Store: db, where: "postgres", listen: db.Listen, warm: db.Warm, fold: db.FoldCounters, retain: db.Retain}, nil
}

// openForCLI opens the database a command names: --db (a file or a
// postgres:// URL), else TEXTFIX_DATABASE_URL, else TEXTFIX_DB. A bbolt
// file a running server holds gives one line saying so, with the console
// page (a path under the public URL) that does the same thing meanwhile;
// PostgreSQL serves both at once.
func (cli *CLI) openForCLI(ctx context.Context, db, consolePage string) (bot.Store, error) {
	cfg, err := cli.config()
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(cli.Stderr, nil))
	switch {
	case IsDatabaseURL(db):
		cfg.DatabaseURL, cfg.DatabaseDirectURL = db, db
	case db != "":
		cfg.DatabaseURL, cfg.DB = "", db
	}
	if cfg.DatabaseURL != "" {
		s, err := openStorage(ctx, cfg, log)
		if err != nil {
			return nil, err
		}
		return s.Store, nil
	}
	if _, err := os.Stat(cfg.DB); err != nil { //nolint:gosec // the operator names the file on their own command line
		return nil, fmt.Errorf("no database at %s (set --db, TEXTFIX_DB or TEXTFIX_DATABASE_URL)", cfg.DB)
	}
	s, err := store.Open(cfg.DB, cfg.StoreOptions(log)...)
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("the server is using %s; use %s%s instead, or stop the server", cfg.DB, cfg.PublicURL, consolePage)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}
