package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
	"github.com/textfix/textfix/internal/stacktest"
)

// BenchmarkInbound is one text through the whole path (parse, dedup,
// engine, store, TwiML) for a number with 10 and with 10,000 earlier
// transcript lines: the cost must not grow with the conversation.
func BenchmarkInbound(b *testing.B) {
	for _, earlier := range []int{10, 10000} {
		b.Run(fmt.Sprintf("lines=%d", earlier), func(b *testing.B) {
			e := stacktest.New(b, stacktest.Options{})
			lines := make([]bot.Line, 0, 1000)
			for len(lines) < cap(lines) {
				lines = append(lines, bot.Line{Dir: bot.In, Body: "earlier text", At: time.Now()})
			}
			for n := 0; n < earlier; n += len(lines) {
				e.AppendLines(personA, lines[:min(len(lines), earlier-n)]...)
			}
			h := e.Server.Handler()
			texts := []string{"claude code 403", "it says region not supported", "2", "yes", "reset"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				form := url.Values{"From": {personA}, "MessageSid": {fmt.Sprintf("SMb%d", i)}, "Body": {texts[i%len(texts)]}}
				req := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkInboundParallel is texts from 1,000 numbers at once through the
// whole path: the engine runs in each request's goroutine, and the writer
// shares fsyncs among the texts that wait for it. ns/op is the amortised
// cost of a text.
func BenchmarkInboundParallel(b *testing.B) {
	e := stacktest.New(b, stacktest.Options{})
	h := e.Server.Handler()
	texts := []string{"claude code 403", "it says region not supported", "2", "yes", "reset"}
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			form := url.Values{"From": {fmt.Sprintf("+1555%07d", i%1000)}, "MessageSid": {fmt.Sprintf("SMp%d", i)}, "Body": {texts[(i/1000)%int64(len(texts))]}}
			req := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
}
