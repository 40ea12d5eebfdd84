package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/textfix/textfix/bot"
)

// Forget implements bot.Maintainer, and the bytes go from the file too:
// the free pages are scrubbed within ScrubDelay, or at Close (scrub.go).
// It runs in one transaction ordered with the
// number's texts (its lock). It reads the number's keys (conversation,
// transcript, claims) from the snapshot without putting them all in the
// read-set, and the whole tickets and outbox buckets: what makes that
// safe is that every transaction adding a record about a number reads
// that number's conversation or appends to its transcript (both in
// Forget's read-set), or holds its lock, as every claim's does; records
// Forget deletes by key are in the read-set.
func (db *DB) Forget(ctx context.Context, phone string) error {
	err := db.update(ctx, phone, func(st *stage) error {
		if checkPhone(phone) != nil {
			return fmt.Errorf("%q: %w", phone, bot.ErrNotFound)
		}
		n, err := st.erase(phone, false)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%s: %w", bot.Mask(phone), bot.ErrNotFound)
		}
		return st.markErased()
	})
	if err != nil {
		return fmt.Errorf("store: forget: %w", err)
	}
	db.noteErased()
	db.mu.Lock()
	delete(db.lastClaimed, phone)
	db.mu.Unlock()
	return nil
}

// erase deletes everything about phone and returns how many records
// went. For retention (expire), its pages leave a mark, so they answer
// "expired" rather than not found, and its tickets and outbox messages
// are left to retention's own steps, which delete them by age (they are
// as old as the number's last text): scanning both buckets for each of
// thousands of idle numbers would cost their size each time.
func (st *stage) erase(phone string, expire bool) (int, error) {
	n := 0
	conv, found, err := st.forgetConversation(phone)
	if err != nil {
		return 0, err
	}
	if found {
		n++
	}
	// conv.PageID: a page made before pages had owners.
	n += st.forgetPages(phone, conv.PageID, expire)
	k, err := st.forgetNumber(phone)
	if err != nil {
		return 0, err
	}
	n += k
	if expire {
		return n, nil
	}
	if err := st.forgetSamples(); err != nil {
		return 0, err
	}
	tickets, err := st.forgetTickets(phone)
	if err != nil {
		return 0, err
	}
	n += len(tickets)
	k, err = st.forgetOutbox(phone, tickets)
	if err != nil {
		return 0, err
	}
	return n + k, nil
}

// forgetSamples takes the texts forgetNumber collected (st.said) out of
// the unmatched-answer samples, which hold no number: each sample that
// one of them gave loses one count per such text, and goes at zero. A
// sample is a text as the engine records a miss: trimmed, lowercased,
// cut to 80 characters ending "..." (bot's clip).
func (st *stage) forgetSamples() error {
	if len(st.said) == 0 {
		return nil
	}
	return st.each(atUnmatched, nil, func(k, v []byte) error {
		i := bytes.LastIndexByte(k, 0)
		if i < 0 || len(v) < 8 {
			return nil
		}
		sample := string(k[i+1:])
		var n uint64
		for _, said := range st.said {
			if said == sample || strings.HasSuffix(sample, "...") && utf8.RuneCountInString(said) > 80 && strings.HasPrefix(said, strings.TrimSuffix(sample, "...")) {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		key := bytes.Clone(k)
		cur := st.get(atUnmatched, key) // a bump meanwhile is a conflict
		if len(cur) < 8 {
			return nil
		}
		if count := binary.BigEndian.Uint64(cur); count > n {
			return st.put(atUnmatched, key, append(binary.BigEndian.AppendUint64(nil, count-n), cur[8:]...))
		}
		st.del(atUnmatched, key)
		return nil
	})
}

// blankLine empties line seq of phone (an operator's copy of a
// notification about a number being erased): its key stays, as line
// numbers follow the last one, with its direction and time only; sid, the
// message it was sent as, leaves the sent index.
func (st *stage) blankLine(phone string, seq uint64, sid string) error {
	if seq == 0 {
		return nil
	}
	l, found, err := st.line(phone, seq)
	if err != nil || !found {
		return err
	}
	if sid != "" {
		st.unindexSent(sid, phone)
	}
	return st.put(atNumbers, lineKey(phone, seq), encodeLine(nil, bot.Line{Dir: l.Dir, At: l.At}))
}

// forgetNumber deletes phone's transcript and claims with their index
// entries (sent, claimsat), and returns how many records went: the
// transcript counts as one, each claim as one. The last line key joins
// the read-set, so a line appended meanwhile is a conflict.
func (st *stage) forgetNumber(phone string) (int, error) {
	prefix := numberPrefix(phone)
	lines := linePrefix(phone)
	st.last(atNumbers, lines)
	var keys [][]byte
	var sent []string
	var claimsAt [][]byte
	transcript, claims := 0, 0
	err := st.each(atNumbers, prefix, func(k, v []byte) error {
		if len(k) <= len(prefix) {
			return fmt.Errorf("number %s: bad key %x", bot.Mask(phone), k)
		}
		switch k[len(prefix)] {
		case tagLine:
			seq, err := seqOf(lines, k)
			if err != nil {
				return err
			}
			l, err := decodeLine(phone, seq, v)
			if err != nil {
				return err
			}
			if l.Dir == bot.Out && l.MessageID != "" {
				sent = append(sent, l.MessageID)
			}
			if l.Dir == bot.In && l.Body != "" {
				st.said = append(st.said, strings.ToLower(strings.TrimSpace(l.Body)))
			}
			transcript = 1
		case tagClaim:
			if len(v) < 9 {
				return fmt.Errorf("claim %x: %w", k, errBadClaim)
			}
			claimsAt = append(claimsAt, claimAtKey(binary.BigEndian.Uint64(v[1:9]), phone, string(k[len(prefix)+1:])))
			claims++
		case tagConversation:
			return nil // forgetConversation's, with its index entry
		}
		keys = append(keys, bytes.Clone(k))
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		st.del(atNumbers, k)
	}
	for _, sid := range sent {
		st.unindexSent(sid, phone)
	}
	for _, k := range claimsAt {
		st.del(atClaimsAt, k)
	}
	return transcript + claims, nil
}
