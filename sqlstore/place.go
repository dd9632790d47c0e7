package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
)

// nullFloat scans a nullable number into a *float64, nil for NULL.
type nullFloat struct{ p **float64 }

func (n nullFloat) Scan(v any) error {
	var f sql.NullFloat64
	if err := f.Scan(v); err != nil {
		return err
	}
	*n.p = nil
	if f.Valid {
		x := f.Float64
		*n.p = &x
	}
	return nil
}

// floatArg is a *float64 as a query argument: NULL for nil.
func floatArg(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// checkPlace validates a place against the locality it is in, as stored
// (ortsplan.CheckPlace: within reach of the locality's own point).
func checkPlace(ctx context.Context, tx *sql.Tx, localityID int64, p *ortsplan.Place) error {
	var lat, lon sql.NullFloat64
	if err := tx.QueryRowContext(ctx, "SELECT lat, lon FROM localities WHERE id = $1", localityID).Scan(&lat, &lon); err != nil {
		return notFound(err, "place locality")
	}
	l := &ortsplan.Locality{}
	if lat.Valid && lon.Valid {
		l.Lat, l.Lon = &lat.Float64, &lon.Float64
	}
	v := ortsplan.ValidationErrors{}
	ortsplan.CheckPlace(v, p, l)
	return v.Err()
}

// placeText is a place as the history shows it: "59.05, 16.59 (address)".
func placeText(p ortsplan.Place) string {
	var parts []string
	if p.HasPoint() {
		parts = append(parts, strconv.FormatFloat(*p.Lat, 'f', -1, 64)+", "+strconv.FormatFloat(*p.Lon, 'f', -1, 64))
	}
	if p.Address != "" {
		parts = append(parts, p.Address)
	}
	return strings.Join(parts, " · ")
}
