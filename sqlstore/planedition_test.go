package sqlstore_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func snapJSON(t *testing.T, s *ortsplan.PlanSnapshot) string {
	t.Helper()
	b, err := json.Marshal(s)
	must(t, err)
	return string(b)
}

func editionIDs(cs []ortsplan.EditionChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Action.Title)
	}
	return out
}

// TestEditionSnapshotStaysUnchanged makes Sparreholm's 2012 edition, edits
// the plan and vision in every way staff can, and finds the edition as it
// was made; the 2015 edition then tells what happened in between.
func TestEditionSnapshotStaysUnchanged(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "sparreholm", "Sparreholm")
		must(t, db.SaveVision(ctx, &ortsplan.Vision{LocalityID: l.ID, Title: "Sparreholm 2019", Body: "Ett levande Sparreholm.",
			Status: ortsplan.StatusAdopted, Decision: ortsplan.Decision{On: date("2012-04-26"), Body: "Kommunfullmäktige"}}))
		must(t, db.SavePlan(ctx, &ortsplan.Plan{LocalityID: l.ID, Status: ortsplan.StatusDraft}))
		boende := &ortsplan.Theme{LocalityID: l.ID, Title: "Boende"}
		trafik := &ortsplan.Theme{LocalityID: l.ID, Title: "Trafik"}
		must(t, db.SaveTheme(ctx, boende))
		must(t, db.SaveTheme(ctx, trafik))
		kapellet := &ortsplan.Action{ThemeID: boende.ID, Title: "Seniorboende vid Kapellet", Status: ortsplan.ActionOngoing, Progress: 20,
			ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnad", End: date("2014-12-31"), Funding: "Kommunens budget"}
		lis := &ortsplan.Action{ThemeID: boende.ID, Title: "LIS-områden", Status: ortsplan.ActionNotStarted}
		hast := &ortsplan.Action{ThemeID: trafik.ID, Title: "Se över hastigheterna", Status: ortsplan.ActionOngoing}
		gangvag := &ortsplan.Action{ThemeID: trafik.ID, Title: "Gångväg Spårvägen–Nyköpingsvägen", Status: ortsplan.ActionNotStarted}
		for _, a := range []*ortsplan.Action{kapellet, lis, hast, gangvag} {
			must(t, db.SaveAction(ctx, a))
		}
		detalj := &ortsplan.Action{ThemeID: boende.ID, ParentID: kapellet.ID, Title: "Detaljplan för Kapellet", Status: ortsplan.ActionDone}
		must(t, db.SaveAction(ctx, detalj))

		e12 := &ortsplan.PlanEdition{LocalityID: l.ID, Year: 2012, Decision: ortsplan.Decision{On: date("2012-04-26"), Body: "Kommunfullmäktige", Reference: "KS 2012/45"}}
		must(t, db.MakeEdition(ctx, e12))
		if e12.Counts.Total != 5 || e12.Counts.Done != 1 || len(e12.Snapshot.Actions) != 5 || e12.Snapshot.VisionTitle != "Sparreholm 2019" {
			t.Fatalf("2012 edition: %+v %+v", e12.Counts, e12.Snapshot)
		}
		frozen := snapJSON(t, e12.Snapshot)

		// Everything changes afterwards.
		p, err := db.FindPlan(ctx, l.ID)
		must(t, err)
		if !p.NextReview.Equal(date("2013-04-26")) {
			t.Errorf("next review = %v, want a year after the decision", p.NextReview)
		}
		a := *p.FindAction(hast.ID)
		a.Status, a.Title, a.Funding, a.Children = ortsplan.ActionDone, "Hastigheterna sänkta", "Trafikverket", nil
		must(t, db.SaveAction(ctx, &a))
		a = *p.FindAction(kapellet.ID)
		a.Progress, a.End, a.Children = 60, date("2016-06-30"), nil
		must(t, db.SaveAction(ctx, &a))
		a = *p.FindAction(gangvag.ID)
		a.Status, a.Children = ortsplan.ActionCancelled, nil
		must(t, db.SaveAction(ctx, &a))
		must(t, db.ArchiveAction(ctx, lis.ID, "Ingår i översiktsplanen"))
		must(t, db.SaveAction(ctx, &ortsplan.Action{ThemeID: trafik.ID, Title: "Gång- och cykelväg till kyrkan", Status: ortsplan.ActionNotStarted}))
		v, err := db.FindVision(ctx, l.ID)
		must(t, err)
		v.Body = "Ett annat Sparreholm."
		must(t, db.SaveVision(ctx, v))
		must(t, db.SaveTheme(ctx, &ortsplan.Theme{ID: trafik.ID, LocalityID: l.ID, Title: "Trafik och gator", Version: 1}))

		got, err := db.FindEdition(ctx, l.ID, 2012)
		must(t, err)
		if snapJSON(t, got.Snapshot) != frozen {
			t.Fatalf("the 2012 edition changed:\n%s\nwas\n%s", snapJSON(t, got.Snapshot), frozen)
		}
		if got.Decision != e12.Decision || got.Counts != e12.Counts {
			t.Errorf("decision or counts changed: %+v %+v", got.Decision, got.Counts)
		}
		// Not even the database lets it change.
		if _, err := db.SQL().ExecContext(ctx, "UPDATE plan_editions SET snapshot = '{}' WHERE id = $1", e12.ID); err == nil {
			t.Error("an edition was updated")
		}
		if _, err := db.SQL().ExecContext(ctx, "DELETE FROM plan_editions WHERE id = $1", e12.ID); err == nil {
			t.Error("an edition was deleted")
		}

		// The effects dashboard counts the revision (and is kept under the counter).
		eff, err := db.Effects(ctx, l.ID, ortsplan.PeriodYear)
		must(t, err)
		if len(eff.Revisions) != 1 || eff.Revisions[0] != (ortsplan.EditionYear{Year: 2012, Revisions: 1, Total: 5, Done: 1, Added: 5, Finished: 1}) {
			t.Fatalf("effects revisions before 2015: %+v", eff.Revisions)
		}
		e15 := &ortsplan.PlanEdition{LocalityID: l.ID, Year: 2015, Decision: ortsplan.Decision{On: date("2015-10-05"), Body: "Kommunstyrelsen"}}
		must(t, db.MakeEdition(ctx, e15))
		d := ortsplan.CompareEditions(got.Snapshot, e15.Snapshot)
		for _, c := range []struct {
			what      string
			got, want []string
		}{
			{"added", editionIDs(d.Added), []string{"Gång- och cykelväg till kyrkan"}},
			{"finished", editionIDs(d.Finished), []string{"Hastigheterna sänkta"}},
			{"changed", editionIDs(d.Changed), []string{"Seniorboende vid Kapellet"}},
			{"dropped", editionIDs(d.Dropped), []string{"Gångväg Spårvägen–Nyköpingsvägen", "LIS-områden"}},
		} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
			}
		}
		if f := d.Changed[0].Fields; !slices.Equal(f, []string{"progress", "end"}) {
			t.Errorf("changed fields = %v", f)
		}

		for _, scope := range []int64{l.ID, 0} {
			eff, err := db.Effects(ctx, scope, ortsplan.PeriodYear)
			must(t, err)
			// 2015: of the four actions left (one archived), the renamed one and the sub-action are done,
			// the footpath is cancelled; one was finished and one added since 2012.
			want := ortsplan.EditionYear{Year: 2015, Revisions: 1, Total: 4, Done: 2, Added: 1, Finished: 1}
			if len(eff.Revisions) != 2 || eff.Revisions[1] != want {
				t.Errorf("effects revisions of scope %d: %+v, want 2015 %+v", scope, eff.Revisions, want)
			}
		}
		// Revisions go forward, one a year.
		for year, key := range map[int]string{2015: "edition.year_taken", 2013: "edition.year_before_latest"} {
			err := db.MakeEdition(ctx, &ortsplan.PlanEdition{LocalityID: l.ID, Year: year, Decision: ortsplan.Decision{On: date("2015-12-01"), Body: "Kommunstyrelsen"}})
			if ortsplan.FieldErrors(err)["year"] != key && ortsplan.FieldErrors(err)["decision_date"] == "" {
				t.Errorf("edition %d: %v, want %s", year, err, key)
			}
		}
		es, err := db.Editions(ctx, l.ID)
		must(t, err)
		if len(es) != 2 || es[0].Year != 2012 || es[1].Year != 2015 {
			t.Fatalf("editions = %d", len(es))
		}
		figs := ortsplan.EditionProgress(es)
		if figs[1].Finished != 1 || figs[1].Added != 1 || figs[1].Counts.Done != 2 {
			t.Errorf("2015 figures = %+v", figs[1])
		}
		if _, err := db.FindEdition(ctx, l.ID, 2013); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("FindEdition 2013: %v", err)
		}
		page, err := db.EditionPage(ctx, ortsplan.EditionPageQuery{LocalityID: l.ID, AfterID: e12.ID, Limit: 10})
		must(t, err)
		if len(page) != 1 || page[0].ID != e15.ID {
			t.Errorf("edition page after the first: %d", len(page))
		}
		// The history records the revision.
		revs, err := db.Revisions(ctx, l.ID)
		must(t, err)
		n := 0
		for _, r := range revs {
			if r.Kind == "plan" && r.Action == "revised" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d revisions of kind plan/revised, want 2", n)
		}
	})
}
