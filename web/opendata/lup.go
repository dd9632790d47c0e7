package opendata

import (
	"net/http"
	"strconv"
	"time"
)

// Facts and SWOT in the API: a locality's figures over time with their
// sources, and the SWOT items with theirs. Both are public as a whole; the
// only people they name are none.

type apiFact struct {
	ID        int64   `json:"id"`
	Locality  string  `json:"locality"`
	Measure   string  `json:"measure"`
	Label     string  `json:"label"`
	Year      int     `json:"year"`
	Value     float64 `json:"value"`
	Source    string  `json:"source"`
	UpdatedAt string  `json:"updated_at"`
}

type apiSWOTItem struct {
	ID        int64       `json:"id"`
	Locality  string      `json:"locality"`
	Kind      string      `json:"kind"`
	Text      string      `json:"text"`
	Source    string      `json:"source"`
	Meeting   *apiSWOTRef `json:"meeting"`
	UpdatedAt string      `json:"updated_at"`
}

type apiSWOTRef struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date"`
	URL   string `json:"url"`
}

// apiFacts lists a locality's facts by id, paged.
func (h *Handler) apiFacts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, err := h.svc.Localities.FindLocality(ctx, r.PathValue("slug"))
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	p, msg := parsePage(r, "facts", "")
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	var after int64
	if p.Cursor != nil {
		after = p.Cursor.ID
	}
	fs, err := h.svc.Facts.FactPage(ctx, l.ID, after, p.Limit+1)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	var next *cursor
	if len(fs) > p.Limit {
		fs = fs[:p.Limit]
		next = &cursor{List: "facts", ID: fs[len(fs)-1].ID}
	}
	out := make([]apiFact, 0, len(fs))
	for _, f := range fs {
		out = append(out, apiFact{ID: f.ID, Locality: l.Slug, Measure: string(f.Measure), Label: f.Label, Year: f.Year, Value: f.Value,
			Source: f.Source, UpdatedAt: f.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	h.writePage(w, r, out, next)
}

// apiSWOT lists SWOT items by id, of the locality in the path or, on
// /api/v1/swot, of every locality (or ?locality=), paged.
func (h *Handler) apiSWOT(w http.ResponseWriter, r *http.Request) {
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
	p, msg := parsePage(r, "swot", "")
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	var after int64
	if p.Cursor != nil {
		after = p.Cursor.ID
	}
	items, err := h.svc.Facts.SWOTPage(ctx, locID, after, p.Limit+1)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	var next *cursor
	if len(items) > p.Limit {
		items = items[:p.Limit]
		next = &cursor{List: "swot", ID: items[len(items)-1].ID}
	}
	slugs, err := h.localitySlugs(ctx)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := make([]apiSWOTItem, 0, len(items))
	for _, it := range items {
		a := apiSWOTItem{ID: it.ID, Locality: slugs[it.LocalityID], Kind: string(it.Kind), Text: it.Text, Source: it.Source,
			UpdatedAt: it.UpdatedAt.UTC().Format(time.RFC3339)}
		if it.MeetingID > 0 {
			a.Meeting = &apiSWOTRef{ID: it.MeetingID, Title: it.MeetingTitle, Date: apiDate(it.MeetingDate),
				URL: h.cfg.BaseURL + "/moten/" + strconv.FormatInt(it.MeetingID, 10)}
		}
		out = append(out, a)
	}
	h.writePage(w, r, out, next)
}
