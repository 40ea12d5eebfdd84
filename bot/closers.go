package bot

import (
	"slices"
	"strings"

	"github.com/textfix/textfix/flows"
)

// Closers. After a fix people say thanks and goodbye in many ways; none of
// them is a new problem. Where "Did this fix it?" is open a closer counts
// as YES; at rest it gets a warm word back and nothing else: no flow, no
// miss, no ticket.

// closerWords may make up a closer; closerHeads are the words a closer
// needs at least one of ("ok bye", but not "ok" "the" "it").
var (
	closerWords = wordSet(`thanks thank you u so much very many thx ty tysm tyvm cheers great cool nice awesome perfect
		ok okay k kk bye goodbye cya later gracias merci danke obrigado obrigada grazie beaucoup muchas mil vielen dank schön schon mille tante that it this worked works working fixed
		solved all good got yes yep yeah yay lol appreciate appreciated helpful helped sweet amazing brilliant legend ta np
		done sorted excellent fantastic wonderful super have a great day good night morning man dude mate again for the help
		your youre re now all set i we are well much thanks really totally thumbs up lovely fab top ah ahh oh ohh haha
		star best lifesaver hero evening weekend enjoy boss jazakallah khair shukran asante salamat dhanyavad dhanyavaad arigato
		grand brill ace gg pal bro lad lads buddy aye million bunch ton lot lots loads heaps go raibh maith agat respect diolch obliged righto
		valeu demais shukriya bhai po igual phew whew one`)
	closerHeads = wordSet(`thanks thank thx ty tysm tyvm cheers great cool nice awesome perfect ok okay bye goodbye cya
		gracias merci danke dank obrigado obrigada grazie worked works fixed solved sweet amazing brilliant legend ta appreciate appreciated
		excellent fantastic wonderful helpful helped sorted yay lovely fab star best lifesaver hero jazakallah shukran asante salamat
		dhanyavad dhanyavaad arigato grand brill ace gg maith respect diolch obliged bless blessings valeu shukriya phew whew`)
)

// isCloser reports whether the words ws only thank or say goodbye,
// however drawn out ("thank youuu", "sooo cool").
func isCloser(ws []string) bool {
	if len(ws) == 0 || len(ws) > 10 {
		return false
	}
	head := false
	for _, w := range ws {
		if !closerWords[w] {
			if w = unstretch(w); !closerWords[w] {
				return false
			}
		}
		head = head || closerHeads[w]
	}
	return head
}

// unstretch shortens a letter repeated three times or more to one, or to
// two where that makes a closer word ("youuu" → "you", "coool" → "cool").
func unstretch(w string) string {
	var one, two []byte
	for i := 0; i < len(w); {
		j := i
		for j < len(w) && w[j] == w[i] {
			j++
		}
		n := j - i
		if n >= 3 {
			one, two = append(one, w[i]), append(two, w[i], w[i])
		} else {
			one, two = append(one, w[i:j]...), append(two, w[i:j]...)
		}
		i = j
	}
	if closerWords[string(two)] {
		return string(two)
	}
	return string(one)
}

// troubleWords say something is wrong: a text that holds one is no
// thank-you, whatever else it says ("my card keeps getting declined …
// it works everywhere else").
var troubleWords = wordSet(`error errors declined denied failed fails failing failure forbidden unauthorized invalid expired refused rejected
	blocked crash crashed crashes broken unable couldnt`)

// described drops from in the trouble words that only describe a thing
// after an article or a demonstrative ("emailing the failed ones",
// "retrying those declined cards"): they say what the person is working
// on, not that the fix failed. It returns in itself when there are none.
func described(in flows.Text) flows.Text {
	var clauses []string
	dropped := false
	for _, c := range in.Clauses() {
		k := make([]string, 0, len(c))
		for i, w := range c {
			if i > 0 && determiners[c[i-1]] && troubleWords[w] {
				dropped = true
				continue
			}
			k = append(k, w)
		}
		clauses = append(clauses, strings.Join(k, " "))
	}
	if !dropped {
		return in
	}
	return flows.NewText(strings.Join(clauses, ". "))
}

// determiners, before a trouble word, make it describe a thing.
var determiners = wordSet(`the those these`)

