package flows_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/flows"
)

// The skeleton is refused by the checker for its TODOs and nothing else;
// with them replaced it is a flow the checker accepts without a single
// problem, for ids of words, of numbers, and of one word. It is dated
// today, as `flows new` dates it: Parse compares verified dates with the
// wall clock.
func TestSkeletonFailsUntilEdited(t *testing.T) {
	today := time.Now()
	todo := regexp.MustCompile(`\bTODO\b`)
	for _, id := range []string{"acme-sync-failed", "500", "x"} {
		flow, script, err := flows.Skeleton(id, today)
		if err != nil {
			t.Fatal(err)
		}
		if got, problems := flows.Parse(id+".yaml", flow); got != nil || len(problems) == 0 {
			t.Errorf("%s: the skeleton as written passes the checker", id)
		} else {
			for _, p := range problems {
				if p.Severity != flows.Error || !strings.Contains(p.Msg, "TODO") {
					t.Errorf("%s: a problem other than a TODO: %s", id, p)
				}
			}
		}
		edited := todo.ReplaceAll(flow, []byte("Done"))
		got, problems := flows.Parse(id+".yaml", edited)
		if got == nil || len(problems) > 0 {
			t.Errorf("%s: problems once edited %v", id, problems)
			continue
		}
		if got.ID != id || !strings.Contains(string(flow), "verified: "+today.Format(time.DateOnly)) {
			t.Errorf("%s: id %q, or no verified date:\n%s", id, got.ID, flow)
		}
		for _, kind := range []flows.Kind{flows.Question, flows.Info, flows.Fix, flows.Handoff} {
			found := false
			for _, n := range got.Nodes {
				found = found || n.Kind == kind
			}
			if !found {
				t.Errorf("%s: no %s node to copy from", id, kind)
			}
		}
		if !strings.Contains(string(script), "scripts:") {
			t.Errorf("%s: script file:\n%s", id, script)
		}
	}
}

// A TODO in any text a person could be sent is an error; in a comment it
// is not, and neither is a word that merely contains it.
func TestTODOIsAnError(t *testing.T) {
	flow, _, err := flows.Skeleton("acme-sync", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	clean := regexp.MustCompile(`\bTODO\b`).ReplaceAll(flow, []byte("Done"))
	for _, tt := range []struct{ from, to string }{
		{`title: "Acme sync"`, `title: "Acme sync TODO"`},
		{`phrases: ["acme sync"]`, `phrases: ["acme sync", "TODO"]`},
		{`label: "Yes, every time"`, `label: "TODO: Yes, every time"`},
		{`match: [sometimes,`, `match: [TODO, sometimes,`},
		{"- echo Done", "- echo TODO"},
		{"https://example.com/Done]\n    verified", "https://example.com/TODO]\n    verified"},
	} {
		if !strings.Contains(string(clean), tt.from) {
			t.Fatalf("no %q in the skeleton", tt.from)
		}
		if got, problems := flows.Parse("a.yaml", []byte(strings.Replace(string(clean), tt.from, tt.to, 1))); got != nil || len(problems) != 1 || !strings.Contains(problems[0].Msg, "TODO") {
			t.Errorf("%q: %v", tt.to, problems)
		}
	}
	for _, fine := range []string{"# TODO a comment\n", ""} {
		text := strings.Replace(string(clean), "title: \"Acme sync\"", fine+"title: \"Acme sync TODOS and MASTODON\"", 1)
		if got, problems := flows.Parse("a.yaml", []byte(text)); got == nil || len(problems) > 0 {
			t.Errorf("%q: %v", fine, problems)
		}
	}
}

func TestSkeletonRefusesBadIDs(t *testing.T) {
	for _, id := range []string{"", "Acme", "acme_sync", "-acme", "acme sync", "../acme", strings.Repeat("a", 64)} {
		if _, _, err := flows.Skeleton(id, time.Now()); err == nil || flows.ValidID(id) {
			t.Errorf("%q accepted", id)
		}
	}
}
