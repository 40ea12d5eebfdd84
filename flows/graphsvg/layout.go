package graphsvg

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/textfix/textfix/flows"
)

// Sizes, in SVG user units (px).
const (
	nodeFont   = 12.0 // a box's text
	labelFont  = 11.0 // an arrow's label
	titleFont  = 15.0 // the flow's title
	leading    = 1.3  // line height, in font sizes
	padX, padY = 10.0, 7.0
	margin     = 16.0
	boxGap     = 28.0 // between two boxes of a layer
	bendGap    = 14.0 // beside an arrow passing through a layer
	labelGap   = 5.0  // between an arrow and its label
	portInset  = 10.0 // arrows keep this far from a box's corners
	portSpread = 24.0 // at most between two arrows on one side of a box
	minRise    = 16.0 // the least room between two bands
	maxRise    = 80.0 // the most, for links that slant far
	entryR     = 5.0  // the radius of the entry dot
)

// itemKind is what occupies a place in a rank.
type itemKind int

const (
	box   itemKind = iota // one of the flow's nodes
	entry                 // the dot the entry arrow leaves from
	bend                  // a place an arrow passes through
)

// item is a box, the entry dot or a bend of an arrow, placed in a rank.
// Boxes are on even ranks (rank 2k is layer k); the odd ranks between
// them hold bends only, and the first bend of each arrow carries its label.
type item struct {
	kind itemKind
	node int // a box's index in Graph.Nodes
	rank int
	pos  int     // position in its rank, left to right
	x, y float64 // a box's centre; where a bend's arrow passes
	w, h float64 // a box's size; a bend's label's size

	left, right float64  // how far the item reaches either side of x
	up, down    []int    // links to the ranks above and below
	label       []string // what a bend's arrow says, beside it
	// turn marks the bend where an arrow between two boxes of one layer
	// turns back up; its label hangs under it, centred.
	turn bool
}

// link joins two items of neighbouring ranks along an arrow: a above, b
// below.
type link struct {
	a, b   int
	weight float64 // how much a straight link matters, when placing
	dead   bool    // dropped: the route became flat
}

// point is a place in the picture.
type point struct{ x, y float64 }

// route is one arrow, through its bends.
type route struct {
	arrow   flows.GraphArrow
	items   []int // source, bends, target: in drawing order
	labels  []string
	counted bool // the last label is the count of people
	dashed  bool
	stroke  float64 // line width
	// flat routes join two neighbours of one layer side to side; others
	// run from bottom or top to bottom or top through their bends.
	flat bool
	// Set by draw: where the arrow starts and where its head points, the
	// line between, the label's lines and where they are.
	start, tip point
	path       string   // SVG path data, from start to the arrowhead's base
	head       [3]point // the arrowhead: its tip, then the corners of its base
	text       []text   // the label's lines
	textBox    rect     // where the label is
}

// rect is an axis-aligned rectangle.
type rect struct{ x0, y0, x1, y1 float64 }

// text is one line of text: at x (its start, or its middle when
// centred), on baseline y.
type text struct {
	x, y    float64
	s       string
	bold    bool
	centred bool
}

// layout is a flow's picture, laid out.
type layout struct {
	g       flows.Graph
	items   []item
	links   []link
	routes  []route
	ranks   [][]int            // items by rank, in order
	flatGap map[[2]int]float64 // the room a flat arrow's label needs between two boxes
	band    []float64          // half the height of each rank's band
	width   float64
	height  float64
	titleAt point
}

