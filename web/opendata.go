package web

import (
	"encoding/xml"
	"net/http"
	"strconv"
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

// sitemap lists the public pages for search engines: the fixed pages, every
// locality's pages, its meetings and its visible ideas.
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ls, err := s.svc.Localities.ListLocalities(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	}
	set := sitemapSet{}
	add := func(path string, t time.Time) {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.cfg.BaseURL + path, LastMod: day(t)})
	}
	for _, p := range []string{"/", "/orter", "/kalender", "/var-med", "/oppna-data", "/effekter", "/arenden", "/tillganglighet", "/personuppgifter"} {
		add(p, time.Time{})
	}
	for _, l := range ls {
		base := "/orter/" + l.Slug
		for _, sub := range []string{"", "/vision", "/handlingsplan", "/historik", "/arbetsgrupper", "/moten", "/ideer", "/bilder", "/effekter", "/handlingsplan/revideringar", "/arenden"} {
			add(base+sub, l.UpdatedAt)
		}
	}
	ms, err := s.svc.Meetings.Meetings(ctx, ortsplan.MeetingFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range ms {
		add("/moten/"+strconv.FormatInt(m.ID, 10), m.UpdatedAt)
	}
	ideas, err := s.svc.Ideas.Ideas(ctx, 0, ortsplan.SortNewest)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, i := range ideas {
		if !i.Hidden() {
			add("/ideer/"+strconv.FormatInt(i.ID, 10), i.UpdatedAt)
		}
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(set); err != nil {
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
