package web

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/web/opendata"
)

// Staff exports of personal data: sign-ups and a meeting's registrations as
// CSV, in the format of the open data files (UTF-8 with a byte order mark,
// semicolons). The services decide who may, and log each export. Never
// cached anywhere.

func staffCSV(w http.ResponseWriter, L *i18n.Localizer, filename string, heads ...string) *csv.Writer {
	return opendata.StartCSV(w, L, filename, "no-store", heads...)
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// signUpsCSV is /admin/anmalningar.csv (?status= as on the list).
func (s *Server) signUpsCSV(w http.ResponseWriter, r *http.Request) {
	f := ortsplan.SignUpFilter{}
	if st := r.URL.Query().Get("status"); st != "" {
		if !slices.Contains(ortsplan.SignUpStatuses, ortsplan.SignUpStatus(st)) {
			s.renderError(w, r, http.StatusBadRequest, "work.unknown_status")
			return
		}
		f.Status = ortsplan.SignUpStatus(st)
	}
	list, err := s.svc.Exports.ExportSignUps(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	L := s.cat.For(reqInfo(r).Lang)
	cw := staffCSV(w, L, "anmalningar", "join.name", "join.email", "join.phone", "locality.name", "signups.received", "csv.status",
		"join.age_group", "join.interests", "join.message", "signups.handler", "signups.name_shown")
	for _, su := range list {
		if su.Anonymised {
			continue
		}
		age := ""
		if su.AgeGroup != "" {
			age = L.T("agegroup." + su.AgeGroup)
		}
		shown := L.T("csv.no")
		if su.ShowName {
			shown = L.T("csv.yes")
		}
		cw.Write([]string{su.Name, su.Email, su.Phone, su.LocalityName, csvTime(su.CreatedAt), L.T("signupstatus." + string(su.Status)),
			age, strings.Join(su.Interests, ", "), su.Message, su.HandlerName, shown})
	}
	cw.Flush()
}

// registrationsCSV is /moten/{id}/anmalningar.csv.
func (s *Server) registrationsCSV(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	list, err := s.svc.Exports.ExportRegistrations(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	L := s.cat.For(reqInfo(r).Lang)
	cw := staffCSV(w, L, "mote-"+strconv.FormatInt(id, 10)+"-anmalningar", "join.name", "join.email", "csv.people", "csv.needs",
		"csv.waitlisted", "csv.confirmed", "csv.cancelled", "signups.received")
	for _, reg := range list {
		wait := L.T("csv.no")
		if reg.Waitlisted {
			wait = L.T("csv.yes")
		}
		cw.Write([]string{reg.Name, reg.Email, strconv.Itoa(reg.People), reg.Needs, wait, csvTime(reg.ConfirmedAt), csvTime(reg.CancelledAt), csvTime(reg.CreatedAt)})
	}
	cw.Flush()
}
