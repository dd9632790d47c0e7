package sqlstore_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// effectFigures is one period's figures in a comparable form.
func effectFigures(p ortsplan.EffectPeriod) string {
	return fmt.Sprintf("%s signups=%d joined=%d ages=%v meetings=%d registered=%d participants=%d proposed=%d answered=%d done=%d added=%d finished=%d",
		p.Key(), p.SignUps, p.Joined, p.SignUpsByAge, p.Meetings, p.Registered, p.Participants, p.Proposed, p.Answered, p.Done,
		p.ActionsAdded, p.ActionsDone)
}

func TestEffectsFiguresPerQuarterAndYear(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 8, 10, 10, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		other := mustCreateLocality(t, db, "flen", "Flen")
		g := &ortsplan.Group{LocalityID: l.ID, Slug: "bredband", Name: "Bredband", Kind: ortsplan.GroupWorking}
		must(db.SaveGroup(ctx, g))
		signUp := func(loc int64, age string) *ortsplan.SignUp {
			t.Helper()
			s := &ortsplan.SignUp{LocalityID: loc, Name: "Person", Phone: "070-111 22 33", AgeGroup: age}
			must(db.CreateSignUp(ctx, s))
			return s
		}
		_, anna := residentLogin(t, db, "anna@example.se", "Anna", l.ID)
		idea := func(loc int64) *ortsplan.Idea {
			t.Helper()
			i := &ortsplan.Idea{LocalityID: loc, ResidentID: anna.ID, Title: "En idé", Body: "Bra för orten."}
			must(db.CreateIdea(sqltest.AsResident(ctx, i.ResidentID), i))
			return i
		}
		theme := &ortsplan.Theme{LocalityID: l.ID, Title: "Trafik"}
		must(db.SaveTheme(ctx, theme))
		action := func(st ortsplan.ActionStatus, progress int) *ortsplan.Action {
			t.Helper()
			a := &ortsplan.Action{ThemeID: theme.ID, Title: "Åtgärd " + string(st), Status: st, Progress: progress}
			must(db.SaveAction(ctx, a))
			return a
		}
		held := func(m *ortsplan.Meeting, participants int) {
			t.Helper()
			got, err := db.FindMeeting(ctx, m.ID)
			must(err)
			got.State, got.Participants = ortsplan.MeetingHeld, participants
			must(db.SaveMeeting(ctx, got))
		}

		// The third quarter of 2026.
		s1 := signUp(l.ID, "18-29")
		signUp(l.ID, "65-79")
		must(db.UpdateSignUp(ctx, ortsplan.SignUpUpdate{ID: s1.ID, Status: ortsplan.SignUpJoined, GroupID: g.ID}))
		m1 := newMeeting(t, db, l, time.Date(2026, 9, 10, 16, 0, 0, 0, time.UTC), 0)
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m1.ID, Name: "A", Email: "a@example.se", People: 2})
		r2 := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m1.ID, Name: "B", Email: "b@example.se", People: 3})
		// Never confirmed: counts for nothing.
		must(db.Register(ctx, &ortsplan.Registration{MeetingID: m1.ID, Name: "E", Email: "e@example.se", People: 5}, ortsplan.DefaultRegistrationRule))
		_, err := db.CancelRegistration(ctx, r2.Token)
		must(err)
		held(m1, 7)
		m2 := newMeeting(t, db, l, time.Date(2026, 9, 12, 16, 0, 0, 0, time.UTC), 0)
		m2.State, m2.CancelReason = ortsplan.MeetingCancelled, "Sjukdom"
		must(db.SaveMeeting(ctx, m2))
		i1, i2 := idea(l.ID), idea(l.ID)
		must(db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: i1.ID, Status: ortsplan.IdeaReceived}))
		action(ortsplan.ActionNotStarted, 0)
		a2 := action(ortsplan.ActionOngoing, 50)
		action(ortsplan.ActionDone, 0)
		// 23:30 on 30 September in Stockholm is still the third quarter.
		now = time.Date(2026, 9, 30, 21, 30, 0, 0, time.UTC)
		signUp(l.ID, "")

		// The fourth quarter: 00:30 on 1 October in Stockholm.
		now = time.Date(2026, 9, 30, 22, 30, 0, 0, time.UTC)
		s4 := signUp(l.ID, "18-29")
		now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		must(db.UpdateSignUp(ctx, ortsplan.SignUpUpdate{ID: s4.ID, Status: ortsplan.SignUpJoined, GroupID: g.ID}))
		m3 := newMeeting(t, db, l, time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC), 4)
		must(db.Register(ctx, &ortsplan.Registration{MeetingID: m3.ID, Name: "F", Email: "f@example.se", People: 2}, ortsplan.DefaultRegistrationRule))
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m3.ID, Name: "C", Email: "c@example.se", People: 4})
		waiting := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m3.ID, Name: "D", Email: "d@example.se", People: 1})
		if !waiting.Waitlisted {
			t.Fatal("expected the waiting list")
		}
		held(m3, 12)
		i3 := idea(l.ID)
		must(db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: i2.ID, Status: ortsplan.IdeaDone, Answer: "Klart."}))
		must(db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: i3.ID, Status: ortsplan.IdeaNotRelevant, Answer: "Inte kommunens fråga."}))
		hidden := idea(l.ID)
		must(db.Hide(ctx, ortsplan.Moderation{IdeaID: hidden.ID, Kind: "idea", TargetID: hidden.ID, Reason: "Reklam"}))
		action(ortsplan.ActionPaused, 0)
		action(ortsplan.ActionCancelled, 0)
		now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		a2.Status = ortsplan.ActionDone
		must(db.SaveAction(ctx, a2))
		signUp(other.ID, "30-49")
		idea(other.ID)

		e, err := db.Effects(ctx, l.ID, ortsplan.PeriodQuarter)
		must(err)
		if len(e.Periods) != ortsplan.EffectQuarters || e.Periods[0].Key() != "2025-Q1" || e.Periods[7].Key() != "2026-Q4" {
			t.Fatalf("periods: %d, %s … %s", len(e.Periods), e.Periods[0].Key(), e.Periods[len(e.Periods)-1].Key())
		}
		want := []string{
			"2026-Q3 signups=3 joined=1 ages=map[:1 18-29:1 65-79:1] meetings=1 registered=2 participants=7 proposed=2 answered=1 done=0 added=3 finished=1",
			"2026-Q4 signups=1 joined=1 ages=map[18-29:1] meetings=1 registered=4 participants=12 proposed=1 answered=2 done=1 added=2 finished=1",
		}
		for i, w := range want {
			if got := effectFigures(e.Periods[6+i]); got != w {
				t.Errorf("period %d:\n got %s\nwant %s", 6+i, got, w)
			}
		}
		for _, p := range e.Periods[:6] {
			if e := effectFigures(p); e != p.Key()+" signups=0 joined=0 ages=map[] meetings=0 registered=0 participants=0 proposed=0 answered=0 done=0 added=0 finished=0" {
				t.Errorf("empty period: %s", e)
			}
		}
		loc := i18n.Stockholm()
		if q := e.Periods[7]; !q.Start.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, loc)) || !q.End.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, loc)) {
			t.Errorf("Q4 bounds: %v – %v", q.Start, q.End)
		}
		if fmt.Sprint(e.ActionsByStatus) != "[{ej_paborjad 1} {pagar 0} {genomford 2} {pausad 1} {avbruten 1}]" || e.Actions != 5 {
			t.Errorf("actions by status: %v (%d)", e.ActionsByStatus, e.Actions)
		}
		// Top-level actions 0, 100, 100 and 0 (paused); the cancelled one is left out.
		if e.PlanProgress != 50 || e.Plans != 1 {
			t.Errorf("progress %v over %d plans", e.PlanProgress, e.Plans)
		}
		if fmt.Sprint(e.AgeGroups) != "[{under-18 0 0} {18-29 2 2} {30-49 0 0} {50-64 0 0} {65-79 1 0} {80- 0 0} { 1 0}]" {
			t.Errorf("age groups: %v", e.AgeGroups)
		}

		// The whole municipality, per year.
		all, err := db.Effects(ctx, 0, ortsplan.PeriodYear)
		must(err)
		if len(all.Periods) != 1 {
			t.Fatalf("years: %d", len(all.Periods))
		}
		if got := effectFigures(all.Periods[0]); got != "2026 signups=5 joined=2 ages=map[:1 18-29:2 30-49:1 65-79:1] meetings=2 registered=6 participants=19 proposed=4 answered=3 done=1 added=5 finished=2" {
			t.Errorf("2026: %s", got)
		}
		if all.Plans != 1 || all.PlanProgress != 50 {
			t.Errorf("municipality progress %v over %d", all.PlanProgress, all.Plans)
		}

		// Cached until something changes; a change shows at once.
		again, _ := db.Effects(ctx, l.ID, ortsplan.PeriodQuarter)
		if again != e {
			t.Error("unchanged figures were computed again")
		}
		must(db.Support(sqltest.AsResident(ctx, anna.ID), i3.ID, true, ortsplan.IdeaThreshold{Supports: 100, Within: time.Hour}))
		if again, _ := db.Effects(ctx, l.ID, ortsplan.PeriodQuarter); again != e {
			t.Error("a support, which changes no figure, dropped the cached figures")
		}
		signUp(l.ID, "80-")
		after, _ := db.Effects(ctx, l.ID, ortsplan.PeriodQuarter)
		if after.Periods[7].SignUps != 2 || after.Periods[7].SignUpsByAge["80-"] != 1 {
			t.Errorf("after a new sign-up: %s", effectFigures(after.Periods[7]))
		}
		yearAll, _ := db.Effects(ctx, 0, ortsplan.PeriodYear)
		if yearAll.Periods[0].SignUps != 6 {
			t.Errorf("municipality after a new sign-up: %d", yearAll.Periods[0].SignUps)
		}
		a2.Status, a2.Progress = ortsplan.ActionPaused, 0
		must(db.SaveAction(ctx, a2))
		after, _ = db.Effects(ctx, l.ID, ortsplan.PeriodQuarter)
		if after.Periods[7].ActionsDone != 0 || after.PlanProgress != 25 {
			t.Errorf("after pausing a finished action: done %d, progress %v", after.Periods[7].ActionsDone, after.PlanProgress)
		}

		// Two years: the dashboard starts with the first year that has records.
		now = time.Date(2027, 2, 1, 12, 0, 0, 0, time.UTC)
		signUp(l.ID, "")
		years, _ := db.Effects(ctx, l.ID, ortsplan.PeriodYear)
		if len(years.Periods) != 2 || years.Periods[0].SignUps != 5 || years.Periods[1].SignUps != 1 || years.Periods[1].Key() != "2027" {
			t.Errorf("years: %d periods", len(years.Periods))
		}
		if _, err := db.Effects(ctx, l.ID, "month"); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("bad period: %v", err)
		}
	})
}

