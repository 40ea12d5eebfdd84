// Package bot is textfix's domain: conversations, the engine that moves
// them one text at a time, keywords, and redaction. It has no I/O.
//
// # Basics
//
// Everything textfix knows about a phone number is one [Conversation]: its
// [Status] (idle, active, fixed, handoff, opted_out), the flow and node it
// is at, the answers given so far, and a few counters. A text from that
// number is an [Inbound]. [Engine.Step] takes both and the time, and
// returns a [Result]: the new conversation, the SMS replies, and effects
// for the layers around it — a [Page] to store, a [Handoff] to open,
// consent changes, feedback on a fix page — and [Event]s for the analytics
// counters. Start, fix, YES, NO and handoff are reported once per
// conversation ([Conversation].Counted), so those counters count
// conversations; fix pages sent are the arrows into fix nodes
// ([Stats.FixPages]).
//
// Step is a pure function: same inputs, same result. The caller supplies
// the clock and the random page id. That is what makes every behaviour
// testable with a table or a golden transcript (testdata/transcripts), and
// what lets the store run Step in a transaction function that it may run
// again when what the function read changed meanwhile. The storage
// contract itself is in store.go: [Store] and the roles it is made of.
//
// One step, in order:
//
//  0. A conversation the flows no longer fit is repaired first (see
//     Caveats).
//  1. An opted-out number hears only START, UNSTOP or YES; nothing else gets
//     a reply.
//  2. Keywords (whole message): STOP family, HELP, RESET, BACK, HUMAN.
//     An opt-out ([IsOptOut]) is read however it is typed and always wins.
//     RESET, BACK and HUMAN words that also answer the question being
//     asked ("new", "support") are that answer instead.
//  3. While a human has the conversation the engine stays quiet, apart from
//     one "a person has this" note per quiet period.
//  4. After IdleAfter of silence the conversation starts fresh.
//  5. Idle: intake picks a flow (flows.Library.Classify) and walks into it;
//     a thank-you or goodbye gets a warm word and nothing else (not
//     trouble told without thanks: "…isn't allowed, sonnet works"); a
//     text that only takes itself back ("oops wrong chat") gets "No
//     problem". After "I couldn't tell which error that is", the next
//     text is read with the one before it too (a story told in bursts);
//     if the two still place no flow but name a product several flows
//     share ("claude code"), those flows are offered to pick from, with
//     something else, before the catch-all.
//     Active: flows.Flow.Read reads the answer: a choice; a question back
//     (its help text and How page, then the question again, no miss;
//     where there is no page, a second there is taken as "not sure"); an
//     answer to a question further on (flows.Flow.Ahead: the path there is
//     taken); a fact for a question further on by any path (flows.Flow.Later:
//     said back, kept for that question, this one asked again, no miss);
//     another error of ours, by its code ("wait no, it's 429 not 403";
//     read first when the text denies this flow's code: "correction:
//     it's 403 Forbidden, not 401")
//     or in its own words about the same product (flows.Library.Beside:
//     "it's the spend limit we set" in the 429 flow): that flow starts;
//     the product alone ("claude code": the question
//     again); a fact that changes an answer taken without asking ("we go
//     through a litellm proxy" after "Got it: you use an API key": on
//     from that question with the new answer, here and at a fix); a
//     fact already taken, said again ("thats claude code btw, im on
//     max", or the question just before answered late in the words of
//     the answer taken there: said back and the question again, no miss,
//     once per question); away
//     from where the answer is ("on the train, can't look
//     the code up", "checking", flows.Away: a short note, the question
//     kept open, no miss); back ("sorry got a customer, back now",
//     flows.Back: the question again, no miss); a text sent too early
//     ("i log in with the", flows.CutShort: a note asking for the rest,
//     no miss); a text that takes back the one before ("oops wrong
//     chat": the question again, no miss; "ignore that, the real error
//     is …": the flow it names, or this one, starts again from it,
//     flows.Retracts); a word corrected with an asterisk ("*code": the
//     question again, no miss); a question about the bot ("are you a bot?",
//     flows.AsksAboutBot: what textfix is and keeps, then the question
//     again, no miss; at intake, then the greeting; after a fix, "Did the
//     fix work?"); a paste announced ("here's what curl gave me:": "Go ahead:
//     paste it", no miss); "?" or "hello?" ("Still here." and the
//     question, no miss); the question asked for again ("what was the
//     question again?", flows.AsksAgain: "Here it is again." and the
//     question, no miss); a thought's opening alone ("wait", "oh",
//     flows.MidThought: a note asking for the rest, no miss); not being able to check ("I'm not able to do
//     that today": as "not sure"); or a miss, a human after three. In the catch-all
//     flow, an answer that names a product of ours and, with the first
//     text, picks its flow starts that flow instead. Fixed: YES/NO
//     feedback on the fix page (a closer, or a text saying the trouble is
//     gone, is a YES; a thank-you, an explanation taken in or an "ok" to
//     a plan that says no result, or the fix page's steps gone through
//     with one still to be done by someone else or later ("step 3 is our
//     admin's, I've pinged her"), closes the conversation with no YES,
//     keeping the fix in Conversation.Prev so that the next text, within
//     IdleAfter, can say NO or YES to it; a plan alone keeps the question
//     open),
//     NO leading to the next likely fix; a new problem starts over
//     only when it is one of ours or names another vendor's product.
//
// Walking into a node answers questions the person already answered in
// any text of the conversation (flows.Flow.InferFrom; a phrase of two
// words or more also with one word misspelt), saying so in the
// choices' own words ("Got it: you're behind a company proxy."), sends
// info texts, and stops at the first question to ask, or at a fix (a page
// and its link) or a handoff. Every reply fits two SMS segments with its
// links on a 40-character domain, and every question says what to reply:
// when "Got it" and the question do not fit two segments together, the
// note goes as its own SMS rather than either being cut.
//
// A picture (MMS) is read by the layers around the engine, before the
// step: [Inbound].Picture carries the words read in it, which the step
// uses as if typed after the message's own words (a first text picks the
// flow, mid-flow they answer the question, and they count for questions
// already answered). The first reply says what was read ("From your
// screenshot: …"); the transcript line marks the words [ScreenshotMark],
// and answers taken from them say "from your screenshot". A picture in
// which nothing useful was read gets [UnreadPicture], never a miss.
// [Desk.Reading] and [Desk.HandleLater] answer a picture that takes longer
// to read than the webhook may wait: "Reading your screenshot...", then
// the replies through the outbox.
//
// # Caveats
//
// Everything stored is redacted first ([Redact]): keys, tokens,
// passwords, card numbers and the like that people paste never reach the
// store, a page or an operator. Step redacts the text once and keeps only
// that ([Result.RedactedBody]); the words read in a picture are redacted
// the same way, and nothing else of the picture reaches the engine.
//
// The flows can change under a stored conversation (a reload, a restart
// or a deploy): its flow, its node or an offered flow renamed or gone, its
// node of another kind. Step never panics on one. It repairs the
// conversation before it reads the text and reports it once
// ([Result].Stale, a [Stale]):
//
//   - Active: its answers are replayed from the flow's start (an answer
//     finds its question by node id, else by the question's words; its
//     choice by index when the label matches, else by label) to the first
//     question they do not answer, or to the last one answered where they
//     now lead to a fix or a handoff. The person is asked that question
//     after "my questions changed"; their text is not read as an answer
//     (keywords keep their meaning).
//   - Fixed: it keeps its page, without a node, so a NO goes to a person.
//   - Otherwise (the flow is gone, no question is left, an offered flow is
//     gone) it starts fresh and the person is told "this conversation was
//     reset"; a text that names a new problem starts it instead.
//   - Handoffs and opt-outs use no flow and are left as they are.
//
// BACK passes over answers whose question is gone. [Engine.Stranded]
// lists the live conversations a set of flows strands, for `flows check
// --against` and the server's start and reload.
//
// The transcript is not part of the Conversation; [Engine.Handle] turns a
// step into the lines to append, so the cost of a text does not grow with
// the conversation. The engine never sends anything itself: whether a reply
// goes out as TwiML or through the outbox is the caller's business.
package bot
