package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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
	now := db.nowFor(ctx)
	since := l.PhaseSince
	if since.IsZero() {
		since = now
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := mayAct(ctx, tx, (*ortsplan.User).CanCreateLocality); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO localities (slug, name, description, inhabitants, lat, lon, phase, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
			l.Slug, l.Name, l.Description, l.Inhabitants, l.Lat, l.Lon, string(l.Phase), now).Scan(&l.ID)
		if isUniqueViolation(err) {
			return ortsplan.FieldError("slug", "error.slug_taken")
		} else if err != nil {
			return dbErr("insert locality", err)
		}
		l.Version, l.CreatedAt, l.UpdatedAt = 1, now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO phase_changes (locality_id, phase, on_date, note, actor_id, created_at)
			VALUES ($1, $2, $3, '', $4, $5)`, l.ID, string(l.Phase), dateArg(since), actorArg(ctx), now); err != nil {
			return fmt.Errorf("sqlstore: first phase: %w", err)
		}
		if err := audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "locality:create", l.Slug, ""); err != nil {
			return err
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: l.ID, Kind: "locality", EntityID: l.ID, Action: "created",
			Title: l.Name, Body: l.Description, Changes: changes("phase", "", string(l.Phase))})
	})
}

// UpdateLocality saves the locality's name, description, inhabitants and
// coordinates if l.Version is still the stored version (else ECONFLICT), and
// its contact people (active staff in the order chosen, one of them the page
// owner; nil keeps them as they are), in one transaction.
func (db *DB) UpdateLocality(ctx context.Context, l *ortsplan.Locality, contacts *ortsplan.ContactChoice) error {
	err := l.Validate()
	if contacts != nil {
		if cerr := contacts.Validate(); cerr != nil {
			v := ortsplan.FieldErrors(err)
			if v == nil {
				v = ortsplan.ValidationErrors{}
			}
			for f, k := range ortsplan.FieldErrors(cerr) {
				v.Add(f, k)
			}
			err = v.Err()
		}
	}
	if err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanLocality(tx.QueryRowContext(ctx, "SELECT "+localityColumns+" FROM localities WHERE id = $1", l.ID))
		if err != nil {
			return notFound(err, "update locality")
		}
		if err := mayEdit(ctx, tx, old.ID); err != nil {
			return err
		}
		if contacts != nil {
			if err := db.setContacts(ctx, tx, now, old.ID, *contacts); err != nil {
				return err
			}
		}
		if old.Version == l.Version && old.Name == l.Name && old.Description == l.Description &&
			intPtr(old.Inhabitants) == intPtr(l.Inhabitants) && coords(old) == coords(l) {
			return nil // saved unchanged
		}
		res, err := tx.ExecContext(ctx, `UPDATE localities SET name = $1, description = $2, inhabitants = $3, lat = $4, lon = $5,
			version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`,
			l.Name, l.Description, l.Inhabitants, l.Lat, l.Lon, now, l.ID, l.Version)
		if err != nil {
			return dbErr("update locality", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbErr("update locality", err)
		} else if n == 0 {
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

// MayCreateLocality answers whether the acting account may create a locality.
func (db *DB) MayCreateLocality(ctx context.Context) error {
	if !ortsplan.IsSystem(ctx) && ortsplan.UserFromContext(ctx) == nil {
		return errLoginRequired
	}
	_, err := mayAct(ctx, db.db, (*ortsplan.User).CanCreateLocality)
	return err
}

// EditableLocality returns the locality with the given slug if the acting
// account may edit it.
func (db *DB) EditableLocality(ctx context.Context, slug string) (*ortsplan.Locality, error) {
	if !ortsplan.IsSystem(ctx) && ortsplan.UserFromContext(ctx) == nil {
		return nil, errLoginRequired
	}
	l, err := db.FindLocality(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := mayEdit(ctx, db.db, l.ID); err != nil {
		return nil, err
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
	rows, err := db.db.QueryContext(ctx, `SELECT u.id, u.name, u.role, u.department, c.page_owner FROM locality_contacts c
		JOIN users u ON u.id = c.user_id WHERE c.locality_id = $1 AND u.active ORDER BY c.position`, localityID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: contacts: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Contact
	for rows.Next() {
		var c ortsplan.Contact
		if err := rows.Scan(&c.UserID, &c.Name, &c.Role, &c.Department, &c.PageOwner); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// setContacts replaces the locality's contact people in tx when they or
// the page owner changed, and writes the change to the audit log. Each must
// be an active staff account; c is validated.
func (db *DB) setContacts(ctx context.Context, tx *sql.Tx, now time.Time, localityID int64, c ortsplan.ContactChoice) error {
	rows, err := tx.QueryContext(ctx, "SELECT user_id, page_owner FROM locality_contacts WHERE locality_id = $1 ORDER BY position", localityID)
	if err != nil {
		return dbErr("read contacts", err)
	}
	var old []int64
	var oldOwner int64
	for rows.Next() {
		var id int64
		var owner bool
		if err := rows.Scan(&id, &owner); err != nil {
			rows.Close()
			return dbErr("read contacts", err)
		}
		old = append(old, id)
		if owner {
			oldOwner = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("read contacts", err)
	}
	if slices.Equal(old, c.IDs) && oldOwner == c.PageOwner {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM locality_contacts WHERE locality_id = $1", localityID); err != nil {
		return dbErr("clear contacts", err)
	}
	for i, id := range c.IDs {
		res, err := tx.ExecContext(ctx, `INSERT INTO locality_contacts (locality_id, user_id, position, page_owner)
			SELECT $1, id, $3, $4 FROM users WHERE id = $2 AND active`, localityID, id, i, id == c.PageOwner)
		if err != nil {
			return dbErr("add contact", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbErr("add contact", err)
		} else if n == 0 {
			return ortsplan.FieldError("contacts", "error.contact_unknown")
		}
	}
	return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "locality:contacts", strconv.FormatInt(localityID, 10),
		fmt.Sprintf("%v owner %d", c.IDs, c.PageOwner))
}

var _ ortsplan.LocalityService = (*DB)(nil)

// SetLocalityImage replaces the locality's picture and records the change.
func (db *DB) SetLocalityImage(ctx context.Context, localityID int64, image []ortsplan.FileVariant, alt string) ([]ortsplan.FileVariant, error) {
	alt = strings.TrimSpace(alt)
	if len(image) > 0 {
		v := ortsplan.ValidationErrors{}
		ortsplan.CheckAlt(v, "image_alt", alt)
		if err := v.Err(); err != nil {
			return nil, err
		}
	} else {
		alt = ""
	}
	if image == nil {
		image = []ortsplan.FileVariant{}
	}
	vj, err := json.Marshal(image)
	if err != nil {
		return nil, err
	}
	now := db.nowFor(ctx)
	var old []ortsplan.FileVariant
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var oldJSON, oldAlt, name string
		if err := tx.QueryRowContext(ctx, "SELECT image_variants, image_alt, name FROM localities WHERE id = $1", localityID).Scan(&oldJSON, &oldAlt, &name); err != nil {
			return notFound(err, "locality image")
		}
		if err := mayEdit(ctx, tx, localityID); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(oldJSON), &old); err != nil {
			return fmt.Errorf("sqlstore: locality %d image: %w", localityID, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE localities SET image_variants = $1, image_alt = $2, updated_at = $3 WHERE id = $4",
			string(vj), alt, now, localityID); err != nil {
			return dbErr("set locality image", err)
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "locality", EntityID: localityID, Action: "image",
			Title: name, Changes: changes("image_alt", oldAlt, alt)})
	})
	return old, err
}
