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
// A transaction whose read-set no longer holds is skipped without failing
// the rest of its group, and its function runs again on a fresh snapshot
// (at most 16 times, then [bot.ErrConflict]). Inbound and Update with a
// lock run one at a time per phone number, so the engine runs in parallel
// across numbers and conflicts are rare: an operator's command touching a
// ticket a text is also touching.
//
// Ticket numbers and outbox ids come from counters outside the
// transaction, seeded at Open from the buckets' sequences, which the
// writer raises; a transaction that ran twice leaves a gap. Analytics
// counters are bumped by the writer and never read by a transaction, so
// they never conflict.
//
// The file holds sixteen top-level buckets, listed with their keys and
// values in buckets.go; each entity's file (conversations.go,
// transcript.go, pages.go, tickets.go, outbox.go, stats.go, claims.go,
// sessions.go) builds its keys and encodes its values. Transcript lines
// are separate keys in a per-number nested bucket, so the cost of a
// message does not grow with the conversation.
//
// [DB.Export] reads every record, decoded, for "textfix store copy" into
// PostgreSQL (package postgres).
//
// # Caveats
//
// bbolt allows one process per file. Open waits at most one second for the
// file lock and then fails with [ErrLocked]: stop the server before running
// a command that opens the same file.
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
// with a cut-off well past Twilio's retry window (a day is plenty). It and
// [DB.Forget] read the whole claims bucket; Forget also reads the whole
// tickets and outbox buckets, and [DB.ClaimDue] every queued message;
// none of them is on a text's path. The console's inbox uses [DB.RecentConversations],
// which walks an index of conversations by Updated time (built by Open
// for files written before it existed) and decodes only the page it
// returns.
package store
