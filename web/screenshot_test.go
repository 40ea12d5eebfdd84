package web_test

import (
	"bytes"
	"io/fs"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/twilio/twiliotest"
)

// The screenshot of Claude Code's 403 the tests text, with a key on the
// screen that must never be stored.
var shot403 = []string{
	"~/shop $ export ANTHROPIC_API_KEY=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345",
	"~/shop $ claude",
	`API Error: 403 {"type":"error","error":{"type":"permission_error",`,
	`"message":"Request not allowed"}}`,
}

// sendPicture texts a picture through the signed webhook and returns the
// TwiML replies.
func sendPicture(t *testing.T, e *stacktest.Stack, sid, body string, media ...stacktest.Attachment) []string {
	t.Helper()
	resp := e.Post(smsPath, stacktest.Picture(personA, sid, body, media...), e.Token, e.Base)
	b := stacktest.ReadAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("picture: status %d %s", resp.StatusCode, b)
	}
	return stacktest.TwiML(t, b)
}

// waitDeleted waits until the fake Twilio has had n media deleted.
func waitDeleted(t *testing.T, fake *twiliotest.Server, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := fake.DeletedMedia()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A screenshot as the first text, through the real stack: fetched with
// the account's basic auth, read by tesseract, routed to its tree, said
// back, stored only as redacted text marked [screenshot], deleted from
// Twilio after commit; a retry replays the reply without reading again.
func TestScreenshotFirstText(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tesseract")
	}
	e := stacktest.New(t, stacktest.Options{Token: testToken, Screenshots: true})
	png := stacktest.Screenshot(t, shot403...)
	url := e.Twilio.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: png, Redirects: 1})
	sid := e.NextSid()

	start := time.Now()
	got := sendPicture(t, e, sid, "", stacktest.Attachment{URL: url, ContentType: "image/png"})
	t.Logf("webhook answered in %v: %q", time.Since(start), got)
	if len(got) != 1 || !strings.HasPrefix(got[0], "From your screenshot: 403") {
		t.Fatalf("reply %q, want it to start with what was read", got)
	}
	c := e.Conversation(personA)
	if c.Flow != "claude-code-403" {
		t.Errorf("conversation at %s/%s (%s), want the claude-code-403 tree", c.Flow, c.Node, c.Status)
	}
	// The key on the screen says how Claude Code signs in: not asked.
	if !strings.Contains(got[0], "you use an API key") {
		t.Errorf("reply %q: want the sign-in question answered from the screenshot", got)
	}
	fetches := e.Twilio.MediaFetches()
	if len(fetches) == 0 || !fetches[0].Auth {
		t.Errorf("media fetches %+v: want the first with basic auth", fetches)
	}
	if del := waitDeleted(t, e.Twilio, 1); len(del) != 1 || !strings.HasSuffix(url, "/"+del[0]) {
		t.Errorf("deleted media %v, want %s", del, url)
	}
	lines := e.Transcript(personA)
	if len(lines) < 2 || !strings.HasPrefix(lines[0].Body, bot.ScreenshotMark) || !strings.Contains(lines[0].Body, "403") {
		t.Fatalf("transcript %+v: want the words read, marked %q", lines, bot.ScreenshotMark)
	}
	if strings.Contains(lines[0].Body, "sk-ant-api03") || strings.Contains(c.FirstText+strings.Join(c.Said, " "), "sk-ant-api03") {
		t.Errorf("the key on the screen was stored: %q", lines[0].Body)
	}

	// Twilio retries the same MessageSid: the same reply, no second read.
	if again := sendPicture(t, e, sid, "", stacktest.Attachment{URL: url, ContentType: "image/png"}); strings.Join(again, "\n") != strings.Join(got, "\n") {
		t.Errorf("retry replied %q, want %q", again, got)
	}
	if n := len(e.Twilio.MediaFetches()); n != len(fetches) {
		t.Errorf("retry fetched the media again: %d fetches, then %d", len(fetches), n)
	}

	// Nothing of the picture is on disk: no 32-byte run of its bytes in
	// any file of the data directory.
	dir := filepath.Dir(e.DB.Path())
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i := 64; i+32 <= len(png); i += len(png) / 16 {
			if bytes.Contains(b, png[i:i+32]) {
				t.Errorf("%s holds bytes of the picture (offset %d)", path, i)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Mid-tree, a screenshot of the curl test's output answers "What came
// back?", and the fix page says the answer came from the screenshot.
func TestScreenshotAnswersTheQuestion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tesseract")
	}
	e := stacktest.New(t, stacktest.Options{Token: testToken, Screenshots: true})
	e.Say(personA, "claude code 403")
	e.Say(personA, "api key")
	if c := e.Conversation(personA); c.Node != "smoke-test" {
		t.Fatalf("at %s, want smoke-test", c.Node)
	}
	png := stacktest.Screenshot(t,
		"$ curl https://api.anthropic.com/v1/messages",
		"HTTP/2 403",
		`{"type":"error","error":{"type":"forbidden","message":"Request not allowed"}}`)
	url := e.Twilio.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: png})
	got := sendPicture(t, e, e.NextSid(), "", stacktest.Attachment{URL: url, ContentType: "image/png"})
	if len(got) == 0 || !strings.HasPrefix(got[0], "From your screenshot: ") {
		t.Fatalf("reply %q", got)
	}
	c := e.Conversation(personA)
	if c.Node == "smoke-test" {
		t.Fatalf("still at smoke-test after %q", got)
	}
	var smoke *bot.Answer
	for i, a := range c.Answers {
		if a.Node == "smoke-test" {
			smoke = &c.Answers[i]
		}
	}
	if smoke == nil || !smoke.Picture || smoke.Source() != "from your screenshot" {
		t.Errorf("smoke-test answer %+v: want it marked from the screenshot", smoke)
	}
	if c.Status == bot.StatusFixed {
		_, page := e.Get(strings.TrimPrefix(pageLink(t, got), e.Base))
		if !strings.Contains(page, "(from your screenshot)") {
			t.Errorf("fix page lacks (from your screenshot)")
		}
	}
}

