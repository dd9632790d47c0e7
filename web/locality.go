package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/svgmap"
)

// localityView is everything the locality pages show.
type localityView struct {
	Locality *ortsplan.Locality
	Phases   []*ortsplan.PhaseChange
	Vision   *ortsplan.Vision // nil when none, or a draft the visitor may not see
	Plan     *ortsplan.Plan
	Contacts []*ortsplan.Contact
	CanEdit  bool
	Owner    *ortsplan.Contact // sidansvarig
	// Following is the logged-in resident's follow of the locality; nil
	// when they do not follow it (or nobody is logged in).
	Following *ortsplan.Follow
	// News is the Aktuellt page's: the locality's next meetings, latest
	// ideas and plan changes.
	News *news
}

// loadLocality reads a locality and what its pages need. Drafts are kept for
// staff who may edit the locality and hidden from everyone else.
// planDepth is how much of the plan a page loads.
type planDepth int

const (
	noPlan      planDepth = iota
	planOutline           // themes and the action tree for progress figures
	fullPlan              // everything the plan page shows
)

func (s *Server) loadLocality(ctx context.Context, r *http.Request, depth planDepth) (*localityView, time.Time, error) {
	o, err := s.svc.Plans.LocalityOverview(ctx, r.PathValue("slug"))
	if err != nil {
		return nil, time.Time{}, err
	}
	l := o.Locality
	v := &localityView{Locality: l, CanEdit: reqInfo(r).User.CanEditLocality(l.ID), Phases: o.Phases, Vision: o.Vision}
	if v.Contacts, err = s.svc.Localities.Contacts(ctx, l.ID); err != nil {
		return nil, time.Time{}, err
	}
	for _, c := range v.Contacts {
		if c.PageOwner {
			v.Owner = c
		}
	}
	switch depth {
	case planOutline:
		v.Plan = o.Outline
	case fullPlan:
		if v.Plan, err = s.svc.Plans.FindPlan(ctx, l.ID); err != nil {
			return nil, time.Time{}, err
		}
	}
	updated := o.LastChanged
	if updated.IsZero() {
		updated = l.UpdatedAt
	}
	return v, updated, nil
}

func (s *Server) localityPage(name string, depth planDepth) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, updated, err := s.loadLocality(r.Context(), r, depth)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if name == "locality" {
			n, err := s.loadNews(r.Context(), s.cat.For(reqInfo(r).Lang), v.Locality.ID, []*ortsplan.Locality{v.Locality})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			v.News = n
		}
		if name == "locality" && reqInfo(r).Resident != nil {
			// Whether the resident follows the locality, for its follow form.
			fs, err := s.svc.Follows.Follows(r.Context())
			if err != nil {
				s.fail(w, r, err)
				return
			}
			for _, f := range fs {
				if f.LocalityID == v.Locality.ID {
					v.Following = f
				}
			}
		}
		p := s.newPage(w, r)
		p.Data = v
		p.Updated = updated
		p.Feed = "/orter/" + v.Locality.Slug + "/flode.atom"
		s.render(w, r, http.StatusOK, name, p)
	}
}

type localitiesData struct {
	Localities []*ortsplan.LocalitySummary
	Rows       []localityRow // the table on /orter
	Phases     []ortsplan.Phase
	Phase      ortsplan.Phase
	Map        any
	CanCreate  bool
	News       *news // the home page's
	// Total is how many localities there are (the home page lists some);
	// Pager is the pages of the table on /orter.
	Total int
	Pager *pager
}

// homeLocalities is how many localities the home page lists, the last
// updated; /orter has them all.
const homeLocalities = 24

// localitiesPerPage is how many rows of the locality table a page shows.
const localitiesPerPage = 50

// localityRow is a line of the locality table with its texts made in Go:
// plain fields render much faster than calls, and there may be hundreds.
type localityRow struct {
	Slug, Name  string
	Phase       ortsplan.Phase
	PhaseText   string
	HasPlan     bool
	Progress    float64
	Inhabitants string // empty when unknown
}

