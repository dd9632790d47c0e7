package ortsplan

import (
	"slices"
	"testing"
)

func TestMapClaim(t *testing.T) {
	rules := []ClaimRule{
		{Value: "g-admin", Role: RoleAdmin},
		{Value: "g-flen", Role: RoleOfficial, Localities: []string{"flen"}},
		{Value: "g-malmkoping", Role: RoleOfficial, Localities: []string{"malmkoping", "flen"}},
	}
	tests := []struct {
		name   string
		values []string
		role   Role
		locs   []string
		ok     bool
	}{
		{"no groups", nil, "", nil, false},
		{"unknown group", []string{"g-other"}, "", nil, false},
		{"one official group", []string{"g-flen"}, RoleOfficial, []string{"flen"}, true},
		{"two official groups join their localities", []string{"g-flen", "g-malmkoping"}, RoleOfficial, []string{"flen", "malmkoping"}, true},
		{"the strongest role wins", []string{"g-flen", "g-admin"}, RoleAdmin, nil, true},
	}
	for _, tt := range tests {
		role, locs, ok := MapClaim(tt.values, rules)
		if role != tt.role || ok != tt.ok || !slices.Equal(locs, tt.locs) {
			t.Errorf("%s: MapClaim = %q %v %v, want %q %v %v", tt.name, role, locs, ok, tt.role, tt.locs, tt.ok)
		}
	}
}

func TestParseClaimRule(t *testing.T) {
	tests := []struct {
		in   string
		want ClaimRule
		err  bool
	}{
		{"abc=admin", ClaimRule{Value: "abc", Role: RoleAdmin}, false},
		{"abc=official:flen, malmkoping", ClaimRule{Value: "abc", Role: RoleOfficial, Localities: []string{"flen", "malmkoping"}}, false},
		{"abc=boss", ClaimRule{}, true},
		{"=admin", ClaimRule{}, true},
		{"abc", ClaimRule{}, true},
	}
	for _, tt := range tests {
		got, err := ParseClaimRule(tt.in)
		if (err != nil) != tt.err || got.Value != tt.want.Value || got.Role != tt.want.Role || !slices.Equal(got.Localities, tt.want.Localities) {
			t.Errorf("ParseClaimRule(%q) = %+v, %v", tt.in, got, err)
		}
	}
}
