package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/ical"
)

// yearGroup is one year of the meetings archive.
type yearGroup struct {
	Year     int
	Meetings []*ortsplan.Meeting
}

type meetingsData struct {
	Locality *ortsplan.Locality
	Upcoming []*ortsplan.Meeting
	Archive  []yearGroup
	CanEdit  bool
	Archived bool // a meeting was archived
	// More continues the calendar after its page; Later says it is not
	// its first page.
	More  string
	Later bool
}

// splitMeetings puts upcoming meetings first (soonest first) and the rest in an
// archive by year, newest first.
func splitMeetings(ms []*ortsplan.Meeting, now time.Time) ([]*ortsplan.Meeting, []yearGroup) {
	var upcoming []*ortsplan.Meeting
	var archive []yearGroup
	for _, m := range ms {
		end := m.End
		if end.IsZero() {
			end = m.Start.Add(2 * time.Hour)
		}
		if end.After(now) {
			upcoming = append(upcoming, m)
		}
	}
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		end := m.End
		if end.IsZero() {
			end = m.Start.Add(2 * time.Hour)
		}
		if end.After(now) {
			continue
		}
		y := m.Start.In(i18n.Stockholm()).Year()
		if len(archive) == 0 || archive[len(archive)-1].Year != y {
			archive = append(archive, yearGroup{Year: y})
		}
		archive[len(archive)-1].Meetings = append(archive[len(archive)-1].Meetings, m)
	}
	return upcoming, archive
}