// pageLink is the fix page link in replies.
func pageLink(t *testing.T, replies []string) string {
	t.Helper()
	for _, r := range replies {
		for _, f := range strings.Fields(r) {
			if strings.Contains(f, bot.PagesPath) {
				return f
			}
		}
	}
	t.Fatalf("no page link in %q", replies)
	return ""
}

// A picture that can't be read gets the one fallback line, never a
// silent drop nor a handoff; its media is deleted all the same.
func TestScreenshotFallbacks(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Screenshots: true, MediaTimeout: time.Second})
	png := stacktest.Screenshot(t, "API Error: 403")
	tests := []struct {
		name     string
		file     twiliotest.MediaFile
		declared string // MediaContentType0
		url      string // instead of the fake's media URL
	}{
		{name: "not an image", file: twiliotest.MediaFile{ContentType: "text/vcard", Data: []byte("BEGIN:VCARD")}, declared: "text/vcard"},
		{name: "not an image, declared one", file: twiliotest.MediaFile{ContentType: "application/pdf", Data: []byte("%PDF-1.4")}, declared: "image/png"},
		{name: "20 MB", file: twiliotest.MediaFile{ContentType: "image/png", Data: bytes.Repeat([]byte{0}, 20<<20)}, declared: "image/png"},
		{name: "404", file: twiliotest.MediaFile{ContentType: "image/png", Data: png, NotFound: 5}, declared: "image/png"},
		{name: "slow server", file: twiliotest.MediaFile{ContentType: "image/png", Data: png, Delay: 3 * time.Second}, declared: "image/png"},
		{name: "redirect to another host", file: twiliotest.MediaFile{ContentType: "image/png", Data: png, RedirectTo: "https://media.example.com/stolen.png"}, declared: "image/png"},
		{name: "another host", url: "https://media.example.com/x.png", declared: "image/png"},
		{name: "no text", file: twiliotest.MediaFile{ContentType: "image/png", Data: stacktest.Screenshot(t, "")}, declared: "image/png"},
	}
	onFake := 0 // media the fake served, which must be deleted
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "no text" && testing.Short() {
				t.Skip("runs tesseract")
			}
			url := tc.url
			if url == "" {
				url = e.Twilio.AddMedia(tc.file)
				onFake++
			}
			phone := "+1555555100" + string(rune('0'+i))
			resp := e.Post(smsPath, stacktest.Picture(phone, e.NextSid(), "", stacktest.Attachment{URL: url, ContentType: tc.declared}), e.Token, e.Base)
			got := stacktest.TwiML(t, stacktest.ReadAll(t, resp))
			if len(got) != 1 || got[0] != bot.UnreadPicture {
				t.Errorf("reply %q, want %q", got, bot.UnreadPicture)
			}
			if c := e.Conversation(phone); c.Status == bot.StatusHandoff {
				t.Errorf("a picture alone handed off")
			}
		})
	}
	// Every media on the fake was deleted (the foreign URL is not Twilio's
	// to delete).
	if got := waitDeleted(t, e.Twilio, onFake); len(got) != onFake {
		t.Errorf("deleted %d media, want %d", len(got), onFake)
	}
}

