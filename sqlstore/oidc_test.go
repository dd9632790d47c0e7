package sqlstore_test

import (
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestLoginOIDCLinksBySubject(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		mustCreateLocality(t, db, "sparreholm", "Sparreholm")
		login := ortsplan.OIDCLogin{Subject: "sub-1", Email: "Anna@Flen.se", Name: "Anna", Role: ortsplan.RoleOfficial, Localities: []string{"sparreholm"}}
		u, err := db.LoginOIDC(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "anna@flen.se" || u.Role != ortsplan.RoleOfficial || len(u.Localities) != 1 || u.PasswordSet {
			t.Fatalf("created %+v", u)
		}
		// The same sub finds the same account, even with a new address, and
		// the role follows the claims.
		login.Email, login.Role, login.Localities = "anna.b@flen.se", ortsplan.RoleCoordinator, nil
		again, err := db.LoginOIDC(ctx, login)
		if err != nil || again.ID != u.ID || again.Role != ortsplan.RoleCoordinator || len(again.Localities) != 0 {
			t.Fatalf("second login = %+v, %v; want account %d as coordinator", again, err, u.ID)
		}
		// No role: refused.
		login.Role = ""
		if _, err := db.LoginOIDC(ctx, login); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("unmapped login: %v, want forbidden", err)
		}
		// Deactivation in Ortsplan wins.
		login.Role = ortsplan.RoleOfficial
		if err := db.SetUserActive(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LoginOIDC(ctx, login); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("deactivated login: %v, want forbidden", err)
		}
		entries, _, err := db.AuditLog(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var logins, refusals int
		for _, e := range entries {
			switch e.Action {
			case "oidc:login":
				logins++
			case "oidc:refused":
				refusals++
			}
		}
		if logins != 2 || refusals != 2 {
			t.Errorf("audit log has %d logins and %d refusals, want 2 and 2", logins, refusals)
		}
	})
}

func TestLoginOIDCMatchesEmailOnlyWhenAllowed(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		existing := mustCreateUser(t, db, "bo@flen.se", ortsplan.RoleOfficial)
		login := ortsplan.OIDCLogin{Subject: "sub-bo", Email: "bo@flen.se", Role: ortsplan.RoleOfficial}
		if _, err := db.LoginOIDC(ctx, login); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("login onto an existing address without matching: %v, want forbidden", err)
		}
		login.MatchEmail = true
		u, err := db.LoginOIDC(ctx, login)
		if err != nil || u.ID != existing.ID {
			t.Fatalf("matched login = %+v, %v; want account %d", u, err, existing.ID)
		}
		// Once linked, another sub with the same address does not take it over.
		if _, err := db.LoginOIDC(ctx, ortsplan.OIDCLogin{Subject: "sub-other", Email: "bo@flen.se", Role: ortsplan.RoleAdmin, MatchEmail: true}); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("second sub on a linked address: %v, want forbidden", err)
		}
	})
}
