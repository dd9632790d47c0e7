package svgmap

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Localities in Flen municipality.
var flen = []Point{
	{Label: "Flen", Href: "/orter/flen", Lat: 59.0568, Lon: 16.5893, Class: "phase-genomforande", Description: "Genomförandefas, 45 % genomfört"},
	{Label: "Malmköping", Href: "/orter/malmkoping", Lat: 59.1331, Lon: 16.7255, Class: "phase-planering"},
	{Label: "Hälleforsnäs", Href: "/orter/halleforsnas", Lat: 59.1610, Lon: 16.4990},
	{Label: "Sparreholm", Href: "/orter/sparreholm", Lat: 59.0790, Lon: 16.8230},
	{Label: "Bettna", Href: "/orter/bettna", Lat: 58.9180, Lon: 16.6350},
	{Label: "Mellösa", Href: "/orter/mellosa", Lat: 59.1060, Lon: 16.5500},
	{Label: "Skebokvarn", Href: "/orter/skebokvarn", Lat: 59.0670, Lon: 16.7480},
	{Label: "Vadsbro", Href: "/orter/vadsbro", Lat: 58.9500, Lon: 16.6900},
}

// node is a parsed XML element.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// all returns the elements named name in the tree, in document order.
func (n node) all(name string) []node {
	var out []node
	if n.XMLName.Local == name {
		out = append(out, n)
	}
	for _, c := range n.Children {
		out = append(out, c.all(name)...)
	}
	return out
}

// parse checks that s is one well-formed XML element with nothing around
// it, and returns it.
func parse(t *testing.T, s string) node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
	}
	var root node
	if err := xml.Unmarshal([]byte(s), &root); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if !strings.HasPrefix(s, "<svg ") || !strings.HasSuffix(s, "</svg>") {
		t.Fatalf("not a single svg element: %.60q...", s)
	}
	return root
}

func render(t *testing.T, pts []Point, opt Options) (string, node) {
	t.Helper()
	s := string(Render(pts, opt))
	return s, parse(t, s)
}

func TestStructure(t *testing.T) {
	s, root := render(t, flen, Options{Title: "Karta över orterna", Desc: "Tabellen nedan visar samma orter.", ID: "orter"})
	if root.XMLName.Space != "http://www.w3.org/2000/svg" || root.XMLName.Local != "svg" {
		t.Fatalf("root is %v", root.XMLName)
	}
	for name, want := range map[string]string{
		"viewBox": "0 0 600 450", "role": "group", "aria-labelledby": "orter-title orter-desc", "class": "map",
	} {
		if got := root.attr(name); got != want {
			t.Errorf("svg %s = %q, want %q", name, got, want)
		}
	}
	if len(root.Children) < 2 || root.Children[0].XMLName.Local != "title" || root.Children[1].XMLName.Local != "desc" {
		t.Fatalf("the first children are not title and desc")
	}
	if c := root.Children[0]; c.attr("id") != "orter-title" || c.Text != "Karta över orterna" {
		t.Errorf("title = %+v", c)
	}
	if c := root.Children[1]; c.attr("id") != "orter-desc" || c.Text != "Tabellen nedan visar samma orter." {
		t.Errorf("desc = %+v", c)
	}
	if strings.Contains(s, "style") {
		t.Errorf("output has a style attribute or element:\n%s", s)
	}
	if strings.Contains(s, "<script") {
		t.Errorf("output has a script")
	}

	links := root.all("a")
	if len(links) != len(flen) {
		t.Fatalf("%d links, want %d", len(links), len(flen))
	}
	for i, a := range links {
		p := flen[i]
		name := p.Label
		if p.Description != "" {
			name += ", " + p.Description
		}
		if a.attr("href") != p.Href || a.attr("aria-label") != name {
			t.Errorf("link %d: href %q aria-label %q", i, a.attr("href"), a.attr("aria-label"))
		}
		if ts := a.all("title"); len(ts) != 1 || ts[0].Text != name {
			t.Errorf("link %d: title %+v, want %q", i, ts, name)
		}
		if ts := a.all("text"); len(ts) != 1 || ts[0].Text != p.Label {
			t.Errorf("link %d: text %+v, want %q", i, ts, p.Label)
		}
		cs := a.all("circle")
		if len(cs) != 1 {
			t.Fatalf("link %d: %d circles", i, len(cs))
		}
		want := "marker"
		if p.Class != "" {
			want += " " + p.Class
		}
		if got := cs[0].attr("class"); got != want {
			t.Errorf("link %d: circle class %q, want %q", i, got, want)
		}
		if r := cs[0].num(t, "r"); r < 6 || r > 10 {
			t.Errorf("marker radius %v", r)
		}
	}
	// The north arrow and scale bar are hidden from assistive technology.
	var hidden int
	for _, g := range root.all("g") {
		if g.attr("aria-hidden") == "true" {
			hidden++
		}
	}
	if hidden != 2 {
		t.Errorf("%d hidden groups, want 2 (north arrow, scale bar)", hidden)
	}
}

