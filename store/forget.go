package store

import (
	"context"
	"fmt"

	"github.com/textfix/textfix/bot"
)

// Forget implements bot.Maintainer, in one transaction ordered with the
// number's texts (its lock). It reads the whole claims, tickets and outbox
// buckets without putting them in the read-set: what makes that safe is
// that every transaction adding a record about a number reads that
// number's conversation or appends to its transcript (both in Forget's
// read-set), or holds its lock; records Forget deletes are in the
// read-set.
func (db *DB) Forget(ctx context.Context, phone string) error {
	err := db.update(ctx, phone, func(st *stage) error {
		if phone == "" {
			return fmt.Errorf("empty phone: %w", bot.ErrNotFound)
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
		if found, err := st.forgetTranscript(phone); err != nil {
			return err
		} else if found {
			n++
		}
		for _, forget := range []func(string) (int, error){st.forgetClaims, st.forgetTickets, st.forgetOutbox} {
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
