package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Buckets of the handoff desk and the outbox.
const (
	bucketTickets = "tickets" // number (8 bytes) → JSON bot.Ticket
	bucketOpen    = "open"    // number → nothing, for tickets not closed
	bucketOutbox  = "outbox"  // id (8 bytes, queue order) → JSON bot.OutMsg
	bucketPending = "pending" // id → nothing, for messages still queued
	bucketOwned   = "owned"   // phone \x00 page id → nothing: whose pages (pages hold no numbers)
)

// tx implements bot.Tx on a bbolt write transaction.
type tx struct {
	tx  *bolt.Tx
	now time.Time
}

var _ bot.Tx = (*tx)(nil)

// Update runs fn in one write transaction together with the claim of msgID
// (skipped when msgID is ""), and records the reply fn returns against it
// and phone, the sender (so Forget can erase the claim).
// A msgID claimed before returns its recorded reply with dup=true and does
// not call fn. fn may run more than once (group commit) and must have no
// side effects outside tx. Nothing is stored when fn fails.
func (db *DB) Update(ctx context.Context, phone, msgID string, fn func(bot.Tx) ([]byte, error)) (reply []byte, dup bool, err error) {
	reply, dup, err = db.update(ctx, phone, msgID, fn)
	if err != nil {
		return nil, false, fmt.Errorf("store: update: %w", err)
	}
	return reply, dup, nil
}

func (db *DB) update(ctx context.Context, phone, msgID string, fn func(bot.Tx) ([]byte, error)) (reply []byte, dup bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	err = db.writes.do(func(btx *bolt.Tx) error {
		reply, dup = nil, false
		if err := ctx.Err(); err != nil {
			return err
		}
		claims := btx.Bucket([]byte(bucketClaims))
		if msgID != "" {
			if v := claims.Get([]byte(msgID)); v != nil {
				var c claim
				if err := json.Unmarshal(v, &c); err != nil {
					return fmt.Errorf("claim %s: %w", msgID, err)
				}
				reply, dup = c.Reply, true
				return nil
			}
		}
		t := &tx{tx: btx, now: db.Now()}
		out, err := fn(t)
		if err != nil {
			return err
		}
		if msgID != "" {
			if err := putJSON(claims, msgID, claim{Phone: phone, At: t.now, Reply: out}); err != nil {
				return fmt.Errorf("claim %s: %w", msgID, err)
			}
		}
		reply = slices.Clone(out)
		return nil
	})
	return reply, dup, err
}

func (t *tx) Conversation(phone string) (bot.Conversation, error) {
	c, err := getConversation(t.tx, phone)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.Conversation{Phone: phone}, nil
	}
	return c, err
}

func (t *tx) SaveConversation(c bot.Conversation) error {
	if c.Phone == "" {
		return errors.New("conversation: empty phone")
	}
	if err := saveConversation(t.tx, c); err != nil {
		return fmt.Errorf("conversation %s: %w", c.Phone, err)
	}
	return nil
}

func (t *tx) Append(phone string, lines ...bot.Line) ([]bot.Line, error) {
	if phone == "" {
		return nil, errors.New("lines: empty phone")
	}
	return appendLines(t.tx, phone, lines, t.now)
}

func (t *tx) PutPage(owner string, p bot.Page) error {
	if err := putNewPage(t.tx, p); err != nil {
		return err
	}
	if owner == "" {
		return nil
	}
	return t.tx.Bucket([]byte(bucketOwned)).Put(ownedKey(owner, p.ID), nil)
}

func (t *tx) SetFeedback(pageID string, answer bot.FeedbackAnswer) error {
	return setFeedback(t.tx, pageID, answer)
}

func numKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func (t *tx) Ticket(n int) (bot.Ticket, error) {
	var tk bot.Ticket
	v := t.tx.Bucket([]byte(bucketTickets)).Get(numKey(uint64(n)))
	if v == nil || n <= 0 {
		return tk, fmt.Errorf("ticket #%d: %w", n, bot.ErrNotFound)
	}
	if err := json.Unmarshal(v, &tk); err != nil {
		return tk, fmt.Errorf("ticket #%d: %w", n, err)
	}
	return tk, nil
}

func (t *tx) OpenTickets() ([]bot.Ticket, error) {
	var out []bot.Ticket
	err := t.tx.Bucket([]byte(bucketOpen)).ForEach(func(k, _ []byte) error {
		tk, err := t.Ticket(int(binary.BigEndian.Uint64(k)))
		if err != nil {
			return err
		}
		out = append(out, tk)
		return nil
	})
	return out, err
}

