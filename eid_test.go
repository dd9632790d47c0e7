package ortsplan

import (
	"testing"
	"time"
)

func TestNormalizePersonnummer(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"191212121212", "191212121212", true},
		{"19121212-1212", "191212121212", true},
		{" 121212-1212 ", "201212121212", true}, // the latest 1912/2012: 2012, not in the future
		{"121212+1212", "191212121212", true},   // over a hundred: 1912
		{"991231-0000", "", false},              // wrong check digit
		{"201212121212", "201212121212", true},
		{"191212721219", "191212721219", true}, // coordination number: day 12 + 60
		{"191212121213", "", false},            // check digit
		{"19121312-1212", "", false},           // month 13
		{"1212121212121", "", false},           // thirteen digits
		{"12121212", "", false},
		{"19121212–1212", "", false}, // a dash that is not '-'
		{"abc", "", false},
		{"", "", false},
		{"12-12-12-1212", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizePersonnummer(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePersonnummer(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// A ten-digit number whose date this century is still to come is last century's.
	if got, _ := NormalizePersonnummer("271231-0008", now); got != "192712310008" {
		t.Errorf("271231-0008 read as %q, want 192712310008", got)
	}
}

func TestPersonKey(t *testing.T) {
	k1 := []byte("0123456789abcdef0123456789abcdef")
	k2 := []byte("fedcba9876543210fedcba9876543210")
	a := PersonKey(k1, "191212121212", "https://eid.example", "s1")
	tests := []struct {
		name string
		got  string
		same bool
	}{
		{"same number, other subject", PersonKey(k1, "191212121212", "https://other.example", "s2"), true},
		{"other number", PersonKey(k1, "201212121212", "https://eid.example", "s1"), false},
		{"other secret", PersonKey(k2, "191212121212", "https://eid.example", "s1"), false},
		{"no number: the subject", PersonKey(k1, "", "https://eid.example", "s1"), false},
	}
	for _, tt := range tests {
		if (tt.got == a) != tt.same {
			t.Errorf("%s: key %s vs %s, same = %v", tt.name, tt.got, a, tt.same)
		}
	}
	if len(a) != 64 || a == "191212121212" {
		t.Errorf("key %q: want 64 hex digits", a)
	}
	if PersonKey(k1, "", "i", "s") == PersonKey(k1, "", "i", "t") {
		t.Error("two subjects give one key")
	}
}

func TestCheckSupport(t *testing.T) {
	plain := &Resident{ID: 1}
	verified := &Resident{ID: 2, Verified: true, PersonKey: "k"}
	tests := []struct {
		name string
		rule IdeaThreshold
		r    *Resident
		code string
	}{
		{"not signed in", IdeaThreshold{}, nil, EUNAUTHORIZED},
		{"e-mail login, open rule", IdeaThreshold{}, plain, ""},
		{"e-mail login, verified only", IdeaThreshold{VerifiedOnly: true}, plain, EFORBIDDEN},
		{"verified, verified only", IdeaThreshold{VerifiedOnly: true}, verified, ""},
		{"verified without a key", IdeaThreshold{VerifiedOnly: true}, &Resident{Verified: true}, EFORBIDDEN},
	}
	for _, tt := range tests {
		if got := ErrorCode(CheckSupport(tt.rule, tt.r)); got != tt.code {
			t.Errorf("%s: CheckSupport = %q, want %q", tt.name, got, tt.code)
		}
	}
}

func TestPasswordLoginAllowed(t *testing.T) {
	tests := []struct {
		name          string
		on            bool
		bg, email     string
		role          Role
		ok, usedGlass bool
	}{
		{"password login on", true, "", "a@flen.se", RoleOfficial, true, false},
		{"on, the break-glass admin too", true, "root@flen.se", "root@flen.se", RoleAdmin, true, false},
		{"off, no break-glass admin", false, "", "a@flen.se", RoleAdmin, false, false},
		{"off, someone else", false, "root@flen.se", "a@flen.se", RoleAdmin, false, false},
		{"off, the break-glass admin", false, "root@flen.se", " Root@Flen.se", RoleAdmin, true, true},
		{"off, the named account is no longer an admin", false, "root@flen.se", "root@flen.se", RoleCoordinator, false, false},
	}
	for _, tt := range tests {
		ok, bg := PasswordLoginAllowed(tt.on, tt.bg, tt.email, tt.role)
		if ok != tt.ok || bg != tt.usedGlass {
			t.Errorf("%s: = %v %v, want %v %v", tt.name, ok, bg, tt.ok, tt.usedGlass)
		}
	}
}

func TestNormalizePersonnummerThisYear(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	// 261224: 24 December 2026 is still to come, so 1926.
	d := "261224000"
	full := d + string(rune('0'+luhnDigit(d)))
	if got, ok := NormalizePersonnummer(full, now); !ok || got != "19"+full {
		t.Errorf("%s = %q %v, want 19%s", full, got, ok, full)
	}
}

func luhnDigit(d string) int {
	sum := 0
	for i, r := range d {
		n := int(r - '0')
		if i%2 == 0 {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return (10 - sum%10) % 10
}
