package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

const pxwebFile = "\"Folkmängd efter region, ålder och år\"\n\n" +
	"\"region\";\"ålder\";\"Folkmängd 2019\";\"Folkmängd 2020\"\n" +
	"\"0482 Flen\";\"0-19 år\";3210;3254\n" +
	"\"0482 Flen\";\"20-64 år\";8011;7990\n" +
	"\"0482 Flen\";\"65+ år\";4102;..\n"

func TestFactsStoredAndLoaded(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		flen := mustCreateLocality(t, db, "flen", "Flen")
		malm := mustCreateLocality(t, db, "malmkoping", "Malmköping")
		official := mustCreateUser(t, db, "flen@example.se", ortsplan.RoleOfficial, "flen")
		ctx := sqltest.AsUser(context.Background(), official)

		f := &ortsplan.Fact{LocalityID: flen.ID, Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 6577, Source: " Wikipedia "}
		if err := db.SaveFact(ctx, f); err != nil || f.ID == 0 {
			t.Fatalf("save: %v", err)
		}
		// The same measure, label and year again replaces the value.
		again := &ortsplan.Fact{LocalityID: flen.ID, Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 6600, Source: "SCB"}
		if err := db.SaveFact(ctx, again); err != nil || again.ID != f.ID {
			t.Fatalf("replace: %v %d %d", err, again.ID, f.ID)
		}
		// Another locality's: refused, in the store.
		if err := db.SaveFact(ctx, &ortsplan.Fact{LocalityID: malm.ID, Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 2180, Source: "SCB"}); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("other locality: %v", err)
		}
		if err := db.SaveFact(context.Background(), &ortsplan.Fact{LocalityID: flen.ID, Measure: ortsplan.MeasurePopulation, Year: 2021, Value: 1, Source: "x"}); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("nobody: %v", err)
		}
		// An import: the figures of the file, ".." left out.
		tbl, err := ortsplan.ParsePxWeb([]byte(pxwebFile))
		if err != nil {
			t.Fatal(err)
		}
		facts, err := ortsplan.ImportFacts(flen.ID, ortsplan.MeasureAgeGroup, "SCB, BE0101", tbl)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.StoreFacts(ctx, flen.ID, facts); err != nil {
			t.Fatalf("store: %v", err)
		}
		got, err := db.Facts(context.Background(), flen.ID)
		if err != nil || len(got) != 6 {
			t.Fatalf("facts %v %d", err, len(got))
		}
		if got[0].Measure != ortsplan.MeasureAgeGroup || got[0].Label != "0-19 år" || got[0].Year != 2019 || got[0].Value != 3210 || got[0].Source != "SCB, BE0101" {
			t.Errorf("first %+v", got[0])
		}
		if p := got[5]; p.Measure != ortsplan.MeasurePopulation || p.Value != 6600 || p.Source != "SCB" {
			t.Errorf("population %+v", p)
		}
		page, err := db.FactPage(context.Background(), flen.ID, 0, 4)
		if err != nil || len(page) != 4 || page[0].ID != f.ID {
			t.Fatalf("page %v %d", err, len(page))
		}
		if rest, _ := db.FactPage(context.Background(), flen.ID, page[3].ID, 4); len(rest) != 2 {
			t.Errorf("second page %d", len(rest))
		}
		if other, _ := db.Facts(context.Background(), malm.ID); len(other) != 0 {
			t.Errorf("another locality's facts %d", len(other))
		}
		// Deleting: gone, and the history tells.
		if err := db.DeleteFact(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
		revs, _ := db.Revisions(sqltest.System(), flen.ID)
		var kinds []string
		for _, r := range revs {
			kinds = append(kinds, r.Kind+"."+r.Action)
		}
		if got := fmtSlice(kinds); got != "[fact.deleted facts.imported fact.updated fact.created locality.created]" {
			t.Errorf("history %s", got)
		}
	})
}

