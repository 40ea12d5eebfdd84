package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/internal/stacktest"
	"github.com/textfix/textfix/store"
)

// chatDB writes a database with a conversation from each of n numbers
// through textfix chat, ending on a fix page, and returns its path.
func chatDB(t *testing.T, n int) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "textfix.db")
	for i := range n {
		from := fmt.Sprintf("+1555555%04d", i)
		script := fmt.Sprintf("claude code 403 zebra%04dkumquat\nI use an api key\ncurl says 403 too\nit said region not supported\n", i)
		if code, _, e := runCLI(t, nil, script, "chat", "--db", db, "--from", from); code != 0 {
			t.Fatal(e)
		}
	}
	return db
}

var pageIDRe = regexp.MustCompile(`"page_id": "([^"]+)"`)

// textfix forget leaves no byte of the number, its texts or its fix page
// in the database file: the CLI's Close scrubs the freed pages.
func TestForgetCommandLeavesNoBytes(t *testing.T) {
	db := chatDB(t, 12)
	const who, said = "+15555550007", "zebra0007kumquat"
	code, out, _ := runCLI(t, nil, "", "conversations", who, "--db", db, "--json")
	m := pageIDRe.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("no fix page for %s: %d\n%s", who, code, out)
	}
	secrets := []string{who, said, m[1]}
	raw, _ := os.ReadFile(db)
	for _, s := range secrets {
		if !bytes.Contains(raw, []byte(s)) {
			t.Fatalf("before forget the file lacks %q: this test would prove nothing", s)
		}
	}
	if code, out, e := runCLI(t, nil, "", "forget", who, "--db", db); code != 0 || out != "forgot "+who+"\n" {
		t.Fatalf("forget: %d %q %s", code, out, e)
	}
	raw, _ = os.ReadFile(db)
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("after forget the file still holds %q", s)
		}
	}
	if !bytes.Contains(raw, []byte("zebra0008kumquat")) {
		t.Error("forget erased another number's text too")
	}
}

// textfix restore: refuses a damaged backup and a file a server holds,
// and restores a checked one into a stopped deployment.
func TestRestoreCommand(t *testing.T) {
	src := chatDB(t, 2)
	backups := t.TempDir()
	live, err := store.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	backup, err := live.BackupTo(context.Background(), backups, 7, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, _, e := runCLI(t, nil, "", "restore", backup, "--db", src)
	if want := "textfix: the server is using " + src + ": stop it, then restore\n"; code != 1 || e != want {
		t.Errorf("restore onto a file in use: %d %q, want %q", code, e, want)
	}
	live.Close()

	target := filepath.Join(t.TempDir(), "data", "textfix.db")
	bad := filepath.Join(t.TempDir(), "bad.db")
	raw, _ := os.ReadFile(backup)
	if err := os.WriteFile(bad, raw[:len(raw)/3], 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, e = runCLI(t, nil, "", "restore", bad, "--db", target)
	if code != 1 || strings.Count(e, "\n") != 1 || !strings.Contains(e, "the backup "+bad+" is damaged (truncated") || !strings.Contains(e, "nothing was changed") {
		t.Errorf("restore of a damaged backup: %d %q", code, e)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("a refused restore left %s: %v", target, err)
	}
	code, out, e := runCLI(t, map[string]string{"TEXTFIX_DB": target}, "", "restore", backup)
	if code != 0 || !strings.HasPrefix(out, "restored "+target) {
		t.Fatalf("restore: %d %q %s", code, out, e)
	}
	if code, out, _ := runCLI(t, nil, "", "conversations", "--db", target); code != 0 || !strings.Contains(out, "+15555550001") {
		t.Errorf("after restore: %d\n%s", code, out)
	}
}

func TestRetentionAndBackupConfig(t *testing.T) {
	c, err := LoadConfig(func(string) string { return "" })
	if err != nil || c.Retain != 90*24*time.Hour || c.BackupDir != "" || c.BackupEvery != 6*time.Hour || c.BackupKeep != 7 || c.SkipCheck {
		t.Errorf("defaults: %+v %v", c, err)
	}
	env := map[string]string{"TEXTFIX_RETAIN": "30d", "TEXTFIX_BACKUP_DIR": "/data/backups", "TEXTFIX_BACKUP_EVERY": "1d", "TEXTFIX_BACKUP_KEEP": "14", "TEXTFIX_SKIP_CHECK": "1"}
	c, err = LoadConfig(func(k string) string { return env[k] })
	if err != nil || c.Retain != 30*24*time.Hour || c.BackupDir != "/data/backups" || c.BackupEvery != 24*time.Hour || c.BackupKeep != 14 || !c.SkipCheck {
		t.Errorf("set: %+v %v", c, err)
	}
	for k, v := range map[string]string{"TEXTFIX_RETAIN": "1h", "TEXTFIX_BACKUP_EVERY": "soon", "TEXTFIX_BACKUP_KEEP": "0", "TEXTFIX_SKIP_CHECK": "yes"} {
		if _, err := LoadConfig(func(key string) string { return map[string]string{k: v}[key] }); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v, want an error naming it", k, v, err)
		}
	}
}

// With TEXTFIX_BACKUP_DIR the server writes a checked backup at start
// (and every TEXTFIX_BACKUP_EVERY), and says so.
func TestServerWritesBackups(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	env := map[string]string{"TEXTFIX_ADDR": "127.0.0.1:0", "TEXTFIX_DB": filepath.Join(t.TempDir(), "t.db"), "TEXTFIX_BACKUP_DIR": dir}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logs stacktest.Buffer
	app, err := NewApp(cfg, &logs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	var names []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && len(names) == 0; time.Sleep(20 * time.Millisecond) {
		names, _ = store.Backups(dir)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 {
		t.Fatalf("backups after start: %q\n%s", names, logs.String())
	}
	if err := store.CheckFile(filepath.Join(dir, names[0]), 10*time.Second); err != nil {
		t.Errorf("the backup fails its check: %v", err)
	}
	if !strings.Contains(logs.String(), "backup written and checked") {
		t.Errorf("no log of the backup:\n%s", logs.String())
	}
}
