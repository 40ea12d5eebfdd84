package flows

import (
	"math/bits"
	"strings"
)

// Typos. A wanted word (an intake signal's, a choice's) of five runes or
// more also matches a word of the text one edit away, of eight or more
// two edits away, so "regoin" finds "region". An edit inserts, deletes or
// substitutes a rune or swaps two neighbours (the optimal string alignment
// distance). A word with a digit never matches by a typo, either way round.
//
// Most pairs are rejected before any distance is computed: by length, and
// by the runes each word has that the other lacks, which k edits can
// change by at most k each way.

// shape is what typo matching needs to know of a word. It is computed
// once: for a flow's words when the flows load, for a text's when the
// Text is made.
type shape struct {
	runes int32  // length in runes
	edits int8   // typos allowed when this word is the wanted one: 0, 1 or 2
	digit bool   // has an ASCII digit
	mask  uint64 // bit r%64 set for every rune r of the word
	name  bool   // a text's word written as a name (see Text)
}

// notProper are words written with a capital inside a sentence, or with
// one inside the word, that name no product: days, months, "I" and its
// contractions, and the devices and systems a product runs on ("iPhone").
var notProper = set("i", "im", "ive", "id", "ill", "iphone", "ipad", "imac", "ipod", "ios", "ipados", "macos", "watchos", "macbook", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "january", "february", "march", "april", "june", "july", "august",
	"september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"christmas", "easter", "god", "mr", "mrs", "ms", "dr")

func shapeOf(w string) shape {
	var s shape
	for _, r := range w {
		s.runes++
		s.mask |= 1 << (uint32(r) & 63)
		if r >= '0' && r <= '9' {
			s.digit = true
		}
	}
	switch {
	case s.digit:
	case s.runes >= 8:
		s.edits = 2
	case s.runes >= 5:
		s.edits = 1
	}
	return s
}

// word is a normalised word and its shape.
type word struct {
	s string
	shape
	// suffix: any longer word that ends in s matches ("*error" in a
	// phrase is "SMTPAuthenticationError", "FirebaseError").
	suffix bool
	// thing, with suffix and no s: the word is a thing, not a person
	// ("~" in a phrase; see thingLike).
	thing bool
	// number, with suffix and no s: the word is a number of three digits
	// or more ("#" in a phrase).
	number bool
	// alts, with suffix and no s: the word is any of a word class's
	// one-word entries ("{party}" in a phrase; see classes.go).
	alts *alternatives
	// proper, with suffix and no s: the word is written as a name and
	// can name a thing ("^" in a phrase: "Podbean", "GoCardless").
	proper bool
	// hash is wordHash(s), for a Text's index of its words (text.go).
	hash uint64
}

func newWord(s string) word { return word{s: s, shape: shapeOf(s), hash: wordHash(s)} }

// matches reports whether got (of shape gs) is the wanted word w, its
// plural, or, when fuzzy, a typo of it.
func (w *word) matches(got string, gs shape, fuzzy bool) bool {
	if w.suffix {
		if w.thing {
			return thingLike(got)
		}
		if w.number {
			return digits(got)
		}
		if w.alts != nil {
			return w.alts.matches(got, gs, fuzzy)
		}
		if w.proper {
			return gs.name && nameLike(got)
		}
		if w.s == "" {
			return nameLike(got)
		}
		return len(got) > len(w.s) && strings.HasSuffix(got, w.s)
	}
	return w.s == got || w.plural(got) || fuzzy && w.typo(got, gs)
}

// nameLike reports whether w can name a thing ("figma", "pharmacy",
// "charger"): no article, pronoun or other word of grammar, no trouble
// word, no error's own name ("TypeError", "ECONNRESET"), no number, and
// no word for a kind of thing that leaves which one it is to ask ("app",
// "site").
func nameLike(w string) bool {
	return len(w) >= 2 && strings.Trim(w, "0123456789") != "" && !light[w] && !negations[w] && !prepositions[w] && !errorWords[w] &&
		!troubleWords[w] && !notNames[w] && !failureName(w) && !errnos[w]
}

// errnos are the system's names for failed calls, as Node and curl print
// them ("ECONNRESET", "getaddrinfo ENOTFOUND"): written in capitals, they
// are no acronym of a product.
var errnos = set("econnreset", "econnrefused", "econnaborted", "etimedout", "enotfound", "eai_again", "ehostunreach", "enetunreach", "epipe",
	"eacces", "eperm", "enoent", "eaddrinuse", "eproto", "ecanceled", "enetdown")

// thingLike reports whether w can be a thing that says something ("the
// card reader says …"): a word that is no person (people, or a role or
// member of a team: roles, memberWords), pronoun, article or other word
// of grammar, and no number.
func thingLike(w string) bool {
	return len(w) >= 2 && w != clauseBreak && strings.Trim(w, "0123456789") != "" && !light[w] && !negations[w] && !prepositions[w] &&
		!people[w] && !roles[w] && !memberWords[w] && !people[strings.TrimSuffix(w, "s")] // "my son's school" is not mine
}

// people are words for a person besides roles and members of a team:
// what they say is no message of a thing.
var people = set("me", "you", "he", "she", "they", "him", "her", "us", "them", "someone", "somebody", "everyone", "everybody", "nobody",
	"anyone", "people", "person", "managers", "colleagues", "coworkers", "friend", "friends", "wife", "husband", "partner", "son", "daughter",
	"kid", "kids", "mom", "mum", "dad", "mother", "father", "brother", "sister", "customer", "customers", "client", "clients", "teacher",
	"doctor", "support", "agent", "rep", "tech", "technician", "guy", "guys", "lady", "man", "woman", "team", "employees", "users", "bank",
	"landlord")

// notNames are words that name no thing of their own.
var notNames = set("update", "updates", "question", "help", "urgent", "issue", "problem", "fyi", "note", "hi", "hey", "hello", "re", "fwd", "ps", "edit",
	// Acronyms of the trade and of daily life, written in capitals
	// (Text marks other acronyms as names).
	"api", "sms", "mms", "url", "http", "https", "json", "xml", "csv", "pdf", "usb", "vpn", "ssl", "tls", "dns", "cli", "sdk", "ceo", "cto", "cfo",
	"coo", "nhs", "asap", "btw", "imo", "lol", "omg", "tbh", "idk", "wtf", "ssh", "ssd", "ram", "cpu", "gpu", "pin", "otp", "mfa", "sso", "eta",
	"utc", "gmt", "usd", "gbp", "eur", "cad", "aud", "inr", "usa", "llm", "sql", "css", "html", "php", "ftp", "smtp", "imap", "tcp", "udp",
	"lan", "wan", "isp", "nfc", "sim", "ach", "atm", "pos", "cvc", "cvv", "avs", "kyc", "pci", "iam", "env", "crm", "erp", "vat", "gst", "faq",
	// Where code runs, as developers write it.
	"gha", "cicd", "vpc", "pat", "jwt", "ttl", "tbd", "wip", "prod", "dev", "qa", "uat",
	"ftw", "pls", "plz", "thx", "msg", "err", "null", "true", "false", "stop", "start", "unstop", "yes", "all", "the", "and", "not", "but", "now",
	"new", "ask", "why", "how", "who", "what", "when", "any", "get", "got", "can", "cant", "dont", "wont", "its", "you", "our", "out", "off",
	"work", "works", "still", "again", "today", "please", "really", "error",
	"this", "these", "those", "which", "who", "what", "thing", "something", "everything", "nothing", "anything", "stuff", "screen",
	"page", "message", "app", "apps", "site", "website", "portal", "account", "api", "desktop", "program", "software", "system", "tool", "service",
	"still", "just", "also", "now", "then", "and", "but", "so", "when", "because", "why", "how", "does", "do", "did", "has", "have", "had", "will",
	"would", "can", "could", "should", "really", "suddenly", "randomly", "constantly", "literally", "actually", "again", "always", "keeps", "says",
	"he", "she", "they", "you", "me", "us", "them", "his", "her", "mine", "yours", "ours", "theirs", "new", "old", "same", "other", "web", "online",
	"mobile", "phone", "laptop", "computer", "pc", "mac", "windows", "iphone", "android", "work", "school", "company", "wifi", "internet", "network",
	"connection", "printer", "email", "mail", "browser", "camera", "microphone", "mic", "audio", "sound", "video", "keyboard", "mouse", "tv", "router",
	"card", "cards", "payment", "payments", "credit", "debit", "bank", "transfer", "order", "upload", "download", "login", "password", "code",
	// Plans, shouted ("I have MAX", "on PRO"): a tier of a product, not one.
	"max", "pro", "plus", "premium", "free", "team", "enterprise")

// stem is the start of words: "refus" begins "refuses" and "refused".
// A word that begins with a typo of a stem of five runes or more (one
// edit) begins with it too: "disconecting", "eror".
type stem struct{ word }

func stems(ss ...string) []stem {
	out := make([]stem, len(ss))
	for i, s := range ss {
		out[i] = stem{newWord(s)}
		out[i].edits = min(out[i].edits, 1)
	}
	return out
}

// begins reports whether got (of shape gs) begins with the stem.
func (st *stem) begins(got string, gs shape) bool {
	if strings.HasPrefix(got, st.s) {
		return true
	}
	if st.edits == 0 || gs.digit {
		return false
	}
	for n := len(st.s) - 1; n <= len(st.s)+1 && n <= len(got); n++ {
		if p := got[:n]; st.typo(p, shapeOf(p)) {
			return true
		}
	}
	return false
}

// alternatives are the words a class word may be, each as a word with
// its shape, for typos.
type alternatives struct {
	set   map[string]bool
	words []word
}

func newAlternatives(ws []string) *alternatives {
	a := &alternatives{set: map[string]bool{}}
	for _, w := range ws {
		if !a.set[w] {
			a.set[w] = true
			a.words = append(a.words, newWord(w))
		}
	}
	return a
}

// has reports whether got is one of a's words or its plural.
func (a *alternatives) has(got string) bool {
	return a.set[got] || len(got) > 3 && got[len(got)-1] == 's' && a.set[got[:len(got)-1]]
}

// matches is word.matches for any of a's words.
func (a *alternatives) matches(got string, gs shape, fuzzy bool) bool {
	if a.has(got) {
		return true
	}
	if fuzzy {
		for i := range a.words {
			if a.words[i].typo(got, gs) {
				return true
			}
		}
	}
	return false
}

// plural reports whether got is w with an "s" added ("keys" for "key"):
// a word of three letters or more, not a number.
func (w *word) plural(got string) bool {
	return len(got) == len(w.s)+1 && len(w.s) >= 3 && !w.digit && got[len(w.s)] == 's' && got[:len(w.s)] == w.s
}

// typo reports whether got (of shape gs) is within the edits w allows.
func (w *word) typo(got string, gs shape) bool {
	return w.near(gs) && withinEdits(w.s, got, int(w.edits))
}

// near reports whether a word of shape gs may be within the edits w
// allows, by its length and runes: false means it is not.
func (w *word) near(gs shape) bool {
	k := int(w.edits)
	if k == 0 || gs.digit {
		return false
	}
	if d := int(w.runes - gs.runes); d > k || -d > k {
		return false
	}
	// Each edit removes at most one rune of w and adds at most one of got.
	return bits.OnesCount64(w.mask&^gs.mask) <= k && bits.OnesCount64(gs.mask&^w.mask) <= k
}

// withinEdits reports whether a and b are at most k edits apart. It
// allocates nothing for words of up to 32 runes.
func withinEdits(a, b string, k int) bool {
	var abuf, bbuf [32]rune
	ra, rb := abuf[:0], bbuf[:0]
	for _, r := range a {
		ra = append(ra, r)
	}
	for _, r := range b {
		rb = append(rb, r)
	}
	return osaWithin(ra, rb, k)
}

// osaWithin reports whether the optimal string alignment distance of a
// and b is at most k. It fills only the band of cells |i-j| <= k (a cell
// outside is more than k already) with distances capped at k+1, and gives
// up as soon as a whole row is over k (rows never get cheaper).
func osaWithin(a, b []rune, k int) bool {
	n, m := len(a), len(b)
	if n-m > k || m-n > k {
		return false
	}
	var buf [3 * 34]int32
	var rows []int32
	if 3*(m+1) <= len(buf) {
		rows = buf[:3*(m+1)]
	} else {
		rows = make([]int32, 3*(m+1))
	}
	prev2, prev, cur := rows[:m+1], rows[m+1:2*(m+1)], rows[2*(m+1):]
	far := int32(k + 1)
	for j := range prev {
		prev[j] = min(int32(j), far)
	}
	for i := 1; i <= n; i++ {
		lo, hi := max(1, i-k), min(m, i+k)
		cur[lo-1] = far
		if lo == 1 {
			cur[0] = min(int32(i), far)
		}
		if hi < m {
			cur[hi+1] = far
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			v := prev[j-1]
			if a[i-1] != b[j-1] {
				v++
			}
			v = min(v, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			v = min(v, far)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > int32(k) {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m] <= int32(k)
}
