package bot

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/textfix/textfix/flows"
)

// Desk is where people and human operators meet. It runs the engine for
// people's texts and turns its handoff effects into tickets and operator
// notifications; it reads operators' texts as commands. Like the engine it
// does no I/O of its own: everything goes through a Tx, so one inbound
// text is one atomic change, outbox messages included.
type Desk struct {
	// Operators are the E.164 numbers whose texts are commands.
	Operators []string
	// Timeout is how long a ticket may wait for a first answer before the
	// person is told (default 15 minutes).
	Timeout time.Duration
	// BaseURL starts page links in notices.
	BaseURL string
	// Operator is how the person is told about the human ("a person").
	Operator string
}

// IsOperator reports whether phone belongs to an operator.
func (d *Desk) IsOperator(phone string) bool { return slices.Contains(d.Operators, phone) }

// Handle applies one inbound text: an operator's command, or a person's
// text through engine e. It returns the replies to send back as the
// webhook's answer, as the lines it appended to in.From's transcript
// (their Bodies); everything else goes to the outbox through t.
//
// A panic in the engine or the desk comes back as a *PanicError.
func (d *Desk) Handle(t Tx, e *Engine, in Inbound, now time.Time) ([]Line, error) {
	h, err := d.Receive(t, e, in, now)
	return h.Replies, err
}

// Handled is what Receive did with one text.
type Handled struct {
	// Replies are the lines appended to the sender's transcript that
	// answer the text (Handle's result).
	Replies []Line
	// Stale, when set, is the engine's word that the sender's stored
	// conversation no longer fit the flows and what became of it
	// ([Result].Stale), for the caller to log and count once its
	// transaction committed.
	Stale *Stale
}

// Receive is Handle, and also says what became of a stored conversation
// that no longer fit the flows.
func (d *Desk) Receive(t Tx, e *Engine, in Inbound, now time.Time) (_ Handled, err error) {
	defer CatchPanic(&err)
	if d.IsOperator(in.From) {
		lines, err := d.operator(t, e, in, now, false)
		return Handled{Replies: lines}, err
	}
	lines, st, err := d.person(t, e, in, now, false)
	return Handled{Replies: lines, Stale: st}, err
}

// HandleLater is Handle for a text whose webhook was answered before it
// could be handled (a picture that took longer to read than Twilio waits:
// see [Desk.Reading]). The replies are queued to the outbox (OutReply),
// with their transcript lines, instead of being returned. A panic comes
// back as a *PanicError.
func (d *Desk) HandleLater(t Tx, e *Engine, in Inbound, now time.Time) (err error) {
	defer CatchPanic(&err)
	if d.IsOperator(in.From) {
		_, err = d.operator(t, e, in, now, true)
	} else {
		_, _, err = d.person(t, e, in, now, true)
	}
	return err
}

// Reading claims a text whose picture is still being read when the
// webhook must answer: it appends [ReadingPicture] to from's transcript
// and returns it as the reply, changing nothing else; [Desk.HandleLater]
// handles the text once read. A number that opted out, or whose
// conversation a person has, is told nothing.
func (d *Desk) Reading(t Tx, from string, now time.Time) (_ []Line, err error) {
	defer CatchPanic(&err)
	c, err := t.Conversation(from)
	if err != nil {
		return nil, err
	}
	if c.Status == StatusOptedOut || c.Status == StatusHandoff || d.IsOperator(from) {
		return nil, nil
	}
	return t.Append(from, Line{Dir: Out, Body: ReadingPicture, At: now})
}

