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
	if why := checkPages(path, time.Now().Add(budget)); why != "" {
		return damaged(path, why)
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

// bbolt's page layout: a 16-byte header (id, flags, count, overflow),
// then count elements of 16 bytes, their keys and values after them at
// offsets from each element. A branch element points at a child page; a
// leaf element whose flags say bucket holds the bucket's root page, or,
// with root 0, its pages inline after a 16-byte bucket header.
const (
	branchPage   = 0x01
	leafPage     = 0x02
	elementSize  = 16
	bucketHeader = 16
	bucketLeaf   = 0x01
	maxDepth     = 64 // far deeper than any real tree
)

// checkPages walks every bucket's tree from the meta page's root,
// reading the pages from the file, not through bbolt's map: each page
// reached once, within the data, of a branch or leaf kind, its elements
// within it. A page reached twice is a loop that bbolt's cursor would
// follow forever, growing its stack. It stops at deadline (what it has
// not reached is not checked) and returns what is wrong, or "".
func checkPages(path string, deadline time.Time) string {
	f, err := os.Open(path) //nolint:gosec // the store's own file
	if err != nil {
		return ""
	}
	defer f.Close() //nolint:errcheck // read only
	m0, why0 := readMeta(f, 0)
	ps := int64(m0.pageSize)
	if why0 != "" {
		ps = int64(os.Getpagesize())
	}
	m1, why1 := readMeta(f, ps)
	m := m0
	if why0 != "" || (why1 == "" && m1.txid > m0.txid) {
		m = m1
	}
	if why0 != "" && why1 != "" {
		return "" // checkMeta says so
	}
	w := pageWalk{f: f, m: m, seen: map[uint64]bool{}, deadline: deadline}
	return w.page(m.root, 0)
}

type pageWalk struct {
	f        *os.File
	m        metaPage
	seen     map[uint64]bool
	deadline time.Time
	n        int
}

// page reads and checks the page id, reached at depth.
func (w *pageWalk) page(id uint64, depth int) string {
	if w.n++; w.n%1024 == 0 && time.Now().After(w.deadline) {
		return ""
	}
	switch {
	case id < 2 || id >= w.m.hwm:
		return fmt.Sprintf("page %d points past the end of the data", id)
	case w.seen[id]:
		return fmt.Sprintf("page %d is reached twice: its tree loops", id)
	case depth > maxDepth:
		return "a tree is deeper than any real one"
	}
	w.seen[id] = true
	ps := uint64(w.m.pageSize)
	head := make([]byte, pageHeaderSize)
	if _, err := w.f.ReadAt(head, int64(id*ps)); err != nil {
		return fmt.Sprintf("page %d cannot be read", id)
	}
	overflow := uint64(binary.LittleEndian.Uint32(head[12:]))
	if id+overflow >= w.m.hwm {
		return fmt.Sprintf("page %d runs past the end of the data", id)
	}
	buf := make([]byte, (overflow+1)*ps)
	if _, err := w.f.ReadAt(buf, int64(id*ps)); err != nil {
		return fmt.Sprintf("page %d cannot be read", id)
	}
	return w.node(buf, id, depth)
}

// node checks the elements of one page's bytes (a page, or a bucket's
// inline page) and the pages they reach.
func (w *pageWalk) node(buf []byte, id uint64, depth int) string {
	le := binary.LittleEndian
	if len(buf) < pageHeaderSize {
		return fmt.Sprintf("page %d is cut short", id)
	}
	flags, count := le.Uint16(buf[8:]), int(le.Uint16(buf[10:]))
	if pageHeaderSize+count*elementSize > len(buf) {
		return fmt.Sprintf("page %d has elements past its end", id)
	}
	switch {
	case flags != branchPage && flags != leafPage:
		// bbolt takes any page without the leaf flag for a branch.
		return fmt.Sprintf("page %d is neither a branch nor a leaf", id)
	case flags == branchPage && count == 0:
		// bbolt reads a branch's first element whatever its count.
		return fmt.Sprintf("page %d is a branch with nothing in it", id)
	}
	for i := range count {
		at := pageHeaderSize + i*elementSize
		e := buf[at : at+elementSize]
		switch flags {
		case branchPage:
			pos, ksize := int(le.Uint32(e[0:])), int(le.Uint32(e[4:]))
			if at+pos+ksize > len(buf) {
				return fmt.Sprintf("page %d has a key past its end", id)
			}
			if why := w.page(le.Uint64(e[8:]), depth+1); why != "" {
				return why
			}
		case leafPage:
			kind, pos, ksize, vsize := le.Uint32(e[0:]), int(le.Uint32(e[4:])), int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
			end := at + pos + ksize + vsize
			if end > len(buf) || end < at {
				return fmt.Sprintf("page %d has a value past its end", id)
			}
			if kind&bucketLeaf == 0 {
				continue
			}
			v := buf[at+pos+ksize : end]
			if len(v) < bucketHeader {
				return fmt.Sprintf("page %d has a bucket too short to be one", id)
			}
			var why string
			if root := le.Uint64(v); root == 0 {
				why = w.node(v[bucketHeader:], id, depth+1) // inline
			} else {
				why = w.page(root, depth+1)
			}
			if why != "" {
				return why
			}
		}
	}
	return ""
}
