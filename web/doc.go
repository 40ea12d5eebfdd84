// Package web is textfix's HTTP server (echo): Twilio's webhooks, the fix
// and check pages, health and metrics. It mounts the operator console
// (package console) on the same server. Handlers are thin: parse the
// request, call package bot inside one store transaction, answer. The
// rules live in bot; what the server needs from storage is a few of bot's
// roles ([Store]).
//
// # Basics
//
// A text from Twilio (POST /twilio/sms) is read and authenticated first
// (body capped at [MaxBody], X-Twilio-Signature checked against
// Config.PublicURL + the request URI), its AccountSid, To and From
// checked (Config.AccountSID, Config.Numbers, an E.164 number or a short
// code), then handled under the sender's number lock. A retried
// MessageSid is answered from a read of its claim, with no write: the one
// Store.Inbound makes as it begins (on PostgreSQL, in the round trip that
// takes the number's lock), or Store.Replay first when the text has a
// picture to read. A new one goes through Store.Inbound: in
// the request's goroutine it runs bot.Desk.Handle with the engine in use,
// and one transaction claims the MessageSid and stores everything the
// text changed, reply bodies included. The TwiML is rendered from the
// bodies, so a retry gets the same bytes. After commit the outbox is
// woken for anything the text queued.
//
// A text with attachments (MMS) has its first image fetched from Twilio
// and read with tesseract ([Screenshots]) before that transaction, under
// the number's lock, and the words go to the engine as
// bot.Inbound.Picture. When that takes longer than Screenshots.Wait, the
// claim records "Reading your screenshot..." as the reply, and a
// goroutine that holds the number's lock handles the text once read, its
// replies going through the outbox. A retry is answered from the claim
// and never reads the picture again. After commit the attachments are
// deleted from Twilio. [Server.Wait] waits for that work at shutdown.
//
// A delivery report (POST /twilio/status) lands on the transcript line of
// its message; Twilio's opt-out error marks the number opted out
// (bot.Desk.OptOut: its open ticket closes and the operators are told).
//
// GET /f/{id} ([bot.PagePath]) serves a check page straight from the
// flows, or a stored fix page, rendered into a buffer by package
// templates; unknown ids answer 404 and revoked pages 410. HEAD answers
// the same status and headers without the body.
//
// The per-number lock and the engine in use belong to the [Server]
// ([Server.SetEngine] swaps in new flows while texts are being handled);
// the console gets both through console.Config.
//
// # Caveats
//
//   - Without Config.AuthToken (sandbox mode) no signature is checked;
//     the command refuses to listen beyond loopback then.
//   - Config.PublicURL must be exactly the scheme and host Twilio calls:
//     the signature covers it.
//   - The function given to Store.Inbound or Store.Update may run more
//     than once (when what it read changed meanwhile): it only reads and
//     writes through its transaction. Logs, metrics and the outbox's
//     wake-up happen after it returns.
//   - The number lock is per process: one process per store.
//   - Error answers never carry internal error text.
//   - A panic fails its request only (500; logged with the number masked,
//     counted as textfix_panics_total): bot code returns it as a
//     *bot.PanicError from inside the store's transaction, and a
//     middleware recovers anything else.
package web
