package web

import (
	"fmt"
	"testing"

	"github.com/textfix/textfix/twilio"
)

// senders gives twilio's verdicts, remembered or not, and keeps at most
// two generations of valid numbers.
func TestSendersRemembersValidNumbersOnly(t *testing.T) {
	var s senders
	for _, from := range []string{"+14155550123", "+447700900123", "12345", "123456", "+1415555", "4155550123", "+1 415 555 0123", "+14155550123x", "", "+"} {
		want := twilio.IsPhoneNumber(from) || twilio.IsShortCode(from)
		for range 2 { // parsed, then remembered
			if got := s.valid(from); got != want {
				t.Errorf("valid(%q) = %v, want %v", from, got, want)
			}
		}
	}
	if _, ok := s.new["+1415555"]; ok {
		t.Error("an invalid number was kept")
	}
	for i := range 3 * sendersKept {
		if !s.valid(fmt.Sprintf("+1415%07d", i)) {
			t.Fatalf("+1415%07d refused", i)
		}
	}
	if n := len(s.new) + len(s.older); n > 2*sendersKept {
		t.Errorf("%d numbers kept, want at most %d", n, 2*sendersKept)
	}
	// A number still texting is carried into the newer generation.
	recent := fmt.Sprintf("+1415%07d", 3*sendersKept-1)
	if _, ok := s.new[recent]; !ok {
		t.Errorf("%s, the last one seen, is not in the newer generation", recent)
	}
}

func BenchmarkSenders(b *testing.B) {
	var s senders
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.valid(fmt.Sprintf("+1555%07d", i%1000))
	}
}
