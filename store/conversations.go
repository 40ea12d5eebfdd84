package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Conversations: conversations phone → JSON bot.Conversation, and the
// console's index by Updated time (recent, recentkey), kept by every save
// and by Forget, so that a page of the inbox reads the conversations it
// shows and not every one. Open builds the index for a file written
// before it existed.

func conversationKey(phone string) []byte { return []byte(phone) }

func decodeConversation(phone string, v []byte) (bot.Conversation, error) {
	var c bot.Conversation
	if err := json.Unmarshal(v, &c); err != nil {
		return c, fmt.Errorf("conversation %s: %w", bot.Mask(phone), err)
	}
	return c, nil
}

// recentKey orders conversations by Updated; a zero or pre-1970 time sorts
// first.
func recentKey(c bot.Conversation) []byte {
	var ns uint64
	if !c.Updated.IsZero() && c.Updated.After(time.Unix(0, 0)) {
		ns = uint64(c.Updated.UnixNano())
	}
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(c.Phone)), ns), c.Phone...)
}

// recentValue is what the index says about a conversation, enough to
// filter without decoding it.
func recentValue(c bot.Conversation) []byte {
	v := string(c.Status) + "\n"
	if c.Test {
		v += "test"
	}
	return []byte(v)
}

// matchFilter reports whether an index value passes f.
func matchFilter(f bot.ConversationFilter, v []byte) bool {
	status, test, _ := strings.Cut(string(v), "\n")
	return f.Match(bot.Status(status), test == "test")
}

// conversation reads phone's conversation; found=false when there is none.
func (st *stage) conversation(phone string) (c bot.Conversation, found bool, err error) {
	if phone == "" {
		return c, false, nil
	}
	v := st.get(atConversations, conversationKey(phone))
	if v == nil {
		return c, false, nil
	}
	c, err = decodeConversation(phone, v)
	return c, err == nil, err
}

// Conversation implements bot.Tx.
func (st *stage) Conversation(phone string) (bot.Conversation, error) {
	c, found, err := st.conversation(phone)
	if err != nil {
		return bot.Conversation{}, err
	}
	if !found {
		return bot.Conversation{Phone: phone}, nil
	}
	return c, nil
}

// SaveConversation implements bot.Tx.
func (st *stage) SaveConversation(c bot.Conversation) error {
	if c.Phone == "" {
		return errors.New("conversation: empty phone")
	}
	v, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("conversation %s: %w", bot.Mask(c.Phone), err)
	}
	if err := st.put(atConversations, conversationKey(c.Phone), v); err != nil {
		return fmt.Errorf("conversation %s: %w", bot.Mask(c.Phone), err)
	}
	key := recentKey(c)
	if old := st.get(atRecentKey, []byte(c.Phone)); old != nil && !bytes.Equal(old, key) {
		st.del(atRecent, old)
	}
	if err := st.put(atRecent, key, recentValue(c)); err != nil {
		return err
	}
	return st.put(atRecentKey, []byte(c.Phone), key)
}

// forgetConversation deletes phone's conversation and its index entry,
// and returns it (found=false: there was none).
func (st *stage) forgetConversation(phone string) (c bot.Conversation, found bool, err error) {
	c, found, err = st.conversation(phone)
	if err != nil {
		return c, false, err
	}
	if found {
		st.del(atConversations, conversationKey(phone))
	}
	if old := st.get(atRecentKey, []byte(phone)); old != nil {
		st.del(atRecent, old)
		st.del(atRecentKey, []byte(phone))
	}
	return c, found, nil
}

// buildRecent indexes every conversation, once, for a file written before
// the index existed (inside Open's transaction).
func buildRecent(tx *bolt.Tx) error {
	if k, _ := tx.Bucket([]byte(bucketRecentKey)).Cursor().First(); k != nil {
		return nil
	}
	recent, keys := tx.Bucket([]byte(bucketRecent)), tx.Bucket([]byte(bucketRecentKey))
	return tx.Bucket([]byte(bucketConversations)).ForEach(func(k, v []byte) error {
		c, err := decodeConversation(string(k), v)
		if err != nil {
			return err
		}
		c.Phone = string(k)
		key := recentKey(c)
		if err := recent.Put(key, recentValue(c)); err != nil {
			return err
		}
		return keys.Put(bytes.Clone(k), key)
	})
}

// Conversation returns phone's conversation, or an error wrapping
// [bot.ErrNotFound].
func (db *DB) Conversation(ctx context.Context, phone string) (bot.Conversation, error) {
	var c bot.Conversation
	err := db.view(ctx, func(st *stage) error {
		var found bool
		var err error
		c, found, err = st.conversation(phone)
		if err == nil && !found {
			err = fmt.Errorf("conversation %s: %w", bot.Mask(phone), bot.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return bot.Conversation{}, fmt.Errorf("store: conversation: %w", err)
	}
	return c, nil
}

// RecentConversations implements bot.ConversationReader: it walks the
// index by time (no decoding) and decodes only the conversations it
// returns.
func (db *DB) RecentConversations(ctx context.Context, f bot.ConversationFilter, offset, limit int) (convs []bot.Conversation, total int, err error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: recent conversations: %w", err)
	}
	convs = []bot.Conversation{}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		all := tx.Bucket([]byte(bucketConversations))
		c := tx.Bucket([]byte(bucketRecent)).Cursor()
		n := 0
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if !matchFilter(f, v) {
				continue
			}
			total++
			if total <= offset || len(convs) >= limit {
				continue
			}
			if len(k) < 8 {
				return fmt.Errorf("recent index: bad key %x", k)
			}
			phone := string(k[8:])
			raw := all.Get(conversationKey(phone))
			if raw == nil {
				return fmt.Errorf("recent index: conversation %s: %w", bot.Mask(phone), bot.ErrNotFound)
			}
			conv, err := decodeConversation(phone, raw)
			if err != nil {
				return err
			}
			convs = append(convs, conv)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: recent conversations: %w", closedErr(err))
	}
	return convs, total, nil
}
