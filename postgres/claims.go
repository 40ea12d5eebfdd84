package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/textfix/textfix/bot"
)

// Claims: (MessageSid, From) → the reply bodies, written in the
// transaction of the text they answer; the key is unique, so however
// many instances receive a MessageSid, one stores the text.

type claimRow struct {
	sid, phone string
	at         time.Time
	replies    []string
}

func checkClaim(c bot.Claim) error {
	if c.SID == "" || c.From == "" {
		return errors.New("a claim needs a MessageSid and a sender")
	}
	return nil
}

func decodeReplies(raw []byte, into *[]string) error {
	var r []string
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if r == nil {
		r = []string{}
	}
	*into = r
	return nil
}

// Replay implements bot.Transactor.
func (db *DB) Replay(ctx context.Context, c bot.Claim) (reply []string, ok bool, err error) {
	if err := checkClaim(c); err != nil {
		return nil, false, fmt.Errorf("postgres: replay: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("postgres: replay: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT replies FROM claims WHERE phone = $1 AND sid = $2`, c.From, c.SID)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: replay: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, false, fmt.Errorf("postgres: replay: %w", err)
		}
		if err := decodeReplies(raw, &reply); err != nil {
			return nil, false, fmt.Errorf("postgres: replay: %w", err)
		}
		ok = true
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("postgres: replay: %w", err)
	}
	return reply, ok, nil
}

// Inbound implements bot.Transactor. The claim is looked up after the
// number's lock is taken: a MessageSid that another instance stored
// meanwhile replays here.
func (db *DB) Inbound(ctx context.Context, c bot.Claim, fn func(bot.Tx) ([]bot.Line, error)) (reply []string, replayed bool, err error) {
	if err := checkClaim(c); err != nil {
		return nil, false, fmt.Errorf("postgres: inbound: %w", err)
	}
	o := txOptions{lock: c.From, claim: &c, replayed: &reply, found: &replayed}
	err = db.update(ctx, o, func(st *stage) error {
		lines, err := fn(st)
		if err != nil {
			return err
		}
		reply = bot.Bodies(lines)
		if reply == nil {
			reply = []string{}
		}
		st.claim = &claimRow{sid: c.SID, phone: c.From, at: st.now, replies: reply}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("postgres: inbound: %w", err)
	}
	return reply, replayed, nil
}

func (st *stage) queueClaim(b *commit) {
	if c := st.claim; c != nil {
		replies, _ := json.Marshal(c.replies) // strings always encode
		b.Queue(`INSERT INTO claims (phone, sid, at, replies) VALUES ($1, $2, $3, $4)`, c.phone, c.sid, c.at, replies)
	}
}

// PruneClaims implements bot.Maintainer, oldest first.
func (db *DB) PruneClaims(ctx context.Context, before time.Time, most int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("postgres: prune claims: %w", err)
	}
	tag, err := db.pool.Exec(ctx, `DELETE FROM claims WHERE (phone, sid) IN
		(SELECT phone, sid FROM claims WHERE at < $1 ORDER BY at LIMIT $2)`, before, most)
	if err != nil {
		return 0, fmt.Errorf("postgres: prune claims: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }

// sortedFunc returns m's keys in the order of compare.
func sortedFunc[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	return slices.SortedFunc(maps.Keys(m), compare)
}
