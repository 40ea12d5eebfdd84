package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

var _ bot.Retainer = (*DB)(nil)

// retainBatch is how many idle numbers one query lists.
const retainBatch = 256

// vacuumTables are the tables that hold people's data: after Forget and
// Retain, VACUUM makes the space of the deleted rows free for reuse.
const vacuumTables = `VACUUM conversations, lines, claims, pages, tickets, outbox, outbox_turns, unmatched, unmatched_deltas`

// Retain implements bot.Retainer. Numbers whose conversation was last
// updated before before, with no line since, are erased one transaction
// each under their lock (their pages leave an expired mark keyed by the
// SHA-256 of the id); then, in one statement each, older lines (each
// number's last stays, emptied, as line numbers follow it), pages,
// tickets with nothing since that are closed or whose conversation went,
// outbox messages, unmatched samples last seen before before, and
// expired marks one retention period old go. Then VACUUM.
func (db *DB) Retain(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("postgres: retain: %w", err)
	}
	total := 0
	now := db.Now()
	for {
		phones, err := db.idleNumbers(ctx, before)
		if err != nil {
			return total, fmt.Errorf("postgres: retain: %w", err)
		}
		for _, phone := range phones {
			n, err := db.retainNumber(ctx, phone, before, now)
			total += n
			if err != nil {
				return total, fmt.Errorf("postgres: retain: %w", err)
			}
		}
		if len(phones) < retainBatch {
			break
		}
	}
	for _, q := range []string{
		`DELETE FROM lines l WHERE (l.line->>'at')::timestamptz < $1
			AND l.seq < (SELECT max(m.seq) FROM lines m WHERE m.phone = l.phone)`,
		`UPDATE lines SET line = json_build_object('seq', seq, 'dir', line->'dir', 'body', '', 'at', line->'at'),
			message_id = NULL, version = version + 1
			WHERE (line->>'at')::timestamptz < $1 AND line->>'body' <> ''`,
		`WITH d AS (DELETE FROM pages WHERE created < $1 RETURNING id)
			INSERT INTO pages_expired (hash, at) SELECT sha256(convert_to(id, 'UTF8')), $2 FROM d ON CONFLICT DO NOTHING`,
		`DELETE FROM tickets t
			WHERE greatest(t.opened, (t.ticket->>'answered')::timestamptz, (t.ticket->>'closed')::timestamptz) < $1
			AND (t.state = 'closed' OR NOT EXISTS (SELECT 1 FROM conversations c WHERE c.phone = t.phone))`,
		`DELETE FROM outbox WHERE created < $1`,
		`DELETE FROM unmatched WHERE seen < $1`,
		`DELETE FROM unmatched_deltas WHERE seen < $1`,
		`DELETE FROM pages_expired WHERE at < $1::timestamptz - ($2::timestamptz - $1::timestamptz)`,
	} {
		args := []any{before}
		if countArgs(q) == 2 {
			args = append(args, now)
		}
		tag, err := db.pool.Exec(ctx, q, args...)
		if err != nil {
			return total, fmt.Errorf("postgres: retain: %w", err)
		}
		total += int(tag.RowsAffected())
	}
	if total > 0 {
		if _, err := db.pool.Exec(ctx, vacuumTables); err != nil {
			return total, fmt.Errorf("postgres: retain: vacuum: %w", err)
		}
	}
	return total, nil
}

// countArgs reports whether q uses $2.
func countArgs(q string) int {
	for i := 0; i+1 < len(q); i++ {
		if q[i] == '$' && q[i+1] == '2' {
			return 2
		}
	}
	return 1
}

// idleNumbers lists up to retainBatch numbers with a conversation last
// updated before before and no line since.
func (db *DB) idleNumbers(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT c.phone FROM conversations c
		WHERE c.updated < $1 AND NOT EXISTS (
			SELECT 1 FROM lines l WHERE l.phone = c.phone AND (l.line->>'at')::timestamptz >= $1)
		ORDER BY c.phone LIMIT $2`, before, retainBatch)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// retainNumber erases one idle number under its lock, if it is idle
// still, leaving expired marks for its pages; its tickets and messages
// go by age in Retain.
func (db *DB) retainNumber(ctx context.Context, phone string, before, now time.Time) (int, error) {
	var n int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		n = 0
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, $2))`, phone, int64(db.ns)); err != nil {
			return err
		}
		var raw []byte
		err := tx.QueryRow(ctx, `DELETE FROM conversations WHERE phone = $1 AND updated < $2 RETURNING state`, phone, before).Scan(&raw)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // it texted meanwhile
		}
		if err != nil {
			return err
		}
		n++
		c, err := decodeConversation(phone, raw)
		if err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO pages_expired (hash, at) SELECT sha256(convert_to(id, 'UTF8')), $3 FROM pages WHERE owner = $1 OR id = $2
				ON CONFLICT DO NOTHING`, []any{phone, c.PageID, now}},
			{`DELETE FROM pages WHERE owner = $1 OR id = $2`, []any{phone, c.PageID}},
			{`DELETE FROM lines WHERE phone = $1`, []any{phone}},
			{`DELETE FROM claims WHERE phone = $1`, []any{phone}},
			{`DELETE FROM outbox_turns WHERE phone = $1`, []any{phone}},
		} {
			tag, err := tx.Exec(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			if q.sql[0] == 'D' {
				n += tag.RowsAffected()
			}
		}
		return nil
	})
	return int(n), err
}
