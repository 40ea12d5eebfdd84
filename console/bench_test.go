package console_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// BenchmarkInbox renders the console's inbox over a store of 10,000
// conversations (two transcript lines each) and 20 open tickets: the
// first page, a page deep in the list, and a status filter. The inbox
// reads the conversations it shows through the store's index by update
// time, not the whole bucket.
func BenchmarkInbox(b *testing.B) {
	const conversations, tickets = 10000, 20
	e := newConsole(b)
	ctx := context.Background()
	t0 := time.Now().Add(-30 * 24 * time.Hour)
	for start := 0; start < conversations; start += 500 {
		err := e.DB.Update(ctx, "", func(t bot.Tx) error {
			for i := start; i < start+500; i++ {
				c := bot.Conversation{
					Phone: fmt.Sprintf("+1202555%04d", i), Status: bot.StatusFixed, Flow: "claude-code-403", Node: "fix-region",
					FirstText: "claude code keeps saying 403 region not supported", Said: []string{"claude code 403", "region not supported"},
					Answers: []bot.Answer{{Node: "smoke-test", Question: "What status came back?", Label: "403 forbidden", Text: "3"},
						{Node: "body-says", Question: "What does the body say?", Label: "Region not supported", Text: "region not supported"}},
					Started: t0, Updated: t0.Add(time.Duration(i) * time.Minute),
				}
				if i%7 == 0 {
					c.Status = bot.StatusActive
				}
				if i < tickets {
					c.Status = bot.StatusHandoff
					tk := bot.Ticket{Phone: c.Phone, State: bot.TicketWaiting, Reason: "The person asked for a human.", Summary: "Claude Code 403 forbidden.", Opened: c.Updated}
					if err := t.SaveTicket(&tk); err != nil {
						return err
					}
					c.Ticket = tk.Number
				}
				if err := t.SaveConversation(c); err != nil {
					return err
				}
				if _, err := t.Append(c.Phone,
					bot.Line{Dir: bot.In, Body: "it says region not supported", At: c.Updated},
					bot.Line{Dir: bot.Out, Body: "Your fix: https://textfix.example.com/f/0123456789abc\nCall from a supported region", At: c.Updated}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	op := e.browser()
	op.login()
	for _, bm := range []struct{ name, path string }{
		{"first page", "/console"},
		{"page 150", "/console?page=150"},
		{"status=active", "/console?status=active"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rec, _ := op.get(bm.path); rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", bm.path, rec.Code)
				}
			}
		})
	}
}
