package ortsplan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
)

func TestMostRecent(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	mk := func(name string, d int) *ortsplan.LocalitySummary {
		return &ortsplan.LocalitySummary{Locality: &ortsplan.Locality{Name: name, UpdatedAt: day(d)}}
	}
	all := []*ortsplan.LocalitySummary{mk("Bettna", 3), mk("Flen", 9), mk("Malmköping", 1), mk("Sparreholm", 9), mk("Vadsbro", 5)}
	names := func(ls []*ortsplan.LocalitySummary) string {
		var s []string
		for _, l := range ls {
			s = append(s, l.Name)
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		n    int
		want string
	}{
		{10, "Bettna,Flen,Malmköping,Sparreholm,Vadsbro"},
		{5, "Bettna,Flen,Malmköping,Sparreholm,Vadsbro"},
		{3, "Flen,Sparreholm,Vadsbro"}, // the newest three, in the given order
		{1, "Flen"},                    // a tie goes to the one first in order
		{0, ""},
	} {
		if got := names(ortsplan.MostRecent(all, c.n)); got != c.want {
			t.Errorf("MostRecent(%d) = %s, want %s", c.n, got, c.want)
		}
	}
	if names(all) != "Bettna,Flen,Malmköping,Sparreholm,Vadsbro" {
		t.Errorf("the input was changed: %s", names(all))
	}
}
