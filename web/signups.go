package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

type joinData struct {
	Localities []*ortsplan.Locality
	Locality   *ortsplan.Locality
	Contacts   []*ortsplan.Contact
	Groups     []*ortsplan.Group
	Themes     []*ortsplan.Theme
	AgeGroups  []string
}

// joinPage is "Vill du vara med?": the sign-up form (no account needed) and
// whom to contact. Choosing a locality shows its groups and themes.
func (s *Server) joinPage(w http.ResponseWriter, r *http.Request, status int, f *form, slug string) {
	ls, err := s.svc.Localities.ListLocalities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := joinData{Localities: ls, AgeGroups: ortsplan.AgeGroups}
	for _, l := range ls {
		if l.Slug == slug {
			d.Locality = l
		}
	}
	if d.Locality != nil {
		ctx := r.Context()
		if d.Contacts, err = s.svc.Localities.Contacts(ctx, d.Locality.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Groups, err = s.svc.Meetings.Groups(ctx, d.Locality.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := s.svc.Plans.PlanOutline(ctx, d.Locality.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Themes = p.Themes
	}
	if f == nil {
		f = &form{Values: url.Values{"ort": {slug}}}
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	p.Updated = contentDate
	s.render(w, r, status, "join", p)
}

func (s *Server) join(w http.ResponseWriter, r *http.Request) {
	s.joinPage(w, r, http.StatusOK, nil, r.URL.Query().Get("ort"))
}

// signUp stores a "Vill du vara med?" sign-up. A refused form keeps what the
// person typed and says why; nothing depends on e-mail working.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	slug := r.PostFormValue("ort")
	if !s.formByAddr.Allow(s.clientAddr(r)) {
		s.joinPage(w, r, http.StatusTooManyRequests, &form{Values: r.PostForm, Error: "error.too_many_forms"}, slug)
		return
	}
	if r.PostFormValue("webbplats") != "" { // the honeypot: robots fill it in
		http.Redirect(w, r, "/var-med/tack", http.StatusSeeOther)
		return
	}
	su := &ortsplan.SignUp{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		AgeGroup: r.PostFormValue("age_group"), Message: r.PostFormValue("message"), ShowName: r.PostFormValue("show_name") == "1",
		Lang: reqInfo(r).Lang}
	if slug != "" {
		l, err := s.svc.Localities.FindLocality(r.Context(), slug)
		switch ortsplan.ErrorCode(err) {
		case "":
			su.LocalityID = l.ID
			if su.Interests, err = s.validInterests(r, l, r.PostForm["interests"]); err != nil {
				s.fail(w, r, err)
				return
			}
		case ortsplan.ENOTFOUND: // Validate asks to choose from the list
		default:
			s.fail(w, r, err)
			return
		}
	}
	if err := su.Validate(r.PostFormValue("consent") == "1"); err != nil {
		fe := ortsplan.FieldErrors(err)
		if fe["locality"] != "" {
			fe["ort"] = fe["locality"]
			delete(fe, "locality")
		}
		s.joinPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: fe, Error: "error.form"}, slug)
		return
	}
	if err := s.svc.SignUps.CreateSignUp(r.Context(), su); err != nil {
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
			s.joinPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: "error.form"}, slug)
			return
		}
		s.fail(w, r, err)
		return
	}
	// The page after it shows what was sent to this browser alone, for an hour.
	http.SetCookie(w, &http.Cookie{Name: receiptCookie, Value: su.Receipt, Path: "/var-med/tack", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(ortsplan.ReceiptValidFor / time.Second)})
	http.Redirect(w, r, "/var-med/tack", http.StatusSeeOther)
}

// receiptCookie carries a sign-up's receipt from the form to the page after it.
const receiptCookie = "anmalan"

type thanksData struct {
	Receipt *ortsplan.SignUpReceipt
	// Interests names what the person chose (groups and focus areas).
	Interests []string
	// Next is the locality's next meeting; nil when none is planned.
	Next *ortsplan.Meeting
}

