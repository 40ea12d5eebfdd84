package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Transcripts: one nested bucket per number, lines/phone, seq (8 bytes,
// big-endian) → JSON bot.Line, so the cost of a message does not grow
// with the conversation; the nested bucket's sequence is the last seq.
// outmsgs finds the line of a Twilio MessageSid for delivery callbacks:
// MessageSid → JSON lineRef.

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), seq)
}

func decodeLine(phone string, k, v []byte) (bot.Line, error) {
	var l bot.Line
	if err := json.Unmarshal(v, &l); err != nil {
		return l, fmt.Errorf("line %s/%x: %w", bot.Mask(phone), k, err)
	}
	return l, nil
}

// lineRef locates the transcript line of a MessageSid.
type lineRef struct {
	Phone string `json:"phone"`
	Seq   uint64 `json:"seq"`
}

func decodeRef(sid string, v []byte) (lineRef, error) {
	var r lineRef
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("message %s: %w", sid, err)
	}
	return r, nil
}

// Append implements bot.Tx. Seq is the number's last seq plus one; the
// last seq is in the read-set, so two transactions appending to one
// number conflict instead of taking the same numbers.
func (st *stage) Append(phone string, lines ...bot.Line) ([]bot.Line, error) {
	if phone == "" {
		return nil, errors.New("lines: empty phone")
	}
	out := make([]bot.Line, 0, len(lines))
	if len(lines) == 0 {
		return out, nil
	}
	at := linesOf(phone)
	seq := st.seq(at)
	for _, l := range lines {
		seq++
		l.Seq = seq
		if l.At.IsZero() {
			l.At = st.now
		}
		if err := st.putLine(phone, l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	st.setSeq(at, seq)
	return out, nil
}

// putLine stores l (new or changed) and indexes its MessageID.
func (st *stage) putLine(phone string, l bot.Line) error {
	v, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("line %s/%d: %w", bot.Mask(phone), l.Seq, err)
	}
	if err := st.put(linesOf(phone), seqKey(l.Seq), v); err != nil {
		return fmt.Errorf("line %s/%d: %w", bot.Mask(phone), l.Seq, err)
	}
	if l.MessageID == "" {
		return nil
	}
	ref, err := json.Marshal(lineRef{Phone: phone, Seq: l.Seq})
	if err != nil {
		return err
	}
	return st.put(atOutMsgs, []byte(l.MessageID), ref)
}

// line reads one line; found=false when it does not exist.
func (st *stage) line(phone string, seq uint64) (l bot.Line, found bool, err error) {
	k := seqKey(seq)
	v := st.get(linesOf(phone), k)
	if v == nil {
		return l, false, nil
	}
	l, err = decodeLine(phone, k, v)
	return l, err == nil, err
}

// forgetTranscript drops phone's transcript and the MessageSid index of
// its lines; found=false when it had none.
func (st *stage) forgetTranscript(phone string) (found bool, err error) {
	if st.seq(linesOf(phone)) == 0 { // in the read-set: an append meanwhile is a conflict
		return false, nil
	}
	var sids []string
	err = st.each(linesOf(phone), nil, func(k, v []byte) error {
		l, err := decodeLine(phone, k, v)
		if err != nil {
			return err
		}
		if l.MessageID != "" {
			sids = append(sids, l.MessageID)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	for _, sid := range sids {
		v := st.get(atOutMsgs, []byte(sid))
		if v == nil {
			continue
		}
		if ref, err := decodeRef(sid, v); err == nil && ref.Phone != phone {
			continue // another number's line with the same id
		}
		st.del(atOutMsgs, []byte(sid))
	}
	st.drop(linesOf(phone))
	return true, nil
}

// SetDelivery implements bot.DeliveryRecorder.
func (db *DB) SetDelivery(ctx context.Context, sid string, status bot.Delivery, errorCode string) (phone string, err error) {
	err = db.update(ctx, "", func(st *stage) error {
		phone = ""
		v := st.get(atOutMsgs, []byte(sid))
		if v == nil || sid == "" {
			return fmt.Errorf("message %s: %w", sid, bot.ErrNotFound)
		}
		ref, err := decodeRef(sid, v)
		if err != nil {
			return err
		}
		l, found, err := st.line(ref.Phone, ref.Seq)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("message %s: line %d: %w", sid, ref.Seq, bot.ErrNotFound)
		}
		phone = ref.Phone
		if !status.Supersedes(l.Status) {
			return nil // a late report: the line already says more
		}
		l.Status, l.Error = status, errorCode
		return st.putLine(ref.Phone, l)
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
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if phone == "" {
			return nil
		}
		b := bucketIn(tx, linesOf(phone))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, v := c.First()
		if n > 0 {
			k, v = c.Last()
			for i := 1; i < n && k != nil; i++ {
				k, v = c.Prev()
			}
			if k == nil {
				k, v = c.First()
			}
		}
		for ; k != nil; k, v = c.Next() {
			if len(lines)%1024 == 1023 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			l, err := decodeLine(phone, k, v)
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
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, p := range phones {
			if p == "" {
				continue
			}
			b := bucketIn(tx, linesOf(p))
			if b == nil {
				continue
			}
			k, v := b.Cursor().Last()
			if k == nil {
				continue
			}
			l, err := decodeLine(p, k, v)
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
