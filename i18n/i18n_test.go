package i18n

import (
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
}
