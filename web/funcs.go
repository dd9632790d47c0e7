package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/markdown"
)

// option is one choice in a select.
type option struct {
	Value, Label string
}

// selectData is what the "select" partial renders.
type selectData struct {
	fieldData
	Options []option
}

// newSelect builds a labelled select. kind names the option list: phase,
// status, priority, responsible, docstatus, theme, parent.
func newSelect(p *page, name, labelKey, kind string, flags ...string) selectData {
	sd := selectData{fieldData: newField(p, name, labelKey, "select", "", flags...)}
	d, _ := p.Data.(*editData)
	switch kind {
	case "phase":
		for _, ph := range ortsplan.Phases {
			sd.Options = append(sd.Options, option{string(ph), p.L.T("phase." + string(ph))})
		}
	case "status":
		for _, st := range ortsplan.ActionStatuses {
			sd.Options = append(sd.Options, option{string(st), p.L.T("status." + string(st))})
		}
	case "priority":
		sd.Options = append(sd.Options, option{"", p.L.T("value.none")})
		for _, pr := range ortsplan.Priorities {
			sd.Options = append(sd.Options, option{string(pr), p.L.T("priority." + string(pr))})
		}
	case "responsible":
		sd.Options = append(sd.Options, option{"", p.L.T("value.none")})
		for _, k := range ortsplan.ResponsibleKinds {
			sd.Options = append(sd.Options, option{string(k), p.L.T("responsible." + string(k))})
		}
	case "docstatus":
		for _, st := range []ortsplan.DocStatus{ortsplan.StatusDraft, ortsplan.StatusAdopted} {
			sd.Options = append(sd.Options, option{string(st), p.L.T("docstatus." + string(st))})
		}
	case "theme":
		if d != nil && d.Plan != nil {
			for _, t := range d.Plan.Themes {
				sd.Options = append(sd.Options, option{strconv.FormatInt(t.ID, 10), t.Title})
			}
		}
	case "meetingkind":
		for _, k := range ortsplan.MeetingKinds {
			sd.Options = append(sd.Options, option{string(k), p.L.T("meetingkind." + string(k))})
		}
	case "meetingstate":
		for _, st := range ortsplan.MeetingStates {
			sd.Options = append(sd.Options, option{string(st), p.L.T("meetingstate." + string(st))})
		}
	case "group":
		sd.Options = append(sd.Options, option{"0", p.L.T("meeting.no_group")})
		if md, ok := p.Data.(*meetingEditData); ok {
			for _, g := range md.Groups {
				sd.Options = append(sd.Options, option{strconv.FormatInt(g.ID, 10), g.Name})
			}
		}
	case "groupkind":
		for _, k := range []ortsplan.GroupKind{ortsplan.GroupWorking, ortsplan.GroupCoordination} {
			sd.Options = append(sd.Options, option{string(k), p.L.T("groupkind." + string(k))})
		}
	case "orgkind":
		for _, k := range []ortsplan.OrganisationKind{ortsplan.OrgAssociation, ortsplan.OrgBusiness} {
			sd.Options = append(sd.Options, option{string(k), p.L.T("orgkind." + string(k))})
		}
	case "staff":
		sd.Options = append(sd.Options, option{"0", p.L.T("value.none")})
		if gd, ok := p.Data.(*groupsData); ok {
			for _, u := range gd.Staff {
				sd.Options = append(sd.Options, option{strconv.FormatInt(u.ID, 10), u.Name + " (" + p.L.T("role."+string(u.Role)) + ")"})
			}
		}
	case "organisation":
		sd.Options = append(sd.Options, option{"0", p.L.T("orgs.new_below")})
		if gd, ok := p.Data.(*groupsData); ok {
			for _, o := range gd.Organisations {
				sd.Options = append(sd.Options, option{strconv.FormatInt(o.ID, 10), o.Name})
			}
		}
	case "agegroup":
		sd.Options = append(sd.Options, option{"", p.L.T("join.age_none")})
		for _, a := range ortsplan.AgeGroups {
			sd.Options = append(sd.Options, option{a, p.L.T("agegroup." + a)})
		}
	case "signupstatus":
		for _, st := range ortsplan.SignUpStatuses {
			sd.Options = append(sd.Options, option{string(st), p.L.T("signupstatus." + string(st))})
		}
	case "handler":
		sd.Options = append(sd.Options, option{"0", p.L.T("value.none")})
		if d, ok := p.Data.(*signUpData); ok {
			for _, u := range d.Staff {
				sd.Options = append(sd.Options, option{strconv.FormatInt(u.ID, 10), u.Name})
			}
		}
	case "signupgroup":
		sd.Options = append(sd.Options, option{"0", p.L.T("value.none")})
		if d, ok := p.Data.(*signUpData); ok {
			for _, g := range d.Groups {
				sd.Options = append(sd.Options, option{strconv.FormatInt(g.ID, 10), g.Name})
			}
		}
	case "locality":
		sd.Options = append(sd.Options, option{"0", p.L.T("value.none")})
		if d, ok := p.Data.(residentLoginData); ok {
			for _, l := range d.Localities {
				sd.Options = append(sd.Options, option{strconv.FormatInt(l.ID, 10), l.Name})
			}
		}
	case "quickfixkind":
		for _, k := range ortsplan.ApplicantKinds {
			sd.Options = append(sd.Options, option{string(k), p.L.T("applicantkind." + string(k))})
		}
	case "quickfixdecision":
		if d, ok := p.Data.(*quickfixData); ok {
			for _, st := range d.Decisions {
				sd.Options = append(sd.Options, option{string(st), p.L.T("quickfixdecision." + string(st))})
			}
		}
	case "budgetlocality":
		sd.Options = append(sd.Options, option{"0", p.L.T("quickfix.budget_municipality")})
		if d, ok := p.Data.(*adminQuickfixData); ok {
			for _, l := range d.Localities {
				sd.Options = append(sd.Options, option{strconv.FormatInt(l.ID, 10), l.Name})
			}
		}
	case "ideastatus":
		for _, st := range ortsplan.IdeaStatuses[1:] {
			sd.Options = append(sd.Options, option{string(st), p.L.T("ideastatus." + string(st))})
		}
	case "ideatheme":
		sd.Options = append(sd.Options, option{"0", p.L.T("value.none")})
		if d, ok := p.Data.(ideasData); ok {
			for _, t := range d.Themes {
				sd.Options = append(sd.Options, option{strconv.FormatInt(t.ID, 10), t.Title})
			}
		}
	case "ideaaction":
		sd.Options = append(sd.Options, option{"0", p.L.T("value.none")})
		if d, ok := p.Data.(*ideaData); ok {
			for _, a := range d.Actions {
				sd.Options = append(sd.Options, option{strconv.FormatInt(a.ID, 10), a.Title})
			}
		}
	case "parent":
		sd.Options = append(sd.Options, option{"0", p.L.T("action.no_parent")})
		if d != nil {
			themes := map[int64]string{}
			if d.Plan != nil {
				for _, t := range d.Plan.Themes {
					themes[t.ID] = t.Title
				}
			}
			for _, a := range d.Parents {
				// Each choice says its focus area, since a parent must be in the same one.
				sd.Options = append(sd.Options, option{strconv.FormatInt(a.ID, 10), a.Title + " (" + themes[a.ThemeID] + ")"})
			}
		}
	}
	return sd
}

