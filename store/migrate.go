package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/textfix/textfix/bot"
)

// Layout 1 kept each number's transcript in a nested bucket of JSON lines
// (lines/phone: seq → JSON, the bucket's sequence the last seq),
// conversations in their own bucket with a second index (recentkey),
// claims as JSON with the reply's bodies (or, before that, its TwiML
// document) keyed by MessageSid, and every MessageSid of a line, inbound
// ones too, in outmsgs. Open migrates such a file to layout 3, once: step
// by step, each step a series of transactions of at most migrateBatch
// records that move records out of a layout-1 bucket (deleting them
// there) and drop the bucket once it is empty. A migration that stops
// half way (a crash, a kill) goes on from where it was at the next Open:
// what is left in the layout-1 buckets is what is left to do. meta's
// version is set by the last transaction.
//
// A layout-1 claim becomes a pointer to its reply lines when they can be
// found: the sender's inbound line with the MessageSid (by outmsgs, or
// from the end of the transcript), then the outbound lines right after it
// — exactly the claim's bodies when it has them; for a TwiML claim, the
// lines appended with the inbound one (the same At, as one Append writes
// them). A claim with bodies whose lines do not match keeps its bodies; a
// TwiML claim whose lines are not found replays no reply (counted, and
// logged).

const (
	v1Conversations = "conversations"
	v1RecentKey     = "recentkey"
	v1Lines         = "lines"
	v1OutMsgs       = "outmsgs"
	v1Claims        = "claims"
)

// v1Buckets are the layout-1 buckets layouts 2 and 3 do not have.
var v1Buckets = []string{v1Claims, v1OutMsgs, v1Lines, v1Conversations, v1RecentKey}

var (
	metaVersion   = []byte("version")
	metaMigrating = []byte("migrating") // set while a migration is under way
)

// migrateBatch bounds the records one migration transaction moves.
const migrateBatch = 1000

// findInboundDepth bounds how far back a claim's inbound line is looked
// for when outmsgs does not say.
const findInboundDepth = 10000

// migration counts what a migration did.
type migration struct {
	Claims          int // claims moved
	ClaimsAsLines   int // … of which now point at their reply lines
	ClaimsUnmatched int // … TwiML claims whose lines were not found: they replay no reply
	Dropped         int // unreadable claims and outmsgs entries, dropped
	Sent            int // outbound MessageSids indexed
	InboundSIDs     int // inbound MessageSids no longer indexed
	Lines           int // transcript lines moved
	Numbers         int // transcripts moved
	Conversations   int // conversations moved
	Transactions    int
	Took            time.Duration
}

// errStopped ends a migration that was asked to stop (tests).
var errStopped = errors.New("migration stopped")

// migrate brings the file to layoutVersion, logging its progress.
func migrate(b *bolt.DB, log *slog.Logger) (migration, error) {
	return migrateWith(b, log, migrateBatch, 0)
}

// migrateWith is migrate in transactions of at most batch records;
// stopAfter > 0 stops after that many transactions (tests).
func migrateWith(b *bolt.DB, log *slog.Logger, batch, stopAfter int) (migration, error) {
	var m migration
	var version uint64
	old := false
	err := b.View(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketKeys[atMeta]); meta != nil {
			if v := meta.Get(metaVersion); len(v) == 8 {
				version = binary.BigEndian.Uint64(v)
			}
		}
		for _, name := range v1Buckets {
			old = old || tx.Bucket([]byte(name)) != nil
		}
		return nil
	})
	switch {
	case err != nil:
		return m, err
	case version > layoutVersion:
		return m, fmt.Errorf("the file has layout %d, newer than this textfix's %d", version, layoutVersion)
	case version == layoutVersion:
		return m, nil
	case !old: // a new file, a file of layout 2, or a migration whose last step did not commit
		return m, b.Update(func(tx *bolt.Tx) error { return finishMigration(tx) })
	}

	start := time.Now()
	log.Info("store: migrating the file to layout 3 (once; it resumes if stopped)", "path", b.Path())
	lastLog := start
	steps := []func(*bolt.Tx, *migration, int) (bool, error){beginMigration, migrateClaims, migrateSent, migrateLines, migrateConversations}
	for _, step := range steps {
		for done := false; !done; {
			if stopAfter > 0 && m.Transactions >= stopAfter {
				return m, errStopped
			}
			next := m
			err := b.Update(func(tx *bolt.Tx) error {
				var err error
				done, err = step(tx, &next, batch)
				return err
			})
			if err != nil {
				return m, fmt.Errorf("migrate to layout 3: %w", err)
			}
			m = next
			m.Transactions++
			if time.Since(lastLog) > 2*time.Second {
				lastLog = time.Now()
				log.Info("store: migrating", "claims", m.Claims, "lines", m.Lines, "numbers", m.Numbers, "conversations", m.Conversations, "transactions", m.Transactions)
			}
		}
	}
	if err := b.Update(func(tx *bolt.Tx) error { return finishMigration(tx) }); err != nil {
		return m, fmt.Errorf("migrate to layout 3: %w", err)
	}
	m.Transactions++
	m.Took = time.Since(start)
	log.Info("store: migrated the file to layout 3", "took", m.Took.Round(time.Millisecond), "transactions", m.Transactions,
		"claims", m.Claims, "claims_as_lines", m.ClaimsAsLines, "sent", m.Sent, "inbound_sids_dropped", m.InboundSIDs,
		"lines", m.Lines, "numbers", m.Numbers, "conversations", m.Conversations)
	if m.ClaimsUnmatched > 0 || m.Dropped > 0 {
		log.Warn("store: migration: some records could not be carried over",
			"twiml_claims_without_lines", m.ClaimsUnmatched, "unreadable_dropped", m.Dropped)
	}
	return m, nil
}

