package console_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/textfix/textfix/store"
)

// GET /console/backup streams a consistent snapshot of the store, as a
// download named for its time, to an operator with a session only.
func TestConsoleBackup(t *testing.T) {
	e := newConsole(t)
	e.Say(personA, "claude code 403")

	rec, _ := e.browser().get("/console/backup")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("without a session: %d, want a redirect to the login page", rec.Code)
	}

	b := e.browser()
	b.login()
	rec, body := b.get("/console/backup")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/octet-stream" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("backup: %d %v", rec.Code, rec.Header())
	}
	if cd := rec.Header().Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="textfix-\d{8}T\d{6}Z\.db"$`).MatchString(cd) {
		t.Errorf("Content-Disposition %q", cd)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.CheckFile(path, 10*time.Second); err != nil {
		t.Fatalf("the download fails the check: %v", err)
	}
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Conversation(context.Background(), personA); err != nil {
		t.Errorf("the backup lacks the conversation: %v", err)
	}
}

// Forget from the console: once the store's scrub has run (ScrubDelay
// after the forget; 30 s in production), no byte of the number or its
// texts is in the database file, while the server keeps serving.
func TestConsoleForgetLeavesNoBytes(t *testing.T) {
	e := newConsole(t)
	e.DB.ScrubDelay = 100 * time.Millisecond
	e.Say(personB, "claude code 403 aardvark-quokka-5521")
	e.Say(personA, "claude code 401")
	raw, err := os.ReadFile(e.DB.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("aardvark-quokka-5521")) || !bytes.Contains(raw, []byte(personB)) {
		t.Fatal("the file lacks the text before forget: this test would prove nothing")
	}
	b := e.browser()
	b.login()
	b.page("/console/conversation?phone=" + url.QueryEscape(personB))
	if rec, _ := b.post("/console/conversation/forget", url.Values{"phone": {personB}, "confirm": {"0102"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("forget: %d", rec.Code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		raw, err = os.ReadFile(e.DB.Path())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(raw, []byte("aardvark-quokka-5521")) && !bytes.Contains(raw, []byte(personB)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("10 s after the forget the file still holds the number or its text")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := e.Say(personA, "back"); len(got) == 0 {
		t.Error("no reply to another number after the scrub")
	}
}
