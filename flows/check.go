package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/textfix/textfix/segment"
)

// Severity of a Problem.
type Severity string

// The severities of a Problem.
const (
	Error   Severity = "error"   // the flow cannot go live
	Warning Severity = "warning" // the flow works but costs or confuses
)

// Problem is one finding of the checker, named by file and node.
type Problem struct {
	File     string
	Flow     string
	Node     string
	Severity Severity
	Msg      string
}

func (p Problem) String() string {
	where := p.File
	if where == "" {
		where = "flows"
	}
	if p.Node != "" {
		where += ": node " + p.Node
	}
	return fmt.Sprintf("%s: %s: %s", where, p.Severity, p.Msg)
}

// LintLink stands in for a page link when the checker measures an SMS:
// as long as a real one on a 40-character domain, the longest a
// production TEXTFIX_PUBLIC_URL is expected to have.
const LintLink = "https://textfix-help.support-desk.example-co.com/f/0123456789abc"

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// MaxVerifiedDays is how many days old a fix's verified date may get
// before the checker warns: vendors move pages and change behaviour, so a
// fix is checked against its sources again at least this often.
const MaxVerifiedDays = 180

// check validates t, builds its indexes and returns what it found. now is
// the clock verified dates are compared with.
func check(t *Flow, now time.Time) []Problem {
	var ps []Problem
	add := func(node string, sev Severity, format string, args ...any) {
		ps = append(ps, Problem{File: t.File, Flow: t.ID, Node: node, Severity: sev, Msg: fmt.Sprintf(format, args...)})
	}

	if !idPattern.MatchString(t.ID) {
		add("", Error, "flow id %q must be lowercase letters, digits and dashes", t.ID)
	}
	if strings.TrimSpace(t.Title) == "" {
		add("", Error, "flow has no title")
	}
	seenAlias := map[string]bool{}
	for _, a := range t.Aliases {
		switch {
		case !idPattern.MatchString(a):
			add("", Error, "alias %q must be lowercase letters, digits and dashes", a)
		case a == t.ID:
			add("", Error, "alias %q is the flow's own id", a)
		case seenAlias[a]:
			add("", Error, "alias %q is listed twice", a)
		}
		seenAlias[a] = true
	}
	if len(t.Intake.Codes)+len(t.Intake.Products)+len(t.Intake.Keywords)+len(t.Intake.Phrases)+len(t.Intake.Examples) == 0 {
		add("", Error, "intake has no signals (codes, products, keywords, phrases or examples)")
	}

	for _, h := range t.Intake.Hosts {
		switch {
		case !t.Fallback:
			add("", Error, "intake: hosts (%q) are for the fallback flow only", h)
		case !slices.Contains(t.Intake.Products, h):
			add("", Error, "intake: host %q is not one of the products", h)
		}
	}

	t.intake = compileIntake(t.Intake, t.Fallback)
	t.title = newPhrase(t.Title)
	t.index = make(map[string]*Node, len(t.Nodes))
	t.compiled = map[string][]compiledChoice{}
	t.asks = map[string]map[string]bool{}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		if !idPattern.MatchString(n.ID) {
			add(n.ID, Error, "node id %q must be lowercase letters, digits and dashes", n.ID)
			continue
		}
		if _, dup := t.index[n.ID]; dup {
			add(n.ID, Error, "duplicate node id %q", n.ID)
			continue
		}
		t.index[n.ID] = n
	}
	if t.Start == "" {
		add("", Error, "flow has no start node")
	} else if t.index[t.Start] == nil {
		add("", Error, "start node %q does not exist", t.Start)
	}

	for i := range t.Nodes {
		n := &t.Nodes[i]
		ps = append(ps, checkNode(t, n, now)...)
	}
	ps = append(ps, checkTODOs(t)...)
	if hasError(ps) {
		return ps
	}

	// Reachability from the start, and whether every node can still end.
	reach := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		if reach[id] {
			return
		}
		reach[id] = true
		for _, next := range t.index[id].successors() {
			walk(next)
		}
	}
	walk(t.Start)
	for _, n := range t.Nodes {
		if !reach[n.ID] {
			add(n.ID, Error, "unreachable from the start node")
		}
	}
	ends := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, n := range t.Nodes {
			if ends[n.ID] {
				continue
			}
			ok := n.Kind == Fix || n.Kind == Handoff
			for _, next := range n.successors() {
				if n.Kind != Fix && ends[next] { // a fix's if_not_fixed is not its end
					ok = true
				}
			}
			if ok {
				ends[n.ID] = true
				changed = true
			}
		}
	}
	for _, n := range t.Nodes {
		if !ends[n.ID] {
			add(n.ID, Error, "no path from here reaches a fix or handoff (a loop?)")
		}
	}
	return ps
}

