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

// auditRows returns the audit log's entries as "action subject detail
// (actor)", oldest first.
func auditRows(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	es, _, err := db.AuditLog(sqltest.System(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		out = append(out, strings.TrimSpace(e.Action+" "+e.Subject+" "+e.Detail)+" ("+e.ActorName+")")
	}
	return out
}

// wantAudit fails unless the log's entries after the first skip are want.
func wantAudit(t *testing.T, db *sqlstore.DB, skip int, want ...string) {
	t.Helper()
	got := auditRows(t, db)
	if len(got) < skip || strings.Join(got[skip:], "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant after %d:\n%s", strings.Join(got, "\n"), skip, strings.Join(want, "\n"))
	}
}

func accountsDB(db *sqlstore.DB) *time.Time {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
	db.PublicURL = "https://ortsplan.example"
	return &now
}

func TestInvitation(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		now := accountsDB(db)
		mustCreateLocality(t, db, "malmkoping", "Malmköping")
		adminUser := mustCreateUser(t, db, "boss@example.se", ortsplan.RoleAdmin)
		admin := sqltest.AsUser(context.Background(), adminUser)
		coord := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "coord@example.se", ortsplan.RoleCoordinator))
		logged := len(auditRows(t, db))
		lena := ortsplan.NewUser{Email: " Lena@Example.se", Name: "Lena Fors", Role: ortsplan.RoleOfficial,
			Department: "Samhällsbyggnadsförvaltningen", Localities: []string{"malmkoping"}}

		// Only admins invite, and an invitation has no password.
		if _, err := db.InviteUser(coord, lena); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("a coordinator invited: %v", err)
		}
		if _, err := db.InviteUser(context.Background(), lena); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("nobody invited: %v", err)
		}
		withPw := lena
		withPw.Password = "ett-långt-lösenord"
		if _, err := db.InviteUser(admin, withPw); ortsplan.FieldErrors(err)["password"] == "" {
			t.Fatalf("an invitation with a password: %v", err)
		}
		if len(resetMails(t, db)) != 0 {
			t.Fatal("a refused invitation sent mail")
		}

		u, err := db.InviteUser(admin, lena)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "lena@example.se" || u.PasswordSet || !u.Active || len(u.Localities) != 1 || u.Localities[0].Name != "Malmköping" {
			t.Fatalf("invited account %+v", u)
		}
		if _, err := db.InviteUser(admin, lena); ortsplan.FieldErrors(err)["email"] != "error.email_taken" {
			t.Fatalf("invited twice: %v", err)
		}
		mails := resetMails(t, db)
		if len(mails) != 1 || len(mails["lena@example.se"]) != 1 {
			t.Fatalf("mails %v, want one invitation to lena", mails)
		}
		msgs, _ := db.ListMessages(sqltest.System(), 1)
		if msgs[0].Subject != "Du är inbjuden till Ortsplan" || !strings.Contains(msgs[0].Text, "72 timmar") || !strings.Contains(msgs[0].Text, "som tjänsteperson") {
			t.Fatalf("invitation: %s\n%s", msgs[0].Subject, msgs[0].Text)
		}
		first := mails["lena@example.se"][0]
		// No password logs in to the account before one is chosen.
		for _, pw := range []string{"", "ett-långt-lösenord"} {
			if _, err := db.Authenticate(context.Background(), "lena@example.se", pw, "192.0.2.9"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
				t.Fatalf("login with %q before choosing: %v", pw, err)
			}
		}
		if inv, err := db.CheckPasswordReset(context.Background(), first); err != nil || !inv {
			t.Fatalf("invitation link: %v %v", inv, err)
		}

		// Sent again: one more mail, and the first link stops working.
		if err := db.ResendInvitation(coord, u.ID); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("a coordinator sent again: %v", err)
		}
		if err := db.ResendInvitation(admin, 99999); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("unknown account: %v", err)
		}
		if err := db.ResendInvitation(admin, u.ID); err != nil {
			t.Fatal(err)
		}
		mails = resetMails(t, db)
		if len(mails["lena@example.se"]) != 2 {
			t.Fatalf("mails %v, want two to lena", mails)
		}
		second := mails["lena@example.se"][1]
		if _, err := db.CheckPasswordReset(context.Background(), first); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("the first link still works: %v", err)
		}

		// The link works for 72 hours, once.
		*now = now.Add(ortsplan.InvitationTTL - time.Minute)
		if err := db.ResetPassword(context.Background(), second, "kort"); ortsplan.FieldErrors(err)["new_password"] == "" {
			t.Fatalf("short password: %v", err)
		}
		if err := db.ResetPassword(context.Background(), second, "lenas-eget-lösenord"); err != nil {
			t.Fatal(err)
		}
		if err := db.ResetPassword(context.Background(), second, "ett-annat-lösenord"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("the link worked twice: %v", err)
		}
		if got, err := db.Authenticate(context.Background(), "lena@example.se", "lenas-eget-lösenord", "192.0.2.9"); err != nil || !got.PasswordSet {
			t.Fatalf("login with the chosen password: %+v %v", got, err)
		}
		if err := db.ResendInvitation(admin, u.ID); ortsplan.ErrorKey(err) != "admin.users.invite_has_password" {
			t.Fatalf("invited again with a password: %v", err)
		}

		// Another invitation, not used in 72 hours, no longer works.
		per, err := db.InviteUser(admin, ortsplan.NewUser{Email: "per@example.se", Name: "Per", Role: ortsplan.RoleCoordinator})
		if err != nil {
			t.Fatal(err)
		}
		perLink := resetMails(t, db)["per@example.se"][0]
		*now = now.Add(ortsplan.InvitationTTL + time.Second)
		if _, err := db.CheckPasswordReset(context.Background(), perLink); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("link after 72 hours: %v", err)
		}
		if err := db.ResetPassword(context.Background(), perLink, "pers-eget-lösenord"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("link after 72 hours: %v", err)
		}
		// A deactivated account gets no invitation.
		if err := db.SetUserActive(admin, per.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := db.ResendInvitation(admin, per.ID); ortsplan.ErrorKey(err) != "admin.users.invite_inactive" {
			t.Fatalf("invitation to a deactivated account: %v", err)
		}

		wantAudit(t, db, logged,
			"user:invite lena@example.se official (Test boss@example.se)",
			"user:invite_resend lena@example.se (Test boss@example.se)",
			"user:password_chosen lena@example.se (Lena Fors)",
			"user:invite per@example.se coordinator (Test boss@example.se)",
			"user:deactivate per@example.se (Test boss@example.se)")
	})
}

