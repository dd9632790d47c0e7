package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func mustCreateUser(t *testing.T, db *sqlstore.DB, email string, role ortsplan.Role, localities ...string) *ortsplan.User {
	t.Helper()
	u, err := db.CreateUser(sqltest.System(), ortsplan.NewUser{
		Email: email, Name: "Test " + email, Role: role, Password: "rätt-lösenord-123", Localities: localities,
	})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func mustCreateLocality(t *testing.T, db *sqlstore.DB, slug, name string) *ortsplan.Locality {
	t.Helper()
	l := &ortsplan.Locality{Slug: slug, Name: name, Phase: ortsplan.PhaseMobilising}
	if err := db.CreateLocality(sqltest.System(), l); err != nil {
		t.Fatalf("create locality: %v", err)
	}
	return l
}

func TestCreateAndFindUser(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		mustCreateLocality(t, db, "sparreholm", "Sparreholm")
		mustCreateLocality(t, db, "bettna", "Bettna")
		u := mustCreateUser(t, db, "  Anna.Berg@Example.SE ", ortsplan.RoleOfficial, "sparreholm", "bettna")
		if u.Email != "anna.berg@example.se" || !u.Active || u.Role != ortsplan.RoleOfficial {
			t.Fatalf("unexpected user %+v", u)
		}
		if len(u.Localities) != 2 || u.Localities[0].Slug != "bettna" || u.Localities[1].Name != "Sparreholm" {
			t.Fatalf("localities = %v, want [bettna sparreholm]", u.Localities)
		}
		if time.Since(u.CreatedAt) > time.Minute || u.CreatedAt.IsZero() {
			t.Fatalf("created_at not read back: %v", u.CreatedAt)
		}
		got, err := db.FindUserByEmail(ctx, "ANNA.berg@example.se")
		if err != nil || got.ID != u.ID {
			t.Fatalf("find by email: %v %v", got, err)
		}
		bettna, _ := db.FindLocality(ctx, "bettna")
		if !got.CanEditLocality(bettna.ID) || got.CanEditLocality(bettna.ID+1000) {
			t.Fatal("official's locality rights wrong")
		}
		_, err = db.CreateUser(ctx, ortsplan.NewUser{Email: "anna.berg@example.se", Name: "X", Role: ortsplan.RoleAdmin, Password: "ett-långt-lösenord"})
		if fe := ortsplan.FieldErrors(err); fe["email"] != "error.email_taken" {
			t.Fatalf("duplicate e-mail: got %v", err)
		}
		if _, err := db.FindUserByID(ctx, 9999); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("missing user: got %v", err)
		}
		_, err = db.CreateUser(ctx, ortsplan.NewUser{Email: "x@example.se", Name: "X", Role: ortsplan.RoleOfficial, Password: "ett-långt-lösenord", Localities: []string{"atlantis"}})
		if fe := ortsplan.FieldErrors(err); fe["localities"] != "error.locality_unknown" {
			t.Fatalf("unknown locality: got %v", err)
		}
		if _, err := db.FindUserByEmail(ctx, "x@example.se"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("a refused user was half-stored: %v", err)
		}
	})
}

func TestNewUserValidation(t *testing.T) {
	cases := []struct {
		name  string
		in    ortsplan.NewUser
		field string
		key   string
	}{
		{"no email", ortsplan.NewUser{Name: "A", Role: "admin", Password: "ett-långt-lösenord"}, "email", "error.email_required"},
		{"bad email", ortsplan.NewUser{Email: "a@", Name: "A", Role: "admin", Password: "ett-långt-lösenord"}, "email", "error.email_invalid"},
		{"no name", ortsplan.NewUser{Email: "a@b.se", Role: "admin", Password: "ett-långt-lösenord"}, "name", "error.name_required"},
		{"bad role", ortsplan.NewUser{Email: "a@b.se", Name: "A", Role: "king", Password: "ett-långt-lösenord"}, "role", "error.role_invalid"},
		{"short password", ortsplan.NewUser{Email: "a@b.se", Name: "A", Role: "admin", Password: "kort"}, "password", "error.password_short"},
		{"leader two places", ortsplan.NewUser{Email: "a@b.se", Name: "A", Role: "groupleader", Password: "ett-långt-lösenord", Localities: []string{"a", "b"}}, "localities", "error.groupleader_one_locality"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.in.Validate()
			if got := ortsplan.FieldErrors(err)[c.field]; got != c.key {
				t.Fatalf("field %s: got %q, want %q (err %v)", c.field, got, c.key, err)
			}
		})
	}
	ok := ortsplan.NewUser{Email: "a@b.se", Name: "A", Role: "admin", Password: "ett-långt-lösenord"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
}