// todo is a placeholder left for an author to fill in (the skeleton of
// "textfix flows new" is full of them).
var todo = regexp.MustCompile(`\bTODO\b`)

// checkTODOs finds a TODO left in any text of t: people would be sent it.
// Comments are not text: a YAML comment may say TODO.
func checkTODOs(t *Flow) []Problem {
	var ps []Problem
	found := func(node, what string, texts ...string) {
		for _, s := range texts {
			if todo.MatchString(s) {
				ps = append(ps, Problem{File: t.File, Flow: t.ID, Node: node, Severity: Error,
					Msg: fmt.Sprintf("%s still says TODO: replace it before the flow goes live", what)})
				return
			}
		}
	}
	found("", "title", t.Title)
	in := t.Intake
	found("", "intake", slices.Concat(in.Codes, in.Products, in.Keywords, in.Phrases, in.Examples, in.Requires, in.Hosts)...)
	for i := range t.Nodes {
		n := &t.Nodes[i]
		found(n.ID, "text", n.Text)
		for j, c := range n.Choices {
			found(n.ID, fmt.Sprintf("choice %d", j+1), slices.Concat([]string{c.Label}, c.Match, c.Patterns, c.ImpliedBy, c.ImpliedPatterns)...)
		}
		found(n.ID, "help", n.Help)
		if c := n.Check; c != nil {
			found(n.ID, "check_page", slices.Concat([]string{c.Title, c.Body}, c.Commands)...)
		}
		found(n.ID, "title", n.Title)
		found(n.ID, "summary", n.Summary)
		found(n.ID, "steps", n.Steps)
		found(n.ID, "commands", n.Commands...)
		found(n.ID, "sources", n.Sources...)
		found(n.ID, "verified", n.Verified)
		found(n.ID, "reason", n.Reason)
	}
	return ps
}

