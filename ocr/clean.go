package ocr

import (
	"regexp"
	"strings"
	"unicode"
)

// Clean tidies what Tesseract read from a screen so it can stand in for a
// typed text: quotes and dashes made plain, box-drawing and frame
// characters removed, underscores that OCR lost put back in identifiers
// ("type": "permission error" → "permission_error"), lines of stray
// marks (icons, borders, rules) dropped, words hyphenated across a line
// break joined (and identifiers wrapped after an underscore), and runs of spaces and blank lines collapsed. The lines that stay are joined with
// "\n".
func Clean(text string) string {
	var lines []string
	for line := range strings.Lines(text) {
		line = strings.Map(plain, line)
		line = strings.Join(strings.Fields(line), " ")
		line = strings.Trim(line, frame)
		line = underscores(line)
		if keep(line) {
			lines = append(lines, line)
		}
	}
	// Join hyphenated line breaks: "permis-" + "sion" is "permission";
	// "x-api-" + "key" keeps its hyphen, as does a hyphen before a digit.
	var out []string
	for _, line := range lines {
		if n := len(out); n > 0 {
			prev := out[n-1]
			if strings.HasSuffix(prev, "_") && line != "" && isWordByte(line[0]) {
				// An identifier wrapped at the screen's edge.
				out[n-1] = prev + line
				continue
			}
			if hyphenated(prev) && line != "" && unicode.IsLower(rune(line[0])) {
				word := prev[strings.LastIndexByte(prev, ' ')+1:]
				if strings.Count(word, "-") > 1 {
					out[n-1] = prev + line
				} else {
					out[n-1] = prev[:len(prev)-1] + line
				}
				continue
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

var (
	// spacedUnderscore is "request _id" or "invalid_ request": Tesseract
	// sets a space beside an underscore it did see.
	spacedUnderscore = regexp.MustCompile(`([A-Za-z0-9]) +_([A-Za-z0-9])|([A-Za-z0-9])_ +([a-z0-9])`)
	// identifierValue is a JSON or exception field that always holds an
	// identifier ("type": "permission_error"), read with spaces where the
	// underscores were: Tesseract often loses a thin underscore.
	identifierValue = regexp.MustCompile(`(?i)(["'*]?\b(?:type|code|error_?code|decline_code|exceptionCode)["'*]?\s*[:=]\s*["'*])([A-Za-z_]+(?: [A-Za-z_]+){1,3})(["'*])`)
)

// underscores puts back the underscores Tesseract turned into spaces in
// identifiers.
func underscores(line string) string {
	line = spacedUnderscore.ReplaceAllString(line, "${1}${3}_$2$4")
	return identifierValue.ReplaceAllStringFunc(line, func(m string) string {
		p := identifierValue.FindStringSubmatch(m)
		return p[1] + strings.ReplaceAll(p[2], " ", "_") + p[3]
	})
}

// frame is what screens draw around text and OCR reads at a line's ends.
// Punctuation that ends a sentence or a word stays.
const frame = " |¦~=*+>•·»«"

// plain maps typographic and drawing characters to plain ones; -1 drops.
func plain(r rune) rune {
	switch {
	case r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u2032':
		return '\''
	case r == '\u201c' || r == '\u201d' || r == '\u201e' || r == '\u2033':
		return '"'
	case r >= '\u2010' && r <= '\u2015', r == '\u2212':
		return '-'
	case r == '\u2026':
		return '.'
	case r >= '\u2500' && r <= '\u259f', // box drawing, block elements
		r >= '\u23b0' && r <= '\u23bf', // ⎿ and the like (Claude Code's tree)
		r == '\u00a0', r == '\t':
		return ' '
	case r == '\r' || r == '\n' || r == '\f':
		return ' '
	case unicode.IsControl(r), r == '\ufffd':
		return -1
	}
	return r
}

// keep reports whether a line is text rather than stray marks: it needs a
// word of three letters or a number of three digits, and letters and
// digits must be at least half of its visible characters.
func keep(line string) bool {
	if line == "" {
		return false
	}
	alnum, visible, run, longest := 0, 0, 0, 0
	for _, r := range line {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum++
			visible++
			run++
			longest = max(longest, run)
			continue
		case r == '_' || r == '-' || r == '\'':
			// Inside identifiers and words: neither breaks nor counts.
			visible++
			continue
		case !unicode.IsSpace(r):
			visible++
		}
		run = 0
	}
	return longest >= 3 && alnum*2 >= visible
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func hyphenated(line string) bool {
	n := len(line)
	return n >= 3 && line[n-1] == '-' && unicode.IsLetter(rune(line[n-2])) && unicode.IsLetter(rune(line[n-3]))
}
