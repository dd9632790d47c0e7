package sqlstore_test

import (
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestGroupsAndOrganisations(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "halleforsnas", "Hälleforsnäs")
		leader := mustCreateUser(t, db, "leader@example.se", ortsplan.RoleGroupLeader, "halleforsnas")
		g := &ortsplan.Group{LocalityID: l.ID, Slug: "kultur-och-fritid", Name: "Kultur och fritid", Kind: ortsplan.GroupWorking,
			ContactUserID: leader.ID, Open: true}
		if err := db.SaveGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		co := &ortsplan.Group{LocalityID: l.ID, Slug: "samordningsgruppen", Name: "Samordningsgruppen", Kind: ortsplan.GroupCoordination}
		if err := db.SaveGroup(ctx, co); err != nil {
			t.Fatal(err)
		}
		dup := &ortsplan.Group{LocalityID: l.ID, Slug: "kultur-och-fritid", Name: "X", Kind: ortsplan.GroupWorking}
		if err := db.SaveGroup(ctx, dup); ortsplan.FieldErrors(err)["slug"] != "error.slug_taken" {
			t.Fatalf("duplicate slug: %v", err)
		}
		for _, m := range []*ortsplan.GroupMember{
			{GroupID: g.ID, Name: "Synlig Person", Email: "s@example.se", ShowName: true},
			{GroupID: g.ID, Name: "Hemlig Person", Phone: "070-000 00 00"},
		} {
			if err := db.AddGroupMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		o := &ortsplan.Organisation{LocalityID: l.ID, Name: "Hälleforsnäs bruksmuseum", Kind: ortsplan.OrgAssociation, Website: "https://example.se"}
		if err := db.SaveOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveOrganisation(ctx, &ortsplan.Organisation{LocalityID: l.ID, Name: "X", Kind: ortsplan.OrgBusiness, Website: "javascript:x"}); ortsplan.FieldErrors(err)["website"] == "" {
			t.Fatalf("bad website accepted: %v", err)
		}
		if err := db.LinkGroupOrganisation(ctx, g.ID, o); err != nil {
			t.Fatal(err)
		}
		other := mustCreateLocality(t, db, "flen", "Flen")
		foreign := &ortsplan.Organisation{LocalityID: other.ID, Name: "Annan ort", Kind: ortsplan.OrgBusiness}
		db.SaveOrganisation(ctx, foreign)
		if err := db.LinkGroupOrganisation(ctx, g.ID, foreign); err == nil {
			t.Fatal("an organisation of another locality was linked")
		}
		gs, err := db.Groups(ctx, l.ID)
		if err != nil || len(gs) != 2 || gs[0].Kind != ortsplan.GroupCoordination {
			t.Fatalf("groups: %v %v", gs, err)
		}
		kf := gs[1]
		if len(kf.Members) != 2 || len(kf.Organisations) != 1 || kf.ContactName != leader.Name {
			t.Fatalf("group parts: %+v", kf)
		}
		got, err := db.FindGroup(ctx, l.ID, "kultur-och-fritid")
		if err != nil || len(got.Members) != 2 {
			t.Fatalf("find group: %v", err)
		}
		stale := *got
		got.Description = "Ny text"
		if err := db.SaveGroup(ctx, got); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveGroup(ctx, &stale); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("stale group save: %v", err)
		}
	})
}

