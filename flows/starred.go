package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// starred applies the corrections a text marks with a star, as people
// mark what autocorrect changed: "after login w/ my anthropomorphic
// console acct. *Anthropic" is "after login w/ my Anthropic console
// acct.". A starred word (a '*' after a space or at the start, a letter
// next, no '*' closing it) takes the place of the earlier word of the
// text it is closest to: the longest shared start of three letters or
// more, or one edit apart; of equals, the last. A star with no such word
// before it is left as it is.
func starred(s string) string {
	for from := 0; ; {
		i := strings.IndexByte(s[from:], '*')
		if i < 0 {
			return s
		}
		i += from
		from = i + 1
		if i > 0 && s[i-1] != ' ' && s[i-1] != '\n' {
			continue
		}
		end := i + 1
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			end += size
		}
		word := s[i+1 : end]
		if word == "" || !unicode.IsLetter(rune(word[0])) || end < len(s) && s[end] == '*' {
			continue
		}
		at, n := closestBefore(s[:i], word)
		if n == 0 {
			continue
		}
		s = s[:at] + word + s[at+n:i] + s[end:]
		from = at + len(word)
	}
}

// closestBefore returns where the word of s closest to word starts and
// how long it is, or 0, 0 (see starred).
func closestBefore(s, word string) (at, n int) {
	lw := strings.ToLower(word)
	best := 0 // the shared start, or 2 for one edit apart
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			j += size
		}
		w := strings.ToLower(s[i:j])
		score := 0
		if w != lw && len(w) >= 3 {
			k := 0
			for k < len(w) && k < len(lw) && w[k] == lw[k] {
				k++
			}
			switch {
			case k >= 3:
				score = k
			case withinEdits(w, lw, 1):
				score = 2
			}
		}
		if score > 0 && score >= best {
			best, at, n = score, i, j-i
		}
		i = j
	}
	return at, n
}
