package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/store"
)

func TestCustomPage(t *testing.T) {
	conv := bot.Conversation{Phone: "+15555550100", Flow: "claude-code-403", FirstText: "claude code 403",
		Answers: []bot.Answer{{Node: "smoke-test", Question: "What did curl print?", Label: "403"}}}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		draft   bot.Draft
		wantErr string
		check   func(t *testing.T, p bot.Page)
	}{
		{
			name:  "fields",
			draft: bot.Draft{Title: "  Use the  EU endpoint \n", Summary: "Your org is\nEU-only.", Steps: "1. Open settings\r\n2. Save", Commands: "claude /logout\r\n\n  claude /login  \n"},
			check: func(t *testing.T, p bot.Page) {
				if p.ID != "abcdefghijklm" || p.Kind != "custom" || p.Flow != "claude-code-403" || !p.Created.Equal(now) {
					t.Errorf("identity %+v", p)
				}
				if p.Title != "Use the EU endpoint" || p.Summary != "Your org is EU-only." || p.Steps != "1. Open settings\n2. Save" {
					t.Errorf("text %q %q %q", p.Title, p.Summary, p.Steps)
				}
				if strings.Join(p.Commands, "|") != "claude /logout|claude /login" {
					t.Errorf("commands %q", p.Commands)
				}
				if p.Reported != "claude code 403" || len(p.Answers) != 1 {
					t.Errorf("what the person said: %q %+v", p.Reported, p.Answers)
				}
			},
		},
		{
			name:  "secrets redacted",
			draft: bot.Draft{Title: "Key sk-ant-api03-abcdefghij", Steps: "set token=abcdef123456789", Commands: "export API_KEY=sk-ant-api03-abcdefghij"},
			check: func(t *testing.T, p bot.Page) {
				all := p.Title + p.Steps + strings.Join(p.Commands, "")
				if strings.Contains(all, "abcdefghij") || strings.Contains(all, "abcdef123456789") {
					t.Errorf("secret kept: %q", all)
				}
			},
		},
		{name: "no title", draft: bot.Draft{Title: "  ", Steps: "x"}, wantErr: "title is required"},
		{name: "long title", draft: bot.Draft{Title: strings.Repeat("a", bot.MaxPageTitle+1)}, wantErr: "title is over"},
		{name: "long summary", draft: bot.Draft{Title: "t", Summary: strings.Repeat("a", bot.MaxPageSummary+1)}, wantErr: "diagnosis is over"},
		{name: "long steps", draft: bot.Draft{Title: "t", Steps: strings.Repeat("a", bot.MaxPageSteps+1)}, wantErr: "steps are over"},
		{name: "many commands", draft: bot.Draft{Title: "t", Commands: strings.Repeat("ls\n", bot.MaxPageCommands+1)}, wantErr: "more than"},
		{name: "long command", draft: bot.Draft{Title: "t", Commands: strings.Repeat("a", bot.MaxPageCommand+1)}, wantErr: "command is over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := bot.CustomPage(tt.draft, conv, "abcdefghijklm", now)
			if tt.wantErr != "" {
				if !errors.Is(err, bot.ErrDraft) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestPageLinkText(t *testing.T) {
	base := "https://textfix.example.com/"
	link := "https://textfix.example.com/f/abcdefghijklm"
	tests := []struct {
		title, want string
	}{
		{"Use the EU endpoint", link + "\nYour fix, written for you: Use the EU endpoint"},
		{"It’s the “proxy” – really 🙂", link + "\nYour fix, written for you: It's the \"proxy\" - really"},
		{"", link + "\nYour fix, written for you."},
		{"🙂🙂", link + "\nYour fix, written for you."},
		{strings.Repeat("word ", 80), ""}, // checked below: cut with "..."
	}
	for _, tt := range tests {
		got := bot.PageLinkText(base, "abcdefghijklm", tt.title)
		if !strings.HasPrefix(got, link+"\n") {
			t.Errorf("%q: link not first: %q", tt.title, got)
		}
		if n, enc := segment.Count(got); n > 2 || enc != segment.EncodingGSM7 {
			t.Errorf("%q: %d segments of %s", tt.title, n, enc)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.title, got, tt.want)
		}
		if tt.want == "" && !strings.HasSuffix(got, "word...") {
			t.Errorf("long title not cut at a word: %q", got)
		}
	}
}

func TestSimulatorPhone(t *testing.T) {
	a, b := bot.SimulatorPhone([]byte("session a")), bot.SimulatorPhone([]byte("session b"))
	if a != bot.SimulatorPhone([]byte("session a")) {
		t.Error("not stable")
	}
	for _, p := range []string{a, b} {
		if len(p) != 12 || !strings.HasPrefix(p, "+1555000") || !bot.IsSimulatorPhone(p) {
			t.Errorf("%q is not a simulator number", p)
		}
	}
	for _, p := range []string{"+15555550100", "+155500012345", "+1555000abcd", "+1555000123", ""} {
		if bot.IsSimulatorPhone(p) {
			t.Errorf("%q taken for a simulator number", p)
		}
	}
}

// deskStore is a real store for desk tests.
func deskStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir() + "/textfix.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func deskUpdate(t *testing.T, db *store.DB, fn func(tx bot.Tx) error) error {
	t.Helper()
	return db.Update(context.Background(), "", fn)
}

// A simulator text goes through Handle for a Test conversation: no
// analytics, no operator texts, nothing in the outbox; real numbers are
// refused.
func TestSimulate(t *testing.T) {
	db := deskStore(t)
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	e := &bot.Engine{Flows: lib, BaseURL: "https://textfix.test"}
	d := &bot.Desk{Operators: []string{"+15555559999"}, BaseURL: "https://textfix.test"}
	sim := bot.SimulatorPhone([]byte("s"))
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	say := func(from, text string) ([]string, error) {
		var out []bot.Line
		err := deskUpdate(t, db, func(tx bot.Tx) error {
			var err error
			out, err = d.Simulate(tx, e, bot.Inbound{From: from, Body: text, PageID: bot.NewPageID()}, now)
			return err
		})
		return bot.Bodies(out), err
	}

	tests := []struct {
		text  string
		want  string
		state bot.Status
	}{
		{"claude code 403 unusual activity on my api key", "/f/", bot.StatusFixed},
		{"yes", "", bot.StatusIdle},
		{"human", "", bot.StatusHandoff},
	}
	for _, tt := range tests {
		replies, err := say(sim, tt.text)
		if err != nil {
			t.Fatalf("%q: %v", tt.text, err)
		}
		if !strings.Contains(strings.Join(replies, "\n"), tt.want) {
			t.Errorf("%q → %q, want %q", tt.text, replies, tt.want)
		}
		c, _ := db.Conversation(ctx, sim)
		if !c.Test || c.Status != tt.state {
			t.Errorf("%q: test %v status %s, want %s", tt.text, c.Test, c.Status, tt.state)
		}
	}
	if st, _ := db.Stats(ctx, "claude-code-403", now.AddDate(0, 0, -1)); st.Started+st.Fixed+st.Yes+st.Handoff != 0 {
		t.Errorf("simulator counted in analytics: %+v", st)
	}
	tickets, _ := db.Tickets(ctx, 10, true)
	if len(tickets) != 1 || !tickets[0].Test {
		t.Fatalf("tickets %+v", tickets)
	}
	// An operator's reply and a custom page reach the simulator's
	// transcript, never the outbox; the operator got no text either.
	page, err := bot.CustomPage(bot.Draft{Title: "Try this"}, bot.Conversation{}, bot.NewPageID(), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := deskUpdate(t, db, func(tx bot.Tx) error {
		if err := d.Reply(tx, tickets[0].Number, "hello from a human", now); err != nil {
			return err
		}
		return d.PublishPage(tx, tickets[0].Number, page, now)
	}); err != nil {
		t.Fatal(err)
	}
	if out, _ := db.OutboxList(ctx, 10, false); len(out) != 0 {
		t.Errorf("outbox holds %d messages for a simulator conversation: %+v", len(out), out)
	}
	lines, _ := db.TranscriptTail(ctx, sim, 0)
	last := lines[len(lines)-1]
	if last.Status != bot.LineSimulated || !strings.Contains(last.Body, "/f/"+page.ID) || lines[len(lines)-2].Body != "hello from a human" {
		t.Errorf("simulator transcript ends %+v", lines[len(lines)-2:])
	}
	ps, _ := db.PagesOf(ctx, sim, 10)
	if !slices.ContainsFunc(ps, func(p bot.Page) bool { return p.ID == page.ID }) {
		t.Errorf("page not stored as the number's (for forget): %d pages", len(ps))
	}

	// Real numbers, operators and real conversations are refused.
	if _, err := say("+15555550100", "hi"); !errors.Is(err, bot.ErrNotSimulator) {
		t.Errorf("real number: %v", err)
	}
	other := bot.SimulatorPhone([]byte("other"))
	if err := deskUpdate(t, db, func(tx bot.Tx) error {
		return tx.SaveConversation(bot.Conversation{Phone: other, Status: bot.StatusActive})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := say(other, "hi"); !errors.Is(err, bot.ErrNotSimulator) {
		t.Errorf("real conversation on a simulator number: %v", err)
	}
}

// PublishPage stores the page, lists it for forget and texts the link
// through the outbox; it refuses closed tickets and opted-out people.
func TestPublishPage(t *testing.T) {
	db := deskStore(t)
	ctx := context.Background()
	d := &bot.Desk{BaseURL: "https://textfix.test"}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	person := "+15555550100"
	var n int
	if err := deskUpdate(t, db, func(tx bot.Tx) error {
		if err := tx.SaveConversation(bot.Conversation{Phone: person, Status: bot.StatusActive, FirstText: "it broke"}); err != nil {
			return err
		}
		var err error
		n, err = d.TakeOver(tx, person, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	page := bot.Page{ID: "abcdefghijklm", Kind: "custom", Title: "Do the thing"}
	if err := deskUpdate(t, db, func(tx bot.Tx) error { return d.PublishPage(tx, n, page, now) }); err != nil {
		t.Fatal(err)
	}
	if p, err := db.Page(ctx, page.ID); err != nil || p.Title != "Do the thing" {
		t.Errorf("page %+v %v", p, err)
	}
	out, _ := db.OutboxList(ctx, 10, false)
	if len(out) != 1 || out[0].To != person || !strings.HasPrefix(out[0].Body, "https://textfix.test/f/abcdefghijklm\n") || out[0].Kind != "relay" {
		t.Errorf("outbox %+v", out)
	}
	if err := deskUpdate(t, db, func(tx bot.Tx) error { return d.PublishPage(tx, n, page, now) }); !errors.Is(err, bot.ErrPageExists) {
		t.Errorf("same id twice: %v", err)
	}

	if err := deskUpdate(t, db, func(tx bot.Tx) error {
		c, _ := tx.Conversation(person)
		c.Status = bot.StatusOptedOut
		return tx.SaveConversation(c)
	}); err != nil {
		t.Fatal(err)
	}
	page.ID = "bcdefghijklmn"
	if err := deskUpdate(t, db, func(tx bot.Tx) error { return d.PublishPage(tx, n, page, now) }); !errors.Is(err, bot.ErrOptedOut) {
		t.Errorf("opted out: %v", err)
	}
	if err := deskUpdate(t, db, func(tx bot.Tx) error { return d.Close(tx, n, now) }); err != nil {
		t.Fatal(err)
	}
	if err := deskUpdate(t, db, func(tx bot.Tx) error { return d.PublishPage(tx, n, page, now) }); !errors.Is(err, bot.ErrTicketClosed) {
		t.Errorf("closed ticket: %v", err)
	}
	if _, err := db.Page(ctx, page.ID); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("refused page was stored: %v", err)
	}
}