// progressBar draws a completion bar as SVG (no inline style, so the CSP
// holds); the percentage is always written out beside it as text.
func progressBar(pct float64) template.HTML {
	w := int(pct + 0.5)
	w = max(0, min(100, w))
	return template.HTML(fmt.Sprintf(`<svg class="bar" viewBox="0 0 100 10" width="100" height="10" aria-hidden="true" focusable="false">`+
		`<rect class="bar-track" x="0" y="0" width="100" height="10"/><rect class="bar-fill" x="0" y="0" width="%d" height="10"/></svg>`, w))
}

func round(f float64) int { return int(f + 0.5) }

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// actionView is what the recursive "action" template gets: an action with
// its texts made in Go, since a plan can hold hundreds of actions and plain
// fields render much faster than calls in the template.
type actionView struct {
	ID         int64
	Title      string
	Level      int // heading level
	Status     ortsplan.ActionStatus
	StatusText string
	// LateText says "Försenad" when the planned end has passed and the
	// action is not done (in words, not by colour alone).
	LateText            string
	Progress            float64
	Facts               bool // any of responsible, organisations, priority or period
	ResponsibleLabel    string
	Responsible         string
	OrganisationsLabel  string
	Organisations       string
	PriorityLabel       string
	Priority            string
	FundingLabel        string
	Funding             string
	PlaceLabel          string
	Place               string
	PeriodLabel         string
	Period              bool
	StartISO, StartText string
	EndISO, EndText     string
	HasDescription      bool
	Description         template.HTML
	UpdatesHeading      string
	Updates             []updateView
	SubHeading          string
	Children            []actionView
}

type updateView struct{ ISO, Date, Text string }

