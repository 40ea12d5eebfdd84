package store

import (
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// layoutVersion is the file layout this package writes, recorded in meta;
// Open migrates a file of layout 1 (migrate.go). Layout 3 is layout 2
// whose conversations may be binary records (conversations.go): Open
// turns a file of layout 2 into one of layout 3 with no record changed,
// and a textfix of layout 2, which could not read those records,
// refuses the file.
const layoutVersion = 3

// bucket names one of the file's top-level buckets. This table is the
// only place that names them, says what their keys and values are and
// how full the writer packs their pages.
type bucket uint8

const (
	atMeta      bucket = iota // "version" → layout version (8 bytes)
	atNumbers                 // phone 0x00 tag …: a number's conversation, transcript lines and claims, adjacent (numbers.go)
	atRecent                  // updated (8 bytes, ns) phone → status "\n" ["test"]
	atClaimsAt                // at (8 bytes, ns) phone 0x00 MessageSid → ∅: claims in time order, for the prune
	atSent                    // outbound MessageSid → phone 0x00 seq (8 bytes): the line a delivery report is about
	atPages                   // page id → JSON bot.Page
	atOwned                   // phone 0x00 page id → ∅: whose pages (pages hold no numbers)
	atTickets                 // number (8 bytes) → JSON bot.Ticket; its sequence is the last number
	atOpen                    // number (8 bytes) → ∅, for tickets not closed
	atOutbox                  // id (8 bytes, queue order) → JSON bot.OutMsg; its sequence is the last id
	atPending                 // id (8 bytes) → ∅, for messages still queued
	atStats                   // flow 0x00 day 0x00 kind [0x00 node [0x00 to]] → uint64
	atUnmatched               // flow 0x00 node 0x00 text → count, last seen (8 bytes each; 8 for the count alone before retention)
	atSessions                // session key → JSON bot.Session
	atAttempts                // client address → JSON login attempt times
	atExpired                 // SHA-256 of a page id → when retention deleted it (8 bytes, ns): it answers 410, and holds no id
	bucketCount
)

var bucketNames = [bucketCount]string{
	atMeta: "meta", atNumbers: "numbers", atRecent: "recent", atClaimsAt: "claimsat", atSent: "sent",
	atPages: "pages", atOwned: "owned", atTickets: "tickets", atOpen: "open", atOutbox: "outbox",
	atPending: "pending", atStats: "stats", atUnmatched: "unmatched", atSessions: "sessions", atAttempts: "attempts",
	atExpired: "expired",
}

// bucketKeys are the names as keys, made once.
var bucketKeys = func() (out [bucketCount][]byte) {
	for i, n := range bucketNames {
		out[i] = []byte(n)
	}
	return out
}()

func (b bucket) String() string { return bucketNames[b] }

// fillPercent is how full the writer packs a bucket's pages when it
// splits them; it is set on every write, bbolt does not keep it. A bucket
// whose keys only grow (times, queue order) never receives a key in a page
// once it has split: pack it full. One whose inserts land anywhere keeps
// bbolt's half. The numbers bucket's inserts land anywhere across numbers
// (each number grows at the end of its own keys): measured with
// bench/prefill (30,000 conversations), its pages end up 66-69% used for
// any fill from 0.5 to 0.9, and 61% at 1.0, where a split page splits
// again at its next insert; 0.8 and 0.9 take 4% fewer pages than 0.5, and
// 0.9 half as many branch pages again as 0.8.
var fillPercent = [bucketCount]float64{
	atMeta: 0.5, atNumbers: 0.8, atRecent: 1, atClaimsAt: 1, atSent: 0.5,
	atPages: 0.5, atOwned: 0.5, atTickets: 1, atOpen: 1, atOutbox: 1,
	atPending: 1, atStats: 0.5, atUnmatched: 0.5, atSessions: 0.5, atAttempts: 0.5,
	atExpired: 0.5,
}

// The numbers bucket keeps everything about one phone number under
// phone 0x00, so that one text changes keys next to each other (one
// page, mostly) instead of one in each of several buckets:
//
//	phone 0x00 'c'           → conversation (conversations.go)
//	phone 0x00 'l' seq (8)   → transcript line (transcript.go)
//	phone 0x00 's' MessageSid → claim (claims.go)
const (
	tagConversation = 'c'
	tagLine         = 'l'
	tagClaim        = 's'
)

// errBadPhone is returned for a phone number the layout cannot key: empty,
// or holding a NUL byte (the separator).
var errBadPhone = errors.New("bad phone number")

func checkPhone(phone string) error {
	if phone == "" || strings.IndexByte(phone, 0) >= 0 {
		return errBadPhone
	}
	return nil
}

// numberPrefix is the prefix of every key of phone in the numbers bucket.
func numberPrefix(phone string) []byte {
	return append(append(make([]byte, 0, len(phone)+1), phone...), 0)
}

// numberKey is phone 0x00 tag, with room for more.
func numberKey(phone string, tag byte, more int) []byte {
	return append(append(make([]byte, 0, len(phone)+2+more), phone...), 0, tag)
}

func conversationKey(phone string) []byte { return numberKey(phone, tagConversation, 0) }

func linePrefix(phone string) []byte { return numberKey(phone, tagLine, 0) }

func lineKey(phone string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(numberKey(phone, tagLine, 8), seq)
}

func claimKey(phone, sid string) []byte { return append(numberKey(phone, tagClaim, len(sid)), sid...) }

// timeKey is t as 8 big-endian bytes of Unix nanoseconds, so that keys
// sort by time; a zero or pre-1970 time is 0.
func timeKey(t time.Time) uint64 {
	if t.IsZero() || !t.After(time.Unix(0, 0)) {
		return 0
	}
	return uint64(t.UnixNano())
}
