package sqlstore_test

import (
	"context"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// notOnPages are the tables no public page shows, so a change to them does
// not move the page counter. Every other table must move it.
var notOnPages = map[string]bool{
	"audit_log": true, "change_counters": true, "content_reports": true, "job_runs": true,
	"login_throttle": true, "moderation_log": true, "notifications": true, "outbox": true,
	"password_resets": true, "registration_tokens": true, "resident_sessions": true,
	"resident_tokens": true, "schema_migrations": true, "search_docs": true, "sessions": true,
	"staff_messages": true,
}

// TestPageCounter checks that every table is either counted for the page
// cache, by a trigger for each of insert, update and delete, or named in
// notOnPages; a new table in neither fails here.
func TestPageCounter(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		var tablesQ, triggersQ string
		if db.Dialect == sqlstore.Postgres {
			tablesQ = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
			triggersQ = `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal`
		} else {
			tablesQ = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%'`
			triggersQ = `SELECT name FROM sqlite_master WHERE type = 'trigger'`
		}
		names := func(q string) map[string]bool {
			rows, err := db.SQL().QueryContext(ctx, q)
			must(t, err)
			defer rows.Close()
			m := map[string]bool{}
			for rows.Next() {
				var n string
				must(t, rows.Scan(&n))
				m[n] = true
			}
			must(t, rows.Err())
			return m
		}
		tables, triggers := names(tablesQ), names(triggersQ)
		if len(tables) < 20 {
			t.Fatalf("found only %d tables", len(tables))
		}
		for table := range tables {
			if notOnPages[table] {
				continue
			}
			for _, ev := range []string{"insert", "update", "delete"} {
				if !triggers[table+"_a_page_"+ev] {
					t.Errorf("table %s has no page-counter trigger on %s: add one in a migration, or list it in notOnPages if no public page shows it", table, ev)
				}
			}
		}
		for name := range notOnPages {
			if !tables[name] && name != "login_throttle" {
				t.Errorf("notOnPages names %s, which is no table", name)
			}
		}
	})
}

// TestPageVersionMoves checks that a change to what a page shows moves the
// page counter when it commits, and a read or a rolled-back change does not.
func TestPageVersionMoves(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		v0, err := db.PageVersion(ctx)
		must(t, err)
		if v0 < 1 {
			t.Fatalf("page version %d, want at least 1", v0)
		}
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		v1, err := db.PageVersion(ctx)
		must(t, err)
		if v1 <= v0 {
			t.Fatalf("creating a locality left the page version at %d (was %d)", v1, v0)
		}
		if _, err := db.LocalitySummaries(ctx); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.PageVersion(ctx); v != v1 {
			t.Errorf("a read moved the page version from %d to %d", v1, v)
		}
		// A theme is a change to the plan page.
		must(t, db.SaveTheme(ctx, &ortsplan.Theme{LocalityID: l.ID, Title: "Vägen"}))
		v2, _ := db.PageVersion(ctx)
		if v2 <= v1 {
			t.Errorf("a new theme left the page version at %d", v2)
		}
		// A statement that changes no row leaves it (PostgreSQL's triggers
		// look at the rows; SQLite's fire per row).
		_, err = db.SQL().ExecContext(ctx, "UPDATE themes SET title = 'x' WHERE id = -5")
		must(t, err)
		if v, _ := db.PageVersion(ctx); v != v2 {
			t.Errorf("an update of no row moved the page version from %d to %d", v2, v)
		}
		// A rolled-back change leaves it.
		tx, err := db.SQL().BeginTx(ctx, nil)
		must(t, err)
		_, err = tx.ExecContext(ctx, "UPDATE localities SET name = 'Bettna by' WHERE id = $1", l.ID)
		must(t, err)
		must(t, tx.Rollback())
		if v, _ := db.PageVersion(ctx); v != v2 {
			t.Errorf("a rolled-back change moved the page version from %d to %d", v2, v)
		}
	})
}
