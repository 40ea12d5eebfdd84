package twilio_test

import (
	"testing"

	"github.com/textfix/textfix/twilio"
)

func TestAddresses(t *testing.T) {
	tests := []struct {
		s            string
		phone, short bool
	}{
		{"+15555550101", true, false},
		{"+12025550123", true, false},
		{"+447911123456", true, false},
		{"+33612345678", true, false},
		{"+8613800138000", true, false},
		{"15555550101", false, false},
		{"+1 555 555 0101", false, false},
		{"+1555-555-0101", false, false},
		{"+15555550101x", false, false},
		{"+1555", false, false},
		{"+9991234567", false, false},
		{"+0123456789", false, false},
		{"+", false, false},
		{"", false, false},
		{"whatsapp:+15555550101", false, false},
		{"12345", false, true},
		{"123456", false, true},
		{"1234", false, false},
		{"1234567", false, false},
		{"12a45", false, false},
		{"１２３４５", false, false},
	}
	for _, tt := range tests {
		if got := twilio.IsPhoneNumber(tt.s); got != tt.phone {
			t.Errorf("IsPhoneNumber(%q) = %v, want %v", tt.s, got, tt.phone)
		}
		if got := twilio.IsShortCode(tt.s); got != tt.short {
			t.Errorf("IsShortCode(%q) = %v, want %v", tt.s, got, tt.short)
		}
	}
}
