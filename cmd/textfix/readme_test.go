package main_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// shellBlock is one ```sh block of the README.
type shellBlock struct {
	line         int    // of the opening fence
	script       string // the block's lines
	illustration string // why it is not run, from <!-- illustration: … -->
}

var illustrationRE = regexp.MustCompile(`^<!-- illustration: (.+) -->$`)

// readmeBlocks reads the ```sh blocks of the README.
func readmeBlocks(t *testing.T) []shellBlock {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []shellBlock
	var cur *shellBlock
	prev := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && line == "```sh":
			cur = &shellBlock{line: n}
			if m := illustrationRE.FindStringSubmatch(prev); m != nil {
				cur.illustration = m[1]
			}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.script += line + "\n"
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// TestREADME runs every shell block of the README that is not marked as
// an illustration, in order, in one temporary folder, as a reader would:
// `go run ./cmd/textfix` and `textfix` are the binary built once, and
// there is no TEXTFIX_ or Twilio variable. Each block must exit 0; a chat
// demo must end on a fix link, and other blocks say what they show.
func TestREADME(t *testing.T) {
	bin := textfixBinary(t)
	blocks := readmeBlocks(t)
	if len(blocks) < 6 {
		t.Fatalf("only %d shell blocks in the README", len(blocks))
	}
	dir := t.TempDir()
	binDir := filepath.Dir(bin)
	ran := 0
	for _, b := range blocks {
		if b.illustration != "" {
			t.Logf("README.md:%d: not run (illustration: %s)", b.line, b.illustration)
			continue
		}
		ran++
		script := strings.ReplaceAll(b.script, "go run ./cmd/textfix", "textfix")
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + binDir + ":" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + os.TempDir()}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("README.md:%d: %v\n%s\nstdout:\n%s\nstderr:\n%s", b.line, err, b.script, out, stderr.String())
			continue
		}
		checkREADMEOutput(t, b, dir, string(out))
	}
	if ran < 3 {
		t.Errorf("only %d README blocks ran", ran)
	}
}

// checkREADMEOutput checks what a block printed, by what it runs.
func checkREADMEOutput(t *testing.T, b shellBlock, dir, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	switch {
	case strings.Contains(b.script, "chat --json"):
		var reply struct {
			Replies []string `json:"replies"`
			Status  string   `json:"status"`
		}
		if err := json.Unmarshal([]byte(last), &reply); err != nil || reply.Status != "fixed" ||
			len(reply.Replies) == 0 || !strings.Contains(reply.Replies[len(reply.Replies)-1], "/f/") {
			t.Errorf("README.md:%d: the chat demo does not end on a fix link (%v):\n%s", b.line, err, out)
		}
	case strings.Contains(b.script, "pages revoke"):
		for _, want := range []string{"+15555550100", "claude-code-403", `"title"`, "answers 410 Gone", "forgot +15555550100"} {
			if !strings.Contains(out, want) {
				t.Errorf("README.md:%d: no %q in:\n%s", b.line, want, out)
			}
		}
	case strings.Contains(b.script, "flows check"):
		for _, want := range []string{"embedded library: ", " flow(s) OK", "live.db: no live conversation stranded (1 checked)", " passed, 0 failed", "wrote the skeleton"} {
			if !strings.Contains(out, want) {
				t.Errorf("README.md:%d: no %q in:\n%s", b.line, want, out)
			}
		}
		if svg, err := os.ReadFile(filepath.Join(dir, "claude-code-403.svg")); err != nil || !strings.Contains(string(svg), "<svg") {
			t.Errorf("README.md:%d: no picture drawn (%v)", b.line, err)
		}
	default:
		t.Errorf("README.md:%d: a new block: say in checkREADMEOutput what its output shows", b.line)
	}
}
