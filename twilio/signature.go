package twilio

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Twilio signs webhooks with HMAC-SHA1; the algorithm is theirs
	"encoding/base64"
	"net/url"
	"sort"
	"strings"

	"github.com/twilio/twilio-go/client"
)

// VerifySignature reports whether signature (the X-Twilio-Signature
// header) is Twilio's signature of a request to requestURL carrying the
// POST form, made with authToken.
//
// requestURL is the full URL Twilio requested — scheme, host, path and
// query — as configured in Twilio, not as seen behind a proxy. form is the
// POST body only (r.PostForm, not r.Form, which mixes in the query), with
// every parameter Twilio sent. Twilio never repeats a key; if one repeats,
// only its first value is signed. The check is twilio-go's: it accepts the
// URL both with and without the scheme's default port, and compares in
// constant time. An empty authToken or signature is never valid.
func VerifySignature(authToken, requestURL string, form url.Values, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	// Validate has a pointer receiver: the validator must be addressable.
	v := client.NewRequestValidator(authToken)
	return v.Validate(requestURL, firstValues(form), signature)
}

// Sign returns the X-Twilio-Signature Twilio would send for a POST of
// form to requestURL: base64(HMAC-SHA1(authToken, requestURL followed by
// each parameter name and value, sorted by name)). Repeated keys sign
// their first value, as in [VerifySignature]. The URL is signed exactly as
// given (no port added or removed). Sign exists for tests and fakes, which
// sign requests live instead of hard-coding signatures.
func Sign(authToken, requestURL string, form url.Values) string {
	params := firstValues(form)
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var b strings.Builder
	b.WriteString(requestURL)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// firstValues flattens a form into the map twilio-go's validator takes,
// keeping the first value of a repeated key and dropping keys without
// values (url.Values.Encode would not send them either).
func firstValues(form url.Values) map[string]string {
	m := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) > 0 { // a key without values is never on the wire
			m[k] = vs[0]
		}
	}
	return m
}
