package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
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
	readSeq                   // a bucket's sequence
	readRange                 // every key and value under a prefix
)

type kv struct{ k, v []byte }

// read is one entry of a read-set.
type read struct {
	kind readKind
	at   loc
	key  []byte // readKey: the key; readRange: the prefix
	val  []byte // readKey: the value seen, nil when missing
	seq  uint64 // readSeq
	kvs  []kv   // readRange
}

// opKind is what a write does.
type opKind uint8

const (
	opPut        opKind = iota // put val under key
	opDelete                   // delete key (missing is fine)
	opBump                     // add n to the 8-byte counter under key
	opDropBucket               // delete the nested bucket at (missing is fine)
	opSetSeq                   // set the bucket's sequence to n
	opRaiseSeq                 // raise the bucket's sequence to n if lower
)

// op is one write.
type op struct {
	kind     opKind
	at       loc
	key, val []byte
	n        uint64
}

// write is what a transaction hands the writer: the read-set to check and
// the operations to apply if it holds.
type write struct {
	reads []read
	ops   []op
}

// ownKey addresses one of the function's own writes.
type ownKey struct {
	at  loc
	key string
}

// stage is a transaction in progress; it implements bot.Tx (the methods
// live in the entity files). It is used by one goroutine.
type stage struct {
	db   *DB
	snap *bolt.Tx
	now  time.Time
	write

	own     map[ownKey][]byte // the function's writes; a nil value is a delete
	dropped map[loc]bool      // nested buckets the function dropped
	seqs    map[loc]uint64    // sequences as the function left them
	seen    map[ownKey]bool   // keys already in the read-set
}

var _ bot.Tx = (*stage)(nil)

// begin opens a stage on a fresh snapshot.
func (db *DB) begin() (*stage, error) {
	snap, err := db.bolt.Begin(false)
	if err != nil {
		return nil, closedErr(err)
	}
	return &stage{db: db, snap: snap, now: db.Now()}, nil
}

// end closes the snapshot (before anything waits for the writer: bbolt
// cannot grow its map while a read transaction is open) and returns the
// writes.
func (st *stage) end() write {
	if st.snap != nil {
		st.snap.Rollback()
		st.snap = nil
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
	if lock != "" {
		unlock := db.locks.lock(lock)
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
		if err != nil {
			return err
		}
		if len(st.ops) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		err = db.writes.do(st.write)
		if !errors.Is(err, errConflict) {
			return err
		}
	}
	return bot.ErrConflict
}

// view runs fn on a stage whose writes, if any, are dropped: a read.
func (db *DB) view(ctx context.Context, fn func(*stage) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := db.begin()
	if err != nil {
		return err
	}
	defer st.end()
	return fn(st)
}

// bucket is the snapshot's bucket at, or nil.
func (st *stage) bucket(at loc) *bolt.Bucket {
	b := st.snap.Bucket([]byte(at.top))
	if b != nil && at.sub != "" {
		b = b.Bucket([]byte(at.sub))
	}
	return b
}

// get returns the value under key (nil when missing): the function's own
// write if there is one, else the snapshot's, which joins the read-set.
// The slice is a copy; callers must not change it.
func (st *stage) get(at loc, key []byte) []byte {
	k := ownKey{at, string(key)}
	if v, ok := st.own[k]; ok {
		return v
	}
	if st.dropped[at] {
		return nil
	}
	var v []byte
	if b := st.bucket(at); b != nil {
		v = bytes.Clone(b.Get(key))
	}
	if !st.seen[k] {
		if st.seen == nil {
			st.seen = map[ownKey]bool{}
		}
		st.seen[k] = true
		st.reads = append(st.reads, read{kind: readKey, at: at, key: bytes.Clone(key), val: v})
	}
	return v
}

// scan returns every key and value under prefix, in key order, with the
// function's own writes applied; the snapshot's part joins the read-set,
// so a key added, changed or removed under prefix meanwhile is a
// conflict. For small ranges (open tickets, a number's pages).
func (st *stage) scan(at loc, prefix []byte) []kv {
	var out []kv
	if !st.dropped[at] {
		if b := st.bucket(at); b != nil {
			c := b.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				out = append(out, kv{bytes.Clone(k), bytes.Clone(v)})
			}
		}
		st.reads = append(st.reads, read{kind: readRange, at: at, key: bytes.Clone(prefix), kvs: slices.Clone(out)})
	}
	if len(st.own) == 0 {
		return out
	}
	for k, v := range st.own {
		if k.at != at || !bytes.HasPrefix([]byte(k.key), prefix) {
			continue
		}
		i, found := slices.BinarySearchFunc(out, []byte(k.key), func(e kv, t []byte) int { return bytes.Compare(e.k, t) })
		switch {
		case v == nil && found:
			out = slices.Delete(out, i, i+1)
		case v != nil && found:
			out[i].v = v
		case v != nil:
			out = slices.Insert(out, i, kv{[]byte(k.key), v})
		}
	}
	return out
}

