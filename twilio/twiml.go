package twilio

import (
	"fmt"
	"strings"

	"github.com/twilio/twilio-go/twiml"

	"github.com/textfix/textfix/segment"
)

// TwiMLContentType is the Content-Type of a [TwiML] reply.
const TwiMLContentType = "text/xml; charset=utf-8"

// TwiML returns the webhook reply that makes Twilio send each message, in
// order, as a separate SMS to the sender of the inbound message:
//
//	<?xml version="1.0" encoding="UTF-8"?><Response><Message>…</Message>…</Response>
//
// With no messages it returns an empty <Response/> document (header
// included), which tells Twilio to send nothing. Each message is passed
// through [segment.Repair] first, so the document is always well-formed XML;
// messages that are empty or blank after that are left out, because Twilio
// rejects an empty <Message>. The XML is written by twilio-go's twiml package,
// whose attribute order is not stable: compare replies by parsing them,
// never as strings.
func TwiML(messages ...string) ([]byte, error) {
	verbs := make([]twiml.Element, 0, len(messages))
	for _, m := range messages {
		m = segment.Repair(m)
		if strings.TrimSpace(m) == "" {
			continue
		}
		verbs = append(verbs, twiml.MessagingMessage{Body: m})
	}
	doc, err := twiml.Messages(verbs)
	if err != nil {
		return nil, fmt.Errorf("twilio: twiml: %w", err)
	}
	return []byte(doc), nil
}
