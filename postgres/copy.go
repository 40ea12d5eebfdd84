package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// ErrNotEmpty is returned by Import into a database that holds data
// already (and force is false).
var ErrNotEmpty = errors.New("the database is not empty")

// Importer writes records into the store in bulk, inside Import's
// transaction: the same records a server would have written, with their
// own ids, numbers and seqs. Its methods are not safe for concurrent use.
type Importer struct {
	ctx  context.Context
	tx   pgx.Tx
	rows map[string][][]any
}

// importTables are the tables Import fills, with their columns.
var importTables = map[string][]string{
	"conversations": {"phone", "status", "flow", "test", "updated", "version", "state"},
	"lines":         {"phone", "seq", "message_id", "version", "line"},
	"pages":         {"id", "owner", "revoked", "created", "version", "page"},
	"tickets":       {"number", "phone", "state", "opened", "version", "ticket"},
	"outbox":        {"id", "phone", "state", "next_at", "lease_until", "created", "version", "msg"},
	"stats":         {"flow", "day", "kind", "node", "dest", "n"},
	"unmatched":     {"flow", "node", "text", "n"},
	"sessions":      {"key", "seen", "created", "version", "session"},
}

// Import runs fn with an Importer in one transaction, then moves the
// ticket and outbox sequences past the numbers imported and commits: a
// copy is all or nothing. Into a database holding data it refuses with
// ErrNotEmpty, unless force, which first deletes everything.
func (db *DB) Import(ctx context.Context, force bool, fn func(*Importer) error) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var used bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conversations) OR EXISTS (SELECT 1 FROM lines)
			OR EXISTS (SELECT 1 FROM pages) OR EXISTS (SELECT 1 FROM tickets) OR EXISTS (SELECT 1 FROM outbox)
			OR EXISTS (SELECT 1 FROM stats) OR EXISTS (SELECT 1 FROM stats_deltas) OR EXISTS (SELECT 1 FROM sessions)
			OR EXISTS (SELECT 1 FROM claims)`).Scan(&used); err != nil {
			return err
		}
		if used && !force {
			return ErrNotEmpty
		}
		if used {
			if _, err := tx.Exec(ctx, `TRUNCATE conversations, lines, claims, pages, tickets, outbox, outbox_turns,
				send_slot, stats, stats_deltas, unmatched, unmatched_deltas, sessions, login_attempts`); err != nil {
				return err
			}
		}
		im := &Importer{ctx: ctx, tx: tx, rows: map[string][][]any{}}
		if err := fn(im); err != nil {
			return err
		}
		if err := im.flushAll(); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT setval('ticket_numbers', greatest((SELECT max(number) FROM tickets), 1), (SELECT max(number) FROM tickets) IS NOT NULL),
			setval('outbox_ids', greatest((SELECT max(id) FROM outbox), 1), (SELECT max(id) FROM outbox) IS NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: import: %w", err)
	}
	return nil
}

// importBatch is how many rows of a table are held before they are sent.
const importBatch = 5000

func (im *Importer) add(table string, row ...any) error {
	im.rows[table] = append(im.rows[table], row)
	if len(im.rows[table]) >= importBatch {
		return im.flush(table)
	}
	return nil
}

func (im *Importer) flush(table string) error {
	rows := im.rows[table]
	if len(rows) == 0 {
		return nil
	}
	_, err := im.tx.CopyFrom(im.ctx, pgx.Identifier{table}, importTables[table], pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	im.rows[table] = rows[:0]
	return nil
}

func (im *Importer) flushAll() error {
	for _, table := range sortedKeys(importTables) {
		if err := im.flush(table); err != nil {
			return err
		}
	}
	return nil
}

// Conversation adds a conversation.
func (im *Importer) Conversation(c bot.Conversation) error {
	state, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return im.add("conversations", c.Phone, string(c.Status), c.Flow, c.Test, c.Updated, int64(1), state)
}

// Lines adds lines to phone's transcript, with their Seqs.
func (im *Importer) Lines(phone string, lines []bot.Line) error {
	for _, l := range lines {
		raw, err := json.Marshal(l)
		if err != nil {
			return err
		}
		cols := lineCols(l)
		if err := im.add("lines", phone, int64(l.Seq), cols[0], int64(1), raw); err != nil {
			return err
		}
	}
	return nil
}

// Page adds a page made for owner ("" for none).
func (im *Importer) Page(owner string, p bot.Page) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return im.add("pages", p.ID, nullString(owner), p.Revoked, p.Created, int64(1), raw)
}

// Ticket adds a ticket with its number.
func (im *Importer) Ticket(tk bot.Ticket) error {
	raw, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	return im.add("tickets", int64(tk.Number), tk.Phone, string(tk.State), tk.Opened, int64(1), raw)
}

// Message adds an outbox message with its id.
func (im *Importer) Message(m bot.OutMsg) error {
	id, err := strconv.ParseInt(m.ID, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("outbox: bad id %q", m.ID)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return im.add("outbox", id, m.To, string(m.State), m.NextAt, nullTime(m.LeaseUntil), m.Created, int64(1), raw)
}

// Counter adds n events of kind in flow on day (2006-01-02), at node
// (to dest, for an edge).
func (im *Importer) Counter(flow, day string, kind bot.EventKind, node, dest string, n uint64) error {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return fmt.Errorf("stats: day %q: %w", day, err)
	}
	return im.add("stats", flow, d, string(kind), node, dest, int64(n))
}

// Unmatched adds n unmatched answers text at flow's node.
func (im *Importer) Unmatched(flow, node, text string, n uint64) error {
	return im.add("unmatched", flow, node, text, int64(n))
}

// Session adds a console session.
func (im *Importer) Session(s bot.Session) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return im.add("sessions", s.Key, s.Seen, s.Created, int64(1), raw)
}
