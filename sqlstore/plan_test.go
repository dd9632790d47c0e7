package sqlstore_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPhaseTimeline(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := &ortsplan.Locality{Slug: "sparreholm", Name: "Sparreholm", Phase: ortsplan.PhaseMobilising, PhaseSince: date("2011-01-15")}
		if err := db.CreateLocality(ctx, l); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*ortsplan.PhaseChange{
			{LocalityID: l.ID, Phase: ortsplan.PhaseInitial, On: date("2011-09-01")},
			{LocalityID: l.ID, Phase: ortsplan.PhaseImplementing, On: date("2012-04-23"), Note: "Antagen av kommunfullmäktige"},
		} {
			if err := db.ChangePhase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		// Backwards, today: allowed and recorded.
		if err := db.ChangePhase(ctx, &ortsplan.PhaseChange{LocalityID: l.ID, Phase: ortsplan.PhaseInitial, On: date("2026-11-01"), Note: "Ny plan tas fram"}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindLocality(ctx, "sparreholm")
		if got.Phase != ortsplan.PhaseInitial {
			t.Fatalf("phase = %s, want inledande after moving back", got.Phase)
		}
		// A change dated before the latest fills in history without moving the locality.
		db.ChangePhase(ctx, &ortsplan.PhaseChange{LocalityID: l.ID, Phase: ortsplan.PhaseClosing, On: date("2020-01-01")})
		if got, _ := db.FindLocality(ctx, "sparreholm"); got.Phase != ortsplan.PhaseInitial {
			t.Fatalf("a past-dated change moved the current phase to %s", got.Phase)
		}
		hist, err := db.PhaseHistory(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var seq []string
		for _, h := range hist {
			seq = append(seq, h.On.Format("2006-01-02")+" "+string(h.Phase))
		}
		want := "[2011-01-15 mobiliserande 2011-09-01 inledande 2012-04-23 genomforande 2020-01-01 avslutande 2026-11-01 inledande]"
		if got := fmtSlice(seq); got != want {
			t.Fatalf("timeline = %s\nwant %s", got, want)
		}
		if err := db.ChangePhase(ctx, &ortsplan.PhaseChange{LocalityID: l.ID, Phase: "okänd", On: date("2026-01-01")}); ortsplan.FieldErrors(err)["phase"] == "" {
			t.Fatalf("unknown phase accepted: %v", err)
		}
	})
}

func fmtSlice(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}

func TestVisionVersionsAndConflicts(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "halleforsnas", "Hälleforsnäs")
		if _, err := db.FindVision(ctx, l.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("no vision yet: %v", err)
		}
		v := &ortsplan.Vision{LocalityID: l.ID, Title: "Hälleforsnäs vision 2030", Body: "En levande bruksort.", Status: ortsplan.StatusDraft}
		if err := db.SaveVision(ctx, v); err != nil || v.Version != 1 {
			t.Fatalf("create: %v (version %d)", err, v.Version)
		}
		// Two editors load version 1.
		a, _ := db.FindVision(ctx, l.ID)
		b, _ := db.FindVision(ctx, l.ID)
		a.Body = "En levande bruksort vid Brukssjön."
		a.Status = ortsplan.StatusAdopted
		a.Decision = ortsplan.Decision{On: date("2013-06-10"), Body: "Kommunfullmäktige", Reference: "KS 2013/123"}
		if err := db.SaveVision(ctx, a); err != nil {
			t.Fatal(err)
		}
		b.Body = "Något helt annat."
		if err := db.SaveVision(ctx, b); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("stale save: got %v, want conflict", err)
		}
		got, _ := db.FindVision(ctx, l.ID)
		if got.Body != a.Body || !got.Published() || got.Decision.Reference != "KS 2013/123" || !got.Decision.On.Equal(date("2013-06-10")) {
			t.Fatalf("stored vision: %+v", got)
		}
		revs, _ := db.Revisions(ctx, l.ID)
		var visionRevs []*ortsplan.Revision
		for _, r := range revs {
			if r.Kind == "vision" {
				visionRevs = append(visionRevs, r)
			}
		}
		if len(visionRevs) != 2 || visionRevs[0].Action != "adopted" || visionRevs[0].Body != a.Body || visionRevs[1].Body != "En levande bruksort." {
			t.Fatalf("vision revisions: %+v", visionRevs)
		}
		// Revisions are immutable on both engines.
		if _, err := db.SQL().ExecContext(ctx, "UPDATE revisions SET body = 'x'"); err == nil {
			t.Fatal("a revision was changed")
		}
		if _, err := db.SQL().ExecContext(ctx, "DELETE FROM revisions"); err == nil {
			t.Fatal("a revision was deleted")
		}
	})
}

