package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/chart"
	"github.com/ortsplan/ortsplan/i18n"
)

// The picture of a locality that a local development plan opens with (issue
// 17): facts over time, the history text and the associations and
// businesses on /orter/{slug}/fakta, and the SWOT on /orter/{slug}/swot.
// Staff with rights on the locality edit them; the services decide.

// lupRoutes registers the pages of facts, history text and SWOT.
func (s *Server) lupRoutes(mux *routeMux, staff func(string, http.HandlerFunc), upload func(string, uploader, string, uploadHandler)) {
	mux.HandleFunc("GET /orter/{slug}/fakta", s.factsPage)
	mux.HandleFunc("GET /orter/{slug}/swot", s.swotPage)
	mux.HandleFunc("GET /orter/{slug}/skriv-ut", s.printPlan)
	staff("GET /orter/{slug}/fakta/redigera", s.editFactsForm)
	staff("POST /orter/{slug}/fakta", s.saveFact)
	staff("POST /orter/{slug}/fakta/{id}/ta-bort", s.deleteFact)
	upload("POST /orter/{slug}/fakta/import", staffUpload, "csv_file", s.importFacts)
	staff("GET /orter/{slug}/historia/redigera", s.editHistoryForm)
	staff("POST /orter/{slug}/historia/redigera", s.saveHistory)
	staff("GET /orter/{slug}/swot/redigera", s.editSWOTForm)
	staff("POST /orter/{slug}/swot", s.saveSWOTItem)
	staff("GET /orter/{slug}/swot/{id}", s.editSWOTItemForm)
	staff("POST /orter/{slug}/swot/{id}", s.saveSWOTItem)
	staff("POST /orter/{slug}/swot/{id}/ta-bort", s.deleteSWOTItem)
}

// factTable is one measure's figures as a page shows them: a chart (for
// counts over time) and a table with a row per label and a column per year.
type factTable struct {
	Measure ortsplan.FactMeasure
	ID      string
	Heading string
	Chart   any // template.HTML, or nil
	Years   []int
	Rows    []factRow
	Sources []string
}

// factTableView is what the "fact-table" partial is given: the page's
// texts, the table, and the id its caption gets (a page that shows the
// tables twice, as the printable plan, gives its own).
type factTableView struct {
	L  *i18n.Localizer
	ID string
	factTable
}

type factRow struct {
	Label  string
	Values []string // per year, "–" for none
}

// measureKey is the translation key of a measure's heading.
func measureKey(m ortsplan.FactMeasure) string {
	switch m {
	case ortsplan.MeasurePopulation:
		return "facts.measure.folkmangd"
	case ortsplan.MeasureAgeGroup:
		return "facts.measure.aldersgrupp"
	case ortsplan.MeasureHouseholds:
		return "facts.measure.hushall"
	case ortsplan.MeasureService:
		return "facts.measure.service"
	}
	return "facts.measure.avstand"
}

