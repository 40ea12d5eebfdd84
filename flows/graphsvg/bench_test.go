package graphsvg_test

import (
	"context"
	"testing"

	"github.com/textfix/textfix/flows/graphsvg"
)

// BenchmarkFlow draws the library's largest flow.
func BenchmarkFlow(b *testing.B) {
	f := library(b).Flow("claude-code-403")
	for b.Loop() {
		if _, err := graphsvg.Flow(context.Background(), f, nil); err != nil {
			b.Fatal(err)
		}
	}
}
