package stacktest

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that goroutines, or a child process, write
// while a test reads it: a server's log, a process's stderr.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
