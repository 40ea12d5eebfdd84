package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/textfix/textfix/bot"
)

var _ bot.Retainer = (*DB)(nil)

// retainBatch is how many numbers one read of the numbers bucket lists,
// and how many records one retention transaction of tickets, outbox or
// samples deletes at most: the writer is never held long.
const retainBatch = 256

// Retain implements bot.Retainer. It visits every number (seeking from
// one number's keys to the next: it reads two keys per number, not its
// transcript) in transactions of one number, under its lock: a number
// whose conversation was last updated before before, or that has none
// and no line since (a number with no time on record at all stays),
// is erased as Forget does, its pages marked expired;
// another loses its lines and pages older than before. Then it deletes
// tickets with nothing since before, outbox messages from before it
// (walking the outbox from its oldest) and unmatched samples last seen
// before it. Each
// transaction that deletes marks the file for a scrub (scrub.go).
func (db *DB) Retain(ctx context.Context, before time.Time) (int, error) {
	total := 0
	cut := timeKey(before)
	var from []byte
	for {
		phones, err := db.numbersFrom(ctx, from, retainBatch)
		if err != nil {
			return total, fmt.Errorf("store: retain: %w", err)
		}
		for _, phone := range phones {
			n, err := db.retainNumber(ctx, phone, before)
			total += n
			if err != nil {
				return total, fmt.Errorf("store: retain: %w", err)
			}
		}
		if len(phones) < retainBatch {
			break
		}
		from = append(numberPrefix(phones[len(phones)-1]), 0xff)
	}
	for _, step := range []func(*stage) (int, error){
		func(st *stage) (int, error) { return st.retainTickets(before) },
		func(st *stage) (int, error) { return st.retainOutbox(before) },
		func(st *stage) (int, error) { return st.retainSamples(cut) },
		// A page's expired mark lives one more retention period; then its
		// link answers 404 like any unknown id, and marks do not pile up.
		func(st *stage) (int, error) { return st.retainExpired(timeKey(before.Add(-st.now.Sub(before)))) },
	} {
		for {
			n := 0
			err := db.update(ctx, "", func(st *stage) error {
				var err error
				if n, err = step(st); err != nil || n == 0 {
					return err
				}
				return st.markErased()
			})
			if err != nil {
				return total, fmt.Errorf("store: retain: %w", err)
			}
			total += n
			if n > 0 {
				db.noteErased()
			}
			if n < retainBatch {
				break
			}
		}
	}
	return total, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// numbersFrom lists up to most phone numbers of the numbers bucket from
// key from on, seeking past each number's keys.
func (db *DB) numbersFrom(ctx context.Context, from []byte, most int) ([]string, error) {
	var out []string
	err := db.view(ctx, func(st *stage) error {
		c := st.cursor(atNumbers)
		if c == nil {
			return nil
		}
		for k, _ := c.Seek(from); k != nil && len(out) < most; k, _ = c.Seek(from) {
			i := bytes.IndexByte(k, 0)
			if i <= 0 {
				return fmt.Errorf("numbers: bad key %x", k)
			}
			out = append(out, string(k[:i]))
			from = append(append(from[:0], k[:i]...), 1) // past phone 0x00 …
		}
		return nil
	})
	return out, err
}

// retainNumber applies retention to one number.
func (db *DB) retainNumber(ctx context.Context, phone string, before time.Time) (int, error) {
	n := 0
	err := db.update(ctx, phone, func(st *stage) error {
		n = 0
		conv, found, err := st.conversation(phone)
		if err != nil {
			return err
		}
		lastLine, err := st.lastLineAt(phone)
		if err != nil {
			return err
		}
		// The number's last sign of life; none at all (a record without
		// times) is left alone: its age is unknown.
		last := lastLine
		if found {
			last = later(last, conv.Updated)
		}
		if !last.IsZero() && last.Before(before) { // idle
			if n, err = st.erase(phone, true); err != nil || n == 0 {
				return err
			}
			return st.markErased()
		}
		if n, err = st.trimLines(phone, before); err != nil {
			return err
		}
		k, err := st.expirePages(phone, before)
		if err != nil {
			return err
		}
		if n += k; n == 0 {
			return nil
		}
		return st.markErased()
	})
	if err == nil && n > 0 {
		db.noteErased()
	}
	return n, err
}

// lastLineAt is when phone's last line was stored (zero when none).
func (st *stage) lastLineAt(phone string) (time.Time, error) {
	prefix := linePrefix(phone)
	k := st.last(atNumbers, prefix)
	if k == nil {
		return time.Time{}, nil
	}
	seq, err := seqOf(prefix, k)
	if err != nil {
		return time.Time{}, err
	}
	l, err := decodeLine(phone, seq, st.get(atNumbers, k))
	return l.At, err
}

// trimLines deletes phone's lines stored before before (lines are in
// time order: it stops at the first one that is not), with their entries
// in the sent index, and returns how many went. The last line's key
// stays, emptied, because the next line's number follows it.
func (st *stage) trimLines(phone string, before time.Time) (int, error) {
	prefix := linePrefix(phone)
	last := st.last(atNumbers, prefix)
	n := 0
	var keys [][]byte
	var sent []string
	var blank *bot.Line
	err := st.each(atNumbers, prefix, func(k, v []byte) error {
		seq, err := seqOf(prefix, k)
		if err != nil {
			return err
		}
		l, err := decodeLine(phone, seq, v)
		if err != nil {
			return err
		}
		if !l.At.Before(before) {
			return errStop
		}
		if l.Dir == bot.Out && l.MessageID != "" {
			sent = append(sent, l.MessageID)
		}
		if bytes.Equal(k, last) {
			if l.Body != "" || l.MessageID != "" || l.Error != "" {
				blank = &bot.Line{Dir: l.Dir, At: l.At}
			}
			return errStop
		}
		keys = append(keys, bytes.Clone(k))
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		st.get(atNumbers, k) // a change meanwhile (a delivery report) is a conflict
		st.del(atNumbers, k)
		n++
	}
	if blank != nil {
		st.get(atNumbers, last)
		if err := st.put(atNumbers, last, encodeLine(nil, *blank)); err != nil {
			return 0, err
		}
		n++
	}
	for _, sid := range sent {
		st.unindexSent(sid, phone)
	}
	return n, nil
}

// expirePages deletes phone's pages created before before, leaving their
// expired marks.
func (st *stage) expirePages(phone string, before time.Time) (int, error) {
	prefix := ownedKey(phone, "")
	n := 0
	for _, e := range st.scan(atOwned, prefix) {
		id := string(e.k[len(prefix):])
		v := st.get(atPages, pageKey(id))
		if v == nil {
			st.del(atOwned, e.k)
			continue
		}
		var p struct {
			Created time.Time `json:"created"`
		}
		if err := json.Unmarshal(v, &p); err != nil {
			return 0, fmt.Errorf("page %s: %w", id, err)
		}
		if p.Created.Before(before) {
			st.dropPage(id, true)
			st.del(atOwned, e.k)
			n++
		}
	}
	return n, nil
}

// retainTickets deletes up to retainBatch tickets with nothing since
// before (opened, answered and closed, if at all, before it) that are
// closed, or whose number retention erased: an open ticket of a number
// still texting stays, its conversation points at it.
func (st *stage) retainTickets(before time.Time) (int, error) {
	var keys [][]byte
	err := st.each(atTickets, nil, func(k, v []byte) error {
		tk, err := decodeTicket(k, v)
		if err != nil {
			return err
		}
		last := later(tk.Opened, later(tk.Answered, tk.Closed))
		if last.Before(before) && (tk.State == bot.TicketClosed || checkPhone(tk.Phone) != nil || st.get(atNumbers, conversationKey(tk.Phone)) == nil) {
			keys = append(keys, bytes.Clone(k))
		}
		if len(keys) == retainBatch {
			return errStop
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		st.get(atTickets, k) // a change meanwhile is a conflict
		st.del(atTickets, k)
		st.del(atOpen, k)
	}
	return len(keys), nil
}

// retainOutbox deletes up to retainBatch messages created before before,
// walking from the oldest: ids follow queue order, so it stops at the
// first message that is not old. One still queued after a whole
// retention period will not be sent.
func (st *stage) retainOutbox(before time.Time) (int, error) {
	var keys [][]byte
	err := st.each(atOutbox, nil, func(k, v []byte) error {
		m, err := decodeMessage(k, v)
		if err != nil {
			return err
		}
		if !m.Created.Before(before) || len(keys) == retainBatch {
			return errStop
		}
		keys = append(keys, bytes.Clone(k))
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		st.get(atOutbox, k) // an outcome recorded meanwhile is a conflict
		st.del(atOutbox, k)
		st.del(atPending, k)
	}
	return len(keys), nil
}

// retainSamples deletes up to retainBatch unmatched-answer samples last
// seen before cut; a sample from before samples kept a time is stamped
// now, and goes one retention period later.
func (st *stage) retainSamples(cut uint64) (int, error) {
	n := 0
	err := st.each(atUnmatched, nil, func(k, v []byte) error {
		switch {
		case len(v) == 8:
			st.get(atUnmatched, k)
			return st.put(atUnmatched, bytes.Clone(k), binary.BigEndian.AppendUint64(bytes.Clone(v), timeKey(st.now)))
		case len(v) >= 16 && binary.BigEndian.Uint64(v[8:16]) < cut:
			st.get(atUnmatched, k)
			st.del(atUnmatched, bytes.Clone(k))
			n++
		}
		if n == retainBatch {
			return errStop
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// retainExpired deletes up to retainBatch expired marks older than cut.
func (st *stage) retainExpired(cut uint64) (int, error) {
	n := 0
	err := st.each(atExpired, nil, func(k, v []byte) error {
		if len(v) == 8 && binary.BigEndian.Uint64(v) < cut {
			st.del(atExpired, bytes.Clone(k))
			n++
		}
		if n == retainBatch {
			return errStop
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
