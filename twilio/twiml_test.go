package twilio_test

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/twiml"

	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/twilio"
)

// response is the TwiML shape textfix sends.
type response struct {
	XMLName  xml.Name  `xml:"Response"`
	Messages []message `xml:"Message"`
}

type message struct {
	Body  string     `xml:",chardata"`
	Attrs []xml.Attr `xml:",any,attr"`
}

// parseTwiML checks the XML declaration and decodes the document.
func parseTwiML(t *testing.T, doc []byte) response {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	if err != nil {
		t.Fatalf("first token: %v\n%s", err, doc)
	}
	pi, ok := tok.(xml.ProcInst)
	if !ok || pi.Target != "xml" {
		t.Fatalf("document does not start with an XML declaration: %T %v\n%s", tok, tok, doc)
	}
	for _, want := range []string{`version="1.0"`, `encoding="UTF-8"`} {
		if !strings.Contains(string(pi.Inst), want) {
			t.Errorf("XML declaration %q lacks %s", pi.Inst, want)
		}
	}
	var r response
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decode: %v\n%s", err, doc)
	}
	// Nothing but whitespace may follow the root element.
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); !ok || len(bytes.TrimSpace(cd)) != 0 {
			t.Fatalf("content after </Response>: %v\n%s", tok, doc)
		}
	}
	return r
}

func bodies(r response) []string {
	var out []string
	for _, m := range r.Messages {
		if len(m.Attrs) != 0 {
			// Attributes are not used by textfix; their order is map order.
			out = append(out, "attrs!")
		}
		out = append(out, m.Body)
	}
	return out
}

func TestTwiML(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want []string
	}{
		{"none", nil, nil},
		{"one", []string{"Hello"}, []string{"Hello"}},
		{"several in order", []string{"one", "two", "three"}, []string{"one", "two", "three"}},
		{"special characters", []string{`Tom & Jerry <script>alert("x")</script> 'quoted' > end`},
			[]string{`Tom & Jerry <script>alert("x")</script> 'quoted' > end`}},
		{"emoji and accents", []string{"Fixed 🎉👍🏽 — café ☕"}, []string{"Fixed 🎉👍🏽 — café ☕"}},
		{"markup-looking text", []string{"]]> <![CDATA[ &amp; &#x41;"}, []string{"]]> <![CDATA[ &amp; &#x41;"}},
		{"lines kept", []string{"1) yes\n2) no\r\n3) maybe"}, []string{"1) yes\n2) no\n3) maybe"}},
		{"control characters repaired", []string{"a\x00b\x07c\x1bd"}, []string{"a bcd"}},
		{"invalid UTF-8 repaired", []string{"bad \xff byte"}, []string{"bad \uFFFD byte"}},
		{"empty messages left out", []string{"", "kept", "\x00", " \n"}, []string{"kept"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := twilio.TwiML(c.in...)
			if err != nil {
				t.Fatal(err)
			}
			got := bodies(parseTwiML(t, doc))
			if !slices.Equal(got, c.want) {
				t.Errorf("messages = %q, want %q\n%s", got, c.want, doc)
			}
		})
	}
}

func TestTwiMLEmptyIsEmptyResponse(t *testing.T) {
	doc, err := twilio.TwiML()
	if err != nil {
		t.Fatal(err)
	}
	// The root must be an empty <Response>: no children, no text.
	dec := xml.NewDecoder(bytes.NewReader(doc))
	depth, elements := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			elements++
			if depth == 0 && tok.Name.Local != "Response" {
				t.Errorf("root element %q", tok.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth > 0 && len(bytes.TrimSpace(tok)) != 0 {
				t.Errorf("text inside <Response>: %q", tok)
			}
		}
	}
	if elements != 1 {
		t.Errorf("%d elements, want only <Response>\n%s", elements, doc)
	}
	parseTwiML(t, doc)
}

// TwiML writes what twilio-go's twiml package wrote before it (the
// oracle here), byte for byte, so a reply replayed across the change is
// the same document.
func TestTwiMLAsTwilioGo(t *testing.T) {
	cases := [][]string{
		nil,
		{""},
		{"Hello"},
		{"one", "two", "three"},
		{`Tom & Jerry <script>alert("x")</script> 'quoted' > end`},
		{"Fixed 🎉👍🏽 — café ☕", "", "tab\there\nnew line"},
		{"]]> <![CDATA[ &amp; &#x41;"},
		{"1) yes\n2) no\r\n3) maybe", "a\x00b\x07c\x1bd", "bad \xff byte", "\uFFFE\uFFFF x"},
		{strings.Repeat("How does Claude Code sign in?\n1) Claude plan & more ", 40)},
	}
	for _, in := range cases {
		var verbs []twiml.Element
		for _, m := range in {
			if m = segment.Repair(m); m != "" {
				verbs = append(verbs, twiml.MessagingMessage{Body: m})
			}
		}
		want, err := twiml.Messages(verbs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := twilio.TwiML(in...)
		if err != nil || string(got) != want {
			t.Errorf("TwiML(%q) =\n%s, %v\ntwilio-go wrote\n%s", in, got, err, want)
		}
	}
}

func BenchmarkTwiML(b *testing.B) {
	replies := []string{"How does Claude Code sign in?\n1) Claude plan (/login: Pro, Max, Team or Enterprise)\n2) API key from the Claude Console\n3) Console account (/login)\n4) Bedrock, Vertex or a company gateway\nReply 1-4 or in your words."}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := twilio.TwiML(replies...); err != nil {
			b.Fatal(err)
		}
	}
}
