package flows

import (
	"strconv"
	"strings"
)

// dictated rewrites what voice dictation leaves in a text into what a
// typist would have written, so the rest of the reading sees the same
// words either way:
//
//   - punctuation said as a word: "comma", "period", "full stop",
//     "question mark", "exclamation mark" or "point" ("it works period
//     thanks" → "it works. thanks"); "period" stays a word after words
//     that make it a span of time ("grace period", "the billing period")
//     and before "of";
//   - a path or a host said aloud: "slash login" → "/login", "login dot
//     salesforce dot com slash services" → "login.salesforce.com/services",
//     "dot env" → ".env" (a name joins the word before it only when the
//     last part is a domain's or a file's ending: "the dot env" keeps
//     "the");
//   - a word spelled out in capitals, letter by letter: "A P I" → "API",
//     "ten D L C" → "ten DLC"; a shell's start-up file said in parts
//     ("bash RC" → "bashRC", "Z S H RC" → "ZSHRC") and Node's network
//     error codes ("E CONN reset" → "ECONNreset");
//   - a five-digit code read out digit by digit or in pairs, as Twilio's
//     are: "three zero zero three four" → "30034", "twenty one six ten" →
//     "21610". Codes of three digits are spoken's.
//
// It returns s itself when there is nothing to rewrite.
func dictated(s string) string {
	if !mayDictate(s) {
		return s
	}
	in, changed := joinRC(strings.Fields(s))
	out := make([]string, 0, len(in))
	lower := func(k int) string {
		if k < 0 || k >= len(in) {
			return ""
		}
		return strings.ToLower(in[k])
	}
	// tail adds p to the word before, if there is one.
	tail := func(p string) {
		if len(out) > 0 {
			out[len(out)-1] += p
		}
		changed = true
	}
	for i := 0; i < len(in); i++ {
		w := lower(i)
		switch {
		case w == "comma":
			tail(",")
			continue
		case w == "period" && !timeSpan[lower(i-1)] && lower(i+1) != "of" && len(out) > 0:
			tail(".")
			continue
		case w == "full" && lower(i+1) == "stop" && len(out) > 0:
			tail(".")
			i++
			continue
		case w == "question" && lower(i+1) == "mark" && len(out) > 0:
			tail("?")
			i++
			continue
		case w == "exclamation" && (lower(i+1) == "mark" || lower(i+1) == "point") && len(out) > 0:
			tail("!")
			i++
			continue
		case w == "slash" && i+1 < len(in):
			part := "/" + in[i+1]
			if n := len(out); n > 0 && (strings.Contains(out[n-1], ".") || strings.HasPrefix(out[n-1], "/")) {
				out[n-1] += part
			} else {
				out = append(out, part)
			}
			changed = true
			i++
			continue
		case w == "dot" && i+1 < len(in):
			// The parts of a name said with dots: "salesforce dot com".
			parts, k := []string{in[i+1]}, i+2
			for lower(k) == "dot" && k+1 < len(in) {
				parts = append(parts, in[k+1])
				k += 2
			}
			last := strings.ToLower(parts[len(parts)-1])
			name := strings.Join(parts, ".")
			n := len(out)
			switch {
			case domainEnds[last] && n > 0 && !funcWords[strings.ToLower(out[n-1])]:
				out[n-1] += "." + name
			case domainEnds[last] || fileEnds[last]:
				out = append(out, "."+name)
			default:
				out = append(out, in[i])
				continue
			}
			changed = true
			i = k - 1
			continue
		}
		if k := errno(in, i); k > i {
			out = append(out, strings.Join(in[i:k], ""))
			changed = true
			i = k - 1
			continue
		}
		if letter(in[i]) && i+1 < len(in) && letter(in[i+1]) {
			k := i
			for k < len(in) && letter(in[k]) {
				k++
			}
			if k < len(in) && isRC(in[k]) {
				k++ // "Z S H RC"
			}
			out = append(out, strings.Join(in[i:k], ""))
			changed = true
			i = k - 1
			continue
		}
		// A code starts a run of numbers: "one two three four five six"
		// holds none.
		if _, within := codePart(lower(i-1), true, nil); within == 0 {
			if code, n := spokenCode(in[i:]); n > 0 {
				out = append(out, code)
				changed = true
				i += n - 1
				continue
			}
		}
		out = append(out, in[i])
	}
	if !changed {
		return s
	}
	return strings.Join(out, " ")
}

// errno returns the end of a Node error code said in parts from ws[i]
// ("E CONN reset", "E N O T found", "E timed out"), or i.
func errno(ws []string, i int) int {
	if ws[i] != "E" {
		return i
	}
	w := "e"
	for k := i + 1; k < len(ws) && k <= i+5; k++ {
		w += strings.ToLower(ws[k])
		if errnoNames[w] {
			return k + 1
		}
	}
	return i
}

// errnoNames are Node's network error codes, which dictation splits.
var errnoNames = set("econnreset", "econnrefused", "econnaborted", "enotfound", "etimedout", "ehostunreach", "enetunreach", "epipe")