// newLayout lays out g; counts, when not nil, label each arrow with the
// people who took it and draw it thicker the more they were.
func newLayout(g flows.Graph, counts map[flows.Edge]int) (*layout, error) {
	l := &layout{g: g}
	index := map[string]int{"": 0}
	l.items = append(l.items, item{kind: entry, left: entryR, right: entryR, w: 2 * entryR, h: 2 * entryR})
	for i, n := range g.Nodes {
		if _, dup := index[n.ID]; dup {
			return nil, fmt.Errorf("node %q twice", n.ID)
		}
		index[n.ID] = len(l.items)
		w, h := boxSize(n.Lines)
		l.items = append(l.items, item{kind: box, node: i, w: w, h: h, left: w / 2, right: w / 2})
	}
	ends := make([][2]int, len(g.Arrows))
	dashed := make([]bool, len(g.Arrows))
	for i, a := range g.Arrows {
		from, ok := index[a.From]
		to, ok2 := index[a.To]
		if !ok || !ok2 || a.To == "" {
			return nil, fmt.Errorf("arrow %q to %q: no such node", a.From, a.To)
		}
		ends[i], dashed[i] = [2]int{from, to}, a.NotFixed
	}
	for i, layer := range layers(len(l.items), ends, dashed) {
		l.items[i].rank = 2 * layer
	}
	most := 0
	for _, c := range counts {
		most = max(most, c)
	}
	for i, a := range g.Arrows {
		rt := route{arrow: a, dashed: a.NotFixed, stroke: 1.2, labels: a.Labels}
		if counts != nil {
			c := counts[a.Edge]
			rt.labels = append(slices.Clip(rt.labels), "("+strconv.Itoa(c)+")")
			rt.counted = true
			if most > 0 {
				rt.stroke = 1 + 4*float64(c)/float64(most)
			}
		}
		l.addRoute(rt, ends[i][0], ends[i][1])
	}
	l.order()
	l.flatten()
	l.placeX()
	l.placeY()
	l.draw()
	return l, nil
}

// boxSize is the size of a box saying lines, the first in bold.
func boxSize(lines []string) (w, h float64) {
	for i, s := range lines {
		w = max(w, textWidth(s, nodeFont, i == 0))
	}
	return math.Ceil(w + 2*padX), math.Ceil(float64(len(lines))*nodeFont*leading + 2*padY)
}

// labelSize is the size of an arrow's label.
func labelSize(lines []string) (w, h float64) {
	for _, s := range lines {
		w = max(w, textWidth(s, labelFont, false))
	}
	return math.Ceil(w), math.Ceil(float64(len(lines)) * labelFont * leading)
}

// layers returns each item's layer (the entry dot, 0, then the boxes):
// the longest path from the entry over the solid arrows, leaving out the
// ones that close a loop. A node that only dashed arrows lead to goes one
// layer below the lowest node they come from.
func layers(n int, ends [][2]int, dashed []bool) []int {
	solid := make([][]int, n)
	for i, e := range ends {
		if !dashed[i] {
			solid[e[0]] = append(solid[e[0]], i)
		}
	}
	// A depth-first walk over the solid arrows, from the entry first,
	// finds the arrows that close loops.
	back := make([]bool, len(ends))
	state := make([]int8, n) // 0 unseen, 1 on the walk, 2 done
	var walk func(v int)
	walk = func(v int) {
		state[v] = 1
		for _, a := range solid[v] {
			switch w := ends[a][1]; state[w] {
			case 0:
				walk(w)
			case 1:
				back[a] = true
			}
		}
		state[v] = 2
	}
	for v := range n {
		if state[v] == 0 {
			walk(v)
		}
	}
	layer := make([]int, n)
	for v := range layer {
		layer[v] = -1
	}
	layer[0] = 0
	relax := func() {
		for changed := true; changed; {
			changed = false
			for i, e := range ends {
				if dashed[i] || back[i] || layer[e[0]] < 0 || layer[e[1]] > layer[e[0]] {
					continue
				}
				layer[e[1]], changed = layer[e[0]]+1, true
			}
		}
	}
	for {
		relax()
		want := make([]int, n)
		placed := false
		for _, e := range ends {
			if layer[e[0]] >= 0 && layer[e[1]] < 0 {
				want[e[1]] = max(want[e[1]], layer[e[0]]+1)
			}
		}
		for v, w := range want {
			if w > 0 {
				layer[v], placed = w, true
			}
		}
		if placed {
			continue
		}
		// Nothing leads to the rest from the entry (a flow that passed
		// its checks has no such node): start them in layer 1.
		v := slices.Index(layer, -1)
		if v < 0 {
			return layer
		}
		layer[v] = 1
	}
}

