package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// editableLocality loads the locality in the path for an editing form; the
// service refuses accounts that may not edit it. It answers the request
// itself when it returns false.
func (s *Server) editableLocality(w http.ResponseWriter, r *http.Request) (*ortsplan.Locality, bool) {
	l, err := s.svc.Localities.EditableLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return l, true
}

// pathLocality loads the locality named in the path, for a form's redirect
// and its page around it; it never decides who may change anything.
func (s *Server) pathLocality(w http.ResponseWriter, r *http.Request) (*ortsplan.Locality, bool) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return l, true
}

// formDate parses an optional yyyy-mm-dd field, recording an error for a bad value.
func formDate(f url.Values, name string, v ortsplan.ValidationErrors) time.Time {
	s := strings.TrimSpace(f.Get(name))
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		v.Add(name, "error.date_invalid")
		return time.Time{}
	}
	return t
}

func formInt(f url.Values, name string, v ortsplan.ValidationErrors) (int, bool) {
	s := strings.TrimSpace(f.Get(name))
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32) // every whole-number column holds 32 bits
	if err != nil {
		v.Add(name, "error.number_invalid")
		return 0, false
	}
	return int(n), true
}

// formVersion reads the version a form was made from; anything but a
// stored version's number reads as 0, which the store refuses as stale.
func formVersion(f url.Values) int {
	n, err := strconv.ParseInt(strings.TrimSpace(f.Get("version")), 10, 32)
	if err != nil || n < 0 {
		return 0
	}
	return int(n)
}

func formFloat(f url.Values, name string, v ortsplan.ValidationErrors) (float64, bool) {
	s := strings.ReplaceAll(strings.TrimSpace(f.Get(name)), ",", ".")
	if s == "" {
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		v.Add(name, "error.number_invalid")
		return 0, false
	}
	return x, true
}

// merge returns the store's errors with the form's parse errors; parse errors win.
func merge(parse ortsplan.ValidationErrors, err error) ortsplan.ValidationErrors {
	out := ortsplan.ValidationErrors{}
	for k, v := range parse {
		out[k] = v
	}
	for k, v := range ortsplan.FieldErrors(err) {
		out.Add(k, v)
	}
	return out
}

type editData struct {
	Locality   *ortsplan.Locality
	Plan       *ortsplan.Plan
	Action     *ortsplan.Action
	Theme      *ortsplan.Theme
	Staff      []*ortsplan.User
	Contacts   map[int64]bool
	Phases     []ortsplan.Phase
	Statuses   []ortsplan.ActionStatus
	Priorities []ortsplan.Priority
	Kinds      []ortsplan.ResponsibleKind
	DocStatus  []ortsplan.DocStatus
	Parents    []*ortsplan.Action
	// Organisations of the locality, for linking to an action.
	Organisations []*ortsplan.Organisation
	Conflict      bool
	Saved         string
}

