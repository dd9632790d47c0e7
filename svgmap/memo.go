package svgmap

import (
	"html/template"
	"strconv"
	"strings"
	"sync"
)

// Memo remembers the maps it has drawn, keyed by their exact points and
// options, so a page drawing the same map again gets it without the label
// placement. It keeps at most 32 maps. The zero Memo is ready to use.
type Memo struct {
	mu   sync.Mutex
	maps map[string]template.HTML
}

// Render returns Render(points, opt), from memory when drawn before.
func (m *Memo) Render(points []Point, opt Options) template.HTML {
	var b strings.Builder
	for _, s := range []string{opt.Title, opt.Desc, opt.ID, strconv.Itoa(opt.Width), strconv.Itoa(opt.Height)} {
		b.WriteString(strconv.Quote(s))
	}
	for _, p := range points {
		for _, s := range []string{p.Label, p.Href, p.Class, p.Description} {
			b.WriteString(strconv.Quote(s))
		}
		b.WriteString(strconv.FormatFloat(p.Lat, 'g', -1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(p.Lon, 'g', -1, 64))
		b.WriteByte(';')
	}
	key := b.String()
	m.mu.Lock()
	out, ok := m.maps[key]
	m.mu.Unlock()
	if ok {
		return out
	}
	out = Render(points, opt)
	m.mu.Lock()
	if m.maps == nil || len(m.maps) >= 32 {
		m.maps = map[string]template.HTML{}
	}
	m.maps[key] = out
	m.mu.Unlock()
	return out
}
