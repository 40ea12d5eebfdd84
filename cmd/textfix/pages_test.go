package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

func TestPagesRevokeAndShow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "textfix.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	page := bot.Page{ID: "AbCdEfGhIjK12", Kind: "fix", Title: "Make a new API key", Created: time.Now()}
	if err := db.Update(context.Background(), "", func(tx bot.Tx) error { return tx.PutPage("", page) }); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if code, out, errOut := runCLI(t, nil, "", "pages", "show", page.ID, "--db", path); code != 0 || !strings.Contains(out, page.Title) || strings.Contains(out, `"revoked"`) {
		t.Fatalf("show: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, nil, "", "pages", "revoke", "--db", path, page.ID); code != 0 || !strings.Contains(out, "revoked "+page.ID) {
		t.Fatalf("revoke: %d %q %q", code, out, errOut)
	}
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Page(context.Background(), page.ID)
	db.Close()
	if err != nil || !got.Revoked {
		t.Fatalf("after revoke: %+v, %v", got, err)
	}
	// Revoking twice is fine; an unknown id is an error, not a crash.
	if code, _, _ := runCLI(t, nil, "", "pages", "revoke", page.ID, "--db", path); code != 0 {
		t.Errorf("second revoke exit %d", code)
	}
	if code, _, errOut := runCLI(t, nil, "", "pages", "revoke", "NoSuchPage123", "--db", path); code != 1 || !strings.Contains(errOut, "no page NoSuchPage123") {
		t.Errorf("unknown id: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, map[string]string{"TEXTFIX_DB": path}, "", "pages", "show", page.ID); code != 0 {
		t.Errorf("show with TEXTFIX_DB: %d %q", code, errOut)
	}
	for _, args := range [][]string{{"pages"}, {"pages", "revoke"}, {"pages", "delete", page.ID}, {"pages", "revoke", "a", "b", "--db", path}} {
		if code, _, _ := runCLI(t, nil, "", args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}
