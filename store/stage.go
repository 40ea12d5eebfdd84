package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// A transaction runs in two halves. First its function runs in the
// caller's goroutine against a stage: a read-only bbolt snapshot plus the
// function's own writes. Every key the stage reads from the snapshot goes
// into a read-set (the bytes seen, or "missing"); every write is recorded
// as an operation on bytes, encoded already. Then the writer (commit.go)
// checks the read-set against the current file and applies the
// operations, or reports a conflict, and the function runs again on a
// fresh snapshot. Decoding, encoding, the engine and everything else a
// function does stays out of the writer, so texts from different numbers
// are computed in parallel.

// maxRuns bounds how often a transaction function runs before the
// transaction gives up with bot.ErrConflict.
const maxRuns = 16

// readKind is what a read-set entry checks.
type readKind uint8

const (
	readKey   readKind = iota // a key's value (or its absence)
	readLast                  // the last key under a prefix (or that there is none)
	readRange                 // every key and value under a prefix
)

type kv struct{ k, v []byte }

// read is one entry of a read-set.
type read struct {
	kind readKind
	at   bucket
	key  []byte // readKey: the key; readLast, readRange: the prefix
	val  []byte // readKey: the value seen; readLast: the last key seen; nil when missing
	kvs  []kv   // readRange
}

// opKind is what a write does.
type opKind uint8

const (
	opPut      opKind = iota // put val under key
	opDelete                 // delete key (missing is fine)
	opBump                   // add n to the 8-byte counter under key (then val, when set: bumpSeen)
	opRaiseSeq               // raise the bucket's sequence to n if lower
)

// op is one write.
type op struct {
	kind     opKind
	at       bucket
	key, val []byte
	n        uint64
}

// write is what a transaction hands the writer: the read-set to check and
// the operations to apply if it holds.
type write struct {
	reads []read
	ops   []op
}

// own is one of the function's writes: the latest value of a key, nil
// when the function deleted it.
type own struct {
	at       bucket
	key, val []byte
}

// run is the lines a transaction appended to one number: first to last.
type run struct {
	phone       string
	first, last uint64
}

// smallTx is how many own writes or reads a stage searches one by one
// before it indexes them in a map: a text has about ten.
const smallTx = 16

// stage is a transaction in progress; it implements bot.Tx (the methods
// live in the entity files). It is used by one goroutine.
type stage struct {
	db   *DB
	snap *bolt.Tx
	now  time.Time
	write

	own      []own
	ownIndex map[string]int // bucket+key → index in own, once own is long
	seen     map[string]int // bucket+key of the readKey entries → their index in reads, once reads are long
	appended []run
	said     []string                  // Forget: the number's inbound texts, for the samples
	buf      []byte                    // for index lookups
	cursors  [bucketCount]*bolt.Cursor // one per bucket read, reused (a bucket's Get makes a cursor each time)
}

var _ bot.Tx = (*stage)(nil)

// begin opens a stage on a fresh snapshot. A stage from begin may go
// back to the pool with release once nothing uses it or its write.
func (db *DB) begin() (*stage, error) {
	db.gate.enter()
	snap, err := db.bolt.Begin(false)
	if err != nil {
		db.gate.leave()
		return nil, closedErr(err)
	}
	st := stages.Get().(*stage)
	st.db, st.snap, st.now = db, snap, db.Now()
	return st, nil
}

// stages keeps stages, with room for a text's reads and writes, for the
// next transactions: a text's transaction allocated about 3 KB of them.
var stages = sync.Pool{New: func() any {
	return &stage{write: write{reads: make([]read, 0, 8), ops: make([]op, 0, smallTx)}, own: make([]own, 0, smallTx)}
}}

