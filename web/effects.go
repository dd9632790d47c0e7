package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/cache"
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
	// ViKansla is the vi-känsla survey's mean per year (surveys.go), read per request.
	ViKansla *viKanslaView
}

// Building the charts and tables takes longer than the rest of the page, so
// the rendered figures are kept in the one bounded cache, per locality,
// period kind and language, under the change counter the store counted the
// figures under (Effects.Version) and the current period.
type effectsHTMLKey struct {
	locality int64
	kind     ortsplan.PeriodKind
	lang     string
	version  int64
	current  int64 // start of the current period
}

// effectsHTMLBytes is the budget of the rendered dashboards (about 50 kB each).
const effectsHTMLBytes = 8 << 20

func newEffectsHTMLCache() *cache.Cache[effectsHTMLKey, *effectsData] {
	return cache.New(effectsHTMLBytes, func(k effectsHTMLKey, d *effectsData) int {
		return cache.EntryOverhead + 64 + 2*len(d.Body)
	})
}

// effectsView returns the laid-out and rendered figures, from the cache when
// the store counted them under the same change counter.
func (s *Server) effectsView(p *page, l *ortsplan.Locality, kind ortsplan.PeriodKind, e *ortsplan.Effects) (*effectsData, error) {
	key := effectsHTMLKey{locality: e.LocalityID, kind: kind, lang: p.Lang, version: e.Version}
	if n := len(e.Periods); n > 0 {
		key.current = e.Periods[n-1].Start.Unix()
	}
	return s.effectsHTML.GetOrLoad(context.Background(), key, func(context.Context) (*effectsData, error) {
		d := buildEffects(p.L, e)
		d.Locality, d.Kind = l, kind
		var buf bytes.Buffer
		if err := s.tmpl.execute(&buf, "effects-body", &page{L: p.L, Lang: p.Lang, Data: d}); err != nil {
			return nil, err
		}
		d.Body = template.HTML(buf.String())
		return d, nil
	})
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
	if d.ViKansla, err = s.viKanslaSection(r, p.L, p.Lang, l); err != nil {
		s.fail(w, r, err)
		return
	}
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
		L.N("effects.signups.summary", e.Total(signups), num(e.Total(joined)))+peak(signups)))

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
		L.N("effects.ideas.summary", e.Total(proposed), num(e.Total(answered)), num(e.Total(done)))+peak(proposed)))

	added := func(p *ortsplan.EffectPeriod) int { return p.ActionsAdded }
	finished := func(p *ortsplan.EffectPeriod) int { return p.ActionsDone }
	d.Sections = append(d.Sections, over("actions", []string{L.T("effects.actions_added"), L.T("effects.actions_done")},
		[]func(*ortsplan.EffectPeriod) int{added, finished}, []int{0, 1},
		L.T("effects.actions.summary", num(e.Total(added)), num(e.Total(finished)))))

	quickfixes := func(p *ortsplan.EffectPeriod) int { return p.Quickfixes }
	granted := func(p *ortsplan.EffectPeriod) int { return p.QuickfixesAmount }
	d.Sections = append(d.Sections, over("quickfix", []string{L.T("effects.quickfixes"), L.T("effects.quickfixes_amount")},
		[]func(*ortsplan.EffectPeriod) int{quickfixes, granted}, []int{0},
		L.N("effects.quickfix.summary", e.Total(quickfixes), num(e.Total(granted)))+peak(quickfixes)))
	// The plans' yearly revisions: actions finished per revision.
	if len(e.Revisions) > 0 {
		rev := effectSection{ID: "revisions", Heading: L.T("effects.revisions.heading"), Caption: L.T("effects.revisions.caption"),
			Columns: []string{L.T("edition.col.year"), L.T("effects.revisions.count"), L.T("effects.revisions.actions"), L.T("effects.revisions.done"),
				L.T("edition.col.added"), L.T("edition.col.finished")}}
		var years []string
		var fin, add []float64
		finished := 0
		for _, y := range e.Revisions {
			label := strconv.Itoa(y.Year)
			rev.Rows = append(rev.Rows, effectRow{Label: label, Values: []string{num(y.Revisions), num(y.Total), num(y.Done), num(y.Added), num(y.Finished)}})
			years = append(years, label)
			fin, add = append(fin, float64(y.Finished)), append(add, float64(y.Added))
			finished += y.Finished
		}
		rev.Summary = L.N("effects.revisions.summary", len(e.Revisions), num(finished))
		rev.Chart = chart.Bars{ID: "chart-revisions", Title: rev.Heading, Desc: L.T("effects.chart_desc"), Categories: years,
			Series: []chart.Series{{Name: L.T("edition.col.finished"), Values: fin}, {Name: L.T("edition.col.added"), Values: add}}}.SVG()
		d.Sections = append(d.Sections, rev)
	}

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
