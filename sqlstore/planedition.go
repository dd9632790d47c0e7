package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
)

// MakeEdition freezes the locality's plan and vision as they stand into an
// immutable edition (revidering), in one transaction that checks the acting
// account's right to the locality, reads the plan, writes the edition, moves
// the plan's next review a year on and records the change in the history.
func (db *DB) MakeEdition(ctx context.Context, e *ortsplan.PlanEdition) error {
	if err := e.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := lockLocality(ctx, tx, e.LocalityID); err != nil {
			return err
		}
		var latest int
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(year), 0) FROM plan_editions WHERE locality_id = $1", e.LocalityID).Scan(&latest); err != nil {
			return dbErr("latest edition", err)
		}
		if err := ortsplan.CheckEditionYear(latest, e.Year); err != nil {
			return err
		}
		snap, err := planSnapshot(ctx, tx, e.LocalityID)
		if err != nil {
			return err
		}
		e.Snapshot, e.Counts = snap, snap.Counts()
		js, err := json.Marshal(snap)
		if err != nil {
			return fmt.Errorf("sqlstore: edition snapshot: %w", err)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO plan_editions (locality_id, year, decided_on, decided_by, decision_ref, note, snapshot,
			actions_total, actions_done, progress, actor_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			e.LocalityID, e.Year, dateArg(e.Decision.On), e.Decision.Body, e.Decision.Reference, e.Note, string(js),
			e.Counts.Total, e.Counts.Done, e.Counts.Progress, actorArg(ctx), now).Scan(&e.ID)
		if isUniqueViolation(err) {
			return ortsplan.FieldError("year", "edition.year_taken")
		} else if err != nil {
			return dbErr("insert edition", err)
		}
		e.CreatedAt = now
		// The live plan goes on as next year's working version: its next
		// review is a year after this decision.
		next := e.Decision.On.AddDate(1, 0, 0)
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET next_review = $1, version = version + 1, updated_at = $2 WHERE locality_id = $3`,
			dateArg(next), now, e.LocalityID); err != nil {
			return dbErr("plan next review", err)
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: e.LocalityID, Kind: "plan", EntityID: e.ID, Action: "revised",
			Title: strconv.Itoa(e.Year), Body: e.Note, Changes: changes(
				"decision_date", "", fmtDate(e.Decision.On),
				"decision_body", "", e.Decision.Body,
				"decision_reference", "", e.Decision.Reference,
				"next_review", "", fmtDate(next))})
	})
}

// planSnapshot reads the live plan (themes and actions not archived, in
// order) and the vision in q, and freezes them.
func planSnapshot(ctx context.Context, q querier, localityID int64) (*ortsplan.PlanSnapshot, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, title FROM themes WHERE locality_id = $1 AND archived_at IS NULL ORDER BY position, id`, localityID)
	if err != nil {
		return nil, dbErr("snapshot themes", err)
	}
	var themes []*ortsplan.Theme
	for rows.Next() {
		t := &ortsplan.Theme{LocalityID: localityID}
		if err := rows.Scan(&t.ID, &t.Title); err != nil {
			rows.Close()
			return nil, dbErr("snapshot themes", err)
		}
		themes = append(themes, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr("snapshot themes", err)
	}
	rows, err = q.QueryContext(ctx, "SELECT "+actionColumns+" FROM actions a WHERE a.locality_id = $1 AND a.archived_at IS NULL ORDER BY a.position, a.id", localityID)
	if err != nil {
		return nil, dbErr("snapshot actions", err)
	}
	var actions []*ortsplan.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			rows.Close()
			return nil, dbErr("snapshot actions", err)
		}
		actions = append(actions, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr("snapshot actions", err)
	}
	var vision *ortsplan.Vision
	var v ortsplan.Vision
	err = q.QueryRowContext(ctx, "SELECT title, body FROM visions WHERE locality_id = $1 AND status = $2", localityID,
		string(ortsplan.StatusAdopted)).Scan(&v.Title, &v.Body)
	switch {
	case err == nil:
		vision = &v
	case !errors.Is(err, sql.ErrNoRows):
		return nil, dbErr("snapshot vision", err)
	}
	return ortsplan.NewPlanSnapshot(&ortsplan.Plan{Themes: ortsplan.BuildTree(themes, actions)}, vision), nil
}

const editionColumns = `e.id, e.locality_id, e.year, e.decided_on, e.decided_by, e.decision_ref, e.note, e.snapshot,
	e.actions_total, e.actions_done, e.progress, COALESCE(u.name, ''), e.created_at`

func scanEdition(row interface{ Scan(...any) error }) (*ortsplan.PlanEdition, error) {
	var e ortsplan.PlanEdition
	var js string
	if err := row.Scan(&e.ID, &e.LocalityID, &e.Year, dateCol{&e.Decision.On}, &e.Decision.Body, &e.Decision.Reference, &e.Note, &js,
		&e.Counts.Total, &e.Counts.Done, &e.Counts.Progress, &e.ActorName, &e.CreatedAt); err != nil {
		return nil, err
	}
	e.Snapshot = &ortsplan.PlanSnapshot{}
	if err := json.Unmarshal([]byte(js), e.Snapshot); err != nil {
		return nil, fmt.Errorf("sqlstore: edition %d snapshot: %w", e.ID, err)
	}
	return &e, nil
}

// Editions lists the locality's editions, oldest first.
func (db *DB) Editions(ctx context.Context, localityID int64) ([]*ortsplan.PlanEdition, error) {
	return db.editions(ctx, "e.locality_id = $1 ORDER BY e.year", localityID)
}

func (db *DB) editions(ctx context.Context, where string, args ...any) ([]*ortsplan.PlanEdition, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+editionColumns+" FROM plan_editions e LEFT JOIN users u ON u.id = e.actor_id WHERE "+where, args...)
	if err != nil {
		return nil, dbErr("editions", err)
	}
	defer rows.Close()
	var out []*ortsplan.PlanEdition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, dbErr("editions", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindEdition returns the locality's edition of the year.
func (db *DB) FindEdition(ctx context.Context, localityID int64, year int) (*ortsplan.PlanEdition, error) {
	e, err := scanEdition(db.db.QueryRowContext(ctx, "SELECT "+editionColumns+` FROM plan_editions e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.locality_id = $1 AND e.year = $2`, localityID, year))
	if err != nil {
		return nil, notFound(err, "find edition")
	}
	return e, nil
}

// EditionPage returns a page of editions of every locality (or one) for the
// open data, by id.
func (db *DB) EditionPage(ctx context.Context, q ortsplan.EditionPageQuery) ([]*ortsplan.PlanEdition, error) {
	where, args := editionPageWhere(q)
	return db.editions(ctx, where, args...)
}

// editionPageWhere is EditionPage's condition and order.
func editionPageWhere(q ortsplan.EditionPageQuery) (string, []any) {
	w := &whereArgs{}
	w.add("TRUE")
	if q.LocalityID > 0 {
		w.add("e.locality_id = ?", q.LocalityID)
	}
	if q.AfterID > 0 {
		w.add("e.id > ?", q.AfterID)
	}
	return strings.Join(w.conds, " AND ") + fmt.Sprintf(" ORDER BY e.id LIMIT %d", pageLimit(q.Limit)), w.args
}

var _ ortsplan.EditionService = (*DB)(nil)
