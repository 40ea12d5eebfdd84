package bot_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/textfix/textfix/flows"
)

// A flowEdit is one change an author makes to a live flow set that
// `flows check` accepts but that may strand stored conversations: a node
// renamed or removed, a choice removed, a node of another kind, a flow
// removed or renamed without an alias. Edits that would leave a node
// unreachable remove it too, as an author tidying up would.
type flowEdit struct {
	kind   editKind
	flow   string // flow id
	node   string // node id, for node and choice edits
	choice int    // which choice, for removeChoice (modulo the choices)
}

type editKind int

const (
	renameNode editKind = iota
	removeNode
	removeChoice
	changeKind
	removeFlow
	renameFlow
	editKinds
)

func (e flowEdit) String() string {
	name := [...]string{"rename-node", "remove-node", "remove-choice", "change-kind", "remove-flow", "rename-flow"}[e.kind]
	return fmt.Sprintf("%s %s/%s/%d", name, e.flow, e.node, e.choice)
}

// editedLibraries loads the embedded library with edits applied, caching
// each edited set by its edits: loading a library takes about 100 ms.
var editedLibraries struct {
	once  sync.Once
	files map[string][]byte // flow file → YAML, as embedded
	err   error

	mu   sync.Mutex
	libs map[string]*flows.Library
}

// editedLibrary is the embedded library with edits applied in order, or
// nil when an edit does not apply (no such flow or node) or the checker
// refuses the result (a loop, say).
func editedLibrary(tb testing.TB, edits ...flowEdit) *flows.Library {
	tb.Helper()
	el := &editedLibraries
	el.once.Do(func() {
		el.files, el.libs = map[string][]byte{}, map[string]*flows.Library{}
		el.err = fs.WalkDir(flows.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !flows.IsFlowFile(p) {
				return err
			}
			el.files[p], err = fs.ReadFile(flows.Embedded(), p)
			return err
		})
	})
	if el.err != nil {
		tb.Fatal(el.err)
	}
	keys := make([]string, len(edits))
	for i, e := range edits {
		keys[i] = e.String()
	}
	key := strings.Join(keys, "; ")
	el.mu.Lock()
	lib, ok := el.libs[key]
	el.mu.Unlock()
	if ok {
		return lib
	}
	lib = loadEdited(tb, el.files, edits)
	el.mu.Lock()
	el.libs[key] = lib
	el.mu.Unlock()
	return lib
}

func loadEdited(tb testing.TB, files map[string][]byte, edits []flowEdit) *flows.Library {
	tb.Helper()
	var set []*flows.Flow
	for name, data := range files {
		var t flows.Flow
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&t); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		set = append(set, &t)
	}
	for _, e := range edits {
		var ok bool
		if set, ok = apply(set, e); !ok {
			return nil
		}
	}
	out := fstest.MapFS{}
	for _, t := range set {
		data, err := yaml.Marshal(t)
		if err != nil {
			tb.Fatal(err)
		}
		out[t.ID+".yaml"] = &fstest.MapFile{Data: data}
	}
	lib, _, err := flows.LoadAt(out, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil
	}
	return lib
}

