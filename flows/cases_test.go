package flows_test

import (
	"slices"
	"testing"

	"github.com/textfix/textfix/flows"
)

// Table cases the flows' tests share: what a question takes from a first
// text (Infer), what it reads in an answer (Read), and which flow intake
// picks (Classify), all on the embedded library.

// inferCase: question flow/node takes choice want (0-based; -1 none)
// from the earlier text said.
type inferCase struct {
	flow, node, said string
	want             int
}

// readCase: question flow/node reads choice want (0-based; -1 none) in
// answer.
type readCase struct {
	flow, node, answer string
	want               int
}

// intakeCase: intake picks flow want for text ("" for none).
type intakeCase struct{ text, want string }

func embedded(t *testing.T) *flows.Library {
	t.Helper()
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// node returns flow/node of lib, failing the test when there is none.
func node(t *testing.T, lib *flows.Library, flow, id string) (*flows.Flow, *flows.Node) {
	t.Helper()
	f := lib.Flow(flow)
	if f == nil {
		t.Fatalf("no flow %s", flow)
	}
	n := f.Node(id)
	if n == nil {
		t.Fatalf("no node %s/%s", flow, id)
	}
	return f, n
}

func checkInfer(t *testing.T, cases []inferCase) {
	t.Helper()
	lib := embedded(t)
	for _, tt := range cases {
		f, n := node(t, lib, tt.flow, tt.node)
		if got := f.Infer(n, []string{tt.said}); got != tt.want {
			t.Errorf("%s/%s Infer(%q) = %d, want %d", tt.flow, tt.node, tt.said, got, tt.want)
		}
	}
}

func checkRead(t *testing.T, cases []readCase) {
	t.Helper()
	lib := embedded(t)
	for _, tt := range cases {
		f, n := node(t, lib, tt.flow, tt.node)
		if r := f.Read(n, flows.NewText(tt.answer)); r.Choice != tt.want {
			t.Errorf("%s/%s Read(%q) = %d, want %d", tt.flow, tt.node, tt.answer, r.Choice, tt.want)
		}
	}
}

// checkIntake checks the flow intake picks for each case. With only, a
// case that wants "" passes with any flow but those ("not one of these
// two"); without, "" means no flow.
func checkIntake(t *testing.T, cases []intakeCase, only ...string) {
	t.Helper()
	lib := embedded(t)
	for _, tt := range cases {
		got := ""
		if v := lib.Classify(flows.NewText(tt.text)); v.Flow != nil {
			got = v.Flow.ID
		}
		if tt.want == "" && len(only) > 0 && !slices.Contains(only, got) {
			continue
		}
		if got != tt.want {
			t.Errorf("Classify(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
