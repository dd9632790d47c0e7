package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// openTwo opens the same fresh database twice at the same moment, as two
// processes starting together do, each migrating it.
func openTwo(t *testing.T, d sqlstore.Dialect) (*sqlstore.DB, *sqlstore.DB) {
	t.Helper()
	dsn := sqltest.DSN(t, d)
	var dbs [2]*sqlstore.DB
	var errs [2]error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range dbs {
		wg.Go(func() {
			<-start
			dbs[i], errs[i] = sqlstore.OpenAndMigrate(context.Background(), dsn)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %d: open and migrate: %v", i+1, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	return dbs[0], dbs[1]
}

// TestTwoProcessesMigrateAtOnce starts two processes on a fresh database at
// the same moment, several times; both must come up on the full schema.
func TestTwoProcessesMigrateAtOnce(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ms, err := sqlstore.Migrations(d)
			if err != nil {
				t.Fatal(err)
			}
			for range 6 {
				a, b := openTwo(t, d)
				for _, db := range []*sqlstore.DB{a, b} {
					v, err := db.SchemaVersion(context.Background())
					if err != nil || v != len(ms) {
						t.Fatalf("schema version %d, %v; want %d", v, err, len(ms))
					}
				}
				var rows int
				if err := a.SQL().QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&rows); err != nil || rows != len(ms) {
					t.Fatalf("%d rows in schema_migrations (%v), want %d: a migration ran twice or not at all", rows, err, len(ms))
				}
			}
		})
	}
}

// TestDemoLoadedOnceByTwoProcesses has two processes load the demo into
// one fresh database at the same moment: one loads it, the other is told it
// is taken, and every locality is there once.
func TestDemoLoadedOnceByTwoProcesses(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			for range 3 {
				a, b := openTwo(t, d)
				var wg sync.WaitGroup
				var errs [2]error
				start := make(chan struct{})
				for i, db := range []*sqlstore.DB{a, b} {
					wg.Go(func() {
						<-start
						_, errs[i] = demo.Load(context.Background(), db, nil)
					})
				}
				close(start)
				wg.Wait()
				loaded := 0
				for i, err := range errs {
					switch {
					case err == nil:
						loaded++
					case !errors.Is(err, demo.ErrNotEmpty):
						t.Fatalf("process %d: %v", i+1, err)
					}
				}
				var n int
				if err := b.SQL().QueryRow("SELECT COUNT(*) FROM localities").Scan(&n); err != nil {
					t.Fatal(err)
				}
				if loaded != 1 || n != len(demo.Localities()) {
					t.Fatalf("the demo was loaded %d times and has %d localities, want once and %d", loaded, n, len(demo.Localities()))
				}
			}
		})
	}
}

// TestNewsSentOnceByTwoProcesses has two processes send the news of one
// change seen by 1,500 followers at the same moment, again and again: each
// follower gets exactly one e-mail.
func TestNewsSentOnceByTwoProcesses(t *testing.T) {
	const followers = 1500
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a, b := openTwo(t, d)
			for _, db := range []*sqlstore.DB{a, b} {
				db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
				db.PublicURL = "https://ortsplan.example"
			}
			ctx := sqltest.System()
			l := mustCreateLocality(t, a, "malmkoping", "Malmköping")
			now := time.Now().UTC()
			err := a.Bulk(ctx, func(tx *sql.Tx) error {
				for i := 1; i <= followers; i++ {
					if _, err := tx.Exec("INSERT INTO residents (id, email, name, locality_id, lang, created_at) VALUES ($1, $2, $3, $4, 'sv', $5)",
						i, fmt.Sprintf("foljare%d@example.se", i), fmt.Sprintf("Följare %d", i), l.ID, now); err != nil {
						return err
					}
					if _, err := tx.Exec("INSERT INTO follows (resident_id, locality_id, mode, token, created_at) VALUES ($1, $2, $3, $4, $5)",
						i, l.ID, string(ortsplan.FollowImmediate), fmt.Sprintf("token-%d", i), now); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.FinishBulk(ctx, "residents"); err != nil {
				t.Fatal(err)
			}
			// The change: a meeting every follower hears of.
			m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om torget", Start: now.Add(72 * time.Hour),
				State: ortsplan.MeetingPlanned}
			if err := a.SaveMeeting(ctx, m); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var queued [2]int
			var errs [2]error
			for round := range 3 {
				for i, db := range []*sqlstore.DB{a, b} {
					wg.Go(func() {
						n, err := db.SendNotifications(context.Background())
						queued[i] += n
						if err != nil {
							errs[i] = fmt.Errorf("round %d: %w", round, err)
						}
					})
				}
				wg.Wait()
			}
			for i, err := range errs {
				if err != nil {
					t.Fatalf("process %d: %v", i+1, err)
				}
			}
			var mails, people int
			if err := a.SQL().QueryRow("SELECT COUNT(*), COUNT(DISTINCT to_addr) FROM outbox").Scan(&mails, &people); err != nil {
				t.Fatal(err)
			}
			if mails != followers || people != followers || queued[0]+queued[1] != followers {
				t.Fatalf("%d e-mails to %d people (queued %d + %d), want %d to %d", mails, people, queued[0], queued[1], followers, followers)
			}
			var pending int
			if err := a.SQL().QueryRow("SELECT COUNT(*) FROM notifications WHERE sent_at IS NULL").Scan(&pending); err != nil || pending != 0 {
				t.Fatalf("%d notifications still pending (%v)", pending, err)
			}
			t.Logf("%d e-mails to %d followers; process A queued %d, B %d", mails, people, queued[0], queued[1])
		})
	}
}
