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

// TestVerifiedSupportOncePerPerson: a session verified through the eID
// carries the person's key, one person supports an idea once whichever
// resident account they use, an earlier support becomes verified, and the
// idea counts its verified supports.
func TestVerifiedSupportOncePerPerson(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		_, author := residentLogin(t, db, "author@example.se", "Författaren", l.ID)
		idea := &ortsplan.Idea{LocalityID: l.ID, Title: "Bryggor vid sjön", Body: "Nya badbryggor."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, author.ID), idea); err != nil {
			t.Fatal(err)
		}
		rule := ortsplan.IdeaThreshold{Supports: 10, Within: 90 * 24 * time.Hour}
		key := ortsplan.PersonKey([]byte("0123456789abcdef0123456789abcdef"), "191212121212", "https://eid.example", "x")

		sessA, a := residentLogin(t, db, "a@example.se", "A", l.ID)
		sessB, _ := residentLogin(t, db, "b@example.se", "B", l.ID)
		if a.Verified {
			t.Fatal("an e-mail login is verified")
		}
		// A support before the verification counts, unverified.
		if err := db.Support(ortsplan.NewContextWithResident(ctx, a), idea.ID, true, rule); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{sessA, sessB} {
			if err := db.VerifySession(ctx, s, key); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.VerifySession(ctx, "no-such-session", key); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("verify an unknown session: %v", err)
		}
		va, err := db.ResidentBySession(ctx, sessA)
		if err != nil || !va.Verified || va.PersonKey != key || va.ID != a.ID {
			t.Fatalf("verified session = %+v, %v", va, err)
		}
		vb, _ := db.ResidentBySession(ctx, sessB)
		// Supporting again once verified makes the support verified.
		if err := db.Support(ortsplan.NewContextWithResident(ctx, va), idea.ID, true, rule); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindIdea(ctx, idea.ID)
		if got.Supports != 1 || got.VerifiedSupports != 1 {
			t.Fatalf("after a's verified support: %d supports, %d verified; want 1, 1", got.Supports, got.VerifiedSupports)
		}
		// The same person through another account: refused, nothing counted.
		if err := db.Support(ortsplan.NewContextWithResident(ctx, vb), idea.ID, true, rule); ortsplan.ErrorKey(err) != "idea.person_already_supports" {
			t.Fatalf("the same person twice: %v", err)
		}
		// Another person, verified.
		sessC, _ := residentLogin(t, db, "c@example.se", "C", l.ID)
		other := ortsplan.PersonKey([]byte("0123456789abcdef0123456789abcdef"), "201212121212", "https://eid.example", "y")
		if err := db.VerifySession(ctx, sessC, other); err != nil {
			t.Fatal(err)
		}
		vc, _ := db.ResidentBySession(ctx, sessC)
		if err := db.Support(ortsplan.NewContextWithResident(ctx, vc), idea.ID, true, rule); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindIdea(ctx, idea.ID)
		if got.Supports != 2 || got.VerifiedSupports != 2 {
			t.Fatalf("after c: %d supports, %d verified; want 2, 2", got.Supports, got.VerifiedSupports)
		}
		// Withdrawn, the person may support through the other account.
		if err := db.Support(ortsplan.NewContextWithResident(ctx, va), idea.ID, false, rule); err != nil {
			t.Fatal(err)
		}
		if err := db.Support(ortsplan.NewContextWithResident(ctx, vb), idea.ID, true, rule); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindIdea(ctx, idea.ID)
		if got.Supports != 2 || got.VerifiedSupports != 2 {
			t.Fatalf("after a withdrew and b supported: %d supports, %d verified; want 2, 2", got.Supports, got.VerifiedSupports)
		}
	})
}

// TestSupportRequiresVerified: under VerifiedOnly an e-mail login cannot
// support and nothing changes; a verified one can.
func TestSupportRequiresVerified(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		_, author := residentLogin(t, db, "author@example.se", "Författaren", l.ID)
		idea := &ortsplan.Idea{LocalityID: l.ID, Title: "Belysning", Body: "Vid korsningen."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, author.ID), idea); err != nil {
			t.Fatal(err)
		}
		rule := ortsplan.IdeaThreshold{Supports: 10, Within: 90 * 24 * time.Hour, VerifiedOnly: true}
		sess, r := residentLogin(t, db, "r@example.se", "R", l.ID)
		before := sqltest.Digest(t, db)
		if err := db.Support(ortsplan.NewContextWithResident(ctx, r), idea.ID, true, rule); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("unverified support under VerifiedOnly: %v, want forbidden", err)
		}
		if changed := sqltest.Changed(before, sqltest.Digest(t, db)); len(changed) != 0 {
			t.Fatalf("a refused support changed %v", changed)
		}
		if err := db.VerifySession(ctx, sess, "k"); err != nil {
			t.Fatal(err)
		}
		v, _ := db.ResidentBySession(ctx, sess)
		if err := db.Support(ortsplan.NewContextWithResident(ctx, v), idea.ID, true, rule); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindIdea(ctx, idea.ID); got.Supports != 1 || got.VerifiedSupports != 1 {
			t.Fatalf("%d supports, %d verified; want 1, 1", got.Supports, got.VerifiedSupports)
		}
	})
}

// TestSessionMethod: a session remembers how it was started, and a
// break-glass session is in the audit log.
func TestSessionMethod(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		u := mustCreateUser(t, db, "root@example.se", ortsplan.RoleAdmin)
		for _, m := range []ortsplan.LoginMethod{ortsplan.LoginPassword, ortsplan.LoginOIDC, ortsplan.LoginBreakGlass} {
			s, err := db.StartSession(ctx, u.ID, m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.UserBySession(ctx, s.Token)
			if err != nil || got.LoginMethod != m {
				t.Fatalf("session by %s: %+v, %v", m, got, err)
			}
		}
		if _, err := db.StartSession(ctx, u.ID, "magic"); err == nil {
			t.Fatal("a session by an unknown method started")
		}
		entries, _, err := db.AuditLog(sqltest.AsUser(ctx, u), 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "login:break-glass" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d break-glass entries in the audit log, want 1", n)
		}
	})
}