// try is one login: its answer's code and key, and how long it says to wait.
func try(t *testing.T, db *sqlstore.DB, email, password, addr string) string {
	t.Helper()
	_, err := db.Authenticate(sqltest.System(), email, password, addr)
	if code := ortsplan.ErrorCode(err); code != "" && code != ortsplan.EUNAUTHORIZED && code != ortsplan.ERATELIMIT {
		t.Fatalf("login %s from %s: %v", email, addr, err)
	}
	if err == nil {
		return "ok"
	}
	return fmt.Sprintf("%s %s %v", ortsplan.ErrorCode(err), ortsplan.ErrorKey(err), ortsplan.WaitOf(err))
}

func TestLoginLimits(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		mustCreateUser(t, db, "kim@example.se", ortsplan.RoleAdmin)
		const right = "rätt-lösenord-123"
		wrong := "unauthorized login.failed 0s"
		slowed := func(d time.Duration) string { return "rate_limited login.slowed " + d.String() }

		if got := try(t, db, "KIM@example.se", right, "192.0.2.1"); got != "ok" {
			t.Fatalf("right password: %s", got)
		}

		// Six wrong passwords from one address: the fifth makes it wait, and
		// the sixth is refused unchecked. The answers are the same for an
		// e-mail without an account, from another address.
		for _, c := range []struct{ email, addr string }{{"kim@example.se", "192.0.2.1"}, {"nobody@example.se", "192.0.2.2"}} {
			var got []string
			for range 6 {
				got = append(got, try(t, db, c.email, "fel", c.addr))
			}
			want := []string{wrong, wrong, wrong, wrong, slowed(30 * time.Second), slowed(30 * time.Second)}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("%s from %s:\n got %q\nwant %q", c.email, c.addr, got, want)
			}
		}
		// The attacking address stays slowed, for the right password too.
		if got := try(t, db, "kim@example.se", right, "192.0.2.1"); got != slowed(30*time.Second) {
			t.Fatalf("right password from the guessing address: %s", got)
		}
		// The owner logs in from another address at once.
		if got := try(t, db, "kim@example.se", right, "198.51.100.7"); got != "ok" {
			t.Fatalf("the owner from a second address: %s", got)
		}
		// After the wait the guessing address may try again; a right password
		// clears its count for the account, a wrong one doubles the wait.
		now = now.Add(30 * time.Second)
		if got := try(t, db, "nobody@example.se", "fel", "192.0.2.2"); got != slowed(time.Minute) {
			t.Fatalf("after the wait, wrong again: %s", got)
		}
		if got := try(t, db, "kim@example.se", right, "192.0.2.1"); got != "ok" {
			t.Fatalf("after the wait, right: %s", got)
		}
		if got := try(t, db, "kim@example.se", "fel", "192.0.2.1"); got != wrong {
			t.Fatalf("after a success the count starts again: %s", got)
		}

		// An address guessing across accounts waits after ten failures, for
		// every account; others are not slowed for those accounts.
		for i := range ortsplan.LoginAddrFree {
			want := wrong
			if i == ortsplan.LoginAddrFree-1 {
				want = slowed(30 * time.Second)
			}
			if got := try(t, db, fmt.Sprintf("gissning%d@example.se", i), "fel", "203.0.113.9"); got != want {
				t.Fatalf("failure %d from one address: %s, want %s", i+1, got, want)
			}
		}
		if got := try(t, db, "kim@example.se", right, "203.0.113.9"); got != slowed(30*time.Second) {
			t.Fatalf("right password from the spraying address: %s", got)
		}
		if got := try(t, db, "gissning1@example.se", "fel", "198.51.100.8"); got != wrong {
			t.Fatalf("another address for a sprayed e-mail: %s", got)
		}

		// An account attacked from many addresses: each may fail once before
		// it waits for that account, and a clean address still gets in.
		for i := range ortsplan.LoginAttacked {
			try(t, db, "kim@example.se", "fel", fmt.Sprintf("10.0.0.%d", i))
		}
		if got := try(t, db, "kim@example.se", "fel", "10.0.1.1"); got != slowed(30*time.Second) {
			t.Fatalf("a new address for an attacked account: %s", got)
		}
		if got := try(t, db, "kim@example.se", right, "10.0.1.2"); got != "ok" {
			t.Fatalf("the owner of an attacked account from a clean address: %s", got)
		}

		// The store keeps hashes, never the e-mails or addresses typed.
		rows, err := db.SQL().Query("SELECT account, addr FROM login_throttle")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var a, c string
			rows.Scan(&a, &c)
			n++
			if strings.Contains(a+c, "@") || strings.Contains(a+c, "192.0.2") {
				t.Errorf("readable key in login_throttle: %q %q", a, c)
			}
		}
		rows.Close()
		if n == 0 {
			t.Fatal("no failures stored")
		}

		// An hour after its last failure a count is forgotten, and its row
		// is deleted as the next failure is recorded.
		now = now.Add(ortsplan.LoginForget)
		if got := try(t, db, "kim@example.se", right, "203.0.113.9"); got != "ok" {
			t.Fatalf("after an hour: %s", got)
		}
		if got := try(t, db, "nobody@example.se", "fel", "192.0.2.2"); got != wrong {
			t.Fatalf("after an hour the count starts again: %s", got)
		}
		db.SQL().QueryRow("SELECT COUNT(*) FROM login_throttle").Scan(&n)
		if n != 3 {
			t.Fatalf("%d rows in login_throttle after the expired ones went, want 3 (pair, address, account)", n)
		}
	})
}

