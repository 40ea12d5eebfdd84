package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/segment"
)

// Engine runs one conversation step. It is immutable and safe for
// concurrent use; to change flows, build a new Engine.
type Engine struct {
	Flows *flows.Library
	// BaseURL is the public URL that page links start with.
	BaseURL string
	// Operator is how the bot names the human ("a person" by default).
	Operator string
	// IdleAfter starts a fresh conversation after this much silence
	// (default 24h).
	IdleAfter time.Duration
	// AckEvery is the quiet period between "a person has this" notes while
	// a handoff is open (default 10 minutes).
	AckEvery time.Duration
	// Hours describes when people answer; nil means always.
	Hours *OfficeHours
	// ConsoleOnly means no operator is texted about a handoff (no
	// operator phones): someone answers when they next open the console,
	// and a handoff promises no time.
	ConsoleOnly bool
	// Screenshots means the layers around read the pictures people send
	// (Inbound.Picture): HELP says a screenshot works too, and that it is
	// deleted once read.
	Screenshots bool
}

// Limits of what the engine keeps.
const (
	maxSaid     = 12   // texts remembered for "don't re-ask"
	maxSaidLen  = 500  // characters kept of each
	maxMisses   = 3    // answers not understood before a human takes over
	MaxReplyLen = 1600 // Twilio's limit for one message
)

// Step applies one inbound text to a conversation. It is a pure function
// of its arguments: no I/O, no clock, no randomness (the page id comes in
// with the Inbound). The returned conversation is the new state.
func (e *Engine) Step(c Conversation, in Inbound, now time.Time) Result {
	body := Redact(in.Body)
	s := &step{e: e, c: cloneConversation(c), in: in, now: now, said: strings.TrimSpace(body)}
	s.r.RedactedBody = body
	s.first = clip(s.said, maxSaidLen)
	s.readPicture()
	if s.c.Phone == "" {
		s.c.Phone = in.From
	}
	if s.c.Status == "" {
		s.c.Status = StatusIdle
	}
	if s.c.Started.IsZero() {
		s.c.Started = now
	}
	s.c = s.e.canonical(s.c)
	s.repair()
	s.run()
	s.c.Updated = now
	s.r.Conversation = s.c
	for i, m := range s.r.Replies {
		s.r.Replies[i] = clip(m, MaxReplyLen)
	}
	return s.r
}

type step struct {
	e   *Engine
	c   Conversation
	in  Inbound
	now time.Time
	r   Result
	// said is the inbound text, trimmed and redacted: all that the step
	// keeps of it. Redact runs once per step, in Step. With a picture it
	// is the typed words, then the words read in the picture.
	said string
	// first is the text as a first text (Conversation.FirstText): said,
	// or for a picture the error read in it, marked (Shown).
	first string
	// read is the redacted words read in the message's picture, "" when
	// none, and shot the error they show, said back; unread says the
	// message had a picture or other media in which nothing was read.
	read, shot string
	unread     bool
	// lead, when set, goes before the step's first reply: what was read
	// in the picture, or that nothing was (see readPicture).
	lead string
	// untold is what became of a stale conversation (moved or reset),
	// until the person is told (tellStale).
	untold StaleOutcome
	// reads holds the person's texts as read for inference: entering a
	// flow asks each question on the way about every text (maxSaid).
	reads []*flows.Said
}

// saids returns texts read for flows.Flow.InferFrom, each read once per
// step.
func (s *step) saids(texts []string) []*flows.Said {
	out := make([]*flows.Said, len(texts))
next:
	for i, x := range texts {
		for _, r := range s.reads {
			if r.String() == x {
				out[i] = r
				continue next
			}
		}
		r := flows.ReadSaid(x)
		out[i] = &r
		s.reads = append(s.reads, &r)
	}
	return out
}

// UnreadPicture answers a picture (or other media) with no typed words
// when nothing in it could be read or what was read answers nothing: it
// is never a miss, so a picture alone never hands a person to a human.
const UnreadPicture = "I couldn't read an error in that picture. Text me the error message in words."

// ReadingPicture is the webhook's answer to a picture that takes longer to
// read than Twilio waits; the reply to what was read follows by the
// outbox ([Desk.HandleLater]).
const ReadingPicture = "Reading your screenshot..."

// readPicture takes in the words read in the message's picture: they
// follow the typed ones in what the step keeps (said), and the step's
// first reply will say what was read ("From your screenshot: 403
// permission_error "Request not allowed"."), or that nothing was.
func (s *step) readPicture() {
	p := s.in.Picture
	if p == nil || strings.TrimSpace(p.Text) == "" {
		s.unread = p != nil || s.in.NumMedia > 0
		return
	}
	s.read = strings.TrimSpace(Redact(p.Text))
	s.shot = strings.TrimSpace(Redact(p.Summary))
	if s.shot == "" {
		s.shot = clipWords(oneLine(s.read), 60)
	}
	s.shot = gsm7(s.shot)
	s.first = clip(Shown(s.said, s.shot), maxSaidLen)
	s.said = strings.TrimSpace(s.said + "\n" + s.read)
	s.r.RedactedBody = Shown(s.r.RedactedBody, s.read)
}

// pictureLead is what the step says first about the message's picture:
// what was read in it, or that nothing could be (when typed words came
// with it, which are answered as usual).
func (s *step) pictureLead() string {
	switch {
	case s.read != "":
		lead := "From your screenshot: " + s.shot
		if !strings.HasSuffix(lead, ".") {
			lead += "."
		}
		return lead
	case s.unread && strings.TrimSpace(s.in.Body) != "":
		return "I couldn't read an error in that picture."
	}
	return ""
}

// pictureOnly reports whether the text is only words read in a picture.
func (s *step) pictureOnly() bool { return s.read != "" && strings.TrimSpace(s.in.Body) == "" }

// unreadPicture answers a picture whose words answer nothing as if none
// were read: no miss. The words stay open (Conversation.Open): they may
// answer a later question.
func (s *step) unreadPicture() {
	if !slices.Contains(s.c.Open, s.c.Texts) {
		s.c.Open = append(s.c.Open, s.c.Texts)
	}
	s.lead = ""
	s.reply(UnreadPicture)
}

// gsm7 keeps s to the GSM-7 alphabet, so that a summary of what a
// picture showed never turns a reply into UCS-2: look-alikes become
// plain, anything else is dropped.
func gsm7(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case segment.IsGSM7(string(r)):
			return r
		case r == '`', r == '‘', r == '’':
			return '\''
		case r == '“', r == '”':
			return '"'
		}
		return -1
	}, s)
}

// reply sends texts, each as one SMS. The step's lead goes before the
// first: in the same SMS when both fit two segments, else on its own.
func (s *step) reply(texts ...string) {
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			if s.lead != "" && len(s.r.Replies) == 0 {
				if joined := s.lead + "\n" + t; s.fitsAlone(joined) {
					t = joined
				} else {
					s.r.Replies = append(s.r.Replies, s.lead)
				}
			}
			s.r.Replies = append(s.r.Replies, t)
		}
	}
}

