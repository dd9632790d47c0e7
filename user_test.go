package ortsplan

import (
	"context"
	"slices"
	"testing"
)

func TestRights(t *testing.T) {
	const flen, bettna = 1, 2
	assigned := func(role Role, ids ...int64) *User {
		u := &User{ID: 10, Role: role, Active: true}
		for _, id := range ids {
			u.Localities = append(u.Localities, LocalityRef{ID: id})
		}
		return u
	}
	inactive := assigned(RoleAdmin)
	inactive.Active = false
	cases := []struct {
		name                      string
		u                         *User
		flen, bettna              bool // CanEditLocality
		create, users, outbox, al bool // CanCreateLocality, CanManageUsers, CanReadOutbox, AllLocalities
	}{
		{"nobody", nil, false, false, false, false, false, false},
		{"admin", assigned(RoleAdmin), true, true, true, true, true, true},
		{"coordinator", assigned(RoleCoordinator), true, true, true, false, false, true},
		{"official of Flen", assigned(RoleOfficial, flen), true, false, false, false, false, false},
		{"official of both", assigned(RoleOfficial, flen, bettna), true, true, false, false, false, false},
		{"official of none", assigned(RoleOfficial), false, false, false, false, false, false},
		{"group leader of Bettna", assigned(RoleGroupLeader, bettna), false, true, false, false, false, false},
		{"deactivated admin", inactive, false, false, false, false, false, false},
		{"unknown role", assigned(Role("gast"), flen), false, false, false, false, false, false},
		{"the system", SystemUser, true, true, true, true, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.u.CanEditLocality(flen); got != c.flen {
				t.Errorf("CanEditLocality(Flen) = %v", got)
			}
			if got := c.u.CanEditLocality(bettna); got != c.bettna {
				t.Errorf("CanEditLocality(Bettna) = %v", got)
			}
			if c.u.CanEditLocality(0) || c.u.CanEditLocality(-1) {
				t.Error("CanEditLocality of no locality")
			}
			if got := c.u.CanCreateLocality(); got != c.create {
				t.Errorf("CanCreateLocality = %v", got)
			}
			if got := c.u.CanManageUsers(); got != c.users {
				t.Errorf("CanManageUsers = %v", got)
			}
			if got := c.u.CanReadOutbox(); got != c.outbox {
				t.Errorf("CanReadOutbox = %v", got)
			}
			if got := c.u.AllLocalities(); got != c.al {
				t.Errorf("AllLocalities = %v", got)
			}
			// The list filter agrees with the rule, for every locality.
			all, ids := c.u.EditableLocalities()
			for _, l := range []int64{flen, bettna, 3} {
				if want, got := c.u.CanEditLocality(l), all || slices.Contains(ids, l); got != want {
					t.Errorf("EditableLocalities disagrees with CanEditLocality for %d: %v, %v", l, all, ids)
				}
			}
		})
	}
}

func TestContextActors(t *testing.T) {
	bg := context.Background()
	if UserFromContext(bg) != nil || ResidentFromContext(bg) != nil || IsSystem(bg) || UserIDFromContext(bg) != 0 {
		t.Fatal("a bare context has an actor")
	}
	u := &User{ID: 4, Role: RoleOfficial, Active: true}
	ctx := NewContextWithUser(bg, u)
	if UserFromContext(ctx) != u || UserIDFromContext(ctx) != 4 {
		t.Fatal("user not in the context")
	}
	sys := NewSystemContext(ctx)
	if UserFromContext(sys) != SystemUser || UserIDFromContext(sys) != 0 || !IsSystem(sys) {
		t.Fatal("the system context does not act as the system")
	}
	r := &Resident{ID: 8}
	anon := NewAnonymousContext(NewContextWithResident(sys, r))
	if UserFromContext(anon) != nil || ResidentFromContext(anon) != nil || IsSystem(anon) || UserIDFromContext(anon) != 0 {
		t.Fatal("an anonymous context keeps an actor")
	}
}
