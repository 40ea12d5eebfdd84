package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Outbox: outbox id (8 bytes, queue order) → JSON bot.OutMsg, and pending
// id → ∅ for the messages still queued. Ids come from DB.outbox, a
// counter outside the transaction; the writer raises the bucket's
// sequence to the highest id stored.

func decodeMessage(k, v []byte) (bot.OutMsg, error) {
	var m bot.OutMsg
	if err := json.Unmarshal(v, &m); err != nil {
		return m, fmt.Errorf("outbox %x: %w", k, err)
	}
	return m, nil
}

// messageKey is the key of message id, or nil for an id the store never
// gave.
func messageKey(id string) []byte {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return nil
	}
	return numKey(n)
}

// Enqueue implements bot.Tx.
func (st *stage) Enqueue(m *bot.OutMsg) error {
	m.ID = strconv.FormatUint(st.db.outbox.Add(1), 10)
	st.raiseSeq(atOutbox, messageNum(m.ID))
	m.State = bot.OutQueued
	if m.Created.IsZero() {
		m.Created = st.now
	}
	if m.NextAt.IsZero() {
		m.NextAt = m.Created
	}
	return st.putMessage(*m)
}

func messageNum(id string) uint64 { n, _ := strconv.ParseUint(id, 10, 64); return n }

// Message implements bot.Tx.
func (st *stage) Message(id string) (bot.OutMsg, error) {
	k := messageKey(id)
	if k == nil {
		return bot.OutMsg{}, fmt.Errorf("outbox %q: %w", id, bot.ErrNotFound)
	}
	v := st.get(atOutbox, k)
	if v == nil {
		return bot.OutMsg{}, fmt.Errorf("outbox %s: %w", id, bot.ErrNotFound)
	}
	return decodeMessage(k, v)
}

// putMessage stores m and keeps the pending index.
func (st *stage) putMessage(m bot.OutMsg) error {
	k := messageKey(m.ID)
	if k == nil {
		return fmt.Errorf("outbox: bad id %q", m.ID)
	}
	v, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", m.ID, err)
	}
	if err := st.put(atOutbox, k, v); err != nil {
		return fmt.Errorf("outbox %s: %w", m.ID, err)
	}
	if m.State == bot.OutQueued {
		return st.put(atPending, k, nil)
	}
	st.del(atPending, k)
	return nil
}

// SaveMessage implements bot.Tx. The outbox's own queued (a retry) and
// failed always show on the line; its sent only when no delivery report
// came first.
func (st *stage) SaveMessage(m bot.OutMsg) error {
	if err := st.putMessage(m); err != nil {
		return err
	}
	if m.Line == 0 || m.To == "" {
		return nil
	}
	l, found, err := st.line(m.To, m.Line)
	if err != nil || !found {
		return err // not found: the number was forgotten meanwhile
	}
	if d := bot.Delivery(m.State); m.State != bot.OutSent || d.Supersedes(l.Status) {
		l.Status = d
	}
	l.Error = m.Error
	if m.SID != "" {
		l.MessageID = m.SID
	}
	return st.putLine(m.To, l)
}

// forgetOutbox deletes the messages to phone and returns how many.
func (st *stage) forgetOutbox(phone string) (int, error) {
	var keys [][]byte
	err := st.each(atOutbox, nil, func(k, v []byte) error {
		m, err := decodeMessage(k, v)
		if err != nil {
			return err
		}
		if m.To == phone {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		st.get(atOutbox, k) // an outcome recorded meanwhile is a conflict
		st.del(atOutbox, k)
		st.del(atPending, k)
	}
	return len(keys), nil
}

// DueMessages implements bot.OutboxSender.
func (db *DB) DueMessages(ctx context.Context, now time.Time, limit int) ([]bot.OutMsg, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: due messages: %w", err)
	}
	var out []bot.OutMsg
	err := db.bolt.View(func(tx *bolt.Tx) error {
		box := tx.Bucket([]byte(bucketOutbox))
		c := tx.Bucket([]byte(bucketPending)).Cursor()
		for k, _ := c.First(); k != nil && len(out) < limit; k, _ = c.Next() {
			v := box.Get(k)
			if v == nil {
				return fmt.Errorf("outbox %x: pending but %w", k, bot.ErrNotFound)
			}
			m, err := decodeMessage(k, v)
			if err != nil {
				return err
			}
			if !m.NextAt.After(now) {
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: due messages: %w", closedErr(err))
	}
	return out, nil
}

// OutboxList implements bot.DeskReader.
func (db *DB) OutboxList(ctx context.Context, limit int, pendingOrFailed bool) ([]bot.OutMsg, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	var out []bot.OutMsg
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketOutbox)).Cursor()
		n := 0
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			m, err := decodeMessage(k, v)
			if err != nil {
				return err
			}
			if !pendingOrFailed || m.State != bot.OutSent {
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", closedErr(err))
	}
	return out, nil
}
