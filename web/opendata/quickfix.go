package opendata

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
)

// Quickfix grants as open data: the granted ones (granted, reported, paid)
// with amount, status and report. Applications not decided and refused
// ones are never listed, and no applicant's name or e-mail is: the store
// lists only public quickfixes to a visitor without an account.

type apiQuickfix struct {
	ID           int64   `json:"id"`
	URL          string  `json:"url"`
	Locality     string  `json:"locality"`
	Applicant    string  `json:"applicant_kind"`
	Organisation string  `json:"organisation,omitempty"`
	Title        string  `json:"title"`
	Place        string  `json:"place"`
	Description  string  `json:"description"`
	Cost         int64   `json:"cost_sek"`
	OwnEffort    string  `json:"own_effort"`
	Status       string  `json:"status"`
	Amount       int64   `json:"granted_sek"`
	Granted      string  `json:"granted_on"`
	Report       string  `json:"report,omitempty"`
	Reported     *string `json:"reported_on"`
	PaidAmount   int64   `json:"paid_sek,omitempty"`
	Paid         *string `json:"paid_on"`
}

func (h *Handler) toAPIQuickfix(q *ortsplan.Quickfix) apiQuickfix {
	a := apiQuickfix{ID: q.ID, URL: h.cfg.BaseURL + "/quickfix/" + strconv.FormatInt(q.ID, 10), Locality: q.LocalitySlug,
		Applicant: string(q.Kind), Organisation: q.Organisation, Title: q.Title, Place: q.Place, Description: q.Description,
		Cost: q.Cost, OwnEffort: q.OwnEffort, Status: string(q.Status), Amount: q.Amount, Granted: apiDate(q.DecidedAt),
		Report: q.Report, PaidAmount: q.PaidAmount}
	if !q.ReportedAt.IsZero() {
		d := apiDate(q.ReportedAt)
		a.Reported = &d
	}
	if !q.PaidOn.IsZero() {
		d := q.PaidOn.Format(time.DateOnly)
		a.Paid = &d
	}
	return a
}

// listQuickfixes reads one page of public quickfixes, newest first (limit+1
// to learn whether more follow).
func (h *Handler) listQuickfixes(ctx context.Context, localityID, beforeID int64, limit int) ([]*ortsplan.Quickfix, *cursor, error) {
	qs, err := h.svc.Quickfixes.Quickfixes(ctx, ortsplan.QuickfixFilter{LocalityID: localityID, Public: true, BeforeID: beforeID, Limit: limit + 1})
	if err != nil || len(qs) <= limit {
		return qs, nil, err
	}
	qs = qs[:limit]
	return qs, &cursor{List: "quickfixes", ID: qs[limit-1].ID}, nil
}

// apiQuickfixes is /api/v1/quickfixes?locality=: granted quickfixes, newest first.
func (h *Handler) apiQuickfixes(w http.ResponseWriter, r *http.Request) {
	locID, ok := h.queryLocality(w, r)
	if !ok {
		return
	}
	p, msg := parsePage(r, "quickfixes", "")
	if msg != "" {
		h.apiBadRequest(w, r, msg)
		return
	}
	var before int64
	if p.Cursor != nil {
		before = p.Cursor.ID
	}
	qs, next, err := h.listQuickfixes(r.Context(), locID, before, p.Limit)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := make([]apiQuickfix, 0, len(qs))
	for _, q := range qs {
		out = append(out, h.toAPIQuickfix(q))
	}
	h.writePage(w, r, out, next)
}

// quickfixesCSV is /quickfix.csv and /orter/{slug}/quickfix.csv.
func (h *Handler) quickfixesCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, suffix, ok := h.csvLocality(w, r)
	if !ok {
		return
	}
	var locID int64
	if l != nil {
		locID = l.ID
	}
	qs, next, err := h.listQuickfixes(ctx, locID, 0, csvPageSize)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
	cw := h.startCSV(w, L, "quickfix"+suffix, "csv.locality", "csv.id", "csv.title", "csv.applicant_kind", "csv.organisation", "csv.place",
		"csv.cost", "csv.status", "csv.granted_sek", "csv.granted_on", "csv.report", "csv.paid_sek", "csv.paid_on", "csv.url")
	for {
		for _, q := range qs {
			a := h.toAPIQuickfix(q)
			paid, paidOn := "", ""
			if a.Paid != nil {
				paid, paidOn = strconv.FormatInt(a.PaidAmount, 10), *a.Paid
			}
			cw.Write([]string{a.Locality, strconv.FormatInt(a.ID, 10), csvSafe(a.Title), L.T("applicantkind." + a.Applicant), csvSafe(a.Organisation),
				csvSafe(a.Place), strconv.FormatInt(a.Cost, 10), L.T("quickfixstatus." + a.Status), strconv.FormatInt(a.Amount, 10), a.Granted,
				csvSafe(a.Report), paid, paidOn, a.URL})
		}
		if next == nil {
			break
		}
		if qs, next, err = h.listQuickfixes(ctx, locID, next.ID, csvPageSize); err != nil {
			h.cfg.Logger.Error("quickfix csv", "request_id", h.requestID(r), "err", err)
			break
		}
	}
	cw.Flush()
}