// TestFactImportAllOrNothing: a file with bad rows is refused with their
// line numbers and stores nothing; so is an import refused in the store
// (a bad fact, or the right), whatever came before it in the list.
func TestFactImportAllOrNothing(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		flen := mustCreateLocality(t, db, "flen", "Flen")
		mustCreateLocality(t, db, "malmkoping", "Malmköping")
		official := mustCreateUser(t, db, "flen@example.se", ortsplan.RoleOfficial, "flen")
		other := mustCreateUser(t, db, "malm@example.se", ortsplan.RoleOfficial, "malmkoping")
		ctx := sqltest.AsUser(context.Background(), official)
		before := sqltest.Digest(t, db)

		bad := pxwebFile + "\"0482 Flen\";\"80+ år\";tusen;12\n\"0482 Flen\";\"0-19 år\";1;2\n"
		_, err := ortsplan.ParsePxWeb([]byte(bad))
		ie := ortsplan.ImportErrorOf(err)
		if ie == nil || len(ie.Lines) != 3 || ie.Lines[0].Line != 7 || ie.Lines[1].Line != 8 || ie.Lines[1].Key != "facts.import.repeated" || ie.Lines[1].Value != "4" {
			t.Fatalf("refusal %+v", ie)
		}

		tbl, _ := ortsplan.ParsePxWeb([]byte(pxwebFile))
		facts, _ := ortsplan.ImportFacts(flen.ID, ortsplan.MeasureAgeGroup, "SCB", tbl)
		facts = append(facts, &ortsplan.Fact{Measure: ortsplan.MeasureAgeGroup, Label: "0-19 år", Year: 1700, Value: 1, Source: "SCB", Line: 9},
			&ortsplan.Fact{Measure: ortsplan.MeasureAgeGroup, Label: "0-19 år", Year: 2019, Value: 1, Source: "SCB", Line: 10})
		err = db.StoreFacts(ctx, flen.ID, facts)
		ie = ortsplan.ImportErrorOf(err)
		if ie == nil || len(ie.Lines) != 2 || ie.Lines[0] != (ortsplan.LineError{Line: 9, Key: "facts.import.bad_year"}) ||
			ie.Lines[1] != (ortsplan.LineError{Line: 10, Key: "facts.import.repeated", Value: "4"}) {
			t.Fatalf("store refusal %v %+v", err, ie)
		}
		good, _ := ortsplan.ImportFacts(flen.ID, ortsplan.MeasureAgeGroup, "SCB", tbl)
		if err := db.StoreFacts(sqltest.AsUser(context.Background(), other), flen.ID, good); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("another locality's official: %v", err)
		}
		if changed := sqltest.Changed(before, sqltest.Digest(t, db)); len(changed) > 0 {
			t.Fatalf("refused imports changed %v", changed)
		}
		if fs, _ := db.Facts(context.Background(), flen.ID); len(fs) != 0 {
			t.Fatalf("stored %d facts", len(fs))
		}
		// The same facts, fine on their own, are stored together.
		if err := db.StoreFacts(ctx, flen.ID, good); err != nil {
			t.Fatal(err)
		}
		if fs, _ := db.Facts(context.Background(), flen.ID); len(fs) != 5 {
			t.Fatalf("stored %d facts, want 5", len(fs))
		}
	})
}

func TestHistoryTextVersioned(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		l := mustCreateLocality(t, db, "halleforsnas", "Hälleforsnäs")
		ctx := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "h@example.se", ortsplan.RoleOfficial, "halleforsnas"))
		h, err := db.FindHistory(ctx, l.ID)
		if err != nil || h.Version != 0 || h.Body != "" {
			t.Fatalf("%v %+v", err, h)
		}
		h.Body = "Bruket grundades 1659."
		if err := db.SaveHistory(ctx, h); err != nil || h.Version != 1 {
			t.Fatalf("%v %+v", err, h)
		}
		stale := &ortsplan.LocalityHistory{LocalityID: l.ID, Body: "Annat", Version: 0}
		if err := db.SaveHistory(ctx, stale); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("stale: %v", err)
		}
		h.Body += "\n\nJärnbruket lades ner 1991."
		if err := db.SaveHistory(ctx, h); err != nil || h.Version != 2 {
			t.Fatal(err)
		}
		got, _ := db.FindHistory(context.Background(), l.ID)
		if got.Body != h.Body || got.Version != 2 {
			t.Errorf("%+v", got)
		}
		revs, _ := db.Revisions(sqltest.System(), l.ID)
		if len(revs) < 2 || revs[0].Kind != "history_text" || revs[0].Action != "updated" || revs[0].Body != h.Body || revs[1].Action != "created" || revs[1].Body != "Bruket grundades 1659." {
			t.Errorf("revisions %+v", revs[:2])
		}
	})
}

