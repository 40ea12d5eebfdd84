package flows

import (
	"fmt"
	"slices"
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

// uncertain answers are neither yes nor no. Inside a longer answer they
// are hedges, and reach only the rest of their clause (see reading.go).
var uncertain = set("not sure", "im not sure", "i dont know", "dont know", "dunno", "idk", "no idea", "unsure", "no clue", "not certain", "maybe", "i have no idea", "i am not sure", "not a clue",
	"not really sure", "not totally sure", "not entirely sure", "not 100", "not 100 sure", "perhaps", "possibly", "might be", "could be", "hard to say", "cant tell", "cant say", "i cant tell", "i cant say", "no clue", "who knows", "i wonder")

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

// yesWords and noWords open a yes or a no, in the languages people text
// in ("sí", "oui", "ja"; "non", "nein").
var yesWords = set("yes", "yeah", "yea", "yep", "yup", "y", "ya", "yah", "yeh", "yeap", "yass", "yas", "yess", "yesss", "sure", "correct", "right", "affirmative", "true", "indeed", "definitely", "absolutely", "of course", "ok", "okay", "k", "uh huh", "mhm", "mhmm", "i am", "i do", "it did", "we are", "we do", "i think so", "i believe so", "think so", "si", "sí", "oui", "ja", "jep", "claro", "da", "aye", "def", "defo", "for sure", "bingo", "exactly", "spot on", "thats it",
	"that is correct", "thats correct", "that is right", "thats right", "i am afraid so", "im afraid so", "afraid so",
	"certainly", "ofc", "100 percent", "yes yes", "totally", "you bet", "yessir", "yes sir", "yes maam")
var noWords = set("no", "nope", "nah", "n", "nay", "negative", "false", "never", "not really", "no way", "none", "i am not", "im not", "i dont", "we dont", "we arent", "it didnt", "didnt", "probably not", "i doubt it", "not that i", "non", "nein", "nee", "nao", "não", "na", "naw", "nahh", "nada", "neither", "zero", "not at all",
	"i am afraid not", "im afraid not", "afraid not", "i fear not", "i think not")

// intensifiers are the yesWords that say "not" strongly after them.
var intensifiers = set("definitely", "absolutely", "of course", "certainly", "def", "defo", "for sure", "totally", "100 percent", "indeed", "ofc")

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
	for n := 4; n >= 1; n-- {
		if len(ws) < n {
			continue
		}
		head, ok := join(&buf, ws[:n])
		switch {
		case !ok:
		case noWords[string(head)]:
			return "no"
		case yesWords[string(head)]:
			// "definitely not", "of course not": the word that makes a
			// yes strong makes a no strong too.
			if len(ws) > n && ws[n] == "not" && intensifiers[string(head)] {
				return "no"
			}
			return "yes"
		}
	}
	return ""
}

var negations = set("no", "nothing", "nobody", "noone", "not", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "never", "without", "nor", "cant", "cannot", "havent", "hasnt", "hadnt", "werent", "wont",
	"nothings", "nobodys") // "nothing's changed", "nobody's touched it"

// phrase is a normalised match phrase, split into words.
type phrase []word

// A word of s that starts with "*" matches any longer word ending in the
// rest ("*error"); "*" alone matches a word that can name a thing (see
// nameLike: "* portal" is "pharmacy portal", not "the portal"), and "~"
// one that is a thing and no person (see thingLike: "~ says" is "the
// reader says", not "my boss says"), "#" a number of three digits or
// more ("code #" is "code 42501", not "code red"), and "^" a word written
// as a name inside a sentence ("uploads to Vimeo"; see Text).
func newPhrase(s string) phrase {
	var p phrase
	for _, tok := range strings.Fields(s) {
		switch tok {
		case "*":
			p = append(p, word{suffix: true})
			continue
		case "~":
			p = append(p, word{suffix: true, thing: true})
			continue
		case "#":
			p = append(p, word{suffix: true, number: true})
			continue
		case "^":
			p = append(p, word{suffix: true, proper: true})
			continue
		}
		if alts := classWords[tok]; alts != nil { // "{party}": see classPhrases
			p = append(p, word{suffix: true, alts: alts})
			continue
		}
		suffix := strings.HasPrefix(tok, "*")
		for _, w := range words(Normalize(strings.TrimPrefix(tok, "*"))) {
			nw := newWord(w)
			nw.suffix, suffix = suffix, false
			p = append(p, nw)
		}
	}
	return p
}

// weight is how much p says: a word for each word, and for an error's
// identifier a word for each of its parts but one, which mostly names the
// kind ("permission_error" says one thing; "self_signed_cert_in_chain"
// says as much as four words, more than "connection error").
func (p phrase) weight() int {
	n := 0
	for _, w := range p {
		n += max(1, strings.Count(w.s, "_"))
	}
	return n
}

// find returns the first position of p in t's words, or -1. Numbers must
// match exactly; with fuzzy, other words may be typos of p's (see typo.go).
func (p phrase) find(t *Text, fuzzy bool) int {
	i, _ := p.findFrom(t, fuzzy, 0)
	return i
}

// findFrom is find from position from on; it also returns where the match
// ends. An amount between two of p's words is skipped ("bought $50
// credits" and "bought 20 dollars of credits" are "bought credits", "with
// 8 agents" is "with agents"): a number says how much of the thing, not
// what it is. So is an article, but after a negation ("changed the my
// domain" is "changed my domain", "refreshed the sandbox" is "refreshed
// sandbox"; "no the vpn" is no "no vpn"), and the vendor's name, which
// says whose make ("rotated my anthropic api key" is "rotated my api
// key").
func (p phrase) findFrom(t *Text, fuzzy bool, from int) (at, end int) {
	ws := t.ws
	if len(p) == 0 || len(p) > len(ws) || !p.mayOccur(t, fuzzy) {
		return -1, -1
	}
	for i := from; i+len(p) <= len(ws); i++ {
		if end := p.matchAt(t, i, fuzzy); end >= 0 {
			return i, end
		}
	}
	return -1, -1
}

