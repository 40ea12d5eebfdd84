package flows

import (
	"crypto/sha256"
	"fmt"
	"strings"
)

// Kind is what a node does when the conversation reaches it.
type Kind string

const (
	// Question sends Text with its choices and waits for an answer.
	Question Kind = "question"
	// Info sends Text and moves straight on to Next.
	Info Kind = "info"
	// Fix ends the flow with a fix page.
	Fix Kind = "fix"
	// Handoff ends the flow by opening a handoff to a human.
	Handoff Kind = "handoff"
)

// Flow is one troubleshooting flow: the questions, fixes and handoffs for
// one kind of error, loaded from one YAML file.
type Flow struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Aliases are ids the flow had before a rename. [Library.Flow]
	// resolves them to this flow, so conversations, page links and stats
	// stored under an old id keep working. An alias may not be any
	// flow's id or another flow's alias.
	Aliases []string `yaml:"aliases"`
	// Fallback marks the catch-all flow: the engine starts it after two
	// first texts intake could not place, and offers it as "something
	// else" beside a single guess. At most one flow of a library has it
	// ([Library.Fallback]).
	Fallback bool   `yaml:"fallback"`
	Intake   Intake `yaml:"intake"`
	Start    string `yaml:"start"`
	Nodes    []Node `yaml:"nodes"`

	// File is the path the flow was loaded from (for messages).
	File     string                      `yaml:"-"`
	index    map[string]*Node            // node id → node, built by Load
	compiled map[string][]compiledChoice // question id → its choices, built by Load
	// asks holds, for each question id, the content words of its text and
	// its choices' labels (see withoutEcho), built by Load.
	asks   map[string]map[string]bool
	intake compiledIntake
	title  phrase // newPhrase(Title), built by Load
}

// Intake lists the signals that say a first message belongs to this flow.
type Intake struct {
	// Codes are status or error codes ("403", "21610", "INVALID_SESSION_ID").
	Codes []string `yaml:"codes"`
	// Products are product names ("claude code", "stripe").
	Products []string `yaml:"products"`
	// Keywords are single words typical of the error ("forbidden").
	Keywords []string `yaml:"keywords"`
	// Phrases are multi-word strings seen in error output or descriptions.
	Phrases []string `yaml:"phrases"`
	// Examples are realistic first messages; they are scored as phrases of
	// lower weight and document the flow.
	Examples []string `yaml:"examples"`
	// Requires, when set, lists words of which at least one must appear for
	// the flow to be chosen at all (e.g. a product family).
	Requires []string `yaml:"requires"`
	// Hosts, in the fallback flow only, are those of its Products where
	// code of ours runs (a CI service, a container): named beside a
	// product of ours, with no error, they do not make the text the
	// fallback's.
	Hosts []string `yaml:"hosts"`
}

// Node is one step of a flow. Which fields apply depends on Kind.
type Node struct {
	ID   string `yaml:"id"`
	Kind Kind   `yaml:"kind"`

	// Text is the SMS for question and info nodes (choices are appended to
	// a question's text by the engine).
	Text string `yaml:"text"`
	// Next is the node after an info node.
	Next string `yaml:"next"`

	// Choices are a question's answers, numbered from 1 in SMS.
	Choices []Choice `yaml:"choices"`
	// Infer, when false, stops the engine from taking this question's
	// answer from earlier texts by its choices' Match words; ImpliedBy
	// still applies. Default true.
	Infer *bool `yaml:"infer"`
	// Check is a short page linked from the question's SMS, for content too
	// long for a text (a command to run, say).
	Check *CheckPage `yaml:"check_page"`
	// Help is the text sent when the person answers the question with a
	// question back ("where do I see that?", "what do you mean?"): what the
	// question means and where to find the answer, in one SMS. The
	// question follows it again.
	Help string `yaml:"help"`

	// Fix fields.
	Title    string   `yaml:"title"`
	Summary  string   `yaml:"summary"`
	Steps    string   `yaml:"steps"` // Markdown
	Commands []string `yaml:"commands"`
	Sources  []string `yaml:"sources"`
	Verified string   `yaml:"verified"` // YYYY-MM-DD

	// IfNotFixed is where a "NO, that didn't fix it" goes: the next most
	// likely fix, or a handoff. Empty means a handoff to a human.
	IfNotFixed string `yaml:"if_not_fixed"`

	// Reason says why a handoff node hands off (shown to the operator).
	Reason string `yaml:"reason"`
}

