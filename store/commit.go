package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("store is closed")

// errConflict reports a write whose read-set no longer holds; the
// transaction runs its function again.
var errConflict = errors.New("conflict")

// maxGroup bounds how many writes share one transaction.
const maxGroup = 512

// gatherWait is how long the writer waits for more writes before a
// transaction when writes are arriving: a few hundred microseconds, a
// small part of an fsync, so that under load each fsync carries more
// texts.
const gatherWait = 300 * time.Microsecond

// committer is the single writer, a group commit: one goroutine owns the
// write side and puts every write that queued while the previous
// transaction was being synced into the next transaction. A lone write
// commits at once. When more than one write arrived during the last
// commit, writes are arriving: the writer gathers for up to gatherWait
// (or maxGroup writes) before it starts the next transaction, so that
// commits are fuller.
//
// It does nothing but compare bytes and apply them: no decoding (bar the
// 8-byte counters it bumps), no encoding, no logging, no contexts. A write
// whose read-set no longer matches the file is skipped and answered
// errConflict without failing the rest of its group; an error from bbolt
// (a full disk) fails the whole group.
type committer struct {
	db    *bolt.DB
	queue chan *job
	solos chan *soloJob
	done  chan struct{}
	wg    sync.WaitGroup

	mu     sync.RWMutex // held for reading while enqueueing
	closed bool

	// commits and writes count transactions and the writes they carried;
	// held is how long the last transaction held the file (fsync
	// included), in nanoseconds.
	commits, writes atomic.Uint64
	held            atomic.Int64

	// fault is the error of the last commit when it failed for lack of
	// space or an I/O error (nil once a commit succeeds): /healthz.
	fault atomic.Pointer[error]
}

type job struct {
	w   write
	err chan error
}

// soloJob is work that runs in the writer alone, between groups (the
// scrub).
type soloJob struct {
	fn  func() error
	err chan error
}

func newCommitter(db *bolt.DB) *committer {
	c := &committer{db: db, queue: make(chan *job, maxGroup), solos: make(chan *soloJob), done: make(chan struct{})}
	c.wg.Go(c.loop)
	return c
}

// do hands w to the writer and returns once it is durable (nil), skipped
// for a conflict (errConflict) or failed.
func (c *committer) do(w write) error {
	j := &job{w: w, err: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	c.queue <- j
	c.mu.RUnlock()
	return <-j.err
}

// solo runs fn in the writer between groups and returns its error.
func (c *committer) solo(fn func() error) error {
	j := &soloJob{fn: fn, err: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	select {
	case c.solos <- j:
	case <-c.done:
		c.mu.RUnlock()
		return ErrClosed
	}
	c.mu.RUnlock()
	return <-j.err
}

func (c *committer) runSolo(j *soloJob) {
	j.err <- func() (err error) {
		defer recoverDamage(&err)
		return j.fn()
	}()
}

// recoverDamage turns a panic or a memory fault while bbolt reads a
// damaged page into an error: it fails the writes at hand, not the
// process.
func recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w page: %v", ErrDamaged, r)
	}
}

func (c *committer) loop() {
	debug.SetPanicOnFault(true) // this goroutine's alone
	gather := time.NewTimer(time.Hour)
	gather.Stop()
	group := make([]*job, 0, maxGroup)
	for {
		group = c.drain(group[:0])
		if len(group) == 0 { // idle: the next write commits at once
			select {
			case j := <-c.queue:
				group = c.drain(append(group, j))
			case j := <-c.solos:
				c.runSolo(j)
				continue
			case <-c.done:
				c.finish()
				return
			}
		} else if len(group) > 1 { // they arrived during the last commit
			gather.Reset(gatherWait)
		wait:
			for len(group) < maxGroup {
				select {
				case j := <-c.queue:
					group = append(group, j)
				case <-gather.C:
					break wait
				case <-c.done:
					break wait
				}
			}
			gather.Stop()
		}
		c.commit(group)
		clear(group)
		select {
		case j := <-c.solos:
			c.runSolo(j)
		default:
		}
	}
}

// drain adds the writes waiting in the queue to group, up to maxGroup.
func (c *committer) drain(group []*job) []*job {
	for len(group) < maxGroup {
		select {
		case j := <-c.queue:
			group = append(group, j)
		default:
			return group
		}
	}
	return group
}

