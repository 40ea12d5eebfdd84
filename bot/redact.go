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
// It is cheap on ordinary text: one pass over the bytes finds the anchors
// present (see scan), and only the rules whose anchors are all there run.
// When nothing is redacted it returns s itself and allocates nothing.
func Redact(s string) string {
	found := scan(s)
	if found == 0 {
		return s
	}
	for i := range rules {
		if r := &rules[i]; found&r.needs == r.needs {
			s = r.redact(s)
		}
	}
	return s
}

// rule redacts one shape of secret. It runs only when the text holds all
// of its anchors: the anchors are necessary for a match, never sufficient.
// A redaction never creates an anchor, so anchors found in the original
// text stay valid as the rules run one after another.
type rule struct {
	needs  anchor
	redact func(string) string
}

// rules run in order: specific shapes before the generic "key=value" one.
var rules = []rule{
	// The whole block, to its END line or, cut off, to the end of the text.
	{anchorPEM, redactor{re: regexp.MustCompile(`-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)`)}.redact},
	{anchorURL | anchorAt, urlPasswords},
	{anchorAnthropic, redactor{re: regexp.MustCompile(`sk-ant-[A-Za-z0-9_-]{6,}`)}.redact},
	{anchorOpenAI, redactor{re: regexp.MustCompile(`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}`)}.redact},
	{anchorAWS, redactor{re: regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b`)}.redact},
	{anchorGitHub, redactor{re: regexp.MustCompile(`\b(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})`)}.redact},
	{anchorSlack, redactor{re: regexp.MustCompile(`\b(?:xox[abprse]|xapp)-[A-Za-z0-9-]{8,}`)}.redact},
	{anchorStripe, redactor{re: regexp.MustCompile(`\b(?:(?:sk|rk|pk)_(?:live|test)|whsec)_[A-Za-z0-9]{8,}`)}.redact},
	{anchorJWT, redactor{re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}`)}.redact},
	// "Bearer abc…", "Basic dXNl…"; "basic subscription" is a word.
	{anchorAuth, redactor{re: regexp.MustCompile(`(?i)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})`), keep: plainWord}.redact},
	{anchorAssign, redactor{re: regexp.MustCompile(`(?i)\b(?:aws_secret_access_key|secret_access_key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{16,})`)}.redact},
	{anchorAssign, redactor{re: regexp.MustCompile(`(?i)\b(?:[a-z0-9]+[_-])*(?:api[_-]?key|apikey|token|secret|auth[_-]?token)["']?\s*[:=]\s*["']?([^\s"',;]{8,})`)}.redact},
	// "password: x", "DB_PASSWORD=x", "my password is x", "the pw was 'x y'":
	// the value, of any length, quoted or up to the next blank. A word
	// that describes the password instead ("is wrong") stays.
	{anchorPassword, redactor{re: regexp.MustCompile(`(?i)\b(?:[a-z0-9]+[_-])*(?:pass(?:word|wd|code|phrase)?|pwd?)` +
		`(?:["']?[ \t]*[:=][ \t]*|[ \t]+(?:is|was)[ \t]*:?[ \t]+)` +
		`(?:"([^"\n]+)"|'([^'\n]+)'|“([^”\n]+)”|‘([^’\n]+)’|([^\s"',;]+))`), keep: notAPassword}.redact},
	{anchorAt, emails},
	// 13 to 19 digits, single spaces or dashes between them, with a card
	// network's prefix and a valid Luhn check digit: an order number or a
	// millisecond timestamp stays.
	{anchorDigits, redactor{re: regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`), keep: notACard}.redact},
	{anchorSSN, redactor{re: regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`), keep: notAnSSN}.redact},
}

// anchor is a set of cheap clues, found by scan, that a rule could match.
type anchor uint32

