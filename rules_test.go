package ortsplan

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestMeetingNotice(t *testing.T) {
	start := time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC)
	base := Meeting{State: MeetingPlanned, Start: start, End: start.Add(2 * time.Hour), PlaceName: "Bygdegården", PlaceAddress: "Kvarnvägen 1",
		Title: "Stormöte", Agenda: "Vision"}
	cases := []struct {
		name   string
		change func(m *Meeting)
		want   string
	}{
		{"nothing", func(m *Meeting) {}, ""},
		{"title and agenda only", func(m *Meeting) { m.Title, m.Agenda = "Stormöte om badet", "Badplatsen" }, ""},
		{"start", func(m *Meeting) { m.Start = m.Start.Add(time.Hour) }, NoticeMoved},
		{"end", func(m *Meeting) { m.End = m.End.Add(30 * time.Minute) }, NoticeMoved},
		{"end removed", func(m *Meeting) { m.End = time.Time{} }, NoticeMoved},
		{"place", func(m *Meeting) { m.PlaceName = "Skolan" }, NoticeMoved},
		{"address", func(m *Meeting) { m.PlaceAddress = "Skolvägen 2" }, NoticeMoved},
		{"cancelled", func(m *Meeting) { m.State, m.CancelReason = MeetingCancelled, "Sjukdom" }, NoticeCancelled},
		{"cancelled and moved", func(m *Meeting) { m.State, m.Start = MeetingCancelled, m.Start.Add(time.Hour) }, NoticeCancelled},
		{"held", func(m *Meeting) { m.State, m.Participants = MeetingHeld, 30 }, ""},
		{"held and time corrected", func(m *Meeting) { m.State, m.Start = MeetingHeld, m.Start.Add(time.Hour) }, ""},
		{"same instant in another zone", func(m *Meeting) { m.Start = m.Start.In(time.FixedZone("CET", 3600)) }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := base
			c.change(&next)
			if got := MeetingNotice(&base, &next); got != c.want {
				t.Fatalf("MeetingNotice = %q, want %q", got, c.want)
			}
		})
	}
	t.Run("cancelled again", func(t *testing.T) {
		prev := base
		prev.State = MeetingCancelled
		next := prev
		next.CancelReason = "Ny text"
		if got := MeetingNotice(&prev, &next); got != "" {
			t.Fatalf("a second save of a cancelled meeting notifies again: %q", got)
		}
	})
}

func TestWaitlisted(t *testing.T) {
	cases := []struct {
		capacity, registered, people int
		want                         bool
	}{
		{0, 500, 20, false}, // no limit
		{10, 0, 10, false},
		{10, 9, 1, false},
		{10, 9, 2, true},
		{10, 10, 1, true},
		{3, 2, 2, true},
	}
	for _, c := range cases {
		if got := Waitlisted(c.capacity, c.registered, c.people); got != c.want {
			t.Errorf("Waitlisted(%d, %d, %d) = %v, want %v", c.capacity, c.registered, c.people, got, c.want)
		}
	}
}

