package flows

import (
	"fmt"
	"strings"
)

// Edge is one arrow of a flow's picture: from a node to a node it leads
// to. From is "" for the arrow into the start node (people who entered the
// flow). Several choices of a question that lead to the same node share
// one Edge.
type Edge struct {
	From, To string
}

// edgeKind says how an arrow is drawn.
type edgeKind int

const (
	edgeStart    edgeKind = iota // into the start node
	edgeChoice                   // a question's choice(s)
	edgeNext                     // an info node's next
	edgeNotFixed                 // a fix's if_not_fixed
)

type graphEdge struct {
	Edge
	kind   edgeKind
	labels []string // choice labels, in choice order
}

// Lengths at which the pictures cut text. Pictures show the shape of a
// flow; the YAML has the full wording.
const (
	graphTextMax   = 70 // question and info text, fix titles
	graphReasonMax = 48 // a handoff's reason
	graphLabelMax  = 32 // a choice on an arrow
	graphWrap      = 28 // line width inside a DOT node (Mermaid wraps its own)
)

// graphEdges lists the flow's arrows in node order: the entry, then each
// node's outgoing arrows.
func (t *Flow) graphEdges() []graphEdge {
	out := []graphEdge{{Edge: Edge{"", t.Start}, kind: edgeStart}}
	for _, n := range t.Nodes {
		switch n.Kind {
		case Question:
			at := map[string]int{}
			for _, c := range n.Choices {
				if i, ok := at[c.Next]; ok {
					out[i].labels = append(out[i].labels, c.Label)
					continue
				}
				at[c.Next] = len(out)
				out = append(out, graphEdge{Edge: Edge{n.ID, c.Next}, kind: edgeChoice, labels: []string{c.Label}})
			}
		case Info:
			out = append(out, graphEdge{Edge: Edge{n.ID, n.Next}, kind: edgeNext})
		case Fix:
			if n.IfNotFixed != "" {
				out = append(out, graphEdge{Edge: Edge{n.ID, n.IfNotFixed}, kind: edgeNotFixed, labels: []string{"if not fixed"}})
			}
		}
	}
	return out
}

// nodeLines is what a node's box says: its id, then its text (a fix's
// title, a handoff's reason) cut, and wrapped at width runes unless width
// is 0.
func nodeLines(n *Node, width int) []string {
	text, limit := n.Text, graphTextMax
	switch n.Kind {
	case Fix:
		text = n.Title
	case Handoff:
		text, limit = "Human: "+n.Reason, graphReasonMax
	}
	text = shorten(text, limit)
	if width == 0 {
		return []string{n.ID, text}
	}
	return append([]string{n.ID}, wrap(text, width)...)
}

// shorten collapses white space and cuts s at a word boundary to at most
// limit runes, marking the cut with "...".
func shorten(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	cut := string(r[:limit-3])
	if i := strings.LastIndexByte(cut, ' '); i > limit/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-/") + "..."
}

// wrap breaks s into lines of about width runes at spaces.
func wrap(s string, width int) []string {
	var lines []string
	var cur []string
	n := 0
	for _, w := range strings.Fields(s) {
		l := len([]rune(w))
		if n > 0 && n+1+l > width {
			lines = append(lines, strings.Join(cur, " "))
			cur, n = nil, 0
		}
		if n > 0 {
			n++
		}
		cur, n = append(cur, w), n+l
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, " "))
	}
	return lines
}

func edgeLabel(e graphEdge) []string {
	out := make([]string, len(e.labels))
	for i, l := range e.labels {
		out[i] = shorten(l, graphLabelMax)
	}
	return out
}

// Graph is a flow's picture as boxes and arrows, for a drawing made
// outside this package (package graphsvg): the same boxes, wording,
// colours and arrows as [Flow.DOT] and [Flow.Mermaid].
type Graph struct {
	Title  string       // the flow's id, then its title cut
	Nodes  []GraphNode  // in the flow's node order
	Arrows []GraphArrow // the entry arrow (From "") first, then each node's, in node order
}

// GraphNode is one box of a [Graph].
type GraphNode struct {
	ID   string
	Kind Kind
	// Lines are what the box says: the id, then the text (a fix's
	// title, a handoff's reason) cut and wrapped as in DOT.
	Lines []string
	// Fill and Border are the kind's CSS colours.
	Fill, Border string
}

// GraphArrow is one arrow of a [Graph]. Several choices of a question that
// lead to the same node share one arrow.
type GraphArrow struct {
	Edge
	// NotFixed marks a fix's if_not_fixed arrow, drawn dashed.
	NotFixed bool
	// Labels are the choices' labels, cut, in choice order; "if not
	// fixed" on a NotFixed arrow; none on the entry arrow and an info
	// text's next.
	Labels []string
}

// Graph returns the flow's boxes and arrows.
func (t *Flow) Graph() Graph {
	g := Graph{Title: t.ID + ": " + shorten(t.Title, graphTextMax)}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		c := kindColours[n.Kind]
		g.Nodes = append(g.Nodes, GraphNode{ID: n.ID, Kind: n.Kind, Lines: nodeLines(n, graphWrap), Fill: c[0], Border: c[1]})
	}
	for _, e := range t.graphEdges() {
		g.Arrows = append(g.Arrows, GraphArrow{Edge: e.Edge, NotFixed: e.kind == edgeNotFixed, Labels: edgeLabel(e)})
	}
	return g
}

