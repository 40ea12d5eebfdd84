package postgres

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// Analytics: counters per flow, UTC day, kind, node and destination, and
// unmatched answers per flow, node and text (all time). A popular counter
// updated in place would make every text wait for the commit of the one
// before (its row lock is held until commit, fsync included), so a commit
// appends its counts to stats_deltas and unmatched_deltas, which have no
// key to wait on, and FoldCounters, run by the leader, moves them into the
// totals. Readers sum totals and deltas.

type statKey struct{ flow, day, kind, node, dest string }

type missKey struct{ flow, node, text string }

// Record implements bot.Tx.
func (st *stage) Record(events []bot.Event, now time.Time) error {
	day := now.UTC().Format(time.DateOnly)
	for _, e := range events {
		k := statKey{flow: e.Flow, day: day, kind: string(e.Kind)}
		switch e.Kind {
		case bot.EventEdge:
			k.node, k.dest = e.Node, e.To
		case bot.EventMiss:
			k.node = e.Node
			if text := strings.ToLower(strings.TrimSpace(e.Text)); text != "" {
				k := missKey{e.Flow, e.Node, text}
				st.misses[k]++
				if now.After(st.seen[k]) {
					st.seen[k] = now
				}
			}
		}
		st.stats[k]++
	}
	return nil
}

func compareStatKeys(a, b statKey) int {
	return cmp.Or(cmp.Compare(a.flow, b.flow), cmp.Compare(a.day, b.day), cmp.Compare(a.kind, b.kind), cmp.Compare(a.node, b.node), cmp.Compare(a.dest, b.dest))
}

func compareMissKeys(a, b missKey) int {
	return cmp.Or(cmp.Compare(a.flow, b.flow), cmp.Compare(a.node, b.node), cmp.Compare(a.text, b.text))
}

// queueStats appends the transaction's counts, one statement per table.
func (st *stage) queueStats(b *commit) {
	if len(st.stats) > 0 {
		var flow, day, kind, node, dest []string
		var n []int64
		for _, k := range sortedFunc(st.stats, compareStatKeys) {
			flow, day, kind, node, dest = append(flow, k.flow), append(day, k.day), append(kind, k.kind), append(node, k.node), append(dest, k.dest)
			n = append(n, st.stats[k])
		}
		b.Queue(`INSERT INTO stats_deltas (flow, day, kind, node, dest, n)
			SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::bigint[])`, flow, day, kind, node, dest, n)
	}
	if len(st.misses) > 0 {
		var flow, node, text []string
		var n []int64
		var seen []time.Time
		for _, k := range sortedFunc(st.misses, compareMissKeys) {
			flow, node, text = append(flow, k.flow), append(node, k.node), append(text, k.text)
			n, seen = append(n, st.misses[k]), append(seen, st.seen[k])
		}
		b.Queue(`INSERT INTO unmatched_deltas (flow, node, text, n, seen)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[])`, flow, node, text, n, seen)
	}
}

// FoldCounters moves the counts appended by texts into the totals, in one
// transaction, and returns how many it moved. The leader runs it every
// few seconds (textfix serve); a count is read the same before and after.
func (db *DB) FoldCounters(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("postgres: fold counters: %w", err)
	}
	var n int
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		n = 0
		for _, q := range []string{
			`WITH d AS (DELETE FROM stats_deltas RETURNING *)
			INSERT INTO stats (flow, day, kind, node, dest, n)
			SELECT flow, day, kind, node, dest, sum(n) FROM d GROUP BY flow, day, kind, node, dest
			ON CONFLICT (flow, day, kind, node, dest) DO UPDATE SET n = stats.n + excluded.n`,
			`WITH d AS (DELETE FROM unmatched_deltas RETURNING *)
			INSERT INTO unmatched (flow, node, text, n, seen)
			SELECT flow, node, text, sum(n), max(seen) FROM d GROUP BY flow, node, text
			ON CONFLICT (flow, node, text) DO UPDATE SET n = unmatched.n + excluded.n, seen = greatest(unmatched.seen, excluded.seen)`,
		} {
			tag, err := tx.Exec(ctx, q)
			if err != nil {
				return err
			}
			n += int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: fold counters: %w", err)
	}
	return n, nil
}

// Stats implements bot.StatsReader.
func (db *DB) Stats(ctx context.Context, flow string, since time.Time) (bot.Stats, error) {
	s := bot.Stats{Edges: map[string]int{}, Misses: map[string]int{}, Unmatched: map[string][]bot.TextCount{}}
	if err := ctx.Err(); err != nil {
		return s, fmt.Errorf("postgres: stats: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT kind, node, dest, sum(n) FROM
			(SELECT kind, node, dest, n FROM stats WHERE flow = $1 AND day >= $2::date
			UNION ALL SELECT kind, node, dest, n FROM stats_deltas WHERE flow = $1 AND day >= $2::date) s
		GROUP BY kind, node, dest`, flow, since.UTC().Format(time.DateOnly))
	if err != nil {
		return s, fmt.Errorf("postgres: stats: %w", err)
	}
	for rows.Next() {
		var (
			kind, node, dest string
			n                int
		)
		if err := rows.Scan(&kind, &node, &dest, &n); err != nil {
			return s, fmt.Errorf("postgres: stats: %w", err)
		}
		s.Add(bot.EventKind(kind), node, dest, n)
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("postgres: stats: %w", err)
	}
	rows, err = db.pool.Query(ctx, `SELECT node, text, n FROM (
			SELECT node, text, sum(n) AS n, row_number() OVER (PARTITION BY node ORDER BY sum(n) DESC, text COLLATE "C") AS rank
			FROM (SELECT node, text, n FROM unmatched WHERE flow = $1
				UNION ALL SELECT node, text, n FROM unmatched_deltas WHERE flow = $1) u
			GROUP BY node, text) t
		WHERE rank <= 5 ORDER BY node, rank`, flow)
	if err != nil {
		return s, fmt.Errorf("postgres: stats: %w", err)
	}
	for rows.Next() {
		var tc bot.TextCount
		var node string
		if err := rows.Scan(&node, &tc.Text, &tc.Count); err != nil {
			return s, fmt.Errorf("postgres: stats: %w", err)
		}
		s.Unmatched[node] = append(s.Unmatched[node], tc)
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("postgres: stats: %w", err)
	}
	return s, nil
}
