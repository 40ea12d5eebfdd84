package twilio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Limits of one media fetch when [MediaConfig] leaves them 0.
const (
	// DefaultMediaTimeout bounds one [MediaClient.Fetch], redirects and
	// body included.
	DefaultMediaTimeout = 5 * time.Second
	// DefaultMaxMediaBytes is Twilio's own limit for all the media of one
	// message (5 MB); one picture cannot be larger.
	DefaultMaxMediaBytes = 5 << 20
	// MaxMediaRedirects is how many redirects a fetch follows. Twilio
	// answers a media URL with one redirect to its CDN.
	MaxMediaRedirects = 3
	// maxMediaPerMessage is Twilio's limit of attachments per message.
	maxMediaPerMessage = 10
)

// Why a media fetch failed. [MediaClient.Fetch] wraps exactly one of them
// (test with errors.Is), so the caller can pick its one-line answer.
var (
	// ErrNotImage: the media is not a picture textfix can read (a video,
	// a vCard, a PDF …), judged by the Content-Type before any body byte.
	ErrNotImage = errors.New("not an image")
	// ErrMediaTooBig: larger than MaxBytes, declared or actually sent.
	ErrMediaTooBig = errors.New("media too big")
	// ErrMediaNotFound: Twilio answered 404 (twice: see Fetch).
	ErrMediaNotFound = errors.New("media not found")
	// ErrMediaTimeout: no complete answer within the timeout.
	ErrMediaTimeout = errors.New("media fetch timed out")
	// ErrForeignHost: the URL, or a redirect, points outside Twilio's
	// media hosts; nothing was requested there.
	ErrForeignHost = errors.New("media host is not Twilio's")
	// ErrMediaUnreadable: anything else (network error, credentials
	// refused, a 5xx, too many redirects, a malformed URL).
	ErrMediaUnreadable = errors.New("media unreadable")
)

// imageTypes are the Content-Types Fetch accepts.
var imageTypes = map[string]bool{
	"image/jpeg": true, "image/jpg": true, "image/pjpeg": true,
	"image/png": true, "image/gif": true, "image/webp": true,
	"image/heic": true, "image/heif": true,
}

// MediaRef is one attachment an inbound message lists.
type MediaRef struct {
	URL         string // MediaUrl{N}
	ContentType string // MediaContentType{N}, as Twilio declared it
	// MessageSID ("MM…" or "SM…") and MediaSID ("ME…") are read from the
	// URL's path, for [MediaClient.Delete]; "" when the URL is not shaped
	// like Twilio's.
	MessageSID, MediaSID string
}

// IsImage reports whether the declared content type is one Fetch accepts.
func (r MediaRef) IsImage() bool { return imageTypes[mediaType(r.ContentType)] }

// InboundMedia lists the attachments of an inbound webhook form
// (NumMedia, MediaUrl{N}, MediaContentType{N}), in order, at most 10.
// Entries without a URL are skipped.
func InboundMedia(form url.Values) []MediaRef {
	n, _ := strconv.Atoi(strings.TrimSpace(form.Get("NumMedia")))
	n = min(max(n, 0), maxMediaPerMessage)
	var refs []MediaRef
	for i := range n {
		u := strings.TrimSpace(form.Get("MediaUrl" + strconv.Itoa(i)))
		if u == "" {
			continue
		}
		ref := MediaRef{URL: u, ContentType: form.Get("MediaContentType" + strconv.Itoa(i))}
		ref.MessageSID, ref.MediaSID = parseMediaPath(u)
		refs = append(refs, ref)
	}
	return refs
}

// mediaPath is a media resource: /2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…
var mediaPath = regexp.MustCompile(`^/2010-04-01/Accounts/AC[0-9a-zA-Z]+/Messages/((?:MM|SM)[0-9a-zA-Z]+)/Media/(ME[0-9a-zA-Z]+)(?:\.json)?$`)

func parseMediaPath(raw string) (messageSID, mediaSID string) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	m := mediaPath.FindStringSubmatch(u.Path)
	if m == nil {
		return "", ""
	}
	return m[1], m[2]
}

// MediaConfig configures a [MediaClient].
type MediaConfig struct {
	// AccountSID and AuthToken are the Twilio credentials, sent as HTTP
	// basic auth with every fetch (Twilio can require it on media URLs)
	// and every delete. Both are required and alphanumeric.
	AccountSID, AuthToken string
	// BaseURL is the REST API's scheme and host, as [SenderConfig.BaseURL]:
	// "" means [DefaultBaseURL]. Deletes go there. Media URLs on its host
	// are fetched too (the sandbox and tests point it at a fake Twilio).
	BaseURL string
	// Timeout bounds one Fetch and one Delete; 0 means
	// [DefaultMediaTimeout].
	Timeout time.Duration
	// MaxBytes is the largest picture read; 0 means [DefaultMaxMediaBytes].
	MaxBytes int64
	// NotFoundRetry is the pause before the one retry of a media URL that
	// answered 404 (Twilio may call the webhook before its media is
	// everywhere in its storage); 0 means 1 s, negative means no retry.
	// The retry happens only if it fits in the timeout.
	NotFoundRetry time.Duration
}