// TestEffectsNeverStale checks that with readers filling the cache all the
// time, every read after a committed change sees it.
func TestEffectsNeverStale(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					db.Effects(ctx, 0, ortsplan.PeriodQuarter)
					db.Effects(ctx, l.ID, ortsplan.PeriodQuarter)
				}
			}()
		}
		defer func() { close(stop); wg.Wait() }()
		for i := 1; i <= 15; i++ {
			if err := db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: l.ID, Name: "P", Phone: "070-111 22 33"}); err != nil {
				t.Fatal(err)
			}
			for _, id := range []int64{0, l.ID} {
				e, err := db.Effects(ctx, id, ortsplan.PeriodQuarter)
				if err != nil {
					t.Fatal(err)
				}
				if n := e.Total(func(p *ortsplan.EffectPeriod) int { return p.SignUps }); n != i {
					t.Fatalf("locality %d after %d sign-ups: %d", id, i, n)
				}
			}
		}
	})
}

// BenchmarkEffects measures computing the figures from a few thousand records
// (uncached) and serving them from the cache.
func BenchmarkEffects(b *testing.B) {
	for _, d := range sqltest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			db := sqltest.Open(b, d)
			ctx := sqltest.System()
			start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			now := start
			db.Now = func() time.Time { return now }
			var locs []*ortsplan.Locality
			for i := range 10 {
				l := &ortsplan.Locality{Slug: fmt.Sprintf("ort-%d", i), Name: fmt.Sprintf("Ort %d", i), Phase: ortsplan.PhaseMobilising}
				if err := db.CreateLocality(ctx, l); err != nil {
					b.Fatal(err)
				}
				locs = append(locs, l)
			}
			sql := db.SQL()
			// Rows go in directly: the services would take minutes for this many.
			if _, err := sql.ExecContext(ctx, "INSERT INTO residents (email, name, created_at) VALUES ('r@example.se', 'R', $1)", start); err != nil {
				b.Fatal(err)
			}
			for i := range benchRows {
				now = start.Add(time.Duration(i) * 7 * time.Hour)
				l := locs[i%len(locs)].ID
				if _, err := sql.ExecContext(ctx, `INSERT INTO signups (locality_id, name, age_group, status, created_at, updated_at)
					VALUES ($1, 'X', $2, $3, $4, $4)`, l, ortsplan.AgeGroups[i%len(ortsplan.AgeGroups)], []string{"ny", "med"}[i%2], now); err != nil {
					b.Fatal(err)
				}
				status, answered := "ny", any(nil)
				if i%3 == 0 {
					status, answered = "genomford", now.Add(24*time.Hour)
				}
				if _, err := sql.ExecContext(ctx, `INSERT INTO ideas (locality_id, resident_id, title, body, status, answered_at, created_at, updated_at)
					VALUES ($1, 1, 'Idé', 'Text', $2, $3, $4, $4)`, l, status, answered, now); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("computed", func(b *testing.B) {
				for b.Loop() {
					// A sign-up's change of status marks the locality changed.
					if _, err := sql.ExecContext(ctx, "UPDATE signups SET status = status WHERE id = 1"); err != nil {
						b.Fatal(err)
					}
					if _, err := db.Effects(ctx, 0, ortsplan.PeriodQuarter); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("cached", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Effects(ctx, locs[0].ID, ortsplan.PeriodQuarter); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// benchRows is how many sign-ups and ideas BenchmarkEffects generates; with
// 60,000 of each, the uncached figures of the whole municipality took about
// 80 ms on SQLite on a 2-core machine.
var benchRows = 3000
