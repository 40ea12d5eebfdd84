package flows

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// corpus is what the oracle tests compare on.
type corpus struct {
	// firsts are first texts: the intake sets, the probe's first texts,
	// and generated ones.
	firsts []string
	// answers are answer rows (flow, node, text), the intake set's
	// answers to their own questions.
	answers []answerRow
	// replies are texts that answer some question: answer rows, script
	// and probe texts, choice words, and generated ones.
	replies []string
	// real counts the texts of firsts and replies from the sets, scripts
	// and probe; own those that are the library's own words.
	real, own int
}

type answerRow struct{ flow, node, text string }

// readCorpus gathers the real texts and makes n first texts and n replies
// from them by typos, casing, emoji, punctuation, pasted JSON, numbers
// with endings, other scripts, negations and concatenation. The same
// seed makes the same texts.
func readCorpus(tb testing.TB, lib *Library, n int) corpus {
	tb.Helper()
	var c corpus
	for _, row := range tsvRows(tb, "testdata/intake/*.tsv", 2) {
		c.firsts = append(c.firsts, row[1])
	}
	for _, row := range tsvRows(tb, "testdata/probe/first-texts.tsv", 3) {
		c.firsts = append(c.firsts, strings.ReplaceAll(row[2], `\n`, "\n"))
	}
	for _, row := range tsvRows(tb, "testdata/answers/*.tsv", 4) {
		c.answers = append(c.answers, answerRow{row[0], row[1], row[3]})
		c.replies = append(c.replies, row[3])
	}
	scripts, _ := filepath.Glob("library/*.test.yaml")
	for _, f := range append(scripts, "testdata/probe/conversations.yaml") {
		c.replies = append(c.replies, yamlStrings(tb, f)...)
	}
	c.real = len(c.firsts) + len(c.replies)

	// The library's own words: the raw material of near misses.
	var signals, choiceWords []string
	for _, t := range lib.Flows {
		in := t.Intake
		for _, ss := range [][]string{in.Codes, in.Products, in.Keywords, in.Phrases, in.Examples, in.Requires, {t.Title}} {
			signals = append(signals, ss...)
		}
		for _, n := range t.Nodes {
			for _, ch := range n.Choices {
				choiceWords = append(choiceWords, ch.Label)
				choiceWords = append(choiceWords, ch.Match...)
				choiceWords = append(choiceWords, ch.ImpliedBy...)
			}
		}
	}
	var vocab []string
	for _, s := range append(signals, choiceWords...) {
		vocab = append(vocab, strings.Fields(oldNormalize(s))...)
	}
	for _, set := range []map[string]bool{yesWords, noWords, uncertain, greetings, negations} {
		for w := range set {
			vocab = append(vocab, w)
		}
	}
	for w := range numberWords {
		vocab = append(vocab, w)
	}
	slices.Sort(vocab) // map order must not change the texts
	c.firsts = append(c.firsts, signals...)
	c.replies = append(c.replies, choiceWords...)
	c.own = len(signals) + len(choiceWords)

	g := &mutator{r: rand.New(rand.NewPCG(11, 2)), vocab: vocab}
	firsts, replies := c.firsts, c.replies
	for range n {
		c.firsts = append(c.firsts, g.text(firsts))
		c.replies = append(c.replies, g.text(replies))
	}
	return c
}

// tsvRows reads tab-separated rows of the files matching pattern, skipping
// blank lines and # comments.
func tsvRows(tb testing.TB, pattern string, cols int) [][]string {
	tb.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		tb.Fatalf("no files match %s", pattern)
	}
	var rows [][]string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := sc.Text()
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if row := strings.SplitN(line, "\t", cols); len(row) == cols {
				rows = append(rows, row)
			}
		}
		fh.Close()
	}
	return rows
}

// yamlStrings returns every string scalar of a YAML file.
func yamlStrings(tb testing.TB, file string) []string {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
			out = append(out, n.Value)
		}
		for _, k := range n.Content {
			walk(k)
		}
	}
	walk(&root)
	return out
}

// mutator makes texts the way people mistype them.
type mutator struct {
	r     *rand.Rand
	vocab []string
}

func (g *mutator) pick(ss []string) string { return ss[g.r.IntN(len(ss))] }

// text takes one to three texts of base (or a library word in a sentence)
// and applies one to four mutations.
func (g *mutator) text(base []string) string {
	var s string
	switch g.r.IntN(10) {
	case 0: // a library word, mistyped, in a sentence
		s = g.pick([]string{"claude code says %s", "%s", "getting %s again", "its %s", "%s error on my account", "not %s"})
		s = strings.Replace(s, "%s", g.typo(g.pick(g.vocab), 1+g.r.IntN(3)), 1)
	case 1: // several texts in one (long texts: many clauses, > 64 words)
		k := 2 + g.r.IntN(12)
		parts := make([]string, k)
		for i := range parts {
			parts[i] = g.pick(base)
		}
		s = strings.Join(parts, g.pick([]string{", ", " and ", ". ", "\n", " "}))
	default:
		s = g.pick(base)
	}
	for range 1 + g.r.IntN(4) {
		s = g.mutate(s)
	}
	return s
}

