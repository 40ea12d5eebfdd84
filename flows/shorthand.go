package flows

import "strings"

// shorthand rewrites the signs and abbreviations people type for words,
// so the rest of the reading sees the words:
//
//   - an arrow between a thing and what it gave is "gives" ("curl w/ the
//     key → 200" reads as "curl w/ the key gives 200"; ->, =>, →, ⇒);
//   - a per cent sign after a number is "percent" ("~30% of calls");
//   - "AM" after every, each, this, next or by is the morning ("fails
//     every AM", "since this am").
//
// It returns s itself when there is nothing to rewrite.
func shorthand(s string) string {
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
