package flowtest_test

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/flowtest"
)

// run loads the flows and scripts of fsys and plays them all.
func run(t *testing.T, fsys fs.FS) []flowtest.Result {
	t.Helper()
	lib, problems, err := flows.Load(fsys)
	if err != nil {
		t.Fatalf("load flows: %v %v", err, problems)
	}
	files, bad, err := flowtest.Load(fsys)
	if err != nil || len(bad) > 0 {
		t.Fatalf("load scripts: %v %v", err, bad)
	}
	e := flowtest.Engine(lib)
	var out []flowtest.Result
	for _, f := range files {
		out = append(out, flowtest.Run(e, f)...)
	}
	return out
}

func TestPassingScripts(t *testing.T) {
	rs := run(t, os.DirFS("testdata/pass"))
	if len(rs) != 2 {
		t.Fatalf("%d results, want 2", len(rs))
	}
	for _, r := range rs {
		if !r.Passed() {
			t.Errorf("%s: %+v", r.Script, r.Failure)
		}
	}
}

func TestFailingScripts(t *testing.T) {
	rs := run(t, os.DirFS("testdata/fail"))
	byName := map[string]flowtest.Result{}
	for _, r := range rs {
		byName[r.Script] = r
	}
	if !byName["passes"].Passed() {
		t.Errorf("passes: %+v", byName["passes"].Failure)
	}

	f := byName["expects the wrong fix"].Failure
	if f == nil {
		t.Fatal("expects the wrong fix: passed")
	}
	want := &flowtest.Failure{
		Step: 2, Send: "all green",
		Problems: []string{"want node demo-500/fix-wait", "want status handoff", `want a reply containing "incident"`},
		Flow:     "demo-500", Node: "fix-retry", Status: bot.StatusFixed,
		Replies: f.Replies,
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("failure\n got %+v\nwant %+v", f, want)
	}
	if len(f.Replies) != 1 || !strings.Contains(f.Replies[0], "Retry with backoff") || !strings.Contains(f.Replies[0], flowtest.BaseURL+"/f/page1") {
		t.Errorf("replies %q", f.Replies)
	}
	if f.At() != "demo-500/fix-retry (fixed)" {
		t.Errorf("At() = %q", f.At())
	}

	// A node the flow does not have is the script's mistake: nothing is
	// sent and the failure says so.
	f = byName["names a node the tree does not have"].Failure
	if f == nil || f.Step != 1 || len(f.Problems) != 1 || !strings.Contains(f.Problems[0], `no node "fix-wiat"`) || f.Status != "" {
		t.Errorf("typo: %+v", f)
	}
}

