package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ortsplan/ortsplan"
)

// ExportSignUps is SignUps for a download, written to the audit log.
func (db *DB) ExportSignUps(ctx context.Context, f ortsplan.SignUpFilter) ([]*ortsplan.SignUp, error) {
	u, err := actorFor(ctx, db.db)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, &ortsplan.Error{Code: ortsplan.EFORBIDDEN, Key: "error.forbidden", Err: fmt.Errorf("sqlstore: export sign-ups: not staff")}
	}
	list, err := db.SignUps(ctx, f)
	if err != nil {
		return nil, err
	}
	return list, db.logExport(ctx, "export:signups", "signups", fmt.Sprintf("%d rows, status %q, localities %v", len(list), f.Status, f.LocalityIDs))
}

// ExportRegistrations is Registrations for a download, written to the audit log.
func (db *DB) ExportRegistrations(ctx context.Context, meetingID int64) ([]*ortsplan.Registration, error) {
	list, err := db.Registrations(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	return list, db.logExport(ctx, "export:registrations", fmt.Sprint(meetingID), fmt.Sprintf("%d rows", len(list)))
}

func (db *DB) logExport(ctx context.Context, action, subject, detail string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return audit(ctx, tx, db.now(), ortsplan.UserIDFromContext(ctx), action, subject, detail)
	})
}

var _ ortsplan.ExportService = (*DB)(nil)
