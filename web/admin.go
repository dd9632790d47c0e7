package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/ortsplan/ortsplan"
)

type usersData struct {
	Users      []*ortsplan.User
	Roles      []ortsplan.Role
	Localities []*ortsplan.Locality
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
	p.Data = usersData{Users: users, Roles: ortsplan.Roles, Localities: ls, Saved: r.URL.Query().Get("sparat") == "1"}
	s.render(w, r, status, "admin_users", p)
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	s.usersPage(w, r, http.StatusOK, &form{Values: map[string][]string{"role": {string(ortsplan.RoleOfficial)}}})
}

// adminCreateUser invites a person: the service makes the account without
// a password and queues the e-mail with the link to choose one.
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	n := ortsplan.NewUser{
		Email:      r.PostFormValue("email"),
		Name:       r.PostFormValue("name"),
		Role:       ortsplan.Role(r.PostFormValue("role")),
		Department: r.PostFormValue("department"),
		Localities: r.PostForm["localities"],
	}
	u, err := s.svc.Users.InviteUser(r.Context(), n)
	if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
		s.usersPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: "error.form"})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, userPath(u.ID)+"?sparat=inbjuden", http.StatusSeeOther)
}

func userPath(id int64) string { return "/admin/anvandare/" + strconv.FormatInt(id, 10) }

// userID reads the account id of the path; false (after a 404) for one that
// is no number.
func (s *Server) userID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.notFound(w, r)
		return 0, false
	}
	return id, true
}

type userData struct {
	Account    *ortsplan.User
	Roles      []ortsplan.Role
	Localities []*ortsplan.Locality
	// Saved is what was just done: "1" (saved), "inbjuden" (invited),
	// "inbjudan" (invitation sent again), "aterstallning" (reset link sent).
	Saved string
	// Self is the admin's own account: no demoting or deactivating it.
	Self bool
}

// userPage is /admin/anvandare/{id}: an account's role, department and
// localities, its state, and the links it can be sent.
func (s *Server) userPage(w http.ResponseWriter, r *http.Request, status int, id int64, f *form) {
	ctx := r.Context()
	u, err := s.svc.Users.ManagedUser(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.svc.Localities.ListLocalities(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f == nil {
		f = &form{Values: url.Values{"role": {string(u.Role)}, "department": {u.Department}}}
		for _, l := range u.Localities {
			f.Values.Add("localities", l.Slug)
		}
	}
	p := s.newPage(w, r)
	p.Form = f
	saved := r.URL.Query().Get("sparat")
	if status != http.StatusOK {
		saved = ""
	}
	me := ortsplan.UserFromContext(ctx)
	p.Data = userData{Account: u, Roles: ortsplan.Roles, Localities: ls, Saved: saved, Self: me != nil && me.ID == u.ID}
	s.render(w, r, status, "admin_user", p)
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) {
	if id, ok := s.userID(w, r); ok {
		s.userPage(w, r, http.StatusOK, id, nil)
	}
}

// adminUpdateUser changes an account's role, department and localities.
func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request) {
	id, ok := s.userID(w, r)
	if !ok {
		return
	}
	c := ortsplan.UserUpdate{
		Role:       ortsplan.Role(r.PostFormValue("role")),
		Department: r.PostFormValue("department"),
		Localities: r.PostForm["localities"],
	}
	err := s.svc.Users.UpdateUser(r.Context(), id, c)
	if fe := ortsplan.FieldErrors(err); fe != nil {
		s.userPage(w, r, http.StatusBadRequest, id, &form{Values: r.PostForm, Errors: fe, Error: "error.form"})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, userPath(id)+"?sparat=1", http.StatusSeeOther)
}

// userAction is an admin's button on an account's page: do runs the
// service call for the account in the path, and the page says saved.
func (s *Server) userAction(do func(r *http.Request, id int64) error, saved string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.userID(w, r)
		if !ok {
			return
		}
		if err := do(r, id); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, userPath(id)+"?sparat="+saved, http.StatusSeeOther)
	}
}

// adminSetActive deactivates or reactivates an account.
func (s *Server) adminSetActive(w http.ResponseWriter, r *http.Request) {
	s.userAction(func(r *http.Request, id int64) error {
		return s.svc.Users.SetUserActive(r.Context(), id, r.PostFormValue("active") == "1")
	}, "1")(w, r)
}

// adminResendInvitation sends an account that has no password yet a new invitation.
func (s *Server) adminResendInvitation(w http.ResponseWriter, r *http.Request) {
	s.userAction(func(r *http.Request, id int64) error { return s.svc.Users.ResendInvitation(r.Context(), id) }, "inbjudan")(w, r)
}

// adminSendReset e-mails an account a link to choose a new password.
func (s *Server) adminSendReset(w http.ResponseWriter, r *http.Request) {
	s.userAction(func(r *http.Request, id int64) error { return s.svc.Users.SendPasswordReset(r.Context(), id) }, "aterstallning")(w, r)
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
