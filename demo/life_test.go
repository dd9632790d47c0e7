package demo_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/media"
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

// TestDemoShowsTheProcessAlive: the demo has about 40 ideas in every
// locality, with supports, comments, an answer of every kind and one idea
// that became a plan action; one hidden comment with its reason; sign-ups in
// every state, one waiting too long; confirmed registrations for the
// meetings to come, one on the waiting list; and a picture with an alt text
// for each locality with a plan.
func TestDemoShowsTheProcessAlive(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		st, err := media.NewDirStorage(filepath.Join(t.TempDir(), "files"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(context.Background(), db, st); err != nil {
			t.Fatal(err)
		}
		ctx := sqltest.System()
		all, err := db.Ideas(ctx, 0, ortsplan.SortNewest)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 36 || len(all) > 45 {
			t.Errorf("%d ideas, want about 40", len(all))
		}
		statuses, places, supports, comments, linked := map[ortsplan.IdeaStatus]int{}, map[string]bool{}, 0, 0, 0
		for _, i := range all {
			statuses[i.Status]++
			places[i.LocalitySlug] = true
			supports += i.Supports
			comments += i.Comments
			if i.ActionID > 0 {
				linked++
				if i.Status != ortsplan.IdeaInPlan || i.ActionTitle == "" {
					t.Errorf("idea %q is linked to action %d %q with status %s", i.Title, i.ActionID, i.ActionTitle, i.Status)
				}
			}
			if i.CreatedAt.After(db.Now()) || (i.Status != ortsplan.IdeaNew && !i.AnsweredAt.After(i.CreatedAt)) {
				t.Errorf("idea %q proposed %s, answered %s", i.Title, i.CreatedAt, i.AnsweredAt)
			}
		}
		for _, s := range ortsplan.IdeaStatuses {
			if statuses[s] == 0 {
				t.Errorf("no idea answered %q: %v", s, statuses)
			}
		}
		if len(places) != len(demo.Localities()) || supports < 200 || comments < 15 || linked != 1 {
			t.Errorf("ideas in %d localities, %d supports, %d comments, %d linked to an action", len(places), supports, comments, linked)
		}
		hidden := 0
		for _, i := range all {
			if i.Comments == 0 {
				continue
			}
			page, err := db.Comments(ctx, i.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Comments {
				for _, c := range append([]*ortsplan.Comment{c}, c.Replies...) {
					if c.Hidden() {
						hidden++
						if c.HiddenReason == "" {
							t.Errorf("comment %d hidden without a reason", c.ID)
						}
					}
				}
			}
		}
		if hidden != 1 {
			t.Errorf("%d hidden comments, want 1", hidden)
		}
		sus, err := db.SignUps(ctx, ortsplan.SignUpFilter{})
		if err != nil {
			t.Fatal(err)
		}
		states, waiting := map[ortsplan.SignUpStatus]int{}, 0
		for _, s := range sus {
			states[s.Status]++
			if s.Waiting(db.Now()) {
				waiting++
			}
		}
		for _, s := range ortsplan.SignUpStatuses {
			if states[s] == 0 {
				t.Errorf("no sign-up %q: %v", s, states)
			}
		}
		if waiting != 1 {
			t.Errorf("%d sign-ups wait too long, want 1", waiting)
		}
		ms, err := db.Meetings(ctx, ortsplan.MeetingFilter{From: db.Now()})
		if err != nil {
			t.Fatal(err)
		}
		registered, waitlisted := 0, 0
		for _, m := range ms {
			rs, err := db.Registrations(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.ConfirmedAt.IsZero() || !r.CreatedAt.Before(m.Start) {
					t.Errorf("registration %s for %q: confirmed %s, made %s", r.Name, m.Title, r.ConfirmedAt, r.CreatedAt)
				}
				if r.Waitlisted {
					waitlisted++
				} else {
					registered++
				}
			}
		}
		if registered < 8 || waitlisted != 1 {
			t.Errorf("%d registrations for the meetings to come, %d on a waiting list", registered, waitlisted)
		}
		pictures := 0
		for _, l := range demo.Localities() {
			loc, err := db.FindLocality(ctx, l.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if len(loc.Image) > 0 {
				pictures++
				if loc.ImageAlt == "" {
					t.Errorf("%s: a picture without an alt text", l.Slug)
				}
			}
		}
		if pictures != 5 {
			t.Errorf("%d localities with a picture, want the 5 with a plan", pictures)
		}
	})
}

// TestDemoQuickfixes checks the demo's quickfix grants: Skebokvarn's notice
// pillar granted, reported and paid, a second one reported and a third
// waiting for a decision, within the years' budgets.
func TestDemoQuickfixes(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		st, err := media.NewDirStorage(filepath.Join(t.TempDir(), "files"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(context.Background(), db, st); err != nil {
			t.Fatal(err)
		}
		ctx := sqltest.System()
		public, err := db.Quickfixes(context.Background(), ortsplan.QuickfixFilter{})
		if err != nil {
			t.Fatal(err)
		}
		bySlug := map[string]*ortsplan.Quickfix{}
		for _, q := range public {
			bySlug[q.LocalitySlug] = q
		}
		sk := bySlug["skebokvarn"]
		if len(public) != 2 || sk == nil || sk.Status != ortsplan.QuickfixPaid || !strings.Contains(sk.Title, "Anslagstavla") ||
			sk.PaidAmount != sk.Amount || bySlug["halleforsnas"] == nil || bySlug["halleforsnas"].Status != ortsplan.QuickfixReported {
			t.Fatalf("public quickfixes: %+v", public)
		}
		full, err := db.FindQuickfix(ctx, sk.ID)
		if err != nil || len(full.Photos) != 1 || len(full.Events) != 4 || full.Report == "" {
			t.Fatalf("notice pillar: %+v %v", full, err)
		}
		coord, err := db.FindUserByEmail(ctx, "samordnare@ortsplan.example")
		if err != nil {
			t.Fatal(err)
		}
		waiting, err := db.Quickfixes(sqltest.AsUser(context.Background(), coord), ortsplan.QuickfixFilter{Waiting: true})
		if err != nil || len(waiting) != 1 || waiting[0].LocalitySlug != "bettna" {
			t.Fatalf("waiting: %v %v", waiting, err)
		}
		granted := int64(0)
		for y := time.Now().Year() - 3; y <= time.Now().Year(); y++ {
			bs, err := db.QuickfixBudgets(ctx, y)
			if err != nil {
				t.Fatal(err)
			}
			granted += bs[0].Granted
			if bs[0].Remaining() < 0 {
				t.Fatalf("budget %d below zero", y)
			}
		}
		if granted != sk.Amount+bySlug["halleforsnas"].Amount {
			t.Fatalf("granted from the budgets: %d", granted)
		}
	})
}

// TestDemoRevisionsAndMatters: Sparreholm and Skebokvarn have a 2012 and a
// 2015 revision, each freezing the plan as it stood that day, and Bettna's
// lighting matter carries Trafikverket's answer.
func TestDemoRevisionsAndMatters(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := demo.Load(context.Background(), db, nil); err != nil {
			t.Fatal(err)
		}
		ctx := sqltest.System()
		titles := func(cs []ortsplan.EditionChange) string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Action.Title)
			}
			return strings.Join(out, "; ")
		}
		for slug, want := range map[string][4]string{
			"sparreholm": {"Bänkar och papperskorgar vid badplatsen", "Översyn av hastighetsgränserna", "Ta fram detaljplan", ""},
			"skebokvarn": {"Anslagspelare", "Nya badbryggor; Ramp vid badplatsen", "", ""},
		} {
			l, err := db.FindLocality(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			es, err := db.Editions(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 2 || es[0].Year != 2012 || es[1].Year != 2015 {
				t.Fatalf("%s: %d revisions", slug, len(es))
			}
			d := ortsplan.CompareEditions(es[0].Snapshot, es[1].Snapshot)
			got := [4]string{titles(d.Added), titles(d.Finished), titles(d.Changed), titles(d.Dropped)}
			if got != want {
				t.Errorf("%s 2012 → 2015: added, finished, changed, dropped = %q, want %q", slug, got, want)
			}
			for _, e := range es {
				if e.CreatedAt.Format("2006-01-02") != e.Decision.On.Format("2006-01-02") {
					t.Errorf("%s %d: made %s, decided %s", slug, e.Year, e.CreatedAt, e.Decision.On)
				}
			}
		}
		bettna, _ := db.FindLocality(ctx, "bettna")
		ms, _, err := db.Matters(ortsplan.NewAnonymousContext(context.Background()), ortsplan.MatterFilter{LocalityID: bettna.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Recipient != "Trafikverket" || ms[0].Status != ortsplan.MatterRefused ||
			!strings.Contains(ms[0].Answer, "förskottera") || ms[0].ActionTitle == "" || ms[0].GroupName == "" {
			t.Fatalf("Bettna's matters: %+v", ms)
		}
		all, _, err := db.Matters(ctx, ortsplan.MatterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, m := range all {
			if ortsplan.MatterOverdue(m, time.Now()) {
				overdue++
			}
		}
		if len(all) != 3 || overdue != 1 {
			t.Errorf("%d matters, %d overdue; want 3 and 1", len(all), overdue)
		}
	})
}
