package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// pageAll reads a list page by page and returns the ids in order.
func pageAll[T any](t *testing.T, limit int, read func(after T, limit int) ([]T, error), id func(T) int64) []int64 {
	t.Helper()
	var ids []int64
	var after T
	for range 100 {
		page, err := read(after, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page {
			ids = append(ids, id(x))
		}
		if len(page) < limit {
			return ids
		}
		after = page[len(page)-1]
	}
	t.Fatal("too many pages")
	return nil
}

func TestOpenDataPages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		db.PublicURL = "https://ortsplan.example"
		a := mustCreateLocality(t, db, "bettna", "Bettna")
		b := mustCreateLocality(t, db, "vadsbro", "Vadsbro")
		var residents []int64
		for _, e := range []string{"a@example.se", "b@example.se", "c@example.se"} {
			_, r := residentLogin(t, db, e, "Boende", a.ID)
			residents = append(residents, r.ID)
		}
		var ideas []*ortsplan.Idea
		for n := range 10 {
			loc := a.ID
			if n%3 == 0 {
				loc = b.ID
			}
			i := &ortsplan.Idea{LocalityID: loc, ResidentID: residents[0], Title: "Idé", Body: "Text."}
			if err := db.CreateIdea(sqltest.AsResident(ctx, i.ResidentID), i); err != nil {
				t.Fatal(err)
			}
			for k := range n % 3 {
				if err := db.Support(sqltest.AsResident(ctx, residents[k]), i.ID, true, ortsplan.IdeaThreshold{Supports: 100, Within: time.Hour}); err != nil {
					t.Fatal(err)
				}
			}
			ideas = append(ideas, i)
		}
		if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: ideas[4].ID, Kind: "idea", TargetID: ideas[4].ID, Reason: "Olämpligt"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			loc  int64
			sort ortsplan.IdeaSort
		}{{0, ortsplan.SortNewest}, {0, ortsplan.SortSupported}, {a.ID, ortsplan.SortSupported}, {b.ID, ortsplan.SortNewest}} {
			read := func(limit int) []int64 {
				return pageAll(t, limit, func(after *ortsplan.Idea, limit int) ([]*ortsplan.Idea, error) {
					q := ortsplan.IdeaPageQuery{LocalityID: c.loc, Sort: c.sort, Limit: limit}
					if after != nil {
						q.AfterID, q.AfterSupports = after.ID, after.Supports
					}
					return db.IdeaPage(ctx, q)
				}, func(i *ortsplan.Idea) int64 { return i.ID })
			}
			// The expected order, from the full list of the older method.
			all, _ := db.Ideas(ctx, c.loc, ortsplan.SortNewest)
			slices.SortStableFunc(all, func(x, y *ortsplan.Idea) int {
				if c.sort == ortsplan.SortSupported && x.Supports != y.Supports {
					return y.Supports - x.Supports
				}
				return int(y.ID - x.ID)
			})
			var want []int64
			for _, i := range all {
				if !i.Hidden() {
					want = append(want, i.ID)
				}
			}
			for _, limit := range []int{1, 2, 3, 100} {
				if got := read(limit); !slices.Equal(got, want) {
					t.Errorf("ideas %d %s by %d: %v, want %v", c.loc, c.sort, limit, got, want)
				}
			}
		}

		// Meetings: ties on the start time are broken by id.
		start := time.Date(2030, 3, 1, 17, 0, 0, 0, time.UTC)
		var want []int64
		for n := range 5 {
			m := &ortsplan.Meeting{LocalityID: a.ID, Kind: ortsplan.MeetingOpen, Title: "Möte", Start: start.Add(time.Duration(n/2) * time.Hour),
				State: ortsplan.MeetingPlanned, PlaceName: "Bygdegården", Agenda: "1. Välkomna", Accessibility: "Ramp vid entrén"}
			if err := db.SaveMeeting(ctx, m); err != nil {
				t.Fatal(err)
			}
			want = append(want, m.ID)
		}
		for _, limit := range []int{1, 2, 5} {
			got := pageAll(t, limit, func(after *ortsplan.Meeting, limit int) ([]*ortsplan.Meeting, error) {
				q := ortsplan.MeetingPageQuery{LocalityID: a.ID, From: start, Limit: limit}
				if after != nil {
					q.AfterStart, q.AfterID = after.Start, after.ID
				}
				return db.MeetingPage(ctx, q)
			}, func(m *ortsplan.Meeting) int64 { return m.ID })
			if !slices.Equal(got, want) {
				t.Errorf("meetings by %d: %v, want %v", limit, got, want)
			}
		}
		// A brief page has the same meetings without their long texts.
		full, err := db.MeetingPage(ctx, ortsplan.MeetingPageQuery{LocalityID: a.ID, From: start, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		brief, err := db.MeetingPage(ctx, ortsplan.MeetingPageQuery{LocalityID: a.ID, From: start, Limit: 5, Brief: true})
		if err != nil || len(brief) != len(full) {
			t.Fatalf("brief page: %v, %d meetings of %d", err, len(brief), len(full))
		}
		for n, m := range brief {
			f := full[n]
			if f.Agenda == "" || f.Accessibility == "" {
				t.Fatalf("the full page lost the long texts: %+v", f)
			}
			if m.ID != f.ID || m.Title != f.Title || !m.Start.Equal(f.Start) || m.PlaceName != f.PlaceName || m.LocalityName != f.LocalityName ||
				m.Agenda != "" || m.Accessibility != "" || m.Report != "" {
				t.Errorf("brief meeting %d is %+v, want %+v without its long texts", n, m, f)
			}
		}

		// Groups come with members and organisations, whichever page they are on.
		for n, loc := range []int64{a.ID, b.ID, a.ID} {
			g := &ortsplan.Group{LocalityID: loc, Slug: "grupp-" + string(rune('a'+n)), Name: "Grupp", Kind: ortsplan.GroupWorking}
			if err := db.SaveGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
			if err := db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: g.ID, Name: "Medlem", Email: "m@example.se", ShowName: true}); err != nil {
				t.Fatal(err)
			}
		}
		gs, err := db.GroupPage(ctx, ortsplan.GroupPageQuery{LocalityID: a.ID, Limit: 1})
		if err != nil || len(gs) != 1 || len(gs[0].Members) != 1 {
			t.Fatalf("group page: %v %+v", err, gs)
		}
		gs, err = db.GroupPage(ctx, ortsplan.GroupPageQuery{LocalityID: a.ID, AfterID: gs[0].ID, Limit: 10})
		if err != nil || len(gs) != 1 || gs[0].Slug != "grupp-c" || len(gs[0].Members) != 1 {
			t.Fatalf("second group page: %v %+v", err, gs)
		}
		if gs, _ := db.GroupPage(ctx, ortsplan.GroupPageQuery{Limit: 10}); len(gs) != 3 {
			t.Errorf("all groups: %d", len(gs))
		}

		// Both localities' creation, newest first, across localities.
		revs, err := db.RecentRevisions(ctx, 0, 10)
		if err != nil || len(revs) != 2 || revs[0].LocalityID != b.ID || revs[1].LocalityID != a.ID {
			t.Fatalf("recent revisions: %v %d", err, len(revs))
		}
		if revs, _ := db.RecentRevisions(ctx, 0, 1); len(revs) != 1 {
			t.Errorf("limit: %d", len(revs))
		}
		if revs, _ := db.RecentRevisions(ctx, a.ID, 10); len(revs) != 1 || revs[0].LocalityID != a.ID {
			t.Errorf("one locality's: %d", len(revs))
		}
	})
}
