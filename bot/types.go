package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/textfix/textfix/flows"
)

// Status is where a conversation stands.
type Status string

// The statuses of a conversation.
const (
	StatusIdle     Status = "idle"      // no flow chosen yet
	StatusActive   Status = "active"    // walking a flow
	StatusFixed    Status = "fixed"     // reached a fix page
	StatusHandoff  Status = "handoff"   // a human has it
	StatusOptedOut Status = "opted_out" // texted STOP: never send anything
)

// Conversation is everything the engine knows about one phone number.
// It is small and bounded: the transcript lives elsewhere, line by line.
type Conversation struct {
	Phone  string `json:"phone"`
	Status Status `json:"status"`
	Flow   string `json:"flow,omitempty"` // flow id
	Node   string `json:"node,omitempty"` // current node id

	// Answers are the questions answered on the way to Node, in order.
	// BACK pops the last one.
	Answers []Answer `json:"answers,omitempty"`
	// Said is what the person has said in this conversation (redacted,
	// newest last, bounded), used to avoid re-asking.
	Said []string `json:"said,omitempty"`
	// Texts counts the texts the person sent in this conversation, so
	// that Said's last is their Texts-th ("your 3rd text").
	Texts int `json:"texts,omitempty"`
	// Open lists which texts (by their number, as Texts counts) answered
	// nothing where they were sent: they may answer a later question by
	// its choices' words (flows.Flow.InferOpen).
	Open []int `json:"open,omitempty"`
	// Pictures lists which texts (by their number, as Texts counts) came
	// with a picture whose words were read: answers taken from them say
	// "from your screenshot". Only texts still in Said are kept.
	Pictures []int `json:"pictures,omitempty"`
	// FirstText is the message that started the flow (redacted); for a
	// picture, the error read in it after [ScreenshotMark] (see [Shown]).
	FirstText string `json:"first_text,omitempty"`
	// Candidates are flow ids offered in an "Is this 1) … or 2) …?" intake.
	Candidates []string `json:"candidates,omitempty"`
	// Misses counts answers not understood at the current step.
	Misses int `json:"misses,omitempty"`
	// AskedAt is the question (node id) at which a text was not taken as
	// its answer: a question back that got "I have no more on that one"
	// (a second is taken as not knowing), or free text kept for a later
	// question (a second is taken here). Nothing loops.
	AskedAt string `json:"asked_at,omitempty"`
	// Welcomed is set once a thank-you during a handoff got its warm
	// word back.
	Welcomed bool `json:"welcomed,omitempty"`
	// PageID is the fix page of the last fix reached.
	PageID string `json:"page_id,omitempty"`
	// Tried lists fix node ids already offered (for NO → next fix).
	Tried []string `json:"tried,omitempty"`
	// Ticket is the open or last handoff ticket number.
	Ticket int `json:"ticket,omitempty"`
	// AckedAt is when the person was last told a human has the
	// conversation (one note per quiet period).
	AckedAt time.Time `json:"acked_at,omitempty"`
	// Test marks a simulator conversation (not counted in analytics).
	Test bool `json:"test,omitempty"`
	// Counted are the once-per-conversation events already counted
	// (start, fix, yes, no, handoff): a conversation that reaches two
	// fixes counts once as fixed.
	Counted []EventKind `json:"counted,omitempty"`
	// Prev is the conversation a thank-you closed at its fix ("ok will
	// try that tonight, thanks"), kept for the next text only: within the
	// idle time, one that says how the fix went takes it up again ("didn't
	// work" → the next likely fix, "it works now" → YES). It never holds
	// a Prev of its own.
	Prev *Conversation `json:"prev,omitempty"`

	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
}

// Fresh returns a new idle conversation for the same number, keeping what
// outlives one conversation: its last ticket number and its test mark.
func (c Conversation) Fresh(now time.Time) Conversation {
	return Conversation{Phone: c.Phone, Status: StatusIdle, Ticket: c.Ticket, Test: c.Test, Started: now, Updated: now}
}

