package web

import "testing"

func TestPossessive(t *testing.T) {
	tests := []struct{ lang, name, want string }{
		{"sv", "Flens kommun", "Flens kommuns"},
		{"sv", "Region Västmanlands", "Region Västmanlands"},
		{"sv", "Kommunförbundet Sörmlands X", "Kommunförbundet Sörmlands X"},
		{"sv", "Vaxholms stad", "Vaxholms stads"},
		{"en", "Flens kommun", "Flens kommun"},
	}
	for _, tt := range tests {
		if got := possessive(tt.lang, tt.name); got != tt.want {
			t.Errorf("possessive(%s, %q) = %q, want %q", tt.lang, tt.name, got, tt.want)
		}
	}
}

func TestClaimValues(t *testing.T) {
	if got := claimValues([]any{"a", 1, "b"}); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("a list: %v", got)
	}
	if got := claimValues("admin"); len(got) != 1 || got[0] != "admin" {
		t.Errorf("one string: %v", got)
	}
	if got := claimValues(nil); got != nil {
		t.Errorf("no claim: %v", got)
	}
}
