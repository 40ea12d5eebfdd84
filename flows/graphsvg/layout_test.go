package graphsvg

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/textfix/textfix/flows"
)

// testFlows are the library's flows and the tricky test flow.
func testFlows(t *testing.T) []*flows.Flow {
	t.Helper()
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	graph, problems, err := flows.Load(os.DirFS("../testdata/graph"))
	if err != nil {
		t.Fatal(err, problems)
	}
	return append(slices.Clone(lib.Flows), graph.Flow("tricky-graph"))
}

// someCounts gives each arrow of f a different number of people.
func someCounts(f *flows.Flow) map[flows.Edge]int {
	counts := map[flows.Edge]int{}
	for i, a := range f.Graph().Arrows {
		counts[a.Edge] = 3 * i
	}
	return counts
}

// Every flow lays out with no two boxes or labels overlapping, every
// arrow from the border of its source to the border of its target, and
// everything inside the picture.
func TestLayoutGeometry(t *testing.T) {
	flat, turns := 0, 0
	for _, f := range testFlows(t) {
		for _, counts := range []map[flows.Edge]int{nil, someCounts(f)} {
			name := fmt.Sprintf("%s counted=%v", f.ID, counts != nil)
			l, err := newLayout(f.Graph(), counts)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkGeometry(t, name, l)
			for _, rt := range l.routes {
				switch {
				case rt.flat:
					flat++
				case l.items[rt.items[1]].turn:
					turns++
				}
			}
		}
	}
	// The library exercises every way of drawing an arrow.
	if flat == 0 || turns == 0 {
		t.Errorf("%d flat arrows and %d turns: the test flows no longer draw both", flat, turns)
	}
}

func checkGeometry(t *testing.T, name string, l *layout) {
	t.Helper()
	picture := rect{0, 0, l.width, l.height}
	type shape struct {
		what string
		r    rect
	}
	var shapes []shape
	for _, it := range l.items {
		if it.kind == box {
			shapes = append(shapes, shape{"box " + l.g.Nodes[it.node].ID, itemRect(it)})
		}
	}
	for _, rt := range l.routes {
		if len(rt.text) > 0 {
			shapes = append(shapes, shape{fmt.Sprintf("label of %s>%s", rt.arrow.From, rt.arrow.To), rt.textBox})
		}
	}
	for i, a := range shapes {
		if !inside(a.r, picture) {
			t.Errorf("%s: %s %v outside the picture %v", name, a.what, a.r, picture)
		}
		for _, b := range shapes[i+1:] {
			if overlap(a.r, b.r) {
				t.Errorf("%s: %s %v overlaps %s %v", name, a.what, a.r, b.what, b.r)
			}
		}
	}
	for _, rt := range l.routes {
		from, to := l.items[rt.items[0]], l.items[rt.items[len(rt.items)-1]]
		if !onBorder(rt.start, from) {
			t.Errorf("%s: arrow %s>%s starts at %v, off its source %v", name, rt.arrow.From, rt.arrow.To, rt.start, itemRect(from))
		}
		if !onBorder(rt.tip, to) {
			t.Errorf("%s: arrow %s>%s ends at %v, off its target %v", name, rt.arrow.From, rt.arrow.To, rt.tip, itemRect(to))
		}
		if rt.path == "" || rt.head[0] != rt.tip {
			t.Errorf("%s: arrow %s>%s: path %q, head %v", name, rt.arrow.From, rt.arrow.To, rt.path, rt.head)
		}
	}
}

func itemRect(it item) rect {
	return rect{it.x - it.w/2, it.y - it.h/2, it.x + it.w/2, it.y + it.h/2}
}

func overlap(a, b rect) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

func inside(a, b rect) bool {
	return a.x0 >= b.x0 && a.y0 >= b.y0 && a.x1 <= b.x1 && a.y1 <= b.y1
}

// onBorder reports whether p is on the outline of it: a box's rectangle,
// the entry dot's circle.
func onBorder(p point, it item) bool {
	const eps = 0.01
	if it.kind == entry {
		return math.Abs(math.Hypot(p.x-it.x, p.y-it.y)-entryR) < eps
	}
	r := itemRect(it)
	near := func(v, w float64) bool { return math.Abs(v-w) < eps }
	within := func(v, lo, hi float64) bool { return v > lo-eps && v < hi+eps }
	return (near(p.x, r.x0) || near(p.x, r.x1)) && within(p.y, r.y0, r.y1) ||
		(near(p.y, r.y0) || near(p.y, r.y1)) && within(p.x, r.x0, r.x1)
}