// release returns st to the pool, emptied, once its snapshot is closed
// and the writer is done with its write. A stage grown by a large
// transaction (Forget, retention) is left to the garbage collector.
func (st *stage) release() {
	if cap(st.reads) > 4*smallTx || cap(st.ops) > 4*smallTx || cap(st.own) > 4*smallTx || cap(st.appended) > smallTx {
		return
	}
	clear(st.reads[:cap(st.reads)])
	clear(st.ops[:cap(st.ops)])
	clear(st.own[:cap(st.own)])
	clear(st.appended[:cap(st.appended)])
	*st = stage{
		write:    write{reads: st.reads[:0], ops: st.ops[:0]},
		own:      st.own[:0],
		appended: st.appended[:0],
		buf:      st.buf[:0],
	}
	stages.Put(st)
}

// end closes the snapshot (before anything waits for the writer: bbolt
// cannot grow its map while a read transaction is open) and returns the
// writes.
func (st *stage) end() write {
	if st.snap != nil {
		_ = st.snap.Rollback() // a read-only snapshot: nothing to undo
		st.snap = nil
		st.db.gate.leave()
	}
	return st.write
}

// Update implements bot.Transactor.
func (db *DB) Update(ctx context.Context, lock string, fn func(bot.Tx) error) error {
	if err := db.update(ctx, lock, func(st *stage) error { return fn(st) }); err != nil {
		return fmt.Errorf("store: update: %w", err)
	}
	return nil
}

// update runs fn on a stage, after every earlier change holding lock
// (when not ""), and commits its writes; on a conflict it runs fn again,
// at most maxRuns times. A write with nothing to write commits nothing.
// The context is checked before the write is queued, never after: once
// queued, the write's fate does not depend on its caller.
func (db *DB) update(ctx context.Context, lock string, fn func(*stage) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true)) // a damaged page panics (the caller's recover answers 500) rather than killing the process
	if lock != "" {
		unlock := db.locks.Lock(lock)
		defer unlock()
	}
	for range maxRuns {
		if err := ctx.Err(); err != nil {
			return err
		}
		st, err := db.begin()
		if err != nil {
			return err
		}
		err = func() error {
			defer st.end()
			return fn(st)
		}()
		if err == nil && len(st.ops) > 0 {
			if err = ctx.Err(); err == nil {
				err = db.writes.do(st.write)
			}
		}
		st.release() // the writer is done with st.write
		if !errors.Is(err, errConflict) {
			return err // nil when there was nothing to write
		}
	}
	return bot.ErrConflict
}

// view runs fn on a stage whose writes, if any, are dropped: a read.
func (db *DB) view(ctx context.Context, fn func(*stage) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	st, err := db.begin()
	if err != nil {
		return err
	}
	defer st.end()
	return fn(st)
}

// bucket is the snapshot's bucket at, or nil.
func (st *stage) bucket(at bucket) *bolt.Bucket { return st.snap.Bucket(bucketKeys[at]) }

// cursor is a cursor on the snapshot's bucket at, or nil.
func (st *stage) cursor(at bucket) *bolt.Cursor {
	if c := st.cursors[at]; c != nil {
		return c
	}
	b := st.bucket(at)
	if b == nil {
		return nil
	}
	st.cursors[at] = b.Cursor()
	return st.cursors[at]
}

