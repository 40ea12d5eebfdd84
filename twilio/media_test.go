package twilio_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
)

func mediaClient(t *testing.T, fake *twiliotest.Server, edit func(*twilio.MediaConfig)) *twilio.MediaClient {
	t.Helper()
	cfg := twilio.MediaConfig{
		AccountSID: testSID, AuthToken: testToken, BaseURL: fake.URL,
		Timeout: 2 * time.Second, NotFoundRetry: 20 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	m, err := twilio.NewMediaClient(cfg)
	if err != nil {
		t.Fatalf("NewMediaClient: %v", err)
	}
	return m
}

var png1 = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 1000)...)

func TestMediaFetch(t *testing.T) {
	big := bytes.Repeat([]byte{1}, twilio.DefaultMaxMediaBytes+1)
	cases := []struct {
		name    string
		file    twiliotest.MediaFile
		url     func(fake *twiliotest.Server, mediaURL string) string // default: the media URL
		edit    func(*twilio.MediaConfig)
		wantErr error // nil: the picture arrives
		fetches int   // GETs the fake should see
	}{
		{name: "png, direct", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1}, fetches: 1},
		{name: "jpeg through a CDN redirect, as Twilio", file: twiliotest.MediaFile{ContentType: "image/jpeg", Data: png1, Redirects: 1}, fetches: 2},
		{name: "three redirects", file: twiliotest.MediaFile{ContentType: "image/webp", Data: png1, Redirects: 3}, fetches: 4},
		{name: "heic with parameters", file: twiliotest.MediaFile{ContentType: "image/HEIC; charset=binary", Data: png1}, fetches: 1},
		{name: "chunked, under the limit", file: twiliotest.MediaFile{ContentType: "image/gif", Data: png1, Length: -1}, fetches: 1},
		{name: "four redirects", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, Redirects: 4}, wantErr: twilio.ErrMediaUnreadable, fetches: 4},
		{name: "404 once, then there (media not yet propagated)", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, NotFound: 1}, fetches: 2},
		{name: "404", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, NotFound: 5}, wantErr: twilio.ErrMediaNotFound, fetches: 2},
		{name: "404 without retry", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, NotFound: 5},
			edit: func(c *twilio.MediaConfig) { c.NotFoundRetry = -1 }, wantErr: twilio.ErrMediaNotFound, fetches: 1},
		{name: "unknown media", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1},
			url:     func(_ *twiliotest.Server, u string) string { return u[:len(u)-4] + "0000" },
			wantErr: twilio.ErrMediaNotFound, fetches: 2},
		{name: "slow", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, Delay: time.Second},
			edit: func(c *twilio.MediaConfig) { c.Timeout = 100 * time.Millisecond }, wantErr: twilio.ErrMediaTimeout, fetches: 1},
		{name: "huge, declared", file: twiliotest.MediaFile{ContentType: "image/jpeg", Data: big}, wantErr: twilio.ErrMediaTooBig, fetches: 1},
		{name: "huge, chunked", file: twiliotest.MediaFile{ContentType: "image/jpeg", Data: big, Length: -1}, wantErr: twilio.ErrMediaTooBig, fetches: 1},
		{name: "over a lower limit", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1},
			edit: func(c *twilio.MediaConfig) { c.MaxBytes = 999 }, wantErr: twilio.ErrMediaTooBig, fetches: 1},
		{name: "chunked, over a lower limit", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, Length: -1},
			edit: func(c *twilio.MediaConfig) { c.MaxBytes = 999 }, wantErr: twilio.ErrMediaTooBig, fetches: 1},
		{name: "a video", file: twiliotest.MediaFile{ContentType: "video/mp4", Data: png1}, wantErr: twilio.ErrNotImage, fetches: 1},
		{name: "a web page", file: twiliotest.MediaFile{ContentType: "text/html; charset=utf-8", Data: png1}, wantErr: twilio.ErrNotImage, fetches: 1},
		{name: "no content type", file: twiliotest.MediaFile{Data: png1}, wantErr: twilio.ErrNotImage, fetches: 1},
		{name: "redirect to another host", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, RedirectTo: "https://media.example.net/x.png"},
			wantErr: twilio.ErrForeignHost, fetches: 1},
		{name: "redirect to S3 outside Twilio's bucket", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1, RedirectTo: "https://s3.amazonaws.com/someone-else/x.png"},
			wantErr: twilio.ErrForeignHost, fetches: 1},
		{name: "URL on another host", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1},
			url: func(_ *twiliotest.Server, u string) string {
				return strings.Replace(u, "http://127.0.0.1", "http://localhost", 1)
			}, wantErr: twilio.ErrForeignHost},
		{name: "wrong credentials", file: twiliotest.MediaFile{ContentType: "image/png", Data: png1},
			edit: func(c *twilio.MediaConfig) { c.AuthToken = "wrong0" }, wantErr: twilio.ErrMediaUnreadable, fetches: 1},
		{name: "malformed URL", url: func(*twiliotest.Server, string) string { return "::" }, wantErr: twilio.ErrMediaUnreadable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := twiliotest.New(t, testSID, testToken)
			m := mediaClient(t, fake, c.edit)
			u := fake.AddMedia(c.file)
			if c.url != nil {
				u = c.url(fake, u)
			}
			got, err := m.Fetch(context.Background(), u)
			switch {
			case c.wantErr == nil && err != nil:
				t.Fatalf("Fetch: %v", err)
			case c.wantErr == nil:
				if !bytes.Equal(got.Data, c.file.Data) {
					t.Errorf("got %d bytes, want %d", len(got.Data), len(c.file.Data))
				}
				if want, _, _ := strings.Cut(strings.ToLower(c.file.ContentType), ";"); got.ContentType != want {
					t.Errorf("content type %q, want %q", got.ContentType, want)
				}
			case !errors.Is(err, c.wantErr):
				t.Fatalf("Fetch: %v, want %v", err, c.wantErr)
			default:
				t.Logf("Fetch: %v", err)
			}
			fetches := fake.MediaFetches()
			if len(fetches) != c.fetches {
				t.Errorf("fake saw %d GETs, want %d: %+v", len(fetches), c.fetches, fetches)
			}
			if len(fetches) > 0 && !fetches[0].Auth && c.edit == nil {
				t.Errorf("the first GET carried no basic auth: %+v", fetches[0])
			}
		})
	}
}

