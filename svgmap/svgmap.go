// Package svgmap draws a small map of points, such as the localities of a
// municipality, as inline SVG on the server: no JavaScript, no map tiles and
// no inline styles.
//
// Each point becomes a keyboard-reachable link with an accessible name. The
// map has a north arrow and a scale bar, both hidden from assistive
// technology. Pages should also list the same places in a table or list,
// since a map alone is not an accessible way to present them.
package svgmap

import (
	"html"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Point is a place to mark on the map.
type Point struct {
	Label       string  // visible name, e.g. "Hälleforsnäs"; points without one are left out
	Href        string  // link target, a path that begins with "/", e.g. "/orter/halleforsnas"
	Lat, Lon    float64 // WGS 84 coordinates in degrees
	Class       string  // extra CSS classes for the marker, e.g. "phase-genomforande"; only [a-z0-9-] is kept
	Description string  // extra text for the accessible name, e.g. "Genomförandefas, 45 % genomfört"
}

// Options set the size and accessible name of a map.
type Options struct {
	Width, Height int     // viewBox size in user units; 600 by 450 if zero
	Title         string  // accessible title of the whole map; "Karta" if empty, but always set it
	Desc          string  // longer description, e.g. "The table below lists the same localities."
	ID            string  // prefix for the ids of the title and desc elements; "map" if empty
	MinSpanKm     float64 // the least extent shown; 10 km if zero (a municipality), less for the places of one village
}

const (
	defaultWidth  = 600
	defaultHeight = 450
	maxSize       = 10000 // largest width or height accepted

	markerRadius = 8
	fontSize     = 14
	charWidth    = 0.6 * fontSize // estimated advance of one character of a label
	labelGap     = 5              // between a marker's edge and its label

	// earthRadiusKm is the mean radius of the earth.
	earthRadiusKm = 6371.0088
	// kmPerDegree is the length of one degree of latitude, and of one
	// degree of longitude on the equator.
	kmPerDegree = earthRadiusKm * math.Pi / 180
	// minSpanKm is the least extent shown, so that a single point, or
	// points very close together, are drawn at a sensible scale.
	minSpanKm = 10
)

// Render draws the points as an inline <svg> element, using an
// equirectangular projection corrected for latitude (x scaled by the cosine
// of the mean latitude), fitted to the points' bounding box with a margin
// and keeping the aspect ratio. North is up.
//
// Points are drawn in the given order, which is also the keyboard order.
// Markers that would cover each other, such as points with the same
// coordinates, are spread on a small ring around their common position.
// Points without a label, with coordinates that are not finite or out of
// range, or whose Href is not a path on this site (beginning with a single
// "/") are left out. With no points left, Render draws the empty frame with
// its title and description, without north arrow or scale bar. The result is valid both as HTML and as XML.
func Render(points []Point, opt Options) template.HTML {
	w, h := opt.Width, opt.Height
	if w <= 0 {
		w = defaultWidth
	}
	if h <= 0 {
		h = defaultHeight
	}
	w, h = min(w, maxSize), min(h, maxSize)
	id := sanitizeID(opt.ID)
	title := strings.TrimSpace(opt.Title)
	if title == "" {
		title = "Karta"
	}
	desc := strings.TrimSpace(opt.Desc)

	pts := usable(points)
	minSpan := opt.MinSpanKm
	if minSpan <= 0 || math.IsNaN(minSpan) {
		minSpan = minSpanKm
	}
	proj := fit(pts, float64(w), float64(h), minSpan)

	var b strings.Builder
	labelledBy := id + "-title"
	if desc != "" {
		labelledBy += " " + id + "-desc"
	}
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(w) + " " + strconv.Itoa(h))
	b.WriteString(`" role="group" aria-labelledby="` + labelledBy + `" class="map">`)
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	if desc != "" {
		b.WriteString(`<desc id="` + id + `-desc">` + esc(desc) + `</desc>`)
	}
	b.WriteString(`<rect class="map-background" x="0.5" y="0.5" width="` + num(float64(w)-1) +
		`" height="` + num(float64(h)-1) + `" fill="#f3f6f1" stroke="#8a9a8a" stroke-width="1"/>`)

	// Boxes that labels should not cover: the north arrow, the scale bar
	// and every marker.
	var taken []box
	if len(pts) > 0 {
		taken = append(taken, drawCompass(&b, float64(w)), drawScaleBar(&b, float64(w), float64(h), proj))
	}
	xy := make([][2]float64, len(pts))
	for i, p := range pts {
		x, y := proj.project(p.Lat, p.Lon)
		xy[i] = [2]float64{x, y}
	}
	frame := box{2, 2, float64(w) - 2, float64(h) - 2}
	spread(xy, frame)
	for _, p := range xy {
		taken = append(taken, box{p[0] - markerRadius, p[1] - markerRadius, p[0] + markerRadius, p[1] + markerRadius})
	}
	for i, p := range pts {
		x, y := xy[i][0], xy[i][1]
		l := placeLabel(x, y, utf8.RuneCountInString(p.Label), frame, taken)
		taken = append(taken, l.box)

		name := p.Label
		if p.Description != "" {
			name += ", " + p.Description
		}
		class := "marker"
		if c := sanitizeClass(p.Class); c != "" {
			class += " " + c
		}
		b.WriteString(`<a href="` + esc(p.Href) + `" aria-label="` + esc(name) + `">`)
		b.WriteString(`<title>` + esc(name) + `</title>`)
		b.WriteString(`<circle class="` + class + `" cx="` + num(x) + `" cy="` + num(y) + `" r="` +
			strconv.Itoa(markerRadius) + `" fill="#1d5e8c" stroke="#ffffff" stroke-width="2"/>`)
		b.WriteString(`<text class="marker-label" x="` + num(l.x) + `" y="` + num(l.y) + `" text-anchor="` +
			l.anchor + `" font-size="` + strconv.Itoa(fontSize) + `" fill="#1a1a1a">` + esc(p.Label) + `</text>`)
		b.WriteString(`</a>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// usable returns the points that can be drawn, with their texts cleaned.
func usable(points []Point) []Point {
	var out []Point
	for _, p := range points {
		p.Label = strings.TrimSpace(clean(p.Label))
		p.Description = strings.TrimSpace(clean(p.Description))
		if p.Label == "" || !localHref(p.Href) ||
			!(p.Lat >= -85 && p.Lat <= 85) || !(p.Lon >= -180 && p.Lon <= 180) { // false for NaN too
			continue
		}
		out = append(out, p)
	}
	return out
}

// localHref reports whether href is a path on this site: it begins with "/"
// but not "//" or "/\" (which browsers take as another host), and has no
// white space or control characters.
func localHref(href string) bool {
	if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") || strings.ContainsRune(href, '\\') {
		return false
	}
	if !utf8.ValidString(href) {
		return false
	}
	for _, r := range href {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	u, err := url.Parse(href)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// projection maps latitude and longitude to map coordinates.
type projection struct {
	cosLat     float64 // cosine of the mean latitude of the points
	scale      float64 // map units per degree of latitude
	cx, cy     float64 // projected centre of the points, in degrees
	midX, midY float64 // centre of the drawing area, in map units
}

// project returns the map coordinates of a place; y grows southwards.
func (p projection) project(lat, lon float64) (x, y float64) {
	return p.midX + (lon*p.cosLat-p.cx)*p.scale, p.midY - (lat-p.cy)*p.scale
}

// unitsPerKm is the map scale, the same in every direction.
func (p projection) unitsPerKm() float64 { return p.scale / kmPerDegree }

// margins around the points, in map units: room for labels at the sides,
// for the north arrow at the top and for the scale bar at the bottom.
func margins(w, h float64) (side, top, bottom float64) {
	return min(48, w/6), min(48, h/6), min(44, h/6)
}

// fit returns the projection that centres the points' bounding box in a
// w by h map, as large as the margins allow.
func fit(pts []Point, w, h, minSpanKm float64) projection {
	side, top, bottom := margins(w, h)
	p := projection{cosLat: 1, midX: w / 2, midY: top + (h-top-bottom)/2}
	minSpan := minSpanKm / kmPerDegree
	if len(pts) == 0 {
		p.scale = min(w-2*side, h-top-bottom) / minSpan
		return p
	}
	mean := 0.0
	for _, pt := range pts {
		mean += pt.Lat
	}
	mean /= float64(len(pts))
	p.cosLat = math.Cos(mean * math.Pi / 180)

	minX, maxX := math.Inf(1), math.Inf(-1)
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, pt := range pts {
		x := pt.Lon * p.cosLat
		minX, maxX = min(minX, x), max(maxX, x)
		minY, maxY = min(minY, pt.Lat), max(maxY, pt.Lat)
	}
	p.cx, p.cy = (minX+maxX)/2, (minY+maxY)/2
	spanX, spanY := max(maxX-minX, minSpan), max(maxY-minY, minSpan)
	p.scale = min((w-2*side)/spanX, (h-top-bottom)/spanY)
	return p
}

// spread moves markers that would mostly cover each other, with centres
// less than a marker radius apart, onto a small ring around their mean
// position, so that each of them can be seen and clicked. Markers stay
// inside frame.
func spread(xy [][2]float64, frame box) {
	var groups [][]int
	for i, p := range xy {
		found := false
		for g, members := range groups {
			q := xy[members[0]]
			if math.Hypot(p[0]-q[0], p[1]-q[1]) < markerRadius {
				groups[g] = append(members, i)
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, []int{i})
		}
	}
	for _, g := range groups {
		k := float64(len(g))
		if k < 2 {
			continue
		}
		var cx, cy float64
		for _, i := range g {
			cx += xy[i][0] / k
			cy += xy[i][1] / k
		}
		// Neighbours on the ring are 2*markerRadius+2 apart.
		r := (markerRadius + 1) / math.Sin(math.Pi/k)
		for j, i := range g {
			a := -math.Pi/2 + 2*math.Pi*float64(j)/k
			x := min(max(cx+r*math.Cos(a), frame.x0+markerRadius), frame.x1-markerRadius)
			y := min(max(cy+r*math.Sin(a), frame.y0+markerRadius), frame.y1-markerRadius)
			xy[i] = [2]float64{x, y}
		}
	}
}

// box is an axis-aligned rectangle in map units.
type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlap(b box) float64 {
	dx := min(a.x1, b.x1) - max(a.x0, b.x0)
	dy := min(a.y1, b.y1) - max(a.y0, b.y0)
	if dx <= 0 || dy <= 0 {
		return 0
	}
	return dx * dy
}

func (a box) inside(b box) bool {
	return a.x0 >= b.x0 && a.y0 >= b.y0 && a.x1 <= b.x1 && a.y1 <= b.y1
}

// label is where a marker's label goes.
type label struct {
	x, y   float64 // anchor point on the baseline
	anchor string  // "start" or "end"
	box    box     // estimated extent
}

// placeLabel chooses a place for a label of n characters beside the marker
// at (x, y): right or left of it, then nudged up or down a line at a time,
// taking the first place that stays inside frame and covers nothing in
// taken, or else the place that covers least.
func placeLabel(x, y float64, n int, frame box, taken []box) label {
	width := float64(n) * charWidth
	line := float64(fontSize) + 2
	var best label
	bestCost := math.Inf(1)
	for _, step := range []float64{0, -1, 1, -2, 2, -3, 3} {
		for _, right := range []bool{true, false} {
			var l label
			base := y + step*line + 0.35*fontSize // middle of the text at y
			l.y = base
			if right {
				l.x, l.anchor = x+markerRadius+labelGap, "start"
				l.box = box{l.x, base - 0.8*fontSize, l.x + width, base + 0.25*fontSize}
			} else {
				l.x, l.anchor = x-markerRadius-labelGap, "end"
				l.box = box{l.x - width, base - 0.8*fontSize, l.x, base + 0.25*fontSize}
			}
			cost := 0.0
			if !l.box.inside(frame) {
				// Allowed only as a last resort, and the less the better.
				cost += 1e6 + (l.box.x1-l.box.x0)*(l.box.y1-l.box.y0) - l.box.overlap(frame)
			}
			for _, t := range taken {
				cost += l.box.overlap(t)
			}
			cost += math.Abs(step) * 0.01 // prefer labels level with their marker
			if cost < bestCost {
				best, bestCost = l, cost
			}
			if cost < 0.5 {
				return best
			}
		}
	}
	return best
}

// drawCompass draws a north arrow in the top right corner and returns its
// extent.
func drawCompass(b *strings.Builder, w float64) box {
	x := w - 26
	b.WriteString(`<g class="map-north" aria-hidden="true">`)
	b.WriteString(`<path d="M` + num(x) + ` 10 L` + num(x+7) + ` 30 L` + num(x) + ` 25 L` + num(x-7) +
		` 30 Z" fill="#1a1a1a"/>`)
	b.WriteString(`<text x="` + num(x) + `" y="44" text-anchor="middle" font-size="13" font-weight="bold" fill="#1a1a1a">N</text>`)
	b.WriteString(`</g>`)
	return box{x - 10, 6, x + 10, 47}
}

// drawScaleBar draws a scale bar in the bottom left corner, of a round
// length about a fifth of the map's width, and returns its extent.
func drawScaleBar(b *strings.Builder, w, h float64, p projection) box {
	km := niceLength(w / 5 / p.unitsPerKm())
	length := km * p.unitsPerKm()
	x0, y := 16.0, h-14
	x1 := x0 + length
	b.WriteString(`<g class="map-scale" aria-hidden="true">`)
	b.WriteString(`<path d="M` + num(x0) + ` ` + num(y-6) + ` V` + num(y) + ` H` + num(x1) + ` V` + num(y-6) +
		`" fill="none" stroke="#1a1a1a" stroke-width="2"/>`)
	b.WriteString(`<text x="` + num((x0+x1)/2) + `" y="` + num(y-9) +
		`" text-anchor="middle" font-size="12" fill="#1a1a1a">` + distance(km) + `</text>`)
	b.WriteString(`</g>`)
	return box{x0 - 2, y - 24, max(x1, x0+40) + 2, y + 2}
}

// niceLength returns the length of 1, 2 or 5 times a power of ten that is
// nearest to km on a logarithmic scale.
func niceLength(km float64) float64 {
	if !(km > 0) || math.IsInf(km, 0) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(km)))
	best := pow
	for _, m := range []float64{1, 2, 5, 10} {
		if math.Abs(math.Log(m*pow/km)) < math.Abs(math.Log(best/km)) {
			best = m * pow
		}
	}
	return best
}

