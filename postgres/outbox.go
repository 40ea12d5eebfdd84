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

// Outbox: one row per message, ids from the sequence outbox_ids, with
// the columns ClaimDue queries (phone = To, state, next_at, lease_until);
// outbox_queued indexes the queued ones by recipient. outbox_turns keeps
// when each recipient was last given a message (fairness), send_slot the
// deployment's last send slot.

var outboxTable = newTable("outbox", []string{"id"}, []string{"phone", "state", "next_at", "lease_until", "created", "msg"})

func decodeMessage(id int64, raw []byte) (bot.OutMsg, error) {
	var m bot.OutMsg
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("outbox %d: %w", id, err)
	}
	return m, nil
}

// messageID parses an id the store gave; 0 for any other.
func messageID(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// Enqueue implements bot.Tx.
func (st *stage) Enqueue(m *bot.OutMsg) error {
	var id int64
	if err := st.conn.QueryRow(st.ctx, `SELECT nextval('outbox_ids')`).Scan(&id); err != nil {
		return fmt.Errorf("outbox id: %w", err)
	}
	m.ID = strconv.FormatInt(id, 10)
	m.State = bot.OutQueued
	if m.Created.IsZero() {
		m.Created = st.now
	}
	if m.NextAt.IsZero() {
		m.NextAt = m.Created
	}
	st.msgs[id] = &rec[bot.OutMsg]{val: *m, exists: true, dirty: true} // a new id: an insert
	return nil
}

// message returns outbox message id as this transaction sees it.
func (st *stage) message(id int64) (*rec[bot.OutMsg], error) {
	r, ok := st.msgs[id]
	if !ok {
		var (
			v   int64
			raw []byte
		)
		r = &rec[bot.OutMsg]{}
		err := st.conn.QueryRow(st.ctx, `SELECT version, msg FROM outbox WHERE id = $1`, id).Scan(&v, &raw)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return nil, err
		default:
			m, err := decodeMessage(id, raw)
			if err != nil {
				return nil, err
			}
			r.seen, r.val, r.exists = v, m, true
		}
		st.msgs[id] = r
	}
	if r.seen != unread {
		r.read = true
	}
	return r, nil
}

// Message implements bot.Tx.
func (st *stage) Message(id string) (bot.OutMsg, error) {
	n := messageID(id)
	if n == 0 {
		return bot.OutMsg{}, fmt.Errorf("outbox %q: %w", id, bot.ErrNotFound)
	}
	r, err := st.message(n)
	if err != nil {
		return bot.OutMsg{}, err
	}
	if !r.exists {
		return bot.OutMsg{}, fmt.Errorf("outbox %s: %w", id, bot.ErrNotFound)
	}
	return r.val, nil
}

// SaveMessage implements bot.Tx. The outbox's own queued (a retry) and
// failed always show on the line; its sent only when no delivery report
// came first.
func (st *stage) SaveMessage(m bot.OutMsg) error {
	n := messageID(m.ID)
	if n == 0 {
		return fmt.Errorf("outbox: bad id %q", m.ID)
	}
	r, ok := st.msgs[n]
	if !ok {
		r = &rec[bot.OutMsg]{seen: unread}
		st.msgs[n] = r
	}
	r.val, r.exists, r.dirty = m, true, true
	if m.Line == 0 || m.To == "" {
		return nil
	}
	lr, err := st.line(m.To, m.Line)
	if err != nil || !lr.exists {
		return err // not found: the number was forgotten meanwhile
	}
	l := lr.val
	if d := bot.Delivery(m.State); m.State != bot.OutSent || d.Supersedes(l.Status) {
		l.Status = d
	}
	l.Error = m.Error
	if m.SID != "" {
		l.MessageID = m.SID
	}
	st.setLine(lr, l)
	return nil
}

// queueMessages queues the outbox's writes and reports whether one of
// them leaves a message queued (senders are woken).
func (st *stage) queueMessages(b *commit) (queued bool) {
	for _, id := range sortedKeys(st.msgs) {
		r := st.msgs[id]
		queueRec(b, outboxTable, r, []any{id}, func() []any { return messageCols(r.val) })
		queued = queued || (r.dirty && r.val.State == bot.OutQueued)
	}
	return queued
}

func messageCols(m bot.OutMsg) []any {
	raw, _ := json.Marshal(m) // an OutMsg always encodes
	return []any{m.To, string(m.State), m.NextAt, nullTime(m.LeaseUntil), m.Created, raw}
}