// addRoute adds an arrow from item u to item v, with a bend in each rank
// between them. An arrow between two items of one layer turns back up
// from a bend in the rank below.
func (l *layout) addRoute(rt route, u, v int) {
	ru, rv := l.items[u].rank, l.items[v].rank
	rt.items = []int{u}
	bendAt := func(r int) {
		rt.items = append(rt.items, len(l.items))
		l.items = append(l.items, item{kind: bend, rank: r})
	}
	switch {
	case ru < rv:
		for r := ru + 1; r < rv; r++ {
			bendAt(r)
		}
	case ru > rv:
		for r := ru - 1; r > rv; r-- {
			bendAt(r)
		}
	default:
		bendAt(ru + 1)
		l.items[len(l.items)-1].turn = true
	}
	rt.items = append(rt.items, v)
	if len(rt.labels) > 0 {
		b := &l.items[rt.items[1]]
		b.label = rt.labels
		b.w, b.h = labelSize(rt.labels)
		if b.turn {
			b.left, b.right = b.w/2, b.w/2
		} else {
			b.right = labelGap + b.w
		}
	}
	for k := 1; k < len(rt.items); k++ {
		a, b := rt.items[k-1], rt.items[k]
		if l.items[a].rank > l.items[b].rank {
			a, b = b, a
		}
		w := 2.0
		if l.items[a].kind == bend && l.items[b].kind == bend {
			w = 8 // long arrows run straight
		}
		l.links = append(l.links, link{a: a, b: b, weight: w})
		l.items[a].down = append(l.items[a].down, len(l.links)-1)
		l.items[b].up = append(l.items[b].up, len(l.links)-1)
	}
	l.routes = append(l.routes, rt)
}

// order arranges each rank to cross few arrows: a depth-first start, then
// sweeps down and up sorting each rank by the barycentre of its
// neighbours in the rank before, each followed by swaps of neighbours
// that cross less; the best order seen wins.
func (l *layout) order() {
	top := 0
	for _, it := range l.items {
		top = max(top, it.rank)
	}
	l.ranks = make([][]int, top+1)
	seen := make([]bool, len(l.items))
	var visit func(i int)
	visit = func(i int) {
		if seen[i] {
			return
		}
		seen[i] = true
		l.items[i].pos = len(l.ranks[l.items[i].rank])
		l.ranks[l.items[i].rank] = append(l.ranks[l.items[i].rank], i)
		for _, li := range l.items[i].down {
			visit(l.links[li].b)
		}
	}
	for i := range l.items {
		visit(i)
	}
	best, fewest := l.positions(), l.crossings()
	for pass := range 16 {
		if pass%2 == 0 {
			for r := 1; r < len(l.ranks); r++ {
				l.sortRank(r, true)
			}
		} else {
			for r := len(l.ranks) - 2; r >= 0; r-- {
				l.sortRank(r, false)
			}
		}
		l.transpose()
		if c := l.crossings(); c < fewest {
			best, fewest = l.positions(), c
		}
	}
	for i, p := range best {
		l.items[i].pos = p
	}
	for _, rank := range l.ranks {
		slices.SortFunc(rank, func(a, b int) int { return l.items[a].pos - l.items[b].pos })
	}
}

func (l *layout) positions() []int {
	p := make([]int, len(l.items))
	for i, it := range l.items {
		p[i] = it.pos
	}
	return p
}

// neighbours returns the items linked to i above (up) or below it.
func (l *layout) neighbours(i int, up bool) []int {
	var out []int
	links := l.items[i].down
	if up {
		links = l.items[i].up
	}
	for _, li := range links {
		switch lk := l.links[li]; {
		case lk.dead:
		case up:
			out = append(out, lk.a)
		default:
			out = append(out, lk.b)
		}
	}
	return out
}

// sortRank orders rank r by the mean position of each item's neighbours
// above (up) or below; an item with none keeps its place.
func (l *layout) sortRank(r int, up bool) {
	rank := l.ranks[r]
	key := make(map[int]float64, len(rank))
	for _, i := range rank {
		key[i] = float64(l.items[i].pos)
		if nb := l.neighbours(i, up); len(nb) > 0 {
			sum := 0
			for _, j := range nb {
				sum += l.items[j].pos
			}
			key[i] = float64(sum) / float64(len(nb))
		}
	}
	slices.SortStableFunc(rank, func(a, b int) int {
		switch {
		case key[a] < key[b]:
			return -1
		case key[a] > key[b]:
			return 1
		}
		return 0
	})
	for p, i := range rank {
		l.items[i].pos = p
	}
}

// transpose swaps neighbours in a rank while that crosses fewer arrows.
func (l *layout) transpose() {
	for improved, rounds := true, 0; improved && rounds < 8; rounds++ {
		improved = false
		for _, rank := range l.ranks {
			for p := 0; p+1 < len(rank); p++ {
				a, b := rank[p], rank[p+1]
				if l.pairCrossings(b, a) < l.pairCrossings(a, b) {
					rank[p], rank[p+1] = b, a
					l.items[a].pos, l.items[b].pos = p+1, p
					improved = true
				}
			}
		}
	}
}

