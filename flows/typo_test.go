package flows

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestOracleEdits compares the banded, capped distance with the oracle's
// full one on random words over small alphabets (so swaps and repeats are
// common), ASCII and not, up to 40 runes, for k = 0 to 3; and typo
// matching with the oracle's wordMatch on the library's words against
// their mistyped copies.
func TestOracleEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabets := [][]rune{[]rune("ab"), []rune("abc"), []rune("abcdefgh"), []rune("aéüßк_1")}
	randWord := func(abc []rune, n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = abc[r.IntN(len(abc))]
		}
		return string(rs)
	}
	g := &mutator{r: r}
	pairs := 0
	for range 60000 {
		abc := alphabets[r.IntN(len(alphabets))]
		n := r.IntN(12)
		if r.IntN(20) == 0 {
			n = 30 + r.IntN(11) // past the stack buffers
		}
		a := randWord(abc, n)
		b := randWord(abc, max(0, n+r.IntN(5)-2))
		if r.IntN(2) == 0 {
			b = g.typo(a, r.IntN(4))
		}
		for k := range 4 {
			pairs++
			if got, want := withinEdits(a, b, k), oldEditDistance(a, b, k) <= k; got != want {
				t.Fatalf("withinEdits(%q, %q, %d) = %v, want %v", a, b, k, got, want)
			}
		}
	}

	lib := mustLoadLib(t, "")
	var vocab []string
	for _, f := range lib.Flows {
		in := f.Intake
		for _, ss := range [][]string{in.Codes, in.Products, in.Keywords, in.Phrases, in.Examples, in.Requires} {
			for _, s := range ss {
				vocab = append(vocab, strings.Fields(oldNormalize(s))...)
			}
		}
	}
	words := 0
	for _, want := range vocab {
		w := newWord(want)
		for range 8 {
			got := g.typo(want, r.IntN(4))
			if r.IntN(4) == 0 {
				got = vocab[r.IntN(len(vocab))]
			}
			words++
			if m, old := w.matches(got, shapeOf(got), true), oldWordMatch(want, got, true); m != old {
				t.Fatalf("%q matches %q = %v, oracle %v", want, got, m, old)
			}
		}
	}
	t.Logf("%d distances and %d word pairs, no differences", pairs, words)
}

func TestWithinEditsAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { withinEdits("permission", "permisison", 2) }); n != 0 {
		t.Errorf("withinEdits allocates %v times", n)
	}
}