func TestPlanTreeProgressAndOrder(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "kim@example.se", ortsplan.RoleCoordinator))
		l := mustCreateLocality(t, db, "sparreholm", "Sparreholm")
		traffic := &ortsplan.Theme{LocalityID: l.ID, Title: "Trafik och boende"}
		culture := &ortsplan.Theme{LocalityID: l.ID, Title: "Kultur och fritid"}
		for _, th := range []*ortsplan.Theme{traffic, culture} {
			if err := db.SaveTheme(ctx, th); err != nil {
				t.Fatal(err)
			}
		}
		path := &ortsplan.Action{ThemeID: traffic.ID, Title: "Gångväg Spårvägen–Nyköpingsvägen", Status: ortsplan.ActionOngoing,
			ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnad", Priority: ortsplan.PriorityHigh,
			Start: date("2013-01-01"), End: date("2015-12-31")}
		speed := &ortsplan.Action{ThemeID: traffic.ID, Title: "Se över hastighetsgränserna", Status: ortsplan.ActionDone}
		if err := db.SaveAction(ctx, path); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveAction(ctx, speed); err != nil {
			t.Fatal(err)
		}
		subs := []*ortsplan.Action{
			{ParentID: path.ID, ThemeID: traffic.ID, Title: "Förstudie", Status: ortsplan.ActionDone, Weight: 1},
			{ParentID: path.ID, ThemeID: traffic.ID, Title: "Bygga", Status: ortsplan.ActionOngoing, Progress: 20, Weight: 3},
			{ParentID: path.ID, ThemeID: traffic.ID, Title: "Skrotad variant", Status: ortsplan.ActionCancelled},
		}
		for _, s := range subs {
			if err := db.SaveAction(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		// A sub-action of a sub-action is refused.
		err := db.SaveAction(ctx, &ortsplan.Action{ParentID: subs[0].ID, ThemeID: traffic.ID, Title: "För djupt", Status: ortsplan.ActionNotStarted})
		if ortsplan.FieldErrors(err)["parent"] == "" {
			t.Fatalf("nested sub-action accepted: %v", err)
		}
		if err := db.AddActionUpdate(ctx, &ortsplan.ActionUpdate{ActionID: path.ID, On: date("2014-05-01"), Text: "Förstudien klar."}); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveAction(ctx, speed.ID, -1); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveTheme(ctx, culture.ID, -1); err != nil {
			t.Fatal(err)
		}

		p, err := db.FindPlan(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Themes) != 2 || p.Themes[0].Title != "Kultur och fritid" {
			t.Fatalf("theme order: %v", p.Themes)
		}
		tr := p.Themes[1]
		if len(tr.Actions) != 2 || tr.Actions[0].Title != "Se över hastighetsgränserna" {
			t.Fatalf("action order: %+v", tr.Actions)
		}
		pa := tr.Actions[1]
		if len(pa.Children) != 3 || len(pa.Updates) != 1 || pa.Updates[0].ActorName != "Test kim@example.se" {
			t.Fatalf("tree: children %d updates %+v", len(pa.Children), pa.Updates)
		}
		if !pa.Start.Equal(date("2013-01-01")) || pa.ResponsibleDepartment != "Samhällsbyggnad" {
			t.Fatalf("fields not read back: %+v", pa)
		}
		// (100*1 + 20*3) / 4 = 40; cancelled left out.
		if got := pa.ComputedProgress(); math.Abs(got-40) > 1e-9 {
			t.Fatalf("parent progress = %v, want 40", got)
		}
		// Theme: (100 + 40) / 2 = 70. Plan: culture has no actions, so 70 too.
		if got := tr.Progress(); math.Abs(got-70) > 1e-9 {
			t.Fatalf("theme progress = %v, want 70", got)
		}
		if got := p.Progress(); math.Abs(got-70) > 1e-9 {
			t.Fatalf("plan progress = %v, want 70", got)
		}
		sums, err := db.LocalitySummaries(ctx)
		if err != nil || len(sums) != 1 || math.Abs(sums[0].Progress-70) > 1e-9 || sums[0].ActionCount != 5 {
			t.Fatalf("summary: %+v %v", sums[0], err)
		}

		// Optimistic locking on actions.
		stale := *speed
		speed.Title = "Sänkt hastighet på Nyköpingsvägen"
		if err := db.SaveAction(ctx, speed); err != nil {
			t.Fatal(err)
		}
		stale.Description = "annan text"
		if err := db.SaveAction(ctx, &stale); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("stale action save: %v", err)
		}
		// Moving a parent to another theme takes its sub-actions along.
		path.ThemeID = culture.ID
		if err := db.SaveAction(ctx, path); err != nil {
			t.Fatal(err)
		}
		p, _ = db.FindPlan(ctx, l.ID)
		if len(p.Themes[0].Actions) != 1 || len(p.Themes[0].Actions[0].Children) != 3 {
			t.Fatalf("sub-actions did not follow their parent: %+v", p.Themes[0].Actions)
		}
		// An action cannot be moved to another locality's theme.
		other := mustCreateLocality(t, db, "bettna", "Bettna")
		foreign := &ortsplan.Theme{LocalityID: other.ID, Title: "Bettnas tema"}
		if err := db.SaveTheme(ctx, foreign); err != nil {
			t.Fatal(err)
		}
		moved := *p.Themes[0].Actions[0]
		moved.ThemeID, moved.Children, moved.ParentID = foreign.ID, nil, 0
		if err := db.SaveAction(ctx, &moved); ortsplan.FieldErrors(err)["theme"] == "" {
			t.Fatalf("foreign theme accepted: %v", err)
		}

		// Plan adoption with optimistic locking.
		p.Status = ortsplan.StatusAdopted
		p.Decision = ortsplan.Decision{On: date("2012-04-23"), Body: "Kommunfullmäktige"}
		p.NextReview = date("2027-04-01")
		if err := db.SavePlan(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Version = 0
		if err := db.SavePlan(ctx, p); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("stale plan save: %v", err)
		}
		p2, _ := db.FindPlan(ctx, l.ID)
		if p2.Status != ortsplan.StatusAdopted || !p2.NextReview.Equal(date("2027-04-01")) || p2.Version != 1 {
			t.Fatalf("plan: %+v", p2)
		}
		revs, _ := db.Revisions(ctx, l.ID)
		kinds := map[string]int{}
		for _, r := range revs {
			kinds[r.Kind+"/"+r.Action]++
			if r.ActorName != "Test kim@example.se" && r.Kind != "locality" {
				t.Errorf("revision %s/%s has actor %q", r.Kind, r.Action, r.ActorName)
			}
		}
		for _, k := range []string{"theme/created", "theme/moved", "action/created", "action/updated", "action/moved", "update/added", "plan/adopted"} {
			if kinds[k] == 0 {
				t.Errorf("no %s revision (have %v)", k, kinds)
			}
		}
		// The locality list's figures follow every change to the actions.
		summary := func() ortsplan.LocalitySummary {
			sums, err := db.LocalitySummaries(ctx)
			for _, s := range sums {
				if s.ID == l.ID {
					return *s
				}
			}
			t.Fatalf("no summary of %d: %v", l.ID, err)
			return ortsplan.LocalitySummary{}
		}
		before := summary()
		ov, err := db.LocalityOverview(ctx, l.Slug)
		if err != nil {
			t.Fatal(err)
		}
		ovBefore := ov.Outline.Progress()
		if err := db.SaveAction(ctx, &ortsplan.Action{ThemeID: culture.ID, Title: "Konstrunda", Status: ortsplan.ActionDone}); err != nil {
			t.Fatal(err)
		}
		after := summary()
		p3, _ := db.FindPlan(ctx, l.ID)
		if after.ActionCount != before.ActionCount+1 || math.Abs(after.Progress-p3.Progress()) > 1e-9 || after.Progress == before.Progress {
			t.Fatalf("summary after a new action: %+v, was %+v, plan progress %v", after, before, p3.Progress())
		}
		if ov, _ = db.LocalityOverview(ctx, l.Slug); math.Abs(ov.Outline.Progress()-p3.Progress()) > 1e-9 || ov.Outline.Progress() == ovBefore {
			t.Fatalf("overview progress %v after a new action, plan %v", ov.Outline.Progress(), p3.Progress())
		}
		// And every change to the locality itself.
		cur, _ := db.FindLocality(ctx, l.Slug)
		cur.Name = "Stora Sundby by"
		if err := db.UpdateLocality(ctx, cur, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.ChangePhase(ctx, &ortsplan.PhaseChange{LocalityID: l.ID, Phase: ortsplan.PhaseClosing, On: date("2030-01-01")}); err != nil {
			t.Fatal(err)
		}
		if got := summary(); got.Name != "Stora Sundby by" || got.Phase != ortsplan.PhaseClosing {
			t.Fatalf("summary after locality changes: %+v", got.Locality)
		}
		ov, _ = db.LocalityOverview(ctx, l.Slug)
		if last := ov.Phases[len(ov.Phases)-1]; ov.Locality.Name != "Stora Sundby by" || last.Phase != ortsplan.PhaseClosing || ov.Vision != nil {
			t.Fatalf("overview after locality changes: %+v %+v", ov.Locality, ov.Phases)
		}
		ov.Locality.Name = "changed by a caller"
		if again, _ := db.LocalityOverview(ctx, l.Slug); again.Locality.Name != "Stora Sundby by" {
			t.Fatal("a caller's change reached the kept overview")
		}
		last, _ := db.LastChanged(ctx, l.ID)
		if last.IsZero() || last.Before(revs[len(revs)-1].CreatedAt) {
			t.Fatalf("last changed = %v", last)
		}
	})
}

