package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/textfix/textfix/store"
	"github.com/textfix/textfix/web"
)

// fly.toml must agree with the code: the port it routes to, the volume the
// database lives on, the health check path, and the settings that keep one
// always-on machine.
func TestFlyTomlMatchesDefaults(t *testing.T) {
	var fly struct {
		KillSignal  string            `toml:"kill_signal"`
		KillTimeout int               `toml:"kill_timeout"`
		Env         map[string]string `toml:"env"`
		Mounts      struct {
			Source, Destination string
		} `toml:"mounts"`
		HTTPService struct {
			InternalPort     int    `toml:"internal_port"`
			AutoStopMachines string `toml:"auto_stop_machines"`
			Checks           []struct {
				Method, Path string
			} `toml:"checks"`
		} `toml:"http_service"`
	}
	if _, err := toml.DecodeFile("../../fly.toml", &fly); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(DefaultAddr)
	if _, p, _ := net.SplitHostPort(fly.Env["TEXTFIX_ADDR"]); p != port || fly.HTTPService.InternalPort != 8080 || port != "8080" {
		t.Errorf("ports: fly internal_port %d, env TEXTFIX_ADDR %q, code default %q", fly.HTTPService.InternalPort, fly.Env["TEXTFIX_ADDR"], DefaultAddr)
	}
	if db := fly.Env["TEXTFIX_DB"]; path.Dir(db) != fly.Mounts.Destination || db != "/data/textfix.db" {
		t.Errorf("TEXTFIX_DB %q is not on the volume mounted at %q", db, fly.Mounts.Destination)
	}
	if fly.HTTPService.AutoStopMachines != "off" {
		t.Errorf("auto_stop_machines = %q; a stopped machine cannot answer Twilio in time", fly.HTTPService.AutoStopMachines)
	}
	if fly.KillSignal != "SIGTERM" && fly.KillSignal != "SIGINT" || fly.KillTimeout < 11 {
		t.Errorf("kill_signal %q / kill_timeout %d: serve handles SIGINT and SIGTERM and needs >10s to drain", fly.KillSignal, fly.KillTimeout)
	}
	if len(fly.HTTPService.Checks) == 0 {
		t.Fatal("no http_service.checks")
	}
	// The checked path answers 200 without a signature on a real server.
	db, err := store.Open(t.TempDir() + "/t.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg, _ := LoadConfig(func(string) string { return "" })
	lib, _, err := cfg.Flows()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{AuthToken: "production-token", Store: db}, cfg.Engine(lib))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range fly.HTTPService.Checks {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(c.Method, c.Path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("health check %s %s = %d", c.Method, c.Path, rec.Code)
		}
	}
}