// isThanks reports whether text in thanks or acknowledges without being
// only a closer: "thanks, will try that", "ok cool, trying it now", "it
// work now, thank you very much". A closer word opens or closes a short
// text; a text of several clauses may have one that is only thanks,
// first, last or between ("thanks so much, I'll forward this to our IT",
// "called the bank, they unblocked it. thank u!!", "unset the key. thanks,
// no more surprise invoices I hope"); and nothing says against the fix.
func isThanks(in flows.Text) bool {
	ws := strings.Fields(in.Normalized())
	if isCloser(ws) {
		return true
	}
	if len(ws) == 0 || hasPhrase(withoutAsides(ws), notFixed) || slices.ContainsFunc(ws, func(w string) bool { return troubleWords[w] }) {
		return false // not "didn't know she could": an aside
	}
	if hasPhrase(ws, fixed) && slices.ContainsFunc(ws, func(w string) bool { return closerHeads[w] }) {
		return true
	}
	for _, c := range in.Clauses() {
		if len(c) < len(ws) && (isCloser(c) || thanksFor(c)) || gratitude[c[len(c)-1]] {
			return true // a clause of thanks, or one that ends with them ("going to bed now cheers")
		}
	}
	if len(ws) > 8 {
		return false
	}
	return closerHeads[ws[0]] || closerHeads[ws[len(ws)-1]] || len(ws) > 1 && closerWords[ws[0]] && closerHeads[ws[1]]
}

// thanked reports whether the text has a word of thanks (gratitude, or
// "thank", "appreciate").
func thanked(in flows.Text) bool {
	return slices.ContainsFunc(strings.Fields(in.Normalized()), func(w string) bool {
		return gratitude[w] || w == "thank" || w == "appreciate" || w == "appreciated"
	})
}

// gratitude are the words of thanks alone, of closerHeads.
var gratitude = wordSet(`thanks thx ty tysm tyvm cheers ta gracias merci danke obrigado obrigada grazie diolch obliged bless blessings`)

// acknowledges reports whether the text takes in what the fix page said
// without thanks and without saying it failed ("makes sense, we'll filter
// them before the next blast", "fair enough, removed him", "so not our
// fault, good to know"): a closer too.
func acknowledges(in flows.Text) bool {
	ws := strings.Fields(in.Normalized())
	return hasPhrase(ws, understood) && !hasPhrase(ws, notFixed) &&
		!slices.ContainsFunc(ws, func(w string) bool { return troubleWords[w] })
}

// understood are what people say when an explanation has landed.
var understood = phrases(`makes sense|make sense|good to know|fair enough|got it|i see|understood|i understand|that explains it|that explains|
	at least i know|now i know|noted|i get it|gotcha|ah ok|ah okay|oh ok|oh okay`)

// thanksFor reports whether the clause c thanks for something, in any
// words, maybe after closer words ("thanks for explaining", "ok thx for
// explaining", "great, thank you for the quick answer").
func thanksFor(c []string) bool {
	i := 0
	for i < len(c) && closerWords[c[i]] && !gratitude[c[i]] && c[i] != "thank" {
		i++
	}
	c = c[i:]
	for _, p := range [][]string{{"thanks", "for"}, {"thank", "you", "for"}, {"thx", "for"}, {"ty", "for"}, {"thank", "u", "for"}} {
		if len(c) > len(p) && slices.Equal(c[:len(p)], p) {
			return true
		}
	}
	return false
}

// saysWorked reports whether a clause of the text says, in the past or
// present, that the problem is gone ("that fixed it", "I put new card and
// now ok", "the 429s stopped", "payment went through",
// "NODE_EXTRA_CA_CERTS did it", "no more throttling"): a fixed phrase,
// state word or pair, in a clause with no negation and nothing still to
// do ("ok I'll try that and hope it works" says nothing yet).
func saysWorked(in flows.Text) bool {
	return slices.ContainsFunc(in.Clauses(), clauseWorked)
}

