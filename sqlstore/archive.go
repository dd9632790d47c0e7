package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// Archiving never deletes: the row keeps its place in the database with
// archived_at, archived_by and archive_reason (migration 0017), every query
// that shows it leaves it out, triggers take it out of search, and a
// revision records it with the reason. The right is the acting account's to
// edit the locality of the row as stored, read in the same transaction; the
// row's update and the revision move the change counters on (migration 0011).

// archiveRow archives one row of table (themes, actions, meetings or
// meeting_files) that is not archived yet and writes its revision.
func (db *DB) archiveRow(ctx context.Context, tx *sql.Tx, now time.Time, table, kind string, id, localityID int64, title, reason string) error {
	res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET archived_at = $1, archived_by = $2, archive_reason = $3 WHERE id = $4 AND archived_at IS NULL",
		now, actorArg(ctx), reason, id)
	if err != nil {
		return dbErr("archive "+kind, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbErr("archive "+kind, err)
	} else if n != 1 {
		return &ortsplan.Error{Code: ortsplan.ECONFLICT, Key: "archive.already"}
	}
	return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: kind, EntityID: id, Action: "archived", Title: title,
		Changes: []ortsplan.FieldChange{{Field: "archive_reason", To: reason}}})
}

// archiveActions archives the live actions ortsplan.ArchiveCascade names
// for a theme (actionID 0) or an action.
func (db *DB) archiveActions(ctx context.Context, tx *sql.Tx, now time.Time, localityID, themeID, actionID int64, reason string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, theme_id, COALESCE(parent_id, 0), archived_at IS NOT NULL, title FROM actions
		WHERE locality_id = $1 ORDER BY position, id`, localityID)
	if err != nil {
		return dbErr("actions to archive", err)
	}
	var nodes []ortsplan.ArchiveNode
	titles := map[int64]string{}
	for rows.Next() {
		var n ortsplan.ArchiveNode
		var title string
		if err := rows.Scan(&n.ID, &n.ThemeID, &n.ParentID, &n.Archived, &title); err != nil {
			rows.Close()
			return dbErr("actions to archive", err)
		}
		nodes = append(nodes, n)
		titles[n.ID] = title
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("actions to archive", err)
	}
	for _, id := range ortsplan.ArchiveCascade(themeID, actionID, nodes) {
		if err := db.archiveRow(ctx, tx, now, "actions", "action", id, localityID, titles[id], reason); err != nil {
			return err
		}
	}
	return nil
}

// ArchiveTheme archives a focus area with all its live actions and
// sub-actions, each with the reason.
func (db *DB) ArchiveTheme(ctx context.Context, themeID int64, reason string) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "archive theme", "SELECT locality_id FROM themes WHERE id = $1", themeID)
		if err != nil {
			return err
		}
		var title string
		var archived bool
		if err := tx.QueryRowContext(ctx, "SELECT title, archived_at IS NOT NULL FROM themes WHERE id = $1", themeID).Scan(&title, &archived); err != nil {
			return notFound(err, "archive theme")
		}
		if reason, err = ortsplan.CheckArchive(archived, reason); err != nil {
			return err
		}
		if err := db.archiveRow(ctx, tx, now, "themes", "theme", themeID, localityID, title, reason); err != nil {
			return err
		}
		return db.archiveActions(ctx, tx, now, localityID, themeID, 0, reason)
	})
}

// ArchiveAction archives an action with its live sub-actions.
func (db *DB) ArchiveAction(ctx context.Context, actionID int64, reason string) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "archive action", "SELECT locality_id FROM actions WHERE id = $1", actionID)
		if err != nil {
			return err
		}
		var title string
		var themeID int64
		var archived bool
		if err := tx.QueryRowContext(ctx, "SELECT title, theme_id, archived_at IS NOT NULL FROM actions WHERE id = $1", actionID).Scan(&title, &themeID, &archived); err != nil {
			return notFound(err, "archive action")
		}
		if reason, err = ortsplan.CheckArchive(archived, reason); err != nil {
			return err
		}
		if err := db.archiveRow(ctx, tx, now, "actions", "action", actionID, localityID, title, reason); err != nil {
			return err
		}
		return db.archiveActions(ctx, tx, now, localityID, themeID, actionID, reason)
	})
}

// ArchiveMeeting archives a meeting; its files, registrations and calendar
// entries go with it from every public list.
func (db *DB) ArchiveMeeting(ctx context.Context, meetingID int64, reason string) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "archive meeting", "SELECT locality_id FROM meetings WHERE id = $1", meetingID)
		if err != nil {
			return err
		}
		var title string
		var archived bool
		if err := tx.QueryRowContext(ctx, "SELECT title, archived_at IS NOT NULL FROM meetings WHERE id = $1", meetingID).Scan(&title, &archived); err != nil {
			return notFound(err, "archive meeting")
		}
		if reason, err = ortsplan.CheckArchive(archived, reason); err != nil {
			return err
		}
		return db.archiveRow(ctx, tx, now, "meetings", "meeting", meetingID, localityID, title, reason)
	})
}

const fileLocality = "SELECT m.locality_id FROM meeting_files f JOIN meetings m ON m.id = f.meeting_id WHERE f.id = $1"

// ArchiveMeetingFile archives a meeting's photo or document; it returns the
// meeting the file belongs to, as stored.
func (db *DB) ArchiveMeetingFile(ctx context.Context, fileID int64, reason string) (int64, error) {
	now := db.now()
	var meetingID int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "archive file", fileLocality, fileID)
		if err != nil {
			return err
		}
		var kind, title, alt string
		var archived bool
		if err := tx.QueryRowContext(ctx, "SELECT meeting_id, kind, title, alt, archived_at IS NOT NULL FROM meeting_files WHERE id = $1",
			fileID).Scan(&meetingID, &kind, &title, &alt, &archived); err != nil {
			return notFound(err, "archive file")
		}
		if reason, err = ortsplan.CheckArchive(archived, reason); err != nil {
			return err
		}
		return db.archiveRow(ctx, tx, now, "meeting_files", "file", fileID, localityID, fileName(kind, title, alt), reason)
	})
	return meetingID, err
}

// fileName names a file in the history: a document by its title, a photo by its alt text.
func fileName(kind, title, alt string) string {
	if kind == ortsplan.FilePhoto && strings.TrimSpace(title) == "" {
		return alt
	}
	return title
}

// UpdateMeetingFile changes a live file's title and (for a photo) alt text,
// checked as on upload; f.ID names the file, and f.MeetingID and f.Kind are
// set from the stored row. The change is recorded in the history.
func (db *DB) UpdateMeetingFile(ctx context.Context, f *ortsplan.MeetingFile) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		localityID, err := mayEditRow(ctx, tx, "update file", fileLocality+" AND f.archived_at IS NULL", f.ID)
		if err != nil {
			return err
		}
		var oldTitle, oldAlt string
		if err := tx.QueryRowContext(ctx, "SELECT meeting_id, kind, title, alt FROM meeting_files WHERE id = $1", f.ID).Scan(&f.MeetingID, &f.Kind,
			&oldTitle, &oldAlt); err != nil {
			return notFound(err, "update file")
		}
		if f.Kind != ortsplan.FilePhoto {
			f.Alt = oldAlt
		}
		if err := f.Validate(); err != nil {
			return err
		}
		ch := changes("file_title", oldTitle, f.Title, "alt", oldAlt, f.Alt)
		if len(ch) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE meeting_files SET title = $1, alt = $2 WHERE id = $3", f.Title, f.Alt, f.ID); err != nil {
			return dbErr("update file", err)
		}
		if err := audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "file:update", fmt.Sprint(f.MeetingID), fmt.Sprint(f.ID)); err != nil {
			return err
		}
		return db.revise(ctx, tx, now, ortsplan.Revision{LocalityID: localityID, Kind: "file", EntityID: f.ID, Action: "updated",
			Title: fileName(f.Kind, f.Title, f.Alt), Changes: ch})
	})
}

// ArchivedItems lists the locality's archived focus areas, actions,
// meetings and files, newest first (the latest MaxArchivedItems), for those
// who may edit the locality.
func (db *DB) ArchivedItems(ctx context.Context, localityID int64) ([]*ortsplan.ArchivedItem, error) {
	if err := db.mayRead(ctx, localityID); err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, `SELECT x.kind, x.id, x.meeting_id, x.title, x.archived_at, COALESCE(x.archived_by, 0), x.archive_reason, COALESCE(u.name, '')
		FROM (
			SELECT 'theme' AS kind, id, 0 AS meeting_id, title, archived_at, archived_by, archive_reason FROM themes WHERE locality_id = $1 AND archived_at IS NOT NULL
			UNION ALL SELECT 'action', id, 0, title, archived_at, archived_by, archive_reason FROM actions WHERE locality_id = $1 AND archived_at IS NOT NULL
			UNION ALL SELECT 'meeting', id, 0, title, archived_at, archived_by, archive_reason FROM meetings WHERE locality_id = $1 AND archived_at IS NOT NULL
			UNION ALL SELECT 'file', f.id, f.meeting_id, CASE WHEN f.kind = 'photo' AND f.title = '' THEN f.alt ELSE f.title END, f.archived_at, f.archived_by, f.archive_reason
				FROM meeting_files f JOIN meetings m ON m.id = f.meeting_id WHERE m.locality_id = $1 AND f.archived_at IS NOT NULL
		) x LEFT JOIN users u ON u.id = x.archived_by
		ORDER BY x.archived_at DESC, x.kind, x.id LIMIT $2`, localityID, ortsplan.MaxArchivedItems)
	if err != nil {
		return nil, dbErr("archived items", err)
	}
	defer rows.Close()
	var out []*ortsplan.ArchivedItem
	for rows.Next() {
		var it ortsplan.ArchivedItem
		if err := rows.Scan(&it.Kind, &it.ID, &it.MeetingID, &it.Title, &it.At, &it.By, &it.Reason, &it.ByName); err != nil {
			return nil, dbErr("archived items", err)
		}
		out = append(out, &it)
	}
	return out, rows.Err()
}