// Answer is one question answered, with the text that selected it.
type Answer struct {
	Node     string `json:"node"`
	Question string `json:"question"`
	Choice   int    `json:"choice"` // index into the question's choices
	Label    string `json:"label"`
	Text     string `json:"text"`               // redacted; for an inferred answer, the text it was taken from
	Inferred bool   `json:"inferred,omitempty"` // taken from a text, without asking
	// From is which of the person's texts an inferred answer was taken
	// from: 1 for their first text of the conversation, 2 for the second …;
	// 0 when not known (answers stored before it was recorded).
	From int `json:"from,omitempty"`
	// Picture: the answer was taken from the words read in a picture the
	// person sent (a screenshot), not from words they typed.
	Picture bool `json:"picture,omitempty"`
}

// Source says where an answer came from, for a fix page or an operator:
// "from your screenshot" for one read in a picture; for an inferred one,
// "from your first text", "from your 3rd text", or "from an earlier text"
// when that was not recorded. It is "" for an answer the person typed to
// the question.
func (a Answer) Source() string {
	switch {
	case a.Picture:
		return "from your screenshot"
	case !a.Inferred:
		return ""
	case a.From <= 0:
		return "from an earlier text"
	}
	return "from your " + textName(a.From)
}

// textName names the person's n-th text: "first text", "2nd text" …
func textName(n int) string {
	if n == 1 {
		return "first text"
	}
	return ordinal(n) + " text"
}

// ordinal writes n as "2nd", "3rd", "11th", "21st".
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// Said is the answer as a person would read it: the choice's label, and
// the person's own words, quoted as typed (not escaped), when they say
// more than a number. The words of a picture are not theirs: an answer
// read in one is its label.
func (a Answer) Said() string {
	t := strings.TrimSpace(a.Text)
	if t == "" || a.Picture || strings.EqualFold(t, a.Label) || strings.Trim(t, "#0123456789 ") == "" {
		return a.Label
	}
	return fmt.Sprintf(`%s ("%s")`, a.Label, t)
}

// Inbound is one text from a person.
type Inbound struct {
	From string
	Body string
	// NumMedia counts attachments. Unless Picture says what was read in
	// them, a text with attachments and no words gets [UnreadPicture].
	NumMedia int
	// Picture is what the layers around read in the message's picture
	// (MMS), when it had one: its words are used as if the person had
	// typed them after Body. Nil, or an empty Text, means nothing was read.
	Picture *Picture
	// OptOutType is Twilio's Advanced Opt-Out verdict (STOP, START or
	// HELP), honoured like the keyword when present.
	OptOutType string
	// MessageID is Twilio's MessageSid, when there is one.
	MessageID string
	// PageID is a fresh random id the engine uses if this step creates a
	// page. The caller generates it so the engine stays deterministic.
	PageID string
}

// Picture is what was read in a picture a person sent (package ocr reads
// it; the engine only uses the words). Both fields are as read: Step
// redacts them before anything is kept or said.
type Picture struct {
	// Text is the text read, cleaned to stand in for a typed message.
	Text string
	// Summary is a short line of the error in it, said back to the
	// person ("403 permission_error \"Request not allowed\""); "" when
	// none stood out.
	Summary string
}

// ScreenshotMark starts the words read in a picture wherever the person's
// words are shown: a transcript line, a conversation's first text, a note
// to an operator ("[screenshot] API Error: 403 …").
const ScreenshotMark = "[screenshot] "

// Shown is a text as it is stored and shown: the typed words, then on a
// line of their own the words read in its picture after [ScreenshotMark].
// Either may be "".
func Shown(typed, read string) string {
	typed, read = strings.TrimSpace(typed), strings.TrimSpace(read)
	switch {
	case read == "":
		return typed
	case typed == "":
		return ScreenshotMark + read
	}
	return typed + "\n" + ScreenshotMark + read
}

// SplitShown undoes [Shown]: the typed words and the words read in a
// picture (without the mark).
func SplitShown(s string) (typed, read string) {
	if r, ok := strings.CutPrefix(s, ScreenshotMark); ok {
		return "", r
	}
	if i := strings.LastIndex(s, "\n"+ScreenshotMark); i >= 0 {
		return s[:i], s[i+1+len(ScreenshotMark):]
	}
	return s, ""
}

