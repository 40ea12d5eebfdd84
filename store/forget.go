package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/textfix/textfix/bot"
)

// Forget implements bot.Maintainer, in one transaction ordered with the
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
		n := 0
		conv, found, err := st.forgetConversation(phone)
		if err != nil {
			return err
		}
		if found {
			n++
		}
		// conv.PageID: a page made before pages had owners.
		n += st.forgetPages(phone, conv.PageID)
		k, err := st.forgetNumber(phone)
		if err != nil {
			return err
		}
		n += k
		for _, forget := range []func(string) (int, error){st.forgetTickets, st.forgetOutbox} {
			k, err := forget(phone)
			if err != nil {
				return err
			}
			n += k
		}
		if n == 0 {
			return fmt.Errorf("%s: %w", bot.Mask(phone), bot.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: forget: %w", err)
	}
	db.mu.Lock()
	delete(db.lastClaimed, phone)
	db.mu.Unlock()
	return nil
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