func (t *tx) SaveTicket(tk *bot.Ticket) error {
	b := t.tx.Bucket([]byte(bucketTickets))
	if tk.Number == 0 {
		n, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("ticket: %w", err)
		}
		tk.Number = int(n)
	}
	k := numKey(uint64(tk.Number))
	v, err := json.Marshal(tk)
	if err != nil {
		return fmt.Errorf("ticket #%d: %w", tk.Number, err)
	}
	if err := b.Put(k, v); err != nil {
		return fmt.Errorf("ticket #%d: %w", tk.Number, err)
	}
	open := t.tx.Bucket([]byte(bucketOpen))
	if tk.Open() {
		return open.Put(k, nil)
	}
	return open.Delete(k)
}

func (t *tx) Enqueue(m *bot.OutMsg) error {
	b := t.tx.Bucket([]byte(bucketOutbox))
	n, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	m.ID = strconv.FormatUint(n, 10)
	m.State = bot.OutQueued
	if m.Created.IsZero() {
		m.Created = t.now
	}
	if m.NextAt.IsZero() {
		m.NextAt = m.Created
	}
	return t.saveMessage(*m)
}

// Message returns outbox message id.
func (t *tx) Message(id string) (bot.OutMsg, error) {
	var m bot.OutMsg
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return m, fmt.Errorf("outbox %q: %w", id, bot.ErrNotFound)
	}
	v := t.tx.Bucket([]byte(bucketOutbox)).Get(numKey(n))
	if v == nil {
		return m, fmt.Errorf("outbox %s: %w", id, bot.ErrNotFound)
	}
	if err := json.Unmarshal(v, &m); err != nil {
		return m, fmt.Errorf("outbox %s: %w", id, err)
	}
	return m, nil
}

// saveMessage stores m, keeps the pending index, and mirrors its state on
// the transcript line that shows it.
func (t *tx) saveMessage(m bot.OutMsg) error {
	n, err := strconv.ParseUint(m.ID, 10, 64)
	if err != nil {
		return fmt.Errorf("outbox: bad id %q", m.ID)
	}
	k := numKey(n)
	v, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", m.ID, err)
	}
	if err := t.tx.Bucket([]byte(bucketOutbox)).Put(k, v); err != nil {
		return fmt.Errorf("outbox %s: %w", m.ID, err)
	}
	pending := t.tx.Bucket([]byte(bucketPending))
	if m.State == bot.OutQueued {
		err = pending.Put(k, nil)
	} else {
		err = pending.Delete(k)
	}
	if err != nil {
		return fmt.Errorf("outbox %s: %w", m.ID, err)
	}
	if m.Line == 0 {
		return nil
	}
	outs := t.tx.Bucket([]byte(bucketOutMsgs))
	err = updateLine(t.tx, m.To, m.Line, func(l *bot.Line) error {
		if d := bot.Delivery(m.State); m.State != bot.OutSent || d.Supersedes(l.Status) {
			l.Status = d // the outbox's "sent" does not hide a report that came first
		}
		l.Error = m.Error
		if m.SID != "" && l.MessageID != m.SID {
			l.MessageID = m.SID
			return putJSON(outs, m.SID, outMsg{Phone: m.To, Seq: m.Line})
		}
		return nil
	})
	if errors.Is(err, bot.ErrNotFound) {
		return nil // the number was forgotten meanwhile
	}
	return err
}

// UpdateMessage applies fn to outbox message id in one transaction (with
// bot.Tx for anything else the outcome changes, such as an opt-out).
func (db *DB) UpdateMessage(ctx context.Context, id string, fn func(t bot.Tx, m *bot.OutMsg) error) error {
	_, _, err := db.Update(ctx, "", "", func(btx bot.Tx) ([]byte, error) {
		t := btx.(*tx)
		m, err := t.Message(id)
		if err != nil {
			return nil, err
		}
		if err := fn(t, &m); err != nil {
			return nil, err
		}
		return nil, t.saveMessage(m)
	})
	return err
}