// newActionView prepares an action and its sub-actions for the "action" template.
func newActionView(L *i18n.Localizer, a *ortsplan.Action, level int) actionView {
	v := actionView{ID: a.ID, Title: a.Title, Level: level, Status: a.Status, StatusText: L.T("status." + string(a.Status)),
		Progress: a.ComputedProgress(), Period: !a.Start.IsZero() || !a.End.IsZero()}
	v.Facts = a.ResponsibleKind != "" || a.Priority != "" || v.Period || len(a.Organisations) > 0 || a.Funding != "" || !a.Place.IsZero()
	if !a.Place.IsZero() {
		v.PlaceLabel, v.Place = L.T("place.legend"), placeText(L, a.Place)
	}
	if a.Late(time.Now()) {
		v.LateText = L.T("action.late")
	}
	if a.ResponsibleKind != "" {
		v.ResponsibleLabel = L.T("action.responsible")
		v.Responsible = L.T("responsible." + string(a.ResponsibleKind))
		if a.ResponsibleName != "" {
			v.Responsible += ": " + a.ResponsibleName
		}
		if a.ResponsibleDepartment != "" {
			v.Responsible += " (" + a.ResponsibleDepartment + ")"
		}
	}
	if len(a.Organisations) > 0 {
		names := make([]string, len(a.Organisations))
		for i, o := range a.Organisations {
			names[i] = o.Name
		}
		v.OrganisationsLabel, v.Organisations = L.T("action.organisations"), strings.Join(names, ", ")
	}
	if a.Priority != "" {
		v.PriorityLabel, v.Priority = L.T("action.priority"), L.T("priority."+string(a.Priority))
	}
	if a.Funding != "" {
		v.FundingLabel, v.Funding = L.T("action.funding"), a.Funding
	}
	if v.Period {
		v.PeriodLabel = L.T("action.period")
		if !a.Start.IsZero() {
			v.StartISO, v.StartText = isoDate(a.Start), L.Date(a.Start)
		}
		if !a.End.IsZero() {
			v.EndISO, v.EndText = isoDate(a.End), L.Date(a.End)
		}
	}
	if a.Description != "" {
		v.HasDescription, v.Description = true, markdown.HTML(a.Description)
	}
	if len(a.Updates) > 0 {
		v.UpdatesHeading = L.T("action.updates", len(a.Updates))
		for _, u := range a.Updates {
			v.Updates = append(v.Updates, updateView{ISO: isoDate(u.On), Date: L.Date(u.On), Text: u.Text})
		}
	}
	if len(a.Children) > 0 {
		v.SubHeading = L.T("action.sub_actions")
		for _, c := range a.Children {
			v.Children = append(v.Children, newActionView(L, c, 4))
		}
	}
	return v
}

// changeValue shows a revision's field value: coded values translated, dates
// written out, long texts as their length.
func changeValue(L *i18n.Localizer, field, v string) string {
	if v == "" {
		return "–"
	}
	switch field {
	case "phase", "action_status", "status", "priority":
		prefix := map[string]string{"phase": "phase.", "action_status": "status.", "status": "docstatus.", "priority": "priority."}[field]
		return L.T(prefix + v)
	case "decision_date", "start", "end", "next_review", "update_date":
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return L.Date(t)
		}
	case "description":
		if n, err := strconv.Atoi(strings.TrimPrefix(v, "…")); err == nil {
			return L.N("history.chars", n)
		}
	case "swot_kind":
		return L.T(swotKindKey(ortsplan.SWOTKind(v)))
	case "fact_measure":
		var names []string
		for _, m := range strings.Split(v, ", ") {
			names = append(names, L.T(measureKey(ortsplan.FactMeasure(m))))
		}
		return strings.Join(names, ", ")
	case "phase_date":
		if d, ph, ok := strings.Cut(v, " "); ok {
			if t, err := time.Parse("2006-01-02", d); err == nil {
				return L.Date(t) + ": " + L.T("phase."+ph)
			}
		}
	}
	return v
}

// editRow is what the "edit-action-row" template gets.
type editRow struct {
	P            *page
	A            *ortsplan.Action
	Slug         string
	Index, Count int
}

// meetingListData is what the "meeting-list" partial gets.
type meetingListData struct {
	P    *page
	Rows []meetingRow
}

// meetingRow is one line of a meeting list with its texts made in Go: a
// list holds up to fifty meetings, and plain fields render much faster
// than calls from the template.
type meetingRow struct {
	ID                    int64
	Title                 string
	Cancelled             bool
	ISOStart, When        string // the start as RFC 3339 and as the reader reads it
	Locality, Place, Kind string // Locality only where the list shows it
	State, StateLabel     string // State is empty for a planned meeting
	Full                  string // "full" for a planned meeting with no places left
}

