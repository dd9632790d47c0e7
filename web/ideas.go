package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
)

// residentCookie holds a resident's session; staff use the "session" cookie.
const residentCookie = "resident"

// DefaultIdeaThreshold is Flen's e-förslag rule: 10 supports within 90 days.
var DefaultIdeaThreshold = ortsplan.IdeaThreshold{Supports: 10, Within: 90 * 24 * time.Hour}

type residentLoginData struct {
	Localities []*ortsplan.Locality
	Sent       bool
	Token      string // the confirm step
}

func (s *Server) residentLoginPage(w http.ResponseWriter, r *http.Request, status int, d residentLoginData, f *form) {
	ls, err := s.svc.Localities.ListLocalities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Localities = ls
	if f == nil {
		f = &form{Values: url.Values{"till": {r.URL.Query().Get("till")}}}
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "resident_login", p)
}

func (s *Server) residentLoginForm(w http.ResponseWriter, r *http.Request) {
	s.residentLoginPage(w, r, http.StatusOK, residentLoginData{}, nil)
}

// requestResidentLogin e-mails a one-time link. The page says the same
// whether or not the address has an account.
func (s *Server) requestResidentLogin(w http.ResponseWriter, r *http.Request) {
	if !s.formByAddr.Allow(s.clientAddr(r)) {
		s.residentLoginPage(w, r, http.StatusTooManyRequests, residentLoginData{}, &form{Values: r.PostForm, Error: "error.too_many_forms"})
		return
	}
	req := ortsplan.LoginRequest{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Lang: reqInfo(r).Lang}
	req.LocalityID, _ = parseID(r.PostFormValue("locality"))
	// Where to go after logging in travels in a short-lived cookie, not in the e-mail.
	if next := redirectTarget(r.PostFormValue("till")); next != "/" {
		http.SetCookie(w, &http.Cookie{Name: "till", Value: next, Path: "/inloggning/", HttpOnly: true, Secure: s.secure,
			SameSite: http.SameSiteLaxMode, MaxAge: 3600})
	}
	if err := s.svc.Residents.RequestLogin(r.Context(), req); err != nil {
		if fe := ortsplan.FieldErrors(err); fe != nil {
			s.residentLoginPage(w, r, http.StatusBadRequest, residentLoginData{}, &form{Values: r.PostForm, Errors: fe, Error: "error.form"})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.residentLoginPage(w, r, http.StatusOK, residentLoginData{Sent: true}, &form{Values: url.Values{}})
}

// confirmResidentLogin asks before spending the link, so that a mail program
// that opens links to check them does not use it up.
func (s *Server) confirmResidentLogin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.residentLoginPage(w, r, http.StatusOK, residentLoginData{Token: r.PathValue("token")}, &form{Values: url.Values{}})
}

func (s *Server) residentLogin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	token, res, err := s.svc.Residents.Login(r.Context(), r.PathValue("token"))
	if err != nil {
		if ortsplan.ErrorCode(err) == ortsplan.EUNAUTHORIZED {
			s.residentLoginPage(w, r, http.StatusBadRequest, residentLoginData{}, &form{Values: url.Values{}, Error: ortsplan.ErrorKey(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: residentCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 30 * 24 * 3600})
	next := "/"
	if res.LocalitySlug != "" {
		next = "/orter/" + res.LocalitySlug + "/ideer"
	}
	if c, err := r.Cookie("till"); err == nil && redirectTarget(c.Value) != "/" {
		next = redirectTarget(c.Value)
		http.SetCookie(w, &http.Cookie{Name: "till", Path: "/inloggning/", MaxAge: -1})
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) residentLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(residentCookie); err == nil {
		if err := s.svc.Residents.Logout(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w, residentCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type ideasData struct {
	Locality  *ortsplan.Locality
	Themes    []*ortsplan.Theme
	MaxMB     int64 // a photo's limits: megabytes and megapixels
	MaxMP     int
	Threshold ortsplan.IdeaThreshold
	Ideas     []*ortsplan.Idea
	Sort      ortsplan.IdeaSort
	Sorts     []ortsplan.IdeaSort
	Resident  *ortsplan.Resident
	CanEdit   bool
	Rows      []ideaRow
	Pager     *pager
}

// ideasPerPage is how many ideas a page of a locality's list shows.
const ideasPerPage = 25

// ideaRow is one line of the idea list with its texts made in Go: the list
// can hold hundreds of ideas, and plain fields render much faster than calls.
type ideaRow struct {
	ID            int64
	Title         string
	Hidden        bool
	Meta          string // status · supports · comments
	ISODate, Date string
}

func ideaRows(L *i18n.Localizer, ideas []*ortsplan.Idea) []ideaRow {
	rows := make([]ideaRow, len(ideas))
	for n, i := range ideas {
		comments := L.N("ideas.comments", i.Comments)
		rows[n] = ideaRow{ID: i.ID, Title: i.Title, Hidden: i.Hidden(), ISODate: isoDate(i.CreatedAt), Date: L.Date(i.CreatedAt),
			Meta: L.T("ideastatus."+string(i.Status)) + " · " + L.N("ideas.supports", i.Supports) + " · " + comments}
	}
	return rows
}

func (s *Server) ideasPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := ideasData{Locality: l, Sort: ortsplan.SortNewest, Resident: reqInfo(r).Resident, Threshold: s.cfg.IdeaThreshold,
		Sorts:   []ortsplan.IdeaSort{ortsplan.SortNewest, ortsplan.SortSupported, ortsplan.SortStatus},
		CanEdit: reqInfo(r).User.CanEditLocality(l.ID)}
	if srt := ortsplan.IdeaSort(r.URL.Query().Get("sortera")); slices.Contains(d.Sorts, srt) {
		d.Sort = srt
	}
	page, ok := pageParam(r)
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_page")
		return
	}
	// A page of ideas and how many there are; a page beyond the last is the last.
	var total int
	offset := (page - 1) * ideasPerPage
	if d.Ideas, total, err = s.svc.Ideas.IdeaList(r.Context(), l.ID, d.Sort, offset, ideasPerPage); err != nil {
		s.fail(w, r, err)
		return
	}
	sort := ""
	if d.Sort != ortsplan.SortNewest {
		sort = string(d.Sort)
	}
	pg, last := newPager(total, ideasPerPage, page, func(n int) string {
		return pageURL("/orter/"+l.Slug+"/ideer", "sortera", sort, n)
	})
	if pg != nil {
		pg.Label, pg.Showing = "ideas.pages", "ideas.showing"
	}
	d.Pager = pg
	if last != offset {
		if d.Ideas, _, err = s.svc.Ideas.IdeaList(r.Context(), l.ID, d.Sort, last, ideasPerPage); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	plan, err := s.svc.Plans.PlanOutline(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lim := s.cfg.ResidentUploadLimits
	d.Themes, d.MaxMB, d.MaxMP = plan.Themes, lim.MaxBytes>>20, lim.MaxPixels/1_000_000
	p := s.newPage(w, r)
	d.Rows = ideaRows(p.L, d.Ideas)
	p.Form = f
	p.Data = d
	p.Updated = l.UpdatedAt
	for _, i := range d.Ideas {
		if i.UpdatedAt.After(p.Updated) {
			p.Updated = i.UpdatedAt
		}
	}
	s.render(w, r, status, "ideas", p)
}

func (s *Server) ideas(w http.ResponseWriter, r *http.Request) {
	var f *form
	if r.URL.Query().Has("lat") { // back from the pick grid with a point
		v := url.Values{}
		pickedPoint(r, v)
		f = &form{Values: v}
	}
	s.ideasPage(w, r, http.StatusOK, f)
}

// createIdea lets a logged-in resident propose an idea for the locality,
// with an optional photo within the residents' limits. uploadRoute asked for
// the resident login and read the body; the photo waits in up.
func (s *Server) createIdea(w http.ResponseWriter, r *http.Request, up *uploadForm) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.formByAddr.Allow(s.clientAddr(r)) {
		s.ideasPage(w, r, http.StatusTooManyRequests, &form{Values: r.PostForm, Error: "error.too_many_forms"})
		return
	}
	i := &ortsplan.Idea{LocalityID: l.ID, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		PhotoAlt: r.PostFormValue("photo_alt")}
	i.ThemeID, _ = parseID(r.PostFormValue("theme"))
	pv := ortsplan.ValidationErrors{}
	i.Place = placeFromForm(r.PostForm, pv)
	refuse := func(err error) {
		fe := ortsplan.FieldErrors(err)
		if fe["file"] != "" {
			fe["photo_file"] = fe["file"]
			delete(fe, "file")
		}
		s.ideasPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: fe, Error: "error.form"})
	}
	if len(pv) > 0 {
		refuse(pv)
		return
	}
	// An optional photo: judged by content, stored in sizes; removed again if the idea is refused.
	var photo *ortsplan.MeetingFile
	if up.chosen() {
		// Check the texts first, so a refused idea stores no photo.
		probe := *i
		probe.Photo = []ortsplan.FileVariant{{}}
		if err := probe.Validate(); err != nil {
			refuse(err)
			return
		}
		if up.tooLarge {
			refuse(up.sizeError())
			return
		}
		// In the same places as staff uploads, within the residents' limits.
		photo, err = s.storeUpload(r.Context(), up, "ide-"+randomKey(), s.cfg.ResidentUploadLimits, false)
		if errors.Is(err, errUploadGaveUp) {
			s.uploadGaveUp(w, r)
			return
		}
		if err == nil && photo.Kind != ortsplan.FilePhoto {
			media.RemoveVariants(r.Context(), s.cfg.Storage, photo)
			photo, err = nil, &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.image_only", Field: "file"}
		}
		if err != nil {
			if ortsplan.ErrorCode(err) != ortsplan.EINVALID {
				s.fail(w, r, err)
				return
			}
			refuse(err)
			return
		}
		i.Photo = photo.Variants
	}
	if err := s.svc.Ideas.CreateIdea(r.Context(), i); err != nil {
		if photo != nil {
			media.RemoveVariants(context.WithoutCancel(r.Context()), s.cfg.Storage, photo)
		}
		if fe := ortsplan.FieldErrors(err); fe != nil {
			refuse(err)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/ideer/"+strconv.FormatInt(i.ID, 10)+"?klart=ny", http.StatusSeeOther)
}

type ideaData struct {
	Idea      *ortsplan.Idea
	Locality  *ortsplan.Locality
	Comments  *ortsplan.CommentPage
	Resident  *ortsplan.Resident
	Supported bool
	CanEdit   bool
	Actions   []*ortsplan.Action
	Statuses  []ortsplan.IdeaStatus
	Threshold ortsplan.IdeaThreshold
	Done      string
	// EID is set when residents can verify who they are through the eID broker.
	EID bool
}

func (s *Server) ideaPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	i, err := s.svc.Ideas.FindIdea(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.svc.Localities.FindLocality(ctx, i.LocalitySlug)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &ideaData{Idea: i, Locality: l, Resident: reqInfo(r).Resident, CanEdit: reqInfo(r).User.CanEditLocality(l.ID),
		Statuses: ortsplan.IdeaStatuses[1:], Threshold: s.cfg.IdeaThreshold, EID: s.cfg.EID != nil}
	if done := r.URL.Query().Get("klart"); slices.Contains([]string{"anmalan", "svar", "svar-utan-mejl", "dold", "visad"}, done) {
		d.Done = done
	} else if done == "ny" && d.Resident != nil && d.Resident.ID == i.ResidentID {
		// Only the one who proposed it is thanked for it.
		d.Done = done
	}
	page := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("sida")); err == nil && n > 1 && n < 1e6 {
		page = n
	}
	if d.Comments, err = s.svc.Ideas.Comments(ctx, id, page); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Supported, err = s.svc.Ideas.Supports(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.CanEdit {
		p, err := s.svc.Plans.FindPlan(ctx, l.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Actions = topActions(p, 0)
	}
	if f == nil {
		f = &form{Values: url.Values{"status": {string(i.Status)}, "answer": {i.Answer}, "action": {strconv.FormatInt(i.ActionID, 10)}}}
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	p.Updated = i.UpdatedAt
	s.render(w, r, status, "idea", p)
}

func (s *Server) idea(w http.ResponseWriter, r *http.Request) { s.ideaPage(w, r, http.StatusOK, nil) }

// ideaAction handles the forms on an idea page: support, comment and report
// for residents and visitors, and for staff the answer, hiding and showing
// again. The services decide who may: the resident in the context, or the
// staff account's right to the idea's locality.
func (s *Server) ideaAction(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	ri := reqInfo(r)
	back := "/ideer/" + strconv.FormatInt(id, 10)
	what := r.PathValue("what")
	switch what {
	case "stod", "kommentar", "anmal":
		if what != "anmal" && ri.Resident == nil {
			s.residentRequired(w, r, back)
			return
		}
		if !s.formByAddr.Allow(s.clientAddr(r)) {
			s.ideaPage(w, r, http.StatusTooManyRequests, &form{Values: r.PostForm, Error: "error.too_many_forms"})
			return
		}
	case "svar", "dolj", "visa":
	default:
		s.notFound(w, r)
		return
	}
	target, _ := parseID(r.PostFormValue("target"))
	var err error
	switch what {
	case "stod":
		err = s.svc.Ideas.Support(ctx, id, r.PostFormValue("on") == "1", s.cfg.IdeaThreshold)
	case "kommentar":
		c := &ortsplan.Comment{IdeaID: id, Body: r.PostFormValue("comment")}
		c.ParentID, _ = parseID(r.PostFormValue("parent"))
		err = s.svc.Ideas.AddComment(ctx, c)
		back += "#kommentarer"
	case "anmal":
		err = s.svc.Ideas.Report(ctx, ortsplan.Report{IdeaID: id, Kind: r.PostFormValue("kind"), TargetID: target, Reason: r.PostFormValue("reason")})
		back += "?klart=anmalan"
	case "svar":
		a := ortsplan.IdeaAnswer{IdeaID: id, Status: ortsplan.IdeaStatus(r.PostFormValue("status")), Answer: r.PostFormValue("answer")}
		a.ActionID, _ = parseID(r.PostFormValue("action"))
		// Whether the proposer hears of it decides what the page says.
		reachable := false
		if reachable, err = s.svc.Ideas.ProposerReachable(ctx, id); err == nil {
			err = s.svc.Ideas.AnswerIdea(ctx, a)
		}
		if reachable {
			back += "?klart=svar"
		} else {
			back += "?klart=svar-utan-mejl"
		}
	case "dolj", "visa":
		m := ortsplan.Moderation{IdeaID: id, Kind: r.PostFormValue("kind"), TargetID: target, Reason: r.PostFormValue("reason")}
		if what == "dolj" {
			err = s.svc.Ideas.Hide(ctx, m)
			back += "?klart=dold"
		} else {
			err = s.svc.Ideas.Unhide(ctx, m)
			back += "?klart=visad"
		}
	}
	if err != nil {
		if ortsplan.ErrorKey(err) == "idea.support_needs_verified" {
			s.renderErrorLink(w, r, http.StatusForbidden, "idea.support_needs_verified", "/logga-in/eid?till="+url.QueryEscape("/ideer/"+strconv.FormatInt(id, 10)))
			return
		}
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
			s.ideaPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: ortsplan.ErrorKey(err), Scope: what})
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// ideaPhoto streams a size of an idea's photo; a hidden idea's photo is not
// shown. Browsers and proxies must ask again each time (they get 304 while it
// is unchanged), so a photo hidden later is not served from their caches.
func (s *Server) ideaPhoto(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	i, err := s.svc.Ideas.FindIdea(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if i.Hidden() {
		s.notFound(w, r)
		return
	}
	s.serveVariant(w, r, (&ortsplan.MeetingFile{Variants: i.Photo}).Variant(r.PathValue("variant")), "public, no-cache")
}

// reports lists the open reports of ideas and comments in the localities the
// staff member works on (the service chooses them), with links to where they
// can be hidden.
func (s *Server) reports(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Ideas.OpenReports(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = list
	s.render(w, r, http.StatusOK, "admin_reports", p)
}
