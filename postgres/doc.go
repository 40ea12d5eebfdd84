// Package postgres implements textfix's storage contract ([bot.Store]) on
// PostgreSQL, so that any number of textfix instances share one database
// and behave as one. It passes the conformance suite in store/storetest,
// like the bbolt backend (package store), which it never imports.
//
// # Basics
//
// [Open] connects through a pgx pool (Config.URL, a pooler's URL is fine)
// and applies the embedded migrations (migrations/*.sql) that the
// database has not had, in one transaction under an advisory lock:
// instances starting together do not race. [Migrate] does the same for
// "textfix migrate". [DB.Warm], which textfix serve calls before it takes
// texts, opens every connection of the pool at once, so that the first
// texts do not wait for server processes to start.
//
// The schema keeps in real columns what is queried — a conversation's
// phone, status, flow and updated time, a line's (phone, seq) and
// MessageSid, a ticket's number and state, an outbox message's recipient,
// state, due time and lease, a page's owner and revocation — and the
// record itself as JSON (the engine's opaque conversation state, the
// line, page, ticket or message), encoded and decoded only here: json,
// not jsonb, because nothing queries inside it and json costs the
// database less to write and read back. Every row that a transaction may
// change has a version.
//
// A transaction ([DB.Inbound], [DB.Update]; tx.go) runs its function
// against a stage: its reads are SELECTs in a READ COMMITTED transaction
// on one connection, noting each row's version; its writes stay in the
// stage. Then one statement, sent with COMMIT in one round trip, checks
// what was read (a serialization failure if a version moved), applies the
// writes (UPDATE … WHERE version = the one read; INSERT for a row read as
// missing, so a key inserted meanwhile fails as a unique violation),
// appends the counts, and NOTIFYs the senders if it queued a message:
// each part is a WITH query, because one statement costs the database far
// less than one per write. A conflict of
// any of these kinds rolls back and runs the function again on fresh
// data (at most 16 times, then [bot.ErrConflict]).
//
// Inbound and Update with a lock take pg_advisory_xact_lock on a hash of
// the number first: one number's transactions run one at a time across
// every instance, in the order they reach the database; other numbers
// never wait. Inbound looks the claim (MessageSid, From) up after taking
// the lock and inserts it in the same transaction, so two instances
// given the same MessageSid at once store one text and give the same
// reply. Inbound takes the lock and reads the claim, the number's
// conversation and its last seq in one statement (textfix_begin, a
// function whose queries see what was committed while it waited), sent
// in the same round trip as BEGIN: a text costs two round trips.
//
// Ticket numbers and outbox ids come from sequences, taken while the
// function runs; a transaction that ran twice leaves a gap. Analytics
// counts are appended to delta tables, which have no row to wait on, and
// [DB.FoldCounters] (run by the leader) moves them into the totals:
// texts never queue on a popular counter (stats.go).
//
// The outbox is claimed with FOR UPDATE SKIP LOCKED ([DB.ClaimDue]):
// two senders never get the same message, and fairness across
// recipients is the contract's rule, with each recipient's last turn in
// a table. [DB.NextSendSlot] paces sends across the deployment on one
// row. [DB.Listen] wakes a sender when any instance queues a message.
//
// [DB.Leader] is true on the one instance holding a session advisory
// lock on its own connection to Config.DirectURL; the server releases it
// when that instance's connection dies, and another takes it at its next
// call.
//
// # Caveats
//
// The leader's lock and LISTEN need a connection that stays the same
// server session: with a pooler in transaction mode (PgBouncer), give
// DirectURL the server's own address. Advisory locks are keyed by the
// schema (current_schema()), so stores in different schemas of one
// database do not see each other's locks.
//
// Forgotten and expired rows are deleted at once, and [DB.Forget] and
// [DB.Retain] then run VACUUM on the tables that hold people's data, so
// that their space is free for reuse at once rather than when autovacuum
// comes. That is weaker than the bbolt store's scrub, which overwrites
// freed pages with zeros: VACUUM marks the space free without clearing
// it, so a deleted row's bytes can remain in a table's or an index's
// pages until new rows reuse the space, and in the write-ahead log (and
// its archive, and base backups) until those are recycled. VACUUM FULL
// of the same tables (it locks them while it rewrites them) leaves none
// in the live files.
//
// [DB.Retain] erases numbers idle since the cut-off one transaction each
// under their lock (pages leave an expired mark, the SHA-256 of their id,
// in pages_expired), then deletes older lines (each number's last stays,
// emptied), pages, tickets, outbox messages and unmatched samples (with
// when they were last seen, migration 2) in one statement each; a line's
// time is read from its JSON, so that step reads the lines table.
//
// Backups are PostgreSQL's own (pg_dump, or the provider's).
package postgres
