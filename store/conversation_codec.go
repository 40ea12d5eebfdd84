package store

import (
	"encoding/binary"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/textfix/textfix/bot"
)

// The binary form of a conversation (record version 3): every field of
// bot.Conversation in the order of the struct, strings as a uvarint
// length and their bytes, ints as varints, lists as a uvarint count and
// their items, booleans as one byte, times as timeCodec says. An Answer
// is its fields in order, Inferred and Picture as one byte of flags.
// Prev, last, is one byte (0: none) then the closed conversation's own
// fields, without a Prev. Version 2 is the same without Prev.
// TestConversationCodec fills every field of both structs by reflection:
// a field added to either fails it until it is encoded here.
//
// It replaced encoding/json, whose reflection was 6% of the server's CPU
// under load (4% decoding, 2% encoding).

// appendConversation appends c's binary form to dst.
func appendConversation(dst []byte, c bot.Conversation) []byte {
	dst = appendFields(dst, c)
	if c.Prev == nil {
		return append(dst, 0)
	}
	return appendFields(append(dst, 1), *c.Prev)
}

// appendFields appends the fields of c but Prev.
func appendFields(dst []byte, c bot.Conversation) []byte {
	dst = appendText(dst, c.Phone)
	dst = appendText(dst, string(c.Status))
	dst = appendText(dst, c.Flow)
	dst = appendText(dst, c.Node)
	dst = binary.AppendUvarint(dst, uint64(len(c.Answers)))
	for _, a := range c.Answers {
		dst = appendText(dst, a.Node)
		dst = appendText(dst, a.Question)
		dst = binary.AppendVarint(dst, int64(a.Choice))
		dst = appendText(dst, a.Label)
		dst = appendText(dst, a.Text)
		var flags byte
		if a.Inferred {
			flags |= 1
		}
		if a.Picture {
			flags |= 2
		}
		dst = append(dst, flags)
		dst = binary.AppendVarint(dst, int64(a.From))
	}
	dst = appendTexts(dst, c.Said)
	dst = binary.AppendVarint(dst, int64(c.Texts))
	dst = appendInts(dst, c.Open)
	dst = appendInts(dst, c.Pictures)
	dst = appendText(dst, c.FirstText)
	dst = appendTexts(dst, c.Candidates)
	dst = binary.AppendVarint(dst, int64(c.Misses))
	dst = appendText(dst, c.AskedAt)
	dst = appendBool(dst, c.Welcomed)
	dst = appendText(dst, c.PageID)
	dst = appendTexts(dst, c.Tried)
	dst = binary.AppendVarint(dst, int64(c.Ticket))
	dst = appendTime(dst, c.AckedAt)
	dst = appendBool(dst, c.Test)
	dst = binary.AppendUvarint(dst, uint64(len(c.Counted)))
	for _, k := range c.Counted {
		dst = appendText(dst, string(k))
	}
	dst = appendTime(dst, c.Started)
	return appendTime(dst, c.Updated)
}

// conversationSize is about the size of c's binary form, so that it is
// encoded in one allocation.
func conversationSize(c bot.Conversation) int {
	n := 64 + len(c.Phone) + len(c.Status) + len(c.Flow) + len(c.Node) + len(c.FirstText) + len(c.AskedAt) + len(c.PageID)
	for _, a := range c.Answers {
		n += 16 + len(a.Node) + len(a.Question) + len(a.Label) + len(a.Text)
	}
	for _, l := range [][]string{c.Said, c.Candidates, c.Tried} {
		for _, s := range l {
			n += 2 + len(s)
		}
	}
	n += 3*(len(c.Open)+len(c.Pictures)) + 8*len(c.Counted)
	if c.Prev != nil {
		p := *c.Prev
		p.Prev = nil
		n += conversationSize(p)
	}
	return n
}

// appendText is appendString with what encoding/json did to a string
// that is not UTF-8: each byte that does not start a valid rune becomes
// U+FFFD.
func appendText(dst []byte, s string) []byte {
	if utf8.ValidString(s) {
		return appendString(dst, s)
	}
	fixed := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fixed = utf8.AppendRune(fixed, utf8.RuneError)
		} else {
			fixed = append(fixed, s[i:i+size]...)
		}
		i += size
	}
	return appendString(dst, string(fixed))
}

func appendTexts(dst []byte, l []string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(l)))
	for _, s := range l {
		dst = appendText(dst, s)
	}
	return dst
}