// Result is the outcome of one engine step.
type Result struct {
	Conversation Conversation
	Replies      []string
	// Page, when set, is a fix or check page to store under Page.ID.
	Page *Page
	// Handoff, when set, asks the layers around to open a handoff ticket.
	Handoff *Handoff
	// OptOut and OptIn report a change of consent in this step.
	OptOut, OptIn bool
	// Feedback is the answer to "Did this fix it?", to record on the page.
	Feedback *Feedback
	// Keyword is the keyword the step obeyed, if any (for logs and tests).
	Keyword Keyword
	// Missed is true when an answer to a question was not understood.
	Missed bool
	// Events are what this step did, for the analytics counters.
	Events []Event
	// RedactedBody is the inbound text with its secrets redacted: what may
	// be stored, shown or relayed of it. It is [Shown]: Body, then the
	// words read in its picture after [ScreenshotMark]. Step redacts once;
	// callers reuse it.
	RedactedBody string
	// Stale, when set, says the stored conversation no longer fit the
	// flows and what the step made of it, for the layers around to log
	// and count. The returned conversation fits, so the next text does
	// not report it again.
	Stale *Stale
}

// EventKind is what an Event counts.
type EventKind string

// The kinds of Event. Start, fix, yes, no and handoff count
// conversations: each is reported once per conversation (see
// Conversation.Counted), at the first time it happens. Edges and misses
// count every time; fix pages sent are the edges into fix nodes
// (Stats.FixPages).
const (
	EventStart   EventKind = "start"   // a flow was chosen
	EventEdge    EventKind = "edge"    // moved from Node to To
	EventMiss    EventKind = "miss"    // an answer at Node was not understood (Text: what was said, redacted)
	EventFix     EventKind = "fix"     // the conversation reached its first fix, Node
	EventYes     EventKind = "yes"     // "did this fix it?" YES at Node
	EventNo      EventKind = "no"      // … NO, the first time in the conversation
	EventHandoff EventKind = "handoff" // handed to a human (Flow may be empty)
	EventAbandon EventKind = "abandon" // expired mid-flow at Node
)

// Event is one countable thing a step did.
type Event struct {
	Kind EventKind `json:"kind"`
	Flow string    `json:"flow"`
	Node string    `json:"node,omitempty"`
	To   string    `json:"to,omitempty"`
	Text string    `json:"text,omitempty"`
}

// Stats are one flow's counters over a period (see Tx.Record). Started,
// Fixed, Yes, No and Handoff count conversations, each once.
type Stats struct {
	Started, Fixed, Yes, No, Handoff, Abandoned int
	// Edges counts people on each edge, keyed "from>to".
	Edges map[string]int
	// Misses counts answers not understood, per question node.
	Misses map[string]int
	// Unmatched are the most common answers not understood, per node
	// (redacted; all time, or as long as retention keeps them).
	Unmatched map[string][]TextCount
}

// Add counts n events of kind: at node, and for an edge on to dest. A
// backend's Stats adds up its stored counters with it. Kinds that are not
// counted are ignored. Edges and Misses must not be nil.
func (s *Stats) Add(kind EventKind, node, dest string, n int) {
	switch kind {
	case EventStart:
		s.Started += n
	case EventFix:
		s.Fixed += n
	case EventYes:
		s.Yes += n
	case EventNo:
		s.No += n
	case EventHandoff:
		s.Handoff += n
	case EventAbandon:
		s.Abandoned += n
	case EventEdge:
		s.Edges[node+">"+dest] += n
	case EventMiss:
		s.Misses[node] += n
	}
}

// Answered counts answers understood at node (people leaving it by an edge).
func (s Stats) Answered(node string) int {
	n := 0
	for k, v := range s.Edges {
		if from, _, _ := strings.Cut(k, ">"); from == node {
			n += v
		}
	}
	return n
}

// FixPages counts the fix pages sent in flow t: the people on each arrow
// into a fix node, and those whose flow starts at one. A conversation
// told NO twice was sent three.
func (s Stats) FixPages(t *flows.Flow) int {
	n := 0
	if start := t.Node(t.Start); start != nil && start.Kind == flows.Fix {
		n = s.Started
	}
	for k, v := range s.Edges {
		if _, to, _ := strings.Cut(k, ">"); t.Node(to) != nil && t.Node(to).Kind == flows.Fix {
			n += v
		}
	}
	return n
}

// TextCount is a text and how often it was seen.
type TextCount struct {
	Text  string
	Count int
}

// Handoff asks for a human.
type Handoff struct {
	Reason  string `json:"reason"`
	Summary string `json:"summary"` // redacted, for the operator
}

