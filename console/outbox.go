package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/templates"
	"github.com/textfix/textfix/twilio"
)

// outboxShown is how many of the newest queued or failed messages the
// outbox view lists.
const outboxShown = 100

// outbox serves GET /console/outbox: messages still queued and those that
// failed, with Twilio's error, and a retry button where one can help.
func (cn *console) outbox(c echo.Context) error {
	ctx := c.Request().Context()
	msgs, err := cn.store.OutboxList(ctx, outboxShown, true)
	if err != nil {
		return err
	}
	optedOut := map[string]bool{}
	for _, m := range msgs {
		if _, seen := optedOut[m.To]; seen {
			continue
		}
		conv, err := cn.store.Conversation(ctx, m.To)
		if err != nil && !errors.Is(err, bot.ErrNotFound) {
			return err
		}
		optedOut[m.To] = conv.Status == bot.StatusOptedOut
	}
	v := &templates.OutboxView{}
	if v.Queued, v.Oldest, err = cn.store.OutboxDepth(ctx); err != nil {
		return err
	}
	for _, m := range msgs {
		out := optedOut[m.To] || strings.HasPrefix(m.Error, strconv.Itoa(twilio.CodeOptedOut)+" ")
		v.Rows = append(v.Rows, templates.OutRow{Msg: m, OptedOut: out, Retry: m.State == bot.OutFailed && !out})
	}
	return cn.render(c, http.StatusOK, templates.ConsoleOutbox, templates.ConsoleView{Title: "Outbox", Nav: "outbox", Outbox: v})
}

// retry serves POST /console/outbox/:id/retry: a failed message goes back
// in the queue (twilio.Requeue), unless its number opted out.
func (cn *console) retry(c echo.Context) error {
	back := Path + "/outbox"
	id := c.Param("id")
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return cn.done(c, back, "", "No such message.")
	}
	err := twilio.Requeue(c.Request().Context(), cn.store, id, cn.cfg.Now())
	switch {
	case errors.Is(err, bot.ErrOptedOut):
		return cn.done(c, back, "", "Not retried: the number opted out (STOP). Nothing can be sent to it until it texts START.")
	case errors.Is(err, bot.ErrNotFound):
		return cn.done(c, back, "", "No such message (forgotten?).")
	case errors.Is(err, twilio.ErrNotFailed):
		return cn.done(c, back, "", "Message #"+id+" has not failed: nothing to retry.")
	case err != nil:
		return err
	}
	cn.cfg.Wake()
	return cn.done(c, back, "Message #"+id+" is queued again.", "")
}