// clauseWorked is saysWorked for one clause.
func clauseWorked(c []string) bool {
	if plans(c) {
		return false
	}
	// "no more failures", "no errors since", "it doesn't happen
	// anymore", "it hasn't hung since", "no 403 all day".
	if hasPhrase(c, [][]string{{"no", "more"}}) || slices.Contains(c, "no") && slices.Contains(c, "since") ||
		slices.Contains(c, "anymore") && !slices.ContainsFunc(c, func(w string) bool { return strings.HasPrefix(w, "work") }) ||
		negatedTrouble(c) && (c[len(c)-1] == "since" || hasPhrase(c, quietSpans)) {
		return true
	}
	if slices.ContainsFunc(c, func(w string) bool { return negatives[w] }) || tellsBefore(c) {
		return false
	}
	if hasPhrase(c, fixed) || gotWanted(c) || didFix(c) || allDoTheirJob(c) {
		return true
	}
	for i, w := range c {
		if goneWords[w] || w == "again" && doingAgain(c[:i]) {
			return true
		}
		if i+1 < len(c) && (gonePairs[w+" "+c[i+1]] || w == "now" && okWords[c[i+1]] || okWords[w] && c[i+1] == "now" || w == "gives" && gaveWell(c[i+1])) {
			return true
		}
	}
	return runsNow(c)
}

// allDoTheirJob reports whether the clause c says that all of the things
// do their job, in the present: "all calls work", "both numbers send",
// "every page loads", with no trouble in it ("all of them fail to send").
func allDoTheirJob(c []string) bool {
	for i, w := range c {
		if !allWords[w] {
			continue
		}
		for _, v := range c[i+1:] {
			if jobVerb(v) && !strings.HasSuffix(v, "ing") {
				return !flows.Troubled(flows.NewText(strings.Join(c, " ")))
			}
		}
	}
	return false
}

// allWords say that every one of the things is meant.
var allWords = wordSet(`all every both each`)

// didFix reports whether the clause c says something done fixed it in
// the present tense, as people of other Englishes write the past
// ("logout and login again fix it!", "restart fix am"): "fix it" after
// what was done, not after someone who will or should ("how do I fix
// it", "can you fix it").
func didFix(c []string) bool {
	for i := 1; i+1 < len(c); i++ {
		if (c[i] == "fix" || c[i] == "fixes") && (c[i+1] == "it" || c[i+1] == "am") && !fixers[c[i-1]] && !questionWords[c[0]] {
			return true
		}
	}
	return false
}

var (
	// fixers, before "fix it", make it a question, a wish or a plan.
	fixers = wordSet(`to i we you they he she can could will would should do does did cant cannot couldnt wont dont doesnt didnt gonna
		going try trying need needs want wants please pls help me us not never`)
	questionWords = wordSet(`how what why when where who which can could will would should do does did is are`)
)

// gaveWell reports whether w, after "gives" (an arrow: "unset → works",
// "allowlisted it → 200", "/model sonnet → through"), says it went well:
// a state of working, a 2xx status or "through".
func gaveWell(w string) bool {
	return okWords[w] || goneWords[w] || w == "through" || w == "thru" || len(w) == 3 && w[0] == '2' && w[1] >= '0' && w[1] <= '9' && w[2] >= '0' && w[2] <= '9'
}

// tellsBefore reports whether the clause c is about a time before the fix
// (a word of one, or "used to"): it tells how things were ("no, the key's
// in zshrc same as always, it worked yesterday", "it used to work"), not
// a result.
func tellsBefore(c []string) bool {
	for i, w := range c {
		if before[w] || w == "used" && i+1 < len(c) && c[i+1] == "to" {
			return true
		}
	}
	return false
}

var before = wordSet(`yesterday before previously always`)

// gotWanted reports whether the clause c says the person got what they
// were after ("got the tickets!", "we got paid", "finally got through"):
// "got" and what was got, with nothing of the trouble again ("got the
// same error", "got another 403", "got the message again").
func gotWanted(c []string) bool {
	i := slices.Index(c, "got")
	if i < 0 || i+1 == len(c) || !gotWhat[c[i+1]] ||
		slices.ContainsFunc(c[i+1:], func(w string) bool { return gotAgain[w] }) {
		return false
	}
	return !flows.Troubled(flows.NewText(strings.Join(c, " ")))
}

var (
	// gotWhat follow "got" when it is something had, not taken in ("got
	// it") or come down with ("got a 403").
	gotWhat = wordSet(`the my our their them all everything through paid`)
	// gotAgain after it make it the trouble once more, or a notice of it.
	gotAgain = wordSet(`same another again more back message email notice warning popup screen reply response text`)
)