// mayOccur reports whether each of p's words may match a word of t, by
// t's index: false means p cannot match anywhere in t. A word that
// matches as a suffix, or (fuzzy) by a typo, is not checked.
func (p phrase) mayOccur(t *Text, fuzzy bool) bool {
	if !t.indexed {
		return true
	}
	for j := range p {
		if w := &p[j]; !w.suffix && (!fuzzy || w.edits == 0) && !t.may(w.hash) {
			return false
		}
	}
	return true
}

// absent counts p's words that t's index says t has not: neither the
// word nor its plural (suffix words are not counted). Each can match
// only as a typo.
func (p phrase) absent(t *Text) int {
	if !t.indexed {
		return 0
	}
	n := 0
	for j := range p {
		if w := &p[j]; !w.suffix && !t.may(w.hash) {
			n++
		}
	}
	return n
}

// matchAt returns where p, matched at word i of t, ends, or -1.
func (p phrase) matchAt(t *Text, i int, fuzzy bool) int {
	k := i
	for j := range p {
		if k < len(t.ws) && p[j].matches(t.ws[k], t.shapes[k], fuzzy) {
			k++
			continue
		}
		n := amountLen(t.ws[k:])
		if n == 0 && j > 0 && k < len(t.ws) && (determiners[t.ws[k]] && !negations[p[j-1].s] || inserts[t.ws[k]]) {
			n = 1
		}
		if j == 0 || p[j].digit || n == 0 || k+n >= len(t.ws) || !p[j].matches(t.ws[k+n], t.shapes[k+n], fuzzy) {
			return -1
		}
		k += n + 1
	}
	return k
}

// amountLen returns how many of ws's first words say an amount: a number
// ("50"), with its unit ("20 dollars of", "$20 worth of", "10 usd in"), or
// 0.
func amountLen(ws []string) int {
	if len(ws) == 0 || !isAmount(ws[0]) {
		return 0
	}
	n := 1
	if n < len(ws) && amountUnits[ws[n]] {
		n++
	}
	if n < len(ws) && ws[n] == "worth" {
		n++
	}
	if n > 1 && n < len(ws) && (ws[n] == "of" || ws[n] == "in") {
		n++
	}
	return n
}

// determiners may stand between two words of a phrase; not possessives,
// which say whose ("declining all my cards" is not "all cards").
var determiners = set("a", "an", "the", "this", "that", "these", "those")

// inserts are words people put inside a phrase without changing what it
// names: the vendor's name (see findFrom), and a copula as speakers of
// other languages often add one ("limit is reached", "model is not
// enabled"). Not "own": "my own test phone" is no more "my test phone"
// than it is a phone owned.
var inserts = set("anthropic", "is", "was", "are", "were", "been")

var amountUnits = set("dollars", "dollar", "usd", "bucks", "euros", "euro", "eur", "pounds", "gbp", "cad", "aud", "inr", "rupees", "k")

