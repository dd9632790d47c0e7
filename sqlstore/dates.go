package sqlstore

import (
	"fmt"
	"time"
)

// dateLayout is how date-only values are written: DATE on PostgreSQL, text on SQLite.
const dateLayout = "2006-01-02"

// dateArg turns a date into a query argument; the zero time becomes NULL.
func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(dateLayout)
}

// dateCol scans a nullable date column from either engine into a time.Time
// (UTC midnight, zero for NULL).
type dateCol struct{ t *time.Time }

func (d dateCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as a date", src)
	}
	return nil
}

func (d dateCol) parse(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return fmt.Errorf("sqlstore: bad date %q: %w", s, err)
	}
	*d.t = t
	return nil
}
