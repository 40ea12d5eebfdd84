package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/flows"
)

// The skeleton is a flow the checker accepts without a single problem,
// for ids of words, of numbers, and of one word. It is dated today, as
// `flows new` dates it: Parse compares verified dates with the wall clock.
func TestSkeletonIsClean(t *testing.T) {
	today := time.Now()
	for _, id := range []string{"acme-sync-failed", "500", "x"} {
		flow, script, err := flows.Skeleton(id, today)
		if err != nil {
			t.Fatal(err)
		}
		got, problems := flows.Parse(id+".yaml", flow)
		if got == nil || len(problems) > 0 {
			t.Errorf("%s: problems %v", id, problems)
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

func TestSkeletonRefusesBadIDs(t *testing.T) {
	for _, id := range []string{"", "Acme", "acme_sync", "-acme", "acme sync", "../acme", strings.Repeat("a", 64)} {
		if _, _, err := flows.Skeleton(id, time.Now()); err == nil || flows.ValidID(id) {
			t.Errorf("%q accepted", id)
		}
	}
}
