package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
)

// Quickfix grants: a resident applies from the locality's quickfix page
// (/orter/{ort}/quickfix), with a photo; staff of the locality decide on
// the application's page (/quickfix/{id}); the applicant amends after a
// komplettering and reports the work; staff record the payment. Granted
// quickfixes are public (/quickfix for all); the rest is for staff and the
// applicant, which the service decides.

func quickfixPath(id int64) string { return "/quickfix/" + strconv.FormatInt(id, 10) }

// parseKronor reads an amount of whole kronor as typed: digits, with
// spaces (also no-break) between thousands and an optional "kr".
func parseKronor(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "kr"))
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	if s == "" || len(s) > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// kronor writes an amount for a page: "8 000 kr".
func kronor(L *i18n.Localizer, n int64) string { return L.Number(int(n)) + "\u00a0kr" }

// quickfixRow is one quickfix in a list, its texts made in Go.
type quickfixRow struct {
	ID                  int64
	Title, Locality     string
	Status              ortsplan.QuickfixStatus
	StatusText          string
	Amount              string
	Date, ISODate       string
	Organisation, Place string
}

func quickfixRows(L *i18n.Localizer, qs []*ortsplan.Quickfix) []quickfixRow {
	out := make([]quickfixRow, len(qs))
	for n, q := range qs {
		amount, at := kronor(L, q.Cost), q.CreatedAt
		if q.Amount > 0 {
			amount, at = kronor(L, q.Amount), q.DecidedAt
		}
		out[n] = quickfixRow{ID: q.ID, Title: q.Title, Locality: q.LocalityName, Status: q.Status,
			StatusText: L.T("quickfixstatus." + string(q.Status)), Amount: amount, Date: L.Date(at), ISODate: isoDate(at),
			Organisation: q.Organisation, Place: q.Place}
	}
	return out
}

// budgetView is a budget with its figures written out.
type budgetView struct {
	Name                       string
	Amount, Granted, Remaining string
}

func budgetViews(L *i18n.Localizer, bs []*ortsplan.QuickfixBudget) []budgetView {
	var out []budgetView
	for _, b := range bs {
		if b.LocalityID == 0 && b.Amount == 0 && b.Granted == 0 {
			continue
		}
		name := b.LocalityName
		if b.LocalityID == 0 {
			name = L.T("quickfix.budget_municipality")
		}
		out = append(out, budgetView{Name: name, Amount: kronor(L, b.Amount), Granted: kronor(L, b.Granted), Remaining: kronor(L, b.Remaining())})
	}
	return out
}

type quickfixesData struct {
	Locality *ortsplan.Locality // nil for the whole municipality
	Year     int
	Rows     []quickfixRow
	Budgets  []budgetView
	Own      []quickfixRow // the resident's own applications here
	Resident *ortsplan.Resident
	CanApply bool // the resident may (a verified one where asked)
	Verified bool // the municipality asks for a verified resident
	CanEdit  bool
	MaxMB    int64
	MaxMP    int
	Kinds    []ortsplan.ApplicantKind
}

func (s *Server) thisYear() int { return s.cfg.Now().In(i18n.Stockholm()).Year() }

