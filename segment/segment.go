// Package segment does the SMS length maths: which characters GSM-7 can
// carry, how many segments a text costs, and repairing text that is not
// valid UTF-8. It has no dependencies, so flows and bot can use it without
// pulling in the Twilio SDK.
package segment

import (
	"strings"
	"unicode/utf8"
)

// Encoding is how an SMS carries its characters.
type Encoding string

// Encodings reported by [Count].
const (
	EncodingGSM7 Encoding = "GSM-7"
	EncodingUCS2 Encoding = "UCS-2"
)

// Segment sizes, in GSM-7 septets or UTF-16 code units. A message that
// fits in the single size goes as one SMS; a longer one is split into
// segments of the multi size (the rest carries the concatenation header).
const (
	gsm7Single = 160
	gsm7Multi  = 153
	ucs2Single = 70
	ucs2Multi  = 67
)

// gsm7Basic is the GSM 03.38 default alphabet (one septet each), without
// the escape code 0x1B, which is not a character.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsm7Extension is the GSM 03.38 extension table: each character costs two
// septets (escape + code).
const gsm7Extension = "\f^{}\\[~]|€"

// gsm7ASCII is gsm7Septets for the ASCII runes, looked up rather than
// searched for: a reply's length is counted for each wording the engine
// considers, a few passes over every character each time.
var gsm7ASCII = asciiSeptets()

func asciiSeptets() (t [utf8.RuneSelf]uint8) {
	for _, r := range gsm7Basic {
		if r < utf8.RuneSelf {
			t[r] = 1
		}
	}
	for _, r := range gsm7Extension {
		if r < utf8.RuneSelf && t[r] == 0 {
			t[r] = 2
		}
	}
	return t
}

// gsm7Septets is the cost of r in GSM-7: 1 or 2 septets, 0 if r is not in
// GSM-7.
func gsm7Septets(r rune) int {
	if r >= 0 && r < utf8.RuneSelf {
		return int(gsm7ASCII[r])
	}
	switch {
	case strings.ContainsRune(gsm7Basic, r):
		return 1
	case strings.ContainsRune(gsm7Extension, r):
		return 2
	}
	return 0
}

// IsGSM7 reports whether every character of s is in the GSM-7 default
// alphabet or its extension table, so that s can be sent without UCS-2.
// The empty string is GSM-7.
func IsGSM7(s string) bool {
	for _, r := range s {
		if gsm7Septets(r) == 0 {
			return false
		}
	}
	return true
}

// NonGSM7 returns the distinct characters of s that are not in GSM-7, in
// order of first appearance, or nil if there are none. Any one of them
// turns the whole message into UCS-2. Invalid UTF-8 shows up as U+FFFD.
func NonGSM7(s string) []rune {
	var out []rune
	for _, r := range s {
		if gsm7Septets(r) == 0 && !containsRune(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// Count returns how many SMS segments s costs and the encoding it goes
// in: [EncodingGSM7] when [IsGSM7](s), else [EncodingUCS2].
//
// GSM-7 counts septets: 1 per basic character, 2 per extension character
// (^{}\[~]|€ and form feed); up to 160 is one segment, beyond that 153 per
// segment. UCS-2 counts UTF-16 code units (an emoji outside the BMP is 2);
// up to 70 is one segment, beyond that 67 per segment. A split never cuts
// an extension character or a surrogate pair in two: one that does not fit
// in what is left of a segment starts the next, so the count can exceed
// the plain division. (Twilio's segment calculator also keeps a whole
// multi-code-point emoji, such as 👍🏽, in one segment; with one of those
// right at a split, Count may count one segment fewer.) The empty
// string is 0 segments.
func Count(s string) (n int, encoding Encoding) {
	if IsGSM7(s) {
		return pack(s, gsm7Septets, gsm7Single, gsm7Multi), EncodingGSM7
	}
	return pack(s, utf16Units, ucs2Single, ucs2Multi), EncodingUCS2
}

func utf16Units(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// pack counts segments of s given the cost of each character, the size of
// a lone segment and the size of each segment of a split message.
func pack(s string, cost func(rune) int, single, multi int) int {
	total := 0
	for _, r := range s {
		total += cost(r)
	}
	switch {
	case total == 0:
		return 0
	case total <= single:
		return 1
	}
	n, used := 1, 0
	for _, r := range s {
		c := cost(r)
		if used+c > multi {
			n++
			used = 0
		}
		used += c
	}
	return n
}

// Repair returns s made safe to store, send and put in XML: invalid UTF-8
// becomes U+FFFD; CR LF and a lone CR become LF; NUL becomes a space (some
// phones and gateways send it between words, and "claude\x00code" must
// not read as "claudecode"); the other C0 control characters except LF
// and tab are removed, as are U+FFFE and U+FFFF (not characters in XML).
// Everything else, including emoji and trailing spaces, is kept.
func Repair(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !needsRepair(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteRune('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == 0:
			b.WriteByte(' ')
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsRepair(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0xFFFE || r == 0xFFFF {
			return true
		}
	}
	return false
}
