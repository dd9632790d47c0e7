package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

//go:embed templates
var templateFS embed.FS

// templates holds every page in one template set with the layout and the
// partials, parsed once: a set per page would hold its own copy of the
// partials, twenty megabytes of parse trees for some eighty pages. Each page
// file defines "title" and "main"; they are named "PAGE:title" and
// "PAGE:main" in the set, and "PAGE" is the layout around them.
type templates struct {
	set   *template.Template
	pages map[string]bool
}

// execute renders a page, or one of the templates it defines.
func (t *templates) execute(w io.Writer, name string, data any) error {
	return t.set.ExecuteTemplate(w, name, data)
}

// pageBlocks finds a page file's "title" and "main" definitions.
var pageBlocks = regexp.MustCompile(`\{\{(-?\s*)define "(title|main)"`)

// layoutCalls finds the layout's calls of a page's "title" and "main".
var layoutCalls = regexp.MustCompile(`\{\{(-?\s*)template "(title|main)"`)

func parseTemplates(as *assets) (*templates, error) {
	funcs := template.FuncMap{
		"asset":     as.url,
		"field":     newField,
		"phaseKey":  func(p ortsplan.Phase) string { return "phase." + string(p) },
		"roleKey":   func(r ortsplan.Role) string { return "role." + string(r) },
		"refresh":   refreshAttr,
		"hasPrefix": strings.HasPrefix,
		"archive":   archiveCtx,
		"fileField": fileField,
		"fileCtx":   fileCtx,
	}
	for k, v := range templateFuncs {
		funcs[k] = v
	}
	read := func(n string) (string, error) {
		b, err := fs.ReadFile(templateFS, n)
		return string(b), err
	}
	layout, err := read("templates/layout.html")
	if err != nil {
		return nil, err
	}
	if len(layoutCalls.FindAllString(layout, -1)) != 2 || !strings.Contains(layout, `{{define "layout"`) {
		return nil, fmt.Errorf("web: the layout must define \"layout\" and call \"title\" and \"main\" once each")
	}
	set := template.New("").Funcs(funcs)
	if _, err := set.ParseFS(templateFS, "templates/partials.html"); err != nil {
		return nil, fmt.Errorf("web: parse partials: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{set: set, pages: map[string]bool{}}
	for _, n := range names {
		if n == "templates/layout.html" || n == "templates/partials.html" {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		text, err := read(n)
		if err != nil {
			return nil, err
		}
		if len(pageBlocks.FindAllString(text, -1)) != 2 {
			return nil, fmt.Errorf("web: template %s must define \"title\" and \"main\" once each", name)
		}
		text = pageBlocks.ReplaceAllString(text, `{{${1}define "`+name+`:${2}"`)
		wrap := strings.Replace(layoutCalls.ReplaceAllString(layout, `{{${1}template "`+name+`:${2}"`),
			`{{define "layout"`, `{{define "`+name+`"`, 1)
		if _, err := set.New(n).Parse(text + wrap); err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		t.pages[name] = true
	}
	return t, nil
}

// page is the data every template gets; Data holds the page's own values.
type page struct {
	L        *i18n.Localizer
	Lang     string
	User     *ortsplan.User
	Resident *ortsplan.Resident
	Path     string
	Updated  time.Time
	Feed     string // the page's Atom feed, if any
	Form     *form
	Data     any
	// Work is what waits for a logged-in staff member, for the menu's counts.
	Work *ortsplan.Workload

	Org          string
	Brand        brandPage
	ContactEmail string
	ContactPhone string
	OtherLang    string
	OtherLangURL string
	// Refresh, when set, sends the browser on at once to another address
	// (a meta refresh): logout's way to the identity provider.
	Refresh string

	// token gives the signed-in visitor's CSRF token, setting its cookie
	// the first time (see CSRF).
	token func() string
}

// CSRF is the token a page's forms carry for a signed-in visitor. For an
// anonymous visitor it is empty: that page may be kept by the page cache and
// sent to others, and checkCSRF asks no token of anonymous forms.
func (p *page) CSRF() string {
	if (p.User == nil && p.Resident == nil) || p.token == nil {
		return ""
	}
	return p.token()
}

// form carries a form's submitted values and errors back to the template, so
// nothing a person typed is lost.
type form struct {
	Values url.Values
	Errors ortsplan.ValidationErrors
	// Args are the arguments of a field's error message (such as the most
	// people a registration may bring), by field.
	Args map[string][]any
	// Error is a message key for the whole form.
	Error string
	// Scope names which of a page's forms was sent, when a page has several.
	Scope string
	// order is the fields in the order they appear on the page, for the summary.
	order []string
}

// fieldError is one entry of the error summary.
type fieldError struct {
	Field, Key string
	Args       []any
}

// Text is the entry's message in L's language.
func (e fieldError) Text(L *i18n.Localizer) string { return L.T(e.Key, e.Args...) }

// Ordered returns the errors in the order their fields appear on the page.
func (f *form) Ordered() []fieldError {
	if f == nil {
		return nil
	}
	out := make([]fieldError, 0, len(f.Errors))
	seen := map[string]bool{}
	for _, name := range f.order {
		if k, ok := f.Errors[name]; ok && !seen[name] {
			out = append(out, fieldError{name, k, f.Args[name]})
			seen[name] = true
		}
	}
	names := make([]string, 0, len(f.Errors))
	for name := range f.Errors {
		if !seen[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		out = append(out, fieldError{name, f.Errors[name], f.Args[name]})
	}
	return out
}

// In reports whether the form sent was the page's form named scope.
func (f *form) In(scope string) bool { return f != nil && f.Scope == scope }

// Get returns a submitted value.
func (f *form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether name was submitted with the given value (for checkboxes and selects).
func (f *form) Has(name, value string) bool {
	if f == nil {
		return false
	}
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err returns the error key for a field.
func (f *form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// fieldData is what the "field" partial renders.
type fieldData struct {
	P            *page
	Name         string
	Label        string
	Type         string
	Autocomplete string
	Hint         string
	Required     bool
}

// newField builds the data for a labelled input: name, label key, type,
// autocomplete token, and optional "required", "hint:<key>" or
// "hinttext:<translated text>" flags.
func newField(p *page, name, labelKey, typ, autocomplete string, flags ...string) fieldData {
	f := fieldData{P: p, Name: name, Label: p.L.T(labelKey), Type: typ, Autocomplete: autocomplete}
	for _, fl := range flags {
		switch {
		case fl == "required":
			f.Required = true
		case strings.HasPrefix(fl, "hint:"):
			f.Hint = p.L.T(strings.TrimPrefix(fl, "hint:"))
		case strings.HasPrefix(fl, "hinttext:"):
			f.Hint = strings.TrimPrefix(fl, "hinttext:") // already translated
		}
	}
	return f
}

// Value is the submitted value for the field (passwords are never echoed).
func (f fieldData) Value() string {
	if f.Type == "password" {
		return ""
	}
	return f.P.Form.Get(f.Name)
}

// Error is the translated error for the field, or "".
func (f fieldData) Error() string {
	if k := f.P.Form.Err(f.Name); k != "" {
		var args []any
		if f.P.Form != nil {
			args = f.P.Form.Args[f.Name]
		}
		return f.P.L.T(k, args...)
	}
	return ""
}

// Describedby lists the ids of the field's hint and error.
func (f fieldData) Describedby() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, "f-"+f.Name+"-hint")
	}
	if f.Error() != "" {
		ids = append(ids, "f-"+f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request) *page {
	ri := reqInfo(r)
	other := "en"
	if ri.Lang == "en" {
		other = "sv"
	}
	p := &page{
		L: s.cat.For(ri.Lang), Lang: ri.Lang, User: ri.User, Resident: ri.Resident, Path: r.URL.Path,
		Org: s.cfg.OrgName, Brand: s.brand, ContactEmail: s.cfg.ContactEmail, ContactPhone: s.cfg.ContactPhone,
		OtherLang: other, OtherLangURL: "/sprak?lang=" + other + "&till=" + urlQueryEscape(r.URL.RequestURI()),
		token: func() string { return s.ensureCSRF(w, r) },
	}
	if ri.User != nil {
		// The staff menu shows what waits; a page is still shown without it.
		if work, err := s.svc.Work.Workload(r.Context(), 0); err != nil {
			s.log.Warn("staff menu counts", "request_id", ri.ID, "err", err)
		} else {
			p.Work = work
		}
	}
	return p
}

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if !s.tmpl.pages[name] {
		s.serverError(w, r, fmt.Errorf("web: no template %q", name))
		return
	}
	var buf bytes.Buffer
	err := s.tmpl.execute(&buf, name, p)
	if err == nil && p.Form != nil && len(p.Form.Errors) > 1 {
		// Order the error summary like the fields on the page: find where each
		// field is in the first rendering, then render again.
		type pos struct {
			name string
			at   int
		}
		var ps []pos
		html := buf.String()
		for name := range p.Form.Errors {
			at := strings.Index(html, `id="f-`+name+`"`)
			if at < 0 {
				at = len(html)
			}
			ps = append(ps, pos{name, at})
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].at < ps[j].at || ps[i].at == ps[j].at && ps[i].name < ps[j].name })
		p.Form.order = p.Form.order[:0]
		for _, x := range ps {
			p.Form.order = append(p.Form.order, x.name)
		}
		buf.Reset()
		err = s.tmpl.execute(&buf, name, p)
	}
	if err != nil {
		if name == "error" {
			http.Error(w, "internal error", http.StatusInternalServerError)
			s.log.Error("render error page", "err", err)
			return
		}
		s.serverError(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
		// The page cache may keep a page that anyone would be shown alike.
		// (A GET's form holds only what the page's data and address give,
		// never what a visitor typed: that comes back on a POST.)
		// A page whose address holds a secret token is for one person only.
		if r.Method == http.MethodGet && status == http.StatusOK && p.User == nil && p.Resident == nil &&
			!strings.Contains(r.Pattern, "{token}") {
			reqInfo(r).cacheable = true
		}
	}
	if p.User != nil || p.Resident != nil {
		h.Set("Cache-Control", "private, no-store")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

type errorData struct {
	Status  int
	Message string
	Login   string // where to log in, for a 401
}

// renderError shows a friendly error page in the visitor's language.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	login := ""
	if status == http.StatusUnauthorized && key == "login.required" {
		login = "/logga-in"
	}
	s.renderErrorLink(w, r, status, key, login)
}

// renderErrorLink is renderError with a link to a login page.
func (s *Server) renderErrorLink(w http.ResponseWriter, r *http.Request, status int, key, login string) {
	p := s.newPage(w, r)
	p.Data = errorData{Status: status, Message: key, Login: login}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "error", p)
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		s.clientGone(w, r, err)
		return
	}
	s.log.Error("server error", "request_id", reqInfo(r).ID, "path", r.URL.Path, "err", err)
	s.renderError(w, r, http.StatusInternalServerError, "error.internal")
}

// statusClientGone is the status recorded for a request whose client went
// away (or whose time ran out) before the answer was ready, as nginx
// records it: no one reads it, and it is no server error.
const statusClientGone = 499

// clientGone ends a request whose context has ended.
func (s *Server) clientGone(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Info("request ended before its answer", "request_id", reqInfo(r).ID, "path", safeLog(r.URL.Path), "err", err)
	w.WriteHeader(statusClientGone)
}

// fail maps a domain error to the right error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch ortsplan.ErrorCode(err) {
	case ortsplan.ENOTFOUND:
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
	case ortsplan.EFORBIDDEN:
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
	case ortsplan.EUNAUTHORIZED:
		if key := ortsplan.ErrorKey(err); key == "resident.login_required" {
			s.renderErrorLink(w, r, http.StatusUnauthorized, key, "/logga-in/boende")
		} else {
			s.renderError(w, r, http.StatusUnauthorized, "login.required")
		}
	case ortsplan.ECONFLICT:
		s.renderError(w, r, http.StatusConflict, ortsplan.ErrorKey(err))
	case ortsplan.ERATELIMIT:
		s.renderError(w, r, http.StatusTooManyRequests, ortsplan.ErrorKey(err))
	case ortsplan.EINVALID:
		s.renderError(w, r, http.StatusBadRequest, ortsplan.ErrorKey(err))
	default:
		s.serverError(w, r, err)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
