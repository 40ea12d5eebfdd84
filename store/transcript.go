package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Transcripts: numbers phone 0x00 'l' seq (8 bytes, big-endian) → line,
// so a number's lines are adjacent keys (a text's lines land on the page
// of the lines before them) and the cost of a message does not grow with
// the conversation. A number's last seq is its last line key. sent finds
// the line of an outbound MessageSid for delivery reports: MessageSid →
// phone 0x00 seq (8 bytes); inbound MessageSids are not indexed (claims
// find a text's reply).
//
// A line is encoded as
//
//	version (1) | flags (1) | [at: varint Unix ns] | [dir: string] | body: string | [MessageID: string | [status: string | [error: string]]]
//
// where a string is a uvarint length and the bytes; flags bits 0-1 are
// the direction (0 in, 1 out, 3 the string that follows at), bit 2 says at
// is there (a zero time is not); trailing empty strings are left out. The
// seq is the key's.

const lineVersion = 1

const (
	dirIn    = 0
	dirOut   = 1
	dirOther = 3
	flagAt   = 1 << 2
)

// encodeLine appends l's encoding to dst.
func encodeLine(dst []byte, l bot.Line) []byte {
	var flags byte
	switch l.Dir {
	case bot.In:
		flags = dirIn
	case bot.Out:
		flags = dirOut
	default:
		flags = dirOther
	}
	if !l.At.IsZero() {
		flags |= flagAt
	}
	dst = append(dst, lineVersion, flags)
	if !l.At.IsZero() {
		dst = binary.AppendVarint(dst, l.At.UnixNano())
	}
	if flags&3 == dirOther {
		dst = appendString(dst, string(l.Dir))
	}
	dst = appendString(dst, l.Body)
	switch {
	case l.Error != "":
		return appendString(appendString(appendString(dst, l.MessageID), string(l.Status)), l.Error)
	case l.Status != "":
		return appendString(appendString(dst, l.MessageID), string(l.Status))
	case l.MessageID != "":
		return appendString(dst, l.MessageID)
	}
	return dst
}

func appendString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

var errBadLine = errors.New("bad line record")

// lineReader reads a line's fields in order.
type lineReader struct {
	b   []byte
	err error
}

func (r *lineReader) string() string {
	if r.err != nil || len(r.b) == 0 {
		return ""
	}
	n, w := binary.Uvarint(r.b)
	if w <= 0 || uint64(len(r.b)-w) < n {
		r.err = errBadLine
		return ""
	}
	s := string(r.b[w : w+int(n)])
	r.b = r.b[w+int(n):]
	return s
}

// header reads the version, direction and time.
func (r *lineReader) header() (dir bot.Direction, at time.Time) {
	if len(r.b) < 2 || r.b[0] != lineVersion {
		r.err = errBadLine
		return "", at
	}
	flags := r.b[1]
	r.b = r.b[2:]
	if flags&flagAt != 0 {
		ns, w := binary.Varint(r.b)
		if w <= 0 {
			r.err = errBadLine
			return "", at
		}
		at = time.Unix(0, ns).UTC()
		r.b = r.b[w:]
	}
	switch flags & 3 {
	case dirIn:
		dir = bot.In
	case dirOut:
		dir = bot.Out
	case dirOther:
		dir = bot.Direction(r.string())
	default:
		r.err = errBadLine
	}
	if len(r.b) == 0 {
		r.err = errBadLine // a line has a body, even an empty one
	}
	return dir, at
}

// decodeLine decodes the line under key k (phone's line seq).
func decodeLine(phone string, seq uint64, v []byte) (bot.Line, error) {
	r := lineReader{b: v}
	l := bot.Line{Seq: seq}
	l.Dir, l.At = r.header()
	l.Body = r.string()
	l.MessageID = r.string()
	l.Status = bot.Delivery(r.string())
	l.Error = r.string()
	if r.err != nil {
		return bot.Line{}, fmt.Errorf("line %s/%d: %w", bot.Mask(phone), seq, r.err)
	}
	return l, nil
}

// lineBody decodes only a line's body (a replayed reply).
func lineBody(phone string, seq uint64, v []byte) (string, error) {
	r := lineReader{b: v}
	r.header()
	body := r.string()
	if r.err != nil {
		return "", fmt.Errorf("line %s/%d: %w", bot.Mask(phone), seq, r.err)
	}
	return body, nil
}

// seqOf is the seq of a line key under prefix.
func seqOf(prefix, k []byte) (uint64, error) {
	if len(k) != len(prefix)+8 {
		return 0, fmt.Errorf("bad line key %x", k)
	}
	return binary.BigEndian.Uint64(k[len(prefix):]), nil
}

// sentValue locates phone's line seq for the sent index.
func sentValue(phone string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append(append(make([]byte, 0, len(phone)+9), phone...), 0), seq)
}

func decodeSent(sid string, v []byte) (phone string, seq uint64, err error) {
	if len(v) < 10 || v[len(v)-9] != 0 {
		return "", 0, fmt.Errorf("message %s: bad record", sid)
	}
	return string(v[:len(v)-9]), binary.BigEndian.Uint64(v[len(v)-8:]), nil
}

