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
	Resident   *ortsplan.Resident
	Follows    []*ortsplan.Follow
	Modes      []ortsplan.FollowMode
	Localities []*ortsplan.Locality
	Ideas      []*ortsplan.Idea
	Comments   []*ortsplan.Comment
	Saved      bool
	// EID is set when the eID login is configured; Verified after it.
	EID, Verified bool
}

// myData is /mina-uppgifter: what is stored about the resident, their name
// and home locality to change, their own ideas and comments, the follows,
// the download of all data, and deleting the account.
func (s *Server) myDataPage(w http.ResponseWriter, r *http.Request) {
	res := reqInfo(r).Resident
	if res == nil {
		http.Redirect(w, r, "/logga-in/boende?till=%2Fmina-uppgifter", http.StatusSeeOther)
		return
	}
	s.myPage(w, r, http.StatusOK, res, profileValues(res))
}

func profileValues(res *ortsplan.Resident) *form {
	v := url.Values{"name": {res.Name}, "ort": {res.LocalitySlug}}
	if res.Name == ortsplan.AnonymousResident {
		v.Set("name", "")
		v.Set("anonymous", "1")
	}
	return &form{Values: v, Scope: "profile"}
}

// myPage renders /mina-uppgifter with f, the form sent (or to fill in).
func (s *Server) myPage(w http.ResponseWriter, r *http.Request, status int, res *ortsplan.Resident, f *form) {
	ctx := r.Context()
	d := myData{Resident: res, Modes: []ortsplan.FollowMode{ortsplan.FollowImmediate, ortsplan.FollowDigest},
		Saved: r.URL.Query().Get("sparat") == "1", EID: s.cfg.EID != nil, Verified: r.URL.Query().Get("verifierad") == "1" && res.Verified}
	var err error
	if d.Follows, err = s.svc.Follows.Follows(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Localities, err = s.svc.Localities.ListLocalities(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Ideas, d.Comments, err = s.svc.Residents.Contributions(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.In("delete") { // the profile form shows what is stored
		f.Values.Set("name", res.Name)
		f.Values.Set("ort", res.LocalitySlug)
	}
	w.Header().Set("Cache-Control", "private, no-store")
	p := s.newPage(w, r)
	p.Data = d
	p.Form = f
	s.render(w, r, status, "my_data", p)
}

// updateMe saves the resident's display name and home locality.
func (s *Server) updateMe(w http.ResponseWriter, r *http.Request) {
	res := reqInfo(r).Resident
	if res == nil {
		s.residentRequired(w, r, "/mina-uppgifter")
		return
	}
	p := ortsplan.ResidentProfile{Name: r.PostFormValue("name"), Anonymous: r.PostFormValue("anonymous") == "1"}
	if slug := r.PostFormValue("ort"); slug != "" {
		l, err := s.svc.Localities.FindLocality(r.Context(), slug)
		switch ortsplan.ErrorCode(err) {
		case "":
			p.LocalityID = l.ID
		case ortsplan.ENOTFOUND:
			p.LocalityID = -1 // Validate asks to choose from the list
		default:
			s.fail(w, r, err)
			return
		}
	}
	if err := s.svc.Residents.UpdateResident(r.Context(), p); err != nil {
		if fe := ortsplan.FieldErrors(err); fe != nil {
			if fe["locality"] != "" {
				fe["ort"] = fe["locality"]
				delete(fe, "locality")
			}
			s.myPage(w, r, http.StatusBadRequest, res, &form{Values: r.PostForm, Errors: fe, Error: "error.form", Scope: "profile"})
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/mina-uppgifter?sparat=1", http.StatusSeeOther)
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
		s.myPage(w, r, http.StatusBadRequest, res, &form{Values: url.Values{}, Errors: ortsplan.ValidationErrors{"confirm": "error.confirm_delete"},
			Error: "error.form", Scope: "delete"})
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
