package opendata

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/ortsplan/ortsplan"
)

// JSON shapes of the open API (/api/v1). Field names are stable English.
type apiLocality struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	URL         string   `json:"url"`
	Phase       string   `json:"phase"`
	Inhabitants *int     `json:"inhabitants"`
	Lat         *float64 `json:"lat"`
	Lon         *float64 `json:"lon"`
	Progress    *float64 `json:"plan_progress"`
	UpdatedAt   string   `json:"updated_at"`
}

type apiLocalityDetail struct {
	apiLocality
	Description  string           `json:"description"`
	PhaseHistory []apiPhaseChange `json:"phase_history"`
	Vision       *apiVision       `json:"vision"`
	Plan         *apiPlan         `json:"plan"`
	Contacts     []apiContact     `json:"contacts"`
}

type apiPhaseChange struct {
	Phase string `json:"phase"`
	Date  string `json:"date"`
	Note  string `json:"note,omitempty"`
}

type apiDecision struct {
	Date      string `json:"date,omitempty"`
	Body      string `json:"body,omitempty"`
	Reference string `json:"reference,omitempty"`
}

type apiVision struct {
	Title    string       `json:"title"`
	Body     string       `json:"body"`
	Status   string       `json:"status"`
	Decision *apiDecision `json:"decision"`
}

type apiPlan struct {
	Status     string       `json:"status"`
	Decision   *apiDecision `json:"decision"`
	NextReview string       `json:"next_review,omitempty"`
	Progress   float64      `json:"progress"`
	Themes     []apiTheme   `json:"themes"`
}

type apiTheme struct {
	ID          int64       `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Progress    float64     `json:"progress"`
	Actions     []apiAction `json:"actions"`
}

type apiAction struct {
	ID          int64       `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Responsible apiResp     `json:"responsible"`
	Priority    string      `json:"priority,omitempty"`
	Funding     string      `json:"funding,omitempty"`
	Start       string      `json:"start,omitempty"`
	End         string      `json:"end,omitempty"`
	Status      string      `json:"status"`
	Progress    float64     `json:"progress"`
	Weight      float64     `json:"weight,omitempty"`
	Updates     []apiUpdate `json:"updates"`
	SubActions  []apiAction `json:"sub_actions"`
	Place       *apiPlace   `json:"place,omitempty"`
}

// apiPlace is where an action or idea is meant to happen.
type apiPlace struct {
	Lat     *float64 `json:"lat,omitempty"`
	Lon     *float64 `json:"lon,omitempty"`
	Address string   `json:"address,omitempty"`
}

func toAPIPlace(p ortsplan.Place) *apiPlace {
	if p.IsZero() {
		return nil
	}
	return &apiPlace{Lat: p.Lat, Lon: p.Lon, Address: p.Address}
}

type apiResp struct {
	Kind       string `json:"kind,omitempty"`
	Name       string `json:"name,omitempty"`
	Department string `json:"department,omitempty"`
}

type apiUpdate struct {
	Date string `json:"date"`
	Text string `json:"text"`
}

type apiContact struct {
	Name       string `json:"name"`
	Role       string `json:"role"`
	Department string `json:"department,omitempty"`
}

func apiDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func apiDec(d ortsplan.Decision) *apiDecision {
	if d.Empty() {
		return nil
	}
	return &apiDecision{Date: apiDate(d.On), Body: d.Body, Reference: d.Reference}
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

func (h *Handler) toAPILocality(l *ortsplan.Locality, progress *float64) apiLocality {
	return apiLocality{Slug: l.Slug, Name: l.Name, URL: h.cfg.BaseURL + "/orter/" + l.Slug, Phase: string(l.Phase),
		Inhabitants: l.Inhabitants, Lat: l.Lat, Lon: l.Lon, Progress: progress, UpdatedAt: l.UpdatedAt.UTC().Format(time.RFC3339)}
}

func toAPIActions(as []*ortsplan.Action) []apiAction {
	out := make([]apiAction, 0, len(as))
	for _, a := range as {
		ups := make([]apiUpdate, 0, len(a.Updates))
		for _, u := range a.Updates {
			ups = append(ups, apiUpdate{Date: apiDate(u.On), Text: u.Text})
		}
		out = append(out, apiAction{ID: a.ID, Title: a.Title, Description: a.Description,
			Responsible: apiResp{Kind: string(a.ResponsibleKind), Name: a.ResponsibleName, Department: a.ResponsibleDepartment}, Funding: a.Funding,
			Priority: string(a.Priority), Start: apiDate(a.Start), End: apiDate(a.End), Status: string(a.Status),
			Progress: round1(a.ComputedProgress()), Weight: a.Weight, Updates: ups, SubActions: toAPIActions(a.Children),
			Place: toAPIPlace(a.Place)})
	}
	return out
}

func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=60")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		h.cfg.Logger.Warn("write json", "request_id", h.requestID(r), "err", err)
	}
}

func (h *Handler) apiError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch ortsplan.ErrorCode(err) {
	case ortsplan.ENOTFOUND:
		status = http.StatusNotFound
	default:
		h.cfg.Logger.Error("api error", "request_id", h.requestID(r), "err", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": h.cfg.Catalog.T("en", ortsplan.ErrorKey(err))})
}

func (h *Handler) apiLocality(w http.ResponseWriter, r *http.Request) {
	v, err := h.locality(r.Context(), r)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	prog := round1(v.Plan.Progress())
	d := apiLocalityDetail{apiLocality: h.toAPILocality(v.Locality, &prog), Description: v.Locality.Description,
		PhaseHistory: []apiPhaseChange{}, Contacts: []apiContact{}}
	for _, c := range v.Phases {
		d.PhaseHistory = append(d.PhaseHistory, apiPhaseChange{Phase: string(c.Phase), Date: apiDate(c.On), Note: c.Note})
	}
	// The API is public: drafts stay out even for a logged-in editor.
	if v.Vision.Published() {
		d.Vision = &apiVision{Title: v.Vision.Title, Body: v.Vision.Body, Status: string(v.Vision.Status), Decision: apiDec(v.Vision.Decision)}
	}
	d.Plan = &apiPlan{Status: string(v.Plan.Status), Decision: apiDec(v.Plan.Decision), NextReview: apiDate(v.Plan.NextReview),
		Progress: prog, Themes: []apiTheme{}}
	for _, t := range v.Plan.Themes {
		d.Plan.Themes = append(d.Plan.Themes, apiTheme{ID: t.ID, Title: t.Title, Description: t.Description,
			Progress: round1(t.Progress()), Actions: toAPIActions(t.Actions)})
	}
	for _, c := range v.Contacts {
		d.Contacts = append(d.Contacts, apiContact{Name: c.Name, Role: string(c.Role), Department: c.Department})
	}
	h.writeJSON(w, r, d)
}

func (h *Handler) apiBadRequest(w http.ResponseWriter, r *http.Request, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