// PageKind is what made a Page.
type PageKind string

// The kinds of Page.
const (
	PageFix    PageKind = "fix"    // a flow's fix node, for one person's path
	PageCheck  PageKind = "check"  // a question's check page, from the flow itself (never stored)
	PageCustom PageKind = "custom" // written by an operator in the console
)

// Page is a generated fix page or check page. It never holds a phone number.
type Page struct {
	ID       string    `json:"id"`
	Kind     PageKind  `json:"kind"`
	Flow     string    `json:"flow,omitempty"`
	Node     string    `json:"node,omitempty"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary,omitempty"`
	Steps    string    `json:"steps,omitempty"` // Markdown
	Commands []string  `json:"commands,omitempty"`
	Sources  []string  `json:"sources,omitempty"`
	Verified string    `json:"verified,omitempty"`
	Reported string    `json:"reported,omitempty"` // first text, redacted
	Answers  []Answer  `json:"answers,omitempty"`
	Created  time.Time `json:"created"`
	Revoked  bool      `json:"revoked,omitempty"`
	// Feedback is set once the person answered "Did this fix it?".
	Feedback FeedbackAnswer `json:"feedback,omitempty"`
}

// PagesPath is where pages are served: a page's path is PagesPath and its
// id. Links in texts, the HTTP route and the console all build on it.
const PagesPath = "/f/"

// PagePath is the path of page id.
func PagePath(id string) string { return PagesPath + id }

// PageURL is the link to page id under baseURL (the public URL; a
// trailing slash is ignored). With an empty baseURL it is the path alone.
func PageURL(baseURL, id string) string { return strings.TrimRight(baseURL, "/") + PagePath(id) }

// Direction of a transcript line.
type Direction string

// The directions of a Line: to the bot, or from it.
const (
	In  Direction = "in"  // from the number
	Out Direction = "out" // to the number
)

// Delivery is what became of an outbound transcript line: its outbox
// message's state while the outbox has it ([OutState]: queued, sent,
// failed), then the status Twilio last reported for it (delivered,
// undelivered, read …), or [LineSimulated]. A webhook reply has none.
type Delivery string

// deliveryRank orders the statuses Twilio reports (and the outbox's
// states, which share their names): a status only ever replaces one of
// lower or equal rank, so a late "sent" never hides "delivered".
var deliveryRank = map[Delivery]int{
	"accepted": 1, "scheduled": 1, "receiving": 1, "received": 1,
	"queued": 2, "sending": 3, "sent": 4,
	"delivered": 5, "undelivered": 5, "failed": 5, "canceled": 5,
	"read": 6,
}

// Known reports whether d is a status Twilio reports in status callbacks.
func (d Delivery) Known() bool { _, ok := deliveryRank[d]; return ok }

// Supersedes reports whether d may replace old on a line: statuses only
// move forward (queued < sending < sent < delivered, undelivered, failed
// < read). Any status supersedes none, and one it does not know.
func (d Delivery) Supersedes(old Delivery) bool { return deliveryRank[d] >= deliveryRank[old] }

// Line is one message in a number's transcript.
type Line struct {
	Seq       uint64    `json:"seq"`
	Dir       Direction `json:"dir"`
	Body      string    `json:"body"`
	At        time.Time `json:"at"`
	MessageID string    `json:"message_id,omitempty"` // Twilio MessageSid, when known
	Status    Delivery  `json:"status,omitempty"`     // outbound only
	Error     string    `json:"error,omitempty"`      // Twilio error code
}

// Change is what one inbound message does to the store, applied atomically
// with the conversation update.
type Change struct {
	Conversation Conversation
	// Lines are appended to the number's transcript in order.
	Lines []Line
	// Pages are stored (new pages only).
	Pages []Page
	// Feedback, when set, records "Did this fix it?" on its page.
	Feedback *Feedback
}

// TicketState is where a Ticket stands.
type TicketState string

// The states of a Ticket.
const (
	TicketWaiting TicketState = "waiting" // no operator has answered yet
	TicketActive  TicketState = "active"  // an operator has answered
	TicketClosed  TicketState = "closed"
)

