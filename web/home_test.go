package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// "/" is a small page saying what textfix is and where the console is,
// with the pages' CSP and headers and nothing from the configuration.
func TestHomePage(t *testing.T) {
	e, _, tpl := newPagesEnv(t)
	resp, html := e.Get("/")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=UTF-8" {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	pageHeadersOK(t, resp, tpl, "no-cache")
	if resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("X-Frame-Options %q", resp.Header.Get("X-Frame-Options"))
	}
	for _, want := range []string{"Text an error, get a fix", "SMS troubleshooting bot", `<a href="/console">/console</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q on the page", want)
		}
	}
	noPhones(t, html)
	for _, secret := range []string{publicURL, "textfix.example.com", "sms:", testToken} {
		if strings.Contains(html, secret) {
			t.Errorf("the page shows %q", secret)
		}
	}
}