func (s *step) run() {
	// Keywords are typed: a picture's words never are one.
	text := strings.TrimSpace(s.in.Body)
	kw := KeywordOf(text)
	if kw == KwNone {
		switch s.in.OptOutType {
		case "STOP":
			kw = KwStop
		case "START":
			kw = KwStart
		case "HELP":
			kw = KwHelp
		}
	}

	// A fix a thank-you closed is kept for this text only (reopen).
	prev := s.c.Prev
	s.c.Prev = nil

	if s.c.Status == StatusOptedOut {
		// Only an opt-in word is heard; nothing else gets an answer.
		if kw == KwStart || flows.Normalize(text) == "yes" {
			s.r.OptIn, s.r.Keyword = true, KwStart
			s.fresh()
			s.reply("You're back on textfix. " + greeting)
		}
		return
	}

	switch kw {
	case KwStop:
		// Twilio sends the one confirmation; we add nothing.
		s.r.OptOut, s.r.Keyword = true, kw
		s.fresh()
		s.c.Status = StatusOptedOut
		return
	case KwStart:
		if s.c.Status == StatusIdle {
			s.r.Keyword = kw
			s.reply(greeting)
			return
		}
	case KwHelp:
		s.r.Keyword = kw
		switch {
		case s.c.Status == StatusHandoff:
			s.reply(helpInHandoff)
		case s.e.Screenshots:
			s.reply(helpScreenshots)
		default:
			s.reply(helpText)
		}
		s.tellStale()
		return
	}

	if s.c.Status == StatusHandoff {
		if kw == KwNone {
			s.lead = s.pictureLead()
		}
		s.inHandoff(kw)
		return
	}

	// A keyword that also answers the question being asked is the answer
	// ("new" to "is the key old or new?", "support" to "who set it up?");
	// it keeps its meaning when the text cannot answer the question.
	if kw != KwNone && s.answers(text) {
		kw = KwNone
	}
	switch kw {
	case KwReset:
		s.r.Keyword = kw
		s.fresh()
		s.reply("OK, starting over. " + greeting)
		return
	case KwHuman:
		s.r.Keyword = kw
		s.handoff("The person asked for a human.")
		return
	case KwBack:
		s.r.Keyword = kw
		s.back()
		return
	}

	if s.c.Status != StatusIdle && s.idleFor() > s.idleAfter() {
		if s.c.Status == StatusActive {
			s.event(EventAbandon, s.c.Node, "", "")
		}
		s.fresh()
		s.untold = ""
	}
	if s.read != "" {
		text = strings.TrimSpace(text + "\n" + strings.TrimSpace(s.in.Picture.Text))
	}
	if text == "" {
		if s.untold != "" {
			s.tellStale()
			return
		}
		if s.unread {
			s.reply(UnreadPicture)
		} else {
			s.reply(greeting)
		}
		return
	}
	if prev != nil {
		s.reopen(*prev, text)
	}
	s.lead = s.pictureLead()
	s.remember(s.said)

	switch {
	case s.untold == StaleMoved:
		// The text answered a question that is gone: the person is asked
		// where the flow has them now.
		s.tellStale()
	case s.untold == StaleReset && s.e.Flows.Classify(flows.NewText(text)).Flow == nil:
		s.tellStale()
	case s.c.Status == StatusActive:
		s.answer(text)
	case s.c.Status == StatusFixed:
		s.feedback(text)
	default:
		s.intake(text)
	}
}

// repair fits a stored conversation that no longer fits the flows to them
// (Engine.repair), reports it, and leaves the person to be told what
// became of it, unless the conversation had expired anyway.
func (s *step) repair() {
	expired := s.c.Status != StatusIdle && s.idleFor() > s.idleAfter()
	c, st := s.e.repair(s.c, s.now)
	if st == nil {
		return
	}
	s.c, s.r.Stale = c, st
	if !expired && st.Outcome != StaleKept {
		s.untold = st.Outcome
	}
}

// replyNoted replies note and the first of variants that fits two
// segments with it, as one SMS; or, when none fits with it, note and the
// fitting variant as two.
func (s *step) replyNoted(note string, variants ...string) {
	for _, v := range variants {
		if m := note + "\n" + v; s.fits(m) {
			s.reply(m)
			return
		}
	}
	s.reply(note, s.fitting(variants...))
}

// tellStale tells the person what became of their stale conversation,
// once: the question it moved to, after a word that the questions
// changed, or that it was reset.
func (s *step) tellStale() {
	switch s.untold {
	case StaleMoved:
		t := s.flow()
		s.replyNoted(movedNote, s.question(t, t.Node(s.c.Node))...)
	case StaleReset:
		s.reply(resetNote)
	}
	s.untold = ""
}

const greeting = `Text me the error you're seeing, like "claude code 403" or the exact message, and I'll walk you to a fix. Reply HUMAN for a person.`

// closing answers a closer ("thanks!") when no question is open.
const closing = "You're welcome! Text me anytime you hit another error."

const helpText = "textfix: text an error and get a fix link by SMS. Reply HUMAN for a person, RESET to start over. Reply STOP to opt out. Msg & data rates may apply."

// helpScreenshots is HELP when pictures are read (Engine.Screenshots).
const helpScreenshots = "textfix: text an error, or a screenshot of it, and get a fix link by SMS. Screenshots are deleted once read. Reply HUMAN for a person, RESET to start over. Reply STOP to opt out. Msg & data rates may apply."

// helpInHandoff is HELP while a person has the conversation: no offer of
// the human they already have.
const helpInHandoff = "textfix: a person has your messages and will reply here. Reply RESET to go back to the bot. Reply STOP to opt out. Msg & data rates may apply."

// answers reports whether text, a keyword, answers the question the
// conversation is at, by a choice's words, number or yes/no (not as the
// free text of an any choice, which takes every text).
func (s *step) answers(text string) bool {
	if s.c.Status != StatusActive || s.idleFor() > s.idleAfter() || s.untold != "" {
		return false
	}
	t := s.flow()
	n := t.Node(s.c.Node)
	if n == nil || n.Kind != flows.Question {
		return false
	}
	r := t.Read(n, flows.NewText(text))
	return r.Choice >= 0 && r.By != flows.ByAny
}

func (s *step) idleAfter() time.Duration { return s.e.idleAfter() }

// idleAfter is IdleAfter or its default.
func (e *Engine) idleAfter() time.Duration {
	if e.IdleAfter > 0 {
		return e.IdleAfter
	}
	return 24 * time.Hour
}

func (s *step) idleFor() time.Duration {
	if s.c.Updated.IsZero() {
		return 0
	}
	return s.now.Sub(s.c.Updated)
}

// fresh starts a new conversation (see Conversation.Fresh).
func (s *step) fresh() { s.c = s.c.Fresh(s.now) }

// remember keeps said, a redacted text, for "don't re-ask", and counts
// it among the person's texts.
func (s *step) remember(said string) {
	t := clip(said, maxSaidLen)
	s.c.Said = append(s.c.Said, t)
	s.c.Texts++
	if len(s.c.Said) > maxSaid {
		s.c.Said = append([]string(nil), s.c.Said[len(s.c.Said)-maxSaid:]...)
	}
	if s.read != "" {
		s.c.Pictures = append(s.c.Pictures, s.c.Texts)
	}
	s.c.Pictures = slices.DeleteFunc(s.c.Pictures, func(n int) bool { return n <= s.c.Texts-len(s.c.Said) })
}

// fromPicture reports whether the person's n-th text (as Texts counts)
// had a picture whose words were read.
func (s *step) fromPicture(n int) bool { return slices.Contains(s.c.Pictures, n) }

// ordinal is which of the person's texts Said[i] is: 1 for their first.
func (s *step) ordinal(i int) int { return s.c.Texts - len(s.c.Said) + i + 1 }

func (s *step) flow() *flows.Flow { return s.e.Flows.Flow(s.c.Flow) }

// reopen reads the first text after a thank-you closed a fix, prev
// (Conversation.Prev): within the idle time, one that says how the fix
// went takes it up again, and feedback reads it ("didn't work" → the next
// likely fix, "it works now" → YES). Any other text starts afresh, as
// does one whose fix is no longer in the flows (a reload removed it).
func (s *step) reopen(prev Conversation, text string) {
	if s.c.Status != StatusIdle || s.idleFor() > s.idleAfter() {
		return
	}
	prev = s.e.canonical(prev)
	if damageAt(s.e.Flows.Flow(prev.Flow), prev.Node, flows.Fix) != "" {
		return
	}
	in := flows.NewText(text)
	switch feedbackOf(in) {
	case FeedbackYes, FeedbackNo:
		if !s.elsewhere(s.e.Flows.Classify(in), prev.Flow) {
			s.c = prev // as at the fix question (feedback)
		}
	}
}

