package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// fillClaims writes numbers×perNumber claims as Inbound would, each
// beside its number's transcript (two lines per text), straight into the
// file: claim i of number p made at t0 + (i·numbers + order[p]) ms, where
// order shuffles the numbers, so that claims close in time belong to
// numbers far apart in the file, as texts arrive.
func fillClaims(t testing.TB, db *DB, numbers, perNumber int, t0 time.Time) {
	t.Helper()
	order := rand.New(rand.NewPCG(1, 2)).Perm(numbers)
	body := "How does Claude Code sign in? 1) Claude plan 2) API key from the Claude Console 3) Console account 4) Bedrock, Vertex or a gateway."
	const chunk = 5000
	for lo := 0; lo < numbers; lo += chunk {
		raw(t.(*testing.T), db, func(tx *bolt.Tx) error {
			nb, ib := tx.Bucket(bucketKeys[atNumbers]), tx.Bucket(bucketKeys[atClaimsAt])
			nb.FillPercent, ib.FillPercent = fillPercent[atNumbers], fillPercent[atClaimsAt]
			for p := lo; p < min(lo+chunk, numbers); p++ {
				phone := fmt.Sprintf("+1555%07d", p)
				for i := range perNumber {
					at := t0.Add(time.Duration(i*numbers+order[p]) * time.Millisecond)
					sid := fmt.Sprintf("SM%032x", i*numbers+p)
					seq := uint64(2*i + 1)
					for j, l := range []bot.Line{{Dir: bot.In, Body: "claude code 403", At: at, MessageID: sid}, {Dir: bot.Out, Body: body, At: at}} {
						if err := nb.Put(lineKey(phone, seq+uint64(j)), encodeLine(nil, l)); err != nil {
							return err
						}
					}
					if err := nb.Put(claimKey(phone, sid), encodeClaim(timeKey(at), seq+1, 1, nil)); err != nil {
						return err
					}
					if err := ib.Put(claimAtKey(timeKey(at), phone, sid), nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
}

// PruneClaims deletes in transactions of at most claimBatch, oldest
// first, however large max is.
func TestPruneBatches(t *testing.T) {
	db := openTest(t)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	fillClaims(t, db, 100, 5, t0) // 500 claims, one a millisecond
	commits := db.writes.commits.Load()
	n, err := db.PruneClaims(context.Background(), t0.Add(400*time.Millisecond), 1000)
	if err != nil || n != 400 {
		t.Fatalf("pruned %d, %v; want the 400 older claims", n, err)
	}
	if c := db.writes.commits.Load() - commits; c != (400+claimBatch-1)/claimBatch {
		t.Errorf("%d transactions for 400 claims, want %d of at most %d", c, (400+claimBatch-1)/claimBatch, claimBatch)
	}
	for _, tt := range []struct {
		i    int
		want bool
	}{{0, false}, {399, false}, {400, true}, {499, true}} {
		c := bot.Claim{SID: fmt.Sprintf("SM%032x", tt.i), From: fmt.Sprintf("+1555%07d", tt.i%100)}
		if _, ok, err := db.Replay(context.Background(), c); err != nil || ok != tt.want {
			t.Errorf("claim %d replays: %v, %v; want %v", tt.i, ok, err, tt.want)
		}
	}
}

// With 300,000 claims (100,000 numbers, three texts each) a prune with
// nothing to prune reads one index key, and one that prunes holds the
// writer for one batch at a time: the test reports how long (over the
// first 500 batches; the cost of a batch depends on the file, not on how
// many ran before) beside a lone four-page commit on the same disk.
// Times vary with the disk; the test asserts only the batches.
func TestPruneHoldsTheWriterBriefly(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 300,000 claims")
	}
	db := openTest(t)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	fillClaims(t, db, 100_000, 3, t0)
	t.Logf("300,000 claims written in %v", time.Since(start).Round(time.Millisecond))
	ctx := context.Background()

	start = time.Now()
	if n, err := db.PruneClaims(ctx, t0, 1000); err != nil || n != 0 {
		t.Fatalf("nothing old: %d, %v", n, err)
	}
	t.Logf("a prune with nothing to prune (as at start-up): %v", time.Since(start).Round(time.Microsecond))

	var lone []time.Duration
	for range 200 {
		if err := db.Update(ctx, "", func(tx bot.Tx) error { return tx.Record([]bot.Event{{Kind: bot.EventStart, Flow: "f"}}, t0) }); err != nil {
			t.Fatal(err)
		}
		lone = append(lone, time.Duration(db.writes.held.Load()))
	}
	var held []time.Duration
	commits := db.writes.commits.Load()
	const batches = 500
	n, err := db.PruneClaims(ctx, t0.Add(time.Hour), claimBatch)
	for i := 0; i < batches && err == nil && n == claimBatch; i++ {
		held = append(held, time.Duration(db.writes.held.Load()))
		n, err = db.PruneClaims(ctx, t0.Add(time.Hour), claimBatch)
	}
	if err != nil || n != claimBatch || db.writes.commits.Load()-commits != batches+1 {
		t.Fatalf("%d batches of %d: the last pruned %d, %v", db.writes.commits.Load()-commits, claimBatch, n, err)
	}
	t.Logf("%d batches of %d claims: writer held %s; a lone four-page commit: %s", batches, claimBatch, quantiles(held), quantiles(lone))
}

// quantiles summarises durations.
func quantiles(d []time.Duration) string {
	slices.Sort(d)
	q := func(p int) time.Duration { return d[len(d)*p/100].Round(10 * time.Microsecond) }
	return fmt.Sprintf("p50 %v, p90 %v, p99 %v, max %v", q(50), q(90), q(99), d[len(d)-1].Round(10*time.Microsecond))
}