// beginMigration marks the migration under way, drops the conversation
// index (migrateConversations rebuilds it) and makes layout 3's buckets.
func beginMigration(tx *bolt.Tx, _ *migration, _ int) (bool, error) {
	meta, err := tx.CreateBucketIfNotExists(bucketKeys[atMeta])
	if err != nil {
		return false, err
	}
	if meta.Get(metaMigrating) != nil {
		return true, nil // resumed
	}
	for _, name := range []string{bucketNames[atRecent], v1RecentKey} {
		if err := tx.DeleteBucket([]byte(name)); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return false, err
		}
	}
	if err := createBuckets(tx); err != nil {
		return false, err
	}
	return true, meta.Put(metaMigrating, []byte{1})
}

// finishMigration drops what is left of layout 1 (empty buckets) and
// records the version.
func finishMigration(tx *bolt.Tx) error {
	for _, name := range v1Buckets {
		if err := tx.DeleteBucket([]byte(name)); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
	}
	if err := createBuckets(tx); err != nil {
		return err
	}
	meta := tx.Bucket(bucketKeys[atMeta])
	if err := meta.Delete(metaMigrating); err != nil {
		return err
	}
	return meta.Put(metaVersion, binary.BigEndian.AppendUint64(nil, layoutVersion))
}

// batchOf copies up to n keys and values from the start of b.
func batchOf(b *bolt.Bucket, n int) []kv {
	var out []kv
	c := b.Cursor()
	for k, v := c.First(); k != nil && len(out) < n; k, v = c.Next() {
		out = append(out, kv{bytes.Clone(k), bytes.Clone(v)})
	}
	return out
}

// drained deletes the layout-1 bucket name when it is empty and reports
// whether it is gone.
func drained(tx *bolt.Tx, name string) (bool, error) {
	b := tx.Bucket([]byte(name))
	if b == nil {
		return true, nil
	}
	if k, _ := b.Cursor().First(); k != nil {
		return false, nil
	}
	return true, tx.DeleteBucket([]byte(name))
}

// v1Claim is a layout-1 claim: the reply's bodies, or before those its
// TwiML document (Reply); neither is a text that got no reply.
type v1Claim struct {
	Phone   string    `json:"phone"`
	At      time.Time `json:"at"`
	Replies []string  `json:"replies"`
	Reply   []byte    `json:"reply"`
}

// v1Ref is an outmsgs value: the line of a MessageSid.
type v1Ref struct {
	Phone string `json:"phone"`
	Seq   uint64 `json:"seq"`
}

