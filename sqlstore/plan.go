package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// ChangePhase records a phase change. The locality's current phase is the one
// with the latest date, so a change dated in the past fills in the timeline
// without moving the locality backwards.
func (db *DB) ChangePhase(ctx context.Context, c *ortsplan.PhaseChange) error {
	if err := c.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, "SELECT phase FROM localities WHERE id = $1", c.LocalityID).Scan(&old); err != nil {
			return notFound(err, "change phase")
		}
		if err := mayEdit(ctx, tx, c.LocalityID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO phase_changes (locality_id, phase, on_date, note, actor_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			c.LocalityID, string(c.Phase), dateArg(c.On), c.Note, actorArg(ctx), now).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: insert phase change: %w", err)
		}
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT phase FROM phase_changes WHERE locality_id = $1
			ORDER BY on_date DESC, id DESC LIMIT 1`, c.LocalityID).Scan(&current); err != nil {
			return fmt.Errorf("sqlstore: current phase: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE localities SET phase = $1, updated_at = $2 WHERE id = $3", current, now, c.LocalityID); err != nil {
			return fmt.Errorf("sqlstore: set phase: %w", err)
		}
		c.CreatedAt = now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: c.LocalityID, Kind: "phase", EntityID: c.ID, Action: "changed",
			Body: c.Note, Changes: append(changes("phase", old, current), ortsplan.FieldChange{Field: "phase_date", To: fmtDate(c.On) + " " + string(c.Phase)})})
	})
}

// PhaseHistory returns the locality's phase changes, oldest first.
func (db *DB) PhaseHistory(ctx context.Context, localityID int64) ([]*ortsplan.PhaseChange, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT p.id, p.locality_id, p.phase, p.on_date, p.note, COALESCE(u.name, ''), p.created_at
		FROM phase_changes p LEFT JOIN users u ON u.id = p.actor_id WHERE p.locality_id = $1 ORDER BY p.on_date, p.id`, localityID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: phase history: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.PhaseChange
	for rows.Next() {
		var c ortsplan.PhaseChange
		if err := rows.Scan(&c.ID, &c.LocalityID, &c.Phase, dateCol{&c.On}, &c.Note, &c.ActorName, &c.CreatedAt); err != nil {
			return nil, dbErr("phase history", err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// FindVision returns the locality's vision, or ENOTFOUND when it has none.
// A draft is found only by staff who may edit the locality.
func (db *DB) FindVision(ctx context.Context, localityID int64) (*ortsplan.Vision, error) {
	v, err := db.findVision(ctx, localityID)
	if err != nil {
		return nil, err
	}
	if !v.Published() {
		if ok, err := db.canRead(ctx, localityID); err != nil {
			return nil, err
		} else if !ok {
			return nil, notFound(sql.ErrNoRows, "find vision")
		}
	}
	return v, nil
}

func (db *DB) findVision(ctx context.Context, localityID int64) (*ortsplan.Vision, error) {
	var v ortsplan.Vision
	err := db.db.QueryRowContext(ctx, `SELECT locality_id, title, body, status, decided_on, decided_by, decision_ref, version, updated_at
		FROM visions WHERE locality_id = $1`, localityID).Scan(&v.LocalityID, &v.Title, &v.Body, &v.Status,
		dateCol{&v.Decision.On}, &v.Decision.Body, &v.Decision.Reference, &v.Version, &v.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "find vision")
	}
	return &v, nil
}

// lockLocality checks that the locality exists and that the acting account
// may edit it, in tx.
func lockLocality(ctx context.Context, tx *sql.Tx, localityID int64) error {
	var id int64
	if err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", localityID).Scan(&id); err != nil {
		return notFound(err, "locality")
	}
	return mayEdit(ctx, tx, id)
}

// SaveVision creates (Version 0) or updates the vision, refusing a stale version.
func (db *DB) SaveVision(ctx context.Context, v *ortsplan.Vision) error {
	if err := v.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := lockLocality(ctx, tx, v.LocalityID); err != nil {
			return err
		}
		var old ortsplan.Vision
		err := tx.QueryRowContext(ctx, `SELECT title, body, status, decided_on, decided_by, decision_ref, version FROM visions WHERE locality_id = $1`,
			v.LocalityID).Scan(&old.Title, &old.Body, &old.Status, dateCol{&old.Decision.On}, &old.Decision.Body, &old.Decision.Reference, &old.Version)
		if err == nil && old.Version == v.Version && old.Title == v.Title && old.Body == v.Body && old.Status == v.Status && old.Decision == v.Decision {
			return nil // saved unchanged: no new version, no revision
		}
		switch {
		case errors.Is(err, sql.ErrNoRows) && v.Version == 0:
			_, err = tx.ExecContext(ctx, `INSERT INTO visions (locality_id, title, body, status, decided_on, decided_by, decision_ref, version, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)`, v.LocalityID, v.Title, v.Body, string(v.Status),
				dateArg(v.Decision.On), v.Decision.Body, v.Decision.Reference, now)
			if err != nil {
				return dbErr("insert vision", err)
			}
		case errors.Is(err, sql.ErrNoRows):
			return conflict()
		case err != nil:
			return dbErr("read vision", err)
		default:
			res, err := tx.ExecContext(ctx, `UPDATE visions SET title = $1, body = $2, status = $3, decided_on = $4, decided_by = $5,
				decision_ref = $6, version = version + 1, updated_at = $7 WHERE locality_id = $8 AND version = $9`,
				v.Title, v.Body, string(v.Status), dateArg(v.Decision.On), v.Decision.Body, v.Decision.Reference, now, v.LocalityID, v.Version)
			if err := mustAffect(res, err, "update vision"); err != nil {
				return err
			}
		}
		action := "updated"
		if old.Version == 0 {
			action = "created"
		}
		if v.Status == ortsplan.StatusAdopted && old.Status != ortsplan.StatusAdopted {
			action = "adopted"
		}
		v.Version = old.Version + 1
		v.UpdatedAt = now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: v.LocalityID, Kind: "vision", EntityID: v.LocalityID, Action: action,
			Draft: v.Status == ortsplan.StatusDraft, Title: v.Title, Body: v.Body, Changes: changes(
				"title", old.Title, v.Title,
				"status", string(old.Status), string(v.Status),
				"decision_date", fmtDate(old.Decision.On), fmtDate(v.Decision.On),
				"decision_body", old.Decision.Body, v.Decision.Body,
				"decision_reference", old.Decision.Reference, v.Decision.Reference)})
	})
}

