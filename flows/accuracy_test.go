package flows_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/textfix/textfix/flows"
)

// Accuracy floors for the public sets; the test logs the exact figures.
const (
	minIntakeAccuracy = 0.95
	minAnswerAccuracy = 0.95
)

// readTSVs reads every *.tsv file in dir (one per flow, so flow authors
// never edit the same file).
func readTSVs(tb testing.TB, dir string, cols int) [][]string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no .tsv files in %s", dir)
	}
	var rows [][]string
	for _, f := range files {
		rows = append(rows, readTSV(tb, f, cols)...)
	}
	return rows
}

func readTSV(tb testing.TB, path string, cols int) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		row := strings.SplitN(line, "\t", cols)
		if len(row) != cols {
			tb.Fatalf("%s:%d: want %d tab-separated columns", path, n, cols)
		}
		rows = append(rows, row)
	}
	return rows
}

// TestIntakeAccuracy routes every first message of testdata/intake/*.tsv
// ("flow-id<TAB>message", "-" for no flow) and reports accuracy and the
// confusion between flows. Offering the right flow among two counts as
// half right.
func TestIntakeAccuracy(t *testing.T) {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	rows := readTSVs(t, "testdata/intake", 2)
	confusion := map[string]map[string]int{}
	var score float64
	for _, row := range rows {
		want, msg := row[0], row[1]
		if want != "-" && lib.Flow(want) == nil {
			t.Fatalf("intake.tsv names unknown flow %q", want)
		}
		v := lib.Classify(flows.NewText(msg))
		got := "-"
		switch {
		case v.Flow != nil:
			got = v.Flow.ID
		case len(v.Close) == 2:
			got = "ask:" + v.Close[0].ID + "|" + v.Close[1].ID
		}
		switch {
		case got == want:
			score++
		case want == "-" && strings.HasPrefix(got, "ask:"):
			score += 0.5
		case strings.HasPrefix(got, "ask:") && strings.Contains(got, want):
			score += 0.5
		default:
			t.Logf("MISS want %-18s got %-30s %q", want, got, msg)
		}
		if confusion[want] == nil {
			confusion[want] = map[string]int{}
		}
		confusion[want][got]++
	}
	acc := score / float64(len(rows))
	t.Logf("intake accuracy: %.1f%% of %d messages", 100*acc, len(rows))
	t.Log("confusion (want → got: count):\n" + formatConfusion(confusion))
	if acc < minIntakeAccuracy {
		t.Errorf("intake accuracy %.1f%% < %.0f%%", 100*acc, 100*minIntakeAccuracy)
	}
}

func formatConfusion(m map[string]map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, want := range keys {
		var parts []string
		for got, n := range m[want] {
			parts = append(parts, fmt.Sprintf("%s:%d", got, n))
		}
		sort.Strings(parts)
		fmt.Fprintf(&b, "  %-20s → %s\n", want, strings.Join(parts, " "))
	}
	return b.String()
}

// TestAnswerAccuracy matches every answer of testdata/answers/*.tsv
// ("flow<TAB>node<TAB>choice (1-based)<TAB>answer") against its question.
func TestAnswerAccuracy(t *testing.T) {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	rows := readTSVs(t, "testdata/answers", 4)
	right := 0
	for _, row := range rows {
		flow := lib.Flow(row[0])
		if flow == nil {
			t.Fatalf("answers.tsv names unknown flow %q", row[0])
		}
		n := flow.Node(row[1])
		if n == nil || n.Kind != flows.Question {
			t.Fatalf("answers.tsv: %s has no question %q", row[0], row[1])
		}
		want, err := strconv.Atoi(row[2])
		if err != nil {
			t.Fatalf("answers.tsv: bad choice %q", row[2])
		}
		got, _ := flow.Match(n, flows.NewText(row[3]))
		if got+1 == want {
			right++
		} else {
			t.Logf("MISS %s/%s want %d got %d: %q", row[0], row[1], want, got+1, row[3])
		}
	}
	acc := float64(right) / float64(len(rows))
	t.Logf("answer accuracy: %.1f%% of %d answers", 100*acc, len(rows))
	if acc < minAnswerAccuracy {
		t.Errorf("answer accuracy %.1f%% < %.0f%%", 100*acc, 100*minAnswerAccuracy)
	}
}
