package store

// The file's buckets (layout version 1), all top-level, all created by
// Open. Each entity's file builds its keys and encodes its values; this
// table is the only place that names a bucket.
const (
	bucketConversations = "conversations" // phone → JSON bot.Conversation
	bucketRecent        = "recent"        // updated (8 bytes, ns) phone → status "\n" ["test"]
	bucketRecentKey     = "recentkey"     // phone → its key in recent
	bucketLines         = "lines"         // phone → nested bucket: seq (8 bytes) → JSON bot.Line; its sequence is the last seq
	bucketOutMsgs       = "outmsgs"       // MessageSid of a line → JSON {phone, seq}
	bucketClaims        = "claims"        // MessageSid, or MessageSid 0x00 From when another number has the first → JSON claim
	bucketPages         = "pages"         // page id → JSON bot.Page
	bucketOwned         = "owned"         // phone 0x00 page id → ∅: whose pages (pages hold no numbers)
	bucketTickets       = "tickets"       // number (8 bytes) → JSON bot.Ticket; its sequence is the last number
	bucketOpen          = "open"          // number (8 bytes) → ∅, for tickets not closed
	bucketOutbox        = "outbox"        // id (8 bytes, queue order) → JSON bot.OutMsg; its sequence is the last id
	bucketPending       = "pending"       // id (8 bytes) → ∅, for messages still queued
	bucketStats         = "stats"         // flow 0x00 day 0x00 kind [0x00 node [0x00 to]] → uint64
	bucketUnmatched     = "unmatched"     // flow 0x00 node 0x00 text → uint64 (all time)
	bucketSessions      = "sessions"      // session key → JSON bot.Session
	bucketAttempts      = "attempts"      // client address → JSON login attempt times
)

// buckets lists every top-level bucket, for Open.
var buckets = []string{
	bucketConversations, bucketRecent, bucketRecentKey, bucketLines, bucketOutMsgs, bucketClaims,
	bucketPages, bucketOwned, bucketTickets, bucketOpen, bucketOutbox, bucketPending,
	bucketStats, bucketUnmatched, bucketSessions, bucketAttempts,
}

// loc is where a key lives: a top-level bucket, or (sub != "") a bucket
// nested in it — only a number's transcript, lines/phone.
type loc struct{ top, sub string }

var (
	atConversations = loc{top: bucketConversations}
	atRecent        = loc{top: bucketRecent}
	atRecentKey     = loc{top: bucketRecentKey}
	atOutMsgs       = loc{top: bucketOutMsgs}
	atClaims        = loc{top: bucketClaims}
	atPages         = loc{top: bucketPages}
	atOwned         = loc{top: bucketOwned}
	atTickets       = loc{top: bucketTickets}
	atOpen          = loc{top: bucketOpen}
	atOutbox        = loc{top: bucketOutbox}
	atPending       = loc{top: bucketPending}
	atStats         = loc{top: bucketStats}
	atUnmatched     = loc{top: bucketUnmatched}
	atSessions      = loc{top: bucketSessions}
	atAttempts      = loc{top: bucketAttempts}
)

// linesOf is phone's transcript bucket.
func linesOf(phone string) loc { return loc{top: bucketLines, sub: phone} }

// fillPercent is how full the writer packs a bucket's pages. Transcript
// keys only ever grow, so a split page never receives another key: pack
// them tightly.
func fillPercent(at loc) float64 {
	if at.top == bucketLines && at.sub != "" {
		return 0.9
	}
	return 0.5 // bbolt's default
}