// runsNow reports whether the clause c says the thing does its job now
// or again, in any words: "now" or "again" and a verb of a thing doing
// its job ("it answers again", "now sms going to all customers", "paid
// now", "renewals recover now"), with no trouble and nothing the person
// is still doing ("registering the campaign now", "checking now").
func runsNow(c []string) bool {
	when, job := false, false
	for i, w := range c {
		switch {
		case w == "now" && (i == 0 || !notNowBefore[c[i-1]]) && (i+1 == len(c) || c[i+1] != "what"), w == "again":
			when = true
		case strings.HasSuffix(w, "ing") && i+1 < len(c) && objects[c[i+1]], len(w) > 4 && strings.HasSuffix(w, "ing") && !jobVerb(w):
			// Something being done ("uploading the file again now",
			// "checking now"): not a result yet.
			return false
		case jobVerb(w):
			job = true
		}
	}
	return when && job && !flows.Troubled(flows.NewText(strings.Join(c, " ")))
}

// objects after an -ing word make it something the person does
// ("sending it again now"), not what the thing does ("sending again").
var objects = wordSet(`it the a an my our them this that his her their`)

// notNowBefore make "now" no time of a result ("right now", "for now").
var notNowBefore = wordSet(`right for till until by just from`)

// jobVerb reports whether w is a form of a verb that says a thing does
// its job ("sends", "loading", "paid").
func jobVerb(w string) bool {
	if jobPast[w] {
		return true
	}
	for _, suf := range []string{"", "s", "es", "ing", "ed", "d"} {
		stem, ok := strings.CutSuffix(w, suf)
		if !ok || stem == "" {
			continue
		}
		if jobVerbs[stem] || suf == "ing" && (jobVerbs[stem+"e"] || len(stem) > 2 && stem[len(stem)-1] == stem[len(stem)-2] && jobVerbs[stem[:len(stem)-1]]) {
			return true
		}
	}
	return false
}

var (
	// jobVerbs are what a thing does when it works.
	jobVerbs = wordSet(`work run send go load sync connect deliver arrive process respond answer reply come flow pass post print upload download charge pay stream
		recover receive renew save open launch boot show read find see`)
	jobPast = wordSet(`paid sent went ran came`)
)

// lastSays reads the text's clauses from the last: the first that says
// it did not work (FeedbackNo) or that it did (FeedbackYes) decides, so
// "the profile didn't have API Enabled. ticked it and it works" is a yes
// and "it worked for an hour, now it's failing again" a no; in a clause,
// what follows its last "but" is the point ("not thrilled but fine"). It
// returns "" when no clause says either.
func lastSays(in flows.Text) FeedbackAnswer {
	cs := in.Clauses()
	for i := len(cs) - 1; i >= 0; i-- {
		c := withoutAsides(cs[i])
		if sameCause(c) {
			continue // "so the SSO email was the same thing": the cause, not the result
		}
		if k := lastIndex(c, "but"); len(cs) > 1 && k >= 0 {
			// After "but", what is said is the point: "not thrilled but
			// fine", "slow to find but it works now".
			if tail := c[k+1:]; !hasPhrase(tail, notFixed) && !stillTrouble(tail) && clauseWorked(tail) {
				return FeedbackYes
			}
		}
		switch {
		case len(cs) > 1 && (hasPhrase(c, notFixed) || stillTrouble(c)):
			return FeedbackNo
		case len(cs) > 1 && clauseWorked(c):
			return FeedbackYes
		case len(cs) > 1 && i == len(cs)-1 && len(c) == 1 && (verdictWords[c[0]] || jobVerb(c[0]) && !strings.HasSuffix(c[0], "ing")):
			// What was done, then one word of how it went: "topped up
			// + auto reload on. good", "allowlisted them, paid".
			return FeedbackYes
		case len(cs) > 1 && i == len(cs)-1 && thingDoesItsJob(c):
			// What was done, then the thing at its job in two words:
			// "reconnected the account in zapier, zaps running", "order
			// went".
			return FeedbackYes
		}
	}
	return ""
}

