package flows

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// pattern is a choice's compiled pattern with what any match of it must
// contain: one of need, as a substring of the normalised text. A text
// with none of them is not run through the regexp, which is most texts
// at most patterns.
type pattern struct {
	re *regexp.Regexp
	// need is nil when the pattern requires no literal (or one the check
	// cannot trust, outside ASCII).
	need []string
}

// compilePattern compiles p case-insensitive and works out its need.
func compilePattern(p string) (pattern, error) {
	re, err := regexp.Compile("(?i)" + p)
	if err != nil {
		return pattern{}, err
	}
	pt := pattern{re: re}
	if tree, err := syntax.Parse("(?i)"+p, syntax.Perl); err == nil {
		pt.need, _ = required(tree.Simplify())
	}
	return pt, nil
}

// find is re.FindStringIndex(norm), skipped when norm lacks every needed
// literal. A norm outside ASCII always runs the regexp: case folding
// there ("ſ" matches (?i)s) is more than the lowercase norm shows.
func (p pattern) find(norm string) []int {
	if p.need != nil && isASCII(norm) && !containsAny(norm, p.need) {
		return nil
	}
	return p.re.FindStringIndex(norm)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// required returns literals of which every match of re contains at least
// one, lowercased, and whether there are any. It answers conservatively:
// when in doubt, none (ok false), and the regexp always runs.
func required(re *syntax.Regexp) (need []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := strings.ToLower(string(re.Rune))
		if !isASCII(s) || s == "" {
			return nil, false
		}
		return []string{s}, true
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return required(re.Sub[0])
	case syntax.OpConcat:
		// Any part's literals will do; the longest shortest one rejects
		// the most texts.
		for _, sub := range re.Sub {
			if n, ok := required(sub); ok && (need == nil || shortest(n) > shortest(need)) {
				need = n
			}
		}
		return need, need != nil
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			n, ok := required(sub)
			if !ok {
				return nil, false
			}
			need = append(need, n...)
		}
		return need, true
	}
	return nil, false
}

func shortest(ss []string) int {
	n := -1
	for _, s := range ss {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}
