package ocr_test

import (
	"testing"

	"github.com/textfix/textfix/ocr"
)

func TestClean(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"keeps a plain line", "API Error: 403 Request not allowed\n", "API Error: 403 Request not allowed"},
		{"collapses spaces and blank lines", "  Invalid   API key\n\n\n  Please run /login  \n", "Invalid API key\nPlease run /login"},
		{"plain quotes and dashes", "“message”: ‘Overloaded’ — retry…", `"message": 'Overloaded' - retry.`},
		{"drops box-drawing frames", "╭────────────╮\n│ ✻ Welcome to Claude Code! │\n╰────────────╯", "✻ Welcome to Claude Code!"},
		{"drops OCR'd frame bars", "| /help for help, /status for your setup |\n|\n||||", "/help for help, /status for your setup"},
		{"drops lines of stray marks", "@ © ® . — —\nee . : ; ~\nAPI Error: 529", "API Error: 529"},
		{"drops too-short words", "a b c\nok 12\n404", "404"},
		{"joins a hyphenated word", "your organiza-\ntion's rate limit", "your organization's rate limit"},
		{"keeps a compound's hyphen", "invalid x-api-\nkey", "invalid x-api-key"},
		{"does not join before a capital", "Retry-\nAfter: 30", "Retry-\nAfter: 30"},
		{"joins an identifier wrapped after its underscore", `{"type":"invalid_` + "\n" + `request_error"}`, `{"type":"invalid_request_error"}`},
		{"puts back a lost underscore in a type", `"type": "permission error",`, `"type": "permission_error",`},
		{"puts back underscores in a code", `'code': 'card declined'`, `'code': 'card_declined'`},
		{"puts back an underscore in an exception code", `exceptionCode='INVALID SESSION_ID'`, `exceptionCode='INVALID_SESSION_ID'`},
		{"closes a space beside an underscore", `"request _id": "req_011", "invalid_ request"`, `"request_id": "req_011", "invalid_request"`},
		{"leaves messages alone", `"message": "Request not allowed"`, `"message": "Request not allowed"`},
		{"control characters go", "API\x00 Error\ufffd 500\f", "API Error 500"},
		{"nothing", "  \n \n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ocr.Clean(c.in); got != c.want {
				t.Errorf("Clean(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}