// stepPending reports whether the text goes through the fix page's steps
// ("step 1", "the last step") and ends on one still to be done, by
// someone else or later ("step 3 is the org admin's, I've pinged her",
// "I'll call the bank tomorrow like step 3 says"): no result yet, however
// the steps before went.
func stepPending(in flows.Text) bool {
	cs := in.Clauses()
	if len(cs) == 0 || !slices.ContainsFunc(cs, namesStep) {
		return false
	}
	for k := len(cs) - 1; k >= 0; k-- {
		c := cs[k]
		if isCloser(c) || hasPhrase(c, understood) || guesses[c[0]] {
			continue // "thanks", "makes sense now", "probably the fraud block" after it
		}
		said := c
		if k := slices.Index(c, "if"); k >= 0 {
			said = c[:k] // "will let you know if it's still broken"
		}
		return !hasPhrase(said, notFixed) && (plans(c) || slices.ContainsFunc(c, func(w string) bool { return handedOn[w] }))
	}
	return false
}

// namesStep reports whether the clause c names a step of the fix page:
// "step" with a number or an order word ("step 2", "step three", "the
// last step", "the next step").
func namesStep(c []string) bool {
	for i, w := range c {
		if w != "step" && w != "steps" {
			continue
		}
		if i+1 < len(c) && (c[i+1] != "" && allDigits(c[i+1]) || stepOrders[c[i+1]]) || i > 0 && stepOrders[c[i-1]] {
			return true
		}
	}
	return false
}

// guesses open a clause that only guesses at the cause.
var guesses = wordSet(`probably maybe perhaps likely prob`)

var stepOrders = wordSet(`one two three four five 1st 2nd 3rd first second third fourth last next final`)

// sameCause reports whether the clause c says two things had one cause
// ("so the SSO email was the same thing", "same thing then", "so same
// problem"): "same thing" after "was the" or "so", which says nothing of
// whether the fix worked, unlike "same thing" alone ("still failing, same
// thing").
func sameCause(c []string) bool {
	for i := 0; i+1 < len(c); i++ {
		if c[i] != "same" || !sameWhat[c[i+1]] {
			continue
		}
		if i >= 2 && c[i-1] == "the" && beForms[c[i-2]] || i >= 1 && c[i-1] == "so" || i == 0 && i+2 < len(c) && c[i+2] == "then" {
			return true
		}
	}
	return false
}

var (
	sameWhat = wordSet(`thing problem issue cause`)
	beForms  = wordSet(`was were is are its thats`)
)

// thingDoesItsJob reports whether the clause c is a thing and a verb of
// it doing its job, in two words: "zaps running", "texts going", "order
// went", "it streams"; not a person at work ("we checking") nor trouble.
func thingDoesItsJob(c []string) bool {
	if len(c) != 2 || people[c[0]] || negatives[c[0]] || !jobVerb(c[1]) {
		return false
	}
	return !flows.Troubled(flows.NewText(strings.Join(c, " ")))
}

// people do things; a thing at its job is none of them.
var people = wordSet(`i we you he she they me us them someone somebody everyone customer customers client clients staff team`)

// lastIndex returns the index of the last w in ws, or -1.
func lastIndex(ws []string, w string) int {
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i] == w {
			return i
		}
	}
	return -1
}

// stillTrouble reports whether the clause c says the trouble is still
// there: "still" and, after it, a trouble word or a code ("still invalid
// api key", "still 403").
func stillTrouble(c []string) bool {
	i := slices.Index(c, "still")
	if i < 0 || i+1 == len(c) {
		return false
	}
	rest := c[i+1:]
	if strings.Trim(rest[0], "0123456789") == "" {
		return true
	}
	return flows.Troubled(flows.NewText(strings.Join(rest, " ")))
}

// opensYes reports whether the text opens with a yes ("yep it was …")
// and says nothing against the fix: no trouble, no negation.
func opensYes(in flows.Text) bool {
	ws := strings.Fields(in.Normalized())
	return len(ws) > 0 && yesOpeners[ws[0]] && clean(ws, in)
}

// yesOpeners are the yeses that open an explanation; "ok" and "sure"
// there take one in, they say nothing of the result ("ok so the model
// name was off").
var yesOpeners = wordSet(`yes yeah yep yup yea ya yah yess aye`)

// endsYes reports whether a report, in (its words ws), ends with a yes,
// a 👍 mostly ("moved the key to my zshrc 👍"), with nothing said against
// the fix.
func endsYes(ws []string, in flows.Text) bool {
	return len(ws) > 1 && flows.Family(ws[len(ws)-1]) == "yes" && clean(ws, in)
}

// clean reports whether the words ws of in say nothing against a fix: no
// trouble word, no negation.
func clean(ws []string, in flows.Text) bool {
	return !flows.Troubled(in) && !slices.ContainsFunc(ws, func(w string) bool { return negatives[w] })
}

