package svgmap

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

func TestRenderGrid(t *testing.T) {
	var cells []GridCell
	for r := range 3 {
		for c := range 4 {
			cells = append(cells, GridCell{Href: fmt.Sprintf("/orter/bettna/atgarder/7?lat=%d&lon=%d", r, c), Label: fmt.Sprintf("Rad %d, kolumn %d", r+1, c+1)})
		}
	}
	cells[5].Href = "https://example.com/" // not on this site: left out
	cells[6].Label = " "                   // no name: left out
	out := string(RenderGrid(3, 4, cells, []GridMark{{X: 0.5, Y: 0.5, Label: "Bettna"}, {X: 1.5, Y: 0.5, Label: "Utanför"}},
		Options{Title: "Välj plats", Desc: "Varje ruta är 500 m", ID: "pick", Width: 400, Height: 300}))

	// Valid XML, with the links in order and each with its name.
	dec := xml.NewDecoder(strings.NewReader(out))
	var hrefs, names, texts []string
	hidden := false
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not XML: %v\n%s", err, out)
			}
			break
		}
		switch el := tok.(type) {
		case xml.StartElement:
			for _, a := range el.Attr {
				switch {
				case el.Name.Local == "a" && a.Name.Local == "href":
					hrefs = append(hrefs, a.Value)
				case el.Name.Local == "a" && a.Name.Local == "aria-label":
					names = append(names, a.Value)
				case el.Name.Local == "g" && a.Name.Local == "aria-hidden" && a.Value == "true":
					hidden = true
				}
			}
		case xml.CharData:
			if hidden {
				if s := strings.TrimSpace(string(el)); s != "" {
					texts = append(texts, s)
				}
			}
		}
	}
	if len(hrefs) != 10 || len(names) != 10 {
		t.Fatalf("%d links, %d names; want 10 of each", len(hrefs), len(names))
	}
	if hrefs[0] != "/orter/bettna/atgarder/7?lat=0&lon=0" || names[9] != "Rad 3, kolumn 4" {
		t.Errorf("links %v %v", hrefs, names)
	}
	if strings.Contains(out, "example.com") {
		t.Error("a link off the site is drawn")
	}
	if !hidden || len(texts) != 1 || texts[0] != "Bettna" {
		t.Errorf("marks %v (hidden %v): want only Bettna, hidden from assistive technology", texts, hidden)
	}
	for _, want := range []string{`aria-labelledby="pick-title pick-desc"`, `viewBox="0 0 400 300"`, `<title id="pick-title">Välj plats</title>`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	if strings.Contains(out, "style=") || strings.Contains(out, "<script") {
		t.Error("inline style or script")
	}
}