// A loop of solid arrows, a choice leading back to its own question and a
// node only a dashed arrow leads to still lay out: layers follow the
// longest path over the solid arrows that do not close a loop.
func TestLayoutLoops(t *testing.T) {
	f := &flows.Flow{ID: "loops", Title: "Loops", Start: "ask", Nodes: []flows.Node{
		{ID: "ask", Kind: flows.Question, Text: "Again?", Choices: []flows.Choice{
			{Label: "Again", Next: "ask"}, {Label: "Explain", Next: "explain"}, {Label: "Done", Next: "fix"},
		}},
		{ID: "explain", Kind: flows.Info, Text: "It goes round.", Next: "ask"},
		{ID: "fix", Kind: flows.Fix, Title: "Fix", IfNotFixed: "human"},
		{ID: "human", Kind: flows.Handoff, Reason: "Still broken."},
	}}
	l, err := newLayout(f.Graph(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, it := range l.items {
		if it.kind == box {
			got[l.g.Nodes[it.node].ID] = it.rank / 2
		}
	}
	want := map[string]int{"ask": 1, "explain": 2, "fix": 2, "human": 3}
	for id, layer := range want {
		if got[id] != layer {
			t.Errorf("%s in layer %d, want %d (%v)", id, got[id], layer, got)
		}
	}
	checkGeometry(t, "loops", l)
}

func TestLayoutUnknownNode(t *testing.T) {
	f := &flows.Flow{ID: "dangling", Start: "ask", Nodes: []flows.Node{
		{ID: "ask", Kind: flows.Info, Text: "On to nowhere", Next: "nowhere"},
	}}
	if _, err := newLayout(f.Graph(), nil); err == nil {
		t.Error("no error for an arrow to a node that does not exist")
	}
}

func TestSpread(t *testing.T) {
	at := func(xs ...float64) [][]pull {
		out := make([][]pull, len(xs))
		for i, x := range xs {
			out[i] = []pull{{x, 1}}
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		pulls  [][]pull
		gaps   []float64
		median bool
		want   []float64
	}{
		{"room enough", at(0, 20, 50), []float64{10, 10, 10}, false, []float64{0, 20, 50}},
		{"all want one place", at(0, 0, 0), []float64{10, 10, 10}, false, []float64{-10, 0, 10}},
		{"a crowd pushes one aside", at(0, 0, 0, 100), []float64{10, 10, 10, 10}, false, []float64{-10, 0, 10, 100}},
		{"out of order", at(30, 0), []float64{10, 10}, false, []float64{10, 20}},
		{"median ignores the far pull", [][]pull{{{0, 1}, {0, 1}, {300, 1}}}, nil, true, []float64{0}},
		{"mean does not", [][]pull{{{0, 1}, {0, 1}, {300, 1}}}, nil, false, []float64{100}},
		{"median between two", [][]pull{{{0, 1}, {40, 1}}}, nil, true, []float64{20}},
		{"heavier pull wins", [][]pull{{{0, 1}, {40, 8}}}, nil, true, []float64{40}},
	} {
		if got := spread(tt.pulls, tt.gaps, tt.median); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTextWidths(t *testing.T) {
	for _, tt := range []struct {
		s    string
		bold bool
		want float64 // in 1/2048 em
	}{
		{" ", false, 651}, {"M", false, 1767}, {"~", false, 1716}, {"M", true, 2038},
		{"fix-a", false, 721 + 569 + 1212 + 739 + 1255},
		{"é", false, 1767}, {"日本", false, 2 * 2048},
	} {
		if got := textWidth(tt.s, 2048, tt.bold); got != tt.want {
			t.Errorf("textWidth(%q, bold %v) = %v, want %v", tt.s, tt.bold, got, tt.want)
		}
	}
}

// The width tables are DejaVu Sans's, where the fonts are installed to
// check (Debian's fonts-dejavu-core).
func TestTextWidthsAreDejaVu(t *testing.T) {
	for _, tt := range []struct {
		file  string
		table *[95]uint16
	}{
		{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", &dejaVuSans},
		{"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", &dejaVuSansBold},
	} {
		data, err := os.ReadFile(tt.file)
		if err != nil {
			t.Skipf("no DejaVu Sans to check against: %v", err)
		}
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for r := ' '; r <= '~'; r++ {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil {
				t.Fatal(err)
			}
			adv, err := f.GlyphAdvance(&buf, g, fixed.I(int(f.UnitsPerEm())), font.HintingNone)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.table[r-' ']; int(got) != adv.Round() || f.UnitsPerEm() != 2048 {
				t.Errorf("%s: %q is %d/%d em wide, the table says %d/2048", tt.file, r, adv.Round(), f.UnitsPerEm(), got)
			}
		}
	}
}