// mustAffect turns an UPDATE's result into ECONFLICT when no row matched
// (another save came first), and wraps a database error.
func mustAffect(res sql.Result, err error, op string) error {
	if err != nil {
		return dbErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbErr(op, err)
	}
	if n == 0 {
		return conflict()
	}
	return nil
}

// FindPlan loads the plan with its whole tree in four queries.
func (db *DB) FindPlan(ctx context.Context, localityID int64) (*ortsplan.Plan, error) {
	p, err := db.planRow(ctx, localityID)
	if err != nil {
		return nil, err
	}
	themes, err := db.themes(ctx, localityID)
	if err != nil {
		return nil, err
	}
	actions, err := db.actions(ctx, "a.locality_id = $1", localityID)
	if err != nil {
		return nil, err
	}
	if err := db.loadUpdates(ctx, localityID, actions); err != nil {
		return nil, err
	}
	if err := db.loadActionOrganisations(ctx, localityID, actions); err != nil {
		return nil, err
	}
	p.Themes = ortsplan.BuildTree(themes, actions)
	return p, nil
}

// planRow reads the plan's own fields; a locality without one gets an empty draft.
func (db *DB) planRow(ctx context.Context, localityID int64) (*ortsplan.Plan, error) {
	p := &ortsplan.Plan{LocalityID: localityID, Status: ortsplan.StatusDraft}
	err := db.db.QueryRowContext(ctx, `SELECT status, decided_on, decided_by, decision_ref, next_review, version, updated_at
		FROM plans WHERE locality_id = $1`, localityID).Scan(&p.Status, dateCol{&p.Decision.On}, &p.Decision.Body,
		&p.Decision.Reference, dateCol{&p.NextReview}, &p.Version, &p.UpdatedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlstore: read plan: %w", err)
	}
	return p, nil
}