func (s *Server) editPage(w http.ResponseWriter, r *http.Request, status int, name string, d *editData, f *form) {
	d.Phases, d.Statuses, d.Priorities, d.Kinds = ortsplan.Phases, ortsplan.ActionStatuses, ortsplan.Priorities, ortsplan.ResponsibleKinds
	d.DocStatus = []ortsplan.DocStatus{ortsplan.StatusDraft, ortsplan.StatusAdopted}
	if d.Action != nil && d.Locality != nil {
		orgs, err := s.svc.Meetings.Organisations(r.Context(), d.Locality.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Organisations = orgs
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, name, p)
}

// formFail re-renders a form after a refused save, keeping what was typed;
// a refusal of the right itself, or a server error, gets its error page. The
// form is shown again only to an account that may edit the locality.
func (s *Server) formFail(w http.ResponseWriter, r *http.Request, name string, d *editData, parse ortsplan.ValidationErrors, err error) {
	f := &form{Values: r.PostForm, Errors: merge(parse, err), Error: "error.form"}
	status := http.StatusBadRequest
	switch code := ortsplan.ErrorCode(err); {
	case code == ortsplan.ECONFLICT:
		d.Conflict, f.Error, status = true, "error.conflict", http.StatusConflict
	case code == "" && len(parse) > 0, code == ortsplan.EINVALID:
	default:
		s.fail(w, r, err)
		return
	}
	if d.Locality != nil {
		if _, err := s.svc.Localities.EditableLocality(r.Context(), d.Locality.Slug); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.editPage(w, r, status, name, d, f)
}

func localityValues(l *ortsplan.Locality, contacts []*ortsplan.Contact) url.Values {
	f := url.Values{"name": {l.Name}, "slug": {l.Slug}, "description": {l.Description}, "version": {strconv.Itoa(l.Version)},
		"phase": {string(l.Phase)}}
	if l.Inhabitants != nil {
		f.Set("inhabitants", strconv.Itoa(*l.Inhabitants))
	}
	if l.Lat != nil && l.Lon != nil {
		f.Set("lat", strconv.FormatFloat(*l.Lat, 'f', -1, 64))
		f.Set("lon", strconv.FormatFloat(*l.Lon, 'f', -1, 64))
	}
	for i, c := range contacts {
		id := strconv.FormatInt(c.UserID, 10)
		f.Add("contacts", id)
		f.Set("order-"+id, strconv.Itoa(i+1))
		if c.PageOwner {
			f.Set("page_owner", id)
		}
	}
	return f
}

// contactsFromForm reads the contact people checked in the locality form,
// in the places typed for them, and the page owner chosen.
func contactsFromForm(f url.Values, v ortsplan.ValidationErrors) *ortsplan.ContactChoice {
	var places []ortsplan.ContactPlace
	for _, c := range f["contacts"] { // the form lists them all: none checked is none
		id, ok := parseID(c)
		if !ok {
			v.Add("contacts", "error.contact_unknown")
			continue
		}
		p := ortsplan.ContactPlace{ID: id}
		if n, ok := formInt(f, "order-"+c, v); ok {
			if n < 1 || n > 99 {
				v.Add("order-"+c, "error.contact_place")
			}
			p.Order = n
		}
		places = append(places, p)
	}
	choice := &ortsplan.ContactChoice{IDs: ortsplan.OrderContacts(places)}
	if o := f.Get("page_owner"); o != "" {
		if id, ok := parseID(o); ok {
			choice.PageOwner = id
		} else {
			v.Add("page_owner", "error.page_owner_not_contact")
		}
	}
	return choice
}

// contactStaff orders the staff for the contact form: the locality's
// contacts first, in their order, then everyone else as listed.
func contactStaff(staff []*ortsplan.User, contacts []*ortsplan.Contact) []*ortsplan.User {
	out := make([]*ortsplan.User, 0, len(staff))
	for _, c := range contacts {
		for _, u := range staff {
			if u.ID == c.UserID {
				out = append(out, u)
			}
		}
	}
	for _, u := range staff {
		if !slices.ContainsFunc(contacts, func(c *ortsplan.Contact) bool { return c.UserID == u.ID }) {
			out = append(out, u)
		}
	}
	return out
}

// localityFromForm reads the locality fields shared by the create and edit forms.
func localityFromForm(l *ortsplan.Locality, f url.Values, v ortsplan.ValidationErrors) {
	l.Name = f.Get("name")
	l.Description = f.Get("description")
	l.Inhabitants = nil
	if n, ok := formInt(f, "inhabitants", v); ok {
		l.Inhabitants = &n
	}
	l.Lat, l.Lon = nil, nil
	lat, okLat := formFloat(f, "lat", v)
	lon, okLon := formFloat(f, "lon", v)
	if okLat {
		l.Lat = &lat
	}
	if okLon {
		l.Lon = &lon
	}
}

func (s *Server) activeStaff(r *http.Request) ([]*ortsplan.User, error) {
	return s.svc.Users.ListStaff(r.Context())
}

func (s *Server) editLocalityForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	contacts, err := s.svc.Localities.Contacts(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	staff, err := s.activeStaff(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &editData{Locality: l, Staff: contactStaff(staff, contacts), Saved: r.URL.Query().Get("sparat")}
	s.editPage(w, r, http.StatusOK, "locality_edit", d, &form{Values: localityValues(l, contacts)})
}

func (s *Server) editLocality(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	staff, err := s.activeStaff(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	contacts, err := s.svc.Localities.Contacts(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &editData{Locality: l, Staff: contactStaff(staff, contacts)}
	v := ortsplan.ValidationErrors{}
	upd := *l
	localityFromForm(&upd, r.PostForm, v)
	upd.Version = formVersion(r.PostForm)
	choice := contactsFromForm(r.PostForm, v)
	if len(v) > 0 {
		s.formFail(w, r, "locality_edit", d, v, merge(ortsplan.FieldErrors(upd.Validate()), choice.Validate()).Err())
		return
	}
	if err := s.svc.Localities.UpdateLocality(r.Context(), &upd, choice); err != nil {
		s.formFail(w, r, "locality_edit", d, v, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/redigera?sparat=1", http.StatusSeeOther)
}

func (s *Server) newLocalityForm(w http.ResponseWriter, r *http.Request) {
	// The service says whether the form is for this account, and decides
	// again when a locality is saved.
	if err := s.svc.Localities.MayCreateLocality(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.editPage(w, r, http.StatusOK, "locality_new", &editData{},
		&form{Values: url.Values{"phase": {string(ortsplan.PhaseMobilising)}, "since": {s.cfg.Now().Format("2006-01-02")}}})
}

func (s *Server) createLocality(w http.ResponseWriter, r *http.Request) {
	v := ortsplan.ValidationErrors{}
	l := &ortsplan.Locality{Slug: strings.ToLower(strings.TrimSpace(r.PostFormValue("slug"))), Phase: ortsplan.Phase(r.PostFormValue("phase"))}
	localityFromForm(l, r.PostForm, v)
	l.PhaseSince = formDate(r.PostForm, "since", v)
	if len(v) > 0 && s.svc.Localities.MayCreateLocality(r.Context()) == nil {
		s.formFail(w, r, "locality_new", &editData{}, v, l.Validate())
		return
	}
	if err := s.svc.Localities.CreateLocality(r.Context(), l); err != nil {
		s.formFail(w, r, "locality_new", &editData{}, v, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/handlingsplan/redigera?sparat=ny", http.StatusSeeOther)
}

func (s *Server) changePhase(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	v := ortsplan.ValidationErrors{}
	c := &ortsplan.PhaseChange{LocalityID: l.ID, Phase: ortsplan.Phase(r.PostFormValue("phase")), Note: r.PostFormValue("note"),
		On: formDate(r.PostForm, "on", v)}
	var err error
	if len(v) == 0 {
		err = s.svc.Plans.ChangePhase(r.Context(), c)
	}
	if len(v) > 0 || err != nil {
		if err != nil && ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.localityEditFail(w, r, l, merge(v, err))
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/redigera?sparat=fas", http.StatusSeeOther)
}

// localityEditFail re-renders the locality editor after one of its smaller
// forms (phase, picture) was refused: the stored values, with what was typed
// in that form on top. Only an account that may edit the locality sees it.
func (s *Server) localityEditFail(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality, errs ortsplan.ValidationErrors) {
	if _, err := s.svc.Localities.EditableLocality(r.Context(), l.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	staff, err := s.activeStaff(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	contacts, err := s.svc.Localities.Contacts(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := localityValues(l, contacts)
	for k, vs := range r.PostForm {
		if k != "csrf" {
			vals[k] = vs
		}
	}
	s.editPage(w, r, http.StatusBadRequest, "locality_edit", &editData{Locality: l, Staff: staff},
		&form{Values: vals, Errors: errs, Error: "error.form"})
}

func visionValues(vi *ortsplan.Vision) url.Values {
	return url.Values{"title": {vi.Title}, "body": {vi.Body}, "status": {string(vi.Status)}, "version": {strconv.Itoa(vi.Version)},
		"decision_date": {dateValue(vi.Decision.On)}, "decision_body": {vi.Decision.Body}, "decision_reference": {vi.Decision.Reference}}
}

func (s *Server) editVisionForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	vi, err := s.svc.Plans.FindVision(r.Context(), l.ID)
	if ortsplan.ErrorCode(err) == ortsplan.ENOTFOUND {
		vi = &ortsplan.Vision{LocalityID: l.ID, Title: s.cat.T(reqInfo(r).Lang, "vision.default_title", l.Name, s.cfg.Now().Year()+10),
			Status: ortsplan.StatusDraft}
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.editPage(w, r, http.StatusOK, "vision_edit", &editData{Locality: l, Saved: r.URL.Query().Get("sparat")}, &form{Values: visionValues(vi)})
}

func decisionFromForm(f url.Values, v ortsplan.ValidationErrors) ortsplan.Decision {
	return ortsplan.Decision{On: formDate(f, "decision_date", v), Body: strings.TrimSpace(f.Get("decision_body")),
		Reference: strings.TrimSpace(f.Get("decision_reference"))}
}

func (s *Server) editVision(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	v := ortsplan.ValidationErrors{}
	vi := &ortsplan.Vision{LocalityID: l.ID, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Status: ortsplan.DocStatus(r.PostFormValue("status")), Decision: decisionFromForm(r.PostForm, v)}
	vi.Version = formVersion(r.PostForm)
	d := &editData{Locality: l}
	if len(v) > 0 {
		s.formFail(w, r, "vision_edit", d, v, vi.Validate())
		return
	}
	if err := s.svc.Plans.SaveVision(r.Context(), vi); err != nil {
		s.formFail(w, r, "vision_edit", d, v, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/vision/redigera?sparat=1", http.StatusSeeOther)
}

func planValues(p *ortsplan.Plan) url.Values {
	return url.Values{"status": {string(p.Status)}, "version": {strconv.Itoa(p.Version)}, "decision_date": {dateValue(p.Decision.On)},
		"decision_body": {p.Decision.Body}, "decision_reference": {p.Decision.Reference}, "next_review": {dateValue(p.NextReview)}}
}

func (s *Server) editPlanPage(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality, status int, f *form, themeForm *form) {
	if _, err := s.svc.Localities.EditableLocality(r.Context(), l.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.svc.Plans.FindPlan(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f == nil {
		f = &form{Values: planValues(p)}
	}
	if themeForm != nil {
		// The theme form's fields are named theme_*; its errors get the same prefix.
		for k, vs := range themeForm.Values {
			f.Values[k] = vs
		}
		if f.Errors == nil {
			f.Errors = ortsplan.ValidationErrors{}
		}
		for k, e := range themeForm.Errors {
			f.Errors["theme_"+k] = e
		}
		f.Error = themeForm.Error
	}
	s.editPage(w, r, status, "plan_edit", &editData{Locality: l, Plan: p, Saved: r.URL.Query().Get("sparat")}, f)
}

func (s *Server) editPlanForm(w http.ResponseWriter, r *http.Request) {
	if l, ok := s.editableLocality(w, r); ok {
		s.editPlanPage(w, r, l, http.StatusOK, nil, nil)
	}
}

func (s *Server) editPlan(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	v := ortsplan.ValidationErrors{}
	p := &ortsplan.Plan{LocalityID: l.ID, Status: ortsplan.DocStatus(r.PostFormValue("status")), Decision: decisionFromForm(r.PostForm, v),
		NextReview: formDate(r.PostForm, "next_review", v)}
	p.Version = formVersion(r.PostForm)
	var err error
	if len(v) == 0 {
		err = s.svc.Plans.SavePlan(r.Context(), p)
	} else {
		err = p.Validate()
	}
	if len(v) > 0 || err != nil {
		f := &form{Values: r.PostForm, Errors: merge(v, err), Error: "error.form"}
		status := http.StatusBadRequest
		if ortsplan.ErrorCode(err) == ortsplan.ECONFLICT {
			f.Error, status = "error.conflict", http.StatusConflict
		} else if err != nil && ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.editPlanPage(w, r, l, status, f, nil)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/handlingsplan/redigera?sparat=plan", http.StatusSeeOther)
}

func (s *Server) createTheme(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	t := &ortsplan.Theme{LocalityID: l.ID, Title: r.PostFormValue("theme_title"), Description: r.PostFormValue("theme_description")}
	if err := s.svc.Plans.SaveTheme(r.Context(), t); err != nil {
		if ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.editPlanPage(w, r, l, http.StatusBadRequest, nil, &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: "error.form"})
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/handlingsplan/redigera?sparat=tema#tema-"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
}

func (s *Server) findTheme(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality) (*ortsplan.Plan, *ortsplan.Theme, bool) {
	id, ok := parseID(r.PathValue("id"))
	p, err := s.svc.Plans.FindPlan(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	for _, t := range p.Themes {
		if ok && t.ID == id {
			return p, t, true
		}
	}
	s.notFound(w, r)
	return nil, nil, false
}

func (s *Server) editThemeForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	_, t, ok := s.findTheme(w, r, l)
	if !ok {
		return
	}
	s.editPage(w, r, http.StatusOK, "theme_edit", &editData{Locality: l, Theme: t},
		&form{Values: url.Values{"title": {t.Title}, "description": {t.Description}, "version": {strconv.Itoa(t.Version)}}})
}

// editTheme saves a theme; the service finds its locality by the theme's id.
func (s *Server) editTheme(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	upd := &ortsplan.Theme{ID: id, Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
	upd.Version = formVersion(r.PostForm)
	if err := s.svc.Plans.SaveTheme(r.Context(), upd); err != nil {
		l, ok := s.pathLocality(w, r)
		if !ok {
			return
		}
		s.formFail(w, r, "theme_edit", &editData{Locality: l, Theme: &ortsplan.Theme{ID: id, Title: upd.Title}}, nil, err)
		return
	}
	http.Redirect(w, r, planEditPath(r)+"?sparat=tema#tema-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// planEditPath is the plan editor of the locality in the path.
func planEditPath(r *http.Request) string {
	return "/orter/" + r.PathValue("slug") + "/handlingsplan/redigera"
}

func moveDelta(r *http.Request) int {
	if r.PostFormValue("riktning") == "upp" {
		return -1
	}
	return 1
}

// mover returns a handler that moves a theme or action up or down and goes
// back to the plan editor at its anchor.
func (s *Server) mover(move func(ctx context.Context, id int64, delta int) error, anchor string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := parseID(r.PathValue("id"))
		if !ok {
			s.notFound(w, r)
			return
		}
		if err := move(r.Context(), id, moveDelta(r)); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, planEditPath(r)+"?sparat=flyttad#"+anchor+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

func actionValues(a *ortsplan.Action) url.Values {
	f := url.Values{"title": {a.Title}, "description": {a.Description}, "responsible_kind": {string(a.ResponsibleKind)},
		"responsible_name": {a.ResponsibleName}, "responsible_department": {a.ResponsibleDepartment}, "priority": {string(a.Priority)},
		"funding": {a.Funding}, "start": {dateValue(a.Start)}, "end": {dateValue(a.End)}, "status": {string(a.Status)}, "progress": {strconv.Itoa(a.Progress)},
		"theme": {strconv.FormatInt(a.ThemeID, 10)}, "parent": {strconv.FormatInt(a.ParentID, 10)}, "version": {strconv.Itoa(a.Version)},
		"update_on": {time.Now().Format("2006-01-02")}}
	if a.Weight > 0 {
		f.Set("weight", strconv.FormatFloat(a.Weight, 'f', -1, 64))
	}
	setPlaceValues(f, a.Place)
	for _, o := range a.Organisations {
		f.Add("organisations", strconv.FormatInt(o.ID, 10))
	}
	return f
}

// topActions lists the plan's top-level actions, the possible parents of a sub-action.
func topActions(p *ortsplan.Plan, except int64) []*ortsplan.Action {
	var out []*ortsplan.Action
	// An action that exists keeps to its focus area: only that area's actions
	// may be its parent (moving it is a step of its own).
	theme := int64(0)
	if a := p.FindAction(except); a != nil {
		theme = a.ThemeID
	}
	for _, t := range p.Themes {
		if theme != 0 && t.ID != theme {
			continue
		}
		for _, a := range t.Actions {
			if a.ID != except {
				out = append(out, a)
			}
		}
	}
	return out
}

func (s *Server) newActionForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	p, err := s.svc.Plans.FindPlan(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := &ortsplan.Action{Status: ortsplan.ActionNotStarted, Priority: ortsplan.PriorityMedium}
	a.ThemeID, _ = parseID(r.URL.Query().Get("tema"))
	a.ParentID, _ = parseID(r.URL.Query().Get("foralder"))
	f := actionValues(a)
	pickedPoint(r, f)
	s.editPage(w, r, http.StatusOK, "action_edit", &editData{Locality: l, Plan: p, Action: &ortsplan.Action{}, Parents: topActions(p, 0)},
		&form{Values: f})
}

func actionFromForm(a *ortsplan.Action, f url.Values, v ortsplan.ValidationErrors) {
	a.Title = f.Get("title")
	a.Description = f.Get("description")
	a.ResponsibleKind = ortsplan.ResponsibleKind(f.Get("responsible_kind"))
	a.ResponsibleName = f.Get("responsible_name")
	a.ResponsibleDepartment = f.Get("responsible_department")
	a.Funding = f.Get("funding")
	a.Priority = ortsplan.Priority(f.Get("priority"))
	a.Start = formDate(f, "start", v)
	a.End = formDate(f, "end", v)
	a.Status = ortsplan.ActionStatus(f.Get("status"))
	a.Progress, _ = formInt(f, "progress", v)
	a.Weight, _ = formFloat(f, "weight", v)
	a.ThemeID, _ = parseID(f.Get("theme"))
	a.ParentID, _ = parseID(f.Get("parent"))
	a.Place = placeFromForm(f, v)
	a.Version = formVersion(f)
	a.Organisations = nil
	for _, o := range f["organisations"] {
		if id, ok := parseID(o); ok {
			a.Organisations = append(a.Organisations, &ortsplan.Organisation{ID: id})
		}
	}
}

// saveAction creates or saves an action with its organisations in one call;
// the service finds the locality from the action (or its theme) as stored.
func (s *Server) saveAction(w http.ResponseWriter, r *http.Request) {
	a := &ortsplan.Action{}
	if idStr := r.PathValue("id"); idStr != "" {
		id, ok := parseID(idStr)
		if !ok {
			s.notFound(w, r)
			return
		}
		a.ID = id
	}
	v := ortsplan.ValidationErrors{}
	actionFromForm(a, r.PostForm, v)
	err := a.Validate()
	if len(v) == 0 {
		err = s.svc.Plans.SaveAction(r.Context(), a)
	}
	if len(v) > 0 || err != nil {
		l, ok := s.pathLocality(w, r)
		if !ok {
			return
		}
		p, perr := s.svc.Plans.FindPlan(r.Context(), l.ID)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		existing := &ortsplan.Action{}
		if a.ID != 0 {
			if existing = p.FindAction(a.ID); existing == nil {
				existing = &ortsplan.Action{ID: a.ID}
			}
		}
		s.formFail(w, r, "action_edit", &editData{Locality: l, Plan: p, Action: existing, Parents: topActions(p, a.ID)}, v, err)
		return
	}
	http.Redirect(w, r, planEditPath(r)+"?sparat=atgard#atgard-"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

func (s *Server) editActionForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	p, err := s.svc.Plans.FindPlan(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, _ := parseID(r.PathValue("id"))
	a := p.FindAction(id)
	if a == nil {
		s.notFound(w, r)
		return
	}
	f := actionValues(a)
	pickedPoint(r, f)
	s.editPage(w, r, http.StatusOK, "action_edit", &editData{Locality: l, Plan: p, Action: a, Parents: topActions(p, a.ID),
		Saved: r.URL.Query().Get("sparat")}, &form{Values: f})
}

func (s *Server) addActionUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	v := ortsplan.ValidationErrors{}
	u := &ortsplan.ActionUpdate{ActionID: id, Text: r.PostFormValue("update_text"), On: formDate(r.PostForm, "update_on", v)}
	err := u.Validate()
	if len(v) == 0 {
		err = s.svc.Plans.AddActionUpdate(r.Context(), u)
	}
	if len(v) > 0 || err != nil {
		if err != nil && ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		l, ok := s.editableLocality(w, r)
		if !ok {
			return
		}
		p, perr := s.svc.Plans.FindPlan(r.Context(), l.ID)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		a := p.FindAction(id)
		if a == nil {
			s.notFound(w, r)
			return
		}
		vals := actionValues(a)
		vals.Set("update_text", r.PostFormValue("update_text"))
		vals.Set("update_on", r.PostFormValue("update_on"))
		errs := ortsplan.ValidationErrors{}
		for k, e := range merge(v, err) {
			errs["update_"+strings.TrimPrefix(k, "update_")] = e
		}
		s.editPage(w, r, http.StatusBadRequest, "action_edit", &editData{Locality: l, Plan: p, Action: a, Parents: topActions(p, a.ID)},
			&form{Values: vals, Errors: errs, Error: "error.form"})
		return
	}
	// Back to the action where it is stored, whatever locality the address named.
	http.Redirect(w, r, "/orter/"+u.LocalitySlug+"/atgarder/"+strconv.FormatInt(id, 10)+"?sparat=uppdatering#uppdateringar", http.StatusSeeOther)
}
