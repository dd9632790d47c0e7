package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/ortsplan/ortsplan"
)

// AddMeetingFile records a stored photo or document.
func (db *DB) AddMeetingFile(ctx context.Context, f *ortsplan.MeetingFile) error {
	if err := f.Validate(); err != nil {
		return err
	}
	vj, err := json.Marshal(f.Variants)
	if err != nil {
		return err
	}
	now := db.nowFor(ctx)
	base := ""
	if len(f.Variants) > 0 {
		base = f.Variants[0].Key
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := mayEditRow(ctx, tx, "meeting for file", "SELECT locality_id FROM meetings WHERE id = $1 AND archived_at IS NULL", f.MeetingID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO meeting_files (meeting_id, kind, file_key, title, alt, width, height, size, variants, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			f.MeetingID, f.Kind, base, f.Title, f.Alt, f.Width, f.Height, f.Size, string(vj), now).Scan(&f.ID)
		if err != nil {
			return dbErr("insert meeting file", err)
		}
		f.CreatedAt = now
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "file:add", fmt.Sprint(f.MeetingID), f.Kind+" "+base)
	})
}

const fileColumns = "f.id, f.meeting_id, m.title, f.kind, f.title, f.alt, f.width, f.height, f.size, f.variants, f.created_at"

func scanFile(row interface{ Scan(...any) error }) (*ortsplan.MeetingFile, error) {
	var f ortsplan.MeetingFile
	var vj string
	if err := row.Scan(&f.ID, &f.MeetingID, &f.MeetingTitle, &f.Kind, &f.Title, &f.Alt, &f.Width, &f.Height, &f.Size, &vj, &f.CreatedAt); err != nil {
		return nil, dbErr("scan file", err)
	}
	if err := json.Unmarshal([]byte(vj), &f.Variants); err != nil {
		return nil, fmt.Errorf("sqlstore: file %d variants: %w", f.ID, err)
	}
	return &f, nil
}

// files lists live files of live meetings: cond is the rest of the WHERE
// clause and what follows it.
func (db *DB) files(ctx context.Context, cond string, args ...any) ([]*ortsplan.MeetingFile, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+fileColumns+` FROM meeting_files f JOIN meetings m ON m.id = f.meeting_id
		WHERE f.archived_at IS NULL AND m.archived_at IS NULL AND `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: files: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.MeetingFile
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// MeetingFiles lists a meeting's photos and documents in upload order: to
// everyone once its report is published, before that only to those who may
// edit its locality. Kept originals are only for those.
func (db *DB) MeetingFiles(ctx context.Context, meetingID int64) ([]*ortsplan.MeetingFile, error) {
	var localityID int64
	var published sql.NullTime
	err := db.db.QueryRowContext(ctx, "SELECT locality_id, report_published FROM meetings WHERE id = $1 AND archived_at IS NULL", meetingID).Scan(&localityID, &published)
	if err != nil {
		return nil, notFound(err, "meeting files")
	}
	editor, err := db.canRead(ctx, localityID)
	if err != nil {
		return nil, err
	}
	if !published.Valid && !editor {
		return nil, nil
	}
	fs, err := db.files(ctx, "f.meeting_id = $1 ORDER BY f.id", meetingID)
	if err != nil {
		return nil, err
	}
	if !editor {
		for _, f := range fs {
			f.Variants = f.Public()
		}
	}
	return fs, nil
}

// FindMeetingFile returns a file and its meeting, when the acting account
// may see it (see MeetingFiles); else ENOTFOUND.
func (db *DB) FindMeetingFile(ctx context.Context, id int64) (*ortsplan.MeetingFile, *ortsplan.Meeting, error) {
	fs, err := db.files(ctx, "f.id = $1", id)
	if err != nil {
		return nil, nil, err
	}
	if len(fs) == 0 {
		return nil, nil, notFound(sql.ErrNoRows, "find file")
	}
	m, err := db.FindMeeting(ctx, fs[0].MeetingID)
	if err != nil {
		return nil, nil, err
	}
	editor, err := db.canRead(ctx, m.LocalityID)
	if err != nil {
		return nil, nil, err
	}
	if !editor {
		if m.ReportPublished.IsZero() {
			return nil, nil, notFound(sql.ErrNoRows, "find file")
		}
		fs[0].Variants = fs[0].Public()
	}
	return fs[0], m, nil
}

// LocalityPhotos lists the public photos of a locality's meetings, newest meeting first.
func (db *DB) LocalityPhotos(ctx context.Context, localityID int64, limit int) ([]*ortsplan.MeetingFile, error) {
	if limit <= 0 {
		limit = 200
	}
	return db.files(ctx, fmt.Sprintf(`m.locality_id = $1 AND f.kind = 'photo' AND m.report_published IS NOT NULL
		ORDER BY m.starts_at DESC, f.id LIMIT %d`, limit), localityID)
}

var _ ortsplan.FileService = (*DB)(nil)
