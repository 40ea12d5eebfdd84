package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Outbox: outbox id (8 bytes, queue order) → JSON bot.OutMsg, and pending
// id → ∅ for the messages still queued. Ids come from DB.outbox, a
// counter outside the transaction; the writer raises the bucket's
// sequence to the highest id stored. Fairness (who was served last) and
// send pacing live in memory: one process holds the file.

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
	oldID := l.MessageID
	if d := bot.Delivery(m.State); m.State != bot.OutSent || d.Supersedes(l.Status) {
		l.Status = d
	}
	l.Error = m.Error
	if m.SID != "" {
		l.MessageID = m.SID
	}
	return st.putLine(m.To, l, oldID)
}

// forgetOutbox deletes the messages to phone, and those about its
// tickets (operators' notifications, which quote its texts) with the
// lines that show them in the operators' transcripts, and returns how
// many messages went.
func (st *stage) forgetOutbox(phone string, tickets []int) (int, error) {
	var keys [][]byte
	var about []bot.OutMsg
	err := st.each(atOutbox, nil, func(k, v []byte) error {
		m, err := decodeMessage(k, v)
		if err != nil {
			return err
		}
		switch {
		case m.To == phone:
			keys = append(keys, bytes.Clone(k))
		case m.Ticket != 0 && slices.Contains(tickets, m.Ticket):
			keys = append(keys, bytes.Clone(k))
			about = append(about, m)
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
	for _, m := range about {
		if err := st.blankLine(m.To, m.Line, m.SID); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// ClaimDue implements bot.OutboxSender. It reads every queued message (a
// backlog is expected to stay small); only the messages it leases join
// the read-set, so a message queued meanwhile is no conflict.
func (db *DB) ClaimDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]bot.OutMsg, error) {
	if limit <= 0 {
		return nil, nil
	}
	var (
		out     []bot.OutMsg
		waiting map[string]bool // recipients with a queued message
	)
	err := db.update(ctx, "", func(st *stage) error {
		out, waiting = nil, map[string]bool{}
		type head struct {
			m    bot.OutMsg
			k    []byte
			last time.Time
		}
		heads := map[string]*head{}
		held := map[string]bool{}
		box := st.bucket(atOutbox)
		err := st.each(atPending, nil, func(k, _ []byte) error {
			v := box.Get(k)
			if v == nil {
				return fmt.Errorf("outbox %x: pending but %w", k, bot.ErrNotFound)
			}
			m, err := decodeMessage(k, v)
			if err != nil {
				return err
			}
			waiting[m.To] = true
			switch {
			case m.LeaseUntil.After(now):
				held[m.To] = true
			case m.State == bot.OutQueued && !m.NextAt.After(now) && heads[m.To] == nil:
				heads[m.To] = &head{m: m, k: bytes.Clone(k)}
			}
			return nil
		})
		if err != nil {
			return err
		}
		var due []*head
		db.mu.Lock()
		for to, h := range heads {
			if !held[to] {
				h.last = db.lastClaimed[to]
				due = append(due, h)
			}
		}
		db.mu.Unlock()
		turn := func(h *head) time.Time {
			if h.last.After(h.m.NextAt) {
				return h.last
			}
			return h.m.NextAt
		}
		slices.SortFunc(due, func(a, b *head) int {
			return cmp.Or(turn(a).Compare(turn(b)), a.last.Compare(b.last), bytes.Compare(a.k, b.k))
		})
		for _, h := range due[:min(len(due), limit)] {
			st.get(atOutbox, h.k) // claimed by another sender meanwhile: a conflict
			h.m.LeaseUntil = now.Add(lease)
			if err := st.putMessage(h.m); err != nil {
				return err
			}
			out = append(out, h.m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim due: %w", err)
	}
	db.mu.Lock()
	for _, m := range out {
		db.lastClaimed[m.To] = now
	}
	for to := range db.lastClaimed {
		if !waiting[to] {
			delete(db.lastClaimed, to) // nothing queued: its next message is newer than its last turn
		}
	}
	db.mu.Unlock()
	return out, nil
}

// NextSendSlot implements bot.OutboxSender, in memory.
func (db *DB) NextSendSlot(ctx context.Context, now time.Time, every time.Duration) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("store: next send slot: %w", err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	slot := now
	if next := db.lastSlot.Add(every); next.After(slot) {
		slot = next
	}
	db.lastSlot = slot
	return slot, nil
}

// OutboxList implements bot.DeskReader.
func (db *DB) OutboxList(ctx context.Context, limit int, pendingOrFailed bool) ([]bot.OutMsg, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	var out []bot.OutMsg
	err := db.read(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketKeys[atOutbox]).Cursor()
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

// OutboxDepth implements bot.DeskReader; oldest is the Created of the
// first message in queue order.
func (db *DB) OutboxDepth(ctx context.Context) (n int, oldest time.Time, err error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox depth: %w", err)
	}
	err = db.read(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketKeys[atPending]).Cursor()
		first, _ := c.First()
		for k := first; k != nil; k, _ = c.Next() {
			n++
		}
		if first == nil {
			return nil
		}
		v := tx.Bucket(bucketKeys[atOutbox]).Get(first)
		if v == nil {
			return fmt.Errorf("outbox %x: pending but %w", first, bot.ErrNotFound)
		}
		m, err := decodeMessage(first, v)
		oldest = m.Created
		return err
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox depth: %w", closedErr(err))
	}
	return n, oldest, nil
}
