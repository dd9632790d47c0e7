package ortsplan_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
)

func snapAction(id int64, status ortsplan.ActionStatus, title string) ortsplan.SnapshotAction {
	return ortsplan.SnapshotAction{ID: id, ThemeID: 1, Title: title, Status: status}
}

func snapshot(as ...ortsplan.SnapshotAction) *ortsplan.PlanSnapshot {
	return &ortsplan.PlanSnapshot{Themes: []ortsplan.SnapshotTheme{{ID: 1, Title: "Boende"}, {ID: 2, Title: "Trafik"}}, Actions: as}
}

func ids(cs []ortsplan.EditionChange) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.Action.ID)
	}
	return out
}

func TestCompareEditions(t *testing.T) {
	moved := snapAction(6, ortsplan.ActionOngoing, "Hastigheter")
	moved.ThemeID = 2
	funded := snapAction(7, ortsplan.ActionNotStarted, "Gångväg")
	funded.Funding = "Statlig medfinansiering"
	tests := []struct {
		name                              string
		from, to                          *ortsplan.PlanSnapshot
		added, finished, changed, dropped []int64
		fields                            []string // of the first changed
	}{
		{"both empty", snapshot(), snapshot(), nil, nil, nil, nil, nil},
		{"no earlier edition: everything added", nil, snapshot(snapAction(1, ortsplan.ActionDone, "A"), snapAction(2, ortsplan.ActionOngoing, "B")),
			[]int64{1, 2}, nil, nil, nil, nil},
		{"unchanged", snapshot(snapAction(1, ortsplan.ActionOngoing, "A")), snapshot(snapAction(1, ortsplan.ActionOngoing, "A")), nil, nil, nil, nil, nil},
		{"finished", snapshot(snapAction(1, ortsplan.ActionOngoing, "A")), snapshot(snapAction(1, ortsplan.ActionDone, "A")),
			nil, []int64{1}, nil, nil, nil},
		{"done in both is not finished again", snapshot(snapAction(1, ortsplan.ActionDone, "A")), snapshot(snapAction(1, ortsplan.ActionDone, "A")),
			nil, nil, nil, nil, nil},
		{"archived is dropped", snapshot(snapAction(1, ortsplan.ActionOngoing, "A"), snapAction(2, ortsplan.ActionNotStarted, "B")),
			snapshot(snapAction(2, ortsplan.ActionNotStarted, "B")), nil, nil, nil, []int64{1}, nil},
		{"cancelled is dropped", snapshot(snapAction(1, ortsplan.ActionOngoing, "A")), snapshot(snapAction(1, ortsplan.ActionCancelled, "A")),
			nil, nil, nil, []int64{1}, nil},
		{"added already done is added", snapshot(), snapshot(snapAction(3, ortsplan.ActionDone, "C")), []int64{3}, nil, nil, nil, nil},
		{"renamed and paused", snapshot(snapAction(1, ortsplan.ActionOngoing, "A")), snapshot(snapAction(1, ortsplan.ActionPaused, "A2")),
			nil, nil, []int64{1}, nil, []string{"title", "status"}},
		{"moved to another focus area", snapshot(snapAction(6, ortsplan.ActionOngoing, "Hastigheter")), snapshot(moved),
			nil, nil, []int64{6}, nil, []string{"theme"}},
		{"funding found", snapshot(snapAction(7, ortsplan.ActionNotStarted, "Gångväg")), snapshot(funded),
			nil, nil, []int64{7}, nil, []string{"funding"}},
		{"a cancelled action taken up again is changed", snapshot(snapAction(1, ortsplan.ActionCancelled, "A")), snapshot(snapAction(1, ortsplan.ActionOngoing, "A")),
			nil, nil, []int64{1}, nil, []string{"status"}},
		{"all four at once",
			snapshot(snapAction(1, ortsplan.ActionOngoing, "A"), snapAction(2, ortsplan.ActionOngoing, "B"), snapAction(3, ortsplan.ActionNotStarted, "C")),
			snapshot(snapAction(4, ortsplan.ActionNotStarted, "D"), snapAction(2, ortsplan.ActionDone, "B"), snapAction(3, ortsplan.ActionOngoing, "C")),
			[]int64{4}, []int64{2}, []int64{3}, []int64{1}, []string{"status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ortsplan.CompareEditions(tt.from, tt.to)
			for _, c := range []struct {
				what      string
				got, want []int64
			}{{"added", ids(d.Added), tt.added}, {"finished", ids(d.Finished), tt.finished}, {"changed", ids(d.Changed), tt.changed}, {"dropped", ids(d.Dropped), tt.dropped}} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
			}
			if tt.fields != nil && !slices.Equal(d.Changed[0].Fields, tt.fields) {
				t.Errorf("changed fields = %v, want %v", d.Changed[0].Fields, tt.fields)
			}
			if got, want := d.Empty(), len(tt.added)+len(tt.finished)+len(tt.changed)+len(tt.dropped) == 0; got != want {
				t.Errorf("Empty() = %v, want %v", got, want)
			}
		})
	}
}

