package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is a text read once for matching: its normalised words (see
// [Normalize]), the clause breaks between them, and what typo matching
// needs to know of each word. Make one per inbound text with [NewText]
// and hand it to [Library.Classify], [Flow.Match] and [PickCandidate].
// A Text is immutable and safe for concurrent use; the zero Text is the
// empty text.
type Text struct {
	norm   string   // Normalize of the text
	first  int      // norm[:first] is the first clause
	ws     []string // words and clauseBreaks, the words substrings of norm
	shapes []shape  // shapes[i] is the shape of ws[i]
	// index holds two bits of wordHash for each word of ws and for each
	// word ending in "s" without it (a plural's singular); indexed says
	// it was filled. A phrase with a word whose bits are not all set
	// cannot match exactly (see phrase.mayOccur).
	index   [4]uint64
	indexed bool
	// sums has bit i set when ws[i] (i < 64) is a sum of money, a
	// number written after a currency sign ("$400"): no code.
	sums uint64
	// asked has bit i set when ws[i] (i < 64) ends a clause with "?".
	asked uint64
	// cut says the text ends inside its last word, which has four runes
	// or more and is no number: a paste cut short may end mid-word
	// ("disabled API key authenticat"; see marks.mark).
	cut bool
}

// wordHash is FNV-1a of w.
func wordHash(w string) uint64 {
	h := uint64(14695981039346656037)
	for i := range len(w) {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	return h
}

// add sets h's bits in t's index.
func (t *Text) add(h uint64) {
	a, b := h&255, (h>>8)&255
	t.index[a>>6] |= 1 << (a & 63)
	t.index[b>>6] |= 1 << (b & 63)
}

// covers reports whether every bit of m is set in t's index.
func (t *Text) covers(m *[4]uint64) bool {
	return m[0]&^t.index[0]|m[1]&^t.index[1]|m[2]&^t.index[2]|m[3]&^t.index[3] == 0
}

// may reports whether a word of hash h may be among t's words (or their
// singulars): false means it is not; true, that it may be.
func (t *Text) may(h uint64) bool {
	a, b := h&255, (h>>8)&255
	return t.index[a>>6]&(1<<(a&63)) != 0 && t.index[b>>6]&(1<<(b&63)) != 0
}

// Normalized returns the text as [Normalize] returns it.
func (t Text) Normalized() string { return t.norm }

// FirstClause returns the text as [FirstClause] returns it.
func (t Text) FirstClause() string { return t.norm[:t.first] }

// Clauses returns the normalised words of each of t's clauses, in order.
func (t Text) Clauses() [][]string {
	var out [][]string
	clauses(t.ws, func(c []string) bool {
		out = append(out, c)
		return true
	})
	return out
}

// Normalize lowercases s and reduces it to words: letters, digits and '_'
// survive, everything else separates words; a dot that starts a word is
// the word "dot" (".env" is "dot env"), "w/" and "w/o" are "with" and
// "without", words as typed on a phone or cut short are what they stand
// for ("b4" is "before", "on n off" is "on and off", "lim" is "limit":
// textspeak), and "cc" or "sf" opening a text is Claude Code or
// Salesforce (openers). A starred word corrects the earlier word it is
// closest to ("my anthropomorphic key *anthropic": starred), and a
// phone's reaction quoting the bot is the reaction (tapback). A few emoji become the words
// they mean (👍 → yes), and an error code or an hour said in words
// becomes digits ("four oh three" → 403, "four PM" → 4 pm; see spoken);
// a Claude plan in brackets is the plan they are on ("Claude Code (Max)"
// is "claude code on max").
// Matching always works on normalised text, so
// "Region-not-supported!" and "region not supported" are the same.
func Normalize(s string) string { return NewText(s).norm }

// FirstClause returns the normalised words of s up to its first clause
// break ("no, it still fails" → "no").
func FirstClause(s string) string { return NewText(s).FirstClause() }

// clauseBreak stands between clauses in a Text's words, so that a phrase
// or a negation never reaches across "didn't work, got 403".
const clauseBreak = "|"

// NewText reads s: first it rewrites signs typed for words, what
// dictation leaves and codes said as words (shorthand, dictated, spoken:
// "curl → 200" → "curl gives 200", "A P I key comma" → "API key,", "four
// oh three" → "403"); then it splits s into normalised words with a
// clause break
// where s has , ; . ! ? or a new line followed by a space (so "4.5" is
// two words, not two clauses). A number with a plural or past ending
// counts as the number ("403s", "403'd" → "403"). It notes what the
// normalised words lose: a number right after a currency sign is a sum
// (Text.sums); a clause that ended with "?" (Text.asked); and a word
// written as a name, beginning with a capital inside a sentence and not
// all capitals ("uploads to Vimeo"; not "Our" opening a sentence or a
// quote, not "API"), or opening one right before a word that says what
// a thing does ("Jobber says …", reportVerbs), or one of one or two words
// that open the text before a colon ("kahoot: players get …"; written in
// any case), or an acronym of three letters or more in a text not all
// capitals ("the UKG timeclocks"; the trade's own, like API, are
// notNames), or anywhere with a capital
// inside it after a small letter ("ClassDojo", "ezyVet"; not the devices
// of notProper, "iPhone"), has its shape's name set (a phrase's "^"
// matches it).
func NewText(s string) Text {
	s = spoken(dictated(shorthand(starred(tapback(s)))))
	type span struct{ start, end int32 } // of a word in norm; start < 0: a break
	var (
		b       strings.Builder
		curBuf  [64]byte
		cur     = curBuf[:0] // the word being read, lowercased
		spanBuf [48]span
		spans   = spanBuf[:0]
		first   = -1
		sums    uint64
		asked   uint64
		sum     bool // the word being read follows a currency sign
		names   uint64
		opening = true // the next word opens a sentence or a quote
		capital bool   // the word being read began with a capital inside a sentence
		lower   bool   // the word being read has a small letter
		camel   bool   // the word being read has a capital after a small letter
		leading bool   // the word being read began with a capital opening a sentence
		opens   uint64 // words that began with a capital opening a sentence
		caps    uint64 // words of three letters or more, all capitals
		small   bool   // the text has a small letter
		prev    rune   // the letter or digit before, in the word being read
	)
	b.Grow(len(s) + 8)
	// begin and end bracket a word written to b.
	begin := func() int32 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		return int32(b.Len())
	}
	end := func(start int32) { spans = append(spans, span{start, int32(b.Len())}) }
	flush := func() {
		if len(cur) > 0 {
			if sum && len(spans) < 64 {
				sums |= 1 << len(spans)
			}
			if (capital && lower || camel) && len(spans) < 64 {
				names |= 1 << len(spans)
			}
			// A capital opening a sentence is a name when the next word
			// says what the thing does ("Jobber says …", "Podbean keeps
			// failing"), as a capital inside one is.
			if k := len(spans) - 1; k >= 0 && k < 64 && opens&(1<<k) != 0 && reportVerbs[string(cur)] {
				names |= 1 << k
			}
			if leading && lower && len(spans) < 64 {
				opens |= 1 << len(spans)
			}
			if (capital || leading) && !lower && len(cur) >= 3 && len(spans) < 64 && strings.Trim(string(cur), "abcdefghijklmnopqrstuvwxyz") == "" {
				caps |= 1 << len(spans)
			}
			opening, capital, lower, camel, leading = false, false, false, false, false
			at := begin()
			full, ok := textspeak[string(cur)]
			if !ok && len(spans) == 0 {
				full, ok = openers[string(cur)]
			}
			if ok {
				// What it stands for, a word at a time ("apikey" is two).
				for i, w := range strings.Fields(full) {
					if i > 0 {
						end(at)
						at = begin()
					}
					b.WriteString(w)
				}
			} else {
				b.Write(americanize(bySound(cur[:numberEnd(cur)])))
			}
			end(at)
			cur = cur[:0]
		}
		sum = false
	}
	brk := func() {
		flush()
		if len(spans) > 0 && spans[len(spans)-1].start >= 0 {
			if first < 0 {
				first = b.Len()
			}
			spans = append(spans, span{-1, -1})
		}
	}
	emit := func(w string) {
		flush()
		at := begin()
		b.WriteString(w)
		end(at)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '👍', '✅', '👌', '✔', '💯':
			emit("yes")
			continue
		case '🙏':
			emit("thanks")
			continue
		case '🤷':
			emit("dunno")
			continue
		case '👎', '❌', '✖':
			emit("no")
			continue
		case '\'', '’': // don't → dont
			if len(cur) == 0 {
				opening = true // a quote opens
			}
			continue
		case '\n', ';', '!', '?':
			brk()
			if n := len(spans) - 2; r == '?' && n >= 0 && n < 64 && spans[n].start >= 0 {
				asked |= 1 << n
			}
			opening = true
			continue
		case '·', '•':
			// A status line's separator ("Invalid API key · Please run
			// /login"): a capital after it opens a part, like a sentence.
			flush()
			opening = true
			continue
		case ':', '"', '“', '‘', '(', '«':
			flush()
			// One or two words that open the text before a colon label
			// what shows the error ("kahoot: players get …", "Ecwid
			// import: Error in line 2"): a name, as if written as one.
			if r == ':' && first < 0 && (len(spans) == 1 || len(spans) == 2) && (i == len(s) || s[i] == ' ') {
				names |= 1<<len(spans) - 1
			}
			// A plan in brackets is the plan the person is on: "Claude
			// Code (Max) gives …" says "on Max".
			if r == '(' && planInBrackets(s[i:]) {
				emit("on")
			}
			opening = true
			continue
		case '/':
			// "w/ an api key" is "with an api key", "w/o" is "without".
			if len(cur) == 1 && cur[0] == 'w' {
				cur = cur[:0]
				if i < len(s) && (s[i] == 'o' || s[i] == 'O') && (i+1 == len(s) || !unicode.IsLetter(rune(s[i+1]))) {
					i++
					emit("without")
				} else {
					emit("with")
				}
				continue
			}
		case ',', '.':
			if r == ',' && thousands(cur, s[i:]) {
				continue // "2,300 runners" is 2300 runners
			}
			next, size := utf8.DecodeRuneInString(s[i:])
			if i == len(s) || unicode.IsSpace(next) {
				brk()
				opening = opening || r == '.'
				continue
			}
			// A sentence may end inside a bracket or a quote: "(Connection
			// error.) Retrying …" opens a new one as ". " does.
			if after, _ := utf8.DecodeRuneInString(s[i+size:]); r == '.' && strings.ContainsRune(`)]"”'’`, next) && (i+size == len(s) || unicode.IsSpace(after)) {
				brk()
				opening = true
				i += size
				continue
			}
			if r == '.' && len(cur) == 0 && unicode.IsLetter(next) && (i < 2 || s[i-2] != '.') {
				// A dotfile keeps its dot as a word: ".env" is "dot env",
				// not the "env" of "env var" (an ellipsis is no dot). A
				// shell's own file needs none: "~/.zshrc" is "zshrc", as
				// people also write it.
				if !shellFile(s[i:]) {
					emit("dot")
				}
				continue
			}
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			if len(cur) == 0 {
				capital = unicode.IsUpper(r) && !opening
				leading = unicode.IsUpper(r) && opening
			} else if unicode.IsUpper(r) && unicode.IsLower(prev) {
				camel = true
			}
			prev = r
			lower = lower || unicode.IsLower(r)
			small = small || lower
			cur = utf8.AppendRune(cur, unicode.ToLower(r))
			continue
		}
		if r == ' ' && len(cur) == 1 && cur[0] == 'n' && len(spans) > 0 && spans[len(spans)-1].start >= 0 {
			// "on n off": "n" between words is "and" (not the n of "n/a").
			cur = append(cur[:0], "and"...)
		}
		flush()
		// A currency sign: the word right after it is a sum ("$400").
		sum = unicode.Is(unicode.Sc, r)
	}
	flush()
	// An acronym in a text that is not all capitals names a thing ("The
	// UKG timeclocks say Unauthorized", "the ECDIS fails"); the trade's
	// own (API, SMS, IT) are notNames.
	if small {
		names |= caps
	}
	for len(spans) > 0 && spans[len(spans)-1].start < 0 {
		spans = spans[:len(spans)-1]
	}
	t := Text{norm: b.String(), first: first, sums: sums, asked: asked}
	if last, _ := utf8.DecodeLastRuneInString(s); len(spans) > 0 && spans[len(spans)-1].start >= 0 && (unicode.IsLetter(last) || unicode.IsDigit(last)) {
		w := t.norm[spans[len(spans)-1].start:spans[len(spans)-1].end]
		t.cut = utf8.RuneCountInString(w) >= 4 && strings.Trim(w, "0123456789") != ""
	}
	if t.first < 0 || len(spans) == 0 {
		t.first = len(t.norm)
	}
	if len(spans) == 0 {
		return t
	}
	t.ws, t.shapes = wordSlices(len(spans))
	for i, sp := range spans {
		if sp.start < 0 {
			t.ws[i] = clauseBreak
			continue
		}
		t.ws[i] = t.norm[sp.start:sp.end]
		t.shapes[i] = shapeOf(t.ws[i])
		t.shapes[i].name = i < 64 && names&(1<<i) != 0 && !notProper[t.ws[i]]
	}
	for _, w := range t.ws {
		t.add(wordHash(w))
		if n := len(w) - 1; n > 0 && w[n] == 's' {
			t.add(wordHash(w[:n]))
		}
	}
	t.indexed = true
	return t
}