// verdictWords say in one word, after what was done, that it went well.
var verdictWords = wordSet(`good fine great perfect sorted nice excellent awesome solved fixed yes`)

// saysPlan reports whether the text tells what the person will do or has
// passed on, with nothing said against the fix ("will see tmrw morning",
// "pinged our admin"): no result yet.
func saysPlan(in flows.Text) bool {
	plan := false
	for _, c := range in.Clauses() {
		if hasPhrase(c, notFixed) {
			return false
		}
		plan = plan || plans(c) || slices.ContainsFunc(c, func(w string) bool { return handedOn[w] })
	}
	return plan && !flows.Troubled(in)
}

// didAndThanks reports whether the text tells something the person did
// and thanks ("customer used another card. thanks!", "verified my
// friend's number and it sends. perfect, thanks"): after a fix page,
// that says it worked. Passing the page on ("forwarded it to our admin")
// and plans ("ok I'll ask") are not done yet.
//
// More say the same: something done and an explanation taken in ("fair
// enough, removed him"), something done and a word to come back if the
// trouble does ("changed the policy and reconnected. will let you know if
// it drops again"), and a fix passed on, then done by whoever got it
// ("forwarded to our CTO, he raised it").
func didAndThanks(in flows.Text) bool {
	thanks, did, passed, doneAfter := false, false, false, false
	for _, c := range in.Clauses() {
		if tellsBefore(c) {
			continue // how things were ("it worked yesterday"): no thanks, nothing done
		}
		thanks = thanks || slices.ContainsFunc(c, func(w string) bool { return closerHeads[w] }) || hasPhrase(c, understood) || watchesFor(c)
		// A clause of thanks alone did nothing ("much obliged" only looks
		// like a past tense).
		if isCloser(c) || plans(c) || slices.ContainsFunc(c, func(w string) bool { return negatives[w] }) {
			continue
		}
		if slices.ContainsFunc(c, func(w string) bool { return handedOn[w] }) || hasPhrase(c, passedOn) {
			passed = true
			continue
		}
		// "got it" takes an explanation in; it is nothing done.
		past := slices.ContainsFunc(c, pastTense) && !hasPhrase(c, understood)
		did = did || past
		doneAfter = doneAfter || passed && past && len(c) > 1 && others[c[0]]
	}
	return thanks && did || doneAfter
}

var (
	// passedOn are ways of handing a fix page on in more than one word.
	passedOn = phrases(`sent this to|sent it to|sent that to|passed it to|passed this to|passed it on|gave it to|showed it to|showed this to`)
	// others are who a fix page was passed to, as the subject of a clause.
	others = wordSet(`he she they admin it ops dev devs team cto lead boss manager`)
)

// negatedTrouble reports whether a negation in clause c denies trouble
// within its next three words ("no 403s", "hasn't hit the limit", "0
// failures today"), not something good ("not working").
func negatedTrouble(c []string) bool {
	for i, w := range c {
		if !negatives[w] && w != "hasnt" && w != "havent" && w != "zero" && w != "0" {
			continue
		}
		for _, x := range c[i+1 : min(len(c), i+4)] {
			if flows.Troubled(flows.NewText(x)) {
				return true
			}
		}
	}
	return false
}

// plans reports whether the clause c says a plan or a hope, not a
// result ("ok I'll try that", "going to ask IT"; not "renewals are going
// through").
func plans(c []string) bool {
	if doingNow(c) {
		return true
	}
	for i, w := range c {
		if planned[w] || w == "going" && i+1 < len(c) && c[i+1] == "to" {
			return true
		}
		// "we'll" is "well" once its apostrophe is gone: before a verb
		// ("well call them instead"), not before what it is about ("well
		// it works now").
		if w == "well" && i+1 < len(c) && !objects[c[i+1]] && !wellAbout[c[i+1]] {
			return true
		}
	}
	return false
}

// doingNow reports whether the clause c tells what the person is doing
// now, opening with it ("registering the brand and campaign now", "trying
// it now"): no result yet.
func doingNow(c []string) bool {
	w := c[0]
	return len(c) > 1 && len(w) > 4 && strings.HasSuffix(w, "ing") && !jobVerb(w) && slices.Contains(c[1:], "now")
}

