package bot

import (
	"context"
	"strings"
	"time"

	"github.com/textfix/textfix/flows"
)

// Stale says that a stored conversation no longer fit the flows (a reload,
// a restart or a deploy removed, renamed or changed the flow, the node or
// an offered flow it names) and what the engine made of it. The rules are
// in the package's Caveats. Step reports it in [Result].Stale, once: the
// conversation it returns fits the flows it ran with.
type Stale struct {
	// Flow and Node are where the conversation was, as stored; for an
	// offer (Damage OfferGone), Flow is the offered flow that is gone.
	Flow   string `json:"flow,omitempty"`
	Node   string `json:"node,omitempty"`
	Status Status `json:"status"`
	// Damage is what no longer fit.
	Damage Damage `json:"damage"`
	// Outcome is what became of the conversation; To is the question it
	// is at when it moved.
	Outcome StaleOutcome `json:"outcome"`
	To      string       `json:"to,omitempty"`
}

// Damage is what of a stored conversation no longer fits the flows.
type Damage string

// The kinds of Damage.
const (
	DamageFlowGone   Damage = "flow-gone"   // no flow has its flow's id or alias
	DamageNodeGone   Damage = "node-gone"   // its flow has no node with its node's id
	DamageNodeKind   Damage = "node-kind"   // the node is there, but no longer a question (active) or a fix (fixed)
	DamageOfferGone  Damage = "offer-gone"  // "Is this 1) … or 2) …?" offered a flow that is gone
	DamageAnswerGone Damage = "answer-gone" // BACK reached an answer whose question is gone
)

// StaleOutcome is what the engine made of a stale conversation.
type StaleOutcome string

// The outcomes of a Stale conversation.
const (
	StaleMoved StaleOutcome = "moved" // to the question To, after a word that the questions changed
	StaleKept  StaleOutcome = "kept"  // where it was: a fix page, whose NO now goes to a person
	StaleReset StaleOutcome = "reset" // started fresh, told so (resetNote)
)

// What a person is told about a stale conversation: one GSM-7 segment each.
const (
	movedNote = "Sorry, my questions changed after an update."
	resetNote = "Sorry, this conversation was reset after an update. Text your error again."
)

// String describes st for people: "claude-code-403/smoke-test (active):
// node-gone, moved to smoke-check".
func (st *Stale) String() string {
	where := st.Flow
	if st.Node != "" {
		where += "/" + st.Node
	}
	s := where + " (" + string(st.Status) + "): " + string(st.Damage) + ", " + string(st.Outcome)
	if st.To != "" {
		s += " to " + st.To
	}
	return s
}

// Stale reports what the next text from c would find with these flows:
// nil when c's stored state fits them. It is what Step reports in
// Result.Stale before it reads the text. (BACK may also reach an answer
// whose question is gone, DamageAnswerGone: that is found then.)
func (e *Engine) Stale(c Conversation) *Stale {
	_, st := e.repair(e.canonical(cloneConversation(c)), c.Updated)
	return st
}

// Stranded is a live conversation that a set of flows no longer fits,
// and what the next text from it will find ([Engine.Stale]).
type Stranded struct {
	Phone string
	Stale Stale
}

// strandedPage is how many conversations Stranded reads at a time.
const strandedPage = 500

// Stranded lists the live conversations of r that the engine's flows
// strand: those texted within the idle period before now (IdleAfter),
// whose next text would find them stale ([Engine.Stale]), newest first.
// Older ones start fresh on their next text anyway. It also returns how
// many live conversations it checked. It reads r a page at a time, newest
// first, and stops at the first conversation older than the idle period.
func (e *Engine) Stranded(ctx context.Context, r ConversationReader, now time.Time) ([]Stranded, int, error) {
	since := now.Add(-e.idleAfter())
	var out []Stranded
	checked := 0
	for offset := 0; ; offset += strandedPage {
		page, total, err := r.RecentConversations(ctx, ConversationFilter{}, offset, strandedPage)
		if err != nil {
			return nil, checked, err
		}
		for _, c := range page {
			if c.Updated.Before(since) {
				return out, checked, nil
			}
			checked++
			if st := e.strands(c); st != nil {
				out = append(out, Stranded{Phone: c.Phone, Stale: *st})
			}
		}
		if len(page) == 0 || offset+len(page) >= total {
			return out, checked, nil
		}
	}
}

// strands is what the engine's flows do to c: Stale, or, when c's node
// still fits, answers whose question is gone (DamageAnswerGone, kept:
// BACK will pass over them); nil when nothing of c is gone.
func (e *Engine) strands(c Conversation) *Stale {
	if st := e.Stale(c); st != nil {
		return st
	}
	if c.Status != StatusActive && c.Status != StatusFixed {
		return nil
	}
	t := e.Flows.Flow(c.Flow)
	if t == nil {
		return nil // a fix page kept before: its flow is no concern of BACK
	}
	for _, a := range c.Answers {
		if n := askedIn(t, a); n == nil || n.ID != a.Node {
			return &Stale{Flow: t.ID, Node: c.Node, Status: c.Status, Damage: DamageAnswerGone, Outcome: StaleKept}
		}
	}
	return nil
}

// Effect says, for an operator, what the person's next text finds.
func (st *Stale) Effect() string {
	switch {
	case st.Outcome == StaleMoved:
		return "moved to question " + st.To + ", told the questions changed"
	case st.Outcome == StaleReset:
		return "reset, told to text the error again"
	case st.Damage == DamageAnswerGone:
		return "stays where it is; BACK skips the answers whose question is gone"
	}
	return "keeps its fix page; a NO goes to a person"
}

