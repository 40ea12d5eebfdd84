package bot

import (
	"math/bits"
	"regexp"
	"strings"
)

// Redacted replaces a secret in stored text.
const Redacted = "[REDACTED]"

// Redact removes secrets (API keys, tokens, JWTs, private keys, passwords,
// the password of a URL, email addresses, card numbers, US social security
// numbers) from s and keeps every other byte of it, emoji included.
// Everything the engine stores, and everything that reaches a page or an
// operator summary, passes through it.
//
// It is cheap on ordinary text. One pass over the bytes (scan) finds the
// anchors present and where their literals are; only the rules whose
// anchors are all there run, and a rule's regexp is tried only at those
// places, so its cost follows the candidates, not the length of the text.
// When nothing is redacted Redact returns s itself, and a text without
// anchors costs no allocation.
func Redact(s string) string {
	var buf [16]hit
	found, hits := scan(s, buf[:0])
	if found == 0 {
		return s
	}
	for i := range rules {
		r := &rules[i]
		if found&r.needs != r.needs {
			continue
		}
		var spans []span
		if r.re != nil {
			spans = r.re.find(s, hits, r.needs)
		} else {
			spans = r.find(s)
		}
		if len(spans) > 0 {
			s, hits = cut(s, spans), shift(hits, spans)
		}
	}
	return s
}

// rule finds one shape of secret. It runs only when the text holds all of
// its anchors: the anchors are necessary for a match, never sufficient.
// A redaction never creates an anchor (Redacted holds none and starts and
// ends with a bracket), so what scan found stays true, moved by shift, as
// the rules run one after another.
type rule struct {
	needs anchor
	// The secrets are the matches of a regexp …
	re *regexpRule
	// … or found by hand: in order, not overlapping.
	find func(s string) []span
}

// rules run in order: specific shapes before the generic "key=value" one.
var rules = compile([]rule{
	// The whole block, to its END line or, cut off, to the end of the text.
	{needs: anchorPEM, re: &regexpRule{pattern: `-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)`}},
	{needs: anchorURL | anchorAt, find: urlPasswords},
	{needs: anchorAnthropic, re: &regexpRule{pattern: `sk-ant-[A-Za-z0-9_-]{6,}`}},
	{needs: anchorOpenAI, re: &regexpRule{at: wordStart, pattern: `sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}`}},
	{needs: anchorAWS, re: &regexpRule{at: wordStart, pattern: `(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b`}},
	{needs: anchorGitHub, re: &regexpRule{at: wordStart, pattern: `(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})`}},
	{needs: anchorSlack, re: &regexpRule{at: wordStart, pattern: `(?:xox[abprse]|xapp)-[A-Za-z0-9-]{8,}`}},
	{needs: anchorStripe, re: &regexpRule{at: wordStart, pattern: `(?:(?:sk|rk|pk)_(?:live|test)|whsec)_[A-Za-z0-9]{8,}`}},
	{needs: anchorJWT, re: &regexpRule{at: wordStart, pattern: `eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}`}},
	// "Bearer abc…", "Basic dXNl…"; "basic subscription" is a word.
	{needs: anchorAuth, re: &regexpRule{at: wordStart, pattern: `(?i)(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})`, keep: plainWord}},
	{needs: anchorAWSSecret, re: &regexpRule{at: nameStart, pattern: `(?i)(?:aws_secret_access_key|secret_access_key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{16,})`}},
	{needs: anchorAssign, re: &regexpRule{at: nameStart, pattern: `(?i)(?:[a-z0-9]+[_-])*(?:api[_-]?key|apikey|token|secret|auth[_-]?token)["']?\s*[:=]\s*["']?([^\s"',;]{8,})`}},
	// "password: x", "DB_PASSWORD=x", "my password is x", "the pw was 'x y'":
	// the value, of any length, quoted or up to the next blank. A word
	// that describes the password instead ("is wrong") stays.
	{needs: anchorPassword, re: &regexpRule{at: nameStart, keep: notAPassword,
		pattern: `(?i)(?:[a-z0-9]+[_-])*(?:pass(?:word|wd|code|phrase)?|pwd?)` +
			`(?:["']?[ \t]*[:=][ \t]*|[ \t]+(?:is|was)[ \t]*:?[ \t]+)` +
			`(?:"([^"\n]+)"|'([^'\n]+)'|“([^”\n]+)”|‘([^’\n]+)’|([^\s"',;]+))`}},
	{needs: anchorAt, find: emails},
	{needs: anchorDigits, find: cards},
	{needs: anchorSSN, find: ssns},
})