// watchesFor reports whether the clause c says the person will tell if
// the trouble comes back ("will let you know if it drops again", "I'll
// shout if it happens again"): it is gone for now.
func watchesFor(c []string) bool {
	i := slices.Index(c, "if")
	return i > 0 && slices.Contains(c[i+1:], "again") && plans(c[:i]) &&
		!slices.ContainsFunc(c, func(w string) bool { return negatives[w] })
}

// wellAbout may follow the "well" that opens a sentence.
var wellAbout = wordSet(`i we you they its thats im now then so yes no ok okay actually`)

// pastTense reports whether w reads as a verb in the past ("verified",
// "paid").
func pastTense(w string) bool {
	return len(w) >= 5 && strings.HasSuffix(w, "ed") || irregularPast[w]
}

// doingAgain reports whether one of the last two words before "again"
// says something runs ("it's syncing again", "messages are going out
// again"), not that the trouble is back ("it's happening again").
func doingAgain(before []string) bool {
	for k := len(before) - 1; k >= 0 && k >= len(before)-2; k-- {
		if w := before[k]; strings.HasSuffix(w, "ing") && !troubleDoing[w] {
			return true
		}
	}
	return false
}

var (
	irregularPast = wordSet(`used paid sent made got put set ran took gave found bought`)
	// handedOn are what a person does with a fix they pass on.
	handedOn = wordSet(`forwarded asked told pinged emailed messaged filed contacted reported escalated opened submitted`)
	// troubleDoing are -ing words for the trouble itself.
	troubleDoing = wordSet(`failing erroring crashing happening breaking timing hanging freezing throwing showing getting saying doing asking
		logging declining rejecting blocking dropping spinning looping stopping`)
	// goneWords say the problem is gone, said of the thing that failed.
	goneWords = wordSet(`working fine green gone stopped finished passed passes pass succeeded resolved sorted arrived arrive arrives delivered connects loads
		clean solid recovering recovered finish finishes`)
	// okWords say it is well, next to "now" ("solid now", "now ok").
	okWords = wordSet(`ok okay good fine solid clean stable steady normal green smooth working works moving better flying grand`)
	// quietSpans, after a negated trouble word, say the trouble has not
	// come back for a while ("no 403 all day").
	quietSpans = phrases(`all day|all night|all week|all morning|all afternoon|all evening|overnight|since then|for hours|for days|today|this morning|this afternoon|
		whole day|whole night|whole week|whole morning|whole afternoon|whole evening`)
	// gonePairs say it in two words.
	gonePairs = map[string]bool{"did it": true, "went through": true, "goes through": true, "now ok": true, "now okay": true, "now good": true,
		"is ok": true, "is okay": true, "its ok": true, "carried on": true,
		"come through": true, "comes through": true, "came through": true, "came thru": true, "coming through": true, "going through": true, "200 now": true,
		"went thru": true, "goes thru": true, "going thru": true, "come thru": true, "comes thru": true, "go out": true, "goes out": true,
		"going out": true, "were back": true, "back up": true, "back online": true, "picked up": true, "all clear": true, "go through": true, "go thru": true, "in now": true,
		"logged in": true, "alls well": true, "all well": true,
		// The thing that failed did its job ("verified his number and it sent").
		"it sent": true, "it sends": true, "it delivered": true, "it arrived": true, "it posted": true, "it loaded": true, "it synced": true}
	// planned words make a clause say nothing yet: a plan, a hope; negated
	// ones say the opposite, but for "no more" and "anymore".
	planned   = wordSet(`still will ill gonna try trying hope hopefully if maybe should would`)
	negatives = wordSet(`not no nothing never didnt doesnt dont isnt wasnt cant cannot wont hasnt havent hadnt arent werent nothings nobody nobodys`)
)

