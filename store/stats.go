package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// Analytics: stats flow 0x00 day 0x00 kind [0x00 node [0x00 to]] → uint64,
// and unmatched flow 0x00 node 0x00 text → uint64 count, uint64 last seen
// (ns; files from before retention hold the count alone). Counters are
// bumped in the transaction of the text that moves them, never computed by
// scanning transcripts; a bump never conflicts.

const sep = "\x00"

func statKey(parts ...string) []byte { return []byte(strings.Join(parts, sep)) }

// Record implements bot.Tx.
func (st *stage) Record(events []bot.Event, now time.Time) error {
	day := now.UTC().Format(time.DateOnly)
	for _, e := range events {
		var key []byte
		switch e.Kind {
		case bot.EventEdge:
			key = statKey(e.Flow, day, string(e.Kind), e.Node, e.To)
		case bot.EventMiss:
			key = statKey(e.Flow, day, string(e.Kind), e.Node)
			if text := strings.ToLower(strings.TrimSpace(e.Text)); text != "" {
				if err := st.bumpSeen(atUnmatched, statKey(e.Flow, e.Node, text), 1, now); err != nil {
					return fmt.Errorf("stats: %w", err)
				}
			}
		default:
			key = statKey(e.Flow, day, string(e.Kind))
		}
		if err := st.bump(atStats, key, 1); err != nil {
			return fmt.Errorf("stats: %w", err)
		}
	}
	return nil
}

// Stats implements bot.StatsReader.
func (db *DB) Stats(ctx context.Context, flow string, since time.Time) (bot.Stats, error) {
	st := bot.Stats{Edges: map[string]int{}, Misses: map[string]int{}, Unmatched: map[string][]bot.TextCount{}}
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	from := since.UTC().Format(time.DateOnly)
	err := db.read(func(btx *bolt.Tx) error {
		prefix := []byte(flow + sep)
		c := btx.Bucket(bucketKeys[atStats]).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			parts := strings.Split(string(k[len(prefix):]), sep)
			if len(parts) < 2 || parts[0] < from || len(v) != 8 {
				continue
			}
			n := int(binary.BigEndian.Uint64(v))
			// Keys: kind, then the node for a miss, from and to for an edge.
			kind, node, dest := bot.EventKind(parts[1]), "", ""
			switch {
			case kind == bot.EventEdge && len(parts) == 4:
				node, dest = parts[2], parts[3]
			case kind == bot.EventMiss && len(parts) == 3:
				node = parts[2]
			case kind == bot.EventEdge, kind == bot.EventMiss:
				continue // a malformed key: not counted
			}
			st.Add(kind, node, dest, n)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		u := btx.Bucket(bucketKeys[atUnmatched]).Cursor()
		for k, v := u.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = u.Next() {
			node, text, ok := strings.Cut(string(k[len(prefix):]), sep)
			if ok && len(v) >= 8 {
				st.Unmatched[node] = append(st.Unmatched[node], bot.TextCount{Text: text, Count: int(binary.BigEndian.Uint64(v))})
			}
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", closedErr(err))
	}
	for node, tcs := range st.Unmatched {
		sort.SliceStable(tcs, func(i, j int) bool { return tcs[i].Count > tcs[j].Count })
		st.Unmatched[node] = tcs[:min(len(tcs), 5)]
	}
	return st, nil
}
