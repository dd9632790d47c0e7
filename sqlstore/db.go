// Package sqlstore implements the ortsplan services on SQL: SQLite (embedded,
// pure Go) and PostgreSQL (pgx). Queries are shared; the few dialect differences
// live in dialect.go, search.go, bulk.go and the per-dialect migration files.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite", no cgo

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/cache"
)

// Dialect names a supported database engine.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open ortsplan database. It implements the ortsplan service interfaces.
type DB struct {
	// searchCap replaces ortsplan.SearchCap when set, for tests.
	searchCap int

	db      *sql.DB
	Dialect Dialect
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Composer writes the e-mails the store queues in the outbox; nil sends none.
	Composer ortsplan.Composer
	// PublicURL is the site's public address, for links in e-mails the store writes.
	PublicURL string
	// RequireVerifiedQuickfix lets only residents with a verified identity
	// (Resident.IdentityVerified) apply for quickfix grants, where the
	// municipality asks for that; any resident account otherwise.
	RequireVerifiedQuickfix bool

	// cache keeps values read under the change counters; see cache.go.
	cache *cache.Cache[cacheKey, any]
	// pageCounter is the prepared read of the page counter, which every
	// anonymous page request makes (cache.go).
	pageCounter *preparedRead
}

// preparedRead is a statement prepared on first use.
type preparedRead struct {
	once sync.Once
	stmt *sql.Stmt
	err  error
}

// DefaultSQLiteSynchronous is SQLite's synchronous setting: FULL syncs the
// write-ahead log at every commit, so a write that was acknowledged survives
// a power cut. It costs about 1 ms a commit against 0.2 ms for NORMAL (which
// may lose the last commits); see BenchmarkSQLiteCommit and the README.
const DefaultSQLiteSynchronous = "FULL"

// SQLiteSynchronous is the synchronous setting new SQLite connections get.
// Tests lower it to NORMAL for speed.
var SQLiteSynchronous = DefaultSQLiteSynchronous

// IsPostgresURL reports whether dsn names a PostgreSQL server rather than a SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn (a SQLite file path or a postgres:// URL) without migrating.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var (
		sdb *sql.DB
		d   Dialect
		err error
	)
	if IsPostgresURL(dsn) {
		d = Postgres
		sdb, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
		}
		sdb.SetMaxOpenConns(20)
		sdb.SetMaxIdleConns(20)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		d = SQLite
		path := strings.TrimPrefix(dsn, "sqlite://")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("sqlstore: create data directory: %w", err)
			}
		}
		q := url.Values{}
		// busy_timeout comes first: switching a new file to WAL takes a lock,
		// and a second process opening it at the same moment must wait for
		// it rather than fail with SQLITE_BUSY.
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(" + SQLiteSynchronous + ")"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		sdb, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
		}
		sdb.SetMaxOpenConns(8)
		sdb.SetMaxIdleConns(8)
		sdb.SetConnMaxIdleTime(0)
	}
	if err := ping(ctx, sdb, d); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("sqlstore: connect to %s: %w", d, err)
	}
	return &DB{db: sdb, Dialect: d, Now: time.Now, cache: newStoreCache(DefaultCacheBytes), pageCounter: &preparedRead{}}, nil
}

// OpenAndMigrate opens dsn and applies pending migrations.
func OpenAndMigrate(ctx context.Context, dsn string) (*DB, error) {
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the connection pool.
func (db *DB) Close() error {
	if db.pageCounter.stmt != nil {
		db.pageCounter.stmt.Close()
	}
	return db.db.Close()
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// SQL returns the underlying pool, for tests and tools.
func (db *DB) SQL() *sql.DB { return db.db }

func (db *DB) now() time.Time { return db.Now().UTC() }

// tx runs fn in a transaction, committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// notFound maps sql.ErrNoRows to an ENOTFOUND error and wraps anything else.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &ortsplan.Error{Code: ortsplan.ENOTFOUND, Key: "error.not_found", Err: fmt.Errorf("sqlstore: %s", what)}
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}

// nowFor is when a write in ctx happens: now, or in a history context (made
// only from the system's; see ortsplan.NewHistoryContext) the time it names.
func (db *DB) nowFor(ctx context.Context) time.Time {
	if t, ok := ortsplan.HistoryTime(ctx); ok {
		return t.UTC()
	}
	return db.now()
}

// openBusyFor is how long opening a SQLite file tries again while another
// process holds it.
const openBusyFor = 60 * time.Second

// ping checks the first connection. On SQLite a second process that opens
// a fresh file while the first one switches it to WAL, or migrates it, can
// be told the file is busy in spite of the busy timeout (SQLite does not
// wait on every lock a new connection takes); it then tries again, with a
// new connection, for up to openBusyFor.
func ping(ctx context.Context, sdb *sql.DB, d Dialect) error {
	deadline := time.Now().Add(openBusyFor)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		err := sdb.PingContext(ctx)
		if err == nil || d != SQLite || classify(err) != faultRetry || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}