// PlanOutline returns the plan with its themes and the action tree, each
// action with only its id, status, progress and weight: enough for the
// progress figures of an overview, without texts, updates or organisations.
func (db *DB) PlanOutline(ctx context.Context, localityID int64) (*ortsplan.Plan, error) {
	p, err := db.planRow(ctx, localityID)
	if err != nil {
		return nil, err
	}
	themes, err := db.themes(ctx, localityID)
	if err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, `SELECT id, theme_id, COALESCE(parent_id, 0), status, progress, weight
		FROM actions WHERE locality_id = $1 AND archived_at IS NULL ORDER BY position, id`, localityID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: plan outline: %w", err)
	}
	defer rows.Close()
	var actions []*ortsplan.Action
	for rows.Next() {
		var a ortsplan.Action
		if err := rows.Scan(&a.ID, &a.ThemeID, &a.ParentID, &a.Status, &a.Progress, &a.Weight); err != nil {
			return nil, dbErr("plan outline", err)
		}
		actions = append(actions, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	p.Themes = ortsplan.BuildTree(themes, actions)
	return p, nil
}

func (db *DB) themes(ctx context.Context, localityID int64) ([]*ortsplan.Theme, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, locality_id, title, description, position, version
		FROM themes WHERE locality_id = $1 AND archived_at IS NULL ORDER BY position, id`, localityID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: themes: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Theme
	for rows.Next() {
		var t ortsplan.Theme
		if err := rows.Scan(&t.ID, &t.LocalityID, &t.Title, &t.Description, &t.Position, &t.Version); err != nil {
			return nil, dbErr("themes", err)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

const actionColumns = `a.id, a.theme_id, COALESCE(a.parent_id, 0), a.title, a.description, a.responsible_kind, a.responsible_name,
	a.responsible_department, a.priority, a.start_on, a.end_on, a.status, a.progress, a.weight, a.position, a.version, a.created_at, a.updated_at,
	a.funding, a.place_lat, a.place_lon, a.place_address`

func scanAction(row interface{ Scan(...any) error }) (*ortsplan.Action, error) {
	var a ortsplan.Action
	err := row.Scan(&a.ID, &a.ThemeID, &a.ParentID, &a.Title, &a.Description, &a.ResponsibleKind, &a.ResponsibleName,
		&a.ResponsibleDepartment, &a.Priority, dateCol{&a.Start}, dateCol{&a.End}, &a.Status, &a.Progress, &a.Weight,
		&a.Position, &a.Version, &a.CreatedAt, &a.UpdatedAt, &a.Funding,
		nullFloat{&a.Place.Lat}, nullFloat{&a.Place.Lon}, &a.Place.Address)
	return &a, err
}

func (db *DB) actions(ctx context.Context, where string, args ...any) ([]*ortsplan.Action, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+actionColumns+" FROM actions a WHERE a.archived_at IS NULL AND ("+where+") ORDER BY a.position, a.id", args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: actions: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: scan action: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (db *DB) loadUpdates(ctx context.Context, localityID int64, actions []*ortsplan.Action) error {
	byID := make(map[int64]*ortsplan.Action, len(actions))
	for _, a := range actions {
		byID[a.ID] = a
	}
	rows, err := db.db.QueryContext(ctx, `SELECT au.id, au.action_id, au.on_date, au.text, COALESCE(u.name, ''), au.created_at
		FROM action_updates au LEFT JOIN users u ON u.id = au.actor_id WHERE au.locality_id = $1
		ORDER BY au.on_date DESC, au.id DESC`, localityID)
	if err != nil {
		return fmt.Errorf("sqlstore: action updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u ortsplan.ActionUpdate
		if err := rows.Scan(&u.ID, &u.ActionID, dateCol{&u.On}, &u.Text, &u.ActorName, &u.CreatedAt); err != nil {
			return dbErr("action updates", err)
		}
		if a := byID[u.ActionID]; a != nil {
			a.Updates = append(a.Updates, &u)
		}
	}
	return rows.Err()
}

// SavePlan saves the plan's adoption fields and next review date.
func (db *DB) SavePlan(ctx context.Context, p *ortsplan.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := lockLocality(ctx, tx, p.LocalityID); err != nil {
			return err
		}
		old := ortsplan.Plan{Status: ortsplan.StatusDraft}
		err := tx.QueryRowContext(ctx, `SELECT status, decided_on, decided_by, decision_ref, next_review, version FROM plans WHERE locality_id = $1`,
			p.LocalityID).Scan(&old.Status, dateCol{&old.Decision.On}, &old.Decision.Body, &old.Decision.Reference, dateCol{&old.NextReview}, &old.Version)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return dbErr("read plan", err)
		}
		if old.Version != p.Version {
			return conflict()
		}
		if old.Version == 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO plans (locality_id, status, decided_on, decided_by, decision_ref, next_review, version, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, 1, $7)`, p.LocalityID, string(p.Status), dateArg(p.Decision.On), p.Decision.Body,
				p.Decision.Reference, dateArg(p.NextReview), now)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE plans SET status = $1, decided_on = $2, decided_by = $3, decision_ref = $4, next_review = $5,
				version = version + 1, updated_at = $6 WHERE locality_id = $7 AND version = $8`, string(p.Status), dateArg(p.Decision.On),
				p.Decision.Body, p.Decision.Reference, dateArg(p.NextReview), now, p.LocalityID, p.Version)
			err = mustAffect(res, err, "save plan")
		}
		if err != nil {
			if isUniqueViolation(err) {
				return conflict()
			}
			return dbErr("save plan", err)
		}
		action := "updated"
		if p.Status == ortsplan.StatusAdopted && old.Status != ortsplan.StatusAdopted {
			action = "adopted"
		}
		p.Version++
		p.UpdatedAt = now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: p.LocalityID, Kind: "plan", EntityID: p.LocalityID, Action: action,
			Changes: changes(
				"status", string(old.Status), string(p.Status),
				"decision_date", fmtDate(old.Decision.On), fmtDate(p.Decision.On),
				"decision_body", old.Decision.Body, p.Decision.Body,
				"decision_reference", old.Decision.Reference, p.Decision.Reference,
				"next_review", fmtDate(old.NextReview), fmtDate(p.NextReview))})
	})
}

// SaveTheme creates (ID 0) or updates a theme. A new theme belongs to
// t.LocalityID; an existing one stays in the locality it is in, whatever
// t.LocalityID says.
func (db *DB) SaveTheme(ctx context.Context, t *ortsplan.Theme) error {
	if err := t.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var oldTitle string
		if t.ID == 0 {
			if err := lockLocality(ctx, tx, t.LocalityID); err != nil {
				return err
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO themes (locality_id, title, description, position, version, created_at, updated_at)
				VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM themes WHERE locality_id = $1), 1, $4, $4) RETURNING id, position`,
				t.LocalityID, t.Title, t.Description, now).Scan(&t.ID, &t.Position)
			if err != nil {
				return dbErr("insert theme", err)
			}
			t.Version = 1
		} else {
			err := tx.QueryRowContext(ctx, "SELECT locality_id, title FROM themes WHERE id = $1 AND archived_at IS NULL", t.ID).Scan(&t.LocalityID, &oldTitle)
			if err != nil {
				return notFound(err, "update theme")
			}
			if err := mayEdit(ctx, tx, t.LocalityID); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE themes SET title = $1, description = $2, version = version + 1, updated_at = $3
				WHERE id = $4 AND version = $5`, t.Title, t.Description, now, t.ID, t.Version)
			if err := mustAffect(res, err, "update theme"); err != nil {
				return err
			}
			t.Version++
		}
		action := "updated"
		if oldTitle == "" {
			action = "created"
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: t.LocalityID, Kind: "theme", EntityID: t.ID, Action: action,
			Title: t.Title, Body: t.Description, Changes: changes("title", oldTitle, t.Title)})
	})
}

// MoveTheme moves a theme up (delta < 0) or down among its locality's themes.
func (db *DB) MoveTheme(ctx context.Context, themeID int64, delta int) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "move theme", "SELECT locality_id FROM themes WHERE id = $1 AND archived_at IS NULL", themeID)
		if err != nil {
			return err
		}
		title, moved, err := swapPosition(ctx, tx, "themes", "locality_id = $1 AND archived_at IS NULL", []any{localityID}, themeID, delta)
		if err != nil || !moved {
			return err
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "theme", EntityID: themeID, Action: "moved", Title: title})
	})
}

// swapPosition swaps a row's position with its neighbour in the scope. It
// reports false when the row is already first or last.
func swapPosition(ctx context.Context, tx *sql.Tx, table, scope string, scopeArgs []any, id int64, delta int) (string, bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, position, title FROM "+table+" WHERE "+scope+" ORDER BY position, id", scopeArgs...)
	if err != nil {
		return "", false, fmt.Errorf("sqlstore: read positions: %w", err)
	}
	type item struct {
		id    int64
		pos   int
		title string
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.pos, &it.title); err != nil {
			rows.Close()
			return "", false, dbErr("read positions", err)
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", false, dbErr("read positions", err)
	}
	i := -1
	for k, it := range items {
		if it.id == id {
			i = k
		}
	}
	if i < 0 {
		return "", false, &ortsplan.Error{Code: ortsplan.ENOTFOUND, Key: "error.not_found"}
	}
	j := i + 1
	if delta < 0 {
		j = i - 1
	}
	if j < 0 || j >= len(items) {
		return items[i].title, false, nil
	}
	// Renumber densely so equal positions cannot make a swap a no-op.
	items[i], items[j] = items[j], items[i]
	for k, it := range items {
		if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET position = $1 WHERE id = $2", k+1, it.id); err != nil {
			return "", false, fmt.Errorf("sqlstore: move: %w", err)
		}
	}
	return items[j].title, true, nil
}

// SaveAction creates (ID 0) or updates an action and links exactly the
// organisations in a.Organisations (of the action's locality), in one
// transaction. A new action belongs to its theme's locality; an existing one
// stays in its own. Sub-actions are one level deep and live in their
// parent's theme (ortsplan.CheckParent).
func (db *DB) SaveAction(ctx context.Context, a *ortsplan.Action) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Status == ortsplan.ActionDone {
		a.Progress = 100
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var localityID int64
		old := &ortsplan.Action{}
		if a.ID != 0 {
			var err error
			if localityID, err = mayEditRow(ctx, tx, "update action", "SELECT locality_id FROM actions WHERE id = $1 AND archived_at IS NULL", a.ID); err != nil {
				return err
			}
			if old, err = scanAction(tx.QueryRowContext(ctx, "SELECT "+actionColumns+" FROM actions a WHERE a.id = $1", a.ID)); err != nil {
				return notFound(err, "update action")
			}
		}
		var themeLocality int64
		err := tx.QueryRowContext(ctx, "SELECT locality_id FROM themes WHERE id = $1 AND archived_at IS NULL", a.ThemeID).Scan(&themeLocality)
		if errors.Is(err, sql.ErrNoRows) || err == nil && a.ID != 0 && themeLocality != localityID {
			return ortsplan.FieldError("theme", "error.choose_from_list")
		} else if err != nil {
			return dbErr("action theme", err)
		}
		if a.ID == 0 {
			localityID = themeLocality
			if err := mayEdit(ctx, tx, localityID); err != nil {
				return err
			}
		}
		if err := checkPlace(ctx, tx, localityID, &a.Place); err != nil {
			return err
		}
		var parent any
		if a.ParentID != 0 {
			p, err := scanAction(tx.QueryRowContext(ctx, "SELECT "+actionColumns+" FROM actions a WHERE a.id = $1 AND a.locality_id = $2 AND a.archived_at IS NULL",
				a.ParentID, localityID))
			if errors.Is(err, sql.ErrNoRows) {
				p = nil
			} else if err != nil {
				return dbErr("action parent", err)
			}
			var kids int
			if a.ID != 0 {
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM actions WHERE parent_id = $1 AND archived_at IS NULL", a.ID).Scan(&kids); err != nil {
					return dbErr("count sub-actions", err)
				}
			}
			if err := ortsplan.CheckParent(a, p, kids, a.ParentID != old.ParentID); err != nil {
				return err
			}
			parent = a.ParentID
		}
		if a.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO actions (locality_id, theme_id, parent_id, title, description, responsible_kind,
				responsible_name, responsible_department, priority, start_on, end_on, status, progress, weight, position, version, created_at, updated_at, funding,
				place_lat, place_lon, place_address)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
				(SELECT COALESCE(MAX(position), 0) + 1 FROM actions WHERE theme_id = $2), 1, $15, $15, $16, $17, $18, $19) RETURNING id, position`,
				localityID, a.ThemeID, parent, a.Title, a.Description, string(a.ResponsibleKind), a.ResponsibleName, a.ResponsibleDepartment,
				string(a.Priority), dateArg(a.Start), dateArg(a.End), string(a.Status), a.Progress, a.Weight, now, a.Funding,
				floatArg(a.Place.Lat), floatArg(a.Place.Lon), a.Place.Address).Scan(&a.ID, &a.Position)
			if err != nil {
				return dbErr("insert action", err)
			}
			a.Version, a.CreatedAt, a.UpdatedAt = 1, now, now
		} else if old.Version == a.Version && sameAction(old, a) {
			a.CreatedAt, a.UpdatedAt = old.CreatedAt, old.UpdatedAt
			return db.linkOrganisations(ctx, tx, now, localityID, a) // the action's own fields unchanged
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE actions SET theme_id = $1, parent_id = $2, title = $3, description = $4, responsible_kind = $5,
				responsible_name = $6, responsible_department = $7, priority = $8, start_on = $9, end_on = $10, status = $11, progress = $12,
				weight = $13, version = version + 1, updated_at = $14, funding = $17,
				place_lat = $18, place_lon = $19, place_address = $20 WHERE id = $15 AND version = $16`,
				a.ThemeID, parent, a.Title, a.Description, string(a.ResponsibleKind), a.ResponsibleName, a.ResponsibleDepartment,
				string(a.Priority), dateArg(a.Start), dateArg(a.End), string(a.Status), a.Progress, a.Weight, now, a.ID, a.Version, a.Funding,
				floatArg(a.Place.Lat), floatArg(a.Place.Lon), a.Place.Address)
			if err := mustAffect(res, err, "update action"); err != nil {
				return err
			}
			// Sub-actions follow their parent to a new theme.
			if _, err := tx.ExecContext(ctx, "UPDATE actions SET theme_id = $1 WHERE parent_id = $2", a.ThemeID, a.ID); err != nil {
				return dbErr("move sub-actions", err)
			}
			a.Version++
			a.CreatedAt, a.UpdatedAt = old.CreatedAt, now
		}
		action := "updated"
		if old.ID == 0 {
			action = "created"
		}
		err = db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "action", EntityID: a.ID, Action: action,
			Title: a.Title, Body: a.Description, Changes: changes(
				"title", old.Title, a.Title,
				"action_status", string(old.Status), string(a.Status),
				"progress", pct(old, old.ID != 0), pct(a, true),
				"priority", string(old.Priority), string(a.Priority),
				"responsible", responsible(old), responsible(a),
				"funding", old.Funding, a.Funding,
				"start", fmtDate(old.Start), fmtDate(a.Start),
				"end", fmtDate(old.End), fmtDate(a.End),
				"weight", weight(old), weight(a),
				"theme", idStr(old.ThemeID), idStr(a.ThemeID),
				"place", placeText(old.Place), placeText(a.Place))})
		if err != nil {
			return err
		}
		return db.linkOrganisations(ctx, tx, now, localityID, a)
	})
}

func pct(a *ortsplan.Action, known bool) string {
	if !known {
		return ""
	}
	return strconv.Itoa(a.Progress) + " %"
}

func responsible(a *ortsplan.Action) string {
	s := string(a.ResponsibleKind)
	if a.ResponsibleName != "" {
		s += ": " + a.ResponsibleName
	}
	if a.ResponsibleDepartment != "" {
		s += " (" + a.ResponsibleDepartment + ")"
	}
	return s
}

func weight(a *ortsplan.Action) string {
	if a.Weight == 0 {
		return ""
	}
	return strconv.FormatFloat(a.Weight, 'f', -1, 64)
}

func idStr(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// MoveAction moves an action up or down among its siblings.
func (db *DB) MoveAction(ctx context.Context, actionID int64, delta int) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "move action", "SELECT locality_id FROM actions WHERE id = $1 AND archived_at IS NULL", actionID)
		if err != nil {
			return err
		}
		var themeID, parentID int64
		if err := tx.QueryRowContext(ctx, "SELECT theme_id, COALESCE(parent_id, 0) FROM actions WHERE id = $1",
			actionID).Scan(&themeID, &parentID); err != nil {
			return notFound(err, "move action")
		}
		scope, args := "theme_id = $1 AND parent_id IS NULL AND archived_at IS NULL", []any{themeID}
		if parentID != 0 {
			scope, args = "parent_id = $1 AND archived_at IS NULL", []any{parentID}
		}
		title, moved, err := swapPosition(ctx, tx, "actions", scope, args, actionID, delta)
		if err != nil || !moved {
			return err
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "action", EntityID: actionID, Action: "moved", Title: title})
	})
}

// AddActionUpdate adds a dated progress note to an action.
func (db *DB) AddActionUpdate(ctx context.Context, u *ortsplan.ActionUpdate) error {
	if err := u.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "action update", "SELECT locality_id FROM actions WHERE id = $1 AND archived_at IS NULL", u.ActionID)
		if err != nil {
			return err
		}
		var title string
		if err := tx.QueryRowContext(ctx, "SELECT a.title, l.slug FROM actions a JOIN localities l ON l.id = a.locality_id WHERE a.id = $1",
			u.ActionID).Scan(&title, &u.LocalitySlug); err != nil {
			return notFound(err, "action update")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO action_updates (action_id, locality_id, on_date, text, actor_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.ActionID, localityID, dateArg(u.On), u.Text, actorArg(ctx), now).Scan(&u.ID); err != nil {
			return dbErr("insert action update", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE actions SET updated_at = $1 WHERE id = $2", now, u.ActionID); err != nil {
			return dbErr("touch action", err)
		}
		u.CreatedAt = now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "update", EntityID: u.ActionID, Action: "added",
			Title: title, Body: u.Text, Changes: changes("update_date", "", fmtDate(u.On))})
	})
}

// summaries is the cached locality list with its plan figures.
type summaries struct {
	localities []*ortsplan.Locality
	figures    map[int64]planFigure
}

// LocalitySummaries returns every locality with its plan progress, computed
// from all actions loaded in one query, kept under the site's change counter.
func (db *DB) LocalitySummaries(ctx context.Context) ([]*ortsplan.LocalitySummary, error) {
	version, err := db.counter(ctx, 0) // read first: what is kept under it is never older
	if err != nil {
		return nil, err
	}
	v, err := db.cache.GetOrLoad(ctx, cacheKey{kind: "summaries", version: version}, func(ctx context.Context) (any, error) {
		ls, err := db.ListLocalities(ctx)
		if err != nil {
			return nil, err
		}
		figs, err := db.planFigures(ctx)
		if err != nil {
			return nil, err
		}
		return &summaries{ls, figs}, nil
	})
	if err != nil {
		return nil, err
	}
	sum := v.(*summaries)
	out := make([]*ortsplan.LocalitySummary, len(sum.localities))
	for i, l := range sum.localities {
		f := sum.figures[l.ID]
		c := *l // callers get their own copy
		out[i] = &ortsplan.LocalitySummary{Locality: &c, Progress: f.progress, HasPlan: f.count > 0, ActionCount: f.count}
	}
	return out, nil
}

// LocalityOverview reads the locality, phase history, vision, plan outline
// and last change, kept under the locality's change counter. A draft vision
// is left out unless the acting account may edit the locality.
func (db *DB) LocalityOverview(ctx context.Context, slug string) (*ortsplan.LocalityOverview, error) {
	var id, version int64
	err := db.db.QueryRowContext(ctx, `SELECT l.id, COALESCE(c.version, 0) FROM localities l
		LEFT JOIN change_counters c ON c.scope = l.id WHERE l.slug = $1`, slug).Scan(&id, &version)
	if err != nil {
		return nil, notFound(err, "locality overview "+slug)
	}
	v, err := db.cache.GetOrLoad(ctx, cacheKey{kind: "overview", scope: id, version: version}, func(ctx context.Context) (any, error) {
		return db.readOverview(ctx, slug)
	})
	if err != nil {
		return nil, err
	}
	o := copyOverview(v.(*ortsplan.LocalityOverview))
	if o.Vision != nil && !o.Vision.Published() {
		if ok, err := db.canRead(ctx, id); err != nil {
			return nil, err
		} else if !ok {
			o.Vision = nil
		}
	}
	return o, nil
}

func (db *DB) readOverview(ctx context.Context, slug string) (*ortsplan.LocalityOverview, error) {
	var err error
	o := &ortsplan.LocalityOverview{}
	if o.Locality, err = db.FindLocality(ctx, slug); err != nil {
		return nil, err
	}
	id := o.Locality.ID
	if o.Phases, err = db.PhaseHistory(ctx, id); err != nil {
		return nil, err
	}
	if o.Vision, err = db.findVision(ctx, id); ortsplan.ErrorCode(err) == ortsplan.ENOTFOUND {
		o.Vision = nil
	} else if err != nil {
		return nil, err
	}
	if o.Outline, err = db.PlanOutline(ctx, id); err != nil {
		return nil, err
	}
	if o.LastChanged, err = db.LastChanged(ctx, id); err != nil {
		return nil, err
	}
	return o, nil
}

// copyOverview gives a caller its own locality, vision and plan structs.
func copyOverview(o *ortsplan.LocalityOverview) *ortsplan.LocalityOverview {
	c := *o
	l := *o.Locality
	c.Locality = &l
	if o.Vision != nil {
		v := *o.Vision
		c.Vision = &v
	}
	p := *o.Outline
	c.Outline = &p
	return &c
}

// planFigure is a locality's plan progress and number of actions.
type planFigure struct {
	progress float64
	count    int
}

// planFigures computes every locality's plan progress from its actions.
func (db *DB) planFigures(ctx context.Context) (map[int64]planFigure, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, locality_id, theme_id, COALESCE(parent_id, 0), status, progress, weight
		FROM actions WHERE archived_at IS NULL ORDER BY position, id`)
	if err != nil {
		return nil, dbErr("summary actions", err)
	}
	defer rows.Close()
	byLocality := map[int64][]*ortsplan.Action{}
	for rows.Next() {
		var a ortsplan.Action
		var loc int64
		if err := rows.Scan(&a.ID, &loc, &a.ThemeID, &a.ParentID, &a.Status, &a.Progress, &a.Weight); err != nil {
			return nil, dbErr("summary actions", err)
		}
		byLocality[loc] = append(byLocality[loc], &a)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("summary actions", err)
	}
	out := make(map[int64]planFigure, len(byLocality))
	for id, actions := range byLocality {
		out[id] = planFigure{progress: ortsplan.PlanProgress(ortsplan.ActionTree(actions)), count: len(actions)}
	}
	return out, nil
}

