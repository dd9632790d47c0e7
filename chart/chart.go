// Package chart draws simple bar charts as inline SVG on the server: no
// JavaScript and no inline styles (only presentation attributes and classes),
// so they pass a strict Content-Security-Policy.
//
// Every series has its own fill pattern as well as its own colour, each bar
// carries its value as text, and the legend names the series beside a sample
// of its pattern, so colour is never the only cue. The chart is one image
// (role="img") named by its title and description; pages should show the same
// figures in a table and a short text as well.
package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one set of bars, one value per category.
type Series struct {
	Name   string
	Values []float64
}

// Bars is a grouped bar chart.
type Bars struct {
	ID         string   // prefix of the ids inside the chart, unique on the page; only [a-z0-9-] is kept
	Title      string   // accessible name, also shown as the chart's heading inside the image
	Desc       string   // longer description, e.g. "The table below gives the same figures."
	Categories []string // labels along the bottom, e.g. periods
	Series     []Series // at most len(Patterns); more are left out
	// Width and Height of the viewBox; 640 by 320 if zero.
	Width, Height int
	// Decimals is how many decimals the value labels show.
	Decimals int
}

// pattern is a series' fill: a colour that keeps 3:1 contrast with white,
// and a distinct texture.
type pattern struct {
	colour string
	body   string // the pattern's content, drawn in an 8 by 8 tile
}

// Patterns lists the fills in the order series get them.
var patterns = []pattern{
	{"#0b4f8a", `<rect width="8" height="8" fill="#0b4f8a"/>`},
	{"#7a5200", `<rect width="8" height="8" fill="#ffffff"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#7a5200" stroke-width="2.5"/>`},
	{"#1d6b2f", `<rect width="8" height="8" fill="#ffffff"/><circle cx="4" cy="4" r="2.2" fill="#1d6b2f"/>`},
	{"#5a2d82", `<rect width="8" height="8" fill="#ffffff"/><path d="M0,4 h8 M4,0 v8" stroke="#5a2d82" stroke-width="2"/>`},
}

// MaxSeries is how many series a chart can tell apart.
var MaxSeries = len(patterns)

const (
	defaultWidth  = 640
	defaultHeight = 320
	fontSize      = 13
	smallFont     = 11
	marginLeft    = 48
	marginRight   = 12
	legendRow     = 24 // height of a row of the legend, above the bars
	marginBottom  = 30 // room for the category labels
)

