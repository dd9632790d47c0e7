package fts

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a visitor may search for; anything beyond is cut off.
const (
	MaxQueryRunes = 200 // of the typed text
	MaxTerms      = 8
	MaxTermRunes  = 40
)

// Term is one word of a query. Word is the word in lower case; Prefixes are the
// folded stems a matching word starts with (one for Swedish, sometimes a second
// for English).
type Term struct {
	Word     string
	Prefixes []string
}

// operators are words that search engines treat as syntax; here they are
// dropped so that no query can change its own meaning.
var operators = map[string]bool{"AND": true, "OR": true, "NOT": true, "NEAR": true}

// stopwords are too common to help; they are dropped unless nothing else is left.
var stopwords = map[string]bool{
	"och": true, "att": true, "det": true, "som": true, "en": true, "ett": true, "på": true, "är": true,
	"av": true, "för": true, "med": true, "till": true, "den": true, "i": true, "om": true, "har": true,
	"the": true, "and": true, "of": true, "to": true, "in": true, "a": true, "for": true, "on": true, "is": true,
}

// Parse turns what a visitor typed into at most MaxTerms plain terms. Quotes,
// operators, control characters and punctuation never reach the database:
// only words of letters and digits do. english adds English stemming.
func Parse(raw string, english bool) []Term {
	// Combining marks (a decomposed "é") are dropped, as both engines fold them away.
	raw = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, Clean(raw))
	var terms, stops []Term
	seen := map[string]bool{}
	for _, w := range Words(raw) {
		if operators[w] {
			continue
		}
		lw := strings.ToLower(w)
		if utf8.RuneCountInString(lw) > MaxTermRunes {
			lw = string([]rune(lw)[:MaxTermRunes])
		}
		if seen[lw] || utf8.RuneCountInString(lw) < 2 && !unicode.IsDigit([]rune(lw)[0]) {
			continue
		}
		seen[lw] = true
		t := Term{Word: lw, Prefixes: prefixes(lw, english)}
		if stopwords[lw] {
			stops = append(stops, t)
			continue
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		terms = stops
	}
	if len(terms) > MaxTerms {
		terms = terms[:MaxTerms]
	}
	return terms
}

// Clean removes control characters and cuts raw to MaxQueryRunes; it is what
// the search box shows back.
func Clean(raw string) string {
	var b strings.Builder
	n := 0
	for _, r := range raw {
		if n >= MaxQueryRunes {
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// prefixes returns the folded stems of a lower-case word, without duplicates
// and without one that another already covers.
func prefixes(w string, english bool) []string {
	cands := []string{Swedish(w)}
	if english {
		cands = append(cands, English(w))
	}
	var out []string
	for _, c := range cands {
		if utf8.RuneCountInString(c) < 2 {
			c = w
		}
		c = Fold(c)
		covered := false
		for i, o := range out {
			if strings.HasPrefix(c, o) {
				covered = true
			} else if strings.HasPrefix(o, c) {
				out[i], covered = c, true
			}
		}
		if !covered {
			out = append(out, c)
		}
	}
	return out
}

// Matches reports whether word matches one of the terms: its folded form
// starts with one of their prefixes.
func Matches(word string, terms []Term) bool {
	f := Fold(word)
	for _, t := range terms {
		for _, p := range t.Prefixes {
			if strings.HasPrefix(f, p) {
				return true
			}
		}
	}
	return false
}
