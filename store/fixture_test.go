package store_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/store"
)

// testdata/v1.db.gz is a file written by the layout-1 store: its first
// texts by the store of commit ba89a31^ (claims holding the TwiML
// document; testdata/v1-old-gen.go.txt), the rest by the store of the
// commit that added the fixture, through the API as the webhook and the
// console use it (TestWriteV1Fixture). testdata/v1.json is what that
// store read back from it through the contract; every later layout must
// read the same.

var writeV1 = flag.String("write-v1-fixture", "", "add layout-1 data to this bbolt file (written by v1-old-gen.go.txt) and write testdata/v1.db.gz and v1.json from it")

// fixture is what a file holds, as the contract reads it.
type fixture struct {
	Conversations []bot.Conversation
	Transcripts   map[string][]bot.Line
	Claims        []fixtureClaim
	Pages         []bot.Page
	Tickets       []bot.Ticket
	Outbox        []bot.OutMsg
	Stats         map[string]bot.Stats
	Sessions      []bot.Session
}

type fixtureClaim struct {
	bot.Claim
	Reply []string
	OK    bool
}

// readFixture reads everything the contract offers about phones, claims
// and flows.
func readFixture(t *testing.T, s bot.Store, phones []string, claims []bot.Claim, flowIDs, sessions []string) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{Transcripts: map[string][]bot.Line{}, Stats: map[string]bot.Stats{}}
	var err error
	f.Conversations, _, err = s.RecentConversations(ctx, bot.ConversationFilter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range phones {
		if f.Transcripts[p], err = s.TranscriptTail(ctx, p, 0); err != nil {
			t.Fatal(err)
		}
		pages, err := s.PagesOf(ctx, p, 100)
		if err != nil {
			t.Fatal(err)
		}
		f.Pages = append(f.Pages, pages...)
	}
	for _, c := range claims {
		reply, ok, err := s.Replay(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		f.Claims = append(f.Claims, fixtureClaim{Claim: c, Reply: reply, OK: ok})
	}
	if f.Tickets, err = s.Tickets(ctx, 1000, false); err != nil {
		t.Fatal(err)
	}
	if f.Outbox, err = s.OutboxList(ctx, 1000, false); err != nil {
		t.Fatal(err)
	}
	for _, id := range flowIDs {
		if f.Stats[id], err = s.Stats(ctx, id, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range sessions {
		sess, err := s.Session(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		f.Sessions = append(f.Sessions, sess)
	}
	return f
}

// fixtureIndex is what testdata/v1.json lists besides what was read: the
// numbers, claims, flows and sessions to read.
type fixtureIndex struct {
	Phones   []string
	Claims   []bot.Claim
	Flows    []string
	Sessions []string
	Read     fixture
}

// openV1Fixture copies testdata/v1.db.gz into a temporary file.
func openV1Fixture(t *testing.T) (path string, idx fixtureIndex) {
	t.Helper()
	raw, err := os.ReadFile("testdata/v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open("testdata/v1.db.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "v1.db")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path, idx
}

// The layout-1 fixture reads back as it was written.
func TestV1Fixture(t *testing.T) {
	path, idx := openV1Fixture(t)
	db := mustOpenAt(t, path)
	got := readFixture(t, db, idx.Phones, idx.Claims, idx.Flows, idx.Sessions)
	sameFixture(t, idx.Read, got)
}

// sameFixture fails the test where got differs from want, line by line
// of their JSON.
func sameFixture(t *testing.T, want, got fixture) {
	t.Helper()
	w, err := json.MarshalIndent(want, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	g, err := json.MarshalIndent(roundTrip(t, got), "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	wl, gl := strings.Split(string(w), "\n"), strings.Split(string(g), "\n")
	for i := range max(len(wl), len(gl)) {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b {
			t.Fatalf("the fixture reads differently from line %d of its JSON:\nwritten: %s\nread:    %s", i+1, a, b)
		}
	}
}

// roundTrip passes f through JSON, as the recorded fixture did.
func roundTrip(t *testing.T, f fixture) fixture {
	t.Helper()
	raw, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var out fixture
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWriteV1Fixture adds layout-1 data to the file -write-v1-fixture
// names and writes testdata/v1.db.gz and testdata/v1.json. It only makes
// sense with the layout-1 store (the commit that added it).
func TestWriteV1Fixture(t *testing.T) {
	if *writeV1 == "" {
		t.Skip("-write-v1-fixture not set")
	}
	ctx := context.Background()
	db, err := store.Open(*writeV1)
	if err != nil {
		t.Fatal(err)
	}
	lib, _, err := flows.Load(flows.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	const (
		a, b, c, d, e, f, g, sim = "+15550001001", "+15550001002", "+15550001003", "+15550001004", "+15550001005", "+15550001006", "+15550001007", "+15550001234"
		op                       = "+15550009999"
	)
	base := "https://textfix.example.com"
	desk := &bot.Desk{Operators: []string{op}, BaseURL: base}
	engine := &bot.Engine{Flows: lib, BaseURL: base}
	idx := fixtureIndex{
		Phones:   []string{a, b, c, d, e, f, g, sim, op},
		Flows:    []string{"claude-code-429", "claude-code-403", "other-error"},
		Sessions: []string{"k1", "k2"},
	}
	for i := 1; i <= 6; i++ { // the claims of v1-old-gen.go.txt
		from := a
		if i > 4 {
			from = b
		}
		idx.Claims = append(idx.Claims, bot.Claim{SID: fmt.Sprintf("SMold%029d", i), From: from})
	}
	n := 0
	text := func(from, body string, sid string) {
		t.Helper()
		n++
		if sid == "" {
			sid = fmt.Sprintf("SMnew%029d", n)
		}
		in := bot.Inbound{From: from, Body: segment.Repair(body), MessageID: sid, PageID: fmt.Sprintf("newpage%06d", n)}
		now := time.Now()
		reply, replayed, err := db.Inbound(ctx, bot.Claim{SID: sid, From: from}, func(tx bot.Tx) ([]bot.Line, error) {
			return desk.Handle(tx, engine, in, now)
		})
		if err != nil || replayed {
			t.Fatal(err, replayed)
		}
		t.Logf("%s %s %q -> %q", from, sid, body, reply)
		idx.Claims = append(idx.Claims, bot.Claim{SID: sid, From: from})
	}
	update := func(fn func(tx bot.Tx) error) {
		t.Helper()
		if err := db.Update(ctx, "", fn); err != nil {
			t.Fatal(err)
		}
	}

	for _, s := range []string{"claude code 429", "1", "1", "no"} { // a fix page, then NO
		text(c, s, "")
	}
	text(a, "claude code 403", "") // a's second conversation
	text(b, "3", "")
	for _, s := range []string{"my thing is broken", "human"} { // a handoff: a ticket, operators told
		text(d, s, "")
	}
	text(op, "#1 try turning it off and on", "") // a relay to d
	text(d, "it worked, thanks", "")
	text(op, "list", "")
	text(e, "STOP", "") // opted out: a claim with no reply
	text(f, "claude code 403", "SMsame00000000000000000000000000000")
	text(g, "stripe card declined 402", "SMsame00000000000000000000000000000") // the same sid from another number
	update(func(tx bot.Tx) error {
		return tx.SaveConversation(bot.Conversation{Phone: sim, Status: bot.StatusIdle, Test: true, Started: time.Now(), Updated: time.Now()})
	})
	text(sim, "claude code 429", "")

	// The outbox: the first message sent and delivered, the second failed,
	// the rest queued.
	due, err := db.ClaimDue(ctx, time.Now(), 10, time.Minute)
	if err != nil || len(due) < 2 {
		t.Fatalf("ClaimDue: %d, %v", len(due), err)
	}
	update(func(tx bot.Tx) error {
		m, err := tx.Message(due[0].ID)
		if err != nil {
			return err
		}
		m.State, m.SID, m.Sent, m.LeaseUntil = bot.OutSent, "SMout00000000000000000000000000001", time.Now(), time.Time{}
		return tx.SaveMessage(m)
	})
	if _, err := db.SetDelivery(ctx, "SMout00000000000000000000000000001", bot.Delivery("delivered"), ""); err != nil {
		t.Fatal(err)
	}
	update(func(tx bot.Tx) error {
		m, err := tx.Message(due[1].ID)
		if err != nil {
			return err
		}
		m.State, m.Error, m.Tries, m.LeaseUntil = bot.OutFailed, "21211 invalid 'To' number", 3, time.Time{}
		return tx.SaveMessage(m)
	})
	text(op, "#1 close", "")

	// A page published from the console, and one revoked.
	update(func(tx bot.Tx) error {
		return tx.PutPage(d, bot.Page{ID: "consolepage01", Kind: bot.PageFix, Title: "Turn it off and on", Steps: "1. Off\n2. On", Created: time.Now()})
	})
	if err := db.RevokePage(ctx, "oldpage000003"); err != nil {
		t.Fatal(err)
	}
	// Console sessions and a login attempt.
	for _, k := range idx.Sessions {
		if err := db.CreateSession(ctx, bot.Session{Key: k, CSRF: "csrf-" + k, Sim: sim, Created: time.Now(), Seen: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AllowLogin(ctx, "192.0.2.1", time.Now(), time.Now().Add(-time.Minute), 5); err != nil {
		t.Fatal(err)
	}
	idx.Claims = append(idx.Claims, bot.Claim{SID: "SMnever00000000000000000000000000", From: a})

	idx.Read = roundTrip(t, readFixture(t, db, idx.Phones, idx.Claims, idx.Flows, idx.Sessions))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := json.MarshalIndent(idx, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/v1.json", append(raw, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(*writeV1)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create("testdata/v1.db.gz")
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	if _, err := zw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
