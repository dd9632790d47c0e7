package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// expectedWorkload counts what waits in the given localities the slow way:
// reading each plan, meeting, idea and sign-up through the services and
// asking the domain's rules about each one.
func expectedWorkload(t *testing.T, db *sqlstore.DB, localities []*ortsplan.Locality, now time.Time) *ortsplan.Workload {
	t.Helper()
	ctx := sqltest.System()
	w := &ortsplan.Workload{}
	inScope := map[int64]bool{}
	for _, l := range localities {
		inScope[l.ID] = true
		p, err := db.FindPlan(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var walk func([]*ortsplan.Action)
		walk = func(as []*ortsplan.Action) {
			for _, a := range as {
				if a.Late(now) {
					w.LateActions++
				}
				walk(a.Children)
			}
		}
		for _, th := range p.Themes {
			walk(th.Actions)
		}
		ms, err := db.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: l.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if ortsplan.MeetingNeedsNotes(m, now) {
				w.MeetingsWithoutNotes++
			}
			if ortsplan.MeetingSoon(m, now) {
				w.MeetingsSoon++
			}
		}
		for page := 1; ; page++ {
			ms, more, err := db.Matters(ctx, ortsplan.MatterFilter{LocalityID: l.ID, Page: page})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if ortsplan.MatterOverdue(m, now) {
					w.MattersOverdue++
				}
			}
			if !more {
				break
			}
		}
		ideas, err := db.Ideas(ctx, l.ID, ortsplan.SortNewest)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range ideas {
			if i.AnsweredAt.IsZero() && !i.Hidden() {
				w.IdeasUnanswered++
			}
		}
		qs, err := db.Quickfixes(ctx, ortsplan.QuickfixFilter{LocalityID: l.ID, Waiting: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.Status.Waiting() && q.LocalityID == l.ID {
				w.QuickfixesWaiting++
			}
		}
	}
	sus, err := db.SignUps(ctx, ortsplan.SignUpFilter{Status: ortsplan.SignUpNew})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sus {
		if inScope[s.LocalityID] && !s.Anonymised {
			w.SignUpsWaiting++
			if s.Waiting(now) {
				w.SignUpsOverdue++
			}
		}
	}
	reports, err := db.OpenReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		for _, l := range localities {
			if l.Slug == r.LocalitySlug {
				w.Reports++
			}
		}
	}
	return w
}