// Running twice gives the same results: the clock and page ids are fixed.
func TestRunIsDeterministic(t *testing.T) {
	a, b := run(t, os.DirFS("testdata/fail")), run(t, os.DirFS("testdata/fail"))
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two runs differ:\n%+v\n%+v", a, b)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // all in the message
	}{
		{"unknown step field", "scripts:\n  - name: region\n    steps:\n      - send: hi\n        nod: x\n", []string{"x.test.yaml", `script "region"`, `unknown field "nod"`, "line 5"}},
		{"unknown script field", "scripts:\n  - name: a\n    stepz: []\n", []string{`script "a"`, `unknown field "stepz"`}},
		{"unknown top field", "script:\n  - name: a\n", []string{`unknown field "script"`}},
		{"not yaml", "scripts: [unclosed", []string{"x.test.yaml"}},
		{"empty", "", []string{"empty file"}},
		{"no scripts", "scripts: []\n", []string{"no scripts"}},
		{"no name", "scripts:\n  - steps:\n      - send: hi\n", []string{"script 1 has no name"}},
		{"no steps", "scripts:\n  - name: a\n", []string{`script "a" has no steps`}},
		{"no send", "scripts:\n  - name: a\n    steps:\n      - node: x\n", []string{`script "a": step 1 has no send`}},
		{"bad status", "scripts:\n  - name: a\n    steps:\n      - send: hi\n        status: done\n", []string{`status "done"`, "opted_out"}},
		{"duplicate", "scripts:\n  - name: a\n    steps: [{send: hi}]\n  - name: a\n    steps: [{send: hi}]\n", []string{"duplicate"}},
		{"reply_contains map", "scripts:\n  - name: a\n    steps:\n      - send: hi\n        reply_contains: {a: b}\n", []string{"x.test.yaml", `script "a"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := flowtest.Parse("flows/x.test.yaml", []byte(tt.src))
			if err == nil || f != nil || !errors.Is(err, flowtest.ErrInvalid) {
				t.Fatalf("Parse = %v, %v; want ErrInvalid", f, err)
			}
			var inv *flowtest.InvalidError
			if !errors.As(err, &inv) || inv.File != "x.test.yaml" {
				t.Errorf("not an InvalidError naming x.test.yaml: %#v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReplyContainsStringOrList(t *testing.T) {
	f, err := flowtest.Parse("x.test.yaml", []byte("scripts:\n  - name: a\n    steps:\n      - send: hi\n        reply_contains: one\n      - send: hi\n        reply_contains: [one, two]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Scripts[0].Steps; !reflect.DeepEqual(got[0].ReplyContains, flowtest.Strings{"one"}) || !reflect.DeepEqual(got[1].ReplyContains, flowtest.Strings{"one", "two"}) {
		t.Errorf("%+v", got)
	}
}

// Load reports a bad file and still returns the good ones.
func TestLoadKeepsGoodFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"a.test.yaml": {Data: []byte("scripts:\n  - name: a\n    steps: [{send: hi}]\n")},
		"b.test.yaml": {Data: []byte("scripts:\n  - name: b\n    bogus: 1\n")},
		"c.yaml":      {Data: []byte("id: c\n")}, // a flow, not a script
	}
	files, bad, err := flowtest.Load(fsys)
	if err != nil || len(files) != 1 || files[0].Name != "a.test.yaml" || len(bad) != 1 || !strings.HasPrefix(bad[0].Error(), "b.test.yaml: ") {
		t.Errorf("Load = %v, %v, %v", files, bad, err)
	}
}

// The starter scripts that `textfix flows new` writes pass against the
// skeleton flow once its TODOs are replaced (the checker refuses it
// before).
func TestSkeletonScriptsPass(t *testing.T) {
	flow, script, err := flows.Skeleton("acme-sync", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rs := run(t, fstest.MapFS{
		"acme-sync.yaml":      {Data: regexp.MustCompile(`\bTODO\b`).ReplaceAll(flow, []byte("Done"))},
		"acme-sync.test.yaml": {Data: script},
	})
	if len(rs) == 0 {
		t.Fatal("no scripts")
	}
	for _, r := range rs {
		if !r.Passed() {
			t.Errorf("%s: %+v", r.Script, r.Failure)
		}
	}
}

// Every script beside the embedded library passes, and every flow has
// scripts.
func TestLibraryScripts(t *testing.T) {
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	files, bad, err := flowtest.Load(flows.Embedded())
	if err != nil || len(bad) > 0 {
		t.Fatalf("%v %v", err, bad)
	}
	has := map[string]bool{}
	e := flowtest.Engine(lib)
	for _, f := range files {
		has[strings.TrimSuffix(f.Name, ".test.yaml")+".yaml"] = true
		for _, r := range flowtest.Run(e, f) {
			if !r.Passed() {
				t.Errorf("%s: %s: step %d %q: %v at %s %q", r.File, r.Script, r.Failure.Step, r.Failure.Send, r.Failure.Problems, r.Failure.At(), r.Failure.Replies)
			}
		}
	}
	for _, tr := range lib.Flows {
		if !has[tr.File] {
			t.Errorf("no scripts for %s", tr.File)
		}
	}
}

// A script may name a renamed flow by its former id (an alias), with or
// without a node: both mean the flow as it is now.
func TestScriptNamesAnAlias(t *testing.T) {
	flow, err := os.ReadFile("testdata/pass/demo-500.yaml")
	if err != nil {
		t.Fatal(err)
	}
	flow = []byte(strings.Replace(string(flow), "id: demo-500\n", "id: demo-500\naliases: [demo-old]\n", 1))
	script := "scripts:\n  - name: by the old id\n    steps:\n      - send: demo app 500\n        flow: demo-old\n      - send: all green\n        flow: demo-old\n        node: fix-retry\n"
	rs := run(t, fstest.MapFS{
		"demo-500.yaml":      {Data: flow},
		"demo-500.test.yaml": {Data: []byte(script)},
	})
	if len(rs) != 1 || !rs[0].Passed() {
		t.Errorf("results %+v", rs)
	}
}
