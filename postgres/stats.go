package postgres

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/textfix/textfix/bot"
)

// Analytics: counters per flow, UTC day, kind, node and destination, and
// unmatched answers per flow, node and text (all time). Each commit adds
// to one of shards rows of a counter, picked at random, and readers sum
// them: a popular counter would otherwise make every text wait for the
// commit of the one before.

const shards = 32

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
				st.misses[missKey{e.Flow, e.Node, text}]++
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

// queueStats bumps the counters in key order (two commits never wait for
// each other in a cycle).
func (st *stage) queueStats(b *pgx.Batch) {
	shard := rand.IntN(shards)
	for _, k := range sortedFunc(st.stats, compareStatKeys) {
		b.Queue(`INSERT INTO stats (flow, day, kind, node, dest, shard, n) VALUES ($1, $2::date, $3, $4, $5, $6, $7)
			ON CONFLICT (flow, day, kind, node, dest, shard) DO UPDATE SET n = stats.n + excluded.n`,
			k.flow, k.day, k.kind, k.node, k.dest, shard, st.stats[k])
	}
	for _, k := range sortedFunc(st.misses, compareMissKeys) {
		b.Queue(`INSERT INTO unmatched (flow, node, text, shard, n) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (flow, node, text, shard) DO UPDATE SET n = unmatched.n + excluded.n`,
			k.flow, k.node, k.text, shard, st.misses[k])
	}
}

// Stats implements bot.StatsReader.
func (db *DB) Stats(ctx context.Context, flow string, since time.Time) (bot.Stats, error) {
	s := bot.Stats{Edges: map[string]int{}, Misses: map[string]int{}, Unmatched: map[string][]bot.TextCount{}}
	if err := ctx.Err(); err != nil {
		return s, fmt.Errorf("postgres: stats: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT kind, node, dest, sum(n) FROM stats WHERE flow = $1 AND day >= $2::date
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
		switch bot.EventKind(kind) {
		case bot.EventStart:
			s.Started += n
		case bot.EventFix:
			s.Fixed += n
		case bot.EventYes:
			s.Yes += n
		case bot.EventNo:
			s.No += n
		case bot.EventHandoff:
			s.Handoff += n
		case bot.EventAbandon:
			s.Abandoned += n
		case bot.EventEdge:
			s.Edges[node+">"+dest] += n
		case bot.EventMiss:
			s.Misses[node] += n
		}
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("postgres: stats: %w", err)
	}
	rows, err = db.pool.Query(ctx, `SELECT node, text, n FROM (
			SELECT node, text, sum(n) AS n, row_number() OVER (PARTITION BY node ORDER BY sum(n) DESC, text COLLATE "C") AS rank
			FROM unmatched WHERE flow = $1 GROUP BY node, text) t
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
