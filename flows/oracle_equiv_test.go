package flows

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// generated is how many first texts and how many replies the oracle tests
// make on top of the real ones.
const generated = 3000

// sample is xs, or with -short every eighth of xs (the old classifier is
// slow enough to take seconds over the whole corpus).
func sample[T any](xs []T) []T {
	if !testing.Short() {
		return xs
	}
	var out []T
	for i := 0; i < len(xs); i += 8 {
		out = append(out, xs[i])
	}
	return out
}

func mustLoadLib(tb testing.TB, fsys string) *Library {
	tb.Helper()
	var (
		lib *Library
		err error
	)
	if fsys == "" {
		lib, _, err = Load(Embedded())
	} else {
		lib, _, err = Load(os.DirFS(fsys))
	}
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// describe writes out everything a Verdict says, scores exactly.
func describe(v Verdict) string {
	ids := func(ts []*Flow) string {
		var out []string
		for _, t := range ts {
			out = append(out, t.ID)
		}
		return strings.Join(out, ",")
	}
	var b strings.Builder
	if v.Flow != nil {
		b.WriteString("flow=" + v.Flow.ID)
	}
	fmt.Fprintf(&b, " close=%s maybe=%s greeting=%v ranked=", ids(v.Close), ids(v.Maybe), v.Greeting)
	for _, c := range v.Ranked {
		b.WriteString(c.Flow.ID + ":" + strconv.FormatFloat(c.Score, 'g', -1, 64) + " ")
	}
	if v.Ranked == nil {
		b.WriteString("nil")
	}
	return b.String()
}

// TestOracleClassify compares intake's verdicts, and the text functions
// the engine uses, with the oracle's on every text of the corpus (every
// eighth with -short).
func TestOracleClassify(t *testing.T) {
	lib := mustLoadLib(t, "")
	o := newOracle(lib)
	c := readCorpus(t, lib, generated)
	texts := sample(append(append([]string(nil), c.firsts...), c.replies...))
	diffs := 0
	fail := func(format string, args ...any) {
		if diffs++; diffs <= 20 {
			t.Errorf(format, args...)
		}
	}
	for _, s := range texts {
		if got, want := describe(lib.Classify(NewText(s))), describe(o.Classify(s)); got != want {
			fail("Classify(%q)\n got  %s\n want %s", s, got, want)
		}
		norm, first := Normalize(s), FirstClause(s)
		if want := oldNormalize(s); norm != want {
			fail("Normalize(%q) = %q, want %q", s, norm, want)
		}
		if want := oldFirstClause(s); first != want {
			fail("FirstClause(%q) = %q, want %q", s, first, want)
		}
		for _, in := range []string{norm, first, s} {
			if got, want := Family(in), oldFamily(in); got != want {
				fail("Family(%q) = %q, want %q", in, got, want)
			}
		}
	}
	t.Logf("%d texts of a corpus of %d (%d from the sets, scripts and probe, %d the library's own words, %d generated), %d differences",
		len(texts), len(c.firsts)+len(c.replies), c.real, c.own, 2*generated, diffs)
}

// TestOracleMatch compares Match, Infer and PickCandidate with the
// oracle's: every answer row against every question of its flow, every
// reply of the corpus against three questions, the example library's
// question against every reply, and random offers and histories.
func TestOracleMatch(t *testing.T) {
	lib := mustLoadLib(t, "")
	o := newOracle(lib)
	c := readCorpus(t, lib, generated)
	var questions []*Node
	owner := map[*Node]*Flow{}
	for _, f := range lib.Flows {
		for i := range f.Nodes {
			if n := &f.Nodes[i]; n.Kind == Question {
				questions = append(questions, n)
				owner[n] = f
			}
		}
	}
	diffs, matches, infers, picks := 0, 0, 0, 0
	fail := func(format string, args ...any) {
		if diffs++; diffs <= 20 {
			t.Errorf(format, args...)
		}
	}
	match := func(o *oracle, f *Flow, n *Node, s string) {
		matches++
		gi, gby := f.Match(n, NewText(s))
		wi, wby := o.Match(f, n, s)
		if gi != wi || gby != wby {
			fail("%s/%s Match(%q) = %d %q, want %d %q", f.ID, n.ID, s, gi, gby, wi, wby)
		}
	}
	replies := sample(c.replies)
	for _, row := range sample(c.answers) {
		f := lib.Flow(row.flow)
		for _, n := range questions {
			if owner[n] == f {
				match(o, f, n, row.text)
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range replies {
		for range 3 {
			n := questions[r.IntN(len(questions))]
			match(o, owner[n], n, s)
		}
	}
	valid := mustLoadLib(t, "testdata/valid")
	ov := newOracle(valid)
	ex := valid.Flow("example-404")
	for _, s := range replies {
		match(ov, ex, ex.Node("which-url"), s)
	}

	texts := sample(append(append([]string(nil), c.firsts...), c.replies...))
	for range len(texts) {
		said := make([]string, 1+r.IntN(3))
		for i := range said {
			said[i] = texts[r.IntN(len(texts))]
		}
		n := questions[r.IntN(len(questions))]
		infers++
		if got, want := owner[n].Infer(n, said), o.Infer(owner[n], n, said); got != want {
			fail("%s/%s Infer(%q) = %d, want %d", owner[n].ID, n.ID, said, got, want)
		}
	}
	fb := lib.Fallback()
	for _, s := range texts {
		offered := []*Flow{lib.Flows[r.IntN(len(lib.Flows))], lib.Flows[r.IntN(len(lib.Flows))]}
		if r.IntN(3) == 0 && fb != nil {
			offered[1] = fb
		}
		picks++
		if got, want := PickCandidate(offered, NewText(s)), o.PickCandidate(offered, s); got != want {
			fail("PickCandidate(%s|%s, %q) = %d, want %d", offered[0].ID, offered[1].ID, s, got, want)
		}
	}
	t.Logf("%d Match, %d Infer, %d PickCandidate calls, %d differences", matches, infers, picks, diffs)
}

// FuzzOracle looks for a text on which intake, matching or the text
// functions part from the oracle. Plain go test runs the seeds; run it
// with go test ./flows -fuzz FuzzOracle -fuzztime 2m.
func FuzzOracle(f *testing.F) {
	lib := mustLoadLib(f, "")
	o := newOracle(lib)
	for _, s := range []string{
		"claude code keeps saying 403 what do I do", "cluade code 403", "hi", "no, it still fails",
		`API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
		"not behind a proxy", "option 2", "yeah 👍", "regoin not suported", "403s 403'd 4.5",
	} {
		f.Add(s)
	}
	var questions []*Node
	owner := map[*Node]*Flow{}
	for _, fl := range lib.Flows {
		for i := range fl.Nodes {
			if n := &fl.Nodes[i]; n.Kind == Question {
				questions = append(questions, n)
				owner[n] = fl
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := NewText(s)
		if got, want := describe(lib.Classify(in)), describe(o.Classify(s)); got != want {
			t.Fatalf("Classify(%q)\n got  %s\n want %s", s, got, want)
		}
		if in.Normalized() != oldNormalize(s) || in.FirstClause() != oldFirstClause(s) || Family(s) != oldFamily(s) {
			t.Fatalf("text functions of %q differ", s)
		}
		n := questions[len(s)%len(questions)]
		gi, gby := owner[n].Match(n, in)
		wi, wby := o.Match(owner[n], n, s)
		if gi != wi || gby != wby {
			t.Fatalf("%s/%s Match(%q) = %d %q, want %d %q", owner[n].ID, n.ID, s, gi, gby, wi, wby)
		}
		if got, want := owner[n].Infer(n, []string{s}), o.Infer(owner[n], n, []string{s}); got != want {
			t.Fatalf("Infer(%q) = %d, want %d", s, got, want)
		}
		offered := []*Flow{lib.Flows[len(s)%len(lib.Flows)], lib.Fallback()}
		if got, want := PickCandidate(offered, in), o.PickCandidate(offered, s); got != want {
			t.Fatalf("PickCandidate(%q) = %d, want %d", s, got, want)
		}
	})
}
