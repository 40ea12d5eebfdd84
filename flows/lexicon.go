package flows

import (
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// lexicon is the words of one flow's intake, each once, indexed for
// reading a text: by the word itself, and by length for the words that
// allow typos. Intake signals refer to their words by index (id) in it.
type lexicon struct {
	words []word
	ids   map[string]int32
	typos []int32 // ids of the words that allow typos, shortest first
	from  []int32 // typos[from[n]:] have n runes or more, n = 0 … longest+1
	// starts holds, for each start of four runes or more of a word two
	// or more runes longer ("authenticat" of "authentication"), the ids
	// of the words it starts: what a text cut short may end with.
	starts map[string][]int32
}

// add returns w's id, adding w when new.
func (lx *lexicon) add(w string) int32 {
	if id, ok := lx.ids[w]; ok {
		return id
	}
	if lx.ids == nil {
		lx.ids = map[string]int32{}
	}
	id := int32(len(lx.words))
	lx.words = append(lx.words, newWord(w))
	lx.ids[w] = id
	return id
}

// index builds the length index once every word is added.
func (lx *lexicon) index() {
	lx.typos = lx.typos[:0]
	longest := int32(0)
	for id, w := range lx.words {
		if w.edits > 0 {
			lx.typos = append(lx.typos, int32(id))
			longest = max(longest, w.runes)
		}
	}
	slices.SortStableFunc(lx.typos, func(a, b int32) int { return int(lx.words[a].runes - lx.words[b].runes) })
	lx.from = make([]int32, longest+2)
	i := int32(0)
	for n := range lx.from {
		for int(i) < len(lx.typos) && lx.words[lx.typos[i]].runes < int32(n) {
			i++
		}
		lx.from[n] = i
	}
	lx.starts = map[string][]int32{}
	for id, w := range lx.words {
		if w.suffix || strings.Trim(w.s, "0123456789") == "" {
			continue
		}
		for n := 4; n <= len(w.s)-2; n++ {
			if utf8.RuneStart(w.s[n]) {
				lx.starts[w.s[:n]] = append(lx.starts[w.s[:n]], int32(id))
			}
		}
	}
}

// typosOf returns the ids of the words that may have got as a typo: those
// whose length is within the edits they allow of got's, one rune under
// eight runes and two from eight (see shapeOf).
func (lx *lexicon) typosOf(gs shape) []int32 {
	at := func(n int32) int32 { return lx.from[min(max(n, 0), int32(len(lx.from)-1))] }
	lo, hi := gs.runes-1, gs.runes+1
	if lo-1 >= 8 {
		lo--
	}
	if hi+1 >= 8 {
		hi++
	}
	return lx.typos[at(lo):at(hi+1)]
}

// marks says where a text's words occur among a lexicon's: for each word
// of the lexicon a bitset of the text's positions (stride uint64s, one per
// 64 words of the text), and whether it occurs exactly.
type marks struct {
	stride int
	at     []uint64 // at[id*stride:][:stride]: where word id occurs, exactly or by a typo
	exact  []uint64 // bit id: word id occurs exactly
	any    []uint64 // bit id: word id occurs, exactly or by a typo
	// cutAt is the position of the text's last word when the text was
	// cut inside it (Text.cut) and it starts the words cut; else -1.
	cutAt int
	cut   []int32
}

// mark fills m for the text t, whose length m.stride was made for, from
// lx; m.at, m.exact and m.any must have room for lx.
func (m *marks) mark(lx *lexicon, t *Text) {
	m.at = m.at[:len(lx.words)*m.stride]
	m.exact = m.exact[:(len(lx.words)+63)/64]
	m.any = m.any[:len(m.exact)]
	clear(m.at)
	clear(m.exact)
	clear(m.any)
	m.cutAt, m.cut = -1, nil
	if last := len(t.ws) - 1; t.cut && last >= 0 {
		if _, whole := lx.ids[t.ws[last]]; !whole {
			if ids := lx.starts[t.ws[last]]; len(ids) > 0 {
				m.cutAt, m.cut = last, ids
			}
		}
	}
	for i, w := range t.ws {
		if w == clauseBreak {
			continue
		}
		exact := int32(-1)
		if id, ok := lx.ids[w]; ok {
			exact = id
			m.at[int(id)*m.stride+i/64] |= 1 << (i % 64)
			m.exact[id/64] |= 1 << (id % 64)
			m.any[id/64] |= 1 << (id % 64)
		}
		gs := t.shapes[i]
		if gs.digit || gs.runes < 4 { // no word of ours has this as a typo
			continue
		}
		for _, id := range lx.typosOf(gs) {
			// near rejects most without a call (typo does not inline).
			if wd := &lx.words[id]; id != exact && wd.near(gs) && wd.typo(w, gs) {
				m.at[int(id)*m.stride+i/64] |= 1 << (i % 64)
				m.any[id/64] |= 1 << (id % 64)
			}
		}
	}
}

// row is where word id occurs.
func (m *marks) row(id int32) []uint64 { return m.at[int(id)*m.stride:][:m.stride] }

// occurs reports whether word id occurs at one of the positions in (all
// positions when in is nil).
func (m *marks) occurs(id int32, in []uint64) bool {
	for b, x := range m.row(id) {
		if in != nil {
			x &= in[b]
		}
		if x != 0 {
			return true
		}
	}
	return false
}

// exactly reports whether word id occurs exactly.
func (m *marks) exactly(id int32) bool { return m.exact[id/64]&(1<<(id%64)) != 0 }

// find returns the first position where the words p occur one after the
// other, or -1. Most signals' first word is nowhere in the text: those
// are rejected by one bit (see any).
func (m *marks) find(p signal) int {
	if len(p) > 0 && m.occursAnywhere(p[0]) {
		return m.findOccurring(p)
	}
	return -1
}

// occursAnywhere reports whether word id occurs, exactly or by a typo.
func (m *marks) occursAnywhere(id int32) bool { return m.any[id/64]&(1<<(id%64)) != 0 }

// findOccurring is find of a p whose first word occurs.
func (m *marks) findOccurring(p signal) int {
	if at := m.findWhole(p); at >= 0 || m.cutAt < 0 {
		return at
	}
	return m.findCut(p)
}

// findCut finds p in a text cut short inside its last word: p's words up
// to one that the last word starts, the rest of p cut off with it ("has
// disabled Claude subscr" is "disabled claude subscription access"). At
// least one whole word of p must come before.
func (m *marks) findCut(p signal) int {
	for j := 1; j < len(p); j++ {
		if !slices.Contains(m.cut, p[j]) {
			continue
		}
		at := m.cutAt - j
		if at < 0 {
			continue
		}
		whole := true
		for k := range j {
			if i := at + k; m.row(p[k])[i/64]&(1<<(i%64)) == 0 {
				whole = false
				break
			}
		}
		if whole {
			return at
		}
	}
	return -1
}

// findWhole is find of every word of p.
func (m *marks) findWhole(p signal) int {
	first := m.row(p[0])
	for b := range first {
		c := first[b]
		for j := 1; j < len(p) && c != 0; j++ {
			c &= shifted(m.row(p[j]), b, j)
		}
		if c != 0 {
			return b*64 + bits.TrailingZeros64(c)
		}
	}
	return -1
}

// shifted returns positions b*64+j … b*64+j+63 of row as bits 0 … 63.
func shifted(row []uint64, b, j int) uint64 {
	q, r := b+j/64, uint(j%64)
	var x uint64
	if q < len(row) {
		x = row[q] >> r
	}
	if r > 0 && q+1 < len(row) {
		x |= row[q+1] << (64 - r)
	}
	return x
}

// negatedAt reports whether word id occurs negated somewhere in t.
// writtenAs reports whether word id occurs in t (exactly or by a typo)
// as a word with as many "_" as want: "rate_limit_eror" for
// "rate_limit_error", not "ratelimiterror" (OpenAI's RateLimitError).
func (m *marks) writtenAs(id int32, t *Text, want string) bool {
	n := strings.Count(want, "_")
	for b, x := range m.row(id) {
		for x != 0 {
			i := b*64 + bits.TrailingZeros64(x)
			if strings.Count(t.ws[i], "_") == n {
				return true
			}
			x &= x - 1
		}
	}
	return false
}

// plainAt reports whether word id occurs in t once at least without a
// negation reaching it ("its 429 not 403" has 429 plainly, not 403), and
// not as a count ("sent to 400 members" has no 400).
func (m *marks) plainAt(id int32, t *Text) bool {
	for b, x := range m.row(id) {
		for x != 0 {
			i := b*64 + bits.TrailingZeros64(x)
			if !negated(t.ws, i) && !isCount(t, i) && !pastCode(t.ws, i) {
				return true
			}
			x &= x - 1
		}
	}
	return false
}

// pastCode reports whether the code at ws[i] is told as gone or before:
// "that fixed the 401 but now …", "403 instead of the 401", "the 401
// from yesterday is fixed", "earlier it was a 529", "the 429s stopped":
// not the error now.
func pastCode(ws []string, i int) bool {
	at := func(k int, w ...string) bool {
		return k >= 0 && k+len(w) <= len(ws) && equalWords(ws[k:k+len(w)], w)
	}
	b := i
	if b > 0 && (ws[b-1] == "the" || ws[b-1] == "that" || ws[b-1] == "my" || ws[b-1] == "a" || ws[b-1] == "an") {
		b--
	}
	if at(b-2, "instead", "of") || at(b-1, "fixed") || at(b-1, "solved") || at(b-1, "sorted") ||
		at(b-3, "earlier", "it", "was") || at(b-3, "before", "it", "was") || at(b-3, "yesterday", "it", "was") || at(b-2, "it", "was") && at(b-3, "before") {
		return true
	}
	a := i + 1
	if a < len(ws) && (ws[a] == "s" || ws[a] == "error" || ws[a] == "errors") {
		a++
	}
	for _, w := range goneAfter {
		if at(a, w...) {
			return true
		}
	}
	return false
}

// goneAfter, after a code, say it is gone or was before ("the 401 from
// yesterday is fixed", "the 429s stopped").
var goneAfter = [][]string{{"from", "before"}, {"from", "yesterday"}, {"from", "earlier"}, {"from", "last"}, {"from", "this", "morning"},
	{"is", "fixed"}, {"was", "fixed"}, {"got", "fixed"}, {"is", "gone"}, {"went", "away"}, {"fixed", "itself"}, {"stopped"}, {"is", "solved"},
	{"is", "sorted"}, {"are", "gone"}, {"are", "fixed"}}

func (m *marks) negatedAt(id int32, t *Text) bool {
	for b, x := range m.row(id) {
		for x != 0 {
			i := b*64 + bits.TrailingZeros64(x)
			if negated(t.ws, i) {
				return true
			}
			x &= x - 1
		}
	}
	return false
}

// isCount reports whether the number at t.ws[i] counts things or money
// rather than naming a code: "sent it to 400 members", "30 of them
// failed", "a $400 deposit".
func isCount(t *Text, i int) bool {
	ws := t.ws
	if !digits(ws[i]) {
		return false
	}
	return i < 64 && t.sums&(1<<i) != 0 || i+1 < len(ws) && (ws[i+1] == "of" || countNouns[ws[i+1]])
}

// countNouns are what a number before them counts.
var countNouns = set("members", "people", "customers", "users", "clients", "contacts", "recipients", "subscribers", "students", "patients",
	"employees", "staff", "guests", "texts", "messages", "emails", "numbers", "orders", "dollars", "bucks", "times", "rows", "records", "items",
	"products", "files", "pages", "words", "characters", "seconds", "minutes", "hours", "days", "ms", "phones", "accounts", "agents", "sessions")
