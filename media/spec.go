package media

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// StorageSpec is a parsed --storage value: a folder or an S3 bucket.
type StorageSpec struct {
	// Dir is the folder, when the spec names one.
	Dir string
	// S3 is the bucket, when the spec names one (S3.Bucket is then set).
	S3 S3Config
}

// IsS3 reports whether the spec names an S3 bucket.
func (s StorageSpec) IsS3() bool { return s.S3.Bucket != "" }

// String describes the storage without its credentials, for logs.
func (s StorageSpec) String() string {
	if s.IsS3() {
		return fmt.Sprintf("s3://%s at %s (region %s)", s.S3.Bucket, s.S3.Endpoint, s.S3.Region)
	}
	return "folder " + s.Dir
}

// storageSpecHelp is appended to errors about a spec.
const storageSpecHelp = `want a folder (a path or dir:///PATH) or s3://BUCKET?endpoint=URL&region=R`

// ParseStorageSpec parses a storage spec:
//
//   - "" is the folder defaultDir;
//   - dir:///PATH or a plain path (one without a "scheme:" in front) is that folder;
//   - s3://BUCKET?endpoint=URL&region=R is a bucket on an S3-compatible server,
//     addressed path-style, with http:// endpoints unencrypted. The region is
//     optional (DefaultS3Region); the credentials come from getenv's
//     AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
//
// It only parses; OpenStorage also connects.
func ParseStorageSpec(spec, defaultDir string, getenv func(string) string) (StorageSpec, error) {
	if spec == "" {
		return StorageSpec{Dir: defaultDir}, nil
	}
	shown := spec // in errors; without a password
	bad := func(format string, args ...any) (StorageSpec, error) {
		return StorageSpec{}, fmt.Errorf("storage %q: %s; %s", shown, fmt.Sprintf(format, args...), storageSpecHelp)
	}
	scheme, _, hasScheme := strings.Cut(spec, ":")
	if !hasScheme || !isScheme(scheme) {
		return StorageSpec{Dir: filepath.Clean(spec)}, nil
	}
	u, err := url.Parse(spec)
	if err != nil {
		shown = scheme + ":…"
		return bad("%v", errors.Unwrap(err))
	}
	shown = u.Redacted()
	switch strings.ToLower(u.Scheme) {
	case "dir":
		if u.Host != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
			return bad("a folder URL has three slashes and an absolute path, like dir:///var/lib/ortsplan/files")
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return bad("a folder URL takes no query, fragment or user")
		}
		return StorageSpec{Dir: filepath.Clean(u.Path)}, nil
	case "s3":
		return parseS3Spec(u, getenv, bad)
	}
	return bad("unknown scheme %q", u.Scheme)
}

func parseS3Spec(u *url.URL, getenv func(string) string, bad func(string, ...any) (StorageSpec, error)) (StorageSpec, error) {
	if u.Opaque != "" {
		return bad("write s3://BUCKET, with two slashes")
	}
	if u.User != nil {
		return bad("put the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the URL")
	}
	if u.Path != "" && u.Path != "/" {
		return bad("only a bucket may follow s3://, no path (%q)", u.Path)
	}
	if u.Fragment != "" {
		return bad("no fragment (#…) is allowed")
	}
	if !validBucket(u.Host) {
		return bad("bucket name %q: 3 to 63 of a-z, 0-9, '.' and '-', starting and ending with a letter or digit", u.Host)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("query: %v", err)
	}
	cfg := S3Config{Bucket: u.Host, Region: DefaultS3Region}
	for name, vals := range q {
		if len(vals) != 1 {
			return bad("%s is given %d times", name, len(vals))
		}
		switch name {
		case "endpoint":
			cfg.Endpoint = vals[0]
		case "region":
			cfg.Region = vals[0]
		default:
			return bad("unknown parameter %q (known: endpoint, region)", name)
		}
	}
	if cfg.Endpoint == "" {
		return bad("endpoint=URL is required, like endpoint=https://s3.example.se")
	}
	e, err := url.Parse(cfg.Endpoint)
	if err == nil && e.User != nil {
		return bad("endpoint: put no user or password in the URL; the credentials are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" ||
		(e.Path != "" && e.Path != "/") || e.RawQuery != "" || e.Fragment != "" {
		return bad("endpoint %q: want http://HOST[:PORT] or https://HOST[:PORT], with no path", cfg.Endpoint)
	}
	cfg.Endpoint = e.Scheme + "://" + e.Host
	if cfg.Region == "" || strings.ContainsAny(cfg.Region, " /\r\n") {
		return bad("region %q: want a name like eu-north-1", cfg.Region)
	}
	cfg.AccessKey, cfg.SecretKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	cfg.SessionToken = getenv("AWS_SESSION_TOKEN")
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return bad("S3 storage needs the credentials in the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	return StorageSpec{S3: cfg}, nil
}

// isScheme reports whether s is a URL scheme of two or more characters (so
// that a Windows drive letter is no scheme).
func isScheme(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i, c := range []byte(s) {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// validBucket follows S3's rules for bucket names, which keep them usable in
// a path-style URL.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 || strings.Contains(b, "..") {
		return false
	}
	for i, c := range []byte(b) {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || i == len(b)-1 || (c != '-' && c != '.')) {
			return false
		}
	}
	return true
}

// Open returns the storage the spec names: a folder is created if needed,
// and a bucket must exist and answer.
func (s StorageSpec) Open(ctx context.Context) (Storage, error) {
	if s.IsS3() {
		return NewS3Storage(ctx, s.S3)
	}
	return NewDirStorage(s.Dir)
}

// OpenStorage parses spec (see ParseStorageSpec), with the credentials from
// the process's environment, and opens it.
func OpenStorage(ctx context.Context, spec, defaultDir string) (Storage, error) {
	s, err := ParseStorageSpec(spec, defaultDir, os.Getenv)
	if err != nil {
		return nil, err
	}
	return s.Open(ctx)
}
