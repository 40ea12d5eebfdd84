package postgres_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/postgres/pgtest"
)

// BenchmarkInbound measures the store's part of a text: Inbound with a
// function shaped like the engine's writes (the conversation, two lines,
// two counters), 64 at a time across 10,000 numbers.
func BenchmarkInbound(b *testing.B) {
	db := mustOpen(b, pgtest.URL(b))
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			phone := fmt.Sprintf("+1555%07d", i%10000)
			sid := fmt.Sprint("SM", i)
			_, _, err := db.Inbound(b.Context(), bot.Claim{SID: sid, From: phone}, func(tx bot.Tx) ([]bot.Line, error) {
				c, err := tx.Conversation(phone)
				if err != nil {
					return nil, err
				}
				c.Status, c.Flow, c.Misses = bot.StatusActive, "claude-code-403", c.Misses+1
				c.Said = append(c.Said, "claude code 403")
				if err := tx.SaveConversation(c); err != nil {
					return nil, err
				}
				lines, err := tx.Append(phone, bot.Line{Dir: bot.In, Body: "claude code 403", MessageID: sid}, bot.Line{Dir: bot.Out, Body: "How does Claude Code sign in?\n1) Claude plan\n2) API key"})
				if err != nil {
					return nil, err
				}
				if err := tx.Record([]bot.Event{{Kind: bot.EventStart, Flow: "claude-code-403"}, {Kind: bot.EventEdge, Flow: "claude-code-403", Node: "start", To: "sign-in"}}, c.Updated); err != nil {
					return nil, err
				}
				return lines[1:], nil
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
