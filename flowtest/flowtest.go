// Package flowtest plays conversation scripts through the engine, so a
// flow's author can say "this text, then this answer, reaches that fix"
// without writing Go. Scripts live beside the flows as NAME.test.yaml
// (format: flows/README.md); `textfix flows test` runs them.
//
// Running is pure: every script starts a fresh conversation at a fixed
// clock, each text comes one minute after the last, and fix pages get ids
// page1, page2 … in the order the script creates them. A script stops at
// its first failing step, since later steps depend on where the
// conversation is.
package flowtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
)

// File is one script file.
type File struct {
	// Name is the file name, e.g. "claude-code-403.test.yaml".
	Name    string   `yaml:"-"`
	Scripts []Script `yaml:"scripts"`
}

// Script is one conversation, from a fresh start.
type Script struct {
	Name  string `yaml:"name"`
	Steps []Step `yaml:"steps"`
}

// Step is one text the person sends and what must hold after the bot's
// answer. Every assertion is optional.
type Step struct {
	Send string `yaml:"send"`
	// ReplyContains must each appear, case ignored, in the step's replies.
	ReplyContains Strings `yaml:"reply_contains"`
	// Node is where the conversation must be. Without Flow, it is a node
	// of the flow the file is named after (NAME.test.yaml → NAME.yaml).
	Node string `yaml:"node"`
	// Flow is the flow the conversation must be in.
	Flow string `yaml:"flow"`
	// Status is idle, active, fixed, handoff or opted_out.
	Status string `yaml:"status"`
}

// Strings is a list that YAML may also give as a single string (used for
// reply_contains, which its decoding errors name).
type Strings []string

// UnmarshalYAML accepts a string or a list of strings.
func (s *Strings) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var one string
		if err := n.Decode(&one); err != nil {
			return err
		}
		*s = Strings{one}
		return nil
	}
	var many []string
	if n.Kind != yaml.SequenceNode || n.Decode(&many) != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: reply_contains: want a text or a list of texts", n.Line)}}
	}
	*s = many
	return nil
}

var statuses = []string{
	string(bot.StatusIdle), string(bot.StatusActive), string(bot.StatusFixed),
	string(bot.StatusHandoff), string(bot.StatusOptedOut),
}

// IsScriptFile reports whether a file name in a flows folder holds
// conversation scripts.
func IsScriptFile(name string) bool {
	return strings.HasSuffix(name, ".test.yaml") || strings.HasSuffix(name, ".test.yml")
}

// ErrInvalid matches every *InvalidError.
var ErrInvalid = errors.New("flowtest: invalid script file")

// InvalidError is a script file that cannot be run: bad YAML, an unknown
// field, a step without a text. Msg names the script where it can.
type InvalidError struct {
	File string
	Msg  string
}

func (e *InvalidError) Error() string { return e.File + ": " + e.Msg }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Parse decodes one script file strictly: unknown fields are errors. The
// error is an *InvalidError naming the file and, where it can, the script
// and step.
func Parse(name string, data []byte) (*File, error) {
	f := &File{Name: path.Base(name)}
	invalid := func(format string, args ...any) error {
		return &InvalidError{File: f.Name, Msg: fmt.Sprintf(format, args...)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, invalid("empty file (want a scripts: list)")
		}
		return nil, invalid("%s", describeYAMLError(data, err))
	}
	if len(f.Scripts) == 0 {
		return nil, invalid("no scripts")
	}
	seen := map[string]bool{}
	for i, s := range f.Scripts {
		if strings.TrimSpace(s.Name) == "" {
			return nil, invalid("script %d has no name", i+1)
		}
		if seen[s.Name] {
			return nil, invalid("script %q: duplicate script name", s.Name)
		}
		seen[s.Name] = true
		if len(s.Steps) == 0 {
			return nil, invalid("script %q has no steps", s.Name)
		}
		for j, st := range s.Steps {
			if strings.TrimSpace(st.Send) == "" {
				return nil, invalid("script %q: step %d has no send", s.Name, j+1)
			}
			if st.Status != "" && !slices.Contains(statuses, st.Status) {
				return nil, invalid("script %q: step %d: status %q is not one of %s", s.Name, j+1, st.Status, strings.Join(statuses, ", "))
			}
		}
	}
	return f, nil
}

// describeYAMLError rewrites a decoding error for a flow's author: each
// problem with its line and the script it is in ("line 7: script "x":
// unknown field "nod"").
func describeYAMLError(data []byte, err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	out := make([]string, len(te.Errors))
	for i, msg := range te.Errors {
		msg = unknownField.ReplaceAllString(msg, `unknown field "$1"`)
		var line int
		if _, err := fmt.Sscanf(msg, "line %d:", &line); err == nil {
			if name := scriptAt(data, line); name != "" {
				prefix := fmt.Sprintf("line %d:", line)
				msg = fmt.Sprintf("%s script %q:%s", prefix, name, strings.TrimPrefix(msg, prefix))
			}
		}
		out[i] = msg
	}
	return strings.Join(out, "; ")
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// scriptAt finds the name of the script that contains the given line.
func scriptAt(data []byte, line int) string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return ""
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "scripts" || root.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		name := ""
		for _, s := range root.Content[i+1].Content {
			if s.Line > line {
				break
			}
			name = ""
			for k := 0; k+1 < len(s.Content); k += 2 {
				if s.Content[k].Value == "name" {
					name = s.Content[k+1].Value
				}
			}
		}
		return name
	}
	return ""
}

