package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestMattersListedAndCounted: matters are listed newest sent first, paged,
// published ones for everyone and unpublished ones only for staff who may
// edit their locality; counted by status; the overdue list and the staff
// home's count follow ortsplan.MatterOverdue.
func TestMattersListedAndCounted(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		sys := sqltest.System()
		bettna := mustCreateLocality(t, db, "bettna", "Bettna")
		malm := mustCreateLocality(t, db, "malmkoping", "Malmköping")
		official := mustCreateUser(t, db, "bettna@example.se", ortsplan.RoleOfficial, "bettna")
		asOfficial := sqltest.AsUser(context.Background(), official)
		theme := &ortsplan.Theme{LocalityID: bettna.ID, Title: "Trafik, skyltar och belysning"}
		must(t, db.SaveTheme(sys, theme))
		light := &ortsplan.Action{ThemeID: theme.ID, Title: "Belysning vid korsningen 221/52", Status: ortsplan.ActionOngoing}
		must(t, db.SaveAction(sys, light))
		malmTheme := &ortsplan.Theme{LocalityID: malm.ID, Title: "Torget"}
		must(t, db.SaveTheme(sys, malmTheme))
		malmAction := &ortsplan.Action{ThemeID: malmTheme.ID, Title: "Bänkar", Status: ortsplan.ActionOngoing}
		must(t, db.SaveAction(sys, malmAction))

		today := time.Now().UTC()
		day := func(daysAgo int) time.Time {
			return time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -daysAgo)
		}
		lamp := &ortsplan.Matter{LocalityID: bettna.ID, ActionID: light.ID, Title: "Belysning i korsningen 221/52", Recipient: "Trafikverket",
			SentOn: day(400), Status: ortsplan.MatterSent, Reference: "KS 2013/112"}
		must(t, db.SaveMatter(asOfficial, lamp))
		// The official may not tie it to another locality's action.
		other := &ortsplan.Matter{LocalityID: bettna.ID, ActionID: malmAction.ID, Title: "X", Recipient: "Y", SentOn: day(1), Status: ortsplan.MatterSent}
		if err := db.SaveMatter(asOfficial, other); ortsplan.FieldErrors(err)["action"] == "" {
			t.Fatalf("another locality's action accepted: %v", err)
		}
		// Nobody but staff of Bettna sees it before it is published.
		if _, err := db.FindMatter(sys, lamp.ID); err != nil {
			t.Fatal(err)
		}
		anon := ortsplan.NewAnonymousContext(context.Background())
		if _, err := db.FindMatter(anon, lamp.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("anonymous FindMatter of an unpublished matter: %v", err)
		}
		malmOfficial := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "malm@example.se", ortsplan.RoleOfficial, "malmkoping"))
		if _, err := db.FindMatter(malmOfficial, lamp.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("another locality's official found an unpublished matter: %v", err)
		}
		// Trafikverket says no: the status follows the rule.
		lamp.Status, lamp.AnsweredOn, lamp.Answer = ortsplan.MatterRefused, day(300), "Trafikverket bekostar inte belysningen."
		must(t, db.SaveMatter(asOfficial, lamp))
		lamp.Status = ortsplan.MatterGranted
		if err := db.SaveMatter(asOfficial, lamp); ortsplan.FieldErrors(err)["status"] != "matter.transition_invalid" {
			t.Fatalf("refused → granted: %v", err)
		}
		lamp.Status = ortsplan.MatterRefused
		must(t, db.PublishMatter(asOfficial, lamp.ID))
		got, err := db.FindMatter(anon, lamp.ID)
		must(t, err)
		if !got.Published() || got.ActionTitle != light.Title || got.LocalitySlug != "bettna" || !got.AnsweredOn.Equal(day(300)) {
			t.Fatalf("published matter: %+v", got)
		}

		// Thirty more, sent 0–42 and 60–88 days ago, every other published; one for Malmköping.
		for i := range 30 {
			days := i * 3 // 0–42 days ago, then 60–88
			if i >= 15 {
				days = ortsplan.MatterAnswerDays + (i-15)*2
			}
			m := &ortsplan.Matter{LocalityID: bettna.ID, Title: fmt.Sprintf("Ärende %d", i), Recipient: "Tekniska avdelningen",
				SentOn: day(days), Status: ortsplan.MatterSent}
			must(t, db.SaveMatter(sys, m))
			if i%2 == 0 {
				must(t, db.PublishMatter(sys, m.ID))
			}
		}
		must(t, db.SaveMatter(sys, &ortsplan.Matter{LocalityID: malm.ID, Title: "Busshållplats", Recipient: "Region Sörmland",
			SentOn: day(70), Status: ortsplan.MatterDormant}))

		pageAll := func(ctx_ string, f ortsplan.MatterFilter) []*ortsplan.Matter {
			ctx := map[string]context.Context{"anon": anon, "official": asOfficial, "malm": malmOfficial}[ctx_]
			var all []*ortsplan.Matter
			for p := 1; ; p++ {
				f.Page = p
				ms, more, err := db.Matters(ctx, f)
				must(t, err)
				if len(ms) > ortsplan.MatterPageSize {
					t.Fatalf("page of %d", len(ms))
				}
				all = append(all, ms...)
				if !more {
					return all
				}
			}
		}
		for _, c := range []struct {
			who     string
			f       ortsplan.MatterFilter
			want    int
			waiting int
		}{
			{"anon", ortsplan.MatterFilter{}, 1 + 15, 15},
			{"anon", ortsplan.MatterFilter{LocalityID: bettna.ID}, 16, 15},
			{"anon", ortsplan.MatterFilter{Status: ortsplan.MatterRefused}, 1, 0},
			{"official", ortsplan.MatterFilter{LocalityID: bettna.ID}, 31, 30},
			{"official", ortsplan.MatterFilter{}, 31, 30},
			{"malm", ortsplan.MatterFilter{}, 17, 15},
		} {
			ms := pageAll(c.who, c.f)
			if len(ms) != c.want {
				t.Errorf("%s %+v: listed %d, want %d", c.who, c.f, len(ms), c.want)
			}
			for i := 1; i < len(ms); i++ {
				if ms[i].SentOn.After(ms[i-1].SentOn) {
					t.Fatalf("%s: not newest sent first at %d", c.who, i)
				}
			}
			ctx := map[string]context.Context{"anon": anon, "official": asOfficial, "malm": malmOfficial}[c.who]
			cnt, err := db.CountMatters(ctx, c.f)
			must(t, err)
			if cnt.Total != c.want || cnt.Waiting != c.waiting {
				t.Errorf("%s %+v: counted %+v, want %d waiting %d", c.who, c.f, cnt, c.want, c.waiting)
			}
		}

		// Overdue: sent 60 days ago or more, unanswered, by the rule.
		all := pageAll("official", ortsplan.MatterFilter{LocalityID: bettna.ID})
		want := 0
		for _, m := range all {
			if ortsplan.MatterOverdue(m, today) {
				want++
			}
		}
		if want != 15 {
			t.Fatalf("the fixture has %d overdue, want 15", want)
		}
		overdue, more, err := db.OverdueMatters(asOfficial, ortsplan.WorkFilter{})
		must(t, err)
		if len(overdue) != want || more || overdue[0].SentOn.After(overdue[1].SentOn) {
			t.Errorf("OverdueMatters = %d (more %v), want %d, longest waiting first", len(overdue), more, want)
		}
		w, err := db.Workload(asOfficial, 0)
		must(t, err)
		if w.MattersOverdue != want {
			t.Errorf("Workload.MattersOverdue = %d, want %d", w.MattersOverdue, want)
		}
		if w, _ := db.Workload(malmOfficial, 0); w.MattersOverdue != 0 {
			t.Errorf("Malmköping's official counts Bettna's matters: %d", w.MattersOverdue)
		}
		rs, err := db.MatterRecipients(asOfficial)
		must(t, err)
		if len(rs) != 3 {
			t.Errorf("recipients = %v", rs)
		}
		page, err := db.MatterPage(anon, ortsplan.MatterPageQuery{Limit: 10})
		must(t, err)
		next, err := db.MatterPage(anon, ortsplan.MatterPageQuery{Limit: 10, AfterID: page[9].ID})
		must(t, err)
		if len(page) != 10 || len(next) != 6 {
			t.Errorf("API pages %d + %d, want 10 + 6 published", len(page), len(next))
		}
	})
}
