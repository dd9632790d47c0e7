package i18n

import (
	"strconv"
	"time"
)

// stockholm is the time zone dates are shown in.
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Stockholm returns the Europe/Stockholm location.
func Stockholm() *time.Location { return stockholm }

// Date formats t as a long date in the localizer's language, e.g. "5 maj
// 2011", with a no-break space between the day and the month, which Swedish
// typography keeps on one line.
func (l *Localizer) Date(t time.Time) string {
	t = t.In(stockholm)
	return strconv.Itoa(t.Day()) + "\u00a0" + l.T("month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// Number formats n with the language's thousands separator: "6 577" in
// Swedish (with a no-break space), "6,577" in English.
func (l *Localizer) Number(n int) string {
	sep := ","
	if l.Lang == "sv" {
		sep = "\u00a0"
	}
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	out := ""
	for len(s) > 3 {
		out = sep + s[len(s)-3:] + out
		s = s[:len(s)-3]
	}
	return neg + s + out
}

// Decimal formats x with prec decimals and the language's decimal mark:
// "58,93012" in Swedish, "58.93012" in English.
func (l *Localizer) Decimal(x float64, prec int) string {
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if l.Lang == "sv" {
		for i := range len(s) {
			if s[i] == '.' {
				return s[:i] + "," + s[i+1:]
			}
		}
	}
	return s
}