// DueMessages returns up to limit queued messages whose NextAt has come,
// in queue order.
func (db *DB) DueMessages(ctx context.Context, now time.Time, limit int) ([]bot.OutMsg, error) {
	var out []bot.OutMsg
	err := db.bolt.View(func(btx *bolt.Tx) error {
		box := btx.Bucket([]byte(bucketOutbox))
		c := btx.Bucket([]byte(bucketPending)).Cursor()
		for k, _ := c.First(); k != nil && len(out) < limit; k, _ = c.Next() {
			var m bot.OutMsg
			if err := json.Unmarshal(box.Get(k), &m); err != nil {
				return fmt.Errorf("outbox %x: %w", k, err)
			}
			if !m.NextAt.After(now) {
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: due messages: %w", err)
	}
	return out, nil
}

// Outbox lists the newest limit messages, newest first; pendingOnly keeps
// those still queued or failed (for the console's outbox view).
func (db *DB) Outbox(ctx context.Context, limit int, pendingOrFailed bool) ([]bot.OutMsg, error) {
	var out []bot.OutMsg
	err := db.bolt.View(func(btx *bolt.Tx) error {
		c := btx.Bucket([]byte(bucketOutbox)).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var m bot.OutMsg
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("outbox %x: %w", k, err)
			}
			if !pendingOrFailed || m.State != bot.OutSent {
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return out, nil
}

// Tickets lists tickets, newest first, up to limit; openOnly keeps open
// ones.
func (db *DB) Tickets(ctx context.Context, limit int, openOnly bool) ([]bot.Ticket, error) {
	var out []bot.Ticket
	err := db.bolt.View(func(btx *bolt.Tx) error {
		t := &tx{tx: btx}
		if openOnly {
			var err error
			out, err = t.OpenTickets()
			return err
		}
		c := btx.Bucket([]byte(bucketTickets)).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var tk bot.Ticket
			if err := json.NewDecoder(bytes.NewReader(v)).Decode(&tk); err != nil {
				return fmt.Errorf("ticket %x: %w", k, err)
			}
			out = append(out, tk)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: tickets: %w", err)
	}
	return out, nil
}

// forgetHandoffs deletes phone's tickets and the outbox messages to it,
// and returns how many records went.
func forgetHandoffs(btx *bolt.Tx, phone string) (int, error) {
	n := 0
	del := func(bucket string, match func(v []byte) (bool, error), also ...string) error {
		b := btx.Bucket([]byte(bucket))
		var keys [][]byte
		err := b.ForEach(func(k, v []byte) error {
			ok, err := match(v)
			if ok {
				keys = append(keys, slices.Clone(k))
			}
			return err
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
			for _, other := range also {
				if err := btx.Bucket([]byte(other)).Delete(k); err != nil {
					return err
				}
			}
		}
		n += len(keys)
		return nil
	}
	err := del(bucketTickets, func(v []byte) (bool, error) {
		var tk bot.Ticket
		err := json.Unmarshal(v, &tk)
		return tk.Phone == phone, err
	}, bucketOpen)
	if err != nil {
		return n, fmt.Errorf("tickets: %w", err)
	}
	err = del(bucketOutbox, func(v []byte) (bool, error) {
		var m bot.OutMsg
		err := json.Unmarshal(v, &m)
		return m.To == phone, err
	}, bucketPending)
	if err != nil {
		return n, fmt.Errorf("outbox: %w", err)
	}
	return n, nil
}

func ownedKey(phone, id string) []byte { return []byte(phone + "\x00" + id) }

// forgetPages deletes the pages made for phone and returns how many.
func forgetPages(btx *bolt.Tx, phone string) (int, error) {
	owned, pages := btx.Bucket([]byte(bucketOwned)), btx.Bucket([]byte(bucketPages))
	prefix := ownedKey(phone, "")
	var keys [][]byte
	c := owned.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, slices.Clone(k))
	}
	for _, k := range keys {
		if err := pages.Delete(k[len(prefix):]); err != nil {
			return 0, fmt.Errorf("pages: %w", err)
		}
		if err := owned.Delete(k); err != nil {
			return 0, fmt.Errorf("pages: %w", err)
		}
	}
	return len(keys), nil
}

// PagesOf returns the pages made for phone, newest first, at most limit.
func (db *DB) PagesOf(ctx context.Context, phone string, limit int) ([]bot.Page, error) {
	var out []bot.Page
	err := db.bolt.View(func(btx *bolt.Tx) error {
		prefix := ownedKey(phone, "")
		c := btx.Bucket([]byte(bucketOwned)).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			p, err := getPage(btx, string(k[len(prefix):]))
			if errors.Is(err, bot.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: pages of: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out[:min(len(out), limit)], nil
}
