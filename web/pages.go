package web

import (
	"net/http"
	"time"

	"github.com/ortsplan/ortsplan/i18n"
)

// contentDate is when the fixed texts (accessibility statement, privacy notice)
// were last revised; it is shown as their "Senast uppdaterad".
var contentDate = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

// setLanguage remembers the chosen language in a cookie and returns to the page.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if !i18n.Supported(lang) {
		s.renderError(w, r, http.StatusBadRequest, "error.language")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: i18n.CookieName, Value: lang, Path: "/", Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, redirectTarget(r.URL.Query().Get("till")), http.StatusSeeOther)
}
