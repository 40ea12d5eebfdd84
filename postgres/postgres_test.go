package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/postgres"
	"github.com/textfix/textfix/postgres/pgtest"
	"github.com/textfix/textfix/store/storetest"
)

// mustOpen opens a store on a fresh schema and closes it when the test
// ends.
func mustOpen(tb testing.TB, url string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), postgres.Config{URL: url})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// The storage contract, on PostgreSQL.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock func() time.Time) bot.Store {
		db := mustOpen(t, pgtest.URL(t))
		db.Now = clock
		return db
	})
	storetest.RunRetainer(t, func(t *testing.T, clock func() time.Time) storetest.Retaining {
		db := mustOpen(t, pgtest.URL(t))
		db.Now = clock
		return db
	})
}
