package fts

import (
	"strings"
	"testing"
)

func TestSwedish(t *testing.T) {
	for in, want := range map[string]string{
		"gångväg":     "gångväg",
		"gångvägen":   "gångväg",
		"gångvägar":   "gångväg",
		"gångvägarna": "gångväg",
		"skolan":      "skol",
		"skolor":      "skol",
		"skolornas":   "skol",
		"badplatsen":  "badplats",
		"badplatser":  "badplats",
		"bryggor":     "brygg",
		"bryggan":     "brygg",
		"trevlig":     "trev",
		"möjligheten": "möj", // -heten, then -lig
		"hopplöst":    "hopplös",
		"kraftfullt":  "kraftfull",
		"klippt":      "klippt",
		"husets":      "huset",
		"gatan":       "gat",
		"planen":      "plan",
		"plan":        "plan",
		"bo":          "bo",
		"a":           "a",
		"":            "",
		"by":          "by",
		"byar":        "byar", // too short: the ending is not in R1
	} {
		if got := Swedish(in); got != want {
			t.Errorf("Swedish(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnglish(t *testing.T) {
	for in, want := range map[string]string{
		"walking": "walk", "walked": "walk", "walks": "walk", "walk": "walk",
		"libraries": "librar", "library": "librar", "boxes": "box", "bus": "bus", "glass": "glass", "is": "is",
	} {
		if got := English(in); got != want {
			t.Errorf("English(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	if got := Fold("GÅNGVÄG Över Café"); got != "gangvag over cafe" {
		t.Errorf("Fold = %q", got)
	}
}

func TestParse(t *testing.T) {
	terms := Parse(`"Gångvägar" AND (skolan*) OR NOT och`, false)
	var got []string
	for _, t := range terms {
		got = append(got, t.Word+"="+strings.Join(t.Prefixes, "|"))
	}
	if want := "gångvägar=gangvag skolan=skol"; strings.Join(got, " ") != want {
		t.Errorf("Parse = %q, want %q", strings.Join(got, " "), want)
	}
	if n := len(Parse(strings.Repeat("ord ", 5000)+"sista", false)); n != 1 {
		t.Errorf("repeated word: %d terms", n)
	}
	many := Parse("ett två tre fyra fem sex sju åtta nio tio elva tolv", false)
	if len(many) != MaxTerms {
		t.Errorf("%d terms, want %d", len(many), MaxTerms)
	}
	if len(Parse("\x00\x01\u200b", false)) != 0 || len(Parse("", false)) != 0 {
		t.Error("control characters gave terms")
	}
	if ts := Parse("och", false); len(ts) != 1 {
		t.Errorf("a lone stop word is kept: %v", ts)
	}
	if ts := Parse("walking", true); len(ts) != 1 || strings.Join(ts[0].Prefixes, "|") != "walk" {
		t.Errorf("English: %v", ts)
	}
	if got := Clean(strings.Repeat("å", 500)); len([]rune(got)) != MaxQueryRunes {
		t.Errorf("Clean keeps %d runes", len([]rune(got)))
	}
}

func TestHighlightAndExcerpt(t *testing.T) {
	terms := Parse("gangvag skola", false)
	var b strings.Builder
	for _, s := range Highlight("Nya Gångvägar till <skolan>, inte vägen.", terms) {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	if want := "Nya [Gångvägar] till <[skolan]>, inte vägen."; b.String() != want {
		t.Errorf("Highlight = %q, want %q", b.String(), want)
	}
	long := strings.Repeat("fyllnad ", 100) + "en **ny** [gångväg](https://example.se) " + strings.Repeat("slut ", 100)
	ex := Excerpt(long, terms, 20)
	if !strings.HasPrefix(ex, "… ") || !strings.HasSuffix(ex, " …") || !strings.Contains(ex, "en ny gångväg slut") {
		t.Errorf("Excerpt = %q", ex)
	}
	if ex := Excerpt("# Rubrik\n\nKort text.", terms, 20); ex != "Rubrik Kort text." {
		t.Errorf("short excerpt = %q", ex)
	}
}

// FuzzParse: whatever is typed, the terms are few, short and plain.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"gångväg", `"a" OR b*`, "NEAR(x y)", "\x00\xff", "e\u0301", strings.Repeat("ord ", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms := Parse(s, true)
		if len(terms) > MaxTerms {
			t.Fatalf("%d terms", len(terms))
		}
		for _, tm := range terms {
			if len([]rune(tm.Word)) > MaxTermRunes || len(tm.Prefixes) == 0 {
				t.Fatalf("term %+v", tm)
			}
			for _, p := range append([]string{tm.Word}, tm.Prefixes...) {
				if p == "" || strings.ContainsFunc(p, func(r rune) bool { return !isWordRune(r) }) {
					t.Fatalf("term %q holds more than letters and digits", p)
				}
			}
		}
	})
}