// quickfixesPage is /quickfix (every locality) and /orter/{ort}/quickfix
// (one, with the form to apply).
func (s *Server) quickfixesPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx := r.Context()
	d := &quickfixesData{Year: s.thisYear(), Resident: reqInfo(r).Resident, Verified: s.cfg.QuickfixRequireVerified, Kinds: ortsplan.ApplicantKinds}
	filter := ortsplan.QuickfixFilter{}
	if slug := r.PathValue("slug"); slug != "" {
		l, err := s.svc.Localities.FindLocality(ctx, slug)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Locality, filter.LocalityID = l, l.ID
		d.CanEdit = reqInfo(r).User.CanEditLocality(l.ID)
	}
	qs, err := s.svc.Quickfixes.Quickfixes(ctx, filter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bs, err := s.svc.Quickfixes.QuickfixBudgets(ctx, d.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	if d.Locality != nil {
		// The municipality's budget and this locality's share, if it has one.
		var keep []*ortsplan.QuickfixBudget
		for _, b := range bs {
			if b.LocalityID == 0 || b.LocalityID == d.Locality.ID {
				keep = append(keep, b)
			}
		}
		bs = keep
		if d.Resident != nil {
			own, err := s.svc.Quickfixes.Quickfixes(ctx, ortsplan.QuickfixFilter{LocalityID: d.Locality.ID, Own: true})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Own = quickfixRows(p.L, own)
			d.CanApply = d.Resident.MayApplyQuickfix(s.cfg.QuickfixRequireVerified)
		}
	}
	lim := s.cfg.ResidentUploadLimits
	d.MaxMB, d.MaxMP = lim.MaxBytes>>20, lim.MaxPixels/1_000_000
	d.Rows, d.Budgets = quickfixRows(p.L, qs), budgetViews(p.L, bs)
	p.Form, p.Data = f, d
	for _, q := range qs {
		if q.UpdatedAt.After(p.Updated) {
			p.Updated = q.UpdatedAt
		}
	}
	s.render(w, r, status, "quickfixes", p)
}

func (s *Server) quickfixes(w http.ResponseWriter, r *http.Request) {
	s.quickfixesPage(w, r, http.StatusOK, nil)
}

// quickfixForm reads the application's fields.
func quickfixForm(r *http.Request) (*ortsplan.Quickfix, ortsplan.ValidationErrors) {
	q := &ortsplan.Quickfix{Kind: ortsplan.ApplicantKind(r.PostFormValue("kind")), Organisation: r.PostFormValue("organisation"),
		Title: r.PostFormValue("title"), Place: r.PostFormValue("place"), Description: r.PostFormValue("description"),
		OwnEffort: r.PostFormValue("own_effort")}
	fe := ortsplan.ValidationErrors{}
	if cost, ok := parseKronor(r.PostFormValue("cost")); ok {
		q.Cost = cost
	} else {
		fe.Add("cost", "quickfix.cost_invalid")
	}
	if err := q.Validate(); err != nil {
		for k, v := range ortsplan.FieldErrors(err) {
			fe.Add(k, v)
		}
	}
	return q, fe
}

// quickfixPhoto stores the photo that came with a form, if any, within the
// residents' limits: judged by content, stored in sizes. It answers the
// request itself when the client gave up (ok false, err nil).
func (s *Server) quickfixPhoto(w http.ResponseWriter, r *http.Request, up *uploadForm, alt string) (*ortsplan.MeetingFile, bool, error) {
	if !up.chosen() {
		return nil, true, nil
	}
	if up.tooLarge {
		return nil, true, &ortsplan.Error{Code: ortsplan.EINVALID, Key: media.KeyUploadTooLarge, Field: "photo_file"}
	}
	v := ortsplan.ValidationErrors{}
	ortsplan.CheckAlt(v, "photo_alt", alt)
	if err := v.Err(); err != nil {
		return nil, true, err
	}
	photo, err := s.storeUpload(r.Context(), up, "quickfix-"+randomKey(), s.cfg.ResidentUploadLimits, false)
	if errors.Is(err, errUploadGaveUp) {
		s.uploadGaveUp(w, r)
		return nil, false, nil
	}
	if err == nil && photo.Kind != ortsplan.FilePhoto {
		media.RemoveVariants(r.Context(), s.cfg.Storage, photo)
		photo, err = nil, &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.image_only", Field: "photo_file"}
	}
	if err != nil {
		if fe := ortsplan.FieldErrors(err); fe["file"] != "" {
			err = &ortsplan.Error{Code: ortsplan.EINVALID, Key: fe["file"], Field: "photo_file"}
		}
		return nil, true, err
	}
	return photo, true, nil
}

// photosOf turns a stored photo into the quickfix's photo list.
func photosOf(photo *ortsplan.MeetingFile, alt string) []ortsplan.QuickfixPhoto {
	if photo == nil {
		return nil
	}
	return []ortsplan.QuickfixPhoto{{Alt: strings.TrimSpace(alt), Variants: photo.Variants}}
}

// applyQuickfix stores a resident's application for the locality in the path.
func (s *Server) applyQuickfix(w http.ResponseWriter, r *http.Request, up *uploadForm) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.formByAddr.Allow(s.clientAddr(r)) {
		s.quickfixesPage(w, r, http.StatusTooManyRequests, &form{Values: r.PostForm, Error: "error.too_many_forms"})
		return
	}
	refuse := func(fe ortsplan.ValidationErrors) {
		s.quickfixesPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: fe, Error: "error.form"})
	}
	q, fe := quickfixForm(r)
	q.LocalityID = l.ID
	if len(fe) > 0 {
		refuse(fe)
		return
	}
	if !reqInfo(r).Resident.MayApplyQuickfix(s.cfg.QuickfixRequireVerified) {
		s.fail(w, r, ortsplan.Errorf(ortsplan.EFORBIDDEN, "quickfix.verified_required"))
		return
	}
	photo, ok, err := s.quickfixPhoto(w, r, up, r.PostFormValue("photo_alt"))
	if !ok {
		return
	}
	if err != nil {
		if fe := ortsplan.FieldErrors(err); fe != nil {
			refuse(fe)
			return
		}
		s.fail(w, r, err)
		return
	}
	q.Photos = photosOf(photo, r.PostFormValue("photo_alt"))
	if err := s.svc.Quickfixes.ApplyQuickfix(r.Context(), q); err != nil {
		if photo != nil {
			media.RemoveVariants(context.WithoutCancel(r.Context()), s.cfg.Storage, photo)
		}
		if fe := ortsplan.FieldErrors(err); fe != nil {
			refuse(fe)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, quickfixPath(q.ID)+"?klart=ansokt", http.StatusSeeOther)
}

