package opendata

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
)

// planCSV downloads the action plan as CSV for spreadsheets: UTF-8 with a byte
// order mark and semicolons, which Excel in Swedish opens with å, ä, ö intact.
func (h *Handler) planCSV(w http.ResponseWriter, r *http.Request) {
	v, err := h.locality(r.Context(), r)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="handlingsplan-`+v.Locality.Slug+`.csv"`)
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	head := []string{"csv.theme", "csv.action", "csv.parent", "csv.responsible_kind", "csv.responsible", "csv.department",
		"csv.priority", "csv.start", "csv.end", "csv.status", "csv.progress", "csv.latest_update"}
	for i, k := range head {
		head[i] = L.T(k)
	}
	cw.Write(head)
	var write func(t *ortsplan.Theme, parent string, as []*ortsplan.Action)
	write = func(t *ortsplan.Theme, parent string, as []*ortsplan.Action) {
		for _, a := range as {
			latest := ""
			if len(a.Updates) > 0 {
				latest = a.Updates[0].On.Format("2006-01-02") + ": " + a.Updates[0].Text
			}
			kind, prio := "", ""
			if a.ResponsibleKind != "" {
				kind = L.T("responsible." + string(a.ResponsibleKind))
			}
			if a.Priority != "" {
				prio = L.T("priority." + string(a.Priority))
			}
			cw.Write([]string{csvSafe(t.Title), csvSafe(a.Title), csvSafe(parent), kind, csvSafe(a.ResponsibleName),
				csvSafe(a.ResponsibleDepartment), prio, apiDate(a.Start), apiDate(a.End), L.T("status." + string(a.Status)),
				strconv.Itoa(int(a.ComputedProgress() + 0.5)), csvSafe(latest)})
			write(t, a.Title, a.Children)
		}
	}
	for _, t := range v.Plan.Themes {
		write(t, "", t.Actions)
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from running text as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