// Load reads every script file at the top of fsys, in name order. Files
// that cannot be parsed are reported in errs, one *InvalidError each, and
// left out; err is for a folder that cannot be read.
func Load(fsys fs.FS) (files []*File, errs []error, err error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, nil, fmt.Errorf("flowtest: read folder: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !IsScriptFile(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, nil, fmt.Errorf("flowtest: read %s: %w", e.Name(), err)
		}
		f, err := Parse(e.Name(), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, f)
	}
	return files, errs, nil
}

// BaseURL starts the page links of the engine from Engine.
const BaseURL = "https://textfix.test"

// start is the clock when every script begins; each text comes a minute
// after the one before.
var start = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// phone is the number every script texts from.
const phone = "+15555550100"

// Engine returns the engine scripts run against: lib (its fallback flow
// the catch-all, as in production), and nothing taken from the
// environment (no office hours, the default operator name, links on
// BaseURL), so a script passes or fails the same on every machine.
func Engine(lib *flows.Library) *bot.Engine {
	return &bot.Engine{Flows: lib, BaseURL: BaseURL}
}

// Result is the outcome of one script.
type Result struct {
	File   string
	Script string
	// Failure is nil when every step passed.
	Failure *Failure
}

// Passed reports whether every step of the script passed.
func (r Result) Passed() bool { return r.Failure == nil }

// Failure says where a script went wrong.
type Failure struct {
	Step int    // 1-based
	Send string // the step's text
	// Problems are what did not hold, one line each ("want node x/y",
	// "want status fixed", "script error: …" for a script naming a flow
	// or node that does not exist, in which case the text was not sent).
	Problems []string
	// Flow, Node and Status are where the conversation was after the step
	// (all empty when the text was not sent).
	Flow, Node string
	Status     bot.Status
	// Replies are what the bot said to the step's text.
	Replies []string
}

// At is where the conversation was, as "flow/node (status)".
func (f *Failure) At() string {
	where := f.Flow + "/" + f.Node
	if f.Flow == "" && f.Node == "" {
		where = "no flow"
	}
	return fmt.Sprintf("%s (%s)", where, f.Status)
}

// Run plays every script of f through e, in order.
func Run(e *bot.Engine, f *File) []Result {
	flow := flowFor(e.Flows, f.Name)
	out := make([]Result, 0, len(f.Scripts))
	for _, s := range f.Scripts {
		out = append(out, Result{File: f.Name, Script: s.Name, Failure: play(e, flow, s)})
	}
	return out
}

// flowFor returns the flow loaded from the file the script file is named
// after (x.test.yaml → x.yaml or x.yml), or "".
func flowFor(lib *flows.Library, name string) string {
	stem := strings.TrimSuffix(strings.TrimSuffix(name, ".test.yaml"), ".test.yml")
	if lib == nil {
		return ""
	}
	for _, t := range lib.Flows {
		if t.File == stem+".yaml" || t.File == stem+".yml" {
			return t.ID
		}
	}
	return ""
}

func play(e *bot.Engine, flow string, s Script) *Failure {
	var c bot.Conversation
	now := start
	pages := 0
	for i, st := range s.Steps {
		fail := &Failure{Step: i + 1, Send: st.Send}
		wantFlow := st.Flow
		if wantFlow == "" && st.Node != "" {
			wantFlow = flow
		}
		// Name mistakes in the script itself before blaming the bot. A
		// former id (an alias) names the renamed flow.
		if wantFlow != "" {
			t := e.Flows.Flow(wantFlow)
			switch {
			case t == nil && st.Flow != "":
				fail.Problems = append(fail.Problems, fmt.Sprintf("script error: no flow %q", wantFlow))
			case t != nil && st.Node != "" && t.Node(st.Node) == nil:
				fail.Problems = append(fail.Problems, fmt.Sprintf("script error: flow %s has no node %q", wantFlow, st.Node))
			}
			if t != nil {
				wantFlow = t.ID
			}
		}
		if len(fail.Problems) > 0 {
			return fail
		}

		now = now.Add(time.Minute)
		in := bot.Inbound{From: phone, Body: st.Send, PageID: fmt.Sprintf("page%d", pages+1)}
		r := e.Step(c, in, now)
		if r.Page != nil {
			pages++
		}
		c = r.Conversation
		fail.Flow, fail.Node, fail.Status, fail.Replies = c.Flow, c.Node, c.Status, r.Replies

		if st.Node != "" && (c.Node != st.Node || (wantFlow != "" && c.Flow != wantFlow)) {
			want := st.Node
			if wantFlow != "" {
				want = wantFlow + "/" + st.Node
			}
			fail.Problems = append(fail.Problems, "want node "+want)
		} else if st.Flow != "" && c.Flow != wantFlow {
			fail.Problems = append(fail.Problems, "want flow "+st.Flow)
		}
		if st.Status != "" && string(c.Status) != st.Status {
			fail.Problems = append(fail.Problems, "want status "+st.Status)
		}
		all := strings.ToLower(strings.Join(r.Replies, "\n"))
		for _, want := range st.ReplyContains {
			if !strings.Contains(all, strings.ToLower(want)) {
				fail.Problems = append(fail.Problems, fmt.Sprintf("want a reply containing %q", want))
			}
		}
		if len(fail.Problems) > 0 {
			return fail
		}
	}
	return nil
}