type quickfixData struct {
	Quickfix    *ortsplan.Quickfix
	Locality    *ortsplan.Locality
	StatusText  string
	Cost        string
	Amount      string
	PaidAmount  string
	Photos      []ortsplan.QuickfixPhoto // with the application
	Report      []ortsplan.QuickfixPhoto // with the report
	Events      []quickfixEventView
	Staff       bool // may decide and record the payment
	Applicant   bool // the acting resident applied
	CanDecide   bool
	CanPay      bool
	CanAmend    bool
	CanReport   bool
	Budgets     []budgetView
	Done        string
	MaxMB       int64
	MaxMP       int
	Today       string
	Kinds       []ortsplan.ApplicantKind
	Decisions   []ortsplan.QuickfixStatus
	ShowDetails bool // the applicant's name and e-mail
}

// quickfixPhotos is what the "quickfix-photos" partial shows.
type quickfixPhotos struct {
	ID     int64
	Photos []ortsplan.QuickfixPhoto
}

type quickfixEventView struct {
	Date, ISODate, Text, Actor, Amount, Reason string
}

// quickfixDone are the ?klart= values the page thanks or confirms for.
var quickfixDone = []string{"ansokt", "kompletterad", "rapporterad", "beslut", "utbetald"}

func (s *Server) quickfixPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	q, err := s.svc.Quickfixes.FindQuickfix(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.svc.Localities.FindLocality(ctx, q.LocalitySlug)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ri := reqInfo(r)
	p := s.newPage(w, r)
	d := &quickfixData{Quickfix: q, Locality: l, StatusText: p.L.T("quickfixstatus." + string(q.Status)), Cost: kronor(p.L, q.Cost),
		Amount: kronor(p.L, q.Amount), PaidAmount: kronor(p.L, q.PaidAmount), Kinds: ortsplan.ApplicantKinds,
		Decisions: []ortsplan.QuickfixStatus{ortsplan.QuickfixGranted, ortsplan.QuickfixSupplement, ortsplan.QuickfixRefused},
		Today:     dateValue(ortsplan.SurveyDay(s.cfg.Now(), i18n.Stockholm()))}
	d.Staff = ri.User.CanDecideQuickfix(l.ID)
	d.ShowDetails = ri.User.CanEditLocality(l.ID)
	d.Applicant = ri.Resident != nil && q.ResidentID > 0 && ri.Resident.ID == q.ResidentID
	d.CanDecide = d.Staff && (ortsplan.QuickfixStep(q.Status, ortsplan.QuickfixGranted, ortsplan.QuickfixByStaff) ||
		ortsplan.QuickfixStep(q.Status, ortsplan.QuickfixRefused, ortsplan.QuickfixByStaff))
	if q.Status == ortsplan.QuickfixSupplement {
		d.Decisions = []ortsplan.QuickfixStatus{ortsplan.QuickfixRefused}
	}
	d.CanPay = d.Staff && ortsplan.QuickfixStep(q.Status, ortsplan.QuickfixPaid, ortsplan.QuickfixByStaff)
	d.CanAmend = d.Applicant && ortsplan.QuickfixStep(q.Status, ortsplan.QuickfixApplied, ortsplan.QuickfixByApplicant)
	d.CanReport = d.Applicant && ortsplan.QuickfixStep(q.Status, ortsplan.QuickfixReported, ortsplan.QuickfixByApplicant)
	for _, ph := range q.Photos {
		if ph.Report {
			d.Report = append(d.Report, ph)
		} else {
			d.Photos = append(d.Photos, ph)
		}
	}
	for _, e := range q.Events {
		v := quickfixEventView{Date: p.L.Date(e.At), ISODate: isoDate(e.At), Text: p.L.T("quickfixevent." + string(e.Status)), Actor: e.Actor}
		switch e.Status {
		case ortsplan.QuickfixGranted, ortsplan.QuickfixPaid:
			v.Amount = kronor(p.L, e.Amount)
		}
		if e.Status != ortsplan.QuickfixPaid {
			v.Reason = e.Text
		}
		if e.Actor == "" && e.Status != ortsplan.QuickfixApplied && e.Status != ortsplan.QuickfixReported {
			v.Actor = p.L.T("quickfix.actor_municipality")
		}
		d.Events = append(d.Events, v)
	}
	if d.CanDecide {
		bs, err := s.svc.Quickfixes.QuickfixBudgets(ctx, s.thisYear())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var keep []*ortsplan.QuickfixBudget
		for _, b := range bs {
			if b.LocalityID == 0 || b.LocalityID == l.ID {
				keep = append(keep, b)
			}
		}
		d.Budgets = budgetViews(p.L, keep)
	}
	if done := r.URL.Query().Get("klart"); slices.Contains(quickfixDone, done) {
		d.Done = done
	}
	lim := s.cfg.ResidentUploadLimits
	d.MaxMB, d.MaxMP = lim.MaxBytes>>20, lim.MaxPixels/1_000_000
	if f == nil && d.CanAmend {
		// The amendment form starts from the application as it stands.
		f = &form{Values: map[string][]string{"kind": {string(q.Kind)}, "organisation": {q.Organisation}, "title": {q.Title},
			"place": {q.Place}, "description": {q.Description}, "cost": {strconv.FormatInt(q.Cost, 10)}, "own_effort": {q.OwnEffort}}}
	}
	p.Form, p.Data, p.Updated = f, d, q.UpdatedAt
	s.render(w, r, status, "quickfix", p)
}

