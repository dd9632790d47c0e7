package i18n

import (
	"fmt"
	"log/slog"
	"strings"
)

// Plural forms. A message that counts something has one form per plural
// category of the language, under the key with the category added:
// "meeting.places_left.one" and "meeting.places_left.other". N picks the
// form for the count; T on such a key, or N on a key without the forms, is
// a missing translation (counted, so the tests fail).

// Plural categories (CLDR). Swedish and English use one and other.
const (
	PluralOne   = "one"
	PluralOther = "other"
)

// PluralCategories lists, per language, the categories its counted
// messages must have.
var PluralCategories = map[string][]string{"sv": {PluralOne, PluralOther}, "en": {PluralOne, PluralOther}}

// PluralCategory returns the plural category of the whole number n in lang.
// In Swedish and English only 1 takes the singular: "1 plats", "0 platser",
// "21 platser".
func PluralCategory(lang string, n int) string {
	if n == 1 {
		return PluralOne
	}
	return PluralOther
}

// IsPlural reports whether key is a counted message in lang's catalog: it
// has its plural forms instead of one text.
func (c *Catalog) IsPlural(lang, key string) bool {
	return c.Has(lang, key+"."+PluralOther)
}

// PluralBase returns the counted message's key that a catalog key is a form
// of, or "" when it is no plural form.
func PluralBase(key string) string {
	for _, cat := range []string{PluralOne, PluralOther} {
		if base, ok := strings.CutSuffix(key, "."+cat); ok {
			return base
		}
	}
	return ""
}

// N translates the counted message key into lang for the count n: the form
// of n's plural category, with n written as the language writes numbers
// ("6 577", "6,577") as the first argument and args after it. Messages
// refer to them in order, or by index ("%[2]s … %[1]s").
func (c *Catalog) N(lang, key string, n int, args ...any) string {
	form := key + "." + PluralCategory(lang, n)
	msg, ok := c.msgs[lang][form]
	if !ok {
		c.Missing.Add(1)
		slog.Error("i18n: missing plural form", "lang", lang, "key", form)
		return key
	}
	return fmt.Sprintf(msg, append([]any{c.For(lang).Number(n)}, args...)...)
}

// N translates a counted message; see Catalog.N.
func (l *Localizer) N(key string, n int, args ...any) string { return l.c.N(l.Lang, key, n, args...) }
