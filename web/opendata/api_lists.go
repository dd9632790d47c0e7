package opendata

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// The lists of the open data API. Each is paged with an opaque cursor on a
// unique sort key and holds public content only: no e-mail addresses, no
// phone numbers, no names of residents, no hidden ideas.

// --- Localities ---

// listLocalities returns a page of localities by slug, optionally of one phase.
func (h *Handler) listLocalities(ctx context.Context, phase ortsplan.Phase, after string, limit int) ([]apiLocality, *cursor, error) {
	ls, err := h.svc.Plans.LocalitySummaries(ctx)
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Slug < ls[j].Slug })
	out := []apiLocality{}
	for _, l := range ls {
		if l.Slug <= after || (phase != "" && l.Phase != phase) {
			continue
		}
		if len(out) == limit {
			return out, &cursor{List: "localities", Slug: out[len(out)-1].Slug}, nil
		}
		var prog *float64
		if l.HasPlan {
			p := round1(l.Progress)
			prog = &p
		}
		out = append(out, h.toAPILocality(l.Locality, prog))
	}
	return out, nil, nil
}

func (h *Handler) apiLocalities(w http.ResponseWriter, r *http.Request) {
	p, msg := parsePage(r, "localities", "")
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	phase := ortsplan.Phase(r.URL.Query().Get("phase"))
	if phase != "" && !phase.Valid() {
		h.apiBadRequest(w, r, "phase must be one of "+phaseNames())
		return
	}
	after := ""
	if p.Cursor != nil {
		after = p.Cursor.Slug
	}
	out, next, err := h.listLocalities(r.Context(), phase, after, p.Limit)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	h.writePage(w, r, out, next)
}

