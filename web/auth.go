package web

import (
	"net/http"

	"github.com/ortsplan/ortsplan"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if reqInfo(r).User != nil {
		http.Redirect(w, r, "/konto", http.StatusSeeOther)
		return
	}
	p := s.newPage(w, r)
	p.Form = &form{Values: r.URL.Query()}
	s.render(w, r, http.StatusOK, "login", p)
}

// login checks the form; the address limit and the per-account slow-down both
// answer without telling whether the e-mail exists.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	f := &form{Values: r.PostForm, Errors: ortsplan.ValidationErrors{}}
	if email == "" {
		f.Errors.Add("email", "error.email_required")
	}
	if password == "" {
		f.Errors.Add("password", "error.password_required")
	}
	status := http.StatusOK
	if len(f.Errors) == 0 {
		if !s.loginByAddr.Allow(s.clientAddr(r)) {
			f.Error, status = "login.too_many_from_address", http.StatusTooManyRequests
		} else {
			u, err := s.svc.Users.Authenticate(r.Context(), email, password)
			switch ortsplan.ErrorCode(err) {
			case "":
				sess, err := s.svc.Users.CreateSession(r.Context(), u.ID)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
				s.log.Info("login", "request_id", reqInfo(r).ID, "user_id", u.ID)
				http.Redirect(w, r, redirectTarget(r.PostFormValue("till")), http.StatusSeeOther)
				return
			case ortsplan.EUNAUTHORIZED:
				f.Error, status = "login.failed", http.StatusUnauthorized
			case ortsplan.ERATELIMIT:
				f.Error, status = "login.slowed", http.StatusTooManyRequests
			default:
				s.fail(w, r, err)
				return
			}
		}
	} else {
		status = http.StatusBadRequest
	}
	p := s.newPage(w, r)
	p.Form = f
	s.render(w, r, status, "login", p)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if tok := reqInfo(r).Session; tok != "" {
		if err := s.svc.Users.DeleteSession(r.Context(), tok); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type accountData struct {
	Saved bool
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	p.Data = accountData{Saved: r.URL.Query().Get("sparat") == "1"}
	s.render(w, r, http.StatusOK, "account", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	newPw := r.PostFormValue("new_password")
	var err error
	if newPw != r.PostFormValue("confirm_password") {
		err = ortsplan.FieldError("confirm_password", "error.password_mismatch")
	} else {
		err = s.svc.Users.ChangePassword(r.Context(), r.PostFormValue("old_password"), newPw)
	}
	if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
		p := s.newPage(w, r)
		p.Form = &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err)}
		s.render(w, r, http.StatusBadRequest, "account", p)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/konto?sparat=1", http.StatusSeeOther)
}