// compile compiles the regexps of rules, once, as the package starts.
func compile(rules []rule) []rule {
	for _, r := range rules {
		if r.re != nil {
			r.re.re = regexp.MustCompile(`\A(?:` + r.re.pattern + `)`)
		}
	}
	return rules
}

// anchor is a set of cheap clues, found by scan, that a rule could match.
type anchor uint32

const (
	anchorAnthropic anchor = 1 << iota // "sk-ant-"
	anchorOpenAI                       // "sk-"
	anchorAWS                          // "AKIA", "ASIA", "AGPA", "AIDA", "AROA"
	anchorGitHub                       // "ghp_" … "ghr_", "github_pat_"
	anchorSlack                        // "xox", "xapp-"
	anchorStripe                       // "sk_live_" … "pk_test_", "whsec_"
	anchorJWT                          // "eyJ"
	anchorAuth                         // "bearer" or "basic" (any case) and a space
	anchorAWSSecret                    // "secret_access_key" (any case) then ":" or "="
	anchorAssign                       // "key", "token", "secret" (any case) then ":" or "="
	anchorPassword                     // "pass", "pw" (any case) then ":", "=", "is" or "was"
	anchorURL                          // "://"
	anchorPEM                          // "-----BEGIN"
	anchorAt                           // "@"
	anchorDigits                       // a run of 13 digits (single spaces or dashes between them)
	anchorSSN                          // ddd-dd-dddd
)

// literal is an anchor found by its spelling at some position of a text.
// It is at least two bytes long.
type literal struct {
	text   string
	fold   bool // any case (text is lower case ASCII letters)
	anchor anchor
	// then, when set, must also hold of the text after the literal.
	then func(s string, i int) bool
}

var literals = [...]literal{
	{text: "sk-ant-", anchor: anchorAnthropic},
	{text: "sk-", anchor: anchorOpenAI},
	{text: "AKIA", anchor: anchorAWS}, {text: "ASIA", anchor: anchorAWS}, {text: "AGPA", anchor: anchorAWS},
	{text: "AIDA", anchor: anchorAWS}, {text: "AROA", anchor: anchorAWS},
	{text: "ghp_", anchor: anchorGitHub}, {text: "gho_", anchor: anchorGitHub}, {text: "ghu_", anchor: anchorGitHub},
	{text: "ghs_", anchor: anchorGitHub}, {text: "ghr_", anchor: anchorGitHub}, {text: "github_pat_", anchor: anchorGitHub},
	{text: "xox", anchor: anchorSlack}, {text: "xapp-", anchor: anchorSlack},
	{text: "sk_live_", anchor: anchorStripe}, {text: "sk_test_", anchor: anchorStripe}, {text: "rk_live_", anchor: anchorStripe},
	{text: "rk_test_", anchor: anchorStripe}, {text: "pk_live_", anchor: anchorStripe}, {text: "pk_test_", anchor: anchorStripe},
	{text: "whsec_", anchor: anchorStripe},
	{text: "eyJ", anchor: anchorJWT},
	{text: "bearer", fold: true, anchor: anchorAuth, then: spaceNext},
	{text: "basic", fold: true, anchor: anchorAuth, then: spaceNext},
	{text: "secret_access_key", fold: true, anchor: anchorAWSSecret, then: assigned},
	{text: "key", fold: true, anchor: anchorAssign, then: assigned},
	{text: "token", fold: true, anchor: anchorAssign, then: assigned},
	{text: "secret", fold: true, anchor: anchorAssign, then: assigned},
	{text: "pass", fold: true, anchor: anchorPassword, then: assignedOrStated},
	{text: "pw", fold: true, anchor: anchorPassword, then: assignedOrStated},
	{text: "://", anchor: anchorURL},
	{text: "-----BEGIN", anchor: anchorPEM},
}

// The literals fit the 64-bit sets of firsts and seconds.
var _ [64 - len(literals)]struct{}