// intake picks a flow for a text that starts a conversation.
func (s *step) intake(text string) {
	lib := s.e.Flows
	in := flows.NewText(text)
	offered := s.candidates()
	if len(offered) > 0 {
		i := flows.PickCandidate(offered, in)
		switch f := flows.Family(in.Normalized()); {
		case i >= 0:
		case f == "yes":
			i = 0 // "Is this Claude Code 403?" "yes"
		case f == "no" && len(offered) == 2 && offered[1] == s.e.Flows.Fallback():
			i = 1 // … or something else? "no"
		default:
			// "no, our admin handles that" to "credits and billing or usage
			// limits?": an answer to a question only one of them asks.
			for k, t := range offered {
				if t != s.e.Flows.Fallback() && t.Answers(in) {
					if i >= 0 {
						i = -1
						break
					}
					i = k
				}
			}
			if i >= 0 {
				s.c.Open = append(s.c.Open, s.c.Texts)
			}
		}
		if i >= 0 {
			s.start(offered[i], s.c.FirstText)
			return
		}
	}
	if taken, more := flows.Retracts(in); taken && !more {
		// "oops wrong chat, ignore that": nothing to help with, and
		// nothing kept of it.
		s.c.Said, s.c.Texts, s.c.Open, s.c.Pictures = nil, 0, nil, nil
		s.reply(retracted)
		return
	}
	v := lib.Classify(in)
	if s.c.Misses > 0 && s.c.FirstText != "" && (v.Flow == nil || v.Flow == lib.Fallback()) && len(v.Close) == 0 {
		// A story told in bursts ("claude code wont work on my laptop",
		// then "says no api key found"): the texts together may place
		// what neither does alone.
		if both := lib.Classify(flows.NewText(s.c.FirstText + "\n" + text)); both.Flow != nil && both.Flow != lib.Fallback() {
			s.start(both.Flow, s.c.FirstText)
			return
		}
	}
	// Asked for the exact error once, and still told in other words
	// ("claude code says something like my subscription isn't active?",
	// then "it's red and won't let me type"): when the two texts name a
	// product several flows share, its flows are offered below, with
	// something else, before a person.
	var menu []*flows.Flow
	if s.c.Misses == 1 && len(offered) == 0 && (v.Flow == nil || v.Flow == lib.Fallback() && !v.Names(v.Flow)) && len(v.Close) == 0 {
		menu = namedFlows(lib.Classify(flows.NewText(s.c.FirstText+"\n"+text)), lib)
	}
	switch {
	case (v.Flow == nil || v.Flow == lib.Fallback() && !v.Names(v.Flow)) && len(v.Close) == 0 && isThanks(in) && (!flows.Troubled(in) || thanked(in)):
		// "thanks!" after a fix or a human: no new problem, even when it
		// says what was wrong ("found it, the key was wrong. thanks"),
		// unless it names a product ("my vercel deploy works locally but
		// …") or tells trouble without a word of thanks ("claude code
		// says the model isn't allowed when I pick opus, sonnet works").
		s.c.Said, s.c.Texts, s.c.Open, s.c.Pictures = nil, 0, nil, nil
		s.reply(closing)
	case len(menu) >= 3:
		s.c.Misses++
		s.offer(append(menu, lib.Fallback()))
	case v.Flow != nil:
		s.start(v.Flow, s.first)
	case len(v.Close) == 2:
		s.offer(v.Close)
	case len(v.Maybe) > 0:
		s.offer(v.Maybe)
	case v.Greeting && len(s.c.Candidates) == 0:
		s.c.Said = nil
		s.reply("Hi! " + greeting)
	case s.pictureOnly():
		// A picture that names no error: asked for in words, no miss.
		s.unreadPicture()
	case len(s.c.Candidates) == 2 && len(offered) == 2 && s.c.Misses == 0:
		// A reply to "Is this 1) … or 2) …?" that picks neither: ask
		// once more, keeping what the first text said.
		s.c.Misses++
		second := offered[1].ShortTitle()
		if offered[1] == lib.Fallback() {
			second = "something else"
		}
		s.reply(fmt.Sprintf("Sorry, which is it: 1) %s or 2) %s? Reply 1 or 2, or HUMAN for a person.", offered[0].ShortTitle(), second))
	case flows.AsksAboutBot(in):
		// "who is this? my coworker gave me this number": who we are,
		// then what to send. No miss.
		s.c.Candidates = nil
		s.reply(aboutBot, greeting)
	default:
		s.c.Misses++
		s.c.Candidates = nil
		if s.c.FirstText == "" {
			s.c.FirstText = s.first
		}
		if s.c.Misses < 2 {
			s.reply("I couldn't tell which error that is. Text the exact error message or the status code (like 403 or 429). Or reply HUMAN for a person.")
			return
		}
		if fb := lib.Fallback(); fb != nil {
			s.start(fb, s.c.FirstText)
			return
		}
		s.reply("I still can't match that to a fix I know. Reply HUMAN and a person will text you back, or send the error text exactly as shown.")
	}
}

// pasteNext answers a text at a question that reads as nothing and ends
// by announcing a paste.
const pasteNext = "Go ahead: paste it in your next text and I'll read it."

// starCorrection reports whether text only corrects a word of the text
// before, as people mark it: an asterisk and a few words ("*code",
// "*Console").
func starCorrection(text string) bool {
	t := strings.TrimSpace(text)
	return strings.HasPrefix(t, "*") && !strings.HasPrefix(t, "**") && len(strings.Fields(t)) <= 3
}

// retracted answers a first text that only takes itself back ("oops
// wrong chat").
const retracted = "No problem. If you hit an error, text it to me here."

// aboutBot answers a question about the bot or what it keeps: true of
// every deployment (what is kept is deleted after TEXTFIX_RETAIN; fix
// pages hold no number and redact secrets; HUMAN reaches an operator).
const aboutBot = "This is textfix, an automated helper, not a person. Chats are kept only to help you and deleted after a while; fix pages never show your number and hide keys you paste. Reply HUMAN for a person."

// cutShort answers a text that stops mid-sentence.
const cutShort = "Looks like that got cut off. Reply with the rest and I'll read it."

// midThought answers a text that only opens a thought ("wait", "oh").
const midThought = "Go on, I'm reading. Reply with the rest when you're ready."

// promisesPaste reports whether text ends with a colon after three words
// or more ("Here's what curl gave me:", "Now Claude Code says:"): what
// it introduces comes in the next text, as long pastes do.
func promisesPaste(text string) bool {
	t := strings.TrimSpace(text)
	return strings.HasSuffix(t, ":") && len(strings.Fields(t)) >= 3
}

// candidates are the flows offered by the last "Is this …?".
func (s *step) candidates() []*flows.Flow {
	var offered []*flows.Flow
	for _, id := range s.c.Candidates {
		if t := s.e.Flows.Flow(id); t != nil {
			offered = append(offered, t)
		}
	}
	return offered
}

// offer asks which of one or two flows the text is about. One flow is
// offered against "something else" (the catch-all flow) when there is one.
func (s *step) offer(offered []*flows.Flow) {
	s.c.FirstText = s.first
	fb := s.e.Flows.Fallback()
	if len(offered) == 1 && fb != nil && fb != offered[0] {
		offered = append(offered, fb)
	}
	s.c.Candidates = nil
	for _, t := range offered {
		s.c.Candidates = append(s.c.Candidates, t.ID)
	}
	if len(offered) == 1 {
		s.reply(fmt.Sprintf("Is this about %s? Reply YES, or text the product and the exact error.", offered[0].ShortTitle()))
		return
	}
	second := offered[1].ShortTitle()
	if offered[1] == fb {
		second = "something else"
	}
	if len(offered) > 2 {
		var b strings.Builder
		b.WriteString("Which is closest?")
		for i, t := range offered {
			title := t.ShortTitle()
			if t == fb {
				title = "Something else"
			}
			fmt.Fprintf(&b, "\n%d) %s", i+1, title)
		}
		fmt.Fprintf(&b, "\nReply 1-%d, or text the exact error.", len(offered))
		s.reply(b.String())
		return
	}
	s.reply(fmt.Sprintf("Is this 1) %s or 2) %s? Reply 1 or 2.", offered[0].ShortTitle(), second))
}

// namedFlows are the flows of ours whose product the text names, in
// library order, when no flow fits ("claude code says something like …"
// names five).
func namedFlows(v flows.Verdict, lib *flows.Library) []*flows.Flow {
	var named []*flows.Flow
	for _, t := range lib.Flows {
		for _, c := range v.Ranked {
			if c.Flow == t && t != lib.Fallback() && c.Named() {
				named = append(named, t)
			}
		}
	}
	return named
}

// start begins flow t; first is the (redacted) text that chose it.
func (s *step) start(t *flows.Flow, first string) {
	s.c.Flow, s.c.Status = t.ID, StatusActive
	s.once(EventStart, "")
	s.c.FirstText = clip(first, maxSaidLen)
	s.c.Candidates, s.c.Misses = nil, 0
	s.c.Answers, s.c.Tried = nil, nil
	s.enter(t, t.Start, nil)
}

// known is what the engine took without asking, to say back: a choice's
// echo and which of the person's texts it came from; or, plain, a
// sentence said as it is ("No problem, I'll assume not.").
type known struct {
	echo  string
	from  int // ordinal of the text (see step.ordinal)
	plain bool
}

