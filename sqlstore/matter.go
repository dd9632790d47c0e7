package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ortsplan/ortsplan"
)

// The locality, group and action names are read by key for each matter
// rather than joined, so a list walks its index in order on both engines.
const matterColumns = `m.id, m.locality_id, COALESCE(m.group_id, 0), COALESCE(m.action_id, 0), m.title, m.body, m.recipient, m.sent_on,
	m.answer, m.answered_on, m.status, m.reference, m.published_at, m.version, m.created_at, m.updated_at,
	(SELECT l.slug FROM localities l WHERE l.id = m.locality_id), (SELECT l.name FROM localities l WHERE l.id = m.locality_id),
	COALESCE((SELECT g.name FROM working_groups g WHERE g.id = m.group_id), ''), COALESCE((SELECT a.title FROM actions a WHERE a.id = m.action_id), '')`

const matterFrom = ` FROM matters m`

func scanMatter(row interface{ Scan(...any) error }) (*ortsplan.Matter, error) {
	var m ortsplan.Matter
	var published sql.NullTime
	err := row.Scan(&m.ID, &m.LocalityID, &m.GroupID, &m.ActionID, &m.Title, &m.Body, &m.Recipient, dateCol{&m.SentOn},
		&m.Answer, dateCol{&m.AnsweredOn}, &m.Status, &m.Reference, &published, &m.Version, &m.CreatedAt, &m.UpdatedAt,
		&m.LocalitySlug, &m.LocalityName, &m.GroupName, &m.ActionTitle)
	if published.Valid {
		m.PublishedAt = published.Time
	}
	return &m, err
}

// SaveMatter creates a matter in m.LocalityID (ID 0) or updates one where
// it is, refusing a stale version and a status the rule does not allow
// (ortsplan.MatterTransition). The group and action must be the locality's.
func (db *DB) SaveMatter(ctx context.Context, m *ortsplan.Matter) error {
	if err := m.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if m.ID == 0 {
			if err := lockLocality(ctx, tx, m.LocalityID); err != nil {
				return err
			}
		} else {
			localityID, err := mayEditRow(ctx, tx, "save matter", "SELECT locality_id FROM matters WHERE id = $1", m.ID)
			if err != nil {
				return err
			}
			m.LocalityID = localityID // a matter stays where it is
			var old ortsplan.MatterStatus
			if err := tx.QueryRowContext(ctx, "SELECT status FROM matters WHERE id = $1", m.ID).Scan(&old); err != nil {
				return notFound(err, "save matter")
			}
			if !ortsplan.MatterTransition(old, m.Status) {
				return ortsplan.FieldError("status", "matter.transition_invalid")
			}
		}
		group, err := ownRow(ctx, tx, "SELECT locality_id FROM working_groups WHERE id = $1", m.GroupID, m.LocalityID, "group")
		if err != nil {
			return err
		}
		action, err := ownRow(ctx, tx, "SELECT locality_id FROM actions WHERE id = $1 AND archived_at IS NULL", m.ActionID, m.LocalityID, "action")
		if err != nil {
			return err
		}
		if m.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO matters (locality_id, group_id, action_id, title, body, recipient, sent_on, answer,
				answered_on, status, reference, version, actor_id, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $13) RETURNING id`,
				m.LocalityID, group, action, m.Title, m.Body, m.Recipient, dateArg(m.SentOn), m.Answer, dateArg(m.AnsweredOn),
				string(m.Status), m.Reference, actorArg(ctx), now).Scan(&m.ID)
			if err != nil {
				return dbErr("insert matter", err)
			}
			m.Version, m.CreatedAt, m.UpdatedAt = 1, now, now
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE matters SET group_id = $1, action_id = $2, title = $3, body = $4, recipient = $5, sent_on = $6,
			answer = $7, answered_on = $8, status = $9, reference = $10, version = version + 1, updated_at = $11 WHERE id = $12 AND version = $13`,
			group, action, m.Title, m.Body, m.Recipient, dateArg(m.SentOn), m.Answer, dateArg(m.AnsweredOn), string(m.Status), m.Reference,
			now, m.ID, m.Version)
		if err := mustAffect(res, err, "update matter"); err != nil {
			return err
		}
		m.Version++
		m.UpdatedAt = now
		return nil
	})
}

