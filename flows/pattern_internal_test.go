package flows

import (
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"testing"
)

func TestRequired(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    []string // nil: no literal is required
	}{
		{`region not supported`, []string{"region not supported"}},
		{`Region`, []string{"region"}},
		{`\bkey\b`, []string{"key"}},
		{`(api|console) key`, []string{" key"}},
		{`(api|console)\s+key`, []string{"console", "api"}},
		{`(api|console)?\s*key`, []string{"key"}},
		{`keys?`, []string{"key"}},
		{`(ab)+c`, []string{"ab"}},
		{`(ab){0,2}`, nil},
		{`a*`, nil},
		{`\d+ credits`, []string{" credits"}},
		{`[0-9]{3}`, nil},
		{`.*`, nil},
		{`café`, nil},
		{`(yes|)`, nil},
	} {
		re, err := syntax.Parse("(?i)"+c.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := required(re.Simplify())
		slices.Sort(got)
		slices.Sort(c.want)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("required(%q) = %q, %v; want %q", c.pattern, got, ok, c.want)
		}
	}
}

// TestPatternFindSameAsRegexp runs every pattern of the embedded flows
// over every text of the probe sets (and a few outside ASCII): the
// literal check before the regexp never changes what it finds.
func TestPatternFindSameAsRegexp(t *testing.T) {
	lib, _, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	var pats []pattern
	for _, f := range lib.Flows {
		for _, ccs := range f.compiled {
			for _, cc := range ccs {
				pats = append(pats, cc.patterns...)
				pats = append(pats, cc.impliedPatterns...)
			}
		}
	}
	withNeed := 0
	for _, p := range pats {
		if p.need != nil {
			withNeed++
		}
	}
	if len(pats) < 40 || withNeed < len(pats)/2 {
		t.Fatalf("%d patterns, %d with a needed literal: the check would skip little", len(pats), withNeed)
	}
	texts := []string{"ſtill no KEY", "my café's api key", "Ω 403 region not supported"}
	quoted := regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
	files, _ := filepath.Glob("testdata/probe*/*")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range quoted.FindAllStringSubmatch(string(data), -1) {
			if s, err := strconv.Unquote(`"` + m[1] + `"`); err == nil {
				texts = append(texts, s)
			}
		}
	}
	slices.Sort(texts)
	texts = slices.Compact(texts)
	if len(texts) < 5000 {
		t.Fatalf("only %d texts from the probe sets", len(texts))
	}
	found := 0
	for _, s := range texts {
		norm := NewText(s).norm
		for _, p := range pats {
			got, want := p.find(norm), p.re.FindStringIndex(norm)
			if !slices.Equal(got, want) {
				t.Fatalf("pattern %s on %q: %v, the regexp alone %v", p.re, norm, got, want)
			}
			if want != nil {
				found++
			}
		}
	}
	if found < 500 {
		t.Errorf("the patterns found only %d matches in %d texts", found, len(texts))
	}
	t.Logf("%d patterns (%d with a needed literal) × %d texts, %d matches", len(pats), withNeed, len(texts), found)
}