// each calls fn with every key and value of the snapshot's bucket at
// under prefix, without the read-set or the function's writes. Only for
// Forget's scans of whole buckets, whose safety comes from other reads
// (forget.go). fn must not keep the slices.
func (st *stage) each(at loc, prefix []byte, fn func(k, v []byte) error) error {
	b := st.bucket(at)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// seq returns the sequence of the bucket at (0 when it does not exist),
// as the function left it, else the snapshot's, which joins the read-set.
func (st *stage) seq(at loc) uint64 {
	if n, ok := st.seqs[at]; ok {
		return n
	}
	var n uint64
	if b := st.bucket(at); b != nil && !st.dropped[at] {
		n = b.Sequence()
	}
	st.reads = append(st.reads, read{kind: readSeq, at: at, seq: n})
	st.setSeqs(at, n)
	return n
}

func (st *stage) setSeqs(at loc, n uint64) {
	if st.seqs == nil {
		st.seqs = map[loc]uint64{}
	}
	st.seqs[at] = n
}

// put records a write of val under key. The stage keeps val: the caller
// must not change it afterwards.
func (st *stage) put(at loc, key, val []byte) error {
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
func (st *stage) del(at loc, key []byte) {
	st.ops = append(st.ops, op{kind: opDelete, at: at, key: key})
	st.setOwn(at, key, nil)
}

func (st *stage) setOwn(at loc, key, val []byte) {
	if st.own == nil {
		st.own = map[ownKey][]byte{}
	}
	st.own[ownKey{at, string(key)}] = val
}

// bump records adding n to the counter under key. Counters are not read
// by transactions, so a bump never conflicts.
func (st *stage) bump(at loc, key []byte, n uint64) error {
	if len(key) == 0 || len(key) > bolt.MaxKeySize {
		return fmt.Errorf("counter key of %d bytes", len(key))
	}
	st.ops = append(st.ops, op{kind: opBump, at: at, key: key, n: n})
	return nil
}

// drop records deleting the nested bucket at, with everything in it.
func (st *stage) drop(at loc) {
	st.ops = append(st.ops, op{kind: opDropBucket, at: at})
	if st.dropped == nil {
		st.dropped = map[loc]bool{}
	}
	st.dropped[at] = true
	for k := range st.own {
		if k.at == at {
			delete(st.own, k)
		}
	}
	st.setSeqs(at, 0)
}

// setSeq records setting the bucket's sequence; the function must have
// read it (seq) first.
func (st *stage) setSeq(at loc, n uint64) {
	st.ops = append(st.ops, op{kind: opSetSeq, at: at, n: n})
	st.setSeqs(at, n)
}

// raiseSeq records raising the bucket's sequence to at least n (numbers
// handed out by a counter outside the transaction).
func (st *stage) raiseSeq(at loc, n uint64) {
	st.ops = append(st.ops, op{kind: opRaiseSeq, at: at, n: n})
}