func checkNode(t *Flow, n *Node, now time.Time) []Problem {
	var ps []Problem
	add := func(sev Severity, format string, args ...any) {
		ps = append(ps, Problem{File: t.File, Flow: t.ID, Node: n.ID, Severity: sev, Msg: fmt.Sprintf(format, args...)})
	}
	next := func(what, id string) {
		if id == "" {
			add(Error, "%s has no next node", what)
		} else if t.index[id] == nil {
			add(Error, "%s: unknown next node %q", what, id)
		}
	}
	// Everything a flow sends or shows must stay usable: no retired model.
	retired := func(what, text string) {
		for _, m := range namesRetiredModels(text) {
			add(Warning, "%s names model %s, %s %s (%s): use one that is current, or a request that names none", what, m.ID, m.Status, m.Date, m.Source)
		}
	}
	if n.Help != "" {
		retired("help", n.Help)
	}
	if n.Check != nil {
		retired("check page", strings.Join(append([]string{n.Check.Title, n.Check.Body}, n.Check.Commands...), "\n"))
	}
	lint := func(what, text string) {
		if k, enc := segment.Count(text); k > 2 {
			add(Warning, "%s is %d %s segments (%d characters); aim for at most 2", what, k, enc, len([]rune(text)))
		}
		if bad := segment.NonGSM7(text); len(bad) > 0 {
			add(Warning, "%s has characters outside GSM-7 (%q): the whole SMS goes out as UCS-2 at 70 characters a segment", what, string(bad))
		}
	}

	if n.Help != "" && n.Kind != Question {
		add(Error, "help is for questions; a %s node is never asked", n.Kind)
	}
	switch n.Kind {
	case Question:
		if strings.TrimSpace(n.Text) == "" {
			add(Error, "question has no text")
		}
		if len(n.Choices) < 2 {
			add(Error, "question has %d choice(s); it needs at least two", len(n.Choices))
		}
		ccs := make([]compiledChoice, 0, len(n.Choices))
		means := map[string]bool{}
		anyChoice := false
		for i, c := range n.Choices {
			what := fmt.Sprintf("choice %d (%q)", i+1, c.Label)
			if strings.TrimSpace(c.Label) == "" {
				add(Error, "choice %d has no label", i+1)
			}
			next(what, c.Next)
			switch c.Means {
			case "", "yes", "no":
			default:
				add(Error, "%s: means must be yes or no, not %q", what, c.Means)
			}
			if c.Any {
				if anyChoice {
					add(Error, "%s: only one choice may be any: true", what)
				}
				anyChoice = true
			}
			if e := strings.TrimSpace(c.Echo); e != "" {
				if n := len([]rune(e)); n > MaxEcho {
					add(Warning, "%s: echo is %d characters; keep it within %d", what, n, MaxEcho)
				}
				if bad := segment.NonGSM7(e); len(bad) > 0 {
					add(Warning, "%s: echo has characters outside GSM-7 (%q)", what, string(bad))
				}
			} else if inferable(c) {
				add(Warning, "%s: taken from earlier texts but has no echo to say so", what)
			}
			if c.Means != "" {
				if means[c.Means] {
					add(Error, "%s: two choices mean %q", what, c.Means)
				}
				means[c.Means] = true
			}
			cc, err := compileChoice(c)
			if err != nil {
				add(Error, "%s: %v", what, err)
			}
			ccs = append(ccs, cc)
		}
		t.compiled[n.ID] = ccs
		asks := map[string]bool{}
		texts := []string{n.Text}
		for _, c := range n.Choices {
			texts = append(texts, c.Label)
		}
		for _, x := range texts {
			for _, w := range contentWords(words(Normalize(x))) {
				asks[w] = true
			}
		}
		t.asks[n.ID] = asks
		// A choice's own words must select that choice and no other.
		for i, c := range n.Choices {
			own := []string{c.Label}
			for _, m := range c.Match {
				ms, _ := expandClasses(m) // an unknown class is reported above
				own = append(own, ms...)
			}
			for _, w := range own {
				norm := Normalize(w)
				ws := words(norm)
				if len(ws) == 0 {
					continue
				}
				for j, other := range ccs {
					if j == i {
						continue
					}
					if o := other.score(norm, ws, false, other.phrases); o > 0 && o >= ccs[i].score(norm, ws, false, ccs[i].phrases) {
						add(Error, "choice %d (%q): its words %q also select choice %d (%q)", i+1, c.Label, w, j+1, n.Choices[j].Label)
					}
				}
			}
		}
		lint("question SMS", n.SMS(LintLink))
		retired("question SMS", n.SMS(LintLink))
		if n.Check != nil && strings.TrimSpace(n.Check.Body) == "" && len(n.Check.Commands) == 0 {
			add(Error, "check_page has no body or commands")
		}
		if n.Help != "" {
			// It goes out just before the question again: one segment.
			if k, enc := segment.Count(n.Help); k > 1 {
				add(Warning, "help is %d %s segments (%d characters); aim for one", k, enc, len([]rune(n.Help)))
			}
			lint("help", n.Help)
		}
		// A person who can't tell must have a way on: three "not sure"
		// in a row are otherwise a handoff where a fix exists.
		if !anyChoice && t.Read(n, NewText("not sure")).Choice < 0 && t.Unsure(n) < 0 {
			add(Warning, "a person who can't tell has no way on: add a \"Not sure\" choice that goes on to what can still be asked")
		}
	case Info:
		if strings.TrimSpace(n.Text) == "" {
			add(Error, "info has no text")
		}
		next("info", n.Next)
		lint("info SMS", n.Text)
		retired("info SMS", n.Text)
	case Fix:
		if strings.TrimSpace(n.Title) == "" {
			add(Error, "fix has no title")
		}
		if strings.TrimSpace(n.Summary) == "" {
			add(Error, "fix has no summary")
		}
		if strings.TrimSpace(n.Steps) == "" {
			add(Error, "fix has no steps")
		}
		if len(n.Sources) == 0 {
			add(Warning, "fix has no sources")
		}
		for _, s := range n.Sources {
			if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
				add(Error, "source %q is not a URL", s)
			}
		}
		if n.Verified == "" {
			add(Warning, "fix has no verified date")
		} else if v, err := time.Parse(time.DateOnly, n.Verified); err != nil {
			add(Error, "verified %q is not a date (YYYY-MM-DD)", n.Verified)
		} else if days := daysBetween(v, now); days > MaxVerifiedDays {
			add(Warning, "verified %s is %d days old (more than %d): check the fix against its sources again", n.Verified, days, MaxVerifiedDays)
		}
		if n.IfNotFixed != "" {
			if nf := t.index[n.IfNotFixed]; nf == nil {
				add(Error, "if_not_fixed: unknown node %q", n.IfNotFixed)
			} else if nf.Kind != Fix && nf.Kind != Handoff {
				add(Error, "if_not_fixed must name a fix or handoff, not a %s", nf.Kind)
			}
		}
		lint("fix SMS", n.FixSMS(LintLink))
		retired("fix page", strings.Join(append([]string{n.Title, n.Summary, n.Steps}, n.Commands...), "\n"))
	case Handoff:
		if strings.TrimSpace(n.Reason) == "" {
			add(Error, "handoff has no reason")
		}
		retired("handoff reason", n.Reason)
	default:
		add(Error, "unknown kind %q (question, info, fix or handoff)", n.Kind)
	}
	if n.Kind != Question && len(n.Choices) > 0 {
		add(Error, "only questions have choices")
	}
	return ps
}

