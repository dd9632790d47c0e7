package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/media/s3test"
)

// storageFiles are what a data folder holds after uploads: photo variants,
// an original without an extension, a PDF, and a type that the key's
// extension does not give.
var storageFiles = []struct{ key, contentType, data string }{
	{"m1-ab-thumb.jpg", "image/jpeg", "thumb"},
	{"m1-ab-page.jpg", "image/jpeg", "page bytes"},
	{"m1-ab-original", "image/webp", "RIFF....WEBP"},
	{"m2-cd.pdf", "application/pdf", "%PDF-1.4 …"},
	{"ort-flen-ef-full.png", "image/png", "\x89PNG\r\n\x1a\n"},
	{"demo/x.jpg", "image/jpeg", strings.Repeat("x", 300<<10)},
	{"odd", "text/plain; charset=utf-8", "typed by hand"},
}

func fillStorage(t *testing.T, st media.Storage) {
	t.Helper()
	for _, f := range storageFiles {
		if err := st.Put(context.Background(), f.key, []byte(f.data), f.contentType); err != nil {
			t.Fatal(err)
		}
	}
}

// checkStorage fails unless st holds exactly storageFiles.
func checkStorage(t *testing.T, name string, st media.Storage) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for key, err := range st.List(ctx) {
		if err != nil {
			t.Fatalf("%s: list: %v", name, err)
		}
		keys = append(keys, key)
	}
	slices.Sort(keys)
	var want []string
	for _, f := range storageFiles {
		want = append(want, f.key)
		r, info, err := st.Open(ctx, f.key)
		if err != nil {
			t.Errorf("%s: %s: %v", name, f.key, err)
			continue
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(got) != f.data || info.ContentType != f.contentType {
			t.Errorf("%s: %s: %d bytes of type %q (%v), want %d of %q", name, f.key, len(got), info.ContentType, err, len(f.data), f.contentType)
		}
	}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("%s holds %q, want %q", name, keys, want)
	}
}

func storageCopy(t *testing.T, from, to string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"storage", "copy", "--from", from, "--to", to}, nil, &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func TestStorageCopyBetweenFolders(t *testing.T) {
	src, dst := filepath.Join(t.TempDir(), "files"), filepath.Join(t.TempDir(), "new", "files")
	st, err := media.NewDirStorage(src)
	if err != nil {
		t.Fatal(err)
	}
	fillStorage(t, st)
	out, err := storageCopy(t, src, "dir://"+dst)
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	if !strings.Contains(out, "7 file(s) copied (300.") || !strings.Contains(out, "0 already there") {
		t.Errorf("first copy reported:\n%s", out)
	}
	to, _ := media.NewDirStorage(dst)
	checkStorage(t, "the copy", to)

	// Again: nothing to copy. A changed file and a new one are copied.
	out, err = storageCopy(t, src, dst)
	if err != nil || !strings.Contains(out, "0 file(s) copied (0 B), 7 already there and unchanged") {
		t.Errorf("second copy: %v\n%s", err, out)
	}
	ctx := context.Background()
	to.Put(ctx, "odd", []byte("changed at the destination"), "text/plain; charset=utf-8")
	to.Put(ctx, "m1-ab-page.jpg", []byte("page bytes"), "image/png") // same bytes, other type
	st.Put(ctx, "m3-new.pdf", []byte("%PDF-new"), "application/pdf")
	out, err = storageCopy(t, src, dst)
	if err != nil || !strings.Contains(out, "3 file(s) copied (31 B), 5 already there and unchanged") {
		t.Errorf("third copy: %v\n%s", err, out)
	}
	st.Delete(ctx, "m3-new.pdf")
	to.Delete(ctx, "m3-new.pdf")
	checkStorage(t, "the copy after a re-run", to)
}

func TestStorageCopyRefusesBadArguments(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"storage"}, `the only one is "storage copy"`},
		{[]string{"storage", "move"}, `the only one is "storage copy"`},
		{[]string{"storage", "copy", "--from", dir}, "needs both --from and --to"},
		{[]string{"storage", "copy", "--from", filepath.Join(dir, "nope"), "--to", t.TempDir()}, "no such file"},
		{[]string{"storage", "copy", "--from", dir, "--to", dir + "/."}, "the same storage"},
		{[]string{"storage", "copy", "--from", dir, "--to", "s3://b-1?endpoint=http://127.0.0.1:1"}, "AWS_ACCESS_KEY_ID"},
		{[]string{"storage", "copy", "--from", "ftp://x", "--to", dir}, `--from: storage "ftp://x": unknown scheme`},
	} {
		var out bytes.Buffer
		err := run(context.Background(), tt.args, nil, &out, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want an error with %q", tt.args, err, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nope")); err == nil {
		t.Error("a missing --from folder was created")
	}
}

// TestStorageCopyThroughS3 copies a data folder to a bucket on a real S3
// server and back into a new folder: the same keys, bytes and types.
func TestStorageCopyThroughS3(t *testing.T) {
	srv := s3test.Start(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	src := t.TempDir()
	st, _ := media.NewDirStorage(src)
	fillStorage(t, st)
	bucket := srv.Spec(t)

	out, err := storageCopy(t, "dir://"+src, bucket)
	if err != nil || !strings.Contains(out, "7 file(s) copied") {
		t.Fatalf("to S3: %v\n%s", err, out)
	}
	s3, err := media.OpenStorage(context.Background(), bucket, "")
	if err != nil {
		t.Fatal(err)
	}
	checkStorage(t, "the bucket", s3)
	out, err = storageCopy(t, "dir://"+src, bucket)
	if err != nil || !strings.Contains(out, "0 file(s) copied (0 B), 7 already there and unchanged") {
		t.Errorf("to S3 again: %v\n%s", err, out)
	}

	back := filepath.Join(t.TempDir(), "back")
	out, err = storageCopy(t, bucket, back)
	if err != nil || !strings.Contains(out, "7 file(s) copied") {
		t.Fatalf("from S3: %v\n%s", err, out)
	}
	to, _ := media.NewDirStorage(back)
	checkStorage(t, "the folder copied back", to)
}
