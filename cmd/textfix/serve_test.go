package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// runApp starts the server with env (sandbox, loopback, a fresh database)
// and stops it at once, returning what it logged.
func runApp(t *testing.T, env map[string]string) (*App, string) {
	t.Helper()
	full := map[string]string{"TEXTFIX_ADDR": "127.0.0.1:0", "TEXTFIX_DB": filepath.Join(t.TempDir(), "t.db")}
	for k, v := range env {
		full[k] = v
	}
	cfg, err := LoadConfig(func(k string) string { return full[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	app, err := NewApp(cfg, &logs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := app.Run(ctx); err != nil {
		t.Fatal(err)
	}
	return app, logs.String()
}

// Without operator phones nobody is texted about a handoff: start-up says
// so, loudly, once.
func TestStartWarnsWithoutOperators(t *testing.T) {
	_, logs := runApp(t, nil)
	if n := strings.Count(logs, "level=WARN msg=\"no TEXTFIX_OPERATOR_PHONES"); n != 1 {
		t.Errorf("%d warnings about operators:\n%s", n, logs)
	}
	_, logs = runApp(t, map[string]string{"TEXTFIX_OPERATOR_PHONES": "+15555559999"})
	if strings.Contains(logs, "TEXTFIX_OPERATOR_PHONES") {
		t.Errorf("warned with an operator set:\n%s", logs)
	}
}

// TEXTFIX_LOG_LEVEL reaches the logger: debug lines show at debug, and
// info lines do not at warn.
func TestLogLevel(t *testing.T) {
	app, _ := runApp(t, map[string]string{"TEXTFIX_LOG_LEVEL": "debug"})
	if !app.Log.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("debug is off at TEXTFIX_LOG_LEVEL=debug")
	}
	app, logs := runApp(t, map[string]string{"TEXTFIX_LOG_LEVEL": "warn"})
	if app.Log.Enabled(context.Background(), slog.LevelInfo) || strings.Contains(logs, "level=INFO") {
		t.Errorf("info lines at TEXTFIX_LOG_LEVEL=warn:\n%s", logs)
	}
	if app, _ := runApp(t, nil); app.Log.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("debug is on by default")
	}
}