func TestCompareEditionsNamesTheFocusArea(t *testing.T) {
	from := snapshot(snapAction(1, ortsplan.ActionOngoing, "A"))
	to := snapshot()
	d := ortsplan.CompareEditions(from, to)
	if len(d.Dropped) != 1 || d.Dropped[0].ThemeTitle != "Boende" || d.Dropped[0].Before == nil {
		t.Fatalf("dropped = %+v", d.Dropped)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	end := date("2013-06-30")
	p := &ortsplan.Plan{Themes: []*ortsplan.Theme{{ID: 10, Title: "Boende", Actions: []*ortsplan.Action{
		{ID: 1, ThemeID: 10, Title: "Seniorboende vid Kapellet", Status: ortsplan.ActionOngoing, Progress: 50, End: end, Funding: "Kommunens budget",
			ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnad",
			Children: []*ortsplan.Action{{ID: 2, ThemeID: 10, ParentID: 1, Title: "Detaljplan", Status: ortsplan.ActionDone}}},
		{ID: 3, ThemeID: 10, Title: "LIS-områden", Status: ortsplan.ActionCancelled},
	}}}}
	s := ortsplan.NewPlanSnapshot(p, &ortsplan.Vision{Title: "Sparreholm 2019", Body: "Vi vill…"})
	if len(s.Actions) != 3 || s.Actions[1].ID != 2 || s.Actions[1].ParentID != 1 || s.Actions[0].End != "2013-06-30" || s.Actions[0].Funding != "Kommunens budget" {
		t.Fatalf("snapshot actions = %+v", s.Actions)
	}
	if s.VisionTitle != "Sparreholm 2019" {
		t.Errorf("vision title = %q", s.VisionTitle)
	}
	back := s.Plan()
	a := back.FindAction(1)
	if a == nil || len(a.Children) != 1 || !a.End.Equal(end) || a.ResponsibleDepartment != "Samhällsbyggnad" {
		t.Fatalf("rebuilt action = %+v", a)
	}
	c := s.Counts()
	// The cancelled action is left out; the parent counts its done sub-action: 100 %.
	if c.Total != 2 || c.Done != 1 || c.Progress != 100 {
		t.Errorf("counts = %+v", c)
	}
	if (*ortsplan.PlanSnapshot)(nil).Counts() != (ortsplan.EditionCounts{}) {
		t.Error("a nil snapshot counts nothing")
	}
}

func TestPlanEditionValidate(t *testing.T) {
	valid := func() *ortsplan.PlanEdition {
		return &ortsplan.PlanEdition{Year: 2012, Decision: ortsplan.Decision{On: date("2012-04-26"), Body: " Kommunfullmäktige ", Reference: "KS 2012/77"}}
	}
	tests := []struct {
		name  string
		edit  func(e *ortsplan.PlanEdition)
		field string
		key   string
	}{
		{"valid", func(e *ortsplan.PlanEdition) {}, "", ""},
		{"no reference is fine", func(e *ortsplan.PlanEdition) { e.Decision.Reference = "" }, "", ""},
		{"approved early next year", func(e *ortsplan.PlanEdition) { e.Decision.On = date("2013-01-20") }, "", ""},
		{"no year", func(e *ortsplan.PlanEdition) { e.Year = 0 }, "year", "edition.year_invalid"},
		{"no date", func(e *ortsplan.PlanEdition) { e.Decision.On = time.Time{} }, "decision_date", "edition.decision_date_required"},
		{"date before the year", func(e *ortsplan.PlanEdition) { e.Decision.On = date("2011-12-31") }, "decision_date", "edition.date_outside_year"},
		{"date two years on", func(e *ortsplan.PlanEdition) { e.Decision.On = date("2014-01-01") }, "decision_date", "edition.date_outside_year"},
		{"no body", func(e *ortsplan.PlanEdition) { e.Decision.Body = "  " }, "decision_body", "edition.decision_body_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := valid()
			tt.edit(e)
			errs := ortsplan.FieldErrors(e.Validate())
			if tt.field == "" {
				if errs != nil {
					t.Fatalf("errors %v", errs)
				}
				if e.Decision.Body != "Kommunfullmäktige" {
					t.Errorf("body not trimmed: %q", e.Decision.Body)
				}
				return
			}
			if errs[tt.field] != tt.key {
				t.Fatalf("errors %v, want %s: %s", errs, tt.field, tt.key)
			}
		})
	}
}

