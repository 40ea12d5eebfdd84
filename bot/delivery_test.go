package bot_test

import (
	"testing"

	"github.com/textfix/textfix/bot"
)

// Delivery statuses only move forward.
func TestDeliverySupersedes(t *testing.T) {
	for _, tt := range []struct {
		status, old bot.Delivery
		want        bool
	}{
		{"sent", "", true},
		{"sent", "queued", true},
		{"delivered", "sent", true},
		{"sent", "delivered", false},
		{"sending", "sent", false},
		{"queued", "failed", false},
		{"read", "delivered", true},
		{"delivered", "read", false},
		{"undelivered", "delivered", true},
		{"delivered", "delivered", true},
		{"sent", "simulated", true},
	} {
		if got := tt.status.Supersedes(tt.old); got != tt.want {
			t.Errorf("%q supersedes %q = %v, want %v", tt.status, tt.old, got, tt.want)
		}
	}
	for status, want := range map[bot.Delivery]bool{"delivered": true, "read": true, "canceled": true, "received": true, "exploded": false, "": false, "simulated": false} {
		if got := status.Known(); got != want {
			t.Errorf("%q known = %v, want %v", status, got, want)
		}
	}
}
