package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// Conversations: one row per number; status, flow, test and updated are
// columns for the console's inbox, the conversation itself is state.

var conversationsTable = newTable("conversations", []string{"phone"}, []string{"status", "flow", "test", "updated", "state"})

func decodeConversation(phone string, raw []byte) (bot.Conversation, error) {
	var c bot.Conversation
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("conversation %s: %w", bot.Mask(phone), err)
	}
	return c, nil
}

// scanConversation reads a row of version, state (or none) unread.
func scanConversation(phone string, row pgx.Row) (*rec[bot.Conversation], error) {
	var (
		v   int64
		raw []byte
	)
	switch err := row.Scan(&v, &raw); {
	case errors.Is(err, pgx.ErrNoRows):
		return &rec[bot.Conversation]{}, nil
	case err != nil:
		return nil, err
	}
	c, err := decodeConversation(phone, raw)
	if err != nil {
		return nil, err
	}
	return &rec[bot.Conversation]{seen: v, val: c, exists: true}, nil
}

// conversation returns phone's row as this transaction sees it.
func (st *stage) conversation(phone string) (*rec[bot.Conversation], error) {
	r, ok := st.convs[phone]
	if !ok {
		var err error
		r, err = scanConversation(phone, st.conn.QueryRow(st.ctx, `SELECT version, state FROM conversations WHERE phone = $1`, phone))
		if err != nil {
			return nil, err
		}
		st.convs[phone] = r
	}
	if r.seen != unread {
		r.read = true
	}
	return r, nil
}

// Conversation implements bot.Tx.
func (st *stage) Conversation(phone string) (bot.Conversation, error) {
	if phone == "" {
		return bot.Conversation{}, nil
	}
	r, err := st.conversation(phone)
	if err != nil {
		return bot.Conversation{}, err
	}
	if !r.exists {
		return bot.Conversation{Phone: phone}, nil
	}
	return cloneConversation(r.val), nil
}

// cloneConversation copies c's slices, so a caller changing what it got
// does not change what the transaction holds.
func cloneConversation(c bot.Conversation) bot.Conversation {
	c.Answers, c.Said, c.Candidates = slices.Clone(c.Answers), slices.Clone(c.Said), slices.Clone(c.Candidates)
	c.Tried, c.Counted = slices.Clone(c.Tried), slices.Clone(c.Counted)
	if c.Prev != nil {
		p := cloneConversation(*c.Prev)
		c.Prev = &p
	}
	return c
}

// SaveConversation implements bot.Tx.
func (st *stage) SaveConversation(c bot.Conversation) error {
	if c.Phone == "" {
		return errors.New("conversation: empty phone")
	}
	r, ok := st.convs[c.Phone]
	if !ok {
		r = &rec[bot.Conversation]{seen: unread}
		st.convs[c.Phone] = r
	}
	r.val, r.exists, r.dirty = cloneConversation(c), true, true
	return nil
}

func (st *stage) queueConversations(b *commit) {
	for _, phone := range sortedKeys(st.convs) {
		r := st.convs[phone]
		queueRec(b, conversationsTable, r, []any{phone}, func() []any {
			c := r.val
			state, _ := json.Marshal(c) // a Conversation always encodes
			return []any{string(c.Status), c.Flow, c.Test, c.Updated, state}
		})
	}
}

// Conversation implements bot.ConversationReader.
func (db *DB) Conversation(ctx context.Context, phone string) (bot.Conversation, error) {
	if err := ctx.Err(); err != nil {
		return bot.Conversation{}, fmt.Errorf("postgres: conversation: %w", err)
	}
	r, err := scanConversation(phone, db.pool.QueryRow(ctx, `SELECT version, state FROM conversations WHERE phone = $1`, phone))
	if err != nil {
		return bot.Conversation{}, fmt.Errorf("postgres: conversation: %w", err)
	}
	if !r.exists {
		return bot.Conversation{}, fmt.Errorf("postgres: conversation %s: %w", bot.Mask(phone), bot.ErrNotFound)
	}
	return r.val, nil
}

// RecentConversations implements bot.ConversationReader, from the index
// on updated (by status when filtered).
func (db *DB) RecentConversations(ctx context.Context, f bot.ConversationFilter, offset, limit int) ([]bot.Conversation, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("postgres: recent conversations: %w", err)
	}
	const where = `WHERE ($1 = '' OR status = $1) AND (NOT $2 OR test) AND (NOT $3 OR NOT test)`
	args := []any{string(f.Status), f.Test, f.NoTest}
	var total int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM conversations `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("postgres: recent conversations: %w", err)
	}
	convs := []bot.Conversation{}
	rows, err := db.pool.Query(ctx, `SELECT phone, state FROM conversations `+where+
		` ORDER BY updated DESC, phone DESC OFFSET $4 LIMIT $5`, append(args, max(offset, 0), max(limit, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: recent conversations: %w", err)
	}
	for rows.Next() {
		var (
			phone string
			raw   []byte
		)
		if err := rows.Scan(&phone, &raw); err != nil {
			return nil, 0, fmt.Errorf("postgres: recent conversations: %w", err)
		}
		c, err := decodeConversation(phone, raw)
		if err != nil {
			return nil, 0, fmt.Errorf("postgres: recent conversations: %w", err)
		}
		convs = append(convs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("postgres: recent conversations: %w", err)
	}
	return convs, total, nil
}