// planInBrackets reports whether rest, what follows a "(", opens with
// the name of a Claude plan that the bracket or a comma closes ("Max)",
// "Pro plan)", "Max 20x, paid till March)").
func planInBrackets(rest string) bool {
	for _, p := range []string{"max", "pro", "team", "enterprise"} {
		if len(rest) < len(p) || !strings.EqualFold(rest[:len(p)], p) {
			continue
		}
		rest = rest[len(p):]
		for _, tail := range []string{" plan", " 5x", " 20x", " subscription"} {
			if len(rest) >= len(tail) && strings.EqualFold(rest[:len(tail)], tail) {
				rest = rest[len(tail):]
				break
			}
		}
		return rest != "" && (rest[0] == ')' || rest[0] == ',')
	}
	return false
}

// reportVerbs, right after a capital that opens a sentence, make it a
// name: what follows says what a thing does or shows.
var reportVerbs = set("says", "keeps", "shows", "wont", "doesnt", "isnt", "cant", "crashes", "crashed", "rejects", "rejected", "refuses",
	"refused", "declines", "declined", "fails", "failed", "throws", "threw", "gives", "gave")

// thousands reports whether a comma between the number being read, cur,
// and rest separates its thousands: cur is digits and rest opens with
// exactly three digits.
func thousands(cur []byte, rest string) bool {
	if len(cur) == 0 || strings.Trim(string(cur), "0123456789") != "" || len(rest) < 3 {
		return false
	}
	for k := range 3 {
		if rest[k] < '0' || rest[k] > '9' {
			return false
		}
	}
	return len(rest) == 3 || rest[3] < '0' || rest[3] > '9'
}

