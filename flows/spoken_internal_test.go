package flows

import "testing"

func TestSpoken(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"claude code says four oh three", "claude code says 403"},
		{"claud code 4 oh 1 in our github actions job", "claud code 401 in our github actions job"},
		{"API error Four Zero Three, forbidden", "API error 403, forbidden"},
		{"five twenty nine overloaded", "529 overloaded"},
		{"four twenty nine rate limit", "429 rate limit"},
		{"a five hundred error", "a 500 error"},
		{"four hundred and one unauthorized", "401 unauthorized"},
		{"stripe four oh two", "stripe 402"},
		{"resets four PM", "resets 4 PM"},
		{"resets at 4 pm", "resets at 4 pm"},
		{"five oh five pm", "five oh 5 pm"}, // a time, not 505
		{"four twenty today", "four twenty today"},
		{"one oh one course", "one oh one course"},
		{"two twenty nine", "two twenty nine"},
		{"the four of us", "the four of us"},
		{"four o clock", "four o clock"},
		{"someone's four oh three", "someone's 403"},
		{"", ""},
	} {
		if got := spoken(c.in); got != c.want {
			t.Errorf("spoken(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
