package bot

import (
	"fmt"
	"time"
)

// OfficeHours is when a human usually answers: From to To (hours of the
// day, 0-24) on the listed weekdays, in Loc.
type OfficeHours struct {
	Loc      *time.Location
	From, To int
	Days     [7]bool // indexed by time.Weekday
}

// Open reports whether t falls inside office hours.
func (h *OfficeHours) Open(t time.Time) bool {
	if h == nil {
		return true
	}
	t = t.In(h.Loc)
	return h.Days[t.Weekday()] && t.Hour() >= h.From && t.Hour() < h.To
}

// NextOpen returns the start of the next opening after t.
func (h *OfficeHours) NextOpen(t time.Time) time.Time {
	t = t.In(h.Loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), h.From, 0, 0, 0, h.Loc)
	for i := 0; i < 8; i++ {
		if h.Days[day.Weekday()] && day.After(t) {
			return day
		}
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// handoffText tells the person a human will answer, and honestly when:
// within minutes only when operators are texted and it is office hours.
func (e *Engine) handoffText(now time.Time) string {
	who := e.operator()
	switch {
	case e.Hours.Open(now) && e.ConsoleOnly:
		// Nobody is paged: no time can honestly be promised.
		return fmt.Sprintf("OK, I've passed this to %s. They'll text you back here when they next check in, which may take a while. Reply RESET to go back to the bot.", who)
	case e.Hours.Open(now):
		return fmt.Sprintf("OK, I've asked %s to help. They'll text you back here, usually within 15 minutes. Reply RESET to go back to the bot.", who)
	}
	next := e.Hours.NextOpen(now)
	return fmt.Sprintf("OK, I've passed this to %s. We're offline now; expect a reply after %s (%s). Reply RESET to go back to the bot.",
		who, next.Format("3pm Mon"), e.Hours.Loc.String())
}