func TestPromote(t *testing.T) {
	cancelled := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	reg := func(id int64, people int, waiting bool) *Registration {
		return &Registration{ID: id, People: people, Waitlisted: waiting, ConfirmedAt: cancelled.Add(-time.Hour)}
	}
	gone := reg(9, 1, true)
	gone.CancelledAt = cancelled
	unconfirmed := &Registration{ID: 8, People: 1, Waitlisted: true, ConfirmBy: cancelled.Add(48 * time.Hour)}
	unconfirmedNotWaiting := &Registration{ID: 7, People: 1, ConfirmBy: cancelled.Add(48 * time.Hour)}
	cases := []struct {
		name                 string
		capacity, registered int
		regs                 []*Registration
		want                 []int64
	}{
		{"nobody waits", 10, 8, []*Registration{reg(1, 2, false), reg(2, 6, false)}, nil},
		{"the first who fits", 10, 8, []*Registration{reg(1, 8, false), reg(2, 2, true), reg(3, 1, true)}, []int64{2}},
		{"in order while they fit", 10, 6, []*Registration{reg(1, 6, false), reg(2, 1, true), reg(3, 2, true), reg(4, 2, true)}, []int64{2, 3}},
		{"a large party keeps its turn, a small one behind moves up", 10, 7,
			[]*Registration{reg(1, 7, false), reg(2, 4, true), reg(3, 3, true)}, []int64{3}},
		{"no free place", 5, 5, []*Registration{reg(1, 5, false), reg(2, 1, true)}, nil},
		{"cancelled ones are passed over", 5, 4, []*Registration{reg(1, 4, false), gone, reg(3, 1, true)}, []int64{3}},
		{"no capacity, nobody waits", 0, 50, []*Registration{reg(1, 2, true)}, nil},
		{"unconfirmed ones are passed over", 5, 3, []*Registration{reg(1, 3, false), unconfirmed, unconfirmedNotWaiting, reg(4, 2, true)}, []int64{4}},
		{"only unconfirmed ones: nobody moves up", 5, 0, []*Registration{unconfirmed, unconfirmedNotWaiting}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []int64
			for _, r := range Promote(c.capacity, c.registered, c.regs) {
				got = append(got, r.ID)
			}
			if len(got) != len(c.want) {
				t.Fatalf("Promote = %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("Promote = %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestRegistrationState(t *testing.T) {
	made := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	by := DefaultRegistrationRule.ConfirmBy(made)
	if by != made.Add(48*time.Hour) {
		t.Fatalf("ConfirmBy = %v, want 48 hours after %v", by, made)
	}
	pending := Registration{People: 2, CreatedAt: made, ConfirmBy: by}
	confirmed := pending
	confirmed.ConfirmedAt = made.Add(time.Hour)
	waiting := confirmed
	waiting.Waitlisted = true
	cancelled := confirmed
	cancelled.CancelledAt = made.Add(2 * time.Hour)
	cancelledPending := pending
	cancelledPending.CancelledAt = made.Add(2 * time.Hour)
	cases := []struct {
		name         string
		r            Registration
		at           time.Time
		want         RegistrationState
		place, waits bool
		blocks       bool
	}{
		{"unconfirmed, just made", pending, made, RegPending, false, false, true},
		{"unconfirmed, a second before the limit", pending, by.Add(-time.Second), RegPending, false, false, true},
		{"unconfirmed at the limit: expired", pending, by, RegExpired, false, false, false},
		{"unconfirmed after the limit", pending, by.Add(24 * time.Hour), RegExpired, false, false, false},
		{"confirmed with places", confirmed, made.Add(2 * time.Hour), RegPlace, true, false, true},
		{"confirmed, long after the limit: still counts", confirmed, by.Add(30 * 24 * time.Hour), RegPlace, true, false, true},
		{"confirmed onto the waiting list", waiting, by.Add(time.Hour), RegWaiting, false, true, true},
		{"cancelled after confirming", cancelled, made.Add(3 * time.Hour), RegCancelled, false, false, false},
		{"cancelled before confirming", cancelledPending, made.Add(3 * time.Hour), RegCancelled, false, false, false},
		{"a waiting list flag without confirmation counts nowhere", Registration{Waitlisted: true, ConfirmBy: by}, made, RegPending, false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.r
			if got := r.State(c.at); got != c.want {
				t.Errorf("State = %q, want %q", got, c.want)
			}
			if r.HoldsPlace() != c.place || r.Waits() != c.waits || r.Blocks(c.at) != c.blocks {
				t.Errorf("HoldsPlace %v Waits %v Blocks %v, want %v %v %v", r.HoldsPlace(), r.Waits(), r.Blocks(c.at), c.place, c.waits, c.blocks)
			}
		})
	}
}

func TestAgainNotice(t *testing.T) {
	made := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	pending := &Registration{CreatedAt: made, ConfirmBy: made.Add(48 * time.Hour)}
	confirmed := &Registration{CreatedAt: made, ConfirmBy: made.Add(48 * time.Hour), ConfirmedAt: made.Add(time.Hour)}
	cancelled := &Registration{CreatedAt: made, ConfirmBy: made.Add(48 * time.Hour), ConfirmedAt: made.Add(time.Hour), CancelledAt: made.Add(2 * time.Hour)}
	cases := []struct {
		name      string
		r         *Registration
		last, now time.Time
		want      string
	}{
		{"unconfirmed: the confirm link again", pending, made, made.Add(time.Hour), NoticeConfirm},
		{"confirmed: already registered", confirmed, made.Add(time.Hour), made.Add(3 * time.Hour), NoticeAlready},
		{"too soon after the last e-mail", confirmed, made.Add(time.Hour), made.Add(time.Hour + RegistrationResendAfter - time.Second), ""},
		{"just as the wait is over", confirmed, made.Add(time.Hour), made.Add(time.Hour + RegistrationResendAfter), NoticeAlready},
		{"expired: not registered any more", pending, made, made.Add(49 * time.Hour), ""},
		{"cancelled: not registered any more", cancelled, made, made.Add(5 * time.Hour), ""},
	}
	for _, c := range cases {
		if got := AgainNotice(c.r, c.last, c.now); got != c.want {
			t.Errorf("%s: AgainNotice = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestRegistrationValidate(t *testing.T) {
	ok := func() Registration { return Registration{Name: " Åsa ", Email: "Asa@Example.se", People: 1} }
	cases := []struct {
		name   string
		rule   RegistrationRule
		change func(r *Registration)
		want   map[string]string
	}{
		{"one person", DefaultRegistrationRule, func(r *Registration) {}, nil},
		{"six people, the default cap", DefaultRegistrationRule, func(r *Registration) { r.People = 6 }, nil},
		{"seven people, over the default cap", DefaultRegistrationRule, func(r *Registration) { r.People = 7 }, map[string]string{"people": "error.people_range"}},
		{"nineteen people, the attack", DefaultRegistrationRule, func(r *Registration) { r.People = 19 }, map[string]string{"people": "error.people_range"}},
		{"no one", DefaultRegistrationRule, func(r *Registration) { r.People = 0 }, map[string]string{"people": "error.people_range"}},
		{"fewer than no one", DefaultRegistrationRule, func(r *Registration) { r.People = -3 }, map[string]string{"people": "error.people_range"}},
		{"a cap of 2 refuses 3", RegistrationRule{MaxPeople: 2}, func(r *Registration) { r.People = 3 }, map[string]string{"people": "error.people_range"}},
		{"a cap of 2 takes 2", RegistrationRule{MaxPeople: 2}, func(r *Registration) { r.People = 2 }, nil},
		{"no rule set: the default cap", RegistrationRule{}, func(r *Registration) { r.People = 7 }, map[string]string{"people": "error.people_range"}},
		{"a cap of 20 takes 20", RegistrationRule{MaxPeople: 20}, func(r *Registration) { r.People = 20 }, nil},
		{"name and e-mail missing", DefaultRegistrationRule, func(r *Registration) { r.Name, r.Email = " ", "" },
			map[string]string{"name": "error.required", "email": "error.email_required"}},
		{"a bad e-mail address", DefaultRegistrationRule, func(r *Registration) { r.Email = "asa(at)example.se" }, map[string]string{"email": "error.email_invalid"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ok()
			c.change(&r)
			got := FieldErrors(r.Validate(c.rule))
			if len(got) != len(c.want) {
				t.Fatalf("Validate = %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Fatalf("Validate = %v, want %v", got, c.want)
				}
			}
			if c.want == nil && (r.Name != "Åsa" || r.Email != "asa@example.se") {
				t.Errorf("not normalised: %q %q", r.Name, r.Email)
			}
		})
	}
}

func TestIdeaThreshold(t *testing.T) {
	flen := IdeaThreshold{Supports: 10, Within: 90 * 24 * time.Hour}
	created := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	cases := []struct {
		name     string
		rule     IdeaThreshold
		supports int
		after    time.Duration
		flagged  bool
		hidden   bool
		reached  bool
		flag     bool
	}{
		{"too few", flen, 9, day, false, false, false, false},
		{"just enough", flen, 10, day, false, false, true, true},
		{"more than enough", flen, 25, day, false, false, true, true},
		{"on the last moment", flen, 10, 90 * day, false, false, true, true},
		{"too late", flen, 10, 90*day + time.Second, false, false, false, false},
		{"flagged once only", flen, 11, 2 * day, true, false, true, false},
		{"hidden is never flagged", flen, 12, 2 * day, false, true, true, false},
		{"no threshold", IdeaThreshold{Supports: 0, Within: 90 * day}, 100, day, false, false, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := created.Add(c.after)
			if got := c.rule.Reached(c.supports, created, now); got != c.reached {
				t.Fatalf("Reached = %v, want %v", got, c.reached)
			}
			i := &Idea{CreatedAt: created}
			if c.flagged {
				i.FlaggedAt = created.Add(day)
			}
			if c.hidden {
				i.HiddenAt = created.Add(day)
			}
			if got := c.rule.ShouldFlag(i, c.supports, now); got != c.flag {
				t.Fatalf("ShouldFlag = %v, want %v", got, c.flag)
			}
		})
	}
}

func TestCheckAlt(t *testing.T) {
	cases := []struct {
		alt  string
		want string
	}{
		{"Ett tjugotal personer vid långbord i bygdegården", ""},
		{"  Stormötet i Bettna  ", ""},
		{"", "error.alt_required"},
		{"   \n\t", "error.alt_required"},
		{"IMG_1234.jpg", "error.alt_filename"},
		{"bild.JPEG", "error.alt_filename"},
		{"skiss.png", "error.alt_filename"},
		{"Foto.webp", "error.alt_filename"},
		{"Karta över Flen, skiss.png från 2014", ""}, // a sentence that mentions a file
		{"Version 2.0", ""},
		{strings.Repeat("å", MaxAlt), ""},
		{strings.Repeat("å", MaxAlt+1), "error.too_long"},
	}
	for _, c := range cases {
		v := ValidationErrors{}
		CheckAlt(v, "alt", c.alt)
		if got := v["alt"]; got != c.want {
			t.Errorf("CheckAlt(%q) = %q, want %q", c.alt, got, c.want)
		}
	}
	// Every picture follows the same rule.
	photo := &MeetingFile{Kind: FilePhoto, Alt: "DSC0001.JPG"}
	if FieldErrors(photo.Validate())["alt"] != "error.alt_filename" {
		t.Error("a meeting photo takes a file name as alt text")
	}
	idea := &Idea{Title: "Bänkar", Body: "Vid sjön", Photo: []FileVariant{{Name: "page"}}}
	if FieldErrors(idea.Validate())["photo_alt"] != "error.alt_required" {
		t.Error("an idea's photo is accepted without alt text")
	}
	idea.Photo = nil
	if err := idea.Validate(); err != nil {
		t.Errorf("an idea without a photo needs no alt text: %v", err)
	}
}

func TestReasonRules(t *testing.T) {
	cases := []struct {
		rule   ReasonRule
		reason string
		want   string
	}{
		{ReasonModerate, "Personangrepp", ""},
		{ReasonModerate, "", "error.reason_required"},
		{ReasonModerate, "   ", "error.reason_required"},
		{ReasonModerate, strings.Repeat("x", 500), ""},
		{ReasonModerate, strings.Repeat("x", 501), "error.too_long"},
		{ReasonReport, strings.Repeat("x", 1000), ""},
		{ReasonReport, strings.Repeat("x", 1001), "error.too_long"},
		{ReasonCancel, "", "error.cancel_reason_required"},
		{ReasonCancel, "Sjukdom", ""},
		{ReasonNotRelevant, "", "error.reason_required"},
	}
	for _, c := range cases {
		v := ValidationErrors{}
		c.rule.Check(v, c.reason)
		if got := v[c.rule.Field]; got != c.want {
			t.Errorf("%s rule on %d characters: %q, want %q", c.rule.Field, len(c.reason), got, c.want)
		}
	}
	// Where the rules apply.
	start := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	m := &Meeting{Title: "Stormöte", Kind: MeetingOpen, State: MeetingCancelled, Start: start}
	if FieldErrors(m.Validate())["cancel_reason"] != "error.cancel_reason_required" {
		t.Error("a meeting is cancelled without a reason")
	}
	m.State = MeetingPlanned
	if err := m.Validate(); err != nil {
		t.Errorf("a planned meeting needs no reason: %v", err)
	}
	a := &IdeaAnswer{IdeaID: 1, Status: IdeaNotRelevant}
	if FieldErrors(a.Validate())["answer"] != "error.reason_required" {
		t.Error("an idea is answered \"ej aktuell\" without a reason")
	}
	a.Status = IdeaReceived
	if err := a.Validate(); err != nil {
		t.Errorf("\"mottagen\" needs no reason: %v", err)
	}
}

func TestModerationAndReportValidate(t *testing.T) {
	cases := []struct {
		name string
		m    Moderation
		want map[string]string
	}{
		{"the idea itself", Moderation{IdeaID: 7, Kind: ModerateIdea, TargetID: 7, Reason: "Reklam"}, nil},
		{"a comment", Moderation{IdeaID: 7, Kind: ModerateComment, TargetID: 31, Reason: "Personangrepp"}, nil},
		{"unknown kind", Moderation{IdeaID: 7, Kind: "user", TargetID: 7, Reason: "Reklam"}, map[string]string{"kind": "error.choose_from_list"}},
		{"no reason", Moderation{IdeaID: 7, Kind: ModerateIdea, TargetID: 7, Reason: " "}, map[string]string{"reason": "error.reason_required"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := FieldErrors(c.m.Validate())
			if len(got) != len(c.want) {
				t.Fatalf("Validate = %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Fatalf("Validate = %v, want %v", got, c.want)
				}
			}
			r := Report{IdeaID: c.m.IdeaID, Kind: c.m.Kind, TargetID: c.m.TargetID, Reason: c.m.Reason}
			if (r.Validate() == nil) != (c.m.Validate() == nil) {
				t.Fatalf("a report and a moderation disagree: %v / %v", r.Validate(), c.m.Validate())
			}
		})
	}
	long := Report{IdeaID: 1, Kind: ModerateIdea, TargetID: 1, Reason: strings.Repeat("x", 800)}
	if err := long.Validate(); err != nil {
		t.Errorf("a report may be longer than a moderator's reason: %v", err)
	}
}

func TestProgressRollUp(t *testing.T) {
	a := func(id, parent int64, st ActionStatus, progress int, weight float64) *Action {
		return &Action{ID: id, ThemeID: 1, ParentID: parent, Status: st, Progress: progress, Weight: weight}
	}
	cases := []struct {
		name    string
		actions []*Action // in position order
		want    float64   // plan progress
		first   float64   // the first top-level action's progress
	}{
		{"no actions", nil, 0, -1},
		{"own progress", []*Action{a(1, 0, ActionOngoing, 40, 0)}, 40, 40},
		{"done counts 100", []*Action{a(1, 0, ActionDone, 10, 0)}, 100, 100},
		{"equal weights average", []*Action{a(1, 0, ActionOngoing, 20, 0), a(2, 0, ActionOngoing, 60, 0)}, 40, 20},
		{"weights", []*Action{a(1, 0, ActionOngoing, 100, 3), a(2, 0, ActionNotStarted, 0, 1)}, 75, 100},
		{"cancelled left out", []*Action{a(1, 0, ActionOngoing, 50, 0), a(2, 0, ActionCancelled, 0, 0)}, 50, 50},
		{"only cancelled", []*Action{a(1, 0, ActionCancelled, 80, 0)}, 0, 80},
		{"sub-actions replace own progress", []*Action{a(1, 0, ActionOngoing, 90, 0), a(2, 1, ActionDone, 0, 0), a(3, 1, ActionNotStarted, 0, 0)}, 50, 50},
		{"weighted sub-actions", []*Action{a(1, 0, ActionOngoing, 0, 0), a(2, 1, ActionOngoing, 100, 1), a(3, 1, ActionOngoing, 0, 3)}, 25, 25},
		{"a done parent is done", []*Action{a(1, 0, ActionDone, 0, 0), a(2, 1, ActionNotStarted, 0, 0)}, 100, 100},
		{"cancelled sub-actions left out", []*Action{a(1, 0, ActionOngoing, 0, 0), a(2, 1, ActionOngoing, 60, 0), a(3, 1, ActionCancelled, 0, 0)}, 60, 60},
		{"all sub-actions cancelled: own progress", []*Action{a(1, 0, ActionOngoing, 30, 0), a(2, 1, ActionCancelled, 0, 0)}, 30, 30},
		{"unknown parent counts as top-level", []*Action{a(1, 0, ActionOngoing, 0, 0), a(2, 99, ActionDone, 0, 0)}, 50, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top := ActionTree(c.actions)
			if got := PlanProgress(top); math.Abs(got-c.want) > 1e-9 {
				t.Fatalf("PlanProgress = %v, want %v", got, c.want)
			}
			if c.first >= 0 && math.Abs(top[0].ComputedProgress()-c.first) > 1e-9 {
				t.Fatalf("first action = %v, want %v", top[0].ComputedProgress(), c.first)
			}
		})
	}
	t.Run("themes and plan", func(t *testing.T) {
		themes := []*Theme{{ID: 1}, {ID: 2}}
		actions := []*Action{
			{ID: 1, ThemeID: 1, Status: ActionDone},
			{ID: 2, ThemeID: 1, Status: ActionNotStarted},
			{ID: 3, ThemeID: 2, Status: ActionOngoing, Progress: 50},
			{ID: 4, ThemeID: 3, Status: ActionDone}, // unknown theme: left out
		}
		p := &Plan{Themes: BuildTree(themes, actions)}
		if got := p.Themes[0].Progress(); got != 50 {
			t.Fatalf("theme progress %v, want 50", got)
		}
		// The plan weighs every top-level action, so a theme with more counts for more.
		if got := p.Progress(); math.Abs(got-50) > 1e-9 {
			t.Fatalf("plan progress %v, want 50", got)
		}
		if n := p.CountByStatus(); n[ActionDone] != 1 || n[ActionOngoing] != 1 || n[ActionNotStarted] != 1 {
			t.Fatalf("counts %v", n)
		}
		if p.FindAction(3) == nil || p.FindAction(4) != nil {
			t.Fatal("FindAction")
		}
	})
}

func TestCheckParent(t *testing.T) {
	top := &Action{ID: 1, ThemeID: 5, Status: ActionOngoing}
	sub := &Action{ID: 2, ThemeID: 5, ParentID: 1}
	self := &Action{ID: 3, ThemeID: 6}
	done := &Action{ID: 4, ThemeID: 5, Status: ActionDone}
	cancelled := &Action{ID: 7, ThemeID: 5, Status: ActionCancelled}
	cases := []struct {
		name      string
		a, p      *Action
		children  int
		newParent bool
		want      string // the error key, "" for none
	}{
		{"under a top-level action", &Action{ID: 9, ThemeID: 5}, top, 0, true, ""},
		{"a new action", &Action{ThemeID: 5}, top, 0, true, ""},
		{"no such parent", &Action{ID: 9, ThemeID: 5}, nil, 0, true, "error.parent_invalid"},
		{"under a sub-action", &Action{ID: 9, ThemeID: 5}, sub, 0, true, "error.parent_invalid"},
		{"under itself", self, self, 0, true, "error.parent_invalid"},
		{"it has sub-actions itself", &Action{ID: 9, ThemeID: 5}, top, 2, true, "error.parent_invalid"},
		{"a parent in another focus area", &Action{ID: 9, ThemeID: 6}, top, 0, true, "error.parent_other_theme"},
		{"a new parent that is done", &Action{ID: 9, ThemeID: 5}, done, 0, true, "error.parent_closed"},
		{"a new parent that is cancelled", &Action{ID: 9, ThemeID: 5}, cancelled, 0, true, "error.parent_closed"},
		{"kept under a parent since done", &Action{ID: 9, ThemeID: 5}, done, 0, false, ""},
	}
	for _, c := range cases {
		err := CheckParent(c.a, c.p, c.children, c.newParent)
		if got := FieldErrors(err)["parent"]; got != c.want || (err == nil) != (c.want == "") {
			t.Errorf("%s: CheckParent = %v, want %q", c.name, err, c.want)
		}
	}
}

func TestPeriodBounds(t *testing.T) {
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Skip("no zone database")
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, sthlm)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		kind       PeriodKind
		t          time.Time
		key        string
		start, end string
	}{
		{PeriodQuarter, at("2026-12-01 12:00"), "2026-Q4", "2026-10-01 00:00", "2027-01-01 00:00"},
		{PeriodQuarter, at("2026-01-01 00:00"), "2026-Q1", "2026-01-01 00:00", "2026-04-01 00:00"},
		{PeriodQuarter, at("2026-03-31 23:59"), "2026-Q1", "2026-01-01 00:00", "2026-04-01 00:00"},
		// 23:30 UTC on 30 June is already 1 July in Stockholm.
		{PeriodQuarter, time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), "2026-Q3", "2026-07-01 00:00", "2026-10-01 00:00"},
		{PeriodYear, at("2026-12-31 23:59"), "2026", "2026-01-01 00:00", "2027-01-01 00:00"},
		{PeriodYear, time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "2027", "2027-01-01 00:00", "2028-01-01 00:00"},
	}
	for _, c := range cases {
		p := PeriodOf(c.kind, c.t, sthlm)
		if p.Key() != c.key || !p.Start.Equal(at(c.start)) || !p.End.Equal(at(c.end)) {
			t.Errorf("PeriodOf(%s, %v) = %s [%v, %v), want %s [%s, %s)", c.kind, c.t, p.Key(), p.Start, p.End, c.key, c.start, c.end)
		}
		if !(p.Start.Before(c.t) || p.Start.Equal(c.t)) || !c.t.Before(p.End) {
			t.Errorf("%v is not in its period %s", c.t, p.Key())
		}
		if prev := p.Prev(sthlm); !prev.End.Equal(p.Start) {
			t.Errorf("Prev of %s ends %v, want %v", p.Key(), prev.End, p.Start)
		}
	}

	now := at("2026-12-01 12:00")
	qs := EffectPeriods(PeriodQuarter, now, time.Time{}, sthlm)
	if len(qs) != EffectQuarters || qs[0].Key() != "2025-Q1" || qs[len(qs)-1].Key() != "2026-Q4" {
		t.Fatalf("quarters %s … %s (%d)", qs[0].Key(), qs[len(qs)-1].Key(), len(qs))
	}
	for i := 1; i < len(qs); i++ {
		if !qs[i-1].End.Equal(qs[i].Start) {
			t.Fatalf("gap between %s and %s", qs[i-1].Key(), qs[i].Key())
		}
	}
	years := []struct {
		first time.Time
		n     int
		from  string
	}{
		{time.Time{}, 1, "2026"},
		{at("2026-02-01 00:00"), 1, "2026"},
		{at("2011-05-05 18:00"), 16, "2011"},
		{at("1990-01-01 00:00"), EffectMaxYears, "2007"},
		{at("2030-01-01 00:00"), 1, "2026"}, // a record in the future still shows this year
	}
	for _, y := range years {
		ps := EffectPeriods(PeriodYear, now, y.first, sthlm)
		if len(ps) != y.n || ps[0].Key() != y.from || ps[len(ps)-1].Key() != "2026" {
			t.Errorf("years from %v: %d from %s, want %d from %s", y.first, len(ps), ps[0].Key(), y.n, y.from)
		}
	}
}

func TestLoginWait(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	cases := []struct {
		name string
		f    LoginFailures
		want time.Duration
	}{
		{"nothing", LoginFailures{}, 0},
		{"a few failures of the pair", LoginFailures{Addr: 4, Pair: 4, Account: 4, AddrLast: now, PairLast: now}, 0},
		{"the pair's fifth failure", LoginFailures{Addr: 5, Pair: 5, Account: 5, AddrLast: now, PairLast: now}, 30 * time.Second},
		{"the pair's fifth, 20 s ago", LoginFailures{Addr: 5, Pair: 5, Account: 5, AddrLast: ago(20 * time.Second), PairLast: ago(20 * time.Second)}, 10 * time.Second},
		{"the pair's fifth, waited", LoginFailures{Addr: 5, Pair: 5, Account: 5, AddrLast: ago(time.Minute), PairLast: ago(time.Minute)}, 0},
		{"the pair's sixth doubles", LoginFailures{Addr: 6, Pair: 6, Account: 6, AddrLast: now, PairLast: now}, time.Minute},
		{"the pair's ninth", LoginFailures{Addr: 9, Pair: 9, Account: 9, AddrLast: now, PairLast: now}, 8 * time.Minute},
		{"the pair's longest wait", LoginFailures{Addr: 9, Pair: 40, Account: 40, AddrLast: now, PairLast: now}, 15 * time.Minute},
		{"a huge count does not overflow", LoginFailures{Pair: 1 << 40, Account: 1 << 40, Addr: 9, PairLast: now}, 15 * time.Minute},
		// The owner's case: the account is attacked from elsewhere, this address has not failed.
		{"attacked, clean address", LoginFailures{Addr: 0, Pair: 0, Account: 500}, 0},
		{"attacked, address failed for other accounts", LoginFailures{Addr: 9, Pair: 0, Account: 500, AddrLast: now}, 0},
		{"attacked, one failure of the pair", LoginFailures{Addr: 1, Pair: 1, Account: 10, AddrLast: now, PairLast: now}, 30 * time.Second},
		{"attacked, two failures of the pair", LoginFailures{Addr: 2, Pair: 2, Account: 10, AddrLast: now, PairLast: now}, time.Minute},
		{"nearly attacked, one failure", LoginFailures{Addr: 1, Pair: 1, Account: 9, AddrLast: now, PairLast: now}, 0},
		// An address that guesses across accounts.
		{"address under its limit", LoginFailures{Addr: 9, AddrLast: now}, 0},
		{"address at its limit", LoginFailures{Addr: 10, AddrLast: now}, 30 * time.Second},
		{"address beyond its limit", LoginFailures{Addr: 13, AddrLast: ago(time.Minute)}, 3 * time.Minute},
		{"address beyond its limit, waited", LoginFailures{Addr: 13, AddrLast: ago(5 * time.Minute)}, 0},
		{"address slowed for a clean account", LoginFailures{Addr: 12, Pair: 0, Account: 0, AddrLast: now}, 2 * time.Minute},
		{"address at the most tries", LoginFailures{Addr: 100, AddrLast: ago(10 * time.Minute)}, 50 * time.Minute},
		{"address at the most tries, forgotten", LoginFailures{Addr: 100, AddrLast: ago(time.Hour)}, 0},
		{"the longer of address and pair", LoginFailures{Addr: 13, Pair: 6, Account: 6, AddrLast: ago(time.Minute), PairLast: now}, 3 * time.Minute},
		{"the longer of pair and address", LoginFailures{Addr: 10, Pair: 8, Account: 8, AddrLast: now, PairLast: now}, 4 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := LoginWait(c.f, now); got != c.want {
				t.Fatalf("LoginWait(%+v) = %v, want %v", c.f, got, c.want)
			}
		})
	}
	// The owner is never locked out: an address that has not failed for the
	// account and is under the address limit never waits, whatever else.
	for _, account := range []int{0, 1, 5, 10, 1000} {
		for addr := range LoginAddrFree {
			if got := LoginWait(LoginFailures{Addr: addr, Account: account, AddrLast: now}, now); got != 0 {
				t.Errorf("clean pair, %d failures from the address, %d for the account: waits %v", addr, account, got)
			}
		}
	}
}

func TestActionLate(t *testing.T) {
	today := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		status ActionStatus
		end    time.Time
		want   bool
	}{
		{ActionOngoing, day(2016, 12, 31), true}, // the footpath planned for 2013–2016
		{ActionNotStarted, day(2026, 12, 1), true},
		{ActionPaused, day(2026, 12, 1), true},
		{ActionOngoing, day(2026, 12, 2), false}, // its last day is today
		{ActionOngoing, day(2027, 1, 1), false},
		{ActionDone, day(2016, 12, 31), false},
		{ActionCancelled, day(2016, 12, 31), false},
		{ActionOngoing, time.Time{}, false}, // no end date
	} {
		if got := ActionLate(c.status, c.end, today); got != c.want {
			t.Errorf("ActionLate(%s, %s) = %v, want %v", c.status, c.end.Format(time.DateOnly), got, c.want)
		}
		a := &Action{Status: c.status, End: c.end}
		if a.Late(today) != c.want {
			t.Errorf("Action.Late disagrees for %s, %s", c.status, c.end.Format(time.DateOnly))
		}
	}
}

