package ocr

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// MaxSummary is the longest [Summarize] answer, in characters.
const MaxSummary = 100

// Summarize picks out what matters in an error's text, to tell the person
// what was read: status and error codes (403, 21610), error types
// (permission_error, INVALID_SESSION_ID, RestException, ECONNRESET) and
// the error's message, quoted. For
//
//	API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Request not allowed"}}
//
// it returns `403 permission_error "Request not allowed"`. Without a
// quoted message it adds the line that reads most like an error
// ("21610 Attempt to send to unsubscribed recipient"). The
// result is printable ASCII (so it never forces an SMS into UCS-2), at
// most [MaxSummary] characters, and "" for a text with nothing in it.
func Summarize(text string) string {
	text = ascii(text)
	lines := strings.Split(text, "\n")
	// A message wrapped over several lines is read as one.
	flat := strings.Join(lines, " ")

	var tags []string
	seen := map[string]bool{}
	add := func(s string) bool {
		k := strings.ToLower(s)
		if seen[k] {
			return false
		}
		seen[k] = true
		tags = append(tags, s)
		return true
	}
	twilioish := codeContext.MatchString(text)
	ncodes := 0
	for _, line := range lines {
		for _, c := range codesIn(line, twilioish) {
			if ncodes < 2 && add(c) {
				ncodes++
			}
		}
	}
	ntypes := 0
	for _, m := range errorTypes(flat) {
		if ntypes < 2 && add(m) {
			ntypes++
		}
	}
	head := strings.Join(tags, " ")

	quoted := true
	msg := quotedMessage(flat)
	if msg == "" {
		quoted = false
		msg = errorLine(lines, tags)
	}
	if msg == "" {
		return shorten(head, MaxSummary)
	}
	if head == "" {
		return shorten(msg, MaxSummary)
	}
	if quoted {
		room := MaxSummary - len(head) - 3
		if room < 12 {
			return shorten(head, MaxSummary)
		}
		return head + ` "` + shorten(msg, room) + `"`
	}
	msg = dropLeading(msg, tags)
	if msg == "" {
		return shorten(head, MaxSummary)
	}
	return shorten(head+" "+msg, MaxSummary)
}

