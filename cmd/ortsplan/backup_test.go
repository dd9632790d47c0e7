package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestBackupUnderWriteLoadAndRestore backs up a SQLite database while
// localities are being written, restores the copy into a new data folder,
// starts a server on it and finds every write acknowledged before the
// backup began, and the uploaded files.
func TestBackupUnderWriteLoadAndRestore(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := sqlstore.OpenAndMigrate(ctx, filepath.Join(data, "ortsplan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, err := media.NewDirStorage(filepath.Join(data, "files"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, files); err != nil {
		t.Fatal(err)
	}
	sys := sqltest.System()
	var acked atomic.Int64 // localities w-1 … w-acked are stored
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for i := int64(1); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			l := &ortsplan.Locality{Slug: fmt.Sprintf("w-%d", i), Name: fmt.Sprintf("Skrivort %d", i), Phase: ortsplan.PhaseMobilising}
			if err := db.CreateLocality(sys, l); err != nil {
				writeErr = err
				return
			}
			acked.Store(i)
		}
	})
	for acked.Load() < 50 && writeErr == nil {
		time.Sleep(time.Millisecond)
	}
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	before := acked.Load()
	dest := filepath.Join(t.TempDir(), "backup")
	var out bytes.Buffer
	err = runBackup(ctx, []string{"--data", data, dest}, &out, io.Discard)
	during := acked.Load()
	for acked.Load() < during+20 && writeErr == nil { // writes go on after the backup
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if writeErr != nil {
		t.Fatalf("a write failed during the backup: %v", writeErr)
	}
	t.Logf("%s (%d writes acknowledged before it began, %d while it ran)", strings.TrimSpace(out.String()), before, during-before)
	if err := runBackup(ctx, []string{"--data", data, dest}, io.Discard, io.Discard); err == nil {
		t.Fatal("a backup into an existing folder was written")
	}

	restored := t.TempDir()
	if err := runRestore(ctx, []string{"--data", restored, dest}, io.Discard, io.Discard); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if err := runRestore(ctx, []string{"--data", restored, dest}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("a restore over a database: %v, want a refusal that names --replace", err)
	}
	m := NewMain(io.Discard, io.Discard)
	if err := m.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", restored, "--drain", "0"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for i := int64(1); i <= before; i++ {
		if _, err := m.DB.FindLocality(sys, fmt.Sprintf("w-%d", i)); err != nil {
			t.Fatalf("acknowledged write w-%d is missing from the restored copy: %v", i, err)
		}
	}
	for _, path := range []string{"/readyz", fmt.Sprintf("/orter/w-%d", before), "/orter/flen"} {
		res, err := http.Get("http://" + m.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s on the restored copy: %d", path, res.StatusCode)
		}
	}
	var want, got int
	for _, c := range []struct {
		dir string
		n   *int
	}{{filepath.Join(data, "files"), &want}, {filepath.Join(restored, "files"), &got}} {
		filepath.WalkDir(c.dir, func(_ string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				*c.n++
			}
			return err
		})
	}
	if want == 0 || got != want {
		t.Fatalf("%d files restored, want %d", got, want)
	}
}

// TestRestoreRefusesABrokenBackup: a torn database file (as a plain copy of
// a database in use can be) is refused, and nothing is put in place.
func TestRestoreRefusesABrokenBackup(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := sqlstore.OpenAndMigrate(ctx, filepath.Join(data, "ortsplan.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dest := filepath.Join(t.TempDir(), "b")
	if err := runBackup(ctx, []string{"--data", data, dest}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dest, backupDB))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dest, backupDB), b[:len(b)/2], 0o640); err != nil {
		t.Fatal(err)
	}
	restored := t.TempDir()
	err = runRestore(ctx, []string{"--data", restored, dest}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not usable") {
		t.Fatalf("restore of a torn file: %v, want a refusal", err)
	}
	if _, err := os.Stat(filepath.Join(restored, "ortsplan.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a database was put in place: %v", err)
	}
}

// TestBackupOfPostgresPointsToPgDump: ortsplan backup does not pretend to
// copy a PostgreSQL database.
func TestBackupOfPostgresPointsToPgDump(t *testing.T) {
	err := runBackup(context.Background(), []string{"--db", "postgres://u@127.0.0.1:1/o", filepath.Join(t.TempDir(), "b")}, io.Discard, io.Discard)
	if !errors.Is(err, sqlstore.ErrBackupPostgres) {
		t.Fatalf("backup of PostgreSQL: %v", err)
	}
}