// wordSlices returns a Text's ws and shapes for n words, in one
// allocation for texts of up to 16 words (most texts).
func wordSlices(n int) ([]string, []shape) {
	switch {
	case n <= 4:
		a := new(struct {
			ws     [4]string
			shapes [4]shape
		})
		return a.ws[:n:n], a.shapes[:n:n]
	case n <= 8:
		a := new(struct {
			ws     [8]string
			shapes [8]shape
		})
		return a.ws[:n:n], a.shapes[:n:n]
	case n <= 16:
		a := new(struct {
			ws     [16]string
			shapes [16]shape
		})
		return a.ws[:n:n], a.shapes[:n:n]
	}
	return make([]string, n), make([]shape, n)
}

// americanize spells a word's "-ised", "-ising" and "-isation" ending
// the American way, as vendors' messages do: "unauthorised" is
// "unauthorized", "organisation" is "organization". Both a text and the
// flows' words go through it, so a word that merely ends so ("promised")
// still matches itself.
func americanize(w []byte) []byte {
	for _, e := range [...]struct{ uk, us string }{{"ised", "ized"}, {"ising", "izing"}, {"isation", "ization"}, {"isations", "izations"}} {
		if n := len(w) - len(e.uk); n >= 3 && string(w[n:]) == e.uk {
			copy(w[n:], e.us)
			return w
		}
	}
	return w
}

