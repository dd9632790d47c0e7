package web

import (
	"bytes"
	"encoding/csv"
	"html/template"
	"net/http"
	"strconv"
	"sync"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/chart"
	"github.com/ortsplan/ortsplan/i18n"
)

// The effects dashboard (/effekter and /orter/{slug}/effekter): figures over
// time computed from the records, each as an SVG chart, a table and a short
// text, with the same figures as CSV and JSON.

// effectsService returns the service that computes the figures.
func (s *Server) effectsService() ortsplan.EffectService { return s.svc.Effects }

// effectScope reads the locality (none for /effekter) and the period choice
// (?period=quarter|year, default quarter); bad reports an unknown period.
func (s *Server) effectScope(r *http.Request) (l *ortsplan.Locality, kind ortsplan.PeriodKind, bad bool, err error) {
	if slug := r.PathValue("slug"); slug != "" {
		if l, err = s.svc.Localities.FindLocality(r.Context(), slug); err != nil {
			return nil, "", false, err
		}
	}
	kind = ortsplan.PeriodKind(r.URL.Query().Get("period"))
	if kind == "" {
		kind = ortsplan.PeriodQuarter
	} else if !kind.Valid() {
		kind, bad = ortsplan.PeriodQuarter, true
	}
	return l, kind, bad, nil
}

func (s *Server) loadEffects(r *http.Request, l *ortsplan.Locality, kind ortsplan.PeriodKind) (*ortsplan.Effects, error) {
	var id int64
	if l != nil {
		id = l.ID
	}
	return s.effectsService().Effects(r.Context(), id, kind)
}

// periodLabel names a period for people: "2026 K3" or "2026".
func periodLabel(L *i18n.Localizer, p ortsplan.Period) string {
	if p.Kind == ortsplan.PeriodQuarter {
		return L.T("effects.quarter", p.Year, p.Quarter)
	}
	return strconv.Itoa(p.Year)
}

// effectRow is one row of a table: the row header and its cells.
type effectRow struct {
	Label  string
	Values []string
}

// effectSection is one figure of the dashboard: a chart, a table with the
// same figures, and a sentence or two that says what they show.
type effectSection struct {
	ID      string
	Heading string
	Summary string
	Chart   template.HTML
	Caption string
	Columns []string // the first heads the row headers
	Rows    []effectRow
	Total   *effectRow
}

type effectsData struct {
	Locality  *ortsplan.Locality // nil for the whole municipality
	Kind      ortsplan.PeriodKind
	BadPeriod bool
	Base      string // the page's path, without the query
	Range     string
	Sections  []effectSection
	Status    effectSection
	Effects   *ortsplan.Effects
	Body      template.HTML // the rendered figures, "effects-body"
}

// Building the charts and tables takes longer than the rest of the page, so
// the rendered figures are kept per locality, period kind and language for as
// long as the store hands out the same (unchanged) figures.
type effectsHTMLKey struct {
	locality int64
	kind     ortsplan.PeriodKind
	lang     string
}

type effectsHTMLEntry struct {
	e *ortsplan.Effects
	d *effectsData
}

type effectsHTMLCache struct {
	mu sync.Mutex
	m  map[effectsHTMLKey]effectsHTMLEntry
}

// effectsHTMLMax bounds the cache (about 50 kB an entry).
const effectsHTMLMax = 128

// effectsView returns the laid-out and rendered figures, from the cache when
// the store's figures are the same value as last time.
func (s *Server) effectsView(p *page, l *ortsplan.Locality, kind ortsplan.PeriodKind, e *ortsplan.Effects) (*effectsData, error) {
	key := effectsHTMLKey{e.LocalityID, kind, p.Lang}
	c := &s.effectsHTML
	c.mu.Lock()
	ent, ok := c.m[key]
	c.mu.Unlock()
	if ok && ent.e == e {
		return ent.d, nil
	}
	d := buildEffects(p.L, e)
	d.Locality, d.Kind = l, kind
	var buf bytes.Buffer
	if err := s.tmpl.pages["effects"].ExecuteTemplate(&buf, "effects-body", &page{L: p.L, Lang: p.Lang, Data: d}); err != nil {
		return nil, err
	}
	d.Body = template.HTML(buf.String())
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[effectsHTMLKey]effectsHTMLEntry{}
	}
	if len(c.m) >= effectsHTMLMax {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = effectsHTMLEntry{e, d}
	return d, nil
}