func localityRows(L *i18n.Localizer, ls []*ortsplan.LocalitySummary) []localityRow {
	rows := make([]localityRow, len(ls))
	for i, l := range ls {
		rows[i] = localityRow{Slug: l.Slug, Name: l.Name, Phase: l.Phase, PhaseText: L.T("phase." + string(l.Phase)), HasPlan: l.HasPlan, Progress: l.Progress}
		if l.Inhabitants != nil {
			rows[i].Inhabitants = L.Number(*l.Inhabitants)
		}
	}
	return rows
}

func (s *Server) summaries(r *http.Request) ([]*ortsplan.LocalitySummary, time.Time, error) {
	ls, err := s.svc.Plans.LocalitySummaries(r.Context())
	if err != nil {
		return nil, time.Time{}, err
	}
	var t time.Time
	for _, l := range ls {
		if l.UpdatedAt.After(t) {
			t = l.UpdatedAt
		}
	}
	return ls, t, nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ls, updated, err := s.summaries(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var all []*ortsplan.Locality
	for _, l := range ls {
		all = append(all, l.Locality)
	}
	n, err := s.loadNews(r.Context(), s.cat.For(reqInfo(r).Lang), 0, all)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = localitiesData{Localities: ortsplan.MostRecent(ls, homeLocalities), Total: len(ls), Phases: ortsplan.Phases, News: n}
	p.Updated = updated
	s.render(w, r, http.StatusOK, "home", p)
}

func (s *Server) localities(w http.ResponseWriter, r *http.Request) {
	all, updated, err := s.summaries(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := localitiesData{Phases: ortsplan.Phases, CanCreate: reqInfo(r).User.CanCreateLocality()}
	if ph := ortsplan.Phase(r.URL.Query().Get("fas")); ph.Valid() {
		d.Phase = ph
	}
	L := s.cat.For(reqInfo(r).Lang)
	for _, l := range all {
		if d.Phase != "" && l.Phase != d.Phase {
			continue
		}
		d.Localities = append(d.Localities, l)
	}
	// The table and the map show a page of localities at a time, the CSV
	// has them all.
	page, ok := pageParam(r)
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "localities.bad_page")
		return
	}
	pg, from := newPager(len(d.Localities), localitiesPerPage, page, func(n int) string {
		return pageURL("/orter", "fas", string(d.Phase), n)
	})
	if pg != nil {
		pg.Label, pg.Showing = "localities.pages", "localities.showing"
	}
	d.Pager, d.Total = pg, len(d.Localities)
	shown := d.Localities[from:min(from+localitiesPerPage, len(d.Localities))]
	d.Rows = localityRows(L, shown)
	var points []svgmap.Point
	for _, l := range shown {
		if l.Lat != nil && l.Lon != nil {
			desc := L.T("phase." + string(l.Phase))
			if l.HasPlan {
				desc += ", " + L.T("plan.progress_done", int(l.Progress+0.5))
			}
			points = append(points, svgmap.Point{Label: l.Name, Href: "/orter/" + l.Slug, Lat: *l.Lat, Lon: *l.Lon,
				Class: "phase-" + string(l.Phase), Description: desc})
		}
	}
	d.Map = s.maps.Render(points, svgmap.Options{Title: L.T("map.title"), Desc: L.T("map.desc"), ID: "map"})
	p := s.newPage(w, r)
	p.Data = d
	p.Updated = updated
	s.render(w, r, http.StatusOK, "localities", p)
}

// revisionPair is two revisions of the same text and their word diff.
type historyData struct {
	*localityView
	Revisions []*ortsplan.Revision
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	v, updated, err := s.loadLocality(r.Context(), r, noPlan)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	revs, err := s.svc.Plans.Revisions(r.Context(), v.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = historyData{localityView: v, Revisions: revs}
	p.Updated = updated
	s.render(w, r, http.StatusOK, "history", p)
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
