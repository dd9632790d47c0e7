package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
)

// migrationLockKey is the PostgreSQL advisory lock that serialises migrations
// when several ortsplan processes start at once.
const migrationLockKey = 0x6f727473 // "orts"

// lockMigrations keeps two processes from migrating at the same time. SQLite
// needs nothing: each migration runs in an immediate (write-locked) transaction.
func (db *DB) lockMigrations(ctx context.Context) (func(), error) {
	if db.Dialect != Postgres {
		return func() {}, nil
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlstore: migration lock: %w", err)
	}
	return func() {
		conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLockKey)
		conn.Close()
	}, nil
}

// tryJobLock takes the named job's lock for the rest of the transaction and
// reports whether it got it. On PostgreSQL it is a transaction-level advisory
// lock, tried without waiting: when another process holds it, that process
// is doing the job, and this one passes. It is released at commit or
// rollback, and with the connection if a process dies. Work read after it
// sees everything the previous holder committed. SQLite needs no lock: its
// write transactions (BEGIN IMMEDIATE) already run one at a time.
func (db *DB) tryJobLock(ctx context.Context, tx *sql.Tx, name string) (bool, error) {
	if db.Dialect != Postgres {
		return true, nil
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	var got bool
	if err := tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1, $2)", int32(migrationLockKey), int32(h.Sum32())).Scan(&got); err != nil {
		return false, fmt.Errorf("sqlstore: lock job %s: %w", name, err)
	}
	return got, nil
}

// skipLocked is appended to a SELECT inside a transaction to lock the rows it
// returns and pass over rows other transactions hold (PostgreSQL). SQLite needs
// nothing: its write transactions (BEGIN IMMEDIATE) already run one at a time.
func (db *DB) skipLocked() string {
	if db.Dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// forUpdate is appended to a SELECT inside a transaction to lock the rows it
// returns until the transaction ends (PostgreSQL), so two transactions that
// read a count and write by it (such as confirming registrations for the same
// meeting) go one after the other. SQLite needs nothing, as above.
func (db *DB) forUpdate() string {
	if db.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}
