package opendata

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
)

// The plans' yearly revisions and the matters passed on, as open data.
// Revisions are public as soon as they are made; matters only once staff
// published them (the service gives the open data nothing else).

type apiEdition struct {
	ID           int64              `json:"id"`
	URL          string             `json:"url"`
	Locality     string             `json:"locality"`
	Year         int                `json:"year"`
	Decision     *apiDecision       `json:"decision"`
	Note         string             `json:"note,omitempty"`
	ActionsTotal int                `json:"actions_total"`
	ActionsDone  int                `json:"actions_done"`
	Progress     float64            `json:"progress"`
	VisionTitle  string             `json:"vision_title,omitempty"`
	VisionBody   string             `json:"vision_body,omitempty"`
	Themes       []apiEditionTheme  `json:"themes"`
	Actions      []apiEditionAction `json:"actions"`
}

type apiEditionTheme struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

type apiEditionAction struct {
	ID          int64   `json:"id"`
	ThemeID     int64   `json:"theme_id"`
	ParentID    int64   `json:"parent_id,omitempty"`
	Title       string  `json:"title"`
	Status      string  `json:"status"`
	Progress    int     `json:"progress"`
	Responsible apiResp `json:"responsible"`
	Start       string  `json:"start,omitempty"`
	End         string  `json:"end,omitempty"`
	Funding     string  `json:"funding,omitempty"`
}

func (h *Handler) toAPIEdition(e *ortsplan.PlanEdition, slug string) apiEdition {
	a := apiEdition{ID: e.ID, URL: h.cfg.BaseURL + "/orter/" + slug + "/handlingsplan/revideringar/" + strconv.Itoa(e.Year),
		Locality: slug, Year: e.Year, Decision: apiDec(e.Decision), Note: e.Note, ActionsTotal: e.Counts.Total, ActionsDone: e.Counts.Done,
		Progress: round1(e.Counts.Progress), Themes: []apiEditionTheme{}, Actions: []apiEditionAction{}}
	if s := e.Snapshot; s != nil {
		a.VisionTitle, a.VisionBody = s.VisionTitle, s.VisionBody
		for _, t := range s.Themes {
			a.Themes = append(a.Themes, apiEditionTheme{ID: t.ID, Title: t.Title})
		}
		for _, x := range s.Actions {
			a.Actions = append(a.Actions, apiEditionAction{ID: x.ID, ThemeID: x.ThemeID, ParentID: x.ParentID, Title: x.Title,
				Status: string(x.Status), Progress: x.Progress, Responsible: apiResp{Kind: string(x.ResponsibleKind), Name: x.ResponsibleName,
					Department: x.ResponsibleDepartment}, Start: x.Start, End: x.End, Funding: x.Funding})
		}
	}
	return a
}

// apiEditions lists the plans' revisions by id: /api/v1/plan-revisions?locality=slug.
func (h *Handler) apiEditions(w http.ResponseWriter, r *http.Request) {
	locID, ok := h.queryLocality(w, r)
	if !ok {
		return
	}
	p, msg := parsePage(r, "plan-revisions", "")
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	var after int64
	if p.Cursor != nil {
		after = p.Cursor.ID
	}
	es, err := h.svc.OpenData.EditionPage(r.Context(), ortsplan.EditionPageQuery{LocalityID: locID, AfterID: after, Limit: p.Limit + 1})
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	var next *cursor
	if len(es) > p.Limit {
		es = es[:p.Limit]
		next = &cursor{List: "plan-revisions", ID: es[p.Limit-1].ID}
	}
	slugs, err := h.localitySlugs(r.Context())
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := make([]apiEdition, 0, len(es))
	for _, e := range es {
		out = append(out, h.toAPIEdition(e, slugs[e.LocalityID]))
	}
	h.writePage(w, r, out, next)
}

type apiMatter struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	Locality    string `json:"locality"`
	Group       string `json:"group,omitempty"`
	ActionID    int64  `json:"action_id,omitempty"`
	Action      string `json:"action,omitempty"`
	Title       string `json:"title"`
	Body        string `json:"body,omitempty"`
	Recipient   string `json:"recipient"`
	SentOn      string `json:"sent_on"`
	Status      string `json:"status"`
	Answer      string `json:"answer,omitempty"`
	AnsweredOn  string `json:"answered_on,omitempty"`
	Reference   string `json:"reference,omitempty"`
	WaitingDays *int   `json:"waiting_days"`
}

func (h *Handler) toAPIMatter(m *ortsplan.Matter, today time.Time) apiMatter {
	a := apiMatter{ID: m.ID, URL: h.cfg.BaseURL + "/arenden/" + strconv.FormatInt(m.ID, 10), Locality: m.LocalitySlug, Group: m.GroupName,
		ActionID: m.ActionID, Action: m.ActionTitle, Title: m.Title, Body: m.Body, Recipient: m.Recipient, SentOn: apiDate(m.SentOn),
		Status: string(m.Status), Answer: m.Answer, AnsweredOn: apiDate(m.AnsweredOn), Reference: m.Reference}
	if n, ok := ortsplan.MatterWaitingDays(m, today); ok {
		a.WaitingDays = &n
	}
	return a
}

// apiMatters lists published matters, newest first: /api/v1/matters?locality=slug&status=.
func (h *Handler) apiMatters(w http.ResponseWriter, r *http.Request) {
	locID, ok := h.queryLocality(w, r)
	if !ok {
		return
	}
	st := ortsplan.MatterStatus(r.URL.Query().Get("status"))
	if st != "" && !st.Valid() {
		h.apiBadRequest(w, r, "status must be one of skickat, besvarat, beviljat, avslaget, vilande")
		return
	}
	p, msg := parsePage(r, "matters", string(st))
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	var after int64
	if p.Cursor != nil {
		after = p.Cursor.ID
	}
	ms, err := h.svc.OpenData.MatterPage(r.Context(), ortsplan.MatterPageQuery{LocalityID: locID, Status: st, AfterID: after, Limit: p.Limit + 1})
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	var next *cursor
	if len(ms) > p.Limit {
		ms = ms[:p.Limit]
		next = &cursor{List: "matters", Sort: string(st), ID: ms[p.Limit-1].ID}
	}
	today := h.cfg.Now()
	out := make([]apiMatter, 0, len(ms))
	for _, m := range ms {
		out = append(out, h.toAPIMatter(m, today))
	}
	h.writePage(w, r, out, next)
}

// apiMatter is one published matter.
func (h *Handler) apiMatter(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.apiStatus(w, http.StatusNotFound, "no matter with that id")
		return
	}
	m, err := h.svc.Matters.FindMatter(r.Context(), id)
	if err == nil && !m.Published() {
		err = ortsplan.Errorf(ortsplan.ENOTFOUND, "error.not_found")
	}
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	h.writeJSON(w, r, h.toAPIMatter(m, h.cfg.Now()))
}
