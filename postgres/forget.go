package postgres

import (
	"context"
	"errors"
	"fmt"

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