func phaseNames() string {
	names := make([]string, len(ortsplan.Phases))
	for i, p := range ortsplan.Phases {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// --- Groups ---

type apiGroup struct {
	Slug          string   `json:"slug"`
	Locality      string   `json:"locality"`
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	Theme         string   `json:"theme,omitempty"`
	Description   string   `json:"description,omitempty"`
	Contact       string   `json:"contact,omitempty"`
	Open          bool     `json:"takes_new_members"`
	Members       []string `json:"members"` // names of members who consented
	MemberCount   int      `json:"member_count"`
	Organisations []string `json:"organisations"`
	URL           string   `json:"url"`
}

// toAPIGroups keeps the public part of groups: members' names only with
// their consent, never contact details.
func (h *Handler) toAPIGroups(gs []*ortsplan.Group, slugs map[int64]string) []apiGroup {
	out := make([]apiGroup, 0, len(gs))
	for _, g := range gs {
		slug := slugs[g.LocalityID]
		a := apiGroup{Slug: g.Slug, Locality: slug, Name: g.Name, Kind: string(g.Kind), Theme: g.Theme, Description: g.Description,
			Contact: g.ContactName, Open: g.Open, Members: []string{}, MemberCount: len(g.Members), Organisations: []string{},
			URL: h.cfg.BaseURL + "/orter/" + slug + "/arbetsgrupper/" + g.Slug}
		for _, m := range g.Members {
			if m.ShowName {
				a.Members = append(a.Members, m.Name)
			}
		}
		for _, o := range g.Organisations {
			a.Organisations = append(a.Organisations, o.Name)
		}
		out = append(out, a)
	}
	return out
}

// localitySlugs maps locality ids to slugs.
func (h *Handler) localitySlugs(ctx context.Context) (map[int64]string, error) {
	ls, err := h.svc.Localities.ListLocalities(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(ls))
	for _, l := range ls {
		m[l.ID] = l.Slug
	}
	return m, nil
}

// listGroups reads one page of groups (limit+1 to learn whether more follow).
func (h *Handler) listGroups(ctx context.Context, localityID, afterID int64, limit int) ([]*ortsplan.Group, *cursor, error) {
	gs, err := h.svc.OpenData.GroupPage(ctx, ortsplan.GroupPageQuery{LocalityID: localityID, AfterID: afterID, Limit: limit + 1})
	if err != nil || len(gs) <= limit {
		return gs, nil, err
	}
	gs = gs[:limit]
	return gs, &cursor{List: "groups", ID: gs[limit-1].ID}, nil
}

// apiGroups lists working groups: /api/v1/groups?locality=slug or
// /api/v1/localities/{slug}/groups.
func (h *Handler) apiGroups(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var locID int64
	if slug := r.PathValue("slug"); slug != "" {
		l, err := h.svc.Localities.FindLocality(ctx, slug)
		if err != nil {
			h.apiError(w, r, err)
			return
		}
		locID = l.ID
	} else {
		id, ok := h.queryLocality(w, r)
		if !ok {
			return
		}
		locID = id
	}
	p, msg := parsePage(r, "groups", "")
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	var after int64
	if p.Cursor != nil {
		after = p.Cursor.ID
	}
	gs, next, err := h.listGroups(ctx, locID, after, p.Limit)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	slugs, err := h.localitySlugs(ctx)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	h.writePage(w, r, h.toAPIGroups(gs, slugs), next)
}

// --- Meetings ---

type apiMeeting struct {
	ID           int64  `json:"id"`
	URL          string `json:"url"`
	Locality     string `json:"locality"`
	Group        string `json:"group,omitempty"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	Start        string `json:"start"`
	End          string `json:"end,omitempty"`
	Place        string `json:"place,omitempty"`
	Address      string `json:"address,omitempty"`
	Access       string `json:"accessibility,omitempty"`
	Agenda       string `json:"agenda,omitempty"`
	State        string `json:"state"`
	CancelReason string `json:"cancel_reason,omitempty"`
	Registration bool   `json:"registration"`
	Capacity     int    `json:"capacity,omitempty"`
	PlacesLeft   *int   `json:"places_left,omitempty"`
	Participants int    `json:"participants,omitempty"`
	Report       string `json:"report,omitempty"`
}

func (h *Handler) toAPIMeeting(m *ortsplan.Meeting) apiMeeting {
	a := apiMeeting{ID: m.ID, URL: h.cfg.BaseURL + "/moten/" + strconv.FormatInt(m.ID, 10), Locality: m.LocalitySlug, Group: m.GroupName,
		Kind: string(m.Kind), Title: m.Title, Start: m.Start.UTC().Format(time.RFC3339), Place: m.PlaceName, Address: m.PlaceAddress,
		Access: m.Accessibility, Agenda: m.Agenda, State: string(m.State), CancelReason: m.CancelReason, Registration: m.Registration,
		Capacity: m.Capacity, Participants: m.Participants}
	if !m.End.IsZero() {
		a.End = m.End.UTC().Format(time.RFC3339)
	}
	if m.Registration && m.Capacity > 0 {
		left := max(0, m.Capacity-m.Registered)
		a.PlacesLeft = &left
	}
	if m.ReportIsPublic() {
		a.Report = m.Report
	}
	return a
}

// listMeetings reads one page of meetings (limit+1 to learn whether more follow).
func (h *Handler) listMeetings(ctx context.Context, q ortsplan.MeetingPageQuery) ([]*ortsplan.Meeting, *cursor, error) {
	limit := q.Limit
	q.Limit++
	ms, err := h.svc.OpenData.MeetingPage(ctx, q)
	if err != nil || len(ms) <= limit {
		return ms, nil, err
	}
	ms = ms[:limit]
	last := ms[limit-1]
	return ms, &cursor{List: "meetings", ID: last.ID, Start: last.Start.UTC().Format(time.RFC3339Nano)}, nil
}

// meetingQuery reads the filters and page of a meeting list; msg explains a bad value.
func (h *Handler) meetingQuery(w http.ResponseWriter, r *http.Request) (ortsplan.MeetingPageQuery, bool) {
	q := ortsplan.MeetingPageQuery{}
	id, ok := h.queryLocality(w, r)
	if !ok {
		return q, false
	}
	q.LocalityID = id
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := r.URL.Query().Get(f.name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				h.apiBadRequest(w, r, f.name+" must be a date as YYYY-MM-DD")
				return q, false
			}
			*f.dst = t
		}
	}
	p, msg := parsePage(r, "meetings", "")
	if msg == "" && p.Cursor != nil {
		t, err := time.Parse(time.RFC3339Nano, p.Cursor.Start)
		if err != nil || p.Cursor.ID <= 0 {
			msg = "cursor is not valid for this list: use the next link of the previous page"
		}
		q.AfterStart, q.AfterID = t, p.Cursor.ID
	}
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return q, false
	}
	q.Limit = p.Limit
	return q, true
}

func (h *Handler) apiMeetings(w http.ResponseWriter, r *http.Request) {
	q, ok := h.meetingQuery(w, r)
	if !ok {
		return
	}
	ms, next, err := h.listMeetings(r.Context(), q)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := make([]apiMeeting, 0, len(ms))
	for _, m := range ms {
		out = append(out, h.toAPIMeeting(m))
	}
	h.writePage(w, r, out, next)
}

func (h *Handler) apiMeeting(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.apiStatus(w, http.StatusNotFound, "no meeting with that id")
		return
	}
	m, err := h.svc.Meetings.FindMeeting(r.Context(), id)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	h.writeJSON(w, r, h.toAPIMeeting(m))
}

// --- Ideas ---

type apiIdea struct {
	ID       int64          `json:"id"`
	URL      string         `json:"url"`
	Locality string         `json:"locality"`
	Title    string         `json:"title"`
	Body     string         `json:"body"`
	Theme    string         `json:"theme,omitempty"`
	Status   string         `json:"status"`
	Answer   *apiIdeaAnswer `json:"answer"`
	Action   *apiIdeaAction `json:"action"`
	Supports int            `json:"supports"`
	// VerifiedSupports are the supports given after an eID login (one per person).
	VerifiedSupports int       `json:"verified_supports"`
	Comments         int       `json:"comments"`
	CreatedAt        string    `json:"created_at"`
	UpdatedAt        string    `json:"updated_at"`
	Place            *apiPlace `json:"place,omitempty"`
}

// apiIdeaAnswer is the municipality's official answer.
type apiIdeaAnswer struct {
	Text string `json:"text"`
	Date string `json:"date"`
}

// apiIdeaAction is the plan action an idea became.
type apiIdeaAction struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// toAPIIdea keeps the public part of an idea: never the author's name.
func (h *Handler) toAPIIdea(i *ortsplan.Idea) apiIdea {
	a := apiIdea{ID: i.ID, URL: h.cfg.BaseURL + "/ideer/" + strconv.FormatInt(i.ID, 10), Locality: i.LocalitySlug, Title: i.Title,
		Body: i.Body, Theme: i.ThemeTitle, Status: string(i.Status), Supports: i.Supports, VerifiedSupports: i.VerifiedSupports, Comments: i.Comments,
		CreatedAt: i.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: i.UpdatedAt.UTC().Format(time.RFC3339), Place: toAPIPlace(i.Place)}
	if !i.AnsweredAt.IsZero() {
		a.Answer = &apiIdeaAnswer{Text: i.Answer, Date: apiDate(i.AnsweredAt)}
	}
	if i.ActionID > 0 {
		a.Action = &apiIdeaAction{ID: i.ActionID, Title: i.ActionTitle}
	}
	return a
}

// apiIdeaSorts maps the API's sort names to the store's.
var apiIdeaSorts = map[string]ortsplan.IdeaSort{"newest": ortsplan.SortNewest, "supports": ortsplan.SortSupported}

// listIdeas reads one page of visible ideas (limit+1 to learn whether more follow).
func (h *Handler) listIdeas(ctx context.Context, q ortsplan.IdeaPageQuery, sortName string) ([]*ortsplan.Idea, *cursor, error) {
	limit := q.Limit
	q.Limit++
	is, err := h.svc.OpenData.IdeaPage(ctx, q)
	if err != nil || len(is) <= limit {
		return is, nil, err
	}
	is = is[:limit]
	last := is[limit-1]
	return is, &cursor{List: "ideas", Sort: sortName, ID: last.ID, Supports: last.Supports}, nil
}

func (h *Handler) apiIdeas(w http.ResponseWriter, r *http.Request) {
	locID, ok := h.queryLocality(w, r)
	if !ok {
		return
	}
	sortName := r.URL.Query().Get("sort")
	if sortName == "" {
		sortName = "newest"
	}
	srt, ok := apiIdeaSorts[sortName]
	if !ok {
		h.apiBadRequest(w, r, "sort must be newest or supports")
		return
	}
	p, msg := parsePage(r, "ideas", sortName)
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	q := ortsplan.IdeaPageQuery{LocalityID: locID, Sort: srt, Limit: p.Limit}
	if p.Cursor != nil {
		q.AfterID, q.AfterSupports = p.Cursor.ID, p.Cursor.Supports
	}
	is, next, err := h.listIdeas(r.Context(), q, sortName)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := make([]apiIdea, 0, len(is))
	for _, i := range is {
		out = append(out, h.toAPIIdea(i))
	}
	h.writePage(w, r, out, next)
}

func (h *Handler) apiIdea(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.apiStatus(w, http.StatusNotFound, "no idea with that id")
		return
	}
	i, err := h.svc.Ideas.FindIdea(r.Context(), id)
	if err == nil && i.Hidden() {
		err = ortsplan.Errorf(ortsplan.ENOTFOUND, "error.not_found")
	}
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	h.writeJSON(w, r, h.toAPIIdea(i))
}
