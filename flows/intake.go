package flows

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// Candidate is a flow scored against a first message.
type Candidate struct {
	Flow  *Flow
	Score float64
	// product is what the flow's product names scored of Score.
	product float64
	code    bool // one of the flow's codes is in the text
}

// Named reports whether the text names the flow's product ("stripe",
// "claude code"), not only its other words.
func (c Candidate) Named() bool { return c.product > 0 }

// Names reports whether the text names one of t's products.
func (v Verdict) Names(t *Flow) bool {
	return slices.ContainsFunc(v.Ranked, func(c Candidate) bool { return c.Flow == t && c.Named() })
}

// OnlyNames reports whether the text names one of t's products and says
// nothing else t knows ("claude code", "my personal claude code").
func (v Verdict) OnlyNames(t *Flow) bool {
	return slices.ContainsFunc(v.Ranked, func(c Candidate) bool { return c.Flow == t && c.Named() && c.Score == c.product })
}

// Quotes reports whether the text has one of t's codes ("401",
// "authentication_error").
func (v Verdict) Quotes(t *Flow) bool {
	return slices.ContainsFunc(v.Ranked, func(c Candidate) bool { return c.Flow == t && c.code })
}

// Beside returns another flow of t's product that an answer given in t
// clearly fits by its own words, read as a first text about that product
// would be: "it's the monthly spend limit we set in the console" in the
// Claude Code 429 flow is the Claude Code billing flow. A flow fits when
// intake would choose it and its words, the product aside, score at least
// Sure+Lead; else nil. It never returns the catch-all.
func (l *Library) Beside(t *Flow, answer string) *Flow {
	// One word ("2", "yeah") describes no problem: no reading needed.
	if len(t.Intake.Products) == 0 || len(strings.Fields(answer)) < 2 {
		return nil
	}
	product := t.Intake.Products[0]
	v := l.Classify(NewText(product + " " + answer))
	if v.Flow == nil || v.Flow == t || v.Flow.Fallback || !slices.Contains(v.Flow.Intake.Products, product) {
		return nil
	}
	for _, c := range v.Ranked {
		if c.Flow == v.Flow && c.Score-c.product >= Sure+Lead {
			return v.Flow
		}
	}
	return nil
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
// at least Maybe points are offered as a choice, unless both are ours and
// the text has the code of one only: that one is chosen.
const (
	Sure  = 5.0
	Maybe = 3.0
	Lead  = 3.0
)

// compiledIntake is a flow's intake ready for scoring: its words in a
// lexicon, and every signal as the ids of its words there.
type compiledIntake struct {
	lex       lexicon
	codes     []int32 // each word once
	keywords  []int32 // each word once
	products  []signal
	phrases   []signal
	examples  []signal // content words
	exNegated [][]bool // exNegated[i][j]: the example negates its word j
	requires  []signal
	// requiresIdent[i] says requires[i] is an identifier (see requiredBy).
	requiresIdent []bool
	// weight is how much each lexicon word says in an example: words
	// many flows' examples share ("claude", "code", "api") say little.
	// Nil until the library weighs it (Library.weigh); then all count 1.
	weight []float64
}

// signal is a phrase of intake as the ids of its words in the lexicon.
type signal []int32

// compileIntake compiles in. The catch-all's products (others' products,
// many of them short or near everyday words: "xcode" is one edit from
// "code", "plaid" from "paid") match exactly, never by a typo.
func compileIntake(in Intake, fallback bool) compiledIntake {
	var ci compiledIntake
	once := func(dst *[]int32, ss []string) {
		for _, s := range ss {
			for _, w := range words(Normalize(s)) {
				if id := ci.lex.add(w); !slices.Contains(*dst, id) {
					*dst = append(*dst, id)
				}
			}
		}
	}
	once(&ci.codes, in.Codes)
	once(&ci.keywords, in.Keywords)
	toSignal := func(ws []string) signal {
		p := make(signal, len(ws))
		for i, w := range ws {
			p[i] = ci.lex.add(w)
		}
		return p
	}
	toSignals := func(ss []string) []signal {
		var out []signal
		for _, s := range ss {
			if ws := words(Normalize(s)); len(ws) > 0 {
				out = append(out, toSignal(ws))
			}
		}
		return out
	}
	ci.products = toSignals(in.Products)
	if fallback {
		for _, p := range ci.products {
			for _, id := range p {
				ci.lex.words[id].edits = 0
			}
		}
	}
	ci.phrases = toSignals(in.Phrases)
	// A code that is an identifier is also a phrase of its parts, since
	// people write it out: "authentication error" for
	// "authentication_error".
	for _, c := range in.Codes {
		parts := strings.FieldsFunc(Normalize(c), func(r rune) bool { return r == '_' })
		if len(parts) < 2 {
			continue
		}
		if p := toSignal(parts); !slices.ContainsFunc(ci.phrases, func(q signal) bool { return slices.Equal(q, p) }) {
			ci.phrases = append(ci.phrases, p)
		}
	}
	ci.requires = toSignals(in.Requires)
	for _, r := range in.Requires {
		if len(words(Normalize(r))) > 0 {
			ci.requiresIdent = append(ci.requiresIdent, strings.ContainsAny(r, "_-0123456789") || len(words(Normalize(r))) >= 3)
		}
	}
	for _, e := range in.Examples {
		// A word an example negates ("not logged in") describes what is
		// missing: the text shares it only where it negates it too, so
		// "after I logged in" does not share it.
		ws := NewText(e).ws
		var cw []string
		var neg []bool
		for i, w := range ws {
			if w != clauseBreak && !stopWords[w] {
				cw = append(cw, w)
				neg = append(neg, negated(ws, i))
			}
		}
		if len(cw) > 0 {
			ci.examples = append(ci.examples, toSignal(cw))
			ci.exNegated = append(ci.exNegated, neg)
		}
	}
	ci.lex.index()
	return ci
}

// weigh gives every flow's example words a weight by how few flows'
// examples have them (an inverse document frequency), so that a text
// that shares only "claude code says ... api key" with an example of one
// flow does not lean towards it.
func (l *Library) weigh() {
	df := map[string]int{}
	for _, t := range l.Flows {
		seen := map[string]bool{}
		for _, ex := range t.intake.examples {
			for _, id := range ex {
				w := t.intake.lex.words[id].s
				if !seen[w] {
					seen[w] = true
					df[w]++
				}
			}
		}
	}
	n := float64(len(l.Flows))
	for _, t := range l.Flows {
		ci := &t.intake
		ci.weight = make([]float64, len(ci.lex.words))
		for id, w := range ci.lex.words {
			ci.weight[id] = math.Log((n + 1) / (float64(df[w.s]) + 0.5))
		}
	}
}

// requiredBy reports whether the message has one of the Requires words
// (or none is asked), and whether a Requires word found is an
// identifier ("anthropic_api_key", "sk-ant", "5 hour limit": with "_",
// "-" or a digit) or the vendor's own message of three words or more
// ("known test card"), rather than plain words ("overloaded", "usage
// limit"), which other vendors' messages use too.
func (ci *compiledIntake) requiredBy(m *marks) (ok, ident bool) {
	if len(ci.requires) == 0 {
		return true, false
	}
	for i, p := range ci.requires {
		if m.find(p) >= 0 {
			ok = true
			ident = ident || ci.requiresIdent[i]
		}
	}
	return ok, ident
}

// signals adds up the intake signals found in the message, given where
// the flow's words occur in it (m) and which positions hold content
// words (content).
func (ci *compiledIntake) signals(m *marks, content []uint64, t *Text) float64 {
	s, _, _, _, _ := ci.score(m, content, t, nil)
	return s
}

// span is where a flow's phrase was found in a text, and what it scored.
type span struct {
	flow, at, n int
	score       float64
	product     bool // a product's name, not a phrase
}

// inside reports whether the span a lies inside a longer span of the same
// kind (phrase or product) that another flow found.
func inside(a span, spans []span) bool {
	for _, b := range spans {
		if b.flow != a.flow && b.product == a.product && b.n > a.n && b.at <= a.at && a.at+a.n <= b.at+b.n {
			return true
		}
	}
	return false
}

// mostlyInside reports whether more than half of the phrase span a lies
// inside a longer phrase span that another flow found.
func mostlyInside(a span, spans []span) bool {
	for _, b := range spans {
		if b.flow != a.flow && !b.product && b.n > a.n && 2*(min(a.at+a.n, b.at+b.n)-max(a.at, b.at)) > a.n {
			return true
		}
	}
	return false
}

// score is signals, also returning what a product and the likeness to an
// example scored, whether a code was found, and spans with where each
// phrase and product name was found appended.
func (ci *compiledIntake) score(m *marks, content []uint64, t *Text, spans []span) (s, product, like float64, code bool, found []span) {
	for _, id := range ci.codes {
		// A long identifier misspelt ("rate_limit_eror",
		// "authentication_requried") is the code too: no other word
		// written as an identifier is that close to it.
		// A code denied is not the error ("it's 429 not 403").
		if w := ci.lex.words[id].s; m.exactly(id) && m.plainAt(id, t) || longIdent(w) && m.writtenAs(id, t, w) {
			s += 6
			code = true
		}
	}
	for _, id := range ci.keywords {
		if m.occurs(id, nil) {
			s += 2
		}
	}
	for _, p := range ci.products {
		// A product denied is not the product ("not stripe, our sumup").
		if at := m.find(p); at >= 0 && !deniedAt(t.ws, at) {
			product = max(product, 2+float64(len(p)))
			spans = append(spans, span{at: at, n: len(p), score: 2 + float64(len(p)), product: true})
		}
	}
	s += product
	for _, p := range ci.phrases {
		// What a person says they did not do is not what happened ("I
		// have not logged out or in since"); a message that denies
		// something is ("my org doesn't allow subscription access").
		if at := m.find(p); at >= 0 && !deniedAct(t.ws, at) {
			sc := 1 + 1.5*float64(len(p))
			s += sc
			spans = append(spans, span{at: at, n: len(p), score: sc})
		}
	}
	if len(ci.examples) > 0 {
		var bestRatio float64
		for k, ex := range ci.examples {
			var shared, all float64
			for j, id := range ex {
				w := 1.0
				if ci.weight != nil {
					w = ci.weight[id]
				}
				all += w
				// Shared words count when spelled right (a typo of an
				// example's word is a guess, not a description) and not a
				// code, which counts as a code already ("claude code 401").
				if m.exactly(id) && m.occurs(id, content) && !slices.Contains(ci.codes, id) && (!ci.exNegated[k][j] || m.negatedAt(id, t)) {
					shared += w
				}
			}
			if all > 0 {
				bestRatio = max(bestRatio, shared/all)
			}
		}
		if bestRatio >= 0.5 {
			like = 4 * bestRatio
			s += like
		}
	}
	return s, product, like, code, spans
}

// longIdent reports whether a code is an identifier long enough for a
// typo of it to be no other word: ten runes or more with a "_"
// ("rate_limit_error", not "sk_live").
func longIdent(w string) bool { return len(w) >= 10 && strings.Contains(w, "_") }

// scratch is the memory one reading of a text against flows' intakes
// needs: marks for one flow at a time and the positions of the content
// words.
type scratch struct {
	marks   marks
	content []uint64
}

// scratchBufs holds the memory of scratch between readings: every
// reading of a text against the whole library needs a few KiB (a row of
// marks per lexicon word), which were the largest allocation of an
// inbound text.
var scratchBufs = sync.Pool{New: func() any { return new([]uint64) }}

// newScratch sizes scratch for the text t and the flows fs in *buf,
// growing it when it is too small, and finds t's content words. The
// scratch lives in *buf: the caller returns buf to scratchBufs when done
// with it.
func newScratch(t *Text, fs []*Flow, buf *[]uint64) scratch {
	stride := (len(t.ws) + 63) / 64
	most := 0
	for _, f := range fs {
		most = max(most, len(f.intake.lex.words))
	}
	flags := (most + 63) / 64 // a bit per lexicon word
	need := stride + most*stride + 2*flags
	if need > cap(*buf) {
		*buf = make([]uint64, need)
	}
	b := (*buf)[:need]
	clear(b)
	s := scratch{content: b[:stride]}
	b = b[stride:]
	s.marks = marks{stride: stride, at: b[:most*stride], exact: b[most*stride:][:flags], any: b[most*stride+flags:]}
	for i, w := range t.ws {
		if !stopWords[w] {
			s.content[i/64] |= 1 << (i % 64)
		}
	}
	return s
}

// read marks where f's intake words occur in t.
func (s *scratch) read(f *Flow, t *Text) *marks {
	s.marks.mark(&f.intake.lex, t)
	return &s.marks
}

var greetings = set("hi", "hello", "hey", "heya", "hiya", "yo", "howdy", "sup", "hallo", "hola", "greetings", "morning", "evening", "afternoon", "good", "there", "textfix", "whats", "up", "anyone", "is", "this", "thing", "on", "test", "testing")

// isGreeting reports whether the words ws (clause breaks skipped) are a
// greeting alone: "hi", "hello there".
func isGreeting(ws []string) bool {
	n := 0
	for _, w := range ws {
		if w != clauseBreak {
			n++
		}
	}
	if n == 0 || n > 5 {
		return false
	}
	hello := false
	for _, w := range ws {
		if w == clauseBreak {
			continue
		}
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

var stopWords = set(clauseBreak, "dot", "a", "an", "the", "i", "im", "me", "my", "we", "our", "you", "your", "it", "its", "is", "are", "was", "were", "be", "been", "am", "to", "of", "in", "on", "at", "for", "with", "and", "or", "but", "so", "this", "that", "what", "when", "how", "why", "do", "does", "did", "get", "got", "getting", "keep", "keeps", "just", "now", "still", "any", "can", "cant", "help", "please", "pls", "plz", "hi", "hello", "hey", "error", "errors", "issue", "problem", "saying", "says", "said", "say", "again", "some", "all", "from", "there", "have", "has", "had", "not", "no", "yes")

func contentWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// Classify scores the text against every flow and says which fits.
func (l *Library) Classify(text Text) Verdict {
	in := &text
	v := Verdict{Greeting: isGreeting(in.ws)}
	if v.Greeting {
		return v
	}
	buf := scratchBufs.Get().(*[]uint64)
	defer scratchBufs.Put(buf)
	var (
		s       = newScratch(in, l.Flows, buf)
		fitsBuf [32]fit
		fits    = fitsBuf[:0] // in library order
		ranked  = 0
	)
	var (
		spansBuf [64]span
		spans    = spansBuf[:0]
	)
	for i, t := range l.Flows {
		m := s.read(t, in)
		var f fit
		n := len(spans)
		f.signals, f.product, f.like, f.code, spans = t.intake.score(m, s.content, in, spans)
		for k := n; k < len(spans); k++ {
			spans[k].flow = i
		}
		f.required, f.ident = t.intake.requiredBy(m)
		fits = append(fits, f)
	}
	// A phrase inside a longer one another flow found says that flow's
	// thing, not its own: "you have reached your specified API usage
	// limits" is a spend limit, not a plan's "usage limit".
	// Most of it inside one is as good: "specified API usage limits
	// reached" is the spend limit's message, not "usage limit reached".
	for _, a := range spans {
		if !a.product && mostlyInside(a, spans) {
			fits[a.flow].signals -= a.score
		}
	}
	// So does a product's name inside another's longer one: "google cloud
	// code" names Google's product, not "cloud code" (Claude Code as
	// autocorrect writes it). The flow keeps its best name not inside one.
	for i := range fits {
		best, had := 0.0, false
		for _, a := range spans {
			if a.flow == i && a.product {
				had = true
				if !inside(a, spans) {
					best = max(best, a.score)
				}
			}
		}
		if had && best < fits[i].product {
			fits[i].signals -= fits[i].product - best
			fits[i].product = best
		}
	}
	for _, f := range fits {
		if f.score() > 0 {
			ranked++
		}
	}
	if ranked > 0 {
		v.Ranked = make([]Candidate, 0, ranked)
		for i, t := range l.Flows {
			if sc := fits[i].score(); sc > 0 {
				v.Ranked = append(v.Ranked, Candidate{Flow: t, Score: sc, product: fits[i].product, code: fits[i].code})
			}
		}
		sortByScore(v.Ranked)
	}
	score := func(i int) float64 {
		if i < len(v.Ranked) {
			return v.Ranked[i].Score
		}
		return 0
	}
	// onlyProduct: the i-th flow has nothing but a product name, one that
	// several flows share ("claude code").
	onlyProduct := func(i int) bool {
		return i >= len(v.Ranked) || v.Ranked[i].Score == v.Ranked[i].product
	}
	sole := l.soleSignal(fits)
	switch top := score(0); {
	case top >= Sure && top-score(1) >= Lead,
		// "claude code says forbidden": one word of one flow's over the
		// product name every Claude flow shares.
		top >= Sure && top-score(1) >= Lead-1 && onlyProduct(1) && !onlyProduct(0):
		v.Flow = v.Ranked[0].Flow
	case sole >= 0:
		v.Flow = l.Flows[sole]
	case top >= Maybe && score(1) >= Maybe && top-score(2) >= Lead && v.Ranked[0].code != v.Ranked[1].code &&
		v.Ranked[0].Flow != l.fallback && v.Ranked[1].Flow != l.fallback:
		// Two flows of ours close, the code of one said: that one
		// ("claude code 403 … we pay for API credits in the Console",
		// "… logged out and back in too"). The other's words tell the
		// story around it.
		v.Flow = v.Ranked[0].Flow
		if v.Ranked[1].code {
			v.Flow = v.Ranked[1].Flow
		}
	case top >= Maybe && score(1) >= Maybe && top-score(2) >= Lead:
		v.Close = []*Flow{v.Ranked[0].Flow, v.Ranked[1].Flow}
	default:
		v.Maybe = l.maybe(fits, s.content)
	}
	l.otherProduct(&v, in, fits)
	if v.Flow == nil && len(v.Close) == 0 && len(v.Maybe) == 0 && Troubled(*in) && !in.Asks() {
		// Trouble with a product only one flow of ours covers, told in
		// words none of its signals has ("twilio wont send to my test
		// phone anymore"): that flow, which asks for the error.
		if f := l.soleNamed(fits); f != nil {
			v.Flow = f
		}
	}
	if v.Flow == nil && len(v.Close) == 0 && len(v.Maybe) == 0 && l.fallback != nil && (pastedError(in) || l.othersTrouble(in, fits, s.content)) {
		// "TypeError: cannot read properties of undefined": an error no
		// flow knows, quoted exactly; asking for it again would not help.
		// Nor would it for "outlook keeps asking for my password since I
		// changed it": trouble told in a sentence that no flow of ours
		// has a word of.
		v.Flow = l.fallback
	}
	return v
}

// soleNamed returns the one flow whose product the text names (with its
// required words), when no other flow (the catch-all included) names
// one, or nil.
func (l *Library) soleNamed(fits []fit) *Flow {
	var named *Flow
	for i, f := range fits {
		if f.product > 0 && f.required {
			if named != nil {
				return nil
			}
			named = l.Flows[i]
		}
	}
	if named == l.fallback {
		return nil
	}
	return named
}

// othersTrouble reports whether the text tells of trouble in a sentence
// (three content words or more, one of them saying something went wrong)
// and no flow but the catch-all takes it (none has its required word:
// "Cisco AnyConnect VPN says login failed" has words of ours but names
// nothing of ours): trouble with something no flow covers. The catch-all then asks for the product and
// the error, and the engine moves to a flow of ours when an answer names
// one.
func (l *Library) othersTrouble(in *Text, fits []fit, content []uint64) bool {
	for i, f := range fits {
		// A flow of ours blocks it when it names its product or scores
		// Maybe; one keyword alone does not ("stop. my university lms
		// logs me out" is no Twilio opt-out).
		if l.Flows[i] != l.fallback && f.score() > 0 && (f.product > 0 || f.score() >= Maybe) {
			return false
		}
	}
	n := 0
	for _, x := range content {
		n += bits.OnesCount64(x)
	}
	return n >= 3 && Troubled(*in)
}

// pastedError reports whether the text quotes an error's own name: a
// word that ends in "error" or "exception" ("TypeError",
// "NullPointerException"), or that says a loop of failing restarts
// ("CrashLoopBackOff", "ImagePullBackOff").
func pastedError(in *Text) bool {
	for _, w := range in.ws {
		if len(w) > len("error") && (strings.HasSuffix(w, "error") || strings.HasSuffix(w, "exception") || strings.HasSuffix(w, "backoff")) {
			return true
		}
	}
	return false
}

// otherProduct applies the catch-all's products, which are others'
// products no flow covers, and people's own things (ownThings): a text that names one is never offered a flow
// it does not name the product of ("Is this Claude Code 403?" to "s3
// 403"), nor given one that only its plain words chose ("gemini 503
// overloaded"); with an error or trouble ("github 401", "openai rate
// limit", "paypal checkout refuses my card") it goes to the catch-all
// rather than asking for the error again.
func (l *Library) otherProduct(v *Verdict, in *Text, fits []fit) {
	fb := l.fallback
	if fb == nil {
		return
	}
	i := slices.Index(l.Flows, fb)
	// Only a place where ours runs, beside a product of ours, with no
	// code of the catch-all's and no flow of ours chosen ("our github
	// action that runs claude code started failing"): the text is about
	// ours, and its error is asked for.
	if (v.Flow == nil || v.Flow == fb) && fits[i].product > 0 && !fits[i].code && oursNamed(fits, i) && l.namesOnlyHosts(in) {
		isFallback := func(f *Flow) bool { return f == fb }
		v.Flow = nil
		v.Close = slices.DeleteFunc(v.Close, isFallback)
		v.Maybe = slices.DeleteFunc(v.Maybe, isFallback)
		if len(v.Close) == 1 {
			v.Flow, v.Close = v.Close[0], nil
		}
		return
	}
	if v.Flow == fb {
		return
	}
	if fits[i].product == 0 && !namesOwnThing(in.ws) && !l.namesOtherAPI(in) &&
		!(fits[i].signals > 0 && l.namesOther(in)) {
		return
	}
	if v.Flow != nil {
		f := fits[slices.Index(l.Flows, v.Flow)]
		if fits[i].product > 0 && (l.namesOnlyHosts(in) || len(v.Flow.Intake.Requires) > 0 && f.required && l.namesHostsAlone(in)) {
			// A place where ours runs does not overturn ours, nor does
			// a host named beside a flow's own required words ("github
			// action still says credit balance too low").
			return
		}
		// Its own product or identifier is named too; not an identifier
		// that another's API answered with ("the Airtable API returns 401
		// AUTHENTICATION_REQUIRED": a code in plain words, a Stripe one too),
		// nor its product only asked about beside another's named ("I sell
		// through Lemon Squeezy … Is it a Stripe thing?").
		ours := f.product > 0 && (fits[i].product == 0 || !l.onlyAsked(v.Flow, in))
		// A flow that requires no word of its own covers its trade
		// however it is told, unless another's product is named and
		// nothing of its own is ("MessageBird SMS … replied STOP" is no
		// Twilio account's).
		bare := len(v.Flow.Intake.Requires) == 0 && (fits[i].product == 0 || f.code)
		if ours || f.ident && !l.namesOtherAPI(in) || bare {
			return
		}
		v.Flow = nil
	}
	v.Maybe = nil
	if len(v.Close) > 0 && !slices.Contains(v.Close, fb) {
		return // a flow of ours is named as well
	}
	evidence := fits[i].signals > fits[i].product
	for _, f := range fits {
		evidence = evidence || f.code
	}
	if evidence || Troubled(*in) {
		v.Flow, v.Close = fb, nil
	}
}

// oursNamed reports whether a flow other than the fallback (the fit at
// fb) found its product in the text.
func oursNamed(fits []fit, fb int) bool {
	for k, f := range fits {
		if k != fb && f.product > 0 {
			return true
		}
	}
	return false
}

// namesOnlyHosts reports whether the fallback's products the text names
// are all hosts (Intake.Hosts), each told as where a product of ours runs
// ("claude code in our github actions", "our github action that runs
// claude code": a word of ours and a word of running within four words of
// it); "github" inside "github action" is the host's word, not GitHub
// named. A host told as a thing of its own ("Heroku app crashed H10 …
// the Twilio webhooks to it fail") is not.
func (l *Library) namesOnlyHosts(in *Text) bool { return l.hostsOnly(in, true) }

// namesHostsAlone reports whether the fallback's products the text names
// are all hosts, however they are told.
func (l *Library) namesHostsAlone(in *Text) bool { return l.hostsOnly(in, false) }

// hostsOnly reports whether the text names a host and no other product
// of the fallback's; with told, each host must be told as where a product
// of ours runs (runsOurs).
func (l *Library) hostsOnly(in *Text, told bool) bool {
	norm := " " + in.norm + " "
	host := false
	for _, h := range l.hosts {
		k := strings.Index(norm, h)
		if k < 0 {
			continue
		}
		if told && !l.runsOurs(norm, k, k+len(h)) {
			return false
		}
		norm, host = strings.ReplaceAll(norm, h, "  "), true
	}
	if !host {
		return false
	}
	for _, o := range l.others {
		if strings.Contains(norm, o) {
			return false
		}
	}
	return true
}

// runsOurs reports whether the host at norm[start:end] has, within four
// words either side, a word of a product of ours and a word that says it
// runs there ("in", "on", "runs" …).
func (l *Library) runsOurs(norm string, start, end int) bool {
	before := strings.Fields(norm[:start])
	after := strings.Fields(norm[end:])
	near := append(before[max(0, len(before)-4):len(before):len(before)], after[:min(4, len(after))]...)
	ours, runs := false, false
	for _, w := range near {
		ours = ours || l.ours[w]
		runs = runs || runsOn[w]
	}
	return ours && runs
}

// runsOn are the words that put a thing in the place it runs.
var runsOn = set("in", "on", "inside", "within", "runs", "run", "running", "ran", "uses", "using", "calls", "with")

// namesOtherAPI reports whether the text names an API, SDK or
// integration by a name that is no product of ours and no plain word of
// the trade, after an article or possessive ("the Helix API returns 401",
// "our Twitch integration"): a product no flow covers, like those the
// catch-all lists. Not "API Error", "API key" or "API usage": those are
// words of a message ("fix the tests ⎿ API Error: 403", "your specified
// API usage limits").
func (l *Library) namesOtherAPI(in *Text) bool {
	ws := in.ws
	for k := 2; k < len(ws); k++ {
		if !apiHeads[ws[k]] || !apiOwners[ws[k-2]] || k+1 < len(ws) && apiTails[ws[k+1]] {
			continue
		}
		if w := ws[k-1]; nameLike(w) && !l.ours[w] && !tradeWords[w] {
			return true
		}
	}
	return false
}

// onlyAsked reports whether flow f's product is named in the text only in
// questions it asks ("is it a Stripe thing?").
func (l *Library) onlyAsked(f *Flow, in *Text) bool {
	core, asks, _ := in.core(false)
	if !asks {
		return false
	}
	buf := scratchBufs.Get().(*[]uint64)
	defer scratchBufs.Put(buf)
	s := newScratch(&core, l.Flows, buf)
	_, product, _, _, _ := f.intake.score(s.read(f, &core), s.content, &core, nil)
	return product == 0
}

// namesOther reports whether the text writes as a name (see Text) a word
// no flow of ours has in its intake ("uploads rehearsal videos to Vimeo
// … over our weekly limit"): with words of the catch-all's beside it,
// something no flow covers. A country or a person named beside a flow's
// own words alone is no product ("request not allowed since I moved to
// Hong Kong" has none of the catch-all's words).
func (l *Library) namesOther(in *Text) bool {
	for i, w := range in.ws {
		if in.shapes[i].name && nameLike(w) && !l.ours[w] && !l.known[w] {
			return true
		}
	}
	return false
}

// apiOwners come before the name of whose interface it is.
var apiOwners = set("the", "our", "their", "my", "his", "her", "a", "an", "its", "this", "that")

// apiTails after "api" make it part of a message, not a name.
var apiTails = set("error", "errors", "key", "keys", "usage", "limit", "limits", "rate", "request", "requests", "call", "calls", "credits", "access")

// apiHeads are the words after a name that make it a programming
// interface or an add-on of someone's product.
var apiHeads = set("api", "apis", "sdk", "integration", "integrations", "webhook", "webhooks", "plugin", "extension")

// tradeWords name kinds of interface, not whose it is ("the REST API"),
// beyond the words nameLike already refuses ("their", "mobile").
var tradeWords = set("rest", "graph", "graphql", "soap", "http", "https", "json", "xml", "grpc", "public", "private", "internal", "partner", "admin",
	"messaging", "sms", "messages", "v1", "v2", "v3", "official", "third", "party", "custom", "openapi", "streaming", "batch", "bulk",
	"completions", "chat", "models", "model", "usage", "billing", "auth", "oauth", "key", "keys", "own", "native", "python", "node", "js", "typescript",
	"java", "go", "ruby", "php", "cli", "backend", "frontend", "server", "client", "test", "sandbox", "live", "production", "prod")

// ownThings are what people call something of their own ("my website is
// down with error 502", "the printer says offline"): as good as another
// product's name. Where a thing runs (laptop, phone) is not among them.
var ownThings = set("website", "websites", "site", "webpage", "homepage", "webshop", "app", "store", "shop", "portal", "blog", "intranet", "backend", "frontend",
	"printer", "scanner", "router", "modem", "wifi", "email", "inbox", "database", "tv")

// namesOwnThing reports whether ws names one of ownThings, other than a
// network said as where something runs ("cc 403 only on the office
// wifi", "fails over my home router"), a thing said as what the work is
// for ("jobs at once for our online shop"), or an email sent ("she got an
// email"): that is a place, a purpose or a message, not the thing that
// fails ("my wifi keeps dropping").
func namesOwnThing(ws []string) bool {
	for i, w := range ws {
		if !ownThings[w] {
			continue
		}
		before := ws[max(0, i-3):i]
		if networks[w] && slices.ContainsFunc(before, func(w string) bool { return placeWords[w] }) || slices.Contains(before, "for") ||
			w == "email" && i > 0 && sentWords[ws[i-1]] {
			continue
		}
		return true
	}
	return false
}

var (
	// networks are the ownThings that are also where things run.
	networks = set("wifi", "router", "modem")
	// sentWords before "email" make it a message ("got an email", "by
	// email"), not the person's own email that fails.
	sentWords = set("an", "a", "by", "via", "per", "this", "that")
	// placeWords, up to three words before a network, make it where.
	placeWords = set("on", "over", "via", "through", "thru", "behind", "using", "from", "off")
)

// errorWords say something went wrong; with a product named, they make a
// text a report of an error.
var errorWords = set("error", "errors", "err", "fail", "fails", "failed", "failing", "failure", "denied", "forbidden", "unauthorized", "unauthorised",
	"declined", "exception", "crash", "crashes", "crashed", "crashing", "timeout", "invalid", "expired", "refused", "rejected", "broken", "exceeded",
	"unavailable", "blocked", "limit", "limited", "throttled", "outage", "down", "wont", "cant", "doesnt", "stopped", "incorrect", "missing", "unable",
	"offline", "stuck", "frozen", "disconnected", "disconnects")

// whoNouns say who someone is; a name may follow ("our receptionist
// Claude", "my colleague Claude"). Not pronouns, nor "it" (IT).
var whoNouns = set("receptionist", "assistant", "intern", "employee", "volunteer", "contractor", "secretary", "nurse", "cashier", "bookkeeper",
	"accountant", "colleague", "coworker", "teammate", "boss", "manager", "friend", "wife", "husband", "partner", "son", "daughter", "brother",
	"sister", "mom", "mum", "dad", "uncle", "aunt", "cousin", "nephew", "niece", "neighbour", "neighbor", "grandson", "granddaughter")

// productDenials, right before a product's name or before an article
// there, deny it ("not stripe, our sumup", "not a stripe thing I think").
var productDenials = set("not", "isnt", "no")

// CodeDenied reports whether the text says one of t's codes is not the
// one ("correction: it's 403 Forbidden, not 401", "not a 401").
func (t *Flow) CodeDenied(text Text) bool {
	for i, w := range text.ws {
		if w != "not" {
			continue
		}
		for _, c := range text.ws[i+1 : min(len(text.ws), i+3)] {
			if slices.Contains(t.Intake.Codes, c) {
				return true
			}
		}
	}
	return false
}

// deniedAt reports whether the product named at ws[at] is denied ("not
// stripe", "not a stripe thing", "we don't use Twilio", "we don't have
// Twilio"), or is a person's name after who they are ("our receptionist
// Claude").
func deniedAt(ws []string, at int) bool {
	if at >= 1 && whoNouns[ws[at-1]] {
		return true
	}
	for i := at - 1; i >= 0 && i >= at-3; i-- {
		switch w := ws[i]; {
		case productDenials[w] || usingDenials[w]:
			return i == at-1 || productDenials[w] || betweenDenial[ws[at-1]]
		case !betweenDenial[w]:
			return false
		}
	}
	return false
}

// deniedAct reports whether the words at ws[at] are something a person
// says they did not do: a negation reaches them (negated) and a person
// opens it ("I have not logged out", "we never changed", "he didn't
// log in"), maybe with "have" or "had" between ("I have not").
func deniedAct(ws []string, at int) bool {
	if !negated(ws, at) {
		return false
	}
	for k := at - 1; k >= 1 && ws[k] != clauseBreak; k-- {
		if negations[ws[k]] {
			j := k - 1
			if j >= 1 && (ws[j] == "have" || ws[j] == "had" || ws[j] == "has") {
				j--
			}
			return persons[ws[j]]
		}
	}
	return false
}

// persons are the words for people who act, as subjects.
var persons = set("i", "we", "he", "she", "they", "you", "ive", "weve", "hes", "shes", "theyve", "id", "wed")

// usingDenials deny a product through a verb of having or using ("we don't
// use Twilio"); betweenDenial are the words that may stand between.
var (
	usingDenials  = set("dont", "doesnt", "didnt", "arent", "never", "wont")
	betweenDenial = set("a", "an", "the", "use", "using", "have", "on", "with", "through", "via", "any")
)

// statusCode reports whether w is an HTTP error status (400-599).
func statusCode(w string) bool {
	return len(w) == 3 && (w[0] == '4' || w[0] == '5') && w[1] >= '0' && w[1] <= '9' && w[2] >= '0' && w[2] <= '9'
}

// fit is how a text fits one flow's intake.
type fit struct {
	signals  float64 // the signals found
	product  float64 // what a product scored of them
	like     float64 // what resembling an example scored of them
	code     bool    // a code was found
	required bool    // one of the Requires words is there (or none is asked)
	ident    bool    // one of them is an identifier (see requiredBy)
}

// signal is what the flow's codes, keywords and phrases scored: what the
// text says of its error, beside the product it names and how much it
// resembles an example.
func (f fit) signal() float64 { return f.signals - f.product - f.like }

// soleSignal returns the one flow whose codes, keywords or phrases the
// text has, when it scores Sure with them and every other flow that
// scores has only a product and a likeness to an example; else -1.
// "claude code says forbidden, i'm traveling right now, maybe it's the
// country?" is the 403 flow's ("forbidden"), however much its other words
// resemble an example of the 529 flow's ("overloaded right now").
func (l *Library) soleSignal(fits []fit) int {
	sole := -1
	for i, f := range fits {
		// The least signal, a keyword, scores 2; the sums leave a
		// rounding error.
		if f.score() <= 0 || f.signal() < 1 {
			continue
		}
		if sole >= 0 {
			return -1
		}
		sole = i
	}
	if sole < 0 || fits[sole].score() < Sure {
		return -1
	}
	return sole
}

// score is the flow's score: its signals, or 0 without a required word.
func (f fit) score() float64 {
	if !f.required {
		return 0
	}
	return f.signals
}

// sortByScore sorts best first, keeping the library's order among equals.
func sortByScore(cs []Candidate) {
	slices.SortStableFunc(cs, func(a, b Candidate) int { return cmp.Compare(b.Score, a.Score) })
}

// maybe ranks flows by their signals alone (fits, in library order),
// ignoring Requires, and keeps the one or two that fit strongly. Only for
// short texts ("403", "card declined"; content marks the text's content
// words): a longer text that names no product of ours is about something
// else.
func (l *Library) maybe(fits []fit, content []uint64) []*Flow {
	n := 0
	for _, x := range content {
		n += bits.OnesCount64(x)
	}
	if n > 3 {
		return nil
	}
	var buf [16]Candidate
	ranked := buf[:0]
	for i, t := range l.Flows {
		if s := fits[i].signals; s >= Sure {
			ranked = append(ranked, Candidate{Flow: t, Score: s})
		}
	}
	sortByScore(ranked)
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
func PickCandidate(offered []*Flow, answer Text) int {
	in := &answer
	if i := choiceNumber(in.ws, len(offered)); i >= 0 {
		return i
	}
	buf := scratchBufs.Get().(*[]uint64)
	defer scratchBufs.Put(buf)
	s := newScratch(in, offered, buf)
	best, at, tie := 0.0, -1, false
	for i, t := range offered {
		sc := t.intake.signals(s.read(t, in), s.content, in) // the reply need not name the product again
		if t.title.find(in, true) >= 0 {
			sc += 10
		}
		switch {
		case sc > best:
			best, at, tie = sc, i, false
		case sc == best && sc > 0:
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