var _ ortsplan.PlanService = (*DB)(nil)

func (db *DB) loadActionOrganisations(ctx context.Context, localityID int64, actions []*ortsplan.Action) error {
	byID := make(map[int64]*ortsplan.Action, len(actions))
	for _, a := range actions {
		byID[a.ID] = a
	}
	rows, err := db.db.QueryContext(ctx, `SELECT ao.action_id, o.id, o.locality_id, o.name, o.kind, o.website, o.description
		FROM action_organisations ao JOIN organisations o ON o.id = ao.organisation_id WHERE o.locality_id = $1 ORDER BY o.name`, localityID)
	if err != nil {
		return fmt.Errorf("sqlstore: action organisations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var aid int64
		var o ortsplan.Organisation
		if err := rows.Scan(&aid, &o.ID, &o.LocalityID, &o.Name, &o.Kind, &o.Website, &o.Description); err != nil {
			return dbErr("action organisations", err)
		}
		if a := byID[aid]; a != nil {
			a.Organisations = append(a.Organisations, &o)
		}
	}
	return rows.Err()
}

// linkOrganisations links exactly a.Organisations (by id, of the action's
// locality) to the action in tx, and records the change when there is one.
func (db *DB) linkOrganisations(ctx context.Context, tx *sql.Tx, now time.Time, localityID int64, a *ortsplan.Action) error {
	rows, err := tx.QueryContext(ctx, "SELECT organisation_id FROM action_organisations WHERE action_id = $1 ORDER BY organisation_id", a.ID)
	if err != nil {
		return dbErr("read action organisations", err)
	}
	var old []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return dbErr("read action organisations", err)
		}
		old = append(old, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("read action organisations", err)
	}
	var ids []int64
	for _, o := range a.Organisations {
		if o != nil && !slices.Contains(ids, o.ID) {
			ids = append(ids, o.ID)
		}
	}
	slices.Sort(ids)
	if slices.Equal(old, ids) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM action_organisations WHERE action_id = $1", a.ID); err != nil {
		return dbErr("clear action organisations", err)
	}
	var names []string
	for _, id := range ids {
		var name string
		err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE id = $1 AND locality_id = $2", id, localityID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return ortsplan.FieldError("organisations", "error.choose_from_list")
		} else if err != nil {
			return dbErr("action organisation", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO action_organisations (action_id, organisation_id) VALUES ($1, $2)", a.ID, id); err != nil {
			return dbErr("link action organisation", err)
		}
		names = append(names, name)
	}
	return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "action", EntityID: a.ID, Action: "organisations",
		Title: a.Title, Changes: []ortsplan.FieldChange{{Field: "organisations", To: strings.Join(names, ", ")}}})
}

// sameAction reports whether an edit changes none of the action's own fields.
func sameAction(old, a *ortsplan.Action) bool {
	return old.ThemeID == a.ThemeID && old.ParentID == a.ParentID && old.Title == a.Title && old.Description == a.Description &&
		old.ResponsibleKind == a.ResponsibleKind && old.ResponsibleName == a.ResponsibleName &&
		old.ResponsibleDepartment == a.ResponsibleDepartment && old.Priority == a.Priority && old.Start.Equal(a.Start) &&
		old.End.Equal(a.End) && old.Status == a.Status && old.Progress == a.Progress && old.Weight == a.Weight &&
		old.Funding == a.Funding && placeText(old.Place) == placeText(a.Place)
}
