package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

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

// committer is the single writer, a group commit: one goroutine owns the
// write side and puts every write that queued while the previous
// transaction was being synced into the next transaction. A lone write
// commits at once; under load many writes share one fsync.
//
// It does nothing but compare bytes and apply them: no decoding (bar the
// 8-byte counters it bumps), no encoding, no logging, no contexts. A write
// whose read-set no longer matches the file is skipped and answered
// errConflict without failing the rest of its group; an error from bbolt
// (a full disk) fails the whole group.
type committer struct {
	db    *bolt.DB
	queue chan *job
	done  chan struct{}
	wg    sync.WaitGroup

	mu     sync.RWMutex // held for reading while enqueueing
	closed bool
}

type job struct {
	w   write
	err chan error
}

func newCommitter(db *bolt.DB) *committer {
	c := &committer{db: db, queue: make(chan *job, maxGroup), done: make(chan struct{})}
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

func (c *committer) loop() {
	for {
		var group []*job
		select {
		case j := <-c.queue:
			group = append(group, j)
		case <-c.done:
			c.finish()
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case j := <-c.queue:
				group = append(group, j)
			default:
				break more
			}
		}
		c.commit(group)
	}
}

// commit applies the group in one transaction, in queue order, so each
// write's read-set is checked against the writes before it.
func (c *committer) commit(group []*job) {
	results := make([]error, len(group))
	err := c.db.Update(func(tx *bolt.Tx) error {
		for i, j := range group {
			if !holds(tx, j.w.reads) {
				results[i] = errConflict
				continue
			}
			if err := apply(tx, j.w.ops); err != nil {
				return err
			}
		}
		return nil
	})
	for i, j := range group {
		if err != nil {
			j.err <- err
		} else {
			j.err <- results[i]
		}
	}
}

// finish commits whatever was queued before close.
func (c *committer) finish() {
	var rest []*job
	for {
		select {
		case j := <-c.queue:
			rest = append(rest, j)
		default:
			if len(rest) > 0 {
				c.commit(rest)
			}
			return
		}
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

// bucketIn is the bucket at in tx, or nil.
func bucketIn(tx *bolt.Tx, at loc) *bolt.Bucket {
	b := tx.Bucket([]byte(at.top))
	if b != nil && at.sub != "" {
		b = b.Bucket([]byte(at.sub))
	}
	return b
}

// holds reports whether every read of a read-set still sees what it saw.
func holds(tx *bolt.Tx, reads []read) bool {
	for _, r := range reads {
		b := bucketIn(tx, r.at)
		switch r.kind {
		case readKey:
			var v []byte
			if b != nil {
				v = b.Get(r.key)
			}
			if (v == nil) != (r.val == nil) || !bytes.Equal(v, r.val) {
				return false
			}
		case readSeq:
			var n uint64
			if b != nil {
				n = b.Sequence()
			}
			if n != r.seq {
				return false
			}
		case readRange:
			i := 0
			if b != nil {
				c := b.Cursor()
				for k, v := c.Seek(r.key); k != nil && bytes.HasPrefix(k, r.key); k, v = c.Next() {
					if i >= len(r.kvs) || !bytes.Equal(k, r.kvs[i].k) || !bytes.Equal(v, r.kvs[i].v) {
						return false
					}
					i++
				}
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
			return fmt.Errorf("%s/%x: %w", o.at.top, o.key, err)
		}
	}
	return nil
}

func applyOne(tx *bolt.Tx, o op) error {
	if o.kind == opDelete || o.kind == opDropBucket {
		top := tx.Bucket([]byte(o.at.top))
		if top == nil {
			return nil
		}
		if o.kind == opDropBucket {
			err := top.DeleteBucket([]byte(o.at.sub))
			if errors.Is(err, bolterrors.ErrBucketNotFound) {
				return nil
			}
			return err
		}
		b := bucketIn(tx, o.at)
		if b == nil {
			return nil
		}
		return b.Delete(o.key)
	}
	b, err := writable(tx, o.at)
	if err != nil {
		return err
	}
	switch o.kind {
	case opPut:
		return b.Put(o.key, o.val)
	case opBump:
		var n uint64
		if v := b.Get(o.key); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		return b.Put(o.key, binary.BigEndian.AppendUint64(make([]byte, 0, 8), n+o.n))
	case opSetSeq:
		return b.SetSequence(o.n)
	case opRaiseSeq:
		if b.Sequence() < o.n {
			return b.SetSequence(o.n)
		}
		return nil
	}
	return fmt.Errorf("unknown operation %d", o.kind)
}

// writable is the bucket at, created if it is a nested one that does not
// exist yet, packed as fillPercent says.
func writable(tx *bolt.Tx, at loc) (*bolt.Bucket, error) {
	b := tx.Bucket([]byte(at.top))
	if b == nil {
		return nil, bolterrors.ErrBucketNotFound
	}
	if at.sub != "" {
		var err error
		if b, err = b.CreateBucketIfNotExists([]byte(at.sub)); err != nil {
			return nil, err
		}
	}
	b.FillPercent = fillPercent(at)
	return b, nil
}
