package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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

// Warm opens the whole pool before the first text: every connection is
// a server process already, so no text waits for one to start.
func TestWarmOpensThePool(t *testing.T) {
	url := pgtest.URL(t)
	db := mustOpen(t, url+"&pool_max_conns=3&application_name=textfix_warm_test")
	count := func() int {
		t.Helper()
		conn, err := pgx.Connect(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var n int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'textfix_warm_test'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	db.Warm(t.Context())
	if n := count(); n != 3 || before >= 3 {
		t.Errorf("connections open: %d before Warm, %d after; want fewer than 3, then 3", before, n)
	}
	// And the pool still works.
	if _, _, err := db.Inbound(t.Context(), bot.Claim{SID: "SM1", From: "+15550000001"}, func(bot.Tx) ([]bot.Line, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
}
