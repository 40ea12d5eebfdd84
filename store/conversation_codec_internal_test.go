package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/textfix/textfix/bot"
)

// fill sets every field of v (a pointer to a struct) to something not
// zero, recursively, with seed making the values differ. A pointer field
// (Conversation.Prev) is filled one level down only: what it points to
// holds none of its own.
func fill(t *testing.T, v reflect.Value, seed int) { fillIn(t, v, seed, false) }

func fillIn(t *testing.T, v reflect.Value, seed int, pointed bool) {
	t.Helper()
	fill := func(t *testing.T, v reflect.Value, seed int) { fillIn(t, v, seed, pointed) }
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			if pointed {
				return
			}
			v.Set(reflect.New(v.Type().Elem()))
			fillIn(t, v.Elem(), seed, true)
			return
		}
		fill(t, v.Elem(), seed)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 3, 1+seed%20, 12, seed%60, 7, 123456789+seed, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), seed*31+i+1)
		}
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d é 🙈 <&>", seed))
	case reflect.Int:
		v.SetInt(int64(seed%1000 - 300))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), seed*7+i)
		}
		v.Set(s)
	default:
		t.Fatalf("fill: a %s field: teach appendConversation and this test its kind", v.Type())
	}
}

// viaJSON is c after the JSON round trip version-1 records made.
func viaJSON(t *testing.T, c bot.Conversation) bot.Conversation {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out bot.Conversation
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A conversation decodes from its binary record as it did from its JSON
// one: every field (filled by reflection, so a new field fails here until
// it is encoded), times in any zone, strings that are not UTF-8, empty
// lists, a closed conversation kept in Prev. A cut record is an error,
// never a panic; version-1 and version-2 records still decode.
func TestConversationCodec(t *testing.T) {
	var full bot.Conversation
	fill(t, reflect.ValueOf(&full), 1)
	if reflect.ValueOf(full).IsZero() {
		t.Fatal("fill left the conversation zero")
	}
	at := time.Date(2026, 7, 4, 23, 59, 59, 999999999, time.UTC)
	cases := []bot.Conversation{
		full,
		{},
		{Phone: "+15550000001", Status: bot.StatusIdle, Started: at, Updated: at},
		{Phone: "+15550000001", Said: []string{}, Answers: []bot.Answer{}, Open: []int{}, Counted: []bot.EventKind{}},
		{Phone: "+15550000001", Said: []string{"bad \xff utf-8 \xe2\x82", "\xc0\x80", ""}, FirstText: "\xed\xa0\x80 surrogate",
			Answers: []bot.Answer{{Text: "a\x80b", Choice: -1, From: 1 << 40}}},
		{Phone: "+15550000001", Started: at.In(time.FixedZone("", 5*3600+30*60)), Updated: at.In(time.FixedZone("EST", -5*3600)),
			AckedAt: at.Local()},
		{Started: time.Unix(-1e10, 5).UTC(), Updated: time.Unix(0, 0).In(time.FixedZone("", -90*60)), Ticket: -7, Texts: 1 << 50},
	}
	for i, c := range cases {
		v, err := encodeConversation(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeConversation("+15550000001", v)
		if want := viaJSON(t, c); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("case %d: decoded\n%+v, %v\nwant (as JSON did)\n%+v", i, got, err, want)
		}
		if k := storedRecentKey(c.Phone, v); string(k) != string(recentKey(c)) {
			t.Errorf("case %d: stored recent key %x, want %x", i, k, recentKey(c))
		}
		for cut := range len(v) {
			if _, err := decodeConversation("+15550000001", v[:cut]); err == nil {
				t.Errorf("case %d cut at %d of %d: no error", i, cut, len(v))
			}
		}
		if _, err := decodeConversation("+15550000001", append(v[:len(v):len(v)], 0)); err == nil {
			t.Errorf("case %d with a byte too many: no error", i)
		}
		// A version-2 record (before Prev) still decodes, without one.
		noPrev := c
		noPrev.Prev = nil
		v2 := appendFields(append([]byte{conversationBinaryV2}, v[1:9]...), noPrev)
		if got, err := decodeConversation("+15550000001", v2); err != nil || !reflect.DeepEqual(got, viaJSON(t, noPrev)) {
			t.Errorf("case %d: version-2 record decoded %+v, %v", i, got, err)
		}
		doc, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		old := append(append([]byte{conversationJSON}, v[1:9]...), doc...)
		if got, err := decodeConversation("+15550000001", old); err != nil || !reflect.DeepEqual(got, viaJSON(t, c)) {
			t.Errorf("case %d: version-1 record decoded %+v, %v", i, got, err)
		}
	}
}

func BenchmarkConversationCodec(b *testing.B) {
	at := time.Now()
	c := bot.Conversation{Phone: "+15550000001", Status: bot.StatusActive, Flow: "claude-code-403", Node: "region",
		Answers: []bot.Answer{{Node: "which", Question: "Which tool?", Choice: 1, Label: "Claude Code", Text: "claude code 403", Inferred: true, From: 1}},
		Said:    []string{"claude code 403", "it says region not supported"},
		Texts:   2, Open: []int{2}, FirstText: "claude code 403", Counted: []bot.EventKind{"start"}, Started: at, Updated: at}
	b.ReportAllocs()
	for b.Loop() {
		v, _ := encodeConversation(c)
		if _, err := decodeConversation(c.Phone, v); err != nil {
			b.Fatal(err)
		}
	}
}

// A file of layout 2, whose conversations are JSON records, opens as
// layout 3 with its records as they were; one of them saved again is a
// binary record. A file of a later layout is refused.
func TestLayout2Opens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l2.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	c := bot.Conversation{Phone: "+15550000001", Status: bot.StatusActive, Flow: "f", Node: "n", Said: []string{"hi"}, Texts: 1, Started: at, Updated: at}
	doc, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	setLayout := func(version uint64, records ...kv) {
		t.Helper()
		b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		err = b.Update(func(tx *bolt.Tx) error {
			for _, r := range records {
				if err := tx.Bucket(bucketKeys[atNumbers]).Put(r.k, r.v); err != nil {
					return err
				}
			}
			return tx.Bucket(bucketKeys[atMeta]).Put(metaVersion, binary.BigEndian.AppendUint64(nil, version))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	old := append(binary.BigEndian.AppendUint64([]byte{conversationJSON}, timeKey(c.Updated)), doc...)
	setLayout(2, kv{conversationKey(c.Phone), old})

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.Conversation(t.Context(), c.Phone); err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("the layout-2 conversation reads %+v, %v", got, err)
	}
	if err := db.Update(t.Context(), c.Phone, func(tx bot.Tx) error { return tx.SaveConversation(c) }); err != nil {
		t.Fatal(err)
	}
	err = db.view(t.Context(), func(st *stage) error {
		if v := st.get(atNumbers, conversationKey(c.Phone)); len(v) == 0 || v[0] != conversationBinary {
			t.Errorf("saved again: record version %x", v[:min(1, len(v))])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if version, _, err := Layout(path); err != nil || version != 3 {
		t.Fatalf("layout %d, %v", version, err)
	}

	setLayout(4)
	if db, err := Open(path); err == nil {
		db.Close()
		t.Error("a file of layout 4 opened")
	}
}