// ownRow checks that the optional row id (0 for none) belongs to the
// locality, returning it as a column value (NULL for none); a row of another
// locality, or none, is a field error.
func ownRow(ctx context.Context, tx *sql.Tx, query string, id, localityID int64, field string) (any, error) {
	if id == 0 {
		return nil, nil
	}
	var loc int64
	err := tx.QueryRowContext(ctx, query, id).Scan(&loc)
	if errors.Is(err, sql.ErrNoRows) || err == nil && loc != localityID {
		return nil, ortsplan.FieldError(field, "error.choose_from_list")
	} else if err != nil {
		return nil, dbErr("matter "+field, err)
	}
	return id, nil
}

// PublishMatter makes a matter public, once its text has been reviewed.
func (db *DB) PublishMatter(ctx context.Context, id int64) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := mayEditRow(ctx, tx, "publish matter", "SELECT locality_id FROM matters WHERE id = $1", id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE matters SET published_at = $1 WHERE id = $2 AND published_at IS NULL", now, id)
		return dbErr("publish matter", err)
	})
}

// FindMatter returns a matter; an unpublished one only to staff who may
// edit its locality (ENOTFOUND to everyone else).
func (db *DB) FindMatter(ctx context.Context, id int64) (*ortsplan.Matter, error) {
	m, err := scanMatter(db.db.QueryRowContext(ctx, "SELECT "+matterColumns+matterFrom+" WHERE m.id = $1", id))
	if err != nil {
		return nil, notFound(err, "find matter")
	}
	if !m.Published() {
		if ok, err := db.canRead(ctx, m.LocalityID); err != nil {
			return nil, err
		} else if !ok {
			return nil, notFound(sql.ErrNoRows, "find matter")
		}
	}
	return m, nil
}

// matterWhere builds a list's conditions: the filter, and what the acting
// account may see (published matters, and for staff the unpublished ones of
// the localities they may edit).
func (db *DB) matterWhere(ctx context.Context, f ortsplan.MatterFilter) (*whereArgs, error) {
	w := &whereArgs{}
	if f.LocalityID > 0 {
		w.add("m.locality_id = ?", f.LocalityID)
	}
	if f.Status != "" {
		w.add("m.status = ?", string(f.Status))
	}
	if ortsplan.UserFromContext(ctx) == nil && !ortsplan.IsSystem(ctx) {
		w.add("m.published_at IS NOT NULL")
		return w, nil
	}
	u, err := actorFor(ctx, db.db)
	if ortsplan.ErrorCode(err) == ortsplan.EUNAUTHORIZED {
		w.add("m.published_at IS NOT NULL")
		return w, nil
	} else if err != nil {
		return nil, err
	}
	all, ids := u.EditableLocalities()
	switch {
	case all:
	case len(ids) == 0:
		w.add("m.published_at IS NOT NULL")
	default:
		vs := make([]any, len(ids))
		marks := ""
		for i, id := range ids {
			vs[i] = id
			if i > 0 {
				marks += ", "
			}
			marks += "?"
		}
		w.add("(m.published_at IS NOT NULL OR m.locality_id IN ("+marks+"))", vs...)
	}
	return w, nil
}

// Matters lists a page of matters, the latest sent first.
func (db *DB) Matters(ctx context.Context, f ortsplan.MatterFilter) ([]*ortsplan.Matter, bool, error) {
	w, err := db.matterWhere(ctx, f)
	if err != nil {
		return nil, false, err
	}
	out, err := db.matterRows(ctx, "SELECT "+matterColumns+matterFrom+w.sql()+matterListOrder(f.Page), w.args...)
	if err != nil {
		return nil, false, err
	}
	more := len(out) > ortsplan.MatterPageSize
	return out[:min(len(out), ortsplan.MatterPageSize)], more, nil
}

