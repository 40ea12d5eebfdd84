package flows

import "strings"

// tapback reads a phone's reaction to the bot's last message, which SMS
// delivers as text quoting it ("Liked “Did this fix it? Reply YES or
// NO”", "Reacted 👍 to “Your fix: …”"), as the reaction alone: a like is
// a yes (👍), a dislike a no (👎), and any other ("Questioned",
// "Emphasized", "Laughed at") a question mark: the person is there and
// answered nothing, and the question is asked again. The quoted words are
// the bot's, not the person's, so they are dropped. Any other text is
// returned as it is.
func tapback(s string) string {
	for _, r := range tapbacks {
		rest, ok := strings.CutPrefix(s, r.verb)
		if !ok {
			continue
		}
		if strings.HasPrefix(r.verb, "Reacted ") {
			emoji, after, ok := strings.Cut(rest, " to ")
			if !ok {
				return s
			}
			rest = after
			r.means = reacted(emoji)
		}
		if rest == "" || !strings.ContainsRune(quoteOpeners, []rune(rest)[0]) {
			return s
		}
		return r.means
	}
	return s
}

// quoteOpeners start the quoted message of a tapback.
const quoteOpeners = "“\"'‘«"

// tapbacks are the reactions phones send, and what each says.
var tapbacks = []struct{ verb, means string }{
	{"Liked ", "👍"}, {"Loved ", "👍"}, {"Disliked ", "👎"}, {"Questioned ", "?"},
	{"Emphasized ", "?"}, {"Emphasised ", "?"}, {"Laughed at ", "?"}, {"Reacted ", "?"},
}

// reacted is what an emoji reaction says: a thumbs up or a heart a yes, a
// thumbs down a no, anything else a question mark.
func reacted(emoji string) string {
	switch {
	case strings.HasPrefix(emoji, "👍"), strings.HasPrefix(emoji, "❤"), strings.HasPrefix(emoji, "😍"), strings.HasPrefix(emoji, "🙏"):
		return "👍"
	case strings.HasPrefix(emoji, "👎"):
		return "👎"
	}
	return "?"
}
