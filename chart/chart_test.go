package chart

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// parse checks that the chart is well-formed XML and returns its elements.
func parse(t *testing.T, svg string) []xml.StartElement {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var out []xml.StartElement
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			out = append(out, se)
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func TestBarsAccessibleAndPatterned(t *testing.T) {
	b := Bars{ID: "signups", Title: "Anmälningar <per kvartal>", Desc: "Tabellen nedan har samma siffror.",
		Categories: []string{"2026 K1", "2026 K2", "2026 K3"},
		Series:     []Series{{Name: "Anmälda", Values: []float64{3, 0, 12}}, {Name: "Med i grupp", Values: []float64{1, 0, 5}}}}
	svg := string(b.SVG())
	els := parse(t, svg)
	root := els[0]
	if root.Name.Local != "svg" || attr(root, "role") != "img" || attr(root, "aria-labelledby") != "signups-title signups-desc" {
		t.Fatalf("root: %+v", root)
	}
	if !strings.Contains(svg, `<title id="signups-title">Anmälningar &lt;per kvartal&gt;</title>`) ||
		!strings.Contains(svg, `<desc id="signups-desc">Tabellen nedan har samma siffror.</desc>`) {
		t.Errorf("title or desc missing or unescaped: %s", svg)
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
		t.Error("inline style or script breaks the CSP")
	}
	bars, patterns, texts := 0, map[string]bool{}, 0
	for _, e := range els {
		switch {
		case e.Name.Local == "rect" && attr(e, "class") == "chart-bar":
			bars++
			patterns[attr(e, "fill")] = true
		case e.Name.Local == "pattern":
			if !strings.HasPrefix(attr(e, "id"), "signups-p") {
				t.Errorf("pattern id %q", attr(e, "id"))
			}
		case e.Name.Local == "text":
			texts++
		}
	}
	if bars != 6 || len(patterns) != 2 || !patterns["url(#signups-p0)"] || !patterns["url(#signups-p1)"] {
		t.Errorf("bars %d with fills %v", bars, patterns)
	}
	// Every bar's value, the legend and the categories are written out.
	for _, s := range []string{">12</text>", ">5</text>", ">Anmälda</text>", ">Med i grupp</text>", ">2026 K3</tspan>"} {
		if !strings.Contains(svg, s) {
			t.Errorf("missing %s", s)
		}
	}
}

func TestBarsEmptyAndOdd(t *testing.T) {
	// No data, no categories, a bad id, negative and too many series: still a valid image.
	b := Bars{ID: "9 Ä<x>", Title: "Tomt"}
	els := parse(t, string(b.SVG()))
	if attr(els[0], "aria-labelledby") != "chart9x-title chart9x-desc" {
		t.Errorf("id: %q", attr(els[0], "aria-labelledby"))
	}
	var many []Series
	for range MaxSeries + 2 {
		many = append(many, Series{Name: "S", Values: []float64{-4, 0}})
	}
	svg := string(Bars{ID: "x", Title: "T", Categories: []string{"a", "b"}, Series: many}.SVG())
	n := 0
	for _, e := range parse(t, svg) {
		if attr(e, "class") == "chart-bar" {
			n++
			if h := attr(e, "height"); h != "0" {
				t.Errorf("negative value drawn with height %s", h)
			}
		}
	}
	if n != 2*MaxSeries {
		t.Errorf("bars: %d", n)
	}
}

func TestBarsManyNarrowBars(t *testing.T) {
	// Twenty years of two series: the values turn upright, long labels wrap.
	var cats []string
	var a, b []float64
	for i := range 20 {
		cats = append(cats, "Ingen ålder angiven")
		a, b = append(a, float64(1000+i)), append(b, 5)
	}
	svg := string(Bars{ID: "years", Title: "År", Categories: cats, Series: []Series{{Name: "A", Values: a}, {Name: "B", Values: b}}}.SVG())
	rotated, lines := 0, 0
	for _, e := range parse(t, svg) {
		if strings.HasPrefix(attr(e, "transform"), "rotate(-90 ") {
			rotated++
		}
		if e.Name.Local == "tspan" {
			lines++
		}
	}
	if rotated != 40 || lines != 40 || !strings.Contains(svg, ">1019</text>") || !strings.Contains(svg, ">angiven</tspan>") {
		t.Errorf("rotated %d, label lines %d", rotated, lines)
	}
}

func TestWrap(t *testing.T) {
	if got := wrap("80 år eller äldre", 60, 11); len(got) != 2 || got[0] != "80 år" || got[1] != "eller äldre" {
		t.Errorf("wrap: %q", got)
	}
	if got := wrap("2026 K3", 100, 13); len(got) != 1 {
		t.Errorf("short label wrapped: %q", got)
	}
}

func TestScale(t *testing.T) {
	for _, c := range []struct{ max, step, top float64 }{
		{0, 1, 4}, {3, 1, 3}, {7, 2, 8}, {12, 5, 15}, {100, 25, 100}, {1234, 500, 1500}, {0.4, 1, 1},
	} {
		if step, top := scale(c.max); step != c.step || top != c.top {
			t.Errorf("scale(%v) = %v, %v; want %v, %v", c.max, step, top, c.step, c.top)
		}
	}
}
