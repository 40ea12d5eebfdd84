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

func TestDictated(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Punctuation said as a word.
		{"invalid A P I key comma please run slash login", "invalid API key, please run /login"},
		{"its fine now period thanks", "its fine now. thanks"},
		{"it works full stop", "it works."},
		{"is it down question mark", "is it down?"},
		{"the grace period ended", "the grace period ended"},
		{"a period of an hour", "a period of an hour"},
		{"the billing period", "the billing period"},
		// Paths, hosts and files said aloud.
		{"calling login dot salesforce dot com slash services slash data", "calling login.salesforce.com/services/data"},
		{"E N O T found api dot anthropic dot com", "ENOTfound api.anthropic.com"},
		{"i put it in the dot env file", "i put it in the .env file"},
		{"bash RC. dot bash RC in my home folder", "bashRC. .bashRC in my home folder"},
		{"my Z S H RC file", "my ZSHRC file"},
		{"its in my bash RC", "its in my bashRC"},
		{"its in my bashrc RC.", "its in my bashrc RC."},
		{"the dot com bubble", "the .com bubble"},
		{"a dot in the name", "a dot in the name"},
		// Words spelled out, Node's error codes in parts.
		{"ten D L C registration", "ten DLC registration"},
		{"E CONN reset on long answers", "ECONNreset on long answers"},
		{"E timed out", "Etimedout"},
		{"I TOLD you", "I TOLD you"},
		{"I AM ANGRY", "I AM ANGRY"},
		{"Plan A or B", "Plan A or B"},
		// Five-digit codes read out.
		{"three zero zero three four", "30034"},
		{"twilio twenty one two eleven invalid", "twilio 21211 invalid"},
		{"came back twenty one six ten.", "came back 21610."},
		{"two one six one oh", "21610"},
		{"one one one one", "one one one one"},                         // four digits: DNS, not a code
		{"one two three four five six", "one two three four five six"}, // six
		{"oh three zero zero three", "oh three zero zero three"},       // "oh" opening is a word
		{"someone said it's done", "someone said it's done"},
		{"", ""},
	} {
		if got := dictated(c.in); got != c.want {
			t.Errorf("dictated(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestShorthand(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"curl w/ the key → 200", "curl w/ the key  gives  200"},
		{"curl -> 200, claude => 403", "curl  gives  200, claude  gives  403"},
		{"on ~30% of calls", "on ~30 percent of calls"},
		{"100%. sure", "100 percent. sure"},
		{"% off", "% off"},
		{"fails every AM since this am.", "fails every morning since this morning."},
		{"I am on Max, am I?", "I am on Max, am I?"},
		{"no arrows here", "no arrows here"},
		{"API Error: 4O3 Forbidden", "API Error: 403 Forbidden"},
		{"claude code 4O3s on every request", "claude code 403s on every request"},
		{"twilio 2l6l0", "twilio 21610"},
		{"a 2FA code, 10 ok, lol, 4oz", "a 2FA code, 10 ok, lol, 4oz"},
	} {
		if got := shorthand(c.in); got != c.want {
			t.Errorf("shorthand(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
