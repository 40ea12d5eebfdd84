package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

// filled writes a store of n numbers, three texts each, closes it and
// returns its path and the numbers.
func filled(t *testing.T, n int) (string, []string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "textfix.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var phones []string
	for i := range n {
		p := fmt.Sprintf("+1555%07d", i)
		phones = append(phones, p)
		for j := range 3 {
			sid := fmt.Sprintf("SM%d-%d", i, j)
			if _, _, err := db.Inbound(ctx, bot.Claim{SID: sid, From: p}, text(p, sid, fmt.Sprintf("claude code 403 number %d text %d", i, j))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path, phones
}

// usedSize is how much of the file at path bbolt's pages use.
func usedSize(t *testing.T, path string) int64 {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int64
	if err := b.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// damage copies the file at src to a new path and applies fn to its bytes.
func damage(t *testing.T, src string, fn func([]byte) []byte) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(dst, fn(b), 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// refused asserts that Open refuses path with one line that names the
// damage and the way out.
func refused(t *testing.T, path, want string) {
	t.Helper()
	db, err := store.Open(path)
	if err == nil {
		db.Close()
		t.Fatalf("Open accepted a damaged file")
	}
	msg := err.Error()
	if !errors.Is(err, store.ErrDamaged) || strings.Contains(msg, "\n") ||
		!strings.Contains(msg, want) || !strings.Contains(msg, "restore from backup with `textfix restore`") {
		t.Errorf("Open: %q; want one line wrapping ErrDamaged with %q and the restore hint", msg, want)
	}
}

// A damaged file is refused at Open with one line, never a panic or a
// SIGBUS: truncated to 8 KiB, to half, and an empty file that Open did
// not create.
func TestOpenRefusesDamage(t *testing.T) {
	path, phones := filled(t, 200)
	t.Run("flipped bits", func(t *testing.T) { flippedBits(t, path, phones) })
	refused(t, damage(t, path, func(b []byte) []byte { return b[:8<<10] }), "truncated: 8192 bytes")
	// bbolt grows a file ahead of its data: half of what its pages use.
	refused(t, damage(t, path, func(b []byte) []byte { return b[:usedSize(t, path)/2] }), "truncated")
	refused(t, damage(t, path, func([]byte) []byte { return nil }), "empty: 0 bytes")
	refused(t, damage(t, path, func(b []byte) []byte {
		copy(b[16:20], "junk")
		copy(b[4096+16:4096+20], "junk")
		return b
	}), "both meta pages are bad")

	// A file that does not exist is new: Open creates it.
	fresh := filepath.Join(t.TempDir(), "new.db")
	db, err := store.Open(fresh)
	if err != nil {
		t.Fatalf("Open of a new file: %v", err)
	}
	db.Close()
	if db, err = store.Open(fresh); err != nil {
		t.Fatalf("reopening the new file: %v", err)
	}
	db.Close()
}

// 200 flipped bits: Open refuses the file, or, where the flips hit only
// bytes bbolt cannot check (inside values), every read answers (an error
// for a bad record is fine) without a panic or a fault.
func flippedBits(t *testing.T, path string, phones []string) {
	used := int(usedSize(t, path))
	refusedN := 0
	for seed := range uint64(8) {
		bad := damage(t, path, func(b []byte) []byte {
			r := rand.New(rand.NewPCG(seed, 1))
			for range 200 {
				i := r.IntN(used * 8) // within the pages, not the room bbolt grew into
				b[i/8] ^= 1 << (i % 8)
			}
			return b
		})
		db, err := store.Open(bad)
		if err != nil {
			if !errors.Is(err, store.ErrDamaged) || strings.Contains(err.Error(), "\n") {
				t.Errorf("seed %d: %v, want one line wrapping ErrDamaged", seed, err)
			}
			t.Logf("seed %d: %v", seed, err)
			refusedN++
			continue
		}
		ctx := context.Background()
		for i, p := range phones[:40] {
			_, _ = db.Conversation(ctx, p)
			_, _ = db.TranscriptTail(ctx, p, 0)
			sid := fmt.Sprintf("SMnew%d", i)
			_, _, _ = db.Inbound(ctx, bot.Claim{SID: sid, From: p}, text(p, sid, "again"))
		}
		_, _, _ = db.RecentConversations(ctx, bot.ConversationFilter{}, 0, 1000)
		db.Close()
	}
	t.Logf("%d of 8 files with 200 flipped bits refused at Open", refusedN)
	if refusedN == 0 {
		t.Error("no file with 200 flipped bits was refused")
	}
}
