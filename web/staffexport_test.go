package web_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

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
		if rows := readCSV(other.get("/admin/anmalningar.csv")); len(rows) != 2 || rows[1][1] != "malmbo@example.se" {
			t.Errorf("the other official's export: %v", rows)
		}
	})
}
