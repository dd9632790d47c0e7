package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFinishBulk loads a locality with an explicit id and checks that, after
// FinishBulk, the store's own inserts (which leave the id to the database)
// do not collide with it.
func TestFinishBulk(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Now().UTC().Truncate(time.Second)
		err := db.Bulk(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO localities (id, slug, name, phase, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, 1, $5, $5)`, 1, "malmkoping", "Malmköping", string(ortsplan.PhaseInitial), now); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO phase_changes (id, locality_id, phase, on_date, created_at)
				VALUES ($1, $2, $3, $4, $5)`, 1, 1, string(ortsplan.PhaseInitial), now.Format("2006-01-02"), now)
			return err
		})
		if err != nil {
			t.Fatalf("Bulk: %v", err)
		}
		l := &ortsplan.Locality{Slug: "hallsta", Name: "Hällsta", Phase: ortsplan.PhaseMobilising}
		if sqltest.IsPostgres(t) {
			// The reason FinishBulk exists: the sequences still start at 1.
			if err := db.CreateLocality(ctx, l); err == nil {
				t.Fatal("insert before FinishBulk did not collide; the test proves nothing")
			}
		}
		if err := db.FinishBulk(ctx, "localities", "phase_changes"); err != nil {
			t.Fatalf("FinishBulk: %v", err)
		}
		if err := db.CreateLocality(ctx, l); err != nil {
			t.Fatalf("insert after FinishBulk: %v", err)
		}
		if l.ID != 2 {
			t.Errorf("new locality has id %d, want 2", l.ID)
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM phase_changes").Scan(&n); err != nil || n != 2 {
			t.Errorf("phase changes = %d (%v), want 2", n, err)
		}
		// An empty table with an id is fine too; a name that is not one is refused.
		if err := db.FinishBulk(ctx, "residents"); err != nil {
			t.Errorf("FinishBulk on an empty table: %v", err)
		}
		if err := db.Bulk(context.Background(), func(*sql.Tx) error { return nil }); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("Bulk refuses anyone but the system: got %v", err)
		}
		if err := db.FinishBulk(ctx, "localities; DROP TABLE users"); err == nil {
			t.Error("FinishBulk accepted a table name that is not an identifier")
		}
	})
}

// TestBulkRollsBack checks that an error from the callback leaves nothing behind.
func TestBulkRollsBack(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		boom := errors.New("boom")
		err := db.Bulk(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO localities (id, slug, name, phase, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, 1, $5, $5)`, 1, "flen", "Flen", string(ortsplan.PhaseInitial), time.Now().UTC()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Bulk = %v, want the callback's error", err)
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM localities").Scan(&n); err != nil || n != 0 {
			t.Errorf("localities = %d (%v), want 0", n, err)
		}
	})
}
