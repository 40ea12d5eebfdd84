package graphsvg_test

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
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

// childEnv marks the copy of this test binary that TestCacheDir starts.
const childEnv = "GRAPHSVG_TEST_CHILD"

// A process whose home and cache directory cannot be written (they sit
// under a regular file: not even root can create them) still draws, without
// a cache; with a writable cache directory it keeps its compiled code there.
// Each case runs in a fresh process: go-graphviz loads once per process.
func TestCacheDir(t *testing.T) {
	if dir := os.Getenv(childEnv); dir != "" {
		svg, err := graphsvg.Flow(context.Background(), tricky(t), nil)
		if err != nil || !strings.Contains(string(svg), "<svg") {
			t.Fatalf("no SVG: %v", err)
		}
		if got := graphsvg.CacheDir(); got != strings.TrimPrefix(dir, "none") {
			t.Fatalf("cache dir %q, want %q", got, strings.TrimPrefix(dir, "none"))
		}
		return
	}
	if testing.Short() {
		t.Skip("real-process test: slow; runs without -short and in .ci/run")
	}
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	writable := filepath.Join(tmp, "cache")
	// Upstream cached in $TMPDIR/go-graphviz and panicked at start when it
	// could not use it; textfix never looks there.
	foreign := filepath.Join(tmp, "tmp")
	if err := os.MkdirAll(foreign, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "go-graphviz"), []byte("not a cache"), 0o400); err != nil {
		t.Fatal(err)
	}
	run := func(name, home, cache, tmp, want string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCacheDir$", "-test.v")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CACHE_HOME=" + cache,
			"TMPDIR=" + tmp, childEnv + "=none" + want}
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "PASS") {
			t.Errorf("%s: %v\n%s", name, err, out)
		}
	}
	for _, tt := range []struct {
		name, home, cache, tmp, want string
	}{
		{"unwritable", filepath.Join(file, "home"), filepath.Join(file, "cache"), filepath.Join(file, "tmp"), ""},
		{"writable", filepath.Join(file, "home"), writable, filepath.Join(file, "tmp"), filepath.Join(writable, "textfix", "graphviz")},
		{"upstream's cache unusable", filepath.Join(file, "home"), filepath.Join(file, "cache"), foreign, ""},
	} {
		run(tt.name, tt.home, tt.cache, tt.tmp, tt.want)
		if tt.want != "" {
			if entries, err := os.ReadDir(tt.want); err != nil || len(entries) == 0 {
				t.Errorf("%s: nothing cached in %s (%v)", tt.name, tt.want, err)
			}
		}
	}
	// A cache whose entries cannot be read (another user's, or damaged)
	// made upstream panic at start; here the render goes on without it.
	cached := filepath.Join(writable, "textfix", "graphviz")
	n := 0
	err := filepath.WalkDir(cached, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
			if err := os.Remove(path); err != nil {
				return err
			}
			return os.Mkdir(path, 0o700) // a directory where the entry's file was
		}
		return err
	})
	if err != nil || n == 0 {
		t.Fatalf("damaging %d cache entries: %v", n, err)
	}
	run("damaged cache", filepath.Join(file, "home"), writable, filepath.Join(file, "tmp"), cached)
}
