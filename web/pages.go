package web

import (
	"net/http"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// contentDate is when the fixed texts (accessibility statement, privacy notice)
// were last revised; it is shown as their "Senast uppdaterad".
var contentDate = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

type localitiesData struct {
	Localities []*ortsplan.Locality
	Phases     []ortsplan.Phase
	Phase      ortsplan.Phase
}

func latest(ls []*ortsplan.Locality) time.Time {
	var t time.Time
	for _, l := range ls {
		if l.UpdatedAt.After(t) {
			t = l.UpdatedAt
		}
	}
	return t
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ls, err := s.svc.Localities.ListLocalities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = localitiesData{Localities: ls, Phases: ortsplan.Phases}
	p.Updated = latest(ls)
	s.render(w, r, http.StatusOK, "home", p)
}

func (s *Server) localities(w http.ResponseWriter, r *http.Request) {
	ls, err := s.svc.Localities.ListLocalities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := localitiesData{Phases: ortsplan.Phases}
	if ph := ortsplan.Phase(r.URL.Query().Get("fas")); ph.Valid() {
		d.Phase = ph
	}
	for _, l := range ls {
		if d.Phase == "" || l.Phase == d.Phase {
			d.Localities = append(d.Localities, l)
		}
	}
	p := s.newPage(w, r)
	p.Data = d
	p.Updated = latest(ls)
	s.render(w, r, http.StatusOK, "localities", p)
}

func (s *Server) locality(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = l
	p.Updated = l.UpdatedAt
	s.render(w, r, http.StatusOK, "locality", p)
}

// static serves a page whose content lives entirely in the catalogs.
func (s *Server) static(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r)
		p.Updated = contentDate
		s.render(w, r, http.StatusOK, name, p)
	}
}

// setLanguage remembers the chosen language in a cookie and returns to the page.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if !i18n.Supported(lang) {
		s.renderError(w, r, http.StatusBadRequest, "error.language")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: i18n.CookieName, Value: lang, Path: "/", Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, localPath(r.URL.Query().Get("till")), http.StatusSeeOther)
}
