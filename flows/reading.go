package flows

import (
	"slices"
	"strings"
)

// Reading an answer. People answer in sentences, and a sentence carries
// more than the answer: a question back ("where do I find that?"), a hedge
// ("maybe somebody removed it"), a remark about someone else ("the admin
// on our team does that"). Each binds to the clause it sits in. Before
// choices are matched, an answer is reduced to its core: the clauses that
// are not questions, each cut where a hedge starts (up to a "but"). The
// core answers; the rest only says whether the person asked something
// back or was unsure.

// questionStarts are the words that open a question back, and the words
// that may follow them there ("" means any word). "what it says is 403"
// opens with "what" but is no question: "it" is not among what may follow.
var questionStarts = map[string]map[string]bool{
	"where":  nil,
	"wheres": nil,
	"why":    nil,
	"whys":   nil,
	"huh":    nil,
	"wdym":   nil,
	"hows":   nil,
	"whats":  nil,
	"how":    set("do", "does", "did", "can", "could", "would", "should", "to", "is", "are", "come", "exactly", "am", "will", "else"),
	"what":   set("do", "does", "did", "is", "are", "should", "kind", "sort", "exactly", "mean", "means", "a", "an", "the", "that", "this", "curl", "test", "page", "command", "terminal", "if", "else"),
	"which":  set("one", "ones", "is", "do", "does", "should", "page", "test", "option", "command", "file", "terminal", "settings"),
	"do":     set("i", "you", "we"),
	"does":   set("it", "that", "this"),
	"should": set("i", "we"),
	"can":    set("i", "we", "you"),
	"could":  set("i", "we", "you"),
	"is":     set("it", "that", "this"),
	"sorry":  set("what", "where", "how", "which"),
}

// questionPhrases are whole clauses, or their start, that ask back
// without a question word.
var questionPhrases = [][]string{
	{"i", "dont", "understand"}, {"dont", "understand"}, {"i", "dont", "get", "it"},
	{"i", "dont", "get", "what"}, {"explain"}, {"can", "you", "explain"}, {"what"},
	{"i", "dont", "know", "how"}, {"dont", "know", "how"}, {"not", "sure", "how"}, {"im", "not", "sure", "how"},
	{"i", "dont", "know", "what", "that", "is"}, {"dont", "know", "what", "that", "is"},
	{"i", "dont", "know", "where"}, {"dont", "know", "where"}, {"not", "sure", "where"}, {"im", "not", "sure", "where"},
	{"i", "dont", "know", "what", "you", "mean"}, {"not", "sure", "what", "you", "mean"},
}

// meanWords in a short clause that opens with "which" or "what" ask
// which one is meant.
var meanWords = set("mean", "meaning", "means", "meant")

// askingVerbs, after "what" or "which" and a word, make the clause a
// question ("what code do you mean"), not a statement ("what it says is").
var askingVerbs = set("do", "does", "did", "is", "are", "was", "were", "should", "can", "could", "would", "will", "am")

// auxiliaries open questions that state nothing ("is it the proxy?"),
// where a question word's often does ("why is it billing me api rates?").
var auxiliaries = set("do", "does", "should", "can", "could", "is")