// person runs the engine for a person's text; deferred queues the replies
// to the outbox instead of returning them (HandleLater). It also returns
// the engine's [Result].Stale.
func (d *Desk) person(t Tx, e *Engine, in Inbound, now time.Time, deferred bool) ([]Line, *Stale, error) {
	c, err := t.Conversation(in.From)
	if err != nil {
		return nil, nil, err
	}
	before := c.Status
	r, ch := e.Handle(c, in, now)
	conv := r.Conversation
	switch {
	case r.Handoff != nil:
		tk := Ticket{
			Phone: in.From, State: TicketWaiting, Reason: r.Handoff.Reason, Summary: r.Handoff.Summary,
			Flow: conv.Flow, PageID: conv.PageID, Test: conv.Test, Opened: now,
		}
		if err := t.SaveTicket(&tk); err != nil {
			return nil, nil, err
		}
		conv.Ticket = tk.Number
		body := fmt.Sprintf("textfix #%d, %s: %s %s\nReply \"#%d your text\" to answer, \"#%d close\" to end.",
			tk.Number, Mask(in.From), tk.Reason, tk.Summary, tk.Number, tk.Number)
		if err := d.notifyOpened(t, &tk, body, now); err != nil {
			return nil, nil, err
		}
	case before == StatusHandoff && conv.Status == StatusHandoff && strings.TrimSpace(r.RedactedBody) != "":
		if err := d.notifyText(t, conv.Ticket, r.RedactedBody, now); err != nil {
			return nil, nil, err
		}
	case before == StatusHandoff && conv.Status != StatusHandoff && conv.Status != StatusOptedOut:
		if err := d.closeTicket(t, c.Ticket, now, fmt.Sprintf("#%d closed: %s went back to the bot.", c.Ticket, Mask(in.From)), ""); err != nil {
			return nil, nil, err
		}
	}
	ch.Conversation = conv
	var later []Line
	if deferred {
		later, ch.Lines = ch.Lines[1:], ch.Lines[:1] // the inbound line, then the replies queued
	}
	lines, err := Save(t, in.From, ch)
	if err != nil {
		return nil, nil, err
	}
	if err := queueReplies(t, in.From, later, now); err != nil {
		return nil, nil, err
	}
	if r.OptOut {
		if err := d.closeOnOptOut(t, in.From, "STOP", now); err != nil {
			return nil, nil, err
		}
	}
	if !conv.Test && len(r.Events) > 0 {
		if err := t.Record(r.Events, now); err != nil {
			return nil, nil, err
		}
	}
	return replyLines(lines), r.Stale, nil
}

// queueReplies queues the bodies of reply lines to phone through the
// outbox, each with its transcript line (HandleLater).
func queueReplies(t Tx, phone string, replies []Line, now time.Time) error {
	for _, l := range replies {
		if _, err := queue(t, phone, l.Body, OutReply, 0, now, now); err != nil {
			return err
		}
	}
	return nil
}

// replyLines are the outbound lines of one text's appended lines (the
// inbound line comes first).
func replyLines(lines []Line) []Line {
	out := make([]Line, 0, len(lines))
	for _, l := range lines {
		if l.Dir == Out {
			out = append(out, l)
		}
	}
	return out
}

// notify queues body to every operator, each with a line in that
// operator's transcript. A simulator ticket (Test) texts nobody: it shows
// in the console only.
func (d *Desk) notify(t Tx, ticket int, body string, now time.Time) error {
	if tk, err := t.Ticket(ticket); err == nil && tk.Test {
		return nil
	}
	for _, op := range d.Operators {
		if _, err := queue(t, op, body, OutNotify, ticket, now, now); err != nil {
			return err
		}
	}
	return nil
}

// NotifyEvery is the shortest time between two notifications about one
// ticket to one operator. A person's texts in between fold into the one
// still waiting, so one person texting fast queues one notification per
// operator, not one per text, and cannot hold up anyone else's.
const NotifyEvery = time.Minute

// notifyOpened queues a new ticket's opening notice to every operator and
// notes it on the ticket (the next notification keeps NotifyEvery from it).
func (d *Desk) notifyOpened(t Tx, tk *Ticket, body string, now time.Time) error {
	if tk.Test || len(d.Operators) == 0 {
		return nil
	}
	tk.Notes = map[string]TicketNote{}
	for _, op := range d.Operators {
		id, err := queue(t, op, body, OutNotify, tk.Number, now, now)
		if err != nil {
			return err
		}
		tk.Notes[op] = TicketNote{ID: id}
	}
	return t.SaveTicket(tk)
}