// enter walks from node id: it answers questions the person already
// answered, sends info texts, and stops at the first question to ask or
// at a fix or handoff. said holds what was taken without asking so far.
func (s *step) enter(t *flows.Flow, id string, said []known) {
	var infos []string // info texts on the way, sent with what follows
	for hops := 0; hops < 2*len(t.Nodes)+1; hops++ {
		n := t.Node(id)
		if n == nil {
			break
		}
		s.c.Node, s.c.AskedAt = id, ""
		switch n.Kind {
		case flows.Question:
			k, from := t.InferFrom(n, s.saids(s.c.Said))
			if k < 0 {
				k, from = s.inferOpen(t, n)
			}
			if k >= 0 {
				ch := n.Choices[k]
				said = s.take(n, k, from, said)
				s.event(EventEdge, n.ID, ch.Next, "")
				id = ch.Next
				continue
			}
			s.c.Status = StatusActive
			s.c.Misses = 0
			s.replyAfter(infos, s.askNoted(said, s.question(t, n)...)...)
			return
		case flows.Info:
			infos = append(infos, s.withNote(said, n.Text))
			s.event(EventEdge, n.ID, n.Next, "")
			said = nil
			id = n.Next
			continue
		case flows.Fix:
			s.replyAfter(infos, s.withNote(said, s.fixSMS(t, n)))
			return
		case flows.Handoff:
			s.reply(infos...)
			s.handoff(n.Reason)
			return
		}
	}
	// Unreachable with a checked flow; recover rather than strand anyone.
	s.fresh()
	s.reply("Sorry, something went wrong on my side. " + greeting)
}

// replyAfter sends msgs after the info texts infos: the first of msgs in
// one SMS with them when all of it fits two segments, else each on its
// own.
func (s *step) replyAfter(infos []string, msgs ...string) {
	if len(infos) > 0 {
		if joined := strings.Join(append(infos[:len(infos):len(infos)], msgs[0]), "\n"); s.fits(joined) {
			s.reply(append([]string{joined}, msgs[1:]...)...)
			return
		}
	}
	s.reply(append(infos, msgs...)...)
}

// inferOpen answers question n from the open texts (Conversation.Open),
// returning the choice and the index in Said of the text, or -1, -1.
func (s *step) inferOpen(t *flows.Flow, n *flows.Node) (int, int) {
	var texts []string
	var at []int
	for _, o := range s.c.Open {
		if i := o - (s.c.Texts - len(s.c.Said)) - 1; i >= 0 && i < len(s.c.Said) {
			texts, at = append(texts, s.c.Said[i]), append(at, i)
		}
	}
	if len(texts) == 0 {
		return -1, -1
	}
	if k, j := t.InferOpen(n, s.saids(texts)); k >= 0 {
		return k, at[j]
	}
	return -1, -1
}

// take records choice k of question n as answered without asking, from
// the remembered text Said[from], and adds its echo to said.
func (s *step) take(n *flows.Node, k, from int, said []known) []known {
	ch := n.Choices[k]
	s.c.Answers = append(s.c.Answers, Answer{
		Node: n.ID, Question: n.Text, Choice: k, Label: ch.Label,
		Text: s.c.Said[from], Inferred: true, From: s.ordinal(from), Picture: s.fromPicture(s.ordinal(from)),
	})
	if e := strings.TrimSpace(ch.Echo); e != "" {
		said = append(said, known{echo: strings.TrimSuffix(e, "."), from: s.ordinal(from)})
	}
	return said
}

// withNote prefixes a message with what was taken without asking (see
// note). It uses the first of the message's variants (most complete
// first) with which the note fits two segments; with none, the first that
// fits alone, without the note. A question uses askNoted instead, which
// keeps both.
func (s *step) withNote(said []known, variants ...string) string {
	if len(said) == 0 {
		return s.fitting(variants...)
	}
	note := s.note(said)
	all := make([]string, 0, 2*len(variants))
	for _, v := range variants {
		all = append(all, note+"\n"+v)
	}
	return s.fitting(append(all, variants...)...)
}

// askNoted is a question's SMS (its variants, most complete first, see
// question) after what was taken without asking: in one SMS with the
// first variant that still says what to reply and fits two segments with
// the note; else the note on its own and the question as complete as fits
// alone. Neither the note nor the reply line is dropped to save an SMS.
func (s *step) askNoted(said []known, variants ...string) []string {
	if len(said) == 0 {
		return []string{s.fitting(variants...)}
	}
	note := s.note(said)
	for _, v := range variants {
		if saysReply(v) && s.fits(note+"\n"+v) {
			return []string{note + "\n" + v}
		}
	}
	for _, v := range variants {
		if s.fitsAlone(v) {
			return []string{note, v}
		}
	}
	return []string{note, variants[len(variants)-1]}
}

// saysReply reports whether a question's SMS tells what to reply.
func saysReply(v string) bool {
	return strings.Contains(v, "\nReply ") || strings.Contains(v, "or reply")
}

// note says what was taken without asking ("Got it: you're behind a
// company proxy."), and which earlier text it came from when that was not
// the text just sent.
func (s *step) note(said []known) string {
	var plain, echoes []string
	from := 0
	for _, k := range said {
		switch {
		case k.plain:
			plain = append(plain, k.echo)
			continue
		case len(echoes) == 0:
			from = k.from
		case k.from != from:
			from = -1
		}
		echoes = append(echoes, k.echo)
	}
	head := "Got it: "
	switch {
	case from == s.c.Texts:
	case from > 0 && s.fromPicture(from):
		head = "Got it from your screenshot: "
	case from > 0:
		head = "Got it from your " + textName(from) + ": "
	default:
		head = "Got it from your texts: "
	}
	note := strings.Join(plain, " ")
	if len(echoes) > 0 {
		note = strings.TrimSpace(note + " " + head + strings.Join(echoes, "; ") + ".")
	}
	return note
}

// question is question n's SMS with its How link, and shorter forms of
// it for when a note before it or a long link takes it past two
// segments: with a shorter "Reply 1-N." line, then with the choices on
// one line after "Reply", and only then without saying what to reply.
func (s *step) question(t *flows.Flow, n *flows.Node) []string {
	link := s.checkLink(t, n)
	sms := n.SMS(link)
	short, _, cut := strings.Cut(sms, "\nReply 1-")
	how := ""
	if link != "" {
		how = "\nHow: " + link
	}
	if !cut { // free text: its choices already say "or reply"
		return []string{sms, strings.TrimSpace(n.Text) + how + "\n" + n.ChoiceList()}
	}
	return []string{sms, fmt.Sprintf("%s\nReply 1-%d.", short, len(n.Choices)), strings.TrimSpace(n.Text) + how + "\nReply " + n.ChoiceList() + ".", short}
}

func (s *step) checkLink(t *flows.Flow, n *flows.Node) string {
	if id := t.CheckID(n.ID); id != "" {
		return s.link(id)
	}
	return ""
}

func (s *step) link(pageID string) string {
	return PageURL(s.e.BaseURL, pageID)
}

// fix ends the flow at fix node n: a page for the person's path and its
// link, after note (the word that this is the next likely cause), when it
// still fits.
func (s *step) fix(t *flows.Flow, n *flows.Node, note string) {
	sms := s.fixSMS(t, n)
	if note != "" {
		sms = s.fitting(note+"\n"+sms, sms)
	}
	s.reply(sms)
}

// fixSMS ends the flow at fix node n: it makes the page for the person's
// path and returns the SMS with its link.
func (s *step) fixSMS(t *flows.Flow, n *flows.Node) string {
	id := s.in.PageID
	if id == "" {
		sum := sha256.Sum256([]byte(s.c.Phone + "\x00" + s.now.String() + "\x00" + n.ID))
		id = hex.EncodeToString(sum[:8])
	}
	s.r.Page = &Page{
		ID: id, Kind: PageFix, Flow: t.ID, Node: n.ID,
		Title: n.Title, Summary: n.Summary, Steps: n.Steps,
		Commands: n.Commands, Sources: n.Sources, Verified: n.Verified,
		Reported: s.c.FirstText,
		Answers:  append([]Answer(nil), s.c.Answers...),
		Created:  s.now,
	}
	s.c.Status, s.c.Node = StatusFixed, n.ID
	s.once(EventFix, n.ID)
	s.c.PageID = id
	s.c.Tried = append(s.c.Tried, n.ID)
	return n.FixSMS(s.link(id))
}