func TestSessionsAndDeactivation(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		u := mustCreateUser(t, db, "off@example.se", ortsplan.RoleOfficial)
		s, err := db.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.UserBySession(ctx, s.Token); err != nil || got.ID != u.ID {
			t.Fatalf("session lookup: %v", err)
		}
		if _, err := db.UserBySession(ctx, s.Token+"x"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("forged token accepted: %v", err)
		}
		now = now.Add(sqlstore.SessionTTL + time.Second)
		if _, err := db.UserBySession(ctx, s.Token); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("expired session accepted: %v", err)
		}
		s2, _ := db.CreateSession(ctx, u.ID)
		if err := db.SetUserActive(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserBySession(ctx, s2.Token); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("deactivated user's session still works: %v", err)
		}
		if _, err := db.Authenticate(ctx, "off@example.se", "rätt-lösenord-123", "192.0.2.1"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("deactivated user logged in: %v", err)
		}
		kept, err := db.FindUserByID(ctx, u.ID)
		if err != nil || kept.Active {
			t.Fatalf("deactivated account should be kept, inactive: %+v %v", kept, err)
		}
		var n int
		db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'user:deactivate'").Scan(&n)
		if n != 1 {
			t.Fatalf("audit log has %d deactivations, want 1", n)
		}
	})
}

func TestChangePassword(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		u := mustCreateUser(t, db, "pw@example.se", ortsplan.RoleAdmin)
		keep, _ := db.CreateSession(ctx, u.ID)
		other, _ := db.CreateSession(ctx, u.ID)
		asU := sqltest.AsUser(context.Background(), &ortsplan.User{ID: u.ID})
		err := db.ChangePassword(asU, "fel", "kort")
		fe := ortsplan.FieldErrors(err)
		if fe["old_password"] != "error.password_wrong" || fe["new_password"] != "error.password_short" {
			t.Fatalf("got %v", fe)
		}
		if err := db.ChangePassword(ortsplan.WithSession(asU, keep.Token), "rätt-lösenord-123", "ett-nytt-långt-lösenord"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, "pw@example.se", "ett-nytt-långt-lösenord", "192.0.2.1"); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
		if _, err := db.UserBySession(ctx, keep.Token); err != nil {
			t.Fatalf("current session ended: %v", err)
		}
		if _, err := db.UserBySession(ctx, other.Token); err == nil {
			t.Fatal("other session survived a password change")
		}
	})
}

func TestMigrationsRefuseNewerDatabase(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("second migrate applied %d: %v", n, err)
		}
		if _, err := db.SQL().ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future.sql', 'x')"); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		var tooNew sqlstore.ErrSchemaTooNew
		if !errors.As(err, &tooNew) || tooNew.DB != 999 {
			t.Fatalf("got %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestPasswordHash(t *testing.T) {
	h, err := sqlstore.HashPassword("hemligt lösenord")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := sqlstore.HashPassword("hemligt lösenord")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	if ok, err := sqlstore.CheckPassword(h, "hemligt lösenord"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := sqlstore.CheckPassword(h, "hemligt lösenorD"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := sqlstore.CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("foreign hash format accepted")
	}
}
