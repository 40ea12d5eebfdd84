package graphsvg_test

import (
	"context"
	"encoding/xml"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/flows/graphsvg"
)

func tricky(t *testing.T) *flows.Flow {
	t.Helper()
	lib, problems, err := flows.Load(os.DirFS("../testdata/graph"))
	if err != nil {
		t.Fatalf("%v %v", err, problems)
	}
	return lib.Flow("tricky-graph")
}

func TestFlowSVG(t *testing.T) {
	svg, err := graphsvg.Flow(context.Background(), tricky(t), map[flows.Edge]int{{From: "ask", To: "fix-b"}: 7})
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.HasPrefix(s, "<?xml") && !strings.HasPrefix(s, "<svg") {
		t.Fatalf("not an SVG document: %.200s", s)
	}
	// Well-formed XML whose text holds the labels, special characters and
	// all.
	var text strings.Builder
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = false // the DOCTYPE
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
			text.WriteString("\n")
		}
	}
	for _, want := range []string{"fix-a", `Fix "A"`, "human", "Human: Both fixes failed.", `Yes "quoted" | piped`, `No \ backslash`, "if not fixed", "(7)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("SVG text lacks %q:\n%s", want, text.String())
		}
	}
}

// Renders take turns on go-graphviz's one WebAssembly instance.
func TestRenderConcurrently(t *testing.T) {
	flow := tricky(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := graphsvg.Flow(context.Background(), flow, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestRenderBadDOT(t *testing.T) {
	if _, err := graphsvg.Render(context.Background(), "digraph { a -> "); err == nil {
		t.Error("no error for broken DOT")
	}
}