// answer handles a reply to the current question.
func (s *step) answer(text string) {
	t := s.flow()
	n := t.Node(s.c.Node)
	if n == nil || n.Kind != flows.Question {
		// Step's repair leaves no active conversation off a question.
		s.fresh()
		s.reply(resetNote)
		return
	}
	in := flows.NewText(text)
	if t == s.e.Flows.Fallback() {
		// "claude code" to the catch-all's "Which product?", or a
		// pasted "401 … authentication_error" to "What does the error
		// say?": an answer that names a product of ours or quotes one of
		// its codes and, with the first text, picks its flow. That flow
		// starts, and answers its questions from all the texts.
		lib := s.e.Flows
		if v := lib.Classify(flows.NewText(s.c.FirstText + "\n" + text)); v.Flow != nil && v.Flow != t {
			if a := lib.Classify(in); a.Names(v.Flow) || a.Quotes(v.Flow) {
				s.start(v.Flow, s.c.FirstText)
				return
			}
		}
	}
	r := t.Read(n, in)
	if r.Choice < 0 && !s.pictureOnly() && isNudge(text, in) {
		// "?", "hello?" while a question is open: the person is waiting
		// on us. The question again, no miss.
		s.reply(s.askNoted([]known{{echo: "Still here.", plain: true}}, s.question(t, n)...)...)
		return
	}
	if r.Choice < 0 && flows.AsksAgain(in) {
		// "what was the question again, sorry": the question again, no
		// miss.
		s.reply(s.askNoted([]known{{echo: "Here it is again.", plain: true}}, s.question(t, n)...)...)
		return
	}
	if ws := strings.Fields(in.Normalized()); r.By != flows.ByNumber && isCloser(ws) && flows.Family(in.Normalized()) == "" {
		// "thanks!" while a question is open: a warm word, and the
		// question again; no miss.
		s.reply(s.askNoted([]known{{echo: "You're welcome!", plain: true}}, s.question(t, n)...)...)
		return
	}
	if taken, more := flows.Retracts(in); taken && r.By != flows.ByNumber {
		if !more {
			// "oops wrong chat, ignore that": the question again, no
			// miss.
			s.reply(s.askNoted([]known{{echo: "No problem.", plain: true}}, s.question(t, n)...)...)
			return
		}
		// "ignore that, the real error is SELF_SIGNED_CERT_IN_CHAIN":
		// the error before is taken back, and the flow starts again
		// from this text, in the flow it names, or in this one (the
		// product is the same) when it names none of ours.
		f := t
		if v := s.e.Flows.Classify(in); v.Flow != nil && v.Flow != s.e.Flows.Fallback() {
			f = v.Flow
		} else if b := s.e.Flows.Beside(t, text); b != nil {
			f = b
		}
		s.start(f, s.first)
		return
	}
	switch {
	case r.By == flows.ByOther:
		// A message none of the listed ones: "Something else", unless it
		// answers a question further on.
		if k := t.Ahead(n, in); k >= 0 {
			r = flows.Reading{Choice: -1}
		}
	case r.By == flows.ByFamily && !in.Explicit():
		// "no she hasn't texted START yet" to "do they want your texts?":
		// the sentence answers the next question, whatever its first word.
		if k := t.Ahead(n, in); k >= 0 && k != r.Choice {
			r = flows.Reading{Choice: -1}
		}
	}
	// Free text that answers a question further on ("Error: exit code 1"
	// to "Which product?") is kept for that one, not taken here; but a
	// message passed on where the question asks to paste one ("it shows
	// the screen to choose a login method" to "What does the error
	// say?") is this question's answer.
	if r.By == flows.ByAny && !t.Takes(n, in) && (!n.AsksToPaste() || !in.Quotes()) && s.keptForLater(t, n, in, false) {
		return
	}
	switch {
	case r.Choice >= 0:
		ch := n.Choices[r.Choice]
		s.c.Answers = append(s.c.Answers, Answer{Node: n.ID, Question: n.Text, Choice: r.Choice, Label: ch.Label, Text: clip(s.said, maxSaidLen), Picture: s.read != ""})
		s.event(EventEdge, n.ID, ch.Next, "")
		s.c.Misses = 0
		s.enter(t, ch.Next, nil)
	case r.Choice < 0 && flows.AsksAboutBot(in):
		// A question about the bot ("are you a bot?", "do you store what
		// I send?"): what textfix is and keeps, then the question again,
		// no miss.
		s.reply(aboutBot)
		s.reply(s.fitting(s.question(t, n)...))
	case r.Asks && t.CheckID(n.ID) == "" && s.c.AskedAt == n.ID:
		// A second question back where the question has no How page to
		// show ("I don't know how it signs in, a colleague set it up"),
		// after its help text if it has one: not knowing, by another name.
		s.unsure(t, n)
	case r.Asks:
		s.help(t, n)
	case r.Number:
		s.miss(t, n, missNumber)
	case cantCheck(in):
		// "I can't", "can't check right now": not knowing, by another name.
		s.unsure(t, n)
	default:
		// The code corrected ("correction: it's 403 Forbidden, not
		// 401"): the flow of the code said starts, before anything else
		// is read from the text.
		if t.CodeDenied(in) {
			if f := s.e.Flows.Beside(t, text); f != nil {
				s.start(f, text)
				return
			}
		}
		// An answer to a question further on: the path there is taken,
		// and said back.
		if k := t.Ahead(n, in); k >= 0 {
			ch := n.Choices[k]
			said := s.take(n, k, len(s.c.Said)-1, nil)
			s.c.Open = append(s.c.Open, s.c.Texts) // it answers that question by its words
			s.event(EventEdge, n.ID, ch.Next, "")
			s.c.Misses = 0
			s.enter(t, ch.Next, said)
			return
		}
		if r.Unsure {
			s.unsure(t, n)
			return
		}
		// A fact for a question further on, told instead of an answer
		// ("says not logged in" to "How does Claude Code sign you in?"):
		// kept for that one, and this question asked again, no miss.
		if s.keptForLater(t, n, in, true) {
			return
		}
		v := s.e.Flows.Classify(in)
		// Another error, told instead of an answer ("wait no, it's 429
		// not 403"): its flow starts, as a person would switch.
		if v.Flow != nil && v.Flow != t && v.Flow != s.e.Flows.Fallback() && v.Quotes(v.Flow) {
			s.start(v.Flow, text)
			return
		}
		// Or in its own words, about the same product ("no time shown,
		// it's the monthly spend limit we set in the console" in the 429
		// flow).
		if f := s.e.Flows.Beside(t, text); f != nil {
			s.start(f, text)
			return
		}
		// The product alone, sent after the first text ("claude code"):
		// nothing to read, nothing missed; the question again.
		if v.OnlyNames(t) && len(strings.Fields(in.Normalized())) <= 4 {
			s.reply(s.fitting(s.question(t, n)...))
			return
		}
		// A fact that changes an answer taken without asking ("we go
		// through a litellm proxy he set up" after "Got it: you use an
		// API key"): on from that question with the new answer.
		if s.correct(t, text) {
			return
		}
		// A fact already taken, said again ("thats claude code btw, im
		// on max" after the plan was taken): said back, and this
		// question again, no miss.
		if s.repeatsKnown(t, n, text) {
			return
		}
		// "here's the curl output:": the answer is the next text. No
		// miss; the question stays open.
		if promisesPaste(text) {
			s.reply(pasteNext)
			return
		}
		// Away, or unable to look ("on the train, can't look the code
		// up"): the answer will come later. One short text, no miss; the
		// question stays open (it is just above in their thread), with
		// the way on without it where the question has one.
		if flows.Away(in) {
			if t.Unsure(n) >= 0 {
				s.reply("No problem. Answer the question above when you can look, or reply NOT SURE to go on without it.")
			} else {
				s.reply("No problem. Answer the question above when you can look, or reply HUMAN for a person.")
			}
			return
		}
		// Back ("sorry got a customer, back now"): the question again, no
		// miss.
		if flows.Back(in) {
			s.reply(s.fitting(s.question(t, n)...))
			return
		}
		// A word of the text before corrected with an asterisk
		// ("*code"): kept with the texts; the question again, no miss.
		if starCorrection(text) {
			s.reply(s.fitting(s.question(t, n)...))
			return
		}
		// Sent too early ("i log in with the"): the rest will come. One
		// short text, no miss.
		if flows.CutShort(in) {
			s.reply(cutShort)
			return
		}
		// Only a thought's opening ("wait", "oh", "hmm"): the rest will
		// come. One short text, no miss.
		if flows.MidThought(in) {
			s.reply(midThought)
			return
		}
		s.miss(t, n, missPlain)
	}
}

// correct takes a text that answers nothing where it was sent but answers
// a question whose answer was taken without asking, differently ("we go
// through a litellm proxy he set up" after "Got it: you use an API key";
// "actually the usage page says I've only used 20% this week" after a
// weekly-limit fix): the answers from that question on are dropped, the
// new one is taken and said back, and the flow goes on from it, as a
// person would. It reports false when the text changes no such answer.
func (s *step) correct(t *flows.Flow, text string) bool {
	for i := len(s.c.Answers) - 1; i >= 0; i-- {
		a := s.c.Answers[i]
		n := t.Node(a.Node)
		if !a.Inferred || n == nil || n.Kind != flows.Question {
			continue
		}
		k := t.Infer(n, []string{text})
		if k < 0 || k == a.Choice {
			continue
		}
		s.c.Answers = s.c.Answers[:i]
		said := s.take(n, k, len(s.c.Said)-1, nil)
		s.event(EventEdge, n.ID, n.Choices[k].Next, "")
		s.c.Misses = 0
		s.enter(t, n.Choices[k].Next, said)
		return true
	}
	return false
}

