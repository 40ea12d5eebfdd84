package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
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

// Without tesseract, start-up says once that pictures get the "in words"
// answer, HELP does not offer screenshots, and the server runs.
func TestStartWithoutTesseract(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no tesseract there
	app, logs := runApp(t, production)
	if n := strings.Count(logs, "screenshots: tesseract not found; picture messages get 'text me the error in words'"); n != 1 {
		t.Errorf("%d lines about tesseract:\n%s", n, logs)
	}
	if app.Config.Screenshots || app.web.Engine().Screenshots {
		t.Error("screenshots on without tesseract")
	}

	// The console says so too (sandbox mode: open to loopback).
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"TEXTFIX_ADDR": "127.0.0.1:0", "TEXTFIX_DB": filepath.Join(t.TempDir(), "t.db")}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err = NewApp(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	req := httptest.NewRequest(http.MethodGet, "/console", nil)
	req.RemoteAddr = "127.0.0.1:50000"
	rec := httptest.NewRecorder()
	app.web.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Screenshots: tesseract is not installed") {
		t.Errorf("console (%d) lacks the tesseract banner", rec.Code)
	}
}

// With Twilio credentials and tesseract, pictures are read and HELP says
// screenshots work and are deleted.
func TestStartReadsScreenshots(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tesseract is not installed; CI must install it (.ci/run)")
		}
		t.Skip("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-eng")
	}
	app, logs := runApp(t, production)
	if !app.web.Engine().Screenshots || !strings.Contains(logs, "screenshots: reading pictures") {
		t.Errorf("screenshots off with tesseract and credentials:\n%s", logs)
	}
}

// production is the environment of a server with Twilio credentials.
var production = map[string]string{
	"TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
	"TWILIO_FROM": "+15555550000", "TEXTFIX_PUBLIC_URL": "https://textfix.example.com",
	"TEXTFIX_CONSOLE_PASSWORD": "a long enough password", "TEXTFIX_OPERATOR_PHONES": "+15555559999",
}
