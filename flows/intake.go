package flows

import (
	"sort"
	"strings"
)

// Candidate is a flow scored against a first message.
type Candidate struct {
	Flow  *Flow
	Score float64
}

// Verdict is what intake makes of a message.
type Verdict struct {
	// Flow is set when one flow fits clearly.
	Flow *Flow
	// Close holds the two best flows when neither clearly wins.
	Close []*Flow
	// Maybe holds one or two flows whose signals fit strongly but whose
	// Requires words are missing ("403" alone: which product?).
	Maybe []*Flow
	// Greeting is true for "hi", "hello" and the like, alone.
	Greeting bool
	// Ranked is every flow with a positive score, best first.
	Ranked []Candidate
}

// Thresholds of intake. A flow is chosen when it scores at least Sure and
// leads the next by Lead points; two flows within Lead of each other with
// at least Maybe points are offered as a choice.
const (
	Sure  = 5.0
	Maybe = 3.0
	Lead  = 3.0
)

type compiledIntake struct {
	codes, keywords map[string]bool
	products        []phrase
	phrases         []phrase
	examples        [][]string // content words
	requires        []phrase
}

func compileIntake(in Intake) compiledIntake {
	ci := compiledIntake{codes: map[string]bool{}, keywords: map[string]bool{}}
	for _, c := range in.Codes {
		for _, w := range words(Normalize(c)) {
			ci.codes[w] = true
		}
	}
	for _, k := range in.Keywords {
		for _, w := range words(Normalize(k)) {
			ci.keywords[w] = true
		}
	}
	toPhrases := func(ss []string) []phrase {
		var out []phrase
		for _, s := range ss {
			if p := phrase(words(Normalize(s))); len(p) > 0 {
				out = append(out, p)
			}
		}
		return out
	}
	ci.products = toPhrases(in.Products)
	ci.phrases = toPhrases(in.Phrases)
	ci.requires = toPhrases(in.Requires)
	for _, e := range in.Examples {
		if cw := contentWords(words(Normalize(e))); len(cw) > 0 {
			ci.examples = append(ci.examples, cw)
		}
	}
	return ci
}

// score rates how well the message's words fit the flow.
func (ci compiledIntake) score(ws []string) float64 {
	if !ci.required(ws) {
		return 0
	}
	return ci.signals(ws)
}

// required reports whether the message has one of the Requires words.
func (ci compiledIntake) required(ws []string) bool {
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
func (ci compiledIntake) signals(ws []string) float64 {
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
			if wordMatch(k, w, true) {
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
		cw := contentWords(ws)
		var bestRatio float64
		for _, ex := range ci.examples {
			shared := 0
			for _, w := range ex {
				for _, m := range cw {
					if wordMatch(w, m, true) {
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

var greetings = set("hi", "hello", "hey", "heya", "hiya", "yo", "howdy", "sup", "hallo", "hola", "greetings", "morning", "evening", "afternoon", "good", "there", "textfix", "whats", "up", "anyone", "is", "this", "thing", "on", "test", "testing")

func isGreeting(ws []string) bool {
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

var stopWords = set(clauseBreak, "a", "an", "the", "i", "im", "me", "my", "we", "our", "you", "your", "it", "its", "is", "are", "was", "were", "be", "been", "am", "to", "of", "in", "on", "at", "for", "with", "and", "or", "but", "so", "this", "that", "what", "when", "how", "why", "do", "does", "did", "get", "got", "getting", "keep", "keeps", "just", "now", "still", "any", "can", "cant", "help", "please", "pls", "plz", "hi", "hello", "hey", "error", "errors", "issue", "problem", "saying", "says", "said", "say", "again", "some", "all", "from", "there", "have", "has", "had", "not", "no", "yes")

func contentWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// Classify scores the message against every flow and says which fits.
func (l *Library) Classify(text string) Verdict {
	in := NewText(text)
	ws := in.ws
	v := Verdict{Greeting: isGreeting(words(in.norm))}
	if v.Greeting {
		return v
	}
	for _, t := range l.Flows {
		if s := t.intake.score(ws); s > 0 {
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
		v.Maybe = l.maybe(ws)
	}
	return v
}

// maybe ranks flows by their signals alone, ignoring Requires, and keeps
// the one or two that fit strongly. Only for short texts ("403", "card
// declined"): a longer text that names no product of ours is about
// something else.
func (l *Library) maybe(ws []string) []*Flow {
	if len(contentWords(ws)) > 3 {
		return nil
	}
	var ranked []Candidate
	for _, t := range l.Flows {
		if s := t.intake.signals(ws); s >= Sure {
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

// PickCandidate reads an answer to "Is this 1) … or 2) …?": a number, or
// words of one flow's title or intake. It returns the index or -1.
func PickCandidate(offered []*Flow, answer string) int {
	ws := NewText(answer).ws
	if i := choiceNumber(ws, len(offered)); i >= 0 {
		return i
	}
	best, at, tie := 0.0, -1, false
	for i, t := range offered {
		s := t.intake.signals(ws) // the reply need not name the product again
		if tw := phrase(words(Normalize(t.Title))); tw.find(ws, true) >= 0 {
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

// ShortTitle is a flow's title cut for an SMS list.
func (t *Flow) ShortTitle() string {
	s := strings.TrimSpace(t.Title)
	if r := []rune(s); len(r) > 40 {
		s = strings.TrimSpace(string(r[:37])) + "..."
	}
	return s
}
