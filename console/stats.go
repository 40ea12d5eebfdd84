package console

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/flows"
	"github.com/textfix/textfix/flows/graphsvg"
	"github.com/textfix/textfix/templates"
)

// since is the start of a window of days days ending today (UTC days, as
// the counters are kept).
func since(now time.Time, days int) time.Time { return now.AddDate(0, 0, 1-days) }

// windowDays reads ?days= (7 or 30; 30 by default).
func windowDays(c echo.Context) int {
	if c.QueryParam("days") == "7" {
		return 7
	}
	return 30
}

// flowRow is one flow's counters over the last 7 and 30 days.
func (cn *console) flowRow(c echo.Context, t *flows.Flow) (templates.FlowRow, error) {
	ctx, now := c.Request().Context(), cn.cfg.Now()
	row := templates.FlowRow{ID: t.ID, Title: t.Title}
	for _, w := range []struct {
		dst  *templates.Counts
		days int
	}{{&row.Week, 7}, {&row.Month, 30}} {
		st, err := cn.store.Stats(ctx, t.ID, since(now, w.days))
		if err != nil {
			return row, err
		}
		*w.dst = templates.Counts{Stats: st, FixPages: st.FixPages(t)}
	}
	return row, nil
}

// stats serves GET /console/stats: every flow's counters.
func (cn *console) stats(c echo.Context) error {
	v := &templates.StatsView{}
	for _, t := range cn.cfg.Engine().Flows.Flows {
		row, err := cn.flowRow(c, t)
		if err != nil {
			return err
		}
		v.Rows = append(v.Rows, row)
	}
	return cn.render(c, http.StatusOK, templates.ConsoleStats, templates.ConsoleView{Title: "Where people get stuck", Nav: "stats", Stats: v})
}

// flowParam is the flow of route parameter :flow, or a 404.
func (cn *console) flowParam(c echo.Context) (*flows.Flow, error) {
	t := cn.cfg.Engine().Flows.Flow(c.Param("flow"))
	if t == nil {
		return nil, echo.NewHTTPError(http.StatusNotFound, "no such flow")
	}
	return t, nil
}

// flowStats serves GET /console/stats/:flow: one flow's counters, its
// questions' misses with the most common unmatched answers, and its
// picture with the people on each arrow.
func (cn *console) flowStats(c echo.Context) error {
	t, err := cn.flowParam(c)
	if err != nil {
		return err
	}
	row, err := cn.flowRow(c, t)
	if err != nil {
		return err
	}
	days := windowDays(c)
	st := row.Month.Stats
	if days == 7 {
		st = row.Week.Stats
	}
	v := &templates.FlowView{FlowRow: row, Days: days,
		SVGURL: fmt.Sprintf("%s/stats/%s/tree.svg?days=%d", Path, t.ID, days)}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		if n.Kind != flows.Question {
			continue
		}
		q := templates.QuestionRow{Node: n.ID, Text: n.Text, Answered: st.Answered(n.ID), Misses: st.Misses[n.ID]}
		for _, u := range st.Unmatched[n.ID] {
			q.Unmatched = append(q.Unmatched, bot.TextCount{Text: bot.ShareableText(u.Text), Count: u.Count})
		}
		v.Questions = append(v.Questions, q)
	}
	return cn.render(c, http.StatusOK, templates.ConsoleFlow, templates.ConsoleView{Title: t.Title, Nav: "stats", Flow: v})
}

// edgeCounts turns the counters' "from>to" keys into the picture's edges;
// the arrow into the start node counts the people who started.
func edgeCounts(t *flows.Flow, st bot.Stats) map[flows.Edge]int {
	counts := map[flows.Edge]int{{From: "", To: t.Start}: st.Started}
	for k, n := range st.Edges {
		if from, to, ok := strings.Cut(k, ">"); ok {
			counts[flows.Edge{From: from, To: to}] += n
		}
	}
	return counts
}

// flowPicture serves GET /console/stats/:flow/tree.svg: the flow drawn by
// graphsvg with the number of people on each arrow over ?days=.
func (cn *console) flowPicture(c echo.Context) error {
	t, err := cn.flowParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st, err := cn.store.Stats(ctx, t.ID, since(cn.cfg.Now(), windowDays(c)))
	if err != nil {
		return err
	}
	svg, err := graphsvg.Flow(ctx, t, edgeCounts(t, st))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	setHeaders(h)
	// Opened on its own, the picture may style itself and nothing else.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	return c.Blob(http.StatusOK, "image/svg+xml", svg)
}
