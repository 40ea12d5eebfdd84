package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"
)

// metrics are the server's counters, served at /metrics in Prometheus'
// text format. They hold no phone numbers and no message text.
type metrics struct {
	inbound  atomic.Int64 // texts handled (first delivery)
	replayed atomic.Int64 // retried MessageSids answered from the claim
	statuses atomic.Int64 // delivery callbacks recorded
	panics   atomic.Int64 // requests failed by a panic (and timers', through ReportPanic)
	stale    atomic.Int64 // conversations found no longer fitting the flows (bot.Stale)

	picturesRead   atomic.Int64 // pictures whose text was read
	picturesUnread atomic.Int64 // pictures fetched or read in vain (the fallback line)
	mediaDeleted   atomic.Int64 // attachments deleted from Twilio

	mu       sync.Mutex
	requests map[string]int64 // "route code" → count
}

func (m *metrics) request(route string, code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.requests == nil {
		m.requests = map[string]int64{}
	}
	m.requests[fmt.Sprintf("%s %d", route, code)]++
}

// Gauge is a value read when /metrics is scraped.
type Gauge struct {
	Name, Help string
	Value      func() float64
}

// metricsAllowed decides who may scrape /metrics: with a token
// configured, whoever sends it as a bearer token (compared in constant
// time, lengths included); without one, anyone in sandbox mode (loopback
// only) and nobody otherwise: the route is not there (404), so a
// forgotten token does not publish the counters.
func (s *Server) metricsAllowed(c echo.Context) error {
	want := s.cfg.MetricsToken
	if want == "" {
		if s.cfg.AuthToken == "" {
			return nil
		}
		return echo.ErrNotFound
	}
	scheme, got, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	gotSum, wantSum := sha256.Sum256([]byte(strings.TrimSpace(got))), sha256.Sum256([]byte(want))
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(gotSum[:], wantSum[:]) != 1 {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, "Bearer")
		return echo.NewHTTPError(http.StatusUnauthorized, "bearer token required (TEXTFIX_METRICS_TOKEN)")
	}
	return nil
}

func (s *Server) metricsHandler(c echo.Context) error {
	if err := s.metricsAllowed(c); err != nil {
		return err
	}
	var b strings.Builder
	counter := func(name, help string, v int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("textfix_inbound_texts_total", "Inbound texts handled (retries excluded).", s.metrics.inbound.Load())
	counter("textfix_inbound_replays_total", "Retried webhooks answered with the recorded reply.", s.metrics.replayed.Load())
	counter("textfix_status_callbacks_total", "Delivery status callbacks recorded.", s.metrics.statuses.Load())
	counter("textfix_screenshots_read_total", "Pictures whose text was read.", s.metrics.picturesRead.Load())
	counter("textfix_screenshots_unread_total", "Pictures that could not be fetched or read (answered with the fallback line).", s.metrics.picturesUnread.Load())
	counter("textfix_media_deleted_total", "Attachments deleted from Twilio after their text was stored.", s.metrics.mediaDeleted.Load())
	counter("textfix_panics_total", "Panics caught: each failed one request or one timer run, and the process carried on.", s.metrics.panics.Load())
	counter("textfix_stale_conversations_total", "Conversations the flows changed under (a reload, restart or deploy), each moved, kept or reset once.", s.metrics.stale.Load())

	s.metrics.mu.Lock()
	keys := make([]string, 0, len(s.metrics.requests))
	for k := range s.metrics.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("# HELP textfix_http_requests_total HTTP requests by route and status.\n# TYPE textfix_http_requests_total counter\n")
	for _, k := range keys {
		route, code, _ := strings.Cut(k, " ")
		fmt.Fprintf(&b, "textfix_http_requests_total{route=%q,code=%q} %d\n", route, code, s.metrics.requests[k])
	}
	s.metrics.mu.Unlock()

	for _, g := range s.cfg.Gauges {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", g.Name, g.Help, g.Name, g.Name, g.Value())
	}
	return c.Blob(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", []byte(b.String()))
}
