package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/ortsplan/ortsplan"
)

// The staff home (/admin) and the lists behind its counts. The services
// answer only for the localities the user works on; the handlers parse the
// filter, call and render.

// workFilter is a staff list's filter as the page shows it.
type workFilter struct {
	// Localities are those the user works on, for the filter's choices.
	Localities []ortsplan.LocalityRef
	// Locality is the chosen one, nil for all of them.
	Locality *ortsplan.LocalityRef
	Page     int
	More     bool
	// Query is the filter as a query string without the page, for links.
	Query url.Values
}

// PageURL returns the list's address for page n with the same filter.
func (f *workFilter) PageURL(path string, n int) string {
	q := url.Values{}
	for k, v := range f.Query {
		q[k] = v
	}
	if n > 1 {
		q.Set("sida", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// LocalityQuery is "ort=slug" for the chosen locality, "" for all.
func (f *workFilter) LocalityQuery() string {
	if f.Locality == nil {
		return ""
	}
	return "ort=" + url.QueryEscape(f.Locality.Slug)
}

// parseWorkFilter reads ?ort= and ?sida=; a locality the user does not work
// on, or a page that is not a number, is a 400.
func (s *Server) parseWorkFilter(w http.ResponseWriter, r *http.Request) (*workFilter, ortsplan.WorkFilter, bool) {
	u := reqInfo(r).User
	f := &workFilter{Page: 1, Query: url.Values{}}
	if u.AllLocalities() {
		ls, err := s.svc.Localities.ListLocalities(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return nil, ortsplan.WorkFilter{}, false
		}
		for _, l := range ls {
			f.Localities = append(f.Localities, ortsplan.LocalityRef{ID: l.ID, Slug: l.Slug, Name: l.Name})
		}
	} else {
		f.Localities = u.Localities
	}
	q := r.URL.Query()
	if slug := q.Get("ort"); slug != "" {
		i := slices.IndexFunc(f.Localities, func(l ortsplan.LocalityRef) bool { return l.Slug == slug })
		if i < 0 {
			s.renderError(w, r, http.StatusBadRequest, "work.unknown_locality")
			return nil, ortsplan.WorkFilter{}, false
		}
		f.Locality = &f.Localities[i]
		f.Query.Set("ort", slug)
	}
	if p := q.Get("sida"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 10000 {
			s.renderError(w, r, http.StatusBadRequest, "error.bad_page")
			return nil, ortsplan.WorkFilter{}, false
		}
		f.Page = n
	}
	wf := ortsplan.WorkFilter{Page: f.Page}
	if f.Locality != nil {
		wf.LocalityID = f.Locality.ID
	}
	return f, wf, true
}

type workHomeData struct {
	Filter *workFilter
	Work   *ortsplan.Workload
	// Surveys are the open surveys closing soon (surveys.go).
	Surveys []*ortsplan.Survey
}

// adminHome is the staff home: what waits, with a count and a link each.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	f, wf, ok := s.parseWorkFilter(w, r)
	if !ok {
		return
	}
	work, err := s.svc.Work.Workload(r.Context(), wf.LocalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	surveys, err := s.surveysClosingSoon(r, wf.LocalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = workHomeData{Filter: f, Work: work, Surveys: surveys}
	s.render(w, r, http.StatusOK, "admin_home", p)
}

type workIdeasData struct {
	Filter   *workFilter
	Statuses []ortsplan.IdeaStatus
	Status   ortsplan.IdeaStatus
	Ideas    []*ortsplan.Idea
}

// adminIdeas lists ideas without an official answer.
func (s *Server) adminIdeas(w http.ResponseWriter, r *http.Request) {
	f, wf, ok := s.parseWorkFilter(w, r)
	if !ok {
		return
	}
	d := workIdeasData{Filter: f, Statuses: ortsplan.IdeaStatuses}
	if st := r.URL.Query().Get("status"); st != "" {
		if !slices.Contains(ortsplan.IdeaStatuses, ortsplan.IdeaStatus(st)) {
			s.renderError(w, r, http.StatusBadRequest, "work.unknown_status")
			return
		}
		d.Status = ortsplan.IdeaStatus(st)
		f.Query.Set("status", st)
	}
	var err error
	if d.Ideas, f.More, err = s.svc.Work.UnansweredIdeas(r.Context(), d.Status, wf); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_ideas", p)
}

type workLateData struct {
	Filter  *workFilter
	Actions []*ortsplan.LateAction
}

// adminLate lists late actions.
func (s *Server) adminLate(w http.ResponseWriter, r *http.Request) {
	f, wf, ok := s.parseWorkFilter(w, r)
	if !ok {
		return
	}
	d := workLateData{Filter: f}
	var err error
	if d.Actions, f.More, err = s.svc.Work.LateActions(r.Context(), wf); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_late", p)
}

type workMeetingsData struct {
	Filter   *workFilter
	List     ortsplan.MeetingList
	Meetings []*ortsplan.Meeting
}

// adminMeetings lists meetings held without notes (?visa=utan-anteckningar,
// the default) or coming in the next two weeks (?visa=kommande).
func (s *Server) adminMeetings(w http.ResponseWriter, r *http.Request) {
	f, wf, ok := s.parseWorkFilter(w, r)
	if !ok {
		return
	}
	d := workMeetingsData{Filter: f, List: ortsplan.MeetingsNeedingNotes}
	switch v := ortsplan.MeetingList(r.URL.Query().Get("visa")); v {
	case "":
	case ortsplan.MeetingsNeedingNotes, ortsplan.MeetingsComing:
		d.List = v
	default:
		s.renderError(w, r, http.StatusBadRequest, "work.unknown_list")
		return
	}
	f.Query.Set("visa", string(d.List))
	var err error
	if d.Meetings, f.More, err = s.svc.Work.WorkMeetings(r.Context(), d.List, wf); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_meetings", p)
}
