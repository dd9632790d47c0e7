package sqlstore_test

import (
	"context"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func fptr(x float64) *float64 { return &x }

// TestPlaces: an action and an idea keep the place they are given, a place
// far from the locality's own point is refused with nothing stored, a
// changed place is in the history, and the locality's map lists only its
// ideas with a point.
func TestPlaces(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		other := mustCreateLocality(t, db, "vadsbro", "Vadsbro")
		_, err := db.SQL().ExecContext(ctx, "UPDATE localities SET lat = 58.9237, lon = 16.6369 WHERE id = $1 OR id = $2", l.ID, other.ID)
		must(t, err)
		theme := &ortsplan.Theme{LocalityID: l.ID, Title: "Trafik"}
		must(t, db.SaveTheme(ctx, theme))
		a := &ortsplan.Action{ThemeID: theme.ID, Title: "Belysning vid korsningen", Status: ortsplan.ActionOngoing,
			Place: ortsplan.Place{Lat: fptr(58.9301), Lon: fptr(16.6412), Address: " Korsningen väg 221/52 "}}
		must(t, db.SaveAction(ctx, a))
		p, err := db.FindPlan(ctx, l.ID)
		must(t, err)
		got := p.FindAction(a.ID)
		if got == nil || !got.Place.HasPoint() || *got.Place.Lat != 58.9301 || *got.Place.Lon != 16.6412 || got.Place.Address != "Korsningen väg 221/52" {
			t.Fatalf("stored place %+v", got)
		}

		res := mustResident(t, db, "bo@example.se", "Bo", l.ID)
		asRes := sqltest.AsResident(context.Background(), res)
		before := sqltest.Digest(t, db)
		far := *got
		far.Place = ortsplan.Place{Lat: fptr(16.6412), Lon: fptr(58.9301)} // swapped
		if err := db.SaveAction(ctx, &far); ortsplan.FieldErrors(err)["place_lat"] != "error.place_too_far" {
			t.Fatalf("a place far away: %v", err)
		}
		if err := db.CreateIdea(asRes, &ortsplan.Idea{LocalityID: l.ID, Title: "Bänk", Body: "Vid sjön",
			Place: ortsplan.Place{Lat: fptr(59.5), Lon: fptr(16.6)}}); ortsplan.FieldErrors(err)["place_lat"] != "error.place_too_far" {
			t.Fatalf("an idea far away: %v", err)
		}
		if changed := sqltest.Changed(before, sqltest.Digest(t, db)); len(changed) != 0 {
			t.Fatalf("refused places changed %v", changed)
		}

		// Moving the point is a change of its own in the history.
		moved := *got
		moved.Place.Lat = fptr(58.9288)
		must(t, db.SaveAction(ctx, &moved))
		revs, err := db.Revisions(ctx, l.ID)
		must(t, err)
		found := false
		for _, r := range revs {
			for _, c := range r.Changes {
				if c.Field == "place" && c.From == "58.9301, 16.6412 · Korsningen väg 221/52" && c.To == "58.9288, 16.6412 · Korsningen väg 221/52" {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("the moved place is not in the history: %+v", revs)
		}

		placed := &ortsplan.Idea{LocalityID: l.ID, Title: "Badplats", Body: "Vid sjön", Place: ortsplan.Place{Lat: fptr(58.92), Lon: fptr(16.63)}}
		must(t, db.CreateIdea(asRes, placed))
		must(t, db.CreateIdea(asRes, &ortsplan.Idea{LocalityID: l.ID, Title: "Mer buss", Body: "Oftare", Place: ortsplan.Place{Address: "Hela orten"}}))
		resO := mustResident(t, db, "vo@example.se", "Vo", other.ID)
		must(t, db.CreateIdea(sqltest.AsResident(context.Background(), resO), &ortsplan.Idea{LocalityID: other.ID, Title: "Lekplats", Body: "I byn",
			Place: ortsplan.Place{Lat: fptr(58.92), Lon: fptr(16.63)}}))
		list, err := db.IdeaPage(ctx, ortsplan.IdeaPageQuery{LocalityID: l.ID, Placed: true, Limit: 200})
		must(t, err)
		if len(list) != 1 || list[0].ID != placed.ID || *list[0].Place.Lat != 58.92 {
			t.Fatalf("placed ideas of Bettna: %+v", list)
		}
	})
}
