package ortsplan

import (
	"fmt"
	"slices"
	"strings"
)

// ClaimRule maps one value of the configured claim (a group object id, an
// app role name) to a role and the localities that role is given.
type ClaimRule struct {
	Value      string
	Role       Role
	Localities []string
}

// ParseClaimRule reads a rule written as value=role or value=role:slug,slug,
// the form of the --oidc-map flag.
func ParseClaimRule(s string) (ClaimRule, error) {
	value, rest, ok := strings.Cut(s, "=")
	value = strings.TrimSpace(value)
	if !ok || value == "" {
		return ClaimRule{}, fmt.Errorf("oidc map %q: want value=role or value=role:locality,locality", s)
	}
	role, locs, _ := strings.Cut(rest, ":")
	r := ClaimRule{Value: value, Role: Role(strings.TrimSpace(role))}
	if !r.Role.Valid() {
		return ClaimRule{}, fmt.Errorf("oidc map %q: unknown role %q", s, role)
	}
	for l := range strings.SplitSeq(locs, ",") {
		if l = strings.TrimSpace(l); l != "" {
			r.Localities = append(r.Localities, l)
		}
	}
	return r, nil
}

// roleRank orders the roles from the most to the least rights.
var roleRank = []Role{RoleAdmin, RoleCoordinator, RoleOfficial, RoleGroupLeader}

// MapClaim returns the role and localities a person's claim values give: the
// role with the most rights among the matching rules and the localities of
// the rules with that role. ok is false when no value matches a rule: the
// person is refused.
func MapClaim(values []string, rules []ClaimRule) (role Role, localities []string, ok bool) {
	best := len(roleRank)
	for _, r := range rules {
		if !slices.Contains(values, r.Value) {
			continue
		}
		rank := slices.Index(roleRank, r.Role)
		if rank < 0 {
			continue
		}
		if rank < best {
			best, localities = rank, nil
		}
		if rank == best {
			for _, l := range r.Localities {
				if !slices.Contains(localities, l) {
					localities = append(localities, l)
				}
			}
		}
	}
	if best == len(roleRank) {
		return "", nil, false
	}
	return roleRank[best], localities, true
}

// OIDCLogin is a person the identity provider vouched for, with the role and
// localities their claims map to.
type OIDCLogin struct {
	Subject    string // the provider's sub claim, which links the account
	Email      string
	Name       string
	Role       Role
	Localities []string
	// MatchEmail lets the first login link an existing account with the same
	// e-mail address (set by the admin with --oidc-match-email).
	MatchEmail bool
}

// LoginMethod is how a staff session was started.
type LoginMethod string

// Login methods.
const (
	LoginPassword LoginMethod = "password"
	// LoginOIDC is a login through the municipality's identity provider.
	LoginOIDC LoginMethod = "oidc"
	// LoginBreakGlass is the one admin's password login kept when password
	// login is off (--break-glass-admin); every use is audited.
	LoginBreakGlass LoginMethod = "break-glass"
)

// Valid reports whether m is a known login method.
func (m LoginMethod) Valid() bool {
	return m == LoginPassword || m == LoginOIDC || m == LoginBreakGlass
}

// PasswordLoginAllowed reports whether a password login for the account
// with the given e-mail and role may go ahead: always while password login
// is on; when it is off, only for the break-glass admin named on the command
// line (compared as normalised addresses), and only while that account is an
// admin. breakGlass reports that the exception was used.
func PasswordLoginAllowed(passwordLogin bool, breakGlassEmail, email string, role Role) (ok, breakGlass bool) {
	if passwordLogin {
		return true, false
	}
	bg := NormalizeEmail(breakGlassEmail)
	if bg == "" || NormalizeEmail(email) != bg || role != RoleAdmin {
		return false, false
	}
	return true, true
}
