package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/media/s3test"
)

func TestServeStorageFlag(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	data := t.TempDir()
	parse := func(args ...string) (*Main, error) {
		m := NewMain(io.Discard, io.Discard)
		return m, m.ParseServe(append([]string{"--data", data}, args...))
	}
	m, err := parse()
	if err != nil || m.storage.IsS3() || m.storage.Dir != filepath.Join(data, "files") {
		t.Fatalf("default: %v %+v", err, m.storage)
	}
	m, err = parse("--storage", "dir:///srv/ortsplan/files")
	if err != nil || m.storage.Dir != "/srv/ortsplan/files" {
		t.Fatalf("a folder: %v %+v", err, m.storage)
	}
	for _, tt := range []struct{ spec, want string }{
		{"s3://files?endpoint=http://127.0.0.1:9", "AWS_ACCESS_KEY_ID"},
		{"s3://files", "endpoint=URL is required"},
		{"webdav://x", "unknown scheme"},
	} {
		if _, err := parse("--storage", tt.spec); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("--storage %s: %v, want an error with %q", tt.spec, err, tt.want)
		}
		t.Setenv("ORTSPLAN_STORAGE", tt.spec)
		if _, err := parse(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ORTSPLAN_STORAGE=%s: %v, want an error with %q", tt.spec, err, tt.want)
		}
		t.Setenv("ORTSPLAN_STORAGE", "")
	}
}

// TestServeDemoOnS3 starts the real server with --storage on a real S3
// server: the demo's photos go to the bucket, none to the data folder, and
// the site serves them from there.
func TestServeDemoOnS3(t *testing.T) {
	srv := s3test.Start(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	spec := srv.Spec(t)
	data := t.TempDir()
	var stdout, stderr lockedBuffer // the server's jobs log while the test reads
	m := NewMain(&stdout, &stderr)
	if err := m.ParseServe([]string{"--demo", "--addr", "127.0.0.1:0", "--data", data, "--storage", spec}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	t.Cleanup(func() { m.Close() })
	if !strings.Contains(stderr.String(), "file storage ready") || !strings.Contains(stderr.String(), "at "+srv.Endpoint) {
		t.Errorf("the log does not say which storage is used:\n%s", stderr.String())
	}
	bucket, err := media.OpenStorage(context.Background(), spec, "")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for key, err := range bucket.List(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		t.Fatal("the demo stored no photos in the bucket")
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "files")); len(entries) != 0 {
		t.Errorf("the data folder got files: %v", entries)
	}
	// A photo as the gallery links it.
	base := "http://" + m.Addr()
	page := get(t, base+"/orter/skebokvarn/bilder")
	src := regexp.MustCompile(`<img[^>]+src="(/filer/\d+/[a-z]+)"`).FindStringSubmatch(page)
	if src == nil {
		t.Fatalf("no photo in the gallery:\n%s", page)
	}
	res, err := http.Get(base + src[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" || !bytes.HasPrefix(body, []byte("\xff\xd8")) {
		t.Errorf("GET %s: %d %q, %d bytes", src[1], res.StatusCode, res.Header.Get("Content-Type"), len(body))
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	return string(b)
}