// keptForLater says back what text answers of a question further on
// (flows.Flow.Later), which the flow will take from it there, and asks
// question n again; it reports false when no question further on takes
// it. Once per question, so that a person who answers the same way again
// is heard, not asked forever. open keeps the text among those sent as
// answers (Conversation.Open), whose match words count further on too.
func (s *step) keptForLater(t *flows.Flow, n *flows.Node, in flows.Text, open bool) bool {
	q, k := t.Later(n, in)
	if q == nil || s.c.AskedAt == n.ID {
		return false
	}
	if open && !slices.Contains(s.c.Open, s.c.Texts) {
		s.c.Open = append(s.c.Open, s.c.Texts)
	}
	s.askAgainSaying(t, n, q.Choices[k])
	return true
}

// askAgainSaying asks question n again after saying back choice ch in its
// echo's words, as "Got it", from this text; once per question, so it
// marks n asked (AskedAt).
func (s *step) askAgainSaying(t *flows.Flow, n *flows.Node, ch flows.Choice) {
	s.c.AskedAt = n.ID
	var said []known
	if echo := strings.TrimSuffix(strings.TrimSpace(ch.Echo), "."); echo != "" {
		said = []known{{echo: echo, from: s.c.Texts}}
	}
	s.reply(s.askNoted(said, s.question(t, n)...)...)
}

// repeatsKnown handles a text that answers nothing where it was sent
// but says again what an answer already taken says ("im on max now, left
// my old job in october" after "Got it: you sign in with /login"): the
// answer is said back and question n asked again, without a miss. Like
// keptForLater, it does so once per question (AskedAt): said again, it
// is a miss. It reports false when the text repeats no answer.
func (s *step) repeatsKnown(t *flows.Flow, n *flows.Node, text string) bool {
	if s.c.AskedAt == n.ID {
		return false
	}
	for i := len(s.c.Answers) - 1; i >= 0; i-- {
		a := s.c.Answers[i]
		q := t.Node(a.Node)
		if q == nil || q == n || q.Kind != flows.Question || a.Choice < 0 || a.Choice >= len(q.Choices) {
			continue
		}
		// The question just before this one is answered late in the
		// words of an answer there too ("every single call" after "every
		// call fails, even with a new token" was taken from the first
		// text).
		late := i == len(s.c.Answers)-1 && t.Read(q, flows.NewText(text)).Choice == a.Choice
		if !late && t.Infer(q, []string{text}) != a.Choice {
			continue
		}
		s.askAgainSaying(t, n, q.Choices[a.Choice])
		return true
	}
	return false
}

// unsure handles an answer that only says the person does not know, at a
// question with no choice for that. As a patient engineer would, it goes
// on without the answer where the question has a way on (flows.Flow.Unsure:
// a "Can't check now" choice, whose path carries the check for later, or
// a yes/no question's no), saying so. Where it has none, it points at the
// How page if there is one and asks again: a miss, and a human after
// three.
func (s *step) unsure(t *flows.Flow, n *flows.Node) {
	k := t.Unsure(n)
	if k < 0 {
		s.miss(t, n, missUnsure)
		return
	}
	ch := n.Choices[k]
	s.c.Answers = append(s.c.Answers, Answer{Node: n.ID, Question: n.Text, Choice: k, Label: ch.Label, Text: clip(s.said, maxSaidLen), Picture: s.read != ""})
	s.event(EventEdge, n.ID, ch.Next, "")
	s.c.Misses = 0
	lead := "No problem, let's go on without it."
	if ch.Means == "no" {
		lead = "No problem, I'll assume not for now."
	}
	s.enter(t, ch.Next, []known{{echo: lead, plain: true}})
}

// isNudge reports whether text (read as in) only asks whether anyone is
// there ("?", "??", "hello?", "u there") or holds no word at all ("…", a
// phone's "Emphasized “…”" reaction).
func isNudge(text string, in flows.Text) bool {
	ws := strings.Fields(in.Normalized())
	if len(ws) == 0 {
		return true
	}
	for _, w := range ws {
		if !nudgeWords[w] {
			return false
		}
	}
	return true
}

var nudgeWords = wordSet(`hello helo hellooo hi hey yo anyone there you still are is this thing on`)

// cantCheck reports whether the text only says the person cannot check
// ("can't", "I can't do that", "cannot check right now", "I'm not able
// to do that today", "I wouldn't know how. Not today"): a word of
// inability, and nothing but words of the doing around it.
func cantCheck(in flows.Text) bool {
	ws := strings.Fields(in.Normalized())
	cant := false
	for i, w := range ws {
		switch {
		case w == "cant" || w == "cannot" || w == "unable":
			cant = true
		case w == "able" && i > 0 && ws[i-1] == "not",
			w == "know" && i > 0 && (ws[i-1] == "wouldnt" || ws[i-1] == "dont") && i+1 < len(ws) && ws[i+1] == "how":
			cant = true
		case !cantWords[w]:
			return false
		}
	}
	return cant
}

// cantWords may stand around a word of inability in a text that only says
// the person cannot check.
var cantWords = wordSet(`i im can not check do that it this now right sorry unfortunately really today tonight at the moment atm rn
	to able know how wouldnt dont run test curl a afraid here from my phone just yet on away busy driving out`)

// help answers a question back ("where do I find that?", "what's a curl
// test?"): the help the question has (its help text, its How page), then
// the question again. It is not a miss. Help is given once per question:
// a second question back there, where no How page can be sent again, is
// taken as not knowing. Where there is no help at all, it says so.
func (s *step) help(t *flows.Flow, n *flows.Node) {
	link := s.checkLink(t, n)
	if n.Help != "" {
		s.reply(n.Help)
	}
	if link != "" {
		s.reply("This page shows how, step by step: " + link)
	} else {
		s.c.AskedAt = n.ID
		if n.Help == "" {
			s.reply("I have no more on that one. Answer as best you can, or reply HUMAN for a person.")
		}
	}
	s.reply(s.fitting(s.question(t, n)...))
}

// missKind is why an answer selected nothing.
type missKind int

const (
	missPlain  missKind = iota // not understood
	missUnsure                 // "not sure", at a question with no choice for it
	missNumber                 // a bare number where no numbers are shown
)

// miss handles an answer that selected nothing: the question again, with
// its How page and a lead-in that fits why, and a human after maxMisses.
func (s *step) miss(t *flows.Flow, n *flows.Node, why missKind) {
	if s.pictureOnly() {
		s.unreadPicture()
		return
	}
	s.r.Missed = true
	s.event(EventMiss, n.ID, "", clip(s.said, 80))
	s.c.Misses++
	if why == missPlain && !slices.Contains(s.c.Open, s.c.Texts) {
		s.c.Open = append(s.c.Open, s.c.Texts)
	}
	if s.c.Misses >= maxMisses {
		s.handoff("The bot did not understand the answers to: " + n.Text)
		return
	}
	link := s.checkLink(t, n)
	var lead string
	switch {
	case why == missUnsure && link != "":
		lead = "No problem: the How page shows how to check. If you can't, pick the closest. "
	case why == missUnsure:
		lead = "No problem. If you can't tell, pick the closest. "
	case why == missNumber:
		lead = "Please type it in words. "
	case s.c.Misses == maxMisses-1:
		lead = "Sorry, I still didn't get that. "
	default:
		lead = "Sorry, I didn't get that. "
	}
	human := ""
	if s.c.Misses == maxMisses-1 {
		human = " Or reply HUMAN for a person."
	}
	q, list := strings.TrimSpace(n.Text), n.ChoiceList()
	how := ""
	if link != "" {
		how = "\nHow: " + link
	}
	reply := "\nReply " + list + "."
	if n.FreeText() {
		reply = "\n" + list
	}
	s.reply(s.fitting(
		lead+q+how+reply+human,
		lead+strings.TrimPrefix(how, "\n")+reply+human,
		lead+strings.TrimPrefix(reply, "\n")+human,
		fmt.Sprintf("%sReply 1-%d.%s", lead, len(n.Choices), human),
	))
}

// linkDomain is the longest domain a production link is expected to
// have (flows.LintLink's): replies are measured as if their links had it.
const linkDomain = 40

// fits reports whether msg goes out as at most two SMS segments, with its
// page links measured on a domain of at least linkDomain characters: a
// reply that fits on a short test domain must fit in production too.
func (s *step) fits(msg string) bool {
	if s.lead != "" && len(s.r.Replies) == 0 {
		msg = s.lead + "\n" + msg // the first reply carries the lead (reply)
	}
	return s.fitsAlone(msg)
}