func TestUpdateLocalityAndContacts(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		u := mustCreateUser(t, db, "off@example.se", ortsplan.RoleOfficial)
		a, _ := db.FindLocality(ctx, "bettna")
		b, _ := db.FindLocality(ctx, "bettna")
		a.Description = "Orten i söder."
		n := 300
		a.Inhabitants = &n
		if err := db.UpdateLocality(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		b.Description = "Krock"
		if err := db.UpdateLocality(ctx, b, nil); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("stale locality save: %v", err)
		}
		cur, _ := db.FindLocality(ctx, "bettna")
		if err := db.UpdateLocality(ctx, cur, &ortsplan.ContactChoice{IDs: []int64{u.ID}, PageOwner: u.ID}); err != nil {
			t.Fatal(err)
		}
		cs, _ := db.Contacts(ctx, l.ID)
		if len(cs) != 1 || cs[0].Name != u.Name {
			t.Fatalf("contacts: %+v", cs)
		}
		cur, _ = db.FindLocality(ctx, "bettna")
		cur.Description = "Ändrad samtidigt"
		if err := db.UpdateLocality(ctx, cur, &ortsplan.ContactChoice{IDs: []int64{u.ID, 9999}, PageOwner: u.ID}); ortsplan.FieldErrors(err)["contacts"] == "" {
			t.Fatalf("unknown contact accepted: %v", err)
		}
		if cs, _ := db.Contacts(ctx, l.ID); len(cs) != 1 {
			t.Fatal("a refused contact change was half-stored")
		}
	})
}

