package keylock

import (
	"sync"
	"testing"
	"time"
)

// Callers for one key get it in the order they asked; another key never
// waits; a key nobody holds is forgotten.
func TestLocksAreFIFOPerKey(t *testing.T) {
	l := New()
	unlock := l.Lock("a")
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := l.Lock("a")
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			u()
		}()
		// Let goroutine i queue before i+1 asks.
		for {
			l.mu.Lock()
			n := len(l.m["a"])
			l.mu.Unlock()
			if n == i+2 {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	done := make(chan struct{})
	go func() { l.Lock("b")(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("another key waited for a held one")
	}
	unlock()
	wg.Wait()
	for i, got := range order {
		if got != i {
			t.Fatalf("order %v, want 0 1 2 3 4", order)
		}
	}
	if len(l.m) != 0 {
		t.Errorf("%d keys left after every unlock, want 0", len(l.m))
	}
}
