package media

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStorageSpec(t *testing.T) {
	creds := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"}
	withToken := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok"}
	s3 := func(bucket, endpoint, region string) StorageSpec {
		return StorageSpec{S3: S3Config{Bucket: bucket, Endpoint: endpoint, Region: region, AccessKey: "AKID", SecretKey: "secret"}}
	}
	tests := []struct {
		spec string
		env  map[string]string
		want StorageSpec
		err  string // a part of the error; "" for none
	}{
		{spec: "", want: StorageSpec{Dir: "/data/files"}},
		{spec: "/srv/ortsplan/files", want: StorageSpec{Dir: "/srv/ortsplan/files"}},
		{spec: "relative/files", want: StorageSpec{Dir: "relative/files"}},
		{spec: "./a:b", want: StorageSpec{Dir: "a:b"}},
		{spec: "files/../other/", want: StorageSpec{Dir: "other"}},
		{spec: "C:/files", want: StorageSpec{Dir: "C:/files"}},
		{spec: "dir:///srv/files/", want: StorageSpec{Dir: "/srv/files"}},
		{spec: "DIR:///srv/files", want: StorageSpec{Dir: "/srv/files"}},
		{spec: "dir://srv/files", err: "three slashes"},
		{spec: "dir:files", err: "three slashes"},
		{spec: "dir:///srv?x=1", err: "no query"},
		{spec: "s3://ortsplan-files?endpoint=http://127.0.0.1:8333&region=eu-north-1", env: creds,
			want: s3("ortsplan-files", "http://127.0.0.1:8333", "eu-north-1")},
		{spec: "s3://ortsplan.files/?endpoint=https://s3.example.se/", env: creds,
			want: s3("ortsplan.files", "https://s3.example.se", DefaultS3Region)},
		{spec: "s3://b12?endpoint=https%3A%2F%2Fs3.example.se%3A9000", env: withToken,
			want: StorageSpec{S3: S3Config{Bucket: "b12", Endpoint: "https://s3.example.se:9000", Region: DefaultS3Region,
				AccessKey: "AKID", SecretKey: "secret", SessionToken: "tok"}}},
		{spec: "s3://files?endpoint=http://h:1", err: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{spec: "s3://files?endpoint=http://h:1", env: map[string]string{"AWS_ACCESS_KEY_ID": "x"}, err: "AWS_SECRET_ACCESS_KEY"},
		{spec: "s3://files", env: creds, err: "endpoint=URL is required"},
		{spec: "s3://files?endpoint=ftp://h", env: creds, err: `endpoint "ftp://h"`},
		{spec: "s3://files?endpoint=h:8333", env: creds, err: "want http://HOST"},
		{spec: "s3://files?endpoint=http://h/sub", env: creds, err: "no path"},
		{spec: "s3://files?endpoint=http://u:p@h", env: creds, err: "no user or password"},
		{spec: "s3://files?endpont=http://h", env: creds, err: `unknown parameter "endpont"`},
		{spec: "s3://files?endpoint=http://a&endpoint=http://b", env: creds, err: "given 2 times"},
		{spec: "s3://files?endpoint=http://h&region=", env: creds, err: "region"},
		{spec: "s3://files/photos?endpoint=http://h", env: creds, err: "no path"},
		{spec: "s3://Files?endpoint=http://h", env: creds, err: "bucket name"},
		{spec: "s3://ab?endpoint=http://h", env: creds, err: "bucket name"},
		{spec: "s3://-ab?endpoint=http://h", env: creds, err: "bucket name"},
		{spec: "s3://a..b?endpoint=http://h", env: creds, err: "bucket name"},
		{spec: "s3://a_b?endpoint=http://h", env: creds, err: "bucket name"},
		{spec: "s3://?endpoint=http://h", env: creds, err: "bucket name"},
		{spec: "s3:files", env: creds, err: "two slashes"},
		{spec: "s3://key:topsecret@files?endpoint=http://h", env: creds, err: "not in the URL"},
		{spec: "s3://files?endpoint=http://h#x", env: creds, err: "fragment"},
		{spec: "gs://files", err: `unknown scheme "gs"`},
		{spec: "file:///srv/files", err: `unknown scheme "file"`},
		{spec: "s3://%zz", err: "invalid URL escape"},
	}
	for _, tt := range tests {
		got, err := ParseStorageSpec(tt.spec, "/data/files", func(k string) string { return tt.env[k] })
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.spec, err)
		case tt.err != "" && err == nil:
			t.Errorf("%q: no error, want one with %q; got %+v", tt.spec, tt.err, got)
		case tt.err != "" && !strings.Contains(err.Error(), tt.err):
			t.Errorf("%q: error %q, want it to say %q", tt.spec, err, tt.err)
		case err == nil && got != tt.want:
			t.Errorf("%q: got %+v, want %+v", tt.spec, got, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%q: the error shows the password: %v", tt.spec, err)
		}
	}
}

func TestStorageSpecString(t *testing.T) {
	s, err := ParseStorageSpec("s3://files?endpoint=http://127.0.0.1:9&region=r1", "", func(k string) string { return "k-" + k })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "s3://files at http://127.0.0.1:9 (region r1)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if strings.Contains(s.String(), "k-AWS") {
		t.Errorf("String() shows a credential: %q", s)
	}
	if got := (StorageSpec{Dir: "/x"}).String(); got != "folder /x" {
		t.Errorf("folder String() = %q", got)
	}
}

func TestOpenStorage(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "files")
	st, err := OpenStorage(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := st.(*DirStorage); !ok || d.Root != dir {
		t.Fatalf("empty spec opened %#v, want the folder %s", st, dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("the folder was not created: %v", err)
	}
	other := filepath.Join(t.TempDir(), "other")
	st, err = OpenStorage(ctx, "dir://"+other, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := st.(*DirStorage); !ok || d.Root != other {
		t.Fatalf("dir:// spec opened %#v, want the folder %s", st, other)
	}
	// Nothing listens on port 1 of loopback: the check at start-up fails
	// (minio tries again for a while; the context cuts that short).
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := OpenStorage(short, "s3://files?endpoint=http://127.0.0.1:1", dir); err == nil ||
		!strings.Contains(err.Error(), `bucket "files" at http://127.0.0.1:1`) {
		t.Errorf("an S3 server that is not there: %v", err)
	}
	if _, err := OpenStorage(ctx, "s3://files", dir); err == nil {
		t.Error("a bad spec opened")
	}
}