func TestCheckEditionYear(t *testing.T) {
	tests := []struct {
		latest, year int
		key          string
	}{
		{0, 2012, ""},
		{2012, 2013, ""},
		{2012, 2015, ""},
		{2012, 2012, "edition.year_taken"},
		{2015, 2012, "edition.year_before_latest"},
	}
	for _, tt := range tests {
		got := ortsplan.FieldErrors(ortsplan.CheckEditionYear(tt.latest, tt.year))["year"]
		if got != tt.key {
			t.Errorf("CheckEditionYear(%d, %d) = %q, want %q", tt.latest, tt.year, got, tt.key)
		}
	}
	if ortsplan.NextPlanYear(0) != 0 || ortsplan.NextPlanYear(2015) != 2016 {
		t.Error("NextPlanYear")
	}
}

func TestEditionProgress(t *testing.T) {
	e2012 := &ortsplan.PlanEdition{Year: 2012, Snapshot: snapshot(snapAction(1, ortsplan.ActionOngoing, "A"), snapAction(2, ortsplan.ActionDone, "B"),
		snapAction(3, ortsplan.ActionNotStarted, "C"))}
	e2015 := &ortsplan.PlanEdition{Year: 2015, Snapshot: snapshot(snapAction(1, ortsplan.ActionDone, "A"), snapAction(2, ortsplan.ActionDone, "B"),
		snapAction(3, ortsplan.ActionCancelled, "C"), snapAction(4, ortsplan.ActionDone, "D"), snapAction(5, ortsplan.ActionNotStarted, "E"))}
	got := ortsplan.EditionProgress([]*ortsplan.PlanEdition{e2015, e2012}) // given in any order
	want := []ortsplan.EditionFigures{
		{Year: 2012, Counts: ortsplan.EditionCounts{Total: 3, Done: 1, Progress: 100.0 / 3}, Added: 3, Finished: 1},
		{Year: 2015, Counts: ortsplan.EditionCounts{Total: 4, Done: 3, Progress: 75}, Added: 2, Finished: 2},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("EditionProgress =\n%+v\nwant\n%+v", got, want)
	}
	if ortsplan.FindEdition([]*ortsplan.PlanEdition{e2012, e2015}, 2015) != e2015 || ortsplan.FindEdition(nil, 2015) != nil {
		t.Error("FindEdition")
	}
}

func TestEditionYears(t *testing.T) {
	ed := func(loc int64, year int, as ...ortsplan.SnapshotAction) *ortsplan.PlanEdition {
		return &ortsplan.PlanEdition{LocalityID: loc, Year: year, Snapshot: snapshot(as...)}
	}
	es := []*ortsplan.PlanEdition{
		ed(1, 2012, snapAction(1, ortsplan.ActionOngoing, "A"), snapAction(2, ortsplan.ActionNotStarted, "B")),
		ed(2, 2015, snapAction(10, ortsplan.ActionDone, "K"), snapAction(11, ortsplan.ActionOngoing, "L")),
		ed(1, 2015, snapAction(1, ortsplan.ActionDone, "A"), snapAction(2, ortsplan.ActionDone, "B"), snapAction(3, ortsplan.ActionOngoing, "C")),
	}
	got := ortsplan.EditionYears(es)
	want := []ortsplan.EditionYear{
		{Year: 2012, Revisions: 1, Total: 2, Done: 0, Added: 2, Finished: 0},
		// Locality 1 finished A and B since 2012; locality 2's first revision has K done.
		{Year: 2015, Revisions: 2, Total: 5, Done: 3, Added: 1 + 2, Finished: 2 + 1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("EditionYears =\n%+v\nwant\n%+v", got, want)
	}
	if len(ortsplan.EditionYears(nil)) != 0 {
		t.Error("no editions, no years")
	}
}