func TestMediaFetchCancelled(t *testing.T) {
	fake := twiliotest.New(t, testSID, testToken)
	m := mediaClient(t, fake, nil)
	u := fake.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: png1, Delay: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := m.Fetch(ctx, u)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, twilio.ErrMediaTimeout) {
		t.Fatalf("Fetch with the caller's deadline: %v, want context.DeadlineExceeded only", err)
	}
}

func TestMediaDelete(t *testing.T) {
	fake := twiliotest.New(t, testSID, testToken)
	m := mediaClient(t, fake, nil)
	u := fake.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: png1, Redirects: 1})
	refs := twilio.InboundMedia(url.Values{"NumMedia": {"1"}, "MediaUrl0": {u}, "MediaContentType0": {"image/png"}})
	if len(refs) != 1 || refs[0].MediaSID == "" || refs[0].MessageSID == "" {
		t.Fatalf("InboundMedia: %+v", refs)
	}
	ref := refs[0]
	ctx := context.Background()
	if _, err := m.Fetch(ctx, ref.URL); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if err := m.Delete(ctx, ref.MessageSID, ref.MediaSID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got := fake.DeletedMedia(); len(got) != 1 || got[0] != ref.MediaSID {
		t.Errorf("deleted %v, want [%s]", got, ref.MediaSID)
	}
	if _, err := m.Fetch(ctx, ref.URL); !errors.Is(err, twilio.ErrMediaNotFound) {
		t.Errorf("Fetch after Delete: %v, want ErrMediaNotFound", err)
	}
	if err := m.Delete(ctx, ref.MessageSID, ref.MediaSID); err != nil {
		t.Errorf("Delete of a media already gone: %v, want nil", err)
	}

	wrong := mediaClient(t, fake, func(c *twilio.MediaConfig) { c.AuthToken = "wrong0" })
	u2 := fake.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: png1})
	r2 := twilio.InboundMedia(url.Values{"NumMedia": {"1"}, "MediaUrl0": {u2}})[0]
	if err := wrong.Delete(ctx, r2.MessageSID, r2.MediaSID); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Delete with wrong credentials: %v, want an HTTP 401 error", err)
	}
	if err := m.Delete(ctx, "", r2.MediaSID); err == nil {
		t.Error("Delete without a message SID: no error")
	}
}

func TestInboundMedia(t *testing.T) {
	const u0 = "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM0a1b/Media/ME9f8e"
	form := url.Values{
		"NumMedia":  {"3"},
		"MediaUrl0": {u0}, "MediaContentType0": {"image/jpeg"},
		"MediaUrl1": {"https://example.com/elsewhere"}, "MediaContentType1": {"video/mp4"},
		// MediaUrl2 missing: skipped.
		"MediaUrl3": {"https://api.twilio.com/never-listed"},
	}
	got := twilio.InboundMedia(form)
	want := []twilio.MediaRef{
		{URL: u0, ContentType: "image/jpeg", MessageSID: "MM0a1b", MediaSID: "ME9f8e"},
		{URL: "https://example.com/elsewhere", ContentType: "video/mp4"},
	}
	if len(got) != len(want) {
		t.Fatalf("InboundMedia = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if !got[0].IsImage() || got[1].IsImage() {
		t.Errorf("IsImage: jpeg %v, mp4 %v", got[0].IsImage(), got[1].IsImage())
	}
	for _, n := range []string{"", "0", "-1", "x"} {
		if got := twilio.InboundMedia(url.Values{"NumMedia": {n}, "MediaUrl0": {u0}}); len(got) != 0 {
			t.Errorf("NumMedia %q: %+v, want none", n, got)
		}
	}
}

func TestNewMediaClientRejects(t *testing.T) {
	for name, cfg := range map[string]twilio.MediaConfig{
		"no token":         {AccountSID: testSID},
		"token with dash":  {AccountSID: testSID, AuthToken: "a-b"},
		"negative timeout": {AccountSID: testSID, AuthToken: testToken, Timeout: -1},
		"negative limit":   {AccountSID: testSID, AuthToken: testToken, MaxBytes: -1},
		"base URL path":    {AccountSID: testSID, AuthToken: testToken, BaseURL: "http://example.com/x"},
	} {
		if _, err := twilio.NewMediaClient(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
