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

type joinData struct {
	Localities []*ortsplan.Locality
	Locality   *ortsplan.Locality
	Contacts   []*ortsplan.Contact
}

// join is the "Vill du vara med?" page: how to take part, and whom to contact
// in the chosen locality.
func (s *Server) join(w http.ResponseWriter, r *http.Request) {
	ls, err := s.svc.Localities.ListLocalities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := joinData{Localities: ls}
	if slug := r.URL.Query().Get("ort"); slug != "" {
		for _, l := range ls {
			if l.Slug == slug {
				d.Locality = l
			}
		}
		if d.Locality != nil {
			if d.Contacts, err = s.svc.Plans.Contacts(r.Context(), d.Locality.ID); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	p := s.newPage(w, r)
	p.Data = d
	p.Updated = contentDate
	s.render(w, r, http.StatusOK, "join", p)
}
