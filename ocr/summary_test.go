package ocr_test

import (
	"strings"
	"testing"

	"github.com/textfix/textfix/ocr"
)

func TestSummarize(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"Claude Code 403, the issue's example",
			`API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Request not allowed"}}`,
			`403 permission_error "Request not allowed"`},
		{"a message wrapped over lines",
			"● API Error: 401 {\"type\":\"error\",\"error\":\n{\"type\":\"authentication_error\",\"message\":\"OAuth\ntoken has expired.\"}} · Please run /login",
			`401 authentication_error "OAuth token has expired"`},
		{"a long message is cut at a word, within 100 characters",
			`API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 30,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits."}}`,
			`429 rate_limit_error "This request would exceed the rate limit for your organization of 30,000..."`},
		{"pretty JSON without a status",
			"{\n  \"error\": {\n    \"code\": \"card_declined\",\n    \"decline_code\": \"do_not_honor\",\n    \"message\": \"Your card was declined.\",\n    \"type\": \"card_error\"\n  }\n}",
			`card_declined do_not_honor "Your card was declined"`},
		{"Salesforce",
			"HTTP/1.1 401 Unauthorized\nDate: Thu, 20 Nov 2026 14:02:11 GMT\n[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]",
			`401 INVALID_SESSION_ID "Session expired or invalid"`},
		{"a Java fault",
			"Exception in thread \"main\" [UnexpectedErrorFault [ApiFault exceptionCode='INVALID_SESSION_ID'\nexceptionMessage='Invalid Session ID found in SessionHeader: Illegal Session'",
			`INVALID_SESSION_ID UnexpectedErrorFault "Invalid Session ID found in SessionHeader: Illegal Session"`},
		{"a Twilio console row: a code, then its line",
			"Error logs\nCode Description Product\n21610 Attempt to send to unsubscribed recipient",
			`21610 Attempt to send to unsubscribed recipient`},
		{"a Twilio exception in Node",
			"RestException [Error]: Attempt to send to unsubscribed recipient\nat success (/app/node_modules/twilio/lib/base/Version.js:79:23)\nstatus: 400,\ncode: 21610,",
			`400 21610 RestException Attempt to send to unsubscribed recipient`},
		{"a phone number is not a status",
			"Error 21608\nThe number +1 415 555 0134 is unverified.",
			`21608 The number +1 415 555 0134 is unverified`},
		{"no codes: the line that reads most like an error",
			"Payments\n$49.00 USD Failed\nYour card was declined.\njane@example.com",
			`Your card was declined`},
		{"a sentence wrapped in a narrow column",
			"Description\nYour card\nwas\ndeclined.\nPro plan",
			`Your card was declined`},
		{"a browser error page, icons and close buttons dropped",
			"502 Bad Gateway ×\n@ shop.example.com/checkout\n502 Bad Gateway\nnginx/1.24.0",
			`502 Bad Gateway`},
		{"E-codes",
			"npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fui-kit - Not found",
			`404 E404 npm ERR! 404 Not Found - GET - Not found`},
		{"environment variables are not error types",
			"export ANTHROPIC_API_KEY=sk-ant-xxx\nInvalid API key · Please run /login",
			`Invalid API key - Please run /login`},
		{"money, times, counts and tokens are not codes",
			"$402.00 charged at 4:03\n500 tokens used, 429 requests left\nall good",
			``},
		{"not an error at all", "Welcome to Claude Code!\n/help for help", ``},
		{"nothing", "", ``},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ocr.Summarize(c.in)
			if got != c.want {
				t.Errorf("Summarize(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			checkSummary(t, got)
		})
	}
}

// checkSummary asserts what every summary promises: short, printable
// ASCII (an SMS stays GSM-7).
func checkSummary(t testing.TB, s string) {
	t.Helper()
	if len(s) > ocr.MaxSummary {
		t.Errorf("summary %q is %d characters, more than %d", s, len(s), ocr.MaxSummary)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r > '~' }); i >= 0 {
		t.Errorf("summary %q has a character outside printable ASCII at %d", s, i)
	}
}
