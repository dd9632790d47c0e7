package sqlstore_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestFollowNewsUnsubscribeExportDelete(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		db.PublicURL = "https://ortsplan.example"
		l := mustCreateLocality(t, db, "skebokvarn", "Skebokvarn")
		_, anna := residentLogin(t, db, "anna@example.se", "Anna", l.ID)
		_, bo := residentLogin(t, db, "bo@example.se", "Bo", l.ID)
		if err := db.Follow(sqltest.AsResident(ctx, anna.ID), l.ID, ortsplan.FollowImmediate); err != nil {
			t.Fatal(err)
		}
		if err := db.Follow(sqltest.AsResident(ctx, bo.ID), l.ID, ortsplan.FollowDigest); err != nil {
			t.Fatal(err)
		}
		if err := db.Follow(sqltest.AsResident(ctx, bo.ID), l.ID, "ibland"); ortsplan.FieldErrors(err)["mode"] == "" {
			t.Fatalf("bad mode: %v", err)
		}
		m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om bryggorna", Start: now.Add(72 * time.Hour),
			State: ortsplan.MeetingPlanned}
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		th := &ortsplan.Theme{LocalityID: l.ID, Title: "Badplatsen"}
		db.SaveTheme(ctx, th)

		before, _ := db.ListMessages(ctx, 100)
		n, err := db.SendNotifications(ctx)
		if err != nil || n != 1 {
			t.Fatalf("immediate news: %d %v", n, err)
		}
		msgs, _ := db.ListMessages(ctx, 1)
		msg := msgs[0]
		if msg.To != "anna@example.se" || !strings.Contains(msg.Text, "Stormöte om bryggorna") || !strings.Contains(msg.Text, "Badplatsen") {
			t.Fatalf("news mail: %+v", msg)
		}
		if !strings.HasPrefix(msg.Headers["List-Unsubscribe"], "<https://ortsplan.example/avregistrera/") || msg.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
			t.Fatalf("unsubscribe headers: %v", msg.Headers)
		}
		// Bo's digest waits a day, then comes as one mail.
		if n, _ := db.SendNotifications(ctx); n != 0 {
			t.Fatalf("digest sent early: %d", n)
		}
		now = now.Add(25 * time.Hour)
		if n, _ := db.SendNotifications(ctx); n != 1 {
			t.Fatalf("digest: %d", n)
		}
		after, _ := db.ListMessages(ctx, 100)
		if len(after)-len(before) != 2 {
			t.Fatalf("%d news mails, want 2", len(after)-len(before))
		}
		// One-click unsubscribe.
		tok := strings.TrimSuffix(strings.TrimPrefix(msg.Headers["List-Unsubscribe"], "<https://ortsplan.example/avregistrera/"), ">")
		f, err := db.UnsubscribeByToken(ctx, tok)
		if err != nil || f.LocalitySlug != "skebokvarn" {
			t.Fatalf("unsubscribe: %v", err)
		}
		if fs, _ := db.Follows(sqltest.AsResident(ctx, anna.ID)); len(fs) != 0 {
			t.Fatal("still following after unsubscribing")
		}
		if _, err := db.UnsubscribeByToken(ctx, tok); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("second unsubscribe: %v", err)
		}

		// Export and delete.
		idea := &ortsplan.Idea{LocalityID: l.ID, ResidentID: bo.ID, Title: "Bänkar", Body: "Fler bänkar vid bryggan."}
		db.CreateIdea(sqltest.AsResident(ctx, idea.ResidentID), idea)
		db.AddComment(sqltest.AsResident(ctx, anna.ID), &ortsplan.Comment{IdeaID: idea.ID, Body: "Bra!"})
		data, err := db.ExportResident(sqltest.AsResident(ctx, bo.ID))
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(data)
		for _, want := range []string{`"bo@example.se"`, `"Bänkar"`, `"follows"`, `"notifications"`, `"idea_commented"`} {
			if !strings.Contains(string(js), want) {
				t.Errorf("export lacks %s: %s", want, js)
			}
		}
		// Bo also signed up and registered for two meetings, one held and
		// one to come, with the same address (in other letter case).
		if err := db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: l.ID, Name: "Bo B", Email: "Bo@Example.se", Phone: "070-111 22 99", Message: "Hej"}); err != nil {
			t.Fatal(err)
		}
		rule := ortsplan.RegistrationRule{MaxPeople: 4, ConfirmWithin: 2 * time.Hour}
		coming := newMeeting(t, db, l, now.Add(10*24*time.Hour), 10)
		held := newMeeting(t, db, l, now.Add(2*time.Hour), 10)
		for _, m := range []*ortsplan.Meeting{coming, held} {
			if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Bo B", Email: "bo@example.se", People: 2, Needs: "Rullstol"}, rule); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: coming.ID, Name: "Anna", Email: "anna@example.se", People: 1}, rule); err != nil {
			t.Fatal(err)
		}
		now = now.Add(3 * time.Hour) // the second meeting is now over
		rep, err := db.DeleteResident(sqltest.AsResident(ctx, bo.ID))
		if err != nil {
			t.Fatal(err)
		}
		if *rep != (ortsplan.DeletionReport{Follows: 1, SignUps: 1, Registrations: 2, Ideas: 1, Comments: 0}) {
			t.Fatalf("deletion report %+v", *rep)
		}
		var leftS, leftR, cancelled, others int
		db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM signups WHERE lower(email) = 'bo@example.se' OR name = 'Bo B' OR phone = '070-111 22 99'`).Scan(&leftS)
		db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM registrations WHERE email = 'bo@example.se' OR name = 'Bo B' OR needs = 'Rullstol'`).Scan(&leftR)
		left := leftS + leftR
		db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM registrations WHERE meeting_id = $1 AND email = '' AND cancelled_at IS NOT NULL`, coming.ID).Scan(&cancelled)
		db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM registrations WHERE email = 'anna@example.se' AND cancelled_at IS NULL`).Scan(&others)
		if left != 0 || cancelled != 1 || others != 1 {
			t.Fatalf("after deletion: %d rows with Bo's data left, %d coming registration cancelled (want 1), Anna's kept: %d", left, cancelled, others)
		}
		var heldPeople int
		db.SQL().QueryRowContext(ctx, `SELECT COALESCE(SUM(people), 0) FROM registrations WHERE meeting_id = $1 AND cancelled_at IS NULL`, held.ID).Scan(&heldPeople)
		if heldPeople != 2 {
			t.Fatalf("the held meeting counts %d people, want the 2 kept without the name", heldPeople)
		}
		got, _ := db.FindIdea(ctx, idea.ID)
		if got.AuthorName != "" || got.Title != "Bänkar" {
			t.Fatalf("after deletion the idea must stay without the name: %+v", got)
		}
		if _, err := db.ExportResident(sqltest.AsResident(ctx, bo.ID)); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("a deleted resident can be exported: %v", err)
		}
		var emails int
		db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM residents WHERE email = 'bo@example.se'").Scan(&emails)
		if emails != 0 {
			t.Fatal("the e-mail address is still stored")
		}
	})
}
