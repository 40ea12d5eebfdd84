package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Conversations: numbers phone 0x00 'c' → version (1) | updated (8
// bytes, the recent key's time) | the bot.Conversation, and the
// console's index by Updated time (recent updated phone → status), kept
// by every save and by Forget, so that a page of the inbox reads the
// conversations it shows and not every one. The stored updated time is
// the conversation's recent key: a save finds the entry to move without
// decoding the conversation it replaces.
//
// Version 3 (written since) holds the fields in a compact binary form,
// in the order of the struct (conversationCodec); version 2 is that form
// before Conversation.Prev, and still decodes; version 1, JSON, is
// what files written before hold, and layout-1 migration still writes
// it. Both decode to the same bot.Conversation: the binary form keeps
// what a JSON round trip kept and no more (invalid UTF-8 becomes U+FFFD
// byte by byte, a time keeps its instant and its offset in minutes).

const (
	conversationJSON     = 1
	conversationBinaryV2 = 2
	conversationBinary   = 3
)

func encodeConversation(c bot.Conversation) ([]byte, error) {
	v := make([]byte, 9, 9+conversationSize(c))
	v[0] = conversationBinary
	binary.BigEndian.PutUint64(v[1:], timeKey(c.Updated))
	return appendConversation(v, c), nil
}

func decodeConversation(phone string, v []byte) (bot.Conversation, error) {
	var c bot.Conversation
	if len(v) < 9 {
		return c, fmt.Errorf("conversation %s: bad record", bot.Mask(phone))
	}
	switch v[0] {
	case conversationBinary, conversationBinaryV2:
		r := convReader{b: v[9:]}
		if v[0] == conversationBinary {
			c = r.conversation()
		} else {
			c = r.fields()
		}
		if r.err != nil || len(r.b) != 0 {
			return bot.Conversation{}, fmt.Errorf("conversation %s: bad record", bot.Mask(phone))
		}
		return c, nil
	case conversationJSON:
		if err := json.Unmarshal(v[9:], &c); err != nil {
			return c, fmt.Errorf("conversation %s: %w", bot.Mask(phone), err)
		}
		return c, nil
	}
	return c, fmt.Errorf("conversation %s: bad record", bot.Mask(phone))
}

// storedRecentKey is the recent key of a stored conversation.
func storedRecentKey(phone string, v []byte) []byte {
	if len(v) < 9 {
		return nil
	}
	return append(append(make([]byte, 0, 8+len(phone)), v[1:9]...), phone...)
}

// recentKey orders conversations by Updated; a zero or pre-1970 time sorts
// first.
func recentKey(c bot.Conversation) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(c.Phone)), timeKey(c.Updated)), c.Phone...)
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
	if checkPhone(phone) != nil {
		return c, false, nil
	}
	v := st.get(atNumbers, conversationKey(phone))
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
	if err := checkPhone(c.Phone); err != nil {
		return fmt.Errorf("conversation: %w", err)
	}
	v, err := encodeConversation(c)
	if err != nil {
		return fmt.Errorf("conversation %s: %w", bot.Mask(c.Phone), err)
	}
	ck := conversationKey(c.Phone)
	key := recentKey(c)
	if old := storedRecentKey(c.Phone, st.get(atNumbers, ck)); old != nil && !bytes.Equal(old, key) {
		st.del(atRecent, old)
	}
	if err := st.put(atNumbers, ck, v); err != nil {
		return fmt.Errorf("conversation %s: %w", bot.Mask(c.Phone), err)
	}
	return st.put(atRecent, key, recentValue(c))
}

// forgetConversation deletes phone's conversation and its index entry,
// and returns it (found=false: there was none).
func (st *stage) forgetConversation(phone string) (c bot.Conversation, found bool, err error) {
	c, found, err = st.conversation(phone)
	if err != nil || !found {
		return c, false, err
	}
	ck := conversationKey(phone)
	st.del(atRecent, storedRecentKey(phone, st.get(atNumbers, ck)))
	st.del(atNumbers, ck)
	return c, true, nil
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
	err = db.read(func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketKeys[atNumbers])
		c := tx.Bucket(bucketKeys[atRecent]).Cursor()
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
