package flows

import "strings"

// Away reports whether the text says the person cannot look right now:
// away from the computer or the place the answer is ("not at the office
// pc right now", "on the train rn", "away from my desk till 3"), unable
// to check ("can't look it up now"), gone to find out ("I'll have to ask
// him, give me a sec", "asking him now", "I'll have to find out"), or
// passing on another's answers ("I'm passing on what he tells me"), and
// nothing wrong said. The engine answers such a text, when it answers
// nothing, with a short note and no miss: the question stays open, the
// answer comes later.
func Away(t Text) bool {
	norm := " " + t.norm + " "
	rest, away := norm, false
	for _, p := range awayPhrases {
		if strings.Contains(rest, p) {
			rest, away = strings.ReplaceAll(rest, p, " "), true
		}
	}
	if !away {
		return false
	}
	// What is left says nothing wrong, but that the person cannot see or
	// find it from there: "can't check out, card declined" is the trouble
	// itself.
	for _, p := range unseen {
		rest = strings.ReplaceAll(rest, p, " ")
	}
	return !Troubled(NewText(rest))
}

// unseen, beside an away phrase, say the answer is out of sight, not
// that something is wrong ("not at the office pc, can't see the code").
var unseen = []string{" cant see ", " cannot see ", " cant find ", " cant read "}

// awayPhrases say it in several words (padded).
var awayPhrases = padded(`not at my computer|not at the computer|not at my pc|not at the pc|not at my desk|not at the desk|
		not at my laptop|not at the laptop|not at the office|not at work|not in the office|not in front of|not near a computer|not near my computer|
		away from my computer|away from the computer|away from my desk|away from the desk|away from my laptop|away from the laptop|
		away from the office|out of the office|out of office|on my phone|from my phone|only my phone|only have my phone|phone only|
		no computer|no laptop|no terminal|dont have my laptop|dont have my computer|dont have the laptop|left my laptop|laptop is at|
		on the train|on a train|on the bus|on a bus|on a plane|at the airport|in the car|im driving|in a meeting|
		cant check|cant look|cant get to my|cant pull it up|cant pull up|
		when im back|when i get back|once im back|when im home|when i get home|when im at|once im at|
		have to ask|need to ask|ill ask|i will ask|let me ask|ill check|i will check|let me check|lemme check|let me look|lemme look|
		checking|checking now|looking now|asking him|asking her|asking them|asking now|ill ask him|ill ask her|
		find out|passing on what|passing it on|ill pass it on|relaying|
		give me a sec|give me a second|give me a minute|one sec|one second|one minute|1 sec|1 second|1 min|1 minute|one moment|just a sec|
		just a second|hold on|hang on|brb`)

// Back reports whether the text says the person is back, and no more:
// "back now", "sorry got a customer, back now", "ok im at my laptop now".
// The engine asks the open question again, with no miss.
func Back(t Text) bool {
	norm := " " + t.norm + " "
	if len(strings.Fields(t.norm)) > 8 {
		return false
	}
	return hasAny(norm, backPhrases) && !Troubled(t)
}

// backPhrases say the person is back where the answer is (padded).
var backPhrases = padded(`back now|im back|i am back|ok back|okay back|back sorry|sorry back|back again|back here|
		at my laptop now|at my computer now|at my desk now|at the computer now|at my pc now|in front of it now|home now|im home`)

// MidThought reports whether the text only opens a thought: a word of
// thinking or a wait, and nothing after it ("wait", "oh", "hmm", "oh
// wait", "also"), as people send before the rest. The engine asks for
// the rest, with no miss.
func MidThought(t Text) bool {
	ws := strings.Fields(t.norm)
	if len(ws) == 0 || len(ws) > 3 {
		return false
	}
	for _, w := range ws {
		if !thinking[w] {
			return false
		}
	}
	return true
}

// thinking are the words a thought opens with before its point. Not
// "ok", "sorry" or "lol", which answer or close something themselves.
var thinking = set("wait", "waitt", "hmm", "hmmm", "hm", "um", "umm", "uh", "uhh", "ehm", "erm", "well", "oh", "ah", "so", "also", "and", "actually", "btw", "plus")

// AsksAgain reports whether the text asks for the question again ("what
// was the question again, sorry", "wait what did you ask", "can you
// repeat that"), and no more. The engine asks it again, with no miss.
func AsksAgain(t Text) bool {
	norm := " " + t.norm + " "
	if len(strings.Fields(t.norm)) > 9 || !hasAny(norm, againPhrases) {
		return false
	}
	return !Troubled(t)
}

// againPhrases ask for the question just sent (padded).
var againPhrases = padded(`what was the question|whats the question|what is the question|what did you ask|what did u ask|what are you asking|
		what were you asking|what was that question|what was your question|repeat the question|repeat that|repeat it|say that again|
		ask again|ask me again|what were the options|what are the options|what were my options|what were the choices|what are the choices|
		missed the question|missed your question|lost the question|didnt see the question|didnt get the question`)

