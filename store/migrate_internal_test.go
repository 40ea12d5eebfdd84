package store

import (
	"compress/gzip"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// v1Fixture is a copy of testdata/v1.db.gz opened with bbolt.
func v1Fixture(t *testing.T) *bolt.DB {
	t.Helper()
	in, err := os.Open("testdata/v1.db.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// What the migration of the fixture moves, in transactions of a bounded
// size; a second run does nothing.
func TestMigrationCounts(t *testing.T) {
	b := v1Fixture(t)
	m, err := migrateWith(b, slog.New(slog.DiscardHandler), 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	m.Took = 0
	want := migration{Claims: 22, ClaimsAsLines: 22, Sent: 1, InboundSIDs: 21, Lines: 45, Numbers: 9, Conversations: 9, Transactions: m.Transactions}
	if m != want {
		t.Errorf("migrated %+v, want %+v", m, want)
	}
	if records := m.Claims + m.Sent + m.InboundSIDs + m.Lines + m.Conversations; m.Transactions < records/5 {
		t.Errorf("%d records in %d transactions: more than 5 in one", records, m.Transactions)
	}
	again, err := migrate(b, slog.New(slog.DiscardHandler))
	if err != nil || again != (migration{}) {
		t.Errorf("second migration: %+v, %v", again, err)
	}
}