// pairCrossings counts the crossings between the arrows of a and of b
// when a is left of b.
func (l *layout) pairCrossings(a, b int) int {
	n := 0
	for _, up := range []bool{true, false} {
		for _, x := range l.neighbours(a, up) {
			for _, y := range l.neighbours(b, up) {
				if l.items[x].pos > l.items[y].pos {
					n++
				}
			}
		}
	}
	return n
}

// crossings counts the crossings of the links between every two ranks.
func (l *layout) crossings() int {
	n := 0
	for r := 0; r+1 < len(l.ranks); r++ {
		var seg [][2]int
		for _, i := range l.ranks[r] {
			for _, j := range l.neighbours(i, false) {
				seg = append(seg, [2]int{l.items[i].pos, l.items[j].pos})
			}
		}
		for p := range seg {
			for q := p + 1; q < len(seg); q++ {
				if (seg[p][0]-seg[q][0])*(seg[p][1]-seg[q][1]) < 0 {
					n++
				}
			}
		}
	}
	return n
}

// flatten draws an arrow between two neighbours of one layer as a
// straight line from side to side, dropping its bend: one such arrow per
// pair.
func (l *layout) flatten() {
	done := map[[2]int]bool{}
	l.flatGap = map[[2]int]float64{}
	for ri := range l.routes {
		rt := &l.routes[ri]
		if len(rt.items) != 3 || !l.items[rt.items[1]].turn {
			continue
		}
		u, v := rt.items[0], rt.items[2]
		pair := [2]int{min(u, v), max(u, v)}
		if d := l.items[u].pos - l.items[v].pos; (d != 1 && d != -1) || done[pair] {
			continue
		}
		done[pair], rt.flat = true, true
		w, _ := labelSize(rt.labels)
		l.flatGap[pair] = w + 2*labelGap + arrowLen(rt.stroke)
		b := rt.items[1]
		for _, li := range append(l.items[b].up, l.items[b].down...) {
			l.links[li].dead = true
		}
		r := l.items[b].rank
		l.ranks[r] = slices.DeleteFunc(l.ranks[r], func(i int) bool { return i == b })
		for p, i := range l.ranks[r] {
			l.items[i].pos = p
		}
		rt.items = []int{u, v}
	}
}

// gap is the least distance between the centres of neighbours a and b.
func (l *layout) gap(a, b int) float64 {
	g := bendGap
	if l.items[a].kind != bend && l.items[b].kind != bend {
		g = boxGap
	}
	if w, ok := l.flatGap[[2]int{min(a, b), max(a, b)}]; ok {
		g = max(g, w)
	}
	return l.items[a].right + g + l.items[b].left
}

// placeX sets the items' x so that links run straight, every rank's
// items apart by their gaps. It moves one rank at a time to its best
// place given the others, down and up, until nothing moves: first least
// squares of the links' slants, which spreads a shift over a long arrow
// and centres boxes over their neighbours, then least slants, from there,
// which gathers the shift into few links (weighted towards those at
// boxes) so that long arrows run straight.
func (l *layout) placeX() {
	for _, rank := range l.ranks {
		x := 0.0
		for p, i := range rank {
			if p > 0 {
				x += l.gap(rank[p-1], i)
			}
			l.items[i].x = x
		}
	}
	// Each item's live links, once: the passes below read them often.
	near := make([][]neighbour, len(l.items))
	for _, lk := range l.links {
		if !lk.dead {
			near[lk.a] = append(near[lk.a], neighbour{lk.b, lk.weight})
			near[lk.b] = append(near[lk.b], neighbour{lk.a, lk.weight})
		}
	}
	for _, median := range []bool{false, true} {
		for pass := range 100 {
			moved := 0.0
			for k := range l.ranks {
				r := k
				if pass%2 == 1 {
					r = len(l.ranks) - 1 - k
				}
				moved = max(moved, l.placeRank(r, near, median))
			}
			if moved < 0.5 {
				break
			}
		}
	}
	left := math.Inf(1)
	for _, it := range l.items {
		left = min(left, it.x-it.left)
	}
	for i := range l.items {
		l.items[i].x -= left - margin
	}
}

// pull is where a link draws an item, and how hard.
type pull struct{ x, w float64 }

// neighbour is the item at the other end of a link, and the link's weight.
type neighbour struct {
	item   int
	weight float64
}

