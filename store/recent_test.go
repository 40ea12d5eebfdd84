package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

func saveConversations(tb testing.TB, db *store.DB, convs ...bot.Conversation) {
	tb.Helper()
	_, _, err := db.Update(context.Background(), "", "", func(t bot.Tx) ([]byte, error) {
		for _, c := range convs {
			if err := t.SaveConversation(c); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func phones(convs []bot.Conversation) string {
	var out []string
	for _, c := range convs {
		out = append(out, c.Phone[len(c.Phone)-1:])
	}
	return strings.Join(out, "")
}

// The index by Updated time gives pages newest first, filters without
// decoding, follows updates and forgets.
func TestRecentConversations(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	conv := func(n int, status bot.Status, test bool) bot.Conversation {
		return bot.Conversation{Phone: fmt.Sprintf("+1555000000%d", n), Status: status, Test: test, Updated: t0.Add(time.Duration(n) * time.Minute)}
	}
	saveConversations(t, db,
		conv(1, bot.StatusFixed, false), conv(2, bot.StatusHandoff, false), conv(3, bot.StatusActive, true),
		conv(4, bot.StatusFixed, false), conv(5, bot.StatusIdle, false),
		bot.Conversation{Phone: "+15550000000", Status: bot.StatusIdle}, // zero Updated: oldest
	)
	tests := []struct {
		f             bot.ConversationFilter
		offset, limit int
		want          string
		total         int
	}{
		{bot.ConversationFilter{}, 0, 10, "543210", 6},
		{bot.ConversationFilter{}, 0, 2, "54", 6},
		{bot.ConversationFilter{}, 2, 2, "32", 6},
		{bot.ConversationFilter{}, 6, 2, "", 6},
		{bot.ConversationFilter{Status: bot.StatusFixed}, 0, 10, "41", 2},
		{bot.ConversationFilter{Status: bot.StatusFixed}, 1, 10, "1", 2},
		{bot.ConversationFilter{Test: true}, 0, 10, "3", 1},
		{bot.ConversationFilter{NoTest: true}, 0, 10, "54210", 5},
		{bot.ConversationFilter{Status: bot.StatusOptedOut}, 0, 10, "", 0},
	}
	for _, tt := range tests {
		got, total, err := db.RecentConversations(ctx, tt.f, tt.offset, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if phones(got) != tt.want || total != tt.total {
			t.Errorf("%+v offset %d limit %d: %q of %d, want %q of %d", tt.f, tt.offset, tt.limit, phones(got), total, tt.want, tt.total)
		}
	}

	// An update moves the conversation to the top, once, with its new status.
	c := conv(1, bot.StatusHandoff, false)
	c.Updated = t0.Add(time.Hour)
	saveConversations(t, db, c)
	got, total, _ := db.RecentConversations(ctx, bot.ConversationFilter{}, 0, 10)
	if phones(got) != "154320" || total != 6 || got[0].Status != bot.StatusHandoff {
		t.Errorf("after update: %q of %d (%s)", phones(got), total, got[0].Status)
	}
	if got, _, _ := db.RecentConversations(ctx, bot.ConversationFilter{Status: bot.StatusFixed}, 0, 10); phones(got) != "4" {
		t.Errorf("fixed after update: %q", phones(got))
	}

	if err := db.Forget(ctx, c.Phone); err != nil {
		t.Fatal(err)
	}
	if got, total, _ := db.RecentConversations(ctx, bot.ConversationFilter{}, 0, 10); phones(got) != "54320" || total != 5 {
		t.Errorf("after forget: %q of %d", phones(got), total)
	}
	if err := db.Forget(ctx, c.Phone); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("second forget: %v", err)
	}
}

func TestLastLines(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustApply(t, db, "+15550000001", "SM1", step("hi", "hello"))
	mustApply(t, db, "+15550000001", "SM2", step("again", "sure"))
	mustApply(t, db, "+15550000002", "SM3", step("x", "y"))
	got, err := db.LastLines(ctx, "+15550000001", "+15550000002", "+15550000003")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["+15550000001"].Body != "sure" || got["+15550000001"].Seq != 4 || got["+15550000002"].Body != "y" {
		t.Errorf("last lines %+v", got)
	}
}
