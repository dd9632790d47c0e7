package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ortsplan/ortsplan/media"
)

const storageUsage = "Usage: ortsplan storage copy --from SPEC --to SPEC\n"

// storageFlagHelp describes a --storage, --from or --to value.
const storageFlagHelp = "a folder (PATH or dir:///PATH) or s3://BUCKET?endpoint=URL&region=R, " +
	"with the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"

func runStorage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 || args[0] != "copy" {
		fmt.Fprint(stderr, storageUsage)
		return errors.New(`unknown "storage" command; the only one is "storage copy"`)
	}
	return runStorageCopy(ctx, args[1:], stdout, stderr)
}

func runStorageCopy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("storage copy", "Copy every uploaded file, with its content type, from one file storage to another,\n"+
		"for example from the folder <data>/files to an S3 bucket. A file that the destination\n"+
		"already holds with the same bytes and type is skipped, so the command can be run\n"+
		"again (after new uploads, or after an interruption); no file is deleted anywhere.", stderr)
	from := fs.String("from", "", "storage to copy from: "+storageFlagHelp)
	to := fs.String("to", "", "storage to copy to, in the same form; a folder is created if needed")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		fs.Usage()
		return errors.New("storage copy needs both --from and --to")
	}
	src, err := media.ParseStorageSpec(*from, "", os.Getenv)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	dst, err := media.ParseStorageSpec(*to, "", os.Getenv)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	if sameStorage(src, dst) {
		return fmt.Errorf("--from and --to are the same storage (%s)", src)
	}
	if !src.IsS3() {
		// A mistyped source folder must not be created and "copied" empty.
		if fi, err := os.Stat(src.Dir); err != nil {
			return fmt.Errorf("--from: %w", err)
		} else if !fi.IsDir() {
			return fmt.Errorf("--from: %s is no folder", src.Dir)
		}
	}
	fromStore, err := src.Open(ctx)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	toStore, err := dst.Open(ctx)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	fmt.Fprintf(stdout, "Copying files from %s to %s\n", src, dst)
	start, last := time.Now(), time.Now()
	st, err := media.Copy(ctx, fromStore, toStore, func(_ string, s media.CopyStats) {
		if time.Since(last) >= 5*time.Second {
			last = time.Now()
			fmt.Fprintf(stdout, "  … %d copied, %d unchanged so far\n", s.Copied, s.Unchanged)
		}
	})
	summary := fmt.Sprintf("%d file(s) copied (%s), %d already there and unchanged", st.Copied, formatBytes(st.Bytes), st.Unchanged)
	if st.Vanished > 0 {
		summary += fmt.Sprintf(", %d deleted at the source while copying", st.Vanished)
	}
	if err != nil {
		fmt.Fprintf(stdout, "Stopped after %s: %s.\n", time.Since(start).Round(time.Millisecond), summary)
		return err
	}
	fmt.Fprintf(stdout, "Done in %s: %s.\n", time.Since(start).Round(time.Millisecond), summary)
	return nil
}

// sameStorage reports whether two specs name one folder or one bucket.
func sameStorage(a, b media.StorageSpec) bool {
	if a.IsS3() || b.IsS3() {
		return a.S3.Endpoint == b.S3.Endpoint && a.S3.Bucket == b.S3.Bucket
	}
	absA, errA := filepath.Abs(a.Dir)
	absB, errB := filepath.Abs(b.Dir)
	return errA == nil && errB == nil && absA == absB
}

// formatBytes writes n in B, KiB, MiB or GiB.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}
