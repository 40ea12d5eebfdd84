package console

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
)

// previewPageID stands in for the id of a page not stored yet.
const previewPageID = "preview000000"

// draftOf reads the editor's form.
func draftOf(c echo.Context) bot.Draft {
	return bot.Draft{
		Title:    c.FormValue("title"),
		Summary:  c.FormValue("summary"),
		Steps:    c.FormValue("steps"),
		Commands: c.FormValue("commands"),
	}
}

// editorView is the editor of ticket tk with draft d.
func (cn *console) editorView(tk bot.Ticket, conv bot.Conversation, d bot.Draft) *templates.EditorView {
	v := &templates.EditorView{Ticket: tk, Conv: conv, FlowTitle: cn.flowTitle(conv.Flow), Draft: d,
		PreviewURL: fmt.Sprintf("%s/tickets/%d/preview", Path, tk.Number)}
	v.Limits.Title, v.Limits.Summary, v.Limits.Steps, v.Limits.Commands = bot.MaxPageTitle, bot.MaxPageSummary, bot.MaxPageSteps, bot.MaxPageCommands
	return v
}

// ticketAndConversation loads open ticket :n and its person's conversation.
func (cn *console) ticketAndConversation(c echo.Context) (bot.Ticket, bot.Conversation, error) {
	n, err := ticketParam(c)
	if err != nil {
		return bot.Ticket{}, bot.Conversation{}, err
	}
	ctx := c.Request().Context()
	tk, err := cn.openTicket(ctx, n)
	if errors.Is(err, bot.ErrNotFound) {
		return tk, bot.Conversation{}, echo.NewHTTPError(http.StatusNotFound, "no open ticket #"+strconv.Itoa(n))
	}
	if err != nil {
		return tk, bot.Conversation{}, err
	}
	conv, err := cn.store.Conversation(ctx, tk.Phone)
	if errors.Is(err, bot.ErrNotFound) {
		conv, err = bot.Conversation{Phone: tk.Phone}, nil
	}
	return tk, conv, err
}

// editor serves GET /console/tickets/:n/page: the custom fix page editor.
func (cn *console) editor(c echo.Context) error {
	tk, conv, err := cn.ticketAndConversation(c)
	if err != nil {
		return err
	}
	return cn.render(c, http.StatusOK, templates.ConsoleEditor, templates.ConsoleView{
		Title: fmt.Sprintf("Fix page for #%d", tk.Number), Nav: "inbox", Editor: cn.editorView(tk, conv, bot.Draft{}),
	})
}

// preview serves GET and POST /console/tickets/:n/preview: the draft
// rendered by the fix page template itself (so it escapes exactly as the
// published page will), for the editor's preview frame. A draft that
// cannot be published yet still previews.
func (cn *console) preview(c echo.Context) error {
	_, conv, err := cn.ticketAndConversation(c)
	if err != nil {
		return err
	}
	var d bot.Draft
	if c.Request().Method == http.MethodPost {
		d = draftOf(c)
	}
	p, _ := bot.CustomPage(d, conv, previewPageID, cn.cfg.Now())
	if p.Title == "" {
		p.Title = "Untitled fix page"
	}
	tpl := cn.cfg.Templates
	// As the page will show, without an address of its own (no link-preview
	// tags).
	v := templates.View{Site: templates.SiteName, SMSNumber: cn.cfg.SMSNumber, Page: p.Shareable()}
	var buf bytes.Buffer
	if err := tpl.Render(&buf, templates.PageHTML, v); err != nil {
		return err
	}
	h := c.Response().Header()
	setHeaders(h)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", tpl.PreviewCSP())
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// publish serves POST /console/tickets/:n/page: "publish and send". The
// page is stored like any fix page and its link texted through the outbox,
// in one transaction (bot.Desk.PublishPage).
func (cn *console) publish(c echo.Context) error {
	tk, conv, err := cn.ticketAndConversation(c)
	if err != nil {
		return err
	}
	d := draftOf(c)
	now := cn.cfg.Now()
	id := cn.cfg.NewPageID()
	problem := ""
	if _, err := bot.CustomPage(d, conv, id, now); err != nil {
		problem = strings.TrimPrefix(err.Error(), bot.ErrDraft.Error()+": ")
	}
	if problem == "" {
		err = cn.update(c.Request().Context(), tk.Phone, func(t bot.Tx) error {
			conv, err := t.Conversation(tk.Phone)
			if err != nil {
				return err
			}
			p, err := bot.CustomPage(d, conv, id, now)
			if err != nil {
				return err
			}
			return cn.cfg.Desk.PublishPage(t, tk.Number, p, now)
		})
		problem = deskProblem(err, tk.Number)
		if problem == "" && err != nil {
			return err
		}
	}
	if problem != "" {
		return cn.render(c, http.StatusUnprocessableEntity, templates.ConsoleEditor, templates.ConsoleView{
			Title: fmt.Sprintf("Fix page for #%d", tk.Number), Nav: "inbox", Error: "Not published: " + problem,
			Editor: cn.editorView(tk, conv, d),
		})
	}
	link := bot.PageURL(cn.cfg.PublicURL, id)
	return cn.done(c, conversationURL(tk.Phone), "Published and sent: "+link, "")
}

// revoke serves POST /console/pages/:id/revoke: the page's link answers
// 410 Gone from now on.
func (cn *console) revoke(c echo.Context) error {
	id := c.Param("id")
	back := Path
	if phone, ok := formPhone(c.FormValue("phone")); ok {
		back = conversationURL(phone)
	}
	if !bot.IsPageID(id) {
		return cn.done(c, back, "", "No such page.")
	}
	err := cn.store.RevokePage(c.Request().Context(), id)
	if errors.Is(err, bot.ErrNotFound) {
		return cn.done(c, back, "", "No such page.")
	}
	if err != nil {
		return err
	}
	return cn.done(c, back, "Page revoked: its link now says the page was removed.", "")
}
