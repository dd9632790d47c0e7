package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ortsplan/ortsplan"
)

type loginData struct {
	// PasswordReset is set after a new password was chosen with a reset link.
	PasswordReset bool
	// PasswordChosen is set after an invited person chose their first password.
	PasswordChosen bool
	// OIDC is set when staff can sign in through the identity provider;
	// OIDCLabel is its button's text.
	OIDC      bool
	OIDCLabel string
	// Password shows the password form: password login is on, or this is
	// the break-glass admin's page (BreakGlass, /logga-in?reserv=1).
	Password   bool
	BreakGlass bool
	// LoggedOut is the provider's logout address, after a logout that goes
	// on there.
	LoggedOut string
}

// loginPageData is what the login page shows besides the form.
func (s *Server) loginPageData(r *http.Request) loginData {
	q := r.URL.Query()
	d := loginData{PasswordReset: q.Get("losenord") == "nytt", PasswordChosen: q.Get("losenord") == "valt",
		OIDC: s.cfg.OIDC != nil, OIDCLabel: s.cfg.OIDCLabel, Password: !s.cfg.PasswordLoginOff}
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	if s.cfg.PasswordLoginOff && s.cfg.BreakGlassAdmin != "" && q.Get("reserv") == "1" {
		d.Password, d.BreakGlass = true, true
	}
	if d.OIDCLabel == "" {
		d.OIDCLabel = s.cat.T(reqInfo(r).Lang, "oidc.login_org", possessive(reqInfo(r).Lang, s.cfg.OrgName))
	}
	return d
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if reqInfo(r).User != nil {
		http.Redirect(w, r, "/konto", http.StatusSeeOther)
		return
	}
	p := s.newPage(w, r)
	p.Form = &form{Values: r.URL.Query()}
	p.Data = s.loginPageData(r)
	s.render(w, r, http.StatusOK, "login", p)
}

