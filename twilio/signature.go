package twilio

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Twilio signs webhooks with HMAC-SHA1; the algorithm is theirs
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// VerifySignature reports whether signature (the X-Twilio-Signature
// header) is Twilio's signature of a request to requestURL carrying the
// POST form, made with authToken.
//
// requestURL is the full URL Twilio requested — scheme, host, path and
// query — as configured in Twilio, not as seen behind a proxy. form is the
// POST body only (r.PostForm, not r.Form, which mixes in the query), with
// every parameter Twilio sent. Twilio never repeats a key; if one repeats,
// only its first value is signed. An empty authToken or signature is
// never valid; the comparison is in constant time.
//
// The port: Twilio signs a URL on the scheme's default port sometimes with
// the port and sometimes without, so for a URL without a port or with the
// default one (443 for https, 80 for http) both spellings verify. Any
// other port is part of the address and must be in the signed URL:
// twilio-go's validator also accepts a signature made without the port for
// any port, which lets a signature for one service verify on another port
// of the same host; this check does not.
func VerifySignature(authToken, requestURL string, form url.Values, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	ok := false
	for _, u := range signedURLs(requestURL) {
		// Every candidate is checked, so the time taken does not say which.
		if hmac.Equal([]byte(Sign(authToken, u, form)), []byte(signature)) {
			ok = true
		}
	}
	return ok
}

// defaultPorts are the ports a URL may leave out.
var defaultPorts = map[string]string{"https": "443", "http": "80"}

// signedURLs are the spellings of requestURL a valid signature may be
// over: the URL itself and, when it is on its scheme's default port, the
// same with the port written out or left out. The rest of the URL is kept
// byte for byte.
func signedURLs(requestURL string) []string {
	scheme, rest, ok := strings.Cut(requestURL, "://")
	def, known := defaultPorts[strings.ToLower(scheme)]
	if !ok || !known {
		return []string{requestURL}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	host, port := authority, ""
	if i := strings.LastIndexByte(authority, ':'); i >= 0 && !strings.Contains(authority[i:], "]") {
		host, port = authority[:i], authority[i+1:]
	}
	switch port {
	case "":
		return []string{requestURL, scheme + "://" + host + ":" + def + tail}
	case def:
		return []string{requestURL, scheme + "://" + host + tail}
	}
	return []string{requestURL}
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