func newMeeting(t *testing.T, db *sqlstore.DB, l *ortsplan.Locality, start time.Time, capacity int) *ortsplan.Meeting {
	t.Helper()
	m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om badplatsen", Start: start,
		End: start.Add(2 * time.Hour), PlaceName: "Bygdegården", PlaceAddress: "Kvarnvägen 1", State: ortsplan.MeetingPlanned,
		Registration: true, Capacity: capacity}
	if err := db.SaveMeeting(sqltest.System(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRegistrationWaitingListAndNotices(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		l := mustCreateLocality(t, db, "skebokvarn", "Skebokvarn")
		m := newMeeting(t, db, l, now.Add(14*24*time.Hour), 3)
		rule := ortsplan.DefaultRegistrationRule

		a := &ortsplan.Registration{MeetingID: m.ID, Name: "Anna", Email: "Anna@Example.se", People: 2, Needs: "Glutenfritt", Lang: "sv"}
		if err := db.Register(ctx, a, rule); err != nil || a.Waitlisted || a.Token == "" || !a.ConfirmBy.Equal(now.Add(48*time.Hour)) {
			t.Fatalf("first registration: %v %+v", err, a)
		}
		if got, _ := db.FindMeeting(ctx, m.ID); got.Registered != 0 || got.Waitlisted != 0 {
			t.Fatalf("an unconfirmed registration counts: registered %d waitlisted %d", got.Registered, got.Waitlisted)
		}
		confirm := func(r *ortsplan.Registration) *ortsplan.Registration {
			t.Helper()
			got, _, err := db.ConfirmRegistration(ctx, r.Token)
			if err != nil {
				t.Fatalf("confirm %s: %v", r.Email, err)
			}
			return got
		}
		if got := confirm(a); got.Waitlisted || got.State(now) != ortsplan.RegPlace {
			t.Fatalf("Anna confirmed: %+v", got)
		}
		b := &ortsplan.Registration{MeetingID: m.ID, Name: "Bo", Email: "bo@example.se", People: 2, Lang: "en"}
		if err := db.Register(ctx, b, rule); err != nil || b.Token == "" {
			t.Fatalf("second registration: %v %+v", err, b)
		}
		if got := confirm(b); !got.Waitlisted || got.State(now) != ortsplan.RegWaiting {
			t.Fatalf("Bo should be waitlisted when he confirms (2+2 > 3): %+v", got)
		}
		c := &ortsplan.Registration{MeetingID: m.ID, Name: "Cilla", Email: "cilla@example.se", People: 1}
		if err := db.Register(ctx, c, rule); err != nil {
			t.Fatal(err)
		}
		if got := confirm(c); got.Waitlisted {
			t.Fatalf("Cilla (1 person) fits: %+v", got)
		}
		// Dora never confirms: she is told nothing when the meeting changes.
		d := &ortsplan.Registration{MeetingID: m.ID, Name: "Dora", Email: "dora@example.se", People: 1}
		if err := db.Register(ctx, d, rule); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindMeeting(ctx, m.ID)
		if got.Registered != 3 || got.Waitlisted != 2 || !got.Full() {
			t.Fatalf("counts: registered %d waitlisted %d", got.Registered, got.Waitlisted)
		}
		checkCounts(t, db, m.ID, now)
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "X", Email: "x", People: 0}, rule); len(ortsplan.FieldErrors(err)) < 2 {
			t.Fatalf("bad registration: %v", err)
		}

		// Anna cancels: Bo moves up and is told.
		if _, err := db.CancelRegistration(ctx, a.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CancelRegistration(ctx, a.Token); err == nil {
			t.Fatal("a registration was cancelled twice")
		}
		if _, err := db.CancelRegistration(ctx, "forged"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("forged token: %v", err)
		}
		got, _ = db.FindMeeting(ctx, m.ID)
		if got.Registered != 3 || got.Waitlisted != 0 {
			t.Fatalf("after cancel: registered %d waitlisted %d", got.Registered, got.Waitlisted)
		}
		checkCounts(t, db, m.ID, now)

		// Moving the meeting, then cancelling it, tells everyone confirmed.
		got.Start = got.Start.Add(time.Hour)
		got.End = got.End.Add(time.Hour)
		if err := db.SaveMeeting(ctx, got); err != nil {
			t.Fatal(err)
		}
		got.State, got.CancelReason = ortsplan.MeetingCancelled, ""
		if err := db.SaveMeeting(ctx, got); ortsplan.FieldErrors(err)["cancel_reason"] == "" {
			t.Fatalf("cancel without reason: %v", err)
		}
		got.CancelReason = "Lokalen är vattenskadad"
		if err := db.SaveMeeting(ctx, got); err != nil {
			t.Fatal(err)
		}
		msgs, err := db.ListMessages(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, msg := range msgs {
			count[msg.To+" "+msg.Subject]++
		}
		want := []string{
			"anna@example.se Bekräfta din anmälan: Stormöte om badplatsen",
			"anna@example.se Du är anmäld: Stormöte om badplatsen",
			"bo@example.se Confirm your registration: Stormöte om badplatsen",
			"bo@example.se You are on the waiting list: Stormöte om badplatsen",
			"cilla@example.se Bekräfta din anmälan: Stormöte om badplatsen",
			"cilla@example.se Du är anmäld: Stormöte om badplatsen",
			"dora@example.se Bekräfta din anmälan: Stormöte om badplatsen",
			"anna@example.se Din anmälan är avbokad: Stormöte om badplatsen",
			"bo@example.se You have a place: Stormöte om badplatsen",
			"bo@example.se Changed time or place: Stormöte om badplatsen",
			"cilla@example.se Ändrad tid eller plats: Stormöte om badplatsen",
			"bo@example.se Cancelled: Stormöte om badplatsen",
			"cilla@example.se Inställt: Stormöte om badplatsen",
		}
		for _, w := range want {
			if count[w] != 1 {
				t.Errorf("outbox has %d of %q", count[w], w)
			}
		}
		if len(msgs) != len(want) {
			t.Errorf("outbox has %d messages, want %d: %v", len(msgs), len(want), count)
		}
		// Registration, and confirmation, close for a cancelled meeting.
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Sen", Email: "sen@example.se", People: 1}, rule); ortsplan.ErrorKey(err) != "error.registration_closed" {
			t.Fatalf("registration on a cancelled meeting: %v", err)
		}
		if _, _, err := db.ConfirmRegistration(ctx, d.Token); ortsplan.ErrorKey(err) != "error.registration_closed" {
			t.Fatalf("confirmation for a cancelled meeting: %v", err)
		}
		regs, _ := db.Registrations(ctx, m.ID)
		if len(regs) != 4 || regs[0].Needs != "Glutenfritt" || regs[0].CancelledAt.IsZero() || regs[3].State(now) != ortsplan.RegPending {
			t.Fatalf("registrations kept for staff: %+v", regs)
		}
	})
}

