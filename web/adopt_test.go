package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// A vision or plan is marked fastställd only with the day of the decision
// and the body that made it; without them the form comes back with a
// message at each field and everything typed kept.
func TestAdoptedNeedsDecisionDateAndBody(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		b := s.browser()
		b.login("kim@example.se", testPassword)
		bettna := mustLocality(t, db, "bettna")

		for _, path := range []string{"/orter/bettna/vision/redigera", "/orter/bettna/handlingsplan/redigera"} {
			f := formValues(b.get(path), path)
			f.Set("status", string(ortsplan.StatusAdopted))
			f.Set("decision_date", "")
			f.Set("decision_body", "  ")
			f.Set("decision_reference", "KS 2026/17")
			if f.Has("body") {
				f.Set("body", "Bettna är en ort där alla vill bo.")
			}
			r := b.post(path, f)
			wantStatus(t, r, http.StatusBadRequest)
			summary := text(r, ".error-summary")
			if !strings.Contains(summary, "Skriv datumet för beslutet") || !strings.Contains(summary, "Skriv vem som fattade beslutet") {
				t.Fatalf("%s: the summary does not ask for the date and the body: %q", path, summary)
			}
			if r.Doc.Find(`#f-decision_date[aria-invalid="true"]`).Length() != 1 || r.Doc.Find(`#f-decision_body[aria-invalid="true"]`).Length() != 1 {
				t.Fatalf("%s: the fields are not marked invalid", path)
			}
			if got := r.Doc.Find("#f-decision_reference").AttrOr("value", ""); got != "KS 2026/17" {
				t.Fatalf("%s: the typed reference was lost: %q", path, got)
			}
			if f.Has("body") && r.Doc.Find("#f-body").Text() != "Bettna är en ort där alla vill bo." {
				t.Fatalf("%s: the typed text was lost", path)
			}

			// With both, it is adopted.
			f.Set("decision_date", "2026-11-30")
			f.Set("decision_body", "Kommunfullmäktige")
			wantStatus(t, b.post(path, f), http.StatusSeeOther)
		}
		v, err := db.FindVision(sqltest.System(), bettna.ID)
		if err != nil || v.Status != ortsplan.StatusAdopted || v.Decision.Body != "Kommunfullmäktige" || v.Decision.On.Format("2006-01-02") != "2026-11-30" {
			t.Fatalf("vision stored as %+v (%v)", v, err)
		}
		p, err := db.FindPlan(sqltest.System(), bettna.ID)
		if err != nil || p.Status != ortsplan.StatusAdopted || p.Decision.On.IsZero() {
			t.Fatalf("plan stored as %+v (%v)", p, err)
		}
		// A draft needs neither.
		f := formValues(b.get("/orter/mellosa/vision/redigera"), "/orter/mellosa/vision/redigera")
		f.Set("title", "Mellösas vision")
		f.Set("status", string(ortsplan.StatusDraft))
		wantStatus(t, b.post("/orter/mellosa/vision/redigera", f), http.StatusSeeOther)
	})
}
