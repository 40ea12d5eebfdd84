// Package store keeps textfix's state in one bbolt file: conversations,
// transcripts, fix pages, the MessageSid claims that make webhook retries
// harmless, and the index that lets a delivery-status callback find its
// transcript line.
//
// # Basics
//
// [Open] returns a [*DB]; [DB.Close] releases the file. Everything else is a
// method on DB that takes a context and returns copies: no value returned by
// this package refers to memory owned by bbolt.
//
// One inbound message is one call to [DB.Apply]. In a single write
// transaction it claims the Twilio MessageSid, loads the number's
// conversation, hands it to a pure function from package bot, and stores
// what that function returns: the new conversation, transcript lines, new
// pages and the reply to replay if Twilio retries the webhook. A claimed
// MessageSid gets its recorded reply back and changes nothing.
//
// The file holds five top-level buckets, all with JSON values:
//
//	conversations  phone → bot.Conversation
//	lines          phone → nested bucket: 8-byte big-endian seq → bot.Line
//	claims         MessageSid → {phone, at, reply}
//	pages          page id → bot.Page
//	outmsgs        MessageSid of a transcript line → {phone, seq}
//
// Transcript lines are separate keys in a per-number bucket, so the cost of
// a message does not grow with the conversation; Apply never reads old lines.
//
// # Caveats
//
// bbolt allows one process per file. Open waits at most one second for the
// file lock and then fails with [ErrLocked]: stop the server before running
// a command that opens the same file.
//
// Apply and the other frequent writes ([DB.AppendLines], [DB.SetDelivery],
// [DB.SetMessageID]) go through bbolt's Batch, which shares one fsync among
// concurrent callers but adds up to 10 ms of latency to a lone caller, and
// may call the function given to Apply more than once. That function must
// be pure.
//
// Claims are kept until [DB.PruneClaims] removes them; run it periodically
// with a cut-off well past Twilio's retry window (a day is plenty).
//
// Pages hold no phone numbers; the bucket "owned" records whose they are
// (phone, page id), written by Tx.PutPage, so [DB.Forget] erases them. A
// page stored with [DB.PutPage] has no owner.
//
// Listing operations ([DB.Conversations], [DB.Transcript], [DB.Forget],
// [DB.PruneClaims]) read whole buckets; they are for the console and the
// command line, not for the per-message path. The console's inbox uses
// [DB.RecentConversations] instead, which walks an index of conversations
// by Updated time (buckets recent and recentkey, kept by every save of a
// conversation and by Forget, built by Open for files written before it
// existed) and decodes only the page it returns.
package store
