package twilio_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"

	"github.com/textfix/textfix/twilio"
)

// Twilio's published example (docs: "Validating signatures from Twilio").
const (
	vectorToken = "12345"
	vectorURL   = "https://mycompany.com/myapp.php?foo=1&bar=2"
	vectorSig   = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
)

func vectorForm() url.Values {
	return url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
}

func TestVerifySignatureVector(t *testing.T) {
	if !twilio.VerifySignature(vectorToken, vectorURL, vectorForm(), vectorSig) {
		t.Fatal("Twilio's public test vector rejected")
	}
}

func TestSignVector(t *testing.T) {
	if got := twilio.Sign(vectorToken, vectorURL, vectorForm()); got != vectorSig {
		t.Fatalf("Sign = %q, want %q", got, vectorSig)
	}
}

// changeOne returns s with its character at i replaced by a different one.
func changeOne(s string, i int) string {
	b := []byte(s)
	if b[i] == 'x' {
		b[i] = 'y'
	} else {
		b[i] = 'x'
	}
	return string(b)
}

func TestVerifySignatureRejectsAnyChange(t *testing.T) {
	type input struct {
		token, url, sig string
		form            url.Values
	}
	base := input{vectorToken, vectorURL, vectorSig, vectorForm()}
	var cases []struct {
		name string
		in   input
	}
	add := func(name string, in input) {
		cases = append(cases, struct {
			name string
			in   input
		}{name, in})
	}
	for i := range base.token {
		in := base
		in.token = changeOne(base.token, i)
		add("token@"+strconv.Itoa(i), in)
	}
	for i := range base.url {
		in := base
		in.url = changeOne(base.url, i)
		add("url@"+strconv.Itoa(i), in)
	}
	for i := range base.sig {
		in := base
		in.sig = changeOne(base.sig, i)
		add("sig@"+strconv.Itoa(i), in)
	}
	for k, vs := range vectorForm() {
		for i := range vs[0] {
			in := base
			in.form = vectorForm()
			in.form.Set(k, changeOne(vs[0], i))
			add("value "+k+"@"+strconv.Itoa(i), in)
		}
		for i := range k {
			in := base
			in.form = vectorForm()
			in.form.Del(k)
			in.form[changeOne(k, i)] = vs
			add("name "+k+"@"+strconv.Itoa(i), in)
		}
		in := base
		in.form = vectorForm()
		in.form.Del(k)
		add("without "+k, in)
	}
	extra := base
	extra.form = vectorForm()
	extra.form.Set("SmsStatus", "received")
	add("extra parameter", extra)
	add("empty signature", input{vectorToken, vectorURL, "", vectorForm()})
	add("empty token", input{"", vectorURL, vectorSig, vectorForm()})

	for _, c := range cases {
		if twilio.VerifySignature(c.in.token, c.in.url, c.in.form, c.in.sig) {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func TestVerifySignatureDefaultPort(t *testing.T) {
	// Twilio's back end sometimes signs with the default port, sometimes
	// without; twilio-go accepts both and so do we.
	const withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
	if !twilio.VerifySignature(vectorToken, withPort, vectorForm(), vectorSig) {
		t.Error("URL with :443 rejected for a signature made without it")
	}
	sig := twilio.Sign(vectorToken, withPort, vectorForm())
	if !twilio.VerifySignature(vectorToken, vectorURL, vectorForm(), sig) {
		t.Error("URL without port rejected for a signature made with :443")
	}
}

func TestVerifySignatureRepeatedKeyUsesFirstValue(t *testing.T) {
	form := vectorForm()
	form.Add("Digits", "9999")
	if !twilio.VerifySignature(vectorToken, vectorURL, form, vectorSig) {
		t.Error("repeated key: first value not the one verified")
	}
	if got := twilio.Sign(vectorToken, vectorURL, form); got != vectorSig {
		t.Errorf("repeated key: Sign = %q, want %q", got, vectorSig)
	}
}

func TestSignRoundTrip(t *testing.T) {
	form := url.Values{
		"MessageSid": {"SM0123456789abcdef0123456789abcdef"},
		"From":       {"+15551234567"},
		"Body":       {"claude code keeps saying 403 & <oops> ☕"},
		"NumMedia":   {"0"},
	}
	const u = "https://textfix.example/twilio/sms"
	sig := twilio.Sign("tok3n", u, form)
	if !twilio.VerifySignature("tok3n", u, form, sig) {
		t.Fatal("own signature rejected")
	}
	if twilio.VerifySignature("other", u, form, sig) {
		t.Fatal("signature accepted with another token")
	}
}

// The port: a URL and the same URL with its scheme's default port are one
// address (Twilio signs either way), so a signature over one verifies the
// other. Any other port is part of the address: a signature made without
// it, or with another port, is refused. Each case is signed live with
// Sign, the function VerifySignature checks with.
func TestVerifySignaturePort(t *testing.T) {
	form := vectorForm()
	tests := []struct {
		signed, checked string
		ok              bool
	}{
		{"https://h.example/sms?a=1", "https://h.example/sms?a=1", true},
		{"https://h.example/sms?a=1", "https://h.example:443/sms?a=1", true},
		{"https://h.example:443/sms?a=1", "https://h.example/sms?a=1", true},
		{"http://h.example/sms", "http://h.example:80/sms", true},
		{"http://h.example:80/sms", "http://h.example/sms", true},
		{"https://h.example:8443/sms", "https://h.example:8443/sms", true},
		{"http://127.0.0.1:8080/sms", "http://127.0.0.1:8080/sms", true},
		{"https://[::1]:8443/sms", "https://[::1]:8443/sms", true},
		{"https://[::1]/sms", "https://[::1]:443/sms", true},

		// Without the port, a signature is only good for the default port.
		{"https://h.example/sms?a=1", "https://h.example:8443/sms?a=1", false},
		{"http://h.example/sms", "http://h.example:8080/sms", false},
		{"https://[::1]/sms", "https://[::1]:8443/sms", false},
		// The other scheme's default port is not this one's.
		{"https://h.example/sms", "https://h.example:80/sms", false},
		{"http://h.example/sms", "http://h.example:443/sms", false},
		{"https://h.example:80/sms", "https://h.example/sms", false},
		// A port is never dropped or swapped for another.
		{"https://h.example:8443/sms", "https://h.example/sms", false},
		{"https://h.example:8443/sms", "https://h.example:9443/sms", false},
		{"https://h.example:443/sms", "https://h.example:8443/sms", false},
	}
	for _, tt := range tests {
		sig := twilio.Sign(vectorToken, tt.signed, form)
		if got := twilio.VerifySignature(vectorToken, tt.checked, form, sig); got != tt.ok {
			t.Errorf("signed over %s, checked against %s: accepted %v, want %v", tt.signed, tt.checked, got, tt.ok)
		}
		// What we accept, twilio-go's validator accepts too (it does not
		// handle IPv6 literals): we only narrow it.
		v := client.NewRequestValidator(vectorToken)
		params := map[string]string{}
		for k := range form {
			params[k] = form.Get(k)
		}
		if tt.ok && !strings.Contains(tt.checked, "[") && !v.Validate(tt.checked, params, sig) {
			t.Errorf("signed over %s, checked against %s: twilio-go refuses what we accept", tt.signed, tt.checked)
		}
	}
}
