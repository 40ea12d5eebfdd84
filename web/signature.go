package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/twilio"
)

// signed guards the /twilio/* routes: outside sandbox mode the request
// must carry Twilio's signature of PublicURL + the request URI over the
// POST form (403 otherwise), checked before the handler runs, so nothing
// is stored for an unsigned request.
//
// A refusal is logged with the URL the signature was checked against
// (scheme, host and path) and the host the request came to, never the
// signature or the token: a TEXTFIX_PUBLIC_URL that is not exactly the
// address Twilio calls shows up as the difference between the two.
func (s *Server) signed(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.cfg.AuthToken == "" {
			return next(c) // sandbox: loopback only, no signature
		}
		if err := parseForm(c); err != nil {
			return err
		}
		r := c.Request()
		checked := s.cfg.PublicURL + r.URL.RequestURI()
		sig := r.Header.Get("X-Twilio-Signature")
		if sig != "" && twilio.VerifySignature(s.cfg.AuthToken, checked, r.PostForm, sig) {
			return next(c)
		}
		problem := "does not match"
		if sig == "" {
			problem = "missing"
		}
		s.cfg.Log.Warn("twilio: signature "+problem+"; TEXTFIX_PUBLIC_URL must be exactly the scheme and host Twilio calls",
			"checked_url", logURL(checked), "request_host", r.Host, "request_id", requestID(c))
		return echo.NewHTTPError(http.StatusForbidden, "invalid Twilio signature")
	}
}

// logURL is u's scheme, host and path, for logs: no query, no user info.
func logURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(not a URL)"
	}
	return p.Scheme + "://" + p.Host + p.Path
}