// MediaClient fetches the pictures of inbound MMS from Twilio and deletes
// them afterwards. It is safe for concurrent use.
type MediaClient struct {
	cfg       MediaConfig
	base      *url.URL // nil: Twilio itself
	transport http.RoundTripper
}

// NewMediaClient checks cfg and returns a MediaClient. It makes no
// network call.
func NewMediaClient(cfg MediaConfig) (*MediaClient, error) {
	if cfg.AccountSID == "" || cfg.AuthToken == "" {
		return nil, errors.New("twilio: new media client: account SID and auth token are required")
	}
	if !alphanumeric.MatchString(cfg.AccountSID) || !alphanumeric.MatchString(cfg.AuthToken) {
		return nil, errors.New("twilio: new media client: account SID and auth token must be alphanumeric")
	}
	if cfg.Timeout < 0 || cfg.MaxBytes < 0 {
		return nil, fmt.Errorf("twilio: new media client: negative timeout %v or byte limit %d", cfg.Timeout, cfg.MaxBytes)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultMediaTimeout
	}
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = DefaultMaxMediaBytes
	}
	if cfg.NotFoundRetry == 0 {
		cfg.NotFoundRetry = time.Second
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("twilio: new media client: %w", err)
	}
	return &MediaClient{cfg: cfg, base: base, transport: http.DefaultTransport.(*http.Transport).Clone()}, nil
}

// Media is a fetched picture.
type Media struct {
	Data        []byte
	ContentType string // the response's media type, e.g. "image/jpeg"
}

// Fetch downloads the picture at mediaURL (a MediaUrl{N} of the webhook).
//
// The URL and every redirect (at most [MaxMediaRedirects]) must be on
// Twilio's media hosts over HTTPS — api.twilio.com or a regional
// api.*.twilio.com, *.twiliocdn.com, and Twilio's media bucket on Amazon
// S3 — or on the configured BaseURL's host; anything else is
// [ErrForeignHost] and is never contacted. Basic auth goes with the first
// request; net/http drops it on a redirect to another domain, which is
// what Twilio's signed CDN URLs expect.
//
// The Content-Type must be an image (JPEG, PNG, GIF, WebP, HEIC/HEIF) and
// the Content-Length at most MaxBytes before a byte of the body is read;
// the read stops at MaxBytes whatever the server declared. A 404 is tried
// once more after NotFoundRetry when that fits in the timeout.
//
// Errors wrap one of ErrNotImage, ErrMediaTooBig, ErrMediaNotFound,
// ErrMediaTimeout, ErrForeignHost or ErrMediaUnreadable; if ctx ends
// first, the error wraps ctx.Err() instead. Fetch does not delete the
// media: call [MediaClient.Delete] once done with it, whatever the
// outcome.
func (m *MediaClient) Fetch(ctx context.Context, mediaURL string) (*Media, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("twilio: fetch media: %w", err)
	}
	u, err := url.Parse(mediaURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("twilio: fetch media: %w: malformed URL", ErrMediaUnreadable)
	}
	if err := m.allowed(u); err != nil {
		return nil, fmt.Errorf("twilio: fetch media: %w", err)
	}
	callCtx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()

	media, err := m.get(callCtx, u)
	if errors.Is(err, ErrMediaNotFound) && m.cfg.NotFoundRetry > 0 {
		if d, ok := callCtx.Deadline(); !ok || time.Until(d) > m.cfg.NotFoundRetry+m.cfg.Timeout/5 {
			t := time.NewTimer(m.cfg.NotFoundRetry)
			select {
			case <-t.C:
				media, err = m.get(callCtx, u)
			case <-callCtx.Done():
				t.Stop()
			}
		}
	}
	if err == nil {
		return media, nil
	}
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("twilio: fetch media: %w", ctx.Err())
	case callCtx.Err() != nil && !errors.Is(err, ErrMediaNotFound):
		return nil, fmt.Errorf("twilio: fetch media: %w: no answer within %v", ErrMediaTimeout, m.cfg.Timeout)
	}
	return nil, fmt.Errorf("twilio: fetch media: %w", err)
}

