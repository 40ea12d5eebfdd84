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
// The file holds sixteen top-level buckets (layout version 3, recorded in
// meta; Open creates a bucket a file lacks), listed with their keys and values in buckets.go; each entity's
// file (conversations.go, transcript.go, claims.go, pages.go, tickets.go,
// outbox.go, stats.go, sessions.go) builds its keys and encodes its
// values. Everything about one phone number sits under phone 0x00 in the
// numbers bucket, adjacent: its conversation (a version byte, its Updated
// time and its fields in a compact binary encoding; JSON in records
// written before it), its transcript lines (phone 0x00 'l' seq, one key per
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
// # Forgetting: the scrub
//
// [DB.Forget] and [DB.Retain] delete records, and bbolt does not clear
// what it frees: it never changes a page in place, but writes changed
// pages elsewhere and frees the old ones, which keep their bytes until
// reused, so `strings` on the file still finds a forgotten number. Pages
// in use hold nothing deleted: bbolt writes every page from a zeroed
// buffer. So after an erase the store scrubs (scrub.go): in the writer,
// between commits, it overwrites with zeros every free page that is not
// zero already, and syncs. Free pages that an open snapshot may still
// read (bbolt's pending pages) must not be touched, so the scrub shuts a
// gate that new snapshots wait at, waits for the open ones to end (a
// text's lasts milliseconds; it gives up after 2 s and tries again 5 s
// later), and runs in a write transaction, whose start releases every
// pending page. Erases are coalesced: the first one marks meta and wakes
// the scrubber, which scrubs [DB.ScrubDelay] (30 s) later, well inside
// the 10 minutes promised; texts wait at the gate only while the free
// pages are read and the ones not yet zero are zeroed. The mark
// is in the erasing transaction, so a crash before the scrub is scrubbed
// at the next Open; Close scrubs too, so `textfix forget` leaves nothing
// when it exits. [DB.Backup] scrubs first, so a backup taken after an
// erase holds none of it; while a backup is being written (a download of
// /console/backup may take minutes) the scrub waits for it, without
// holding texts up, since the backup's snapshot may read the freed pages.
//
// Chosen over the alternatives: compacting into a fresh file and
// swapping it in rewrites the whole file (hundreds of MiB) for each
// batch of forgets and must replay the writes made meanwhile;
// encrypting each number's records with a key kept elsewhere
// (crypto-shredding) needs keys that hold no phone number, a second file
// and a cipher on every read. The scrub writes only the freed pages and
// keeps the layout. It relies on the file system overwriting a block in
// place, as ext4 and XFS do; a copy-on-write file system, and snapshots
// of the volume, keep old blocks, as backups do, until they go.
//
// # Retention
//
// [DB.Retain] (textfix runs it hourly with TEXTFIX_RETAIN) visits every
// number, seeking from one number's keys to the next in the numbers
// bucket, in a transaction of its own under its lock: a number idle
// since the cut-off is erased as by Forget; another loses its lines and
// pages from before it (the last line's key stays, emptied, since the
// next line's number follows it). Pages leave a mark keyed by the
// SHA-256 of their id in expired, so they answer 410 "expired" and the
// file keeps no id; a mark goes one retention period later. Then closed
// tickets, sent or failed outbox messages (from the oldest, in queue
// order) and unmatched samples last seen before the cut-off go, at most
// 256 records a transaction. Analytics counters stay: they hold no
// personal data. With retention the file reuses its free pages and stops
// growing (TestRetention: 60 days, 10 kept: 147,456 bytes in use on day
// 30, 155,648 on day 60, the counters of 30 more days).
//
// # Checks and damage
//
// Open checks the file before it changes anything (check.go): the two
// meta pages (magic, version, checksum) and that the file reaches the
// last page the newer valid one counts (a truncated file would make bbolt
// die of SIGBUS), then, unless [WithoutCheck], every bucket's tree read
// from the file before bbolt maps it (each page reached once, within the
// data, its elements within it: a tree that loops back on itself would
// keep bbolt's cursor going for ever, its stack growing), every key and
// value of every bucket (with faults turned into panics and recovered)
// and bbolt's Check, for at most 20 s each. A damaged file, or an empty one it did not
// create, is refused with one line wrapping [ErrDamaged]. Measured on a
// 112 MiB file of 30,000 conversations (bench/prefill): Open takes 0.3 s
// with the check, 2 ms without; a scrub after five forgets, 8 ms (101
// pages zeroed); a retention pass that finds nothing to delete, 0.6 s,
// and one that erases all 30,000 numbers, 72 s (a transaction each),
// after which their 110 MiB of pages are free for reuse.
// While serving,
// reads and the writer run with faults as panics: a damaged page fails
// the text or the write group at hand (the web layer answers 500), not
// the process. A commit that fails for lack of space or an I/O error
// makes [DB.Ping] fail until a commit succeeds again.
//
// # Backups
//
// [DB.Backup] is bbolt's WriteTo in one read transaction: a consistent
// copy while texts go on. [DB.BackupTo] writes one into a folder, checks
// it as Open would ([CheckFile]) and keeps the newest; [Restore] checks a
// backup and puts it in place of a file no process holds.
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
// A file of layout 2 becomes layout 3 at Open with no record changed: its
// conversations are JSON records, which decode as they are and become
// binary when next saved; a textfix of layout 2 refuses a file of layout
// 3, whose binary records it could not read.
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
