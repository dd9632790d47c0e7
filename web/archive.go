package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ortsplan/ortsplan"
)

// Archiving: the forms on the edit pages of a focus area, an action and a
// meeting, and on a meeting's page for each file, send a reason; the
// services decide who may (the locality of the row as stored) and keep the
// row and its history. A refused reason shows the page again with the
// reason typed; after archiving, the page the thing was on says "Arkiverat".

// savedArchived is the ?sparat= value after archiving.
const savedArchived = "arkiverad"

// archiveData is what the "archive" partial renders: the page and where the
// form goes.
type archiveData struct {
	P      *page
	Action string
	// Explain is the key of what archiving does to this kind of row.
	Explain string
}

func archiveCtx(p *page, action, explain string) archiveData {
	return archiveData{P: p, Action: action, Explain: explain}
}

// archiveFailed reports whether err is a refused reason, which shows the
// form again; anything else is answered as an error.
func archiveFailed(err error) bool { return ortsplan.ErrorCode(err) == ortsplan.EINVALID }

func archiveForm(vals url.Values, r *http.Request, err error) *form {
	vals.Set("archive_reason", r.PostFormValue("archive_reason"))
	return &form{Values: vals, Errors: ortsplan.FieldErrors(err), Error: "error.form", Scope: "archive"}
}

// archiveTheme archives a focus area and its actions.
func (s *Server) archiveTheme(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.svc.Plans.ArchiveTheme(r.Context(), id, r.PostFormValue("archive_reason"))
	if err != nil {
		if !archiveFailed(err) {
			s.fail(w, r, err)
			return
		}
		l, ok := s.editableLocality(w, r)
		if !ok {
			return
		}
		_, t, ok := s.findTheme(w, r, l)
		if !ok {
			return
		}
		vals := url.Values{"title": {t.Title}, "description": {t.Description}, "version": {strconv.Itoa(t.Version)}}
		s.editPage(w, r, http.StatusBadRequest, "theme_edit", &editData{Locality: l, Theme: t}, archiveForm(vals, r, err))
		return
	}
	http.Redirect(w, r, planEditPath(r)+"?sparat="+savedArchived, http.StatusSeeOther)
}

// archiveAction archives an action and its sub-actions.
func (s *Server) archiveAction(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.svc.Plans.ArchiveAction(r.Context(), id, r.PostFormValue("archive_reason"))
	if err != nil {
		if !archiveFailed(err) {
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
		s.editPage(w, r, http.StatusBadRequest, "action_edit", &editData{Locality: l, Plan: p, Action: a, Parents: topActions(p, a.ID)},
			archiveForm(actionValues(a), r, err))
		return
	}
	http.Redirect(w, r, planEditPath(r)+"?sparat="+savedArchived, http.StatusSeeOther)
}

// archiveMeeting archives a meeting and goes back to the locality's
// meetings, where it was listed.
func (s *Server) archiveMeeting(w http.ResponseWriter, r *http.Request) {
	m, ok := s.pathMeeting(w, r)
	if !ok {
		return
	}
	err := s.svc.Meetings.ArchiveMeeting(r.Context(), m.ID, r.PostFormValue("archive_reason"))
	if err != nil {
		if !archiveFailed(err) {
			s.fail(w, r, err)
			return
		}
		l := &ortsplan.Locality{ID: m.LocalityID, Slug: m.LocalitySlug, Name: m.LocalityName}
		s.meetingEditPage(w, r, http.StatusBadRequest, &meetingEditData{Locality: l, Meeting: m}, archiveForm(meetingValues(m), r, err))
		return
	}
	http.Redirect(w, r, "/orter/"+m.LocalitySlug+"/moten?sparat="+savedArchived, http.StatusSeeOther)
}

// fileField names a field of one file's forms on the meeting page.
func fileField(id int64, name string) string { return "file" + strconv.FormatInt(id, 10) + "-" + name }

// fileFail shows the meeting page again with one file's form as typed.
func (s *Server) fileFail(w http.ResponseWriter, r *http.Request, fileID int64, err error) {
	fe := ortsplan.FieldErrors(err)
	errs := ortsplan.ValidationErrors{}
	for k, v := range fe {
		errs[fileField(fileID, k)] = v
	}
	vals := url.Values{}
	for _, k := range []string{"title", "alt", "archive_reason"} {
		if v, ok := r.PostForm[fileField(fileID, k)]; ok {
			vals[fileField(fileID, k)] = v
		}
	}
	s.meetingPage(w, r, http.StatusBadRequest, &form{Values: vals, Errors: errs, Error: "error.form", Scope: "file-" + strconv.FormatInt(fileID, 10)})
}

// archiveFile archives a meeting's photo or document; the service finds the
// meeting from the file as stored.
func (s *Server) archiveFile(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("file"))
	if !ok {
		s.notFound(w, r)
		return
	}
	meetingID, err := s.svc.Files.ArchiveMeetingFile(r.Context(), id, r.PostFormValue(fileField(id, "archive_reason")))
	if err != nil {
		if !archiveFailed(err) {
			s.fail(w, r, err)
			return
		}
		s.fileFail(w, r, id, err)
		return
	}
	http.Redirect(w, r, "/moten/"+strconv.FormatInt(meetingID, 10)+"?sparat="+savedArchived+"#filer", http.StatusSeeOther)
}

// updateFile changes a file's title and a photo's alt text.
func (s *Server) updateFile(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("file"))
	if !ok {
		s.notFound(w, r)
		return
	}
	f := &ortsplan.MeetingFile{ID: id, Title: r.PostFormValue(fileField(id, "title")), Alt: r.PostFormValue(fileField(id, "alt"))}
	if err := s.svc.Files.UpdateMeetingFile(r.Context(), f); err != nil {
		if ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.fileFail(w, r, id, err)
		return
	}
	http.Redirect(w, r, "/moten/"+strconv.FormatInt(f.MeetingID, 10)+"?sparat=1#fil-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// fileManage is what the "file-manage" partial renders: one file's forms.
type fileManage struct {
	P *page
	F *ortsplan.MeetingFile
}

func fileCtx(p *page, f *ortsplan.MeetingFile) fileManage { return fileManage{P: p, F: f} }

type archiveListData struct {
	Locality *ortsplan.Locality
	Items    []*ortsplan.ArchivedItem
}

// archiveList shows staff what is archived in a locality, with the reasons.
func (s *Server) archiveList(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	items, err := s.svc.Plans.ArchivedItems(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = archiveListData{Locality: l, Items: items}
	s.render(w, r, http.StatusOK, "archive_list", p)
}
