package bot_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
)

// redactTests are texts people send, with what may be stored of them.
// Negatives (want == in) matter as much as positives: operators need the
// codes, ids and words around a secret.
var redactTests = []struct{ name, in, want string }{
	// Vendor key shapes.
	{"anthropic", "my key is sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEFGH ok", "my key is [REDACTED] ok"},
	{"openai", "my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123 ok", "my key is [REDACTED] ok"},
	{"aws", "my key is AKIAIOSFODNN7EXAMPLE ok", "my key is [REDACTED] ok"},
	{"github", "my key is ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok", "my key is [REDACTED] ok"},
	{"github fine-grained", "my key is github_pat_11ABCDEFG0123456789_abcdefghijklmnop ok", "my key is [REDACTED] ok"},
	{"slack", "my key is xoxb-123456789012-123456789012-abcdefghijklmnop ok", "my key is [REDACTED] ok"},
	{"stripe live", "my key is sk_live_abcdefghijklmnop1234 ok", "my key is [REDACTED] ok"},
	{"stripe restricted", "my key is rk_test_abcdefghijklmnop1234 ok", "my key is [REDACTED] ok"},
	{"jwt", "my key is eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok", "my key is [REDACTED] ok"},

	// key=value.
	{"bearer header", "Authorization: Bearer abc.def-ghi_jkl123", "Authorization: Bearer [REDACTED]"},
	{"env assignment", "ANTHROPIC_API_KEY=abcd1234efgh5678", "ANTHROPIC_API_KEY=[REDACTED]"},
	{"json key", `"x-api-key": "abcdefgh12345678"`, `"x-api-key": "[REDACTED]"`},
	{"long value", "API_KEY=" + strings.Repeat("a1", 400) + " ok", "API_KEY=[REDACTED] ok"},
	{"many", strings.Repeat("token: abcdefgh1234, ", 20), strings.Repeat("token: [REDACTED], ", 20)},
	{"aws secret", "AWS_SECRET_ACCESS_KEY = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY = [REDACTED]"},
	{"twilio auth token", "TWILIO_AUTH_TOKEN=0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN=[REDACTED]"},
	{"password colon", "password: hunter2hunter2", "password: [REDACTED]"},
	{"basic auth", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED]"},

	// Passwords in sentences, and in short.
	{"password is", "my password is hunter2", "my password is [REDACTED]"},
	{"password is, any case", "My Password Is Tr0ub4dor&3 and it fails", "My Password Is [REDACTED] and it fails"},
	{"password was", "the password was swordfish, still 401", "the password was [REDACTED], still 401"},
	{"password is colon", "password is: hunter2 but it says INVALID_SESSION_ID", "password is: [REDACTED] but it says INVALID_SESSION_ID"},
	{"pass colon", "user: jane pass: abc123", "user: jane pass: [REDACTED]"},
	{"pw", "pw: 1234", "pw: [REDACTED]"},
	{"pwd", "pwd=s3cret!", "pwd=[REDACTED]"},
	{"passcode", "the passcode was 482913", "the passcode was [REDACTED]"},
	{"env password quoted", `DB_PASSWORD="p@ss w0rd" npm start`, `DB_PASSWORD="[REDACTED]" npm start`},
	{"json password", `{"username":"jane","password":"hunter2"}`, `{"username":"jane","password":"[REDACTED]"}`},
	{"password quoted with spaces", "my password is 'correct horse battery staple'", "my password is '[REDACTED]'"},
	{"password curly quotes", "my password is “hunter 2” ok", "my password is “[REDACTED]” ok"},

	// The password of a URL; scheme, user and host stay.
	{"postgres", "prisma can't reach postgres://app:S3cr3tPa55@db.internal.example.com:5432/prod?sslmode=require", "prisma can't reach postgres://app:[REDACTED]@db.internal.example.com:5432/prod?sslmode=require"},
	{"mysql", "mysql://root:hunter2@127.0.0.1:3306/app refused", "mysql://root:[REDACTED]@127.0.0.1:3306/app refused"},
	{"mongodb+srv", "MONGODB_URI=mongodb+srv://jane:p%40ss@cluster0.ab1cd.mongodb.net/test?retryWrites=true", "MONGODB_URI=mongodb+srv://jane:[REDACTED]@cluster0.ab1cd.mongodb.net/test?retryWrites=true"},
	{"redis without user", "redis://:s3cret@cache:6379/0", "redis://:[REDACTED]@cache:6379/0"},
	{"amqp", "amqp://guest:guest@localhost:5672/ is down", "amqp://guest:[REDACTED]@localhost:5672/ is down"},
	{"https", "git clone https://jane:tok3n@git.example.com/org/repo.git fails", "git clone https://jane:[REDACTED]@git.example.com/org/repo.git fails"},
	{"url password with @", `DATABASE_URL="postgres://u:p@ss@host/db"`, `DATABASE_URL="postgres://u:[REDACTED]@host/db"`},

	// Email addresses.
	{"email", "it's jane.doe+billing@example.com, can you check", "it's [REDACTED], can you check"},
	{"email at sentence end", "Email me at Jane_Doe@Example.co.uk.", "Email me at [REDACTED]."},

	// Card numbers (Luhn-valid, a card network's prefix).
	{"visa spaced", "card 4242 4242 4242 4242 declined", "card [REDACTED] declined"},
	{"visa dashed", "4111-1111-1111-1111 exp 12/28", "[REDACTED] exp 12/28"},
	{"amex", "amex 3782 822463 10005 fails 3ds", "amex [REDACTED] fails 3ds"},
	{"mastercard", "5555555555554444", "[REDACTED]"},
	{"mastercard 2-series", "tried 2223003122003222 too", "tried [REDACTED] too"},
	{"card then expiry", "4242 4242 4242 4242 12 28 cvc 123", "[REDACTED] 12 28 cvc 123"},
	{"card after digits", "ref 99 4111 1111 1111 1111", "ref 99 [REDACTED]"},
	{"card after many digits", strings.Repeat("1 ", 29) + "4242 4242 4242 4242 x", strings.Repeat("1 ", 29) + "[REDACTED] x"},
	{"cards in a long run", strings.TrimSpace(strings.Repeat("4242 ", 9)), strings.Repeat("[REDACTED] ", 2) + "4242"},

	// US social security numbers.
	{"ssn", "ssn 219-09-9999 for the tax form", "ssn [REDACTED] for the tax form"},
	{"ssn alone", "123-45-6789", "[REDACTED]"},

	// Private keys.
	{"private key", "ssh says\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\nwhat do I do", "ssh says\n[REDACTED]\nwhat do I do"},
	{"private key on one line", "-----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA7 -----END RSA PRIVATE KEY----- is it ok", "[REDACTED] is it ok"},
	{"long private key", "-----BEGIN EC PRIVATE KEY-----\n" + strings.Repeat("MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oNkFx\n", 20) + "-----END EC PRIVATE KEY----- done", "[REDACTED] done"},
	{"private key cut off", "here it is -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "here it is [REDACTED]"},

	// Emoji and other non-ASCII text survive byte for byte around a secret.
	{"emoji around a password", "🔑 mi contraseña… my password is hunter2 😅 ¿qué hago?", "🔑 mi contraseña… my password is [REDACTED] 😅 ¿qué hago?"},
	{"invalid utf-8 around a key", "\xff sk-proj-abcdefghijklmnopqrstuvwxyz0123 \xfe", "\xff [REDACTED] \xfe"},
	{"several", "pw: abc123, key sk_test_abcdefgh12345678 and jane@example.com",
		"pw: [REDACTED], key [REDACTED] and [REDACTED]"},

	// Left alone.
	{"codes", "got 403 then 429, twilio 21610 and 30007, salesforce INVALID_SESSION_ID, permission_error",
		"got 403 then 429, twilio 21610 and 30007, salesforce INVALID_SESSION_ID, permission_error"},
	{"request ids", `request-id: 7f3c9a1e-52b4-4d7e-9c0a-1b2e3f4a5b6c "request_id":"req_011CSHe9vQnX8kJc4mTzRb2L"`,
		`request-id: 7f3c9a1e-52b4-4d7e-9c0a-1b2e3f4a5b6c "request_id":"req_011CSHe9vQnX8kJc4mTzRb2L"`},
	{"hex in an error body", `{"error":"EPROTO","code":"0x8badf00d","trace":"a3f9c2d1e4b5"}`, `{"error":"EPROTO","code":"0x8badf00d","trace":"a3f9c2d1e4b5"}`},
	{"stripe decline", "card_declined, decline_code: insufficient_funds (do_not_honor before), ch_3PqXa12eZvKYlo2C0b1c2d3e",
		"card_declined, decline_code: insufficient_funds (do_not_honor before), ch_3PqXa12eZvKYlo2C0b1c2d3e"},
	// A Message or Account SID names a message or an account; it gives no
	// access without the auth token (redacted as TWILIO_AUTH_TOKEN=…).
	{"twilio sids", "SM0a1b2c3d4e5f60718293a4b5c6d7e8f9 on AC0123456789abcdef0123456789abcdef",
		"SM0a1b2c3d4e5f60718293a4b5c6d7e8f9 on AC0123456789abcdef0123456789abcdef"},
	{"versions", "claude-code v2.0.31, node v22.11.0, npm 10.9.0 -> 10.9.2", "claude-code v2.0.31, node v22.11.0, npm 10.9.0 -> 10.9.2"},
	{"emoji", "ugh 😩 twilio keeps failing w/ 30007 📱🙏", "ugh 😩 twilio keeps failing w/ 30007 📱🙏"},
	{"key words", "the api key is invalid, says invalid x-api-key", "the api key is invalid, says invalid x-api-key"},
	{"url", "https://status.anthropic.com/incidents/abc123 says degraded", "https://status.anthropic.com/incidents/abc123 says degraded"},
	{"url with port", "http://localhost:8080/twilio/sms returns 403", "http://localhost:8080/twilio/sms returns 403"},
	{"url with user only", "https://jane@example.com/path gives 404", "https://jane@example.com/path gives 404"},
	{"ssh remote", "git@github.com: Permission denied (publickey).", "git@github.com: Permission denied (publickey)."},
	{"ssh url", "ssh://git@github.com/org/repo.git hangs", "ssh://git@github.com/org/repo.git hangs"},
	{"npm package", "npm i -g @anthropic-ai/claude-code@2.0.31 fails with EACCES", "npm i -g @anthropic-ai/claude-code@2.0.31 fails with EACCES"},
	{"mention", "@jane can you help, node@20 on ubuntu", "@jane can you help, node@20 on ubuntu"},
	{"card failing luhn", "card 4111 1111 1111 1112 declined", "card 4111 1111 1111 1112 declined"},
	{"millisecond timestamp", "at 1732701234566 it failed", "at 1732701234566 it failed"},
	{"list of numbers", "codes 42 42 42 42 42 42 42 42 42 42", "codes 42 42 42 42 42 42 42 42 42 42"},
	{"card digits inside a word", "id x4242424242424242 and 4242424242424242y", "id x4242424242424242 and 4242424242424242y"},
	{"order number", "order 20261127100414 was charged twice", "order 20261127100414 was charged twice"},
	{"timestamp", "2026-11-27 10:04:12 UTC: 429 rate_limit_error", "2026-11-27 10:04:12 UTC: 429 rate_limit_error"},
	{"phone number", "text me at +1 555 555 0100 or (555) 555-0101", "text me at +1 555 555 0100 or (555) 555-0101"},
	{"ssn area 000", "000-12-3456", "000-12-3456"},
	{"ssn area 666", "666-12-3456", "666-12-3456"},
	{"ssn area 9xx", "900-12-3456", "900-12-3456"},
	{"ssn group 00", "123-00-4567", "123-00-4567"},
	{"ssn serial 0000", "123-45-0000", "123-45-0000"},
	{"certificate", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----"},
	{"status code", "claude code 403 region not supported", "claude code 403 region not supported"},
	{"short request id and twilio code", "request id req_011CKd is fine, so is 21610", "request id req_011CKd is fine, so is 21610"},
	{"forgot password", "I forgot my password", "I forgot my password"},
	{"password reset", "password reset link doesn't work", "password reset link doesn't work"},
	{"password is wrong", "it says my password is wrong", "it says my password is wrong"},
	{"password is correct", "My password is correct. But it still says 401", "My password is correct. But it still says 401"},
	{"password was changed", "the password was changed yesterday", "the password was changed yesterday"},
	{"password is not", "password is not working on the new laptop", "password is not working on the new laptop"},
	{"password is definitely", "my password is definitely right", "my password is definitely right"},
	{"password required", `{"error":"invalid_request","message":"password: required"}`, `{"error":"invalid_request","message":"password: required"}`},
	{"passing tests", "passing tests: 12, failing: 1", "passing tests: 12, failing: 1"},
	{"basic plan", "I'm on the Basic subscription, is that why?", "I'm on the Basic subscription, is that why?"},
	{"bearer word", "Bearer authentication failed", "Bearer authentication failed"},
}

func TestRedact(t *testing.T) {
	for _, tt := range redactTests {
		if got := bot.Redact(tt.in); got != tt.want {
			t.Errorf("%s: Redact(%q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestRedactKeepsTextWithoutSecrets: a text with nothing to redact comes
// back as itself, and the ordinary texts of the benchmark cost no garbage.
func TestRedactKeepsTextWithoutSecrets(t *testing.T) {
	for _, tt := range redactTests {
		if got := bot.Redact(tt.in); tt.in == tt.want && unsafe.StringData(got) != unsafe.StringData(tt.in) {
			t.Errorf("%s: Redact returned a copy", tt.name)
		}
	}
	for _, c := range redactCases {
		if strings.HasPrefix(c.name, "secret-") || strings.HasPrefix(c.name, "near-miss-") {
			continue
		}
		if n := testing.AllocsPerRun(20, func() { bot.Redact(c.text) }); n != 0 {
			t.Errorf("%s: %v allocations", c.name, n)
		}
	}
}

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
// benchmark. Those named secret-… hold secrets; near-miss-… holds what
// rules look at and keep (a "basic" plan, max_tokens: 1024, an order
// number, "password is wrong"); the others hold nothing a rule looks at.
var redactCases = []struct{ name, text string }{
	{"load-body", "claude code keeps saying 403 what do I do"},
	{"json-error", `API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."},"request_id":"req_011CSHe9vQnX8kJc4mTzRb2L"}`},
	{"cli-paste", longCLIPaste},
	{"emoji", "ugh 😩 twilio keeps failing w/ 30007 on every text 📱🙏 pls help, it's been 2 days — nothing works 💀"},
	{"stripe-decline", "stripe says your card was declined, decline_code: insufficient_funds, charge ch_3PqXa12eZvKYlo2C0b1c2d3e at 2026-11-27 10:04"},
	{"twilio-sids", "twilio 21610 on SM0a1b2c3d4e5f60718293a4b5c6d7e8f9 from account AC0123456789abcdef0123456789abcdef"},
	{"password-word", "I forgot my password and the password reset link doesn't work"},
	{"near-miss-cli-paste", longCLIPaste + "\nI'm on the basic plan, max_tokens: 1024, order 20261127100414, my password is wrong"},
	{"secret-api-key", "export ANTHROPIC_API_KEY=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEFGH then claude says 401"},
	{"secret-password", "my password is Hunter2! and salesforce still says INVALID_SESSION_ID"},
	{"secret-dsn", "prisma can't reach postgres://app:S3cr3tPa55@db.internal.example.com:5432/prod?sslmode=require"},
	{"secret-card", "stripe test says declined for 4000 0000 0000 0002 but my real card 4111-1111-1111-1111 works"},
	{"secret-bearer", `curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" https://api.example.com/v1/me gives 401`},
	{"secret-private-key", "ssh says permissions too open for\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDm3xYQ2pX9b0s8bPZ0o4JmY2JjZmU0YjM1NmUyZDg5YWIxMmNkMzQ1Njc4\n-----END OPENSSH PRIVATE KEY-----\nwhat do I do"},
	{"secret-email-ssn", "it's jane.doe+billing@example.com, ssn 219-09-9999, and it still says 402"},
}

// TestAnchorsNeverHideAMatch: Redact runs a rule only when its anchors
// are in the text, and tries a rule's regexp only where they are; that
// must never change the result.
func TestAnchorsNeverHideAMatch(t *testing.T) {
	for _, s := range anchorSamples() {
		checkAnchors(t, s)
	}
}

// anchorSamples are every text the tests and the benchmark know, and
// anchors near, inside or around a secret.
func anchorSamples() []string {
	ss := []string{
		"", "sk-", "Bearer", "bearer\tabcdefgh1", "BASIC dXNlcjpwYXNzd29yZA==", "key=", "KEY = 'abcdefgh123'",
		"my_secret:\"abcdefgh12345\"", "PASSWD=abcdefgh12345", "tokens: abcdefgh12345",
		"eyJa.eyJb.c", "xapp-1-A0-1234567890-abcdef", "AKIA1234567890ABCDEF",
		"sk-ant-abc", "prefix sk-svcacct-abcdefghijklmnop1234", "whsec_abcdefgh", "pk_test_12345678",
		"x--api_key=abcdefgh123", "foo-api-key: abcdefgh123", "my-app_secret = 'abcdefgh1234'", "a-a-a-a-key=abcdefgh123",
		"auth-token: abcdefgh123", "X_AUTH_TOKEN=abcdefgh123", "notasecret_key=abcdefgh123", "api_key_id=abcdefgh123",
		"Bearer  abcdefgh123", "xBearer abcdefgh123", "DB_PASSWORD is hunter2", "task-sk-proj-abcdefghijklmnop1234",
		"_ghp_abcdefghijklmnopqrstuv", "teyJa.eyJbbbb.cccc", "pass-pass: x", "PW_pass=y", "passpass: z",
		"4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242 4242",
		"1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 4242 4242 4242 4242",
	}
	for _, tt := range redactTests {
		ss = append(ss, tt.in)
	}
	for _, c := range redactCases {
		ss = append(ss, c.text)
	}
	return ss
}

func checkAnchors(t *testing.T, s string) {
	t.Helper()
	if got, want := bot.Redact(s), bot.RedactEveryRule(s); got != want {
		t.Errorf("Redact(%q) = %q, but every rule gives %q", s, got, want)
	}
}

// FuzzRedact checks the shortcuts of Redact against RedactEveryRule, and
// that UTF-8 in is UTF-8 out.
func FuzzRedact(f *testing.F) {
	for _, s := range anchorSamples() {
		f.Add(s)
		f.Add(strings.ToUpper(s))
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAnchors(t, s)
		if out := bot.Redact(s); utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Errorf("Redact(%q) = %q: not UTF-8", s, out)
		}
	})
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

// TestNothingPastedIsStored texts secrets of every kind through the desk
// (intake, free-text answers, a missed answer, a handoff, a text relayed
// to the operator) and reads the database file: no secret may be there,
// in conversations, transcripts, tickets, the outbox (operator
// notifications), pages or analytics.
func TestNothingPastedIsStored(t *testing.T) {
	db := deskStore(t)
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	e := &bot.Engine{Flows: lib, BaseURL: "https://textfix.test"}
	d := &bot.Desk{Operators: []string{"+15555559999"}, BaseURL: "https://textfix.test"}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	say := func(from, text string) bot.Conversation {
		t.Helper()
		now = now.Add(time.Minute)
		if err := deskUpdate(t, db, func(tx bot.Tx) error {
			_, err := d.Handle(tx, e, bot.Inbound{From: from, Body: text, PageID: bot.NewPageID()}, now)
			return err
		}); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		c, _ := db.Conversation(context.Background(), from)
		return c
	}
	secrets := map[string]string{
		"password": "hunter2x", "email": "jane.doe@example.com", "url password": "S3cr3tPa55",
		"card": "4242 4242 4242 4242", "private key": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
		"jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
		"ssn": "219-09-9999", "key": "sk-ant-api03-AbCdEf0123456789xyz_QQ", "pass": "s3cret!",
	}

	// An error no flow knows: free-text answers, then a person. The first
	// text names the product and the error, so the second is the last
	// answer; the three after it fold into one notification that waits
	// behind the ticket's opening notice (one a minute per ticket).
	a := "+15555550101"
	say(a, "github actions failing with exit code 1, my password is hunter2x")
	say(a, "github actions, logged in as jane.doe@example.com")
	say(a, "Error: postgres://app:S3cr3tPa55@db.example.com/prod refused, card 4242 4242 4242 4242")
	if c := say(a, "deploying with -----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"); c.Status != bot.StatusHandoff {
		t.Fatalf("status %s, want handoff", c.Status)
	}
	say(a, "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ssn 219-09-9999")

	// A question answered with something it does not understand.
	b := "+15555550102"
	say(b, "claude code 403 with my key sk-ant-api03-AbCdEf0123456789xyz_QQ")
	if c := say(b, "pass: s3cret! is all I have"); c.Misses != 1 {
		t.Fatalf("misses %d, want 1", c.Misses)
	}

	ctx := context.Background()
	out, _ := db.OutboxList(ctx, 10, false)
	tickets, _ := db.Tickets(ctx, 10, false)
	st, _ := db.Stats(ctx, "claude-code-403", now.AddDate(0, 0, -1))
	if len(out) != 2 || len(tickets) != 1 || len(st.Unmatched) != 1 {
		t.Fatalf("want 2 operator notifications, 1 ticket, 1 unmatched answer; got %d, %d, %d", len(out), len(tickets), len(st.Unmatched))
	}
	raw, err := os.ReadFile(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	for what, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the database file holds the %s %q", what, s)
		}
	}
}