// firsts[c] and seconds[c] are the literals whose first (second) byte is
// c, as sets of bits (bit k for literals[k]). A position where both sets
// meet is worth a closer look; in prose that is a few bytes in a hundred.
var firsts, seconds = func() (firsts, seconds [256]uint64) {
	for k, l := range literals {
		for j, set := range []*[256]uint64{&firsts, &seconds} {
			c := l.text[j]
			set[c] |= 1 << k
			if l.fold {
				set[c&^0x20] |= 1 << k // the upper case letter
			}
		}
	}
	return firsts, seconds
}()

// hit is a literal found in a text: where a regexp rule is tried.
type hit struct {
	at  int
	lit int // index in literals
}

// scan returns the anchors present in s, in one pass over its bytes, and
// appends where it found each literal to hits, in order.
func scan(s string, hits []hit) (anchor, []hit) {
	var found anchor
	if strings.IndexByte(s, '@') >= 0 {
		found |= anchorAt
	}
	digits := 0 // in the current run; a single space or dash may join two
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if digits++; digits >= minCardDigits {
				found |= anchorDigits
			}
			continue
		case digits > 0 && (c == ' ' || c == '-') && i+1 < len(s) && isDigit(s[i+1]):
			if c == '-' && ssnShape(s, i) {
				found |= anchorSSN
			}
			continue
		}
		digits = 0
		f := firsts[c]
		if f == 0 || i+1 == len(s) {
			continue
		}
		for m := f & seconds[s[i+1]]; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			if l := &literals[k]; l.at(s, i) {
				found |= l.anchor
				hits = append(hits, hit{i, k})
			}
		}
	}
	return found, hits
}

// minCardDigits is the length of the shortest card number.
const minCardDigits = 13

// ssnShape reports whether the dash at s[i] starts "-dd-dddd" after
// three digits.
func ssnShape(s string, i int) bool {
	return i >= 3 && i+8 <= len(s) && allDigits(s[i-3:i]) && allDigits(s[i+1:i+3]) && s[i+3] == '-' && allDigits(s[i+4:i+8])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// at reports whether l is spelt at s[i:].
func (l *literal) at(s string, i int) bool {
	w := s[i:]
	if len(w) < len(l.text) {
		return false
	}
	w = w[:len(l.text)]
	if l.fold && !strings.EqualFold(w, l.text) || !l.fold && w != l.text {
		return false
	}
	return l.then == nil || l.then(s, i+len(l.text))
}

// regexpRule finds secrets with a regexp, tried only where its anchors'
// literals were found. Each capture group that took part in a match is a
// secret (unless keep vetoes it); a pattern without groups makes the
// whole match one.
type regexpRule struct {
	pattern string
	at      start
	keep    func(secret string) bool
	re      *regexp.Regexp // pattern, anchored at the start (\A)
}

// start says where, around a literal found, a rule's match may begin.
type start int

const (
	// atLiteral: where the literal begins.
	atLiteral start = iota
	// wordStart: where the literal begins, if a word begins there (as if
	// the pattern began with \b).
	wordStart
	// nameStart: where a word begins in the name that holds the literal
	// ("MY_APP_API_KEY", "db-password"), up to the literal: the start of
	// the name, or after a "-" in it.
	nameStart
)

// maxName bounds how far before its keyword a name is looked at: a key
// name is shorter than that.
const maxName = 256

// reach bounds how far past its literal a rule's match must have begun
// its secret: separators between a name and its value are shorter than
// that. A longer match is read whole.
const reach = 512

// find returns the secrets in s, trying the pattern only around the hits
// of the anchors the rule needs; it finds what the pattern run over all of
// s would (preceded by \b unless it starts atLiteral).
func (x *regexpRule) find(s string, hits []hit, needs anchor) []span {
	var spans []span
	next := 0 // matches do not overlap
	for _, h := range hits {
		if literals[h.lit].anchor&needs == 0 || h.at < next {
			continue
		}
		lo := h.at
		if x.at == nameStart {
			for lo > next && h.at-lo < maxName && (isWord(s[lo-1]) || s[lo-1] == '-') {
				lo--
			}
		}
		// The regexp reads up to reach bytes past the literal, and all of
		// s when its match runs to the end of that.
		end := min(len(s), h.at+reach)
		for p := lo; p <= h.at; p++ {
			if x.at != atLiteral && (!isWord(s[p]) || p > 0 && isWord(s[p-1])) {
				continue
			}
			m := x.re.FindStringSubmatchIndex(s[p:end])
			if m != nil && p+m[1] == end && end < len(s) {
				m = x.re.FindStringSubmatchIndex(s[p:])
			}
			if m != nil {
				spans = x.secrets(s, m, p, spans)
				next = p + m[1]
				break
			}
		}
	}
	return spans
}

// secrets appends the secrets of match m (indexes into s[at:]).
func (x *regexpRule) secrets(s string, m []int, at int, spans []span) []span {
	groups := m[:2]
	if len(m) > 2 {
		groups = m[2:]
	}
	for k := 0; k < len(groups); k += 2 {
		lo, hi := groups[k], groups[k+1]
		if lo >= 0 && (x.keep == nil || !x.keep(s[at+lo:at+hi])) {
			spans = append(spans, span{at + lo, at + hi})
		}
	}
	return spans
}

// spaceNext: "Bearer abc".
func spaceNext(s string, i int) bool { return i < len(s) && isSpace(s[i]) }

// assigned: "API_KEY=…", `"password": "…"`: the rest of the word, an
// optional quote, blanks, then ":" or "=".
func assigned(s string, i int) bool {
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		i++
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i < len(s) && (s[i] == ':' || s[i] == '=')
}

// assignedOrStated: assigned, or "password is …", "pw was …".
func assignedOrStated(s string, i int) bool {
	if assigned(s, i) {
		return true
	}
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j == i {
		return false
	}
	w := s[j:]
	return len(w) > 3 && strings.EqualFold(w[:2], "is") && !isLetter(w[2]) ||
		len(w) > 4 && strings.EqualFold(w[:3], "was") && !isLetter(w[3])
}

// plainWord reports whether v is a word, not a token: letters, only the
// first of them upper case.
func plainWord(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 'a' || c > 'z') && (i != 0 || c < 'A' || c > 'Z') {
			return false
		}
	}
	return v != ""
}

