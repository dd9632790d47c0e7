package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// Matters passed on (ärenden): listed for the whole municipality and per
// locality, paged, with the waiting time of those unanswered; one matter's
// page; staff enter, edit and publish them. The service decides who may
// and what an unpublished matter shows to whom.

// matterStatusKey is the translation key of a matter status.
func matterStatusKey(st ortsplan.MatterStatus) string {
	switch st {
	case ortsplan.MatterSent:
		return "matter.status.skickat"
	case ortsplan.MatterAnswered:
		return "matter.status.besvarat"
	case ortsplan.MatterGranted:
		return "matter.status.beviljat"
	case ortsplan.MatterRefused:
		return "matter.status.avslaget"
	case ortsplan.MatterDormant:
		return "matter.status.vilande"
	}
	return "value.none"
}

// matterRow is one line of a matter list, its texts made in Go.
type matterRow struct {
	M         *ortsplan.Matter
	Status    string
	Waiting   string // "" when it waits for nothing
	Overdue   bool
	Published bool
}

func newMatterRow(L *i18n.Localizer, m *ortsplan.Matter, today time.Time) matterRow {
	row := matterRow{M: m, Status: L.T(matterStatusKey(m.Status)), Published: m.Published(), Overdue: ortsplan.MatterOverdue(m, today)}
	if n, ok := ortsplan.MatterWaitingDays(m, today); ok {
		row.Waiting = L.N("matter.waiting_days", n)
	}
	return row
}

// mattersData is what the matter lists show.
type mattersData struct {
	// Locality is nil on the municipality's list.
	Locality *ortsplan.Locality
	*localityView
	CanEdit  bool
	Rows     []matterRow
	Count    *ortsplan.MatterCount
	Statuses []statusOption
	Status   ortsplan.MatterStatus
	Page     int
	Prev     string
	Next     string
	Saved    bool
}

type statusOption struct {
	Value ortsplan.MatterStatus
	Label string
	Count int
}

// matterList serves /arenden and /orter/{slug}/arenden: ?status= one
// status, ?sida= the page.
func (s *Server) matterList(w http.ResponseWriter, r *http.Request) {
	d := &mattersData{Page: 1}
	f := ortsplan.MatterFilter{}
	if r.PathValue("slug") != "" {
		v, _, err := s.loadLocality(r.Context(), r, noPlan)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.localityView, d.Locality, d.CanEdit = v, v.Locality, v.CanEdit
		f.LocalityID = v.Locality.ID
	}
	q := r.URL.Query()
	if st := ortsplan.MatterStatus(q.Get("status")); st != "" {
		if !st.Valid() {
			s.renderError(w, r, http.StatusBadRequest, "matter.unknown_status")
			return
		}
		d.Status, f.Status = st, st
	}
	if p := q.Get("sida"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 10000 {
			s.renderError(w, r, http.StatusBadRequest, "error.bad_page")
			return
		}
		d.Page = n
	}
	f.Page = d.Page
	ms, more, err := s.svc.Matters.Matters(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all := f
	all.Status = ""
	if d.Count, err = s.svc.Matters.CountMatters(r.Context(), all); err != nil {
		s.fail(w, r, err)
		return
	}
	L := s.cat.For(reqInfo(r).Lang)
	today := s.cfg.Now()
	for _, m := range ms {
		d.Rows = append(d.Rows, newMatterRow(L, m, today))
	}
	for _, st := range ortsplan.MatterStatuses {
		d.Statuses = append(d.Statuses, statusOption{Value: st, Label: L.T(matterStatusKey(st)), Count: d.Count.ByStatus[st]})
	}
	page := func(n int) string { return pageURL(r.URL.Path, "status", string(d.Status), n) }
	if d.Page > 1 {
		d.Prev = page(d.Page - 1)
	}
	if more {
		d.Next = page(d.Page + 1)
	}
	d.Saved = q.Get("sparat") != ""
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "matters", p)
}

// matterData is one matter's page.
type matterData struct {
	Row     matterRow
	CanEdit bool
	Saved   string
}

// matterPage shows one matter; an unpublished one only to staff who may
// edit its locality (the service answers 404 to everyone else).
func (s *Server) matterPage(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	m, err := s.svc.Matters.FindMatter(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &matterData{Row: newMatterRow(s.cat.For(reqInfo(r).Lang), m, s.cfg.Now()), CanEdit: reqInfo(r).User.CanEditLocality(m.LocalityID),
		Saved: r.URL.Query().Get("sparat")}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "matter", p)
}

// matterEditData is the matter form's.
type matterEditData struct {
	Locality   *ortsplan.Locality
	Matter     *ortsplan.Matter // ID 0 for a new one
	Groups     []*ortsplan.Group
	Actions    []*ortsplan.Action
	Recipients []string
	Statuses   []statusOption
}

func matterValues(m *ortsplan.Matter) url.Values {
	return url.Values{"title": {m.Title}, "body": {m.Body}, "recipient": {m.Recipient}, "sent_on": {dateValue(m.SentOn)},
		"answer": {m.Answer}, "answered_on": {dateValue(m.AnsweredOn)}, "status": {string(m.Status)}, "reference": {m.Reference},
		"group": {strconv.FormatInt(m.GroupID, 10)}, "action": {strconv.FormatInt(m.ActionID, 10)}, "version": {strconv.Itoa(m.Version)}}
}

