// Package demotest gives tests a database holding the demo, cheaply: the demo
// is loaded once per test process and engine into a template, and each test
// gets its own copy of that template. On SQLite the copy is the template's
// file written anew; on PostgreSQL it is CREATE DATABASE … TEMPLATE. A copy
// holds exactly what demo.Load wrote, so a test sees the same rows as if it
// had loaded the demo itself, at a fraction of the cost (loading the demo
// writes every row through the services and takes seconds under the race
// detector).
//
// A package that uses it on PostgreSQL calls Main from its TestMain, so the
// template database is dropped when the tests end.
package demotest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// template is the demo, loaded once for one engine.
type template struct {
	once sync.Once
	err  error
	res  demo.Result
	// file is the SQLite database's bytes.
	file []byte
	// name is the PostgreSQL template database.
	name string
}

var (
	templates = map[sqlstore.Dialect]*template{sqlstore.SQLite: {}, sqlstore.Postgres: {}}
	// cloneMu keeps copies of the PostgreSQL template one at a time:
	// CREATE DATABASE refuses a template that another session is copying.
	cloneMu sync.Mutex
	seq     atomic.Int64
)

// Open returns a fresh database of the given engine holding the demo, closed
// (and on PostgreSQL dropped) at cleanup, and what loading the demo reported.
func Open(t testing.TB, d sqlstore.Dialect) (*sqlstore.DB, *demo.Result) {
	t.Helper()
	tp := templates[d]
	tp.once.Do(func() { tp.err = tp.load(d) })
	if tp.err != nil {
		t.Fatalf("demotest: load the demo template on %s: %v", d, tp.err)
	}
	res := tp.res
	var dsn string
	if d == sqlstore.SQLite {
		dsn = filepath.Join(t.TempDir(), "demo.db")
		if err := os.WriteFile(dsn, tp.file, 0o600); err != nil {
			t.Fatalf("demotest: %v", err)
		}
	} else {
		name := fmt.Sprintf("ortsplan_demo_%d_%d", os.Getpid(), seq.Add(1))
		cloneMu.Lock()
		err := adminExec("CREATE DATABASE " + name + " TEMPLATE " + tp.name)
		cloneMu.Unlock()
		if err != nil {
			t.Fatalf("demotest: copy the demo template: %v", err)
		}
		t.Cleanup(func() { adminExec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
		if dsn, err = databaseDSN(name); err != nil {
			t.Fatalf("demotest: %v", err)
		}
	}
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("demotest: open the copy: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, &res
}

// load writes the demo into a new database of the engine and keeps it as
// the template.
func (tp *template) load(d sqlstore.Dialect) error {
	ctx := context.Background()
	var dsn string
	if d == sqlstore.SQLite {
		dir, err := os.MkdirTemp("", "ortsplan-demotest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "load.db")
	} else {
		tp.name = fmt.Sprintf("ortsplan_demotemplate_%d", os.Getpid())
		if err := adminExec("DROP DATABASE IF EXISTS " + tp.name + " WITH (FORCE)"); err != nil {
			return err
		}
		if err := adminExec("CREATE DATABASE " + tp.name); err != nil {
			return err
		}
		var err error
		if dsn, err = databaseDSN(tp.name); err != nil {
			return err
		}
	}
	db, err := sqlstore.OpenAndMigrate(ctx, dsn)
	if err != nil {
		return err
	}
	res, err := demo.Load(ctx, db, nil)
	if err != nil {
		db.Close()
		return err
	}
	tp.res = *res
	if d == sqlstore.Postgres {
		// The template must have no session left for CREATE DATABASE to copy it.
		return db.Close()
	}
	// VACUUM INTO writes one self-contained file, WAL included.
	out := filepath.Join(filepath.Dir(dsn), "template.db")
	if _, err := db.SQL().ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		db.Close()
		return err
	}
	db.Close()
	tp.file, err = os.ReadFile(out)
	return err
}

// Main runs the tests and then drops this process's PostgreSQL template.
func Main(m *testing.M) {
	code := m.Run()
	if tp := templates[sqlstore.Postgres]; tp.name != "" {
		adminExec("DROP DATABASE IF EXISTS " + tp.name + " WITH (FORCE)")
	}
	os.Exit(code)
}

// adminExec runs a statement on the database sqltest.EnvPostgres names.
func adminExec(stmt string) error {
	base := os.Getenv(sqltest.EnvPostgres)
	if base == "" {
		return fmt.Errorf("%s is not set", sqltest.EnvPostgres)
	}
	a, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer a.Close()
	_, err = a.Exec(stmt)
	return err
}

// databaseDSN is the sqltest.EnvPostgres address with its database replaced.
func databaseDSN(name string) (string, error) {
	u, err := url.Parse(os.Getenv(sqltest.EnvPostgres))
	if err != nil {
		return "", fmt.Errorf("bad %s: %w", sqltest.EnvPostgres, err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
