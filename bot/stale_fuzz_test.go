package bot_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
)

// The embedded library's flow ids, for edits aimed away from the
// conversation's own flow.
var fuzzFlows = []string{
	"claude-code-401", "claude-code-403", "claude-code-429", "claude-code-529", "claude-code-billing",
	"other-error", "salesforce-401", "stripe-402", "twilio-sms",
}

// What the person texts in a fuzzed script: answers by number and by
// words, every keyword, first texts of several flows, and feedback.
var fuzzTexts = []string{
	"claude code 403", "403", "claude code 401", "stripe card_declined", "twilio sms 30007 filtered",
	"1", "2", "3", "4", "5", "7", "api key", "can't run it now", "401 unauthorized",
	"back", "reset", "help", "human", "yes", "no", "thanks", "", "stop", "start",
}

// FuzzStaleFlows plays a random script of texts with random edits to the
// flows between them (nodes renamed or removed, choices removed, kinds
// changed, flows removed or renamed; each edit one `flows check`
// accepts), as a reload would make them under live conversations. The
// engine never panics, and after every text the conversation fits the
// flows it ran with: it is never stale twice. The seeds run under plain
// `go test`; `go test ./bot -run '^$' -fuzz FuzzStaleFlows` explores.
//
// Each pair of bytes is one step: an edit when the first is a multiple of
// 4 (its kind from the first, its target from the second), else a text
// (the second picks it).
func FuzzStaleFlows(f *testing.F) {
	for _, seed := range [][]byte{
		{1, 0, 1, 6, 1, 12, 0, 0, 1, 14},          // 403, API key, can't run it; rename the node it is at; back
		{1, 0, 1, 6, 1, 12, 4, 0, 1, 6},           // …; remove that node; "2"
		{1, 0, 1, 6, 1, 12, 8, 106, 1, 14, 1, 14}, // …; remove the choice it took at the curl test (and the node it led to); back, back
		{1, 0, 1, 6, 1, 12, 12, 0, 1, 18, 1, 19},  // …; the node it is at is no question now; yes, no
		{1, 0, 1, 6, 1, 13, 16, 0, 1, 14},         // at a fix; remove its flow; back
		{1, 0, 1, 6, 1, 13, 12, 0, 1, 19},         // at a fix; the fix is a question now; no
		{1, 1, 20, 2, 1, 5, 1, 6},                 // "403" offers two flows; rename one; "1", "2"
		{1, 0, 1, 17, 0, 0, 1, 14, 1, 15},         // handoff; rename its node; back, reset
		{1, 0, 1, 6, 0, 1, 4, 7, 1, 14, 1, 8},     // renames and removals elsewhere; back; "4"
	} {
		f.Add(seed)
	}
	base := newEngine(f)
	f.Fuzz(func(t *testing.T, script []byte) { playStale(t, base, script, 4) })
}

// TestStaleFlowsRandom plays random scripts of FuzzStaleFlows's shape,
// from a fixed seed, that plain `go test` runs every time: each starts
// with a first text of some flow, and a quarter of its steps are edits,
// mostly aimed at the conversation's own flow; at most two edits each
// (each edited set loads in ~100 ms).
func TestStaleFlowsRandom(t *testing.T) {
	base := newEngine(t)
	rng := rand.New(rand.NewPCG(13, 1))
	for range 16 {
		script := []byte{1, byte(rng.IntN(5))}
		for range 8 + rng.IntN(12) {
			if rng.IntN(4) == 0 {
				script = append(script, byte(4*rng.IntN(int(editKinds))), byte(rng.IntN(256))&^byte(rng.IntN(4)/3^1))
			} else {
				script = append(script, 1, byte(rng.IntN(256)))
			}
		}
		playStale(t, base, script, 2)
	}
}

// playStale plays script (see FuzzStaleFlows) with at most maxEdits
// edits, checking that no text panics or leaves a stale conversation.
func playStale(t *testing.T, base *bot.Engine, script []byte, maxEdits int) {
	t.Helper()
	lib := editedLibrary(t)
	var edits []flowEdit
	var c bot.Conversation
	now := T0
	for i := 0; i+1 < len(script) && i < 40; i += 2 {
		op, arg := script[i], script[i+1]
		if op%4 == 0 {
			if len(edits) == maxEdits {
				continue
			}
			e := pickEdit(lib, c, op/4, arg)
			if l := editedLibrary(t, append(edits, e)...); l != nil {
				edits, lib = append(edits, e), l
			}
			continue
		}
		text := fuzzTexts[int(arg)%len(fuzzTexts)]
		now = now.Add(time.Minute)
		e := &bot.Engine{Flows: lib, BaseURL: base.BaseURL}
		r := e.Step(c, bot.Inbound{From: "+15555550100", Body: text, PageID: fmt.Sprintf("pg%d", i)}, now)
		name := fmt.Sprintf("script %v: after %v, %q (step %d)", script, edits, text, i/2)
		validStaleState(t, name, lib, r.Conversation)
		if st := e.Stale(r.Conversation); st != nil {
			t.Fatalf("%s: still stale: %v", name, st)
		}
		for _, m := range r.Replies {
			if len(m) > bot.MaxReplyLen {
				t.Fatalf("%s: a reply of %d bytes", name, len(m))
			}
		}
		c = r.Conversation
	}
}

// pickEdit makes an edit of kind k (modulo the kinds) aimed by arg: at
// the conversation's flow or another, at its node, the node of one of its
// answers, or another node.
func pickEdit(lib *flows.Library, c bot.Conversation, k, arg byte) flowEdit {
	e := flowEdit{kind: editKind(k) % editKinds, flow: fuzzFlows[int(arg>>1)%len(fuzzFlows)], choice: int(arg >> 4)}
	if arg&1 == 0 && c.Flow != "" {
		e.flow = c.Flow
	}
	t := lib.Flow(e.flow)
	if t == nil {
		return e
	}
	e.flow = t.ID
	switch {
	case arg&6 == 0 && c.Node != "":
		e.node = c.Node
	case arg&6 == 2 && len(c.Answers) > 0:
		e.node = c.Answers[int(arg>>3)%len(c.Answers)].Node
	case len(t.Nodes) > 0:
		e.node = t.Nodes[int(arg>>3)%len(t.Nodes)].ID
	}
	return e
}