func TestUpdateUser(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		accountsDB(db)
		mustCreateLocality(t, db, "flen", "Flen")
		mustCreateLocality(t, db, "bettna", "Bettna")
		adminUser := mustCreateUser(t, db, "boss@example.se", ortsplan.RoleAdmin)
		admin := sqltest.AsUser(context.Background(), adminUser)
		offUser := mustCreateUser(t, db, "off@example.se", ortsplan.RoleOfficial, "flen")
		off := sqltest.AsUser(context.Background(), offUser)
		logged := len(auditRows(t, db))

		change := ortsplan.UserUpdate{Role: ortsplan.RoleOfficial, Department: "Kultur- och fritidsförvaltningen", Localities: []string{"flen", "bettna"}}
		before := sqltest.Digest(t, db)
		for _, ctx := range []context.Context{off, context.Background()} {
			if err := db.UpdateUser(ctx, offUser.ID, change); ortsplan.ErrorCode(err) == "" {
				t.Fatal("a non-admin changed an account")
			}
			if err := db.SendPasswordReset(ctx, offUser.ID); ortsplan.ErrorCode(err) == "" {
				t.Fatal("a non-admin sent a reset link")
			}
			if _, err := db.ManagedUser(ctx, offUser.ID); ortsplan.ErrorCode(err) == "" {
				t.Fatal("a non-admin read an account")
			}
		}
		if err := db.UpdateUser(admin, offUser.ID, ortsplan.UserUpdate{Role: ortsplan.RoleGroupLeader, Localities: []string{"flen", "bettna"}}); ortsplan.FieldErrors(err)["localities"] != "error.groupleader_one_locality" {
			t.Fatalf("a group leader of two: %v", err)
		}
		if err := db.UpdateUser(admin, offUser.ID, ortsplan.UserUpdate{Role: ortsplan.RoleOfficial, Localities: []string{"finns-inte"}}); ortsplan.FieldErrors(err)["localities"] != "error.locality_unknown" {
			t.Fatalf("an unknown locality: %v", err)
		}
		if err := db.UpdateUser(admin, 99999, change); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("unknown account: %v", err)
		}
		// An admin can neither demote nor deactivate themself.
		if err := db.UpdateUser(admin, adminUser.ID, ortsplan.UserUpdate{Role: ortsplan.RoleCoordinator}); ortsplan.FieldErrors(err)["role"] != "admin.cannot_demote_self" {
			t.Fatalf("self-demotion: %v", err)
		}
		if err := db.SetUserActive(admin, adminUser.ID, false); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Fatalf("self-deactivation: %v", err)
		}
		if changed := sqltest.Changed(before, sqltest.Digest(t, db)); len(changed) != 0 {
			t.Fatalf("refused changes changed %v", changed)
		}

		if err := db.UpdateUser(admin, offUser.ID, change); err != nil {
			t.Fatal(err)
		}
		u, _ := db.ManagedUser(admin, offUser.ID)
		if u.Department != "Kultur- och fritidsförvaltningen" || len(u.Localities) != 2 || u.Email != "off@example.se" {
			t.Fatalf("changed account %+v", u)
		}
		// The same change again writes nothing to the log.
		if err := db.UpdateUser(admin, offUser.ID, change); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateUser(admin, offUser.ID, ortsplan.UserUpdate{Role: ortsplan.RoleCoordinator, Department: "Kultur- och fritidsförvaltningen"}); err != nil {
			t.Fatal(err)
		}
		// The change is in force at the next request: rights are read from the database.
		if err := db.UpdateUser(admin, adminUser.ID, ortsplan.UserUpdate{Role: ortsplan.RoleAdmin, Department: "Ledning"}); err != nil {
			t.Fatalf("an admin changes their own department: %v", err)
		}

		// A reset link for an account, sent by an admin.
		if err := db.SendPasswordReset(admin, offUser.ID); err != nil {
			t.Fatal(err)
		}
		links := resetMails(t, db)["off@example.se"]
		if len(links) != 1 {
			t.Fatalf("reset links %v", links)
		}
		if inv, err := db.CheckPasswordReset(context.Background(), links[0]); err != nil || inv {
			t.Fatalf("reset link: %v %v", inv, err)
		}
		if _, err := db.Authenticate(context.Background(), "off@example.se", "rätt-lösenord-123", "192.0.2.7"); err != nil {
			t.Fatalf("the old password stops working before the link is used: %v", err)
		}
		if err := db.SetUserActive(admin, offUser.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := db.SendPasswordReset(admin, offUser.ID); ortsplan.ErrorKey(err) != "admin.users.reset_inactive" {
			t.Fatalf("a reset link for a deactivated account: %v", err)
		}
		if err := db.SetUserActive(admin, offUser.ID, true); err != nil {
			t.Fatal(err)
		}

		wantAudit(t, db, logged,
			"user:department off@example.se – → Kultur- och fritidsförvaltningen (Test boss@example.se)",
			"user:localities off@example.se Flen → Bettna, Flen (Test boss@example.se)",
			"user:role off@example.se official → coordinator (Test boss@example.se)",
			"user:localities off@example.se Bettna, Flen → – (Test boss@example.se)",
			"user:department boss@example.se – → Ledning (Test boss@example.se)",
			"user:reset_sent off@example.se (Test boss@example.se)",
			"user:deactivate off@example.se (Test boss@example.se)",
			"user:activate off@example.se (Test boss@example.se)")
	})
}
