package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
)

type groupsData struct {
	Locality      *ortsplan.Locality
	Groups        []*ortsplan.Group
	Group         *ortsplan.Group
	Organisations []*ortsplan.Organisation
	Upcoming      []*ortsplan.Meeting
	Archive       []yearGroup
	Staff         []*ortsplan.User
	CanEdit       bool
	Saved         string
}

func (s *Server) groups(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	gs, err := s.svc.Meetings.Groups(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	orgs, err := s.svc.Meetings.Organisations(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = groupsData{Locality: l, Groups: gs, Organisations: orgs, CanEdit: reqInfo(r).User.CanEditLocality(l.ID)}
	p.Updated = l.UpdatedAt
	for _, g := range gs {
		if g.UpdatedAt.After(p.Updated) {
			p.Updated = g.UpdatedAt
		}
	}
	s.render(w, r, http.StatusOK, "groups", p)
}

func (s *Server) group(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := s.svc.Meetings.FindGroup(r.Context(), l.ID, r.PathValue("group"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.svc.Meetings.Meetings(r.Context(), ortsplan.MeetingFilter{LocalityID: l.ID, GroupID: g.ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := groupsData{Locality: l, Group: g, CanEdit: reqInfo(r).User.CanEditLocality(l.ID)}
	d.Upcoming, d.Archive = splitMeetings(ms, s.cfg.Now())
	p := s.newPage(w, r)
	p.Data = d
	p.Updated = latestMeetingChange(ms, g.UpdatedAt)
	s.render(w, r, http.StatusOK, "group", p)
}

func groupValues(g *ortsplan.Group) url.Values {
	f := url.Values{"name": {g.Name}, "slug": {g.Slug}, "kind": {string(g.Kind)}, "theme": {g.Theme}, "description": {g.Description},
		"contact": {strconv.FormatInt(g.ContactUserID, 10)}, "version": {strconv.Itoa(g.Version)}}
	if g.Open {
		f.Set("open", "1")
	}
	return f
}

func (s *Server) groupEditPage(w http.ResponseWriter, r *http.Request, status int, d *groupsData, f *form) {
	if _, err := s.svc.Localities.EditableLocality(r.Context(), d.Locality.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	staff, err := s.activeStaff(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	orgs, err := s.svc.Meetings.Organisations(r.Context(), d.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Staff, d.Organisations, d.CanEdit = staff, orgs, true
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "group_edit", p)
}

func (s *Server) newGroupForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	s.groupEditPage(w, r, http.StatusOK, &groupsData{Locality: l},
		&form{Values: groupValues(&ortsplan.Group{Kind: ortsplan.GroupWorking, Open: true})})
}

func (s *Server) editGroupForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	g, err := s.svc.Meetings.FindGroup(r.Context(), l.ID, r.PathValue("group"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.groupEditPage(w, r, http.StatusOK, &groupsData{Locality: l, Group: g, Saved: r.URL.Query().Get("sparat")}, &form{Values: groupValues(g)})
}

func (s *Server) saveGroup(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	g := &ortsplan.Group{LocalityID: l.ID}
	var existing *ortsplan.Group
	if slug := r.PathValue("group"); slug != "" {
		var err error
		if existing, err = s.svc.Meetings.FindGroup(r.Context(), l.ID, slug); err != nil {
			s.fail(w, r, err)
			return
		}
		g.ID, g.Slug = existing.ID, existing.Slug
	} else {
		g.Slug = strings.ToLower(strings.TrimSpace(r.PostFormValue("slug")))
	}
	g.Name = r.PostFormValue("name")
	g.Kind = ortsplan.GroupKind(r.PostFormValue("kind"))
	g.Theme = strings.TrimSpace(r.PostFormValue("theme"))
	g.Description = r.PostFormValue("description")
	g.ContactUserID, _ = parseID(r.PostFormValue("contact"))
	g.Open = r.PostFormValue("open") == "1"
	g.Version = formVersion(r.PostForm)
	if err := s.svc.Meetings.SaveGroup(r.Context(), g); err != nil {
		if code := ortsplan.ErrorCode(err); code == ortsplan.EINVALID || code == ortsplan.ECONFLICT {
			f := &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: "error.form"}
			status := http.StatusBadRequest
			if ortsplan.ErrorCode(err) == ortsplan.ECONFLICT {
				f.Error, status = "error.conflict", http.StatusConflict
			}
			s.groupEditPage(w, r, status, &groupsData{Locality: l, Group: existing}, f)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/arbetsgrupper/"+g.Slug+"/redigera?sparat=1", http.StatusSeeOther)
}

// groupSubformFail re-renders the group editor after the member or
// organisation form (fields named with prefix) was refused, keeping its input.
func (s *Server) groupSubformFail(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality, g *ortsplan.Group, prefix string, fe ortsplan.ValidationErrors) {
	vals := groupValues(g)
	for k, v := range r.PostForm {
		if strings.HasPrefix(k, prefix) {
			vals[k] = v
		}
	}
	s.groupEditPage(w, r, http.StatusBadRequest, &groupsData{Locality: l, Group: g},
		&form{Values: vals, Errors: prefixErrors(prefix, fe), Error: "error.form"})
}

// addMember adds a person to a group; the name is public only with consent.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	g, err := s.svc.Meetings.FindGroup(r.Context(), l.ID, r.PathValue("group"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := &ortsplan.GroupMember{GroupID: g.ID, Name: r.PostFormValue("member_name"), Email: strings.TrimSpace(r.PostFormValue("member_email")),
		Phone: strings.TrimSpace(r.PostFormValue("member_phone")), ShowName: r.PostFormValue("member_consent") == "1"}
	if err := s.svc.Meetings.AddGroupMember(r.Context(), m); err != nil {
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
			s.groupSubformFail(w, r, l, g, "member_", ortsplan.FieldErrors(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/arbetsgrupper/"+g.Slug+"/redigera?sparat=medlem#medlemmar", http.StatusSeeOther)
}

// addOrganisation creates an organisation in the locality and links it to the group.
func (s *Server) addOrganisation(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	g, err := s.svc.Meetings.FindGroup(r.Context(), l.ID, r.PathValue("group"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// An existing organisation is linked, or a new one made and linked, in one call.
	o := &ortsplan.Organisation{Name: r.PostFormValue("org_name"), Kind: ortsplan.OrganisationKind(r.PostFormValue("org_kind")),
		Website: strings.TrimSpace(r.PostFormValue("org_website")), Description: r.PostFormValue("org_description")}
	o.ID, _ = parseID(r.PostFormValue("org_existing"))
	if err := s.svc.Meetings.LinkGroupOrganisation(r.Context(), g.ID, o); err != nil {
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
			fe := ortsplan.FieldErrors(err)
			if k, ok := fe["organisation"]; ok {
				delete(fe, "organisation")
				fe["existing"] = k
			}
			s.groupSubformFail(w, r, l, g, "org_", fe)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/arbetsgrupper/"+g.Slug+"/redigera?sparat=org#organisationer", http.StatusSeeOther)
}