// signUpThanks is the page after a sign-up (post, redirect, get): what was
// sent, to whom, by when they answer, and the locality's next meeting. A
// browser without a valid receipt (a robot, an hour later, another device)
// gets the thanks without the details.
func (s *Server) signUpThanks(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := thanksData{}
	if c, err := r.Cookie(receiptCookie); err == nil {
		rec, err := s.svc.SignUps.SignUpReceipt(ctx, c.Value)
		switch ortsplan.ErrorCode(err) {
		case "":
			d.Receipt = rec
		case ortsplan.ENOTFOUND:
		default:
			s.fail(w, r, err)
			return
		}
	}
	if rec := d.Receipt; rec != nil {
		su := rec.SignUp
		names := map[string]string{}
		gs, err := s.svc.Meetings.Groups(ctx, su.LocalityID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, g := range gs {
			names["group:"+g.Slug] = g.Name
		}
		outline, err := s.svc.Plans.PlanOutline(ctx, su.LocalityID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, t := range outline.Themes {
			names["theme:"+strconv.FormatInt(t.ID, 10)] = t.Title
		}
		for _, in := range su.Interests {
			if n, ok := names[in]; ok {
				d.Interests = append(d.Interests, n)
			}
		}
		ms, err := s.svc.Meetings.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: su.LocalityID, From: s.cfg.Now(), Limit: 5})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, m := range ms {
			if m.State != ortsplan.MeetingCancelled {
				d.Next = m
				break
			}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "join_thanks", p)
}

// validInterests keeps only interests that name the locality's groups and themes.
func (s *Server) validInterests(r *http.Request, l *ortsplan.Locality, in []string) ([]string, error) {
	gs, err := s.svc.Meetings.Groups(r.Context(), l.ID)
	if err != nil {
		return nil, err
	}
	p, err := s.svc.Plans.PlanOutline(r.Context(), l.ID)
	if err != nil {
		return nil, err
	}
	var ok []string
	for _, g := range gs {
		ok = append(ok, "group:"+g.Slug)
	}
	if p != nil {
		for _, t := range p.Themes {
			ok = append(ok, "theme:"+strconv.FormatInt(t.ID, 10))
		}
	}
	var out []string
	for _, v := range in {
		if slices.Contains(ok, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

type inboxData struct {
	SignUps  []*ortsplan.SignUp
	Statuses []ortsplan.SignUpStatus
	Status   ortsplan.SignUpStatus
	Waiting  int
}

// inbox lists the sign-ups of the localities the staff member works on,
// the longest waiting first.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	var err error
	d := inboxData{Statuses: ortsplan.SignUpStatuses}
	if st := ortsplan.SignUpStatus(r.URL.Query().Get("status")); slices.Contains(ortsplan.SignUpStatuses, st) {
		d.Status = st
	}
	// The service lists only the localities the staff member may edit.
	if d.SignUps, err = s.svc.SignUps.SignUps(r.Context(), ortsplan.SignUpFilter{Status: d.Status}); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	for _, su := range d.SignUps {
		if su.Waiting(now) {
			d.Waiting++
		}
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_signups", p)
}

type signUpData struct {
	SignUp   *ortsplan.SignUp
	Groups   []*ortsplan.Group
	Themes   map[string]string // interest key → name
	Staff    []*ortsplan.User
	Statuses []ortsplan.SignUpStatus
	Waiting  bool
	Saved    bool
}

// signUpFor loads a sign-up the staff member may see; to others the service
// answers that it does not exist.
func (s *Server) signUpFor(w http.ResponseWriter, r *http.Request) (*ortsplan.SignUp, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	su, err := s.svc.SignUps.FindSignUp(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return su, true
}

func (s *Server) signUpPage(w http.ResponseWriter, r *http.Request, status int, su *ortsplan.SignUp, f *form) {
	ctx := r.Context()
	d := signUpData{SignUp: su, Statuses: ortsplan.SignUpStatuses, Waiting: su.Waiting(s.cfg.Now()), Saved: r.URL.Query().Get("sparat") == "1",
		Themes: map[string]string{}}
	var err error
	if d.Groups, err = s.svc.Meetings.Groups(ctx, su.LocalityID); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, g := range d.Groups {
		d.Themes["group:"+g.Slug] = g.Name
	}
	outline, err := s.svc.Plans.PlanOutline(ctx, su.LocalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range outline.Themes {
		d.Themes["theme:"+strconv.FormatInt(t.ID, 10)] = t.Title
	}
	all, err := s.activeStaff(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range all {
		if u.CanEditLocality(su.LocalityID) {
			d.Staff = append(d.Staff, u)
		}
	}
	if f == nil {
		f = &form{Values: url.Values{"status": {string(su.Status)}, "handler": {strconv.FormatInt(su.HandlerID, 10)},
			"notes": {su.Notes}, "group": {strconv.FormatInt(su.GroupID, 10)}}}
		if su.HandlerID == 0 {
			f.Values.Set("handler", strconv.FormatInt(reqInfo(r).User.ID, 10))
		}
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = &d
	s.render(w, r, status, "admin_signup", p)
}

func (s *Server) signUpDetail(w http.ResponseWriter, r *http.Request) {
	if su, ok := s.signUpFor(w, r); ok {
		s.signUpPage(w, r, http.StatusOK, su, nil)
	}
}

func (s *Server) updateSignUp(w http.ResponseWriter, r *http.Request) {
	su, ok := s.signUpFor(w, r)
	if !ok {
		return
	}
	u := ortsplan.SignUpUpdate{ID: su.ID, Status: ortsplan.SignUpStatus(r.PostFormValue("status")), Notes: strings.TrimSpace(r.PostFormValue("notes"))}
	u.HandlerID, _ = parseID(r.PostFormValue("handler"))
	u.GroupID, _ = parseID(r.PostFormValue("group"))
	if err := s.svc.SignUps.UpdateSignUp(r.Context(), u); err != nil {
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
			s.signUpPage(w, r, http.StatusBadRequest, su, &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: ortsplan.ErrorKey(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/anmalningar/"+strconv.FormatInt(su.ID, 10)+"?sparat=1", http.StatusSeeOther)
}
