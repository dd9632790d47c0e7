package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ortsplan/ortsplan"
)

// Bulk runs fn in one transaction for loading many rows at once (the large
// demo data set), committing when fn returns nil. The SQL fn writes must suit
// both engines: $n placeholders do. Rows given explicit ids need FinishBulk.
// It writes past every rule and right, so only the system may call it.
func (db *DB) Bulk(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if !ortsplan.IsSystem(ctx) {
		return errForbidden
	}
	if err := db.tx(ctx, fn); err != nil {
		return fmt.Errorf("sqlstore: bulk load: %w", err)
	}
	return nil
}

// FinishBulk ends a bulk load: on PostgreSQL it moves the id sequence of each
// of tables (those the caller filled with explicit ids, which it alone knows)
// past the table's highest id, so later inserts without an id do not collide;
// SQLite needs nothing for that. On both it then refreshes the planner
// statistics of the whole database (ANALYZE).
func (db *DB) FinishBulk(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		if !isIdentifier(t) {
			return fmt.Errorf("sqlstore: finish bulk load: %q is not a table name", t)
		}
	}
	if db.Dialect == Postgres {
		for _, t := range tables {
			// setval's third argument false makes MAX(id)+1 the next value handed out.
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)", t)
			var next sql.NullInt64
			if err := db.db.QueryRowContext(ctx, q, t).Scan(&next); err != nil {
				return fmt.Errorf("sqlstore: finish bulk load: sequence of %s: %w", t, err)
			}
			if !next.Valid {
				return fmt.Errorf("sqlstore: finish bulk load: %s.id has no sequence", t)
			}
		}
	}
	if _, err := db.db.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("sqlstore: finish bulk load: analyze: %w", err)
	}
	return nil
}

// isIdentifier reports whether s is a plain lower-case SQL name, safe to put
// into a statement unquoted.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
