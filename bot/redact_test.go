package bot_test

import (
	"testing"

	"github.com/textfix/textfix/bot"
)

// longCLIPaste is what people paste from a terminal: a command, its
// output, versions, timestamps, a request id, a stack. No secrets.
const longCLIPaste = `$ claude -p "fix the failing test" --verbose
[2026-11-27T10:04:12.381Z] claude-code v2.0.31 (node v22.11.0, darwin-arm64)
[2026-11-27T10:04:12.502Z] Using model claude-sonnet-4-5-20250929 via api.anthropic.com
[2026-11-27T10:04:13.117Z] POST https://api.anthropic.com/v1/messages?beta=true -> 403 Forbidden (612ms)
  request-id: 7f3c9a1e-52b4-4d7e-9c0a-1b2e3f4a5b6c
  x-should-retry: false
API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Request not allowed"},"request_id":"req_011CSHe9vQnX8kJc4mTzRb2L"}
    at APIError.generate (file:///opt/homebrew/lib/node_modules/@anthropic-ai/claude-code/cli.js:1:284113)
    at Anthropic.makeRequest (file:///opt/homebrew/lib/node_modules/@anthropic-ai/claude-code/cli.js:1:291020)
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)
    at async Query.next (file:///opt/homebrew/lib/node_modules/@anthropic-ai/claude-code/cli.js:1:1402231)
npm notice New minor version of npm available! 10.9.0 -> 10.9.2
npm notice Changelog: https://github.com/npm/cli/releases/tag/v10.9.2
error code 0x8badf00d, retried 3 times over 00:00:07.412; last status 403, see https://docs.anthropic.com/en/api/errors
Process exited with code 1 after 4.2s (pid 48213) at 10:04:17 on 2026-11-27`

// redactCases are realistic texts, with and without secrets, for the
// benchmark.
var redactCases = []struct{ name, text string }{
	{"load-body", "claude code keeps saying 403 what do I do"},
	{"json-error", `API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."},"request_id":"req_011CSHe9vQnX8kJc4mTzRb2L"}`},
	{"cli-paste", longCLIPaste},
	{"emoji", "ugh 😩 twilio keeps failing w/ 30007 on every text 📱🙏 pls help, it's been 2 days — nothing works 💀"},
	{"stripe-decline", "stripe says your card was declined, decline_code: insufficient_funds, charge ch_3PqXa12eZvKYlo2C0b1c2d3e at 2026-11-27 10:04"},
	{"twilio-sids", "twilio 21610 on SM0a1b2c3d4e5f60718293a4b5c6d7e8f9 from account AC0123456789abcdef0123456789abcdef"},
	{"password-word", "I forgot my password and the password reset link doesn't work"},
	{"secret-api-key", "export ANTHROPIC_API_KEY=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEFGH then claude says 401"},
	{"secret-password", "my password is Hunter2! and salesforce still says INVALID_SESSION_ID"},
	{"secret-dsn", "prisma can't reach postgres://app:S3cr3tPa55@db.internal.example.com:5432/prod?sslmode=require"},
	{"secret-card", "stripe test says declined for 4000 0000 0000 0002 but my real card 4111-1111-1111-1111 works"},
	{"secret-bearer", `curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" https://api.example.com/v1/me gives 401`},
	{"secret-private-key", "ssh says permissions too open for\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDm3xYQ2pX9b0s8bPZ0o4JmY2JjZmU0YjM1NmUyZDg5YWIxMmNkMzQ1Njc4\n-----END OPENSSH PRIVATE KEY-----\nwhat do I do"},
	{"secret-email-ssn", "it's jane.doe+billing@example.com, ssn 219-09-9999, and it still says 402"},
}

func BenchmarkRedact(b *testing.B) {
	for _, c := range redactCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				bot.Redact(c.text)
			}
		})
	}
}
