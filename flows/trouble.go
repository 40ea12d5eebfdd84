package flows

import "strings"

// Trouble: whether a text says something went wrong. Intake sends trouble
// told in a sentence that no flow of ours takes to the catch-all
// (Library.othersTrouble), and the engine reads it in what people say
// after a fix.

// Troubled reports whether the text says something went wrong: a word
// like "error", "declined", "crashes" or "expired" (or a typo of one of
// five letters or more: "disconecting", "eror"), an HTTP error status,
// an error's name run together ("AccessDenied"), a phrase like "not
// working", a negation of what a thing should do ("no audio", "nobody
// can hear me"), or "keeps" doing something ("keeps logging me out").
func Troubled(t Text) bool {
	for i, w := range t.ws {
		if w == clauseBreak {
			continue
		}
		if errorWords[w] || troubleWords[w] || statusCode(w) || deniedFunction(t.ws, i) || keepsDoing(t.ws, i) || failureName(w) {
			return true
		}
		for k := range troubleStems {
			if troubleStems[k].begins(w, t.shapes[i]) {
				return true
			}
		}
	}
	norm := " " + t.norm + " "
	for _, p := range troublePhrases {
		if strings.Contains(norm, p) {
			return true
		}
	}
	return false
}

// failureName reports whether w is an error's name run together from
// words, ending in one that says it failed ("AccessDenied",
// "ConnectionRefused", "RequestTimeout", "ResourceNotFound").
func failureName(w string) bool {
	for _, suf := range failureEnds {
		if len(w) >= len(suf)+3 && strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

var failureEnds = []string{"denied", "refused", "failed", "failure", "timeout", "notfound", "forbidden", "unauthorized", "exception", "error", "invalid", "expired"}

// keepsDoing reports whether ws[i] says something happens over and over
// that nobody wants: "keeps" and an -ing word ("slack keeps logging me
// out", "it kept crashing"), not "keeps working".
func keepsDoing(ws []string, i int) bool {
	if ws[i] != "keeps" && ws[i] != "kept" && ws[i] != "keep" || i+1 >= len(ws) {
		return false
	}
	next := ws[i+1]
	return len(next) > 4 && strings.HasSuffix(next, "ing") && next != "working" && next != "going"
}

// deniedFunction reports whether ws[i] is a negation of something a
// thing should do or have ("no audio", "nobody can hear me", "canvas not
// accept my upload", "it never syncs"), not of what the person knows or
// is ("not sure", "don't know", "I'm not the admin", "no worries"), nor
// one thing set against another ("it was zsh not bash").
func deniedFunction(ws []string, i int) bool {
	if !negations[ws[i]] && ws[i] != "nobody" && ws[i] != "noone" && ws[i] != "couldnt" && ws[i] != "wouldnt" {
		return false
	}
	if ws[i] == "not" && i >= 2 && copulas[ws[i-2]] && ws[i-1] != clauseBreak {
		return false // "it was zsh not bash", "its 429 not 403": which one, no trouble
	}
	for _, w := range ws[i+1:] {
		switch {
		case w == clauseBreak:
			return false
		case betweens[w]:
			continue
		}
		return !notFunction[w] && !light[w] && !prepositions[w] && !negations[w]
	}
	return false
}

var (
	// copulas, a word before "not", make it a contrast ("it was zsh not
	// bash"), not a denial.
	copulas = set("was", "is", "its", "thats", "were", "are", "whats")
	// betweens stand between a negation and what it denies ("nobody
	// can hear me", "it doesn't even load").
	betweens = set("can", "could", "will", "would", "be", "is", "to", "get", "even", "really", "seem", "seems", "always", "actually", "just", "ever", "able")
	// notFunction are what a negation denies that is no trouble of a
	// thing: what the person knows, has in mind or is, and "no error".
	notFunction = set("sure", "idea", "clue", "worries", "worry", "problem", "problems", "issue", "issues", "error", "errors", "rush", "hurry", "admin",
		"owner", "know", "knowing", "remember", "think", "understand", "mean", "care", "mind", "thanks", "thank", "want", "need", "like", "use", "using",
		"longer", "more", "much", "big", "yet", "exactly", "way", "me", "you", "this", "what", "why", "how", "where", "who", "sir", "maam", "one",
		"anymore", "since", "matter", "biggie")
)

// troubleWords say something went wrong, beside errorWords; matched
// whole.
var troubleWords = set("problem", "problems", "issue", "issues", "trouble", "wrong", "stuck", "lost", "locked", "kicked", "kicks", "glitch", "glitching", "bug", "buggy", "lag", "lagging", "slow", "hangs", "hanging", "loop")

// troubleStems begin words that say something went wrong ("refuses",
// "disconnecting", "expiring"); a typo of one also counts.
var troubleStems = stems(
	"error", "fail", "crash", "declin", "refus", "reject", "denied", "disconnect", "expir", "freez", "frozen", "broke", "invalid", "unable", "unavailab",
	"forbid", "unauthori", "timeout", "exceed", "throttl", "blocked", "suspend", "drop", "disabled", "bounc", "corrupt")

// troublePhrases say it in several words; each is padded with spaces.
var troublePhrases = []string{" not working ", " doesnt work ", " dont work ", " didnt work ", " wont work ", " wont let ", " wont load ", " wont open ", " cant log ",
	" cant sign ", " times out ", " timed out ", " timing out ", " keeps asking ", " not accepted ", " doesnt accept ", " wont accept ", " never accepts ",
	" not going through ", " goes down ", " went down ", " logged out ", " logs me out ", " signed out ", " stopped working ", " not loading ", " not sending ",
	" on hold ", " paused ", " put on hold ", " went wrong ",
	// A feed or sync that stopped bringing things in ("the bank feed is
	// after stopping again, says it needs reconnecting").
	" needs reconnecting ", " need reconnecting ", " needs to be reconnected ", " is after stopping ", " stopped again ", " stopped syncing ",
	" not syncing ", " stopped updating ", " not updating ", " stopped coming in ", " not coming in ", " havent come in ", " have not come in "}
