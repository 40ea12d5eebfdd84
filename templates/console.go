package templates

import (
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/textfix/textfix/bot"
)

// Names of the operator console's pages (files console_*.html). They share
// the fix pages' "css" block, add their own "console-css", and have one
// small optional script, "console-script"; all three are hashed into
// [Set.ConsoleCSP].
const (
	ConsoleLogin        = "console_login.html"
	ConsoleInbox        = "console_inbox.html"
	ConsoleConversation = "console_conversation.html"
	ConsoleEditor       = "console_editor.html"
	ConsoleTry          = "console_try.html"
	ConsoleOutbox       = "console_outbox.html"
	ConsoleStats        = "console_stats.html"
	ConsoleFlow         = "console_tree.html"
)

var consolePages = []string{ConsoleLogin, ConsoleInbox, ConsoleConversation, ConsoleEditor, ConsoleTry, ConsoleOutbox, ConsoleStats, ConsoleFlow}

// ConsoleView is what a console page shows: the frame (navigation, CSRF
// token, banner, messages) and the one screen the page is for.
type ConsoleView struct {
	Site  string
	Title string // the page's title
	// Nav is the section to highlight: "inbox", "outbox", "stats" or "try".
	Nav string
	// CSRF is the session's token; every form carries it.
	CSRF string
	// SignedIn shows the log-out button (not in open sandbox mode).
	SignedIn bool
	// Open is sandbox mode without a password: a banner says anyone on
	// this machine can use the console.
	Open bool
	// NoOperators: no operator phone is set, so nobody is texted about a
	// handoff; a banner says tickets wait for someone to open the console.
	NoOperators bool
	// NoTesseract: tesseract is not installed, so pictures people text
	// are not read; a banner says they get "text me the error in words".
	NoTesseract bool
	// Flash is a confirmation and Error a problem, from the last action.
	Flash, Error string
	// Now is the time of the render (for "waited 12m").
	Now time.Time

	Login  *LoginView
	Inbox  *InboxView
	Conv   *ConversationView
	Editor *EditorView
	Try    *TryView
	Outbox *OutboxView
	Stats  *StatsView
	Flow   *FlowView
}

// LoginView is the login form.
type LoginView struct {
	Next string // where to go after logging in
}

// InboxView lists open tickets, then a page of conversations.
type InboxView struct {
	Tickets []TicketRow
	Convs   []ConvRow
	// Status is the filter in use ("" for all); Filters are the choices.
	Status  string
	Filters []Filter
	Total   int
	// From and To number the conversations shown (1-based).
	From, To           int
	NewerURL, OlderURL string
}

// Filter is one choice of the inbox's status filter.
type Filter struct {
	Label, Value, URL string
	On                bool
}

// TicketRow is one open ticket.
type TicketRow struct {
	Ticket    bot.Ticket
	FlowTitle string
}

// ConvRow is one conversation of the inbox.
type ConvRow struct {
	Conv      bot.Conversation
	FlowTitle string
	Last      bot.Line // zero when there is no transcript
	Operator  bool     // an operator's number (notifications, commands)
}

// ConversationView is one number's conversation.
type ConversationView struct {
	Conv      bot.Conversation
	FlowTitle string
	// NodeText is what the current node says (a question's text, a fix's
	// title).
	NodeText string
	Operator bool
	Lines    []bot.Line
	// Ticket is the open ticket, if any.
	Ticket *bot.Ticket
	Pages  []bot.Page
	// CanTakeOver: not in handoff, not opted out, not an operator.
	CanTakeOver bool
	// Last4 are the digits to type to confirm "forget".
	Last4 string
}

// EditorView is the custom fix page editor for a ticket.
type EditorView struct {
	Ticket    bot.Ticket
	Conv      bot.Conversation
	FlowTitle string
	Draft     bot.Draft
	// PreviewURL renders the empty draft into the preview frame on load.
	PreviewURL string
	Limits     struct{ Title, Summary, Steps, Commands int }
}

// TryView is the simulator: a phone texting the bot.
type TryView struct {
	Phone     string
	Conv      bot.Conversation
	FlowTitle string
	Lines     []bot.Line
}

// OutboxView lists queued and failed messages.
type OutboxView struct {
	Rows []OutRow
	// Queued counts the messages waiting to leave; Oldest is when the
	// oldest of them was queued.
	Queued int
	Oldest time.Time
}

// OutRow is one outbox message and what the console may do with it.
type OutRow struct {
	Msg bot.OutMsg
	// OptedOut: the number opted out; nothing can be sent.
	OptedOut bool
	// Retry: failed, and worth a retry button.
	Retry bool
}