// notAPassword reports whether the value after "password is" describes
// the password instead of giving it: "wrong", "not working", "expired",
// "definitely right". A password that is one of these words is kept too,
// the price of keeping what people say about their password.
func notAPassword(v string) bool {
	v = strings.TrimRight(v, ".!?)")
	if !plainWord(v) || len(v) > 16 {
		return false
	}
	var lower [16]byte
	w := lower[:len(v)]
	for i := range w {
		w[i] = v[i] | 0x20 // letters only: ASCII lower case
	}
	if passwordTalk[string(w)] {
		return true
	}
	for _, suffix := range []string{"ed", "ing", "ly"} {
		if len(w) > len(suffix)+2 && string(w[len(w)-len(suffix):]) == suffix {
			return true
		}
	}
	return false
}

// passwordTalk are words that follow "password is" in sentences about a
// password (participles and adverbs are recognised by their ending).
var passwordTalk = map[string]bool{
	"a": true, "an": true, "the": true, "my": true, "your": true, "our": true, "their": true, "his": true, "her": true,
	"it": true, "its": true, "this": true, "that": true, "not": true, "no": true, "now": true, "still": true, "also": true,
	"just": true, "only": true, "never": true, "always": true, "too": true, "very": true, "so": true, "same": true,
	"wrong": true, "right": true, "correct": true, "incorrect": true, "invalid": true, "valid": true, "fine": true,
	"ok": true, "okay": true, "good": true, "bad": true, "weak": true, "strong": true, "long": true, "short": true,
	"new": true, "old": true, "different": true, "case": true, "required": true, "missing": true, "empty": true,
	"blank": true, "null": true, "none": true, "unknown": true, "known": true, "reset": true, "set": true, "unset": true,
	"lost": true, "forgotten": true, "gone": true, "broken": true, "stale": true, "secure": true, "insecure": true,
	"in": true, "on": true, "for": true, "of": true, "to": true, "at": true, "from": true, "with": true, "and": true,
	"but": true, "or": true, "what": true, "which": true, "where": true, "when": true, "how": true, "why": true,
	"there": true, "here": true, "probably": true, "maybe": true, "already": true, "mine": true, "yours": true,
	"being": true, "been": true, "sent": true, "saved": true, "shown": true, "hidden": true, "masked": true,
}

