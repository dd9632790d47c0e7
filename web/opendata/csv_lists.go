package opendata

import (
	"encoding/csv"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// CSV downloads of the open data lists: localities, working groups, meetings
// and ideas, for every locality or for one. Like the plan CSV they are UTF-8
// with a byte order mark and semicolons, and hold the same public fields as
// the API. Long lists are read page by page so memory stays flat.

// csvPageSize is how many rows are read from the store at a time.
const csvPageSize = 500

// startCSV writes a public CSV file's headers, cached a minute.
func (h *Handler) startCSV(w http.ResponseWriter, L *i18n.Localizer, filename string, heads ...string) *csv.Writer {
	return StartCSV(w, L, filename, "public, max-age=60", heads...)
}

// StartCSV writes the headers of a CSV download in the open data format
// (UTF-8 with a byte order mark, semicolons, CRLF), with the given
// Cache-Control, and the translated column heads. The staff exports use it
// too, never cached.
func StartCSV(w http.ResponseWriter, L *i18n.Localizer, filename, cacheControl string, heads ...string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`.csv"`)
	w.Header().Set("Cache-Control", cacheControl)
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	row := make([]string, len(heads))
	for i, k := range heads {
		row[i] = L.T(k)
	}
	cw.Write(row)
	return cw
}

// csvLocality resolves the {slug} of a per-locality CSV; nil for the site-wide one.
func (h *Handler) csvLocality(w http.ResponseWriter, r *http.Request) (*ortsplan.Locality, string, bool) {
	slug := r.PathValue("slug")
	if slug == "" {
		return nil, "", true
	}
	l, err := h.svc.Localities.FindLocality(r.Context(), slug)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return nil, "", false
	}
	return l, "-" + l.Slug, true
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func optFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// localitiesCSV is /orter.csv.
func (h *Handler) localitiesCSV(w http.ResponseWriter, r *http.Request) {
	ls, err := h.svc.Plans.LocalitySummaries(r.Context())
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Slug < ls[j].Slug })
	L := h.localizer(r)
	cw := h.startCSV(w, L, "orter", "csv.locality", "csv.slug", "csv.phase", "csv.inhabitants", "csv.lat", "csv.lon",
		"csv.progress", "csv.updated", "csv.url")
	for _, l := range ls {
		prog := ""
		if l.HasPlan {
			prog = strconv.Itoa(int(l.Progress + 0.5))
		}
		cw.Write([]string{csvSafe(l.Name), l.Slug, L.T("phase." + string(l.Phase)), optInt(l.Inhabitants), optFloat(l.Lat), optFloat(l.Lon),
			prog, apiDate(l.UpdatedAt), h.cfg.BaseURL + "/orter/" + l.Slug})
	}
	cw.Flush()
}

// groupsCSV is /arbetsgrupper.csv and /orter/{slug}/arbetsgrupper.csv.
func (h *Handler) groupsCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, suffix, ok := h.csvLocality(w, r)
	if !ok {
		return
	}
	var locID int64
	if l != nil {
		locID = l.ID
	}
	slugs, err := h.localitySlugs(ctx)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	first, next, err := h.listGroups(ctx, locID, 0, csvPageSize)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
	cw := h.startCSV(w, L, "arbetsgrupper"+suffix, "csv.locality", "csv.group", "csv.kind", "csv.theme", "csv.contact", "csv.open",
		"csv.member_count", "csv.members", "csv.organisations", "csv.url")
	for gs := first; ; {
		for _, g := range h.toAPIGroups(gs, slugs) {
			open := L.T("csv.no")
			if g.Open {
				open = L.T("csv.yes")
			}
			cw.Write([]string{g.Locality, csvSafe(g.Name), L.T("groupkind." + g.Kind), csvSafe(g.Theme), csvSafe(g.Contact), open,
				strconv.Itoa(g.MemberCount), csvSafe(joinNames(g.Members)), csvSafe(joinNames(g.Organisations)), g.URL})
		}
		if next == nil {
			break
		}
		if gs, next, err = h.listGroups(ctx, locID, next.ID, csvPageSize); err != nil {
			h.cfg.Logger.Error("groups csv", "request_id", h.requestID(r), "err", err)
			break
		}
	}
	cw.Flush()
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// meetingsCSV is /moten.csv and /orter/{slug}/moten.csv.
func (h *Handler) meetingsCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, suffix, ok := h.csvLocality(w, r)
	if !ok {
		return
	}
	q := ortsplan.MeetingPageQuery{Limit: csvPageSize}
	if l != nil {
		q.LocalityID = l.ID
	}
	ms, next, err := h.listMeetings(ctx, q)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
	cw := h.startCSV(w, L, "moten"+suffix, "csv.locality", "csv.group", "csv.kind", "csv.title", "csv.start", "csv.end",
		"csv.place", "csv.place_address", "csv.status", "csv.participants", "csv.url")
	loc := i18n.Stockholm()
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	for {
		for _, m := range ms {
			a := h.toAPIMeeting(m)
			part := ""
			if a.Participants > 0 {
				part = strconv.Itoa(a.Participants)
			}
			cw.Write([]string{a.Locality, csvSafe(a.Group), L.T("meetingkind." + a.Kind), csvSafe(a.Title), when(m.Start), when(m.End),
				csvSafe(a.Place), csvSafe(a.Address), L.T("meetingstate." + a.State), part, a.URL})
		}
		if next == nil {
			break
		}
		q.AfterStart, _ = time.Parse(time.RFC3339Nano, next.Start)
		q.AfterID = next.ID
		if ms, next, err = h.listMeetings(ctx, q); err != nil {
			h.cfg.Logger.Error("meetings csv", "request_id", h.requestID(r), "err", err)
			break
		}
	}
	cw.Flush()
}

// ideasCSV is /ideer.csv and /orter/{slug}/ideer.csv: visible ideas, newest
// first, with the official answer and support and comment counts.
func (h *Handler) ideasCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, suffix, ok := h.csvLocality(w, r)
	if !ok {
		return
	}
	q := ortsplan.IdeaPageQuery{Sort: ortsplan.SortNewest, Limit: csvPageSize}
	if l != nil {
		q.LocalityID = l.ID
	}
	is, next, err := h.listIdeas(ctx, q, "newest")
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
	cw := h.startCSV(w, L, "ideer"+suffix, "csv.locality", "csv.id", "csv.title", "csv.theme", "csv.status", "csv.supports",
		"csv.comments", "csv.answer", "csv.answered", "csv.created", "csv.url")
	for {
		for _, i := range is {
			a := h.toAPIIdea(i)
			answer, answered := "", ""
			if a.Answer != nil {
				answer, answered = a.Answer.Text, a.Answer.Date
			}
			cw.Write([]string{a.Locality, strconv.FormatInt(a.ID, 10), csvSafe(a.Title), csvSafe(a.Theme), L.T("ideastatus." + a.Status),
				strconv.Itoa(a.Supports), strconv.Itoa(a.Comments), csvSafe(answer), answered, apiDate(i.CreatedAt), a.URL})
		}
		if next == nil {
			break
		}
		q.AfterID = next.ID
		if is, next, err = h.listIdeas(ctx, q, "newest"); err != nil {
			h.cfg.Logger.Error("ideas csv", "request_id", h.requestID(r), "err", err)
			break
		}
	}
	cw.Flush()
}