func TestInsideMargins(t *testing.T) {
	for _, size := range [][2]int{{600, 450}, {300, 600}, {1000, 200}} {
		w, h := float64(size[0]), float64(size[1])
		proj := fit(usable(flen), w, h, minSpanKm)
		side, top, bottom := margins(w, h)
		const eps = 1e-6
		var touchX, touchY bool
		for _, p := range flen {
			x, y := proj.project(p.Lat, p.Lon)
			if x < side-eps || x > w-side+eps || y < top-eps || y > h-bottom+eps {
				t.Errorf("%v: %s at (%.1f, %.1f) is outside the margins", size, p.Label, x, y)
			}
			touchX = touchX || math.Abs(x-side) < 1e-6 || math.Abs(x-(w-side)) < 1e-6
			touchY = touchY || math.Abs(y-top) < 1e-6 || math.Abs(y-(h-bottom)) < 1e-6
		}
		if !touchX && !touchY {
			t.Errorf("%v: the points do not fill the map in either direction", size)
		}

		// The rendered markers agree with the projection.
		_, root := render(t, flen, Options{Title: "Karta", Width: size[0], Height: size[1]})
		for i, c := range root.all("circle") {
			x, y := proj.project(flen[i].Lat, flen[i].Lon)
			if math.Abs(c.num(t, "cx")-x) > 0.051 || math.Abs(c.num(t, "cy")-y) > 0.051 {
				t.Errorf("%v: marker %d at (%v, %v), want (%.1f, %.1f)", size, i, c.attr("cx"), c.attr("cy"), x, y)
			}
		}
	}
}

func TestEastIsRightNorthIsUp(t *testing.T) {
	pts := usable(flen)
	proj := fit(pts, 600, 450, minSpanKm)
	fx, fy := proj.project(59.0568, 16.5893) // Flen
	mx, my := proj.project(59.1331, 16.7255) // Malmköping, north-east of Flen
	if mx <= fx {
		t.Errorf("Malmköping x %.1f is not east (right) of Flen x %.1f", mx, fx)
	}
	if my >= fy {
		t.Errorf("Malmköping y %.1f is not north of (above) Flen y %.1f", my, fy)
	}
}

// haversine returns the great-circle distance in km.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(a))
}

var scaleText = regexp.MustCompile(`^(\d+) (km|m)$`)

func TestScaleBar(t *testing.T) {
	for _, size := range [][2]int{{600, 450}, {300, 300}, {1200, 500}} {
		pts := flen[:2] // Flen and Malmköping
		_, root := render(t, pts, Options{Title: "Karta", Width: size[0], Height: size[1]})
		proj := fit(usable(pts), float64(size[0]), float64(size[1]), minSpanKm)

		// The projection keeps distances: Flen to Malmköping is about 11.5 km
		// as the crow flies (8.5 km north, 7.8 km east).
		km := haversine(59.0568, 16.5893, 59.1331, 16.7255)
		if math.Abs(km-11.5) > 0.1 {
			t.Fatalf("haversine = %.2f km", km)
		}
		fx, fy := proj.project(59.0568, 16.5893)
		mx, my := proj.project(59.1331, 16.7255)
		if got := math.Hypot(mx-fx, my-fy) / proj.unitsPerKm(); math.Abs(got-km)/km > 0.005 {
			t.Errorf("%v: map distance %.3f km, great-circle distance %.3f km", size, got, km)
		}

		// The scale bar: a path "M x0 y0 V y H x1 V y0" and its length.
		var bar node
		for _, g := range root.all("g") {
			if g.attr("class") == "map-scale" {
				bar = g
			}
		}
		paths, texts := bar.all("path"), bar.all("text")
		if len(paths) != 1 || len(texts) != 1 {
			t.Fatalf("%v: scale bar has %d paths, %d texts", size, len(paths), len(texts))
		}
		var x0, y0, y, x1, y2 float64
		if _, err := fmt.Sscanf(paths[0].attr("d"), "M%g %g V%g H%g V%g", &x0, &y0, &y, &x1, &y2); err != nil {
			t.Fatalf("scale bar path %q: %v", paths[0].attr("d"), err)
		}
		m := scaleText.FindStringSubmatch(texts[0].Text)
		if m == nil {
			t.Fatalf("scale bar text %q", texts[0].Text)
		}
		length, _ := strconv.ParseFloat(m[1], 64)
		if m[2] == "m" {
			length /= 1000
		}
		if got, want := x1-x0, length*proj.unitsPerKm(); math.Abs(got-want) > 0.11 {
			t.Errorf("%v: bar of %s is %.1f units, want %.1f", size, texts[0].Text, got, want)
		}
		// A round length, about a fifth of the width.
		if d := m[1][1:]; strings.Trim(d, "0") != "" || !strings.Contains("125", m[1][:1]) {
			t.Errorf("%v: %s is not a round length", size, texts[0].Text)
		}
		if r := (x1 - x0) / float64(size[0]); r < 0.2/1.6 || r > 0.2*1.6 {
			t.Errorf("%v: bar is %.2f of the width", size, r)
		}
		if x0 < 0 || x1 > float64(size[0]) || y > float64(size[1]) {
			t.Errorf("%v: bar outside the map", size)
		}
	}
}