// isQuestion reports whether the clause ws (no breaks) asks something
// back, and whether it states nothing while asking: a yes/no question or
// "I don't understand", as against "why is it billing me api rates?".
func isQuestion(ws []string) (asks, empty bool) {
	if len(ws) == 0 {
		return false, false
	}
	for _, p := range questionPhrases {
		if len(p) <= len(ws) && equalWords(ws[:len(p)], p) && (len(p) > 1 || len(ws) == 1) {
			return true, true
		}
	}
	next, ok := questionStarts[ws[0]]
	// "which curl?", "what key?": a short clause that opens with "which"
	// or "what" asks whatever follows; so does one where the thing asked
	// about is followed by a verb that asks ("what code do you mean?",
	// "which window do I run it in?", "what url is that").
	// Which one they "mean", in any order ("which sign in you are
	// meaning?"), asks too.
	which := ws[0] == "which" || ws[0] == "what"
	short := which && (len(ws) <= 3 || askingVerbs[ws[2]] || len(ws) <= 6 && slices.ContainsFunc(ws[1:], func(w string) bool { return meanWords[w] }))
	if !ok || next != nil && (len(ws) < 2 || !next[ws[1]]) && !short {
		return false, false
	}
	return true, auxiliaries[ws[0]]
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hedgeEnds end a hedge's reach within its clause: "not sure but I
// think it's the vpn" still says vpn.
var hedgeEnds = set("but", "though", "although", "however", "anyway", "except")

// hedgeAt returns the length of the uncertain phrase starting at ws[i]
// ("not sure", "maybe"), or 0.
func hedgeAt(ws []string, i int) int {
	if !uncertainStarts[ws[i]] {
		return 0 // no uncertain phrase starts with the word: one lookup, not five
	}
	var buf [maxKey]byte
	for n := min(len(ws)-i, 5); n >= 1; n-- {
		if k, ok := join(&buf, ws[i:i+n]); ok && uncertain[string(k)] {
			return n
		}
	}
	return 0
}

// uncertainStarts holds the first word of each of uncertain's phrases.
var uncertainStarts = func() map[string]bool {
	m := map[string]bool{}
	for k := range uncertain {
		m[strings.Fields(k)[0]] = true
	}
	return m
}()

// core is a text as an answer: t without the clauses that ask something
// back and without what hedges reach. asks and hedged say whether
// anything was cut for either reason. When nothing is cut, core is t
// itself. As an earlier text (stated), t keeps the questions that state
// something ("why is it billing me api rates?").
func (t *Text) core(stated bool) (core Text, asks, hedged bool) {
	var (
		keepBuf [32]string
		keep    = keepBuf[:0] // kept words, "|" between runs
		kept    int           // words kept (breaks not counted)
		named   []int         // which of them are written as names
		cut     bool
		start   int
		prevRun int // words of the last clause kept, for a take-back
	)
	for start <= len(t.ws) {
		end := start
		for end < len(t.ws) && t.ws[end] != clauseBreak {
			end++
		}
		clause := t.ws[start:end]
		switch {
		case len(clause) == 0:
		case (question(clause, stated) || t.endsAsking(end) && yesNoQuestion(clause)) && !t.relative(start, end):
			asks, cut, prevRun = true, true, 0
		default:
			from := 0
			if n := takesBack(clause); n > 0 {
				// "yes lots at once. no wait scratch that, …": the
				// clause just before is taken back.
				if prevRun > 0 {
					keep, kept = keep[:len(keep)-prevRun-1], kept-prevRun
					named = slices.DeleteFunc(named, func(k int) bool { return k >= kept })
				}
				from, cut = n, true
			}
			if n := relayed(clause[from:]); n > 0 && !stated {
				// "she says yes, the key from her old job is still
				// there": what someone else answered, passed on. (An
				// earlier text keeps it: "she says there's money on
				// the card" tells who she is.)
				from, cut = from+n, true
			}
			run := 0 // words kept since the last break
			for i := from; i < len(clause); i++ {
				if n := hedgeAt(clause, i); n > 0 {
					hedged, cut = true, true
					i += n
					for i < len(clause) && !hedgeEnds[clause[i]] {
						i++
					}
					if run > 0 {
						keep = append(keep, clauseBreak)
						run = 0
					}
					continue
				}
				if t.shapes != nil && t.shapes[start+i].name {
					named = append(named, kept)
				}
				keep = append(keep, clause[i])
				kept++
				run++
			}
			if run > 0 {
				keep = append(keep, clauseBreak)
			}
			prevRun = run
		}
		start = end + 1
	}
	if !cut {
		return *t, false, false
	}
	nt := fromWords(keep)
	nt.markNames(named)
	return nt, asks, hedged
}

// takeBacks open a clause that takes back what the text said before it
// ("yeah it's listed. actually no, the one it uses is gone", "no key
// set… hmm wait, I do have one in my bash_profile", "lots at once. no
// wait scratch that, today it's one session"). "hang on" and "hold on"
// are a wait too: "hang on, before I run it, does this send my key
// anywhere?" asks back (and does not say curl hangs).
var takeBacks = [][]string{
	{"no", "wait"}, {"wait"}, {"actually"}, {"scratch", "that"}, {"correction"}, {"never", "mind"}, {"nvm"},
	{"on", "second", "thought"}, {"i", "meant"}, {"i", "mean"}, {"my", "bad"}, {"hang", "on"}, {"hold", "on"},
}

// takesBack returns how many words open clause c to take back what was
// said before it (fillers, then one or more of takeBacks: "hmm wait",
// "no wait scratch that"), or 0. A "no" right after them takes back too
// when more follows ("wait no 5pm"); alone it is the answer ("actually
// no").
func takesBack(c []string) int {
	i := 0
	for i < len(c) && fillers[c[i]] {
		i++
	}
	found := false
	for n := phraseAt(c, i, takeBacks); n > 0; n = phraseAt(c, i, takeBacks) {
		i += n
		found = true
	}
	if !found {
		return 0
	}
	if i+1 < len(c) && c[i] == "no" {
		i++ // "wait no 5pm": the no takes back too
	}
	return i
}

// relayers are people whose answers are passed on ("my son says …", "our
// dev said …"); roles are not among them: "our admin says no" at "are
// you the admin?" says who holds the role, and is read as it stands.
var relayers = set("he", "she", "they", "son", "daughter", "dad", "mom", "mum", "father", "mother", "husband", "wife", "partner",
	"friend", "brother", "sister", "kid", "dev", "developer", "engineer", "consultant", "contractor", "client", "assistant", "guy")

// relayVerbs pass an answer on: "he says", "she told me", "he emailed
// back". Not "replied" or "texted" alone: "she replied YES" is what a
// customer did.
var relayVerbs = [][]string{
	{"says"}, {"said"}, {"tells", "me"}, {"told", "me"}, {"confirms"}, {"confirmed"},
	{"texted", "back"}, {"emailed", "back"}, {"wrote", "back"}, {"messaged", "back"},
}

// relayed returns how many words open clause c to pass on someone else's
// answer ("he says", "my son told me", "our developer replied that"), or
// 0. The answer is what follows. A name is not read as a relayer: "Tom
// says" and "GlobalProtect says" look the same.
func relayed(c []string) int {
	i := 0
	switch {
	case len(c) == 0:
		return 0
	case relayers[c[0]]:
		i = 1
	case (c[0] == "my" || c[0] == "our" || c[0] == "the") && len(c) > 1 && relayers[c[1]]:
		i = 2
	default:
		return 0
	}
	v := phraseAt(c, i, relayVerbs)
	if v == 0 {
		return 0
	}
	n := i + v
	if n < len(c) && c[n] == "that" {
		n++
	}
	if n == len(c) {
		return 0 // "he said": nothing passed on
	}
	return n
}

// phraseAt returns the length of the first of ps that ws holds at i, or 0.
func phraseAt(ws []string, i int, ps [][]string) int {
	for _, p := range ps {
		if len(p) <= len(ws)-i && equalWords(ws[i:i+len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// fromWords reads again normalised words, clauseBreak between clauses,
// that were kept of a Text.
func fromWords(ws []string) Text {
	var b strings.Builder
	for _, w := range ws {
		if w == clauseBreak {
			b.WriteString(". ")
			continue
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	return NewText(b.String())
}

// markNames sets the name of the shapes of t's words numbered in named
// (counting words, not breaks): a text rebuilt from kept words keeps
// which were written as names.
func (t *Text) markNames(named []int) {
	if len(named) == 0 {
		return
	}
	k := 0
	for i, w := range t.ws {
		if w == clauseBreak {
			continue
		}
		if slices.Contains(named, k) {
			t.shapes[i].name = true
		}
		k++
	}
}

// endsAsking reports whether the clause ending before t.ws[end] ended
// with "?".
func (t *Text) endsAsking(end int) bool {
	return end > 0 && end-1 < 64 && t.asked&(1<<(end-1)) != 0
}

// yesNoQuestion reports whether a clause that ended with "?" asks a
// yes/no question back: it opens (after a filler such as "ok" or "but")
// with a verb that asks and whom or what it asks about ("will it wipe my
// CLAUDE.md files if I log out?", "am I being charged for the retries?",
// "did it corrupt anything?"), or with an if-clause before one ("if I
// renew will it charge me twice?"). Without the "?" the same words may
// state ("did it twice, same 403"), so the caller checks that first.
func yesNoQuestion(c []string) bool {
	for len(c) > 0 && (fillers[c[0]] || questionLeads[c[0]]) {
		c = c[1:]
	}
	if len(c) > 0 && c[0] == "if" {
		for i := 2; i+1 < len(c); i++ {
			if yesNoVerbs[c[i]] && askedAbout[c[i+1]] {
				return true
			}
		}
		return false
	}
	// The thing asked about may be a doing: "will running that use up my
	// credits", "is doing this safe".
	return len(c) >= 3 && yesNoVerbs[c[0]] && (askedAbout[c[1]] || len(c[1]) > 4 && strings.HasSuffix(c[1], "ing") && !notDoings[c[1]])
}

// notDoings end in "ing" and are no doing.
var notDoings = set("nothing", "something", "anything", "everything", "morning", "evening", "during", "string", "bring", "spring", "ceiling", "building", "setting", "settings", "pricing", "billing", "thing")

var (
	// yesNoVerbs open a yes/no question.
	yesNoVerbs = set("do", "does", "did", "is", "are", "was", "were", "should", "can", "could", "would", "will", "am", "have", "has", "shall", "may", "might", "isnt", "arent", "wont", "doesnt", "didnt")
	// questionLeads, like fillers, may come before a question's verb.
	questionLeads = set("and", "but", "also", "wait", "just")
	// askedAbout follow a verb that opens a yes/no question.
	askedAbout = set("i", "it", "you", "we", "they", "he", "she", "that", "this", "there", "my", "our", "your", "the", "anyone", "anything", "someone", "me", "us", "its", "im")
)

// relative reports whether the clause t.ws[start:end] goes on from the
// one before it ("/status says API key, which is weird because I pay for
// Max"): it opens with "which" and a verb of saying what that was, comes
// after another clause, and does not end with "?" ("which is it?").
func (t *Text) relative(start, end int) bool {
	c := t.ws[start:end]
	return start > 0 && len(c) >= 3 && c[0] == "which" && relativeVerbs[c[1]] && !t.endsAsking(end)
}

// relativeVerbs follow a "which" that goes on from the clause before.
var relativeVerbs = set("is", "was", "means", "meant", "makes", "made", "seems", "sounds")

// question reports whether clause is a question to leave out: any, or
// as an earlier text only one that states nothing.
func question(clause []string, stated bool) bool {
	asks, empty := isQuestion(clause)
	return asks && (!stated || empty)
}

// clauses calls fn with each clause of ws (the words between breaks),
// until fn returns false.
func clauses(ws []string, fn func(c []string) bool) {
	start := 0
	for start <= len(ws) {
		end := start
		for end < len(ws) && ws[end] != clauseBreak {
			end++
		}
		if end > start && !fn(ws[start:end]) {
			return
		}
		start = end + 1
	}
}

// fillers are words that open a text without saying anything ("hmm, no").
var fillers = set("hmm", "hmmm", "um", "umm", "uh", "uhh", "well", "oh", "ah", "so", "lol", "haha", "sorry", "hm", "ehm", "erm", "ok", "okay", "k", "alright")

// courtesies are the words of a clause that only thanks or greets
// ("Thank you.", "Good morning.", "Many thanks,") before an answer.
var courtesies = set("thank", "thanks", "thankyou", "you", "very", "much", "many", "so", "good", "morning", "afternoon", "evening",
	"dear", "sir", "madam", "hello", "hi", "hey", "cheers", "ta", "kind", "regards")

// opening returns the family ("yes", "no" or "") of the first clause that
// says something, and whether that clause is only the family word ("no,"
// "yes." "nope"): an explicit answer, which a later clause's words of the
// other family do not overturn ("no, the admin on our team does that").
func opening(ws []string) (fam string, explicit bool) {
	clauses(ws, func(c []string) bool {
		allFiller, courteous := true, true
		for _, w := range c {
			if !fillers[w] {
				allFiller = false
			}
			if !courtesies[w] {
				courteous = false
			}
		}
		if courteous && len(c) < len(ws) {
			return true // "Thank you. Yes, indeed; …": look on
		}
		if allFiller && len(c) < len(ws) { // "ok, no": look on; "ok" alone answers
			if f := family(c); f == "no" {
				fam, explicit = f, true
				return false
			}
			return true
		}
		fam = family(c)
		explicit = fam != "" && onlyFamily(c)
		return false
	})
	if fam == "" {
		// "it's zapier, so yes I guess": a last clause that opens with a
		// yes or no, after what led to it, answers too.
		var last []string
		clauses(ws, func(c []string) bool { last = c; return true })
		for len(last) > 1 && leadIns[last[0]] {
			last = last[1:]
		}
		if len(last) < len(ws) && (yesWords[last[0]] || noWords[last[0]]) {
			fam, explicit = family(last), onlyFamily(last)
		}
	}
	return fam, explicit
}

// leadIns open a clause that draws a conclusion ("so yes", "then no").
var leadIns = set("so", "then", "and", "therefore", "thus", "hence", "guess")

// onlyFamily reports whether the clause c is yes/no words alone ("no",
// "nope nope", "yes sir").
func onlyFamily(c []string) bool {
	if len(c) > 3 {
		return false
	}
	for _, w := range c {
		if !yesWords[w] && !noWords[w] && !fillers[w] && w != "sir" && w != "maam" {
			return false
		}
	}
	return true
}

// Roles. A role word ("admin", "owner") preceded by someone else's
// determiner ("the admin on our team does that", "our owner") is about
// another person: it does not select a choice by that word, and on a
// yes/no question it answers no ("someone else does").
var (
	roles = set("admin", "admins", "administrator", "owner", "owners", "manager", "boss", "lead", "cto", "ceo", "colleague", "coworker", "teammate", "accountant", "finance", "it", "devops", "ops",
		"treasurer", "bookkeeper", "cfo", "coo", "president", "director", "founder", "cofounder", "secretary", "chair", "chairman", "trustee", "principal")
	othersDets = set("the", "our", "my", "their", "his", "her", "a", "an", "another", "some", "your", "team", "company", "org", "orgs", "companys", "teams", "an")
	selfWords  = set("im", "i", "am", "me", "myself")
)

// isRole reports whether w is a role word, or one with the "s" a
// possessive leaves ("the principal's office" is "principals office").
func isRole(w string) bool {
	return roles[w] || len(w) > 3 && w[len(w)-1] == 's' && roles[w[:len(w)-1]]
}

// aboutOther reports whether the role word at ws[i] names someone else:
// it follows another's determiner ("our admin"), maybe with a word for
// which one between ("the board treasurer", "our office manager"), and
// no "I am" comes just before ("I'm the admin", "I am an owner").
func aboutOther(ws []string, i int) bool {
	if !isRole(ws[i]) || i == 0 {
		return false
	}
	d := i - 1 // the determiner
	switch {
	case othersDets[ws[d]]:
	case i >= 2 && othersDets[ws[i-2]] && nameLike(ws[i-1]) && !roles[ws[i-1]]:
		d = i - 2 // "the board treasurer"
	default:
		return false
	}
	if ws[i] == "it" && (d != i-1 || i+1 >= len(ws) || ws[i+1] != "team" && ws[i+1] != "department" && ws[i+1] != "dept") {
		return false // "it" is a role only as "the IT team"
	}
	for k := d - 1; k >= 0 && k >= d-2 && ws[k] != clauseBreak; k-- {
		if selfWords[ws[k]] {
			return false
		}
	}
	return true
}

// mentionsOther reports whether the words ws name a role held by someone
// else, or say the person lacks what the role gives (lacksAccess).
func mentionsOther(ws []string) bool {
	for i := range ws {
		if aboutOther(ws, i) || lacksAccess(ws, i) {
			return true
		}
	}
	return false
}

var (
	accessWords = set("access", "permission", "permissions", "rights", "login", "admin", "privileges")
	memberWords = set("dev", "developer", "engineer", "user", "member", "intern", "contractor", "employee", "staff", "student", "designer", "tester")
)

// lacksAccess reports whether the words at ws[i] say the person lacks
// the access a role gives: a negated access word ("I don't have access to
// billing", "no admin rights") or "just a dev", "only a member".
func lacksAccess(ws []string, i int) bool {
	switch w := ws[i]; {
	case accessWords[w]:
		return negated(ws, i)
	case w == "just" || w == "only":
		return i+2 < len(ws) && (ws[i+1] == "a" || ws[i+1] == "an") && memberWords[ws[i+2]]
	}
	return false
}

// Asks reports whether the text asks something back and says nothing
// else ("how do I do step 2?", "what?").
func (t Text) Asks() bool {
	core, asks, _ := t.core(false)
	return asks && len(core.ws) == 0
}

// Explicit reports whether the text opens with a yes or a no in a clause
// of its own ("no, …", "yes."), rather than a word that starts a sentence
// ("no she hasn't texted START yet").
func (t Text) Explicit() bool {
	_, explicit := opening(t.ws)
	return explicit
}