// StatsView lists the flows with their counters over 7 and 30 days.
type StatsView struct {
	Rows []FlowRow
}

// FlowRow is one flow's counters.
type FlowRow struct {
	ID, Title   string
	Week, Month Counts
}

// Counts are a flow's counters over one window: conversations (each
// counted once) and the fix pages they were sent.
type Counts struct {
	bot.Stats
	FixPages int
}

// FlowView is where people get stuck in one flow.
type FlowView struct {
	FlowRow
	// Days is the window of the picture and the misses (7 or 30).
	Days      int
	Questions []QuestionRow
	// SVGURL is the flow's picture with per-edge counts.
	SVGURL string
}

// QuestionRow is one question's answers understood and missed.
type QuestionRow struct {
	Node, Text       string
	Answered, Misses int
	Unmatched        []bot.TextCount // all time (within retention), redacted
}

// MissShare is the share of answers at the question the matcher did not
// understand, as a whole percentage.
func (q QuestionRow) MissShare() int {
	if q.Answered+q.Misses == 0 {
		return 0
	}
	return (100*q.Misses + (q.Answered+q.Misses)/2) / (q.Answered + q.Misses)
}

// RenderConsole executes console page name with v into w. Render into a
// buffer: an error can leave w with part of a page.
func (t *Set) RenderConsole(w io.Writer, name string, v ConsoleView) error {
	if err := t.set.ExecuteTemplate(w, name, v); err != nil {
		return fmt.Errorf("templates: %s: %w", name, err)
	}
	return nil
}

// ConsoleCSP is the Content-Security-Policy of console pages: the shared
// and console CSS and the console script by hash; images, frames (the page
// preview), fetches (the refresh) and forms only from the console's own
// origin; no framing by others.
func (t *Set) ConsoleCSP() string { return t.consoleCSP }

// PreviewCSP is the policy of a fix page rendered as a preview inside the
// console: the fix page's, except that the console (same origin) may frame
// it.
func (t *Set) PreviewCSP() string { return t.previewCSP }

// consoleFuncs are the console's template functions.
func consoleFuncs() template.FuncMap {
	return template.FuncMap{
		// mask hides all but the last four digits of a number.
		"mask": bot.Mask,
		// pagePath is a page's path (bot.PagePath).
		"pagePath": bot.PagePath,
		// ago is a short age: "4m", "3h", "2d".
		"ago": func(now, t time.Time) string {
			if t.IsZero() {
				return ""
			}
			d := now.Sub(t)
			switch {
			case d < time.Minute:
				return "<1m"
			case d < time.Hour:
				return fmt.Sprintf("%dm", int(d.Minutes()))
			case d < 48*time.Hour:
				return fmt.Sprintf("%dh", int(d.Hours()))
			}
			return fmt.Sprintf("%dd", int(d.Hours()/24))
		},
		// clock is a time for people ("27 Nov 14:03 UTC"); iso is the same
		// for <time datetime>.
		"clock": func(t time.Time) string { return t.UTC().Format("2 Jan 15:04 UTC") },
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		// links splits text into plain parts and http(s) links, for
		// clickable fix links in transcripts.
		"links": links,
		// clipText folds s onto one line and cuts it to at most n
		// characters, at a word, with "…".
		"clipText": clipText,
		// statusClass maps a status (conversation, ticket, delivery) to a
		// badge colour.
		"statusClass": func(s string) string {
			switch s {
			case "handoff", "waiting", "failed", "undelivered", "opted_out":
				return "warn"
			case "fixed", "delivered", "read", "active-ticket":
				return "ok"
			case "queued", "sending", "accepted", "scheduled":
				return "wait"
			}
			return ""
		},
		"dec": func(i int) int { return i - 1 },
	}
}

// clipText folds s onto one line and cuts it to at most n characters at
// a word boundary, ending in "…" when it cut.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-") + "…"
}

// Part is a piece of text: plain, or a link when URL is set.
type Part struct {
	Text, URL string
}

var linkRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// links splits s into plain text and http(s) links. html/template escapes
// both; the URL is only ever an http(s) address.
func links(s string) []Part {
	var out []Part
	last := 0
	for _, m := range linkRe.FindAllStringIndex(s, -1) {
		url := strings.TrimRight(s[m[0]:m[1]], ".,;:!?)")
		end := m[0] + len(url)
		if m[0] > last {
			out = append(out, Part{Text: s[last:m[0]]})
		}
		out = append(out, Part{Text: url, URL: url})
		last = end
	}
	if last < len(s) {
		out = append(out, Part{Text: s[last:]})
	}
	return out
}