// Choice is one answer to a question.
type Choice struct {
	Label string `yaml:"label"`
	// Match are words and phrases that select this choice when they appear
	// in an answer (whole words, case and punctuation ignored).
	Match []string `yaml:"match"`
	// Patterns are regular expressions (RE2, matched case-insensitively
	// against the normalised answer) that select this choice.
	Patterns []string `yaml:"patterns"`
	// Means makes the yes or no family ("yeah", "nope", 👍 …) select this
	// choice: "yes" or "no".
	Means string `yaml:"means"`
	// Any makes this the catch-all: it selects any answer that selects no
	// other choice (for free-text questions such as "what product?"). At
	// most one per question; it never answers a question by inference.
	Any bool `yaml:"any"`
	// Infer, when false, stops this choice's Match words (and Patterns)
	// from answering the question from earlier texts, where the question
	// otherwise infers from them; its ImpliedBy still apply. For a choice
	// that says two things of which an earlier text tends to say one
	// ("Active, nothing changed"). Default true.
	Infer *bool `yaml:"infer"`
	// ImpliedBy are phrases that, found in anything the person said earlier,
	// answer this question without asking it.
	ImpliedBy []string `yaml:"implied_by"`
	// ImpliedPatterns are regular expressions, like Patterns, that count
	// as ImpliedBy does: found in an earlier text ("curl … returns 200"),
	// they answer the question without asking it.
	ImpliedPatterns []string `yaml:"implied_patterns"`
	// Echo is how the engine says this choice back when it takes it
	// without asking ("you're behind a company proxy"), in words a person
	// would say: "Got it: you're behind a company proxy." A choice taken
	// without an echo is not said back. GSM-7 and at most MaxEcho
	// characters (the checker warns).
	Echo string `yaml:"echo"`
	Next string `yaml:"next"`
}

// Unsure reports whether c is the choice for not knowing: its label is
// "Not sure" (or "Not sure / skip"). Such a choice is taken when the
// person says they don't know, never from what they said earlier: "not
// sure what broke" in a first text answers nothing.
func (c Choice) Unsure() bool {
	ws := strings.Fields(Normalize(c.Label))
	return len(ws) >= 2 && len(ws) <= 3 && ws[0] == "not" && ws[1] == "sure"
}

// MaxEcho is the longest a choice's Echo should be: several echoes and the
// next question share two SMS segments.
const MaxEcho = 60

// CheckPage is a short page a question links to.
type CheckPage struct {
	Title    string   `yaml:"title"`
	Body     string   `yaml:"body"` // Markdown
	Commands []string `yaml:"commands"`
}

// Node returns the node with the given id, or nil.
func (t *Flow) Node(id string) *Node {
	if t == nil {
		return nil
	}
	return t.index[id]
}

// Infers reports whether the engine may answer q from earlier texts.
func (n *Node) Infers() bool { return n.Infer == nil || *n.Infer }

// Terminal reports whether the node ends the flow.
func (n *Node) Terminal() bool { return n.Kind == Fix || n.Kind == Handoff }

// CheckID is the page id of question node's check page: derived from the
// flow, node and content, so it is stable across restarts and changes when
// the page does. Check pages hold no personal data.
func (t *Flow) CheckID(node string) string {
	n := t.Node(node)
	if n == nil || n.Check == nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%q", t.ID, node, n.Check.Title, n.Check.Body, n.Check.Commands)
	return "c" + base62(h.Sum(nil), 12)
}

// CheckPage finds a check page by id.
func (l *Library) CheckPage(id string) (*Flow, *Node) {
	if l == nil || !strings.HasPrefix(id, "c") {
		return nil, nil
	}
	for _, t := range l.Flows {
		for i := range t.Nodes {
			if n := &t.Nodes[i]; n.Check != nil && t.CheckID(n.ID) == id {
				return t, n
			}
		}
	}
	return nil, nil
}

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func base62(b []byte, n int) string {
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(b[i%len(b)])%len(alphabet)]
	}
	return string(out)
}
