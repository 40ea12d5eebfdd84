package bot

import "regexp"

// Redacted replaces a secret in stored text.
const Redacted = "[REDACTED]"

// secrets are the credential shapes people paste into a text. Order
// matters: specific shapes before the generic "key=value" one.
var secrets = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`sk-ant-[A-Za-z0-9_-]{6,}`), Redacted},                                     // Anthropic
	{regexp.MustCompile(`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}`), Redacted},            // OpenAI
	{regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b`), Redacted},                 // AWS access key id
	{regexp.MustCompile(`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{16,}`), Redacted},                   // GitHub tokens
	{regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{16,}`), Redacted},                               // GitHub fine-grained
	{regexp.MustCompile(`\bxox[abprse]-[A-Za-z0-9-]{8,}`), Redacted},                               // Slack
	{regexp.MustCompile(`\bxapp-[A-Za-z0-9-]{8,}`), Redacted},                                      // Slack app
	{regexp.MustCompile(`\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}`), Redacted},                 // Stripe keys
	{regexp.MustCompile(`\bwhsec_[A-Za-z0-9]{8,}`), Redacted},                                      // Stripe webhook secret
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}`), Redacted}, // JWT
	{regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`), "$1 " + Redacted},        // Authorization values
	{regexp.MustCompile(`(?i)\b(aws_secret_access_key|secret_access_key)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{16,}`), "$1$2" + Redacted},
	{regexp.MustCompile(`(?i)\b((?:[a-z0-9]+[_-])*(?:api[_-]?key|apikey|token|secret|password|passwd|auth[_-]?token))(["']?\s*[:=]\s*["']?)[^\s"',;]{8,}`), "$1$2" + Redacted},
}

// phoneLike matches what may be a phone number in text a person typed:
// +E.164 with or without separators, (555) 555-0101 shapes, and runs of
// 10 to 15 digits. Status and error codes are shorter.
var phoneLike = regexp.MustCompile(`\+\d[\d ().-]{5,18}\d|\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b|\b\d{10,15}\b`)

// ShareableText is what a person typed as others may see it, on a page
// or a console screen: redacted again (text stored before a redaction rule
// existed) and with anything that looks like a phone number hidden.
func ShareableText(s string) string {
	return phoneLike.ReplaceAllString(Redact(s), "[number hidden]")
}

// Shareable is p as anyone with the link may see it: the person's first
// text and answers pass through [ShareableText].
func (p Page) Shareable() Page {
	p.Reported = ShareableText(p.Reported)
	p.Answers = append([]Answer(nil), p.Answers...)
	for i := range p.Answers {
		p.Answers[i].Text = ShareableText(p.Answers[i].Text)
	}
	return p
}

// Redact removes secrets (API keys, tokens, JWTs, passwords given as
// key=value) from s. Everything the engine stores, and everything that
// reaches a page or an operator summary, passes through it.
func Redact(s string) string {
	for _, sec := range secrets {
		s = sec.re.ReplaceAllString(s, sec.repl)
	}
	return s
}
