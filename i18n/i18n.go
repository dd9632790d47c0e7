// Package i18n holds the translation catalogs (Swedish first, English second)
// and picks a visitor's language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
)

//go:embed *.json
var files embed.FS

// Languages lists the supported languages; the first is the default.
var Languages = []string{"sv", "en"}

// Default is the language used when nothing else is known.
const Default = "sv"

// Catalog maps language → key → message.
type Catalog struct {
	msgs map[string]map[string]string
	// Missing counts lookups of keys absent from a catalog; tests assert it stays 0.
	Missing atomic.Int64
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := files.ReadFile(lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: parse %s.json: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// MustLoad is Load for start-up code and tests.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Keys returns the sorted keys of one language's catalog.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether lang's catalog has key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// T translates key into lang. Arguments fill fmt verbs in the message. A missing
// key is logged, counted and shown as the key itself.
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.msgs[lang][key]
	if !ok {
		// A counted message has no text of its own: it needs N.
		c.Missing.Add(1)
		slog.Error("i18n: missing key", "lang", lang, "key", key, "plural", c.IsPlural(lang, key))
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Localizer is a catalog bound to one language, handed to templates.
type Localizer struct {
	Lang string
	c    *Catalog
}

// For returns a Localizer for lang (falling back to the default).
func (c *Catalog) For(lang string) *Localizer {
	if _, ok := c.msgs[lang]; !ok {
		lang = Default
	}
	return &Localizer{Lang: lang, c: c}
}

// T translates key; see Catalog.T.
func (l *Localizer) T(key string, args ...any) string { return l.c.T(l.Lang, key, args...) }

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// CookieName is the cookie that remembers a visitor's choice of language.
const CookieName = "lang"

// FromRequest picks a language: the cookie first, then Accept-Language, then Default.
func FromRequest(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil && Supported(c.Value) {
		return c.Value
	}
	return FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// FromAcceptLanguage returns the supported language with the highest q-value.
func FromAcceptLanguage(h string) string {
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if p := strings.TrimSpace(params); strings.HasPrefix(p, "q=") {
			if _, err := fmt.Sscanf(p, "q=%g", &q); err != nil {
				continue
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if base == "nb" || base == "nn" || base == "no" || base == "da" {
			base = "sv" // Scandinavian readers get Swedish rather than English
		}
		if Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
