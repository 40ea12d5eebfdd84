package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is wrapped by Open, CheckFile and Restore for a file that is
// not a sound database: its message says what is wrong and what to do.
var ErrDamaged = errors.New("damaged")

// checkBudget bounds how long Open's structural check runs on a large
// file; what it has not reached by then is not checked.
const checkBudget = 20 * time.Second

// damageError is the one line Open returns for a damaged file.
type damageError struct{ path, what string }

func (e *damageError) Error() string {
	return fmt.Sprintf("store: %s is damaged (%s); restore from backup with `textfix restore`", e.path, e.what)
}

func (e *damageError) Is(target error) bool { return target == ErrDamaged }

func damaged(path, what string) error { return &damageError{path: path, what: what} }

// bbolt's on-disk meta page: a 16-byte page header, then magic, version,
// page size, flags, root bucket (page, sequence), freelist page, high
// water mark (pages), txid, and an FNV-64a checksum of what precedes it.
const (
	pageHeaderSize = 16
	metaSize       = 56 // up to the checksum
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	noFreelist     = 0xffffffffffffffff
)

type metaPage struct {
	pageSize            uint32
	root, freelist, hwm uint64
	txid                uint64
}

// readMeta decodes and validates the meta page at off; "" on success, else
// what is wrong with it.
func readMeta(f *os.File, off int64) (metaPage, string) {
	buf := make([]byte, pageHeaderSize+metaSize+8)
	if _, err := f.ReadAt(buf, off); err != nil {
		return metaPage{}, "meta page unreadable"
	}
	m := buf[pageHeaderSize:]
	le := binary.LittleEndian // bbolt writes its structs in host order; every platform textfix runs on is little-endian
	if le.Uint32(m[0:]) != boltMagic {
		return metaPage{}, "not a bbolt file (bad magic)"
	}
	if le.Uint32(m[4:]) != boltVersion {
		return metaPage{}, fmt.Sprintf("unknown bbolt version %d", le.Uint32(m[4:]))
	}
	h := fnv.New64a()
	_, _ = h.Write(m[:metaSize])
	if h.Sum64() != le.Uint64(m[metaSize:]) {
		return metaPage{}, "meta page checksum mismatch"
	}
	mp := metaPage{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]), hwm: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}
	switch {
	case mp.pageSize < 512 || mp.pageSize > 1<<16 || mp.pageSize&(mp.pageSize-1) != 0:
		return metaPage{}, fmt.Sprintf("meta page has a bad page size %d", mp.pageSize)
	case mp.root < 2 || mp.root >= mp.hwm, mp.freelist != noFreelist && (mp.freelist < 2 || mp.freelist >= mp.hwm):
		return metaPage{}, "meta page points past the end of the data"
	}
	return mp, ""
}

// checkMeta checks the file's meta pages and its size before bbolt maps
// it: bbolt would panic, or die of SIGBUS, reading past the end of a
// truncated file. A missing file is fine (Open creates it); an empty one
// is refused.
func checkMeta(path string) error {
	f, err := os.Open(path) //nolint:gosec // the store's own file (TEXTFIX_DB)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer f.Close() //nolint:errcheck // read only
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	size := fi.Size()
	if size == 0 {
		return damaged(path, "empty: 0 bytes, no database in it")
	}
	if size < 2*512 {
		return damaged(path, fmt.Sprintf("truncated: %d bytes, shorter than its two meta pages", size))
	}
	m0, why0 := readMeta(f, 0)
	ps := int64(m0.pageSize)
	if why0 != "" {
		ps = int64(os.Getpagesize())
	}
	m1, why1 := readMeta(f, ps)
	if why0 != "" && why1 != "" {
		return damaged(path, "both meta pages are bad: "+why0)
	}
	m := m0
	if why0 != "" || (why1 == "" && m1.txid > m0.txid) {
		m = m1
	}
	if need := int64(m.hwm) * int64(m.pageSize); size < need {
		return damaged(path, fmt.Sprintf("truncated: %d bytes, its pages reach %d", size, need))
	}
	return nil
}

