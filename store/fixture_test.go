package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/store"
)

// testdata/v1.db.gz is a file written by the layout-1 store: its first
// texts by the store of commit ba89a31^ (claims holding the TwiML
// document; testdata/v1-old-gen.go.txt), the rest by the store of commit
// a5f8927, through the API as the webhook and the console use it (that
// commit's TestWriteV1Fixture). testdata/v1.json is what that store read
// back from it through the contract: the numbers, claims, flows and
// sessions to read, and what it read. The store of every later layout
// must read the same after it migrates the file.

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
		if len(reply) == 0 {
			reply = nil // no reply, however a store says it
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

// A layout-1 file is migrated at Open, once, and then reads back as it
// was written: every conversation, transcript line, claim (the same reply
// bodies, for claims holding TwiML too), page, ticket, outbox message,
// stat and session.
func TestV1FixtureMigrates(t *testing.T) {
	path, idx := openV1Fixture(t)
	var log bytes.Buffer
	db, err := store.Open(path, store.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "migrated the file to layout 3") || strings.Contains(log.String(), "could not be carried over") {
		t.Errorf("the migration's log:\n%s", log.String())
	}
	sameFixture(t, idx.Read, readFixture(t, db, idx.Phones, idx.Claims, idx.Flows, idx.Sessions))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	version, buckets, err := store.Layout(path)
	if err != nil || version != 3 {
		t.Fatalf("layout %d, %v", version, err)
	}
	for _, name := range []string{"conversations", "lines", "claims", "outmsgs", "recentkey"} {
		if slices.Contains(buckets, name) {
			t.Errorf("layout-1 bucket %s left after the migration: %v", name, buckets)
		}
	}

	log.Reset()
	db, err = store.Open(path, store.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if log.Len() != 0 {
		t.Errorf("the second Open logged:\n%s", log.String())
	}
	sameFixture(t, idx.Read, readFixture(t, db, idx.Phones, idx.Claims, idx.Flows, idx.Sessions))
}

// A migration stopped after any transaction goes on at the next Open and
// ends with the same file.
func TestV1MigrationResumes(t *testing.T) {
	for _, stop := range []int{1, 2, 5, 13, 40, 100} {
		t.Run(fmt.Sprint(stop), func(t *testing.T) {
			path, idx := openV1Fixture(t)
			finished, err := store.MigratePartly(path, 3, stop)
			if err != nil {
				t.Fatal(err)
			}
			if version, _, err := store.Layout(path); err != nil || (version == 3) != finished {
				t.Fatalf("after %d transactions: layout %d (finished %v), %v", stop, version, finished, err)
			}
			db := mustOpenAt(t, path)
			sameFixture(t, idx.Read, readFixture(t, db, idx.Phones, idx.Claims, idx.Flows, idx.Sessions))
		})
	}
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
