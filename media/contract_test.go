package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/media/s3test"
)

// TestStorageContract runs the same checks on every implementation: the
// folder, and a bucket on a real S3 server.
func TestStorageContract(t *testing.T) {
	t.Run("dir", func(t *testing.T) {
		st, err := media.NewDirStorage(filepath.Join(t.TempDir(), "files"))
		if err != nil {
			t.Fatal(err)
		}
		testContract(t, st)
	})
	t.Run("s3", func(t *testing.T) {
		srv := s3test.Start(t)
		testContract(t, srv.Storage(t))
		testS3Settings(t, srv)
	})
}

func testContract(t *testing.T, st media.Storage) {
	ctx := context.Background()
	before := time.Now().Add(-time.Minute)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	files := []struct {
		key, contentType, wantType string
		data                       []byte
	}{
		{"photos/2024/ab-1_x.page.jpg", "image/jpeg", "image/jpeg", []byte("photo bytes")},
		{"doc", "application/pdf", "application/pdf", []byte("%PDF-1.4 …")},
		{"guess.png", "", "image/png", []byte("png?")},
		{"guess.webp", "", "image/webp", []byte("webp?")},
		{"noext", "", "application/octet-stream", []byte{0, 1, 2, 255}},
		{"m1-a/big.orig.jpg", "image/jpeg", "image/jpeg", big},
		{"empty.pdf", "application/pdf", "application/pdf", nil},
		// Over 16 MiB minio-go uploads in parts.
		{"m2-b-original", "image/png", "image/png", bytes.Repeat([]byte("multipart"), 17<<20/9)},
	}
	for _, f := range files {
		if err := st.Put(ctx, f.key, f.data, f.contentType); err != nil {
			t.Fatalf("put %s: %v", f.key, err)
		}
	}
	for _, f := range files {
		got, info := read(t, st, f.key)
		if !bytes.Equal(got, f.data) {
			t.Errorf("%s: read %d bytes, want %d", f.key, len(got), len(f.data))
		}
		if info.ContentType != f.wantType || info.Size != int64(len(f.data)) {
			t.Errorf("%s: info %+v, want type %s and size %d", f.key, info, f.wantType, len(f.data))
		}
		if info.ModTime.Before(before) || info.ModTime.After(time.Now().Add(time.Minute)) {
			t.Errorf("%s: modified %v, want about now", f.key, info.ModTime)
		}
	}

	// Seek as http.ServeContent does: to the end for the size, then back,
	// then to a range in the middle.
	r, _, err := st.Open(ctx, "m1-a/big.orig.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r.Seek(0, io.SeekEnd); err != nil || n != int64(len(big)) {
		t.Errorf("seek to end: %d, %v", n, err)
	}
	if n, err := r.Seek(0, io.SeekStart); err != nil || n != 0 {
		t.Errorf("seek to start: %d, %v", n, err)
	}
	head := make([]byte, 10)
	if _, err := io.ReadFull(r, head); err != nil || string(head) != "0123456789" {
		t.Errorf("read after seek: %q, %v", head, err)
	}
	if _, err := r.Seek(1<<19+3, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 5)
	if _, err := io.ReadFull(r, part); err != nil || string(part) != "34567" {
		t.Errorf("read in the middle: %q, %v", part, err)
	}
	if n, err := r.Seek(-4, io.SeekCurrent); err != nil || n != 1<<19+4 {
		t.Errorf("seek back: %d, %v", n, err)
	}
	rest, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(rest, big[1<<19+4:]) {
		t.Errorf("read the rest: %d bytes, %v", len(rest), err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("close: %v", err)
	}

	// Replacing a key replaces its bytes and its type.
	if err := st.Put(ctx, "doc", []byte("new"), "text/plain; charset=utf-8"); err != nil {
		t.Fatal(err)
	}
	if got, info := read(t, st, "doc"); string(got) != "new" || info.ContentType != "text/plain; charset=utf-8" || info.Size != 3 {
		t.Errorf("replaced: %q %+v", got, info)
	}
	if err := st.Put(ctx, "doc", []byte("x"), "bad\r\nX-Injected: 1"); err == nil {
		t.Error("a content type with a line break was stored")
	}

	// List: every key once, and nothing else.
	want := []string{"doc", "empty.pdf", "guess.png", "guess.webp", "m1-a/big.orig.jpg", "m2-b-original", "noext", "photos/2024/ab-1_x.page.jpg"}
	if got := list(t, st); !slices.Equal(got, want) {
		t.Errorf("list: %q, want %q", got, want)
	}
	// Stopping early is allowed.
	for range st.List(ctx) {
		break
	}

	// A missing key is ENOTFOUND, for Open; Delete is then no error.
	for _, key := range []string{"missing.jpg", "photos/2024/missing", "photos"} {
		if _, _, err := st.Open(ctx, key); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("open %s: %v, want ENOTFOUND", key, err)
		}
	}
	for range 2 {
		if err := st.Delete(ctx, "doc"); err != nil {
			t.Fatalf("delete: %v", err)
		}
	}
	if _, _, err := st.Open(ctx, "doc"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
		t.Errorf("open deleted: %v, want ENOTFOUND", err)
	}
	if got := list(t, st); slices.Contains(got, "doc") || len(got) != len(want)-1 {
		t.Errorf("list after delete: %q", got)
	}

	// Bad keys are refused before anything is sent.
	for _, key := range []string{"../x", "/abs", "A", "", "a//b", ".hidden", "a/.x.type"} {
		if err := st.Put(ctx, key, []byte("x"), ""); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("put %q: %v", key, err)
		}
		if _, _, err := st.Open(ctx, key); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("open %q: %v", key, err)
		}
		if err := st.Delete(ctx, key); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("delete %q: %v", key, err)
		}
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.Put(cancelled, "x", []byte("x"), ""); !errors.Is(err, context.Canceled) {
		t.Errorf("put with a cancelled context: %v", err)
	}
	if errs := listErrors(st.List(cancelled)); len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("list with a cancelled context: %v, want one context.Canceled", errs)
	}
}