func (s *Server) quickfix(w http.ResponseWriter, r *http.Request) {
	s.quickfixPage(w, r, http.StatusOK, nil)
}

// quickfixStep answers a step's outcome: to the quickfix's page with the
// confirmation, or the page again with the errors and what was typed.
func (s *Server) quickfixStep(w http.ResponseWriter, r *http.Request, id int64, err error, done string) {
	if err == nil {
		http.Redirect(w, r, quickfixPath(id)+"?klart="+done, http.StatusSeeOther)
		return
	}
	if fe := ortsplan.FieldErrors(err); fe != nil {
		s.quickfixPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: fe, Error: "error.form"})
		return
	}
	s.fail(w, r, err)
}

// amendQuickfix is the applicant's answer to a komplettering.
func (s *Server) amendQuickfix(w http.ResponseWriter, r *http.Request, up *uploadForm) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	q, fe := quickfixForm(r)
	q.ID = id
	if len(fe) > 0 {
		s.quickfixStep(w, r, id, fe.Err(), "")
		return
	}
	photo, ok, err := s.quickfixPhoto(w, r, up, r.PostFormValue("photo_alt"))
	if !ok {
		return
	}
	if err == nil {
		q.Photos = photosOf(photo, r.PostFormValue("photo_alt"))
		if err = s.svc.Quickfixes.AmendQuickfix(r.Context(), q); err != nil && photo != nil {
			media.RemoveVariants(context.WithoutCancel(r.Context()), s.cfg.Storage, photo)
		}
	}
	s.quickfixStep(w, r, id, err, "kompletterad")
}

// reportQuickfix is the applicant's report of the work, with a photo.
func (s *Server) reportQuickfix(w http.ResponseWriter, r *http.Request, up *uploadForm) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	report := r.PostFormValue("report")
	if strings.TrimSpace(report) == "" {
		s.quickfixStep(w, r, id, ortsplan.FieldError("report", "error.required"), "")
		return
	}
	photo, ok, err := s.quickfixPhoto(w, r, up, r.PostFormValue("photo_alt"))
	if !ok {
		return
	}
	if err == nil {
		if err = s.svc.Quickfixes.ReportQuickfix(r.Context(), id, report, photosOf(photo, r.PostFormValue("photo_alt"))); err != nil && photo != nil {
			media.RemoveVariants(context.WithoutCancel(r.Context()), s.cfg.Storage, photo)
		}
	}
	s.quickfixStep(w, r, id, err, "rapporterad")
}

// decideQuickfix records staff's decision.
func (s *Server) decideQuickfix(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	d := ortsplan.QuickfixDecision{QuickfixID: id, Status: ortsplan.QuickfixStatus(r.PostFormValue("decision")), Reason: r.PostFormValue("reason")}
	if d.Status == ortsplan.QuickfixGranted {
		amount, ok := parseKronor(r.PostFormValue("amount"))
		if !ok {
			s.quickfixStep(w, r, id, ortsplan.FieldError("amount", "quickfix.amount_invalid"), "")
			return
		}
		d.Amount = amount
	}
	s.quickfixStep(w, r, id, s.svc.Quickfixes.DecideQuickfix(r.Context(), d), "beslut")
}