// checkTree walks every bucket and key of b (catching a fault or a panic
// from a bad page as an error), then runs bbolt's Check, for at most
// budget. It returns what is wrong, or "".
func checkTree(b *bolt.DB, budget time.Duration) (why string) {
	deadline := time.Now().Add(budget)
	tx, err := b.Begin(false)
	if err != nil {
		return err.Error()
	}
	rolledBack := false
	defer func() {
		if !rolledBack {
			_ = tx.Rollback() // read only
		}
	}()
	if why := walk(tx, deadline); why != "" {
		return why
	}
	if time.Now().After(deadline) {
		return ""
	}
	// Check runs in bbolt's goroutine; the walk above has read every
	// reachable page already, so its reads are within the file.
	errs := tx.Check(bolt.WithKVStringer(sizesOnly{}))
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		select {
		case err, ok := <-errs:
			if !ok {
				return ""
			}
			rolledBack = true
			go drainThenRollback(errs, tx)
			return err.Error()
		case <-timer.C:
			rolledBack = true
			go drainThenRollback(errs, tx)
			return ""
		}
	}
}

// sizesOnly shows keys and values in Check's messages by their size
// alone: they hold phone numbers and texts.
type sizesOnly struct{}

func (sizesOnly) KeyToString(k []byte) string   { return fmt.Sprintf("(%d bytes)", len(k)) }
func (sizesOnly) ValueToString(v []byte) string { return fmt.Sprintf("(%d bytes)", len(v)) }

// drainThenRollback lets a Check that is no longer listened to finish.
func drainThenRollback(errs <-chan error, tx *bolt.Tx) {
	for range errs { //nolint:revive // only draining
	}
	_ = tx.Rollback() // read only
}

// walk reads every key and value of every bucket, nested ones too.
func walk(tx *bolt.Tx, deadline time.Time) (why string) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			why = fmt.Sprintf("a page cannot be read: %v", r)
		}
	}()
	n := 0
	var sum byte
	var visit func(c *bolt.Cursor, name string, depth int) string
	visit = func(c *bolt.Cursor, name string, depth int) string {
		var prev []byte
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if prev != nil && bytes.Compare(prev, k) >= 0 {
				return fmt.Sprintf("keys out of order in bucket %q", name) // keys hold phone numbers: never in a message
			}
			prev = k
			for _, x := range v { // touch every byte: a bad offset faults here, not while serving
				sum ^= x
			}
			if n++; n%4096 == 0 && time.Now().After(deadline) {
				return ""
			}
			if v == nil && depth < 4 {
				sub := c.Bucket().Bucket(k)
				sname := name + "/…"
				if depth == 0 {
					sname = string(k) // top-level buckets have plain names
				}
				if sub == nil {
					return fmt.Sprintf("bucket %q cannot be opened", sname)
				}
				if why := visit(sub.Cursor(), sname, depth+1); why != "" {
					return why
				}
			}
		}
		return ""
	}
	_ = sum
	return visit(tx.Cursor(), "", 0)
}

// CheckFile checks a database file that no process has open, as Open does
// at start (meta pages, then every page within budget), without changing
// it: for backups and restore. A damaged file gives an error wrapping
// ErrDamaged.
func CheckFile(path string, budget time.Duration) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("store: check %s: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("store: check %s: a directory", path)
	}
	if err := checkMeta(path); err != nil {
		return err
	}
	b, err := openChecked(path, &bolt.Options{Timeout: lockTimeout, ReadOnly: true})
	if err != nil {
		return err
	}
	defer b.Close() //nolint:errcheck // read only
	if why := checkTree(b, budget); why != "" {
		return damaged(path, why)
	}
	return nil
}

// openChecked is bolt.Open on a file whose meta pages passed, with a
// panic or fault while bbolt reads its freelist reported as damage.
func openChecked(path string, o *bolt.Options) (b *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, damaged(path, fmt.Sprintf("bbolt cannot open it: %v", r))
		}
	}()
	b, err = bolt.Open(path, 0o600, o)
	if err != nil {
		return nil, openErr(path, err)
	}
	return b, nil
}

// copyFile copies src to dst (created or truncated) and syncs it.
func copyFile(dst string, src io.Reader) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) //nolint:gosec // beside the store's own file
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, src); err != nil {
		_ = f.Close() // the copy's error is the one to report
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close() // the sync's error is the one to report
		return err
	}
	return f.Close()
}
