// Package flows is textfix's troubleshooting flows: the YAML format, the
// checker, the library the engine walks, intake (which flow a first text
// is about), answer matching, and the flows' pictures. The flows built
// into the binary live in library/ ([Embedded]); flows/README.md is the
// format for authors.
//
// # Basics
//
// A [Flow] is one YAML file: an [Intake] (the signals that pick it), a
// start node and [Node]s of four [Kind]s: a question with [Choice]s, an
// info text, a fix (a page) and a handoff to a human. [Load] reads every
// flow file of a folder, checks each one ([Problem]s: errors and
// warnings) and returns a [Library]: [Library.Flow] by id or by a
// former id ([Flow.Aliases]), [Library.Fallback] for the catch-all, [Library.CheckPage] for a
// question's check page.
//
// [NewText] reads an inbound text once into a [Text]: its normalised
// words and clause breaks, shared by everything that matches it.
// [Library.Classify] scores a first text against every flow's intake and
// returns a [Verdict]: one clear flow, two close ones to offer, a likely
// one missing its product, or a greeting. Another vendor's product (the
// catch-all's products) with an error, or trouble told in words that no
// other flow takes ([Troubled]), is the catch-all, never a guess; trouble
// with a product only one flow of ours names ("twilio wont send to my
// test phone") is that flow, which asks for the error. [Flow.Match] picks the choice
// an answer selects; [Flow.Infer] answers a question from what the person
// already said. [Flow.Mermaid] and [Flow.DOT] draw a flow; [Flow.Graph]
// gives its boxes and arrows to drawings made elsewhere (package graphsvg
// lays them out and draws SVG).
//
// # Caveats
//
// A folder with any error loads as no library at all, so a broken flow
// never goes live. A Library is read-only and safe for concurrent use; to
// change flows, load a new one and build a new engine on it.
//
// Matching is by words, not meaning: labels, match words, implied_by
// phrases, patterns, small typos, numbers and the yes/no family, with
// negated mentions ("not behind a proxy") left out. [Flow.Read] reads an
// answer clause by clause first: a clause that asks back ("where do I find
// that?") answers nothing, a hedge ("maybe somebody removed it") reaches
// only the rest of its clause, a role someone else holds ("our admin does
// that") is no "I", an answer passed on ("she says yes, …", "my son told
// me it's in a .env file") is read without its "she says", and an
// explicit yes or no in a clause of its own is the answer. Inference uses a choice's implied_by phrases and match words
// only, never a bare number or yes/no.
//
// Intake is on the engine's hot path, so its work is done when flows
// load: each flow's intake words are indexed (exactly, and by length for
// typos) with what typo matching needs of each, and a text is looked up
// word by word rather than every signal scanned. A Classify costs tens of
// microseconds and a few allocations; BenchmarkClassify measures it and
// TestClassifyAllocs holds it to a handful of allocations.
//
// A check page's id is derived from its flow, node and content, so it
// stays the same across restarts and changes when the page does.
//
// The package does no I/O beyond reading the fs.FS it is given.
package flows
