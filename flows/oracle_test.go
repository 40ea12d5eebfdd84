package flows

// The classifier and matcher as they were before performance issue 11,
// kept verbatim (names prefixed "old") as the oracle the fast ones are
// compared with: TestOracle* check that every verdict is the same. The
// word lists (stopWords, greetings, yesWords …) and the thresholds are
// shared with the package, so a change to a list moves both alike; a
// change to a rule must be made here too, or the oracle tests fail.

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// oracle is a library compiled the old way.
type oracle struct {
	lib     *Library
	intake  map[*Flow]oldIntake
	choices map[*Node][]oldChoice
}

func newOracle(lib *Library) *oracle {
	o := &oracle{lib: lib, intake: map[*Flow]oldIntake{}, choices: map[*Node][]oldChoice{}}
	for _, t := range lib.Flows {
		o.intake[t] = oldCompileIntake(t.Intake)
		for i := range t.Nodes {
			n := &t.Nodes[i]
			for _, c := range n.Choices {
				cc, err := oldCompileChoice(c)
				if err != nil {
					panic(err) // Load refused bad patterns already
				}
				o.choices[n] = append(o.choices[n], cc)
			}
		}
	}
	return o
}

func oldNormalize(s string) string {
	ts := oldTokens(s)
	out := ts[:0]
	for _, t := range ts {
		if t != clauseBreak {
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// tokens splits s into normalised words with clauseBreak where the text
// had , ; . ! ? or a new line followed by a space (so "4.5" stays one
// piece). A number with a plural or past ending counts as the number
// ("403s", "403'd" → "403").
func oldTokens(s string) []string {
	var (
		out []string
		cur strings.Builder
	)
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		out = append(out, oldTrimNumberSuffix(cur.String()))
		cur.Reset()
	}
	brk := func() {
		flush()
		if len(out) > 0 && out[len(out)-1] != clauseBreak {
			out = append(out, clauseBreak)
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch r {
		case '👍', '✅', '👌', '✔':
			flush()
			out = append(out, "yes")
			continue
		case '👎', '❌', '✖':
			flush()
			out = append(out, "no")
			continue
		case '\'', '’': // don't → dont
			continue
		case '\n', ';', '!', '?':
			brk()
			continue
		case ',', '.':
			if i+1 == len(rs) || unicode.IsSpace(rs[i+1]) {
				brk()
				continue
			}
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			cur.WriteRune(unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
	for len(out) > 0 && out[len(out)-1] == clauseBreak {
		out = out[:len(out)-1]
	}
	return out
}

// FirstClause returns the normalised words of s up to its first clause
// break ("no, it still fails" → "no").
func oldFirstClause(s string) string {
	ts := oldTokens(s)
	for i, t := range ts {
		if t == clauseBreak {
			ts = ts[:i]
			break
		}
	}
	return strings.Join(ts, " ")
}

// trimNumberSuffix reads "403s", "403d", "403ed", "429ing" as the number.
func oldTrimNumberSuffix(w string) string {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 || i == len(w) {
		return w
	}
	switch w[i:] {
	case "s", "d", "ed", "es", "ing":
		return w[:i]
	}
	return w
}

// words splits normalised text.
func oldWords(s string) []string { return strings.Fields(s) }

// uncertain answers are neither yes nor no.
func oldIsUncertain(ws []string) bool {
	for n := min(len(ws), 5); n >= 1; n-- {
		for i := 0; i+n <= len(ws); i++ {
			if uncertain[strings.Join(ws[i:i+n], " ")] {
				return true
			}
		}
	}
	return false
}

func oldFamily(norm string) string {
	ws := oldWords(norm)
	if len(ws) == 0 || oldIsUncertain(ws) {
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

// oldPhrase is a normalised match phrase, split into words.
type oldPhrase []string

// find returns the position of p in ws, or -1. Words of five letters or
// more may differ by one edit (eight or more: two), so "regoin" still
// finds "region". Numbers must match exactly.
func (p oldPhrase) find(ws []string, fuzzy bool) int {
	if len(p) == 0 || len(p) > len(ws) {
		return -1
	}
outer:
	for i := 0; i+len(p) <= len(ws); i++ {
		for j, w := range p {
			if !oldWordMatch(w, ws[i+j], fuzzy) {
				continue outer
			}
		}
		return i
	}
	return -1
}

func oldWordMatch(want, got string, fuzzy bool) bool {
	if want == got {
		return true
	}
	if !fuzzy || oldHasDigit(want) || oldHasDigit(got) {
		return false
	}
	n := len([]rune(want))
	switch {
	case n >= 8:
		return oldEditDistance(want, got, 2) <= 2
	case n >= 5:
		return oldEditDistance(want, got, 1) <= 1
	}
	return false
}

func oldHasDigit(s string) bool {
	for _, r := range s {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

// negated reports whether one of the three words before position i negates
// what follows ("not behind a proxy").
// "no" counts only right before ("no proxy"), since it is often an
// interjection ("no, it says region not supported").
func oldNegated(ws []string, i int) bool {
	for k := i - 1; k >= 0 && k >= i-3 && ws[k] != clauseBreak; k-- {
		if negations[ws[k]] && (ws[k] != "no" || k == i-1) {
			return true
		}
	}
	return false
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance between a and b, giving up once it exceeds max.
func oldEditDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// oldChoice holds a choice's phrases and patterns ready for matching.
type oldChoice struct {
	phrases  []oldPhrase
	implied  []oldPhrase
	patterns []*regexp.Regexp
	means    string
	any      bool
}

func oldCompileChoice(c Choice) (oldChoice, error) {
	cc := oldChoice{means: c.Means, any: c.Any}
	add := func(dst *[]oldPhrase, s string) {
		if p := oldPhrase(oldWords(oldNormalize(s))); len(p) > 0 {
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
func (cc oldChoice) score(norm string, ws []string, fuzzy bool, phrases []oldPhrase) int {
	best := 0
	for _, p := range phrases {
		i := p.find(ws, false)
		s := 4 * len(p)
		if i < 0 && fuzzy {
			i = p.find(ws, true)
			s = 3 * len(p)
		}
		if i < 0 || oldNegated(ws, i) {
			continue
		}
		best = max(best, s)
	}
	if norm == "" {
		return best // implied_by phrases only: patterns answer, never infer
	}
	for _, re := range cc.patterns {
		if loc := re.FindStringIndex(norm); loc != nil {
			best = max(best, 4*len(oldWords(norm[loc[0]:loc[1]])))
		}
	}
	return best
}

// How a choice was selected.

// Match is the old Flow.Match.
func (o *oracle) Match(t *Flow, n *Node, answer string) (int, string) {
	ccs := o.choices[n]
	ws := oldTokens(answer)
	norm := oldNormalize(answer)
	if len(ws) == 0 {
		return -1, ""
	}
	if i := oldChoiceNumber(ws, len(ccs)); i >= 0 {
		return i, ByNumber
	}
	unsure := oldIsUncertain(oldWords(norm))
	if i := oldBest(ccs, func(cc oldChoice) int { return cc.score(norm, ws, false, cc.phrases) }); i >= 0 {
		// "no idea" is not the "No" choice; a "Not sure" choice is fine.
		if !unsure || ccs[i].means == "" {
			return i, ByWords
		}
		return -1, ""
	}
	if f := oldFamily(norm); f != "" {
		for i, cc := range ccs {
			if cc.means == f {
				return i, ByFamily
			}
		}
	}
	if i := oldBest(ccs, func(cc oldChoice) int { return cc.score(norm, ws, true, cc.phrases) }); i >= 0 {
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

// Infer is the old Flow.Infer.
func (o *oracle) Infer(t *Flow, n *Node, said []string) int {
	ccs := o.choices[n]
	for k := len(said) - 1; k >= 0; k-- {
		norm := oldNormalize(said[k])
		ws := oldTokens(said[k])
		if len(ws) == 0 {
			continue
		}
		if oldChoiceNumber(ws, len(ccs)) >= 0 || oldFamily(norm) != "" && len(ws) <= 3 {
			continue
		}
		i := oldBest(ccs, func(cc oldChoice) int {
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
func oldBest(ccs []oldChoice, score func(oldChoice) int) int {
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

// choiceNumber reads "2", "#2", "option 2", "number two", "the 2nd one"
// as a choice number (0-based) when in range, else -1. A number inside a
// longer sentence is not a choice number ("curl gave me a 401").
func oldChoiceNumber(ws []string, n int) int {
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

type oldIntake struct {
	codes, keywords map[string]bool
	products        []oldPhrase
	phrases         []oldPhrase
	examples        [][]string // content words
	requires        []oldPhrase
}

func oldCompileIntake(in Intake) oldIntake {
	ci := oldIntake{codes: map[string]bool{}, keywords: map[string]bool{}}
	for _, c := range in.Codes {
		for _, w := range oldWords(oldNormalize(c)) {
			ci.codes[w] = true
		}
	}
	for _, k := range in.Keywords {
		for _, w := range oldWords(oldNormalize(k)) {
			ci.keywords[w] = true
		}
	}
	toPhrases := func(ss []string) []oldPhrase {
		var out []oldPhrase
		for _, s := range ss {
			if p := oldPhrase(oldWords(oldNormalize(s))); len(p) > 0 {
				out = append(out, p)
			}
		}
		return out
	}
	ci.products = toPhrases(in.Products)
	ci.phrases = toPhrases(in.Phrases)
	ci.requires = toPhrases(in.Requires)
	for _, e := range in.Examples {
		if cw := oldContentWords(oldWords(oldNormalize(e))); len(cw) > 0 {
			ci.examples = append(ci.examples, cw)
		}
	}
	return ci
}

// score rates how well the message's words fit the flow.
func (ci oldIntake) score(ws []string) float64 {
	if !ci.required(ws) {
		return 0
	}
	return ci.signals(ws)
}

// required reports whether the message has one of the Requires words.
func (ci oldIntake) required(ws []string) bool {
	if len(ci.requires) > 0 {
		found := false
		for _, p := range ci.requires {
			if p.find(ws, true) >= 0 {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// signals adds up the intake signals found in the message.
func (ci oldIntake) signals(ws []string) float64 {
	var s float64
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w] {
			continue
		}
		seen[w] = true
		if ci.codes[w] {
			s += 6
		}
	}
	for k := range ci.keywords {
		for _, w := range ws {
			if oldWordMatch(k, w, true) {
				s += 2
				break
			}
		}
	}
	var product float64
	for _, p := range ci.products {
		if p.find(ws, true) >= 0 {
			product = max(product, 2+float64(len(p)))
		}
	}
	s += product
	for _, p := range ci.phrases {
		if p.find(ws, true) >= 0 {
			s += 1 + 1.5*float64(len(p))
		}
	}
	if len(ci.examples) > 0 {
		cw := oldContentWords(ws)
		var bestRatio float64
		for _, ex := range ci.examples {
			shared := 0
			for _, w := range ex {
				for _, m := range cw {
					if oldWordMatch(w, m, true) {
						shared++
						break
					}
				}
			}
			bestRatio = max(bestRatio, float64(shared)/float64(len(ex)))
		}
		if bestRatio >= 0.5 {
			s += 4 * bestRatio
		}
	}
	return s
}

func oldIsGreeting(ws []string) bool {
	if len(ws) == 0 || len(ws) > 5 {
		return false
	}
	hello := false
	for _, w := range ws {
		if !greetings[w] {
			return false
		}
		switch w {
		case "hi", "hello", "hey", "heya", "hiya", "yo", "howdy", "sup", "hallo", "hola", "greetings", "morning", "evening", "afternoon", "test", "testing":
			hello = true
		}
	}
	return hello
}

func oldContentWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// Classify is the old Library.Classify.
func (o *oracle) Classify(text string) Verdict {
	l := o.lib
	ws := oldTokens(text)
	v := Verdict{Greeting: oldIsGreeting(oldWords(oldNormalize(text)))}
	if v.Greeting {
		return v
	}
	for _, t := range l.Flows {
		if s := o.intake[t].score(ws); s > 0 {
			v.Ranked = append(v.Ranked, Candidate{Flow: t, Score: s})
		}
	}
	sort.SliceStable(v.Ranked, func(i, j int) bool { return v.Ranked[i].Score > v.Ranked[j].Score })
	score := func(i int) float64 {
		if i < len(v.Ranked) {
			return v.Ranked[i].Score
		}
		return 0
	}
	switch top := score(0); {
	case top >= Sure && top-score(1) >= Lead:
		v.Flow = v.Ranked[0].Flow
	case top >= Maybe && score(1) >= Maybe && top-score(2) >= Lead:
		v.Close = []*Flow{v.Ranked[0].Flow, v.Ranked[1].Flow}
	default:
		v.Maybe = o.maybe(ws)
	}
	return v
}

func (o *oracle) maybe(ws []string) []*Flow {
	l := o.lib
	if len(oldContentWords(ws)) > 3 {
		return nil
	}
	var ranked []Candidate
	for _, t := range l.Flows {
		if s := o.intake[t].signals(ws); s >= Sure {
			ranked = append(ranked, Candidate{Flow: t, Score: s})
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].Score > ranked[j].Score })
	switch {
	case len(ranked) == 1, len(ranked) > 1 && ranked[0].Score-ranked[1].Score >= Lead:
		return []*Flow{ranked[0].Flow}
	case len(ranked) == 2, len(ranked) > 2 && ranked[0].Score-ranked[2].Score >= Lead:
		return []*Flow{ranked[0].Flow, ranked[1].Flow}
	}
	return nil
}

// PickCandidate is the old PickCandidate.
func (o *oracle) PickCandidate(offered []*Flow, answer string) int {
	ws := oldTokens(answer)
	if i := oldChoiceNumber(ws, len(offered)); i >= 0 {
		return i
	}
	best, at, tie := 0.0, -1, false
	for i, t := range offered {
		s := o.intake[t].signals(ws) // the reply need not name the product again
		if tw := oldPhrase(oldWords(oldNormalize(t.Title))); tw.find(ws, true) >= 0 {
			s += 10
		}
		switch {
		case s > best:
			best, at, tie = s, i, false
		case s == best && s > 0:
			tie = true
		}
	}
	if tie {
		return -1
	}
	return at
}
