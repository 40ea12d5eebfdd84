package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// A file written before the index existed gets it on the next Open.
func TestRecentIndexBuiltOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	_, _, err = db.Update(ctx, "", "", func(t bot.Tx) ([]byte, error) {
		for i, p := range []string{"+15550000001", "+15550000002"} {
			if err := t.SaveConversation(bot.Conversation{Phone: p, Status: bot.StatusIdle, Updated: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// As an old file: no index buckets.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte(bucketRecent)); err != nil {
			return err
		}
		return tx.DeleteBucket([]byte(bucketRecentKey))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, total, err := db.RecentConversations(ctx, bot.ConversationFilter{}, 0, 10)
	if err != nil || total != 2 || len(got) != 2 || got[0].Phone != "+15550000002" {
		t.Fatalf("after reopen: %+v of %d, %v", got, total, err)
	}
}
