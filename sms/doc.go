// Package sms is textfix's adapter to Twilio: it checks webhook
// signatures, writes TwiML replies, sends messages through Twilio's REST
// API, fetches and deletes the pictures of inbound MMS, and does the
// GSM-7/UCS-2 length maths. It knows nothing about flows
// or conversations; the bot decides what to say, sms only says it.
//
// # Basics
//
// Inbound: the web layer rebuilds the URL Twilio requested
// (TEXTFIX_PUBLIC_URL + request URI), calls [VerifySignature] with the
// POST form exactly as received, and answers with the bytes of [TwiML].
//
// Outbound: a [Sender] sends one message per [Sender.Send] call and
// returns Twilio's MessageSid. A failed send returns an error that
// [Classify] sorts into [Retry], [OptedOut] or [Permanent]; the outbox
// decides what to do with each class.
//
// Media: [InboundMedia] lists an inbound MMS's attachments from the
// webhook form; a [MediaClient] fetches one picture ([MediaClient.Fetch]:
// Twilio's hosts only, images only, at most 5 MB in 5 s, errors sorted
// into ErrNotImage, ErrMediaTooBig, ErrMediaNotFound, ErrMediaTimeout,
// ErrForeignHost and ErrMediaUnreadable) and deletes it from the account
// afterwards ([MediaClient.Delete]).
//
// Lengths: [segment.Count] tells how many SMS segments a body costs and in
// which encoding; [NonGSM7] names the characters that forced UCS-2;
// [segment.Repair] cleans text (invalid UTF-8, control characters) before it is
// stored or sent.
//
// Tests use package [github.com/textfix/textfix/sms/twiliotest], a fake
// of Twilio's Messages and Media endpoints, and [Sign] to sign webhook
// requests live.
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
package sms
