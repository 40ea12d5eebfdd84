package flows_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/textfix/textfix/flows"
)

// aliasFlow is a minimal valid flow with the given id and aliases.
func aliasFlow(id string, aliases ...string) *fstest.MapFile {
	list := ""
	if len(aliases) > 0 {
		list = fmt.Sprintf("aliases: [%s]\n", strings.Join(aliases, ", "))
	}
	return &fstest.MapFile{Data: []byte(fmt.Sprintf(`id: %s
title: Flow %s
%sintake:
  codes: ["%s"]
start: fix
nodes:
  - id: fix
    kind: fix
    title: A fix
    summary: The summary.
    steps: "1. Do it."
    sources: [https://example.com/docs]
    verified: 2026-11-30
`, id, id, list, id))}
}

// An alias resolves to its flow; an alias that is any flow's id, another
// flow's alias, the flow's own id, a bad id or listed twice is an error.
func TestAliases(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string // error message part; "" means the library loads
	}{
		{"resolves", fstest.MapFS{
			"a.yaml": aliasFlow("new-name", "old-name", "older-name"),
			"b.yaml": aliasFlow("other"),
		}, ""},
		{"alias is another flow's id", fstest.MapFS{
			"a.yaml": aliasFlow("new-name", "other"),
			"b.yaml": aliasFlow("other"),
		}, `flow id "other" is an alias of flow new-name`},
		{"id is an earlier flow's alias", fstest.MapFS{
			"a.yaml": aliasFlow("first"),
			"b.yaml": aliasFlow("second", "first"),
		}, `alias "first" is the id of flow first`},
		{"alias is another flow's alias", fstest.MapFS{
			"a.yaml": aliasFlow("one", "old-name"),
			"b.yaml": aliasFlow("two", "old-name"),
		}, `alias "old-name" is an alias of flow one`},
		{"alias is the own id", fstest.MapFS{
			"a.yaml": aliasFlow("same", "same"),
		}, `alias "same" is the flow's own id`},
		{"alias listed twice", fstest.MapFS{
			"a.yaml": aliasFlow("new-name", "old-name", "old-name"),
		}, `alias "old-name" is listed twice`},
		{"alias not an id", fstest.MapFS{
			"a.yaml": aliasFlow("new-name", "Old_Name"),
		}, `alias "Old_Name" must be lowercase`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lib, problems, err := flows.Load(tc.files)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Load: %v %v", err, problems)
				}
				for _, id := range []string{"new-name", "old-name", "older-name"} {
					if f := lib.Flow(id); f == nil || f.ID != "new-name" {
						t.Errorf("Flow(%q) = %v, want new-name", id, f)
					}
				}
				if f := lib.Flow("other"); f == nil || f.ID != "other" {
					t.Errorf("Flow(other) = %v", f)
				}
				if len(lib.Flows) != 2 {
					t.Errorf("library lists %d flows, want 2: an alias is not a flow", len(lib.Flows))
				}
				return
			}
			if !errors.Is(err, flows.ErrInvalid) || lib != nil {
				t.Fatalf("Load = %v, %v; want ErrInvalid", lib, err)
			}
			for _, p := range problems {
				if p.Severity == flows.Error && strings.Contains(p.Msg, tc.want) {
					return
				}
			}
			t.Errorf("problems %v lack an error containing %q", problems, tc.want)
		})
	}
}
