package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
)

// Facts, the history text and the SWOT of a locality (migration 0028). Each
// change checks the acting account's right to the locality of the row, read
// in the change's own transaction, and writes a revision there, so the
// history shows it and the locality's change counter moves.

var _ ortsplan.FactService = (*DB)(nil)

const factColumns = "id, locality_id, measure, label, year, value, source, updated_at"

// factsSQL is Facts' query.
var factsSQL = "SELECT " + factColumns + ` FROM locality_facts WHERE locality_id = $1
	ORDER BY measure, label, year LIMIT ` + strconv.Itoa(ortsplan.FactListLimit)

// swotSQL is SWOT's query.
var swotSQL = "SELECT " + swotColumns + swotFrom + ` WHERE s.locality_id = $1
	ORDER BY s.kind, s.position, s.id LIMIT ` + strconv.Itoa(ortsplan.SWOTListLimit)

func scanFacts(rows *sql.Rows, op string) ([]*ortsplan.Fact, error) {
	defer rows.Close()
	var out []*ortsplan.Fact
	for rows.Next() {
		var f ortsplan.Fact
		if err := rows.Scan(&f.ID, &f.LocalityID, &f.Measure, &f.Label, &f.Year, &f.Value, &f.Source, &f.UpdatedAt); err != nil {
			return nil, dbErr(op, err)
		}
		out = append(out, &f)
	}
	return out, dbErr(op, rows.Err())
}

// Facts lists a locality's facts by measure, label and year, at most
// ortsplan.FactListLimit.
func (db *DB) Facts(ctx context.Context, localityID int64) ([]*ortsplan.Fact, error) {
	rows, err := db.db.QueryContext(ctx, factsSQL, localityID)
	if err != nil {
		return nil, dbErr("facts", err)
	}
	return scanFacts(rows, "facts")
}

// FactPage lists a locality's facts by id after afterID, for the API.
func (db *DB) FactPage(ctx context.Context, localityID, afterID int64, limit int) ([]*ortsplan.Fact, error) {
	query, args := factPageSQL(localityID, afterID, limit)
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr("fact page", err)
	}
	return scanFacts(rows, "fact page")
}

func factPageSQL(localityID, afterID int64, limit int) (string, []any) {
	return "SELECT " + factColumns + " FROM locality_facts WHERE locality_id = $1 AND id > $2 ORDER BY id" +
		fmt.Sprintf(" LIMIT %d", pageLimit(limit)), []any{localityID, afterID}
}

// upsertFact stores one fact in tx, replacing the one of the same measure,
// label and year; it returns the value and source it had ("" and false when new).
func upsertFact(ctx context.Context, tx *sql.Tx, now time.Time, f *ortsplan.Fact) (old *ortsplan.Fact, err error) {
	var o ortsplan.Fact
	err = tx.QueryRowContext(ctx, `SELECT id, value, source FROM locality_facts WHERE locality_id = $1 AND measure = $2 AND label = $3 AND year = $4`,
		f.LocalityID, string(f.Measure), f.Label, f.Year).Scan(&o.ID, &o.Value, &o.Source)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO locality_facts (locality_id, measure, label, year, value, source, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, f.LocalityID, string(f.Measure), f.Label, f.Year, f.Value, f.Source, now).Scan(&f.ID)
		return nil, dbErr("insert fact", err)
	case err != nil:
		return nil, dbErr("read fact", err)
	}
	f.ID = o.ID
	if o.Value == f.Value && o.Source == f.Source {
		return &o, nil
	}
	_, err = tx.ExecContext(ctx, "UPDATE locality_facts SET value = $1, source = $2, updated_at = $3 WHERE id = $4", f.Value, f.Source, now, o.ID)
	return &o, dbErr("update fact", err)
}

func fmtValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// SaveFact stores one figure of f.LocalityID, replacing the one of the same
// measure, label and year.
func (db *DB) SaveFact(ctx context.Context, f *ortsplan.Fact) error {
	if err := f.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := lockLocality(ctx, tx, f.LocalityID); err != nil {
			return err
		}
		old, err := upsertFact(ctx, tx, now, f)
		if err != nil {
			return err
		}
		action, from, fromSource := "created", "", ""
		if old != nil {
			if old.Value == f.Value && old.Source == f.Source {
				return nil // saved unchanged
			}
			action, from, fromSource = "updated", fmtValue(old.Value), old.Source
		}
		f.UpdatedAt = now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: f.LocalityID, Kind: "fact", EntityID: f.ID, Action: action,
			Title: factTitle(f), Changes: changes("fact_value", from, fmtValue(f.Value), "fact_source", fromSource, f.Source)})
	})
}

