package web

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapRef struct {
	Loc string `xml:"loc"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapRef `xml:"sitemap"`
}

// sitemapChunk is how many ids of ideas or meetings one part of the
// sitemap covers: a part is read by primary key and stays well within the
// protocol's 50,000 addresses.
const sitemapChunk = 10000

// sitemap is the sitemap index for search engines: the part with the fixed
// pages and every locality's pages, and the parts with the meetings and the
// visible ideas, sitemapChunk ids a part, so no answer grows with the data.
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) {
	maxIDs, err := s.svc.OpenData.SitemapMaxIDs(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	idx := sitemapIndex{Sitemaps: []sitemapRef{{Loc: s.cfg.BaseURL + "/sitemap/sidor.xml"}}}
	for _, kind := range ortsplan.SitemapKinds {
		for n := int64(0); n*sitemapChunk < maxIDs[kind]; n++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapRef{Loc: s.cfg.BaseURL + "/sitemap/" + kind + "/" + strconv.FormatInt(n, 10) + ".xml"})
		}
	}
	s.writeSitemap(w, r, idx)
}

// sitemapPages is the sitemap's part with the fixed pages and every
// locality's pages.
func (s *Server) sitemapPages(w http.ResponseWriter, r *http.Request) {
	ls, err := s.svc.Localities.ListLocalities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set := sitemapSet{}
	for _, p := range []string{"/", "/orter", "/kalender", "/var-med", "/oppna-data", "/effekter", "/arenden", "/tillganglighet", "/personuppgifter"} {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.cfg.BaseURL + p})
	}
	for _, l := range ls {
		base := "/orter/" + l.Slug
		for _, sub := range []string{"", "/vision", "/handlingsplan", "/historik", "/arbetsgrupper", "/moten", "/ideer", "/bilder", "/effekter", "/handlingsplan/revideringar", "/arenden"} {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.cfg.BaseURL + base + sub, LastMod: sitemapDay(l.UpdatedAt)})
		}
	}
	s.writeSitemap(w, r, set)
}

// sitemapPart is one part of the meetings', the ideas' or the quickfix
// applications' pages: /sitemap/moten/N.xml, /sitemap/ideer/N.xml and
// /sitemap/quickfix/N.xml hold the ids from N×sitemapChunk+1 to
// (N+1)×sitemapChunk.
func (s *Server) sitemapPart(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	n, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("part"), ".xml"), 10, 64)
	if !slices.Contains(ortsplan.SitemapKinds, kind) || err != nil || n < 0 || n > 1e9 || !strings.HasSuffix(r.PathValue("part"), ".xml") {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	es, err := s.svc.OpenData.SitemapRange(r.Context(), kind, n*sitemapChunk, (n+1)*sitemapChunk)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set := sitemapSet{URLs: make([]sitemapURL, 0, len(es))}
	for _, e := range es {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.cfg.BaseURL + "/" + kind + "/" + strconv.FormatInt(e.ID, 10), LastMod: sitemapDay(e.UpdatedAt)})
	}
	s.writeSitemap(w, r, set)
}

func sitemapDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func (s *Server) writeSitemap(w http.ResponseWriter, r *http.Request, v any) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		s.log.Warn("write sitemap", "request_id", reqInfo(r).ID, "err", err)
	}
}

// robots points crawlers to the sitemap and keeps them out of staff pages.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("User-agent: *\nDisallow: /admin/\nDisallow: /konto\nDisallow: /mina-uppgifter\nDisallow: /inloggning/\nDisallow: /anmalan/\nDisallow: /avregistrera/\nDisallow: /sok\n" +
		"Sitemap: " + s.cfg.BaseURL + "/sitemap.xml\n"))
}

type openData struct {
	Licence, LicenceURL string
	Example             string
}

// openDataPage explains the open data: the API, CSV files, feeds and
// calendars, and the licence of the data.
func (s *Server) openDataPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	p.Data = openData{Licence: s.cfg.DataLicence, LicenceURL: s.cfg.DataLicenceURL, Example: s.cfg.BaseURL + "/api/v1/localities"}
	p.Updated = contentDate
	s.render(w, r, http.StatusOK, "open_data", p)
}