// Append implements bot.Tx. Seq is the number's last seq plus one; the
// last line key is in the read-set, so two transactions appending to one
// number conflict instead of taking the same numbers.
func (st *stage) Append(phone string, lines ...bot.Line) ([]bot.Line, error) {
	if err := checkPhone(phone); err != nil {
		return nil, fmt.Errorf("lines: %w", err)
	}
	out := make([]bot.Line, 0, len(lines))
	if len(lines) == 0 {
		return out, nil
	}
	prefix := linePrefix(phone)
	var seq uint64
	if k := st.last(atNumbers, prefix); k != nil {
		var err error
		if seq, err = seqOf(prefix, k); err != nil {
			return nil, err
		}
	}
	first := seq + 1
	for _, l := range lines {
		seq++
		l.Seq = seq
		if l.At.IsZero() {
			l.At = st.now
		}
		if err := st.putLine(phone, l, ""); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	st.noteAppend(phone, first, seq)
	return out, nil
}

// putLine stores l (new or changed; oldID is the MessageID it had) and
// indexes an outbound line's MessageID.
func (st *stage) putLine(phone string, l bot.Line, oldID string) error {
	if err := st.put(atNumbers, lineKey(phone, l.Seq), encodeLine(make([]byte, 0, 16+len(l.Body)+len(l.MessageID)), l)); err != nil {
		return fmt.Errorf("line %s/%d: %w", bot.Mask(phone), l.Seq, err)
	}
	if l.MessageID == oldID || l.Dir != bot.Out {
		return nil
	}
	if oldID != "" {
		st.unindexSent(oldID, phone)
	}
	if l.MessageID == "" {
		return nil
	}
	return st.put(atSent, []byte(l.MessageID), sentValue(phone, l.Seq))
}

// unindexSent deletes sid from the sent index if it points at phone.
func (st *stage) unindexSent(sid, phone string) {
	if v := st.get(atSent, []byte(sid)); v != nil {
		if p, _, err := decodeSent(sid, v); err == nil && p != phone {
			return // another number's line with the same id
		}
		st.del(atSent, []byte(sid))
	}
}

// line reads one line; found=false when it does not exist.
func (st *stage) line(phone string, seq uint64) (l bot.Line, found bool, err error) {
	v := st.get(atNumbers, lineKey(phone, seq))
	if v == nil {
		return l, false, nil
	}
	l, err = decodeLine(phone, seq, v)
	return l, err == nil, err
}

// SetDelivery implements bot.DeliveryRecorder.
func (db *DB) SetDelivery(ctx context.Context, sid string, status bot.Delivery, errorCode string) (phone string, err error) {
	err = db.update(ctx, "", func(st *stage) error {
		phone = ""
		if sid == "" {
			return fmt.Errorf("message %q: %w", sid, bot.ErrNotFound)
		}
		v := st.get(atSent, []byte(sid))
		if v == nil {
			return fmt.Errorf("message %s: %w", sid, bot.ErrNotFound)
		}
		p, seq, err := decodeSent(sid, v)
		if err != nil {
			return err
		}
		l, found, err := st.line(p, seq)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("message %s: line %d: %w", sid, seq, bot.ErrNotFound)
		}
		phone = p
		if !status.Supersedes(l.Status) {
			return nil // a late report: the line already says more
		}
		l.Status, l.Error = status, errorCode
		return st.putLine(p, l, l.MessageID)
	})
	if err != nil {
		return "", fmt.Errorf("store: set delivery: %w", err)
	}
	return phone, nil
}

// Transcript returns all of phone's lines in Seq order: TranscriptTail
// with n = 0.
func (db *DB) Transcript(ctx context.Context, phone string) ([]bot.Line, error) {
	return db.TranscriptTail(ctx, phone, 0)
}

// TranscriptTail implements bot.ConversationReader, reading only the
// lines it returns.
func (db *DB) TranscriptTail(ctx context.Context, phone string, n int) ([]bot.Line, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: transcript: %w", err)
	}
	lines := []bot.Line{}
	err := db.read(func(tx *bolt.Tx) error {
		if checkPhone(phone) != nil {
			return nil
		}
		prefix := linePrefix(phone)
		c := tx.Bucket(bucketKeys[atNumbers]).Cursor()
		k, v := c.Seek(prefix)
		if n > 0 {
			k = lastUnder(c, prefix)
			for i := 1; i < n && k != nil; i++ {
				pk, _ := c.Prev()
				if pk == nil || !bytes.HasPrefix(pk, prefix) {
					break
				}
				k = pk
			}
			if k != nil {
				k, v = c.Seek(k) // back on k when Prev stepped out of the range
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(lines)%1024 == 1023 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			seq, err := seqOf(prefix, k)
			if err != nil {
				return err
			}
			l, err := decodeLine(phone, seq, v)
			if err != nil {
				return err
			}
			lines = append(lines, l)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: transcript: %w", closedErr(err))
	}
	return lines, nil
}

// LastLines implements bot.ConversationReader, in one read transaction.
func (db *DB) LastLines(ctx context.Context, phones ...string) (map[string]bot.Line, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: last lines: %w", err)
	}
	out := make(map[string]bot.Line, len(phones))
	err := db.read(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketKeys[atNumbers]).Cursor()
		for _, p := range phones {
			if checkPhone(p) != nil {
				continue
			}
			prefix := linePrefix(p)
			k := lastUnder(c, prefix)
			if k == nil {
				continue
			}
			seq, err := seqOf(prefix, k)
			if err != nil {
				return err
			}
			_, v := c.Seek(k)
			l, err := decodeLine(p, seq, v)
			if err != nil {
				return err
			}
			out[p] = l
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: last lines: %w", closedErr(err))
	}
	return out, nil
}
