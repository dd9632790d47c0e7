package demo_test

import (
	"context"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestDemoEffectsTellTheRealYears: the demo's plan actions are counted as
// added and finished in the years the work was done (2011 on), not all in
// the quarter the demo was loaded, on both engines.
func TestDemoEffectsTellTheRealYears(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := demo.Load(context.Background(), db, nil); err != nil {
			t.Fatal(err)
		}
		ctx := sqltest.System()
		q, err := db.Effects(ctx, 0, ortsplan.PeriodQuarter)
		if err != nil {
			t.Fatal(err)
		}
		cur := q.Periods[len(q.Periods)-1]
		if cur.ActionsAdded > 3 || cur.ActionsDone > 3 {
			t.Errorf("this quarter: %d actions added, %d finished; want at most 3 of each", cur.ActionsAdded, cur.ActionsDone)
		}
		y, err := db.Effects(ctx, 0, ortsplan.PeriodYear)
		if err != nil {
			t.Fatal(err)
		}
		added, finished, total := map[int]int{}, map[int]int{}, 0
		for _, p := range y.Periods {
			if p.ActionsAdded > 0 {
				added[p.Start.Year()] += p.ActionsAdded
			}
			if p.ActionsDone > 0 {
				finished[p.Start.Year()] += p.ActionsDone
			}
			total += p.ActionsAdded
		}
		if total != y.Actions {
			t.Errorf("%d actions added over the years, %d actions in all", total, y.Actions)
		}
		if len(added) < 3 || len(finished) < 4 {
			t.Errorf("actions added in %v and finished in %v: want them spread over the years", added, finished)
		}
		if y.Periods[0].Start.Year() != 2011 {
			t.Errorf("the first year is %d, want 2011", y.Periods[0].Start.Year())
		}
		// Every history entry is dated when the work was done, before today.
		for _, l := range demo.Localities() {
			loc, err := db.FindLocality(ctx, l.Slug)
			if err != nil {
				t.Fatal(err)
			}
			revs, err := db.Revisions(ctx, loc.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range revs {
				if r.CreatedAt.Year() < 2011 || !r.CreatedAt.Before(db.Now()) {
					t.Errorf("%s: revision %q %s dated %s", l.Slug, r.Title, r.Action, r.CreatedAt)
				}
			}
		}
	})
}
