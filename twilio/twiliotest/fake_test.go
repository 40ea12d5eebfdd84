package twiliotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textfix/textfix/twilio"
	"github.com/textfix/textfix/twilio/twiliotest"
)

const (
	sid   = "AC00000000000000000000000000000001"
	token = "secret"
)

type answer struct {
	status int
	json   map[string]any
}

func post(t *testing.T, fake *twiliotest.Server, path, user, pass string, form url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fake.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&a.json); err != nil {
		t.Fatalf("%s: answer is not JSON: %v", path, err)
	}
	return a
}

const messagesPath = "/2010-04-01/Accounts/" + sid + "/Messages.json"

func TestFakeAnswers(t *testing.T) {
	valid := url.Values{"To": {"+15551234567"}, "From": {"+15005550006"}, "Body": {"hi"}}
	without := func(k string) url.Values {
		f := url.Values{}
		for key, v := range valid {
			if key != k {
				f[key] = v
			}
		}
		return f
	}
	cases := []struct {
		name       string
		path       string
		user, pass string
		form       url.Values
		status     int
		code       float64 // JSON numbers decode as float64
	}{
		{"no auth", messagesPath, "", "", valid, 401, 20003},
		{"wrong token", messagesPath, sid, "nope", valid, 401, 20003},
		{"other account", "/2010-04-01/Accounts/AC9/Messages.json", sid, token, valid, 404, 20404},
		{"unknown path", "/2010-04-01/Accounts/" + sid + "/Calls.json", sid, token, valid, 404, 20404},
		{"no To", messagesPath, sid, token, without("To"), 400, 21604},
		{"no From", messagesPath, sid, token, without("From"), 400, 21603},
		{"no Body", messagesPath, sid, token, without("Body"), 400, 21602},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := twiliotest.New(t, sid, token)
			a := post(t, fake, c.path, c.user, c.pass, c.form)
			if a.status != c.status || a.json["code"] != c.code || a.json["status"] != float64(c.status) {
				t.Errorf("got %d %v, want %d with code %v", a.status, a.json, c.status, c.code)
			}
			for _, k := range []string{"message", "more_info"} {
				if s, _ := a.json[k].(string); s == "" {
					t.Errorf("error body lacks %q: %v", k, a.json)
				}
			}
			if n := len(fake.Messages()); n != 0 {
				t.Errorf("%d messages recorded", n)
			}
		})
	}
}