// ClaimDue implements bot.OutboxSender in one transaction: it picks each
// recipient's oldest due message (none for a recipient with a message
// leased), orders them by turn, locks them with FOR UPDATE SKIP LOCKED —
// a message another sender is claiming at the same moment is skipped, so
// no message goes to two senders — and leases them.
func (db *DB) ClaimDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]bot.OutMsg, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claim due: %w", err)
	}
	if limit <= 0 {
		return nil, nil
	}
	var out []bot.OutMsg
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `
			WITH queued AS (
				SELECT id, phone, next_at, lease_until FROM outbox WHERE state = 'queued'
			), held AS (
				SELECT DISTINCT phone FROM queued WHERE lease_until > $1
			), heads AS (
				SELECT DISTINCT ON (phone) id, phone, next_at FROM queued
				WHERE next_at <= $1 AND phone NOT IN (SELECT phone FROM held)
				ORDER BY phone, id
			), picked AS (
				SELECT h.id, row_number() OVER (ORDER BY greatest(h.next_at, coalesce(t.last_claimed, '-infinity')),
					coalesce(t.last_claimed, '-infinity'), h.id) AS turn
				FROM heads h LEFT JOIN outbox_turns t USING (phone)
				ORDER BY turn LIMIT $2
			)
			SELECT o.id, o.msg FROM outbox o JOIN picked USING (id)
			WHERE o.state = 'queued' AND (o.lease_until IS NULL OR o.lease_until <= $1)
			ORDER BY picked.turn
			FOR UPDATE OF o SKIP LOCKED`, now, limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var (
				id  int64
				raw []byte
			)
			if err := rows.Scan(&id, &raw); err != nil {
				return err
			}
			m, err := decodeMessage(id, raw)
			if err != nil {
				return err
			}
			m.LeaseUntil = now.Add(lease)
			out = append(out, m)
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		b := &pgx.Batch{}
		for i, m := range out {
			b.Queue(`UPDATE outbox SET lease_until = $2, msg = $3, version = version + 1 WHERE id = $1`, ids[i], m.LeaseUntil, messageCols(m)[5])
			b.Queue(`INSERT INTO outbox_turns (phone, last_claimed) VALUES ($1, $2)
				ON CONFLICT (phone) DO UPDATE SET last_claimed = excluded.last_claimed`, m.To, now)
		}
		// A recipient with nothing queued starts afresh: its next message
		// is newer than its last turn.
		b.Queue(`DELETE FROM outbox_turns t WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.phone = t.phone AND o.state = 'queued')`)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: claim due: %w", err)
	}
	return out, nil
}

// NextSendSlot implements bot.OutboxSender on one row, so that the pace
// holds across every instance.
func (db *DB) NextSendSlot(ctx context.Context, now time.Time, every time.Duration) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("postgres: next send slot: %w", err)
	}
	var slot time.Time
	err := db.pool.QueryRow(ctx, `INSERT INTO send_slot (id, last) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET last = greatest($1, send_slot.last + $2::interval) RETURNING last`, now, every).Scan(&slot)
	if err != nil {
		return time.Time{}, fmt.Errorf("postgres: next send slot: %w", err)
	}
	return slot, nil
}

// OutboxList implements bot.DeskReader.
func (db *DB) OutboxList(ctx context.Context, limit int, pendingOrFailed bool) ([]bot.OutMsg, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: outbox: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT id, msg FROM outbox WHERE NOT $1 OR state <> 'sent' ORDER BY id DESC LIMIT $2`, pendingOrFailed, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("postgres: outbox: %w", err)
	}
	var out []bot.OutMsg
	for rows.Next() {
		var (
			id  int64
			raw []byte
		)
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, fmt.Errorf("postgres: outbox: %w", err)
		}
		m, err := decodeMessage(id, raw)
		if err != nil {
			return nil, fmt.Errorf("postgres: outbox: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: outbox: %w", err)
	}
	return out, nil
}

// OutboxDepth implements bot.DeskReader; oldest is the Created of the
// first queued message in queue order.
func (db *DB) OutboxDepth(ctx context.Context) (n int, oldest time.Time, err error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, fmt.Errorf("postgres: outbox depth: %w", err)
	}
	var first *time.Time
	err = db.pool.QueryRow(ctx, `SELECT count(*), (SELECT created FROM outbox WHERE state = 'queued' ORDER BY id LIMIT 1)
		FROM outbox WHERE state = 'queued'`).Scan(&n, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("postgres: outbox depth: %w", err)
	}
	if first != nil {
		oldest = *first
	}
	return n, oldest, nil
}
