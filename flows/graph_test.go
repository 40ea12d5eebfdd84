package flows_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/textfix/textfix/flows"
)

var update = flag.Bool("update", false, "rewrite the golden pictures in testdata/graph")

// golden compares got with testdata/graph/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/graph/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./flows -run TestGraph -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (-update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGraphMermaid(t *testing.T) {
	flow := mustLoad(t, "testdata/graph").Flow("tricky-graph")
	got := flow.Mermaid()
	golden(t, "tricky.mmd", got)

	// A quote would end the label and a pipe the arrow's label; brackets
	// and < > would be read as shapes or HTML.
	for _, line := range strings.Split(got, "\n") {
		if _, label, ok := strings.Cut(line, `"`); ok {
			label = label[:strings.LastIndex(label, `"`)]
			if strings.ContainsAny(strings.ReplaceAll(label, "<br/>", ""), "\"|[]{}<>`") {
				t.Errorf("unescaped character in %q", line)
			}
		}
	}
	for _, want := range []string{
		`#quot;a#124;b#quot;`,                        // quotes and a pipe in a question
		`-->|"No \ backslash<br/>Not sure"| n_fix_b`, // two choices into one node share an arrow
		`n_fix_a -.->|"if not fixed"| n_fix_b`,       // if_not_fixed is dashed
		`n_fix_a(["fix-a<br/>Fix #quot;A#quot;"]):::fix`,
		`n_human[["human<br/>Human: Both fixes failed."]]:::handoff`,
		`n_note>"note<br/>`,
		"classDef fix ", "classDef handoff ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("mermaid lacks %q", want)
		}
	}
}

func TestGraphDOT(t *testing.T) {
	flow := mustLoad(t, "testdata/graph").Flow("tricky-graph")
	got := flow.DOT(nil)
	golden(t, "tricky.dot", got)
	for _, want := range []string{
		`label="tricky-graph: Tricky \"quoted\" [graph] | pipes \\ backslash";`,
		`"ask" -> "fix-b" [label="No \\ backslash\nNot sure"];`,
		`"fix-a" -> "fix-b" [label="if not fixed", style=dashed];`,
		`"_start" -> "ask";`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("dot lacks %q", want)
		}
	}
	if strings.Contains(got, "penwidth=1.0") || strings.Contains(got, "(0)") {
		t.Error("counts shown without counts")
	}
}

func TestGraphDOTCounts(t *testing.T) {
	flow := mustLoad(t, "testdata/graph").Flow("tricky-graph")
	got := flow.DOT(map[flows.Edge]int{
		{From: "", To: "ask"}:        10,
		{From: "ask", To: "fix-b"}:   6,
		{From: "fix-a", To: "fix-b"}: 1,
	})
	for _, want := range []string{
		`"_start" -> "ask" [label="(10)", penwidth=5.0];`,
		`"ask" -> "fix-b" [label="No \\ backslash\nNot sure\n(6)", penwidth=3.4];`,
		`"ask" -> "note" [label="Yes \"quoted\" | piped\n(0)", penwidth=1.0];`,
		`"fix-a" -> "fix-b" [label="if not fixed\n(1)", style=dashed, penwidth=1.4];`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("dot with counts lacks %q\n%s", want, got)
		}
	}
}

// Every flow of the library draws: each node once, each arrow's ends are
// nodes.
func TestGraphLibrary(t *testing.T) {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, flow := range lib.Flows {
		m, d := flow.Mermaid(), flow.DOT(nil)
		for _, n := range flow.Nodes {
			id := "n_" + strings.ReplaceAll(n.ID, "-", "_")
			if strings.Count(m, "  "+id+"[")+strings.Count(m, "  "+id+"(")+strings.Count(m, "  "+id+">") != 1 {
				t.Errorf("%s: mermaid does not declare %s once", flow.ID, n.ID)
			}
			if !strings.Contains(d, `  "`+n.ID+`" [shape=`) {
				t.Errorf("%s: dot does not declare %s", flow.ID, n.ID)
			}
		}
	}
}

// The picture in README.md is the current claude-code-403.
func TestGraphInREADME(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```mermaid\n")
	block, _, _ = strings.Cut(block, "```")
	if !ok {
		t.Fatal("README.md has no mermaid block")
	}
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	if got := lib.Flow("claude-code-403").Mermaid(); block != got {
		t.Errorf("README.md's picture of claude-code-403 is stale; paste the output of\n  go run ./cmd/textfix flows graph claude-code-403")
	}
}

// Graph carries what DOT draws, for drawings outside the package.
func TestGraphBoxesAndArrows(t *testing.T) {
	g := mustLoad(t, "testdata/graph").Flow("tricky-graph").Graph()
	if g.Title != `tricky-graph: Tricky "quoted" [graph] | pipes \ backslash` {
		t.Errorf("title %q", g.Title)
	}
	var ids []string
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
		if len(n.Lines) < 2 || n.Lines[0] != n.ID || n.Fill == "" || n.Border == "" {
			t.Errorf("node %+v", n)
		}
	}
	if strings.Join(ids, " ") != "ask note fix-a fix-b human" {
		t.Errorf("nodes %v", ids)
	}
	if got := g.Nodes[4]; got.Kind != flows.Handoff || strings.Join(got.Lines, "|") != "human|Human: Both fixes failed." {
		t.Errorf("handoff %+v", got)
	}
	var arrows []string
	for _, a := range g.Arrows {
		arrows = append(arrows, fmt.Sprintf("%s>%s %v %q", a.From, a.To, a.NotFixed, a.Labels))
	}
	want := []string{
		`>ask false []`,
		`ask>note false ["Yes \"quoted\" | piped"]`,
		`ask>fix-b false ["No \\ backslash" "Not sure"]`,
		`note>fix-a false []`,
		`fix-a>fix-b true ["if not fixed"]`,
		`fix-b>human true ["if not fixed"]`,
	}
	if strings.Join(arrows, "\n") != strings.Join(want, "\n") {
		t.Errorf("arrows:\n%s\nwant:\n%s", strings.Join(arrows, "\n"), strings.Join(want, "\n"))
	}
}