// login checks the form. The in-memory limit per address and the store's
// limits per address and account (ortsplan.LoginWait) answer without telling
// whether the e-mail exists. With password login off only the break-glass
// admin gets this far (ortsplan.PasswordLoginAllowed); anyone else gets a
// page that says so, without the password being checked.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	if s.cfg.PasswordLoginOff {
		if ok, _ := ortsplan.PasswordLoginAllowed(false, s.cfg.BreakGlassAdmin, email, ortsplan.RoleAdmin); !ok {
			s.renderErrorLink(w, r, http.StatusForbidden, "login.password_off", "/logga-in")
			return
		}
	}
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
			u, err := s.svc.Users.Authenticate(r.Context(), email, password, s.clientAddr(r))
			switch ortsplan.ErrorCode(err) {
			case "":
				ok, breakGlass := ortsplan.PasswordLoginAllowed(!s.cfg.PasswordLoginOff, s.cfg.BreakGlassAdmin, u.Email, u.Role)
				if !ok {
					s.renderErrorLink(w, r, http.StatusForbidden, "login.password_off", "/logga-in")
					return
				}
				method := ortsplan.LoginPassword
				if breakGlass {
					method = ortsplan.LoginBreakGlass
					s.log.Warn("break-glass login", "request_id", reqInfo(r).ID, "user_id", u.ID)
				}
				sess, err := s.svc.Users.StartSession(r.Context(), u.ID, method)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
				s.log.Info("login", "request_id", reqInfo(r).ID, "user_id", u.ID)
				// Staff land on their home unless they came from elsewhere.
				target := "/admin"
				if till := r.PostFormValue("till"); till != "" {
					target = redirectTarget(till)
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			case ortsplan.EUNAUTHORIZED:
				f.Error, status = "login.failed", http.StatusUnauthorized
			case ortsplan.ERATELIMIT:
				f.Error, status = "login.slowed", http.StatusTooManyRequests
				if wait := ortsplan.WaitOf(err); wait > 0 {
					w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				}
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
	p.Data = s.loginPageData(r)
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
	end := s.endSessionURL(r)
	if _, err := r.Cookie(idTokenCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: idTokenCookie, Value: "", Path: logoutPath, HttpOnly: true,
			Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	}
	if end != "" {
		// Browsers hold the redirects that follow a form to its form-action
		// (the site only), so the way on to the provider is a page: the login
		// page, signed out, that goes on at once and links there too.
		ri := reqInfo(r)
		ri.User, ri.Session = nil, ""
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		p := s.newPage(w, r)
		p.Form = &form{Values: url.Values{}}
		d := s.loginPageData(r)
		d.LoggedOut = end
		p.Data, p.Refresh = d, end
		s.render(w, r, http.StatusOK, "login", p)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type accountData struct {
	Saved bool
	// Method says how the person signed in this time.
	Method string
}

// loginMethodText says how the person signed in: with a password, with the
// municipality's account (the identity provider) or as the break-glass admin.
func (s *Server) loginMethodText(r *http.Request) string {
	lang := reqInfo(r).Lang
	switch reqInfo(r).User.LoginMethod {
	case ortsplan.LoginOIDC:
		return s.cat.T(lang, "account.method.oidc", possessive(lang, s.cfg.OrgName))
	case ortsplan.LoginBreakGlass:
		return s.cat.T(lang, "account.method.break_glass")
	}
	return s.cat.T(lang, "account.method.password")
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	p.Data = accountData{Saved: r.URL.Query().Get("sparat") == "1", Method: s.loginMethodText(r)}
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
		p.Data = accountData{Method: s.loginMethodText(r)}
		s.render(w, r, http.StatusBadRequest, "account", p)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/konto?sparat=1", http.StatusSeeOther)
}

// passwordResetData is the state of the reset page: asking for a link, the
// link sent, choosing a new password with a link, or a link that does not work.
type passwordResetData struct {
	Sent    bool
	Token   string
	Invalid bool
	// Invitation is set for an invitation's link: the first password.
	Invitation bool
}

func (s *Server) passwordResetPage(w http.ResponseWriter, r *http.Request, status int, d passwordResetData, f *form) {
	if f == nil {
		f = &form{Values: url.Values{}}
	}
	if d.Token != "" || d.Invalid {
		// The link's token must not leave in a Referer header.
		w.Header().Set("Referrer-Policy", "no-referrer")
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "password_reset", p)
}

func (s *Server) forgotPasswordForm(w http.ResponseWriter, r *http.Request) {
	s.passwordResetPage(w, r, http.StatusOK, passwordResetData{}, nil)
}

// requestPasswordReset e-mails a reset link to an active account. The page
// answers the same whether or not the address has an account.
func (s *Server) requestPasswordReset(w http.ResponseWriter, r *http.Request) {
	if !s.formByAddr.Allow(s.clientAddr(r)) {
		s.passwordResetPage(w, r, http.StatusTooManyRequests, passwordResetData{}, &form{Values: r.PostForm, Error: "error.too_many_forms"})
		return
	}
	if err := s.svc.Users.RequestPasswordReset(r.Context(), r.PostFormValue("email"), reqInfo(r).Lang); err != nil {
		if fe := ortsplan.FieldErrors(err); fe != nil {
			s.passwordResetPage(w, r, http.StatusBadRequest, passwordResetData{}, &form{Values: r.PostForm, Errors: fe})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.passwordResetPage(w, r, http.StatusOK, passwordResetData{Sent: true}, nil)
}

// newPasswordForm shows the form for a new password if the link works. It
// spends nothing, so a mail program that opens links to check them does not
// use the link up.
func (s *Server) newPasswordForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	invitation, err := s.svc.Users.CheckPasswordReset(r.Context(), token)
	if ortsplan.ErrorCode(err) == ortsplan.EUNAUTHORIZED {
		s.passwordResetPage(w, r, http.StatusNotFound, passwordResetData{Invalid: true}, &form{Values: url.Values{}, Error: ortsplan.ErrorKey(err)})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.passwordResetPage(w, r, http.StatusOK, passwordResetData{Token: token, Invitation: invitation}, nil)
}

// resetPassword spends the link and sets the new password, typed twice.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.formByAddr.Allow(s.clientAddr(r)) {
		s.passwordResetPage(w, r, http.StatusTooManyRequests, passwordResetData{Token: token}, &form{Values: url.Values{}, Error: "error.too_many_forms"})
		return
	}
	// Whether the link is an invitation's only changes the words; the reset checks the link again.
	invitation, _ := s.svc.Users.CheckPasswordReset(r.Context(), token)
	newPw := r.PostFormValue("new_password")
	var err error
	if newPw != r.PostFormValue("confirm_password") {
		err = ortsplan.FieldError("confirm_password", "error.password_mismatch")
	} else {
		err = s.svc.Users.ResetPassword(r.Context(), token, newPw)
	}
	switch ortsplan.ErrorCode(err) {
	case "":
		s.log.Info("password reset", "request_id", reqInfo(r).ID, "invitation", invitation)
		if invitation {
			http.Redirect(w, r, "/logga-in?losenord=valt", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/logga-in?losenord=nytt", http.StatusSeeOther)
	case ortsplan.EINVALID:
		s.passwordResetPage(w, r, http.StatusBadRequest, passwordResetData{Token: token, Invitation: invitation}, &form{Values: url.Values{}, Errors: ortsplan.FieldErrors(err)})
	case ortsplan.EUNAUTHORIZED:
		s.passwordResetPage(w, r, http.StatusBadRequest, passwordResetData{Invalid: true}, &form{Values: url.Values{}, Error: ortsplan.ErrorKey(err)})
	default:
		s.fail(w, r, err)
	}
}