var (
	emoji    = []string{"👍", "👎", "✅", "❌", "👌", "✔", "✖", "🙏", "😭", "🤷", "🔥"}
	oddRunes = []rune{'é', 'ü', 'ñ', 'ß', 'ẞ', 'İ', 'ı', 'Σ', 'ς', 'к', 'о', 'Ａ', 'ａ', '٣', '５', 'ǅ', 'Ⱥ', '\u00a0', '\u200b', '’', '_', '-', '.', ',', '\''}
	jsonWrap = []string{
		`API Error: 403 {"type":"error","error":{"type":"permission_error","message":"%s"}}`,
		`{"message":"%s"}`,
		`Error: %s (status 429) {"type":"rate_limit_error"}`,
		"> %s\n  at Object.<anonymous> (/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js:1:1)",
	}
)

func (g *mutator) mutate(s string) string {
	ws := strings.Fields(s)
	switch g.r.IntN(13) {
	case 0, 1, 2: // a typo of one to three edits in one word
		if len(ws) == 0 {
			return s
		}
		i := g.r.IntN(len(ws))
		ws[i] = g.typo(ws[i], 1+g.r.IntN(3))
		return strings.Join(ws, " ")
	case 3:
		return strings.ToUpper(s)
	case 4: // random casing
		var b strings.Builder
		for _, r := range s {
			if g.r.IntN(2) == 0 {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
		}
		return b.String()
	case 5: // an emoji, with or without a space
		at := g.cut(s)
		sep := g.pick([]string{"", " "})
		return s[:at] + sep + g.pick(emoji) + sep + s[at:]
	case 6: // pasted JSON or CLI output
		return strings.Replace(g.pick(jsonWrap), "%s", s, 1)
	case 7: // punctuation
		at := g.cut(s)
		return s[:at] + g.pick([]string{",", ", ", ".", ". ", ";", "!", "?", "\n", " - ", "-", "'", "’", "4.5", "...", "(", ")", "/", ":"}) + s[at:]
	case 8: // a number, maybe with an ending
		n := g.pick([]string{"403", "401", "429", "529", "402", "21610", "500", "1", "2", "3", "4", "12"})
		n += g.pick([]string{"", "", "s", "'d", "ed", "es", "ing", "x", "th"})
		at := g.cut(s)
		return s[:at] + " " + n + " " + s[at:]
	case 9: // an odd rune (other scripts, look-alikes, invalid UTF-8)
		at := g.cut(s)
		if g.r.IntN(8) == 0 {
			return s[:at] + "\xff" + s[at:]
		}
		return s[:at] + string(g.pick2(oddRunes)) + s[at:]
	case 10: // a negation or hedge in front
		return g.pick([]string{"not ", "no ", "no, ", "didnt ", "i dont think ", "not sure, ", "maybe ", "yes ", "yeah, ", "option "}) + s
	case 11: // drop words
		if len(ws) < 2 {
			return s
		}
		i := g.r.IntN(len(ws))
		return strings.Join(append(ws[:i:i], ws[i+1:]...), " ")
	default: // repeat a word
		if len(ws) == 0 {
			return s
		}
		i := g.r.IntN(len(ws))
		return strings.Join(append(ws[:i+1:i+1], ws[i:]...), " ")
	}
}

func (g *mutator) pick2(rs []rune) rune { return rs[g.r.IntN(len(rs))] }

// cut is a byte offset of s on a rune boundary.
func (g *mutator) cut(s string) int {
	at := g.r.IntN(len(s) + 1)
	for at < len(s) && !utf8.RuneStart(s[at]) {
		at++
	}
	return at
}

// typo applies k random edits (delete, insert, substitute, swap) to w.
func (g *mutator) typo(w string, k int) string {
	rs := []rune(w)
	letters := []rune("abcdeilnorstuéüx_0")
	for range k {
		i := g.r.IntN(len(rs) + 1)
		switch op := g.r.IntN(4); {
		case op == 0 && i < len(rs):
			rs = append(rs[:i:i], rs[i+1:]...)
		case op == 1:
			rs = append(rs[:i:i], append([]rune{g.pick2(letters)}, rs[i:]...)...)
		case op == 2 && i < len(rs):
			rs[i] = g.pick2(letters)
		case i+1 < len(rs):
			rs[i], rs[i+1] = rs[i+1], rs[i]
		}
	}
	return string(rs)
}
