package web_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/internal/stacktest"
)

// renamedNode is the embedded library with node from of a flow renamed
// to to everywhere it is named (the flow and its scripts), as an author
// would: `flows check` passes it.
func renamedNode(t *testing.T, from, to string) *flows.Library {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(flows.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(flows.Embedded(), p)
		out[p] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(data), from, to))}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	lib, _, err := flows.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// The repro of issue 13 through the webhook: a person mid-flow, the node
// their last answer answered renamed by a reload, then BACK. The person
// is asked the renamed question after a word that the questions changed;
// the log says so once with the number masked and /metrics counts it.
func TestStaleConversationLoggedAndCounted(t *testing.T) {
	var logs stacktest.Buffer
	e := stacktest.New(t, stacktest.Options{Token: testToken, Log: &logs, MetricsToken: "scrape-me-0123456789"})
	for _, text := range []string{"claude code 403", "2", "7"} { // API key; can't run the curl test
		e.Say(personA, text)
	}
	if c := e.Conversation(personA); c.Node != "later-changed" {
		t.Fatalf("at %s, want later-changed", c.Node)
	}
	engine := *e.Server.Engine()
	engine.Flows = renamedNode(t, "smoke-test", "smoke-check")
	e.Server.SetEngine(&engine)

	r := strings.Join(e.Say(personA, "back"), "\n")
	if !strings.HasPrefix(r, "Sorry, my questions changed after an update.\nRun the curl test") {
		t.Fatalf("BACK after the rename: %q", r)
	}
	if c := e.Conversation(personA); c.Node != "smoke-check" {
		t.Errorf("at %s, want smoke-check", c.Node)
	}
	if r := e.Say(personA, "back"); len(r) == 0 || strings.Contains(r[0], "Sorry") {
		t.Errorf("BACK again: %q", r)
	}
	if r := e.Say("+15555550201", "claude code 403"); len(r) == 0 || !strings.Contains(r[0], "How does Claude Code sign in?") {
		t.Errorf("another number: %q", r)
	}

	got := logs.String()
	if n := strings.Count(got, "stale conversation"); n != 1 || !strings.Contains(got, "from=***0101") || strings.Contains(got, personA) ||
		!strings.Contains(got, "node=later-changed") || !strings.Contains(got, "damage=answer-gone outcome=moved to=smoke-check") {
		t.Errorf("the log does not say it once with the number masked (%d):\n%s", n, got)
	}
	_, metrics := e.Get("/metrics", "Authorization", "Bearer scrape-me-0123456789")
	if !strings.Contains(metrics, "textfix_stale_conversations_total 1\n") {
		t.Errorf("not counted:\n%s", metrics)
	}
}
