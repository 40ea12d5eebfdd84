package twilio

import (
	"github.com/nyaruka/phonenumbers"
)

// IsPhoneNumber reports whether s is a phone number as Twilio writes one:
// E.164, that is "+", a country calling code, and a national number of a
// possible length for that country, with nothing else (no spaces, dashes
// or extension).
//
// Possible, not valid: libphonenumber's validity also checks the number
// ranges each country has assigned, which change faster than its release
// and leave out the 555 numbers used in examples and tests. A support line
// must not refuse a real person because that table is a release behind;
// what is refused here is what cannot be a phone number at all.
func IsPhoneNumber(s string) bool {
	if len(s) < 2 || s[0] != '+' {
		return false
	}
	n, err := phonenumbers.Parse(s, "")
	if err != nil {
		return false
	}
	return phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.IS_POSSIBLE &&
		phonenumbers.Format(n, phonenumbers.E164) == s
}

// IsShortCode reports whether s is an SMS short code: 5 or 6 digits.
func IsShortCode(s string) bool {
	if len(s) < 5 || len(s) > 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
