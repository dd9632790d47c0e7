package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPluralCategory(t *testing.T) {
	for _, lang := range Languages {
		for n, want := range map[int]string{0: PluralOther, 1: PluralOne, 2: PluralOther, 11: PluralOther, 21: PluralOther, 101: PluralOther, -1: PluralOther} {
			if got := PluralCategory(lang, n); got != want {
				t.Errorf("%s: PluralCategory(%d) = %s, want %s", lang, n, got, want)
			}
		}
	}
}

func TestCountedMessages(t *testing.T) {
	c := MustLoad()
	cases := []struct {
		lang, key string
		n         int
		args      []any
		want      string
	}{
		{"sv", "meeting.places_left", 1, nil, "1 plats kvar."},
		{"sv", "meeting.places_left", 0, nil, "0 platser kvar."},
		{"sv", "meeting.places_left", 2, nil, "2 platser kvar."},
		{"sv", "meeting.places_left", 1200, nil, "1\u00a0200 platser kvar."},
		{"en", "meeting.places_left", 1, nil, "1 place left."},
		{"en", "meeting.places_left", 1200, nil, "1,200 places left."},
		{"en", "effects.ideas.summary", 1, []any{"0", "0"}, "1 idea was proposed, 0 were answered and 0 were carried out."},
		{"en", "effects.ideas.summary", 3, []any{"2", "1"}, "3 ideas were proposed, 2 were answered and 1 were carried out."},
		{"sv", "cancel.confirm", 1, []any{"Åsa"}, "Vill du avboka anmälan för Åsa (1 person)?"},
		{"sv", "cancel.confirm", 3, []any{"Åsa"}, "Vill du avboka anmälan för Åsa (3 personer)?"},
		{"sv", "ideas.comments_page", 1, []any{1, 2}, "Sida 1 av 2, 1 kommentar i alla, den senaste först."},
	}
	for _, tc := range cases {
		if got := c.N(tc.lang, tc.key, tc.n, tc.args...); got != tc.want {
			t.Errorf("N(%s, %s, %d) = %q, want %q", tc.lang, tc.key, tc.n, got, tc.want)
		}
	}
	if n := c.Missing.Load(); n != 0 {
		t.Fatalf("%d missing", n)
	}
	// A count with a key that has no plural forms, or a counted key used as
	// one text, is a missing translation.
	c.N("sv", "form.save", 2)
	if c.Missing.Load() != 1 {
		t.Fatal("N with a singular-only key was not counted as missing")
	}
	c.T("sv", "meeting.places_left", 2)
	if c.Missing.Load() != 2 {
		t.Fatal("T with a counted key was not counted as missing")
	}
}

// Every counted message has every plural form of each language, and no
// text of its own; no message has a form without its counted message.
func TestPluralFormsComplete(t *testing.T) {
	c := MustLoad()
	for _, lang := range Languages {
		for _, key := range c.Keys(lang) {
			base := PluralBase(key)
			if base == "" {
				continue
			}
			if c.Has(lang, base) {
				t.Errorf("%s: %s has plural forms and a text of its own", lang, base)
			}
			for _, cat := range PluralCategories[lang] {
				if !c.Has(lang, base+"."+cat) {
					t.Errorf("%s: %s lacks its %q form", lang, base, cat)
				}
			}
		}
	}
}

// The code and templates count with N and only with N: a count used with a
// singular-only key, or a counted key used with T, fails here before any page
// shows "1 platser kvar".
func TestCountsUseN(t *testing.T) {
	c := MustLoad()
	calls := regexp.MustCompile(`\b(T|N)\(?\s*"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".html")) || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range calls.FindAllStringSubmatch(string(b), -1) {
			fn, key := m[1], m[2]
			if !c.Has("sv", key) && !c.IsPlural("sv", key) {
				continue // not a catalog key, or one made up at run time
			}
			seen++
			switch plural := c.IsPlural("sv", key); {
			case fn == "T" && plural:
				t.Errorf("%s: %s is a counted message; use N with the count", path, key)
			case fn == "N" && !plural:
				t.Errorf("%s: N with %s, which has no plural forms", path, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Fatalf("found only %d translated keys in the code; the scan is broken", seen)
	}
}

// Swedish texts quote with ”…”, never with straight or English quotes.
func TestSwedishQuotes(t *testing.T) {
	c := MustLoad()
	for _, key := range c.Keys("sv") {
		msg := c.msgs["sv"][key]
		if strings.ContainsAny(msg, "\"“„") {
			t.Errorf("sv: %s quotes with a mark other than ”: %q", key, msg)
		}
	}
}