func (s *Server) localityMeetings(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.svc.Meetings.Meetings(r.Context(), ortsplan.MeetingFilter{LocalityID: l.ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := meetingsData{Locality: l, CanEdit: reqInfo(r).User.CanEditLocality(l.ID), Archived: r.URL.Query().Get("sparat") == savedArchived}
	d.Upcoming, d.Archive = splitMeetings(ms, s.cfg.Now())
	p := s.newPage(w, r)
	p.Data = d
	p.Updated = latestMeetingChange(ms, l.UpdatedAt)
	s.render(w, r, http.StatusOK, "meetings", p)
}

func latestMeetingChange(ms []*ortsplan.Meeting, t time.Time) time.Time {
	for _, m := range ms {
		if m.UpdatedAt.After(t) {
			t = m.UpdatedAt
		}
	}
	return t
}

// calendar lists every upcoming meeting in the municipality.
// calendarPage is how many meetings a page of the calendar lists.
const calendarPage = 25

// calendar lists the coming meetings of every locality, soonest first, a
// page at a time: ?efter=<start>.<id> of the last meeting shown continues.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) {
	q := ortsplan.MeetingPageQuery{From: s.cfg.Now().Add(-3 * time.Hour), Limit: calendarPage + 1, Brief: true}
	if after := r.URL.Query().Get("efter"); after != "" {
		start, id, ok := parseMeetingCursor(after)
		if !ok {
			s.renderError(w, r, http.StatusBadRequest, "calendar.bad_cursor")
			return
		}
		q.AfterStart, q.AfterID = start, id
	}
	ms, err := s.svc.OpenData.MeetingPage(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := meetingsData{Later: q.AfterID > 0}
	if len(ms) > calendarPage {
		ms = ms[:calendarPage]
		last := ms[len(ms)-1]
		d.More = "/kalender?efter=" + strconv.FormatInt(last.Start.Unix(), 10) + "." + strconv.FormatInt(last.ID, 10)
	}
	d.Upcoming, _ = splitMeetings(ms, s.cfg.Now())
	p := s.newPage(w, r)
	p.Data = d
	p.Updated = latestMeetingChange(ms, time.Time{})
	s.render(w, r, http.StatusOK, "calendar", p)
}

// parseMeetingCursor reads the calendar's ?efter: a start in Unix seconds
// and a meeting id.
func parseMeetingCursor(v string) (time.Time, int64, bool) {
	a, b, ok := strings.Cut(v, ".")
	sec, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || id <= 0 || sec < 0 || sec > 1<<40 {
		return time.Time{}, 0, false
	}
	return time.Unix(sec, 0).UTC(), id, true
}

type meetingData struct {
	Meeting       *ortsplan.Meeting
	Locality      *ortsplan.Locality
	CanEdit       bool
	Open          bool // registration is open
	Past          bool
	Registrations []*ortsplan.Registration // staff only
	Pending       int                      // staff only: people of registrations not confirmed yet
	MaxPeople     int                      // most people a registration may bring
	ConfirmHours  int                      // hours to confirm a registration
	Now           time.Time                // for the registrations' states
	Photos        []*ortsplan.MeetingFile
	Documents     []*ortsplan.MeetingFile
	ShowFiles     bool // published, or the viewer may edit
	Uploaded      bool
	Saved         bool
	Archived      bool // a file was archived
	MaxUploadMB   int64
}

// meeting shows one meeting: details, registration, and afterwards the report.
func (s *Server) meeting(w http.ResponseWriter, r *http.Request) {
	s.meetingPage(w, r, http.StatusOK, nil)
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	m, ok := s.pathMeeting(w, r)
	if !ok {
		return
	}
	l, err := s.svc.Localities.FindLocality(r.Context(), m.LocalitySlug)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	rule := s.cfg.RegistrationRule
	d := meetingData{Meeting: m, Locality: l, CanEdit: reqInfo(r).User.CanEditLocality(l.ID),
		Past: !m.Start.After(now), Now: now,
		MaxPeople: rule.MaxPeople, ConfirmHours: int(rule.ConfirmWithin.Round(time.Hour) / time.Hour)}
	d.Open = m.RegistrationOpen(now)
	d.ShowFiles = !m.ReportPublished.IsZero() || d.CanEdit
	d.Uploaded = r.URL.Query().Get("uppladdat") == "1"
	d.Saved = r.URL.Query().Get("sparat") == "1"
	d.Archived = r.URL.Query().Get("sparat") == savedArchived
	d.MaxUploadMB = s.cfg.UploadLimits.MaxBytes >> 20
	{
		// The service lists only what the visitor may see.
		files, err := s.svc.Files.MeetingFiles(r.Context(), m.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, f := range files {
			if f.Kind == ortsplan.FilePhoto {
				d.Photos = append(d.Photos, f)
			} else {
				d.Documents = append(d.Documents, f)
			}
		}
	}
	if m.Registration {
		// Personal data: the service answers only those who may edit the locality.
		d.Registrations, err = s.svc.Meetings.Registrations(r.Context(), m.ID)
		if code := ortsplan.ErrorCode(err); code == ortsplan.EUNAUTHORIZED || code == ortsplan.EFORBIDDEN {
			d.Registrations = nil
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, reg := range d.Registrations {
			if reg.State(now) == ortsplan.RegPending {
				d.Pending += reg.People
			}
		}
	}
	if f == nil {
		f = &form{Values: url.Values{"people": {"1"}}}
	}
	if d.CanEdit {
		// Each file's form starts from what is stored, unless it was the one sent.
		for _, file := range append(append([]*ortsplan.MeetingFile{}, d.Photos...), d.Documents...) {
			if f.Scope != "file-"+strconv.FormatInt(file.ID, 10) {
				f.Values.Set(fileField(file.ID, "title"), file.Title)
				f.Values.Set(fileField(file.ID, "alt"), file.Alt)
			}
		}
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	p.Updated = m.UpdatedAt
	s.render(w, r, status, "meeting", p)
}

// register signs a visitor up for a meeting; no account is needed. Whether
// the address is new, already registered or the form was a robot's, the
// answer is the same: look in your e-mail, where the confirm link is (or the
// news that the address is already registered). The registration holds no
// place until it is confirmed.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	sent := "/moten/" + strconv.FormatInt(id, 10) + "/anmald"
	if !s.formByAddr.Allow(s.clientAddr(r)) {
		s.meetingPage(w, r, http.StatusTooManyRequests, &form{Values: r.PostForm, Error: "error.too_many_forms"})
		return
	}
	// A filled-in honeypot means a robot: pretend all went well.
	if r.PostFormValue("webbplats") != "" {
		http.Redirect(w, r, sent, http.StatusSeeOther)
		return
	}
	people, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("people")))
	reg := &ortsplan.Registration{MeetingID: id, Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		People: people, Needs: r.PostFormValue("needs"), Lang: reqInfo(r).Lang}
	if err := s.svc.Meetings.Register(r.Context(), reg, s.cfg.RegistrationRule); err != nil {
		switch {
		case ortsplan.FieldErrors(err) != nil:
			s.meetingPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: "error.form",
				Args: map[string][]any{"people": {s.cfg.RegistrationRule.MaxPeople}}})
		case ortsplan.ErrorCode(err) == ortsplan.EINVALID:
			s.meetingPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Error: ortsplan.ErrorKey(err)})
		default:
			s.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, sent, http.StatusSeeOther)
}

