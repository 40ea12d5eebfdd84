// Package twilio is textfix's adapter to Twilio: it checks webhook
// signatures, writes TwiML replies, sends messages through Twilio's REST
// API, and fetches and deletes the pictures of inbound MMS. It knows
// nothing about flows or conversations; the bot decides what to say, and
// to whom it may still be said; twilio only says it.
//
// # Basics
//
// Inbound: the web layer rebuilds the URL Twilio requested
// (TEXTFIX_PUBLIC_URL + request URI), calls [VerifySignature] with the
// POST form exactly as received, and answers with the bytes of [TwiML].
//
// Outbound: a [Sender] sends one message per [Sender.Send] call and
// returns Twilio's MessageSid. A failed send returns an error that
// [Classify] sorts into [Retry], [OptedOut] or [Permanent]. The [Outbox]
// sends what the store queued, after commit: it waits for a send slot
// (the store paces the deployment), leases one due message (the store is
// fair across recipients), sends it, decides what to do with its class,
// and records the outcome in a transaction; logs and counters come after
// the commit. It reads and writes outbox messages only. Whether a number
// may still be texted, and the opt-out Twilio reports, are package bot's
// rules ([bot.OptedOut], [bot.Desk.OptOut]).
//
// Package twilio is textfix's adapter to Twilio: it checks webhook
// signatures, writes TwiML replies, sends messages through Twilio's REST
// API, and fetches and deletes the pictures of inbound MMS. It knows
// nothing about flows or conversations; the bot decides what to say, and
// to whom it may still be said; twilio only says it.
//
// # Caveats
//
//   - Twilio has no idempotency key for messages. A send that timed out or
//     lost its connection is classified [Retry], but Twilio may already
//     have accepted it: retrying gives at-least-once delivery, and the
//     person may receive a message twice.
//   - twilio-go takes no context. [Sender.Send] attaches the caller's
//     context to the HTTP request through its own transport, so
//     cancellation and deadlines do reach the network call.
//   - [NewSender] checks only that credentials are well-formed: wrong ones
//     are found by Twilio, and then every message fails with HTTP 401
//     ([Permanent]).
//   - Never filter or rewrite the webhook form before [VerifySignature]:
//     the signature covers every parameter Twilio sent.
package twilio