// placeRank moves rank r to where the links to each item's near
// neighbours are straightest, by least squares or, when median, least
// sum, and returns how far an item moved.
func (l *layout) placeRank(r int, near [][]neighbour, median bool) float64 {
	rank := l.ranks[r]
	if len(rank) == 0 {
		return 0
	}
	pulls := make([][]pull, len(rank))
	gaps := make([]float64, len(rank))
	for p, i := range rank {
		pulls[p] = make([]pull, 0, len(near[i]))
		for _, n := range near[i] {
			pulls[p] = append(pulls[p], pull{l.items[n.item].x, n.weight})
		}
		if len(pulls[p]) == 0 {
			pulls[p] = []pull{{l.items[i].x, 1e-3}}
		}
		if p > 0 {
			gaps[p-1] = l.gap(rank[p-1], i)
		}
	}
	moved := 0.0
	for p, x := range spread(pulls, gaps, median) {
		moved = max(moved, math.Abs(x-l.items[rank[p]].x))
		l.items[rank[p]].x = x
	}
	return moved
}

// spread returns the positions, in order with x[k+1]-x[k] >= gaps[k],
// with the least sum over each item k's pulls of their weight times the
// square of (or, when median, just) the distance from x[k]. This is
// isotonic regression of the positions less their least offsets, by
// pooling adjacent violators: a pool sits at the weighted mean (median)
// of its pulls.
func spread(pulls [][]pull, gaps []float64, median bool) []float64 {
	n := len(pulls)
	off := make([]float64, n)
	for k := 1; k < n; k++ {
		off[k] = off[k-1] + gaps[k-1]
	}
	type pool struct {
		from, to int
		w, wx    float64 // for the mean
		pulls    []pull  // for the median
		at       float64
	}
	settle := func(p *pool) {
		if median {
			p.at = weightedMedian(p.pulls)
		} else {
			p.at = p.wx / p.w
		}
	}
	var pools []pool
	for k := range n {
		p := pool{from: k, to: k + 1}
		for _, q := range pulls[k] {
			p.w, p.wx = p.w+q.w, p.wx+q.w*(q.x-off[k])
			if median {
				p.pulls = append(p.pulls, pull{q.x - off[k], q.w})
			}
		}
		settle(&p)
		for len(pools) > 0 && pools[len(pools)-1].at > p.at {
			prev := pools[len(pools)-1]
			p = pool{from: prev.from, to: p.to, w: prev.w + p.w, wx: prev.wx + p.wx, pulls: append(prev.pulls, p.pulls...)}
			settle(&p)
			pools = pools[:len(pools)-1]
		}
		pools = append(pools, p)
	}
	x := make([]float64, n)
	for _, p := range pools {
		for k := p.from; k < p.to; k++ {
			x[k] = p.at + off[k]
		}
	}
	return x
}

// weightedMedian is the middle of the pulls by weight; when that falls
// between two, halfway between them.
func weightedMedian(ps []pull) float64 {
	s := slices.Clone(ps)
	slices.SortFunc(s, func(a, b pull) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		}
		return 0
	})
	half := 0.0
	for _, p := range s {
		half += p.w / 2
	}
	acc := 0.0
	for k, p := range s {
		acc += p.w
		switch {
		case acc > half+1e-9:
			return p.x
		case acc > half-1e-9 && k+1 < len(s):
			return (p.x + s[k+1].x) / 2
		}
	}
	return s[len(s)-1].x
}

// placeY sets each rank's band, the items' y and the picture's size. The
// room between two bands grows with how far the links between them slant.
func (l *layout) placeY() {
	l.band = make([]float64, len(l.ranks))
	for r, rank := range l.ranks {
		for _, i := range rank {
			l.band[r] = max(l.band[r], l.items[i].h/2)
		}
	}
	titleW := textWidth(l.g.Title, titleFont, true)
	l.titleAt = point{margin, margin + titleFont}
	y := margin + titleFont*leading + 12
	for r, rank := range l.ranks {
		if r > 0 {
			slant := 0.0
			for _, i := range l.ranks[r-1] {
				for _, j := range l.neighbours(i, false) {
					slant = max(slant, math.Abs(l.items[i].x-l.items[j].x))
				}
			}
			y += min(max(minRise, slant*0.1), maxRise)
		}
		y += l.band[r]
		for _, i := range rank {
			l.items[i].y = y
		}
		y += l.band[r]
	}
	right := 0.0
	for _, it := range l.items {
		right = max(right, it.x+it.right)
	}
	l.width = math.Ceil(max(right+margin, titleW+2*margin))
	l.height = math.Ceil(y + margin)
	if shift := (l.width - right - margin) / 2; shift > 0 {
		for i := range l.items {
			l.items[i].x += shift
		}
	}
}

