// Package markdown renders the Markdown that staff write (descriptions,
// visions, action texts) into sanitised HTML.
package markdown

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/ortsplan/ortsplan/cache"
)

var (
	md = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))
	// policy allows ordinary text markup and links, never scripts, styles,
	// images from elsewhere or raw HTML attributes.
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowAttrs("class").Matching(bluemonday.SpaceSeparatedTokens).OnElements("code")
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		p.AllowImages() // image URLs are still checked by the policy
		p.RequireParseableURLs(true)
		p.AllowURLSchemes("http", "https", "mailto", "tel")
		return p
	}()
)

// strictPolicy strips all markup; building one per call is costly.
var strictPolicy = bluemonday.StrictPolicy()

// rendered remembers recent renderings: HTML depends on nothing but its
// input, and pages render the same texts again and again. It holds about
// renderedBytes of source and HTML; the least useful renderings go first.
var rendered = cache.New(renderedBytes, func(src string, out template.HTML) int {
	return cache.EntryOverhead + cache.StringWeight(src) + cache.StringWeight(string(out))
})

// renderedBytes is the memory budget of rendered.
const renderedBytes = 8 << 20

// HTML renders src as sanitised HTML for a template.
func HTML(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	if out, ok := rendered.Get(src); ok {
		return out
	}
	out := render(src)
	rendered.Set(src, out)
	return out
}

func render(src string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes()))
}

// Plain returns the text of src without markup, cut to at most n runes at a
// word boundary (with an ellipsis), for summaries and meta descriptions.
func Plain(src string, n int) string {
	text := strictPolicy.Sanitize(string(HTML(src)))
	text = strings.Join(strings.Fields(htmlUnescape(text)), " ")
	r := []rune(text)
	if n <= 0 || len(r) <= n {
		return text
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:–-") + "…"
}

func htmlUnescape(s string) string {
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)
	return r.Replace(s)
}

// CacheStats reports how the cache of renderings is used, for metrics.
func CacheStats() cache.Stats { return rendered.Stats() }
