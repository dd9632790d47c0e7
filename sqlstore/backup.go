package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose own tools
// (pg_dump, pg_restore) make consistent online copies; see the README.
var ErrBackupPostgres = errors.New("sqlstore: back up PostgreSQL with pg_dump (see the README, \"Säkerhetskopior\"); ortsplan backup copies SQLite databases")

// Backup writes a consistent copy of the SQLite database to path, which must
// not exist, while the database stays in use: VACUUM INTO reads one snapshot
// and writes a compact file without a write-ahead log. The copy is checked
// before Backup returns; a copy that fails the check is removed.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqlstore: backup: %s already exists", path)
	}
	if _, err := db.db.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	if err := CheckSQLiteFile(ctx, path); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// CheckSQLiteFile opens the SQLite file at path read-only and runs SQLite's
// integrity check and a read of the schema version; a torn or foreign file
// gives an error.
func CheckSQLiteFile(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlstore: check %s: %w", path, err)
	}
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("sqlstore: check %s: %w", path, err)
	}
	defer c.Close()
	var result string
	if err := c.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return fmt.Errorf("sqlstore: check %s: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("sqlstore: check %s: integrity check says %q", path, result)
	}
	var v int
	if err := c.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return fmt.Errorf("sqlstore: check %s: not an Ortsplan database: %w", path, err)
	}
	if v == 0 {
		return fmt.Errorf("sqlstore: check %s: no schema version", path)
	}
	return nil
}
