package console

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/segment"
	"github.com/textfix/textfix/templates"
)

const tryPath = Path + "/try"

// try serves GET /console/try: a phone texting the bot as this session's
// test number.
func (cn *console) try(c echo.Context) error {
	ctx := c.Request().Context()
	phone := sessionOf(c).Sim
	conv, err := cn.store.Conversation(ctx, phone)
	if err != nil && !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	lines, err := cn.store.TranscriptTail(ctx, phone, transcriptShown)
	if err != nil {
		return err
	}
	return cn.render(c, http.StatusOK, templates.ConsoleTry, templates.ConsoleView{
		Title: "Try it", Nav: "try",
		Try: &templates.TryView{Phone: phone, Conv: conv, FlowTitle: cn.flowTitle(conv.Flow), Lines: lines},
	})
}

// trySay serves POST /console/try: the text goes through the same path as
// the webhook's (bot.Desk.Handle in one store transaction, with the
// engine in use), for a conversation marked Test (bot.Desk.Simulate).
func (cn *console) trySay(c echo.Context) error {
	phone := sessionOf(c).Sim
	text := strings.TrimSpace(segment.Repair(c.FormValue("text")))
	switch {
	case text == "":
		return cn.done(c, tryPath, "", "Type a text first.")
	case len([]rune(text)) > bot.MaxReplyLen:
		return cn.done(c, tryPath, "", fmt.Sprintf("A text can be at most %d characters.", bot.MaxReplyLen))
	}
	in := bot.Inbound{From: phone, Body: text, PageID: cn.cfg.NewPageID()}
	engine := cn.cfg.Engine()
	now := cn.cfg.Now()
	err := cn.update(c.Request().Context(), phone, func(t bot.Tx) error {
		_, err := cn.cfg.Desk.Simulate(t, engine, in, now)
		return err
	})
	if errors.Is(err, bot.ErrNotSimulator) {
		return cn.done(c, tryPath, "", "This test number is in use by a real conversation; log in again for another.")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, tryPath)
}

// tryErase serves POST /console/try/erase: the test conversation is
// forgotten, as a real number would be.
func (cn *console) tryErase(c echo.Context) error {
	phone := sessionOf(c).Sim
	unlock := cn.cfg.Lock(phone)
	err := cn.store.Forget(c.Request().Context(), phone)
	unlock()
	if err != nil && !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	return cn.done(c, tryPath, "Test conversation erased.", "")
}
