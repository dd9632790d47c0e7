package ortsplan

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// MinPersonKeyBytes is the shortest secret key PersonKey accepts (256 bits).
const MinPersonKeyBytes = 32

// NormalizePersonnummer reads a Swedish personal identity number (or a
// coordination number, whose day is 61–91) as brokers send it – twelve
// digits, or ten with a '-' or '+' (over a hundred years old) – and returns
// its twelve digits YYYYMMDDNNNN. A ten-digit number takes the century that
// puts the birth date at most now (100 years earlier with '+'). The date and
// the check digit (Luhn over the last ten digits) must be right.
func NormalizePersonnummer(s string, now time.Time) (string, bool) {
	s = strings.TrimSpace(s)
	plus := strings.Contains(s, "+")
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == '-' || r == '+' || r == ' ' {
			return -1
		}
		return 'x'
	}, s)
	if strings.Contains(digits, "x") || strings.Count(s, "-")+strings.Count(s, "+") > 1 {
		return "", false
	}
	switch len(digits) {
	case 12:
	case 10:
		yy, _ := strconv.Atoi(digits[:2])
		year := now.Year() - (now.Year()-yy)%100 // the latest year ending in yy, at most now
		if plus {
			year -= 100
		}
		full := strconv.Itoa(year/100) + digits
		if t, ok := birthDate(full); ok && t.After(now) {
			year -= 100 // born later this century would be in the future
			full = strconv.Itoa(year/100) + digits
		}
		digits = full
	default:
		return "", false
	}
	if _, ok := birthDate(digits); !ok || !luhn(digits[2:]) {
		return "", false
	}
	return digits, true
}

// birthDate is the date of a twelve-digit number, with a coordination
// number's day (day + 60) read back.
func birthDate(d string) (time.Time, bool) {
	y, _ := strconv.Atoi(d[:4])
	m, _ := strconv.Atoi(d[4:6])
	day, _ := strconv.Atoi(d[6:8])
	if day > 60 {
		day -= 60
	}
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if y < 1800 || t.Year() != y || int(t.Month()) != m || t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}

// luhn checks the last digit of ten as the Luhn check digit of the others.
func luhn(d string) bool {
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
	return sum%10 == 0
}

// PersonKey is the keyed hash that stands for a person verified through the
// eID broker: HMAC-SHA256 under the installation's secret key of their
// normalised personnummer, or, when the broker sends none, of the broker's
// issuer and subject. Only the key is stored, never the number; without the
// secret it cannot be turned back into one by trying every number.
func PersonKey(secret []byte, pnr, issuer, subject string) string {
	m := hmac.New(sha256.New, secret)
	if pnr != "" {
		m.Write([]byte("pnr\x00" + pnr))
	} else {
		m.Write([]byte("sub\x00" + issuer + "\x00" + subject))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// CheckSupport decides whether a resident may support an idea under the
// rule: anyone signed in, unless the rule lets only verified residents.
func CheckSupport(rule IdeaThreshold, r *Resident) error {
	if r == nil {
		return Errorf(EUNAUTHORIZED, "resident.login_required")
	}
	if rule.VerifiedOnly && (!r.Verified || r.PersonKey == "") {
		return Errorf(EFORBIDDEN, "idea.support_needs_verified")
	}
	return nil
}
