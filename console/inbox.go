package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

// InboxPageSize is how many conversations one page of the inbox shows.
const InboxPageSize = 50

// inboxFilters are the status filter's choices, in order.
var inboxFilters = []struct{ label, value string }{
	{"All", ""},
	{"Handoff", string(bot.StatusHandoff)},
	{"Active", string(bot.StatusActive)},
	{"Fixed", string(bot.StatusFixed)},
	{"Idle", string(bot.StatusIdle)},
	{"Opted out", string(bot.StatusOptedOut)},
	{"Test", "test"},
}

// inbox serves GET /console: open tickets (waiting ones first, longest
// wait on top), then a page of conversations, newest first, filtered by
// ?status= and paged by ?page=.
func (cn *console) inbox(c echo.Context) error {
	ctx := c.Request().Context()
	status := c.QueryParam("status")
	known := slices.ContainsFunc(inboxFilters, func(f struct{ label, value string }) bool { return f.value == status })
	if !known {
		status = ""
	}
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)

	filter := bot.ConversationFilter{Status: bot.Status(status)}
	if status == "test" {
		filter = bot.ConversationFilter{Test: true}
	}
	convs, total, err := cn.store.RecentConversations(ctx, filter, (page-1)*InboxPageSize, InboxPageSize)
	if err != nil {
		return err
	}
	phones := make([]string, len(convs))
	for i, cv := range convs {
		phones[i] = cv.Phone
	}
	last, err := cn.store.LastLines(ctx, phones...)
	if err != nil {
		return err
	}
	open, err := cn.store.Tickets(ctx, 0, true)
	if err != nil {
		return err
	}
	slices.SortStableFunc(open, func(a, b bot.Ticket) int {
		if wa, wb := a.State == bot.TicketWaiting, b.State == bot.TicketWaiting; wa != wb {
			if wa {
				return -1
			}
			return 1
		}
		return a.Opened.Compare(b.Opened)
	})

	v := &templates.InboxView{Status: status, Total: total}
	for _, tk := range open {
		v.Tickets = append(v.Tickets, templates.TicketRow{Ticket: tk, FlowTitle: cn.flowTitle(tk.Flow)})
	}
	for _, cv := range convs {
		v.Convs = append(v.Convs, templates.ConvRow{Conv: cv, FlowTitle: cn.flowTitle(cv.Flow), Last: last[cv.Phone], Operator: cn.cfg.Desk.IsOperator(cv.Phone)})
	}
	link := func(status string, page int) string {
		q := url.Values{}
		if status != "" {
			q.Set("status", status)
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		if len(q) == 0 {
			return Path
		}
		return Path + "?" + q.Encode()
	}
	for _, f := range inboxFilters {
		v.Filters = append(v.Filters, templates.Filter{Label: f.label, Value: f.value, URL: link(f.value, 1), On: f.value == status})
	}
	if len(convs) > 0 {
		v.From, v.To = (page-1)*InboxPageSize+1, (page-1)*InboxPageSize+len(convs)
	}
	if page > 1 {
		v.NewerURL = link(status, page-1)
	}
	if page*InboxPageSize < total {
		v.OlderURL = link(status, page+1)
	}
	title := "Inbox"
	if n := len(open); n > 0 {
		title = "(" + strconv.Itoa(n) + ") Inbox"
	}
	return cn.render(c, http.StatusOK, templates.ConsoleInbox, templates.ConsoleView{Title: title, Nav: "inbox", Inbox: v})
}