// commit applies the group in one transaction, in queue order, so each
// write's read-set is checked against the writes before it.
func (c *committer) commit(group []*job) {
	results := make([]error, len(group))
	c.commits.Add(1)
	c.writes.Add(uint64(len(group)))
	start := time.Now()
	err := c.update(func(tx *bolt.Tx) error {
		var cursors [bucketCount]*bolt.Cursor // for the checks, repositioned by each Seek
		for i, j := range group {
			if !holds(tx, &cursors, j.w.reads) {
				results[i] = errConflict
				continue
			}
			if err := apply(tx, j.w.ops); err != nil {
				return err
			}
		}
		return nil
	})
	c.held.Store(int64(time.Since(start)))
	c.noteFault(err)
	for i, j := range group {
		if err != nil {
			j.err <- err
		} else {
			j.err <- results[i]
		}
	}
}

// noteFault keeps err if the disk is full or failing, and forgets the
// last fault when err is nil: a write went through.
func (c *committer) noteFault(err error) {
	switch {
	case err == nil:
		c.fault.Store(nil)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EIO), errors.Is(err, syscall.EDQUOT):
		c.fault.Store(&err)
	}
}

// lastFault is the disk error of the last commit, or nil.
func (c *committer) lastFault() error {
	if f := c.fault.Load(); f != nil {
		return *f
	}
	return nil
}

// update is bbolt's Update with a damaged page's panic as an error
// (bbolt rolls the transaction back).
func (c *committer) update(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	return c.db.Update(fn)
}

// finish commits whatever was queued before close.
func (c *committer) finish() {
	for {
		rest := c.drain(nil)
		if len(rest) == 0 {
			return
		}
		c.commit(rest)
	}
}

// close stops taking writes, commits those already queued and stops the
// writer. It is safe to call twice.
func (c *committer) close() {
	c.mu.Lock()
	already := c.closed
	c.closed = true
	c.mu.Unlock()
	if !already {
		close(c.done)
	}
	c.wg.Wait()
}

// isClosed reports whether close was called.
func (c *committer) isClosed() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.closed
}

// holds reports whether every read of a read-set still sees what it saw.
// cursors are reused across the checks of a transaction.
func holds(tx *bolt.Tx, cursors *[bucketCount]*bolt.Cursor, reads []read) bool {
	for _, r := range reads {
		c := cursors[r.at]
		if c == nil {
			b := tx.Bucket(bucketKeys[r.at])
			if b == nil {
				return false
			}
			c = b.Cursor()
			cursors[r.at] = c
		}
		switch r.kind {
		case readKey:
			k, v := c.Seek(r.key)
			if !bytes.Equal(k, r.key) {
				v = nil
			}
			if (v == nil) != (r.val == nil) || !bytes.Equal(v, r.val) {
				return false
			}
		case readLast:
			k := lastUnder(c, r.key)
			if (k == nil) != (r.val == nil) || !bytes.Equal(k, r.val) {
				return false
			}
		case readRange:
			i := 0
			for k, v := c.Seek(r.key); k != nil && bytes.HasPrefix(k, r.key); k, v = c.Next() {
				if i >= len(r.kvs) || !bytes.Equal(k, r.kvs[i].k) || !bytes.Equal(v, r.kvs[i].v) {
					return false
				}
				i++
			}
			if i != len(r.kvs) {
				return false
			}
		}
	}
	return true
}

// apply carries out the operations of one write.
func apply(tx *bolt.Tx, ops []op) error {
	for _, o := range ops {
		if err := applyOne(tx, o); err != nil {
			return fmt.Errorf("%s/%x: %w", o.at, o.key, err)
		}
	}
	return nil
}

func applyOne(tx *bolt.Tx, o op) error {
	b := tx.Bucket(bucketKeys[o.at])
	if b == nil {
		return bolterrors.ErrBucketNotFound
	}
	b.FillPercent = fillPercent[o.at]
	switch o.kind {
	case opPut:
		return b.Put(o.key, o.val)
	case opDelete:
		return b.Delete(o.key)
	case opBump:
		var n uint64
		if v := b.Get(o.key); len(v) >= 8 {
			n = binary.BigEndian.Uint64(v)
		}
		return b.Put(o.key, append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(o.val)), n+o.n), o.val...))
	case opRaiseSeq:
		if b.Sequence() < o.n {
			return b.SetSequence(o.n)
		}
		return nil
	}
	return fmt.Errorf("unknown operation %d", o.kind)
}
