package bot_test

import (
	"testing"

	"github.com/textfix/textfix/bot"
)

// What a person typed, as pages and console screens show it: secrets
// redacted and phone numbers hidden; codes and other numbers stay.
func TestShareableText(t *testing.T) {
	for in, want := range map[string]string{
		"claude code 403":                     "claude code 403",
		"text me at +1 (555) 555-0199":        "text me at [number hidden]",
		"call 555-555-0199 or 5555550199":     "call [number hidden] or [number hidden]",
		"twilio 21610 on +15555550101":        "twilio 21610 on [number hidden]",
		"my key is sk-ant-api03-AbCdEf012345": "my key is [REDACTED]",
	} {
		if got := bot.ShareableText(in); got != want {
			t.Errorf("ShareableText(%q) = %q, want %q", in, got, want)
		}
	}
	p := bot.Page{Reported: "+15555550101", Answers: []bot.Answer{{Text: "5555550199"}}}
	s := p.Shareable()
	if s.Reported != "[number hidden]" || s.Answers[0].Text != "[number hidden]" || p.Answers[0].Text != "5555550199" {
		t.Errorf("Shareable: %+v (original now %+v)", s, p)
	}
}

func TestIsPageID(t *testing.T) {
	for id, want := range map[string]bool{
		bot.NewPageID(): true, "c0123456789ab": true, "0123456789abc": true,
		"": false, "0123456789ab": false, "0123456789abcd": false, "0123456789ab-": false, "../../etc/pas": false,
	} {
		if got := bot.IsPageID(id); got != want {
			t.Errorf("IsPageID(%q) = %v, want %v", id, got, want)
		}
	}
}