// notFixed and fixed are what people say about a fix; notFixed is read
// first, since "it did not" holds "it did".
var (
	notFixed = phrases(`didnt work|did not work|didnt help|did not help|didnt fix|did not fix|doesnt work|does not work|
		not working|not fixed|no luck|same error|same thing|same problem|nothing changed|no change|still broken|still failing|
		still getting|still get|still not|still the same|still same|still doesnt|still happening|still there|still says|
		still see|still error|it didnt|didnt|did not|wont work|failed again|failing again|happening again|broke again|broken again|no dice|still|
		went wrong|goes wrong|going wrong`)
	fixed = phrases(`fixed|it worked|worked|that worked|works|it works|working now|works now|solved|all good|that fixed it|
		it did|that did it|did the trick|thats done it|that done it|done the trick|sorted|resolved|that was it|this was it|that was the problem|that was the issue|
		that was the cause|found it|it work now|work now|work again|it work|back to normal|up and running|fine now|good now|
		ok now|okay now|running again|working again|works again|its back|back in business|runs again|syncs again|sends again|loads again|
		connects again|goes again|go again|posts again|run again|sync again|send again|back to work|gets the texts|get the texts|getting the texts|
		logged in finally|finally logged in|finally works|finally working|im in|got in|good to go|runs through|now it send|now it sends|
		coming in again|are coming in|is better now|it is better|fixed am|
		you were right|you are right|youre right|you was right|you were spot on|
		funcionou|deu certo|voltou|resolveu|resolvido|funciona agora|ja funciona|já funciona|
		funcionó|funciono|ya funciona|se arregló|se arreglo|resuelto|quedó|
		ça marche|ca marche|ça fonctionne|ca fonctionne|ça remarche|réglé|regle|résolu|resolu|
		chal raha hai|chal gaya|ho gaya|theek ho gaya|thik ho gaya|
		okay na|ok na|ayos na|gumana na|gumagana na|pumasok na|
		funktioniert|klappt|geht wieder|läuft wieder|lauft wieder|gelöst|gelost`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func phrases(s string) [][]string {
	var out [][]string
	for p := range strings.SplitSeq(s, "|") {
		if ws := strings.Fields(p); len(ws) > 0 {
			out = append(out, ws)
		}
	}
	return out
}

// hasPhrase reports whether one of ps occurs in ws, word by word. A lone
// "still" counts only as the whole text.
func hasPhrase(ws []string, ps [][]string) bool {
	for _, p := range ps {
		if len(p) == 1 && p[0] == "still" {
			if len(ws) == 1 && ws[0] == "still" {
				return true
			}
			continue
		}
	outer:
		for i := 0; i+len(p) <= len(ws); i++ {
			for j := range p {
				if ws[i+j] != p[j] {
					continue outer
				}
			}
			return true
		}
	}
	return false
}

// asides are "didn't" phrases about the person, not the fix: "it works,
// didn't know that was a thing", "glad I didn't make a key", "I didn't
// send anything sensitive", a tag question ("in the old workspace,
// didn't I") and what the person said before ("I said we didn't change
// settings"); and the cause found as it was ("the old firm's key was
// still there. Removed it").
var asides = phrases(`didnt know|did not know|didnt even know|did not even know|didnt realize|didnt realise|did not realize|didnt even realize|didnt even realise|didnt think|didnt expect|didnt notice|didnt see that|
	didnt send anything|did not send anything|didnt i|did not i|i said we didnt|i said i didnt|i told you we didnt|i told you i didnt|didnt share anything|did not share anything|didnt paste anything|did not paste anything|didnt give you|did not give you|
	glad i didnt|glad i did not|glad we didnt|glad we did not|good thing i didnt|good thing we didnt|lucky i didnt|lucky we didnt|glad i never|glad we never|
	was still there|were still there|was still in|were still in|was still set|were still set|was still exported|was still in my`)

var (
	// keptThings are what a person fears a fix loses, said to be kept.
	keptThings = wordSet(`everything everythings all both history chats files projects settings memory data stuff conversations work`)
	// stillPlaces say, after "still", that something has not gone.
	stillPlaces = wordSet(`there here intact`)
)

// withoutAsides returns ws with the asides taken out, and the "still" of
// what was kept ("everything's still there, CLAUDE.md and all"): the
// person's things are still there, not the trouble.
func withoutAsides(ws []string) []string {
	out := make([]string, 0, len(ws))
	for i := 0; i < len(ws); i++ {
		if ws[i] == "still" && i+1 < len(ws) && stillPlaces[ws[i+1]] && slices.ContainsFunc(ws[:i], func(w string) bool { return keptThings[w] }) {
			continue
		}
		n := 0
		for _, p := range asides {
			if i+len(p) <= len(ws) && slices.Equal(ws[i:i+len(p)], p) {
				n = len(p)
				break
			}
		}
		if n > 0 {
			i += n - 1
			continue
		}
		out = append(out, ws[i])
	}
	return out
}