// factTitle names a fact in the history: its label and year.
func factTitle(f *ortsplan.Fact) string {
	if f.Label == "" {
		return strconv.Itoa(f.Year)
	}
	return f.Label + " " + strconv.Itoa(f.Year)
}

// DeleteFact removes a figure; its revision keeps what it was.
func (db *DB) DeleteFact(ctx context.Context, id int64) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		loc, err := mayEditRow(ctx, tx, "delete fact", "SELECT locality_id FROM locality_facts WHERE id = $1", id)
		if err != nil {
			return err
		}
		var f ortsplan.Fact
		if err := tx.QueryRowContext(ctx, "SELECT measure, label, year, value, source FROM locality_facts WHERE id = $1", id).
			Scan(&f.Measure, &f.Label, &f.Year, &f.Value, &f.Source); err != nil {
			return notFound(err, "delete fact")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM locality_facts WHERE id = $1", id); err != nil {
			return dbErr("delete fact", err)
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: loc, Kind: "fact", EntityID: id, Action: "deleted",
			Title: factTitle(&f), Changes: changes("fact_measure", string(f.Measure), "", "fact_value", fmtValue(f.Value), "", "fact_source", f.Source, "")})
	})
}

// StoreFacts stores every fact of an import for the locality, or none: the
// facts are checked together first (each refusal names its line), the
// right is checked against the locality in the same transaction, and any
// failure rolls everything back. One revision records the import.
func (db *DB) StoreFacts(ctx context.Context, localityID int64, facts []*ortsplan.Fact) error {
	for _, f := range facts {
		f.LocalityID = localityID
	}
	if err := ortsplan.CheckFacts(facts); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := lockLocality(ctx, tx, localityID); err != nil {
			return err
		}
		added, changed := 0, 0
		measures := map[ortsplan.FactMeasure]bool{}
		for _, f := range facts {
			old, err := upsertFact(ctx, tx, now, f)
			if err != nil {
				return err
			}
			measures[f.Measure] = true
			switch {
			case old == nil:
				added++
			case old.Value != f.Value || old.Source != f.Source:
				changed++
			}
			f.UpdatedAt = now
		}
		if added+changed == 0 {
			return nil
		}
		var ms string
		for _, m := range ortsplan.FactMeasures {
			if measures[m] {
				if ms != "" {
					ms += ", "
				}
				ms += string(m)
			}
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "facts", EntityID: localityID, Action: "imported",
			Changes: []ortsplan.FieldChange{{Field: "fact_measure", To: ms}, {Field: "facts_added", To: strconv.Itoa(added)},
				{Field: "facts_changed", To: strconv.Itoa(changed)}}})
	})
}

