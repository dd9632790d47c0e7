package i18n

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCatalogsHaveSameKeys(t *testing.T) {
	c := MustLoad()
	for _, a := range Languages {
		for _, b := range Languages {
			for _, k := range c.Keys(a) {
				if !c.Has(b, k) {
					t.Errorf("key %q is in %s.json but missing in %s.json", k, a, b)
				}
			}
		}
	}
	for _, lang := range Languages {
		for _, k := range c.Keys(lang) {
			if strings.TrimSpace(c.T(lang, k)) == "" {
				t.Errorf("%s: key %q is empty", lang, k)
			}
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	cases := map[string]string{
		"":                        "sv",
		"en-GB,en;q=0.9":          "en",
		"sv-SE":                   "sv",
		"de-DE,en;q=0.5,sv;q=0.8": "sv",
		"fr":                      "sv",
		"en;q=0.2, nb;q=0.9":      "sv",
		"en;q=bogus, en-US;q=0.7": "en",
		strings.Repeat("x,", 500): "sv",
	}
	for in, want := range cases {
		if got := FromAcceptLanguage(in); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMissingKeyIsCounted(t *testing.T) {
	c := MustLoad()
	if got := c.For("en").T("no.such.key"); got != "no.such.key" || c.Missing.Load() != 1 {
		t.Fatalf("missing key: got %q, count %d", got, c.Missing.Load())
	}
}

// Dates keep the day and the month together with a no-break space, and
// Swedish numbers group thousands with one.
func TestDatesAndNumbersKeepTogether(t *testing.T) {
	c := MustLoad()
	d := time.Date(2012, 11, 19, 18, 30, 0, 0, Stockholm())
	for lang, want := range map[string]string{"sv": "19\u00a0november 2012", "en": "19\u00a0November 2012"} {
		if got := c.For(lang).Date(d); got != want {
			t.Errorf("%s: Date = %q, want %q", lang, got, want)
		}
	}
	if got := c.For("sv").Number(6577); got != "6\u00a0577" {
		t.Errorf("Number(6577) = %q", got)
	}
	for lang, want := range map[string]string{"sv": "58,93012", "en": "58.93012"} {
		if got := c.For(lang).Decimal(58.930123, 5); got != want {
			t.Errorf("%s: Decimal = %q, want %q", lang, got, want)
		}
	}
	if got := c.For("sv").Decimal(-3, 1); got != "-3,0" {
		t.Errorf("Decimal(-3, 1) = %q", got)
	}
}

// TestPlainSwedish keeps the Swedish catalog in plain language, in the
// spirit of Språkrådet's klarspråk: none of the stiff official words that
// have a plain word beside them, "på orten" rather than "i orten", and no
// sentence longer than 30 words.
func TestPlainSwedish(t *testing.T) {
	c := MustLoad()
	stiff := map[string]string{
		"ej": "inte", "samt": "och", "erhålla": "få", "erhåller": "får", "tillhandahålla": "ge", "tillhandahåller": "ger",
		"vänligen": "(stryk)", "härmed": "(stryk)", "avseende": "om", "beträffande": "om", "gällande": "om", "nyttja": "använda",
		"erforderlig": "som behövs", "föreligger": "finns", "inkomma": "skicka", "tillställa": "skicka", "dylik": "sådan",
		"i orten": "på orten", "åtgärdas snarast": "rättas så snart vi kan",
	}
	word := regexp.MustCompile(`[\p{L}]+`)
	for _, key := range c.Keys("sv") {
		text := c.T("sv", key)
		lower := strings.ToLower(text)
		for stiffWord, plain := range stiff {
			if strings.Contains(stiffWord, " ") {
				if regexp.MustCompile(`(^|[^\p{L}])` + stiffWord + `($|[^\p{L}])`).MatchString(lower) {
					t.Errorf("%s: %q has %q; write %q", key, text, stiffWord, plain)
				}
				continue
			}
			for _, w := range word.FindAllString(lower, -1) {
				if w == stiffWord {
					t.Errorf("%s: %q has %q; write %q", key, text, stiffWord, plain)
				}
			}
		}
		for _, sentence := range regexp.MustCompile(`[.!?]\s`).Split(text, -1) {
			if n := len(word.FindAllString(sentence, -1)); n > 30 {
				t.Errorf("%s: a sentence of %d words; split it: %q", key, n, sentence)
			}
		}
	}
}