func TestMeetingNeedsNotesAndSoon(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	m := func(state MeetingState, start time.Time, dur time.Duration, report string, published bool) *Meeting {
		x := &Meeting{State: state, Start: start, Report: report}
		if dur > 0 {
			x.End = start.Add(dur)
		}
		if published {
			x.ReportPublished = start.Add(48 * time.Hour)
		}
		return x
	}
	for _, c := range []struct {
		name        string
		m           *Meeting
		notes, soon bool
	}{
		{"held last week, no notes", m(MeetingHeld, now.AddDate(0, 0, -7), 2*time.Hour, "", false), true, false},
		{"held, notes in draft", m(MeetingHeld, now.AddDate(0, 0, -7), 2*time.Hour, "Anteckningar", false), true, false},
		{"held, notes published", m(MeetingHeld, now.AddDate(0, 0, -7), 2*time.Hour, "Anteckningar", true), false, false},
		{"still marked planned but over", m(MeetingPlanned, now.AddDate(0, 0, -1), 0, "", false), true, false},
		{"cancelled last week", m(MeetingCancelled, now.AddDate(0, 0, -7), 2*time.Hour, "", false), false, false},
		{"going on now", m(MeetingPlanned, now.Add(-time.Hour), 2*time.Hour, "", false), false, false},
		{"in three days", m(MeetingPlanned, now.AddDate(0, 0, 3), 2*time.Hour, "", false), false, true},
		{"in 13 days", m(MeetingPlanned, now.AddDate(0, 0, 13), 2*time.Hour, "", false), false, true},
		{"in 15 days", m(MeetingPlanned, now.AddDate(0, 0, 15), 2*time.Hour, "", false), false, false},
		{"cancelled, in three days", m(MeetingCancelled, now.AddDate(0, 0, 3), 2*time.Hour, "", false), false, false},
	} {
		if got := MeetingNeedsNotes(c.m, now); got != c.notes {
			t.Errorf("%s: MeetingNeedsNotes = %v, want %v", c.name, got, c.notes)
		}
		if got := MeetingSoon(c.m, now); got != c.soon {
			t.Errorf("%s: MeetingSoon = %v, want %v", c.name, got, c.soon)
		}
	}
	w := Workload{SignUpsWaiting: 1, IdeasUnanswered: 2, Reports: 3, LateActions: 4, MeetingsWithoutNotes: 5, MeetingsSoon: 6}
	if w.Waiting() != 15 {
		t.Errorf("Waiting = %d, want 15 (the meetings to come wait for no one)", w.Waiting())
	}
}

