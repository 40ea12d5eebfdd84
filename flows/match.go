package flows

import (
	"regexp"
	"strconv"
	"strings"
)

// words splits normalised text.
func words(s string) []string { return strings.Fields(s) }

// fields appends the words of s to dst; with a dst on the caller's stack
// it allocates nothing for short texts.
func fields(dst []string, s string) []string {
	for w := range strings.FieldsSeq(s) {
		dst = append(dst, w)
	}
	return dst
}

// uncertain answers are neither yes nor no.
var uncertain = set("not sure", "im not sure", "i dont know", "dont know", "dunno", "idk", "no idea", "unsure", "no clue", "not certain", "maybe", "i have no idea", "i am not sure", "no idea", "not a clue")

// maxKey bounds the keys of uncertain, yesWords and noWords in bytes, so
// that a run of words is joined for a lookup on the stack (a test holds
// the lists to it).
const maxKey = 32

// join writes ws joined by spaces into buf, or reports false when that
// would not fit (and so is no key of ours).
func join(buf *[maxKey]byte, ws []string) ([]byte, bool) {
	b := buf[:0]
	for i, w := range ws {
		if i > 0 {
			if len(b) == maxKey {
				return nil, false
			}
			b = append(b, ' ')
		}
		if len(b)+len(w) > maxKey {
			return nil, false
		}
		b = append(b, w...)
	}
	return b, true
}

// isUncertain reports whether a run of up to five of the words ws is an
// uncertain answer ("i dont know").
func isUncertain(ws []string) bool {
	var buf [maxKey]byte
	for n := min(len(ws), 5); n >= 1; n-- {
		for i := 0; i+n <= len(ws); i++ {
			if k, ok := join(&buf, ws[i:i+n]); ok && uncertain[string(k)] {
				return true
			}
		}
	}
	return false
}

var yesWords = set("yes", "yeah", "yea", "yep", "yup", "y", "ya", "yah", "sure", "correct", "right", "affirmative", "true", "indeed", "definitely", "absolutely", "ok", "okay", "k", "uh huh", "i am", "i do", "it did", "we are", "we do")
var noWords = set("no", "nope", "nah", "n", "nay", "negative", "false", "never", "not really", "no way", "none", "i am not", "im not", "i dont", "we dont", "we arent", "it didnt", "didnt")

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// Family reports "yes" or "no" when the normalised answer opens with a word
// of that family ("yeah it started after billing" → yes), or "".
func Family(norm string) string {
	var buf [16]string
	return family(fields(buf[:0], norm))
}

// family is Family of the words ws.
func family(ws []string) string {
	if len(ws) == 0 || isUncertain(ws) {
		return ""
	}
	var buf [maxKey]byte
	for n := 3; n >= 1; n-- {
		if len(ws) < n {
			continue
		}
		head, ok := join(&buf, ws[:n])
		switch {
		case !ok:
		case noWords[string(head)]:
			return "no"
		case yesWords[string(head)]:
			return "yes"
		}
	}
	return ""
}

var negations = set("no", "not", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "never", "without", "nor", "cant", "cannot", "havent", "hasnt", "wont")

// phrase is a normalised match phrase, split into words.
type phrase []word

func newPhrase(s string) phrase {
	var p phrase
	for _, w := range words(Normalize(s)) {
		p = append(p, newWord(w))
	}
	return p
}

// find returns the first position of p in t's words, or -1. Numbers must
// match exactly; with fuzzy, other words may be typos of p's (see typo.go).
func (p phrase) find(t *Text, fuzzy bool) int {
	ws := t.ws
	if len(p) == 0 || len(p) > len(ws) {
		return -1
	}
outer:
	for i := 0; i+len(p) <= len(ws); i++ {
		for j := range p {
			if !p[j].matches(ws[i+j], t.shapes[i+j], fuzzy) {
				continue outer
			}
		}
		return i
	}
	return -1
}

// negated reports whether one of the three words before position i negates
// what follows ("not behind a proxy").
// "no" counts only right before ("no proxy"), since it is often an
// interjection ("no, it says region not supported").
func negated(ws []string, i int) bool {
	for k := i - 1; k >= 0 && k >= i-3 && ws[k] != clauseBreak; k-- {
		if negations[ws[k]] && (ws[k] != "no" || k == i-1) {
			return true
		}
	}
	return false
}

// compiledChoice holds a choice's phrases and patterns ready for matching.
type compiledChoice struct {
	phrases  []phrase
	implied  []phrase
	patterns []*regexp.Regexp
	means    string
	any      bool
}

func compileChoice(c Choice) (compiledChoice, error) {
	cc := compiledChoice{means: c.Means, any: c.Any}
	add := func(dst *[]phrase, s string) {
		if p := newPhrase(s); len(p) > 0 {
			*dst = append(*dst, p)
		}
	}
	if !c.Any { // a catch-all's label ("type the product") is not its words
		add(&cc.phrases, c.Label)
	}
	for _, m := range c.Match {
		add(&cc.phrases, m)
	}
	for _, m := range c.ImpliedBy {
		add(&cc.implied, m)
	}
	for _, p := range c.Patterns {
		re, err := regexp.Compile("(?i)" + p)
		if err != nil {
			return cc, err
		}
		cc.patterns = append(cc.patterns, re)
	}
	return cc, nil
}