// snapGet is the snapshot's value under key, or nil; the slice is
// bbolt's.
func (st *stage) snapGet(at bucket, key []byte) []byte {
	c := st.cursor(at)
	if c == nil {
		return nil
	}
	k, v := c.Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// indexKey is at and key as one map key, in a buffer reused for lookups.
func (st *stage) indexKey(at bucket, key []byte) []byte {
	st.buf = append(append(st.buf[:0], byte(at)), key...)
	return st.buf
}

// findOwn is the index in own of the function's write of key, or -1.
func (st *stage) findOwn(at bucket, key []byte) int {
	if st.ownIndex != nil {
		if i, ok := st.ownIndex[string(st.indexKey(at, key))]; ok {
			return i
		}
		return -1
	}
	for i := range st.own {
		if st.own[i].at == at && bytes.Equal(st.own[i].key, key) {
			return i
		}
	}
	return -1
}

func (st *stage) setOwn(at bucket, key, val []byte) {
	if i := st.findOwn(at, key); i >= 0 {
		st.own[i].val = val
		return
	}
	st.own = append(st.own, own{at: at, key: key, val: val})
	switch {
	case st.ownIndex != nil:
		st.ownIndex[string(st.indexKey(at, key))] = len(st.own) - 1
	case len(st.own) > smallTx:
		st.ownIndex = make(map[string]int, 2*len(st.own))
		for i, o := range st.own {
			st.ownIndex[string(st.indexKey(o.at, o.key))] = i
		}
	}
}

// readAt is the index in the read-set of the readKey entry for key, or
// -1; the index of keys read is built once the read-set is long.
func (st *stage) readAt(at bucket, key []byte) int {
	if st.seen != nil {
		if i, ok := st.seen[string(st.indexKey(at, key))]; ok {
			return i
		}
		return -1
	}
	for i := range st.reads {
		if r := &st.reads[i]; r.kind == readKey && r.at == at && bytes.Equal(r.key, key) {
			return i
		}
	}
	if len(st.reads) >= smallTx {
		st.seen = make(map[string]int, 2*len(st.reads))
		for i, r := range st.reads {
			if r.kind == readKey {
				st.seen[string(st.indexKey(r.at, r.key))] = i
			}
		}
	}
	return -1
}

// get returns the value under key (nil when missing): the function's own
// write if there is one, else the snapshot's, which joins the read-set
// (read from the snapshot once: a key read again is answered from the
// read-set). The slice is a copy; callers must not change it.
func (st *stage) get(at bucket, key []byte) []byte {
	if i := st.findOwn(at, key); i >= 0 {
		return st.own[i].val
	}
	if i := st.readAt(at, key); i >= 0 {
		return st.reads[i].val
	}
	v := bytes.Clone(st.snapGet(at, key))
	st.reads = append(st.reads, read{kind: readKey, at: at, key: bytes.Clone(key), val: v})
	if st.seen != nil {
		st.seen[string(st.indexKey(at, key))] = len(st.reads) - 1
	}
	return v
}

// scan returns every key and value under prefix, in key order, with the
// function's own writes applied; the snapshot's part joins the read-set,
// so a key added, changed or removed under prefix meanwhile is a
// conflict. For small ranges (open tickets, a number's pages).
func (st *stage) scan(at bucket, prefix []byte) []kv {
	var out []kv
	if c := st.cursor(at); c != nil {
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			out = append(out, kv{bytes.Clone(k), bytes.Clone(v)})
		}
	}
	st.reads = append(st.reads, read{kind: readRange, at: at, key: bytes.Clone(prefix), kvs: slices.Clone(out)})
	for _, o := range st.own {
		if o.at != at || !bytes.HasPrefix(o.key, prefix) {
			continue
		}
		i, found := slices.BinarySearchFunc(out, o.key, func(e kv, t []byte) int { return bytes.Compare(e.k, t) })
		switch {
		case o.val == nil && found:
			out = slices.Delete(out, i, i+1)
		case o.val != nil && found:
			out[i].v = o.val
		case o.val != nil:
			out = slices.Insert(out, i, kv{o.key, o.val})
		}
	}
	return out
}

// last returns the last key under prefix (nil when there is none) with
// the function's own writes applied; the snapshot's last key joins the
// read-set, so a key added under prefix meanwhile is a conflict. Append
// numbers lines from it.
func (st *stage) last(at bucket, prefix []byte) []byte {
	var snapLast, k []byte
	if c := st.cursor(at); c != nil {
		snapLast = bytes.Clone(lastUnder(c, prefix))
		k = snapLast
		for k != nil { // skip keys the function deleted
			if i := st.findOwn(at, k); i < 0 || st.own[i].val != nil {
				break
			}
			if k, _ = c.Prev(); k != nil && !bytes.HasPrefix(k, prefix) {
				k = nil
			}
		}
		k = bytes.Clone(k)
	}
	if !slices.ContainsFunc(st.reads, func(r read) bool {
		return r.kind == readLast && r.at == at && bytes.Equal(r.key, prefix)
	}) {
		st.reads = append(st.reads, read{kind: readLast, at: at, key: bytes.Clone(prefix), val: snapLast})
	}
	for _, o := range st.own {
		if o.at == at && o.val != nil && bytes.HasPrefix(o.key, prefix) && bytes.Compare(o.key, k) > 0 {
			k = o.key
		}
	}
	return k
}

