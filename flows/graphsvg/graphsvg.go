// Package graphsvg draws a flow's picture as SVG: the boxes and arrows of
// [flows.Flow.Graph], laid out and drawn in Go. It lives apart from
// package flows so that code needing only flows does not link the
// drawing.
//
// # Basics
//
// The layout is layered, top to bottom. The entry dot is layer 0; each
// node sits one layer below the lowest node a solid arrow (a choice, an
// info text's next) leads to it from, leaving out arrows that close a
// loop. Dashed "if not fixed" arrows do not push nodes down, so a fix sits
// just under its question; a node only they lead to goes one layer below
// the lowest of them. Between two layers is a band for arrows' labels. An
// arrow that spans layers passes each band through a bend of its own;
// its label stands beside the line in the first band it crosses. The
// bends in each band are ordered, with the boxes, by barycentre sweeps to
// cross few arrows, then placed where the arrows run straightest while
// keeping everything in a band apart. So no two boxes or labels overlap,
// and lines only cross between bands.
//
// # Caveats
//
// The picture names generic font families only, so a viewer draws it in
// the sans-serif it has. Boxes are sized by the widths of DejaVu Sans, the
// widest of the usual ones: elsewhere text sits a little loose in them.
// Text is cut and wrapped as in DOT ([flows.Flow.DOT]).
package graphsvg

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"

	"github.com/textfix/textfix/flows"
)

// Flow draws t's picture as a standalone SVG document. counts, when not
// nil, label each arrow with the number of people who took it (missing
// arrows count 0) and draw it thicker the more people took it. The same
// flow and counts give the same bytes.
func Flow(ctx context.Context, t *flows.Flow, counts map[flows.Edge]int) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("graphsvg: flow %s: %w", t.ID, err)
	}
	l, err := newLayout(t.Graph(), counts)
	if err != nil {
		return nil, fmt.Errorf("graphsvg: flow %s: %w", t.ID, err)
	}
	return l.svg(), nil
}

// Colours of the lines and text outside the boxes; the boxes' are
// flows.GraphNode's.
const (
	lineColour  = "#4b5563"
	labelColour = "#1f2937"
	textColour  = "#111827"
)

// svg writes the picture: lines, then arrowheads, then boxes, then the
// labels on top, each haloed in white so that lines crossing it do not
// hide it.
func (l *layout) svg() []byte {
	var b bytes.Buffer
	w, h := num(l.width), num(l.height)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="Helvetica, Arial, sans-serif" role="img">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(l.g.Title))
	fmt.Fprintf(&b, `<rect width="%s" height="%s" fill="#fff"/>`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s" font-weight="bold" fill="%s">%s</text>`+"\n",
		num(l.titleAt.x), num(l.titleAt.y), num(titleFont), textColour, esc(l.g.Title))

	fmt.Fprintf(&b, `<g class="arrows" fill="none" stroke="%s">`+"\n", lineColour)
	for _, rt := range l.routes {
		dash := ""
		if rt.dashed {
			// Dashes grow with the line, so a thick one still reads dashed.
			dash = fmt.Sprintf(` stroke-dasharray="%s %s"`, num(3+2*rt.stroke), num(2+rt.stroke))
		}
		fmt.Fprintf(&b, `<path d="%s" stroke-width="%s"%s/>`+"\n", rt.path, num(rt.stroke), dash)
	}
	b.WriteString("</g>\n")
	fmt.Fprintf(&b, `<g class="heads" fill="%s">`+"\n", lineColour)
	for _, rt := range l.routes {
		var d pathData
		d.move(rt.head[0])
		d.line(rt.head[1])
		d.line(rt.head[2])
		fmt.Fprintf(&b, `<path d="%sZ"/>`+"\n", d.String())
	}
	b.WriteString("</g>\n")

	fmt.Fprintf(&b, `<g class="nodes" stroke-width="1.2" font-size="%s" fill="%s">`+"\n", num(nodeFont), textColour)
	for _, it := range l.items {
		switch it.kind {
		case entry:
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="%s"/>`+"\n", num(it.x), num(it.y), num(entryR), textColour)
		case box:
			l.writeBox(&b, it)
		}
	}
	b.WriteString("</g>\n")

	fmt.Fprintf(&b, `<g class="labels" font-size="%s" fill="%s" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">`+"\n", num(labelFont), labelColour)
	for _, rt := range l.routes {
		if len(rt.text) == 0 {
			continue
		}
		b.WriteString("<g>\n")
		for _, t := range rt.text {
			writeText(&b, t)
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes()
}

// writeBox draws a node's box in its kind's shape, and its lines: a
// question is a rectangle, an info text a note with a folded corner, a fix
// a rounded rectangle, a handoff a rectangle with cut corners.
func (l *layout) writeBox(b *bytes.Buffer, it item) {
	n := l.g.Nodes[it.node]
	b.WriteString("<g>\n")
	x0, y0, x1, y1 := it.x-it.w/2, it.y-it.h/2, it.x+it.w/2, it.y+it.h/2
	paint := fmt.Sprintf(`fill="%s" stroke="%s"`, n.Fill, n.Border)
	rectangle := func(r string) {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s"%s %s/>`+"\n",
			num(x0), num(y0), num(it.w), num(it.h), r, paint)
	}
	switch n.Kind {
	case flows.Info:
		const fold = 9
		var d pathData
		d.move(point{x0, y0})
		d.line(point{x1 - fold, y0})
		d.line(point{x1, y0 + fold})
		d.line(point{x1, y1})
		d.line(point{x0, y1})
		fmt.Fprintf(b, `<path d="%sZ" %s/>`+"\n", d.String(), paint)
		d = pathData{}
		d.move(point{x1 - fold, y0})
		d.line(point{x1 - fold, y0 + fold})
		d.line(point{x1, y0 + fold})
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s"/>`+"\n", d.String(), n.Border)
	case flows.Fix:
		rectangle(` rx="10"`)
	case flows.Handoff:
		rectangle("")
		const cut = 7
		var d pathData
		for _, c := range []struct{ x, y, dx, dy float64 }{{x0, y0, 1, 1}, {x1, y0, -1, 1}, {x1, y1, -1, -1}, {x0, y1, 1, -1}} {
			d.move(point{c.x + c.dx*cut, c.y})
			d.line(point{c.x, c.y + c.dy*cut})
		}
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s"/>`+"\n", d.String(), n.Border)
	default:
		rectangle(` rx="2"`)
	}
	top := it.y - float64(len(n.Lines))*nodeFont*leading/2
	for k, s := range n.Lines {
		writeText(b, text{x: it.x, y: baseline(top, k, nodeFont), s: s, bold: k == 0, centred: true})
	}
	b.WriteString("</g>\n")
}

// writeText writes one line of text; its group sets the font size.
func writeText(b *bytes.Buffer, t text) {
	attrs := ""
	if t.bold {
		attrs += ` font-weight="bold"`
	}
	if t.centred {
		attrs += ` text-anchor="middle"`
	}
	fmt.Fprintf(b, `<text x="%s" y="%s"%s>%s</text>`+"\n", num(t.x), num(t.y), attrs, esc(t.s))
}

// esc escapes s as XML text or an attribute value.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writes to a buffer: no error
	return b.String()
}
