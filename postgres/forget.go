package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// Forget implements bot.Maintainer, in one transaction holding the
// number's lock: its conversation, transcript, claims, pages (and the
// conversation's page from before pages had owners), tickets, outbox
// messages and fairness turn go. Then it runs VACUUM on the tables that
// hold people's data, so that the deleted rows' space is freed at once
// rather than when autovacuum comes (doc.go says what VACUUM does not
// do).
func (db *DB) Forget(ctx context.Context, phone string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: forget: %w", err)
	}
	if phone == "" {
		return fmt.Errorf("postgres: forget: empty phone: %w", bot.ErrNotFound)
	}
	var n int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		n = 0
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, $2))`, phone, int64(db.ns)); err != nil {
			return err
		}
		var pageID string
		var raw []byte
		err := tx.QueryRow(ctx, `DELETE FROM conversations WHERE phone = $1 RETURNING state`, phone).Scan(&raw)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		default:
			n++
			c, err := decodeConversation(phone, raw)
			if err != nil {
				return err
			}
			pageID = c.PageID
		}
		if err := forgetQuotes(ctx, tx, phone); err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM lines WHERE phone = $1`, []any{phone}},
			{`DELETE FROM claims WHERE phone = $1`, []any{phone}},
			{`DELETE FROM pages WHERE owner = $1 OR id = $2`, []any{phone, pageID}},
			{`DELETE FROM tickets WHERE phone = $1`, []any{phone}},
			{`DELETE FROM outbox WHERE phone = $1`, []any{phone}},
			{`DELETE FROM outbox_turns WHERE phone = $1`, []any{phone}},
		} {
			tag, err := tx.Exec(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			n += tag.RowsAffected()
		}
		if n == 0 {
			return fmt.Errorf("%s: %w", bot.Mask(phone), bot.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: forget: %w", err)
	}
	if _, err := db.pool.Exec(ctx, vacuumTables); err != nil {
		return fmt.Errorf("postgres: forget: the rows are deleted, but VACUUM failed: %w", err)
	}
	return nil
}

// forgetQuotes erases what quotes phone without naming it, before its
// lines and tickets go: the operators' notifications about its tickets
// (the messages; their lines in the operators' transcripts emptied, as
// line numbers follow the last) and its texts among the unmatched-answer
// samples, one count per text (the deltas are folded first; a sample at
// zero goes). A sample is a text as the engine records a miss: trimmed,
// lowercased, cut to 80 characters ending "...".
func forgetQuotes(ctx context.Context, tx pgx.Tx, phone string) error {
	for _, q := range []string{
		`WITH m AS (
			DELETE FROM outbox WHERE phone <> $1 AND (msg->>'ticket')::bigint IN (SELECT number FROM tickets WHERE phone = $1)
			RETURNING phone, (msg->>'line')::bigint AS seq)
		UPDATE lines l SET line = json_build_object('seq', l.seq, 'dir', l.line->'dir', 'body', '', 'at', l.line->'at'),
			message_id = NULL, version = l.version + 1
		FROM m WHERE l.phone = m.phone AND l.seq = m.seq`,
		`WITH d AS (DELETE FROM unmatched_deltas RETURNING *)
		INSERT INTO unmatched (flow, node, text, n, seen)
		SELECT flow, node, text, sum(n), max(seen) FROM d GROUP BY flow, node, text
		ON CONFLICT (flow, node, text) DO UPDATE SET n = unmatched.n + excluded.n, seen = greatest(unmatched.seen, excluded.seen)`,
		`WITH said AS (
			SELECT lower(btrim(line->>'body')) AS text FROM lines WHERE phone = $1 AND line->>'dir' = 'in' AND line->>'body' <> ''),
		hits AS (
			SELECT u.flow, u.node, u.text, count(*) AS k FROM unmatched u JOIN said s
			ON s.text = u.text OR (u.text LIKE '%...' AND char_length(s.text) > 80 AND left(s.text, char_length(u.text) - 3) = left(u.text, char_length(u.text) - 3))
			GROUP BY u.flow, u.node, u.text)
		UPDATE unmatched u SET n = u.n - hits.k FROM hits
		WHERE u.flow = hits.flow AND u.node = hits.node AND u.text = hits.text`,
		`DELETE FROM unmatched WHERE n <= 0`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{phone}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}