// FindHistory returns the locality's history text; Version 0 and an empty
// body when it has none yet.
func (db *DB) FindHistory(ctx context.Context, localityID int64) (*ortsplan.LocalityHistory, error) {
	h := &ortsplan.LocalityHistory{LocalityID: localityID}
	err := db.db.QueryRowContext(ctx, "SELECT body, version, updated_at FROM locality_histories WHERE locality_id = $1", localityID).
		Scan(&h.Body, &h.Version, &h.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	return h, dbErr("find history text", err)
}

// SaveHistory creates (Version 0) or updates the history text, refusing a
// stale version; each version is a revision with the whole text, as the
// vision's are.
func (db *DB) SaveHistory(ctx context.Context, h *ortsplan.LocalityHistory) error {
	if err := h.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := lockLocality(ctx, tx, h.LocalityID); err != nil {
			return err
		}
		var old ortsplan.LocalityHistory
		err := tx.QueryRowContext(ctx, "SELECT body, version FROM locality_histories WHERE locality_id = $1", h.LocalityID).Scan(&old.Body, &old.Version)
		if err == nil && old.Version == h.Version && old.Body == h.Body {
			return nil
		}
		switch {
		case errors.Is(err, sql.ErrNoRows) && h.Version == 0:
			_, err = tx.ExecContext(ctx, "INSERT INTO locality_histories (locality_id, body, version, updated_at) VALUES ($1, $2, 1, $3)",
				h.LocalityID, h.Body, now)
			if err != nil {
				return dbErr("insert history text", err)
			}
		case errors.Is(err, sql.ErrNoRows):
			return conflict()
		case err != nil:
			return dbErr("read history text", err)
		default:
			res, err := tx.ExecContext(ctx, "UPDATE locality_histories SET body = $1, version = version + 1, updated_at = $2 WHERE locality_id = $3 AND version = $4",
				h.Body, now, h.LocalityID, h.Version)
			if err := mustAffect(res, err, "update history text"); err != nil {
				return err
			}
		}
		action := "updated"
		if old.Version == 0 {
			action = "created"
		}
		h.Version, h.UpdatedAt = old.Version+1, now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: h.LocalityID, Kind: "history_text", EntityID: h.LocalityID,
			Action: action, Body: h.Body})
	})
}

const swotColumns = `s.id, s.locality_id, s.kind, s.body, COALESCE(s.meeting_id, 0), s.source, s.position, s.updated_at,
	COALESCE(m.title, ''), m.starts_at`

const swotFrom = " FROM swot_items s LEFT JOIN meetings m ON m.id = s.meeting_id AND m.archived_at IS NULL"

func scanSWOT(rows *sql.Rows, op string) ([]*ortsplan.SWOTItem, error) {
	defer rows.Close()
	var out []*ortsplan.SWOTItem
	for rows.Next() {
		var it ortsplan.SWOTItem
		var starts sql.NullTime
		if err := rows.Scan(&it.ID, &it.LocalityID, &it.Kind, &it.Text, &it.MeetingID, &it.Source, &it.Position, &it.UpdatedAt,
			&it.MeetingTitle, &starts); err != nil {
			return nil, dbErr(op, err)
		}
		if starts.Valid {
			it.MeetingDate = starts.Time
		} else {
			it.MeetingID = 0 // an archived meeting is no longer linked to
		}
		out = append(out, &it)
	}
	return out, dbErr(op, rows.Err())
}

// SWOT lists a locality's SWOT items by quadrant and position, at most
// ortsplan.SWOTListLimit.
func (db *DB) SWOT(ctx context.Context, localityID int64) ([]*ortsplan.SWOTItem, error) {
	rows, err := db.db.QueryContext(ctx, swotSQL, localityID)
	if err != nil {
		return nil, dbErr("swot", err)
	}
	return scanSWOT(rows, "swot")
}

// SWOTPage lists SWOT items by id after afterID, of one locality or (0) all.
func (db *DB) SWOTPage(ctx context.Context, localityID, afterID int64, limit int) ([]*ortsplan.SWOTItem, error) {
	query, args := swotPageSQL(localityID, afterID, limit)
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr("swot page", err)
	}
	return scanSWOT(rows, "swot page")
}

func swotPageSQL(localityID, afterID int64, limit int) (string, []any) {
	where, args := " WHERE s.id > $1", []any{afterID}
	if localityID > 0 {
		where, args = " WHERE s.locality_id = $1 AND s.id > $2", []any{localityID, afterID}
	}
	return "SELECT " + swotColumns + swotFrom + where + " ORDER BY s.id" + fmt.Sprintf(" LIMIT %d", pageLimit(limit)), args
}

// swotMeeting checks that a linked meeting belongs to the locality and
// returns its title.
func swotMeeting(ctx context.Context, tx *sql.Tx, localityID, meetingID int64) (string, error) {
	if meetingID == 0 {
		return "", nil
	}
	var title string
	err := tx.QueryRowContext(ctx, "SELECT title FROM meetings WHERE id = $1 AND locality_id = $2 AND archived_at IS NULL", meetingID, localityID).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ortsplan.FieldError("meeting", "error.choose_from_list")
	}
	return title, dbErr("swot meeting", err)
}

