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
