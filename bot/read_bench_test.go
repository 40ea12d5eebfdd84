package bot_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/textfix/textfix/bot"
)

// loadTexts are the texts of the load run (bench/sms.lua), in its rotation.
var loadTexts = []string{"claude code 403", "it says region not supported", "2", "yeah", "curl gave me a 401", "no"}

// BenchmarkReadAnswers plays the load run's texts through the engine: a
// warm-up sends the texts in bench/sms.lua's rotation from a few hundred
// numbers picked at random (a fixed seed), leaving each number's
// conversation wherever those texts led it; then each sub-benchmark sends
// one of the texts to every number's conversation in turn (one text per
// op, the conversation not kept), so every op reads an answer, starts a
// flow or infers from earlier texts as under load.
func BenchmarkReadAnswers(b *testing.B) {
	const numbers, warm = 300, 900
	e := newEngine(b)
	convs := make([]bot.Conversation, numbers)
	froms := make([]string, numbers)
	for n := range froms {
		froms[n] = fmt.Sprintf("+1555%07d", n)
	}
	now := T0
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 1; i <= warm; i++ {
		n := rng.IntN(numbers)
		now = now.Add(time.Second)
		in := bot.Inbound{From: froms[n], Body: loadTexts[i%len(loadTexts)], PageID: fmt.Sprintf("page%d", i)}
		convs[n] = e.Step(convs[n], in, now).Conversation
	}
	now = now.Add(time.Minute)
	for _, text := range loadTexts {
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				n := i % numbers
				e.Step(convs[n], bot.Inbound{From: froms[n], Body: text, PageID: "page"}, now)
			}
		})
	}
}