func TestSlugs(t *testing.T) {
	for _, c := range []struct{ typed, fold, fromName string }{
		{"stjärnhov", "stjarnhov", "stjarnhov"},
		{" Stjärnhov ", "stjarnhov", "stjarnhov"},
		{"Malmköping", "malmkoping", "malmkoping"},
		{"Hälleforsnäs", "halleforsnas", "halleforsnas"},
		{"Stora Sundby", "stora-sundby", "stora-sundby"},
		{"Stora Sundby!", "stora-sundby!", "stora-sundby"},
		{"Bettna – gamla skolan", "bettna-–-gamla-skolan", "bettna-gamla-skolan"},
		{"Idrottsföreningen (IFK)", "idrottsforeningen-(ifk)", "idrottsforeningen-ifk"},
		{"", "", ""},
		{"!!!", "!!!", ""},
	} {
		if got := FoldSlug(c.typed); got != c.fold {
			t.Errorf("FoldSlug(%q) = %q, want %q", c.typed, got, c.fold)
		}
		if got := SlugFromName(c.typed); got != c.fromName {
			t.Errorf("SlugFromName(%q) = %q, want %q", c.typed, got, c.fromName)
		}
		if got := SlugFromName(c.typed); got != "" && !ValidSlug(got) {
			t.Errorf("SlugFromName(%q) = %q is not a valid slug", c.typed, got)
		}
	}
	if got := SlugFromName(strings.Repeat("å", 100)); len(got) != 60 || !ValidSlug(got) {
		t.Errorf("a long name gives %q (%d)", got, len(got))
	}
	// A new locality typed "stjärnhov" is folded, and one without a slug gets one from its name.
	l := &Locality{Name: "Stjärnhov", Slug: "stjärnhov", Phase: PhaseMobilising}
	if err := l.Validate(); err != nil || l.Slug != "stjarnhov" {
		t.Errorf("locality with slug stjärnhov: %q %v", l.Slug, err)
	}
	l = &Locality{Name: "Vadsbro-Mellösa", Phase: PhaseMobilising}
	if err := l.Validate(); err != nil || l.Slug != "vadsbro-mellosa" {
		t.Errorf("locality without a slug: %q %v", l.Slug, err)
	}
	g := &Group{Name: "Grupp för Ängen", Kind: GroupWorking}
	if err := g.Validate(); err != nil || g.Slug != "grupp-for-angen" {
		t.Errorf("group without a slug: %q %v", g.Slug, err)
	}
}
