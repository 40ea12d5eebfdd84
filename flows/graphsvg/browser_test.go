package graphsvg_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/internal/stacktest"
)

// The library's largest flow, with people on its arrows, drawn by a real
// browser in its own fonts inside a page that allows nothing (no script,
// style or font may load): every box's text fits in its box, no two
// boxes or labels overlap, and nothing is refused. The picture is saved
// as a screenshot (set TEXTFIX_SCREENSHOTS to keep it).
func TestFlowInBrowser(t *testing.T) {
	ctx := stacktest.NewBrowser(t) // first: skipped under -short
	f := library(t).Flow("claude-code-403")
	counts := map[flows.Edge]int{}
	for i, a := range f.Graph().Arrows {
		counts[a.Edge] = (7 * i) % 23
	}
	svg := render(t, f, counts)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html>\n<html><head><title>%s</title></head><body>\n%s</body></html>\n", f.ID, svg)
	}))
	defer page.Close()

	var mu sync.Mutex
	var problems []string
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		for m, err := range chromedp.Console(cctx) {
			if err != nil {
				return
			}
			if strings.HasSuffix(m.URL, "/favicon.ico") {
				continue // browsers ask for one
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()

	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(page.URL),
		chromedp.WaitVisible(chromedp.CSS("svg g.labels")),
	); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Boxes, Labels int
		Overflows     []string
		Overlaps      []string
	}](`(() => {
		const svg = document.querySelector("svg");
		const out = {Boxes: 0, Labels: 0, Overflows: [], Overlaps: []};
		const shapes = [];
		for (const g of svg.querySelectorAll("g.nodes > g")) {
			const box = g.firstElementChild.getBBox();
			const id = g.querySelector("text").textContent;
			shapes.push({what: "box " + id, r: box});
			for (const t of g.querySelectorAll("text")) {
				const b = t.getBBox();
				if (b.x < box.x || b.y < box.y || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height) {
					out.Overflows.push(id + ": " + t.textContent);
				}
			}
			out.Boxes++;
		}
		for (const g of svg.querySelectorAll("g.labels > g")) {
			shapes.push({what: "label " + g.textContent.trim().replace(/\s+/g, " "), r: g.getBBox()});
			out.Labels++;
		}
		const meet = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
		for (let i = 0; i < shapes.length; i++) {
			for (let j = i + 1; j < shapes.length; j++) {
				if (meet(shapes[i].r, shapes[j].r)) out.Overlaps.push(shapes[i].what + " / " + shapes[j].what);
			}
		}
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Boxes != len(f.Nodes) || got.Labels == 0 {
		t.Errorf("%d boxes for %d nodes, %d labels", got.Boxes, len(f.Nodes), got.Labels)
	}
	for _, o := range got.Overflows {
		t.Errorf("text past its box: %s", o)
	}
	for _, o := range got.Overlaps {
		t.Errorf("overlap: %s", o)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	stacktest.SaveScreenshot(t, t.TempDir(), f.ID+".png", png)
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser console: %s", p)
	}
}