// rate rates how strongly the answer t selects the choice by phrases and,
// with patterns, by the choice's patterns: 0 for not at all, otherwise
// higher for longer, exact matches.
func (cc *compiledChoice) rate(t *Text, phrases []phrase, fuzzy, patterns bool) int {
	best := 0
	for _, p := range phrases {
		i := p.find(t, false)
		s := 4 * len(p)
		if i < 0 && fuzzy {
			i = p.find(t, true)
			s = 3 * len(p)
		}
		if i < 0 || negated(t.ws, i) {
			continue
		}
		best = max(best, s)
	}
	if !patterns {
		return best // implied_by phrases only: patterns answer, never infer
	}
	for _, re := range cc.patterns {
		if loc := re.FindStringIndex(t.norm); loc != nil {
			n := 0
			for range strings.FieldsSeq(t.norm[loc[0]:loc[1]]) {
				n++
			}
			best = max(best, 4*n)
		}
	}
	return best
}

// score is rate for the checker, which has the normalised text norm split
// into ws; an empty norm skips patterns.
func (cc compiledChoice) score(norm string, ws []string, fuzzy bool, phrases []phrase) int {
	t := Text{norm: norm, first: len(norm), ws: ws, shapes: make([]shape, len(ws))}
	for i, w := range ws {
		t.shapes[i] = shapeOf(w)
	}
	return cc.rate(&t, phrases, fuzzy, norm != "")
}

// How a choice was selected.
const (
	ByNumber  = "number"
	ByWords   = "words"
	ByFamily  = "yes/no"
	ByImplied = "implied"
	ByAny     = "any"
)

// Match picks the choice of question n that the answer selects. It returns
// the choice's index and how it was picked, or -1 when the answer selects
// no choice or more than one equally.
func (t *Flow) Match(n *Node, answer Text) (int, string) {
	ccs := t.compiled[n.ID]
	in := &answer
	ws := in.ws
	if len(ws) == 0 {
		return -1, ""
	}
	if i := choiceNumber(ws, len(ccs)); i >= 0 {
		return i, ByNumber
	}
	var buf [16]string
	plain := fields(buf[:0], in.norm) // the words without clause breaks
	unsure := isUncertain(plain)
	if i := best(ccs, func(cc *compiledChoice) int { return cc.rate(in, cc.phrases, false, true) }); i >= 0 {
		// "no idea" is not the "No" choice; a "Not sure" choice is fine.
		if !unsure || ccs[i].means == "" {
			return i, ByWords
		}
		return -1, ""
	}
	if f := family(plain); f != "" {
		for i, cc := range ccs {
			if cc.means == f {
				return i, ByFamily
			}
		}
	}
	if i := best(ccs, func(cc *compiledChoice) int { return cc.rate(in, cc.phrases, true, true) }); i >= 0 {
		return i, ByWords
	}
	// "not behind one" answers a yes/no question with no; "not sure" does not.
	for _, w := range ws {
		if negations[w] && !unsure {
			for i, cc := range ccs {
				if cc.means == "no" {
					return i, ByFamily
				}
			}
			break
		}
	}
	for i, cc := range ccs {
		if cc.any {
			return i, ByAny
		}
	}
	return -1, ""
}

// Infer answers question n from earlier texts, newest first: a choice's
// ImpliedBy phrases, and (unless the question says infer: false) its Match
// words and patterns. Numbers alone and the yes/no family never count, and
// neither do negated mentions. It returns -1 unless exactly one choice is
// clearly selected.
func (t *Flow) Infer(n *Node, said []string) int {
	ccs := t.compiled[n.ID]
	for k := len(said) - 1; k >= 0; k-- {
		in := NewText(said[k])
		ws := in.ws
		if len(ws) == 0 {
			continue
		}
		if choiceNumber(ws, len(ccs)) >= 0 || Family(in.norm) != "" && len(ws) <= 3 {
			continue
		}
		i := best(ccs, func(cc *compiledChoice) int {
			s := cc.rate(&in, cc.implied, false, false)
			if n.Infers() {
				s = max(s, cc.rate(&in, cc.phrases, false, true))
			}
			return s
		})
		if i >= 0 {
			return i
		}
	}
	return -1
}

// best returns the index of the single highest positive score, or -1 on
// no score or a tie.
func best(ccs []compiledChoice, score func(*compiledChoice) int) int {
	top, second, at := 0, 0, -1
	for i := range ccs {
		s := score(&ccs[i])
		switch {
		case s > top:
			second, top, at = top, s, i
		case s > second:
			second = s
		}
	}
	if top == 0 || top == second {
		return -1
	}
	return at
}

var numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}

// choiceNumber reads "2", "#2", "option 2", "number two", "the 2nd one"
// as a choice number (0-based) when in range, else -1. A number inside a
// longer sentence is not a choice number ("curl gave me a 401").
func choiceNumber(ws []string, n int) int {
	rest, count := "", 0
	for _, w := range ws {
		if w == clauseBreak {
			continue
		}
		switch w {
		case "option", "number", "choice", "no", "the", "one", "its", "it", "is", "pick", "answer", "reply", "im", "i", "say", "go", "with":
			if len(ws) > 1 {
				continue
			}
		}
		rest, count = w, count+1
	}
	if count != 1 {
		return -1
	}
	v, err := strconv.Atoi(rest)
	if err != nil {
		var ok bool
		if v, ok = numberWords[rest]; !ok {
			return -1
		}
	}
	if v < 1 || v > n {
		return -1
	}
	return v - 1
}
