package web_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestStaffExports: staff download the sign-ups of their own localities and
// a meeting's registrations as CSV in the open data format; nobody else
// gets them, other localities' rows are not in them, nothing caches them,
// and each export is in the audit log.
func TestStaffExports(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		sys := sqltest.System()
		flen, _ := db.FindLocality(sys, "flen")
		malm, _ := db.FindLocality(sys, "malmkoping")
		for _, su := range []*ortsplan.SignUp{
			{LocalityID: flen.ID, Name: "Flenbo Ett", Email: "flenbo@example.se", Message: "Jag vill hjälpa till; med torget"},
			{LocalityID: malm.ID, Name: "Malmköpingsbo", Email: "malmbo@example.se"},
		} {
			if err := db.CreateSignUp(sys, su); err != nil {
				t.Fatal(err)
			}
		}
		m := &ortsplan.Meeting{LocalityID: flen.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om torget", Start: time.Now().Add(72 * time.Hour),
			End: time.Now().Add(74 * time.Hour), PlaceName: "Stadshuset", State: ortsplan.MeetingPlanned, Registration: true, Capacity: 40}
		if err := db.SaveMeeting(sys, m); err != nil {
			t.Fatal(err)
		}
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m.ID, Name: "Anmäld Person", Email: "anmald@example.se", People: 2, Needs: "Vegetariskt"})
		s.user("exportor@flen.example", ortsplan.RoleOfficial, "flen")
		staff := s.browser()
		staff.login("exportor@flen.example", testPassword)

		readCSV := func(r *response) [][]string {
			t.Helper()
			if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
				r.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%s: %d %v", r.Request.URL, r.StatusCode, r.Header)
			}
			body, ok := strings.CutPrefix(r.Body, "\ufeff")
			if !ok {
				t.Fatal("no byte order mark")
			}
			cr := csv.NewReader(strings.NewReader(body))
			cr.Comma = ';'
			rows, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		rows := readCSV(staff.get("/admin/anmalningar.csv"))
		found := map[string]bool{}
		for _, row := range rows[1:] {
			found[row[1]] = true
			if row[1] == "flenbo@example.se" && row[8] != "Jag vill hjälpa till; med torget" {
				t.Errorf("the message column: %q", row[8])
			}
		}
		if rows[0][0] != "Namn" || !found["flenbo@example.se"] || found["malmbo@example.se"] {
			t.Fatalf("sign-ups export: %v", rows)
		}
		regs := readCSV(staff.get("/moten/" + itoa(m.ID) + "/anmalningar.csv"))
		if len(regs) != 2 || regs[1][1] != "anmald@example.se" || regs[1][2] != "2" || regs[1][3] != "Vegetariskt" {
			t.Fatalf("registrations export: %v", regs)
		}
		if r := staff.get("/admin/anmalningar.csv?status=okand"); r.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown status: %d", r.StatusCode)
		}
		var logged int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action IN ('export:signups', 'export:registrations')").Scan(&logged); err != nil || logged != 2 {
			t.Fatalf("%d exports in the audit log (%v), want 2", logged, err)
		}
		// A visitor is sent to log in; an official of another locality gets no registrations.
		if r := s.browser().get("/admin/anmalningar.csv"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("visitor: %d", r.StatusCode)
		}
		s.user("annan@malmkoping.example", ortsplan.RoleOfficial, "malmkoping")
		other := s.browser()
		other.login("annan@malmkoping.example", testPassword)
		if r := other.get("/moten/" + itoa(m.ID) + "/anmalningar.csv"); r.StatusCode < 400 || strings.Contains(r.Body, "anmald@example.se") {
			t.Errorf("official of another locality: %d", r.StatusCode)
		}
		// Malmköping's sign-ups only: the demo's and the one made here.
		rows = readCSV(other.get("/admin/anmalningar.csv"))
		malmbo := false
		for _, row := range rows[1:] {
			malmbo = malmbo || row[1] == "malmbo@example.se"
			if row[3] != "Malmköping" {
				t.Errorf("the other official's export has a sign-up in %s: %v", row[3], row)
			}
		}
		if !malmbo {
			t.Errorf("the other official's export: %v", rows)
		}
	})
}

// TestAuditLogPage: admins read the audit log at /admin/logg, newest first,
// 50 entries a page with a link to older ones; exports are in it by name.
func TestAuditLogPage(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("granskare@flen.example", ortsplan.RoleOfficial, "flen")
		staff := s.browser()
		staff.login("granskare@flen.example", testPassword)
		wantStatus(t, staff.get("/admin/anmalningar.csv"), http.StatusOK)
		for i := range 60 {
			if _, err := db.SQL().Exec("INSERT INTO audit_log (at, action, subject, detail) VALUES ($1, 'test:fill', $2, '')",
				time.Now().Add(-time.Duration(60-i)*time.Hour), itoa(int64(i))); err != nil {
				t.Fatal(err)
			}
		}
		if r := staff.get("/admin/logg"); r.StatusCode < 400 {
			t.Fatalf("an official reads the audit log: %d", r.StatusCode)
		}
		s.user("logg-admin@example.se", ortsplan.RoleAdmin)
		admin := s.browser()
		admin.login("logg-admin@example.se", testPassword)
		first := admin.get("/admin/logg")
		wantStatus(t, first, http.StatusOK)
		if n := first.Doc.Find("tbody tr").Length(); n != ortsplan.AuditPageSize {
			t.Fatalf("first page: %d rows", n)
		}
		// Following the links to older entries reaches every entry once.
		var total int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&total); err != nil {
			t.Fatal(err)
		}
		seen, pages, exportRow := 0, 0, ""
		for page := first; ; pages++ {
			page.Doc.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
				seen++
				if strings.Contains(tr.Text(), "export:signups") {
					exportRow = tr.Text()
				}
			})
			older, ok := page.Doc.Find(`a[rel="next"]`).Attr("href")
			if !ok || pages > 10 {
				break
			}
			page = admin.get(older)
			wantStatus(t, page, http.StatusOK)
		}
		if seen != total || pages < 1 {
			t.Fatalf("%d entries on %d pages, want all %d on more than one page", seen, pages+1, total)
		}
		if !strings.Contains(exportRow, "Test official") {
			t.Errorf("the export's row does not name who took it: %q", exportRow)
		}
		if r := admin.get("/admin/logg?fore=x"); r.StatusCode != http.StatusBadRequest {
			t.Errorf("?fore=x: %d", r.StatusCode)
		}
	})
}
