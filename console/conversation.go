package console

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/templates"
)

// Bounds of the conversation view.
const (
	// transcriptShown is how many of the latest transcript lines the
	// conversation view shows.
	transcriptShown = 500
	// pagesShown is how many of a number's latest pages it lists.
	pagesShown = 20
)

// conversation serves GET /console/conversation?phone=…: the transcript
// with delivery statuses, the flow path, the open ticket and its actions,
// the number's pages, and "forget".
func (cn *console) conversation(c echo.Context) error {
	ctx := c.Request().Context()
	phone, ok := formPhone(c.QueryParam("phone"))
	if !ok {
		return cn.done(c, Path, "", "No number given.")
	}
	conv, err := cn.store.Conversation(ctx, phone)
	if errors.Is(err, bot.ErrNotFound) {
		return cn.done(c, Path, "", "There is no conversation with "+bot.Mask(phone)+" (forgotten?).")
	}
	if err != nil {
		return err
	}
	lines, err := cn.store.TranscriptTail(ctx, phone, transcriptShown)
	if err != nil {
		return err
	}
	ticket, err := cn.ticketOf(ctx, phone)
	if err != nil {
		return err
	}
	v := &templates.ConversationView{
		Conv: conv, FlowTitle: cn.flowTitle(conv.Flow), Lines: lines, Ticket: ticket,
		Operator: cn.cfg.Desk.IsOperator(phone),
		Last4:    strings.TrimPrefix(bot.Mask(phone), "***"),
	}
	v.CanTakeOver = ticket == nil && !v.Operator && conv.Status != bot.StatusOptedOut
	if t := cn.cfg.Engine().Flows.Flow(conv.Flow); t != nil {
		if n := t.Node(conv.Node); n != nil {
			v.NodeText = nodeText(n)
		}
	}
	if v.Pages, err = cn.store.PagesOf(ctx, phone, pagesShown); err != nil {
		return err
	}
	return cn.render(c, http.StatusOK, templates.ConsoleConversation, templates.ConsoleView{
		Title: "Conversation " + bot.Mask(phone), Nav: "inbox", Conv: v,
	})
}

// nodeText is what a node says, for people.
func nodeText(n *flows.Node) string {
	switch n.Kind {
	case flows.Fix:
		return n.Title
	case flows.Handoff:
		return "Human: " + n.Reason
	}
	return n.Text
}

// ticketForm reads phone and ticket from a POST form.
func ticketForm(c echo.Context) (phone string, n int, ok bool) {
	phone, ok = formPhone(c.FormValue("phone"))
	n, err := strconv.Atoi(c.FormValue("ticket"))
	return phone, n, ok && err == nil && n > 0
}

// errTicketPhone is a ticket number that does not belong to the number the
// form was about (a stale page).
var errTicketPhone = errors.New("that ticket is not this number's")

// deskProblem words a refusal of the desk for the operator; "" when err is
// not one (the caller returns it as a 500).
func deskProblem(err error, n int) string {
	switch {
	case errors.Is(err, bot.ErrOptedOut):
		return "Not sent: this number opted out (STOP). Nothing can be sent to it until it texts START."
	case errors.Is(err, bot.ErrNotFound):
		return fmt.Sprintf("There is no ticket #%d.", n)
	case errors.Is(err, errTicketPhone):
		return fmt.Sprintf("Ticket #%d is another number's. Reload the page.", n)
	case errors.Is(err, bot.ErrTicketClosed):
		return fmt.Sprintf("Ticket #%d is closed: take over again to answer.", n)
	}
	return ""
}

// ownTicket checks, inside a transaction, that ticket n is phone's.
func ownTicket(t bot.Tx, n int, phone string) error {
	tk, err := t.Ticket(n)
	if err != nil {
		return err
	}
	if tk.Phone != phone {
		return errTicketPhone
	}
	return nil
}