// arrowLen is the length of an arrowhead on a line of width stroke.
func arrowLen(stroke float64) float64 { return 7 + 1.2*stroke }

// portEnd is one end of a route on the top or bottom of an item.
type portEnd struct {
	route int
	tip   bool    // the arrow's head, not its start
	below bool    // on the bottom side
	to    float64 // the x of the next item along the route
}

// draw sets each route's ends, path, arrowhead and label. The ends on one
// side of a box spread along it in the order of where their arrows go.
func (l *layout) draw() {
	ends := make([][]portEnd, len(l.items))
	for ri, rt := range l.routes {
		if rt.flat {
			continue
		}
		n := len(rt.items)
		for _, e := range []struct {
			at, next int
			tip      bool
		}{{rt.items[0], rt.items[1], false}, {rt.items[n-1], rt.items[n-2], true}} {
			below := l.items[e.next].rank > l.items[e.at].rank
			ends[e.at] = append(ends[e.at], portEnd{ri, e.tip, below, l.items[e.next].x})
		}
	}
	for i, at := range ends {
		it := &l.items[i]
		for _, below := range []bool{false, true} {
			side := slices.DeleteFunc(slices.Clone(at), func(e portEnd) bool { return e.below != below })
			slices.SortStableFunc(side, func(a, b portEnd) int {
				switch {
				case a.to < b.to:
					return -1
				case a.to > b.to:
					return 1
				}
				return a.route - b.route
			})
			y := it.y - it.h/2
			if below {
				y = it.y + it.h/2
			}
			for k, x := range portsX(it, side) {
				rt := &l.routes[side[k].route]
				if side[k].tip {
					rt.tip = point{x, y}
				} else {
					rt.start = point{x, y}
				}
			}
		}
	}
	for ri := range l.routes {
		rt := &l.routes[ri]
		switch {
		case rt.flat:
			l.drawFlat(rt)
		case l.items[rt.items[1]].turn:
			l.drawTurn(rt)
		default:
			l.drawRun(rt)
		}
	}
}

// portsX spreads the ends on one side of a box along it, each as near as
// it can be to where its arrow goes, apart by as much of the side as
// they can have up to portSpread, and clear of the corners.
func portsX(it *item, side []portEnd) []float64 {
	n := len(side)
	if n == 0 {
		return nil
	}
	lo, hi := it.x-it.w/2+portInset, it.x+it.w/2-portInset
	if it.kind != box || hi < lo {
		lo, hi = it.x, it.x
	}
	gap := 0.0
	if n > 1 {
		gap = min(portSpread, (hi-lo)/float64(n-1))
	}
	pulls, gaps := make([][]pull, n), make([]float64, n)
	for k, e := range side {
		pulls[k], gaps[k] = []pull{{min(max(e.to, lo), hi), 1}}, gap
	}
	xs := spread(pulls, gaps, false)
	for k := range xs {
		xs[k] = min(max(xs[k], lo+float64(k)*gap), hi-float64(n-1-k)*gap)
	}
	return xs
}

// head sets the arrowhead pointing along (dx, dy), a unit vector, with
// its tip at rt.tip, and returns the middle of its base.
func (rt *route) setHead(dx, dy float64) point {
	n, hw := arrowLen(rt.stroke), 3.5+0.6*rt.stroke
	base := point{rt.tip.x - dx*n, rt.tip.y - dy*n}
	rt.head = [3]point{rt.tip, {base.x - dy*hw, base.y + dx*hw}, {base.x + dy*hw, base.y - dx*hw}}
	return base
}

