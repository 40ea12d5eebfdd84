package twilio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// DefaultBaseURL is Twilio's REST API, which twilio-go has built in.
const DefaultBaseURL = "https://api.twilio.com"

// DefaultTimeout bounds one [Sender.Send] when [SenderConfig.Timeout] is 0.
const DefaultTimeout = 10 * time.Second

// Twilio error codes textfix acts on.
const (
	CodeInvalidTo       = 21211 // 'To' is not a valid phone number
	CodeOptedOut        = 21610 // the recipient replied STOP
	CodeNotMobile       = 21614 // 'To' is not a mobile number
	CodeTooManyRequests = 20429 // rate limited
)

// OptedOutWhy is why a number counts as opted out when Twilio refuses it
// with [CodeOptedOut], as tickets and operators read it.
const OptedOutWhy = "Twilio error 21610: the number unsubscribed"

// SenderConfig configures a [Sender].
type SenderConfig struct {
	// AccountSID and AuthToken are the Twilio credentials (HTTP basic
	// auth). Both are required and, as twilio-go demands, alphanumeric.
	AccountSID, AuthToken string
	// From is the sending number (E.164) and MessagingServiceSID a
	// messaging service ("MG…"); at least one is required. With both,
	// Twilio sends from From, which must belong to the service.
	From, MessagingServiceSID string
	// BaseURL is the REST API's scheme and host: "" means
	// [DefaultBaseURL]. Any other value (a staging server, a fake) must be
	// an absolute http(s) URL without a path; requests keep twilio-go's
	// path and go to this scheme and host instead.
	BaseURL string
	// Timeout bounds one Send, connection and response included;
	// 0 means [DefaultTimeout].
	Timeout time.Duration
}

// Sender sends SMS through Twilio's REST API (twilio-go). It is safe for
// concurrent use; it keeps a pool of connections to Twilio.
type Sender struct {
	cfg       SenderConfig
	base      *url.URL          // nil: twilio-go's own host
	transport http.RoundTripper // shared by every Send
}

var alphanumeric = regexp.MustCompile(`^[a-zA-Z0-9]+$`)

// NewSender checks cfg and returns a Sender. It makes no network call:
// credentials that are well-formed but wrong show up on the first Send as
// a [Permanent] HTTP 401.
func NewSender(cfg SenderConfig) (*Sender, error) {
	if cfg.AccountSID == "" || cfg.AuthToken == "" {
		return nil, errors.New("twilio: new sender: account SID and auth token are required")
	}
	// twilio-go refuses other characters at every send (codes 21222, 21224).
	if !alphanumeric.MatchString(cfg.AccountSID) || !alphanumeric.MatchString(cfg.AuthToken) {
		return nil, errors.New("twilio: new sender: account SID and auth token must be alphanumeric")
	}
	if cfg.From == "" && cfg.MessagingServiceSID == "" {
		return nil, errors.New("twilio: new sender: a From number or a messaging service SID is required")
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("twilio: new sender: negative timeout %v", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("twilio: new sender: %w", err)
	}
	return &Sender{cfg: cfg, base: base, transport: http.DefaultTransport.(*http.Transport).Clone()}, nil
}

// parseBaseURL checks a configured REST base URL. It returns nil for ""
// and [DefaultBaseURL] (twilio-go's own host), else the scheme and host
// requests are sent to instead.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" || raw == DefaultBaseURL {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host[:port]", raw)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: a path, query or fragment is not supported", raw)
	}
	return u, nil
}

