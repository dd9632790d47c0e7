package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/ortsplan/ortsplan"
)

// follow starts, changes or ends a resident's follow of a locality.
func (s *Server) follow(w http.ResponseWriter, r *http.Request) {
	res := reqInfo(r).Resident
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if res == nil {
		s.residentRequired(w, r, "/orter/"+l.Slug)
		return
	}
	if r.PostFormValue("mode") == "" {
		err = s.svc.Follows.Unfollow(r.Context(), l.ID)
	} else {
		err = s.svc.Follows.Follow(r.Context(), l.ID, ortsplan.FollowMode(r.PostFormValue("mode")))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := redirectTarget(r.PostFormValue("till"))
	if back == "/" {
		back = "/orter/" + l.Slug
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type myData struct {
	Resident *ortsplan.Resident
	Follows  []*ortsplan.Follow
	Modes    []ortsplan.FollowMode
}

// myData is /mina-uppgifter: what is stored about the resident, the follows,
// the download of all data, and deleting the account.
func (s *Server) myDataPage(w http.ResponseWriter, r *http.Request) {
	res := reqInfo(r).Resident
	if res == nil {
		http.Redirect(w, r, "/logga-in/boende?till=%2Fmina-uppgifter", http.StatusSeeOther)
		return
	}
	d := myData{Resident: res, Modes: []ortsplan.FollowMode{ortsplan.FollowImmediate, ortsplan.FollowDigest}}
	var err error
	if d.Follows, err = s.svc.Follows.Follows(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = d
	p.Form = &form{Values: url.Values{}}
	s.render(w, r, http.StatusOK, "my_data", p)
}

// myDataJSON downloads everything stored about the resident.
func (s *Server) myDataJSON(w http.ResponseWriter, r *http.Request) {
	res := reqInfo(r).Resident
	if res == nil {
		s.renderError(w, r, http.StatusUnauthorized, "resident.login_required")
		return
	}
	data, err := s.svc.PersonalData.ExportResident(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mina-uppgifter.json"`)
	w.Header().Set("Cache-Control", "private, no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.Encode(data)
}

// deleteMe deletes the resident's account after an explicit confirmation.
func (s *Server) deleteMe(w http.ResponseWriter, r *http.Request) {
	res := reqInfo(r).Resident
	if res == nil {
		s.renderError(w, r, http.StatusUnauthorized, "resident.login_required")
		return
	}
	if r.PostFormValue("confirm") != "1" {
		follows, err := s.svc.Follows.Follows(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := s.newPage(w, r)
		p.Data = myData{Resident: res, Follows: follows, Modes: []ortsplan.FollowMode{ortsplan.FollowImmediate, ortsplan.FollowDigest}}
		p.Form = &form{Values: url.Values{}, Errors: ortsplan.ValidationErrors{"confirm": "error.confirm_delete"}, Error: "error.form"}
		s.render(w, r, http.StatusBadRequest, "my_data", p)
		return
	}
	rep, err := s.svc.PersonalData.DeleteResident(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearCookie(w, residentCookie)
	p := s.newPage(w, r)
	p.Resident = nil
	p.Data = unsubscribeData{Deleted: rep}
	s.render(w, r, http.StatusOK, "unsubscribe", p)
}

type unsubscribeData struct {
	Token  string
	Follow *ortsplan.Follow
	Done   bool
	// Deleted says what deleting the account removed; nil on the
	// unsubscribe pages.
	Deleted *ortsplan.DeletionReport
}

// unsubscribeForm asks before ending the follow named in an e-mail link.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := s.newPage(w, r)
	p.Data = unsubscribeData{Token: r.PathValue("token")}
	s.render(w, r, http.StatusOK, "unsubscribe", p)
}

// unsubscribe ends a follow: from the page's button, or a mail program's
// one-click POST (RFC 8058), which carries no CSRF token; the token in the
// address is the proof.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	f, err := s.svc.Follows.UnsubscribeByToken(r.Context(), r.PathValue("token"))
	if err != nil && ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = unsubscribeData{Follow: f, Done: true}
	s.render(w, r, http.StatusOK, "unsubscribe", p)
}
