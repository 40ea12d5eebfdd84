package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/textfix/textfix/bot"
)

// Bucket names.
const (
	bucketConversations = "conversations"
	bucketLines         = "lines"
	bucketClaims        = "claims"
	bucketPages         = "pages"
	bucketOutMsgs       = "outmsgs"
)

// lockTimeout is how long Open waits for another process to release the file.
const lockTimeout = time.Second

// linesFillPercent packs transcript pages tightly: line keys only ever grow,
// so a split page never receives another key.
const linesFillPercent = 0.9

var (
	// ErrLocked is returned by Open when another process (or another Open
	// in this process) holds the file.
	ErrLocked = errors.New("database is locked by another process")

	// ErrPageExists is returned when a page id is stored a second time.
	ErrPageExists = errors.New("page already exists")
)

// DB is the bbolt-backed store. Its methods are safe for concurrent use.
type DB struct {
	bolt   *bolt.DB
	writes *committer
	path   string

	// Now is the clock used for claim times and for lines stored without a
	// time. Open sets it to time.Now; tests may replace it before use.
	Now func() time.Time
}

// Open opens or creates the database file at path, creating its directory
// if needed, and makes sure every bucket exists. If another process holds
// the file, Open gives up after one second with an error wrapping
// [ErrLocked].
func Open(path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("store: open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{bucketConversations, bucketLines, bucketClaims, bucketPages, bucketOutMsgs,
			bucketTickets, bucketOpen, bucketOutbox, bucketPending, bucketStats, bucketUnmatched, bucketOwned,
			bucketRecent, bucketRecentKey} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		return buildRecent(tx)
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &DB{bolt: b, writes: newCommitter(b), path: path, Now: time.Now}, nil
}

// Close releases the file. Calls after the first return nil.
func (db *DB) Close() error {
	db.writes.close()
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Path is the file the store was opened on.
func (db *DB) Path() string { return db.path }

// Ping runs an empty read transaction; it fails once the store is closed.
func (db *DB) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := db.bolt.View(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// claim is what is recorded against an inbound MessageSid.
type claim struct {
	Phone string    `json:"phone"`
	At    time.Time `json:"at"`
	Reply []byte    `json:"reply"`
}

// outMsg locates the transcript line of a MessageSid.
type outMsg struct {
	Phone string `json:"phone"`
	Seq   uint64 `json:"seq"`
}

// Apply is Update for one number's conversation: in one write
// transaction it:
//
//   - returns the recorded reply with dup=true if msgID was claimed before,
//     without calling fn or changing anything;
//   - otherwise loads phone's conversation (a zero Conversation with Phone
//     set if there is none) and calls fn with it;
//   - saves change.Conversation under phone (its Phone is forced to phone),
//     (bot.Save);
//   - appends change.Lines to phone's transcript, assigning Seq (and At
//     when zero), and indexes every line with a MessageID for SetDelivery;
//   - stores change.Pages, failing with [ErrPageExists] if an id is taken;
//   - records change.Feedback on its page (ignored if the page is gone);
//   - claims msgID with change.Reply and the current time.
//
// An empty msgID skips the claim (and so the dedup) but does the rest. If
// fn or any step fails nothing is stored, so a retry runs fn again. fn runs
// inside the write transaction and, because Apply shares transactions with
// other writes (a group commit), may be called more than once: it must be
// quick and free of side effects.
// The returned reply is a copy.
func (db *DB) Apply(ctx context.Context, phone, msgID string, fn func(bot.Conversation) (bot.Change, error)) (reply []byte, dup bool, err error) {
	if phone == "" {
		return nil, false, errors.New("store: apply: empty phone")
	}
	reply, dup, err = db.update(ctx, phone, msgID, func(t bot.Tx) ([]byte, error) {
		conv, err := t.Conversation(phone)
		if err != nil {
			return nil, err
		}
		change, err := fn(conv)
		if err != nil {
			return nil, err
		}
		return change.Reply, bot.Save(t, phone, change)
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: apply: %w", err)
	}
	return reply, dup, nil
}

// Conversation returns phone's conversation, or an error wrapping
// [bot.ErrNotFound].
func (db *DB) Conversation(ctx context.Context, phone string) (bot.Conversation, error) {
	if err := ctx.Err(); err != nil {
		return bot.Conversation{}, fmt.Errorf("store: conversation: %w", err)
	}
	var conv bot.Conversation
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		conv, err = getConversation(tx, phone)
		return err
	})
	if err != nil {
		return bot.Conversation{}, fmt.Errorf("store: conversation: %w", err)
	}
	return conv, nil
}

// Conversations returns every conversation, most recently Updated first
// (ties by phone). It reads the whole bucket.
func (db *DB) Conversations(ctx context.Context) ([]bot.Conversation, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: conversations: %w", err)
	}
	convs := []bot.Conversation{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketConversations)).ForEach(func(k, v []byte) error {
			var c bot.Conversation
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			convs = append(convs, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: conversations: %w", err)
	}
	slices.SortFunc(convs, func(a, b bot.Conversation) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.Phone, b.Phone)
	})
	return convs, nil
}

