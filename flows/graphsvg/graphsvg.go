// Package graphsvg draws a flow's picture as SVG. It runs Graphviz compiled
// to WebAssembly (github.com/goccy/go-graphviz), in process and without
// cgo, so it works in the static binary and its slim image. It lives apart
// from package flows so that code needing only flows does not link the
// renderer.
//
// Caveat: go-graphviz instantiates its WebAssembly module when the program
// starts, and keeps one instance per process; renders here take turns.
package graphsvg

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/goccy/go-graphviz"

	"github.com/textfix/textfix/flows"
)

// mu serialises renders: go-graphviz drives a single WebAssembly instance
// shared by the whole process, which is not safe for concurrent use.
var mu sync.Mutex

// Flow renders t's picture (flows.Flow.DOT) as an SVG document. counts,
// when not nil, label each arrow with the number of people who took it.
func Flow(ctx context.Context, t *flows.Flow, counts map[flows.Edge]int) ([]byte, error) {
	svg, err := Render(ctx, t.DOT(counts))
	if err != nil {
		return nil, fmt.Errorf("graphsvg: flow %s: %w", t.ID, err)
	}
	return svg, nil
}

// Render lays out a Graphviz DOT graph with the dot engine and returns it
// as an SVG document.
func Render(ctx context.Context, dot string) ([]byte, error) {
	mu.Lock()
	defer mu.Unlock()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("graphsvg: start graphviz: %w", err)
	}
	defer gv.Close()
	g, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return nil, fmt.Errorf("graphsvg: parse dot: %w", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("graphsvg: render: %w", err)
	}
	return buf.Bytes(), nil
}
