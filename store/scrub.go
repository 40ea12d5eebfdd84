package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Forgotten data must not stay readable in the file. bbolt never writes
// a page in place: a change writes new pages and frees the old ones,
// which keep their bytes until they are reused. So after a change that
// erases a person ([DB.Forget]) or expires data ([DB.Retain]), the store
// scrubs: it overwrites every free page that is not all zero with zeros,
// and syncs. Pages in use never hold what was deleted (bbolt writes each
// page from a zeroed buffer), so after a scrub the deleted bytes are
// nowhere in the file.
//
// A free page may still be read by a read transaction that began before
// it was freed (bbolt calls it pending). The scrub therefore runs in the
// writer, between commits, inside a write transaction that begins while
// no read transaction is open: the gate stops new snapshots, waits up to
// scrubWait for the open ones to end (a text's snapshot lasts
// milliseconds), and bbolt then releases every pending page. If a
// snapshot outlasts scrubWait the scrub gives way and tries again later.
//
// The erasing transaction sets a marker in meta; the scrub clears it in
// its own transaction. A process that dies in between scrubs at its next
// Open, and Close scrubs before it releases the file, so a CLI forget
// leaves no trace when it exits. In the server, scrubs are coalesced:
// one runs scrubDelay after the first erase that needs it.

var metaScrub = []byte("scrub") // in meta: an erase is not yet scrubbed

const (
	scrubDelay = 30 * time.Second
	scrubRetry = 5 * time.Second
	scrubWait  = 2 * time.Second
)

// gate lets snapshots in, or holds new ones off while the scrub waits for
// the open ones to end.
type gate struct {
	mu      sync.Mutex
	cond    *sync.Cond
	readers int
	shut    bool
}

func newGate() *gate {
	g := &gate{}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *gate) enter() {
	g.mu.Lock()
	for g.shut {
		g.cond.Wait()
	}
	g.readers++
	g.mu.Unlock()
}

func (g *gate) leave() {
	g.mu.Lock()
	g.readers--
	if g.readers == 0 {
		g.cond.Broadcast()
	}
	g.mu.Unlock()
}

// close stops new snapshots and waits up to d for the open ones to end;
// false means they did not, and the gate is open again.
func (g *gate) close(d time.Duration) bool {
	timer := time.AfterFunc(d, func() { g.mu.Lock(); g.cond.Broadcast(); g.mu.Unlock() })
	defer timer.Stop()
	deadline := time.Now().Add(d)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut = true
	for g.readers > 0 {
		if time.Now().After(deadline) {
			g.shut = false
			g.cond.Broadcast()
			return false
		}
		g.cond.Wait()
	}
	return true
}

func (g *gate) open() {
	g.mu.Lock()
	g.shut = false
	g.cond.Broadcast()
	g.mu.Unlock()
}

// read runs fn in a bbolt read transaction that the scrub waits for.
func (db *DB) read(fn func(*bolt.Tx) error) error {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db.gate.enter()
	defer db.gate.leave()
	return db.bolt.View(fn)
}

// markErased is what an erasing transaction writes: the scrub is due.
func (st *stage) markErased() error {
	return st.put(atMeta, metaScrub, []byte{1})
}

// noteErased wakes the scrubber after an erase committed.
func (db *DB) noteErased() {
	select {
	case db.scrubWake <- struct{}{}:
	default:
	}
}

// scrubLoop scrubs scrubDelay after an erase, until Close.
func (db *DB) scrubLoop() {
	for {
		select {
		case <-db.scrubStop:
			return
		case <-db.scrubWake:
		}
		delay := db.ScrubDelay
		for {
			select {
			case <-db.scrubStop:
				return
			case <-time.After(delay):
			}
			_, err := db.Scrub(context.Background())
			if err == nil {
				break
			}
			level := slog.LevelWarn
			if errors.Is(err, errScrubBusy) {
				level = slog.LevelDebug
			}
			db.log.Log(context.Background(), level, "scrub of erased data postponed", "err", err, "retry_in", scrubRetry.String())
			delay = scrubRetry
		}
	}
}

// Scrub overwrites the file's free pages with zeros if an erase is not
// yet scrubbed, and reports how many pages it wrote. It runs in the
// writer between commits; it fails (and nothing is lost: the marker
// stays) when snapshots stay open longer than a couple of seconds.
func (db *DB) Scrub(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: scrub: %w", err)
	}
	n := 0
	err := db.writes.solo(func() error {
		if db.backups.Load() > 0 { // a download may take minutes: wait for it without holding texts up
			return errScrubBusy
		}
		if !db.gate.close(scrubWait) {
			return errScrubBusy
		}
		defer db.gate.open()
		return db.bolt.Update(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketKeys[atMeta])
			if meta == nil || meta.Get(metaScrub) == nil {
				return nil
			}
			var err error
			if n, err = zeroFreePages(tx, db.path); err != nil {
				return err
			}
			return meta.Delete(metaScrub)
		})
	})
	if err != nil {
		return n, fmt.Errorf("store: scrub: %w", err)
	}
	return n, nil
}

var errScrubBusy = fmt.Errorf("a backup is being written, or snapshots stayed open longer than %v; will try again", scrubWait)

// zeroFreePages writes zeros over every free page of the file that is
// not all zero already, and syncs. It must run in a write transaction
// begun while no read transaction was open, so that no free page is
// still read by anyone.
func zeroFreePages(tx *bolt.Tx, path string) (int, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0) //nolint:gosec // the store's own file
	if err != nil {
		return 0, err
	}
	defer f.Close() //nolint:errcheck // synced below; a close error after a sync loses nothing
	pageSize := int64(tx.DB().Info().PageSize)
	hwm := tx.Size() / pageSize
	page := make([]byte, pageSize)
	zero := make([]byte, pageSize)
	n := 0
	for id := int64(2); id < hwm; id++ {
		info, err := tx.Page(int(id))
		if err != nil {
			return n, err
		}
		if info == nil || info.Type != "free" {
			continue
		}
		off := id * pageSize
		if _, err := f.ReadAt(page, off); err != nil {
			return n, err
		}
		if bytes.Equal(page, zero) {
			continue
		}
		if _, err := f.WriteAt(zero, off); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		if err := f.Sync(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// scrubbed reports whether no erase waits for a scrub.
func (db *DB) scrubbed() bool {
	clean := true
	_ = db.read(func(tx *bolt.Tx) error { // an error leaves it "not clean": Close tries
		if meta := tx.Bucket(bucketKeys[atMeta]); meta != nil && meta.Get(metaScrub) != nil {
			clean = false
		}
		return nil
	})
	return clean
}

// Space reports how many bytes of the file bbolt's pages reach (the rest
// is room it grew into ahead of need) and how many of those are free
// pages, reused before the file grows again.
func (db *DB) Space(ctx context.Context) (used, free int64, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, fmt.Errorf("store: space: %w", err)
	}
	err = db.read(func(tx *bolt.Tx) error {
		used = tx.Size()
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: space: %w", closedErr(err))
	}
	free = int64(db.bolt.Stats().FreePageN) * int64(db.bolt.Info().PageSize)
	return used, free, nil
}
