package svgmap

import (
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/ortsplan/ortsplan/cache"
)

// Memo remembers the maps it has drawn, keyed by their exact points and
// options, so a page drawing the same map again gets it without the label
// placement. It keeps about 4 MiB of maps (see memoBytes), dropping the
// least useful first. The zero Memo is ready to use; a Memo must not be
// copied after first use.
type Memo struct {
	once sync.Once
	maps *cache.Cache[string, template.HTML]
}

// memoBytes is the memory budget of a Memo: keys and drawn maps.
const memoBytes = 4 << 20

// lazyCache returns m's cache, making it on first use.
func (m *Memo) lazyCache() *cache.Cache[string, template.HTML] {
	m.once.Do(func() {
		m.maps = cache.New(memoBytes, func(key string, svg template.HTML) int {
			return cache.EntryOverhead + cache.StringWeight(key) + cache.StringWeight(string(svg))
		})
	})
	return m.maps
}

// Render returns Render(points, opt), from memory when drawn before.
func (m *Memo) Render(points []Point, opt Options) template.HTML {
	var b strings.Builder
	for _, s := range []string{opt.Title, opt.Desc, opt.ID, strconv.Itoa(opt.Width), strconv.Itoa(opt.Height),
		strconv.FormatFloat(opt.MinSpanKm, 'g', -1, 64)} {
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
	maps := m.lazyCache()
	if out, ok := maps.Get(key); ok {
		return out
	}
	out := Render(points, opt)
	maps.Set(key, out)
	return out
}

// CacheStats reports how the memo's cache is used, for metrics.
func (m *Memo) CacheStats() cache.Stats { return m.lazyCache().Stats() }
