package web_test

import (
	"strings"
	"testing"

	"github.com/textfix/textfix/internal/stacktest"
)

// A refused signature is logged with the URL it was checked against and
// the host the request came to, so a wrong TEXTFIX_PUBLIC_URL shows; the
// signature and the token never appear.
func TestSignatureWarningNamesURL(t *testing.T) {
	var logs stacktest.Buffer
	e := stacktest.New(t, stacktest.Options{Token: testToken, Log: &logs})
	// Twilio called another address than the one configured.
	resp := e.Post(smsPath+"?x=1", stacktest.Text(personA, e.NextSid(), "claude code 403"), testToken, "https://textfix.fly.dev")
	stacktest.ReadAll(t, resp)
	resp2 := e.Post(statusPath, stacktest.Text(personA, e.NextSid(), "x"), "", "")
	stacktest.ReadAll(t, resp2)
	if resp.StatusCode != 403 || resp2.StatusCode != 403 {
		t.Fatalf("status %d and %d, want 403", resp.StatusCode, resp2.StatusCode)
	}
	got := logs.String()
	host := strings.TrimPrefix(e.HTTP.URL, "http://")
	for _, want := range []string{
		`level=WARN msg="twilio: signature does not match; TEXTFIX_PUBLIC_URL must be exactly the scheme and host Twilio calls" checked_url=https://textfix.example.com/twilio/sms request_host=` + host,
		`level=WARN msg="twilio: signature missing;`,
		"checked_url=https://textfix.example.com/twilio/status",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the log:\n%s", want, got)
		}
	}
	if strings.Contains(got, testToken) || strings.Contains(got, "x=1") || strings.Contains(strings.ToLower(got), "x-twilio-signature") {
		t.Errorf("the log shows the token, the query or the signature:\n%s", got)
	}
}