// urlPasswords redacts the password of scheme://user:password@host
// (postgres, mysql, mongodb+srv, redis, amqp, https …) and keeps the
// scheme, the user and the host. The authority ends at the first "/",
// "?", "#" or blank; a password with one of those unescaped is not a
// URL's and is not found.
func urlPasswords(s string) []span {
	var spans []span
	for i := 0; ; {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		start := i + j + len("://")
		end := start
		for end < len(s) && !isSpace(s[end]) && s[end] != '/' && s[end] != '?' && s[end] != '#' {
			end++
		}
		auth := s[start:end]
		if at := strings.LastIndexByte(auth, '@'); at > 0 {
			if colon := strings.IndexByte(auth[:at], ':'); colon >= 0 && colon+1 < at {
				spans = append(spans, span{start + colon + 1, start + at})
			}
		}
		i = end
	}
	return spans
}

// emails redacts email addresses (local@domain.tld). Kept: git@host, the
// user of an SSH remote, and user@host right after "//", the user of a URL
// without a password: both name a service, not a person.
func emails(s string) []span {
	var spans []span
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		lo := at
		for lo > 0 && isLocal(s[lo-1]) {
			lo--
		}
		hi := at + 1
		for hi < len(s) && (isAlnum(s[hi]) || s[hi] == '.' || s[hi] == '-') {
			hi++
		}
		for hi > at+1 && (s[hi-1] == '.' || s[hi-1] == '-') {
			hi-- // the end of a sentence, not of the domain
		}
		local := s[lo:at]
		if local != "" && local != "git" && !strings.HasSuffix(s[:lo], "//") && isDomain(s[at+1:hi]) {
			spans = append(spans, span{lo, hi})
		}
		i = max(hi, at+1)
	}
	return spans
}

func isLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// isDomain reports whether d is a host name with a top-level domain of two
// letters or more ("example.com", not "localhost" or "1.2.3").
func isDomain(d string) bool {
	dot := strings.LastIndexByte(d, '.')
	if dot <= 0 || len(d)-dot-1 < 2 {
		return false
	}
	for i := dot + 1; i < len(d); i++ {
		if !isLetter(d[i]) {
			return false
		}
	}
	return true
}

// cards finds card numbers: 13 to 19 digits, alone or in groups joined
// by single spaces or dashes the way cards are printed (4-4-4-4,
// 4-4-4-4-3, 4-6-5 …), with a card network's prefix and a valid Luhn
// check digit. Digits around the groups ("… 4242 exp 12 28") stay.
func cards(s string) []span {
	var spans []span
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || i > 0 && isWord(s[i-1]) {
			i++
			continue
		}
		if n, end := runDigits(s, i); n < minCardDigits {
			i = end
			continue
		}
		// The groups of the run that starts at i. A run longer than
		// groups is read in parts; a card may begin in the last
		// maxCardGroups-1 groups of a part, so those are read again.
		var groups [32]span
		n, next, long := 0, len(s), false
		for j := i; ; {
			k := j
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			groups[n] = span{j, k}
			n++
			if k+1 >= len(s) || (s[k] != ' ' && s[k] != '-') || !isDigit(s[k+1]) {
				next = k
				if k < len(s) && isWord(s[k]) {
					n-- // the last group runs into a word: no card ends there
				}
				break
			}
			if n == len(groups) {
				long = true
				break
			}
			j = k + 1
		}
		starts := n
		if long {
			starts = n - maxCardGroups + 1
		}
		g := 0
		for g < starts {
			if h := card(s, groups[g:n]); h >= 0 {
				spans = append(spans, span{groups[g].lo, groups[g+h].hi})
				g += h + 1
				continue
			}
			g++
		}
		if long {
			next = groups[n-1].hi
			if g < n {
				next = groups[g].lo
			}
		}
		i = max(next, i+1)
	}
	return spans
}

