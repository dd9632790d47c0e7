package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan/sqlstore"
)

// backupDB is the database file's name inside a backup folder.
const backupDB = "ortsplan.db"

// runBackup copies the SQLite database (online, with VACUUM INTO) and the
// uploaded files under <data>/files into a new folder.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", "Copy the SQLite database and the uploaded files into the new folder DEST while the server runs.\n\nUsage: ortsplan backup [flags] DEST", stderr)
	var d dbFlags
	d.register(fs)
	if err := parseWithEnvArgs(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("backup: name one folder to write the backup to: ortsplan backup DEST")
	}
	dest := fs.Arg(0)
	if sqlstore.IsPostgresURL(d.dsn()) {
		return sqlstore.ErrBackupPostgres
	}
	if err := os.Mkdir(dest, 0o750); err != nil {
		return fmt.Errorf("backup: %w (DEST must be a new folder)", err)
	}
	start := time.Now()
	db, err := sqlstore.Open(ctx, d.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, filepath.Join(dest, backupDB)); err != nil {
		return err
	}
	// Files are written once under a new name and never changed, so files
	// copied after the database snapshot cover every row in it.
	n, size, err := copyTree(filepath.Join(d.data, "files"), filepath.Join(dest, "files"))
	if err != nil {
		return fmt.Errorf("backup: files: %w", err)
	}
	info, _ := os.Stat(filepath.Join(dest, backupDB))
	fmt.Fprintf(stdout, "Backed up the database (%d bytes) and %d files (%d bytes) to %s in %s.\n",
		info.Size(), n, size, dest, time.Since(start).Round(time.Millisecond))
	return nil
}

// runRestore puts a backup made by runBackup in place of the data folder's
// database and files. The server must be stopped.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", "Put the backup in the folder SRC in place, into --data. Stop the server first.\n\nUsage: ortsplan restore [flags] SRC", stderr)
	var d dbFlags
	d.register(fs)
	replace := fs.Bool("replace", false, "replace an existing database (it is kept beside, renamed with the time)")
	if err := parseWithEnvArgs(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("restore: name the backup folder: ortsplan restore SRC")
	}
	src := fs.Arg(0)
	if sqlstore.IsPostgresURL(d.dsn()) {
		return errors.New("restore: restore PostgreSQL with pg_restore (see the README, \"Säkerhetskopior\")")
	}
	from := filepath.Join(src, backupDB)
	if err := sqlstore.CheckSQLiteFile(ctx, from); err != nil {
		return fmt.Errorf("restore: the backup is not usable: %w", err)
	}
	target := d.dsn()
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return err
	}
	if _, err := os.Stat(target); err == nil {
		if !*replace {
			return fmt.Errorf("restore: %s exists; stop the server and add --replace to put the backup in its place", target)
		}
		kept := target + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(target+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("restore: keep the old database: %w", err)
			}
		}
		fmt.Fprintf(stdout, "Kept the old database as %s.\n", kept)
	}
	// A write-ahead log left beside the new file would be replayed into it.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	tmp := target + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	n, _, err := copyTree(filepath.Join(src, "files"), filepath.Join(d.data, "files"))
	if err != nil {
		return fmt.Errorf("restore: files: %w", err)
	}
	fmt.Fprintf(stdout, "Restored the database to %s and %d files to %s.\n", target, n, filepath.Join(d.data, "files"))
	return nil
}

// copyTree copies the regular files under from into to, keeping the
// folders and the storage's hidden content-type files, but not its temp
// files of writes in progress; a missing from is an empty tree.
func copyTree(from, to string) (n int, size int64, err error) {
	err = filepath.WalkDir(from, func(path string, e fs.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) && path == from {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if e.IsDir() {
			return os.MkdirAll(dst, 0o750)
		}
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") || strings.HasSuffix(name, ".part") {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if err := copyFile(path, dst); err != nil {
			return err
		}
		n++
		size += info.Size()
		return nil
	})
	return n, size, err
}

// copyFile copies from to a new file to, synced to disk before it is
// renamed into place.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := to + ".part"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, to)
}