// registrationSentData is the page after the registration form.
type registrationSentData struct {
	Meeting       *ortsplan.Meeting
	Locality      *ortsplan.Locality
	ConfirmHours  int
	ResendMinutes int
}

// registrationSent is where the registration form ends: it says what happens
// now (an e-mail with a link to confirm within the time) and names the
// meeting, without repeating what was typed, since the address says nothing
// of who sent it. A robot caught by the honeypot lands here too.
func (s *Server) registrationSent(w http.ResponseWriter, r *http.Request) {
	m, ok := s.pathMeeting(w, r)
	if !ok {
		return
	}
	if !m.Registration {
		s.notFound(w, r)
		return
	}
	l, err := s.svc.Localities.FindLocality(r.Context(), m.LocalitySlug)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = registrationSentData{Meeting: m, Locality: l,
		ConfirmHours:  int(s.cfg.RegistrationRule.ConfirmWithin.Round(time.Hour) / time.Hour),
		ResendMinutes: int(ortsplan.RegistrationResendAfter / time.Minute)}
	s.render(w, r, http.StatusOK, "registration_sent", p)
}

type cancelData struct {
	Registration *ortsplan.Registration
	Meeting      *ortsplan.Meeting
	Token        string
	Done         bool
}

// cancelForm shows a registration found by the token in the e-mailed link and
// asks for confirmation; following a link never cancels by itself.
func (s *Server) cancelForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	reg, m, err := s.svc.Meetings.FindRegistrationByToken(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := s.newPage(w, r)
	p.Data = cancelData{Registration: reg, Meeting: m, Token: token, Done: !reg.CancelledAt.IsZero()}
	s.render(w, r, http.StatusOK, "registration_cancel", p)
}