func (db *DB) matterRows(ctx context.Context, query string, args ...any) ([]*ortsplan.Matter, error) {
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr("matters", err)
	}
	defer rows.Close()
	var out []*ortsplan.Matter
	for rows.Next() {
		m, err := scanMatter(rows)
		if err != nil {
			return nil, dbErr("matters", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountMatters counts the matters a list shows, by status.
func (db *DB) CountMatters(ctx context.Context, f ortsplan.MatterFilter) (*ortsplan.MatterCount, error) {
	w, err := db.matterWhere(ctx, f)
	if err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, "SELECT m.status, COUNT(*) FROM matters m"+w.sql()+" GROUP BY m.status", w.args...)
	if err != nil {
		return nil, dbErr("count matters", err)
	}
	defer rows.Close()
	c := &ortsplan.MatterCount{ByStatus: map[ortsplan.MatterStatus]int{}}
	for rows.Next() {
		var st ortsplan.MatterStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, dbErr("count matters", err)
		}
		c.ByStatus[st] = n
		c.Total += n
	}
	c.Waiting = c.ByStatus[ortsplan.MatterSent]
	return c, rows.Err()
}

// overdueMatterWhere is ortsplan.MatterOverdue as a condition: sent, without
// an answer, sent on or before $1 (ortsplan.MatterOverdueSince).
const overdueMatterWhere = `m.status = 'skickat' AND m.answered_on IS NULL AND m.sent_on <= $1`

// OverdueMatters lists the matters the acting staff member works on that
// have waited ortsplan.MatterAnswerDays or more, the longest waiting first.
func (db *DB) OverdueMatters(ctx context.Context, f ortsplan.WorkFilter) ([]*ortsplan.Matter, bool, error) {
	cond, args, none, err := db.workScope(ctx, "m.locality_id", f.LocalityID, 2)
	if err != nil || none {
		return nil, false, err
	}
	out, err := db.matterRows(ctx, "SELECT "+matterColumns+matterFrom+" WHERE "+overdueMatterWhere+" AND "+cond+" ORDER BY m.sent_on, m.id"+workPage(f),
		append([]any{dateArg(ortsplan.MatterOverdueSince(db.now()))}, args...)...)
	if err != nil {
		return nil, false, err
	}
	more := len(out) > ortsplan.WorkPageSize
	return out[:min(len(out), ortsplan.WorkPageSize)], more, nil
}

// MatterRecipients returns up to 50 recipients typed before, in order.
func (db *DB) MatterRecipients(ctx context.Context) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT DISTINCT recipient FROM matters ORDER BY recipient LIMIT 50")
	if err != nil {
		return nil, dbErr("matter recipients", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, dbErr("matter recipients", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// MatterPage returns a page of published matters for the open data, newest
// first by id.
func (db *DB) MatterPage(ctx context.Context, q ortsplan.MatterPageQuery) ([]*ortsplan.Matter, error) {
	query, args := matterPageSQL(q)
	return db.matterRows(ctx, query, args...)
}

// matterPageSQL is MatterPage's query.
func matterPageSQL(q ortsplan.MatterPageQuery) (string, []any) {
	w := &whereArgs{}
	w.add("m.published_at IS NOT NULL")
	if q.LocalityID > 0 {
		w.add("m.locality_id = ?", q.LocalityID)
	}
	if q.Status != "" {
		w.add("m.status = ?", string(q.Status))
	}
	if q.AfterID > 0 {
		w.add("m.id < ?", q.AfterID)
	}
	return "SELECT " + matterColumns + matterFrom + w.sql() + fmt.Sprintf(" ORDER BY m.id DESC LIMIT %d", pageLimit(q.Limit)), w.args
}

// matterListSQL is the query of a page of a matter list (Matters), for
// the list of every locality or of one, without the visibility condition
// that depends on who asks (a condition on the same rows).
func matterListSQL(localityID int64, page int) (string, []any) {
	w := &whereArgs{}
	w.add("m.published_at IS NOT NULL")
	if localityID > 0 {
		w.add("m.locality_id = ?", localityID)
	}
	return "SELECT " + matterColumns + matterFrom + w.sql() + matterListOrder(page), w.args
}

func matterListOrder(page int) string {
	p := max(page, 1)
	return fmt.Sprintf(" ORDER BY m.sent_on DESC, m.id DESC LIMIT %d OFFSET %d", ortsplan.MatterPageSize+1, (p-1)*ortsplan.MatterPageSize)
}

var _ ortsplan.MatterService = (*DB)(nil)