func TestNiceLength(t *testing.T) {
	for km, want := range map[float64]float64{
		1: 1, 1.4: 1, 1.5: 2, 3: 2, 3.3: 5, 7: 5, 7.5: 10, 12: 10, 0.3: 0.2, 0.04: 0.05, 180: 200,
	} {
		if got := niceLength(km); math.Abs(got-want) > 1e-9 {
			t.Errorf("niceLength(%v) = %v, want %v", km, got, want)
		}
	}
	if distance(0.5) != "500 m" || distance(10) != "10 km" || distance(2) != "2 km" {
		t.Errorf("distance: %q %q %q", distance(0.5), distance(10), distance(2))
	}
}

func TestEscaping(t *testing.T) {
	pts := []Point{{
		Label:       `<script>alert("x")</script> & Co`,
		Description: `"citat" & 'apostrof' <b>`,
		Href:        `/orter/a?x=1&y="2"`,
		Lat:         59, Lon: 16.5,
		Class: `phase-"><script>`,
	}}
	s, root := render(t, pts, Options{Title: `Orter <i>&</i>`, Desc: `Beskrivning "med" citat`, ID: `x" onload="y`})
	if strings.Contains(s, "<script") || strings.Contains(s, "<b>") || strings.Contains(s, "<i>") {
		t.Fatalf("markup in a label got through:\n%s", s)
	}
	if strings.Contains(s, "onload") && strings.Contains(s, `onload="`) {
		t.Fatalf("attribute injection through the id:\n%s", s)
	}
	a := root.all("a")[0]
	if got, want := a.attr("href"), `/orter/a?x=1&y="2"`; got != want {
		t.Errorf("href %q, want %q", got, want)
	}
	wantName := `<script>alert("x")</script> & Co, "citat" & 'apostrof' <b>`
	if got := a.attr("aria-label"); got != wantName {
		t.Errorf("aria-label %q, want %q", got, wantName)
	}
	if got := a.all("text")[0].Text; got != pts[0].Label {
		t.Errorf("label %q", got)
	}
	if got := root.Children[0].Text; got != `Orter <i>&</i>` {
		t.Errorf("title %q", got)
	}
	if got := a.all("circle")[0].attr("class"); got != "marker phase-script" {
		t.Errorf("class %q", got)
	}
	if got := root.attr("aria-labelledby"); got != "xonloady-title xonloady-desc" {
		t.Errorf("aria-labelledby %q", got)
	}
	// Control characters and invalid UTF-8 are not allowed in XML.
	_, root = render(t, []Point{{Label: "Ort\x00\x1b[31m\xff", Href: "/o", Lat: 59, Lon: 16}}, Options{Title: "T\x01"})
	if got := root.all("a")[0].all("text")[0].Text; got != "Ort  [31m\uFFFD" {
		t.Errorf("label %q", got)
	}
}