// apply makes edit e to the flows of set, reporting whether it applied.
func apply(set []*flows.Flow, e flowEdit) ([]*flows.Flow, bool) {
	i := slices.IndexFunc(set, func(t *flows.Flow) bool { return t.ID == e.flow })
	if i < 0 {
		return set, false
	}
	t := set[i]
	switch e.kind {
	case removeFlow:
		return slices.Delete(slices.Clone(set), i, i+1), len(set) > 1
	case renameFlow:
		t.ID, t.Aliases = t.ID+"-v2", nil
		return set, true
	}
	k := slices.IndexFunc(t.Nodes, func(n flows.Node) bool { return n.ID == e.node })
	if k < 0 {
		return set, false
	}
	n := &t.Nodes[k]
	switch e.kind {
	case renameNode:
		retarget(t, n.ID, n.ID+"-v2")
		n.ID += "-v2"
		return set, true
	case removeNode:
		to := ""
		switch n.Kind {
		case flows.Question:
			to = n.Choices[0].Next
		case flows.Info:
			to = n.Next
		case flows.Fix:
			to = n.IfNotFixed
		}
		if to == "" || to == n.ID {
			to = otherEnd(t, n.ID)
		}
		if to == "" {
			return set, false
		}
		retarget(t, n.ID, to)
		t.Nodes = slices.Delete(t.Nodes, k, k+1)
	case removeChoice:
		if n.Kind != flows.Question || len(n.Choices) < 3 {
			return set, false
		}
		c := e.choice % len(n.Choices)
		n.Choices = slices.Delete(n.Choices, c, c+1)
	case changeKind:
		end := otherEnd(t, n.ID)
		if end == "" {
			return set, false
		}
		switch n.Kind {
		case flows.Question: // to an info text, or (odd choices) a fix
			next := n.Choices[0].Next
			n.Choices, n.Check, n.Infer = nil, nil, nil
			if e.choice%2 == 0 {
				n.Kind, n.Next = flows.Info, next
			} else {
				n.Kind, n.Text = flows.Fix, ""
				n.Title, n.Summary, n.Steps = "Changed fix", "It changed.", "1. Try again."
				n.Sources, n.Verified = []string{"https://docs.example.com"}, "2026-11-27"
			}
		case flows.Info: // to a yes/no question
			n.Kind, n.Choices = flows.Question, yesNo(n.Next, end)
			n.Next = ""
		case flows.Fix: // to a question (keeping its if_not_fixed, which no check reads), or a handoff
			if e.choice%2 == 0 {
				n.Kind, n.Text, n.Choices = flows.Question, "Did it work?", yesNo(end, end)
			} else {
				n.Kind, n.Reason = flows.Handoff, "It changed."
			}
			for i := range t.Nodes { // an if_not_fixed names a fix or a handoff
				if t.Nodes[i].IfNotFixed == n.ID && n.Kind == flows.Question {
					t.Nodes[i].IfNotFixed = ""
				}
			}
		case flows.Handoff: // to a fix
			n.Kind, n.Title, n.Summary, n.Steps = flows.Fix, "Changed fix", "It changed.", "1. Try again."
			n.Sources, n.Verified, n.IfNotFixed = []string{"https://docs.example.com"}, "2026-11-27", ""
		}
	default:
		return set, false
	}
	prune(t)
	return set, true
}

// retarget points every reference to node from in t at node to; an
// if_not_fixed that would name neither a fix nor a handoff is dropped.
func retarget(t *flows.Flow, from, to string) {
	terminal := false
	for _, n := range t.Nodes {
		if n.ID == to {
			terminal = n.Terminal()
		}
	}
	if t.Start == from {
		t.Start = to
	}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		if n.Next == from {
			n.Next = to
		}
		for j := range n.Choices {
			if n.Choices[j].Next == from {
				n.Choices[j].Next = to
			}
		}
		if n.IfNotFixed == from {
			n.IfNotFixed = ""
			if terminal {
				n.IfNotFixed = to
			}
		}
	}
}

// otherEnd is a fix or handoff of t other than node not, or "".
func otherEnd(t *flows.Flow, not string) string {
	for _, n := range t.Nodes {
		if n.ID != not && n.Terminal() {
			return n.ID
		}
	}
	return ""
}

func yesNo(yes, no string) []flows.Choice {
	return []flows.Choice{{Label: "Yes", Means: "yes", Next: yes}, {Label: "No", Means: "no", Next: no}}
}

// prune removes the nodes of t no longer reachable from its start.
func prune(t *flows.Flow) {
	reach := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		if reach[id] {
			return
		}
		reach[id] = true
		for _, n := range t.Nodes {
			if n.ID != id {
				continue
			}
			for _, c := range n.Choices {
				walk(c.Next)
			}
			if n.Kind == flows.Info {
				walk(n.Next)
			}
			if n.Kind == flows.Fix && n.IfNotFixed != "" {
				walk(n.IfNotFixed)
			}
		}
	}
	walk(t.Start)
	t.Nodes = slices.DeleteFunc(t.Nodes, func(n flows.Node) bool { return !reach[n.ID] })
}