// Transcript returns phone's lines in Seq order; an empty slice if there
// are none.
func (db *DB) Transcript(ctx context.Context, phone string) ([]bot.Line, error) {
	return db.TranscriptTail(ctx, phone, 0)
}

// TranscriptTail returns the last n of phone's lines (all of them when n
// <= 0) in Seq order, reading only those.
func (db *DB) TranscriptTail(ctx context.Context, phone string, n int) ([]bot.Line, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: transcript: %w", err)
	}
	lines := []bot.Line{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := linesBucket(tx, phone)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, _ := c.First()
		if n > 0 {
			k, _ = c.Last()
			for i := 1; i < n && k != nil; i++ {
				k, _ = c.Prev()
			}
			if k == nil {
				k, _ = c.First()
			}
		}
		for v := b.Get(k); k != nil; k, v = c.Next() {
			var l bot.Line
			if err := json.Unmarshal(v, &l); err != nil {
				return fmt.Errorf("line %x: %w", k, err)
			}
			lines = append(lines, l)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: transcript: %w", err)
	}
	return lines, nil
}

// AppendLines appends lines to phone's transcript outside any inbound
// message (operator replies, notices) and returns them with Seq set, and
// At set to now where it was zero. Lines with a MessageID are indexed for
// SetDelivery. It does not need a conversation to exist.
func (db *DB) AppendLines(ctx context.Context, phone string, lines ...bot.Line) ([]bot.Line, error) {
	if phone == "" {
		return nil, errors.New("store: append lines: empty phone")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: append lines: %w", err)
	}
	var out []bot.Line
	err := db.writes.do(func(tx *bolt.Tx) error {
		var err error
		out, err = appendLines(tx, phone, lines, db.Now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: append lines: %w", err)
	}
	return out, nil
}

// SetMessageID records the Twilio MessageSid of an already stored line
// (a REST message sent after its line was written), so SetDelivery can find
// it. It returns an error wrapping [bot.ErrNotFound] if there is no such line.
func (db *DB) SetMessageID(ctx context.Context, phone string, seq uint64, messageSid string) error {
	if messageSid == "" {
		return errors.New("store: set message id: empty message sid")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: set message id: %w", err)
	}
	err := db.writes.do(func(tx *bolt.Tx) error {
		outs := tx.Bucket([]byte(bucketOutMsgs))
		return updateLine(tx, phone, seq, func(l *bot.Line) error {
			if l.MessageID != "" && l.MessageID != messageSid {
				if err := outs.Delete([]byte(l.MessageID)); err != nil {
					return err
				}
			}
			l.MessageID = messageSid
			return putJSON(outs, messageSid, outMsg{Phone: phone, Seq: seq})
		})
	})
	if err != nil {
		return fmt.Errorf("store: set message id: %w", err)
	}
	return nil
}

// SetDelivery records a delivery-status callback on the line whose
// MessageID is messageSid, and returns the line's phone. An unknown
// messageSid gives an error wrapping [bot.ErrNotFound]. Twilio may
// deliver callbacks out of order: a status that does not supersede the
// line's (bot.Delivery.Supersedes) changes nothing.
func (db *DB) SetDelivery(ctx context.Context, messageSid string, status bot.Delivery, errorCode string) (phone string, err error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("store: set delivery: %w", err)
	}
	err = db.writes.do(func(tx *bolt.Tx) error {
		phone = ""
		v := tx.Bucket([]byte(bucketOutMsgs)).Get([]byte(messageSid))
		if v == nil || messageSid == "" {
			return fmt.Errorf("message %s: %w", messageSid, bot.ErrNotFound)
		}
		var m outMsg
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("message %s: %w", messageSid, err)
		}
		err := updateLine(tx, m.Phone, m.Seq, func(l *bot.Line) error {
			if status.Supersedes(l.Status) {
				l.Status, l.Error = status, errorCode
			}
			return nil
		})
		if err != nil {
			return err
		}
		phone = m.Phone
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: set delivery: %w", err)
	}
	return phone, nil
}

// Page returns the page with id, or an error wrapping [bot.ErrNotFound].
// Revoked pages are returned too; showing them is the caller's decision.
func (db *DB) Page(ctx context.Context, id string) (bot.Page, error) {
	if err := ctx.Err(); err != nil {
		return bot.Page{}, fmt.Errorf("store: page: %w", err)
	}
	var p bot.Page
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		p, err = getPage(tx, id)
		return err
	})
	if err != nil {
		return bot.Page{}, fmt.Errorf("store: page: %w", err)
	}
	return p, nil
}

