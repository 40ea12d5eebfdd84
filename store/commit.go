package store

import (
	"errors"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("store is closed")

// maxGroup bounds how many writes share one transaction.
const maxGroup = 512

// committer is a group commit: one goroutine owns the write side and puts
// every write that queued while the previous transaction was being synced
// into the next transaction. A lone write commits at once (no timer, unlike
// bbolt's Batch); under load many writes share one fsync.
type committer struct {
	db    *bolt.DB
	queue chan *write
	done  chan struct{}
	wg    sync.WaitGroup

	mu     sync.RWMutex // held for reading while enqueueing
	closed bool
}

type write struct {
	fn  func(*bolt.Tx) error
	err chan error
}

func newCommitter(db *bolt.DB) *committer {
	c := &committer{db: db, queue: make(chan *write, maxGroup), done: make(chan struct{})}
	c.wg.Go(c.loop)
	return c
}

// do runs fn in a write transaction shared with other writes and returns
// once it is durable. fn may run more than once (when another write in the
// same group fails) and must be idempotent.
func (c *committer) do(fn func(*bolt.Tx) error) error {
	w := &write{fn: fn, err: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	c.queue <- w
	c.mu.RUnlock()
	return <-w.err
}

func (c *committer) loop() {
	for {
		var group []*write
		select {
		case w := <-c.queue:
			group = append(group, w)
		case <-c.done:
			c.finish()
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case w := <-c.queue:
				group = append(group, w)
			default:
				break more
			}
		}
		c.commit(group)
	}
}

// commit runs the group in one transaction. If a write fails, the
// transaction is rolled back, that write gets its error, and the rest are
// tried again without it.
func (c *committer) commit(group []*write) {
	for len(group) > 0 {
		failed := -1
		var ferr error
		err := c.db.Update(func(tx *bolt.Tx) error {
			for i, w := range group {
				if err := w.fn(tx); err != nil {
					failed, ferr = i, err
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, w := range group {
				w.err <- err // nil, or a commit failure (disk full) for all
			}
			return
		}
		group[failed].err <- ferr
		group = append(group[:failed:failed], group[failed+1:]...)
	}
}

// finish commits whatever was queued before close.
func (c *committer) finish() {
	var rest []*write
	for {
		select {
		case w := <-c.queue:
			rest = append(rest, w)
		default:
			c.commit(rest)
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
