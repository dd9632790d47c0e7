package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// Staff write an e-mail to a working group's members, a meeting's
// registrants or a locality's followers: a form, a preview that shows the
// message as it will be sent and how many it reaches (never who), then an
// explicit send. The form carries a nonce drawn when it was opened; the
// store keeps it UNIQUE with the sent message, so a double click or a
// reload sends nothing twice. The service decides who may.

type messagesData struct {
	Locality *ortsplan.Locality
	Audience ortsplan.Audience
	// GroupSlug is the group's slug, for the form and the links.
	GroupSlug string
	Message   *ortsplan.StaffMessage
	Messages  []*ortsplan.StaffMessage
	// Sent is the message just sent, for the status on the list.
	Sent *ortsplan.StaffMessage
	// Repeated says the form had been sent before.
	Repeated bool
}

// newNonce draws a staff message form's nonce.
func newNonce() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// messageAudience reads the audience a request names (a group's slug, a
// meeting's id, or neither for the followers), in the path's locality, and
// asks the service to count it, which refuses those who may not write to it.
// It answers the request itself when it returns false.
func (s *Server) messageAudience(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality, group, meeting string) (*messagesData, bool) {
	d := &messagesData{Locality: l, Audience: ortsplan.Audience{Kind: ortsplan.AudienceFollowers, LocalityID: l.ID}}
	switch {
	case group != "":
		g, err := s.svc.Meetings.FindGroup(r.Context(), l.ID, group)
		if err != nil {
			s.fail(w, r, err)
			return nil, false
		}
		d.Audience.Kind, d.Audience.TargetID, d.GroupSlug = ortsplan.AudienceGroup, g.ID, g.Slug
	case meeting != "":
		id, ok := parseID(meeting)
		if !ok {
			s.notFound(w, r)
			return nil, false
		}
		d.Audience.Kind, d.Audience.TargetID = ortsplan.AudienceMeeting, id
	}
	return d, true
}

// countAudience fills in the audience's name and count; false when refused
// (the request is answered).
func (s *Server) countAudience(w http.ResponseWriter, r *http.Request, d *messagesData) bool {
	if err := s.svc.Meetings.MessageAudience(r.Context(), &d.Audience); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

func messageValues(d *messagesData, subject, body, nonce string) url.Values {
	f := url.Values{"subject": {subject}, "body": {body}, "nonce": {nonce}}
	switch d.Audience.Kind {
	case ortsplan.AudienceGroup:
		f.Set("group", d.GroupSlug)
	case ortsplan.AudienceMeeting:
		f.Set("meeting", strconv.FormatInt(d.Audience.TargetID, 10))
		if d.Audience.Waitlist {
			f.Set("waitlist", "1")
		}
	}
	return f
}

// newStaffMessage shows the empty form: ?grupp=slug, ?mote=id, or the followers.
func (s *Server) newStaffMessage(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	d, ok := s.messageAudience(w, r, l, r.URL.Query().Get("grupp"), r.URL.Query().Get("mote"))
	if !ok || !s.countAudience(w, r, d) {
		return
	}
	p := s.newPage(w, r)
	p.Data = d
	p.Form = &form{Values: messageValues(d, "", "", newNonce())}
	s.render(w, r, http.StatusOK, "message_edit", p)
}

// postStaffMessage previews (step "preview"), goes back to the form
// ("edit") or sends ("send").
func (s *Server) postStaffMessage(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	step := r.PostFormValue("step")
	f := r.PostForm
	d, ok := s.messageAudience(w, r, l, f.Get("group"), f.Get("meeting"))
	if !ok {
		return
	}
	d.Audience.Waitlist = d.Audience.Kind == ortsplan.AudienceMeeting && f.Get("waitlist") == "1"
	if !s.countAudience(w, r, d) {
		return
	}
	m := &ortsplan.StaffMessage{Audience: d.Audience, Subject: f.Get("subject"), Body: f.Get("body"), Nonce: f.Get("nonce")}
	vals := messageValues(d, f.Get("subject"), f.Get("body"), f.Get("nonce"))
	edit := func(status int, err error) {
		p := s.newPage(w, r)
		p.Data = d
		p.Form = &form{Values: vals}
		if err != nil {
			p.Form.Errors, p.Form.Error = ortsplan.FieldErrors(err), "error.form"
			if e := p.Form.Errors["nonce"]; e != "" {
				// The nonce is not a field anyone types: a fresh one, and the message says why.
				delete(p.Form.Errors, "nonce")
				p.Form.Error = e
				vals.Set("nonce", newNonce())
			}
			if e := p.Form.Errors["audience"]; e != "" {
				delete(p.Form.Errors, "audience")
				p.Form.Error = e
			}
		}
		s.render(w, r, status, "message_edit", p)
	}
	switch step {
	case "edit":
		edit(http.StatusOK, nil)
	case "preview":
		if err := m.Validate(); err != nil {
			edit(http.StatusBadRequest, err)
			return
		}
		p := s.newPage(w, r)
		d.Message = m
		p.Data = d
		p.Form = &form{Values: vals}
		s.render(w, r, http.StatusOK, "message_preview", p)
	case "send":
		if err := s.svc.Meetings.SendStaffMessage(r.Context(), m); err != nil {
			if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
				edit(http.StatusBadRequest, err)
				return
			}
			s.fail(w, r, err)
			return
		}
		to := "/orter/" + l.Slug + "/meddelanden?skickat=" + strconv.FormatInt(m.ID, 10)
		if m.Repeated {
			to += "&igen=1"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	default:
		edit(http.StatusBadRequest, ortsplan.Errorf(ortsplan.EINVALID, "error.form"))
	}
}

// staffMessagesPage lists the messages sent in the locality.
func (s *Server) staffMessagesPage(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	ms, err := s.svc.Meetings.StaffMessages(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &messagesData{Locality: l, Messages: ms, Repeated: r.URL.Query().Get("igen") == "1"}
	if id, ok := parseID(r.URL.Query().Get("skickat")); ok {
		for _, m := range ms {
			if m.ID == id {
				d.Sent = m
			}
		}
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "messages", p)
}

// audienceText names an audience for the staff: "the members of …".
func audienceText(L *i18n.Localizer, a ortsplan.Audience) string {
	key := "messages.audience." + string(a.Kind)
	if a.Waitlist {
		key += "_waitlist"
	}
	return L.T(key, a.Name)
}