// each calls fn with every key and value of the snapshot's bucket at
// under prefix, without the read-set or the function's writes: for scans
// whose safety comes from other reads (Forget, the claim prune). fn must
// not keep the slices. fn returns errStop to end the scan early, which
// is no error.
func (st *stage) each(at bucket, prefix []byte, fn func(k, v []byte) error) error {
	b := st.bucket(at)
	if b == nil {
		return nil
	}
	c := b.Cursor() // its own: fn may read through the stage's
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		switch err := fn(k, v); {
		case errors.Is(err, errStop):
			return nil
		case err != nil:
			return err
		}
	}
	return nil
}

// errStop ends a scan by each early.
var errStop = errors.New("stop")

// put records a write of val under key. The stage keeps key and val: the
// caller must not change them afterwards.
func (st *stage) put(at bucket, key, val []byte) error {
	switch {
	case len(key) == 0:
		return errors.New("empty key")
	case len(key) > bolt.MaxKeySize:
		return fmt.Errorf("key of %d bytes is too long", len(key))
	case len(val) > bolt.MaxValueSize:
		return fmt.Errorf("value of %d bytes is too long", len(val))
	}
	if val == nil {
		val = []byte{}
	}
	st.ops = append(st.ops, op{kind: opPut, at: at, key: key, val: val})
	st.setOwn(at, key, val)
	return nil
}

// del records a delete of key.
func (st *stage) del(at bucket, key []byte) {
	st.ops = append(st.ops, op{kind: opDelete, at: at, key: key})
	st.setOwn(at, key, nil)
}

// bump records adding n to the counter under key. Counters are not read
// by transactions, so a bump never conflicts.
func (st *stage) bump(at bucket, key []byte, n uint64) error {
	if len(key) == 0 || len(key) > bolt.MaxKeySize {
		return fmt.Errorf("counter key of %d bytes", len(key))
	}
	st.ops = append(st.ops, op{kind: opBump, at: at, key: key, n: n})
	return nil
}

// bumpSeen is bump for a counter that also keeps when it last moved:
// its value is the count, then seen (8 bytes each).
func (st *stage) bumpSeen(at bucket, key []byte, n uint64, seen time.Time) error {
	if err := st.bump(at, key, n); err != nil {
		return err
	}
	st.ops[len(st.ops)-1].val = binary.BigEndian.AppendUint64(make([]byte, 0, 8), timeKey(seen))
	return nil
}

// raiseSeq records raising the bucket's sequence to at least n (numbers
// handed out by a counter outside the transaction).
func (st *stage) raiseSeq(at bucket, n uint64) {
	st.ops = append(st.ops, op{kind: opRaiseSeq, at: at, n: n})
}

// noteAppend records that lines first…last were appended to phone.
func (st *stage) noteAppend(phone string, first, last uint64) {
	for i := range st.appended {
		if r := &st.appended[i]; r.phone == phone {
			r.first, r.last = min(r.first, first), max(r.last, last)
			return
		}
	}
	st.appended = append(st.appended, run{phone: phone, first: first, last: last})
}

// appendedRun reports whether lines first…first+n-1 of phone were all
// appended by this transaction.
func (st *stage) appendedRun(phone string, first, n uint64) bool {
	for _, r := range st.appended {
		if r.phone == phone {
			return first >= r.first && first+n-1 <= r.last
		}
	}
	return false
}

// lastUnder moves c to the last key under prefix and returns it, or nil.
func lastUnder(c *bolt.Cursor, prefix []byte) []byte {
	var k []byte
	if end := prefixEnd(prefix); end == nil {
		k, _ = c.Last()
	} else if k, _ = c.Seek(end); k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil
	}
	return k
}

// prefixEnd is the first key after every key under prefix, or nil when
// there is none (a prefix of 0xff bytes).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