func (s *Server) effectsPage(w http.ResponseWriter, r *http.Request) {
	l, kind, bad, err := s.effectScope(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.loadEffects(r, l, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	cached, err := s.effectsView(p, l, kind, e)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := *cached
	d.Locality, d.BadPeriod, d.Base = l, bad, r.URL.Path
	p.Data = &d
	if l != nil {
		p.Feed = "/orter/" + l.Slug + "/flode.atom"
	}
	s.render(w, r, http.StatusOK, "effects", p)
}

// buildEffects lays out the figures as charts, tables and texts.
func buildEffects(L *i18n.Localizer, e *ortsplan.Effects) *effectsData {
	d := &effectsData{Effects: e}
	if n := len(e.Periods); n > 0 {
		d.Range = L.Date(e.Periods[0].Start) + " – " + L.Date(e.Periods[n-1].End.AddDate(0, 0, -1))
	}
	num := func(n int) string { return L.Number(n) }
	labels := make([]string, len(e.Periods))
	for i, p := range e.Periods {
		labels[i] = periodLabel(L, p.Period)
	}
	// over builds a section with one row per period and a total row.
	over := func(id string, cols []string, figs []func(*ortsplan.EffectPeriod) int, charted []int, summary string) effectSection {
		sec := effectSection{ID: id, Heading: L.T("effects." + id + ".heading"), Caption: L.T("effects."+id+".caption", d.Range),
			Columns: append([]string{L.T("effects.period")}, cols...), Summary: summary}
		total := effectRow{Label: L.T("effects.total")}
		for _, f := range figs {
			total.Values = append(total.Values, num(e.Total(f)))
		}
		sec.Total = &total
		for i := range e.Periods {
			row := effectRow{Label: labels[i]}
			for _, f := range figs {
				row.Values = append(row.Values, num(f(&e.Periods[i])))
			}
			sec.Rows = append(sec.Rows, row)
		}
		var series []chart.Series
		for _, c := range charted {
			sr := chart.Series{Name: cols[c]}
			for i := range e.Periods {
				sr.Values = append(sr.Values, float64(figs[c](&e.Periods[i])))
			}
			series = append(series, sr)
		}
		sec.Chart = chart.Bars{ID: "chart-" + id, Title: sec.Heading, Desc: L.T("effects.chart_desc"), Categories: labels, Series: series}.SVG()
		return sec
	}
	// peak names the period with most of a figure, for the summaries.
	peak := func(f func(*ortsplan.EffectPeriod) int) string {
		best := -1
		for i := range e.Periods {
			if v := f(&e.Periods[i]); v > 0 && (best < 0 || v > f(&e.Periods[best])) {
				best = i
			}
		}
		if best < 0 {
			return ""
		}
		return " " + L.T("effects.peak", labels[best], num(f(&e.Periods[best])))
	}
	signups := func(p *ortsplan.EffectPeriod) int { return p.SignUps }
	joined := func(p *ortsplan.EffectPeriod) int { return p.Joined }
	d.Sections = append(d.Sections, over("signups", []string{L.T("effects.signups"), L.T("effects.joined")},
		[]func(*ortsplan.EffectPeriod) int{signups, joined}, []int{0, 1},
		L.T("effects.signups.summary", num(e.Total(signups)), num(e.Total(joined)))+peak(signups)))

	// Sign-ups by age group, over the whole range.
	ages := effectSection{ID: "ages", Heading: L.T("effects.ages.heading"), Caption: L.T("effects.ages.caption", d.Range),
		Columns: []string{L.T("effects.age_group"), L.T("effects.signups"), L.T("effects.joined")}}
	given, all := 0, 0
	var ageLabels []string
	var ageSignups, ageJoined []float64
	for _, g := range e.AgeGroups {
		label := L.T("effects.age_unknown")
		if g.AgeGroup != "" {
			label = L.T("agegroup." + g.AgeGroup)
			given += g.SignUps
		}
		all += g.SignUps
		ages.Rows = append(ages.Rows, effectRow{Label: label, Values: []string{num(g.SignUps), num(g.Joined)}})
		ageLabels = append(ageLabels, label)
		ageSignups = append(ageSignups, float64(g.SignUps))
		ageJoined = append(ageJoined, float64(g.Joined))
	}
	ages.Summary = L.T("effects.ages.summary", num(all), num(given))
	ages.Chart = chart.Bars{ID: "chart-ages", Title: ages.Heading, Desc: L.T("effects.chart_desc"), Categories: ageLabels,
		Series: []chart.Series{{Name: L.T("effects.signups"), Values: ageSignups}, {Name: L.T("effects.joined"), Values: ageJoined}}}.SVG()
	d.Sections = append(d.Sections, ages)

	meetings := func(p *ortsplan.EffectPeriod) int { return p.Meetings }
	registered := func(p *ortsplan.EffectPeriod) int { return p.Registered }
	participants := func(p *ortsplan.EffectPeriod) int { return p.Participants }
	d.Sections = append(d.Sections, over("meetings", []string{L.T("effects.meetings"), L.T("effects.registered"), L.T("effects.participants")},
		[]func(*ortsplan.EffectPeriod) int{meetings, registered, participants}, []int{1, 2},
		L.T("effects.meetings.summary", num(e.Total(meetings)), num(e.Total(registered)), num(e.Total(participants)))))

	proposed := func(p *ortsplan.EffectPeriod) int { return p.Proposed }
	answered := func(p *ortsplan.EffectPeriod) int { return p.Answered }
	done := func(p *ortsplan.EffectPeriod) int { return p.Done }
	d.Sections = append(d.Sections, over("ideas", []string{L.T("effects.proposed"), L.T("effects.answered"), L.T("effects.done")},
		[]func(*ortsplan.EffectPeriod) int{proposed, answered, done}, []int{0, 1, 2},
		L.T("effects.ideas.summary", num(e.Total(proposed)), num(e.Total(answered)), num(e.Total(done)))+peak(proposed)))

	added := func(p *ortsplan.EffectPeriod) int { return p.ActionsAdded }
	finished := func(p *ortsplan.EffectPeriod) int { return p.ActionsDone }
	d.Sections = append(d.Sections, over("actions", []string{L.T("effects.actions_added"), L.T("effects.actions_done")},
		[]func(*ortsplan.EffectPeriod) int{added, finished}, []int{0, 1},
		L.T("effects.actions.summary", num(e.Total(added)), num(e.Total(finished)))))

	// Actions by status, now.
	st := effectSection{ID: "status", Heading: L.T("effects.status.heading"), Caption: L.T("effects.status.caption"),
		Columns: []string{L.T("effects.status"), L.T("effects.count")}}
	var stLabels []string
	var stValues []float64
	doneNow := 0
	for _, c := range e.ActionsByStatus {
		label := L.T("status." + string(c.Status))
		st.Rows = append(st.Rows, effectRow{Label: label, Values: []string{num(c.Count)}})
		stLabels = append(stLabels, label)
		stValues = append(stValues, float64(c.Count))
		if c.Status == ortsplan.ActionDone {
			doneNow = c.Count
		}
	}
	st.Total = &effectRow{Label: L.T("effects.total"), Values: []string{num(e.Actions)}}
	st.Summary = L.T("effects.status.summary", num(e.Actions), num(doneNow))
	st.Chart = chart.Bars{ID: "chart-status", Title: st.Heading, Desc: L.T("effects.chart_desc"), Categories: stLabels,
		Series: []chart.Series{{Name: L.T("effects.count"), Values: stValues}}}.SVG()
	d.Status = st
	return d
}

// effectsCSV downloads the figures per period, then the actions by status
// now, as CSV for spreadsheets (UTF-8 with a byte order mark, semicolons).
func (s *Server) effectsCSV(w http.ResponseWriter, r *http.Request) {
	l, kind, _, err := s.effectScope(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.loadEffects(r, l, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	L := s.cat.For(reqInfo(r).Lang)
	name := "effekter"
	if l != nil {
		name += "-" + l.Slug
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+"-"+string(kind)+`.csv"`)
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	head := []string{L.T("effects.period"), L.T("effects.csv.start"), L.T("effects.csv.end"), L.T("effects.signups"), L.T("effects.joined")}
	ageKeys := append(append([]string{}, ortsplan.AgeGroups...), "")
	for _, a := range ageKeys {
		label := L.T("effects.age_unknown")
		if a != "" {
			label = L.T("agegroup." + a)
		}
		head = append(head, L.T("effects.csv.signups_age", label))
	}
	head = append(head, L.T("effects.meetings"), L.T("effects.registered"), L.T("effects.participants"), L.T("effects.proposed"),
		L.T("effects.answered"), L.T("effects.done"), L.T("effects.actions_added"), L.T("effects.actions_done"))
	cw.Write(head)
	itoa := strconv.Itoa
	for _, p := range e.Periods {
		row := []string{periodLabel(L, p.Period), apiDate(p.Start), apiDate(p.End.AddDate(0, 0, -1)), itoa(p.SignUps), itoa(p.Joined)}
		for _, a := range ageKeys {
			row = append(row, itoa(p.SignUpsByAge[a]))
		}
		row = append(row, itoa(p.Meetings), itoa(p.Registered), itoa(p.Participants), itoa(p.Proposed), itoa(p.Answered), itoa(p.Done),
			itoa(p.ActionsAdded), itoa(p.ActionsDone))
		cw.Write(row)
	}
	cw.Write(nil)
	cw.Write([]string{L.T("effects.status"), L.T("effects.count")})
	for _, c := range e.ActionsByStatus {
		cw.Write([]string{L.T("status." + string(c.Status)), itoa(c.Count)})
	}
	cw.Write([]string{L.T("effects.plan_progress"), strconv.FormatFloat(round1(e.PlanProgress), 'f', 1, 64)})
	cw.Flush()
}

// JSON of GET /api/v1/effects?locality={slug}&period=quarter|year (default
// the whole municipality, per quarter):
//
//	{
//	 "locality": "sparreholm",          // slug, or null for the whole municipality
//	 "period": "quarter",               // or "year"
//	 "periods": [{                      // oldest first; the last 8 quarters, or every year with records
//	   "period": "2026-Q3",             // or "2026"
//	   "start": "2026-07-01", "end": "2026-09-30",  // first and last day, Stockholm time
//	   "signups": 3,                    // "Vill du vara med?" sign-ups made in the period
//	   "signups_joined_group": 1,       // of those, joined a group
//	   "signups_by_age_group": {"under-18": 0, "18-29": 1, …, "80-": 0, "unknown": 2},
//	   "meetings": 1,                   // meetings starting in the period, not cancelled
//	   "meeting_registrations": 2,      // people registered to them (not waitlisted or cancelled)
//	   "meeting_participants": 7,       // participants recorded after them
//	   "ideas_proposed": 2,             // ideas proposed (hidden ones left out)
//	   "ideas_answered": 1,             // ideas answered in the period
//	   "ideas_done": 0,                 // of those, answered as carried out
//	   "actions_added": 3,              // plan actions added
//	   "actions_done": 1                // plan actions finished
//	 }],
//	 "age_groups": [{"age_group": "18-29", "signups": 2, "joined_group": 2}, …],  // over all periods; "unknown" last
//	 "actions_by_status": {"ej_paborjad": 1, "pagar": 0, "genomford": 2, "pausad": 1, "avbruten": 1},  // now
//	 "actions": 5,                      // plan actions now, sub-actions included
//	 "plan_progress": 50.0,             // percent now; mean over localities with plan actions; null without any
//	 "localities_with_plan": 1
//	}
//
// A bad period is 400 with {"error": "…"}; an unknown locality 404.
type apiEffects struct {
	Locality        *string           `json:"locality"`
	Period          string            `json:"period"`
	Periods         []apiEffectPeriod `json:"periods"`
	AgeGroups       []apiAgeGroup     `json:"age_groups"`
	ActionsByStatus map[string]int    `json:"actions_by_status"`
	Actions         int               `json:"actions"`
	PlanProgress    *float64          `json:"plan_progress"`
	Plans           int               `json:"localities_with_plan"`
}

type apiEffectPeriod struct {
	Period       string         `json:"period"`
	Start        string         `json:"start"`
	End          string         `json:"end"`
	SignUps      int            `json:"signups"`
	Joined       int            `json:"signups_joined_group"`
	SignUpsByAge map[string]int `json:"signups_by_age_group"`
	Meetings     int            `json:"meetings"`
	Registered   int            `json:"meeting_registrations"`
	Participants int            `json:"meeting_participants"`
	Proposed     int            `json:"ideas_proposed"`
	Answered     int            `json:"ideas_answered"`
	Done         int            `json:"ideas_done"`
	ActionsAdded int            `json:"actions_added"`
	ActionsDone  int            `json:"actions_done"`
}

type apiAgeGroup struct {
	AgeGroup string `json:"age_group"`
	SignUps  int    `json:"signups"`
	Joined   int    `json:"joined_group"`
}

func apiAgeKey(a string) string {
	if a == "" {
		return "unknown"
	}
	return a
}

func (s *Server) apiEffects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind := ortsplan.PeriodKind(q.Get("period"))
	if kind == "" {
		kind = ortsplan.PeriodQuarter
	} else if !kind.Valid() {
		s.apiBadRequest(w, r, s.cat.T("en", "effects.period_invalid"))
		return
	}
	var l *ortsplan.Locality
	if slug := q.Get("locality"); slug != "" {
		var err error
		if l, err = s.svc.Localities.FindLocality(r.Context(), slug); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	e, err := s.loadEffects(r, l, kind)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := apiEffects{Period: string(kind), Periods: []apiEffectPeriod{}, AgeGroups: []apiAgeGroup{}, ActionsByStatus: map[string]int{},
		Actions: e.Actions, Plans: e.Plans}
	if l != nil {
		out.Locality = &l.Slug
	}
	for _, p := range e.Periods {
		ages := map[string]int{}
		for _, a := range append(append([]string{}, ortsplan.AgeGroups...), "") {
			ages[apiAgeKey(a)] = p.SignUpsByAge[a]
		}
		out.Periods = append(out.Periods, apiEffectPeriod{Period: p.Key(), Start: apiDate(p.Start), End: apiDate(p.End.AddDate(0, 0, -1)),
			SignUps: p.SignUps, Joined: p.Joined, SignUpsByAge: ages, Meetings: p.Meetings, Registered: p.Registered,
			Participants: p.Participants, Proposed: p.Proposed, Answered: p.Answered, Done: p.Done,
			ActionsAdded: p.ActionsAdded, ActionsDone: p.ActionsDone})
	}
	for _, g := range e.AgeGroups {
		out.AgeGroups = append(out.AgeGroups, apiAgeGroup{AgeGroup: apiAgeKey(g.AgeGroup), SignUps: g.SignUps, Joined: g.Joined})
	}
	for _, c := range e.ActionsByStatus {
		out.ActionsByStatus[string(c.Status)] = c.Count
	}
	if e.Plans > 0 {
		p := round1(e.PlanProgress)
		out.PlanProgress = &p
	}
	s.writeJSON(w, r, out)
}