// consoleSamples exercise every console page for ParseFS's trial render.
func consoleSamples() []ConsoleView {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tk := bot.Ticket{Number: 1, Phone: "+15555550100", State: bot.TicketWaiting, Reason: "r", Summary: "s", Flow: "f", Opened: now}
	conv := bot.Conversation{Phone: "+15555550100", Status: bot.StatusHandoff, Flow: "f", Node: "n", FirstText: "x", Ticket: 1,
		Answers: []bot.Answer{{Node: "n", Question: "Q?", Label: "L", Text: "t"}}, Started: now, Updated: now}
	lines := []bot.Line{{Seq: 1, Dir: bot.In, Body: "hi https://x.example/f/a", At: now}, {Seq: 2, Dir: bot.Out, Body: "yo", At: now, Status: "failed", Error: "30003"}}
	base := ConsoleView{Site: "textfix", Title: "T", CSRF: "c", SignedIn: true, Open: true, NoOperators: true, NoTesseract: true, Flash: "f", Error: "e", Now: now}
	views := []ConsoleView{}
	add := func(f func(v *ConsoleView)) {
		v := base
		f(&v)
		views = append(views, v)
	}
	add(func(v *ConsoleView) { v.Login = &LoginView{Next: "/console"} })
	add(func(v *ConsoleView) {
		v.Inbox = &InboxView{Tickets: []TicketRow{{Ticket: tk, FlowTitle: "t"}},
			Convs:   []ConvRow{{Conv: conv, FlowTitle: "t", Last: lines[1], Operator: true}, {Conv: bot.Conversation{Phone: "+1", Test: true}}},
			Filters: []Filter{{Label: "All", URL: "/console", On: true}}, Total: 2, From: 1, To: 2, NewerURL: "/console?page=1", OlderURL: "/console?page=2"}
	})
	add(func(v *ConsoleView) {
		v.Conv = &ConversationView{Conv: conv, FlowTitle: "t", NodeText: "n", Lines: lines, Ticket: &tk,
			Pages: []bot.Page{{ID: "a", Title: "p"}, {ID: "b", Title: "q", Revoked: true}}, CanTakeOver: true, Last4: "0100"}
	})
	add(func(v *ConsoleView) {
		v.Conv = &ConversationView{Conv: bot.Conversation{Phone: "+15555550100", Status: bot.StatusOptedOut}, Operator: true}
	})
	add(func(v *ConsoleView) {
		v.Editor = &EditorView{Ticket: tk, Conv: conv, FlowTitle: "t", Draft: bot.Draft{Title: "t", Summary: "s", Steps: "1. x", Commands: "ls"}, PreviewURL: "/p"}
	})
	add(func(v *ConsoleView) {
		v.Try = &TryView{Phone: "+15550001234", Conv: conv, FlowTitle: "t", Lines: lines}
	})
	add(func(v *ConsoleView) { v.Try = &TryView{Phone: "+15550001234"} })
	add(func(v *ConsoleView) {
		v.Outbox = &OutboxView{Rows: []OutRow{{Msg: bot.OutMsg{ID: "1", To: "+15555550100", Body: "b", State: bot.OutFailed, Error: "e", Created: now, NextAt: now}, Retry: true},
			{Msg: bot.OutMsg{ID: "2", To: "+15555550100", State: bot.OutQueued}, OptedOut: true}}, Queued: 1, Oldest: now}
	})
	add(func(v *ConsoleView) { v.Outbox = &OutboxView{} })
	row := FlowRow{ID: "f", Title: "t", Week: Counts{Stats: bot.Stats{Started: 1}, FixPages: 1}, Month: Counts{Stats: bot.Stats{Started: 2}}}
	add(func(v *ConsoleView) { v.Stats = &StatsView{Rows: []FlowRow{row}} })
	add(func(v *ConsoleView) {
		v.Flow = &FlowView{FlowRow: row, Days: 30, SVGURL: "/s.svg",
			Questions: []QuestionRow{{Node: "n", Text: "Q?", Answered: 3, Misses: 1, Unmatched: []bot.TextCount{{Text: "x", Count: 1}}}}}
	})
	return views
}

// consolePage is the page template a sample view is for.
func consolePage(v ConsoleView) string {
	switch {
	case v.Login != nil:
		return ConsoleLogin
	case v.Inbox != nil:
		return ConsoleInbox
	case v.Conv != nil:
		return ConsoleConversation
	case v.Editor != nil:
		return ConsoleEditor
	case v.Try != nil:
		return ConsoleTry
	case v.Outbox != nil:
		return ConsoleOutbox
	case v.Stats != nil:
		return ConsoleStats
	}
	return ConsoleFlow
}