func TestSWOTVersioned(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		l := mustCreateLocality(t, db, "halleforsnas", "Hälleforsnäs")
		malm := mustCreateLocality(t, db, "malmkoping", "Malmköping")
		official := mustCreateUser(t, db, "h@example.se", ortsplan.RoleOfficial, "halleforsnas")
		other := mustCreateUser(t, db, "m@example.se", ortsplan.RoleOfficial, "malmkoping")
		ctx := sqltest.AsUser(context.Background(), official)
		m := newMeeting(t, db, l, time.Date(2011, 4, 6, 18, 0, 0, 0, time.UTC), 0)
		elsewhere := newMeeting(t, db, malm, time.Date(2011, 5, 5, 18, 0, 0, 0, time.UTC), 0)

		it := &ortsplan.SWOTItem{LocalityID: l.ID, Kind: ortsplan.SWOTStrength, Text: "Bruksmiljön och Brukssjön", MeetingID: m.ID}
		if err := db.SaveSWOTItem(ctx, it); err != nil || it.ID == 0 || it.Position != 1 {
			t.Fatalf("%v %+v", err, it)
		}
		threat := &ortsplan.SWOTItem{LocalityID: l.ID, Kind: ortsplan.SWOTThreat, Text: "Butiken kan stänga", Source: "Enkät 2011"}
		if err := db.SaveSWOTItem(ctx, threat); err != nil {
			t.Fatal(err)
		}
		// A meeting of another locality is no source; another's official may not edit.
		if err := db.SaveSWOTItem(ctx, &ortsplan.SWOTItem{LocalityID: l.ID, Kind: ortsplan.SWOTWeakness, Text: "x", MeetingID: elsewhere.ID}); ortsplan.FieldErrors(err)["meeting"] == "" {
			t.Fatalf("meeting elsewhere: %v", err)
		}
		moved := *it
		moved.LocalityID = malm.ID // the row's locality decides, not this
		moved.Text = "Ändrat av fel person"
		if err := db.SaveSWOTItem(sqltest.AsUser(context.Background(), other), &moved); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("other official: %v", err)
		}
		if err := db.DeleteSWOTItem(sqltest.AsUser(context.Background(), other), it.ID); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("other official deletes: %v", err)
		}
		it.Text = "Bruksmiljön, Brukssjön och skogen"
		it.Kind = ortsplan.SWOTOpportunity
		if err := db.SaveSWOTItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		items, err := db.SWOT(context.Background(), l.ID)
		if err != nil || len(items) != 2 {
			t.Fatalf("%v %d", err, len(items))
		}
		by := ortsplan.SWOTByKind(items)
		if o := by[ortsplan.SWOTOpportunity]; len(o) != 1 || o[0].Text != it.Text || o[0].MeetingTitle != m.Title || o[0].MeetingID != m.ID {
			t.Errorf("opportunity %+v", o)
		}
		if th := by[ortsplan.SWOTThreat]; len(th) != 1 || th[0].Source != "Enkät 2011" || th[0].MeetingID != 0 {
			t.Errorf("threat %+v", th)
		}
		if err := db.DeleteSWOTItem(ctx, threat.ID); err != nil {
			t.Fatal(err)
		}
		if all, _ := db.SWOTPage(context.Background(), 0, 0, 10); len(all) != 1 {
			t.Errorf("page %d", len(all))
		}
		// The history: every version with its text, the source as a change.
		revs, _ := db.Revisions(sqltest.System(), l.ID)
		var got []string
		for _, r := range revs {
			if r.Kind == "swot" {
				got = append(got, r.Action+":"+r.Body)
			}
		}
		want := "[deleted: updated:Bruksmiljön, Brukssjön och skogen created:Butiken kan stänga created:Bruksmiljön och Brukssjön]"
		if fmtSlice(got) != want {
			t.Errorf("swot history %s\nwant %s", fmtSlice(got), want)
		}
		for _, r := range revs {
			if r.Kind == "swot" && r.Action == "created" && r.EntityID == it.ID {
				if len(r.Changes) != 2 || r.Changes[1].Field != "swot_source" || r.Changes[1].To != m.Title {
					t.Errorf("changes %+v", r.Changes)
				}
			}
		}
	})
}

// TestDemoFacts: the demo carries the populations the facts file gives
// (Hälleforsnäs's read through the CSV import), distances to Flen, and a
// SWOT for Hälleforsnäs whose points from the first stormöte link to it.
func TestDemoFacts(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := demo.Load(context.Background(), db, nil); err != nil {
			t.Fatal(err)
		}
		pop := map[string]float64{}
		for _, slug := range []string{"flen", "malmkoping", "halleforsnas", "mellosa"} {
			l, _ := db.FindLocality(sqltest.System(), slug)
			fs, err := db.Facts(context.Background(), l.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Measure == ortsplan.MeasurePopulation {
					pop[slug+" "+fmt.Sprint(f.Year)] = f.Value
					if f.Source == "" {
						t.Errorf("%s: no source", slug)
					}
				}
			}
		}
		want := map[string]float64{"flen 2020": 6577, "malmkoping 2020": 2180, "halleforsnas 2015": 1624}
		if fmt.Sprint(pop) != fmt.Sprint(want) {
			t.Errorf("populations %v, want %v (Mellösa's is unknown)", pop, want)
		}
		h, _ := db.FindLocality(sqltest.System(), "halleforsnas")
		items, err := db.SWOT(context.Background(), h.ID)
		if err != nil {
			t.Fatal(err)
		}
		by := ortsplan.SWOTByKind(items)
		for _, k := range ortsplan.SWOTKinds {
			if len(by[k]) == 0 {
				t.Errorf("no %s in Hälleforsnäs's SWOT", k)
			}
		}
		if s := by[ortsplan.SWOTStrength][0]; s.MeetingTitle != "Första stormötet i Hälleforsnäs" || s.MeetingDate.Year() != 2011 {
			t.Errorf("strength's source %+v", s)
		}
		hist, _ := db.FindHistory(context.Background(), h.ID)
		if !strings.Contains(hist.Body, "6 april 2011") {
			t.Errorf("history text %q", hist.Body)
		}
	})
}
