// Package keylock serialises work per key (a phone number), first come
// first served. The store uses it for the order of a number's
// transactions, and the webhook for work that comes before a transaction
// (reading a screenshot) and must keep the same order.
package keylock

import "sync"

// Locks is a set of per-key FIFO locks. Entries are removed when no one
// holds or waits for them, so memory follows concurrency, not the number
// of keys. The zero value is not usable: call New.
type Locks struct {
	mu sync.Mutex
	m  map[string][]chan struct{} // per key: the holder, then waiters in order
}

// New returns an empty set of locks.
func New() *Locks { return &Locks{m: map[string][]chan struct{}{}} }

// Lock waits until every earlier caller for key has unlocked, and returns
// the function that unlocks.
func (l *Locks) Lock(key string) (unlock func()) {
	ch := make(chan struct{})
	l.mu.Lock()
	q := l.m[key]
	l.m[key] = append(q, ch)
	l.mu.Unlock()
	if len(q) > 0 {
		<-ch // closed by the previous holder
	}
	return func() {
		l.mu.Lock()
		q := l.m[key][1:]
		if len(q) == 0 {
			delete(l.m, key)
		} else {
			l.m[key] = q
			close(q[0])
		}
		l.mu.Unlock()
	}
}