func TestSavingUnchangedMakesNoRevision(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "mellosa", "Mellösa")
		v := &ortsplan.Vision{LocalityID: l.ID, Title: "Mellösas vision", Body: "Rad ett.\n\nRad två.", Status: ortsplan.StatusAdopted,
			Decision: ortsplan.Decision{On: date("2014-03-01"), Body: "Kommunfullmäktige"}}
		if err := db.SaveVision(ctx, v); err != nil {
			t.Fatal(err)
		}
		th := &ortsplan.Theme{LocalityID: l.ID, Title: "Tema"}
		db.SaveTheme(ctx, th)
		a := &ortsplan.Action{ThemeID: th.ID, Title: "Åtgärd", Status: ortsplan.ActionOngoing, Start: date("2026-01-01")}
		db.SaveAction(ctx, a)
		before, _ := db.Revisions(ctx, l.ID)
		same, _ := db.FindVision(ctx, l.ID)
		if err := db.SaveVision(ctx, same); err != nil {
			t.Fatal(err)
		}
		p, _ := db.FindPlan(ctx, l.ID)
		if err := db.SaveAction(ctx, p.Themes[0].Actions[0]); err != nil {
			t.Fatal(err)
		}
		loc, _ := db.FindLocality(ctx, "mellosa")
		if err := db.UpdateLocality(ctx, loc, nil); err != nil {
			t.Fatal(err)
		}
		after, _ := db.Revisions(ctx, l.ID)
		if len(after) != len(before) {
			t.Fatalf("unchanged saves made %d revisions", len(after)-len(before))
		}
		// A stale unchanged save is still a conflict.
		same.Version = 0
		if err := db.SaveVision(ctx, same); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("stale save: %v", err)
		}
	})
}

