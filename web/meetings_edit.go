package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

type meetingEditData struct {
	Locality *ortsplan.Locality
	Meeting  *ortsplan.Meeting
	Groups   []*ortsplan.Group
	Conflict bool
	Saved    bool
}

// editableMeeting loads the meeting in the path and its locality for an
// editing form; the service refuses accounts that may not edit it.
func (s *Server) editableMeeting(w http.ResponseWriter, r *http.Request) (*ortsplan.Meeting, *ortsplan.Locality, bool) {
	m, ok := s.pathMeeting(w, r)
	if !ok {
		return nil, nil, false
	}
	l, err := s.svc.Localities.EditableLocality(r.Context(), m.LocalitySlug)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return m, l, true
}

// pathMeeting loads the meeting in the path.
func (s *Server) pathMeeting(w http.ResponseWriter, r *http.Request) (*ortsplan.Meeting, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	m, err := s.svc.Meetings.FindMeeting(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return m, true
}

func meetingValues(m *ortsplan.Meeting) url.Values {
	loc := i18n.Stockholm()
	f := url.Values{"title": {m.Title}, "kind": {string(m.Kind)}, "state": {string(m.State)}, "place_name": {m.PlaceName},
		"place_address": {m.PlaceAddress}, "accessibility": {m.Accessibility}, "agenda": {m.Agenda}, "cancel_reason": {m.CancelReason},
		"report": {m.Report}, "version": {strconv.Itoa(m.Version)}, "group": {strconv.FormatInt(m.GroupID, 10)}}
	if !m.Start.IsZero() {
		f.Set("date", m.Start.In(loc).Format("2006-01-02"))
		f.Set("start_time", m.Start.In(loc).Format("15:04"))
	}
	if !m.End.IsZero() {
		f.Set("end_time", m.End.In(loc).Format("15:04"))
	}
	if m.Registration {
		f.Set("registration", "1")
	}
	if m.Capacity > 0 {
		f.Set("capacity", strconv.Itoa(m.Capacity))
	}
	if m.Participants > 0 {
		f.Set("participants", strconv.Itoa(m.Participants))
	}
	if !m.ReportPublished.IsZero() {
		f.Set("publish_report", "1")
	}
	return f
}

// meetingFromForm reads the meeting form; times are Europe/Stockholm.
func (s *Server) meetingFromForm(m *ortsplan.Meeting, f url.Values, v ortsplan.ValidationErrors) {
	loc := i18n.Stockholm()
	m.Title = f.Get("title")
	m.Kind = ortsplan.MeetingKind(f.Get("kind"))
	m.State = ortsplan.MeetingState(f.Get("state"))
	m.PlaceName = strings.TrimSpace(f.Get("place_name"))
	m.PlaceAddress = strings.TrimSpace(f.Get("place_address"))
	m.Accessibility = strings.TrimSpace(f.Get("accessibility"))
	m.Agenda = f.Get("agenda")
	m.CancelReason = strings.TrimSpace(f.Get("cancel_reason"))
	m.Report = f.Get("report")
	m.GroupID, _ = parseID(f.Get("group"))
	m.Registration = f.Get("registration") == "1"
	m.Capacity, _ = formInt(f, "capacity", v)
	m.Participants, _ = formInt(f, "participants", v)
	day := formDate(f, "date", v)
	// parseClock reads hh:mm; the wall-clock time is combined with the date in
	// Stockholm (not added as a duration, which would be wrong on DST days).
	parseClock := func(name string) (time.Time, bool) {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return time.Time{}, false
		}
		t, err := time.Parse("15:04", s)
		if err != nil {
			v.Add(name, "error.time_invalid")
			return time.Time{}, false
		}
		return t, true
	}
	startClock, okStart := parseClock("start_time")
	endClock, okEnd := parseClock("end_time")
	m.Start, m.End = time.Time{}, time.Time{}
	if !day.IsZero() {
		at := func(c time.Time) time.Time {
			return time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, loc).UTC()
		}
		if okStart {
			m.Start = at(startClock)
		} else if f.Get("start_time") == "" {
			v.Add("start_time", "error.time_required")
		}
		if okEnd {
			m.End = at(endClock)
			// An end at or before the start is past midnight: the next day.
			if okStart && !m.End.After(m.Start) {
				next := day.AddDate(0, 0, 1)
				m.End = time.Date(next.Year(), next.Month(), next.Day(), endClock.Hour(), endClock.Minute(), 0, 0, loc).UTC()
			}
		}
	} else if f.Get("date") == "" {
		v.Add("date", "error.date_required")
	}
	if f.Get("publish_report") == "1" {
		if m.ReportPublished.IsZero() {
			m.ReportPublished = s.cfg.Now().UTC()
		}
	} else {
		m.ReportPublished = time.Time{}
	}
}

func (s *Server) meetingEditPage(w http.ResponseWriter, r *http.Request, status int, d *meetingEditData, f *form) {
	if _, err := s.svc.Localities.EditableLocality(r.Context(), d.Locality.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := s.svc.Meetings.Groups(r.Context(), d.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Groups = groups
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "meeting_edit", p)
}

func (s *Server) newMeetingForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	m := &ortsplan.Meeting{Kind: ortsplan.MeetingOpen, State: ortsplan.MeetingPlanned}
	m.GroupID, _ = parseID(r.URL.Query().Get("grupp"))
	s.meetingEditPage(w, r, http.StatusOK, &meetingEditData{Locality: l, Meeting: &ortsplan.Meeting{}}, &form{Values: meetingValues(m)})
}

func (s *Server) saveMeeting(w http.ResponseWriter, r *http.Request) {
	var m *ortsplan.Meeting
	var l *ortsplan.Locality
	var ok bool
	if r.PathValue("id") != "" {
		if m, ok = s.pathMeeting(w, r); !ok {
			return
		}
		l = &ortsplan.Locality{ID: m.LocalityID, Slug: m.LocalitySlug, Name: m.LocalityName}
	} else {
		if l, ok = s.pathLocality(w, r); !ok {
			return
		}
		m = &ortsplan.Meeting{LocalityID: l.ID}
	}
	upd := *m
	v := ortsplan.ValidationErrors{}
	s.meetingFromForm(&upd, r.PostForm, v)
	upd.Version = formVersion(r.PostForm)
	var err error
	if len(v) == 0 {
		err = s.svc.Meetings.SaveMeeting(r.Context(), &upd)
	} else {
		err = upd.Validate()
	}
	if len(v) > 0 || err != nil {
		f := &form{Values: r.PostForm, Errors: merge(v, err), Error: "error.form"}
		status := http.StatusBadRequest
		d := &meetingEditData{Locality: l, Meeting: m}
		if ortsplan.ErrorCode(err) == ortsplan.ECONFLICT {
			d.Conflict, f.Error, status = true, "error.conflict", http.StatusConflict
		} else if err != nil && ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.meetingEditPage(w, r, status, d, f) // shown only to those who may edit
		return
	}
	http.Redirect(w, r, "/moten/"+strconv.FormatInt(upd.ID, 10)+"?sparat=1", http.StatusSeeOther)
}

func (s *Server) editMeetingForm(w http.ResponseWriter, r *http.Request) {
	m, l, ok := s.editableMeeting(w, r)
	if !ok {
		return
	}
	s.meetingEditPage(w, r, http.StatusOK, &meetingEditData{Locality: l, Meeting: m}, &form{Values: meetingValues(m)})
}