// textspeak are words as people type them on a phone, and the words they
// stand for (one or two).
var textspeak = map[string]string{
	"b4": "before", "u": "you", "ur": "your", "smth": "something", "sth": "something", "2day": "today", "tmrw": "tomorrow",
	"tmr": "tomorrow", "2moro": "tomorrow", "thru": "through", "tho": "though", "ppl": "people", "abt": "about", "cuz": "because",
	"coz": "because", "bcuz": "because", "bcoz": "because", "w": "with", "evry": "every", "sumtimes": "sometimes",
	// Words cut short in a hurry ("opus lim hit", "stripe decl").
	"lim": "limit", "lims": "limits", "decl": "declined", "err": "error", "errs": "errors", "sess": "session", "anthro": "anthropic",
	"gh": "github", "acct": "account", "pw": "password", "pwd": "password", "reqs": "requests", "perms": "permissions", "msgs": "messages",
	"biz": "business",
	// Spelt as it sounds ("it sez", "api kee", "werks now").
	"sez": "says", "kee": "key", "kees": "keys", "fixt": "fixed", "aloud": "allowed", "meen": "mean", "tokin": "token", "yore": "your",
	"eror": "error", "erors": "errors", "wen": "when", "wat": "what", "wats": "whats", "werk": "work", "werks": "works", "werked": "worked",
	"werking": "working", "akount": "account", "declind": "declined", "anthropick": "anthropic", "clawd": "claude", "acess": "access",
	"bild": "build", "consol": "console", "alowed": "allowed", "overloded": "overloaded", "bort": "bought", "balanse": "balance",
	// Run together ("my apikey").
	"apikey": "api key", "apikeys": "api keys", "claudecode": "claude code",
}