// Mermaid returns the flow as a Mermaid flowchart, for Markdown that
// renders it (GitHub does). Questions are blue rectangles, info texts grey
// flags, fix leaves green stadiums and handoffs orange double-sided boxes;
// an if_not_fixed arrow is dashed. Node "fix-region" is n_fix_region in
// the chart: Mermaid could mistake a bare id for a keyword ("end") or
// part of an arrow.
func (t *Flow) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	fmt.Fprintf(&b, "  start([%s])\n", mermaidText([]string{t.ID, shorten(t.Title, graphTextMax)}))
	for i := range t.Nodes {
		n := &t.Nodes[i]
		opening, closing := "[", "]"
		switch n.Kind {
		case Info:
			opening, closing = ">", "]"
		case Fix:
			opening, closing = "([", "])"
		case Handoff:
			opening, closing = "[[", "]]"
		}
		fmt.Fprintf(&b, "  %s%s%s%s:::%s\n", mermaidID(n.ID), opening, mermaidText(nodeLines(n, 0)), closing, n.Kind)
	}
	for _, e := range t.graphEdges() {
		from, to := mermaidID(e.From), mermaidID(e.To)
		switch e.kind {
		case edgeStart:
			fmt.Fprintf(&b, "  start --> %s\n", to)
		case edgeNext:
			fmt.Fprintf(&b, "  %s --> %s\n", from, to)
		case edgeChoice:
			fmt.Fprintf(&b, "  %s -->|%s| %s\n", from, mermaidText(edgeLabel(e)), to)
		case edgeNotFixed:
			fmt.Fprintf(&b, "  %s -.->|%s| %s\n", from, mermaidText(e.labels), to)
		}
	}
	for _, k := range []Kind{Question, Info, Fix, Handoff} {
		c := kindColours[k]
		fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:%s,color:#111\n", k, c[0], c[1])
	}
	return b.String()
}

func mermaidID(id string) string {
	if id == "" {
		return "start"
	}
	return "n_" + strings.ReplaceAll(id, "-", "_")
}

// mermaidText quotes lines for a Mermaid label. Inside quotes Mermaid
// still reads entity codes (#quot;) and HTML, and a pipe ends an arrow's
// label, so every character with a meaning is written as an entity code.
func mermaidText(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = mermaidEscaper.Replace(l)
	}
	return `"` + strings.Join(esc, "<br/>") + `"`
}

var mermaidEscaper = strings.NewReplacer(
	"#", "#35;",
	`"`, "#quot;",
	"|", "#124;",
	"[", "#91;",
	"]", "#93;",
	"{", "#123;",
	"}", "#125;",
	"<", "#lt;",
	">", "#gt;",
	"&", "#amp;",
	"`", "#96;",
)

// Colours of the pictures, by node kind: fill, border.
var kindColours = map[Kind][2]string{
	Question: {"#dbeafe", "#1d4ed8"},
	Info:     {"#f3f4f6", "#6b7280"},
	Fix:      {"#dcfce7", "#15803d"},
	Handoff:  {"#ffedd5", "#c2410c"},
}

// DOT returns the flow as a Graphviz digraph. counts, when not nil, are
// the number of people who took each arrow (missing arrows count 0): each
// label shows its count and the line is drawn thicker the more people took
// it. Questions are blue boxes, info texts grey notes, fix leaves green
// rounded boxes, handoffs orange boxes with cut corners; if_not_fixed
// arrows are dashed.
func (t *Flow) DOT(counts map[Edge]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(t.ID))
	b.WriteString("  graph [rankdir=TB, nodesep=0.25, ranksep=0.45, fontname=\"Helvetica\", fontsize=14, labelloc=t];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11, penwidth=1.2, margin=\"0.12,0.06\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#4b5563\", fontcolor=\"#1f2937\", arrowsize=0.7];\n")
	fmt.Fprintf(&b, "  label=%s;\n", dotLabel([]string{t.ID + ": " + t.Title}))
	fmt.Fprintf(&b, "  %s [shape=point, width=0.15, color=\"#111827\"];\n", dotQuote(dotStart))
	for i := range t.Nodes {
		n := &t.Nodes[i]
		shape, style := "box", "filled"
		switch n.Kind {
		case Info:
			shape = "note"
		case Fix:
			style = "rounded,filled"
		case Handoff:
			style = "filled,diagonals"
		}
		c := kindColours[n.Kind]
		fmt.Fprintf(&b, "  %s [shape=%s, style=%q, fillcolor=%q, color=%q, label=%s];\n",
			dotQuote(n.ID), shape, style, c[0], c[1], dotLabel(nodeLines(n, graphWrap)))
	}
	most := 0
	for _, c := range counts {
		most = max(most, c)
	}
	for _, e := range t.graphEdges() {
		var attrs []string
		labels := edgeLabel(e)
		if e.kind == edgeNotFixed {
			labels = e.labels
			attrs = append(attrs, "style=dashed")
		}
		if counts != nil {
			c := counts[e.Edge]
			labels = append(labels, fmt.Sprintf("(%d)", c))
			if most > 0 {
				attrs = append(attrs, fmt.Sprintf("penwidth=%.1f", 1+4*float64(c)/float64(most)))
			}
		}
		if len(labels) > 0 {
			attrs = append([]string{"label=" + dotLabel(labels)}, attrs...)
		}
		from := e.From
		if from == "" {
			from = dotStart
		}
		fmt.Fprintf(&b, "  %s -> %s", dotQuote(from), dotQuote(e.To))
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// dotStart names the entry dot; node ids cannot contain '_'.
const dotStart = "_start"

// dotQuote writes s as a DOT quoted string: only '"' and '\' need care
// (a backslash would otherwise start an escape such as \N or \l).
func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	return `"` + s + `"`
}

// dotLabel quotes lines as one DOT label, centred line by line.
func dotLabel(lines []string) string {
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = strings.TrimSuffix(strings.TrimPrefix(dotQuote(l), `"`), `"`)
	}
	return `"` + strings.Join(q, `\n`) + `"`
}