// reply serves POST /console/conversation/reply: the operator's text goes
// to the person through the outbox (bot.Desk.Reply).
func (cn *console) reply(c echo.Context) error {
	phone, n, ok := ticketForm(c)
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "phone and ticket are required")
	}
	back := conversationURL(phone)
	text := strings.TrimSpace(c.FormValue("text"))
	switch {
	case text == "":
		return cn.done(c, back, "", "Type a reply first.")
	case len([]rune(text)) > bot.MaxReplyLen:
		return cn.done(c, back, "", fmt.Sprintf("A text can be at most %d characters.", bot.MaxReplyLen))
	}
	now := cn.cfg.Now()
	err := cn.update(c.Request().Context(), phone, func(t bot.Tx) error {
		if err := ownTicket(t, n, phone); err != nil {
			return err
		}
		return cn.cfg.Desk.Reply(t, n, text, now)
	})
	if p := deskProblem(err, n); p != "" {
		return cn.done(c, back, "", p)
	}
	if err != nil {
		return err
	}
	return cn.done(c, back, "Reply queued: it leaves through the outbox.", "")
}

// closeTicket serves POST /console/conversation/close (bot.Desk.Close).
func (cn *console) closeTicket(c echo.Context) error {
	phone, n, ok := ticketForm(c)
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "phone and ticket are required")
	}
	now := cn.cfg.Now()
	err := cn.update(c.Request().Context(), phone, func(t bot.Tx) error {
		if err := ownTicket(t, n, phone); err != nil {
			return err
		}
		return cn.cfg.Desk.Close(t, n, now)
	})
	if p := deskProblem(err, n); p != "" {
		return cn.done(c, conversationURL(phone), "", p)
	}
	if err != nil {
		return err
	}
	return cn.done(c, conversationURL(phone), fmt.Sprintf("Ticket #%d closed: %s is back with the bot.", n, bot.Mask(phone)), "")
}

// takeOver serves POST /console/conversation/takeover: a ticket for a
// conversation that is not in handoff (bot.Desk.TakeOver).
func (cn *console) takeOver(c echo.Context) error {
	phone, ok := formPhone(c.FormValue("phone"))
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "phone is required")
	}
	back := conversationURL(phone)
	if cn.cfg.Desk.IsOperator(phone) {
		return cn.done(c, back, "", "That is an operator's number.")
	}
	now := cn.cfg.Now()
	var n int
	err := cn.update(c.Request().Context(), phone, func(t bot.Tx) error {
		var err error
		n, err = cn.cfg.Desk.TakeOver(t, phone, now)
		return err
	})
	if p := deskProblem(err, 0); p != "" {
		return cn.done(c, back, "", p)
	}
	if err != nil {
		return err
	}
	return cn.done(c, back, fmt.Sprintf("You have it: ticket #%d. The bot stays quiet until you close it.", n), "")
}

// forget serves POST /console/conversation/forget: with the last four
// digits typed as confirmation, everything about the number is erased.
func (cn *console) forget(c echo.Context) error {
	phone, ok := formPhone(c.FormValue("phone"))
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "phone is required")
	}
	masked := bot.Mask(phone)
	if strings.TrimSpace(c.FormValue("confirm")) != strings.TrimPrefix(masked, "***") {
		return cn.done(c, conversationURL(phone), "", "Not forgotten: type the last four digits of the number to confirm.")
	}
	unlock := cn.cfg.Lock(phone)
	err := cn.store.Forget(c.Request().Context(), phone)
	unlock()
	if errors.Is(err, bot.ErrNotFound) {
		return cn.done(c, Path, "", "Nothing was stored about "+masked+".")
	}
	if err != nil {
		return err
	}
	cn.cfg.Log.Info("console: number forgotten", "from", masked, "request_id", requestID(c))
	return cn.done(c, Path, "Forgot "+masked+": conversation, transcript, tickets, queued texts and pages are erased; backups keep them until they age out.", "")
}
