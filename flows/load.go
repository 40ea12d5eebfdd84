package flows

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed library/*.yaml
var embedded embed.FS

// Embedded returns the library of trees built into the binary.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "library")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}

// Library is a validated set of trees. It is read-only after Load and safe
// for concurrent use.
type Library struct {
	Trees []*Tree // sorted by id
	byID  map[string]*Tree
}

// Tree returns the tree with the given id, or nil.
func (l *Library) Tree(id string) *Tree {
	if l == nil {
		return nil
	}
	return l.byID[id]
}

// ErrInvalid is returned by Load when any tree has an error-level problem.
var ErrInvalid = errors.New("flows: invalid trees")

// IsTreeFile reports whether a file name in a flows folder holds a tree.
// Conversation scripts for `textfix flows test` sit beside the trees as
// *.test.yaml and are not trees.
func IsTreeFile(name string) bool {
	if strings.HasSuffix(name, ".test.yaml") || strings.HasSuffix(name, ".test.yml") {
		return false
	}
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// Load reads every tree file at the top of fsys, validates and lints them.
// It returns every problem found, warnings included. When any problem is an
// error, the library is nil and err wraps ErrInvalid: a broken tree never
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
		lib      = &Library{byID: map[string]*Tree{}}
		problems []Problem
		firstIn  = map[string]string{} // tree id → file
	)
	for _, e := range entries {
		if e.IsDir() || !IsTreeFile(e.Name()) {
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
		if prev, dup := firstIn[t.ID]; dup {
			problems = append(problems, Problem{File: t.File, Tree: t.ID, Severity: Error,
				Msg: fmt.Sprintf("duplicate tree id %q (also in %s)", t.ID, prev)})
			continue
		}
		firstIn[t.ID] = t.File
		lib.byID[t.ID] = t
		lib.Trees = append(lib.Trees, t)
	}
	sort.Slice(lib.Trees, func(i, j int) bool { return lib.Trees[i].ID < lib.Trees[j].ID })
	if len(lib.Trees) == 0 && !hasError(problems) {
		problems = append(problems, Problem{Severity: Error, Msg: "no tree files (*.yaml) found"})
	}
	if hasError(problems) {
		return nil, problems, ErrInvalid
	}
	return lib, problems, nil
}

// Parse decodes and checks one tree file, comparing verified dates with
// the wall clock. The tree is nil when it has errors.
func Parse(file string, data []byte) (*Tree, []Problem) {
	return parse(file, data, time.Now())
}

func parse(file string, data []byte, now time.Time) (*Tree, []Problem) {
	var t Tree
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
