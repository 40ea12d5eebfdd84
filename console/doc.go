// Package console is the operator console: the human side of a handoff,
// in a browser, under /console. It lists tickets and conversations, shows
// a transcript with delivery statuses, replies, closes and takes over
// through bot.Desk, publishes custom fix pages, retries failed texts, lets
// an operator try the bot as a test number, and shows where people get
// stuck in each flow.
//
// # Basics
//
// Package web mounts it ([Mount]) on the same echo server as the webhook
// and hands over what the two share ([Config]): the engine in use, the
// per-number lock, the outbox's wake-up, the clock and the templates. The
// console declares what it needs from storage ([Store]) and holds no
// business rule: a handler parses the request, calls the desk or the
// store in one transaction under the number's lock, and renders a page of
// package templates into a buffer before writing it.
//
// Sessions live in the store (a login survives a restart); every POST
// carries the session's CSRF token and must be same-site; wrong passwords
// are limited per client address ([LoginBurst] per [LoginWindow]), right
// ones never count.
//
// # Caveats
//
//   - Without a password the console is off, except in sandbox mode, where
//     it is open to loopback clients only.
//   - Its paths, redirects and the session cookie assume [Path]: mount it
//     nowhere else.
//   - The client address is the connection's, or the header a proxy in
//     front overwrites (Config.ClientIPHeader); X-Forwarded-For is never
//     trusted.
package console
