package flows

import (
	"regexp"
	"strconv"
	"strings"
)

// words splits normalised text.
func words(s string) []string { return strings.Fields(s) }

// uncertain answers are neither yes nor no.
var uncertain = set("not sure", "im not sure", "i dont know", "dont know", "dunno", "idk", "no idea", "unsure", "no clue", "not certain", "maybe", "i have no idea", "i am not sure", "no idea", "not a clue")

func isUncertain(ws []string) bool {
	for n := min(len(ws), 5); n >= 1; n-- {
		for i := 0; i+n <= len(ws); i++ {
			if uncertain[strings.Join(ws[i:i+n], " ")] {
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
	ws := words(norm)
	if len(ws) == 0 || isUncertain(ws) {
		return ""
	}
	for _, n := range []int{3, 2, 1} {
		if len(ws) < n {
			continue
		}
		head := strings.Join(ws[:n], " ")
		switch {
		case noWords[head]:
			return "no"
		case yesWords[head]:
			return "yes"
		}
	}
	return ""
}

var negations = set("no", "not", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "never", "without", "nor", "cant", "cannot", "havent", "hasnt", "wont")

// phrase is a normalised match phrase, split into words.
type phrase []string

// find returns the position of p in ws, or -1. Words of five letters or
// more may differ by one edit (eight or more: two), so "regoin" still
// finds "region". Numbers must match exactly.
func (p phrase) find(ws []string, fuzzy bool) int {
	if len(p) == 0 || len(p) > len(ws) {
		return -1
	}
outer:
	for i := 0; i+len(p) <= len(ws); i++ {
		for j, w := range p {
			if !wordMatch(w, ws[i+j], fuzzy) {
				continue outer
			}
		}
		return i
	}
	return -1
}

func wordMatch(want, got string, fuzzy bool) bool {
	if want == got {
		return true
	}
	if !fuzzy {
		return false
	}
	w := newWord(want)
	return w.typo(got, shapeOf(got))
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
		if p := phrase(words(Normalize(s))); len(p) > 0 {
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

// score rates how strongly the answer (its tokens ws, and norm for
// patterns; an empty norm skips patterns) selects the choice by phrases:
// 0 for not at all, otherwise higher for longer, exact matches.
func (cc compiledChoice) score(norm string, ws []string, fuzzy bool, phrases []phrase) int {
	best := 0
	for _, p := range phrases {
		i := p.find(ws, false)
		s := 4 * len(p)
		if i < 0 && fuzzy {
			i = p.find(ws, true)
			s = 3 * len(p)
		}
		if i < 0 || negated(ws, i) {
			continue
		}
		best = max(best, s)
	}
	if norm == "" {
		return best // implied_by phrases only: patterns answer, never infer
	}
	for _, re := range cc.patterns {
		if loc := re.FindStringIndex(norm); loc != nil {
			best = max(best, 4*len(words(norm[loc[0]:loc[1]])))
		}
	}
	return best
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
func (t *Flow) Match(n *Node, answer string) (int, string) {
	ccs := t.compiled[n.ID]
	in := NewText(answer)
	ws, norm := in.ws, in.norm
	if len(ws) == 0 {
		return -1, ""
	}
	if i := choiceNumber(ws, len(ccs)); i >= 0 {
		return i, ByNumber
	}
	unsure := isUncertain(words(norm))
	if i := best(ccs, func(cc compiledChoice) int { return cc.score(norm, ws, false, cc.phrases) }); i >= 0 {
		// "no idea" is not the "No" choice; a "Not sure" choice is fine.
		if !unsure || ccs[i].means == "" {
			return i, ByWords
		}
		return -1, ""
	}
	if f := Family(norm); f != "" {
		for i, cc := range ccs {
			if cc.means == f {
				return i, ByFamily
			}
		}
	}
	if i := best(ccs, func(cc compiledChoice) int { return cc.score(norm, ws, true, cc.phrases) }); i >= 0 {
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
		ws, norm := in.ws, in.norm
		if len(ws) == 0 {
			continue
		}
		if choiceNumber(ws, len(ccs)) >= 0 || Family(norm) != "" && len(ws) <= 3 {
			continue
		}
		i := best(ccs, func(cc compiledChoice) int {
			s := cc.score("", ws, false, cc.implied)
			if n.Infers() {
				s = max(s, cc.score(norm, ws, false, cc.phrases))
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
func best(ccs []compiledChoice, score func(compiledChoice) int) int {
	top, second, at := 0, 0, -1
	for i, cc := range ccs {
		s := score(cc)
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
	var rest []string
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
		rest = append(rest, w)
	}
	if len(rest) != 1 {
		return -1
	}
	v, err := strconv.Atoi(rest[0])
	if err != nil {
		var ok bool
		if v, ok = numberWords[rest[0]]; !ok {
			return -1
		}
	}
	if v < 1 || v > n {
		return -1
	}
	return v - 1
}