// canonical renames the flows c names by a former id (an alias) to their
// current id, so that comparisons and events see one id for one flow.
func (e *Engine) canonical(c Conversation) Conversation {
	if t := e.Flows.Flow(c.Flow); t != nil {
		c.Flow = t.ID
	}
	for i, id := range c.Candidates {
		if t := e.Flows.Flow(id); t != nil {
			c.Candidates[i] = t.ID
		}
	}
	return c
}

// damageAt says what is wrong with a conversation at node id of flow t
// (nil when the flow is gone) that should be a node of kind want, or ""
// when nothing is.
func damageAt(t *flows.Flow, id string, want flows.Kind) Damage {
	n := t.Node(id)
	switch {
	case t == nil:
		return DamageFlowGone
	case n == nil:
		return DamageNodeGone
	case n.Kind != want:
		return DamageNodeKind
	}
	return ""
}

// repair fits stored conversation c to the engine's flows (the rules are
// in the package's Caveats) and says what it changed, or returns c and
// nil when c fits. c must be the engine's own copy: its slices may be
// changed. A conversation a person has (handoff) or that opted out uses
// no flow and is left as it is.
func (e *Engine) repair(c Conversation, now time.Time) (Conversation, *Stale) {
	st := &Stale{Flow: c.Flow, Node: c.Node, Status: c.Status}
	switch c.Status {
	case StatusActive:
		t := e.Flows.Flow(c.Flow)
		if st.Damage = damageAt(t, c.Node, flows.Question); st.Damage == "" {
			return c, nil
		}
		if t != nil {
			if node, answers := replay(t, c.Answers); node != "" {
				c.Node, c.Answers, c.Misses = node, answers, 0
				st.Outcome, st.To = StaleMoved, node
				return c, st
			}
		}
		st.Outcome = StaleReset
		return c.Fresh(now), st
	case StatusFixed:
		if c.Node == "" {
			return c, nil // kept before: its NO goes to a person
		}
		if st.Damage = damageAt(e.Flows.Flow(c.Flow), c.Node, flows.Fix); st.Damage == "" {
			return c, nil
		}
		c.Node = ""
		st.Outcome = StaleKept
		return c, st
	case StatusIdle:
		for _, id := range c.Candidates {
			if e.Flows.Flow(id) == nil {
				st.Flow, st.Damage, st.Outcome = id, DamageOfferGone, StaleReset
				return c.Fresh(now), st
			}
		}
	}
	return c, nil
}

// replay walks flow t from its start along the stored answers that still
// fit it (answerFits) and returns the first question it reaches that they
// do not answer, with the answers it took, in the order taken. Answers off
// that path, or that no longer fit, are dropped. Where the answers lead
// to a fix or a handoff now, the last question the person answered is
// asked again (as BACK would): they choose again, rather than get a page
// or a person for a text that answered something else. It returns "" when
// no question is left to ask.
func replay(t *flows.Flow, stored []Answer) (string, []Answer) {
	used := make([]bool, len(stored))
	var taken []Answer
	id := t.Start
walk:
	for hops := 0; hops <= 2*len(t.Nodes)+len(stored); hops++ {
		n := t.Node(id)
		switch {
		case n == nil:
			break walk // a checked flow has every node it names
		case n.Kind == flows.Info:
			id = n.Next
		case n.Kind != flows.Question:
			break walk // a fix or a handoff
		default:
			i, k := answerOf(t, n, stored, used)
			if i < 0 || k < 0 {
				return n.ID, taken
			}
			used[i] = true
			a := stored[i]
			a.Node, a.Choice = n.ID, k
			taken = append(taken, a)
			id = n.Choices[k].Next
		}
	}
	// Ask the last question the person answered again, undoing the
	// answers taken after it and the inferred ones before it, as BACK does.
	for len(taken) > 0 {
		last := taken[len(taken)-1]
		taken = taken[:len(taken)-1]
		if !last.Inferred || len(taken) == 0 {
			return last.Node, taken
		}
	}
	return "", nil
}

// answerOf finds the first stored answer not yet used that answers
// question n of flow t (askedIn), and the choice it picks there now
// (choiceOf): the choice at its index when that still has its label, else
// the choice with its label. An answer whose label is gone (a removed or
// relabelled choice) picks none (-1), and the question is asked again. It
// returns -1, -1 when no answer answers n.
func answerOf(t *flows.Flow, n *flows.Node, stored []Answer, used []bool) (int, int) {
	for i, a := range stored {
		if !used[i] && askedIn(t, a) == n {
			return i, choiceOf(n, a)
		}
	}
	return -1, -1
}

// askedIn is the question of flow t stored answer a answers: the question
// with its node id, or, when that is gone, the question asked in its words
// (a renamed node); nil when there is neither.
func askedIn(t *flows.Flow, a Answer) *flows.Node {
	if n := t.Node(a.Node); n != nil {
		if n.Kind == flows.Question {
			return n
		}
		return nil
	}
	q := strings.TrimSpace(a.Question)
	if t == nil || q == "" {
		return nil
	}
	for i := range t.Nodes {
		if n := &t.Nodes[i]; n.Kind == flows.Question && strings.TrimSpace(n.Text) == q {
			return n
		}
	}
	return nil
}

// choiceOf is the choice of question n stored answer a picks now, or -1.
func choiceOf(n *flows.Node, a Answer) int {
	same := func(k int) bool {
		return strings.EqualFold(strings.TrimSpace(n.Choices[k].Label), strings.TrimSpace(a.Label))
	}
	if a.Choice >= 0 && a.Choice < len(n.Choices) && (a.Label == "" || same(a.Choice)) {
		return a.Choice
	}
	if a.Label == "" {
		return -1
	}
	for k := range n.Choices {
		if same(k) {
			return k
		}
	}
	return -1
}
