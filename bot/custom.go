package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/textfix/textfix/segment"
)

// Draft is a custom fix page as an operator writes it in the console.
type Draft struct {
	Title   string
	Summary string // the one-line diagnosis
	Steps   string // Markdown
	// Commands are one per line; blank lines are dropped.
	Commands string
}

// Limits of a custom page, so that a page stays a page.
const (
	MaxPageTitle    = 120
	MaxPageSummary  = 300
	MaxPageSteps    = 20000
	MaxPageCommands = 20
	MaxPageCommand  = 2000
)

// ErrDraft is wrapped by every error CustomPage returns; the message is
// meant for the operator.
var ErrDraft = errors.New("custom page")

// CustomPage builds the page of d for the person of conversation c, as id,
// created now. Like every stored text the operator's words are redacted
// (keys and tokens removed) and collapsed where one line is expected; the
// page also carries what the person told the bot (their first text and
// answers), as a fix page does, and never their number. It returns an
// error wrapping ErrDraft for a missing title or a field over its limit.
// The console's preview and its "publish" both build the page here, so
// the preview is the page.
func CustomPage(d Draft, c Conversation, id string, now time.Time) (Page, error) {
	p := Page{
		ID:       id,
		Kind:     PageCustom,
		Flow:     c.Flow,
		Title:    oneLine(Redact(d.Title)),
		Summary:  oneLine(Redact(d.Summary)),
		Steps:    strings.TrimSpace(strings.ReplaceAll(Redact(d.Steps), "\r\n", "\n")),
		Reported: c.FirstText,
		Answers:  append([]Answer(nil), c.Answers...),
		Created:  now,
	}
	for _, line := range strings.Split(strings.ReplaceAll(d.Commands, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(Redact(line)); line != "" {
			p.Commands = append(p.Commands, line)
		}
	}
	switch {
	case p.Title == "":
		return p, fmt.Errorf("%w: the title is required", ErrDraft)
	case len([]rune(p.Title)) > MaxPageTitle:
		return p, fmt.Errorf("%w: the title is over %d characters", ErrDraft, MaxPageTitle)
	case len([]rune(p.Summary)) > MaxPageSummary:
		return p, fmt.Errorf("%w: the diagnosis is over %d characters", ErrDraft, MaxPageSummary)
	case len(p.Steps) > MaxPageSteps:
		return p, fmt.Errorf("%w: the steps are over %d characters", ErrDraft, MaxPageSteps)
	case len(p.Commands) > MaxPageCommands:
		return p, fmt.Errorf("%w: more than %d commands", ErrDraft, MaxPageCommands)
	}
	for _, cmd := range p.Commands {
		if len(cmd) > MaxPageCommand {
			return p, fmt.Errorf("%w: a command is over %d characters", ErrDraft, MaxPageCommand)
		}
	}
	return p, nil
}

// oneLine folds s's runs of white space, new lines included, into single
// spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// maxLinkSegments bounds the SMS that carries a custom page's link.
const maxLinkSegments = 2

// PageLinkText is the SMS that carries a page's link: the link first (so
// it survives any preview cut), then the title, in GSM-7 and within two
// segments. Characters GSM-7 lacks are dropped from the title (curly
// quotes become straight ones) and a long title is cut at a word.
func PageLinkText(baseURL, id, title string) string {
	link := PageURL(baseURL, id)
	title = oneLine(strings.Map(func(r rune) rune {
		switch r {
		case '‘', '’':
			return '\''
		case '“', '”':
			return '"'
		case '–', '—':
			return '-'
		}
		if !segment.IsGSM7(string(r)) || r == '\f' {
			return -1
		}
		return r
	}, title))
	text := func(t string) string { return link + "\nYour fix, written for you: " + t }
	if title == "" {
		return link + "\nYour fix, written for you."
	}
	words := strings.Fields(title)
	for n := len(words); n > 0; n-- {
		t := strings.Join(words[:n], " ")
		if n < len(words) {
			t += "..."
		}
		if s, _ := segment.Count(text(t)); s <= maxLinkSegments {
			return text(t)
		}
	}
	return link + "\nYour fix, written for you."
}

// PublishPage stores custom page p for the person of open ticket n and
// texts them its link (PageLinkText) through the outbox, like an operator
// reply. The page is stored as the person's, so forgetting the number
// erases it.
func (d *Desk) PublishPage(t Tx, n int, p Page, now time.Time) error {
	tk, _, err := reachable(t, n)
	if err != nil {
		return err
	}
	if err := t.PutPage(tk.Phone, p); err != nil {
		return err
	}
	return d.Reply(t, n, PageLinkText(d.BaseURL, p.ID, p.Title), now)
}