// distance formats a length for the scale bar: metres under 1 km.
func distance(km float64) string {
	if km < 1 {
		return strconv.FormatFloat(km*1000, 'f', -1, 64) + " m"
	}
	return strconv.FormatFloat(km, 'f', -1, 64) + " km"
}

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

// clean makes s safe to put in HTML and XML text: invalid UTF-8 becomes
// U+FFFD, and control characters and non-characters become spaces.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || (r >= 0xFDD0 && r <= 0xFDEF) || r&0xFFFE == 0xFFFE {
			return ' '
		}
		return r
	}, s)
}

// esc cleans s and escapes it for an attribute value or text content.
func esc(s string) string { return html.EscapeString(clean(s)) }

// sanitizeClass keeps the characters a-z, 0-9 and "-" of each
// space-separated class name, after lower-casing ASCII letters.
func sanitizeClass(s string) string {
	var names []string
	for _, f := range strings.Fields(s) {
		f = strings.Map(func(r rune) rune {
			switch {
			case r >= 'A' && r <= 'Z':
				return r + 'a' - 'A'
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
				return r
			}
			return -1
		}, f)
		if f != "" {
			names = append(names, f)
		}
	}
	return strings.Join(names, " ")
}

// sanitizeID keeps the characters A-Z, a-z, 0-9, "-" and "_" of an id
// prefix, and returns "map" if none is left.
func sanitizeID(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, s)
	if s == "" {
		return "map"
	}
	return s
}
