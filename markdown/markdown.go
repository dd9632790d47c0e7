// Package markdown renders the Markdown that staff write (descriptions,
// visions, action texts) into sanitised HTML.
package markdown

import (
	"bytes"
	"html/template"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
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
// input, and pages render the same texts again and again.
var rendered struct {
	mu sync.Mutex
	m  map[string]template.HTML
}

// maxRendered bounds how many renderings are kept; all are forgotten when full.
const maxRendered = 4096

// HTML renders src as sanitised HTML for a template.
func HTML(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	rendered.mu.Lock()
	out, ok := rendered.m[src]
	rendered.mu.Unlock()
	if ok {
		return out
	}
	out = render(src)
	rendered.mu.Lock()
	if rendered.m == nil || len(rendered.m) >= maxRendered {
		rendered.m = make(map[string]template.HTML)
	}
	rendered.m[src] = out
	rendered.mu.Unlock()
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
