package segment

import (
	"strings"
	"testing"
)

// gsm7Septets gives every rune the cost the alphabet's tables say,
// whether it is looked up (ASCII) or searched for.
func TestGSM7SeptetsTables(t *testing.T) {
	for r := rune(-1); r < 0x3000; r++ {
		want := 0
		switch {
		case strings.ContainsRune(gsm7Basic, r):
			want = 1
		case strings.ContainsRune(gsm7Extension, r):
			want = 2
		}
		if got := gsm7Septets(r); got != want {
			t.Errorf("gsm7Septets(%q) = %d, want %d", r, got, want)
		}
	}
}

func BenchmarkCount(b *testing.B) {
	msgs := []string{
		"Is it 1) the Claude Code CLI or 2) the API from your own code? Reply 1 or 2. Reply HUMAN for a person.",
		strings.Repeat("Open Settings > Billing and check the plan; then run claude /login again. ", 4),
		"Ça marche? Réponds OUI ou NON — 🙈",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Count(msgs[i%len(msgs)])
	}
}
