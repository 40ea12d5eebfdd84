package graphsvg_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/flows/graphsvg"
)

var update = flag.Bool("update", false, "rewrite the golden pictures in ../testdata/graph")

func tricky(t *testing.T) *flows.Flow {
	t.Helper()
	lib, problems, err := flows.Load(os.DirFS("../testdata/graph"))
	if err != nil {
		t.Fatalf("%v %v", err, problems)
	}
	return lib.Flow("tricky-graph")
}

func library(t testing.TB) *flows.Library {
	t.Helper()
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// trickyCounts are people on some of the tricky flow's arrows; the rest
// count 0.
var trickyCounts = map[flows.Edge]int{{From: "", To: "ask"}: 10, {From: "ask", To: "fix-b"}: 7, {From: "fix-a", To: "fix-b"}: 1}

func render(t *testing.T, f *flows.Flow, counts map[flows.Edge]int) []byte {
	t.Helper()
	svg, err := graphsvg.Flow(context.Background(), f, counts)
	if err != nil {
		t.Fatal(err)
	}
	return svg
}

// golden compares got with ../testdata/graph/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "../testdata/graph/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./flows/graphsvg -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (look at it, then -update to accept):\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	golden(t, "tricky.svg", render(t, tricky(t), nil))
	golden(t, "tricky-counts.svg", render(t, tricky(t), trickyCounts))
}

// svgText parses a picture as strict XML and returns its root element's
// attributes, the names of every element in it and its text, a line per
// text node.
func svgText(t *testing.T, svg []byte) (root map[string]string, elements map[string]int, text string) {
	t.Helper()
	root, elements = map[string]string{}, map[string]int{}
	var b strings.Builder
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for depth := 0; ; {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root element %v", tok.Name)
				}
				for _, a := range tok.Attr {
					root[a.Name.Local] = a.Value
				}
			}
			elements[tok.Name.Local]++
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				b.WriteString(s + "\n")
			}
		case xml.ProcInst, xml.Directive:
			t.Errorf("unexpected %T in the picture", tok)
		}
	}
	return root, elements, b.String()
}

// The picture is a standalone SVG document whose text holds every box's
// and arrow's words, special characters and all.
func TestFlowSVG(t *testing.T) {
	root, elements, text := svgText(t, render(t, tricky(t), trickyCounts))
	if root["viewBox"] == "" || root["width"] == "" || root["height"] == "" {
		t.Errorf("root attributes %v", root)
	}
	if elements["title"] != 1 || elements["script"] != 0 || elements["style"] != 0 || elements["image"] != 0 {
		t.Errorf("elements %v", elements)
	}
	for _, want := range []string{
		`tricky-graph: Tricky "quoted" [graph] | pipes \ backslash`,
		"ask", `Does the log say "a|b" or`, "<no> &", "#1",
		"fix-a", `Fix "A"`, "human", "Human: Both fixes failed.",
		`Yes "quoted" | piped`, `No \ backslash`, "Not sure", "if not fixed", "(10)", "(7)", "(1)", "(0)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG text lacks %q:\n%s", want, text)
		}
	}
	if _, _, plain := svgText(t, render(t, tricky(t), nil)); strings.Contains(plain, "(0)") {
		t.Error("counts drawn without counts")
	}
}

// Whatever a flow's author writes stays text: it cannot end an element,
// open a script or break the document.
func TestFlowEscapes(t *testing.T) {
	hostile := `</text><script>alert(1)</script><![CDATA[ & ]]> '"` + "\x01\uFFFE"
	f := &flows.Flow{ID: "escapes", Title: hostile, Start: "ask", Nodes: []flows.Node{
		{ID: "ask", Kind: flows.Question, Text: hostile, Choices: []flows.Choice{{Label: "<b>" + hostile, Next: "fix"}}},
		{ID: "fix", Kind: flows.Fix, Title: hostile, IfNotFixed: "human"},
		{ID: "human", Kind: flows.Handoff, Reason: hostile},
	}}
	svg := render(t, f, nil)
	_, elements, text := svgText(t, svg)
	if elements["script"] != 0 || elements["b"] != 0 {
		t.Errorf("markup from the flow became elements: %v", elements)
	}
	for _, want := range []string{"</text><script>alert(1)</script>", "<b></text>"} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG text lacks %q:\n%s", want, text)
		}
	}
}

// Every flow of the library draws, the same bytes each time, from any
// goroutine.
func TestFlowLibrary(t *testing.T) {
	lib := library(t)
	again := make([][]byte, len(lib.Flows))
	var wg sync.WaitGroup
	wg.Go(func() {
		for i, f := range lib.Flows {
			svg, err := graphsvg.Flow(context.Background(), f, nil)
			if err != nil {
				t.Error(err)
			}
			again[i] = svg
		}
	})
	first := make([][]byte, len(lib.Flows))
	for i, f := range lib.Flows {
		first[i] = render(t, f, nil)
		root, elements, text := svgText(t, first[i])
		if root["viewBox"] == "" || elements["text"] == 0 {
			t.Errorf("%s: %v %v", f.ID, root, elements)
		}
		for _, n := range f.Nodes {
			if !strings.Contains(text, n.ID+"\n") {
				t.Errorf("%s: no box for %s", f.ID, n.ID)
			}
		}
	}
	wg.Wait()
	for i, f := range lib.Flows {
		if !bytes.Equal(first[i], again[i]) {
			t.Errorf("%s: a second render differs", f.ID)
		}
	}
}

func TestFlowCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := graphsvg.Flow(ctx, tricky(t), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
