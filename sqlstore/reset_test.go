package sqlstore_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

var resetLink = regexp.MustCompile(`https://ortsplan\.example/nytt-losenord/([A-Za-z0-9_-]+)`)

// resetMails returns the reset links mailed to each address, oldest first.
func resetMails(t *testing.T, db *sqlstore.DB) map[string][]string {
	t.Helper()
	msgs, err := db.ListMessages(sqltest.System(), 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := resetLink.FindStringSubmatch(msgs[i].Text); m != nil {
			out[msgs[i].To] = append(out[msgs[i].To], m[1])
		}
	}
	return out
}

func TestPasswordReset(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		db.PublicURL = "https://ortsplan.example"
		u := mustCreateUser(t, db, "kim@example.se", ortsplan.RoleAdmin)
		off := mustCreateUser(t, db, "slutat@example.se", ortsplan.RoleOfficial)
		if err := db.SetUserActive(ctx, off.ID, false); err != nil {
			t.Fatal(err)
		}

		// Bad input is a field error; unknown and deactivated addresses get
		// the same answer as an account, and no mail.
		if fe := ortsplan.FieldErrors(db.RequestPasswordReset(ctx, "inte-en-adress", "sv")); fe["email"] != "error.email_invalid" {
			t.Fatalf("bad address: %v", fe)
		}
		for _, email := range []string{"ingen@example.se", "slutat@example.se", " KIM@example.se "} {
			if err := db.RequestPasswordReset(ctx, email, "en"); err != nil {
				t.Fatalf("%s: %v", email, err)
			}
		}
		mails := resetMails(t, db)
		if len(mails) != 1 || len(mails["kim@example.se"]) != 1 {
			t.Fatalf("reset mails: %v, want one to kim@example.se", mails)
		}
		token := mails["kim@example.se"][0]
		var stored int
		db.SQL().QueryRow("SELECT COUNT(*) FROM password_resets WHERE token_hash = $1", token).Scan(&stored)
		if stored != 0 {
			t.Fatal("the token is stored as it is, not hashed")
		}

		// Slowed at one address, with two sessions open.
		for range ortsplan.LoginPairFree {
			db.Authenticate(ctx, "kim@example.se", "fel", "192.0.2.1")
		}
		if got := try(t, db, "kim@example.se", "rätt-lösenord-123", "192.0.2.1"); !strings.HasPrefix(got, ortsplan.ERATELIMIT) {
			t.Fatalf("not slowed before the reset: %s", got)
		}
		s1, _ := db.CreateSession(ctx, u.ID)
		s2, _ := db.CreateSession(ctx, u.ID)

		// Checking spends nothing; a short password leaves the link as it was.
		for range 2 {
			if _, err := db.CheckPasswordReset(ctx, token); err != nil {
				t.Fatalf("check: %v", err)
			}
		}
		if fe := ortsplan.FieldErrors(db.ResetPassword(ctx, token, "kort")); fe["new_password"] != "error.password_short" {
			t.Fatalf("short password: %v", fe)
		}
		if err := db.ResetPassword(ctx, token, "ett nytt långt lösenord"); err != nil {
			t.Fatalf("reset: %v", err)
		}
		for _, s := range []*ortsplan.Session{s1, s2} {
			if _, err := db.UserBySession(ctx, s.Token); err == nil {
				t.Fatal("a session survived the reset")
			}
		}
		if got := try(t, db, "kim@example.se", "rätt-lösenord-123", "198.51.100.1"); !strings.HasPrefix(got, ortsplan.EUNAUTHORIZED) {
			t.Fatalf("old password after the reset: %s", got)
		}
		if got := try(t, db, "kim@example.se", "ett nytt långt lösenord", "192.0.2.1"); got != "ok" {
			t.Fatalf("new password from the address that was slowed: %s", got)
		}
		var audited int
		db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'user:password_reset' AND actor_id = $1", u.ID).Scan(&audited)
		if audited != 1 {
			t.Fatalf("%d audit rows for the reset, want 1", audited)
		}
		// Used once.
		if _, err := db.CheckPasswordReset(ctx, token); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("check of a spent link: %v", err)
		}
		if err := db.ResetPassword(ctx, token, "ett tredje långt lösenord"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("a spent link worked again: %v", err)
		}

		// At most three live links; a new password spends the others.
		for range sqlstore.MaxLiveResets + 2 {
			if err := db.RequestPasswordReset(ctx, "kim@example.se", "sv"); err != nil {
				t.Fatal(err)
			}
		}
		links := resetMails(t, db)["kim@example.se"]
		if len(links) != 1+sqlstore.MaxLiveResets {
			t.Fatalf("%d reset mails, want %d", len(links), 1+sqlstore.MaxLiveResets)
		}
		if err := db.ResetPassword(ctx, links[1], "ett fjärde långt lösenord"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckPasswordReset(ctx, links[2]); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("another link still works after a reset: %v", err)
		}

		// Expired after 30 minutes, and deleted as new links are asked for.
		db.RequestPasswordReset(ctx, "kim@example.se", "sv")
		links = resetMails(t, db)["kim@example.se"]
		late := links[len(links)-1]
		now = now.Add(sqlstore.PasswordResetTTL + time.Second)
		if _, err := db.CheckPasswordReset(ctx, late); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("check of an expired link: %v", err)
		}
		if err := db.ResetPassword(ctx, late, "ett femte långt lösenord"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("an expired link worked: %v", err)
		}
		db.RequestPasswordReset(ctx, "ingen@example.se", "sv")
		var left int
		db.SQL().QueryRow("SELECT COUNT(*) FROM password_resets").Scan(&left)
		if left != 0 {
			t.Fatalf("%d expired links left", left)
		}

		// A link to an account deactivated after it was sent does not work.
		db.RequestPasswordReset(ctx, "kim@example.se", "sv")
		links = resetMails(t, db)["kim@example.se"]
		if err := db.SetUserActive(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := db.ResetPassword(ctx, links[len(links)-1], "ett sjätte långt lösenord"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("a deactivated account's link worked: %v", err)
		}
		if n := db.Composer.(*notify.Composer).Cat.Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations in the mails", n)
		}
	})
}
