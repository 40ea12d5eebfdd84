package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/postgres/pgtest"
	"github.com/textfix/textfix/store"
)

// runCLI runs a textfix command in-process, as a shell would.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cli := &CLI{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code = cli.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "sandbox defaults", env: map[string]string{}, check: func(t *testing.T, c Config) {
			if !c.Sandbox() || c.Addr != DefaultSandboxAddr || c.DB != DefaultDB || c.PublicURL != "http://127.0.0.1:8080" || c.IdleAfter != 24*time.Hour {
				t.Errorf("%+v", c)
			}
		}},
		{name: "production", env: map[string]string{"TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "+15550001111",
			"TEXTFIX_CONSOLE_PASSWORD": "twelve chars", "TEXTFIX_PUBLIC_URL": "https://x.fly.dev/", "TEXTFIX_OPERATOR_PHONES": "+15550002222, +15550003333"},
			check: func(t *testing.T, c Config) {
				if c.Sandbox() || c.Addr != DefaultAddr || c.PublicURL != "https://x.fly.dev" || len(c.OperatorPhones) != 2 {
					t.Errorf("%+v", c)
				}
			}},
		{name: "metrics token", env: map[string]string{"TEXTFIX_METRICS_TOKEN": "scrape"}, check: func(t *testing.T, c Config) {
			if c.MetricsToken != "scrape" {
				t.Errorf("metrics token %q", c.MetricsToken)
			}
		}},
		// A console password outside sandbox mode is at least 12
		// characters (runes, not bytes).
		{name: "production with a short console password", env: map[string]string{"TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "+15550001111",
			"TEXTFIX_CONSOLE_PASSWORD": "x", "TEXTFIX_PUBLIC_URL": "https://x.fly.dev"}, wantErr: "TEXTFIX_CONSOLE_PASSWORD must be at least 12 characters"},
		{name: "production with an 11-character console password", env: map[string]string{"TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "+15550001111",
			"TEXTFIX_CONSOLE_PASSWORD": "ünïcödé1234", "TEXTFIX_PUBLIC_URL": "https://x.fly.dev"}, wantErr: "at least 12 characters"},
		{name: "sandbox with a short console password", env: map[string]string{"TEXTFIX_CONSOLE_PASSWORD": "x"}, check: func(t *testing.T, c Config) {
			if c.ConsolePassword != "x" {
				t.Errorf("password %q", c.ConsolePassword)
			}
		}},
		// Fly-Client-IP is trusted on Fly.io only, where Fly's proxy
		// overwrites it; anywhere else any client could write it.
		{name: "client address on Fly", env: map[string]string{"FLY_APP_NAME": "textfix"}, check: func(t *testing.T, c Config) {
			if c.ClientIPHeader != "Fly-Client-IP" {
				t.Errorf("client IP header %q on Fly", c.ClientIPHeader)
			}
		}},
		{name: "client address off Fly", env: map[string]string{}, check: func(t *testing.T, c Config) {
			if c.ClientIPHeader != "" {
				t.Errorf("client IP header %q off Fly", c.ClientIPHeader)
			}
		}},
		{name: "production without console password", env: map[string]string{"TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "+15550001111"}, wantErr: "TEXTFIX_CONSOLE_PASSWORD"},
		{name: "production without sender", env: map[string]string{"TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1", "TEXTFIX_CONSOLE_PASSWORD": "twelve chars"}, wantErr: "TWILIO_FROM"},
		{name: "token without sid", env: map[string]string{"TWILIO_AUTH_TOKEN": "t"}, wantErr: "TWILIO_ACCOUNT_SID"},
		{name: "bad operator phone", env: map[string]string{"TEXTFIX_OPERATOR_PHONES": "555-1234"}, wantErr: "E.164"},
		{name: "bad idle", env: map[string]string{"TEXTFIX_IDLE_AFTER": "soon"}, wantErr: "TEXTFIX_IDLE_AFTER"},
		{name: "office hours", env: map[string]string{"TEXTFIX_OFFICE_HOURS": "Mon-Fri 09-18 America/New_York"}, check: func(t *testing.T, c Config) {
			// Friday 2026-11-27 10:00 in New York is open; Saturday is not.
			ny, _ := time.LoadLocation("America/New_York")
			if !c.Hours.Open(time.Date(2026, 11, 27, 10, 0, 0, 0, ny)) || c.Hours.Open(time.Date(2026, 11, 28, 10, 0, 0, 0, ny)) {
				t.Errorf("hours %+v", c.Hours)
			}
			if next := c.Hours.NextOpen(time.Date(2026, 11, 27, 19, 0, 0, 0, ny)); next.Weekday() != time.Monday || next.Hour() != 9 {
				t.Errorf("next open %v", next)
			}
		}},
		{name: "bad office hours", env: map[string]string{"TEXTFIX_OFFICE_HOURS": "weekdays"}, wantErr: "TEXTFIX_OFFICE_HOURS"},
		// Production signs webhooks over the public URL: without one every
		// real text would be refused, so textfix does not start.
		{name: "production without public URL", env: map[string]string{"TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "+15550001111",
			"TEXTFIX_CONSOLE_PASSWORD": "twelve chars"}, wantErr: "TEXTFIX_PUBLIC_URL is required"},
		{name: "public URL without scheme", env: map[string]string{"TEXTFIX_PUBLIC_URL": "textfix.fly.dev"}, wantErr: "TEXTFIX_PUBLIC_URL"},
		{name: "public URL with a query", env: map[string]string{"TEXTFIX_PUBLIC_URL": "https://x.fly.dev/?a=b"}, wantErr: "TEXTFIX_PUBLIC_URL"},
		{name: "database URL", env: map[string]string{"TEXTFIX_DATABASE_URL": "postgres://u:p@db.internal:6432/textfix"}, check: func(t *testing.T, c Config) {
			if c.DatabaseURL != "postgres://u:p@db.internal:6432/textfix" || c.DatabaseDirectURL != c.DatabaseURL {
				t.Errorf("database %q, direct %q: want the direct URL to default to the pooled one", c.DatabaseURL, c.DatabaseDirectURL)
			}
		}},
		{name: "direct database URL", env: map[string]string{"TEXTFIX_DATABASE_URL": "postgres://u:p@pooler:6432/textfix", "TEXTFIX_DATABASE_DIRECT_URL": "postgresql://u:p@db:5432/textfix"},
			check: func(t *testing.T, c Config) {
				if c.DatabaseDirectURL != "postgresql://u:p@db:5432/textfix" {
					t.Errorf("direct %q", c.DatabaseDirectURL)
				}
			}},
		{name: "database URL not postgres", env: map[string]string{"TEXTFIX_DATABASE_URL": "data/textfix.db"}, wantErr: "TEXTFIX_DATABASE_URL: want a postgres:// URL"},
		{name: "direct URL alone", env: map[string]string{"TEXTFIX_DATABASE_DIRECT_URL": "postgres://db/textfix"}, wantErr: "TEXTFIX_DATABASE_URL is not"},
		{name: "log level default", env: map[string]string{}, check: func(t *testing.T, c Config) {
			if c.LogLevel != slog.LevelInfo {
				t.Errorf("log level %v", c.LogLevel)
			}
		}},
		{name: "log level debug", env: map[string]string{"TEXTFIX_LOG_LEVEL": "debug"}, check: func(t *testing.T, c Config) {
			if c.LogLevel != slog.LevelDebug {
				t.Errorf("log level %v", c.LogLevel)
			}
		}},
		{name: "log level any case", env: map[string]string{"TEXTFIX_LOG_LEVEL": "WARN"}, check: func(t *testing.T, c Config) {
			if c.LogLevel != slog.LevelWarn {
				t.Errorf("log level %v", c.LogLevel)
			}
		}},
		{name: "log level error", env: map[string]string{"TEXTFIX_LOG_LEVEL": "error"}, check: func(t *testing.T, c Config) {
			if c.LogLevel != slog.LevelError {
				t.Errorf("log level %v", c.LogLevel)
			}
		}},
		{name: "bad log level", env: map[string]string{"TEXTFIX_LOG_LEVEL": "verbose"}, wantErr: `TEXTFIX_LOG_LEVEL: "verbose" is not debug, info, warn or error`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// Plain-English conversations piped into `textfix chat --json` reach the
// leaf of claude-code-403 for each cause the seed names (API key users),
// and for a plan user. A revoked key, the seed's last guess, gives 401:
// the curl test's 401 row covers it.
func TestChatReachesEverySeedCause(t *testing.T) {
	tests := []struct {
		texts []string
		node  string
	}{
		{[]string{"claude code keeps saying request failed with status code 403", "api key", "curl worked fine, got a 200 back"}, "fix-claude-config"},
		{[]string{"claude code 403 error with my api key", "curl gave me a 401"}, "fix-new-key"},
		{[]string{"getting 403 in claude code", "I use an api key", "curl says 403 too", "it says region not supported"}, "fix-region"},
		{[]string{"claude code 403 forbidden", "api key from the console", "403 as well", "the message says model not enabled"}, "fix-model-access"},
		{[]string{"Claude Code: request failed with status code 403", "sk-ant key", "also 403", "unusual activity detected"}, "fix-abuse"},
		{[]string{"claude 403", "api key", "403", "its empty", "yes we changed billing last week"}, "fix-workspace-model"},
		{[]string{"claude 403", "api key", "403", "blank", "no", "yes we're behind zscaler"}, "fix-proxy"},
		{[]string{"claude code 403 with my api key, body says Region not supported"}, "fix-region"},
		{[]string{"claude code 403 request not allowed, i'm on max", "its active, nothing changed"}, "fix-plan-stray-key"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, nil, strings.Join(tt.texts, "\n")+"\n", "chat", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(tt.texts) {
			t.Fatalf("%d JSON lines for %d texts:\n%s", len(lines), len(tt.texts), out)
		}
		var last struct {
			In      string   `json:"in"`
			Replies []string `json:"replies"`
			Flow    string   `json:"flow"`
			Node    string   `json:"node"`
			Status  string   `json:"status"`
		}
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
			t.Fatal(err)
		}
		if last.Flow != "claude-code-403" || last.Node != tt.node || last.Status != "fixed" {
			t.Errorf("%q: ended at %s/%s (%s), want %s\n%s", tt.texts, last.Flow, last.Node, last.Status, tt.node, out)
		}
		if len(last.Replies) != 1 || !strings.Contains(last.Replies[0], "/f/") {
			t.Errorf("%q: no fix link in %q", tt.texts, last.Replies)
		}
	}
}

// Without --db, chat says once, on stderr, that its fix links point into
// a database deleted on exit; with --db the pages stay, and it says
// nothing.
func TestChatSaysLinksAreTemporary(t *testing.T) {
	texts := "claude code 403 request not allowed, i'm on max\nits active, nothing changed\nno\n" // two fix links
	for _, args := range [][]string{{"chat"}, {"chat", "--json"}} {
		code, out, errOut := runCLI(t, nil, texts, args...)
		if code != 0 || strings.Count(out, "/f/") < 2 {
			t.Fatalf("%v: exit %d, %d links\n%s", args, code, strings.Count(out, "/f/"), out)
		}
		if strings.Count(errOut, "temporary database") != 1 || strings.Contains(out, "temporary database") {
			t.Errorf("%v: stderr %q", args, errOut)
		}
	}
	db := filepath.Join(t.TempDir(), "kept.db")
	if code, _, errOut := runCLI(t, nil, texts, "chat", "--db", db); code != 0 || errOut != "" {
		t.Errorf("--db: exit %d, stderr %q", code, errOut)
	}
}

func TestFlowsCheckExitCodes(t *testing.T) {
	if code, out, _ := runCLI(t, nil, "", "flows", "check"); code != 0 || !strings.Contains(out, "OK") {
		t.Errorf("library: exit %d\n%s", code, out)
	}
	broken, _ := filepath.Glob("../../flows/testdata/broken/*")
	if len(broken) == 0 {
		t.Fatal("no broken flows")
	}
	for _, dir := range broken {
		code, out, _ := runCLI(t, nil, "", "flows", "check", dir)
		if code != 1 || !strings.Contains(out, ".yaml") || !strings.Contains(out, "error") {
			t.Errorf("%s: exit %d, want 1 naming the file\n%s", dir, code, out)
		}
	}
	if code, _, _ := runCLI(t, nil, "", "flows", "check", "/no/such/dir"); code != 1 {
		t.Errorf("missing dir: exit %d", code)
	}
	if code, _, _ := runCLI(t, map[string]string{"TEXTFIX_FLOWS_DIR": "../../flows/testdata/broken/unreachable"}, "", "flows", "check"); code != 1 {
		t.Errorf("broken TEXTFIX_FLOWS_DIR: exit %d", code)
	}
}

func TestConversationsAndForget(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	if code, _, e := runCLI(t, nil, "claude code 403\nsk-ant-api03-abcdefghijklmnop1234 is my key\n", "chat", "--db", db, "--from", "+15555550123"); code != 0 {
		t.Fatal(e)
	}
	code, out, _ := runCLI(t, nil, "", "conversations", "--db", db)
	if code != 0 || !strings.Contains(out, "+15555550123") || !strings.Contains(out, "claude-code-403") {
		t.Errorf("list: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "", "conversations", "+15555550123", "--db", db, "--json")
	if code != 0 || !strings.Contains(out, `"transcript"`) || strings.Contains(out, "sk-ant-api03-abcdefghijklmnop1234") || !strings.Contains(out, "[REDACTED]") {
		t.Errorf("one: %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, nil, "", "forget", "+15555550123", "--db", db); code != 0 {
		t.Errorf("forget: exit %d", code)
	}
	if code, _, e := runCLI(t, nil, "", "conversations", "+15555550123", "--db", db); code != 1 || !strings.Contains(e, "no conversation") {
		t.Errorf("after forget: %d %s", code, e)
	}
	if code, _, _ := runCLI(t, nil, "", "forget", "+15555550123", "--db", db); code != 1 {
		t.Errorf("forget twice: exit %d", code)
	}
	if code, _, _ := runCLI(t, nil, "", "bogus"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, _, _ := runCLI(t, nil, "", "chat", "--from", "12345"); code != 2 {
		t.Errorf("bad --from: exit %d", code)
	}
}

// On a file a running server holds, the database commands say so in one
// line naming the console page that does the same, not a lock timeout.
func TestDatabaseCommandsWhileServing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "textfix.db")
	db, err := store.Open(path) // the running server
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	env := map[string]string{"TEXTFIX_PUBLIC_URL": "https://textfix.example.com"}
	for _, tt := range []struct {
		args []string
		page string
	}{
		{[]string{"conversations"}, "https://textfix.example.com/console "},
		{[]string{"conversations", "+15555550123"}, "https://textfix.example.com/console/conversation?phone=%2B15555550123 "},
		{[]string{"forget", "+15555550123"}, "https://textfix.example.com/console/conversation?phone=%2B15555550123 "},
		{[]string{"pages", "show", "AbCdEfGhIjK12"}, "https://textfix.example.com/f/AbCdEfGhIjK12 "},
		{[]string{"pages", "revoke", "AbCdEfGhIjK12"}, "https://textfix.example.com/console "},
	} {
		code, out, errOut := runCLI(t, env, "", append(tt.args, "--db", path)...)
		want := "textfix: the server is using " + path + "; use " + tt.page + "instead, or stop the server\n"
		if code != 1 || out != "" || errOut != want {
			t.Errorf("%q: exit %d, stderr %q; want 1, %q", tt.args, code, errOut, want)
		}
	}
}

// flows check --against lists the live conversations of a bbolt file that
// the checked flows strand, numbers masked, with what each one's next
// text finds, and does the same on PostgreSQL; it refuses another
// database's URL.
func TestFlowsCheckAgainst(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	if code, _, e := runCLI(t, nil, "claude code 403\n2\n", "chat", "--db", db, "--from", "+15555550123"); code != 0 {
		t.Fatal(e)
	}
	dir := t.TempDir()
	files, _ := filepath.Glob("../../flows/library/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f) //nolint:gosec // the library
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, filepath.Base(f)), []byte(strings.ReplaceAll(string(data), "smoke-test", "smoke-check")), 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, nil, "", "flows", "check", dir, "--against", db)
	want := dir + ": 9 flow(s) OK\n" + db + ": 1 of 1 live conversation(s) stranded; their next text:\n" +
		"  ***0123 claude-code-403/smoke-test (active, node-gone): moved to question smoke-check, told the questions changed\n"
	if code != 0 || out != want {
		t.Errorf("exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
	}
	if code, out, _ := runCLI(t, nil, "", "flows", "check", "--against", db); code != 0 || !strings.HasSuffix(out, db+": no live conversation stranded (1 checked)\n") {
		t.Errorf("the flows it was made with: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, nil, "", "flows", "check", "--against", "mysql://u:secret@localhost/textfix"); code != 1 || !strings.Contains(errOut, "a bbolt file or a postgres:// URL") || strings.Contains(errOut, "secret") {
		t.Errorf("another database's URL: exit %d %s", code, errOut)
	}

	// The same conversation in PostgreSQL, where servers may be running.
	dbURL := pgtest.URL(t)
	if code, _, e := runCLI(t, nil, "", "store", "copy", "--from", db, "--to", dbURL); code != 0 {
		t.Fatal(e)
	}
	code, out, errOut = runCLI(t, nil, "", "flows", "check", dir, "--against", dbURL)
	if want := strings.Replace(want, db+":", dbURL+":", 1); code != 0 || out != want {
		t.Errorf("PostgreSQL: exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
	}
}
