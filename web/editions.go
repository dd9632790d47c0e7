package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// The yearly revisions of a locality's plan (revideringar): the list with
// the progress per year, one edition as it was frozen, and what happened
// between any two years. Staff who may edit the locality make an edition;
// the service checks the right and freezes the plan in one transaction.

// editionsData is what the edition pages show.
type editionsData struct {
	*localityView
	Editions []*ortsplan.PlanEdition // oldest first
	Figures  []ortsplan.EditionFigures
	// NextYear is the year the live plan is the working version of, 0
	// before the first revision.
	NextYear int
	Saved    bool
	// One edition.
	Edition *ortsplan.PlanEdition
	Themes  []editionTheme
	Prev    *ortsplan.PlanEdition
	// The comparison.
	From, To         string // the years compared, "nu" for the live plan
	FromYear, ToYear string // as shown
	Diff             *diffView
}

// editionTheme is a focus area of a frozen plan with its actions.
type editionTheme struct {
	Title    string
	Progress float64
	Actions  []actionView
}

func init() {
	templateFuncs["diffCtx"] = func(p *page, id, heading string, rows []diffRow) diffTable {
		return diffTable{P: p, ID: id, Heading: heading, Rows: rows}
	}
}

// diffTable is what the "diff-table" template gets: one list of a comparison.
type diffTable struct {
	P           *page
	ID, Heading string
	Rows        []diffRow
}

// liveYear names the live plan in a comparison.
const liveYear = "nu"

func (s *Server) loadEditions(w http.ResponseWriter, r *http.Request) (*editionsData, bool) {
	v, _, err := s.loadLocality(r.Context(), r, noPlan)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	es, err := s.svc.Editions.Editions(r.Context(), v.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	d := &editionsData{localityView: v, Editions: es, Figures: ortsplan.EditionProgress(es)}
	if len(es) > 0 {
		d.NextYear = ortsplan.NextPlanYear(es[len(es)-1].Year)
	}
	return d, true
}

// editions lists a locality's revisions with the progress per year and
// the form that compares two of them.
func (s *Server) editions(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadEditions(w, r)
	if !ok {
		return
	}
	d.Saved = r.URL.Query().Get("sparat") != ""
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "editions", p)
}

// snapshotThemes prepares a frozen plan for the "action" template. A frozen
// action is never marked late: the mark belongs to today's plan.
func snapshotThemes(L *i18n.Localizer, snap *ortsplan.PlanSnapshot) []editionTheme {
	plan := snap.Plan()
	out := make([]editionTheme, 0, len(plan.Themes))
	var unlate func(vs []actionView)
	unlate = func(vs []actionView) {
		for i := range vs {
			vs[i].LateText = ""
			unlate(vs[i].Children)
		}
	}
	for _, t := range plan.Themes {
		et := editionTheme{Title: t.Title, Progress: t.Progress()}
		for _, a := range t.Actions {
			et.Actions = append(et.Actions, newActionView(L, a, 3))
		}
		unlate(et.Actions)
		out = append(out, et)
	}
	return out
}

// edition shows one year's edition as it was frozen.
func (s *Server) edition(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.notFound(w, r)
		return
	}
	d, ok := s.loadEditions(w, r)
	if !ok {
		return
	}
	d.Edition = ortsplan.FindEdition(d.Editions, year)
	if d.Edition == nil {
		s.notFound(w, r)
		return
	}
	for _, e := range d.Editions {
		if e.Year < year {
			d.Prev = e
		}
	}
	d.Themes = snapshotThemes(s.cat.For(reqInfo(r).Lang), d.Edition.Snapshot)
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "edition", p)
}

// diffView is a comparison ready to show.
type diffView struct {
	Added, Finished, Changed, Dropped []diffRow
	Empty                             bool
}

// diffRow is one action of a comparison.
type diffRow struct {
	Title, Theme, Status string
	Fields               []fieldDiff
}

type fieldDiff struct{ Label, From, To string }

func newDiffView(L *i18n.Localizer, d ortsplan.EditionDiff) *diffView {
	rows := func(cs []ortsplan.EditionChange) []diffRow {
		out := make([]diffRow, 0, len(cs))
		for _, c := range cs {
			row := diffRow{Title: c.Action.Title, Theme: c.ThemeTitle, Status: L.T("status." + string(c.Action.Status))}
			for _, f := range c.Fields {
				row.Fields = append(row.Fields, fieldDiff{Label: editionFieldLabel(L, f), From: snapshotValue(L, f, c.Before), To: snapshotValue(L, f, &c.Action)})
			}
			out = append(out, row)
		}
		return out
	}
	return &diffView{Added: rows(d.Added), Finished: rows(d.Finished), Changed: rows(d.Changed), Dropped: rows(d.Dropped), Empty: d.Empty()}
}

// editionFieldLabel names a field of ortsplan.CompareEditions.
func editionFieldLabel(L *i18n.Localizer, field string) string {
	switch field {
	case "title":
		return L.T("field.title")
	case "status":
		return L.T("field.action_status")
	case "progress":
		return L.T("field.progress")
	case "responsible":
		return L.T("field.responsible")
	case "start":
		return L.T("field.start")
	case "end":
		return L.T("field.end")
	case "funding":
		return L.T("field.funding")
	case "theme":
		return L.T("field.theme")
	}
	return field
}

