package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/textfix/textfix/bot"
)

// Tickets: tickets number (8 bytes) → JSON bot.Ticket, and open number →
// ∅ for those not closed. Numbers come from DB.tickets, a counter outside
// the transaction, so two handoffs at once never conflict over a number;
// the writer raises the bucket's sequence to the highest number stored.

func numKey(n uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n) }

// keyNum reads an 8-byte number key.
func keyNum(k []byte) (uint64, error) {
	if len(k) != 8 {
		return 0, fmt.Errorf("bad number key %x", k)
	}
	return binary.BigEndian.Uint64(k), nil
}

func decodeTicket(k, v []byte) (bot.Ticket, error) {
	var tk bot.Ticket
	if err := json.Unmarshal(v, &tk); err != nil {
		return tk, fmt.Errorf("ticket %x: %w", k, err)
	}
	return tk, nil
}

// Ticket implements bot.Tx.
func (st *stage) Ticket(n int) (bot.Ticket, error) {
	if n <= 0 {
		return bot.Ticket{}, fmt.Errorf("ticket #%d: %w", n, bot.ErrNotFound)
	}
	k := numKey(uint64(n))
	v := st.get(atTickets, k)
	if v == nil {
		return bot.Ticket{}, fmt.Errorf("ticket #%d: %w", n, bot.ErrNotFound)
	}
	return decodeTicket(k, v)
}

// OpenTickets implements bot.Tx. The whole open index joins the
// read-set: a ticket opened or closed meanwhile is a conflict.
func (st *stage) OpenTickets() ([]bot.Ticket, error) {
	var out []bot.Ticket
	for _, e := range st.scan(atOpen, nil) {
		n, err := keyNum(e.k)
		if err != nil {
			return nil, fmt.Errorf("open tickets: %w", err)
		}
		tk, err := st.Ticket(int(n))
		if err != nil {
			return nil, err
		}
		out = append(out, tk)
	}
	return out, nil
}

// SaveTicket implements bot.Tx.
func (st *stage) SaveTicket(tk *bot.Ticket) error {
	if tk.Number < 0 {
		return fmt.Errorf("ticket #%d: bad number", tk.Number)
	}
	if tk.Number == 0 {
		n := st.db.tickets.Add(1)
		st.raiseSeq(atTickets, n)
		tk.Number = int(n)
	}
	k := numKey(uint64(tk.Number))
	v, err := json.Marshal(tk)
	if err != nil {
		return fmt.Errorf("ticket #%d: %w", tk.Number, err)
	}
	if err := st.put(atTickets, k, v); err != nil {
		return fmt.Errorf("ticket #%d: %w", tk.Number, err)
	}
	if tk.Open() {
		return st.put(atOpen, k, nil)
	}
	st.del(atOpen, k)
	return nil
}

// forgetTickets deletes phone's tickets and returns their numbers.
func (st *stage) forgetTickets(phone string) ([]int, error) {
	var keys [][]byte
	var numbers []int
	err := st.each(atTickets, nil, func(k, v []byte) error {
		tk, err := decodeTicket(k, v)
		if err != nil {
			return err
		}
		if tk.Phone == phone {
			keys = append(keys, bytes.Clone(k))
			numbers = append(numbers, tk.Number)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		st.get(atTickets, k) // a change meanwhile is a conflict
		st.del(atTickets, k)
		st.del(atOpen, k)
	}
	return numbers, nil
}

// Tickets implements bot.DeskReader.
func (db *DB) Tickets(ctx context.Context, limit int, openOnly bool) ([]bot.Ticket, error) {
	var out []bot.Ticket
	err := db.view(ctx, func(st *stage) error {
		if openOnly {
			var err error
			out, err = st.OpenTickets()
			return err
		}
		c := st.bucket(atTickets).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			tk, err := decodeTicket(k, v)
			if err != nil {
				return err
			}
			out = append(out, tk)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: tickets: %w", err)
	}
	return out, nil
}
