package flows

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed library/*.yaml
var embedded embed.FS

// Embedded returns the library of flows built into the binary.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "library")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}

// Library is a validated set of flows. It is read-only after Load and safe
// for concurrent use.
type Library struct {
	Flows    []*Flow          // sorted by id
	byID     map[string]*Flow // ids and aliases
	fallback *Flow
	// ours holds the words of the products the flows other than the
	// fallback cover (see namesOtherAPI); known, every word of their
	// intake (see namesOther).
	ours, known map[string]bool
	// hosts and others split the fallback's products, normalised and
	// padded with spaces: where code of ours runs (Intake.Hosts), and the
	// rest (see namesOnlyHosts).
	hosts, others []string
}

// Flow returns the flow with the given id or alias (a former id, see
// [Flow.Aliases]), or nil. The flow's ID is always its current id.
func (l *Library) Flow(id string) *Flow {
	if l == nil {
		return nil
	}
	return l.byID[id]
}

// Fallback returns the flow marked fallback: true, or nil when there is
// none.
func (l *Library) Fallback() *Flow {
	if l == nil {
		return nil
	}
	return l.fallback
}

// ErrInvalid is returned by Load when any flow has an error-level problem.
var ErrInvalid = errors.New("flows: invalid flows")

// IsFlowFile reports whether a file name in a flows folder holds a flow.
// Conversation scripts for `textfix flows test` sit beside the flows as
// *.test.yaml and are not flows.
func IsFlowFile(name string) bool {
	if strings.HasSuffix(name, ".test.yaml") || strings.HasSuffix(name, ".test.yml") {
		return false
	}
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// Load reads every flow file at the top of fsys, validates and lints them.
// It returns every problem found, warnings included. When any problem is an
// error, the library is nil and err wraps ErrInvalid: a broken flow never
// goes live. Verified dates are compared with the wall clock; LoadAt takes
// the clock.
func Load(fsys fs.FS) (*Library, []Problem, error) {
	return LoadAt(fsys, time.Now())
}

// LoadAt is Load with verified dates compared with now.
func LoadAt(fsys fs.FS, now time.Time) (*Library, []Problem, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, nil, fmt.Errorf("flows: read folder: %w", err)
	}
	var (
		lib      = &Library{byID: map[string]*Flow{}}
		problems []Problem
	)
	for _, e := range entries {
		if e.IsDir() || !IsFlowFile(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, nil, fmt.Errorf("flows: read %s: %w", e.Name(), err)
		}
		t, ps := parse(e.Name(), data, now)
		problems = append(problems, ps...)
		if t == nil {
			continue
		}
		if ps := nameClashes(lib.byID, t); len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		if t.Fallback {
			if fb := lib.fallback; fb != nil {
				problems = append(problems, Problem{File: t.File, Flow: t.ID, Severity: Error,
					Msg: fmt.Sprintf("fallback: %s is the fallback flow already (%s); at most one flow may be", fb.ID, fb.File)})
				continue
			}
			lib.fallback = t
		}
		lib.byID[t.ID] = t
		for _, a := range t.Aliases {
			lib.byID[a] = t
		}
		lib.Flows = append(lib.Flows, t)
	}
	sort.Slice(lib.Flows, func(i, j int) bool { return lib.Flows[i].ID < lib.Flows[j].ID })
	lib.weigh()
	lib.ours, lib.known = map[string]bool{}, map[string]bool{}
	for _, t := range lib.Flows {
		if t != lib.fallback {
			for _, p := range t.Intake.Products {
				for _, w := range words(Normalize(p)) {
					lib.ours[w] = true
				}
			}
			for _, w := range t.intake.lex.words {
				lib.known[w.s] = true
			}
		}
	}
	if fb := lib.fallback; fb != nil {
		for _, p := range fb.Intake.Products {
			w := " " + Normalize(p) + " "
			if slices.Contains(fb.Intake.Hosts, p) {
				lib.hosts = append(lib.hosts, w)
			} else {
				lib.others = append(lib.others, w)
			}
		}
	}
	if len(lib.Flows) == 0 && !hasError(problems) {
		problems = append(problems, Problem{Severity: Error, Msg: "no flow files (*.yaml) found"})
	}
	if hasError(problems) {
		return nil, problems, ErrInvalid
	}
	return lib, problems, nil
}

// nameClashes reports where t's id or aliases are already taken by a
// flow loaded before it (byID maps ids and aliases to their flow).
func nameClashes(byID map[string]*Flow, t *Flow) []Problem {
	var ps []Problem
	clash := func(format string, args ...any) {
		ps = append(ps, Problem{File: t.File, Flow: t.ID, Severity: Error, Msg: fmt.Sprintf(format, args...)})
	}
	if prev := byID[t.ID]; prev != nil {
		if prev.ID == t.ID {
			clash("duplicate flow id %q (also in %s)", t.ID, prev.File)
		} else {
			clash("flow id %q is an alias of flow %s (%s)", t.ID, prev.ID, prev.File)
		}
	}
	for _, a := range t.Aliases {
		if prev := byID[a]; prev != nil {
			what := "an alias"
			if prev.ID == a {
				what = "the id"
			}
			clash("alias %q is %s of flow %s (%s)", a, what, prev.ID, prev.File)
		}
	}
	return ps
}

// Parse decodes and checks one flow file, comparing verified dates with
// the wall clock. The flow is nil when it has errors.
func Parse(file string, data []byte) (*Flow, []Problem) {
	return parse(file, data, time.Now())
}

func parse(file string, data []byte, now time.Time) (*Flow, []Problem) {
	var t Flow
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, []Problem{{File: file, Severity: Error, Msg: "yaml: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	t.File = path.Base(file)
	ps := check(&t, now)
	if hasError(ps) {
		return nil, ps
	}
	return &t, ps
}

func hasError(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}