// snapshotValue shows one field of a frozen action.
func snapshotValue(L *i18n.Localizer, field string, a *ortsplan.SnapshotAction) string {
	if a == nil {
		return "–"
	}
	v := ""
	switch field {
	case "title":
		v = a.Title
	case "status":
		v = L.T("status." + string(a.Status))
	case "progress":
		v = strconv.Itoa(a.Progress) + " %"
	case "responsible":
		if a.ResponsibleKind != "" {
			v = L.T("responsible." + string(a.ResponsibleKind))
		}
		for _, s := range []string{a.ResponsibleName, a.ResponsibleDepartment} {
			if s != "" {
				v = strings.TrimPrefix(v+", "+s, ", ")
			}
		}
	case "start":
		v = changeValue(L, "start", a.Start)
	case "end":
		v = changeValue(L, "end", a.End)
	case "funding":
		v = a.Funding
	case "theme":
		return strconv.FormatInt(a.ThemeID, 10)
	}
	if v == "" {
		return "–"
	}
	return v
}

// compareEditions shows what was added, finished, changed and dropped
// between two years (?fran=2012&till=2015; till=nu is the live plan).
func (s *Server) compareEditions(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadEditions(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	d.From, d.To = q.Get("fran"), q.Get("till")
	L := s.cat.For(reqInfo(r).Lang)
	pick := func(v string) (*ortsplan.PlanSnapshot, int, bool) {
		if v == liveYear {
			return nil, 1 << 30, true
		}
		y, err := strconv.Atoi(v)
		if err != nil {
			return nil, 0, false
		}
		e := ortsplan.FindEdition(d.Editions, y)
		if e == nil {
			return nil, 0, false
		}
		return e.Snapshot, y, true
	}
	from, fy, ok1 := pick(d.From)
	to, ty, ok2 := pick(d.To)
	if !ok1 || !ok2 || d.From == liveYear || fy >= ty {
		s.renderError(w, r, http.StatusBadRequest, "edition.compare_invalid")
		return
	}
	d.FromYear, d.ToYear = d.From, d.To
	if d.To == liveYear {
		d.ToYear = L.T("edition.live")
		plan, err := s.svc.Plans.FindPlan(r.Context(), d.Locality.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		to = ortsplan.NewPlanSnapshot(plan, d.Vision)
	}
	// Focus areas are shown by name, from the snapshot they are in.
	diff := ortsplan.CompareEditions(from, to)
	dv := newDiffView(L, diff)
	themeNames(dv.Changed, diff.Changed, from, to)
	d.Diff = dv
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "edition_compare", p)
}

// themeNames writes a moved action's focus areas by name rather than id.
func themeNames(rows []diffRow, cs []ortsplan.EditionChange, from, to *ortsplan.PlanSnapshot) {
	for i, c := range cs {
		for j, f := range c.Fields {
			if f == "theme" {
				rows[i].Fields[j].From = from.ThemeTitle(c.Before.ThemeID)
				rows[i].Fields[j].To = to.ThemeTitle(c.Action.ThemeID)
			}
		}
	}
}

// editionFormData is the new-edition form's.
type editionFormData struct {
	*editionsData
	Live   ortsplan.EditionCounts
	Bodies []string
}

// editionBodies are the suggestions for the body that approved a revision.
var editionBodies = []string{"Kommunfullmäktige", "Kommunstyrelsen", "Kommunstyrelsens arbetsutskott", "Samhällsbyggnadsnämnden"}

func (s *Server) editionForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	if _, err := s.svc.Localities.EditableLocality(r.Context(), r.PathValue("slug")); err != nil {
		s.fail(w, r, err)
		return
	}
	d, ok := s.loadEditions(w, r)
	if !ok {
		return
	}
	plan, err := s.svc.Plans.FindPlan(r.Context(), d.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fd := &editionFormData{editionsData: d, Live: ortsplan.NewPlanSnapshot(plan, nil).Counts(), Bodies: editionBodies}
	if f == nil {
		year := s.cfg.Now().In(stockholmLoc()).Year()
		if d.NextYear > 0 {
			year = d.NextYear
		}
		f = &form{Values: url.Values{"year": {strconv.Itoa(year)}}}
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = fd
	s.render(w, r, status, "edition_new", p)
}

// newEditionForm asks for the decision of this year's revision.
func (s *Server) newEditionForm(w http.ResponseWriter, r *http.Request) {
	s.editionForm(w, r, http.StatusOK, nil)
}

// makeEdition freezes the plan as this year's edition.
func (s *Server) makeEdition(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	v := ortsplan.ValidationErrors{}
	e := &ortsplan.PlanEdition{LocalityID: l.ID, Decision: decisionFromForm(r.PostForm, v), Note: r.PostFormValue("note")}
	if n, ok := formInt(r.PostForm, "year", v); ok {
		e.Year = n
	}
	var err error
	if len(v) == 0 {
		err = s.svc.Editions.MakeEdition(r.Context(), e)
	} else {
		err = e.Validate()
	}
	if len(v) > 0 || err != nil {
		if code := ortsplan.ErrorCode(err); err != nil && code != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.editionForm(w, r, http.StatusBadRequest, &form{Values: r.PostForm, Errors: merge(v, err), Error: "error.form"})
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/handlingsplan/revideringar?sparat=1#ar-"+strconv.Itoa(e.Year), http.StatusSeeOther)
}
