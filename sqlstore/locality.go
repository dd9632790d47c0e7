package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
)

const localityColumns = "id, slug, name, description, inhabitants, lat, lon, phase, version, created_at, updated_at, image_variants, image_alt"

func scanLocality(row interface{ Scan(...any) error }) (*ortsplan.Locality, error) {
	var l ortsplan.Locality
	var inh sql.NullInt64
	var lat, lon sql.NullFloat64
	var image string
	if err := row.Scan(&l.ID, &l.Slug, &l.Name, &l.Description, &inh, &lat, &lon, &l.Phase, &l.Version, &l.CreatedAt, &l.UpdatedAt,
		&image, &l.ImageAlt); err != nil {
		return nil, err
	}
	if image != "[]" { // most localities have no picture
		if err := json.Unmarshal([]byte(image), &l.Image); err != nil {
			return nil, fmt.Errorf("sqlstore: locality %d image: %w", l.ID, err)
		}
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

// CreateLocality stores a new locality, its first phase and its first revision.
func (db *DB) CreateLocality(ctx context.Context, l *ortsplan.Locality) error {
	if err := l.Validate(); err != nil {
		return err
	}
	now := db.now()
	since := l.PhaseSince
	if since.IsZero() {
		since = now
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO localities (slug, name, description, inhabitants, lat, lon, phase, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
			l.Slug, l.Name, l.Description, l.Inhabitants, l.Lat, l.Lon, string(l.Phase), now).Scan(&l.ID)
		if isUniqueViolation(err) {
			return ortsplan.FieldError("slug", "error.slug_taken")
		} else if err != nil {
			return fmt.Errorf("sqlstore: insert locality: %w", err)
		}
		l.Version, l.CreatedAt, l.UpdatedAt = 1, now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO phase_changes (locality_id, phase, on_date, note, actor_id, created_at)
			VALUES ($1, $2, $3, '', $4, $5)`, l.ID, string(l.Phase), dateArg(since), actorArg(ctx), now); err != nil {
			return fmt.Errorf("sqlstore: first phase: %w", err)
		}
		if err := audit(ctx, tx, now, ortsplan.ActorFrom(ctx), "locality:create", l.Slug, ""); err != nil {
			return err
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: l.ID, Kind: "locality", EntityID: l.ID, Action: "created",
			Title: l.Name, Body: l.Description, Changes: changes("phase", "", string(l.Phase))})
	})
}

func actorArg(ctx context.Context) any {
	if id := ortsplan.ActorFrom(ctx); id > 0 {
		return id
	}
	return nil
}

// UpdateLocality saves name, description, inhabitants and coordinates if
// l.Version is still the stored version; otherwise it returns ECONFLICT.
func (db *DB) UpdateLocality(ctx context.Context, l *ortsplan.Locality) error {
	if err := l.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanLocality(tx.QueryRowContext(ctx, "SELECT "+localityColumns+" FROM localities WHERE id = $1", l.ID))
		if err != nil {
			return notFound(err, "update locality")
		}
		if old.Version == l.Version && old.Name == l.Name && old.Description == l.Description &&
			intPtr(old.Inhabitants) == intPtr(l.Inhabitants) && coords(old) == coords(l) {
			return nil // saved unchanged
		}
		res, err := tx.ExecContext(ctx, `UPDATE localities SET name = $1, description = $2, inhabitants = $3, lat = $4, lon = $5,
			version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`,
			l.Name, l.Description, l.Inhabitants, l.Lat, l.Lon, now, l.ID, l.Version)
		if err != nil {
			return fmt.Errorf("sqlstore: update locality: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict()
		}
		l.Version++
		l.UpdatedAt = now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: l.ID, Kind: "locality", EntityID: l.ID, Action: "updated",
			Title: l.Name, Body: l.Description, Changes: changes(
				"name", old.Name, l.Name,
				"inhabitants", intPtr(old.Inhabitants), intPtr(l.Inhabitants),
				"coordinates", coords(old), coords(l),
				"description", lenText(old.Description), lenText(l.Description))})
	})
}

func intPtr(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func coords(l *ortsplan.Locality) string {
	if l.Lat == nil || l.Lon == nil {
		return ""
	}
	return strconv.FormatFloat(*l.Lat, 'f', 4, 64) + ", " + strconv.FormatFloat(*l.Lon, 'f', 4, 64)
}

// lenText stands for a long text in a change list; the text itself is in the revision body.
func lenText(s string) string {
	if s == "" {
		return ""
	}
	return "…" + strconv.Itoa(len([]rune(s)))
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

// Contacts returns the locality's active contact people in order.
func (db *DB) Contacts(ctx context.Context, localityID int64) ([]*ortsplan.Contact, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT u.id, u.name, u.role, u.department FROM locality_contacts c
		JOIN users u ON u.id = c.user_id WHERE c.locality_id = $1 AND u.active ORDER BY c.position`, localityID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: contacts: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Contact
	for rows.Next() {
		var c ortsplan.Contact
		if err := rows.Scan(&c.UserID, &c.Name, &c.Role, &c.Department); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// SetContacts replaces the locality's contact people; the first is the page owner.
func (db *DB) SetContacts(ctx context.Context, localityID int64, userIDs []int64) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM locality_contacts WHERE locality_id = $1", localityID); err != nil {
			return fmt.Errorf("sqlstore: clear contacts: %w", err)
		}
		for i, id := range userIDs {
			res, err := tx.ExecContext(ctx, `INSERT INTO locality_contacts (locality_id, user_id, position)
				SELECT $1, id, $3 FROM users WHERE id = $2 AND active`, localityID, id, i)
			if err != nil {
				return fmt.Errorf("sqlstore: add contact: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ortsplan.FieldError("contacts", "error.contact_unknown")
			}
		}
		return audit(ctx, tx, now, ortsplan.ActorFrom(ctx), "locality:contacts", strconv.FormatInt(localityID, 10), fmt.Sprint(userIDs))
	})
}

var _ ortsplan.LocalityService = (*DB)(nil)

// SetLocalityImage replaces the locality's picture and records the change.
func (db *DB) SetLocalityImage(ctx context.Context, localityID int64, image []ortsplan.FileVariant, alt string) ([]ortsplan.FileVariant, error) {
	alt = strings.TrimSpace(alt)
	if len(image) > 0 && alt == "" {
		return nil, ortsplan.FieldError("image_alt", "error.required")
	}
	if len([]rune(alt)) > 500 {
		return nil, ortsplan.FieldError("image_alt", "error.too_long")
	}
	if image == nil {
		image = []ortsplan.FileVariant{}
	}
	vj, err := json.Marshal(image)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var old []ortsplan.FileVariant
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var oldJSON, oldAlt, name string
		if err := tx.QueryRowContext(ctx, "SELECT image_variants, image_alt, name FROM localities WHERE id = $1", localityID).Scan(&oldJSON, &oldAlt, &name); err != nil {
			return notFound(err, "locality image")
		}
		if err := json.Unmarshal([]byte(oldJSON), &old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE localities SET image_variants = $1, image_alt = $2, updated_at = $3 WHERE id = $4",
			string(vj), alt, now, localityID); err != nil {
			return fmt.Errorf("sqlstore: set locality image: %w", err)
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "locality", EntityID: localityID, Action: "image",
			Title: name, Changes: changes("image_alt", oldAlt, alt)})
	})
	return old, err
}
