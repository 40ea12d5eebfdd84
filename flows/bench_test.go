package flows_test

import (
	"strconv"
	"testing"

	"github.com/textfix/textfix/flows"
)

// loadBody is the first text of the load test, the one the CPU profile of
// performance issue 11 was taken under.
const loadBody = "claude code keeps saying 403 what do I do"

// BenchmarkClassify classifies the load body, and every first text of
// testdata/intake in turn (one text per op), reading each text (NewText)
// inside the loop as the engine does.
func BenchmarkClassify(b *testing.B) {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			lib.Classify(flows.NewText(loadBody))
		}
	})
	rows := readTSVs(b, "testdata/intake", 2)
	b.Run("table", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			lib.Classify(flows.NewText(rows[i%len(rows)][1]))
			i++
		}
	})
}

// BenchmarkMatch matches every answer of testdata/answers in turn against
// its question (one answer per op).
func BenchmarkMatch(b *testing.B) {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	type answer struct {
		flow *flows.Flow
		node *flows.Node
		text string
	}
	var answers []answer
	for _, row := range readTSVs(b, "testdata/answers", 4) {
		f := lib.Flow(row[0])
		if _, err := strconv.Atoi(row[2]); err != nil || f == nil || f.Node(row[1]) == nil {
			b.Fatalf("bad answers row %q", row)
		}
		answers = append(answers, answer{f, f.Node(row[1]), row[3]})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := answers[i%len(answers)]
		a.flow.Match(a.node, flows.NewText(a.text))
		i++
	}
}
