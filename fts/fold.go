// Package fts holds the engine-independent parts of full-text search: folding
// away case and diacritics, Swedish and English stemming, turning what a
// visitor typed into safe search terms, and cutting and highlighting excerpts.
package fts

import (
	"strings"
	"unicode"
)

// foldMap maps letters with diacritics to their base letter, the way SQLite's
// unicode61 tokenizer (remove_diacritics 2) and the PostgreSQL function
// ortsplan_fold in migration 0009 do.
var foldMap = map[rune]rune{
	'å': 'a', 'ä': 'a', 'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a',
	'ö': 'o', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'ü': 'u', 'ù': 'u', 'ú': 'u', 'û': 'u',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ç': 'c', 'ñ': 'n', 'ý': 'y', 'ÿ': 'y',
}

// Fold returns s in lower case without diacritics: "Gångväg" → "gangvag".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := foldMap[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isWordRune reports whether r belongs to a word (letters and digits), like
// the tokenizers of both engines.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Words splits s into words.
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}