func (s *Server) cancelRegistration(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	reg, m, err := s.svc.Meetings.FindRegistrationByToken(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if reg.CancelledAt.IsZero() {
		if _, err := s.svc.Meetings.CancelRegistration(r.Context(), token); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := s.newPage(w, r)
	p.Data = cancelData{Registration: reg, Meeting: m, Done: true}
	s.render(w, r, http.StatusOK, "registration_cancel", p)
}

type confirmData struct {
	Registration *ortsplan.Registration
	Meeting      *ortsplan.Meeting
	Token        string
	State        ortsplan.RegistrationState
	// Ask is true when the page offers the button that confirms.
	Ask bool
}

// confirmForm shows the registration found by the token in the e-mailed
// link and asks before confirming, so that a link checker that follows the
// link confirms nothing. A registration that cannot be confirmed says why.
func (s *Server) confirmForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	reg, m, err := s.svc.Meetings.FindRegistrationByToken(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := confirmData{Registration: reg, Meeting: m, Token: token, State: reg.State(s.cfg.Now())}
	f := &form{Values: url.Values{}}
	switch d.State {
	case ortsplan.RegPending:
		if m.RegistrationOpen(s.cfg.Now()) {
			d.Ask = true
		} else {
			f.Error = "error.registration_closed"
		}
	case ortsplan.RegExpired:
		f.Error = "error.confirm_expired"
	case ortsplan.RegCancelled:
		f.Error = "error.registration_already_cancelled"
	}
	s.confirmPage(w, r, http.StatusOK, d, f)
}

// confirmRegistration confirms: the registration gets its places, or a
// place on the waiting list, and the page says which.
func (s *Server) confirmRegistration(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	reg, m, err := s.svc.Meetings.ConfirmRegistration(r.Context(), token)
	if err != nil {
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID && reg != nil && m != nil {
			d := confirmData{Registration: reg, Meeting: m, Token: token, State: reg.State(s.cfg.Now())}
			s.confirmPage(w, r, http.StatusBadRequest, d, &form{Values: url.Values{}, Error: ortsplan.ErrorKey(err)})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.confirmPage(w, r, http.StatusOK, confirmData{Registration: reg, Meeting: m, Token: token, State: reg.State(s.cfg.Now())}, &form{Values: url.Values{}})
}

func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request, status int, d confirmData, f *form) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "registration_confirm", p)
}

// --- Calendars (.ics) ---

func (s *Server) icsEvents(ms []*ortsplan.Meeting) []ical.Event {
	host := strings.TrimPrefix(strings.TrimPrefix(s.cfg.BaseURL, "https://"), "http://")
	out := make([]ical.Event, 0, len(ms))
	for _, m := range ms {
		loc := strings.Trim(m.PlaceName+", "+m.PlaceAddress, ", ")
		desc := m.LocalityName
		if m.State == ortsplan.MeetingCancelled && m.CancelReason != "" {
			desc += "\n" + m.CancelReason
		}
		out = append(out, ical.Event{UID: "meeting-" + strconv.FormatInt(m.ID, 10) + "@" + host, Sequence: m.Version,
			Summary: m.Title, Description: desc, Location: loc, URL: s.cfg.BaseURL + "/moten/" + strconv.FormatInt(m.ID, 10),
			Start: m.Start, End: m.End, Cancelled: m.State == ortsplan.MeetingCancelled, LastModified: m.UpdatedAt})
	}
	return out
}

func (s *Server) writeICS(w http.ResponseWriter, r *http.Request, name, filename string, ms []*ortsplan.Meeting) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	if err := ical.Write(w, ical.Calendar{Name: name, Events: s.icsEvents(ms)}, s.cfg.Now()); err != nil {
		s.log.Warn("write ics", "request_id", reqInfo(r).ID, "err", err)
	}
}

// calendarICS is every meeting from a year back and forward, for subscription.
func (s *Server) calendarICS(w http.ResponseWriter, r *http.Request) {
	ms, err := s.svc.Meetings.Meetings(r.Context(), ortsplan.MeetingFilter{From: s.cfg.Now().AddDate(-1, 0, 0)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeICS(w, r, s.cat.T(reqInfo(r).Lang, "calendar.ics_name", s.cfg.OrgName), "ortsplan.ics", ms)
}

func (s *Server) localityICS(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.svc.Meetings.Meetings(r.Context(), ortsplan.MeetingFilter{LocalityID: l.ID, From: s.cfg.Now().AddDate(-1, 0, 0)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeICS(w, r, s.cat.T(reqInfo(r).Lang, "calendar.ics_name", l.Name), l.Slug+".ics", ms)
}

func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request) {
	m, ok := s.pathMeeting(w, r)
	if !ok {
		return
	}
	s.writeICS(w, r, m.Title, "mote-"+strconv.FormatInt(m.ID, 10)+".ics", []*ortsplan.Meeting{m})
}
