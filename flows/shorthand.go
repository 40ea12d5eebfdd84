package flows

import "strings"

// shorthand rewrites the signs and abbreviations people type for words,
// so the rest of the reading sees the words:
//
//   - an arrow between a thing and what it gave is "gives" ("curl w/ the
//     key → 200" reads as "curl w/ the key gives 200"; ->, =>, →, ⇒);
//   - a per cent sign after a number is "percent" ("~30% of calls");
//   - "AM" after every, each, this, next or by is the morning ("fails
//     every AM", "since this am");
//   - a code as a screenshot's OCR misreads it, a letter O or o for a
//     zero and I or l for a one in a number ("API Error: 4O3", "2l6l0"),
//     is the code.
//
// It returns s itself when there is nothing to rewrite.
func shorthand(s string) string {
	s = ocrDigits(s)
	if strings.Contains(s, "->") || strings.Contains(s, "=>") || strings.ContainsAny(s, "→⇒⟶") {
		s = arrowWords.Replace(s)
	}
	if i := strings.IndexByte(s, '%'); i > 0 {
		var b strings.Builder
		done := 0
		for ; i >= 0 && i < len(s); i = indexFrom(s, '%', i+1) {
			if i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
				b.WriteString(s[done:i])
				b.WriteString(" percent")
				done = i + 1
			}
		}
		if done > 0 {
			b.WriteString(s[done:])
			s = b.String()
		}
	}
	if mayMorning(s) {
		s = morning(s)
	}
	return s
}

// indexFrom is the index of c in s from i on, or -1.
func indexFrom(s string, c byte, i int) int {
	if j := strings.IndexByte(s[i:], c); j >= 0 {
		return i + j
	}
	return -1
}

// arrowWords are the arrows people write between a thing and what it
// gave ("curl → 200", "unset → works", "/status -> API key").
var arrowWords = strings.NewReplacer("-->", " gives ", "->", " gives ", "=>", " gives ", "→", " gives ", "⇒", " gives ", "⟶", " gives ")

// amAfter are the words after which "am" is the morning.
var amAfter = set("every", "each", "this", "next", "by", "tomorrow", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")

// mayMorning reports whether s has "am" as a word of its own.
func mayMorning(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i]|0x20 == 'a' && s[i+1]|0x20 == 'm' && (i == 0 || !isAlnum(s[i-1])) && (i+2 == len(s) || !isAlnum(s[i+2])) {
			return true
		}
	}
	return false
}

// morning rewrites "am" after a word of amAfter as "morning".
func morning(s string) string {
	ws := strings.Fields(s)
	changed := false
	for i := 1; i < len(ws); i++ {
		w := strings.TrimRight(ws[i], ",.!?;:")
		if strings.EqualFold(w, "am") && amAfter[strings.ToLower(ws[i-1])] {
			ws[i] = "morning" + ws[i][len(w):]
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(ws, " ")
}

// ocrDigits rewrites a word that starts with a digit and holds only
// digits and the letters OCR takes for them (O, o for 0; I, l for 1), three
// to six long (and perhaps a plural "s"), as the number ("4O3" → "403",
// "4O3s" → "403s"). Most texts have none.
func ocrDigits(s string) string {
	var b []byte
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		if j == i {
			i++
			continue
		}
		w := s[i:j]
		if len(w) > 3 && w[len(w)-1] == 's' {
			w = w[:len(w)-1] // "4O3s"
		}
		if len(w) >= 3 && len(w) <= 6 && w[0] >= '0' && w[0] <= '9' && (i == 0 || s[i-1] < 0x80) && (j == len(s) || s[j] < 0x80) {
			misread, ok := false, true
			for k := 0; k < len(w) && ok; k++ {
				switch c := w[k]; {
				case c >= '0' && c <= '9':
				case c == 'O' || c == 'o' || c == 'I' || c == 'l':
					misread = true
				default:
					ok = false
				}
			}
			if ok && misread {
				if b == nil {
					b = []byte(s)
				}
				for k := i; k < i+len(w); k++ {
					switch b[k] {
					case 'O', 'o':
						b[k] = '0'
					case 'I', 'l':
						b[k] = '1'
					}
				}
			}
		}
		i = j
	}
	if b == nil {
		return s
	}
	return string(b)
}
