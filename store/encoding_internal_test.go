package store

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// Lines and claims decode as they were encoded. A truncated claim is an
// error; a truncated line never panics (its trailing strings are
// optional, so a cut between them decodes).
func TestEncodings(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	for _, l := range []bot.Line{
		{Seq: 1, Dir: bot.In, Body: "claude code 403", At: at, MessageID: "SM0123"},
		{Seq: 2, Dir: bot.Out, Body: "Is it 1) this & that\nor 2) <other>? 🙈", At: at},
		{Seq: 3, Dir: bot.Out, Body: "", At: at, Status: "delivered"},
		{Seq: 4, Dir: bot.Out, Body: "x", At: at, MessageID: "SMout", Status: "failed", Error: "21211 invalid"},
		{Seq: 5, Dir: bot.Out, Body: "no time", Error: "e"},
		{Seq: 6, Dir: "sideways", Body: "an unknown direction", At: time.Unix(0, -5).UTC()},
		{Seq: 7, Dir: bot.In, Body: strings.Repeat("long ", 500), At: at},
	} {
		v := encodeLine(nil, l)
		got, err := decodeLine("+15550000001", l.Seq, v)
		if err != nil || !reflect.DeepEqual(got, l) {
			t.Errorf("line %d: decoded %+v, %v; want %+v", l.Seq, got, err, l)
		}
		if body, err := lineBody("+15550000001", l.Seq, v); err != nil || body != l.Body {
			t.Errorf("line %d: body %q, %v", l.Seq, body, err)
		}
		for i := range len(v) {
			if got, err := decodeLine("+15550000001", l.Seq, v[:i]); err == nil && i < 3 {
				t.Errorf("line %d cut at %d: %+v, no error", l.Seq, i, got)
			}
		}
	}

	for _, c := range []struct {
		first, n uint64
		inline   []string
	}{{7, 2, nil}, {0, 0, nil}, {0, 0, []string{}}, {0, 0, []string{"one", "", "three & <four>"}}} {
		v := encodeClaim(42, c.first, c.n, c.inline)
		got, err := decodeClaim(v)
		want := decodedClaim{at: 42, first: c.first, n: c.n, bodies: c.inline, inline: c.inline != nil}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("claim %+v: decoded %+v, %v", c, got, err)
		}
		for i := range len(v) {
			if _, err := decodeClaim(v[:i]); err == nil {
				t.Errorf("claim %+v cut at %d of %d: no error", c, i, len(v))
			}
		}
	}
}