func TestHrefs(t *testing.T) {
	var pts []Point
	hrefs := []string{
		"/orter/flen", "https://example.com/", "//example.com/x", "/\\example.com", "javascript:alert(1)",
		"", "orter/flen", " /orter/flen", "/orter/med mellanslag", "/orter/tab\t", "/orter/hälleforsnäs",
		"/orter/flen?vy=karta#karta", "JAVASCRIPT:alert(1)", "data:text/html,x", "mailto:a@b.se",
	}
	for i, h := range hrefs {
		pts = append(pts, Point{Label: "P" + strconv.Itoa(i), Href: h, Lat: 59 + float64(i)/100, Lon: 16.5})
	}
	_, root := render(t, pts, Options{Title: "Karta"})
	var got []string
	for _, a := range root.all("a") {
		got = append(got, a.attr("href"))
	}
	want := []string{"/orter/flen", "/orter/hälleforsnäs", "/orter/flen?vy=karta#karta"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("hrefs kept: %q, want %q", got, want)
	}
}

func TestBadPoints(t *testing.T) {
	pts := []Point{
		{Label: "", Href: "/a", Lat: 59, Lon: 16},
		{Label: "  ", Href: "/a", Lat: 59, Lon: 16},
		{Label: "NaN", Href: "/a", Lat: math.NaN(), Lon: 16},
		{Label: "Inf", Href: "/a", Lat: 59, Lon: math.Inf(1)},
		{Label: "Pole", Href: "/a", Lat: 90, Lon: 16},
		{Label: "Lon", Href: "/a", Lat: 59, Lon: 200},
		{Label: "Bra", Href: "/a", Lat: 59, Lon: 16},
	}
	_, root := render(t, pts, Options{Title: "Karta"})
	if links := root.all("a"); len(links) != 1 || links[0].attr("aria-label") != "Bra" {
		t.Errorf("links: %+v", links)
	}
}

func TestZeroPoints(t *testing.T) {
	for _, pts := range [][]Point{nil, {{Label: "x", Href: "http://x"}}} {
		s, root := render(t, pts, Options{Title: "Inga orter", Desc: "Det finns inga orter att visa."})
		if len(root.all("a")) != 0 || len(root.all("circle")) != 0 || len(root.all("g")) != 0 {
			t.Errorf("empty map has markers, north arrow or scale:\n%s", s)
		}
		if root.Children[0].Text != "Inga orter" || root.Children[1].Text != "Det finns inga orter att visa." {
			t.Errorf("title/desc missing:\n%s", s)
		}
		if len(root.all("rect")) != 1 {
			t.Errorf("no background:\n%s", s)
		}
	}
}

func TestDefaults(t *testing.T) {
	_, root := render(t, flen[:1], Options{})
	if root.attr("viewBox") != "0 0 600 450" {
		t.Errorf("viewBox %q", root.attr("viewBox"))
	}
	// Without Desc, only the title names the map.
	if root.attr("aria-labelledby") != "map-title" || len(root.all("desc")) != 0 {
		t.Errorf("aria-labelledby %q", root.attr("aria-labelledby"))
	}
	if c := root.Children[0]; c.XMLName.Local != "title" || c.attr("id") != "map-title" || c.Text == "" {
		t.Errorf("no title: %+v", c)
	}
}

func TestOnePointCentred(t *testing.T) {
	_, root := render(t, flen[:1], Options{Title: "Flen"})
	c := root.all("circle")[0]
	side, top, bottom := margins(600, 450)
	wantX, wantY := side+(600-2*side)/2, top+(450-top-bottom)/2
	if math.Abs(c.num(t, "cx")-wantX) > 0.06 || math.Abs(c.num(t, "cy")-wantY) > 0.06 {
		t.Errorf("marker at (%v, %v), want (%.1f, %.1f)", c.attr("cx"), c.attr("cy"), wantX, wantY)
	}
	if len(root.all("g")) != 2 {
		t.Errorf("no north arrow or scale bar")
	}
}