// payQuickfix records the payment of reported work.
func (s *Server) payQuickfix(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	fe := ortsplan.ValidationErrors{}
	p := ortsplan.QuickfixPayment{QuickfixID: id}
	if on, err := time.Parse("2006-01-02", strings.TrimSpace(r.PostFormValue("paid_on"))); err == nil {
		p.On = on
	} else {
		fe.Add("paid_on", "error.date_invalid")
	}
	if amount, ok := parseKronor(r.PostFormValue("paid_amount")); ok {
		p.Amount = amount
	} else {
		fe.Add("paid_amount", "quickfix.paid_amount_invalid")
	}
	if len(fe) > 0 {
		s.quickfixStep(w, r, id, fe.Err(), "")
		return
	}
	s.quickfixStep(w, r, id, s.svc.Quickfixes.RecordQuickfixPayment(r.Context(), p), "utbetald")
}

// quickfixPhotoFile streams a size of one of a quickfix's photos, when the
// quickfix may be seen. Browsers ask again each time, as for idea photos.
func (s *Server) quickfixPhotoFile(w http.ResponseWriter, r *http.Request) {
	id, ok1 := parseID(r.PathValue("id"))
	photo, ok2 := parseID(r.PathValue("photo"))
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	q, err := s.svc.Quickfixes.FindQuickfix(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range q.Photos {
		if p.ID == photo {
			s.serveVariant(w, r, p.Variant(r.PathValue("variant")), "public, no-cache")
			return
		}
	}
	s.notFound(w, r)
}

type adminQuickfixData struct {
	Year       int
	Rows       []quickfixRow
	Budgets    []budgetView
	CanBudget  bool
	Localities []*ortsplan.Locality
	Saved      bool
}

// adminQuickfixes is the staff list of applications waiting for a decision
// in their localities, and the year's budgets (set here by coordinators).
func (s *Server) adminQuickfixesPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx := r.Context()
	d := &adminQuickfixData{Year: s.thisYear(), CanBudget: reqInfo(r).User.CanSetQuickfixBudget(), Saved: r.URL.Query().Get("klart") == "budget"}
	qs, err := s.svc.Quickfixes.Quickfixes(ctx, ortsplan.QuickfixFilter{Waiting: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bs, err := s.svc.Quickfixes.QuickfixBudgets(ctx, d.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.CanBudget {
		if d.Localities, err = s.svc.Localities.ListLocalities(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := s.newPage(w, r)
	d.Rows, d.Budgets = quickfixRows(p.L, qs), budgetViews(p.L, bs)
	if f == nil {
		f = &form{Values: map[string][]string{"year": {strconv.Itoa(d.Year)}}}
	}
	p.Form, p.Data = f, d
	s.render(w, r, status, "admin_quickfix", p)
}

func (s *Server) adminQuickfixes(w http.ResponseWriter, r *http.Request) {
	s.adminQuickfixesPage(w, r, http.StatusOK, nil)
}

// setQuickfixBudget sets a year's budget, the municipality's or a locality's.
func (s *Server) setQuickfixBudget(w http.ResponseWriter, r *http.Request) {
	fe := ortsplan.ValidationErrors{}
	b := &ortsplan.QuickfixBudget{}
	if y, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year"))); err == nil {
		b.Year = y
	} else {
		fe.Add("year", "quickfix.year_invalid")
	}
	if amount, ok := parseKronor(r.PostFormValue("budget")); ok {
		b.Amount = amount
	} else {
		fe.Add("budget", "quickfix.budget_invalid")
	}
	if loc := r.PostFormValue("budget_locality"); loc != "" && loc != "0" {
		id, ok := parseID(loc)
		if !ok {
			fe.Add("budget_locality", "error.choose_from_list")
		}
		b.LocalityID = id
	}
	err := fe.Err()
	if err == nil {
		err = s.svc.Quickfixes.SetQuickfixBudget(r.Context(), b)
	}
	if err == nil {
		http.Redirect(w, r, "/admin/quickfix?klart=budget", http.StatusSeeOther)
		return
	}
	if fe := ortsplan.FieldErrors(err); fe != nil {
		s.adminQuickfixesPage(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: fe, Error: "error.form"})
		return
	}
	s.fail(w, r, err)
}