// matterForm renders the form for a new matter in l or for m; the
// locality's editing right is asked of the service first.
func (s *Server) matterForm(w http.ResponseWriter, r *http.Request, status int, l *ortsplan.Locality, m *ortsplan.Matter, f *form) {
	if _, err := s.svc.Localities.EditableLocality(r.Context(), l.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	d := &matterEditData{Locality: l, Matter: m}
	var err error
	if d.Groups, err = s.svc.Meetings.Groups(r.Context(), l.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	plan, err := s.svc.Plans.FindPlan(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var walk func(as []*ortsplan.Action)
	walk = func(as []*ortsplan.Action) {
		for _, a := range as {
			d.Actions = append(d.Actions, a)
			walk(a.Children)
		}
	}
	for _, t := range plan.Themes {
		walk(t.Actions)
	}
	used, err := s.svc.Matters.MatterRecipients(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Recipients = slices.Clone(ortsplan.MatterRecipients)
	for _, u := range used {
		if !slices.Contains(d.Recipients, u) {
			d.Recipients = append(d.Recipients, u)
		}
	}
	L := s.cat.For(reqInfo(r).Lang)
	for _, st := range ortsplan.MatterStatuses {
		if m.ID == 0 || ortsplan.MatterTransition(m.Status, st) {
			d.Statuses = append(d.Statuses, statusOption{Value: st, Label: L.T(matterStatusKey(st))})
		}
	}
	if f == nil {
		f = &form{Values: matterValues(m)}
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "matter_edit", p)
}

func (s *Server) newMatterForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	today := s.cfg.Now().In(stockholmLoc())
	m := &ortsplan.Matter{LocalityID: l.ID, Status: ortsplan.MatterSent, SentOn: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)}
	s.matterForm(w, r, http.StatusOK, l, m, nil)
}

func (s *Server) editMatterForm(w http.ResponseWriter, r *http.Request) {
	m, l, ok := s.pathMatter(w, r)
	if ok {
		s.matterForm(w, r, http.StatusOK, l, m, nil)
	}
}

// pathMatter loads the matter in the path and its locality.
func (s *Server) pathMatter(w http.ResponseWriter, r *http.Request) (*ortsplan.Matter, *ortsplan.Locality, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return nil, nil, false
	}
	m, err := s.svc.Matters.FindMatter(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	l, err := s.svc.Localities.FindLocality(r.Context(), m.LocalitySlug)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return m, l, true
}

func matterFromForm(m *ortsplan.Matter, f url.Values, v ortsplan.ValidationErrors) {
	m.Title, m.Body, m.Recipient = f.Get("title"), f.Get("body"), f.Get("recipient")
	m.Answer, m.Reference = f.Get("answer"), f.Get("reference")
	m.Status = ortsplan.MatterStatus(f.Get("status"))
	m.SentOn = formDate(f, "sent_on", v)
	m.AnsweredOn = formDate(f, "answered_on", v)
	m.GroupID, _ = parseID(f.Get("group"))
	m.ActionID, _ = parseID(f.Get("action"))
	m.Version = formVersion(f)
}

// saveMatter creates a matter in the path's locality or saves the one in
// the path; the service checks the right against the matter's locality as
// stored.
func (s *Server) saveMatter(w http.ResponseWriter, r *http.Request) {
	var m *ortsplan.Matter
	var l *ortsplan.Locality
	if r.PathValue("id") != "" {
		var ok bool
		if m, l, ok = s.pathMatter(w, r); !ok {
			return
		}
	} else {
		var ok bool
		if l, ok = s.pathLocality(w, r); !ok {
			return
		}
		m = &ortsplan.Matter{LocalityID: l.ID}
	}
	old := *m
	v := ortsplan.ValidationErrors{}
	matterFromForm(m, r.PostForm, v)
	var err error
	if len(v) == 0 {
		err = s.svc.Matters.SaveMatter(r.Context(), m)
	} else {
		err = m.Validate()
	}
	if len(v) > 0 || err != nil {
		f := &form{Values: r.PostForm, Errors: merge(v, err), Error: "error.form"}
		status := http.StatusBadRequest
		switch ortsplan.ErrorCode(err) {
		case ortsplan.ECONFLICT:
			f.Error, status = "error.conflict", http.StatusConflict
		case "", ortsplan.EINVALID:
		default:
			s.fail(w, r, err)
			return
		}
		s.matterForm(w, r, status, l, &old, f)
		return
	}
	http.Redirect(w, r, "/arenden/"+strconv.FormatInt(m.ID, 10)+"?sparat=1", http.StatusSeeOther)
}

// publishMatter makes a reviewed matter public.
func (s *Server) publishMatter(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.svc.Matters.PublishMatter(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/arenden/"+strconv.FormatInt(id, 10)+"?sparat=publicerat", http.StatusSeeOther)
}

// workMattersData is the staff list of matters waiting too long.
type workMattersData struct {
	Filter *workFilter
	Rows   []matterRow
}

// adminMatters lists the matters unanswered after ortsplan.MatterAnswerDays.
func (s *Server) adminMatters(w http.ResponseWriter, r *http.Request) {
	f, wf, ok := s.parseWorkFilter(w, r)
	if !ok {
		return
	}
	ms, more, err := s.svc.Matters.OverdueMatters(r.Context(), wf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.More = more
	d := workMattersData{Filter: f}
	L := s.cat.For(reqInfo(r).Lang)
	for _, m := range ms {
		d.Rows = append(d.Rows, newMatterRow(L, m, s.cfg.Now()))
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_matters", p)
}