// When reading takes longer than the webhook may wait, the person hears
// "Reading your screenshot..." at once and the reply comes through the
// outbox; a retry replays the first answer and reads nothing again.
func TestScreenshotReadLate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tesseract")
	}
	e := stacktest.New(t, stacktest.Options{Token: testToken, Screenshots: true, PictureWait: time.Millisecond})
	png := stacktest.Screenshot(t, shot403...)
	url := e.Twilio.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: png, Delay: 200 * time.Millisecond})
	sid := e.NextSid()
	got := sendPicture(t, e, sid, "", stacktest.Attachment{URL: url, ContentType: "image/png"})
	if len(got) != 1 || got[0] != bot.ReadingPicture {
		t.Fatalf("reply %q, want %q", got, bot.ReadingPicture)
	}
	later := e.Received(1, personA)
	if len(later) != 1 || !strings.HasPrefix(later[0], "From your screenshot: 403") {
		t.Fatalf("sent later %q", later)
	}
	if c := e.Conversation(personA); c.Flow != "claude-code-403" {
		t.Errorf("flow %q, want claude-code-403", c.Flow)
	}
	fetches := len(e.Twilio.MediaFetches())
	if again := sendPicture(t, e, sid, "", stacktest.Attachment{URL: url, ContentType: "image/png"}); len(again) != 1 || again[0] != bot.ReadingPicture {
		t.Errorf("retry replied %q", again)
	}
	if n := len(e.Twilio.MediaFetches()); n != fetches {
		t.Errorf("retry fetched the media again (%d fetches, then %d)", fetches, n)
	}
	if del := waitDeleted(t, e.Twilio, 1); len(del) != 1 {
		t.Errorf("deleted %v", del)
	}
	// The next text waits for the late reply, and answers the question.
	if next := e.Say(personA, "api key"); len(next) == 0 {
		t.Errorf("no reply to the next text")
	}
}

// The operator console shows the words read in a picture, marked
// [screenshot] (sandbox mode: the console is open to loopback).
func TestScreenshotInConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tesseract")
	}
	e := stacktest.New(t, stacktest.Options{Screenshots: true})
	url := e.Twilio.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: stacktest.Screenshot(t, shot403...)})
	sendPicture(t, e, e.NextSid(), "", stacktest.Attachment{URL: url, ContentType: "image/png"})
	resp, page := e.Get("/console/conversation?phone=" + neturl.QueryEscape(personA))
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "[screenshot] ") || !strings.Contains(page, "403") {
		t.Errorf("console conversation (%d) lacks the [screenshot] line:\n%s", resp.StatusCode, page)
	}
	if strings.Contains(page, "sk-ant-api03") {
		t.Errorf("the console shows the key on the screen")
	}
}

// HELP says that screenshots work and are deleted.
func TestScreenshotHelp(t *testing.T) {
	e := stacktest.New(t, stacktest.Options{Token: testToken, Screenshots: true})
	if got := strings.Join(e.Say(personA, "HELP"), "\n"); !strings.Contains(got, "Screenshots are deleted") {
		t.Errorf("HELP %q", got)
	}
}