// inferable reports whether the engine may take choice c from a text
// without asking: by its implied_by phrases, or by its label, match words
// or patterns (where the question infers, or from a text that answered
// nothing where it was sent: Flow.InferOpen).
func inferable(c Choice) bool {
	if c.Unsure() {
		return false
	}
	return len(c.ImpliedBy) > 0 || len(c.ImpliedPatterns) > 0 || !c.Any && (len(c.Match) > 0 || len(c.Patterns) > 0 || c.Label != "")
}

// daysBetween counts calendar days from the date of a to the date of b,
// each read in its own location.
func daysBetween(a, b time.Time) int {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return int(day(b).Sub(day(a)).Hours() / 24)
}

func (n *Node) successors() []string {
	var out []string
	switch n.Kind {
	case Question:
		for _, c := range n.Choices {
			out = append(out, c.Next)
		}
	case Info:
		out = append(out, n.Next)
	case Fix:
		if n.IfNotFixed != "" {
			out = append(out, n.IfNotFixed)
		}
	}
	return out
}

// SMS renders a question as the text the person receives: the question,
// the check-page link when it has one, and the numbered choices. A
// free-text question shows its choices as words, unnumbered.
func (n *Node) SMS(checkLink string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(n.Text))
	if n.Check != nil && checkLink != "" {
		b.WriteString("\nHow: ")
		b.WriteString(checkLink)
	}
	if n.FreeText() {
		b.WriteString("\n")
		b.WriteString(n.ChoiceList())
		return b.String()
	}
	for i, c := range n.Choices {
		fmt.Fprintf(&b, "\n%d) %s", i+1, c.Label)
	}
	fmt.Fprintf(&b, "\nReply 1-%d or in your words.", len(n.Choices))
	return b.String()
}

// ChoiceList renders the numbered choices on one line, for a re-ask; a
// free-text question's as words ("Type the product name, or reply: Not
// sure / skip.").
func (n *Node) ChoiceList() string {
	if n.FreeText() {
		others := make([]string, 0, len(n.Choices)-1)
		for _, c := range n.Choices[1:] {
			others = append(others, c.Label)
		}
		return fmt.Sprintf("%s, or reply: %s.", n.Choices[0].Label, strings.Join(others, "; "))
	}
	parts := make([]string, len(n.Choices))
	for i, c := range n.Choices {
		parts[i] = fmt.Sprintf("%d) %s", i+1, c.Label)
	}
	return strings.Join(parts, " ")
}

// Other returns the choice a pasted message that matches none of the
// others picks (when it reads as one: see quotes): at a question that asks to paste what was said ("Paste it
// or pick the closest"), its "Something else", "Another code" or "Other"
// choice; else -1.
func (n *Node) Other() int {
	if !n.AsksToPaste() {
		return -1
	}
	for i, c := range n.Choices {
		l := Normalize(c.Label)
		if strings.HasPrefix(l, "something else") || strings.HasPrefix(l, "another") || l == "other" || strings.HasPrefix(l, "other ") {
			return i
		}
	}
	return -1
}

// AsksToPaste reports whether question n asks to paste what was said
// ("Paste it or pick the closest", "Paste the status code or the
// message").
func (n *Node) AsksToPaste() bool {
	return n.Kind == Question && strings.Contains(strings.ToLower(n.Text), "paste")
}

// FreeText reports whether question n asks for text in the person's own
// words: its first choice is any: true ("Type the product name"), the
// others are ways out ("Not sure / skip"). Its choices are not numbered.
func (n *Node) FreeText() bool {
	return n.Kind == Question && len(n.Choices) > 1 && n.Choices[0].Any
}

// FixSMS renders the text that carries a fix page link: the link in the
// first segment, and the feedback question last.
func (n *Node) FixSMS(link string) string {
	return fmt.Sprintf("Your fix: %s\n%s\nDid this fix it? Reply YES or NO", link, strings.TrimSpace(n.Title))
}