// checkCounts checks that a meeting's counts, made in SQL, are what the
// domain's rules say of its registrations.
func checkCounts(t *testing.T, db *sqlstore.DB, meetingID int64, now time.Time) {
	t.Helper()
	ctx := sqltest.System()
	m, err := db.FindMeeting(ctx, meetingID)
	if err != nil {
		t.Fatal(err)
	}
	regs, err := db.Registrations(ctx, meetingID)
	if err != nil {
		t.Fatal(err)
	}
	var place, waiting int
	for _, r := range regs {
		if r.HoldsPlace() {
			place += r.People
		}
		if r.Waits() {
			waiting += r.People
		}
	}
	if m.Registered != place || m.Waitlisted != waiting {
		t.Fatalf("the meeting counts %d registered and %d waiting; its registrations' states say %d and %d", m.Registered, m.Waitlisted, place, waiting)
	}
}

func TestMeetingsFilterAndTimes(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		other := mustCreateLocality(t, db, "flen", "Flen")
		stockholm, _ := time.LoadLocation("Europe/Stockholm")
		past := time.Date(2012, 5, 10, 18, 30, 0, 0, stockholm)
		future := time.Date(2027, 3, 28, 18, 30, 0, 0, stockholm) // the day DST begins
		newMeeting(t, db, l, past, 0)
		newMeeting(t, db, l, future, 0)
		newMeeting(t, db, other, future, 0)
		all, _ := db.Meetings(ctx, ortsplan.MeetingFilter{})
		if len(all) != 3 || !all[0].Start.Equal(past) || all[0].Start.Location() != time.UTC {
			t.Fatalf("all meetings: %d, first start %v", len(all), all[0].Start)
		}
		upcoming, _ := db.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: l.ID, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if len(upcoming) != 1 || upcoming[0].Start.In(stockholm).Hour() != 18 || upcoming[0].LocalitySlug != "bettna" {
			t.Fatalf("upcoming: %+v", upcoming)
		}
		if _, err := db.FindMeeting(ctx, 9999); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("missing meeting: %v", err)
		}
		bad := &ortsplan.Meeting{LocalityID: l.ID, Kind: "fest", Title: "", State: ortsplan.MeetingPlanned, Start: future, End: future.Add(-time.Hour)}
		fe := ortsplan.FieldErrors(db.SaveMeeting(ctx, bad))
		if fe["kind"] == "" || fe["title"] == "" || fe["end"] == "" {
			t.Fatalf("invalid meeting: %v", fe)
		}
	})
}
