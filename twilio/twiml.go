package twilio

import (
	"strings"
	"unicode/utf8"

	"github.com/textfix/textfix/segment"
)

// TwiMLContentType is the Content-Type of a [TwiML] reply.
const TwiMLContentType = "text/xml; charset=utf-8"

const (
	twimlHeader = `<?xml version="1.0" encoding="UTF-8"?>`
	twimlEmpty  = twimlHeader + `<Response/>`
)

// TwiML returns the webhook reply that makes Twilio send each message, in
// order, as a separate SMS to the sender of the inbound message:
//
//	<?xml version="1.0" encoding="UTF-8"?><Response><Message>…</Message>…</Response>
//
// With no messages it returns an empty <Response/> document (header
// included), which tells Twilio to send nothing. Each message is passed
// through [segment.Repair] first, so the document is always well-formed XML;
// messages that are empty or blank after that are left out, because Twilio
// rejects an empty <Message>. The document is written directly, in one
// allocation (the webhook's hot path), byte for byte as twilio-go's twiml
// package writes it (tested against it), so a reply replayed across
// versions is the same; its error is always nil.
func TwiML(messages ...string) ([]byte, error) {
	size := len(twimlEmpty)
	var fixed []string // the repaired messages, made only when one changes
	for i, m := range messages {
		if r := segment.Repair(m); r != m {
			if fixed == nil {
				fixed = append(make([]string, 0, len(messages)), messages...)
			}
			fixed[i] = r
		}
		size += len("<Message></Message>") + len(m) + len(m)/16 // room for a few entities
	}
	if fixed != nil {
		messages = fixed
	}
	doc := make([]byte, 0, size)
	doc = append(doc, twimlHeader+"<Response>"...)
	empty := true
	for _, m := range messages {
		if strings.TrimSpace(m) == "" {
			continue
		}
		empty = false
		doc = append(doc, "<Message>"...)
		doc = appendEscaped(doc, m)
		doc = append(doc, "</Message>"...)
	}
	if empty {
		return append(doc[:0], twimlEmpty...), nil
	}
	return append(doc, "</Response>"...), nil
}

// appendEscaped appends s as XML character data, escaped as twilio-go's
// XML writer (etree) escapes text: the five predefined entities, and
// U+FFFD for a rune XML does not allow (none after segment.Repair).
func appendEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		var esc string
		width := 1
		switch c := s[i]; {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\'':
			esc = "&apos;"
		case c == '"':
			esc = "&quot;"
		case c < utf8.RuneSelf:
			if xmlChar(rune(c)) {
				i++
				continue
			}
			esc = "\uFFFD"
		default:
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if xmlChar(r) && (r != utf8.RuneError || width > 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		i += width
		last = i
	}
	return append(dst, s[last:]...)
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
