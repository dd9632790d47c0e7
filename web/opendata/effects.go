package opendata

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// effectScope reads the locality (none for /effekter.csv) and the period
// choice (?period=quarter|year, default quarter).
func (h *Handler) effectScope(r *http.Request) (*ortsplan.Locality, ortsplan.PeriodKind, error) {
	var l *ortsplan.Locality
	if slug := r.PathValue("slug"); slug != "" {
		var err error
		if l, err = h.svc.Localities.FindLocality(r.Context(), slug); err != nil {
			return nil, "", err
		}
	}
	kind := ortsplan.PeriodKind(r.URL.Query().Get("period"))
	if !kind.Valid() {
		kind = ortsplan.PeriodQuarter
	}
	return l, kind, nil
}

func (h *Handler) loadEffects(r *http.Request, l *ortsplan.Locality, kind ortsplan.PeriodKind) (*ortsplan.Effects, error) {
	var id int64
	if l != nil {
		id = l.ID
	}
	return h.svc.Effects.Effects(r.Context(), id, kind)
}

// periodLabel names a period for people: "2026 K3" or "2026".
func periodLabel(L *i18n.Localizer, p ortsplan.Period) string {
	if p.Kind == ortsplan.PeriodQuarter {
		return L.T("effects.quarter", p.Year, p.Quarter)
	}
	return strconv.Itoa(p.Year)
}

// effectsCSV downloads the figures per period, then the actions by status
// now, as CSV for spreadsheets (UTF-8 with a byte order mark, semicolons).
func (h *Handler) effectsCSV(w http.ResponseWriter, r *http.Request) {
	l, kind, err := h.effectScope(r)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	e, err := h.loadEffects(r, l, kind)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
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
		L.T("effects.answered"), L.T("effects.done"), L.T("effects.actions_added"), L.T("effects.actions_done"),
		L.T("effects.quickfixes"), L.T("effects.quickfixes_amount"))
	cw.Write(head)
	itoa := strconv.Itoa
	for _, p := range e.Periods {
		row := []string{periodLabel(L, p.Period), apiDate(p.Start), apiDate(p.End.AddDate(0, 0, -1)), itoa(p.SignUps), itoa(p.Joined)}
		for _, a := range ageKeys {
			row = append(row, itoa(p.SignUpsByAge[a]))
		}
		row = append(row, itoa(p.Meetings), itoa(p.Registered), itoa(p.Participants), itoa(p.Proposed), itoa(p.Answered), itoa(p.Done),
			itoa(p.ActionsAdded), itoa(p.ActionsDone), itoa(p.Quickfixes), itoa(p.QuickfixesAmount))
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
//	   "meeting_registrations": 2,      // people registered to them (confirmed; not waitlisted or cancelled)
//	   "meeting_participants": 7,       // participants recorded after them
//	   "ideas_proposed": 2,             // ideas proposed (hidden ones left out)
//	   "ideas_answered": 1,             // ideas answered in the period
//	   "ideas_done": 0,                 // of those, answered as carried out
//	   "actions_added": 3,              // plan actions added
//	   "actions_done": 1,               // plan actions finished
//	   "quickfixes": 1,                 // quickfix grants decided in the period
//	   "quickfixes_granted_sek": 8000   // the sum they were granted, in kronor
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
	Quickfixes   int            `json:"quickfixes"`
	QuickfixSEK  int            `json:"quickfixes_granted_sek"`
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

func (h *Handler) apiEffects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind := ortsplan.PeriodKind(q.Get("period"))
	if kind == "" {
		kind = ortsplan.PeriodQuarter
	} else if !kind.Valid() {
		h.apiBadRequest(w, r, h.cfg.Catalog.T("en", "effects.period_invalid"))
		return
	}
	var l *ortsplan.Locality
	if slug := q.Get("locality"); slug != "" {
		var err error
		if l, err = h.svc.Localities.FindLocality(r.Context(), slug); err != nil {
			h.apiError(w, r, err)
			return
		}
	}
	e, err := h.loadEffects(r, l, kind)
	if err != nil {
		h.apiError(w, r, err)
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
			ActionsAdded: p.ActionsAdded, ActionsDone: p.ActionsDone, Quickfixes: p.Quickfixes, QuickfixSEK: p.QuickfixesAmount})
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
	h.writeJSON(w, r, out)
}