// formatFact writes a value as the page's language does, with at most one decimal.
func formatFact(L *i18n.Localizer, v float64) string {
	if v == float64(int64(v)) && v < 1e15 {
		return L.Number(int(v))
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if L.Lang == "sv" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// factTables arranges facts for a page, drawing a chart for counts over time.
func factTables(L *i18n.Localizer, facts []*ortsplan.Fact) []factTable {
	var out []factTable
	for _, g := range ortsplan.GroupFacts(facts) {
		t := factTable{Measure: g.Measure, ID: "fakta-" + string(g.Measure), Heading: L.T(measureKey(g.Measure)), Years: g.Years}
		seen := map[string]bool{}
		for _, s := range g.Series {
			row := factRow{Label: s.Label}
			if row.Label == "" {
				row.Label = L.T("facts.total")
			}
			for _, y := range g.Years {
				if v, ok := s.Values[y]; ok {
					row.Values = append(row.Values, formatFact(L, v))
					if src := s.Source[y]; !seen[src] {
						seen[src] = true
						t.Sources = append(t.Sources, src)
					}
				} else {
					row.Values = append(row.Values, "–")
				}
			}
			t.Rows = append(t.Rows, row)
		}
		if g.Measure.Charted() {
			t.Chart = factChart(L, t.ID, t.Heading, g)
		}
		out = append(out, t)
	}
	return out
}

// factChart draws a measure's figures: years along the bottom and a series
// per label; with more labels than a chart tells apart, the labels go along
// the bottom and the latest years are the series.
func factChart(L *i18n.Localizer, id, title string, g *ortsplan.FactGroup) any {
	label := func(s *ortsplan.FactSeries) string {
		if s.Label == "" {
			return L.T("facts.total")
		}
		return s.Label
	}
	b := chart.Bars{ID: "chart-" + id, Title: title, Desc: L.T("facts.chart_desc")}
	if len(g.Series) <= chart.MaxSeries {
		for _, y := range g.Years {
			b.Categories = append(b.Categories, strconv.Itoa(y))
		}
		for _, s := range g.Series {
			cs := chart.Series{Name: label(s)}
			for _, y := range g.Years {
				cs.Values = append(cs.Values, s.Values[y])
			}
			b.Series = append(b.Series, cs)
		}
	} else {
		years := g.Years
		if len(years) > chart.MaxSeries {
			years = years[len(years)-chart.MaxSeries:]
		}
		for _, s := range g.Series {
			b.Categories = append(b.Categories, label(s))
		}
		for _, y := range years {
			cs := chart.Series{Name: strconv.Itoa(y)}
			for _, s := range g.Series {
				cs.Values = append(cs.Values, s.Values[y])
			}
			b.Series = append(b.Series, cs)
		}
	}
	return b.SVG()
}

// lupData is what the facts and SWOT pages show.
type lupData struct {
	Locality      *ortsplan.Locality
	CanEdit       bool
	Owner         *ortsplan.Contact
	Tables        []factTable
	Facts         []*ortsplan.Fact
	History       *ortsplan.LocalityHistory
	Associations  []*ortsplan.Organisation
	Businesses    []*ortsplan.Organisation
	SWOT          []swotQuadrant
	Item          *ortsplan.SWOTItem
	Meetings      []*ortsplan.Meeting
	Measures      []ortsplan.FactMeasure
	SWOTKinds     []ortsplan.SWOTKind
	Saved         string
	Conflict      bool
	ImportErrors  []string // the refused lines of an import, translated
	ImportFile    string   // the name of the file refused
	DefaultSource string
	Imported      int // how many figures an import just stored
}

// swotQuadrant is one quadrant with its items.
type swotQuadrant struct {
	Kind    ortsplan.SWOTKind
	Heading string
	Items   []*ortsplan.SWOTItem
}

// swotKindKey is the translation key of a quadrant's heading.
func swotKindKey(k ortsplan.SWOTKind) string {
	switch k {
	case ortsplan.SWOTStrength:
		return "swot.kind.styrka"
	case ortsplan.SWOTWeakness:
		return "swot.kind.svaghet"
	case ortsplan.SWOTOpportunity:
		return "swot.kind.mojlighet"
	}
	return "swot.kind.hot"
}

func swotQuadrants(L *i18n.Localizer, items []*ortsplan.SWOTItem) []swotQuadrant {
	by := ortsplan.SWOTByKind(items)
	var out []swotQuadrant
	for _, k := range ortsplan.SWOTKinds {
		out = append(out, swotQuadrant{Kind: k, Heading: L.T(swotKindKey(k)), Items: by[k]})
	}
	return out
}

// lupLocality loads the locality in the path with its contacts' page owner.
func (s *Server) lupLocality(r *http.Request) (*lupData, error) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	d := &lupData{Locality: l, CanEdit: reqInfo(r).User.CanEditLocality(l.ID), Measures: ortsplan.FactMeasures, SWOTKinds: ortsplan.SWOTKinds}
	cs, err := s.svc.Localities.Contacts(r.Context(), l.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.PageOwner {
			d.Owner = c
		}
	}
	return d, nil
}

// factsPage shows the locality's facts, history text and associations.
func (s *Server) factsPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.lupLocality(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	facts, err := s.svc.Facts.Facts(ctx, d.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.History, err = s.svc.Facts.FindHistory(ctx, d.Locality.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	orgs, err := s.svc.Meetings.Organisations(ctx, d.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, o := range orgs {
		if o.Kind == ortsplan.OrgBusiness {
			d.Businesses = append(d.Businesses, o)
		} else {
			d.Associations = append(d.Associations, o)
		}
	}
	p := s.newPage(w, r)
	d.Tables = factTables(p.L, facts)
	updated := d.History.UpdatedAt
	for _, f := range facts {
		if f.UpdatedAt.After(updated) {
			updated = f.UpdatedAt
		}
	}
	p.Data, p.Updated = d, updated
	s.render(w, r, http.StatusOK, "facts", p)
}

// swotPage shows the locality's SWOT.
func (s *Server) swotPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.lupLocality(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.svc.Facts.SWOT(r.Context(), d.Locality.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	d.SWOT = swotQuadrants(p.L, items)
	var updated time.Time
	for _, it := range items {
		if it.UpdatedAt.After(updated) {
			updated = it.UpdatedAt
		}
	}
	p.Data, p.Updated = d, updated
	s.render(w, r, http.StatusOK, "swot", p)
}

// --- Staff: facts ---

// defaultFactSource is what the import form proposes as the source.
const defaultFactSource = "SCB, Statistikdatabasen"

// factsEditPage renders the facts form page with the status and form given.
func (s *Server) factsEditPage(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality, status int, f *form, d *lupData) {
	if d == nil {
		d = &lupData{}
	}
	d.Locality, d.CanEdit, d.Measures, d.DefaultSource = l, true, ortsplan.FactMeasures, defaultFactSource
	facts, err := s.svc.Facts.Facts(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Facts = facts
	if d.Saved == "" {
		d.Saved = r.URL.Query().Get("sparat")
		if n, err := strconv.Atoi(d.Saved); err == nil && n > 0 {
			d.Saved, d.Imported = "import", n
		} else if d.Saved != "uppgift" && d.Saved != "borttagen" {
			d.Saved = ""
		}
	}
	p := s.newPage(w, r)
	if f == nil {
		f = &form{Values: url.Values{"import_source": {defaultFactSource}, "import_measure": {string(ortsplan.MeasurePopulation)}}}
	}
	p.Form, p.Data = f, d
	s.render(w, r, status, "facts_edit", p)
}

func (s *Server) editFactsForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	s.factsEditPage(w, r, l, http.StatusOK, nil, nil)
}

// refuse re-renders a form page after a refused save, keeping what was
// typed; a refusal of the right, or a server error, gets its error page.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality, f *form, err error, again func(status int)) {
	status := http.StatusBadRequest
	switch ortsplan.ErrorCode(err) {
	case ortsplan.ECONFLICT:
		status, f.Error = http.StatusConflict, "error.conflict"
	case "", ortsplan.EINVALID:
	default:
		s.fail(w, r, err)
		return
	}
	if _, err := s.svc.Localities.EditableLocality(r.Context(), l.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	again(status)
}

func (s *Server) saveFact(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	v := ortsplan.ValidationErrors{}
	f := &ortsplan.Fact{LocalityID: l.ID, Measure: ortsplan.FactMeasure(r.PostFormValue("measure")), Label: r.PostFormValue("label"),
		Source: r.PostFormValue("source")}
	if y, ok := formInt(r.PostForm, "year", v); ok {
		f.Year = y
	} else if _, bad := v["year"]; !bad {
		v.Add("year", "facts.error.year")
	}
	if x, ok := formFloat(r.PostForm, "value", v); ok {
		f.Value = x
	} else if _, bad := v["value"]; !bad {
		v.Add("value", "error.required")
	}
	err := v.Err()
	if err == nil {
		err = s.svc.Facts.SaveFact(r.Context(), f)
	} else {
		err = &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.form", Err: merge(v, f.Validate())}
	}
	if err != nil {
		fm := &form{Values: r.PostForm, Errors: merge(nil, err), Error: "error.form", Scope: "fact"}
		s.refuse(w, r, l, fm, err, func(status int) { s.factsEditPage(w, r, l, status, fm, nil) })
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/fakta/redigera?sparat=uppgift#fakta-lista", http.StatusSeeOther)
}

func (s *Server) deleteFact(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.svc.Facts.DeleteFact(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/fakta/redigera?sparat=borttagen#fakta-lista", http.StatusSeeOther)
}

// importText reads the import's CSV: the file if one was chosen, else the
// pasted text.
func importText(r *http.Request, up *uploadForm) ([]byte, error) {
	if up != nil && up.file != nil {
		return io.ReadAll(io.LimitReader(up.reader(), ortsplan.MaxImportBytes+1))
	}
	return []byte(r.PostFormValue("csv_text")), nil
}

// importFacts reads a PxWeb CSV and stores all its figures or none; a
// refusal shows the form again with each refused line and what was sent.
func (s *Server) importFacts(w http.ResponseWriter, r *http.Request, up *uploadForm) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	d := &lupData{}
	if up != nil && up.file != nil {
		d.ImportFile = up.name
	}
	measure := ortsplan.FactMeasure(r.PostFormValue("import_measure"))
	var facts []*ortsplan.Fact
	data, err := importText(r, up)
	switch {
	case err != nil:
		s.serverError(w, r, err)
		return
	case up != nil && up.tooLarge:
		err = &ortsplan.Error{Code: ortsplan.EINVALID, Key: "facts.import.refused", Err: &ortsplan.ImportError{Lines: []ortsplan.LineError{{Key: "facts.import.too_large"}}}}
	case len(strings.TrimSpace(string(data))) == 0:
		err = ortsplan.FieldError("csv_file", "facts.import.nothing")
	default:
		var tbl *ortsplan.FactTable
		if tbl, err = ortsplan.ParsePxWeb(data); err == nil {
			facts, err = ortsplan.ImportFacts(l.ID, measure, r.PostFormValue("import_source"), tbl)
		}
	}
	if err == nil {
		err = s.svc.Facts.StoreFacts(r.Context(), l.ID, facts)
	}
	if err != nil {
		L := s.cat.For(reqInfo(r).Lang)
		if ie := ortsplan.ImportErrorOf(err); ie != nil {
			for _, le := range ie.Lines {
				msg := L.T(le.Key)
				if le.Value != "" {
					msg = L.T(le.Key, le.Value)
				}
				if le.Line > 0 {
					msg = L.T("facts.import.line", le.Line) + " " + msg
				}
				d.ImportErrors = append(d.ImportErrors, msg)
			}
			if ie.More > 0 {
				d.ImportErrors = append(d.ImportErrors, L.N("facts.import.more", ie.More))
			}
		}
		values := url.Values{}
		for k, v := range r.PostForm {
			values[k] = v
		}
		fm := &form{Values: values, Errors: ortsplan.FieldErrors(err), Error: "facts.import.refused", Scope: "import"}
		if fm.Errors == nil {
			fm.Errors = ortsplan.ValidationErrors{}
		}
		if len(d.ImportErrors) > 0 {
			fm.Errors.Add("csv_file", "facts.import.see_lines")
		}
		s.refuse(w, r, l, fm, err, func(status int) { s.factsEditPage(w, r, l, status, fm, d) })
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/fakta/redigera?sparat="+strconv.Itoa(len(facts))+"#fakta-lista", http.StatusSeeOther)
}

// --- Staff: the history text ---

func (s *Server) editHistoryForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	h, err := s.svc.Facts.FindHistory(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Form = &form{Values: url.Values{"body": {h.Body}, "version": {strconv.Itoa(h.Version)}}}
	p.Data = &lupData{Locality: l, CanEdit: true, Saved: r.URL.Query().Get("sparat")}
	s.render(w, r, http.StatusOK, "history_text_edit", p)
}

func (s *Server) saveHistory(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	h := &ortsplan.LocalityHistory{LocalityID: l.ID, Body: r.PostFormValue("body"), Version: formVersion(r.PostForm)}
	if err := s.svc.Facts.SaveHistory(r.Context(), h); err != nil {
		fm := &form{Values: r.PostForm, Errors: ortsplan.FieldErrors(err), Error: "error.form"}
		d := &lupData{Locality: l, CanEdit: true}
		s.refuse(w, r, l, fm, err, func(status int) {
			d.Conflict = status == http.StatusConflict
			p := s.newPage(w, r)
			p.Form, p.Data = fm, d
			s.render(w, r, status, "history_text_edit", p)
		})
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/historia/redigera?sparat=1", http.StatusSeeOther)
}

// --- Staff: SWOT ---

// swotEditPage renders the SWOT editing page (item nil) or one item's form.
func (s *Server) swotEditPage(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality, status int, f *form, item *ortsplan.SWOTItem) {
	ctx := r.Context()
	d := &lupData{Locality: l, CanEdit: true, SWOTKinds: ortsplan.SWOTKinds, Item: item, Saved: r.URL.Query().Get("sparat")}
	ms, err := s.svc.Meetings.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: l.ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Meetings = ms
	p := s.newPage(w, r)
	if item == nil {
		items, err := s.svc.Facts.SWOT(ctx, l.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.SWOT = swotQuadrants(p.L, items)
	}
	if f == nil {
		f = &form{Values: url.Values{"kind": {string(ortsplan.SWOTStrength)}}}
		if item != nil {
			f.Values = swotValues(item)
		}
	}
	p.Form, p.Data = f, d
	s.render(w, r, status, "swot_edit", p)
}

func swotValues(it *ortsplan.SWOTItem) url.Values {
	v := url.Values{"kind": {string(it.Kind)}, "text": {it.Text}, "source": {it.Source}}
	if it.MeetingID > 0 {
		v.Set("meeting", strconv.FormatInt(it.MeetingID, 10))
	}
	return v
}

func (s *Server) editSWOTForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	s.swotEditPage(w, r, l, http.StatusOK, nil, nil)
}

// findSWOTItem finds an item of the locality in the path.
func (s *Server) findSWOTItem(w http.ResponseWriter, r *http.Request, l *ortsplan.Locality) (*ortsplan.SWOTItem, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	items, err := s.svc.Facts.SWOT(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	s.notFound(w, r)
	return nil, false
}

func (s *Server) editSWOTItemForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	it, ok := s.findSWOTItem(w, r, l)
	if !ok {
		return
	}
	s.swotEditPage(w, r, l, http.StatusOK, nil, it)
}

func (s *Server) saveSWOTItem(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	it := &ortsplan.SWOTItem{LocalityID: l.ID, Kind: ortsplan.SWOTKind(r.PostFormValue("kind")), Text: r.PostFormValue("text"),
		Source: r.PostFormValue("source")}
	var editing *ortsplan.SWOTItem
	if idText := r.PathValue("id"); idText != "" {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			s.notFound(w, r)
			return
		}
		it.ID = id
		editing = &ortsplan.SWOTItem{ID: id, LocalityID: l.ID}
	}
	v := ortsplan.ValidationErrors{}
	if m := strings.TrimSpace(r.PostFormValue("meeting")); m != "" {
		id, err := strconv.ParseInt(m, 10, 64)
		if err != nil || id <= 0 {
			v.Add("meeting", "error.choose_from_list")
		}
		it.MeetingID = id
	}
	err := v.Err()
	if err == nil {
		err = s.svc.Facts.SaveSWOTItem(r.Context(), it)
	}
	if err != nil {
		fm := &form{Values: r.PostForm, Errors: merge(v, err), Error: "error.form"}
		s.refuse(w, r, l, fm, err, func(status int) { s.swotEditPage(w, r, l, status, fm, editing) })
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/swot/redigera?sparat=1#swot-"+string(it.Kind), http.StatusSeeOther)
}

func (s *Server) deleteSWOTItem(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pathLocality(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.svc.Facts.DeleteSWOTItem(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/orter/"+l.Slug+"/swot/redigera?sparat=borttagen", http.StatusSeeOther)
}

// --- The plan as one printable document ---

// printData is the whole plan of a locality in the order a council decision
// needs: facts, SWOT, vision, actions; matters passed on and the yearly
// revisions have their slots in print_plan.html.
type printData struct {
	*localityView
	Facts        []factTable
	History      *ortsplan.LocalityHistory
	Associations []*ortsplan.Organisation
	Businesses   []*ortsplan.Organisation
	SWOT         []swotQuadrant
	Printed      time.Time
	// Matters are the locality's published matters passed on, the latest
	// sent first (at most printMatters), with their status in words.
	Matters     []printMatter
	MoreMatters bool
	Editions    []*ortsplan.PlanEdition // the yearly revisions, oldest first
}

// printMatters bounds the matters in the printed plan; the rest are on
// the locality's list of matters.
const printMatters = 4 * ortsplan.MatterPageSize

type printMatter struct {
	M      *ortsplan.Matter
	Status string
}

// printPlan shows the locality's plan as one document, for the browser's
// print command (print.css lays it out); no JavaScript.
func (s *Server) printPlan(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, updated, err := s.loadLocality(ctx, r, fullPlan)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := v.Locality.ID
	d := &printData{localityView: v, Printed: s.cfg.Now()}
	facts, err := s.svc.Facts.Facts(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.History, err = s.svc.Facts.FindHistory(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	orgs, err := s.svc.Meetings.Organisations(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, o := range orgs {
		if o.Kind == ortsplan.OrgBusiness {
			d.Businesses = append(d.Businesses, o)
		} else {
			d.Associations = append(d.Associations, o)
		}
	}
	items, err := s.svc.Facts.SWOT(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Editions, err = s.svc.Editions.Editions(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	// Only what is published goes in the document, whoever prints it.
	for page := 1; len(d.Matters) < printMatters; page++ {
		ms, more, err := s.svc.Matters.Matters(ctx, ortsplan.MatterFilter{LocalityID: id, Page: page})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, m := range ms {
			if m.Published() && len(d.Matters) < printMatters {
				d.Matters = append(d.Matters, printMatter{M: m, Status: p.L.T(matterStatusKey(m.Status))})
			} else if m.Published() {
				d.MoreMatters = true
			}
		}
		if !more {
			break
		}
		if len(d.Matters) >= printMatters {
			d.MoreMatters = true
		}
	}
	d.Facts, d.SWOT = factTables(p.L, facts), swotQuadrants(p.L, items)
	for _, f := range facts {
		if f.UpdatedAt.After(updated) {
			updated = f.UpdatedAt
		}
	}
	p.Data, p.Updated = d, updated
	s.render(w, r, http.StatusOK, "print_plan", p)
}
