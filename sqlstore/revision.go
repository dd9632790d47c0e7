package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ortsplan/ortsplan"
)

// revise writes an immutable revision in the caller's transaction. The actor
// comes from the context.
func (db *DB) revise(ctx context.Context, tx *sql.Tx, now time.Time, r ortsplan.Revision) error {
	changes := r.Changes
	if changes == nil {
		changes = []ortsplan.FieldChange{}
	}
	cj, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	// A text-bearing change stores its text even when empty (a cleared text is
	// a version too); other changes (moves, pictures, links) store none.
	var body any
	textKind := r.Kind == "locality" || r.Kind == "vision" || r.Kind == "action" || r.Kind == "theme" || r.Kind == "swot" || r.Kind == "history_text"
	textAction := r.Action == "created" || r.Action == "updated" || r.Action == "adopted"
	if r.Body != "" || (textKind && textAction) {
		body = r.Body
	}
	actor := actorArg(ctx)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO revisions (locality_id, kind, entity_id, action, title, body, changes, draft, actor_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		r.LocalityID, r.Kind, r.EntityID, r.Action, r.Title, body, string(cj), r.Draft, actor, now).Scan(&id)
	if err != nil {
		return fmt.Errorf("sqlstore: write revision: %w", err)
	}
	if r.Draft {
		return nil
	}
	// Followers hear of every public change; the news e-mail gathers them.
	var slug, name string
	if err := tx.QueryRowContext(ctx, "SELECT slug, name FROM localities WHERE id = $1", r.LocalityID).Scan(&slug, &name); err != nil {
		return fmt.Errorf("sqlstore: revision locality: %w", err)
	}
	title := r.Title
	if title == "" {
		title = name
	}
	return db.notifyFollowers(ctx, tx, r.LocalityID, "plan_changed", title, db.baseURL()+"/orter/"+slug+"/historik/"+fmt.Sprint(id))
}

const revisionColumns = `r.id, r.locality_id, r.kind, r.entity_id, r.action, r.title, COALESCE(r.body, ''), r.body IS NOT NULL, r.changes,
	r.draft, COALESCE(u.name, ''), r.created_at`

func scanRevision(row interface{ Scan(...any) error }) (*ortsplan.Revision, error) {
	var r ortsplan.Revision
	var changes string
	if err := row.Scan(&r.ID, &r.LocalityID, &r.Kind, &r.EntityID, &r.Action, &r.Title, &r.Body, &r.HasText, &changes, &r.Draft, &r.ActorName, &r.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(changes), &r.Changes); err != nil {
		return nil, fmt.Errorf("sqlstore: revision %d changes: %w", r.ID, err)
	}
	return &r, nil
}

// Revisions lists a locality's revisions, newest first; revisions of drafts
// only for those who may edit the locality.
func (db *DB) Revisions(ctx context.Context, localityID int64) ([]*ortsplan.Revision, error) {
	drafts, err := db.canRead(ctx, localityID)
	if err != nil {
		return nil, err
	}
	where := ""
	if !drafts {
		where = " AND NOT r.draft"
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.actor_id
		WHERE r.locality_id = $1`+where+` ORDER BY r.created_at DESC, r.id DESC`, localityID)
	if err != nil {
		return nil, dbErr("list revisions", err)
	}
	defer rows.Close()
	var out []*ortsplan.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, dbErr("list revisions", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindRevision returns one revision of a locality; one of a draft only to
// those who may edit the locality.
func (db *DB) FindRevision(ctx context.Context, localityID, id int64) (*ortsplan.Revision, error) {
	r, err := scanRevision(db.db.QueryRowContext(ctx, "SELECT "+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.actor_id
		WHERE r.locality_id = $1 AND r.id = $2`, localityID, id))
	if err != nil {
		return nil, notFound(err, "find revision")
	}
	if r.Draft {
		if ok, err := db.canRead(ctx, localityID); err != nil {
			return nil, err
		} else if !ok {
			return nil, notFound(sql.ErrNoRows, "find revision")
		}
	}
	return r, nil
}

// LastChanged returns when the locality last changed, from its history.
func (db *DB) LastChanged(ctx context.Context, localityID int64) (time.Time, error) {
	var t time.Time
	err := db.db.QueryRowContext(ctx, "SELECT created_at FROM revisions WHERE locality_id = $1 ORDER BY created_at DESC LIMIT 1", localityID).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return t, dbErr("last changed", err)
}

// changes lists the fields whose values differ, in the order given.
func changes(pairs ...string) []ortsplan.FieldChange {
	var out []ortsplan.FieldChange
	for i := 0; i+2 < len(pairs); i += 3 {
		if pairs[i+1] != pairs[i+2] {
			out = append(out, ortsplan.FieldChange{Field: pairs[i], From: pairs[i+1], To: pairs[i+2]})
		}
	}
	return out
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

func conflict() error {
	return &ortsplan.Error{Code: ortsplan.ECONFLICT, Key: "error.conflict"}
}
