package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestFlowsTestExitCodes(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "", "flows", "test")
	if code != 0 || !strings.Contains(out, "PASS  claude-code-403.test.yaml: region by words") || strings.Contains(out, "FAIL") || strings.Contains(out, "note:") {
		t.Errorf("library: exit %d %s\n%s", code, errOut, out)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); !strings.HasSuffix(lines[len(lines)-1], " passed, 0 failed") {
		t.Errorf("last line %q", lines[len(lines)-1])
	}

	code, out, _ = runCLI(t, nil, "", "flows", "test", "../../flowtest/testdata/fail")
	for _, want := range []string{
		"PASS  demo-500.test.yaml: passes\n",
		"FAIL  demo-500.test.yaml: expects the wrong fix\n",
		`step 2: send "all green"`,
		"want node demo-500/fix-wait\n",
		"got  demo-500/fix-retry (fixed)\n",
		"bot: Your fix: ",
		`script error: flow demo-500 has no node "fix-wiat"`,
		"1 passed, 2 failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failing scripts: no %q in\n%s", want, out)
		}
	}
	if code != 1 {
		t.Errorf("failing scripts: exit %d, want 1", code)
	}

	code, out, _ = runCLI(t, nil, "", "flows", "test", "../../flowtest/testdata/bad")
	if code != 1 || !strings.Contains(out, `ERROR demo-500.test.yaml: line 8: script "typo": unknown field "nod"`) || !strings.Contains(out, "0 passed, 0 failed, 1 invalid script file(s)") {
		t.Errorf("bad script: exit %d\n%s", code, out)
	}

	env := map[string]string{"TEXTFIX_FLOWS_DIR": "../../flowtest/testdata/pass"}
	if code, out, _ := runCLI(t, env, "", "flows", "test"); code != 0 || !strings.Contains(out, "2 passed, 0 failed") {
		t.Errorf("TEXTFIX_FLOWS_DIR: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, nil, "", "flows", "test", "../../flows/testdata/broken/unreachable"); code != 1 || !strings.Contains(out, "FAILED") {
		t.Errorf("broken flows: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "test", "/no/such/dir"); code != 1 {
		t.Errorf("missing dir: exit %d", code)
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "test", "a", "b"); code != 2 {
		t.Errorf("two dirs: exit %d", code)
	}
}

// `flows new` writes a skeleton that check refuses for its TODOs; with
// them replaced check passes it without a warning and test passes its
// scripts. It never overwrites.
func TestFlowsNew(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, nil, "", "flows", "new", "acme-sync", "--dir", dir)
	if code != 0 || !strings.Contains(out, "acme-sync.yaml") {
		t.Fatalf("new: exit %d %s\n%s", code, errOut, out)
	}
	for _, name := range []string{"acme-sync.yaml", "acme-sync.test.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(out, "skeleton") || !strings.Contains(out, "TODO") {
		t.Errorf("new does not say it wrote a skeleton to fill in:\n%s", out)
	}
	if code, out, _ := runCLI(t, nil, "", "flows", "check", dir); code != 1 || !strings.Contains(out, "still says TODO") || !strings.Contains(out, "FAILED") {
		t.Errorf("check of the skeleton: exit %d, want 1 naming the TODOs\n%s", code, out)
	}
	if code, out, _ := runCLI(t, nil, "", "flows", "test", dir); code != 1 {
		t.Errorf("test of the skeleton: exit %d, want 1\n%s", code, out)
	}
	path := filepath.Join(dir, "acme-sync.yaml")
	skeleton, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := regexp.MustCompile(`\bTODO\b`).ReplaceAll(skeleton, []byte("Done"))
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCLI(t, nil, "", "flows", "check", dir); code != 0 || out != dir+": 1 flow(s) OK\n" {
		t.Errorf("check once edited: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, nil, "", "flows", "test", dir); code != 0 || !strings.HasSuffix(out, "2 passed, 0 failed\n") {
		t.Errorf("test once edited: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(path, skeleton, 0o644); err != nil {
		t.Fatal(err)
	}

	before, _ := os.ReadFile(filepath.Join(dir, "acme-sync.yaml"))
	if code, _, errOut := runCLI(t, nil, "", "flows", "new", "acme-sync", "--dir", dir); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("overwrite: exit %d %s", code, errOut)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "acme-sync.yaml")); string(after) != string(before) {
		t.Error("the flow was overwritten")
	}
	// The scripts file alone existing also stops it.
	if err := os.WriteFile(filepath.Join(dir, "other.test.yaml"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "new", "other", "--dir", dir); code != 1 {
		t.Errorf("existing script file: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.yaml")); err == nil {
		t.Error("wrote other.yaml beside an existing other.test.yaml")
	}

	for _, bad := range [][]string{{"new", "Acme_Sync"}, {"new", "../x"}, {"new"}, {"new", "a", "b"}} {
		if code, _, _ := runCLI(t, nil, "", append([]string{"flows"}, bad...)...); code != 2 {
			t.Errorf("flows %v: exit %d, want 2", bad, code)
		}
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "new", "x", "--dir", filepath.Join(dir, "missing")); code != 1 {
		t.Errorf("missing --dir: exit %d", code)
	}
}

func TestFlowsGraph(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "", "flows", "graph", "claude-code-403")
	if code != 0 || !strings.HasPrefix(out, "flowchart TD\n") || !strings.Contains(out, "n_fix_region") {
		t.Errorf("mermaid: exit %d %s\n%.300s", code, errOut, out)
	}
	code, out, _ = runCLI(t, nil, "", "flows", "graph", "claude-code-403", "--format", "dot")
	if code != 0 || !strings.HasPrefix(out, `digraph "claude-code-403" {`) {
		t.Errorf("dot: exit %d\n%.300s", code, out)
	}
	code, out, _ = runCLI(t, nil, "", "flows", "graph", "--format", "svg", "tricky-graph", "--dir", "../../flows/testdata/graph")
	if code != 0 || !strings.Contains(out, "<svg") || !strings.Contains(out, "Both fixes failed.") {
		t.Errorf("svg: exit %d\n%.300s", code, out)
	}
	if code, _, errOut := runCLI(t, nil, "", "flows", "graph", "no-such-flow"); code != 1 || !strings.Contains(errOut, "claude-code-403") {
		t.Errorf("unknown flow: exit %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "graph", "claude-code-403", "--format", "png"); code != 2 {
		t.Errorf("bad format: exit %d", code)
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "graph"); code != 2 {
		t.Errorf("no id: exit %d", code)
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "nope"); code != 2 {
		t.Errorf("unknown flows command: exit %d", code)
	}
}