var (
	// statusCode is an HTTP error status; fiveDigit a Twilio-style code.
	statusCode = regexp.MustCompile(`(^|[^\w$.,/:#-])([45]\d\d)($|[^\w.,%:/-]|[.,:]\s|[.,:]$|:\s*[A-Z])`)
	fiveDigit  = regexp.MustCompile(`(^|[^\w$.,/:#+-])([1-9]\d{4})($|[^\w.,%:/-]|[.,:]\s|[.,:]$)`)
	// Words that make a number on the same line an HTTP status.
	statusContext = regexp.MustCompile(`(?i)error|status|http|code|unauthori[sz]ed|forbidden|not found|bad (gateway|request)|too many|overloaded|internal|payment required|unavailable|timeout|denied|failed|limit|exception`)
	// Words that make five-digit numbers error codes (Twilio's).
	codeContext = regexp.MustCompile(`(?i)error|code|warning|twilio`)
	notACode    = regexp.MustCompile(`(?i)^\s*(tokens?|requests?|ms|bytes|seconds|minutes|items|rows|words|characters|users)\b`)

	// errorType finds identifiers that may name an error, best kinds
	// first: snake_case types and codes, then Node's E-codes, then class
	// names.
	errorTypeKinds = []*regexp.Regexp{
		regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b`),
		regexp.MustCompile(`\bE(?:CONN[A-Z]+|TIMEDOUT|NOTFOUND|AI_AGAIN|ACCES|PERM|NOENT|ADDRINUSE|PIPE|HOSTUNREACH|NETUNREACH)\b|\bE\d{3}\b`),
		regexp.MustCompile(`\b(?:[A-Z][a-z0-9]+)+(?:Error|Exception|Fault)\b`),
	}
	errorStem = regexp.MustCompile(`(?i)(^|_)(error|declined|invalid|expired|insufficient|denied|exceeded|limit|unauthori[sz]ed|forbidden|failed|failure|honor|fraudulent|overloaded|unsubscribed|missing|lost|stolen|incorrect|blocked|suspended|disabled|unavailable|timeout|required|not)($|_)`)
	envVar    = regexp.MustCompile(`^(ANTHROPIC|CLAUDE|TWILIO|STRIPE|AWS|OPENAI|NODE|NPM|GITHUB|SF|SFDX)_|_(KEY|TOKEN|URL|PATH|HOME|DIR|SECRET|SID)$`)

	jsonMessage  = regexp.MustCompile(`(?i)["'*]?\b(?:exception)?message["'*]?\s*[:=]\s*["'*]([^"'*{}]{2,300})["'*]`)
	quotedPhrase = regexp.MustCompile(`"([^"{}:]{4,300})"(\s*:)?`)
	// Words of an error message: strong ones say what went wrong.
	strongWords = regexp.MustCompile(`(?i)declin|denied|invalid|expired|not allowed|unauthori[sz]ed|forbidden|exceed|refused|timed out|overloaded|unsubscribed|too low|disabled|unverified|filtered|insufficient|limit reached|not found|crash|bad gateway|unavailable|rate limit|usage limit|failed to|unable to|has been|cannot|can't`)
	weakWords   = regexp.MustCompile(`(?i)error|fail|limit|unable|wrong|exception|gateway|problem`)
	urlToken    = regexp.MustCompile(`\S*://\S*|\b[\w.-]+\.(?:com|net|org|io|app|dev|co|ai)(?:/\S*)?`)
	letterWord  = regexp.MustCompile(`[A-Za-z]{2,}`)
	stackFrame  = regexp.MustCompile(`^at [\w$.<>/:-]+( \(|:\d|$)`)
)

// codesIn lists the status and error codes in one line, in order.
// twilioish says whether the whole text speaks of errors or codes, which
// makes any five-digit number a code.
func codesIn(line string, twilioish bool) []string {
	type hit struct {
		at   int
		code string
	}
	var hits []hit
	if statusContext.MatchString(line) {
		for _, m := range statusCode.FindAllStringSubmatchIndex(line, -1) {
			if !notACode.MatchString(line[m[5]:]) && !inNumber(line, m[4], m[5]) {
				hits = append(hits, hit{m[4], line[m[4]:m[5]]})
			}
		}
	}
	if twilioish {
		for _, m := range fiveDigit.FindAllStringSubmatchIndex(line, -1) {
			if !notACode.MatchString(line[m[5]:]) && !inNumber(line, m[4], m[5]) {
				hits = append(hits, hit{m[4], line[m[4]:m[5]]})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.at - b.at })
	var out []string
	for _, h := range hits {
		out = append(out, h.code)
	}
	return out
}

// errorTypes lists the error identifiers in text, best kinds first, each
// kind in order of appearance.
func errorTypes(text string) []string {
	var out []string
	for _, re := range errorTypeKinds {
		for _, m := range re.FindAllString(text, -1) {
			if isErrorType(m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// inNumber reports whether line[i:j] is one group of a longer number,
// such as a phone number ("+1 415 555 0134").
func inNumber(line string, i, j int) bool {
	before := strings.Fields(line[:i])
	after := strings.Fields(line[j:])
	isNum := func(s string) bool {
		s = strings.TrimLeft(s, "+(")
		s = strings.TrimRight(s, ")")
		return s != "" && strings.Trim(s, "0123456789") == ""
	}
	return len(before) > 0 && isNum(before[len(before)-1]) || len(after) > 0 && isNum(after[0])
}

func isErrorType(s string) bool {
	switch {
	case strings.HasSuffix(s, "Error"), strings.HasSuffix(s, "Exception"), strings.HasSuffix(s, "Fault"):
		return true
	case s[0] == 'E' && !strings.Contains(s, "_") && strings.ToUpper(s) == s:
		return true // ECONNRESET, E404
	case envVar.MatchString(s):
		return false
	}
	return errorStem.MatchString(s)
}

// quotedMessage is the error's message: a "message": "…" value, else the
// first quoted phrase of two words or more that reads like an error and
// is not a JSON key.
func quotedMessage(text string) string {
	if m := jsonMessage.FindStringSubmatch(text); m != nil {
		return tidy(m[1])
	}
	for _, m := range quotedPhrase.FindAllStringSubmatch(text, -1) {
		words := strings.Fields(m[1])
		if m[2] == "" && len(words) >= 2 && len(letterWord.FindAllString(m[1], -1)) >= 2 && (strongWords.MatchString(m[1]) || weakWords.MatchString(m[1])) {
			return tidy(m[1])
		}
	}
	return ""
}

// errorLine is the line that reads most like an error: strong words
// count most, then weak words and a tag; web addresses do not count.
func errorLine(lines []string, tags []string) string {
	tidied := make([]string, len(lines))
	width := 0
	for i, l := range lines {
		tidied[i] = tidy(l)
		width = max(width, len(tidied[i]))
	}
	best, score := "", 0
	for i, l := range tidied {
		// A sentence wrapped onto the next lines (a phone, a narrow
		// column) is read whole: the line is nearly as long as the
		// longest, or a few words, and the next goes on in lower case
		// and is not a stack frame.
		for j := i + 1; j < min(len(tidied), i+4); j++ {
			prev, next := tidied[j-1], tidied[j]
			wrapped := len(prev)*10 >= width*6 || len(strings.Fields(prev)) <= 3
			if !wrapped || endsSentence(lines[j-1]) || !startsLower(next) || stackFrame.MatchString(next) {
				break
			}
			l += " " + next
		}
		l = tidy(urlToken.ReplaceAllString(l, ""))
		if len(letterWord.FindAllString(l, -1)) < 2 {
			continue
		}
		s := 3*len(strongWords.FindAllString(l, -1)) + len(weakWords.FindAllString(l, -1))
		if s == 0 {
			continue
		}
		for _, t := range tags {
			if strings.Contains(strings.ToLower(l), strings.ToLower(t)) {
				s++
				break
			}
		}
		if s > score {
			best, score = l, s
		}
	}
	return best
}

func endsSentence(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.ContainsRune(".!?:;)}]", rune(s[len(s)-1]))
}

func startsLower(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && (s[0] >= 'a' && s[0] <= 'z')
}

// tidy collapses spaces and drops what icons and buttons leave at the
// ends of a line: "@ Invalid API key x" is "Invalid API key".
func tidy(s string) string {
	words := strings.Fields(s)
	for len(words) > 1 && junk(words[0], words[1]) {
		words = words[1:]
	}
	for len(words) > 1 && junk(words[len(words)-1], "") {
		words = words[:len(words)-1]
	}
	return strings.TrimRight(strings.Join(words, " "), ". -")
}

// junk reports whether w is an icon or button read as a word. next is the
// word after it, "" at the end of a line.
func junk(w, next string) bool {
	alnum := 0
	for _, r := range w {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			alnum++
		}
	}
	switch {
	case alnum == 0:
		return true
	case len(w) <= 2 && strings.ContainsAny(w, "@©®"):
		return true
	case next == "" && (w == "x" || w == "X"):
		return true // a close button
	case len(w) == 1 && strings.Contains("0Oo", w) && next != "" && (unicode.IsUpper(rune(next[0])) || unicode.IsDigit(rune(next[0]))):
		return true // a round icon before a sentence
	}
	return false
}

// dropLeading removes from the start of a line the tags already said and
// the words "Error", "API" and the like that only repeat them.
func dropLeading(line string, tags []string) string {
	words := strings.Fields(line)
	for len(words) > 0 {
		w := strings.ToLower(strings.Trim(words[0], "[]():,;!.\"'"))
		if w == "" || w == "error" || w == "err" || w == "api" || w == "http" || slices.ContainsFunc(tags, func(t string) bool { return strings.EqualFold(t, w) }) {
			words = words[1:]
			continue
		}
		break
	}
	return strings.Join(words, " ")
}

// shorten cuts s to at most n characters, at a space when there is one
// near the end, marking the cut with "...".
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	if i := strings.LastIndexByte(s[:cut+1], ' '); i > cut/2 {
		cut = i
	}
	return strings.TrimRight(s[:cut], " ,;:-") + "..."
}

// ascii keeps printable ASCII and new lines, mapping the usual look-alikes.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r >= ' ' && r < 0x7f:
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		default:
			if m := plain(r); m >= ' ' && m < 0x7f {
				b.WriteRune(m)
			} else if r == '·' || r == '∙' || r == '•' {
				b.WriteString("-")
			}
		}
	}
	return b.String()
}
