package twilio

import (
	"errors"
	"net/url"
	"testing"
)

// TestMediaHosts checks the production allow-list without a network: what
// a media URL or one of its redirects may point at.
func TestMediaHosts(t *testing.T) {
	prod, err := NewMediaClient(MediaConfig{AccountSID: "AC1", AuthToken: "t0"})
	if err != nil {
		t.Fatal(err)
	}
	sandbox, err := NewMediaClient(MediaConfig{AccountSID: "AC1", AuthToken: "t0", BaseURL: "http://127.0.0.1:8099"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		url           string
		prod, sandbox bool
	}{
		{"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", true, true},
		{"https://API.Twilio.com:443/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", true, true},
		{"https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", true, true},
		{"https://mms.twiliocdn.com/AC1/abc?Expires=1&Signature=x", true, true},
		{"https://media.twiliocdn.com/AC1/abc", true, true},
		{"https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC1/abc", true, true},
		{"https://s3.amazonaws.com/media.twiliocdn.com/AC1/abc", true, true},
		{"https://s3.us-east-1.amazonaws.com/media.twiliocdn.com/AC1/abc", true, true},
		{"http://127.0.0.1:8099/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", false, true},

		{"http://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", false, false},
		{"https://api.twilio.com:8443/x", false, false},
		{"https://www.twilio.com/x", false, false},
		{"https://twilio.com.attacker.example/x", false, false},
		{"https://eviltwiliocdn.com/x", false, false},
		{"https://s3.amazonaws.com/attacker-bucket/x", false, false},
		{"https://attacker.s3.amazonaws.com/media.twiliocdn.com/x", false, false},
		{"https://s3.evil.example.amazonaws.com/media.twiliocdn.com/x", false, false},
		{"https://127.0.0.1:8099/x", false, false},
		{"http://127.0.0.1:8100/x", false, false},
		{"http://169.254.169.254/latest/meta-data/", false, false},
	}
	for _, c := range cases {
		u, err := url.Parse(c.url)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []struct {
			m    *MediaClient
			name string
			want bool
		}{{prod, "production", c.prod}, {sandbox, "sandbox", c.sandbox}} {
			err := k.m.allowed(u)
			if got := err == nil; got != k.want {
				t.Errorf("%s: %s allowed = %v, want %v", k.name, c.url, got, k.want)
			}
			if err != nil && !errors.Is(err, ErrForeignHost) {
				t.Errorf("%s: %s: %v, want ErrForeignHost", k.name, c.url, err)
			}
		}
	}
}