const (
	anchorAnthropic anchor = 1 << iota // "sk-ant-"
	anchorOpenAI                       // "sk-"
	anchorAWS                          // "AKIA", "ASIA", "AGPA", "AIDA", "AROA"
	anchorGitHub                       // "ghp_" … "ghr_", "github_pat_"
	anchorSlack                        // "xox", "xapp-"
	anchorStripe                       // "_live_", "_test_", "whsec_"
	anchorJWT                          // "eyJ"
	anchorAuth                         // "bearer" or "basic" (any case) and a space
	anchorAssign                       // "key", "token", "secret" (any case) then ":" or "="
	anchorPassword                     // "pass", "pw" (any case) then ":", "=", "is" or "was"
	anchorURL                          // "://"
	anchorAt                           // "@"
	anchorPEM                          // "-----BEGIN"
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
	{text: "_live_", anchor: anchorStripe}, {text: "_test_", anchor: anchorStripe}, {text: "whsec_", anchor: anchorStripe},
	{text: "eyJ", anchor: anchorJWT},
	{text: "://", anchor: anchorURL},
	{text: "-----BEGIN", anchor: anchorPEM},
	{text: "bearer", fold: true, anchor: anchorAuth, then: spaceNext},
	{text: "basic", fold: true, anchor: anchorAuth, then: spaceNext},
	{text: "key", fold: true, anchor: anchorAssign, then: assigned},
	{text: "token", fold: true, anchor: anchorAssign, then: assigned},
	{text: "secret", fold: true, anchor: anchorAssign, then: assigned},
	{text: "pass", fold: true, anchor: anchorPassword, then: assignedOrStated},
	{text: "pw", fold: true, anchor: anchorPassword, then: assignedOrStated},
}

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

// scan returns the anchors present in s, in one pass over its bytes.
func scan(s string) anchor {
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
		if i+1 == len(s) {
			break
		}
		for m := firsts[c] & seconds[s[i+1]]; m != 0; m &= m - 1 {
			if l := &literals[bits.TrailingZeros64(m)]; found&l.anchor == 0 && l.at(s, i) {
				found |= l.anchor
			}
		}
	}
	return found
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
		if c := v[i]; !('a' <= c && c <= 'z' || i == 0 && 'A' <= c && c <= 'Z') {
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
func urlPasswords(s string) string {
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
	return cut(s, spans)
}

// emails redacts email addresses (local@domain.tld). Kept: git@host, the
// user of an SSH remote, and user@host right after "//", the user of a URL
// without a password: both name a service, not a person.
func emails(s string) string {
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
	return cut(s, spans)
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

// notACard reports whether a run of digits is not a card number: its
// prefix belongs to no card network (2221-2720 and 3 to 6 do: Visa,
// Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro), or its
// Luhn check digit is wrong.
func notACard(run string) bool {
	var d [19]byte
	n := 0
	for i := 0; i < len(run); i++ {
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

// notAnSSN reports whether ddd-dd-dddd cannot be a social security
// number: area 000, 666 or 9xx, group 00 or serial 0000 are never issued.
func notAnSSN(v string) bool {
	area, group, serial := v[:3], v[4:6], v[7:]
	return area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000"
}

// span is a part of a text to redact, s[lo:hi].
type span struct{ lo, hi int }

// cut returns s with each span replaced by Redacted; spans are in order
// and do not overlap. Without spans it returns s.
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

func isAlnum(c byte) bool { return isLetter(c) || isDigit(c) }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// redactor replaces, in every match of re that keep does not veto, each
// capture group that took part with Redacted; a pattern without groups
// has its whole match replaced.
type redactor struct {
	re *regexp.Regexp
	// keep, when set, vetoes a redaction: it gets the text that would be
	// replaced.
	keep func(secret string) bool
}

func (x redactor) redact(s string) string {
	var spans []span
	for _, m := range x.re.FindAllStringSubmatchIndex(s, -1) {
		groups := m[:2]
		if len(m) > 2 {
			groups = m[2:]
		}
		for k := 0; k < len(groups); k += 2 {
			lo, hi := groups[k], groups[k+1]
			if lo >= 0 && (x.keep == nil || !x.keep(s[lo:hi])) {
				spans = append(spans, span{lo, hi})
			}
		}
	}
	return cut(s, spans)
}