func TestDuplicatePoints(t *testing.T) {
	pts := []Point{
		{Label: "Norra", Href: "/a", Lat: 59.1, Lon: 16.6},
		{Label: "Södra", Href: "/b", Lat: 59.1, Lon: 16.6},
		{Label: "Östra", Href: "/c", Lat: 59.1, Lon: 16.6},
	}
	_, root := render(t, pts, Options{Title: "Karta"})
	circles := root.all("circle")
	if n := len(circles); n != 3 {
		t.Fatalf("%d markers, want 3", n)
	}
	checkLabels(t, root)

	// The markers are spread around the common position, so that each can
	// be seen and clicked.
	var cx, cy float64
	for i, c := range circles {
		x, y := c.num(t, "cx"), c.num(t, "cy")
		cx, cy = cx+x/3, cy+y/3
		for _, o := range circles[:i] {
			if d := math.Hypot(x-o.num(t, "cx"), y-o.num(t, "cy")); d < 2*markerRadius {
				t.Errorf("markers %.1f apart, want at least %d", d, 2*markerRadius)
			}
		}
	}
	x, y := fit(usable(pts), 600, 450, minSpanKm).project(59.1, 16.6)
	if math.Hypot(cx-x, cy-y) > 0.2 {
		t.Errorf("markers centred on (%.1f, %.1f), want (%.1f, %.1f)", cx, cy, x, y)
	}
}

// checkLabels asserts that no two labels overlap, estimating their width
// the way Render does, and that they stay inside the view box.
func checkLabels(t *testing.T, root node) {
	t.Helper()
	var w, h float64
	fmt.Sscanf(root.attr("viewBox"), "0 0 %g %g", &w, &h)
	var boxes []box
	for _, l := range root.all("text") {
		if l.attr("class") != "marker-label" {
			continue
		}
		x, y := l.num(t, "x"), l.num(t, "y")
		width := float64(len([]rune(l.Text))) * charWidth
		b := box{x, y - 0.8*fontSize, x + width, y + 0.25*fontSize}
		if l.attr("text-anchor") == "end" {
			b.x0, b.x1 = x-width, x
		}
		if b.x0 < -0.1 || b.y0 < -0.1 || b.x1 > w+0.1 || b.y1 > h+0.1 {
			t.Errorf("label %q (%+v) is outside the map", l.Text, b)
		}
		for i, o := range boxes {
			if b.overlap(o) > 0.5 {
				t.Errorf("label %q overlaps label %d", l.Text, i)
			}
		}
		boxes = append(boxes, b)
	}
}

func TestLabelsDoNotOverlap(t *testing.T) {
	_, root := render(t, flen, Options{Title: "Karta"})
	checkLabels(t, root)

	// Points in a tight row, which need labels on both sides and nudged.
	var row []Point
	for i := range 6 {
		row = append(row, Point{Label: "Ort nummer " + strconv.Itoa(i), Href: "/o", Lat: 59 + float64(i)*0.0008, Lon: 16.5 + float64(i%2)*0.3})
	}
	_, root = render(t, row, Options{Title: "Karta"})
	checkLabels(t, root)
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"phase-genomforande": "phase-genomforande", "Phase-Planering extra": "phase-planering extra",
		`a"b<c>d`: "abcd", "fas_ett": "fasett", "ÅÄÖ": "", "  ": "",
	} {
		if got := sanitizeClass(in); got != want {
			t.Errorf("sanitizeClass(%q) = %q, want %q", in, got, want)
		}
	}
	if sanitizeID("") != "map" || sanitizeID("ort-karta_1") != "ort-karta_1" || sanitizeID("<>") != "map" {
		t.Errorf("sanitizeID")
	}
}

func BenchmarkRender(b *testing.B) {
	for b.Loop() {
		Render(flen, Options{Title: "Karta"})
	}
}

// FuzzRender checks that any labels, links and classes give well-formed
// output with no markup from the input.
func FuzzRender(f *testing.F) {
	f.Add("Flen", "Genomförandefas", "/orter/flen", "phase-x", 59.0568, 16.5893, "Karta", "map")
	f.Add("<script>", `"'&`, "/a?b=1&c=<2>", `"><x`, 0.0, 0.0, "<t>", `"`)
	f.Fuzz(func(t *testing.T, label, desc, href, class string, lat, lon float64, title, id string) {
		pts := []Point{
			{Label: label, Description: desc, Href: href, Class: class, Lat: lat, Lon: lon},
			{Label: "Flen", Href: "/orter/flen", Lat: 59.0568, Lon: 16.5893},
		}
		s, root := render(t, pts, Options{Title: title, Desc: desc, ID: id})
		for _, el := range []string{"script", "style", "foreignObject", "iframe"} {
			if len(root.all(el)) > 0 {
				t.Fatalf("output has <%s>:\n%s", el, s)
			}
		}
		for _, a := range root.all("a") {
			if !strings.HasPrefix(a.attr("href"), "/") || strings.HasPrefix(a.attr("href"), "//") {
				t.Fatalf("href %q", a.attr("href"))
			}
		}
	})
}