// SaveSWOTItem creates an item in it.LocalityID (ID 0) or changes one in its
// own locality (read from the row). A linked meeting must be the locality's.
func (db *DB) SaveSWOTItem(ctx context.Context, it *ortsplan.SWOTItem) error {
	if err := it.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old ortsplan.SWOTItem
		if it.ID == 0 {
			if err := lockLocality(ctx, tx, it.LocalityID); err != nil {
				return err
			}
		} else {
			loc, err := mayEditRow(ctx, tx, "update swot item", "SELECT locality_id FROM swot_items WHERE id = $1", it.ID)
			if err != nil {
				return err
			}
			it.LocalityID = loc
			if err := tx.QueryRowContext(ctx, "SELECT kind, body, COALESCE(meeting_id, 0), source, position FROM swot_items WHERE id = $1", it.ID).
				Scan(&old.Kind, &old.Text, &old.MeetingID, &old.Source, &old.Position); err != nil {
				return notFound(err, "update swot item")
			}
			if old.MeetingID > 0 {
				tx.QueryRowContext(ctx, "SELECT title FROM meetings WHERE id = $1", old.MeetingID).Scan(&old.MeetingTitle)
			}
		}
		title, err := swotMeeting(ctx, tx, it.LocalityID, it.MeetingID)
		if err != nil {
			return err
		}
		it.MeetingTitle = title
		var meeting any
		if it.MeetingID > 0 {
			meeting = it.MeetingID
		}
		action := "updated"
		if it.ID == 0 {
			action = "created"
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM swot_items WHERE locality_id = $1 AND kind = $2",
				it.LocalityID, string(it.Kind)).Scan(&it.Position); err != nil {
				return dbErr("swot position", err)
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO swot_items (locality_id, kind, body, meeting_id, source, position, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, it.LocalityID, string(it.Kind), it.Text, meeting, it.Source, it.Position, now).Scan(&it.ID)
			if err != nil {
				return dbErr("insert swot item", err)
			}
		} else {
			if old.Kind == it.Kind && old.Text == it.Text && old.MeetingID == it.MeetingID && old.Source == it.Source {
				return nil
			}
			it.Position = old.Position
			if old.Kind != it.Kind {
				if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM swot_items WHERE locality_id = $1 AND kind = $2",
					it.LocalityID, string(it.Kind)).Scan(&it.Position); err != nil {
					return dbErr("swot position", err)
				}
			}
			_, err := tx.ExecContext(ctx, "UPDATE swot_items SET kind = $1, body = $2, meeting_id = $3, source = $4, position = $5, updated_at = $6 WHERE id = $7",
				string(it.Kind), it.Text, meeting, it.Source, it.Position, now, it.ID)
			if err != nil {
				return dbErr("update swot item", err)
			}
		}
		it.UpdatedAt = now
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: it.LocalityID, Kind: "swot", EntityID: it.ID, Action: action,
			Title: swotTitle(it.Text), Body: it.Text, Changes: changes(
				"swot_kind", string(old.Kind), string(it.Kind),
				"swot_source", old.SourceText(), it.SourceText())})
	})
}

// swotTitle shortens an item's text for the history's list.
func swotTitle(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

// DeleteSWOTItem removes an item; its revision keeps the text and source.
func (db *DB) DeleteSWOTItem(ctx context.Context, id int64) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		loc, err := mayEditRow(ctx, tx, "delete swot item", "SELECT locality_id FROM swot_items WHERE id = $1", id)
		if err != nil {
			return err
		}
		var it ortsplan.SWOTItem
		if err := tx.QueryRowContext(ctx, "SELECT kind, body, COALESCE(meeting_id, 0), source FROM swot_items WHERE id = $1", id).
			Scan(&it.Kind, &it.Text, &it.MeetingID, &it.Source); err != nil {
			return notFound(err, "delete swot item")
		}
		if it.MeetingID > 0 {
			tx.QueryRowContext(ctx, "SELECT title FROM meetings WHERE id = $1", it.MeetingID).Scan(&it.MeetingTitle)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM swot_items WHERE id = $1", id); err != nil {
			return dbErr("delete swot item", err)
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: loc, Kind: "swot", EntityID: id, Action: "deleted",
			Title: swotTitle(it.Text), Changes: changes("swot_kind", string(it.Kind), "", "swot_source", it.SourceText(), "")})
	})
}