// SVG draws the chart. The result is valid both as HTML and as XML.
func (b Bars) SVG() template.HTML {
	w, h := b.Width, b.Height
	if w <= 0 {
		w = defaultWidth
	}
	if h <= 0 {
		h = defaultHeight
	}
	id := sanitizeID(b.ID)
	series := b.Series
	if len(series) > len(patterns) {
		series = series[:len(patterns)]
	}
	var sb strings.Builder
	sb.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ` + itoa(w) + ` ` + itoa(h) +
		`" role="img" aria-labelledby="` + id + `-title ` + id + `-desc" font-family="system-ui, sans-serif" font-size="` + itoa(fontSize) + `">`)
	sb.WriteString(`<title id="` + id + `-title">` + esc(b.Title) + `</title>`)
	sb.WriteString(`<desc id="` + id + `-desc">` + esc(b.Desc) + `</desc>`)
	sb.WriteString(`<defs>`)
	for i := range series {
		sb.WriteString(`<pattern id="` + id + `-p` + itoa(i) + `" width="8" height="8" patternUnits="userSpaceOnUse">` + patterns[i].body + `</pattern>`)
	}
	sb.WriteString(`</defs>`)
	sb.WriteString(`<rect class="chart-bg" x="0" y="0" width="` + itoa(w) + `" height="` + itoa(h) + `" fill="#ffffff"/>`)

	// Legend: a sample of each pattern and the series' name, in rows that fit.
	x, ly := float64(marginLeft), 8.0
	for i, s := range series {
		tw := 22 + textWidth(s.Name, fontSize)
		if x > marginLeft && x+tw > float64(w-marginRight) {
			x, ly = marginLeft, ly+legendRow
		}
		sb.WriteString(`<g class="chart-legend">`)
		sb.WriteString(`<rect x="` + num(x) + `" y="` + num(ly) + `" width="16" height="16" fill="url(#` + id + `-p` + itoa(i) + `)" stroke="#1b1b1b" stroke-width="1"/>`)
		sb.WriteString(`<text x="` + num(x+22) + `" y="` + num(ly+13) + `" fill="#1b1b1b">` + esc(s.Name) + `</text></g>`)
		x += tw + 18
	}

	left, right := float64(marginLeft), float64(w-marginRight)
	maxV := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			if v > maxV && !math.IsInf(v, 0) {
				maxV = v
			}
		}
	}
	step, ceil := scale(maxV)

	// Layout: bar width, value labels (turned upright when wider than the
	// bars) and category labels (on two lines when too wide).
	n := len(b.Categories)
	gw, bw := 0.0, 0.0
	labelFont, catFont, rotate := fontSize, fontSize, false
	var catLines [][]string
	if n > 0 && len(series) > 0 {
		gw = (right - left) / float64(n)
		bw = gw * 0.8 / float64(len(series))
		if bw < 18 {
			labelFont = smallFont
		}
		rotate = textWidth(formatValue(ceil, b.Decimals), labelFont)+2 > bw
		for _, cat := range b.Categories {
			if textWidth(cat, fontSize) > gw {
				catFont = smallFont
			}
		}
		for _, cat := range b.Categories {
			catLines = append(catLines, wrap(cat, gw, catFont))
		}
	}
	bottomMargin := float64(marginBottom)
	for _, ls := range catLines {
		if len(ls) > 1 {
			bottomMargin = marginBottom + float64(catFont) + 4
		}
	}
	top, bottom := ly+legendRow+16, float64(h)-bottomMargin
	if rotate {
		top += textWidth(formatValue(ceil, b.Decimals), labelFont) - float64(labelFont)
	}
	y := func(v float64) float64 { return bottom - (bottom-top)*v/ceil }

	// Grid lines with their values.
	for v := 0.0; v <= ceil+step/2; v += step {
		yy := y(v)
		sb.WriteString(`<line class="chart-grid" x1="` + num(left) + `" x2="` + num(right) + `" y1="` + num(yy) + `" y2="` + num(yy) +
			`" stroke="#8a8f94" stroke-width="1" stroke-dasharray="2 3"/>`)
		sb.WriteString(`<text x="` + num(left-6) + `" y="` + num(yy+4) + `" text-anchor="end" fill="#1b1b1b">` + formatValue(v, 0) + `</text>`)
	}

	for c := range catLines {
		gx := left + gw*float64(c) + gw*0.1
		for i, s := range series {
			v := 0.0
			if c < len(s.Values) && s.Values[c] > 0 && !math.IsInf(s.Values[c], 0) {
				v = s.Values[c]
			}
			bx, by := gx+bw*float64(i), y(v)
			sb.WriteString(`<rect class="chart-bar" x="` + num(bx) + `" y="` + num(by) + `" width="` + num(bw) + `" height="` + num(bottom-by) +
				`" fill="url(#` + id + `-p` + itoa(i) + `)" stroke="#1b1b1b" stroke-width="1"/>`)
			if rotate {
				tx, ty := bx+bw/2+float64(labelFont)/3, by-4
				sb.WriteString(`<text x="` + num(tx) + `" y="` + num(ty) + `" transform="rotate(-90 ` + num(tx) + ` ` + num(ty) +
					`)" font-size="` + itoa(labelFont) + `" fill="#1b1b1b">` + formatValue(v, b.Decimals) + `</text>`)
			} else {
				sb.WriteString(`<text x="` + num(bx+bw/2) + `" y="` + num(by-4) + `" text-anchor="middle" font-size="` + itoa(labelFont) + `" fill="#1b1b1b">` +
					formatValue(v, b.Decimals) + `</text>`)
			}
		}
		cx := left + gw*float64(c) + gw/2
		sb.WriteString(`<text x="` + num(cx) + `" y="` + num(bottom+20) + `" text-anchor="middle" font-size="` + itoa(catFont) + `" fill="#1b1b1b">`)
		for i, line := range catLines[c] {
			if i == 0 {
				sb.WriteString(`<tspan x="` + num(cx) + `">` + esc(line) + `</tspan>`)
			} else {
				sb.WriteString(`<tspan x="` + num(cx) + `" dy="` + itoa(catFont+2) + `">` + esc(line) + `</tspan>`)
			}
		}
		sb.WriteString(`</text>`)
	}
	sb.WriteString(`<line class="chart-axis" x1="` + num(left) + `" x2="` + num(right) + `" y1="` + num(bottom) + `" y2="` + num(bottom) +
		`" stroke="#1b1b1b" stroke-width="2"/>`)
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// scale returns a round step between grid lines and the top of the axis,
// giving four to five steps.
func scale(maxV float64) (step, top float64) {
	if maxV <= 0 || math.IsNaN(maxV) {
		return 1, 4
	}
	raw := maxV / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 {
		step = 1
	}
	top = math.Ceil(maxV/step) * step
	return step, top
}

func formatValue(v float64, decimals int) string {
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

func itoa(n int) string { return strconv.Itoa(n) }

func esc(s string) string { return template.HTMLEscapeString(s) }

// wrap splits a label in two lines at the space nearest its middle when it is
// wider than width.
func wrap(s string, width float64, size int) []string {
	if textWidth(s, size) <= width {
		return []string{s}
	}
	r := []rune(s)
	best := -1
	for i, c := range r {
		if c == ' ' && (best < 0 || abs(i-len(r)/2) < abs(best-len(r)/2)) {
			best = i
		}
	}
	if best < 0 {
		return []string{s}
	}
	return []string{string(r[:best]), string(r[best+1:])}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// textWidth estimates the width of s in the given font size.
func textWidth(s string, size int) float64 {
	return float64(len([]rune(s))) * 0.6 * float64(size)
}

func sanitizeID(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			sb.WriteRune(r)
		}
	}
	if sb.Len() == 0 || !(sb.String()[0] >= 'a' && sb.String()[0] <= 'z') {
		return "chart" + sb.String()
	}
	return sb.String()
}
