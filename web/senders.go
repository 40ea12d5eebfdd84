package web

import (
	"sync"

	"github.com/textfix/textfix/twilio"
)

// sendersKept bounds each generation of senders: two generations keep
// between 16,384 and 32,768 numbers (about 3 MiB), more than the 10,000
// numbers texting at once in bench/run.sh, whose load thrashed 4,096.
const sendersKept = 16384

// senders remembers the From numbers found valid lately, so that the
// texts of one conversation parse their number once: libphonenumber's
// parse (twilio.IsPhoneNumber, about 20 µs and 35 allocations) was 5% of
// the server's CPU under bench/run.sh's load. The
// verdict is a pure function of the string, so remembering it changes
// nothing but the cost. When the newer generation is full it becomes the
// older one, and the older one is dropped: a number that keeps texting
// stays known, memory stays bounded. Only valid numbers are kept, so
// junk From values cannot push them out faster than real senders.
type senders struct {
	mu         sync.Mutex
	new, older map[string]struct{}
}

// valid reports whether from is an E.164 number or a short code.
func (s *senders) valid(from string) bool {
	if twilio.IsShortCode(from) {
		return true
	}
	s.mu.Lock()
	_, known := s.new[from]
	if !known {
		if _, known = s.older[from]; known {
			s.keep(from)
		}
	}
	s.mu.Unlock()
	if known {
		return true
	}
	if !twilio.IsPhoneNumber(from) {
		return false
	}
	s.mu.Lock()
	s.keep(from)
	s.mu.Unlock()
	return true
}

// keep adds from to the newer generation (s.mu held).
func (s *senders) keep(from string) {
	if len(s.new) >= sendersKept || s.new == nil {
		s.older, s.new = s.new, make(map[string]struct{}, sendersKept)
	}
	s.new[from] = struct{}{}
}
