package bot

import "github.com/textfix/textfix/flows"

// Keyword is a whole-message command checked before any flow.
type Keyword string

// The keywords; KwNone is a text that is none of them.
const (
	KwNone  Keyword = ""
	KwStop  Keyword = "STOP"
	KwStart Keyword = "START"
	KwHelp  Keyword = "HELP"
	KwReset Keyword = "RESET"
	KwBack  Keyword = "BACK"
	KwHuman Keyword = "HUMAN"
)

// keywords maps a normalised whole message to its keyword. The STOP
// family is apart (optout.go: IsOptOut), read before these.
var keywords = buildKeywords()

func buildKeywords() map[string]Keyword {
	m := map[string]Keyword{}
	for kw, msgs := range map[Keyword][]string{
		KwStart: {"start", "unstop", "opt in", "optin", "subscribe", "resume"},
		KwHelp:  {"help", "info", "help me", "commands", "what can you do", "what is this", "what is textfix", "how does this work", "who is this"},
		KwReset: {"reset", "restart", "menu", "start over", "start again", "new", "new problem", "begin again"},
		KwBack:  {"back", "go back", "previous", "undo"},
		KwHuman: {"human", "agent", "operator", "person", "talk to a human", "talk to a person", "speak to a human",
			"speak to a person", "real person", "a human", "a person", "human please", "agent please",
			"talk to someone", "representative", "support", "live agent", "i want a human", "i want to talk to a human",
			"can i talk to a human", "can i talk to a person", "let me talk to a human"},
	} {
		for _, msg := range msgs {
			if k := flows.Normalize(msg); k != "" { // "" would make empty texts keywords
				m[k] = kw
			}
		}
	}
	return m
}

// KeywordOf returns the keyword a whole message is, case and punctuation
// ignored ("Help!" is HELP), or KwNone. An opt-out (IsOptOut) is always
// STOP, whatever else the text could mean.
func KeywordOf(text string) Keyword {
	n := flows.Normalize(text)
	if isOptOut(text, n) {
		return KwStop
	}
	return keywords[n]
}