// TestWorkloadCountsWhatTheRulesSay: the staff home's counts, made in SQL,
// equal what the domain's rules say of every row, for a coordinator (every
// locality) and an official (one); an official without localities sees
// nothing, and a resident or visitor may not ask.
func TestWorkloadCountsWhatTheRulesSay(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		bg := context.Background()
		if _, err := demo.Load(context.Background(), db, nil); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		db.Now = func() time.Time { return now }
		all, err := db.ListLocalities(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var flen *ortsplan.Locality
		for _, l := range all {
			if l.Slug == "flen" {
				flen = l
			}
		}
		// Something of each kind waits in Flen: a sign-up, a fresh idea, a
		// report on it, and a meeting next week.
		if err := db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: flen.ID, Name: "Ny Person", Email: "ny@example.se"}); err != nil {
			t.Fatal(err)
		}
		rid := mustResident(t, db, "idegivare@example.se", "Idé Givare", flen.ID)
		idea := &ortsplan.Idea{LocalityID: flen.ID, Title: "Fler bänkar vid sjön", Body: "Det behövs fler bänkar."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, rid), idea); err != nil {
			t.Fatal(err)
		}
		if err := db.Report(context.Background(), ortsplan.Report{IdeaID: idea.ID, Kind: ortsplan.ModerateIdea, TargetID: idea.ID, Reason: "Fel ort"}); err != nil {
			t.Fatal(err)
		}
		newMeeting(t, db, flen, now.Add(7*24*time.Hour), 0)
		theme := &ortsplan.Theme{LocalityID: flen.ID, Title: "Torget"}
		if err := db.SaveTheme(ctx, theme); err != nil {
			t.Fatal(err)
		}
		late := &ortsplan.Action{ThemeID: theme.ID, Title: "Nya bänkar vid torget", Status: ortsplan.ActionOngoing,
			Start: now.AddDate(-1, 0, 0), End: now.AddDate(0, -1, 0)}
		if err := db.SaveAction(ctx, late); err != nil {
			t.Fatal(err)
		}

		// A matter unanswered for 90 days and one sent last week.
		for _, days := range []int{90, 7} {
			sent := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days)
			if err := db.SaveMatter(ctx, &ortsplan.Matter{LocalityID: flen.ID, Title: "Övergångsställe vid skolan", Recipient: "Trafikverket",
				SentOn: sent, Status: ortsplan.MatterSent}); err != nil {
				t.Fatal(err)
			}
		}
		coordinator := mustCreateUser(t, db, "samordnare@example.se", ortsplan.RoleCoordinator)
		official := mustCreateUser(t, db, "tjansteperson@example.se", ortsplan.RoleOfficial, "flen")
		nobody := mustCreateUser(t, db, "ingen@example.se", ortsplan.RoleOfficial)

		for _, c := range []struct {
			who        string
			ctx        context.Context
			localities []*ortsplan.Locality
		}{
			{"coordinator", sqltest.AsUser(bg, coordinator), all},
			{"official of Flen", sqltest.AsUser(bg, official), []*ortsplan.Locality{flen}},
			{"official without localities", sqltest.AsUser(bg, nobody), nil},
		} {
			got, err := db.Workload(c.ctx, 0)
			if err != nil {
				t.Fatalf("%s: %v", c.who, err)
			}
			want := expectedWorkload(t, db, c.localities, now)
			if *got != *want {
				t.Errorf("%s: workload %+v, the rules say %+v", c.who, *got, *want)
			}
			// One locality at a time adds up to the same.
			if len(c.localities) > 1 {
				var sum ortsplan.Workload
				for _, l := range c.localities {
					w, err := db.Workload(c.ctx, l.ID)
					if err != nil {
						t.Fatal(err)
					}
					sum.SignUpsWaiting += w.SignUpsWaiting
					sum.SignUpsOverdue += w.SignUpsOverdue
					sum.IdeasUnanswered += w.IdeasUnanswered
					sum.Reports += w.Reports
					sum.LateActions += w.LateActions
					sum.MeetingsWithoutNotes += w.MeetingsWithoutNotes
					sum.MeetingsSoon += w.MeetingsSoon
					sum.MattersOverdue += w.MattersOverdue
					sum.QuickfixesWaiting += w.QuickfixesWaiting
				}
				if sum != *got {
					t.Errorf("%s: per locality %+v, all at once %+v", c.who, sum, *got)
				}
			}
		}
		w, _ := db.Workload(sqltest.AsUser(bg, official), 0)
		if w.SignUpsWaiting == 0 || w.IdeasUnanswered == 0 || w.Reports == 0 || w.LateActions == 0 || w.MeetingsSoon == 0 || w.MattersOverdue != 1 {
			t.Fatalf("the fixture should give Flen something of each kind: %+v", *w)
		}
		// Another locality asked for by the official of Flen is empty, not refused.
		for _, l := range all {
			if l.ID != flen.ID {
				if w, err := db.Workload(sqltest.AsUser(bg, official), l.ID); err != nil || w.Waiting() != 0 || w.MeetingsSoon != 0 {
					t.Fatalf("official of Flen asking for %s: %+v %v", l.Slug, w, err)
				}
				break
			}
		}
		// The lists hold what the counts count.
		lates, _, err := db.LateActions(sqltest.AsUser(bg, official), ortsplan.WorkFilter{})
		if err != nil || len(lates) != min(w.LateActions, ortsplan.WorkPageSize) {
			t.Fatalf("late actions: %d (%v), want %d", len(lates), err, w.LateActions)
		}
		for _, a := range lates {
			if a.LocalitySlug != "flen" || !a.Late(now) || a.ThemeTitle == "" {
				t.Fatalf("late action %+v", a)
			}
		}
		ideas, _, err := db.UnansweredIdeas(sqltest.AsUser(bg, official), "", ortsplan.WorkFilter{})
		if err != nil || len(ideas) != min(w.IdeasUnanswered, ortsplan.WorkPageSize) {
			t.Fatalf("unanswered ideas: %d (%v), want %d", len(ideas), err, w.IdeasUnanswered)
		}
		if none, _, err := db.UnansweredIdeas(sqltest.AsUser(bg, official), ortsplan.IdeaDone, ortsplan.WorkFilter{}); err != nil || len(none) != 0 {
			t.Fatalf("unanswered ideas that are done: %d %v", len(none), err)
		}
		for list, n := range map[ortsplan.MeetingList]int{ortsplan.MeetingsNeedingNotes: w.MeetingsWithoutNotes, ortsplan.MeetingsComing: w.MeetingsSoon} {
			ms, _, err := db.WorkMeetings(sqltest.AsUser(bg, official), list, ortsplan.WorkFilter{})
			if err != nil || len(ms) != min(n, ortsplan.WorkPageSize) {
				t.Fatalf("meetings %s: %d (%v), want %d", list, len(ms), err, n)
			}
		}
		if _, _, err := db.WorkMeetings(sqltest.AsUser(bg, official), "alla", ortsplan.WorkFilter{}); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Fatalf("an unknown meeting list: %v", err)
		}
		for who, c := range map[string]context.Context{"resident": sqltest.AsResident(bg, rid), "visitor": ortsplan.NewAnonymousContext(context.Background())} {
			if _, err := db.Workload(c, 0); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN && ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
				t.Fatalf("workload as %s: %v, want a refusal", who, err)
			}
		}
	})
}
