// Package sqltest opens fresh, migrated databases for tests: always SQLite, and
// PostgreSQL too when ORTSPLAN_TEST_POSTGRES names a server (each test in its
// own schema). Under CI=true a missing PostgreSQL fails the test run.
package sqltest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
)

func init() {
	// Cheap password hashes keep the suite fast; production uses the real cost.
	sqlstore.PasswordParams = sqlstore.Argon2Params{Memory: 64, Time: 1, Threads: 1}
	// Nor does the suite need every commit synced to disk.
	sqlstore.SQLiteSynchronous = "NORMAL"
}

var schemaSeq atomic.Int64

// EnvPostgres is the variable that names the PostgreSQL server for tests.
const EnvPostgres = "ORTSPLAN_TEST_POSTGRES"

// Dialects returns the engines the suite runs on.
func Dialects(t testing.TB) []sqlstore.Dialect {
	ds := []sqlstore.Dialect{sqlstore.SQLite}
	if os.Getenv(EnvPostgres) != "" {
		ds = append(ds, sqlstore.Postgres)
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is not set: the suite must run on PostgreSQL too", EnvPostgres)
	}
	return ds
}

// ForEach runs fn as a subtest once per engine, each with a fresh migrated database.
func ForEach(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh migrated database of the given engine, closed at cleanup.
//
// On SQLite the database is a copy of one migrated once per process:
// migrating runs hundreds of statements, which takes about two seconds under
// the race detector, against a few milliseconds for writing the file.
func Open(t testing.TB, d sqlstore.Dialect) *sqlstore.DB {
	t.Helper()
	dsn := DSN(t, d)
	if d == sqlstore.SQLite {
		migrated.once.Do(migrated.load)
		if migrated.err != nil {
			t.Fatalf("open %s: migrate the template: %v", d, migrated.err)
		}
		if err := os.WriteFile(dsn, migrated.file, 0o600); err != nil {
			t.Fatalf("open %s: %v", d, err)
		}
	}
	db, err := sqlstore.OpenAndMigrate(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrated is an empty, migrated SQLite database, made once per process.
var migrated template

type template struct {
	once sync.Once
	file []byte
	err  error
}

// load migrates a new SQLite database and keeps its bytes.
func (m *template) load() {
	dir, err := os.MkdirTemp("", "ortsplan-sqltest-")
	if err != nil {
		m.err = err
		return
	}
	defer os.RemoveAll(dir)
	db, err := sqlstore.OpenAndMigrate(context.Background(), filepath.Join(dir, "migrate.db"))
	if err != nil {
		m.err = err
		return
	}
	// VACUUM INTO writes one self-contained file, WAL included.
	out := filepath.Join(dir, "template.db")
	_, m.err = db.SQL().Exec("VACUUM INTO ?", out)
	db.Close()
	if m.err == nil {
		m.file, m.err = os.ReadFile(out)
	}
}

// DSN returns a connection string for a fresh, empty database of the given engine.
func DSN(t testing.TB, d sqlstore.Dialect) string {
	t.Helper()
	if d == sqlstore.SQLite {
		return filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Fatalf("%s is not set", EnvPostgres)
	}
	schema := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres: create schema (is %s reachable?): %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres: bad %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// IsPostgres reports whether a subtest name says it runs on PostgreSQL.
func IsPostgres(t testing.TB) bool { return strings.HasSuffix(t.Name(), "/postgres") }

// System returns a context in which the process itself acts, with every
// right: what the command line and the demo loader use.
func System() context.Context { return ortsplan.NewSystemContext(context.Background()) }

// AsUser returns ctx with the staff account u acting.
func AsUser(ctx context.Context, u *ortsplan.User) context.Context {
	return ortsplan.NewContextWithUser(ctx, u)
}

// AsResident returns ctx with the resident with the given id acting.
func AsResident(ctx context.Context, id int64) context.Context {
	return ortsplan.NewContextWithResident(ctx, &ortsplan.Resident{ID: id})
}

// Digest hashes every row of every table, so a test can tell that a refused
// request changed nothing at all: the table name maps to its row count and
// a hash of its rows.
func Digest(t testing.TB, db *sqlstore.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for n, lines := range rows(t, db) {
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[n] = fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(sum[:8]))
	}
	return out
}

// Containing returns the tables with a row in which some value contains s,
// so a test can tell that a secret (a personnummer) is stored nowhere.
func Containing(t testing.TB, db *sqlstore.DB, s string) []string {
	t.Helper()
	var out []string
	for n, lines := range rows(t, db) {
		for _, l := range lines {
			if strings.Contains(l, s) {
				out = append(out, n)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// rows reads every row of every table, each formatted as one sorted line.
func rows(t testing.TB, db *sqlstore.DB) map[string][]string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_docs_%'"
	if db.Dialect == sqlstore.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rs, err := db.SQL().Query(q)
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	var names []string
	for rs.Next() {
		var n string
		if err := rs.Scan(&n); err != nil {
			t.Fatalf("digest: %v", err)
		}
		names = append(names, n)
	}
	rs.Close()
	out := map[string][]string{}
	for _, n := range names {
		rs, err := db.SQL().Query("SELECT * FROM " + n)
		if err != nil {
			t.Fatalf("digest %s: %v", n, err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatalf("digest %s: %v", n, err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rs.Close()
		sort.Strings(lines)
		out[n] = lines
	}
	return out
}

// Changed names the tables whose rows differ between two digests.
func Changed(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Register registers r for its meeting under the default rule and confirms
// it with its token, as the registrant would through the e-mailed link, so
// that it holds places (or waits on the waiting list). It fails the test on
// an error, and for an address already registered (which Register answers
// with an e-mail, not a new registration).
func Register(t testing.TB, db *sqlstore.DB, r *ortsplan.Registration) *ortsplan.Registration {
	t.Helper()
	ctx := System()
	if err := db.Register(ctx, r, ortsplan.DefaultRegistrationRule); err != nil {
		t.Fatalf("register %s: %v", r.Email, err)
	}
	if r.Token == "" {
		t.Fatalf("register %s: the address was already registered", r.Email)
	}
	got, _, err := db.ConfirmRegistration(ctx, r.Token)
	if err != nil {
		t.Fatalf("confirm %s: %v", r.Email, err)
	}
	r.Waitlisted, r.ConfirmedAt, r.ConfirmBy, r.CreatedAt = got.Waitlisted, got.ConfirmedAt, got.ConfirmBy, got.CreatedAt
	return r
}