// Ticket is one handoff to a human, numbered #1, #2 … for operators.
type Ticket struct {
	Number  int         `json:"number"`
	Phone   string      `json:"phone"`
	State   TicketState `json:"state"`
	Reason  string      `json:"reason"`
	Summary string      `json:"summary"` // redacted
	Flow    string      `json:"flow,omitempty"`
	PageID  string      `json:"page_id,omitempty"` // the fix page reached before, if any
	Test    bool        `json:"test,omitempty"`

	Opened   time.Time `json:"opened"`
	Answered time.Time `json:"answered,omitempty"` // first operator reply
	Closed   time.Time `json:"closed,omitempty"`
	// ClosedWhy says why the ticket closed when nobody closed it by hand
	// (the person opted out, and how).
	ClosedWhy string `json:"closed_why,omitempty"`
	// TimedOut is set once the person was told nobody answered in time.
	TimedOut bool `json:"timed_out,omitempty"`
	// Notes are the latest notification about the ticket queued for each
	// operator, by the operator's number (see Desk: the person's texts
	// fold into one while it waits).
	Notes map[string]TicketNote `json:"notes,omitempty"`
}

// TicketNote is the latest notification about a ticket to one operator.
type TicketNote struct {
	// ID is its outbox message.
	ID string `json:"id"`
	// Texts counts the person's texts it carries; 0 for the ticket's
	// opening notice, which nothing folds into.
	Texts int `json:"texts,omitempty"`
}

// Open reports whether the ticket still needs a human.
func (t Ticket) Open() bool { return t.State == TicketWaiting || t.State == TicketActive }

// OutState is where an outbox message stands.
type OutState string

// The states of an outbox message.
const (
	OutQueued OutState = "queued" // waiting to be sent (or retried)
	OutSent   OutState = "sent"   // accepted by Twilio (or recorded, in sandbox mode)
	OutFailed OutState = "failed" // given up: permanent error or opted out
)

// OutKind is why an outbox message is sent.
type OutKind string

// The kinds of outbox message.
const (
	OutNotify OutKind = "notify" // a ticket's news, to an operator
	OutRelay  OutKind = "relay"  // an operator's text, to the person
	OutNotice OutKind = "notice" // the bot's own word to the person (ticket closed, nobody answered yet)
	OutReply  OutKind = "reply"  // the bot's reply to a text answered later (a picture read after the webhook answered)
)

// OutMsg is an SMS that leaves through the REST API rather than as a
// webhook reply: operator notifications, relayed operator text, notices,
// and replies to a text answered after its webhook (a picture read late).
// It is queued in the same transaction as the change that caused it and
// sent after commit, so a crash loses none.
type OutMsg struct {
	ID      string    `json:"id"` // assigned by the store; sortable by queue order
	To      string    `json:"to"`
	Body    string    `json:"body"`
	Kind    OutKind   `json:"kind"`
	Ticket  int       `json:"ticket,omitempty"`
	Line    uint64    `json:"line,omitempty"` // the transcript line of To that shows it
	State   OutState  `json:"state"`
	SID     string    `json:"sid,omitempty"` // Twilio MessageSid once sent
	Error   string    `json:"error,omitempty"`
	Tries   int       `json:"tries,omitempty"`
	Created time.Time `json:"created"`
	NextAt  time.Time `json:"next_at"` // when it is due (retries back off)
	Sent    time.Time `json:"sent,omitempty"`
	// LeaseUntil is set while a sender holds the message (ClaimDue); the
	// sender clears it when it records the outcome.
	LeaseUntil time.Time `json:"lease_until,omitempty"`
}

// Save writes a Change for phone through t: the conversation, the
// transcript lines, the pages and feedback. It returns the lines as
// appended, with Seq.
func Save(t Tx, phone string, ch Change) ([]Line, error) {
	c := ch.Conversation
	c.Phone = phone
	if err := t.SaveConversation(c); err != nil {
		return nil, err
	}
	lines, err := t.Append(phone, ch.Lines...)
	if err != nil {
		return nil, err
	}
	for _, p := range ch.Pages {
		if err := t.PutPage(phone, p); err != nil {
			return nil, err
		}
	}
	if fb := ch.Feedback; fb != nil && fb.PageID != "" {
		if err := t.SetFeedback(fb.PageID, fb.Answer); err != nil {
			return nil, err
		}
	}
	return lines, nil
}

// Bodies are the lines' texts, in order.
func Bodies(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Body
	}
	return out
}
