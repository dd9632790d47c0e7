package svgmap

import (
	"html/template"
	"strconv"
	"strings"
)

// GridCell is one cell of a pick grid: a link that chooses the point the
// cell stands for. Cells are given row by row, the northmost row first and
// each row from west to east.
type GridCell struct {
	Href  string // a path on this site, e.g. "/orter/bettna/atgarder/7?lat=58.93&lon=16.64"
	Label string // its accessible name, e.g. "Rad 2, kolumn 5: 58,93, 16,64"
}

// GridMark is something drawn on a pick grid to find one's way: the
// locality's own point, or a place already chosen. X and Y are fractions of
// the grid's width and height from its north-west corner.
type GridMark struct {
	X, Y  float64
	Label string
	Class string // extra CSS classes, e.g. "grid-mark-chosen"; only [a-z0-9-] is kept
}

// RenderGrid draws a pick grid of rows by cols cells as inline <svg>: each
// cell is a link (keyboard-reachable, with its label as accessible name),
// the marks are drawn on top for orientation and hidden from assistive
// technology, as the page says the same in words. With fewer cells than
// rows*cols, or an unusable href, the missing cells are left blank. Like
// Render it uses no inline styles or scripts.
func RenderGrid(rows, cols int, cells []GridCell, marks []GridMark, opt Options) template.HTML {
	w, h := opt.Width, opt.Height
	if w <= 0 {
		w = 480
	}
	if h <= 0 {
		h = 480
	}
	w, h = min(w, maxSize), min(h, maxSize)
	rows, cols = max(rows, 1), max(cols, 1)
	id := sanitizeID(opt.ID)
	title := strings.TrimSpace(opt.Title)
	if title == "" {
		title = "Karta"
	}
	desc := strings.TrimSpace(opt.Desc)
	labelledBy := id + "-title"
	if desc != "" {
		labelledBy += " " + id + "-desc"
	}
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + strconv.Itoa(w) + " " + strconv.Itoa(h) +
		`" role="group" aria-labelledby="` + labelledBy + `" class="map pick-grid">`)
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	if desc != "" {
		b.WriteString(`<desc id="` + id + `-desc">` + esc(desc) + `</desc>`)
	}
	b.WriteString(`<rect class="map-background" x="0.5" y="0.5" width="` + num(float64(w)-1) +
		`" height="` + num(float64(h)-1) + `" fill="#f3f6f1" stroke="#8a9a8a" stroke-width="1"/>`)
	cw, ch := float64(w)/float64(cols), float64(h)/float64(rows)
	for i, c := range cells {
		if i >= rows*cols {
			break
		}
		if !localHref(c.Href) || strings.TrimSpace(c.Label) == "" {
			continue
		}
		r, col := i/cols, i%cols
		name := esc(c.Label)
		b.WriteString(`<a class="grid-cell" href="` + esc(c.Href) + `" aria-label="` + name + `"><title>` + name + `</title>`)
		b.WriteString(`<rect x="` + num(float64(col)*cw+1) + `" y="` + num(float64(r)*ch+1) + `" width="` + num(cw-2) +
			`" height="` + num(ch-2) + `" fill="#ffffff" fill-opacity="0.01" stroke="#b8c4b8" stroke-width="1"/></a>`)
	}
	if len(marks) > 0 {
		b.WriteString(`<g aria-hidden="true">`)
		for _, m := range marks {
			if !(m.X >= 0 && m.X <= 1 && m.Y >= 0 && m.Y <= 1) {
				continue
			}
			x, y := m.X*float64(w), m.Y*float64(h)
			class := "grid-mark"
			if c := sanitizeClass(m.Class); c != "" {
				class += " " + c
			}
			b.WriteString(`<circle class="` + class + `" cx="` + num(x) + `" cy="` + num(y) + `" r="6" fill="#1d5e8c" stroke="#ffffff" stroke-width="2"/>`)
			if label := clean(m.Label); label != "" {
				anchor, lx := "start", x+10
				if x > float64(w)*0.6 {
					anchor, lx = "end", x-10
				}
				b.WriteString(`<text class="marker-label" x="` + num(lx) + `" y="` + num(y+5) + `" text-anchor="` + anchor + `" font-size="` +
					strconv.Itoa(fontSize) + `" fill="#1a1a1a">` + esc(label) + `</text>`)
			}
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