func migrateClaims(tx *bolt.Tx, m *migration, batch int) (bool, error) {
	old := tx.Bucket([]byte(v1Claims))
	if old == nil {
		return true, nil
	}
	numbers, index := tx.Bucket(bucketKeys[atNumbers]), tx.Bucket(bucketKeys[atClaimsAt])
	numbers.FillPercent, index.FillPercent = fillPercent[atNumbers], fillPercent[atClaimsAt]
	for _, e := range batchOf(old, batch) {
		if err := old.Delete(e.k); err != nil {
			return false, err
		}
		var cl v1Claim
		sid, _, _ := bytes.Cut(e.k, []byte{0})
		if json.Unmarshal(e.v, &cl) != nil || checkPhone(cl.Phone) != nil || len(sid) == 0 {
			m.Dropped++
			continue
		}
		at := timeKey(cl.At)
		var v []byte
		first, n, found, err := v1ReplyLines(tx, cl.Phone, string(sid), cl)
		switch {
		case err != nil:
			return false, err
		case found:
			v = encodeClaim(at, first, n, nil)
			m.ClaimsAsLines++
		case cl.Reply == nil: // bodies that the transcript does not hold as one run
			v = encodeClaim(at, 0, 0, append([]string{}, cl.Replies...))
		default:
			v = encodeClaim(at, 0, 0, []string{})
			m.ClaimsUnmatched++
		}
		if err := numbers.Put(claimKey(cl.Phone, string(sid)), v); err != nil {
			return false, err
		}
		if err := index.Put(claimAtKey(at, cl.Phone, string(sid)), nil); err != nil {
			return false, err
		}
		m.Claims++
	}
	return drained(tx, v1Claims)
}

// v1ReplyLines finds the reply lines of a layout-1 claim in phone's
// layout-1 transcript (see the comment at the top).
func v1ReplyLines(tx *bolt.Tx, phone, sid string, cl v1Claim) (first, n uint64, found bool, err error) {
	if cl.Reply == nil && len(cl.Replies) == 0 {
		return 0, 0, true, nil // no reply: nothing to point at
	}
	lines := tx.Bucket([]byte(v1Lines))
	if lines == nil {
		return 0, 0, false, nil
	}
	nb := lines.Bucket([]byte(phone))
	if nb == nil {
		return 0, 0, false, nil
	}
	c := nb.Cursor()
	in, found, err := v1FindInbound(tx, c, phone, sid)
	if err != nil || !found {
		return 0, 0, false, err
	}
	c.Seek(seqBytes(in.Seq))
	for k, v := c.Next(); k != nil; k, v = c.Next() {
		l, err := v1Line(phone, k, v)
		if err != nil {
			return 0, 0, false, err
		}
		if cl.Reply == nil {
			if int(n) == len(cl.Replies) {
				break
			}
			if l.Dir != bot.Out || l.Body != cl.Replies[n] {
				return 0, 0, false, nil
			}
		} else if l.Dir != bot.Out || !l.At.Equal(in.At) {
			break
		}
		n++
	}
	if cl.Reply == nil && int(n) != len(cl.Replies) {
		return 0, 0, false, nil
	}
	return in.Seq + 1, n, true, nil
}

// v1FindInbound finds phone's inbound line with MessageID sid: where
// outmsgs says, else looking back from the end of the transcript.
func v1FindInbound(tx *bolt.Tx, c *bolt.Cursor, phone, sid string) (bot.Line, bool, error) {
	match := func(k, v []byte) (bot.Line, bool, error) {
		l, err := v1Line(phone, k, v)
		return l, err == nil && l.Dir == bot.In && l.MessageID == sid, err
	}
	if outs := tx.Bucket([]byte(v1OutMsgs)); outs != nil {
		var ref v1Ref
		if v := outs.Get([]byte(sid)); v != nil && json.Unmarshal(v, &ref) == nil && ref.Phone == phone {
			if k, v := c.Seek(seqBytes(ref.Seq)); k != nil && bytes.Equal(k, seqBytes(ref.Seq)) {
				if l, ok, err := match(k, v); ok || err != nil {
					return l, ok, err
				}
			}
		}
	}
	i := 0
	for k, v := c.Last(); k != nil && i < findInboundDepth; k, v = c.Prev() {
		if l, ok, err := match(k, v); ok || err != nil {
			return l, ok, err
		}
		i++
	}
	return bot.Line{}, false, nil
}

