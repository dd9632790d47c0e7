package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestSignUpsNoticesHandlingReminderAndAnonymising(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		coord := mustCreateUser(t, db, "coord@example.se", ortsplan.RoleCoordinator)
		contact := mustCreateUser(t, db, "contact@example.se", ortsplan.RoleOfficial, "bettna")
		leader := mustCreateUser(t, db, "leader@example.se", ortsplan.RoleGroupLeader, "bettna")
		if err := db.UpdateLocality(ctx, l, &ortsplan.ContactChoice{IDs: []int64{contact.ID}, PageOwner: contact.ID}); err != nil {
			t.Fatal(err)
		}
		g := &ortsplan.Group{LocalityID: l.ID, Slug: "bredband", Name: "Bredband", Kind: ortsplan.GroupWorking, ContactUserID: leader.ID}
		db.SaveGroup(ctx, g)

		bad := &ortsplan.SignUp{LocalityID: l.ID, Name: " "}
		if fe := ortsplan.FieldErrors(bad.Validate(false)); fe["name"] == "" || fe["email"] != "error.email_or_phone" || fe["consent"] == "" {
			t.Fatalf("validation: %v", fe)
		}
		a := &ortsplan.SignUp{LocalityID: l.ID, Name: "Alva", Email: "Alva@Example.se", AgeGroup: "65-79", Message: "Jag kan baka till mötena.", Lang: "sv"}
		if err := db.CreateSignUp(ctx, a); err != nil {
			t.Fatal(err)
		}
		b := &ortsplan.SignUp{LocalityID: l.ID, Name: "Bo", Phone: "070-111 22 33", Interests: []string{"group:bredband"}, ShowName: true}
		if err := db.CreateSignUp(ctx, b); err != nil {
			t.Fatal(err)
		}
		msgs, _ := db.ListMessages(ctx, 20)
		got := map[string]int{}
		for _, m := range msgs {
			got[m.To]++
			if m.To != "alva@example.se" && strings.Contains(m.Text, "Jag kan baka") {
				t.Error("a notice repeats the person's message; details belong behind the login")
			}
		}
		// Alva: confirmation, notice to the locality contact. Bo: no e-mail, notice to the group's contact.
		if got["alva@example.se"] != 1 || got["contact@example.se"] != 1 || got["leader@example.se"] != 1 || len(msgs) != 3 {
			t.Fatalf("queued: %v", got)
		}

		// Handling: joining a group adds a member, with the name public only by consent.
		if err := db.UpdateSignUp(ctx, ortsplan.SignUpUpdate{ID: b.ID, Status: ortsplan.SignUpJoined}); ortsplan.FieldErrors(err)["group"] == "" {
			t.Fatalf("joined without a group: %v", err)
		}
		if err := db.UpdateSignUp(ctx, ortsplan.SignUpUpdate{ID: b.ID, Status: ortsplan.SignUpJoined, GroupID: g.ID, HandlerID: leader.ID, Notes: "Ringde"}); err != nil {
			t.Fatal(err)
		}
		got2, _ := db.FindGroup(ctx, l.ID, "bredband")
		if len(got2.Members) != 1 || got2.Members[0].Phone != "070-111 22 33" || !got2.Members[0].ShowName {
			t.Fatalf("member from sign-up: %+v", got2.Members)
		}
		list, _ := db.SignUps(ctx, ortsplan.SignUpFilter{LocalityIDs: []int64{l.ID}})
		if len(list) != 2 || list[1].HandlerName != leader.Name || list[1].GroupName != "Bredband" || list[0].AgeGroup != "65-79" {
			t.Fatalf("inbox: %+v", list)
		}
		if none, _ := db.SignUps(ctx, ortsplan.SignUpFilter{LocalityIDs: []int64{}}); len(none) != 0 {
			t.Fatal("an empty locality list showed sign-ups")
		}

		// The reminder: nothing before a week, then once a week.
		if n, _ := db.SendSignUpReminder(ctx, ""); n != 0 {
			t.Fatalf("reminder before anyone waited a week: %d", n)
		}
		now = now.Add(8 * 24 * time.Hour)
		if n, err := db.SendSignUpReminder(ctx, ""); n != 1 || err != nil {
			t.Fatalf("reminder: %d %v", n, err)
		}
		now = now.Add(6 * 24 * time.Hour)
		if n, _ := db.SendSignUpReminder(ctx, ""); n != 0 {
			t.Fatal("reminder sent twice in a week")
		}
		now = now.Add(2 * 24 * time.Hour)
		if n, _ := db.SendSignUpReminder(ctx, ""); n != 1 {
			t.Fatal("no reminder the next week while Alva still waits")
		}
		msgs, _ = db.ListMessages(ctx, 1)
		if msgs[0].To != coord.Email || !strings.Contains(msgs[0].Text, "Alva") || strings.Contains(msgs[0].Text, "Bo (") {
			t.Fatalf("reminder: to %s\n%s", msgs[0].To, msgs[0].Text)
		}

		// Anonymising: Alva (never joined) loses her data; Bo, a member, keeps his.
		n, err := db.AnonymiseSignUps(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("anonymised %d: %v", n, err)
		}
		sa, _ := db.FindSignUp(ctx, a.ID)
		if !sa.Anonymised || sa.Name != "" || sa.Email != "" || sa.Message != "" || sa.AgeGroup != "65-79" {
			t.Fatalf("anonymised sign-up: %+v", sa)
		}
		if err := db.UpdateSignUp(ctx, ortsplan.SignUpUpdate{ID: a.ID, Status: ortsplan.SignUpContacted}); err == nil {
			t.Fatal("an anonymised sign-up was changed")
		}
		if sb, _ := db.FindSignUp(ctx, b.ID); sb.Name != "Bo" {
			t.Fatal("a member's sign-up was anonymised")
		}
	})
}

