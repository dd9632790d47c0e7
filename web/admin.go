package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
)

type usersData struct {
	Users      []*ortsplan.User
	Roles      []ortsplan.Role
	Localities []*ortsplan.Locality
	Created    string
	Saved      bool
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx := r.Context()
	users, err := s.svc.Users.ListUsers(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.svc.Localities.ListLocalities(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = usersData{Users: users, Roles: ortsplan.Roles, Localities: ls, Created: r.URL.Query().Get("skapad"), Saved: r.URL.Query().Get("sparat") == "1"}
	s.render(w, r, status, "admin_users", p)
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	s.usersPage(w, r, http.StatusOK, &form{Values: map[string][]string{"role": {string(ortsplan.RoleOfficial)}}})
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	n := ortsplan.NewUser{
		Email:      r.PostFormValue("email"),
		Name:       r.PostFormValue("name"),
		Role:       ortsplan.Role(r.PostFormValue("role")),
		Department: r.PostFormValue("department"),
		Password:   r.PostFormValue("password"),
		Localities: r.PostForm["localities"],
	}
	u, err := s.svc.Users.CreateUser(r.Context(), n)
	if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
		s.usersPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: "error.form"})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/anvandare?skapad="+urlQueryEscape(u.Email), http.StatusSeeOther)
}

func (s *Server) adminSetActive(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	active := r.PostFormValue("active") == "1"
	if err := s.svc.Users.SetUserActive(r.Context(), id, active); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/anvandare?sparat=1#user-"+strings.TrimSpace(r.PathValue("id")), http.StatusSeeOther)
}

type auditData struct {
	Entries []*ortsplan.AuditEntry
	// Older is the address of the next, older page; "" on the last.
	Older string
}

// auditLog is /admin/logg: the audit log, newest first, 50 a page (?fore=ID
// shows the entries before that one). The service lets only admins read it.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	var before int64
	if v := r.URL.Query().Get("fore"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			s.renderError(w, r, http.StatusBadRequest, "error.bad_page")
			return
		}
		before = n
	}
	entries, more, err := s.svc.Users.AuditLog(r.Context(), before)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditData{Entries: entries}
	if more && len(entries) > 0 {
		d.Older = "/admin/logg?fore=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_audit", p)
}
