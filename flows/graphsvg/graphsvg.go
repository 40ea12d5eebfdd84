// Package graphsvg draws a flow's picture as SVG. It runs Graphviz compiled
// to WebAssembly (github.com/goccy/go-graphviz), in process and without
// cgo, so it works in the static binary and its slim image. It lives apart
// from package flows so that code needing only flows does not link the
// renderer.
//
// Caveats:
//
//   - go-graphviz keeps one WebAssembly instance per process; renders here
//     take turns.
//   - The instance is made on the first render, not when the program
//     starts (upstream does it at init: about 45 ms and 4 MB for every
//     command, and a panic when its cache in /tmp belongs to another user).
//     textfix builds against a copy of go-graphviz patched for that
//     (third_party/go-graphviz, see its TEXTFIX.md).
//   - Compiled code is cached under the user's cache directory
//     (os.UserCacheDir, then textfix/graphviz); when that cannot be
//     written, renders compile without a cache.
package graphsvg

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	if err := graphviz.Load(ctx, CacheDir()); err != nil {
		return nil, fmt.Errorf("graphsvg: start graphviz: %w", err)
	}
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

// CacheDir is where compiled Graphviz code is kept between processes:
// textfix/graphviz under the user's cache directory, when it can be
// created and written; "" (no cache) otherwise.
func CacheDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	dir := filepath.Join(base, "textfix", "graphviz")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	probe, err := os.CreateTemp(dir, "probe-")
	if err != nil {
		return ""
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	return dir
}
