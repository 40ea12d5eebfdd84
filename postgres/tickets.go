package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// Tickets: one row per ticket, numbered by the sequence ticket_numbers
// (taken outside the commit, so two handoffs at once never conflict over
// a number; a transaction that ran twice leaves a gap), with phone and
// state as columns; tickets_open indexes the open ones.

var ticketsTable = newTable("tickets", []string{"number"}, []string{"phone", "state", "opened", "ticket"})

func decodeTicket(n int64, raw []byte) (bot.Ticket, error) {
	var tk bot.Ticket
	if err := json.Unmarshal(raw, &tk); err != nil {
		return tk, fmt.Errorf("ticket #%d: %w", n, err)
	}
	return tk, nil
}

// Ticket implements bot.Tx.
func (st *stage) Ticket(n int) (bot.Ticket, error) {
	if n <= 0 {
		return bot.Ticket{}, fmt.Errorf("ticket #%d: %w", n, bot.ErrNotFound)
	}
	r, ok := st.tickets[int64(n)]
	if !ok {
		var (
			v   int64
			raw []byte
		)
		r = &rec[bot.Ticket]{}
		err := st.conn.QueryRow(st.ctx, `SELECT version, ticket FROM tickets WHERE number = $1`, n).Scan(&v, &raw)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return bot.Ticket{}, err
		default:
			tk, err := decodeTicket(int64(n), raw)
			if err != nil {
				return bot.Ticket{}, err
			}
			r.seen, r.val, r.exists = v, tk, true
		}
		st.tickets[int64(n)] = r
	}
	if r.seen != unread {
		r.read = true
	}
	if !r.exists {
		return bot.Ticket{}, fmt.Errorf("ticket #%d: %w", n, bot.ErrNotFound)
	}
	return r.val, nil
}

// OpenTickets implements bot.Tx. The set of open tickets is checked at
// commit: one opened or closed meanwhile is a conflict.
func (st *stage) OpenTickets() ([]bot.Ticket, error) {
	if !st.openRead {
		rows, err := st.conn.Query(st.ctx, `SELECT number, version, ticket FROM tickets WHERE state IN ('waiting', 'active') ORDER BY number`)
		if err != nil {
			return nil, err
		}
		var seen []int64
		for rows.Next() {
			var (
				n, v int64
				raw  []byte
			)
			if err := rows.Scan(&n, &v, &raw); err != nil {
				return nil, err
			}
			seen = append(seen, n)
			if _, ok := st.tickets[n]; ok {
				continue // the transaction's own view wins
			}
			tk, err := decodeTicket(n, raw)
			if err != nil {
				return nil, err
			}
			st.tickets[n] = &rec[bot.Ticket]{seen: v, val: tk, exists: true, read: true}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		st.openSeen, st.openRead = seen, true
		if st.openSeen == nil {
			st.openSeen = []int64{}
		}
	}
	var out []bot.Ticket
	for _, n := range sortedKeys(st.tickets) {
		r := st.tickets[n]
		if !r.exists {
			continue
		}
		if r.dirty || slices.Contains(st.openSeen, n) {
			if r.val.Open() {
				r.read = r.read || r.seen != unread
				out = append(out, r.val)
			}
		}
	}
	return out, nil
}

// SaveTicket implements bot.Tx.
func (st *stage) SaveTicket(tk *bot.Ticket) error {
	if tk.Number < 0 {
		return fmt.Errorf("ticket #%d: bad number", tk.Number)
	}
	if tk.Number == 0 {
		var n int64
		if err := st.conn.QueryRow(st.ctx, `SELECT nextval('ticket_numbers')`).Scan(&n); err != nil {
			return fmt.Errorf("ticket number: %w", err)
		}
		tk.Number = int(n)
		st.tickets[n] = &rec[bot.Ticket]{seen: 0} // a new number: an insert
	}
	r, ok := st.tickets[int64(tk.Number)]
	if !ok {
		r = &rec[bot.Ticket]{seen: unread}
		st.tickets[int64(tk.Number)] = r
	}
	r.val, r.exists, r.dirty = *tk, true, true
	return nil
}

func (st *stage) queueTickets(b *commit) {
	for _, n := range sortedKeys(st.tickets) {
		r := st.tickets[n]
		queueRec(b, ticketsTable, r, []any{n}, func() []any {
			raw, _ := json.Marshal(r.val) // a Ticket always encodes
			return []any{r.val.Phone, string(r.val.State), r.val.Opened, raw}
		})
	}
}

// Tickets implements bot.DeskReader.
func (db *DB) Tickets(ctx context.Context, limit int, openOnly bool) ([]bot.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: tickets: %w", err)
	}
	q, args := `SELECT number, ticket FROM tickets ORDER BY number DESC LIMIT $1`, []any{max(limit, 0)}
	if openOnly {
		q, args = `SELECT number, ticket FROM tickets WHERE state IN ('waiting', 'active') ORDER BY number`, nil
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: tickets: %w", err)
	}
	var out []bot.Ticket
	for rows.Next() {
		var (
			n   int64
			raw []byte
		)
		if err := rows.Scan(&n, &raw); err != nil {
			return nil, fmt.Errorf("postgres: tickets: %w", err)
		}
		tk, err := decodeTicket(n, raw)
		if err != nil {
			return nil, fmt.Errorf("postgres: tickets: %w", err)
		}
		out = append(out, tk)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: tickets: %w", err)
	}
	return out, nil
}