// notifyText tells every operator of ticket n that its person texted
// body (redacted). For each operator: while the latest notification about
// the ticket still waits in the outbox (queued, not being sent) and
// carries texts, body folds into it ("#12 ***0123 sent 5 more texts: …",
// with the latest); otherwise a new one is queued, due no sooner than
// NotifyEvery after the latest was sent (or is due).
func (d *Desk) notifyText(t Tx, n int, body string, now time.Time) error {
	tk, err := t.Ticket(n)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || tk.Test || len(d.Operators) == 0 {
		return err
	}
	if tk.Notes == nil {
		tk.Notes = map[string]TicketNote{}
	}
	text := clip(body, 1200)
	for _, op := range d.Operators {
		note, at := tk.Notes[op], now
		if note.ID != "" {
			m, err := t.Message(note.ID)
			switch {
			case errors.Is(err, ErrNotFound): // forgotten: start again
			case err != nil:
				return err
			case m.State == OutQueued && note.Texts > 0 && !m.LeaseUntil.After(now):
				note.Texts++
				m.Body = clip(fmt.Sprintf("#%d %s sent %d more texts: %s", n, Mask(tk.Phone), note.Texts, text), MaxReplyLen)
				if err := t.SaveMessage(m); err != nil {
					return err
				}
				tk.Notes[op] = note
				continue
			case m.State == OutSent:
				at = later(at, m.Sent.Add(NotifyEvery))
			case m.State == OutQueued:
				at = later(at, later(m.NextAt, now).Add(NotifyEvery))
			}
		}
		id, err := queue(t, op, fmt.Sprintf("#%d %s: %s", n, Mask(tk.Phone), text), OutNotify, n, now, at)
		if err != nil {
			return err
		}
		tk.Notes[op] = TicketNote{ID: id, Texts: 1}
	}
	return t.SaveTicket(&tk)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// queue puts body in to's transcript (as queued) and in the outbox, due
// at, and returns the message's id. For a simulator conversation (Test)
// the line is all there is: nothing leaves, and the id is "".
func queue(t Tx, to, body string, kind OutKind, ticket int, now, at time.Time) (string, error) {
	body = clip(body, MaxReplyLen)
	c, err := t.Conversation(to)
	if err != nil {
		return "", err
	}
	if c.Test {
		_, err := t.Append(to, Line{Dir: Out, Body: body, At: now, Status: LineSimulated})
		return "", err
	}
	lines, err := t.Append(to, Line{Dir: Out, Body: body, At: now, Status: Delivery(OutQueued)})
	if err != nil {
		return "", err
	}
	m := &OutMsg{To: to, Body: body, Kind: kind, Ticket: ticket, Line: lines[0].Seq, Created: now, NextAt: at}
	if err := t.Enqueue(m); err != nil {
		return "", err
	}
	return m.ID, nil
}

// ErrOptedOut is returned when a message is meant for a number that opted
// out.
var ErrOptedOut = errors.New("the number has opted out")

// MarkOptedOut sets phone's conversation opted out, and changes nothing
// else: nothing is sent to phone again until it opts in. It is the
// conversation's part of [Desk.OptOut], the rule every path follows.
func MarkOptedOut(t Tx, phone string) error {
	c, err := t.Conversation(phone)
	if err != nil {
		return err
	}
	c.Status = StatusOptedOut
	return t.SaveConversation(c)
}

// OptOut is the one opt-out rule, whichever way an opt-out arrives: STOP
// or its kin (Handle applies it itself), or Twilio refusing phone as
// unsubscribed at send time or in a delivery report (why says which, for
// people). phone's conversation becomes opted out ([MarkOptedOut]), each
// of its open tickets closes with why noted on it (Ticket.ClosedWhy), and
// the operators are told once: a second report finds nothing open. Nothing
// is ever sent to phone again until it opts in.
func (d *Desk) OptOut(t Tx, phone, why string, now time.Time) (err error) {
	defer CatchPanic(&err)
	if err := MarkOptedOut(t, phone); err != nil {
		return err
	}
	return d.closeOnOptOut(t, phone, why, now)
}

// closeOnOptOut closes phone's open tickets because phone opted out (why)
// and tells the operators.
func (d *Desk) closeOnOptOut(t Tx, phone, why string, now time.Time) error {
	open, err := t.OpenTickets()
	if err != nil {
		return err
	}
	for _, tk := range open {
		if tk.Phone != phone {
			continue
		}
		note := fmt.Sprintf("#%d closed: %s opted out (%s); nothing more can be sent.", tk.Number, Mask(phone), why)
		if err := d.closeTicket(t, tk.Number, now, note, "opted out: "+why); err != nil {
			return err
		}
	}
	return nil
}

// OptedOut reports whether phone has opted out, so that nothing may be
// sent to it.
func OptedOut(t Tx, phone string) (bool, error) {
	c, err := t.Conversation(phone)
	if err != nil {
		return false, err
	}
	return c.Status == StatusOptedOut, nil
}

// ErrTicketClosed is returned when an operator answers a closed ticket.
var ErrTicketClosed = errors.New("the ticket is closed")

// Reply sends an operator's text to the person of ticket n (from SMS or
// the console). The ticket becomes active.
func (d *Desk) Reply(t Tx, n int, text string, now time.Time) error {
	tk, _, err := reachable(t, n)
	if err != nil {
		return err
	}
	if _, err := queue(t, tk.Phone, text, OutRelay, n, now, now); err != nil {
		return err
	}
	if tk.Answered.IsZero() {
		tk.Answered = now
	}
	tk.State = TicketActive
	return t.SaveTicket(&tk)
}

// reachable returns open ticket n and its person's conversation, or an
// error when the ticket is closed or the person opted out.
func reachable(t Tx, n int) (Ticket, Conversation, error) {
	tk, err := t.Ticket(n)
	if err != nil {
		return tk, Conversation{}, err
	}
	if !tk.Open() {
		return tk, Conversation{}, fmt.Errorf("ticket #%d: %w", n, ErrTicketClosed)
	}
	c, err := t.Conversation(tk.Phone)
	if err != nil {
		return tk, c, err
	}
	if c.Status == StatusOptedOut {
		return tk, c, ErrOptedOut
	}
	return tk, c, nil
}

// Close ends ticket n and returns the person to the bot, telling them so
// (unless they opted out).
func (d *Desk) Close(t Tx, n int, now time.Time) error {
	tk, err := t.Ticket(n)
	if err != nil {
		return err
	}
	if !tk.Open() {
		return nil
	}
	c, err := t.Conversation(tk.Phone)
	if err != nil {
		return err
	}
	if c.Status == StatusHandoff && c.Ticket == n {
		c = c.Fresh(now)
		if err := t.SaveConversation(c); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s has closed this chat. You're back with the textfix bot: text a new error anytime.", capitalize(d.operatorName()))
		if _, err := queue(t, tk.Phone, msg, OutNotice, n, now, now); err != nil {
			return err
		}
	}
	return d.closeTicket(t, n, now, "", "")
}

// TakeOver opens a ticket for a conversation that is not in handoff (an
// operator steps in from the console).
func (d *Desk) TakeOver(t Tx, phone string, now time.Time) (int, error) {
	c, err := t.Conversation(phone)
	if err != nil {
		return 0, err
	}
	if c.Status == StatusOptedOut {
		return 0, ErrOptedOut
	}
	if c.Status == StatusHandoff && c.Ticket > 0 {
		if tk, err := t.Ticket(c.Ticket); err == nil && tk.Open() {
			return tk.Number, nil
		}
	}
	tk := Ticket{Phone: phone, State: TicketWaiting, Reason: "An operator took over the conversation.", Flow: c.Flow, PageID: c.PageID, Test: c.Test, Opened: now}
	if err := t.SaveTicket(&tk); err != nil {
		return 0, err
	}
	c.Status, c.Ticket, c.AckedAt, c.Updated = StatusHandoff, tk.Number, now, now
	return tk.Number, t.SaveConversation(c)
}

// closeTicket closes ticket n, noting why when it was not closed by hand,
// and tells the operators note when there is one.
func (d *Desk) closeTicket(t Tx, n int, now time.Time, note, why string) error {
	tk, err := t.Ticket(n)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	// Notes only pace notifications about an open ticket; a closed one
	// keeps no operator's numbers or message ids.
	tk.State, tk.Closed, tk.ClosedWhy, tk.Notes = TicketClosed, now, why, nil
	if err := t.SaveTicket(&tk); err != nil {
		return err
	}
	if note != "" {
		return d.notify(t, n, note, now)
	}
	return nil
}

func (d *Desk) operatorName() string {
	if d.Operator != "" {
		return d.Operator
	}
	return "a person"
}

func (d *Desk) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return 15 * time.Minute
}

