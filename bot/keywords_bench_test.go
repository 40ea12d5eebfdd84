package bot_test

import (
	"testing"

	"github.com/textfix/textfix/bot"
)

// BenchmarkKeywordOf reads the load run's texts (bench/sms.lua) and a
// few keywords, as every text's step does once.
func BenchmarkKeywordOf(b *testing.B) {
	texts := []string{"claude code 403", "it says region not supported", "2", "yeah", "curl gave me a 401", "no",
		"STOP", "stop please", "ＳＴＯＰ", "Help!", "talk to a human"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		bot.KeywordOf(texts[i%len(texts)])
	}
}
