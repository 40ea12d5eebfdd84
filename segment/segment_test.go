package segment_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/textfix/textfix/segment"
)

func TestIsGSM7(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"Hello, world! 123 @£$¥ èéùìòÇ ØøÅå ΔΦΓΛΩΠΨΣΘΞ ÆæßÉ ¤ ¡¿ ÄÖÑÜ§ äöñüà _", true},
		{"line\nbreak\rreturn", true},
		{"extension ^{}\\[~]|€ and \f", true},
		{"backtick `", false},
		{"tab\t", false},
		{"curly ’quote’", false},
		{"emoji 🎉", false},
		{"ç lower-case cedilla", false},
		{"á acute a", false},
		{"Привет", false},
		{"del \x7f", false},
		{"nul \x00", false},
		{"bad \xff", false},
	}
	for _, c := range cases {
		if got := segment.IsGSM7(c.in); got != c.want {
			t.Errorf("IsGSM7(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestIsGSM7PrintableASCII(t *testing.T) {
	for r := rune(' '); r <= '~'; r++ {
		if got, want := segment.IsGSM7(string(r)), r != '`'; got != want {
			t.Errorf("IsGSM7(%q) = %v, want %v", r, got, want)
		}
	}
}

func TestNonGSM7(t *testing.T) {
	cases := []struct {
		in   string
		want []rune
	}{
		{"", nil},
		{"all GSM {€}", nil},
		{"’curly’ quotes ’ and 🎉🎉 then ’", []rune{'’', '🎉'}},
		{"`a`b\t", []rune{'`', '\t'}},
		{"bad \xff\xfe", []rune{utf8.RuneError}},
	}
	for _, c := range cases {
		if got := segment.NonGSM7(c.in); !slices.Equal(got, c.want) {
			t.Errorf("NonGSM7(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCount(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	zh := func(n int) string { return strings.Repeat("ж", n) } // UCS-2, 1 unit
	emoji := func(n int) string { return strings.Repeat("😀", n) }
	const g, u = segment.EncodingGSM7, segment.EncodingUCS2

	cases := []struct {
		name     string
		in       string
		segments int
		encoding segment.Encoding
	}{
		{"empty", "", 0, g},
		{"one char", "a", 1, g},
		{"160 GSM", a(160), 1, g},
		{"161 GSM", a(161), 2, g},
		{"153*2 GSM", a(153 * 2), 2, g},
		{"153*2+1 GSM", a(153*2 + 1), 3, g},
		{"153*3 GSM", a(153 * 3), 3, g},
		{"1600 GSM", a(1600), 11, g},
		{"basic non-ASCII counts 1", strings.Repeat("é", 160), 1, g},
		{"extension counts 2: 80 €", strings.Repeat("€", 80), 1, g},
		{"extension counts 2: 81 €", strings.Repeat("€", 81), 2, g},
		{"158 + extension = 160", a(158) + "{", 1, g},
		{"159 + extension = 161", a(159) + "}", 2, g},
		{"form feed is extension", a(159) + "\f", 2, g},
		// 152 + € + 152 = 306 septets, but € cannot straddle the split:
		// [152 a, 1 free] [€ + 151 a] [1 a].
		{"extension at the split", a(152) + "€" + a(152), 3, g},
		{"extension just fits the split", a(151) + "€" + a(153), 2, g},
		{"70 UCS-2", zh(70), 1, u},
		{"71 UCS-2", zh(71), 2, u},
		{"67*2 UCS-2", zh(67 * 2), 2, u},
		{"67*2+1 UCS-2", zh(67*2 + 1), 3, u},
		{"one non-GSM char makes all UCS-2", a(69) + "’", 1, u},
		{"one non-GSM char makes all UCS-2, 71", a(70) + "’", 2, u},
		{"emoji is 2 units: 35", emoji(35), 1, u},
		{"emoji is 2 units: 36", emoji(36), 2, u},
		{"emoji is 2 units: 67", emoji(67), 3, u}, // 134 units, 33 pairs per segment
		{"68 + emoji = 70", a(68) + "😀", 1, u},
		{"69 + emoji = 71", a(69) + "😀", 2, u},
		// 66 + 😀 + 66 = 134 units, but the pair cannot straddle the split.
		{"surrogate pair at the split", zh(66) + "😀" + zh(66), 3, u},
		{"surrogate pair just fits the split", zh(65) + "😀" + zh(67), 2, u},
		{"GSM extension in UCS-2 counts 1", strings.Repeat("€", 69) + "ж", 1, u},
	}
	for _, c := range cases {
		n, enc := segment.Count(c.in)
		if n != c.segments || enc != c.encoding {
			t.Errorf("%s: Count = %d, %s; want %d, %s", c.name, n, enc, c.segments, c.encoding)
		}
	}
}

func TestRepair(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"clean", "Hello 🎉 café", "Hello 🎉 café"},
		{"empty", "", ""},
		{"keeps LF and tab", "a\nb\tc", "a\nb\tc"},
		{"CRLF to LF", "a\r\nb", "a\nb"},
		{"lone CR to LF", "a\rb", "a\nb"},
		{"NUL becomes a space", "claude\x00code\x00\x00403", "claude code  403"},
		{"drops other C0", "\x01\x07\x08\x0b\x0c\x1b\x1fx", "x"},
		{"keeps DEL and C1", "a\x7fb\u0085c", "a\x7fb\u0085c"},
		{"drops noncharacters XML forbids", "a\uFFFEb\uFFFFc", "abc"},
		{"invalid byte", "a\xffb", "a\uFFFDb"},
		{"truncated sequence", "caf\xc3", "caf\uFFFD"},
		{"run of invalid bytes", "a\xff\xfe\xfdb", "a\uFFFDb"},
		{"keeps spaces", "  x  ", "  x  "},
	}
	for _, c := range cases {
		got := segment.Repair(c.in)
		if got != c.want {
			t.Errorf("%s: Repair(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("%s: Repair(%q) is not valid UTF-8", c.name, c.in)
		}
		if again := segment.Repair(got); again != got {
			t.Errorf("%s: Repair is not idempotent: %q then %q", c.name, got, again)
		}
	}
}
