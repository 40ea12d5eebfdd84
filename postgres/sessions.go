package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/textfix/textfix/bot"
)

// Console sessions: one row per session, keyed by the hash of the
// browser's token; login_attempts holds one row per counted attempt in
// the window.

func decodeSession(raw []byte) (bot.Session, error) {
	var s bot.Session
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("session: %w", err)
	}
	return s, nil
}

// CreateSession implements bot.Sessions.
func (db *DB) CreateSession(ctx context.Context, s bot.Session) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: create session: %w", err)
	}
	if s.Key == "" {
		return errors.New("postgres: create session: empty key")
	}
	raw, _ := json.Marshal(s) // a Session always encodes
	_, err := db.pool.Exec(ctx, `INSERT INTO sessions (key, seen, created, version, session) VALUES ($1, $2, $3, 1, $4)`, s.Key, s.Seen, s.Created, raw)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return errors.New("postgres: create session: key taken")
	}
	if err != nil {
		return fmt.Errorf("postgres: create session: %w", err)
	}
	return nil
}

// Session implements bot.Sessions.
func (db *DB) Session(ctx context.Context, key string) (bot.Session, error) {
	if err := ctx.Err(); err != nil {
		return bot.Session{}, fmt.Errorf("postgres: session: %w", err)
	}
	var raw []byte
	err := db.pool.QueryRow(ctx, `SELECT session FROM sessions WHERE key = $1`, key).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return bot.Session{}, fmt.Errorf("postgres: session: %w", bot.ErrNotFound)
	}
	if err != nil {
		return bot.Session{}, fmt.Errorf("postgres: session: %w", err)
	}
	return decodeSession(raw)
}

// UpdateSession implements bot.Sessions, with the row locked while fn
// runs (fn runs once).
func (db *DB) UpdateSession(ctx context.Context, key string, fn func(*bot.Session)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: update session: %w", err)
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT session FROM sessions WHERE key = $1 FOR UPDATE`, key).Scan(&raw)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("session: %w", bot.ErrNotFound)
		}
		if err != nil {
			return err
		}
		s, err := decodeSession(raw)
		if err != nil {
			return err
		}
		fn(&s)
		s.Key = key
		raw, _ = json.Marshal(s) // a Session always encodes
		_, err = tx.Exec(ctx, `UPDATE sessions SET seen = $2, created = $3, session = $4, version = version + 1 WHERE key = $1`, key, s.Seen, s.Created, raw)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: update session: %w", err)
	}
	return nil
}

// DeleteSession implements bot.Sessions.
func (db *DB) DeleteSession(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE key = $1`, key); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

// ExpireSessions implements bot.Sessions.
func (db *DB) ExpireSessions(ctx context.Context, seenBefore, createdBefore time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("postgres: expire sessions: %w", err)
	}
	tag, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE seen < $1 OR created < $2`, seenBefore, createdBefore)
	if err != nil {
		return 0, fmt.Errorf("postgres: expire sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// loginClass is the first key of the lock that orders one address's
// login attempts across instances; the second is a hash of the address.
const loginClass = 0x7e49

// AllowLogin implements bot.Sessions.
func (db *DB) AllowLogin(ctx context.Context, addr string, now, since time.Time, most int) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("postgres: allow login: %w", err)
	}
	if addr == "" {
		return false, errors.New("postgres: allow login: empty address")
	}
	var ok bool
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, loginClass, addr); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE at <= $1`, since); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM login_attempts WHERE addr = $1`, addr).Scan(&n); err != nil {
			return err
		}
		if ok = n < most; ok {
			_, err := tx.Exec(ctx, `INSERT INTO login_attempts (addr, at) VALUES ($1, $2)`, addr, now)
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("postgres: allow login: %w", err)
	}
	return ok, nil
}