func read(t *testing.T, st media.Storage, key string) ([]byte, media.Info) {
	t.Helper()
	r, info, err := st.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b, info
}

func list(t *testing.T, st media.Storage) []string {
	t.Helper()
	var keys []string
	for key, err := range st.List(context.Background()) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}

// listErrors returns what a listing yields, where each key counts as a nil error.
func listErrors(seq iter.Seq2[string, error]) []error {
	var errs []error
	for _, err := range seq {
		errs = append(errs, err)
	}
	return errs
}

func TestDirStorageListSkipsItsOwnFiles(t *testing.T) {
	root := t.TempDir()
	st, err := media.NewDirStorage(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []string{"a.jpg", "m1/b.webp"} {
		if err := st.Put(ctx, key, []byte(key), ""); err != nil {
			t.Fatal(err)
		}
	}
	// What a crash or another program may leave: temp files, a hidden folder,
	// a name Put never writes, a symlink.
	for name, data := range map[string]string{
		".a.jpg.tmp-0123": "half", "m1/.b.webp.tmp-4567": "half", ".cache/x.jpg": "x", "README.TXT": "hi",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o750)
		if err := os.WriteFile(p, []byte(data), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "a.jpg"), filepath.Join(root, "link.jpg")); err != nil {
		t.Fatal(err)
	}
	if got, want := list(t, st), []string{"a.jpg", "m1/b.webp"}; !slices.Equal(got, want) {
		t.Errorf("list: %q, want %q", got, want)
	}
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if errs := listErrors(st.List(ctx)); len(errs) != 1 || !strings.Contains(errs[0].Error(), "storage folder") {
		t.Errorf("list of a removed folder: %v, want one error", errs)
	}
}

// testS3Settings checks that wrong settings fail when the storage is opened.
func testS3Settings(t *testing.T, srv *s3test.Server) {
	cfg := srv.Bucket(t)
	ctx := context.Background()

	wrongSecret := cfg
	wrongSecret.SecretKey = "not-the-secret"
	if _, err := media.NewS3Storage(ctx, wrongSecret); err == nil {
		t.Error("a wrong secret key was accepted at start-up")
	}
	missing := cfg
	missing.Bucket = "no-such-bucket"
	if _, err := media.NewS3Storage(ctx, missing); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing bucket: %v", err)
	}
	if _, err := media.NewS3Storage(ctx, cfg); err != nil {
		t.Errorf("the right settings: %v", err)
	}
}
