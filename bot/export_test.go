package bot

// RedactEveryRule runs every redaction rule, anchors or not: what Redact
// would do without its pre-checks.
func RedactEveryRule(s string) string {
	for _, r := range rules {
		s = r.redact(s)
	}
	return s
}