// isAmount reports whether w is a number of things: digits only.
func isAmount(w string) bool {
	if w == "" {
		return false
	}
	for i := range len(w) {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// Negation reaches forward within its clause over at most two words that
// carry meaning; articles, possessives and "or" do not count, so "we
// don't have a vpn or proxy" negates both. It stops at a word that starts
// another thought ("doesn't work when I'm on the vpn") and at a
// preposition after a word it negated ("not enabled for my api key" says
// nothing against the key).
var (
	negationEnds = set("when", "whenever", "if", "because", "cause", "since", "but", "though", "although", "unless", "until", "except", "so", "then", "which", "only", "just")
	light        = set("a", "an", "the", "any", "my", "our", "your", "their", "its", "or", "nor", "and", "either", "even", "really", "there", "theres", "is", "are", "be", "been", "that", "i", "we", "it", "im", "was", "were", "one")
	prepositions = set("for", "with", "from", "in", "on", "at", "by", "to", "behind", "through", "via", "over", "into", "about", "after", "before", "during", "under")
	// failing are what a negation says of the thing after them: "doesn't
	// work with my api key" is about the key, not its absence.
	failing = set("work", "working", "works", "worked", "help", "helped", "fix", "fixed", "load", "loading", "connect", "run", "running", "go", "accept", "let", "seem", "change", "matter")
)

// negated reports whether a negation before position i in its clause
// reaches the word there ("not behind a proxy", "never had a vpn or
// proxy"). "no" and "nothing" reach only the next word and what "or" adds
// to it ("no vpn or proxy", "nothing changed"), since "no" is often an
// interjection ("no, it says region not supported").
func negated(ws []string, i int) bool {
	for k := i - 1; k >= 0 && ws[k] != clauseBreak; k-- {
		if negations[ws[k]] && reaches(ws, k, i) {
			return true
		}
	}
	return false
}

// aboutWords and mentionWords say what "no" or "nothing" is about
// ("nothing about region", "no mention of opus").
var (
	aboutWords   = set("about", "on", "regarding")
	mentionWords = set("mention", "word", "sign", "hint")
)

// reaches reports whether the negation at ws[k] reaches ws[i].
func reaches(ws []string, k, i int) bool {
	if ws[k] == "no" || ws[k] == "nothing" {
		// "nothing about region", "no mention of the model": what
		// follows is what none was said of.
		switch {
		case k+1 < i && aboutWords[ws[k+1]]:
			k++
		case k+2 < i && mentionWords[ws[k+1]] && ws[k+2] == "of":
			k += 2
		}
		if k+1 < i && determiners[ws[k+1]] && (ws[k] == "about" || ws[k] == "of" || ws[k] == "on") {
			k++
		}
		// A list: "no region or model", "nothing about a region or a
		// model": each item one word, "or" between, an article before
		// one allowed.
		item := k + 1
		for item < i {
			next := item + 1
			if next >= i || ws[next] != "or" && ws[next] != "nor" {
				return false
			}
			next++
			if next < i && determiners[ws[next]] {
				next++
			}
			item = next
		}
		return item == i
	}
	if k+1 < i && failing[ws[k+1]] {
		return false
	}
	content := 0
	for j := k + 1; j < i; j++ {
		w := ws[j]
		switch {
		case negationEnds[w]:
			return false
		case prepositions[w]:
			if content > 0 {
				return false
			}
		case !light[w]:
			if content++; content > 2 {
				return false
			}
		}
	}
	// "can't do that from my phone": a negated verb says nothing against
	// the circumstances after it. Nor a code after the words it denies:
	// "not delivered error 30034" names the error ("not 403, 401" denies
	// the 403).
	return content == 0 || !prepositions[ws[i]] && !digits(ws[i])
}

// digits reports whether w is a code of three digits or more ("403",
// "30034").
func digits(w string) bool { return len(w) >= 3 && strings.Trim(w, "0123456789") == "" }

// compiledChoice holds a choice's phrases and patterns ready for matching.
type compiledChoice struct {
	label    []string // the label's content words
	phrases  []phrase
	implied  []phrase
	patterns []pattern
	// impliedPatterns count where implied does (Choice.ImpliedPatterns).
	impliedPatterns []pattern
	means           string
	any             bool
	unsure          bool // the choice for not knowing: never taken from earlier texts
	infers          bool // its phrases and patterns count from earlier texts (Choice.Infer)
	// needs[k] is what phrases[k] needs of a text's index, impliedNeeds
	// the same for implied (see need); nil for none.
	needs, impliedNeeds []need
}

// need is what a phrase needs of a text's index (see Text.index) to be
// found: the bits of its words that match only as themselves or their
// plurals (exact), of those the words that allow no typo (strict), and
// whether it is a phrase of absence ("no code"), which findAnswer also
// finds by its other words.
type need struct {
	exact, strict [4]uint64
	absence       bool
}

func needsOf(ps []phrase) []need {
	if len(ps) == 0 {
		return nil
	}
	out := make([]need, len(ps))
	for k, p := range ps {
		var exact, strict Text
		for j := range p {
			if w := &p[j]; !w.suffix {
				exact.add(w.hash)
				if w.edits == 0 {
					strict.add(w.hash)
				}
			}
		}
		out[k] = need{exact: exact.index, strict: strict.index, absence: len(p) >= 2 && (p[0].s == "no" || p[0].s == "not")}
	}
	return out
}

// needsFor returns the needs of phrases when they are cc's phrases or
// implied, else nil.
func (cc *compiledChoice) needsFor(phrases []phrase) []need {
	switch {
	case len(phrases) == 0:
	case len(cc.needs) == len(phrases) && &cc.phrases[0] == &phrases[0]:
		return cc.needs
	case len(cc.impliedNeeds) == len(phrases) && &cc.implied[0] == &phrases[0]:
		return cc.impliedNeeds
	}
	return nil
}

func compileChoice(c Choice) (compiledChoice, error) {
	cc := compiledChoice{means: c.Means, any: c.Any, unsure: c.Unsure(), infers: c.Infer == nil || *c.Infer, label: contentWords(words(Normalize(c.Label)))}
	add := func(dst *[]phrase, s string) error {
		ss, err := classPhrases(s)
		for _, s := range ss {
			if p := newPhrase(s); len(p) > 0 {
				*dst = append(*dst, p)
			}
		}
		return err
	}
	if p := newPhrase(c.Label); !c.Any && len(p) > 0 { // a catch-all's label ("type the product") is not its words
		cc.phrases = append(cc.phrases, p)
	}
	for _, m := range c.Match {
		if err := add(&cc.phrases, m); err != nil {
			return cc, err
		}
	}
	for _, m := range c.ImpliedBy {
		if err := add(&cc.implied, m); err != nil {
			return cc, err
		}
	}

	var err error
	if cc.patterns, err = compilePatterns(c.Patterns, "pattern"); err != nil {
		return cc, err
	}
	if cc.impliedPatterns, err = compilePatterns(c.ImpliedPatterns, "implied pattern"); err != nil {
		return cc, err
	}
	cc.needs, cc.impliedNeeds = needsOf(cc.phrases), needsOf(cc.implied)
	return cc, nil
}

// compilePatterns compiles a choice's patterns, case-insensitive; what
// names them in an error.
func compilePatterns(ps []string, what string) ([]pattern, error) {
	var out []pattern
	for _, p := range ps {
		pt, err := compilePattern(p)
		if err != nil {
			return nil, fmt.Errorf("bad %s: %w", what, err)
		}
		out = append(out, pt)
	}
	return out, nil
}

// rating is how strongly an answer selects a choice: a score (0 for not
// at all, higher for longer, exact matches) and the words of the answer
// the match that earned it covers, [at, end).
type rating struct {
	score, at, end int
	// label counts the words of the choice's label the answer has.
	label int
	// hits counts the choice's phrases and patterns found apart from one
	// another in the answer.
	hits int
	// but says the match comes after a "but": what follows it is the
	// point ("active, nothing changed, but the 403 comes and goes").
	but bool
}

// over reports whether r beats o: a higher score; or the same score from
// a match that overlaps o's and starts earlier ("opus limit reached":
// "opus limit" is the limit that was reached, "limit reached" the frame
// around it); or, from matches apart, more of the choice's label ("an
// api key in the anthropic console" is "API key from the Claude
// Console", not "Console account"), after a match before a "but" when
// it is a phrase after one ("active, nothing changed, but the 403 comes
// and goes"), or from more hits. Otherwise equal matches are a tie
// ("logged in with my console account").
func (r rating) over(o rating) bool {
	switch {
	case r.score != o.score:
		return r.score > o.score
	case r.score == 0:
		return false
	case r.at < o.end && o.at < r.end:
		return r.at < o.at
	case r.but != o.but:
		return r.but
	case r.hits != o.hits:
		return r.hits > o.hits
	}
	return r.label > o.label
}

func top(a, b rating) rating {
	if b.over(a) {
		return b
	}
	return a
}

// both is the rating of one choice by two sets of its words (its
// implied and its own): the better, with the hits of both.
func both(a, b rating) rating {
	r := top(a, b)
	r.hits = a.hits + b.hits
	return r
}

// rate rates how strongly the answer t selects the choice by phrases and
// by the patterns pats: its patterns (answers), its implied patterns
// (earlier texts), or none.
func (cc *compiledChoice) rate(t *Text, phrases []phrase, fuzzy bool, pats []pattern) rating {
	var best rating
	var spans [8][2]int // the words found, for hits: a match inside one found before is no new hit
	hits := 0
	hit := func(at, end int) {
		for _, sp := range spans[:min(hits, len(spans))] {
			if at < sp[1] && sp[0] < end {
				return
			}
		}
		if hits < len(spans) {
			spans[hits] = [2]int{at, end}
		}
		hits++
	}
	needs := cc.needsFor(phrases)
	if !t.indexed {
		needs = nil
	}
	for k, p := range phrases {
		// A phrase t's index says findAnswer cannot find, with or
		// without typos as fuzzy says, is not looked for.
		if needs != nil {
			if nd := &needs[k]; !nd.absence && !t.covers(&nd.exact) && (!fuzzy || !t.covers(&nd.strict)) {
				continue
			}
		}
		// The weight is counted only for a phrase found: most are not.
		per := 4
		at, end := p.findAnswer(t, false, phrases)
		if at < 0 && fuzzy {
			per = 3
			at, end = p.findAnswer(t, true, phrases)
		}
		if at >= 0 {
			best = top(best, rating{score: per * p.weight(), at: at, end: end})
			hit(at, end)
			// Named again further on, it is another hit: "I think it's
			// the vpn, the vpn app put me on a gateway" says vpn more than
			// gateway. A code said again is the same error told on ("403
			// but curl gives 200, then claude says 403 again").
			if !digits(p[0].s) {
				for at, end = p.findAnswerFrom(t, per == 3, phrases, end); at >= 0; at, end = p.findAnswerFrom(t, per == 3, phrases, end) {
					hit(at, end)
				}
			}
		}
	}
	for _, re := range pats {
		loc := re.find(t.norm)
		if loc == nil {
			continue
		}
		first, n := t.wordAt(loc[0]), 0
		for range strings.FieldsSeq(t.norm[loc[0]:loc[1]]) {
			n++
		}
		// A match whose first or last word is negated ("I never set up
		// an API key", "active and nothing changed") says the opposite of
		// what the pattern looks for, as for a phrase, unless it opens
		// with the negation itself.
		if first >= 0 && negated(t.ws, first) && !negations[t.ws[first]] {
			continue
		}
		if last := t.wordAt(loc[1] - 1); last >= 0 && negated(t.ws, last) {
			continue
		}
		best = top(best, rating{score: 4 * n, at: first, end: first + n})
		hit(first, first+n)
	}
	best.label, best.hits = cc.labelIn(t, best), hits
	// A phrase, not a code or one word: "curl gives 200 but claude code
	// gives 403" still answers what curl gave, and "403, but the body is
	// an HTML page" is a 403. A yes or a no may be one word: "it's listed
	// but expired" is the no.
	best.but = best.end > best.at && (best.end-best.at >= 2 || cc.means != "") && !digits(t.ws[best.at]) && slices.Contains(t.ws[:best.at], "but")
	return best
}

// labelIn counts the words of the choice's label that t has, for a
// rating that selects the choice at all.
func (cc *compiledChoice) labelIn(t *Text, r rating) int {
	if r.score == 0 {
		return 0
	}
	n := 0
	for _, w := range cc.label {
		if slices.Contains(t.ws, w) {
			n++
		}
	}
	return n
}

// wordAt returns the index in t.ws of the word holding byte off of
// t.norm, or -1.
func (t *Text) wordAt(off int) int {
	n := strings.Count(t.norm[:min(off, len(t.norm))], " ") // words before it in norm
	for i, w := range t.ws {
		if w == clauseBreak {
			continue
		}
		if n == 0 {
			return i
		}
		n--
	}
	return -1
}

// findAnswer returns where p occurs in t as an answer, and where it ends:
// not negated, not a role someone else holds, not inside a negated
// longer phrase of the same choice (among all: "no messaging service"
// says nothing for "service"); or, for a phrase of absence ("no code",
// "no proxy"), where what it lacks occurs negated ("it doesn't show a
// code"). It returns -1, -1 when p does neither.
func (p phrase) findAnswer(t *Text, fuzzy bool, all []phrase) (at, end int) {
	return p.findAnswerFrom(t, fuzzy, all, 0)
}

// findAnswerFrom is findAnswer from position start on.
func (p phrase) findAnswerFrom(t *Text, fuzzy bool, all []phrase, start int) (at, end int) {
	for from := start; ; from++ {
		i, e := p.findFrom(t, fuzzy, from)
		if i < 0 {
			break
		}
		// A phrase that is itself a negation ("nothing changed") is not
		// undone by one before it: "no, nothing changed", "no no proxy".
		if (!negated(t.ws, i) || negations[p[0].s]) && (len(p) != 1 || !aboutOther(t.ws, i)) && !insideNegated(t, all, i, e, fuzzy) && !selfTold(p, t.ws, i) {
			return i, e
		}
		from = i
	}
	if len(p) >= 2 && (p[0].s == "no" || p[0].s == "not") {
		rest := p[1:]
		for from := start; ; from++ {
			i, e := rest.findFrom(t, fuzzy, from)
			if i < 0 {
				return -1, -1
			}
			if negated(t.ws, i) && !ruledOut(t.ws, i, e) {
				return i, e
			}
			from = i
		}
	}
	return -1, -1
}

// selfTold reports whether phrase p, found at ws[i], opens with a word
// for someone (a class like {party}, or any name) whom the person says
// they are: "I'm a parent trying to pay" is the payer, not a business
// telling of "a parent trying to pay".
func selfTold(p phrase, ws []string, i int) bool {
	if !p[0].suffix || p[0].alts == nil && p[0].s != "" || i < 2 {
		return false
	}
	return (ws[i-1] == "a" || ws[i-1] == "an" || ws[i-1] == "the") && (ws[i-2] == "im" || ws[i-2] == "am")
}

// ruledOut reports whether ws[i:end], negated, is only ruled out: a clause
// of "not" and it ("Not funds, not expiry."), which says what the trouble
// is not, not that something is missing (the "no funds" of an empty
// account).
func ruledOut(ws []string, i, end int) bool {
	j := i - 1
	if j >= 0 && determiners[ws[j]] {
		j--
	}
	return j >= 0 && ws[j] == "not" && (j == 0 || ws[j-1] == clauseBreak) && (end == len(ws) || ws[end] == clauseBreak)
}

// insideNegated reports whether words [at, end) of t lie inside a match
// of a longer phrase among all whose first word is negated.
func insideNegated(t *Text, all []phrase, at, end int, fuzzy bool) bool {
	for _, q := range all {
		if len(q) <= end-at {
			continue
		}
		for i := max(0, end-len(q)-1); i <= at; i++ {
			if e := q.matchAt(t, i, fuzzy); e >= end && negated(t.ws, i) {
				return true
			}
		}
	}
	return false
}

// score is rate for the checker, which has the normalised text norm split
// into ws; an empty norm skips patterns.
func (cc compiledChoice) score(norm string, ws []string, fuzzy bool, phrases []phrase) int {
	t := Text{norm: norm, first: len(norm), ws: ws, shapes: make([]shape, len(ws))}
	for i, w := range ws {
		t.shapes[i] = shapeOf(w)
	}
	pats := cc.patterns
	if norm == "" {
		pats = nil
	}
	return cc.rate(&t, phrases, fuzzy, pats).score
}

// How a choice was selected.
const (
	ByNumber  = "number"
	ByWords   = "words"
	ByFamily  = "yes/no"
	ByImplied = "implied"
	ByAny     = "any"
	ByOther   = "other"
)

// Reading is what an answer to a question says (see [Flow.Read]).
type Reading struct {
	// Choice is the index of the choice the answer selects, or -1.
	Choice int
	// By says how Choice was selected (ByNumber, ByWords …).
	By string
	// Asks is true when the answer selects nothing and asks something
	// back ("where do I find that?", "what's a curl test?").
	Asks bool
	// Unsure is true when the answer selects nothing and only says the
	// person does not know ("not sure", "maybe"), at a question with no
	// choice for that.
	Unsure bool
	// Number is true when the answer is a bare number at a free-text
	// question ([Node.FreeText]), whose choices are not numbered: a menu
	// pick where there is no menu, not the text the question asks for.
	Number bool
}

// Match picks the choice of question n that the answer selects. It returns
// the choice's index and how it was picked, or -1 when the answer selects
// no choice or more than one equally. It is Read without the reasons.
func (t *Flow) Match(n *Node, answer Text) (int, string) {
	r := t.Read(n, answer)
	return r.Choice, r.By
}

// Read reads an answer to question n. A number picks its choice (not at a
// free-text question, which shows no numbers: see Reading.Number). Otherwise the answer's core
// decides (clauses that ask back and what hedges reach are left out):
// a choice's words, label or implied_by phrases, the yes/no family, close
// typos, a negation (a no), someone else's role (a no), and last a
// free-text choice. An explicit yes or no in a clause of its own ("no,
// the admin on our team does that") outranks words of the other family.
// Only an answer that is nothing but unsure picks a choice for not
// knowing ("Not sure"); a hedge beside a clear answer does not veto it.
func (t *Flow) Read(n *Node, answer Text) Reading {
	ccs := t.compiled[n.ID]
	none := Reading{Choice: -1}
	if len(answer.ws) == 0 {
		return none
	}
	if i := choiceNumber(answer.ws, len(ccs)); i >= 0 {
		if n.FreeText() {
			return Reading{Choice: -1, Number: true}
		}
		return Reading{Choice: i, By: ByNumber}
	}
	answer = t.withoutEcho(n, answer)
	if main, ok := mainPart(answer); ok {
		answer = main
	}
	core, asks, hedged := answer.core(false)
	other := -1 // readCore takes it only for a text that quotes: n.Other allocates
	if quotes(&core) {
		other = n.Other()
	}
	r := readCore(ccs, &core, other)
	if r.Choice >= 0 && (r.By != ByAny && r.By != ByOther || !hedged) {
		return r
	}
	if hedged {
		// Nothing but unsure: a choice for that, by its words ("not sure",
		// "no idea"), or a hedged pick among choices that are no yes or no
		// ("maybe the region?").
		in := &answer
		if i := best(ccs, func(cc *compiledChoice) rating {
			if cc.means != "" {
				return rating{}
			}
			return cc.rate(in, cc.phrases, false, cc.patterns)
		}); i >= 0 {
			return Reading{Choice: i, By: ByWords}
		}
		if r.Choice >= 0 {
			return r // free text with a hedge: "it was the deploy, I think maybe"
		}
		if !asks {
			return Reading{Choice: -1, Unsure: true}
		}
	}
	if asks {
		return Reading{Choice: -1, Asks: true}
	}
	return none
}

// mainPart returns the clause of answer that says what mostly happens
// when another only adds what happens now and then ("21610 mostly, some
// 30007", "mostly on opus. sometimes sonnet too"): the answer is the main
// one. It reports false when the text has no such pair.
func mainPart(answer Text) (Text, bool) {
	if !slices.ContainsFunc(answer.ws, func(w string) bool { return mainWords[w] }) {
		return answer, false
	}
	cs := answer.Clauses()
	m := slices.IndexFunc(cs, func(c []string) bool { return slices.ContainsFunc(c, func(w string) bool { return mainWords[w] }) })
	if m < 0 || len(cs) < 2 {
		return answer, false
	}
	for k, c := range cs {
		if k != m && minorWords[c[0]] {
			return NewText(strings.Join(cs[m], " ")), true
		}
	}
	return answer, false
}

var (
	// mainWords say what happens most of the time.
	mainWords = set("mostly", "mainly", "primarily", "largely", "usually", "generally")
	// minorWords open a clause about what happens now and then.
	minorWords = set("some", "few", "occasionally", "sometimes", "rarely", "also", "plus", "one", "a")
)

// withoutEcho returns answer without a first clause that says the
// question back before answering it ("VPN or proxy? No, none.", "Am I
// the admin? Nah, head office does the billing"): a clause that ends
// with "?", with more after it, whose words are mostly the question's
// or its choices'. Its words are the question's, not the answer's.
func (t *Flow) withoutEcho(n *Node, answer Text) Text {
	end := slices.Index(answer.ws, clauseBreak)
	if end <= 0 || end >= 64 || answer.asked&(1<<(end-1)) == 0 {
		return answer
	}
	// A question's shape: it opens as a question does ("Am I the
	// admin?"), or it is a few words ("VPN or proxy?"); not an answer
	// given with a question mark ("I think it's an API key?").
	if !echoStarts[answer.ws[0]] && end > 3 {
		return answer
	}
	// What follows asks too ("which body? the json thing?"): no answer
	// after a question said back, but questions.
	if last := len(answer.ws) - 1; last < 64 && answer.asked&(1<<last) != 0 {
		return answer
	}
	asks := t.asks[n.ID]
	content, echoed := 0, 0
	for _, w := range answer.ws[:end] {
		if stopWords[w] {
			continue
		}
		content++
		if asks[w] || asks[strings.TrimSuffix(w, "s")] {
			echoed++
		}
	}
	if content == 0 || 2*echoed < content {
		return answer
	}
	return fromWords(answer.ws[end+1:])
}

// echoStarts open a question said back.
var echoStarts = set("is", "are", "am", "was", "were", "do", "does", "did", "have", "has", "can", "could", "which", "what", "how", "where",
	"when", "who", "any", "a", "an", "the", "my", "our")

// readCore reads the core of an answer (see Read); other is the choice a
// message that matches none of the others picks (see Node.Other), or -1.
func readCore(ccs []compiledChoice, in *Text, other int) Reading {
	ws := in.ws
	if len(ws) == 0 {
		return Reading{Choice: -1}
	}
	byMeans := func(f string) int {
		for i, cc := range ccs {
			if cc.means == f {
				return i
			}
		}
		return -1
	}
	fam, explicit := opening(ws)
	if i := best(ccs, func(cc *compiledChoice) rating {
		return both(cc.rate(in, cc.phrases, false, cc.patterns), cc.rate(in, cc.implied, false, nil))
	}); i >= 0 {
		if m := ccs[i].means; explicit && m != "" && m != fam {
			if j := byMeans(fam); j >= 0 {
				return Reading{Choice: j, By: ByFamily}
			}
		}
		return Reading{Choice: i, By: ByWords}
	}
	if fam != "" {
		if i := byMeans(fam); i >= 0 {
			return Reading{Choice: i, By: ByFamily}
		}
	}
	if i := best(ccs, func(cc *compiledChoice) rating { return cc.rate(in, cc.phrases, true, cc.patterns) }); i >= 0 {
		return Reading{Choice: i, By: ByWords}
	}
	// "not behind one" answers a yes/no question with no, and so does a
	// role someone else holds ("our admin does that").
	if slices.ContainsFunc(ws, func(w string) bool { return negations[w] }) || mentionsOther(ws) {
		if i := byMeans("no"); i >= 0 {
			return Reading{Choice: i, By: ByFamily}
		}
	}
	for i, cc := range ccs {
		if cc.any {
			return Reading{Choice: i, By: ByAny}
		}
	}
	if i := other; i >= 0 && quotes(in) {
		return Reading{Choice: i, By: ByOther}
	}
	return Reading{Choice: -1}
}

// Quotes reports whether the text reads as a message passed on (see
// quotes).
func (t Text) Quotes() bool { return quotes(&t) }

// quotes reports whether the text reads as a message passed on: it says
// so ("it says …", "the error is …", "something about …"), or carries an
// identifier ("permission_error", "E403", "ThrottlingException") or a
// code.
func quotes(in *Text) bool {
	for i, w := range in.ws {
		switch w {
		case "says", "said", "saying", "shows", "showed", "showing", "message", "error", "errors", "reads", "printed", "returns", "returned",
			"mentions", "mentioned", "mentioning", "tells", "told", "telling", "complains", "complaining", "popped", "pops", "warning":
			return true
		case "about", "like":
			if i > 0 && in.ws[i-1] == "something" {
				return true
			}
		}
		if strings.ContainsAny(w, "_0123456789") || len(w) > len("exception") && (strings.HasSuffix(w, "exception") || strings.HasSuffix(w, "error")) {
			return true
		}
	}
	return false
}

// Infer answers question n from earlier texts, newest first: a choice's
// ImpliedBy phrases, and (unless the question says infer: false) its Match
// words and patterns. Numbers alone and the yes/no family never count, and
// neither do negated mentions, questions back or what a hedge reaches. It
// returns -1 unless exactly one choice is clearly selected.
func (t *Flow) Infer(n *Node, said []string) int {
	read := make([]*Said, len(said))
	for k, s := range said {
		r := ReadSaid(s)
		read[k] = &r
	}
	i, _ := t.InferFrom(n, read)
	return i
}

// Said is a text read once to be read at many questions: an earlier
// text ([Flow.InferFrom], [Flow.InferOpen]), since entering a flow asks
// each question on the way what the person's texts already answer, or an
// answer read at the questions ahead (Ahead, Answers).
type Said struct {
	s    string
	text Text
	in   Text // text.core(true), unless the text can answer nothing (never)
	// never: the text answers no question sent as an answer (empty, a
	// yes/no of three words or fewer, numbers alone)
	never bool
}

// String returns the text as it was sent.
func (r *Said) String() string { return r.s }

// ReadSaid reads s for [Flow.InferFrom] and [Flow.InferOpen].
func ReadSaid(s string) Said {
	r := readSaid(NewText(s))
	r.s = s
	return r
}

func readSaid(text Text) Said {
	r := Said{text: text}
	yesNo := len(text.ws) <= 3 && Family(text.norm) != ""
	r.never = len(text.ws) == 0 || yesNo || strings.Trim(text.norm, "0123456789 ") == ""
	// Neither reads a short yes/no; inferOne reads numbers alone ("403"
	// can be an implied phrase), looseAnswer does not.
	if !yesNo {
		r.in, _, _ = r.text.core(true)
	}
	return r
}

// InferOpen answers question n from open texts: texts that answered
// nothing where they were sent ("it says my org has no access to that
// model" at a question about the plan). Unlike Infer it also reads their
// match words where the question says infer: false: that guards against
// a first text's words ("403" is no curl result), and an open text was
// meant as an answer to something. It returns the choice and the index
// of the text, or -1, -1.
func (t *Flow) InferOpen(n *Node, open []*Said) (choice, from int) {
	for k := len(open) - 1; k >= 0; k-- {
		if i := t.looseAnswer(n, open[k]); i >= 0 {
			return i, k
		}
	}
	return -1, -1
}

// looseAnswer is inferOne for a text sent as an answer: match words
// count whatever the question's infer says. Bare numbers ("403") and
// yes/no never count.
func (t *Flow) looseAnswer(n *Node, l *Said) int {
	ccs := t.compiled[n.ID]
	if l.never || choiceNumber(l.text.ws, len(ccs)) >= 0 {
		return -1
	}
	in := &l.in
	i := best(ccs, func(cc *compiledChoice) rating {
		if cc.unsure {
			return rating{}
		}
		if cc.any {
			return cc.rate(in, cc.implied, false, cc.impliedPatterns)
		}
		return both(cc.rate(in, cc.implied, false, cc.impliedPatterns), cc.rate(in, cc.phrases, false, cc.patterns))
	})
	if i < 0 {
		i = otherHolds(n, ccs, in)
	}
	return i
}

// InferFrom is Infer of texts read by ReadSaid, also returning which of
// said answered (its index), or -1.
func (t *Flow) InferFrom(n *Node, said []*Said) (choice, from int) {
	for k := len(said) - 1; k >= 0; k-- {
		if i := t.inferOne(n, said[k]); i >= 0 {
			return i, k
		}
	}
	return -1, -1
}

// Ahead reads an answer that question n cannot take as an answer to a
// question further on: when the text answers (as [Flow.InferOpen] would:
// it was sent as an answer) a question reachable through exactly one of
// n's choices, it returns that choice; otherwise -1. "It says region not supported" at "What came
// back from curl?" answers "What does the 403 body say?", which only the
// 403 choice leads to. Questions are searched up to maxAhead deep.
func (t *Flow) Ahead(n *Node, answer Text) int {
	found := -1
	l := readSaid(answer) // read once for every question ahead
	var seen nodeSet
	for k, ch := range n.Choices {
		seen.reset()
		seen.add(n.ID)
		if t.answersAhead(ch.Next, &l, maxAhead, &seen) {
			if found >= 0 {
				return -1 // more than one way there: the question stands
			}
			found = k
		}
	}
	return found
}

// Later returns a question further on from n (up to maxAhead deep, by
// any choice) that the text answers as Infer would, and the choice it
// answers there; nil when there is none. A free-text question uses it
// not to take "Error: exit code 1" as a product name.
func (t *Flow) Later(n *Node, answer Text) (*Node, int) {
	said := readSaid(answer) // read once for every question further on
	var seen nodeSet
	seen.add(n.ID)
	// The questions of one depth and of the next take turns in bufs.
	var bufs [2][16]string
	queue := bufs[0][:0]
	for _, ch := range n.Choices {
		queue = append(queue, ch.Next)
	}
	for depth := 0; depth < maxAhead && len(queue) > 0; depth++ {
		next := bufs[(depth+1)%2][:0]
		for _, id := range queue {
			q := t.Node(id)
			for q != nil && q.Kind == Info && !seen.has(q.ID) {
				seen.add(q.ID)
				q = t.Node(q.Next)
			}
			if q == nil || q.Kind != Question || seen.has(q.ID) {
				continue
			}
			seen.add(q.ID)
			if k := t.inferOne(q, &said); k >= 0 {
				return q, k
			}
			for _, ch := range q.Choices {
				next = append(next, ch.Next)
			}
		}
		queue = next
	}
	return nil, -1
}

// nodeSet is a set of node IDs that allocates nothing for its first 32.
type nodeSet struct {
	ids  [32]string
	n    int
	more map[string]bool
}

func (s *nodeSet) reset() { s.n, s.more = 0, nil }

func (s *nodeSet) has(id string) bool {
	return slices.Contains(s.ids[:s.n], id) || s.more[id]
}

func (s *nodeSet) add(id string) {
	if s.n < len(s.ids) {
		s.ids[s.n] = id
		s.n++
		return
	}
	if s.more == nil {
		s.more = map[string]bool{}
	}
	s.more[id] = true
}

// maxAhead is how many questions deep Ahead looks.
const maxAhead = 3

// answersAhead reports whether text answers a question reachable from
// node id within depth questions, not passing a node in seen.
func (t *Flow) answersAhead(id string, text *Said, depth int, seen *nodeSet) bool {
	n := t.Node(id)
	if n == nil || depth == 0 || seen.has(id) {
		return false
	}
	seen.add(id)
	switch n.Kind {
	case Info:
		return t.answersAhead(n.Next, text, depth, seen)
	case Question:
		if t.looseAnswer(n, text) >= 0 {
			return true
		}
		for _, ch := range n.Choices {
			if t.answersAhead(ch.Next, text, depth-1, seen) {
				return true
			}
		}
	}
	return false
}

// Unsure returns the choice to go on with when the person cannot answer
// question n: the one for not checking now ("Can't run it now", "Can't
// check now"), else its "Not sure", else on a yes/no question its no,
// else at a question that asks to paste a message its "Something else"
// (someone who can't recall the message goes on as if it were another
// one); or -1 when the question has none of these.
func (t *Flow) Unsure(n *Node) int {
	for _, s := range []string{"cant check now", "cant run it now", "not sure"} {
		if r := t.Read(n, NewText(s)); r.Choice >= 0 && r.By == ByWords {
			return r.Choice
		}
	}
	for i, c := range n.Choices {
		if c.Means == "no" {
			return i
		}
	}
	return n.Other()
}

// Answers reports whether the text, sent as an answer, answers one of the
// flow's questions (as InferOpen would). Intake uses it for a reply to
// "Is this 1) … or 2) …?" that picks neither by name but says something
// only one of them asks about.
func (t *Flow) Answers(text Text) bool {
	l := readSaid(text)
	for i := range t.Nodes {
		if n := &t.Nodes[i]; n.Kind == Question && t.looseAnswer(n, &l) >= 0 {
			return true
		}
	}
	return false
}

// Takes reports whether the text answers question n as Infer would.
func (t *Flow) Takes(n *Node, text Text) bool {
	said := readSaid(text)
	return t.inferOne(n, &said) >= 0
}

// inferOne answers question n from one earlier text, or returns -1.
func (t *Flow) inferOne(n *Node, said *Said) int {
	ccs := t.compiled[n.ID]
	text := &said.text
	if len(text.ws) == 0 {
		return -1
	}
	if choiceNumber(text.ws, len(ccs)) >= 0 || len(text.ws) <= 3 && Family(text.norm) != "" {
		return -1
	}
	in := said.in
	i := best(ccs, func(cc *compiledChoice) rating {
		if cc.unsure {
			return rating{}
		}
		r := cc.rate(&in, cc.implied, false, cc.impliedPatterns)
		if n.Infers() && cc.infers && !cc.any {
			r = both(r, cc.rate(&in, cc.phrases, false, cc.patterns))
		}
		return r
	})
	if i < 0 {
		i = best(ccs, func(cc *compiledChoice) rating {
			if cc.unsure {
				return rating{}
			}
			r := cc.rateTypo(&in, cc.implied)
			if n.Infers() && cc.infers && !cc.any {
				r = top(r, cc.rateTypo(&in, cc.phrases))
			}
			return r
		})
	}
	if i < 0 && n.Infers() {
		i = otherHolds(n, ccs, &in)
	}
	return i
}

// rateTypo rates how strongly the earlier text t implies the choice by
// one of phrases (its implied phrases, and its match phrases where the
// question infers from them) of two words or more found with one word misspelt
// ("opus limt reached" is "opus limit"), a lower rating than any exact
// find. A word that is another form of the wanted one ("purchased" for
// "purchase") is no typo here: it may say something else.
func (cc *compiledChoice) rateTypo(t *Text, phrases []phrase) rating {
	var best rating
	for _, p := range phrases {
		// Two words the text cannot have exactly would be two typos.
		if len(p) < 2 || p.absent(t) >= 2 {
			continue
		}
		at, end := p.findAnswer(t, true, phrases)
		if at < 0 || end-at != len(p) {
			continue
		}
		typos := 0
		for j, w := range p {
			got := t.ws[at+j]
			switch {
			case w.alts != nil:
				if !w.alts.has(got) {
					typos++ // a class word matched by a typo of one of its words
				}
			case got != w.s && !w.plural(got) && !w.suffix:
				typos++
				// Another form ("purchased" for "purchase") may say
				// something else; an -ing with its g dropped ("somethin",
				// "sayin", "mornin") says the same.
				if (strings.HasPrefix(got, w.s) || strings.HasPrefix(w.s, got)) && !droppedG(got, w.s) {
					typos = len(p)
				}
			}
		}
		if typos == 1 {
			best = top(best, rating{score: 2 * p.weight(), at: at, end: end})
		}
	}
	best.label = cc.labelIn(t, best)
	return best
}

// droppedG reports whether got is want written without the g of its
// final "ing" ("somethin" for "something").
func droppedG(got, want string) bool {
	return strings.HasSuffix(want, "ing") && got+"g" == want
}

// otherHolds returns yes/no question n's no when n asks about a role
// ("are you its admin or owner?") and the text says someone else holds
// it ("our admin handles billing"), else -1.
func otherHolds(n *Node, ccs []compiledChoice, in *Text) int {
	if !mentionsOther(in.ws) || !slices.ContainsFunc(words(Normalize(n.Text)), func(w string) bool { return roles[w] && w != "it" }) {
		return -1
	}
	for i, cc := range ccs {
		if cc.means == "no" {
			return i
		}
	}
	return -1
}

// best returns the index of the single best positive rating (see
// rating.over), or -1 on none or a tie.
func best(ccs []compiledChoice, rate func(*compiledChoice) rating) int {
	var first, second rating
	at := -1
	for i := range ccs {
		r := rate(&ccs[i])
		switch {
		case r.over(first):
			second, first, at = first, r, i
		case r.over(second):
			second = r
		}
	}
	if first.score == 0 || !first.over(second) {
		return -1
	}
	return at
}

// numberLeans are the words of a doubt around a choice number.
var numberLeans = set("think", "guess", "reckon", "maybe", "probably", "prob", "prolly", "perhaps", "possibly", "likely", "pretty", "sure", "id", "would")

var numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
	"sixth": 6, "seventh": 7, "eighth": 8, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8}

// choiceNumber reads "2", "#2", "option 2", "number two", "the 2nd one",
// "the last one", "the top one" and a lone letter ("b") as a choice number
// (0-based) when in range, else -1, also with a lean of doubt ("1 i
// think", "maybe 3", "prob 2": the pick is still the number). A number
// inside a longer sentence is not a choice number ("curl gave me a 401"),
// nor is one beside "not" or another number ("not 3", "2 or 3").
func choiceNumber(ws []string, n int) int {
	rest, count := "", 0
	for _, w := range ws {
		if w == clauseBreak || len(ws) > 1 && numberLeans[w] {
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
	// Atoi only on digits: its error for a word allocates.
	v, err := 0, strconv.ErrSyntax
	if isAmount(rest) {
		v, err = strconv.Atoi(rest)
	}
	if err != nil {
		var ok bool
		switch v, ok = numberWords[rest]; {
		case ok:
		case rest == "last" || rest == "bottom":
			v = n // "the last one", "the bottom one"
		case rest == "top":
			v = 1
		case len(ws) == 1 && len(rest) == 1 && rest[0] >= 'a' && rest[0] <= 'h':
			v = int(rest[0]-'a') + 1 // "b" or "B)" alone: the second, as lettered lists go
		default:
			return -1
		}
	}
	if v < 1 || v > n {
		return -1
	}
	return v - 1
}