func seqBytes(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// v1Line decodes a layout-1 line; its seq is its key's.
func v1Line(phone string, k, v []byte) (bot.Line, error) {
	var l bot.Line
	if len(k) != 8 {
		return l, fmt.Errorf("layout-1 line %s/%x: bad key", bot.Mask(phone), k)
	}
	if err := json.Unmarshal(v, &l); err != nil {
		return l, fmt.Errorf("layout-1 line %s/%x: %w", bot.Mask(phone), k, err)
	}
	l.Seq = binary.BigEndian.Uint64(k)
	return l, nil
}

// migrateSent keeps the outbound MessageSids of outmsgs, in sent.
func migrateSent(tx *bolt.Tx, m *migration, batch int) (bool, error) {
	old := tx.Bucket([]byte(v1OutMsgs))
	if old == nil {
		return true, nil
	}
	sent := tx.Bucket(bucketKeys[atSent])
	sent.FillPercent = fillPercent[atSent]
	lines := tx.Bucket([]byte(v1Lines))
	for _, e := range batchOf(old, batch) {
		if err := old.Delete(e.k); err != nil {
			return false, err
		}
		var ref v1Ref
		if json.Unmarshal(e.v, &ref) != nil || checkPhone(ref.Phone) != nil {
			m.Dropped++
			continue
		}
		var nb *bolt.Bucket
		if lines != nil {
			nb = lines.Bucket([]byte(ref.Phone))
		}
		var v []byte
		if nb != nil {
			v = nb.Get(seqBytes(ref.Seq))
		}
		if v == nil {
			m.InboundSIDs++ // a line forgotten meanwhile: nothing to report on
			continue
		}
		l, err := v1Line(ref.Phone, seqBytes(ref.Seq), v)
		if err != nil {
			return false, err
		}
		if l.Dir != bot.Out || l.MessageID != string(e.k) {
			m.InboundSIDs++
			continue
		}
		if err := sent.Put(e.k, sentValue(ref.Phone, ref.Seq)); err != nil {
			return false, err
		}
		m.Sent++
	}
	return drained(tx, v1OutMsgs)
}

// migrateLines moves transcripts, number by number (a long one over
// several transactions), into the numbers bucket.
func migrateLines(tx *bolt.Tx, m *migration, batch int) (bool, error) {
	old := tx.Bucket([]byte(v1Lines))
	if old == nil {
		return true, nil
	}
	numbers := tx.Bucket(bucketKeys[atNumbers])
	numbers.FillPercent = fillPercent[atNumbers]
	budget := batch
	for budget > 0 {
		k, v := old.Cursor().First()
		if k == nil {
			break
		}
		phone := string(k)
		nb := old.Bucket(k)
		if v != nil || nb == nil || checkPhone(phone) != nil {
			return false, fmt.Errorf("layout-1 lines: unexpected key %q", k)
		}
		moved := batchOf(nb, budget)
		for _, e := range moved {
			l, err := v1Line(phone, e.k, e.v)
			if err != nil {
				return false, err
			}
			if err := numbers.Put(lineKey(phone, l.Seq), encodeLine(nil, l)); err != nil {
				return false, err
			}
		}
		m.Lines += len(moved)
		budget -= max(len(moved), 1)
		if nextAfter(nb, moved) == nil { // the number is done
			if err := old.DeleteBucket(k); err != nil {
				return false, err
			}
			m.Numbers++
			continue
		}
		for _, e := range moved {
			if err := nb.Delete(e.k); err != nil {
				return false, err
			}
		}
	}
	return drained(tx, v1Lines)
}

// nextAfter is the key after the last of moved in b, or nil.
func nextAfter(b *bolt.Bucket, moved []kv) []byte {
	c := b.Cursor()
	if len(moved) == 0 {
		k, _ := c.First()
		return k
	}
	c.Seek(moved[len(moved)-1].k)
	k, _ := c.Next()
	return k
}

// migrateConversations moves conversations into the numbers bucket,
// their JSON as it is, and indexes them in recent.
func migrateConversations(tx *bolt.Tx, m *migration, batch int) (bool, error) {
	old := tx.Bucket([]byte(v1Conversations))
	if old == nil {
		return true, nil
	}
	numbers, recent := tx.Bucket(bucketKeys[atNumbers]), tx.Bucket(bucketKeys[atRecent])
	numbers.FillPercent, recent.FillPercent = fillPercent[atNumbers], fillPercent[atRecent]
	for _, e := range batchOf(old, batch) {
		phone := string(e.k)
		var c bot.Conversation
		if err := json.Unmarshal(e.v, &c); err != nil || checkPhone(phone) != nil {
			return false, fmt.Errorf("layout-1 conversation %s: bad record", bot.Mask(phone))
		}
		c.Phone = phone
		v := binary.BigEndian.AppendUint64(append(make([]byte, 0, 9+len(e.v)), conversationJSON), timeKey(c.Updated))
		if err := numbers.Put(conversationKey(phone), append(v, e.v...)); err != nil {
			return false, err
		}
		if err := recent.Put(recentKey(c), recentValue(c)); err != nil {
			return false, err
		}
		if err := old.Delete(e.k); err != nil {
			return false, err
		}
		m.Conversations++
	}
	return drained(tx, v1Conversations)
}
