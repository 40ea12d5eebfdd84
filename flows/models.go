package flows

import (
	"regexp"
	"strings"
)

// RetiredModel is a model id that no flow may name: requests to a retired
// model fail, and a deprecated one fails from its retirement date on. A
// flow that names one in a command, a check page or advice walks people
// into an error of its own making.
type RetiredModel struct {
	ID     string // as sent in the API's model field
	Status string // "retired" or "deprecated"
	Date   string // retirement date, YYYY-MM-DD
	Source string // the vendor page that says so
}

// retiredModels is the table the checker warns from. When the vendor
// deprecates or retires a model, add one line here; `flows check` then
// flags every flow that still names it. Dated ids ("…-20250929") and
// provider spellings ("anthropic.…-v1:0", "…@20250929") of a listed id
// are caught too. Status is as of Date; a deprecated model's Date is the
// day it retires.
var retiredModels = []RetiredModel{
	{"claude-sonnet-4-5", "retired", "2026-11-30", "https://platform.claude.com/docs/en/about-claude/model-deprecations"},
	{"claude-opus-4-1", "retired", "2026-08-05", "https://platform.claude.com/docs/en/about-claude/model-deprecations"},
	{"claude-sonnet-4-0", "retired", "2026-06-15", "https://platform.claude.com/docs/en/release-notes/overview"},
	{"claude-sonnet-4-20250514", "retired", "2026-06-15", "https://platform.claude.com/docs/en/release-notes/overview"},
	{"claude-opus-4-0", "retired", "2026-06-15", "https://platform.claude.com/docs/en/release-notes/overview"},
	{"claude-opus-4-20250514", "retired", "2026-06-15", "https://platform.claude.com/docs/en/release-notes/overview"},
	{"claude-3-7-sonnet", "retired", "2026-02-19", "https://platform.claude.com/docs/en/about-claude/model-deprecations"},
	{"claude-3-5-sonnet", "retired", "2025-10-28", "https://platform.claude.com/docs/en/about-claude/model-deprecations"},
}

// RetiredModels returns a copy of the table the checker warns from.
func RetiredModels() []RetiredModel {
	return append([]RetiredModel(nil), retiredModels...)
}

// retiredModelPatterns find each listed id in lowercased text: not inside
// a longer id ("claude-opus-4-10"), but with any suffix after a dash
// ("-20250929", "-latest", "-20250929-v1:0"). One per table row, in order.
var retiredModelPatterns = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(retiredModels))
	for i, m := range retiredModels {
		out[i] = regexp.MustCompile(`(?:^|[^a-z0-9-])` + regexp.QuoteMeta(m.ID) + `(?:$|[^a-z0-9])`)
	}
	return out
}()

// namesRetiredModels returns the listed models that text names, in table
// order.
func namesRetiredModels(text string) []RetiredModel {
	text = strings.ToLower(text)
	var out []RetiredModel
	for i, re := range retiredModelPatterns {
		if re.MatchString(text) {
			out = append(out, retiredModels[i])
		}
	}
	return out
}