// get is one GET of the media, redirects included.
func (m *MediaClient) get(ctx context.Context, u *url.URL) (*Media, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMediaUnreadable, err)
	}
	req.SetBasicAuth(m.cfg.AccountSID, m.cfg.AuthToken)
	req.Header.Set("Accept", "image/*")
	hc := &http.Client{
		Transport: m.transport,
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if len(via) > MaxMediaRedirects {
				return fmt.Errorf("%w: more than %d redirects", ErrMediaUnreadable, MaxMediaRedirects)
			}
			return m.allowed(r.URL)
		},
	}
	resp, err := hc.Do(req)
	if err != nil {
		if errors.Is(err, ErrForeignHost) || errors.Is(err, ErrMediaUnreadable) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrMediaUnreadable, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, ErrMediaNotFound
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: HTTP %d", ErrMediaUnreadable, resp.StatusCode)
	}
	ct := mediaType(resp.Header.Get("Content-Type"))
	if !imageTypes[ct] {
		return nil, fmt.Errorf("%w: content type %q", ErrNotImage, ct)
	}
	if resp.ContentLength > m.cfg.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes declared, limit %d", ErrMediaTooBig, resp.ContentLength, m.cfg.MaxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, m.cfg.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %v", ErrMediaUnreadable, err)
	}
	if int64(len(data)) > m.cfg.MaxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes sent", ErrMediaTooBig, m.cfg.MaxBytes)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrMediaUnreadable)
	}
	return &Media{Data: data, ContentType: ct}, nil
}

// allowed reports whether textfix may fetch u: Twilio's media hosts over
// HTTPS, or the configured base URL's scheme and host.
//
// Sources: Twilio's Media resource docs (media URLs live under
// https://api.twilio.com and require HTTP basic auth,
// https://www.twilio.com/docs/messaging/api/media-resource) and its
// support article on media basic auth (fetches redirect to a short-lived
// URL on mms.twiliocdn.com; older public media sits on
// s3-external-1.amazonaws.com in the media.twiliocdn.com bucket,
// https://support.twilio.com/hc/en-us/articles/223183748).
func (m *MediaClient) allowed(u *url.URL) error {
	host := strings.ToLower(u.Hostname())
	if m.base != nil && u.Scheme == m.base.Scheme && strings.EqualFold(u.Host, m.base.Host) {
		return nil
	}
	if u.Scheme == "https" && (u.Port() == "" || u.Port() == "443") {
		switch {
		case host == "api.twilio.com",
			strings.HasPrefix(host, "api.") && strings.HasSuffix(host, ".twilio.com"), // regional: api.dublin.ie1.twilio.com
			host == "twiliocdn.com", strings.HasSuffix(host, ".twiliocdn.com"):
			return nil
		case isS3Host(host) && strings.HasPrefix(u.Path, "/media.twiliocdn.com/"):
			return nil
		}
	}
	return fmt.Errorf("%w: %s://%s", ErrForeignHost, u.Scheme, u.Host)
}

// isS3Host matches Amazon S3's path-style endpoints (s3.amazonaws.com,
// s3-external-1.amazonaws.com, s3.us-east-1.amazonaws.com …).
func isS3Host(host string) bool {
	name, ok := strings.CutSuffix(host, ".amazonaws.com")
	return ok && (name == "s3" || strings.HasPrefix(name, "s3-") || strings.HasPrefix(name, "s3.")) && !strings.Contains(strings.TrimPrefix(name, "s3."), ".")
}

// mediaType is the lower-case media type of a Content-Type header.
func mediaType(header string) string {
	t, _, err := mime.ParseMediaType(header)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(header))
	}
	return t
}

// Delete removes a media resource from the Twilio account
// (DELETE /2010-04-01/Accounts/{AccountSid}/Messages/{messageSID}/Media/{mediaSID}.json,
// through twilio-go), so a person's picture does not stay there. A media
// already gone (404) counts as deleted. Other failures are returned
// wrapped: twilio-go's *client.TwilioRestError for a JSON error answer.
func (m *MediaClient) Delete(ctx context.Context, messageSID, mediaSID string) error {
	if messageSID == "" || mediaSID == "" {
		return errors.New("twilio: delete media: message SID and media SID are required")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("twilio: delete media: %w", err)
	}
	callCtx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	rt := &callTransport{ctx: callCtx, base: m.base, next: m.transport}
	c := &client.Client{
		Credentials: client.NewCredentials(m.cfg.AccountSID, m.cfg.AuthToken),
		HTTPClient: &http.Client{
			Transport:     rt,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(m.cfg.AccountSID)
	err := openapi.NewApiServiceWithClient(c).DeleteMedia(messageSID, mediaSID, nil)
	if err == nil || rt.status == http.StatusNotFound {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil && rt.status == 0 {
		return fmt.Errorf("twilio: delete media: %w", ctxErr)
	}
	if rt.status != 0 {
		return fmt.Errorf("twilio: delete media %s: HTTP %d: %w", mediaSID, rt.status, err)
	}
	return fmt.Errorf("twilio: delete media %s: %w", mediaSID, err)
}
