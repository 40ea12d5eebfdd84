package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// A branch page that points back at itself is a tree that loops: bbolt's
// cursor would follow it for ever, growing its stack. Open and CheckFile
// refuse the file at once, before bbolt reads a page.
func TestLoopingTreeRefused(t *testing.T) {
	path, _ := filled(t, 200)
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second}) // not read-only: Page needs the freelist
	if err != nil {
		t.Fatal(err)
	}
	var branch uint64
	var pageSize int
	_ = b.View(func(tx *bolt.Tx) error {
		pageSize = tx.DB().Info().PageSize
		for id := 2; id < int(tx.Size())/pageSize; id++ {
			if p, err := tx.Page(id); err == nil && p != nil && p.Type == "branch" {
				branch = uint64(id)
				return nil
			}
		}
		return nil
	})
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if branch == 0 {
		t.Fatal("no branch page in the file")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The first element's child page id, 8 bytes at 16+8 of the page.
	var id [8]byte
	for i := range 8 {
		id[i] = byte(branch >> (8 * i))
	}
	if _, err := f.WriteAt(id[:], int64(branch)*int64(pageSize)+16+8); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for name, check := range map[string]func() error{
		"CheckFile": func() error { return store.CheckFile(path, time.Minute) },
		"Open": func() error {
			db, err := store.Open(path)
			if err == nil {
				_ = db.Close()
			}
			return err
		},
	} {
		done := make(chan error, 1)
		go func() { done <- check() }()
		select {
		case err := <-done:
			if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "loops") {
				t.Errorf("%s: %v, want damaged: loops", name, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s still running after 30 s on a looping tree", name)
		}
	}
}

// A bucket small enough to live inline in its parent's page, whose page
// has lost its leaf flag: bbolt would take it for a branch pointing at
// itself, for ever. CheckFile refuses it at once.
func TestInlinePageWithoutLeafFlagRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inline.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		top, err := tx.CreateBucket([]byte("top"))
		if err != nil {
			return err
		}
		in, err := top.CreateBucket([]byte("in"))
		if err != nil {
			return err
		}
		return in.Put([]byte("needle"), []byte("v"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The inline value: bucket header (root 0, sequence 0), then a page
	// header with id 0, the leaf flag and one element.
	inline := append(make([]byte, 16+8), 0x02, 0x00, 0x01, 0x00, 0, 0, 0, 0)
	at := bytes.Index(raw, inline)
	if at < 0 {
		t.Fatal("no inline bucket page in the file")
	}
	raw[at+16+8] = 0 // flags: neither leaf nor branch
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- store.CheckFile(path, time.Minute) }()
	select {
	case err := <-done:
		if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "neither a branch nor a leaf") {
			t.Errorf("CheckFile: %v, want damaged: neither a branch nor a leaf", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("CheckFile still running after 30 s")
	}
}
