package flows_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/textfix/textfix/flows"
)

// lintNow is the clock the lint tests compare verified dates with.
var lintNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// Which ids the retired-model scan finds in a text, one row per rule.
func TestNamesRetiredModels(t *testing.T) {
	tests := []struct {
		text string
		want string // ids, comma-separated, in table order
	}{
		{`-d '{"model":"claude-sonnet-4-5","max_tokens":10}'`, "claude-sonnet-4-5"},
		{"claude --model claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},                // dated id
		{"anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1"},                    // Bedrock id
		{"claude-sonnet-4-5@20250929", "claude-sonnet-4-5"},                               // Vertex id
		{"use CLAUDE-SONNET-4-5 or claude-opus-4-1", "claude-sonnet-4-5,claude-opus-4-1"}, // both, any case
		{"pinned claude-3-5-sonnet-latest", "claude-3-5-sonnet"},
		{"claude-opus-4-10", ""},            // a longer id is another model
		{"claude-sonnet-4-6", ""},           // a current one
		{"xclaude-sonnet-4-5", ""},          // not a whole word
		{"Claude Sonnet 4.5 was great", ""}, // a name in prose is not an id
		{"curl https://api.anthropic.com/v1/models", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range flows.NamesRetiredModels(tt.text) {
			got = append(got, m.ID)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("NamesRetiredModels(%q) = %v, want %q", tt.text, got, tt.want)
		}
	}
}

// Every row of the table is complete: a retired model's warning tells the
// author when and where it was said.
func TestRetiredModelsTable(t *testing.T) {
	for _, m := range flows.RetiredModels() {
		if _, err := time.Parse(time.DateOnly, m.Date); err != nil || m.ID == "" || !strings.HasPrefix(m.Source, "https://") ||
			(m.Status != "retired" && m.Status != "deprecated") {
			t.Errorf("incomplete row %+v", m)
		}
	}
}

// A flow that names retired models gets a warning at each node that does,
// and still loads.
func TestCheckRetiredModels(t *testing.T) {
	lib, problems, err := flows.LoadAt(os.DirFS("testdata/retired"), lintNow)
	if err != nil || lib == nil {
		t.Fatalf("warnings must not refuse a flow: %v", err)
	}
	want := map[string]string{
		"which-url": "check page names model claude-sonnet-4-5, retired 2026-11-30",
		"fix-key":   "fix page names model claude-opus-4-1, retired 2026-08-05",
		"human":     "handoff reason names model claude-3-5-sonnet",
	}
	for _, p := range problems {
		if w, ok := want[p.Node]; ok && p.Severity == flows.Warning && strings.Contains(p.Msg, w) {
			delete(want, p.Node)
		}
	}
	for node, w := range want {
		t.Errorf("no warning at %s containing %q in %v", node, w, problems)
	}
}

// A fix must say where its facts come from and when they were last
// checked; a check older than MaxVerifiedDays is due again.
func TestCheckSourcesAndVerified(t *testing.T) {
	const flow = `id: x
title: X
intake: {codes: ['1']}
start: a
nodes:
  - id: a
    kind: fix
    title: T
    summary: S
    steps: "1. Do it."
`
	tests := []struct {
		name   string
		fields string
		want   string // "" = no warning
	}{
		{"sourced and fresh", "    sources: ['https://x.example']\n    verified: 2026-11-30\n", ""},
		{"exactly 180 days", "    sources: ['https://x.example']\n    verified: 2026-06-04\n", ""},
		{"181 days", "    sources: ['https://x.example']\n    verified: 2026-06-03\n", "verified 2026-06-03 is 181 days old"},
		{"years old", "    sources: ['https://x.example']\n    verified: 2024-01-01\n", "days old (more than 180)"},
		{"no sources", "    verified: 2026-11-30\n", "fix has no sources"},
		{"no verified date", "    sources: ['https://x.example']\n", "fix has no verified date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"x.yaml": {Data: []byte(flow + tt.fields)}}
			lib, problems, err := flows.LoadAt(fsys, lintNow)
			if err != nil || lib == nil {
				t.Fatalf("LoadAt: %v %v", err, problems)
			}
			var msgs []string
			for _, p := range problems {
				if p.Severity == flows.Warning && p.Node == "a" {
					msgs = append(msgs, p.Msg)
				}
			}
			switch {
			case tt.want == "" && len(msgs) > 0:
				t.Errorf("unexpected warnings %q", msgs)
			case tt.want != "" && (len(msgs) != 1 || !strings.Contains(msgs[0], tt.want)):
				t.Errorf("warnings %q, want one containing %q", msgs, tt.want)
			}
		})
	}
}

// The checker measures SMS with a link as long as production's can be: a
// 40-character domain and a 13-character page id.
func TestLintLinkIsProductionLength(t *testing.T) {
	rest, ok := strings.CutPrefix(flows.LintLink, "https://")
	domain, id, _ := strings.Cut(rest, "/f/")
	if !ok || len(domain) != 40 || len(id) != 13 {
		t.Errorf("LintLink %q: domain of %d characters, id of %d; want 40 and 13", flows.LintLink, len(domain), len(id))
	}
}
