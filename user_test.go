package ortsplan

import (
	"context"
	"slices"
	"strings"
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

func TestUserUpdateValidate(t *testing.T) {
	long := strings.Repeat("x", 101)
	cases := []struct {
		name   string
		in     UserUpdate
		fields []string
		slugs  []string
	}{
		{"official of two", UserUpdate{Role: RoleOfficial, Department: " Kommunstyrelseförvaltningen ", Localities: []string{"flen", "bettna"}}, nil, []string{"flen", "bettna"}},
		{"group leader of one", UserUpdate{Role: RoleGroupLeader, Localities: []string{"flen"}}, nil, []string{"flen"}},
		{"group leader of one, twice", UserUpdate{Role: RoleGroupLeader, Localities: []string{"flen", " flen", ""}}, nil, []string{"flen"}},
		{"group leader of two", UserUpdate{Role: RoleGroupLeader, Localities: []string{"flen", "bettna"}}, []string{"localities"}, nil},
		{"unknown role", UserUpdate{Role: "gast"}, []string{"role"}, nil},
		{"long department", UserUpdate{Role: RoleAdmin, Department: long}, []string{"department"}, nil},
		{"admin without localities", UserUpdate{Role: RoleAdmin}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.in.Validate()
			fe := FieldErrors(err)
			if len(fe) != len(c.fields) {
				t.Fatalf("errors %v, want on %v", fe, c.fields)
			}
			for _, f := range c.fields {
				if fe[f] == "" {
					t.Errorf("no error on %s: %v", f, fe)
				}
			}
			if err == nil && !slices.Equal(c.in.Localities, c.slugs) {
				t.Errorf("localities %q, want %q", c.in.Localities, c.slugs)
			}
			if err == nil && c.in.Department != strings.TrimSpace(c.in.Department) {
				t.Errorf("department not trimmed: %q", c.in.Department)
			}
		})
	}
}

func TestAccountChangeRules(t *testing.T) {
	admin := &User{ID: 1, Role: RoleAdmin, Active: true}
	other := &User{ID: 2, Role: RoleAdmin, Active: true}
	official := &User{ID: 3, Role: RoleOfficial, Active: true}
	cases := []struct {
		name            string
		actor, target   *User
		role            Role
		updateRefused   bool
		active          bool
		setActiveRefuse bool
	}{
		{"admin keeps own role", admin, admin, RoleAdmin, false, false, true},
		{"admin demotes self", admin, admin, RoleCoordinator, true, true, false},
		{"admin demotes another admin", admin, other, RoleOfficial, false, false, false},
		{"admin promotes an official", admin, official, RoleAdmin, false, false, false},
		{"admin reactivates self", admin, admin, RoleAdmin, false, true, false},
		{"the system demotes anyone", SystemUser, admin, RoleOfficial, false, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckUserUpdate(c.actor, c.target, UserUpdate{Role: c.role})
			if (err != nil) != c.updateRefused {
				t.Errorf("CheckUserUpdate = %v, refused want %v", err, c.updateRefused)
			}
			if err != nil && FieldErrors(err)["role"] != "admin.cannot_demote_self" {
				t.Errorf("error %v, want a field error on role", err)
			}
			err = CheckSetActive(c.actor, c.target.ID, c.active)
			if (err != nil) != c.setActiveRefuse {
				t.Errorf("CheckSetActive(%v) = %v, refused want %v", c.active, err, c.setActiveRefuse)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("code %s", ErrorCode(err))
			}
		})
	}
}

func TestValidateInvite(t *testing.T) {
	n := NewUser{Email: " Lena@Example.se ", Name: "Lena", Role: RoleOfficial}
	if err := n.ValidateInvite(); err != nil || n.Email != "lena@example.se" {
		t.Fatalf("invite without password: %v %q", err, n.Email)
	}
	if err := n.Validate(); FieldErrors(err)["password"] == "" {
		t.Fatal("an account made with a password needs one")
	}
	n.Password = "ett-långt-lösenord"
	if FieldErrors(n.ValidateInvite())["password"] != "error.invite_no_password" {
		t.Fatal("an invitation took a password")
	}
	g := NewUser{Email: "g@example.se", Name: "G", Role: RoleGroupLeader, Localities: []string{"a", "b"}}
	if FieldErrors(g.ValidateInvite())["localities"] == "" {
		t.Fatal("a group leader invited with two localities")
	}
}