// fitsAlone is fits without the step's lead.
func (s *step) fitsAlone(msg string) bool {
	base := strings.TrimRight(s.e.BaseURL, "/")
	scheme, host, ok := strings.Cut(base, "://")
	if !ok {
		scheme, host = "https", base
	}
	// Most replies have no page link: nothing to stretch.
	if links := base + PagesPath; len(host) < linkDomain && strings.Contains(msg, links) {
		long := scheme + "://" + host + strings.Repeat("x", linkDomain-len(host))
		msg = strings.ReplaceAll(msg, links, long+PagesPath)
	}
	n, _ := segment.Count(msg)
	return n <= 2
}

// fitting returns the first of msgs, most complete first, that fits two
// segments, or the last.
func (s *step) fitting(msgs ...string) string {
	for _, m := range msgs {
		if s.fits(m) {
			return m
		}
	}
	if s.lead != "" && len(s.r.Replies) == 0 {
		// None fits after the lead: the lead goes on its own (reply), and
		// the message as complete as fits alone.
		for _, m := range msgs {
			if s.fitsAlone(m) {
				return m
			}
		}
	}
	return msgs[len(msgs)-1]
}

// feedback handles the answer to "Did this fix it?".
func (s *step) feedback(text string) {
	t := s.flow()
	in := flows.NewText(text)
	answer := feedbackOf(in)
	switch answer {
	case FeedbackYes:
		s.r.Feedback = &Feedback{PageID: s.c.PageID, Answer: FeedbackYes}
		s.once(EventYes, s.c.Node)
		s.fresh()
		s.reply("Glad it's fixed! Text me anytime you hit another error.")
		return
	case FeedbackNo:
		s.r.Feedback = &Feedback{PageID: s.c.PageID, Answer: FeedbackNoHandoff}
		s.once(EventNo, s.c.Node)
		// A fix's next likely fix; none when the fix node is gone (the
		// conversation was kept: see Engine.repair).
		var next *flows.Node
		n := t.Node(s.c.Node)
		if n != nil && n.Kind == flows.Fix {
			next = t.Node(n.IfNotFixed)
		}
		if next != nil && !slices.Contains(s.c.Tried, next.ID) {
			s.event(EventEdge, n.ID, next.ID, "")
			if next.Kind == flows.Fix {
				s.r.Feedback.Answer = FeedbackNo
				s.fix(t, next, "OK, let's try the next likely cause.")
				return
			}
			s.c.Node = next.ID
			s.handoff(next.Reason)
			return
		}
		s.handoff("The fix page did not solve it.")
		return
	}
	// Neither YES nor NO. A text that names another problem than this
	// fix's is a new one (elsewhere); a thank-you that names another
	// product with no trouble said is still about this fix ("asked them
	// to call their bank, thanks").
	v := s.e.Flows.Classify(in)
	elsewhere := s.elsewhere(v, s.c.Flow)
	if answer == FeedbackNone {
		// "emailing the failed ones. thanks": what they work on is no
		// trouble with the fix.
		calm := described(in)
		if (isThanks(calm) || acknowledges(calm) || okPlan(calm) || stepPending(in)) && (!elsewhere || v.Flow == s.e.Flows.Fallback() && !flows.Troubled(calm)) {
			// "ok will tell the customer to use another card. thanks",
			// "makes sense, good to know": a warm close that counts no
			// YES, with the fix kept for the next text (reopen).
			prev := s.c
			prev.Prev = nil
			s.fresh()
			s.c.Prev = &prev
			s.reply("You're welcome! If it still fails, reply NO and I'll find the next fix.")
			return
		}
		if saysPlan(calm) && !s.newProblem(v) {
			// "will see tmrw morning", "pinged our admin": no result yet.
			s.reply("OK! Reply YES once it works, or NO if it doesn't and I'll find the next fix.")
			return
		}
		if flows.AsksAboutBot(in) && !elsewhere {
			// "are you a bot?" after a fix: what textfix is and keeps,
			// and the fix question again.
			s.reply(aboutBot, "Did the fix work? Reply YES or NO.")
			return
		}
		if in.Asks() {
			s.reply(s.fitting(
				fmt.Sprintf("Your fix page has the steps and commands: %s\nDid it fix it? Reply YES or NO, or HUMAN for a person.", s.link(s.c.PageID)),
				"Did the fix work? Reply YES or NO, or HUMAN for a person."))
			return
		}
	}
	// Not an answer to the question: a new problem?
	if elsewhere {
		s.fresh()
		s.remember(s.said)
		s.start(v.Flow, s.first)
		return
	}
	// Or a fact that changes what the fix was picked on.
	if answer == FeedbackNone && s.correct(t, text) {
		return
	}
	s.reply("Did the fix work? Reply YES or NO. Or text a new error to start again.")
}

// Feedback is the person's answer to "Did this fix it?".
type Feedback struct {
	PageID string         `json:"page_id"`
	Answer FeedbackAnswer `json:"answer"`
}

// FeedbackAnswer is an answer to "Did this fix it?".
type FeedbackAnswer string

// The answers to "Did this fix it?", as a page records them: NO is
// recorded with what followed it, so the page can say what happened.
// FeedbackNone is a text that is neither.
const (
	FeedbackYes       FeedbackAnswer = "yes"
	FeedbackNo        FeedbackAnswer = "no"         // NO, and the next likely fix was texted
	FeedbackNoHandoff FeedbackAnswer = "no_handoff" // NO, and a person took the conversation
	FeedbackNone      FeedbackAnswer = ""
)

// feedbackOf reads an answer to "Did this fix it?": a NO wherever it says
// the fix did not work ("thanks, but it didn't work"), else a YES where
// it says it did ("the 429s stopped"), tells what was done and thanks
// ("customer used another card. thanks!") or only closes ("thanks so
// much", "ok bye", "cool 👍", "gracias"), else the yes/no family of a
// short answer or of its first clause ("no, /usage says I still have 40%
// left").
func feedbackOf(in flows.Text) FeedbackAnswer {
	ws := strings.Fields(in.Normalized())
	if stepPending(in) {
		// "did step 1 and 2, still the same; step 3 is our admin's,
		// I've pinged her": a step of the fix is still to be done.
		return ""
	}
	if a := lastSays(in); a != "" {
		return a
	}
	switch {
	case hasPhrase(withoutAsides(ws), notFixed), stillTrouble(ws):
		return FeedbackNo
	case isCloser(ws), saysWorked(in), didAndThanks(in), endsYes(ws, in):
		return FeedbackYes
	}
	if a := shortAnswer(in); a != FeedbackYes || !saysPlan(in) {
		return a
	}
	// "ok will try that tonight", "k ill wait": the "ok" of a plan, no
	// result yet (okPlan).
	return ""
}

// shortAnswer is the yes or no of a short text or of a short first
// clause ("yep", "nope, same error"), or the yes that opens an
// explanation with nothing said against the fix ("yep it was a stray key
// in my env, removed it").
func shortAnswer(in flows.Text) FeedbackAnswer {
	switch {
	case len(strings.Fields(in.Normalized())) <= 6:
		return FeedbackAnswer(flows.Family(in.Normalized()))
	case len(strings.Fields(in.FirstClause())) <= 3:
		return FeedbackAnswer(flows.Family(in.FirstClause()))
	case opensYes(in):
		return FeedbackYes
	}
	return ""
}

// okPlan reports whether the text takes the fix on as a plan, "ok" first
// ("k ill wait", "ok will try that tonight"): a closer with no result.
func okPlan(in flows.Text) bool { return shortAnswer(in) == FeedbackYes && saysPlan(in) }

// newProblem reports whether a text sent after a fix, classified as v,
// is a new problem: a flow of ours, or the catch-all for a product it
// names. Trouble words alone go with the fix just sent ("cut it to 2
// agents, no 403s all afternoon", "lol yes wrong keys in prod. ty").
func (s *step) newProblem(v flows.Verdict) bool {
	fb := s.e.Flows.Fallback()
	return v.Flow != nil && (v.Flow != fb || v.Names(fb))
}

// elsewhere reports whether a text sent after the fix of flow, classified
// as v, is a new problem: newProblem, and not that flow (more about the
// same problem is no reason to start it over: "nope, still 403").
func (s *step) elsewhere(v flows.Verdict, flow string) bool {
	return s.newProblem(v) && v.Flow.ID != flow
}

