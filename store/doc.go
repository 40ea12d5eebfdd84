// Package store implements textfix's storage contract ([bot.Store]) on one
// bbolt file: conversations, transcripts, fix pages, the MessageSid claims
// that make webhook retries harmless, tickets, the outbox, analytics
// counters and console sessions. It passes the conformance suite in
// store/storetest, which every backend runs.
//
// # Basics
//
// [Open] returns a [*DB]; [DB.Close] commits what is queued and releases
// the file. Every method that reads or writes takes a context and returns
// copies: no value returned by this package refers to memory owned by
// bbolt.
//
// A transaction ([DB.Inbound], [DB.Update]) runs its function in the
// caller's goroutine against a stage (stage.go): reads come from a
// read-only snapshot, plus the function's own writes; the keys read and
// the bytes seen form a read-set, and writes are recorded as encoded
// operations. The single writer (commit.go) takes the read-set and the
// operations of every transaction that queued while it was syncing the
// previous group, checks each read-set with bytes.Equal, applies the
// operations of those that hold, and commits the group with one fsync.
// A lone write commits at once; when more than one write arrived during
// the last commit, the writer waits up to 300 µs for more (at most 512 in
// a group) before it starts the next transaction, so that commits under
// load are fuller. A transaction whose read-set no longer holds is
// skipped without failing the rest of its group, and its function runs
// again on a fresh snapshot (at most 16 times, then [bot.ErrConflict]).
// The context is checked before a write is queued, never by the writer:
// a caller that goes away does not make its group run again. Inbound and
// Update with a lock run one at a time per phone number, so the engine
// runs in parallel across numbers and conflicts are rare: an operator's
// command touching a ticket a text is also touching.
//
// Ticket numbers and outbox ids come from counters outside the
// transaction, seeded at Open from the buckets' sequences, which the
// writer raises; a transaction that ran twice leaves a gap. Analytics
// counters are bumped by the writer and never read by a transaction, so
// they never conflict.
//
// # Layout
//
// The file holds fifteen top-level buckets (layout version 2, recorded in
// meta), listed with their keys and values in buckets.go; each entity's
// file (conversations.go, transcript.go, claims.go, pages.go, tickets.go,
// outbox.go, stats.go, sessions.go) builds its keys and encodes its
// values. Everything about one phone number sits under phone 0x00 in the
// numbers bucket, adjacent: its conversation (a version byte, its Updated
// time and JSON), its transcript lines (phone 0x00 'l' seq, one key per
// line, in a compact binary encoding), and its claims (phone 0x00 's'
// MessageSid), so that one text changes keys on one page, mostly, and the
// cost of a message does not grow with the conversation. A number's next
// seq is its last line key plus one; that key is in the read-set, so two
// transactions appending to one number conflict. A claim points at the
// reply: the first seq and the count of the lines Inbound's function
// appended to the sender (a reply that is not one such run is recorded as
// bodies); a retry gets their bodies back, and web renders the same TwiML
// from them. A reply line that is no longer there is left out of the
// replay (Forget deletes a number's claims with its lines). claimsat lists claims by time, sent indexes outbound
// MessageSids for delivery reports (inbound ones are not indexed), recent
// lists conversations by Updated time for the console's inbox.
//
// Each bucket's pages are packed as fillPercent (buckets.go) says: full
// for the buckets whose keys only grow (claimsat, recent, tickets, open,
// outbox, pending), 0.8 for numbers, half for the rest: with
// bench/prefill (conversations of three texts through the desk and the
// engine) the numbers bucket's pages are 66-69% used whatever its fill
// between 0.5 and 0.9, as inserts land all over it, and 61% at 1.0, where
// a full page splits again at its next insert. With 100,000 conversations
// the file holds about 1.1 KiB per stored text. A text committed alone writes about 70 KB, most of it the paths
// from the root to the pages it changes in four buckets (numbers, recent,
// claimsat, stats); under load, when texts share commits, about 7 KB.
//
// # Migration
//
// Open migrates a file of layout 1 (a nested bucket per number of JSON
// lines, conversations, claims holding reply bodies or TwiML, and an index
// of every MessageSid), once: step by step, in transactions of at most
// 1,000 records that move records out of a layout-1 bucket, dropping it
// when it is empty, so a large file needs no giant transaction, and a
// migration that stops half way goes on at the next Open. Its progress and
// counts go to the logger given with [WithLogger]. A layout-1 claim
// becomes a pointer to its reply lines when they are found in the
// sender's transcript (migrate.go says how), else it keeps its bodies.
//
// [DB.Export] reads every record, decoded, for "textfix store copy" into
// PostgreSQL (package postgres).
//
// # Caveats
//
// bbolt allows one process per file. Open waits at most one second for the
// file lock and then fails with [ErrLocked]: stop the server before running
// a command that opens the same file. A file of a newer layout is refused.
//
// A transaction function reads from a bbolt read transaction while it
// runs, and bbolt cannot map a grown file while one is open: the writer
// would wait for the function to end. Open maps a gigabyte ahead, so
// that this does not happen until the file outgrows it; after that, a
// function that waits for another transaction (only tests do) could
// wait forever.
//
// Fairness across outbox recipients (who was served last) and send pacing
// ([DB.NextSendSlot]) live in memory; [DB.Leader] is always true.
//
// Claims are kept until [DB.PruneClaims] removes them; run it periodically
// with a cut-off well past Twilio's retry window (a day is plenty). It
// walks claimsat from the oldest claim and reads only the claims it
// deletes, in transactions of at most 32 claims: a claim lives on its
// number's page, so each costs about two page writes, and a batch holds
// the writer a few milliseconds, like a text's commit. [DB.Forget] reads
// the number's keys and the whole tickets and outbox buckets, and
// [DB.ClaimDue] every queued message; none of them is on a text's path.
// The console's inbox uses [DB.RecentConversations], which walks recent
// and decodes only the page it returns.
package store