func appendInts(dst []byte, l []int) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(l)))
	for _, n := range l {
		dst = binary.AppendVarint(dst, int64(n))
	}
	return dst
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// Times (timeCodec): one byte, then the fields it announces: timeZero
// (nothing), timeUTC (seconds since 1970 as a varint, then nanoseconds
// as a uvarint), timeOffset (the same, then the offset east of UTC in
// minutes as a varint). A time decodes as its JSON did: at offset 0 in
// UTC, at the local zone's offset in the local zone, else in a zone of
// that offset with no name.
const (
	timeZero byte = iota
	timeUTC
	timeOffset
)

func appendTime(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, timeZero)
	}
	_, offset := t.Zone()
	minutes := offset / 60 // JSON (RFC 3339) kept the offset in minutes
	kind := timeOffset
	if minutes == 0 {
		kind = timeUTC
	}
	dst = append(dst, kind)
	dst = binary.AppendVarint(dst, t.Unix())
	dst = binary.AppendUvarint(dst, uint64(t.Nanosecond()))
	if kind == timeOffset {
		dst = binary.AppendVarint(dst, int64(minutes))
	}
	return dst
}

var errBadConversation = errors.New("bad conversation record")

// convReader reads a conversation's fields in order; the first error
// sticks and later reads return zero values.
type convReader struct {
	b   []byte
	err error
}

func (r *convReader) fail() { r.err, r.b = errBadConversation, nil }

func (r *convReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	n, w := binary.Uvarint(r.b)
	if w <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[w:]
	return n
}

func (r *convReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	n, w := binary.Varint(r.b)
	if w <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[w:]
	return n
}

func (r *convReader) int() int { return int(r.varint()) }

func (r *convReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *convReader) bool() bool { return r.byte() != 0 }

func (r *convReader) string() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if uint64(len(r.b)) < n {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// count reads a list's length, which cannot exceed the bytes left (every
// item takes at least one).
func (r *convReader) count() int {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		r.fail()
	}
	if r.err != nil {
		return 0
	}
	return int(n)
}

func (r *convReader) strings() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.string()
	}
	return l
}

func (r *convReader) ints() []int {
	n := r.count()
	if n == 0 {
		return nil
	}
	l := make([]int, n)
	for i := range l {
		l[i] = r.int()
	}
	return l
}

func (r *convReader) time() time.Time {
	kind := r.byte()
	if kind == timeZero {
		return time.Time{}
	}
	sec, nsec := r.varint(), r.uvarint()
	if r.err != nil || nsec >= 1e9 {
		r.fail()
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	switch kind {
	case timeUTC:
		return t.UTC()
	case timeOffset:
		offset := int(r.varint()) * 60
		if _, local := t.Zone(); local == offset {
			return t // time.Unix's is the local zone
		}
		return t.In(time.FixedZone("", offset))
	}
	r.fail()
	return time.Time{}
}

// conversation reads a record of version 3, with Prev.
func (r *convReader) conversation() bot.Conversation {
	c := r.fields()
	if r.bool() {
		p := r.fields()
		c.Prev = &p
	}
	return c
}

// fields reads a conversation's fields but Prev (all of version 2).
func (r *convReader) fields() bot.Conversation {
	var c bot.Conversation
	c.Phone = r.string()
	c.Status = bot.Status(r.string())
	c.Flow = r.string()
	c.Node = r.string()
	if n := r.count(); n > 0 {
		c.Answers = make([]bot.Answer, n)
		for i := range c.Answers {
			a := &c.Answers[i]
			a.Node = r.string()
			a.Question = r.string()
			a.Choice = r.int()
			a.Label = r.string()
			a.Text = r.string()
			flags := r.byte()
			a.Inferred, a.Picture = flags&1 != 0, flags&2 != 0
			a.From = r.int()
		}
	}
	c.Said = r.strings()
	c.Texts = r.int()
	c.Open = r.ints()
	c.Pictures = r.ints()
	c.FirstText = r.string()
	c.Candidates = r.strings()
	c.Misses = r.int()
	c.AskedAt = r.string()
	c.Welcomed = r.bool()
	c.PageID = r.string()
	c.Tried = r.strings()
	c.Ticket = r.int()
	c.AckedAt = r.time()
	c.Test = r.bool()
	if n := r.count(); n > 0 {
		c.Counted = make([]bot.EventKind, n)
		for i := range c.Counted {
			c.Counted[i] = bot.EventKind(r.string())
		}
	}
	c.Started = r.time()
	c.Updated = r.time()
	return c
}