func newMeetingList(p *page, ms []*ortsplan.Meeting, showLocality bool) meetingListData {
	d := meetingListData{P: p, Rows: make([]meetingRow, 0, len(ms))}
	for _, m := range ms {
		r := meetingRow{ID: m.ID, Title: m.Title, Cancelled: m.State == "installt",
			ISOStart: m.Start.UTC().Format("2006-01-02T15:04:05Z"),
			When:     p.L.Date(m.Start) + " " + m.Start.In(i18n.Stockholm()).Format("15:04"),
			Place:    m.PlaceName, Kind: p.L.T("meetingkind." + string(m.Kind))}
		if showLocality {
			r.Locality = m.LocalityName
		}
		if m.State != "planerat" {
			r.State, r.StateLabel = string(m.State), p.L.T("meetingstate."+string(m.State))
		} else if m.Registration && m.Full() {
			r.Full = p.L.T("meeting.full")
		}
		d.Rows = append(d.Rows, r)
	}
	return d
}

// commentData is what the "comment" template gets.
type commentData struct {
	P *page
	C *ortsplan.Comment
}

var templateFuncs = template.FuncMap{
	"pagerOf": func(p *page, pg *pager) pagerView { return pagerView{p.L, pg} },
	"factTableOf": func(p *page, t factTable, id string) factTableView {
		return factTableView{p.L, id, t}
	},
	"commentCtx": func(p *page, c *ortsplan.Comment) commentData { return commentData{p, c} },
	"qfPhotos":   func(id int64, ps []ortsplan.QuickfixPhoto) quickfixPhotos { return quickfixPhotos{id, ps} },
	"newsCtx":    func(p *page, n *news, all bool) newsData { return newsData{p, n, all} },
	"authorName": func(L *i18n.Localizer, name string) string {
		if name == "" {
			return L.T("ideas.former_user")
		}
		return name
	},
	"meetingList": newMeetingList,
	"placeFields": func(p *page, pick string) placeFieldsData { return placeFieldsData{p, pick} },
	"placeText":   placeText,
	"sub":         func(a, b int) int { return a - b },
	"days":        func(d time.Duration) int { return int(d.Hours() / 24) },
	"now":         time.Now,
	// loginLink is the header's login link, coming back to a public page
	// after logging in; pages that carry a one-time token in their address
	// are never named in another address.
	"loginLink": func(path string) string {
		for _, p := range []string{"/orter", "/ideer/", "/moten/", "/kalender", "/var-med", "/sok", "/effekter", "/oppna-data", "/arenden"} {
			if path == p || strings.HasPrefix(path, p+"/") || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
				return "/logga-in?till=" + url.QueryEscape(path)
			}
		}
		return "/logga-in"
	},
	// excerpt is the first n letters of s on one line, "…" when cut.
	"excerpt": func(s string, n int) string {
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > n {
			return strings.TrimSpace(string(r[:n])) + "…"
		}
		return s
	},
	"fileSize": func(n int64) string {
		if n < 1<<20 {
			return strconv.FormatInt(max(1, n>>10), 10) + " kB"
		}
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	},
	"editRow": func(p *page, a *ortsplan.Action, i, n int) editRow {
		return editRow{P: p, A: a, Slug: p.Data.(*editData).Locality.Slug, Index: i, Count: n}
	},
	"actionCtx":   func(p *page, a *ortsplan.Action, level int) actionView { return newActionView(p.L, a, level) },
	"changeValue": changeValue,
	"statuses":    func() []ortsplan.ActionStatus { return ortsplan.ActionStatuses },
	"timeOfDay":   func(t time.Time) string { return t.In(i18n.Stockholm()).Format("15:04") },
	"audience":    audienceText,
	"why": func(L *i18n.Localizer, a ortsplan.Audience) string {
		return L.T("mail.message.why."+string(a.Kind), a.Name)
	},
	"md":          markdown.HTML,
	"plain":       markdown.Plain,
	"progressBar": progressBar,
	"round":       round,
	"isoDate":     isoDate,
	"sel":         newSelect,
	"add":         func(a, b int) int { return a + b },
	"itoa":        func(n int64) string { return strconv.FormatInt(n, 10) },
	"measureKey":  measureKey,
	"swotKindKey": swotKindKey,
	"factValue":   formatFact,
	"printDecision": func(p *page, st ortsplan.DocStatus, d ortsplan.Decision) printDecision {
		return printDecision{L: p.L, StatusKey: "docstatus." + string(st), Decision: d}
	},
}

// printDecision is a document's status and decision on the printed plan.
type printDecision struct {
	L         *i18n.Localizer
	StatusKey string
	Decision  ortsplan.Decision
}

func stockholmLoc() *time.Location { return i18n.Stockholm() }

// dateValue is a date as a form field holds it (yyyy-mm-dd), or "" for none.
func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