// CutShort reports whether the text stops where a sentence cannot:
// after "the", "with", "my" or the like ("i log in with the"), as a text
// sent too early does. The engine asks for the rest, with no miss.
func CutShort(t Text) bool {
	ws := strings.Fields(t.norm)
	return len(ws) >= 2 && dangling[ws[len(ws)-1]]
}

// dangling are words no sentence ends on.
var dangling = set("the", "a", "an", "my", "our", "your", "their", "his", "her", "with", "to", "from", "of", "for", "and", "but", "or", "via", "using", "through", "into", "at")

// AsksAboutBot reports whether the text asks who or what is answering, or
// what becomes of what is sent: "are you a bot?", "who is this?", "how
// did you get my number?", "do you store what I send here?", "is it safe
// to send you my key?". The engine answers it in a short text (what
// textfix is, what it keeps, that HUMAN reaches a person), and goes on.
func AsksAboutBot(t Text) bool { return hasAny(" "+t.norm+" ", aboutBotPhrases) }

// aboutBotPhrases ask about the bot or what becomes of a text (padded).
var aboutBotPhrases = padded(`are you a bot|are you a robot|are you a person|are you a real person|are you human|are you a human|are you real|
		are you ai|are you an ai|is this a bot|is this automated|is this an automated|is this a real person|is this a person|is this ai|is this an ai|
		who is this|who are you|whos this|what is this number|whose number is this|how did you get my number|how do you have my number|
		do you store|do you keep|do you save|do you log|are these texts stored|is this logged|is this chat logged|is this conversation logged|
		will you see my|can you see my|is it safe to send|is it safe to paste|is it safe to share|is this private|is this secure|who can see this`)

// padded splits a "|"-separated list of phrases (newlines and indents
// ignored) and pads each with spaces, to be found whole in a text's
// normalised words padded the same way.
func padded(list string) []string {
	var ps []string
	for p := range strings.SplitSeq(list, "|") {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, " "+p+" ")
		}
	}
	return ps
}

// hasAny reports whether norm holds one of the padded phrases ps.
func hasAny(norm string, ps []string) bool {
	for _, p := range ps {
		if strings.Contains(norm, p) {
			return true
		}
	}
	return false
}

// Retracts reports whether the text takes back the one before it: it
// opens, maybe after a filler ("oops", "sorry"), with "ignore that",
// "ignore my last text", "scratch that", "disregard that", "forget what I
// said" or "wrong chat" ("correction: Max 20x" corrects a detail, and is
// read as an answer). more is true when something of its
// own follows ("ignore that, the real error is SELF_SIGNED_CERT_IN_CHAIN"),
// false for the take-back alone ("oops wrong chat, ignore that").
func Retracts(t Text) (ok, more bool) {
	ws := t.ws
	i := 0
	skip := func() {
		for i < len(ws) && (ws[i] == clauseBreak || fillers[ws[i]] || ws[i] == "oops" || ws[i] == "whoops" || ws[i] == "my" && i+1 < len(ws) && ws[i+1] == "bad") {
			if ws[i] == "my" {
				i++
			}
			i++
		}
	}
	skip()
	for n := phraseAt(ws, i, retractions); n > 0; n = phraseAt(ws, i, retractions) {
		i += n
		ok = true
		skip()
	}
	if !ok {
		return false, false
	}
	for _, w := range ws[i:] {
		if w != clauseBreak && !stopWords[w] && !fillers[w] && !retractWords[w] {
			return true, true
		}
	}
	return true, false
}

// retractions take back the text before (in words, as a Text has them).
var retractions = [][]string{
	{"ignore", "that"}, {"ignore", "this"}, {"ignore", "me"}, {"ignore", "my", "last", "text"}, {"ignore", "my", "last", "message"},
	{"ignore", "my", "last", "msg"}, {"ignore", "my", "last", "one"}, {"ignore", "the", "last", "one"}, {"ignore", "the", "last", "text"},
	{"ignore", "what", "i", "said"}, {"ignore", "what", "i", "said", "before"}, {"ignore", "previous"}, {"ignore", "the", "previous", "text"},
	{"scratch", "that"}, {"disregard", "that"}, {"disregard", "this"}, {"disregard", "my", "last", "text"}, {"disregard", "my", "last", "message"},
	{"forget", "that"}, {"forget", "what", "i", "said"}, {"never", "mind", "that"}, {"wrong", "chat"}, {"wrong", "number"}, {"wrong", "thread"},
	{"wrong", "person"}, {"sent", "to", "the", "wrong", "number"}, {"sent", "that", "by", "mistake"},
}

// retractWords may follow a take-back without saying anything of their
// own ("oops wrong chat, sorry, ignore that").
var retractWords = set("sorry", "oops", "whoops", "ignore", "that", "wrong", "chat", "mistake", "lol", "haha", "pls", "please", "thanks", "thx", "mb", "bad")