// joinRC joins "RC" to the word before it, as dictation splits a shell's
// start-up file ("bash RC" → "bashRC", so "dot bash RC" is ".bashRC"); a
// letter spelled before it is left for the spelled word ("Z S H RC"),
// and a word that already ends in "rc" keeps it apart ("bashrc RC", left
// by a starred correction).
func joinRC(ws []string) (_ []string, joined bool) {
	out := ws[:0]
	for _, w := range ws {
		if n := len(out); n > 0 && isRC(w) && len(out[n-1]) > 1 && isWord(out[n-1]) && !strings.HasSuffix(strings.ToLower(out[n-1]), "rc") {
			out[n-1] += w
			joined = true
			continue
		}
		out = append(out, w)
	}
	return out, joined
}

func isRC(w string) bool { return strings.EqualFold(strings.TrimRight(w, ",.!?;:"), "rc") }

// isWord is a word of ASCII letters only.
func isWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return w != ""
}

// letter is a word of one capital letter, as dictation spells.
func letter(w string) bool { return len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z' }

// timeSpan holds the words after which "period" is a span of time.
var timeSpan = set("grace", "trial", "billing", "free", "waiting", "cooldown", "cooling", "reset", "rolling", "renewal",
	"notice", "test", "the", "a", "this", "that", "same", "each", "every", "per", "hour", "day", "week", "month", "time", "short", "long")

// domainEnds are the last parts of host names said aloud.
var domainEnds = set("com", "net", "org", "io", "ai", "dev", "co", "uk", "app", "cloud", "us", "eu")

// fileEnds are file endings said after "dot": "dot env".
var fileEnds = set("env", "json", "yaml", "yml", "txt", "js", "ts", "py", "toml", "zshrc", "bashrc", "profile", "claude", "npmrc", "netrc")

// funcWords do not join a name said with dots: "the dot com bubble".
var funcWords = set("the", "a", "an", "my", "our", "your", "their", "his", "her", "in", "at", "to", "from", "of", "on", "and", "or", "is", "its", "it's", "that", "this")

// mayDictate reports whether s may hold something dictated rewrites: a
// word it reads ("comma", "period", "stop", "mark", "point", "slash",
// "dot", a number word that can start a five-digit code) or two capital
// letters standing alone. Most texts have none, and are not read further.
func mayDictate(s string) bool {
	for i := 0; i < len(s); {
		for i < len(s) && !isAlnum(s[i]) {
			i++
		}
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		if j == i {
			break
		}
		w := s[i:j]
		if len(w) == 1 {
			if letter(w) && j+2 <= len(s) && s[j] == ' ' && (w == "E" || s[j+1] >= 'A' && s[j+1] <= 'Z') {
				return true
			}
		} else if len(w) <= len("thirty") {
			var low [6]byte
			for k := range len(w) {
				low[k] = w[k] | 0x20
			}
			if dictateCues[string(low[:len(w)])] {
				return true
			}
		}
		i = j
	}
	return false
}

// dictateCues are the words mayDictate looks for, lowercased.
var dictateCues = set("rc", "dot", "one", "two", "six", "stop", "mark", "zero", "comma", "slash", "point", "three", "period", "twenty", "thirty", "sixty")

var teenWords = []string{"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}

// spokenCode reads a five-digit code said at the start of ws, digit by
// digit or in pairs ("three zero zero three four", "twenty one six ten",
// "two one six one oh"), and returns it (with the punctuation that ended
// its last word) and how many words it took, or 0. It needs three words
// or more and exactly five digits, with no number word after them; "oh"
// is a zero only after the first digit.
func spokenCode(ws []string) (string, int) {
	var digits []byte
	n, end := 0, ""
	for n < len(ws) && len(digits) < 5 {
		w := strings.TrimRight(ws[n], ",.!?;:")
		d, took := codePart(strings.ToLower(w), n > 0, ws[n+1:])
		if took == 0 {
			break
		}
		digits = append(digits, d...)
		n += took
		if last := ws[n-1]; len(strings.TrimRight(last, ",.!?;:")) < len(last) {
			end = last[len(strings.TrimRight(last, ",.!?;:")):]
			break
		}
	}
	if n < 3 || len(digits) != 5 {
		return "", 0
	}
	if end == "" && n < len(ws) {
		if _, more := codePart(strings.ToLower(ws[n]), true, ws[n+1:]); more > 0 {
			return "", 0
		}
	}
	return string(digits) + end, n
}

// codePart reads w (lowercased) as digits and says how many words it
// took: one digit for a unit ("oh" only when notFirst), two for a teen,
// two for a tens word and the unit after it in rest ("twenty one" →
// "21"), or a tens word alone ("twenty" → "20").
func codePart(w string, notFirst bool, rest []string) ([]byte, int) {
	if (w == "oh" || w == "o") && notFirst {
		return []byte{'0'}, 1
	}
	for d, dw := range digitWords[:10] {
		if w == dw {
			return []byte{byte('0' + d)}, 1
		}
	}
	for d, tw := range teenWords {
		if w == tw {
			return []byte(strconv.Itoa(10 + d)), 1
		}
	}
	for t, tw := range tensWords {
		if tw == "" || w != tw {
			continue
		}
		if len(rest) > 0 {
			next := strings.ToLower(rest[0])
			for u, uw := range digitWords[1:10] {
				if next == uw {
					return []byte{byte('0' + t), byte('1' + u)}, 2
				}
			}
		}
		return []byte{byte('0' + t), '0'}, 1
	}
	return nil, 0
}