// Sweep tells people whose ticket waited longer than Timeout without an
// answer, once, and gives them their fix page link when they had one. A
// panic comes back as a *PanicError.
func (d *Desk) Sweep(t Tx, now time.Time) (_ int, err error) {
	defer CatchPanic(&err)
	open, err := t.OpenTickets()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, tk := range open {
		if tk.State != TicketWaiting || tk.TimedOut || now.Sub(tk.Opened) < d.timeout() {
			continue
		}
		tk.TimedOut = true
		if err := t.SaveTicket(&tk); err != nil {
			return n, err
		}
		c, err := t.Conversation(tk.Phone)
		if err != nil {
			return n, err
		}
		if c.Status != StatusHandoff || c.Ticket != tk.Number {
			continue
		}
		msg := "Sorry, nobody has answered yet. Someone will text you here as soon as they can. Reply RESET to go back to the bot."
		if tk.PageID != "" {
			msg = fmt.Sprintf("Sorry, nobody has answered yet. Meanwhile your fix page is here: %s\nSomeone will text you as soon as they can.", PageURL(d.BaseURL, tk.PageID))
		}
		if _, err := queue(t, tk.Phone, msg, OutNotice, tk.Number, now, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// operatorUsage is the one-line answer to anything an operator texts that
// is not a command.
const operatorUsage = `Commands: "list", "#12 your text", "#12 close".`

var ticketCmd = regexp.MustCompile(`(?s)^#\s*(\d+)\s*[:,.-]?\s*(.*)$`)

// operator reads an operator's text as a command; operators never start a
// troubleshooting flow. e's flows tell a reply from a problem (see command).
// deferred queues the replies to the outbox (HandleLater).
func (d *Desk) operator(t Tx, e *Engine, in Inbound, now time.Time, deferred bool) ([]Line, error) {
	text := strings.TrimSpace(in.Body)
	c, err := t.Conversation(in.From)
	if err != nil {
		return nil, err
	}
	if c.Status == "" {
		c.Status, c.Started = StatusIdle, now
	}
	var replies []string
	switch kw := KeywordOf(text); {
	case kw == KwStop:
		c.Status = StatusOptedOut
	case c.Status == StatusOptedOut && (kw == KwStart || strings.EqualFold(text, "yes")):
		c.Status = StatusIdle
		replies = []string{"Notifications back on. " + operatorUsage}
	case c.Status == StatusOptedOut:
		// Silent, like for anyone who opted out.
	default:
		replies, err = d.command(t, e, text, now)
		if err != nil {
			return nil, err
		}
	}
	c.Updated = now
	lines := []Line{{Dir: In, Body: Redact(in.Body), At: now, MessageID: in.MessageID}}
	for _, r := range replies {
		lines = append(lines, Line{Dir: Out, Body: r, At: now})
	}
	if err := t.SaveConversation(c); err != nil {
		return nil, err
	}
	if deferred {
		if _, err := t.Append(in.From, lines[0]); err != nil {
			return nil, err
		}
		return nil, queueReplies(t, in.From, lines[1:], now)
	}
	lines, err = t.Append(in.From, lines...)
	if err != nil {
		return nil, err
	}
	return replyLines(lines), nil
}

// command carries out an operator's text. Text without "#N" goes to the
// only open ticket, unless it reads like a person's first text (see
// looksLikeProblem): an operator testing the bot from their own phone, or
// pasting a customer's words, must not have it land on someone else's
// phone. Then the operator is asked to confirm with "#N".
func (d *Desk) command(t Tx, e *Engine, text string, now time.Time) ([]string, error) {
	lower := strings.ToLower(text)
	switch {
	case text == "":
		return []string{operatorUsage}, nil
	case lower == "list" || lower == "ls" || lower == "tickets":
		return d.list(t, now)
	case lower == "help" || lower == "?" || lower == "commands":
		return []string{operatorUsage}, nil
	}
	if m := ticketCmd.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		body := strings.TrimSpace(m[2])
		return d.ticketCommand(t, n, body, now)
	}
	if strings.HasPrefix(text, "#") {
		return []string{operatorUsage}, nil
	}
	open, err := t.OpenTickets()
	if err != nil {
		return nil, err
	}
	switch len(open) {
	case 0:
		return []string{"No open tickets. " + operatorUsage}, nil
	case 1:
		if n := open[0].Number; looksLikeProblem(e, text) {
			return []string{fmt.Sprintf(`Send to #%d? That reads like a new problem, not a reply. Reply "#%d %s" to confirm.`, n, n, clipWords(oneLine(text), 60))}, nil
		}
		return d.ticketCommand(t, open[0].Number, text, now)
	}
	nums := make([]string, len(open))
	for i, tk := range open {
		nums[i] = "#" + strconv.Itoa(tk.Number)
	}
	return []string{fmt.Sprintf("Which ticket? Open: %s. Reply \"#%d your text\".", strings.Join(nums, ", "), open[0].Number)}, nil
}

// looksLikeProblem reports whether text reads like a person's first text
// to the bot rather than a reply to one: the intake classifier picks a
// flow (or two close ones) for the whole text or for its first clause ("a
// product plus a code", "claude code keeps saying 403, help").
func looksLikeProblem(e *Engine, text string) bool {
	if e == nil || e.Flows == nil {
		return false
	}
	in := flows.NewText(text)
	for _, x := range []flows.Text{in, flows.NewText(in.FirstClause())} {
		if v := e.Flows.Classify(x); v.Flow != nil || len(v.Close) > 0 {
			return true
		}
	}
	return false
}

func (d *Desk) ticketCommand(t Tx, n int, body string, now time.Time) ([]string, error) {
	tk, err := t.Ticket(n)
	if errors.Is(err, ErrNotFound) || err == nil && !tk.Open() {
		return []string{fmt.Sprintf("No open ticket #%d. Text \"list\" to see them.", n)}, nil
	}
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(body) {
	case "":
		return []string{fmt.Sprintf("#%d %s: %s Reply \"#%d your text\" or \"#%d close\".", n, Mask(tk.Phone), tk.Summary, n, n)}, nil
	case "close", "done", "end", "closed", "resolve", "resolved":
		if err := d.Close(t, n, now); err != nil {
			return nil, err
		}
		return []string{fmt.Sprintf("#%d closed; %s is back with the bot.", n, Mask(tk.Phone))}, nil
	}
	switch err := d.Reply(t, n, body, now); {
	case errors.Is(err, ErrOptedOut):
		return []string{fmt.Sprintf("Not sent: %s (#%d) has opted out (STOP). Nothing can be sent to them.", Mask(tk.Phone), n)}, nil
	case err != nil:
		return nil, err
	}
	return nil, nil // the relay itself is the confirmation; no extra SMS
}

func (d *Desk) list(t Tx, now time.Time) ([]string, error) {
	open, err := t.OpenTickets()
	if err != nil {
		return nil, err
	}
	if len(open) == 0 {
		return []string{"No open tickets."}, nil
	}
	var b strings.Builder
	for _, tk := range open {
		fmt.Fprintf(&b, "#%d %s %s %s: %s\n", tk.Number, tk.State, since(now, tk.Opened), Mask(tk.Phone), clip(tk.Summary, 120))
	}
	return []string{clip(strings.TrimSpace(b.String()), MaxReplyLen)}, nil
}

func since(now, t time.Time) string {
	d := now.Sub(t).Round(time.Minute)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// Mask hides all but the last four digits of a phone number.
func Mask(phone string) string {
	if len(phone) <= 4 {
		return "***"
	}
	return "***" + phone[len(phone)-4:]
}
