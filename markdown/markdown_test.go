package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestHTMLSanitises(t *testing.T) {
	cases := []struct{ in, want, not string }{
		{"**Gångväg** till kyrkan", "<strong>Gångväg</strong>", ""},
		{"<script>alert(1)</script>hej", "", "<script"},
		{"text <script>alert(1)</script> mer", "text", "<script"},
		{"[klicka](javascript:alert(1))", "klicka", "javascript:"},
		{`<a href="https://flen.se" onclick="x()">Flen</a>`, "", "onclick"},
		{"<img src=x onerror=alert(1)>", "", "onerror"},
		{"- ett\n- två", "<li>två</li>", ""},
		{"https://www.flen.se", `href="https://www.flen.se"`, ""},
		{`<p style="color:red">röd</p>`, "", "style="},
	}
	for _, c := range cases {
		got := string(HTML(c.in))
		if c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("HTML(%q) = %q, want it to contain %q", c.in, got, c.want)
		}
		if c.not != "" && strings.Contains(got, c.not) {
			t.Errorf("HTML(%q) = %q, must not contain %q", c.in, got, c.not)
		}
	}
	if HTML("   ") != "" {
		t.Error("blank input should give no HTML")
	}
}

func TestHTMLRemembers(t *testing.T) {
	src := "**Minnet** i TestHTMLRemembers"
	rendered.Invalidate(src) // the cache outlives a run with -count
	first := HTML(src)
	if want := render(src); first != want {
		t.Fatalf("HTML(%q) = %q, want %q", src, first, want)
	}
	cached, ok := rendered.Get(src)
	if !ok || cached != first {
		t.Fatalf("after HTML(%q) the cache holds %q, %v; want %q, true", src, cached, ok, first)
	}
	hits := rendered.Stats().Hits
	if second := HTML(src); second != first {
		t.Fatalf("second HTML(%q) = %q, first was %q", src, second, first)
	}
	if got := rendered.Stats().Hits; got != hits+1 {
		t.Fatalf("second HTML(%q) made %d cache hits, want 1 (it rendered again)", src, got-hits)
	}
	if _, ok := rendered.Get("   "); ok {
		t.Error("blank input should not be cached")
	}
}

func TestPlain(t *testing.T) {
	if got := Plain("# Rubrik\n\nEn **levande** ort & bygd.", 0); got != "Rubrik En levande ort & bygd." {
		t.Fatalf("Plain = %q", got)
	}
	if got := Plain("ett två tre fyra fem sex", 12); got != "ett två tre…" {
		t.Fatalf("cut = %q", got)
	}
}

func FuzzHTML(f *testing.F) {
	f.Add("<script>x</script>**a**")
	f.Add("[a](javascript:b)")
	f.Add("<a href=x onclick=y>z</a>")
	f.Fuzz(func(t *testing.T, s string) {
		z := html.NewTokenizer(strings.NewReader(string(HTML(s))))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			tok := z.Token()
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "form":
				t.Fatalf("HTML(%q) has a <%s> element", s, tok.Data)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") {
					t.Fatalf("HTML(%q) has a dangerous attribute %s=%q", s, a.Key, a.Val)
				}
			}
		}
	})
}