// runDigits counts the digits of the run that starts at s[i] (single
// spaces or dashes between them) and returns where it ends.
func runDigits(s string, i int) (n, end int) {
	for end = i; end < len(s); end++ {
		if isDigit(s[end]) {
			n++
		} else if s[end] != ' ' && s[end] != '-' || end+1 == len(s) || !isDigit(s[end+1]) {
			break
		}
	}
	return n, end
}

// maxCardGroups is the most groups a printed card number has (4-4-4-4-3).
const maxCardGroups = 5

// maxCardDigits is the length of the longest card number.
const maxCardDigits = 19

// card returns the index of the last of groups (from the first) that
// make up a card number, the longest if several do, or -1.
func card(s string, groups []span) int {
	for h := len(groups) - 1; h >= 0; h-- {
		digits := 0
		for _, g := range groups[:h+1] {
			digits += g.hi - g.lo
		}
		if digits >= minCardDigits && digits <= maxCardDigits && cardLayout(groups[:h+1]) && !notACard(s[groups[0].lo:groups[h].hi]) {
			return h
		}
	}
	return -1
}

// cardLayout reports whether groups are laid out as cards print their
// numbers: one block, fours with a shorter last group, or 4-6-5 / 4-6-4.
func cardLayout(groups []span) bool {
	size := func(k int) int { return groups[k].hi - groups[k].lo }
	switch {
	case len(groups) == 1:
		return true
	case len(groups) == 3 && size(0) == 4 && size(1) == 6 && (size(2) == 5 || size(2) == 4):
		return true
	}
	for k := range groups[:len(groups)-1] {
		if size(k) != 4 {
			return false
		}
	}
	return size(len(groups)-1) <= 4
}

// notACard reports whether a run of digits is not a card number: its
// prefix belongs to no card network (2221-2720 and 3 to 6 do: Visa,
// Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro), or its
// Luhn check digit is wrong. Spaces and dashes are skipped.
func notACard(run string) bool {
	var d [maxCardDigits]byte
	n := 0
	for i := 0; i < len(run) && n < len(d); i++ {
		if isDigit(run[i]) {
			d[n] = run[i] - '0'
			n++
		}
	}
	switch d[0] {
	case 3, 4, 5, 6:
	case 2:
		if p := int(d[1])*100 + int(d[2])*10 + int(d[3]); p < 221 || p > 720 {
			return true
		}
	default:
		return true
	}
	sum := 0
	for i := 0; i < n; i++ {
		v := int(d[n-1-i])
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 != 0
}

// ssns finds US social security numbers, ddd-dd-dddd, except those never
// issued: area 000, 666 or 9xx, group 00, serial 0000.
func ssns(s string) []span {
	var spans []span
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '-')
		if j < 0 {
			break
		}
		d := i + j
		if ssnShape(s, d) && (d == 3 || !isWord(s[d-4])) && (d+8 == len(s) || !isWord(s[d+8])) {
			if v := s[d-3 : d+8]; !notAnSSN(v) {
				spans = append(spans, span{d - 3, d + 8})
			}
			i = d + 8
			continue
		}
		i = d + 1
	}
	return spans
}

// notAnSSN reports whether ddd-dd-dddd cannot be a social security
// number: area 000, 666 or 9xx, group 00 or serial 0000 are never issued.
func notAnSSN(v string) bool {
	area, group, serial := v[:3], v[4:6], v[7:]
	return area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000"
}

// span is a part of a text to redact, s[lo:hi].
type span struct{ lo, hi int }

// cut returns s with each span replaced by Redacted; spans are in order
// and do not overlap.
func cut(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.lo])
		b.WriteString(Redacted)
		last = sp.hi
	}
	b.WriteString(s[last:])
	return b.String()
}

// shift moves hits to where they are once spans are cut, and drops those
// inside a span.
func shift(hits []hit, spans []span) []hit {
	kept := hits[:0]
	k, moved := 0, 0
	for _, h := range hits {
		for k < len(spans) && spans[k].hi <= h.at {
			moved += len(Redacted) - (spans[k].hi - spans[k].lo)
			k++
		}
		if k < len(spans) && spans[k].lo <= h.at {
			continue
		}
		h.at += moved
		kept = append(kept, h)
	}
	return kept
}

func isWord(c byte) bool  { return isAlnum(c) || c == '_' }
func isAlnum(c byte) bool { return isLetter(c) || isDigit(c) }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
