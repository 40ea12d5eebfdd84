package bot

import "regexp"

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