// soundEndings are word endings spelt as they sound, and how they are
// written ("organizashun", "insufishent"); only on words of seven letters
// or more, so "shun" itself stays.
var soundEndings = [...]struct{ heard, written string }{{"shun", "tion"}, {"shuns", "tions"}, {"shent", "cient"}}

// openers are short names that stand for a product when they open a
// text ("cc overloaded", "sf 401 again"); elsewhere they may be another
// thing ("my cc was declined", "our SF office", "api.cc.email").
var openers = map[string]string{"cc": "claude code", "sf": "salesforce"}

// bySound rewrites a word's ending spelt as it sounds (soundEndings).
func bySound(w []byte) []byte {
	if len(w) < 7 {
		return w
	}
	for _, e := range soundEndings {
		if n := len(w) - len(e.heard); string(w[n:]) == e.heard {
			return append(w[:n], e.written...)
		}
	}
	return w
}

// numberEnd is where w ends once a number's ending is cut: "403s",
// "403d", "403ed", "403es", "429ing" end after the digits.
func numberEnd(w []byte) int {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 || i == len(w) {
		return len(w)
	}
	switch string(w[i:]) {
	case "s", "d", "ed", "es", "ing":
		return i
	}
	return len(w)
}

// shellFiles are the dotfiles a shell reads, whose names say so without
// their dot.
var shellFiles = []string{"bashrc", "bash_profile", "bash_login", "zshrc", "zprofile", "zshenv", "zlogin"}

// shellFile says s starts with the name of one of shellFiles, in any case,
// ending there.
func shellFile(s string) bool {
	for _, f := range shellFiles {
		if len(s) >= len(f) && strings.EqualFold(s[:len(f)], f) {
			if rest := s[len(f):]; rest == "" || !isWordByte(rest[0]) {
				return true
			}
		}
	}
	return false
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}
