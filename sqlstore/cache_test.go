package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestCacheNeverServesWhatACommitChanged reproduces the interleaving that
// made the old MAX(revisions.id) stamp serve stale figures on PostgreSQL:
// writer A writes revision N and stays open, writer B writes N+1 and
// commits, a reader caches under the newest stamp, then A commits. Keyed on
// change counters, which A bumps in its own transaction, nothing read before
// A's commit is served after it: not the locality list, not the locality's
// overview, not the effects figures.
func TestCacheNeverServesWhatACommitChanged(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		malm := mustCreateLocality(t, db, "malmkoping", "Malmköping")
		flen := mustCreateLocality(t, db, "flen", "Flen")
		theme := &ortsplan.Theme{LocalityID: malm.ID, Title: "Torget"}
		must(t, db.SaveTheme(ctx, theme))
		action := &ortsplan.Action{ThemeID: theme.ID, Title: "Bänkar", Status: ortsplan.ActionNotStarted}
		must(t, db.SaveAction(ctx, action))
		other := &ortsplan.Theme{LocalityID: flen.ID, Title: "Stationen"}
		must(t, db.SaveTheme(ctx, other))

		progress := func() float64 {
			t.Helper()
			ls, err := db.LocalitySummaries(ctx)
			must(t, err)
			for _, l := range ls {
				if l.ID == malm.ID {
					return l.Progress
				}
			}
			t.Fatal("Malmköping missing")
			return 0
		}
		overview := func() float64 {
			t.Helper()
			o, err := db.LocalityOverview(ctx, "malmkoping")
			must(t, err)
			return o.Outline.Progress()
		}
		done := func() int {
			t.Helper()
			e, err := db.Effects(ctx, malm.ID, ortsplan.PeriodYear)
			must(t, err)
			return e.Total(func(p *ortsplan.EffectPeriod) int { return p.ActionsDone })
		}
		if progress() != 0 || overview() != 0 || done() != 0 {
			t.Fatal("figures before the change")
		}

		// A: finish the action and write its revision, and stay open.
		a, err := db.SQL().BeginTx(context.Background(), nil)
		must(t, err)
		defer a.Rollback()
		now := time.Now().UTC()
		if _, err := a.Exec("UPDATE actions SET status = 'genomford', progress = 100, updated_at = $1 WHERE id = $2", now, action.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Exec(`INSERT INTO revisions (locality_id, kind, entity_id, action, title, changes, draft, created_at)
			VALUES ($1, 'action', $2, 'updated', 'Bänkar', '[]', $3, $4)`, malm.ID, action.ID, false, now); err != nil {
			t.Fatal(err)
		}
		// B: another locality's change, through the service.
		bDone := make(chan error, 1)
		go func() {
			bDone <- db.SaveAction(ctx, &ortsplan.Action{ThemeID: other.ID, Title: "Cykelställ", Status: ortsplan.ActionOngoing})
		}()
		// With a stamp B would commit now; with counters it waits for A. Give
		// it the time it would need, then read either way.
		select {
		case err := <-bDone:
			bDone <- err
		case <-time.After(300 * time.Millisecond):
		}
		// The reader: what it sees now is A's state before the commit.
		if progress() != 0 || overview() != 0 || done() != 0 {
			t.Fatal("an uncommitted change was read")
		}
		must(t, a.Commit())
		must(t, <-bDone)
		if got := progress(); got != 100 {
			t.Fatalf("locality list after the commit: progress %v, want 100 (stale)", got)
		}
		if got := overview(); got != 100 {
			t.Fatalf("overview after the commit: progress %v, want 100 (stale)", got)
		}
		if got := done(); got != 1 {
			t.Fatalf("effects after the commit: %d actions done, want 1 (stale)", got)
		}
	})
}

// TestCacheKeepsWhatNoChangeTouched: reading twice without a change between
// does not read the records again, and changes that no cached value shows (a
// support) do not throw the figures away.
func TestCacheKeepsWhatNoChangeTouched(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		f := newRightsFixture(t, db)
		e1, err := db.Effects(ctx, f.other.ID, ortsplan.PeriodQuarter)
		must(t, err)
		must(t, db.Support(sqltest.AsResident(ctx, f.resident), f.idea.ID, true, ortsplan.IdeaThreshold{Supports: 10, Within: time.Hour}))
		e2, err := db.Effects(ctx, f.other.ID, ortsplan.PeriodQuarter)
		must(t, err)
		if e1 != e2 || e1.Version != e2.Version {
			t.Fatal("a support recomputed the effects")
		}
		hits := db.CacheStats().Hits
		if _, err := db.LocalitySummaries(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LocalitySummaries(ctx); err != nil {
			t.Fatal(err)
		}
		if db.CacheStats().Hits <= hits {
			t.Fatal("the second read of the locality list missed the cache")
		}
		must(t, db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: f.idea.ID, Status: ortsplan.IdeaReceived}))
		e3, err := db.Effects(ctx, f.other.ID, ortsplan.PeriodQuarter)
		must(t, err)
		if e3.Version <= e2.Version || e3.Total(func(p *ortsplan.EffectPeriod) int { return p.Answered }) != 1 {
			t.Fatalf("an answer did not reach the effects: version %d → %d", e2.Version, e3.Version)
		}
	})
}
