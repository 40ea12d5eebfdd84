package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/keylock"
)

// lockTimeout is how long Open waits for another process to release the file.
const lockTimeout = time.Second

// initialMmap is the size bbolt maps at open. A transaction function reads
// from a snapshot (a read transaction) while the writer commits, and bbolt
// must wait for every read transaction to end before it maps a grown
// file; mapping ahead makes that rare. On Linux and macOS the file itself
// still grows only as data is written.
const initialMmap = 1 << 30

// ErrLocked is returned by Open when another process (or another Open in
// this process) holds the file.
var ErrLocked = errors.New("database is locked by another process")

// DB is the bbolt-backed store: one file, one process. Its methods are
// safe for concurrent use.
type DB struct {
	bolt   *bolt.DB
	writes *committer
	path   string
	locks  *keylock.Locks
	gate   *gate

	scrubWake, scrubStop chan struct{}
	scrubDone            sync.WaitGroup
	stopScrub            sync.Once
	backups              atomic.Int32 // backups being written: the scrub waits for them
	log                  *slog.Logger

	// tickets and outbox are the last ticket number and outbox id handed
	// out: transactions take numbers from here, outside the writer, and
	// the writer raises the buckets' sequences to match.
	tickets, outbox atomic.Uint64

	mu          sync.Mutex
	lastClaimed map[string]time.Time // recipient → when ClaimDue last leased a message to it
	lastSlot    time.Time            // the last slot NextSendSlot reserved

	// Now is the clock used for claim times, and for lines and outbox
	// messages stored without a time. Open sets it to time.Now; tests may
	// replace it before use.
	Now func() time.Time
	// ScrubDelay is how long after an erase (Forget, Retain) the free
	// pages are scrubbed (scrub.go), so that erases close in time share
	// one scrub. Open sets it to 30 s; tests may change it before use.
	ScrubDelay time.Duration
}

var _ bot.Store = (*DB)(nil)

// Option configures Open.
type Option func(*options)

type options struct {
	log       *slog.Logger
	skipCheck bool
}

// WithoutCheck skips the check of every page at Open (TEXTFIX_SKIP_CHECK):
// the meta pages and the file's size are still checked.
func WithoutCheck() Option { return func(o *options) { o.skipCheck = true } }

// WithLogger sends what the store has to say (a migration's progress, a
// scrub that keeps failing) to log; without it the store says nothing.
func WithLogger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

// Open opens or creates the database file at path, creating its directory
// if needed, migrates a file of an older layout (once; migrate.go) and
// makes sure every bucket exists. If another process holds the file, Open
// gives up after one second with an error wrapping [ErrLocked].
//
// Before it changes anything, Open checks the file (check.go): its meta
// pages and size, then, unless [WithoutCheck], every page for at most 20
// s. A damaged file, or an empty one that Open did not just create, gives
// one line wrapping [ErrDamaged] that says what is wrong.
func Open(path string, opts ...Option) (*DB, error) {
	o := options{log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
	if err := checkMeta(path); err != nil {
		return nil, err
	}
	if !o.skipCheck {
		// Before bbolt reads a page: a tree that loops would keep its
		// cursor (and the check below) going for ever.
		if why := checkPages(path, time.Now().Add(checkBudget)); why != "" {
			return nil, damaged(path, why)
		}
	}
	b, err := openChecked(path, &bolt.Options{Timeout: lockTimeout, InitialMmapSize: initialMmap})
	if err != nil {
		return nil, err
	}
	if !o.skipCheck {
		if why := checkTree(b, checkBudget); why != "" {
			_ = b.Close() // the damage is the error to report
			return nil, damaged(path, why)
		}
	}
	db := &DB{bolt: b, path: path, locks: keylock.New(), gate: newGate(), lastClaimed: map[string]time.Time{}, Now: time.Now, log: o.log,
		ScrubDelay: scrubDelay, scrubWake: make(chan struct{}, 1), scrubStop: make(chan struct{})}
	if _, err := migrate(b, o.log); err != nil {
		_ = b.Close() // the migration's error is the one to report
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		if err := createBuckets(tx); err != nil {
			return err
		}
		db.tickets.Store(lastNumber(tx.Bucket(bucketKeys[atTickets])))
		db.outbox.Store(lastNumber(tx.Bucket(bucketKeys[atOutbox])))
		return nil
	})
	if err != nil {
		_ = b.Close() // the open error is the one to report
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.writes = newCommitter(b)
	if !db.scrubbed() { // an erase before a crash
		if _, err := db.Scrub(context.Background()); err != nil {
			_ = db.Close() // the scrub's error is the one to report
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
	db.scrubDone.Go(db.scrubLoop)
	return db, nil
}

// createBuckets makes every bucket of the layout that does not exist.
func createBuckets(tx *bolt.Tx) error {
	for _, name := range bucketKeys {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
	}
	return nil
}

// lastNumber is the highest number handed out in a bucket keyed by 8-byte
// numbers: its sequence, or its last key if that is higher.
func lastNumber(b *bolt.Bucket) uint64 {
	n := b.Sequence()
	if k, _ := b.Cursor().Last(); len(k) == 8 {
		n = max(n, binary.BigEndian.Uint64(k))
	}
	return n
}

// Close commits the writes already queued and releases the file. Calls
// after the first return nil.
func (db *DB) Close() error {
	if db.writes.isClosed() {
		return nil
	}
	db.stopScrub.Do(func() { close(db.scrubStop) })
	db.scrubDone.Wait()
	if !db.scrubbed() {
		if _, err := db.Scrub(context.Background()); err != nil {
			db.writes.close()
			_ = db.bolt.Close() // the scrub's error is the one to report
			return fmt.Errorf("store: close: %w", err)
		}
	}
	db.writes.close()
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Path is the file the store was opened on.
func (db *DB) Path() string { return db.path }

// Ping runs an empty read transaction; it fails once the store is
// closed, and while the last commit failed for lack of space or an I/O
// error (until a commit succeeds again).
func (db *DB) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := db.writes.lastFault(); err != nil {
		return fmt.Errorf("store: ping: the last write failed: %w", err)
	}
	if err := db.read(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("store: ping: %w", closedErr(err))
	}
	return nil
}

// Leader reports true: one process holds the file, so it runs the timers.
func (db *DB) Leader(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: leader: %w", err)
	}
	return true, nil
}

// openErr is bolt.Open's error as Open reports it.
func openErr(path string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("store: open %s: %w", path, ErrLocked)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, bolterrors.ErrVersionMismatch):
		return damaged(path, err.Error())
	}
	return fmt.Errorf("store: open %s: %w", path, err)
}

// closedErr turns bbolt's "not open" into ErrClosed.
func closedErr(err error) error {
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}