// Send asks Twilio to send body to the E.164 number to and returns the new
// message's SID ("SM…"). statusCallback is the URL Twilio posts delivery
// statuses to; "" asks for none. body is sent as given: pass it through
// [segment.Repair] beforehand if it may hold control characters.
//
// Send honours ctx and the configured timeout. If ctx is done before
// Twilio answers, Send returns ctx.Err() itself (an answer that did arrive
// is reported even if ctx ended meanwhile). Every other failure is a
// *[SendError]; [Classify] tells whether to retry. A success means Twilio
// accepted (queued) the message, not that it was delivered.
func (s *Sender) Send(ctx context.Context, to, body, statusCallback string) (sid string, err error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	callCtx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()

	rt := &callTransport{ctx: callCtx, base: s.base, next: s.transport}
	c := &client.Client{
		Credentials: client.NewCredentials(s.cfg.AccountSID, s.cfg.AuthToken),
		HTTPClient: &http.Client{
			Transport: rt,
			// As twilio-go's default client: never follow redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(s.cfg.AccountSID)
	api := openapi.NewApiServiceWithClient(c)

	params := &openapi.CreateMessageParams{}
	params.SetTo(to)
	params.SetBody(body)
	if s.cfg.From != "" {
		params.SetFrom(s.cfg.From)
	}
	if s.cfg.MessagingServiceSID != "" {
		params.SetMessagingServiceSid(s.cfg.MessagingServiceSID)
	}
	if statusCallback != "" {
		params.SetStatusCallback(statusCallback)
	}

	msg, err := api.CreateMessage(params)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && rt.status == 0 {
			return "", ctxErr
		}
		return "", newSendError(err, rt, s.cfg.Timeout)
	}
	if msg.Sid == nil || *msg.Sid == "" {
		// Twilio answered 2xx, so the message may well be queued:
		// retrying could send it twice.
		return "", &SendError{Status: rt.status, Message: "response carries no message SID", Class: Permanent}
	}
	return *msg.Sid, nil
}

// callTransport carries one Send's HTTP exchange: twilio-go builds its
// requests with context.Background() and a hard-coded host, so this is
// where the caller's context and the configured base URL are applied. It
// also remembers the HTTP status and the start of an error body, which
// twilio-go drops when that body is not JSON.
type callTransport struct {
	ctx  context.Context
	base *url.URL
	next http.RoundTripper

	// Set by RoundTrip; read after the SDK call returned (same goroutine
	// chain, happens-before through the http.Client call).
	status  int
	errBody string
}

const (
	maxErrorBody  = 64 << 10 // bytes of an error response read and handed on
	errBodyInMsgs = 200      // bytes of it kept in SendError.Message
)

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(t.ctx)
	if t.base != nil {
		r.URL.Scheme = t.base.Scheme
		r.URL.Host = t.base.Host
		r.Host = ""
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	t.status = resp.StatusCode
	if resp.StatusCode >= 400 {
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		t.errBody = string(b)
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	return resp, nil
}

// ErrorClass says what the caller should do after a failed send.
// The zero value is not a class: [Classify] returns it for a nil error.
type ErrorClass int

const (
	// Retry means the failure is transient (rate limit, Twilio 5xx, network,
	// timeout). Send again later, with backoff. Twilio may have accepted
	// the message already when the connection broke or timed out.
	Retry ErrorClass = iota + 1
	// OptedOut means the recipient has opted out (21610). Never send to them
	// again until they opt in; do not retry.
	OptedOut
	// Permanent means this message will never go (invalid or non-mobile number,
	// bad request, bad credentials). Do not retry it.
	Permanent
)

func (c ErrorClass) String() string {
	switch c {
	case Retry:
		return "retry"
	case OptedOut:
		return "opted-out"
	case Permanent:
		return "permanent"
	}
	return fmt.Sprintf("ErrorClass(%d)", int(c))
}

// SendError is a failed [Sender.Send].
type SendError struct {
	// Code is Twilio's error code (21610, 20429, …); 0 when Twilio's answer
	// was not its JSON error or there was no answer.
	Code int
	// Status is the HTTP status; 0 when no response arrived (network
	// error, timeout).
	Status int
	// Message is Twilio's error message, the start of a non-JSON error
	// body, or the network error. It may contain the phone number.
	Message string
	// Class is what to do about it; see [Classify].
	Class ErrorClass

	err error // what twilio-go or net/http returned
}

func (e *SendError) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("twilio: send: error %d (HTTP %d, %s): %s", e.Code, e.Status, e.Class, e.Message)
	case e.Status != 0:
		return fmt.Sprintf("twilio: send: HTTP %d (%s): %s", e.Status, e.Class, e.Message)
	}
	return fmt.Sprintf("twilio: send (%s): %s", e.Class, e.Message)
}

// Unwrap returns the underlying error: a *client.TwilioRestError for a
// JSON error answer, a *url.Error for a network failure,
// context.DeadlineExceeded for the configured timeout, or twilio-go's
// decoding error for a non-JSON error body.
func (e *SendError) Unwrap() error { return e.err }

func newSendError(err error, rt *callTransport, timeout time.Duration) *SendError {
	se := &SendError{Status: rt.status, Message: err.Error(), err: err}
	var tre *client.TwilioRestError
	var v1 *client.RestErrorV1
	switch {
	case errors.As(err, &tre):
		se.Code, se.Message = tre.Code, tre.Message
		if se.Status == 0 { // twilio-go's own checks never reach HTTP
			se.Status = tre.Status
		}
		if se.Message == "" { // JSON, but not Twilio's shape
			se.Message = truncate(strings.TrimSpace(rt.errBody), errBodyInMsgs)
		}
	case errors.As(err, &v1):
		se.Code, se.Message = v1.Code, v1.Message
		if se.Status == 0 {
			se.Status = v1.HttpStatusCode
		}
	case rt.status >= 400:
		// twilio-go could not decode the error body: keep what it said.
		if b := strings.TrimSpace(rt.errBody); b != "" {
			se.Message = truncate(b, errBodyInMsgs)
		}
	case errors.Is(err, context.DeadlineExceeded):
		se.Message = fmt.Sprintf("no answer within %v", timeout)
	}
	se.Class = classify(se.Code, se.Status, err)
	return se
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Classify tells what to do after a failed send:
//
//   - [OptedOut]: Twilio error 21610.
//   - [Retry]: Twilio error 20429, HTTP 429, any HTTP 5xx (JSON body or
//     not), a network error, a timeout or a cancelled context.
//   - [Permanent]: any other Twilio error or HTTP 4xx (21211 invalid
//     number, 21614 not a mobile, 401 bad credentials, …), and errors it
//     does not recognise, including a 2xx answer it could not read —
//     retrying what Twilio may have accepted would send twice.
//
// It understands *[SendError] (returning its Class), twilio-go's
// *client.TwilioRestError and *client.RestErrorV1, context errors and
// net/http errors, wrapped or not. Classify(nil) is 0, not a class.
func Classify(err error) ErrorClass {
	if err == nil {
		return 0
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Class
	}
	var tre *client.TwilioRestError
	if errors.As(err, &tre) {
		return classify(tre.Code, tre.Status, err)
	}
	var v1 *client.RestErrorV1
	if errors.As(err, &v1) {
		return classify(v1.Code, v1.HttpStatusCode, err)
	}
	return classify(0, 0, err)
}

func classify(code, status int, err error) ErrorClass {
	switch {
	case code == CodeOptedOut:
		return OptedOut
	case code == CodeTooManyRequests, status == http.StatusTooManyRequests, status >= 500:
		return Retry
	case status >= 400, code != 0:
		return Permanent
	case status == 0 && isTransient(err):
		return Retry
	}
	return Permanent
}

// isTransient reports errors raised before any HTTP answer arrived.
func isTransient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}
