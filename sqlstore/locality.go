package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ortsplan/ortsplan"
)

const localityColumns = "id, slug, name, description, inhabitants, lat, lon, phase, created_at, updated_at"

func scanLocality(row interface{ Scan(...any) error }) (*ortsplan.Locality, error) {
	var l ortsplan.Locality
	var inh sql.NullInt64
	var lat, lon sql.NullFloat64
	if err := row.Scan(&l.ID, &l.Slug, &l.Name, &l.Description, &inh, &lat, &lon, &l.Phase, &l.CreatedAt, &l.UpdatedAt); err != nil {
		return nil, err
	}
	if inh.Valid {
		n := int(inh.Int64)
		l.Inhabitants = &n
	}
	if lat.Valid && lon.Valid {
		l.Lat, l.Lon = &lat.Float64, &lon.Float64
	}
	return &l, nil
}

// CreateLocality stores a new locality and sets its ID.
func (db *DB) CreateLocality(ctx context.Context, l *ortsplan.Locality) error {
	if err := l.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO localities (slug, name, description, inhabitants, lat, lon, phase, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			l.Slug, l.Name, l.Description, l.Inhabitants, l.Lat, l.Lon, string(l.Phase), now).Scan(&l.ID)
		if isUniqueViolation(err) {
			return ortsplan.FieldError("slug", "error.slug_taken")
		} else if err != nil {
			return fmt.Errorf("sqlstore: insert locality: %w", err)
		}
		l.CreatedAt, l.UpdatedAt = now, now
		return audit(ctx, tx, now, ortsplan.ActorFrom(ctx), "locality:create", l.Slug, "")
	})
}

// FindLocality returns the locality with the given slug.
func (db *DB) FindLocality(ctx context.Context, slug string) (*ortsplan.Locality, error) {
	l, err := scanLocality(db.db.QueryRowContext(ctx, "SELECT "+localityColumns+" FROM localities WHERE slug = $1", slug))
	if err != nil {
		return nil, notFound(err, "find locality "+slug)
	}
	return l, nil
}

// ListLocalities returns every locality by name.
func (db *DB) ListLocalities(ctx context.Context) ([]*ortsplan.Locality, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+localityColumns+" FROM localities ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list localities: %w", err)
	}
	defer rows.Close()
	var ls []*ortsplan.Locality
	for rows.Next() {
		l, err := scanLocality(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: scan locality: %w", err)
		}
		ls = append(ls, l)
	}
	return ls, rows.Err()
}

var _ ortsplan.LocalityService = (*DB)(nil)