// The receipt of a sign-up shows it, to whoever holds it, for an hour: with
// the people it went to and the day the answer is due.
func TestSignUpReceipt(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		contact := mustCreateUser(t, db, "contact@example.se", ortsplan.RoleOfficial, "bettna")
		leader := mustCreateUser(t, db, "leader@example.se", ortsplan.RoleGroupLeader, "bettna")
		if err := db.UpdateLocality(ctx, l, &ortsplan.ContactChoice{IDs: []int64{contact.ID}, PageOwner: contact.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveGroup(ctx, &ortsplan.Group{LocalityID: l.ID, Slug: "bredband", Name: "Bredband", Kind: ortsplan.GroupWorking, ContactUserID: leader.ID}); err != nil {
			t.Fatal(err)
		}
		a := &ortsplan.SignUp{LocalityID: l.ID, Name: "Alva", Email: "alva@example.se", Message: "Jag kan baka.", Lang: "sv"}
		b := &ortsplan.SignUp{LocalityID: l.ID, Name: "Bo", Phone: "070-111 22 33", Interests: []string{"group:bredband"}}
		for _, su := range []*ortsplan.SignUp{a, b} {
			if err := db.CreateSignUp(ctx, su); err != nil {
				t.Fatal(err)
			}
			if len(su.Receipt) < 40 {
				t.Fatalf("receipt %q", su.Receipt)
			}
		}
		anon := context.Background() // nobody logged in
		rec, err := db.SignUpReceipt(anon, a.Receipt)
		if err != nil {
			t.Fatal(err)
		}
		if rec.SignUp.ID != a.ID || rec.SignUp.Message != "Jag kan baka." || rec.SignUp.LocalityName != "Bettna" ||
			!rec.AnswerBy.Equal(now.Add(ortsplan.SignUpWaitLimit)) || len(rec.Contacts) != 1 || rec.Contacts[0].Name != contact.Name {
			t.Fatalf("receipt %+v, contacts %+v", rec.SignUp, rec.Contacts)
		}
		// The group's contact gets the sign-up that chose the group.
		if rec, err := db.SignUpReceipt(anon, b.Receipt); err != nil || len(rec.Contacts) != 1 || rec.Contacts[0].Name != leader.Name {
			t.Fatalf("b's receipt: %+v, %v", rec, err)
		}
		for _, bad := range []string{"", "gissning", a.Receipt + "x", strings.Repeat("a", 200)} {
			if _, err := db.SignUpReceipt(anon, bad); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
				t.Fatalf("receipt %q: %v", bad, err)
			}
		}
		// An hour later it shows nothing.
		now = now.Add(ortsplan.ReceiptValidFor)
		if _, err := db.SignUpReceipt(anon, a.Receipt); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("an hour later: %v", err)
		}
	})
}
