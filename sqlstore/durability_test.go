package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// BenchmarkSQLiteCommit measures one small write transaction (a queued
// e-mail) on SQLite in WAL mode with synchronous=NORMAL, which may lose the
// last commits on a power cut, and synchronous=FULL, which syncs the log at
// every commit. The README quotes the figures; they decided the default.
func BenchmarkSQLiteCommit(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		b.Run(mode, func(b *testing.B) {
			db, err := sqlstore.OpenAndMigrate(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SQL().SetMaxOpenConns(1)
			if _, err := db.SQL().Exec("PRAGMA synchronous = " + mode); err != nil {
				b.Fatal(err)
			}
			ctx := sqltest.System()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := db.EnqueueMessage(ctx, &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Test", Text: "Hej"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSQLiteSyncsEveryCommit: by default the SQLite database is opened
// with synchronous=FULL, so an acknowledged write survives a power cut (the
// suite itself runs with NORMAL, see sqltest).
func TestSQLiteSyncsEveryCommit(t *testing.T) {
	was := sqlstore.SQLiteSynchronous
	sqlstore.SQLiteSynchronous = sqlstore.DefaultSQLiteSynchronous
	defer func() { sqlstore.SQLiteSynchronous = was }()
	db, err := sqlstore.OpenAndMigrate(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode int
	if err := db.SQL().QueryRow("PRAGMA synchronous").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Fatalf("PRAGMA synchronous = %d, want 2 (FULL)", mode)
	}
}