func TestFakeCreatesMessage(t *testing.T) {
	fake := twiliotest.New(t, sid, token)
	form := url.Values{"To": {"+15551234567"}, "From": {"+15005550006"}, "Body": {"hello {world}"},
		"StatusCallback": {"https://x.example/twilio/status"}}
	a := post(t, fake, messagesPath, sid, token, form)
	if a.status != http.StatusCreated {
		t.Fatalf("status %d: %v", a.status, a.json)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	want := map[string]any{
		"sid": m.SID, "account_sid": sid, "to": "+15551234567", "from": "+15005550006",
		"body": "hello {world}", "status": "queued", "direction": "outbound-api",
		"num_segments": "1", "api_version": "2010-04-01",
	}
	for k, v := range want {
		if a.json[k] != v {
			t.Errorf("%s = %v, want %v", k, a.json[k], v)
		}
	}
	if m.StatusCallback != "https://x.example/twilio/status" || m.Body != "hello {world}" {
		t.Errorf("recorded %+v", m)
	}

	// Messages returns a copy.
	msgs[0].Body = "changed"
	if fake.Messages()[0].Body != "hello {world}" {
		t.Error("Messages shares its slice with the fake")
	}
}

func TestFakeFailuresQueueInOrder(t *testing.T) {
	fake := twiliotest.New(t, sid, token)
	fake.FailNext(400, 21610, "unsubscribed")
	fake.FailNextRaw(502, "<html>bad gateway</html>")
	form := url.Values{"To": {"+15551234567"}, "MessagingServiceSid": {"MG1"}, "Body": {"hi"}}

	if a := post(t, fake, messagesPath, sid, token, form); a.status != 400 || a.json["code"] != float64(21610) {
		t.Errorf("first: %d %v", a.status, a.json)
	}
	req, _ := http.NewRequest(http.MethodPost, fake.URL+messagesPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sid, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 || strings.Contains(resp.Header.Get("Content-Type"), "json") {
		t.Errorf("second: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	a := post(t, fake, messagesPath, sid, token, form)
	if a.status != 201 || a.json["status"] != "accepted" || a.json["from"] != nil || a.json["messaging_service_sid"] != "MG1" {
		t.Errorf("third: %d %v", a.status, a.json)
	}
}

func TestFakeWaitFor(t *testing.T) {
	fake := twiliotest.New(t, sid, token)
	form := url.Values{"To": {"+15551234567"}, "From": {"+15005550006"}, "Body": {"hi"}}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			time.Sleep(10 * time.Millisecond)
			req, _ := http.NewRequest(http.MethodPost, fake.URL+messagesPath, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(sid, token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	if got := fake.WaitFor(t, 5, 5*time.Second); len(got) != 5 {
		t.Errorf("WaitFor returned %d messages", len(got))
	}
	wg.Wait()
}

// fatalRecorder records Fatalf instead of stopping the test.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
}

func TestFakeWaitForTimesOut(t *testing.T) {
	fake := twiliotest.New(t, sid, token)
	rec := &fatalRecorder{TB: t}
	start := time.Now()
	if got := fake.WaitFor(rec, 1, 50*time.Millisecond); got != nil {
		t.Errorf("WaitFor returned %v", got)
	}
	if rec.fatal == "" {
		t.Error("WaitFor did not fail the test on timeout")
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("WaitFor gave up after %v", d)
	}
}

// Deliver posts Twilio's status callback form to the message's
// StatusCallback, signed so that twilio.VerifySignature accepts it.
func TestDeliver(t *testing.T) {
	fake := twiliotest.New(t, sid, token)
	got := make(chan url.Values, 1)
	var verified bool
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		verified = twilio.VerifySignature(token, "http://"+r.Host+r.URL.RequestURI(), r.PostForm, r.Header.Get("X-Twilio-Signature"))
		got <- r.PostForm
	}))
	defer cb.Close()
	a := post(t, fake, messagesPath, sid, token, url.Values{"To": {"+15551234567"}, "From": {"+15005550006"}, "Body": {"hi"}, "StatusCallback": {cb.URL + "/twilio/status?x=1"}})
	msgSid, _ := a.json["sid"].(string)
	fake.Deliver(t, msgSid, "undelivered", "30003")
	form := <-got
	if !verified {
		t.Error("signature does not verify")
	}
	if form.Get("MessageSid") != msgSid || form.Get("MessageStatus") != "undelivered" || form.Get("ErrorCode") != "30003" || form.Get("To") != "+15551234567" {
		t.Errorf("callback form %v", form)
	}
}

// Media URLs answer only with the account's basic auth, record whether it
// came, and go away once deleted.
func TestMediaAuthAndDelete(t *testing.T) {
	fake := twiliotest.New(t, sid, token)
	mediaURL := fake.AddMedia(twiliotest.MediaFile{ContentType: "image/png", Data: []byte("png")})
	do := func(method, u, user, pass string) int {
		t.Helper()
		req, err := http.NewRequest(method, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	steps := []struct {
		method, url, user, pass string
		want                    int
	}{
		{"GET", mediaURL, "", "", http.StatusUnauthorized},
		{"GET", mediaURL, sid, "wrong", http.StatusUnauthorized},
		{"GET", mediaURL, sid, token, http.StatusOK},
		{"DELETE", mediaURL + ".json", "", "", http.StatusUnauthorized},
		{"DELETE", mediaURL, sid, token, http.StatusNotFound}, // the REST resource ends in .json
		{"DELETE", mediaURL + ".json", sid, token, http.StatusNoContent},
		{"GET", mediaURL, sid, token, http.StatusNotFound},
		{"DELETE", mediaURL + ".json", sid, token, http.StatusNotFound},
	}
	for i, s := range steps {
		if got := do(s.method, s.url, s.user, s.pass); got != s.want {
			t.Errorf("step %d: %s with %q: %d, want %d", i, s.method, s.user, got, s.want)
		}
	}
	var auths []bool
	for _, f := range fake.MediaFetches() {
		auths = append(auths, f.Auth)
	}
	if fmt.Sprint(auths) != "[false false true true]" {
		t.Errorf("recorded auth per GET %v, want [false false true true]", auths)
	}
	if got := fake.DeletedMedia(); len(got) != 1 || !strings.HasSuffix(mediaURL, "/"+got[0]) {
		t.Errorf("DeletedMedia = %v", got)
	}
}
