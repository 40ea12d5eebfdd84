package bot

import "regexp"

// RedactEveryRule is Redact without its shortcuts: every rule runs,
// anchors or not, and a regexp rule runs its pattern over the whole text
// (preceded by \b unless it starts at its literal).
func RedactEveryRule(s string) string {
	for _, r := range rules {
		if r.re == nil {
			s = cut(s, r.find(s))
			continue
		}
		pattern := r.re.pattern
		if r.re.at != atLiteral {
			pattern = `\b(?:` + pattern + `)`
		}
		var spans []span
		for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatchIndex(s, -1) {
			spans = r.re.secrets(s, m, 0, spans)
		}
		s = cut(s, spans)
	}
	return s
}
