package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// The console's index of conversations by their Updated time, so that a
// page of the inbox reads the conversations it shows and not every one.
// Both buckets are kept by saveConversation and Forget, and rebuilt by Open
// when a file written before they existed has conversations but no index.
const (
	bucketRecent    = "recent"    // updated (8 bytes, ns) + phone → status "\n" ["test"]
	bucketRecentKey = "recentkey" // phone → its key in recent
)

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

// saveConversation stores c and moves its entry in the recent index.
func saveConversation(tx *bolt.Tx, c bot.Conversation) error {
	if err := putJSON(tx.Bucket([]byte(bucketConversations)), c.Phone, c); err != nil {
		return err
	}
	keys, recent := tx.Bucket([]byte(bucketRecentKey)), tx.Bucket([]byte(bucketRecent))
	key := recentKey(c)
	if old := keys.Get([]byte(c.Phone)); old != nil && !bytes.Equal(old, key) {
		if err := recent.Delete(old); err != nil {
			return err
		}
	}
	if err := recent.Put(key, recentValue(c)); err != nil {
		return err
	}
	return keys.Put([]byte(c.Phone), key)
}

// forgetRecent removes phone from the recent index.
func forgetRecent(tx *bolt.Tx, phone string) error {
	keys := tx.Bucket([]byte(bucketRecentKey))
	old := keys.Get([]byte(phone))
	if old == nil {
		return nil
	}
	if err := tx.Bucket([]byte(bucketRecent)).Delete(old); err != nil {
		return err
	}
	return keys.Delete([]byte(phone))
}

// buildRecent indexes every conversation, once, for a file written before
// the index existed.
func buildRecent(tx *bolt.Tx) error {
	if k, _ := tx.Bucket([]byte(bucketRecentKey)).Cursor().First(); k != nil {
		return nil
	}
	convs := tx.Bucket([]byte(bucketConversations))
	if k, _ := convs.Cursor().First(); k == nil {
		return nil
	}
	var all []bot.Conversation
	err := convs.ForEach(func(k, v []byte) error {
		var c bot.Conversation
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("conversation %s: %w", k, err)
		}
		all = append(all, c)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range all {
		if err := saveConversation(tx, c); err != nil {
			return fmt.Errorf("index %s: %w", c.Phone, err)
		}
	}
	return nil
}

// matchFilter reports whether an index value passes f.
func matchFilter(f bot.ConversationFilter, v []byte) bool {
	status, test, _ := strings.Cut(string(v), "\n")
	return f.Match(bot.Status(status), test == "test")
}

// RecentConversations returns up to limit conversations matching f, most
// recently Updated first, skipping the first offset matches, and how many
// match in all. It walks the index of conversations by time (no decoding)
// and decodes only the conversations it returns, so a page costs the same
// with ten conversations stored or a hundred thousand, apart from the
// count.
func (db *DB) RecentConversations(ctx context.Context, f bot.ConversationFilter, offset, limit int) (convs []bot.Conversation, total int, err error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: recent conversations: %w", err)
	}
	convs = []bot.Conversation{}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketRecent)).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			if !matchFilter(f, v) {
				continue
			}
			total++
			if total <= offset || len(convs) >= limit {
				continue
			}
			conv, err := getConversation(tx, string(k[8:]))
			if err != nil {
				return err
			}
			convs = append(convs, conv)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: recent conversations: %w", err)
	}
	return convs, total, nil
}

// LastLines returns the last transcript line of each of phones that has
// one, in one read transaction (the inbox's "last message" column).
func (db *DB) LastLines(ctx context.Context, phones ...string) (map[string]bot.Line, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: last lines: %w", err)
	}
	out := make(map[string]bot.Line, len(phones))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, p := range phones {
			b := linesBucket(tx, p)
			if b == nil {
				continue
			}
			k, v := b.Cursor().Last()
			if k == nil {
				continue
			}
			var l bot.Line
			if err := json.Unmarshal(v, &l); err != nil {
				return fmt.Errorf("line %s: %w", p, err)
			}
			out[p] = l
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: last lines: %w", err)
	}
	return out, nil
}