// back returns to the previous question the person was asked, passing
// over answers whose question is gone from the flow, and finding a renamed
// one by its words (askedIn; DamageAnswerGone).
func (s *step) back() {
	if s.untold == StaleReset {
		s.tellStale()
		return
	}
	moved := s.untold == StaleMoved
	s.untold = ""
	t := s.flow()
	asked := func(a Answer) bool { return askedIn(t, a) != nil }
	from, status, gone := s.c.Node, s.c.Status, false
	// Pop answers the engine inferred, then the last one the person gave.
	for t != nil && len(s.c.Answers) > 0 {
		last := s.c.Answers[len(s.c.Answers)-1]
		s.c.Answers = s.c.Answers[:len(s.c.Answers)-1]
		n := askedIn(t, last)
		if n == nil || n.ID != last.Node {
			gone = true // renamed (n), or gone
		}
		if n == nil {
			continue
		}
		if !last.Inferred {
			s.forget(last.Text) // an inferred answer's text may answer others
		}
		if !last.Inferred || !slices.ContainsFunc(s.c.Answers, asked) {
			if gone {
				s.answerGone(from, status, n.ID)
				moved = true
			}
			s.c.Node, s.c.Status, s.c.Misses = n.ID, StatusActive, 0
			s.replyQuestion(moved, s.question(t, n))
			return
		}
	}
	if gone {
		s.answerGone(from, status, "")
		moved = true
	}
	if t != nil && s.c.Status == StatusActive {
		if n := t.Node(s.c.Node); n != nil && n.Kind == flows.Question {
			qs := s.question(t, n)
			if !moved {
				qs = append([]string{"This is the first question.\n" + qs[0]}, qs...)
			}
			s.replyQuestion(moved, qs)
			return
		}
	}
	s.reply("There's nothing to go back to. " + greeting)
}

// replyQuestion asks a question (its variants, most complete first),
// after the word that the questions changed when moved.
func (s *step) replyQuestion(moved bool, variants []string) {
	if moved {
		s.replyNoted(movedNote, variants...)
		return
	}
	s.reply(s.fitting(variants...))
}

// answerGone reports that BACK, at node from in status, passed over
// answers whose question is gone, and went to question to ("" when none
// was left to go to), unless the step's repair reported the conversation
// already.
func (s *step) answerGone(from string, status Status, to string) {
	if s.r.Stale != nil {
		return
	}
	st := &Stale{Flow: s.c.Flow, Node: from, Status: status, Damage: DamageAnswerGone, Outcome: StaleMoved, To: to}
	if to == "" {
		st.Outcome = StaleKept
	}
	s.r.Stale = st
}

// forget drops the newest remembered copy of text, so an undone answer
// does not answer the question again.
func (s *step) forget(text string) {
	for i := len(s.c.Said) - 1; i >= 0; i-- {
		if s.c.Said[i] == text {
			s.c.Said[i] = "" // blanked, not removed: Said's places number the texts
			return
		}
	}
}

// handoff gives the conversation to a human.
func (s *step) handoff(reason string) {
	s.once(EventHandoff, s.c.Node)
	s.c.Status = StatusHandoff
	s.c.Candidates, s.c.Welcomed = nil, false
	s.c.Misses = 0
	s.c.AckedAt = s.now
	s.r.Handoff = &Handoff{Reason: reason, Summary: s.summary()}
	s.reply(s.e.handoffText(s.now))
}

// inHandoff: the bot steps aside. Texts are stored and relayed by the
// layers around; the person is acknowledged at most once per quiet period.
func (s *step) inHandoff(kw Keyword) {
	if kw == KwReset {
		s.r.Keyword = kw
		s.fresh()
		s.reply("OK, back to the bot. " + greeting)
		return
	}
	if s.said != "" {
		s.remember(s.said)
	}
	if !s.c.Welcomed && isThanks(flows.NewText(s.said)) {
		// "thanks!" to the handoff: a warm word once, however soon.
		s.c.Welcomed, s.c.AckedAt = true, s.now
		s.reply(fmt.Sprintf("You're welcome! %s will text you here.", capitalize(s.e.operator())))
		return
	}
	every := s.e.AckEvery
	if every <= 0 {
		every = 10 * time.Minute
	}
	if s.now.Sub(s.c.AckedAt) >= every {
		s.c.AckedAt = s.now
		s.reply(fmt.Sprintf("Got it. %s has your messages and will reply here. Reply RESET to go back to the bot.", capitalize(s.e.operator())))
	}
}

func (e *Engine) operator() string {
	if e.Operator != "" {
		return e.Operator
	}
	return "a person"
}

// summary is what the operator reads first, beside the reason: flow, the
// person's own words, their answers, all redacted and in plain words (no
// escaping), each part cut at a word. Those words were redacted when they
// were stored; they are again, for a conversation stored before a rule
// existed (as shared pages are).
func (s *step) summary() string {
	var parts []string
	if t := s.flow(); t != nil {
		parts = append(parts, t.Title+".")
	}
	if s.c.FirstText != "" {
		parts = append(parts, `Said: "`+clipWords(oneLine(s.c.FirstText), 200)+`".`)
	}
	for _, a := range s.c.Answers {
		said := a.Said()
		if a.Inferred || a.Picture { // the text it came from is quoted above, was said before, or was a picture
			said = a.Label + " (" + a.Source() + ")"
		}
		parts = append(parts, clipWords(question(a.Question), 80)+" "+clipWords(oneLine(said), 160)+".")
	}
	return clipWords(Redact(strings.Join(parts, " ")), 600)
}

// question is the question a node's text asks: its last sentence ending
// in "?" ("Run the curl test on the check page. What status came back?"
// asks "What status came back?"), or the whole text when none does.
func question(text string) string {
	text = oneLine(text)
	end := strings.LastIndex(text, "?")
	if end < 0 {
		return text
	}
	start := 0
	for i := end - 1; i > 0; i-- {
		if strings.ContainsRune(".!?:", rune(text[i-1])) && text[i] == ' ' {
			start = i + 1
			break
		}
	}
	return text[start : end+1]
}

// clipWords cuts s to at most n runes at a word boundary, ending in
// "..." when it cut (GSM-7: summaries are texted to operators too).
func clipWords(s string, n int) string {
	if fitsRunes(s, n) {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-3])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-") + "..."
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	if fitsRunes(s, n) {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

// fitsRunes reports whether s has at most n runes, without converting it
// (every text and reply is clipped, and most fit).
func fitsRunes(s string, n int) bool {
	return len(s) <= n || utf8.RuneCountInString(s) <= n
}

func cloneConversation(c Conversation) Conversation {
	c.Answers = append([]Answer(nil), c.Answers...)
	c.Said = append([]string(nil), c.Said...)
	c.Open = append([]int(nil), c.Open...)
	c.Pictures = append([]int(nil), c.Pictures...)
	c.Candidates = append([]string(nil), c.Candidates...)
	c.Tried = append([]string(nil), c.Tried...)
	c.Counted = append([]EventKind(nil), c.Counted...)
	if c.Prev != nil {
		p := cloneConversation(*c.Prev)
		c.Prev = &p
	}
	return c
}

// Handle runs Step and turns its result into the store change for this
// message: the new conversation, the transcript lines (the inbound text
// redacted, then the replies) and any page.
func (e *Engine) Handle(c Conversation, in Inbound, now time.Time) (Result, Change) {
	r := e.Step(c, in, now)
	ch := Change{Conversation: r.Conversation, Feedback: r.Feedback}
	body := r.RedactedBody
	if in.NumMedia > 0 && (in.Picture == nil || strings.TrimSpace(in.Picture.Text) == "") {
		body = strings.TrimSpace(fmt.Sprintf("%s [%d attachment(s)]", body, in.NumMedia))
	}
	ch.Lines = append(ch.Lines, Line{Dir: In, Body: body, At: now, MessageID: in.MessageID})
	for _, m := range r.Replies {
		ch.Lines = append(ch.Lines, Line{Dir: Out, Body: m, At: now})
	}
	if r.Page != nil {
		ch.Pages = append(ch.Pages, *r.Page)
	}
	return r, ch
}

// once records kind at node, unless this conversation already counted
// one: such events count conversations, not pages or texts.
func (s *step) once(kind EventKind, node string) {
	if slices.Contains(s.c.Counted, kind) {
		return
	}
	s.c.Counted = append(s.c.Counted, kind)
	s.event(kind, node, "", "")
}

// event records what happened in this step for the analytics counters,
// under the conversation's current flow.
func (s *step) event(kind EventKind, node, to, text string) {
	s.r.Events = append(s.r.Events, Event{Kind: kind, Flow: s.c.Flow, Node: node, To: to, Text: text})
}
