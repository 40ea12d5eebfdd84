package bot

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/textfix/textfix/flows"
)

// Opting out, by "any reasonable means" (FCC, April 2025). The STOP family
// is read apart from the other keywords and before them: however the text
// is typed, and whatever question it might also answer, an opt-out is an
// opt-out. Rather than list every spelling, a text is first folded
// (foldOptOut) and then stripped of repeats and polite words
// (optOutCore); what is left is looked up in optOutPhrases.

// optOutPhrases are the whole messages that opt out, normalised: Twilio's
// opt-out words, the Spanish ones, and the clear phrases people text.
var optOutPhrases = normalizedSet(
	"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt out",
	"alto", "parar", "cancelar",
	"stop texting me", "stop texting", "stop messaging me", "stop sending", "stop sending me messages",
	"dont text me", "do not text me", "dont text me again", "do not text me again", "remove me",
	"remove me from this list", "unsubscribe me", "leave me alone", "no more texts", "no more messages",
	"stop contacting me", "opt me out", "take me off",
)

// politeWords may stand before or after an opt-out ("stop please", "ok
// stop thanks", "alto por favor"); they never opt out on their own.
var politeWords = [][]string{
	{"please"}, {"pls"}, {"plz"}, {"now"}, {"ok"}, {"okay"}, {"thanks"}, {"thank", "you"}, {"thx"}, {"ty"},
	{"por", "favor"}, {"gracias"}, {"ya"},
}

func normalizedSet(phrases ...string) map[string]bool {
	m := make(map[string]bool, len(phrases))
	for _, p := range phrases {
		if k := flows.Normalize(p); k != "" {
			m[k] = true
		}
	}
	return m
}

// IsOptOut reports whether a whole text revokes consent: a STOP-family
// word or phrase, in any case and punctuation, in fullwidth or other
// compatibility forms, with zero-width or other invisible format
// characters anywhere, repeated ("STOP STOP"), or with polite words around
// it ("stop please"). A text that only mentions stopping ("stop the 403")
// is not one.
func IsOptOut(text string) bool {
	return optOutPhrases[optOutCore(flows.Normalize(foldOptOut(text)))]
}

// isOptOut is IsOptOut for a text whose normalised form is known: when
// folding changes nothing (most texts), that form is the folded one's.
func isOptOut(text, normalized string) bool {
	if folded := foldOptOut(text); folded != text {
		normalized = flows.Normalize(folded)
	}
	return optOutPhrases[optOutCore(normalized)]
}

// foldOptOut folds compatibility forms to their plain letters (NFKC:
// fullwidth "ＳＴＯＰ", mathematical "𝐒𝐓𝐎𝐏") and removes format
// characters (zero-width space and joiners, word joiner, byte order mark,
// soft hyphen) and variation selectors, which hide inside a word.
func foldOptOut(text string) string {
	text = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) {
			return -1
		}
		return r
	}, text)
	return norm.NFKC.String(text)
}

// optOutCore is normalised text without polite words at either end and
// with a repeated word or phrase said once ("stop stop stop" → "stop").
func optOutCore(n string) string {
	if strings.IndexFunc(n, unicode.IsSpace) < 0 {
		return n // one word or none: nothing to trim or repeat
	}
	ws := strings.Fields(n)
	for trimmed := true; trimmed && len(ws) > 0; {
		trimmed = false
		for _, p := range politeWords {
			if len(ws) > len(p) && slices.Equal(ws[:len(p)], p) {
				ws, trimmed = ws[len(p):], true
			}
			if len(ws) > len(p) && slices.Equal(ws[len(ws)-len(p):], p) {
				ws, trimmed = ws[:len(ws)-len(p)], true
			}
		}
	}
	// The shortest phrase the text repeats whole.
	for size := 1; size < len(ws); size++ {
		if len(ws)%size != 0 {
			continue
		}
		repeats := true
		for i := size; i < len(ws) && repeats; i++ {
			repeats = ws[i] == ws[i%size]
		}
		if repeats {
			ws = ws[:size]
			break
		}
	}
	return strings.Join(ws, " ")
}
