package flows

import (
	"fmt"
	"strings"
	"time"
)

// ValidID reports whether id may name a flow or a node: lowercase letters,
// digits and dashes, starting with a letter or digit, at most 63
// characters.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Skeleton returns a commented starter flow with the given id, and a
// starter conversation-script file for it (NAME.test.yaml, see package
// flowtest). The flow is a skeleton: the checker refuses it for each TODO
// left in its texts, and once they are replaced it passes with no other
// problem and the scripts pass. Its intake words come from the id
// ("acme-sync" → "acme sync"), so
// in a folder with other flows a starter script can land elsewhere until
// the author writes real intake signals. verified fills the fixes'
// verified dates.
func Skeleton(id string, verified time.Time) (flow, script []byte, err error) {
	if !ValidID(id) {
		return nil, nil, fmt.Errorf("flows: flow id %q must be lowercase letters, digits and dashes", id)
	}
	words := strings.Fields(strings.ReplaceAll(id, "-", " "))
	// The first word with a letter stands for the product; an id of
	// numbers alone is a code.
	product, codes := "", ""
	for _, w := range words {
		if strings.Trim(w, "0123456789") != "" {
			product = fmt.Sprintf("%q", w)
			break
		}
	}
	if product == "" {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = fmt.Sprintf("%q", w)
		}
		codes = strings.Join(quoted, ", ")
	}
	phrase := strings.Join(words, " ")
	title := strings.ToUpper(phrase[:1]) + phrase[1:]
	r := strings.NewReplacer(
		"{{id}}", id,
		"{{title}}", title,
		"{{product}}", product,
		"{{codes}}", codes,
		"{{phrase}}", phrase,
		"{{verified}}", verified.Format(time.DateOnly),
	)
	return alignComments(r.Replace(skeletonFlow)), alignComments(r.Replace(skeletonScript)), nil
}

// alignComments lines up the comments that follow YAML on a line, so they
// stay tidy whatever length the id gives the YAML.
func alignComments(s string) []byte {
	const column = 38
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		at := strings.Index(l, "  # ")
		if at < 0 || strings.TrimSpace(l[:at]) == "" {
			continue
		}
		yaml := strings.TrimRight(l[:at], " ")
		pad := max(column-len(yaml), 2)
		lines[i] = yaml + strings.Repeat(" ", pad) + l[at+2:]
	}
	return []byte(strings.Join(lines, "\n"))
}

const skeletonFlow = `# {{id}}: a troubleshooting flow. The format is in flows/README.md.
# Validate it, play its conversation scripts ({{id}}.test.yaml) and
# draw it with:
#
#   textfix flows check DIR
#   textfix flows test DIR
#   textfix flows graph {{id}} --dir DIR
#
# This is a skeleton: "flows check" refuses it until every TODO in its
# texts is replaced. Keep each SMS short: a question with its choices
# should fit two texts (306 characters), in plain GSM-7 (no emoji, no
# curly quotes).

id: {{id}}                  # lowercase letters, digits, dashes; unique
title: "{{title}}"          # TODO product and error; people see it when two flows fit

# Intake picks this flow from a person's first text. Each signal found in
# the text adds to the flow's score; a code counts most.
intake:
  codes: [{{codes}}]                   # TODO status or error codes, e.g. ["500", ERR_TIMEOUT]
  products: [{{product}}]     # product names
  keywords: []                # single words typical of the error
  phrases: ["{{phrase}}"]     # TODO words copied from the error message
  examples:                   # realistic first texts; they also document the flow
    - "{{phrase}} error"
  requires: []                # optional: one of these must appear, or the flow is never picked

start: first-question         # the node a conversation starts at

nodes:
  # A question is one SMS with numbered choices. People answer with a
  # number, with a choice's label or match words anywhere in the reply,
  # or with yes/no in its many forms when a choice has means.
  - id: first-question
    kind: question
    text: "TODO ask one thing. Does it fail every time? Yes or no?"
    choices:
      - label: "Yes, every time"
        means: yes                       # yeah, yep, sure... pick this one
        match: [every time, always]      # words that pick this one
        echo: "it fails every time"      # said back when taken from an earlier text
        next: fix-first                  # the node this answer leads to
      - label: "No, only sometimes"
        means: no
        match: [sometimes, now and then, on and off]
        echo: "it fails only sometimes"
        next: note

  # An info node sends one SMS and moves straight on to next.
  - id: note
    kind: info
    text: "TODO something worth knowing on the way. Now the fix for failures that come and go."
    next: fix-second

  # A fix ends the flow: the bot texts a link to a page made from these
  # fields and asks "Did this fix it?". NO goes to if_not_fixed.
  - id: fix-first
    kind: fix
    title: TODO short fix title         # goes in the SMS: keep it short
    summary: TODO one sentence on the cause.
    steps: |                            # Markdown
      1. TODO first step.
      2. TODO second step.
    commands:                           # optional: commands shown ready to copy
      - echo TODO
    sources: [https://example.com/TODO] # where the fix comes from
    verified: {{verified}}               # TODO the date you last checked these steps work
    if_not_fixed: fix-second            # the next most likely fix, or a handoff

  - id: fix-second
    kind: fix
    title: TODO the next most likely fix
    summary: TODO one sentence on the cause.
    steps: |
      1. TODO first step.
    sources: [https://example.com/TODO]
    verified: {{verified}}
    if_not_fixed: human                 # empty would also hand off to a human

  # A handoff ends the flow by giving the conversation to a person, who
  # reads reason and a summary of the answers.
  - id: human
    kind: handoff
    reason: TODO what the operator should know, e.g. both fixes failed.
`

const skeletonScript = `# Conversation scripts for {{id}}.yaml. textfix flows test DIR plays each
# one through the bot from a fresh start and reports PASS or FAIL.
#
# A step sends one text, then checks what it names (all optional):
#   node:           where the conversation is (a node of {{id}}.yaml)
#   flow:           the flow it is in, for a node of another flow
#   status:         idle, active, fixed, handoff or opted_out
#   reply_contains: a text, or a list, the bot's replies contain (case ignored)
scripts:
  - name: yes reaches the first fix
    steps:
      - send: {{phrase}} error            # a first text: intake must pick this flow
        node: first-question
        status: active
      - send: yes, it fails every time
        node: fix-first
        status: fixed
        reply_contains: Your fix

  - name: sometimes, then not fixed, reaches a person
    steps:
      - send: {{phrase}} error
      - send: only sometimes
        node: fix-second
        reply_contains: [something worth knowing, Your fix]
      - send: no, still broken
        node: human
        status: handoff
`