// drawRun draws an arrow that runs down (or up) through its bends:
// straight across each bend's band, curving between bands.
func (l *layout) drawRun(rt *route) {
	dir := 1.0
	if l.items[rt.items[0]].rank > l.items[rt.items[len(rt.items)-1]].rank {
		dir = -1
	}
	pts := []point{rt.start}
	for _, b := range rt.items[1 : len(rt.items)-1] {
		it, h := l.items[b], l.band[l.items[b].rank]
		pts = append(pts, point{it.x, it.y - dir*h})
		if h > 0 {
			pts = append(pts, point{it.x, it.y + dir*h})
		}
		if len(it.label) > 0 {
			l.labelBeside(rt, it)
		}
	}
	pts = append(pts, rt.setHead(0, dir))
	var d pathData
	d.move(pts[0])
	for k := 1; k < len(pts); k++ {
		p, q := pts[k-1], pts[k]
		if math.Abs(p.x-q.x) < 0.5 {
			d.line(q)
			continue
		}
		mid := (p.y + q.y) / 2
		d.curve(point{p.x, mid}, point{q.x, mid}, q)
	}
	rt.path = d.String()
}

// drawTurn draws an arrow between two boxes of one layer (or from a box
// to itself): down from the first, along the top of the band below
// through its bend, under which the label hangs, and up into the second.
func (l *layout) drawTurn(rt *route) {
	b := l.items[rt.items[1]]
	low := b.y - l.band[b.rank]
	base := rt.setHead(0, -1)
	sgn := 1.0
	if base.x < rt.start.x {
		sgn = -1
	}
	var d pathData
	d.move(rt.start)
	d.curve(point{rt.start.x, low}, point{b.x - sgn*math.Abs(b.x-rt.start.x)/2, low}, point{b.x, low})
	d.curve(point{b.x + sgn*math.Abs(base.x-b.x)/2, low}, point{base.x, low}, base)
	rt.path = d.String()
	if len(b.label) > 0 {
		top := low + 2
		rt.textBox = rect{b.x - b.w/2, top, b.x + b.w/2, top + b.h}
		for k, s := range b.label {
			rt.text = append(rt.text, text{x: b.x, y: baseline(top, k, labelFont), s: s, centred: true})
		}
	}
}

// drawFlat draws an arrow straight from the side of one box to the side
// of its neighbour, the label over the line and the count under it.
func (l *layout) drawFlat(rt *route) {
	u, v := l.items[rt.items[0]], l.items[rt.items[1]]
	sgn := 1.0
	if v.x < u.x {
		sgn = -1
	}
	rt.start, rt.tip = point{u.x + sgn*u.w/2, u.y}, point{v.x - sgn*v.w/2, v.y}
	base := rt.setHead(sgn, 0)
	var d pathData
	d.move(rt.start)
	d.line(base)
	rt.path = d.String()
	over, under := rt.labels, []string(nil)
	if rt.counted {
		over, under = rt.labels[:len(rt.labels)-1], rt.labels[len(rt.labels)-1:]
	}
	mid := (rt.start.x + rt.tip.x) / 2
	w, _ := labelSize(rt.labels)
	lh := labelFont * leading
	top := u.y - 2 - float64(len(over))*lh
	rt.textBox = rect{mid - w/2, top, mid + w/2, u.y + 2 + float64(len(under))*lh}
	for k, s := range over {
		rt.text = append(rt.text, text{x: mid, y: baseline(top, k, labelFont), s: s, centred: true})
	}
	for k, s := range under {
		rt.text = append(rt.text, text{x: mid, y: baseline(u.y+2, k, labelFont), s: s, centred: true})
	}
}

// labelBeside puts rt's label right of its line at bend b, centred on
// the band.
func (l *layout) labelBeside(rt *route, b item) {
	x, top := b.x+labelGap, b.y-b.h/2
	rt.textBox = rect{x, top, x + b.w, top + b.h}
	for k, s := range b.label {
		rt.text = append(rt.text, text{x: x, y: baseline(top, k, labelFont), s: s})
	}
}

// baseline is where line k of a block of text at size, whose top is top,
// stands.
func baseline(top float64, k int, size float64) float64 {
	lh := size * leading
	return top + float64(k)*lh + lh/2 + 0.36*size
}

// pathData writes SVG path data.
type pathData struct{ b []byte }

func (d *pathData) move(p point) { d.add('M', p) }
func (d *pathData) line(p point) { d.add('L', p) }
func (d *pathData) curve(c1, c2, p point) {
	d.add('C', c1)
	d.add(' ', c2)
	d.add(' ', p)
}

func (d *pathData) add(cmd byte, p point) {
	d.b = append(d.b, cmd)
	d.b = append(d.b, num(p.x)...)
	d.b = append(d.b, ',')
	d.b = append(d.b, num(p.y)...)
}

func (d *pathData) String() string { return string(d.b) }

// num writes v to a tenth, without trailing zeros.
func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