// PutPage stores a new page; an existing id gives an error wrapping
// [ErrPageExists]. The page has no owner, so no Forget erases it: a page
// made for a person is stored through the transaction's PutPage (bot.Tx),
// which records the owner.
func (db *DB) PutPage(ctx context.Context, p bot.Page) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: put page: %w", err)
	}
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return putNewPage(tx, p) }); err != nil {
		return fmt.Errorf("store: put page: %w", err)
	}
	return nil
}

// UpdatePage calls fn once with the stored page and saves the result, in
// one write transaction; an error from fn stores nothing. fn must not
// change the ID. A missing page gives an error wrapping [bot.ErrNotFound].
func (db *DB) UpdatePage(ctx context.Context, id string, fn func(*bot.Page) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: update page: %w", err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		p, err := getPage(tx, id)
		if err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		if p.ID != id {
			return fmt.Errorf("page %s: id changed to %q", id, p.ID)
		}
		return putJSON(tx.Bucket([]byte(bucketPages)), id, p)
	})
	if err != nil {
		return fmt.Errorf("store: update page: %w", err)
	}
	return nil
}

// RevokePage marks a page revoked. A missing page gives an error wrapping
// [bot.ErrNotFound].
func (db *DB) RevokePage(ctx context.Context, id string) error {
	err := db.UpdatePage(ctx, id, func(p *bot.Page) error {
		p.Revoked = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: revoke page: %w", err)
	}
	return nil
}

// Forget erases everything stored about phone in one transaction: its
// conversation, its transcript, the MessageSid index of its lines, every
// claim made for it, every page made for it (the pages it owns, and the
// conversation's PageID from before pages had owners), its handoff
// tickets and the outbox messages to it. It returns an error wrapping
// [bot.ErrNotFound] if there was nothing to erase. It reads the whole
// claims, tickets and outbox buckets.
func (db *DB) Forget(ctx context.Context, phone string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: forget: %w", err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		found := false
		convs := tx.Bucket([]byte(bucketConversations))
		conv, err := getConversation(tx, phone)
		switch {
		case errors.Is(err, bot.ErrNotFound):
		case err != nil:
			return err
		default:
			found = true
			if err := convs.Delete([]byte(phone)); err != nil {
				return err
			}
			if err := forgetRecent(tx, phone); err != nil {
				return err
			}
			if conv.PageID != "" { // made before pages had owners
				if err := tx.Bucket([]byte(bucketPages)).Delete([]byte(conv.PageID)); err != nil {
					return err
				}
			}
		}
		n, err := forgetPages(tx, phone)
		if err != nil {
			return err
		}
		found = found || n > 0

		if lb := linesBucket(tx, phone); lb != nil {
			found = true
			outs := tx.Bucket([]byte(bucketOutMsgs))
			var sids []string
			err := lb.ForEach(func(_, v []byte) error {
				var l bot.Line
				if err := json.Unmarshal(v, &l); err != nil {
					return err
				}
				if l.MessageID != "" {
					sids = append(sids, l.MessageID)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("lines: %w", err)
			}
			for _, sid := range sids {
				if v := outs.Get([]byte(sid)); v != nil {
					var m outMsg
					if json.Unmarshal(v, &m) == nil && m.Phone != phone {
						continue // another number's message with the same id
					}
					if err := outs.Delete([]byte(sid)); err != nil {
						return err
					}
				}
			}
			if err := tx.Bucket([]byte(bucketLines)).DeleteBucket([]byte(phone)); err != nil {
				return fmt.Errorf("lines: %w", err)
			}
		}

		claims := tx.Bucket([]byte(bucketClaims))
		var keys [][]byte
		err = claims.ForEach(func(k, v []byte) error {
			var c struct {
				Phone string `json:"phone"`
			}
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("claim %s: %w", k, err)
			}
			if c.Phone == phone {
				keys = append(keys, slices.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := claims.Delete(k); err != nil {
				return err
			}
		}
		if len(keys) > 0 {
			found = true
		}
		n, err = forgetHandoffs(tx, phone)
		if err != nil {
			return err
		}
		found = found || n > 0

		if !found {
			return fmt.Errorf("%s: %w", phone, bot.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: forget: %w", err)
	}
	return nil
}

// PruneClaims deletes the claims made before olderThan and returns how many
// it deleted. A pruned MessageSid is no longer deduplicated. It reads the
// whole claims bucket.
func (db *DB) PruneClaims(ctx context.Context, olderThan time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: prune claims: %w", err)
	}
	var n int
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		n = 0
		claims := tx.Bucket([]byte(bucketClaims))
		var keys [][]byte
		err := claims.ForEach(func(k, v []byte) error {
			var c struct {
				At time.Time `json:"at"`
			}
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("claim %s: %w", k, err)
			}
			if c.At.Before(olderThan) {
				keys = append(keys, slices.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := claims.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune claims: %w", err)
	}
	return n, nil
}

// getConversation decodes phone's conversation inside tx.
func getConversation(tx *bolt.Tx, phone string) (bot.Conversation, error) {
	var c bot.Conversation
	v := tx.Bucket([]byte(bucketConversations)).Get([]byte(phone))
	if v == nil || phone == "" {
		return c, fmt.Errorf("conversation %s: %w", phone, bot.ErrNotFound)
	}
	if err := json.Unmarshal(v, &c); err != nil {
		return c, fmt.Errorf("conversation %s: %w", phone, err)
	}
	return c, nil
}

// getPage decodes a page inside tx.
func getPage(tx *bolt.Tx, id string) (bot.Page, error) {
	var p bot.Page
	v := tx.Bucket([]byte(bucketPages)).Get([]byte(id))
	if v == nil || id == "" {
		return p, fmt.Errorf("page %s: %w", id, bot.ErrNotFound)
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return p, fmt.Errorf("page %s: %w", id, err)
	}
	return p, nil
}

// putNewPage stores p unless its id is empty or taken.
func putNewPage(tx *bolt.Tx, p bot.Page) error {
	if p.ID == "" {
		return errors.New("page: empty id")
	}
	pages := tx.Bucket([]byte(bucketPages))
	if pages.Get([]byte(p.ID)) != nil {
		return fmt.Errorf("page %s: %w", p.ID, ErrPageExists)
	}
	if err := putJSON(pages, p.ID, p); err != nil {
		return fmt.Errorf("page %s: %w", p.ID, err)
	}
	return nil
}

// linesBucket is phone's transcript bucket, or nil.
func linesBucket(tx *bolt.Tx, phone string) *bolt.Bucket {
	if phone == "" {
		return nil
	}
	return tx.Bucket([]byte(bucketLines)).Bucket([]byte(phone))
}

// appendLines stores copies of lines under phone with fresh sequence
// numbers and returns them. It touches only the end of the transcript.
func appendLines(tx *bolt.Tx, phone string, lines []bot.Line, now time.Time) ([]bot.Line, error) {
	out := make([]bot.Line, 0, len(lines))
	if len(lines) == 0 {
		return out, nil
	}
	b, err := tx.Bucket([]byte(bucketLines)).CreateBucketIfNotExists([]byte(phone))
	if err != nil {
		return nil, fmt.Errorf("lines %s: %w", phone, err)
	}
	b.FillPercent = linesFillPercent
	outs := tx.Bucket([]byte(bucketOutMsgs))
	for _, l := range lines {
		seq, err := b.NextSequence()
		if err != nil {
			return nil, fmt.Errorf("lines %s: %w", phone, err)
		}
		l.Seq = seq
		if l.At.IsZero() {
			l.At = now
		}
		v, err := json.Marshal(l)
		if err != nil {
			return nil, fmt.Errorf("line %s/%d: %w", phone, seq, err)
		}
		if err := b.Put(seqKey(seq), v); err != nil {
			return nil, fmt.Errorf("line %s/%d: %w", phone, seq, err)
		}
		if l.MessageID != "" {
			if err := putJSON(outs, l.MessageID, outMsg{Phone: phone, Seq: seq}); err != nil {
				return nil, fmt.Errorf("line %s/%d: message id: %w", phone, seq, err)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// updateLine applies fn to one stored line and saves it.
func updateLine(tx *bolt.Tx, phone string, seq uint64, fn func(*bot.Line) error) error {
	b := linesBucket(tx, phone)
	if b == nil {
		return fmt.Errorf("line %s/%d: %w", phone, seq, bot.ErrNotFound)
	}
	k := seqKey(seq)
	v := b.Get(k)
	if v == nil {
		return fmt.Errorf("line %s/%d: %w", phone, seq, bot.ErrNotFound)
	}
	var l bot.Line
	if err := json.Unmarshal(v, &l); err != nil {
		return fmt.Errorf("line %s/%d: %w", phone, seq, err)
	}
	if err := fn(&l); err != nil {
		return err
	}
	v, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("line %s/%d: %w", phone, seq, err)
	}
	return b.Put(k, v)
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), seq)
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

// setFeedback records the answer to "Did this fix it?" on a page.
func setFeedback(tx *bolt.Tx, id string, answer bot.FeedbackAnswer) error {
	p, err := getPage(tx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return nil // revoked-and-deleted or forgotten: nothing to record
	}
	if err != nil {
		return err
	}
	p.Feedback = answer
	if err := putJSON(tx.Bucket([]byte(bucketPages)), id, p); err != nil {
		return fmt.Errorf("page %s: %w", id, err)
	}
	return nil
}