// TestParentFromAnotherFocusAreaIsRefused: choosing a parent in another focus
// area no longer moves the action there silently; it is refused and nothing
// changes, and a done parent takes no new sub-actions.
func TestParentFromAnotherFocusAreaIsRefused(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "stjarnhov", "Stjärnhov")
		traffic := &ortsplan.Theme{LocalityID: l.ID, Title: "Trafik"}
		culture := &ortsplan.Theme{LocalityID: l.ID, Title: "Kultur"}
		for _, th := range []*ortsplan.Theme{traffic, culture} {
			if err := db.SaveTheme(ctx, th); err != nil {
				t.Fatal(err)
			}
		}
		path := &ortsplan.Action{ThemeID: traffic.ID, Title: "Gång- och cykelväg", Status: ortsplan.ActionDone}
		stage := &ortsplan.Action{ThemeID: culture.ID, Title: "Scen i parken", Status: ortsplan.ActionOngoing}
		for _, a := range []*ortsplan.Action{path, stage} {
			if err := db.SaveAction(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		before := sqltest.Digest(t, db)
		moved := *stage
		moved.ParentID = path.ID
		if err := db.SaveAction(ctx, &moved); ortsplan.FieldErrors(err)["parent"] != "error.parent_other_theme" {
			t.Fatalf("a parent in another focus area: %v", err)
		}
		sub := &ortsplan.Action{ThemeID: traffic.ID, ParentID: path.ID, Title: "Belysning längs vägen", Status: ortsplan.ActionNotStarted}
		if err := db.SaveAction(ctx, sub); ortsplan.FieldErrors(err)["parent"] != "error.parent_closed" {
			t.Fatalf("a new sub-action under a done action: %v", err)
		}
		if changed := sqltest.Changed(before, sqltest.Digest(t, db)); len(changed) != 0 {
			t.Fatalf("refused saves changed %v", changed)
		}
		got, err := db.FindPlan(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a := got.FindAction(stage.ID); a == nil || a.ThemeID != culture.ID || a.ParentID != 0 {
			t.Fatalf("the stage action moved: %+v", a)
		}
	})
}

func TestContactsOrderedByHandWithChosenPageOwner(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		a := mustCreateUser(t, db, "anna@example.se", ortsplan.RoleOfficial, "bettna")
		b := mustCreateUser(t, db, "bo@example.se", ortsplan.RoleCoordinator)
		c := mustCreateUser(t, db, "cilla@example.se", ortsplan.RoleOfficial, "bettna")
		cur, _ := db.FindLocality(ctx, "bettna")
		if err := db.UpdateLocality(ctx, cur, &ortsplan.ContactChoice{IDs: []int64{c.ID, a.ID, b.ID}, PageOwner: a.ID}); err != nil {
			t.Fatal(err)
		}
		cs, err := db.Contacts(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range cs {
			s := x.Name
			if x.PageOwner {
				s += " (owner)"
			}
			got = append(got, s)
		}
		want := []string{c.Name, a.Name + " (owner)", b.Name}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("contacts %q, want %q", got, want)
		}
		// Only the owner changes: still stored and written to the audit log.
		cur, _ = db.FindLocality(ctx, "bettna")
		if err := db.UpdateLocality(ctx, cur, &ortsplan.ContactChoice{IDs: []int64{c.ID, a.ID, b.ID}, PageOwner: b.ID}); err != nil {
			t.Fatal(err)
		}
		cs, _ = db.Contacts(ctx, l.ID)
		if len(cs) != 3 || cs[2].UserID != b.ID || !cs[2].PageOwner || cs[1].PageOwner {
			t.Fatalf("owner not moved: %+v %+v %+v", cs[0], cs[1], cs[2])
		}
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'locality:contacts'").Scan(&n); err != nil || n != 2 {
			t.Fatalf("audit rows %d (%v), want 2", n, err)
		}
		// A list without an owner, or with an owner who is not in it, is refused and changes nothing.
		for _, bad := range []ortsplan.ContactChoice{{IDs: []int64{a.ID}}, {IDs: []int64{a.ID}, PageOwner: c.ID}} {
			cur, _ = db.FindLocality(ctx, "bettna")
			if err := db.UpdateLocality(ctx, cur, &bad); ortsplan.FieldErrors(err)["page_owner"] == "" {
				t.Fatalf("%+v accepted: %v", bad, err)
			}
		}
		if cs, _ := db.Contacts(ctx, l.ID); len(cs) != 3 || !cs[2].PageOwner {
			t.Fatalf("a refused change was stored: %+v", cs)
		}
		// No contacts at all is a choice too.
		cur, _ = db.FindLocality(ctx, "bettna")
		if err := db.UpdateLocality(ctx, cur, &ortsplan.ContactChoice{}); err != nil {
			t.Fatal(err)
		}
		if cs, _ := db.Contacts(ctx, l.ID); len(cs) != 0 {
			t.Fatalf("contacts left: %+v", cs)
		}
	})
}
