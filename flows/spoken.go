package flows

import (
	"strconv"
	"strings"
)

// spoken rewrites numbers said as words, as voice dictation and people
// who write as they speak leave them, into digits: an error code read
// out ("four oh three", "4 oh 1", "five twenty nine", "five hundred",
// "four hundred and one") and an hour before am or pm ("resets four PM").
// Only codes of 400 to 599 are read: "one oh one" or "two twenty" say
// something else. It returns s itself when there is nothing to rewrite.
func spoken(s string) string {
	if !maySpeak(s) {
		return s
	}
	var ws [24]wordSpan
	words := wordSpans(s, ws[:0])
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i < len(words); i++ {
		lead, ok := digitWord(s, words[i])
		if !ok {
			continue
		}
		code, n := "", 0
		if lead == 4 || lead == 5 {
			code, n = codeAfter(s, words[i+1:], lead)
			// "five oh five pm" is a time.
			if n > 0 && i+n+1 < len(words) && isMeridiem(s, words[i+n+1]) {
				code, n = "", 0
			}
		}
		if n == 0 && i+1 < len(words) && lead >= 1 && isMeridiem(s, words[i+1]) {
			if !isAmount(s[words[i].start:words[i].end]) {
				b.WriteString(s[done:words[i].start])
				b.WriteString(strconv.Itoa(lead))
				done = words[i].end
			}
			continue
		}
		if n == 0 {
			continue
		}
		b.WriteString(s[done:words[i].start])
		b.WriteString(code)
		done = words[i+n].end
		i += n
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// maySpeak reports whether s may hold something spoken rewrites: "four"
// or "five" (a code's first digit), a 4 or 5 before a space or a hyphen
// ("4 0 3", "4-0-3"), or "am" or
// "pm" ending a word. Most texts have none, and are not read further.
func maySpeak(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		c := s[i] | 0x20
		switch {
		case c == 'f' && i+4 <= len(s) && (strings.EqualFold(s[i:i+4], "four") || strings.EqualFold(s[i:i+4], "five")):
			return true
		case (s[i] == '4' || s[i] == '5') && (s[i+1] == ' ' || s[i+1] == '-'):
			return true
		case (c == 'a' || c == 'p') && s[i+1]|0x20 == 'm' && (i+2 == len(s) || !isAlnum(s[i+2])):
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// wordSpan is a word of s: a run of ASCII letters or digits.
type wordSpan struct{ start, end int }

func wordSpans(s string, out []wordSpan) []wordSpan {
	start := -1
	for i := 0; i <= len(s); i++ {
		alnum := i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9')
		switch {
		case alnum && start < 0:
			start = i
		case !alnum && start >= 0:
			// A word glued to others by an apostrophe or a letter outside
			// ASCII is not a number word.
			if (start == 0 || s[start-1] < 0x80 && s[start-1] != '\'') && (i == len(s) || s[i] < 0x80 && s[i] != '\'') {
				out = append(out, wordSpan{start, i})
			} else {
				out = append(out, wordSpan{-1, -1})
			}
			start = -1
		}
	}
	return out
}

var digitWords = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}

// digitWord reads w as a number from 0 to 12: a word or one or two digits.
func digitWord(s string, w wordSpan) (int, bool) {
	if w.start < 0 {
		return 0, false
	}
	x := s[w.start:w.end]
	if len(x) > len("eleven") {
		return 0, false
	}
	if isAmount(x) && len(x) <= 2 {
		n := 0
		for _, c := range x {
			n = 10*n + int(c-'0')
		}
		return n, n <= 12
	}
	for n, d := range digitWords {
		if strings.EqualFold(x, d) {
			return n, true
		}
	}
	return 0, false
}

var tensWords = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

// codeAfter reads the rest of a code whose first digit, lead, was said:
// "oh three", "zero 1", "twenty nine", "hundred", "hundred and one". It
// returns the code and how many words of ws it took, or 0.
func codeAfter(s string, ws []wordSpan, lead int) (string, int) {
	word := func(k int) string {
		if k >= len(ws) || ws[k].start < 0 {
			return ""
		}
		return strings.ToLower(s[ws[k].start:ws[k].end])
	}
	unit := func(k int) (int, bool) {
		if k >= len(ws) {
			return 0, false
		}
		n, ok := digitWord(s, ws[k])
		return n, ok && n <= 9
	}
	switch w := word(0); w {
	case "oh", "o", "zero", "0":
		if u, ok := unit(1); ok {
			return strconv.Itoa(lead*100 + u), 2
		}
	case "hundred":
		if word(1) == "and" {
			if u, ok := unit(2); ok && u > 0 {
				return strconv.Itoa(lead*100 + u), 3
			}
		}
		if u, ok := unit(1); ok && u > 0 {
			return strconv.Itoa(lead*100 + u), 2
		}
		return strconv.Itoa(lead * 100), 1
	default:
		for t, tw := range tensWords {
			if tw != "" && w == tw {
				// The unit is needed: "four twenty" alone is as often a time.
				if u, ok := unit(1); ok && u > 0 {
					return strconv.Itoa(lead*100 + t*10 + u), 2
				}
			}
		}
	}
	return "", 0
}

func isMeridiem(s string, w wordSpan) bool {
	if w.start < 0 {
		return false
	}
	x := s[w.start:w.end]
	return strings.EqualFold(x, "am") || strings.EqualFold(x, "pm")
}
