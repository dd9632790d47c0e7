package media

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/ortsplan/ortsplan"
)

// S3Config names a bucket of S3-compatible object storage.
type S3Config struct {
	// Endpoint is the server's URL, like https://s3.example.se or
	// http://127.0.0.1:8333; with http the connection is not encrypted.
	Endpoint string
	// Region signs the requests; servers other than AWS mostly accept any.
	Region string
	Bucket string
	// AccessKey and SecretKey are the credentials (AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY); SessionToken is AWS_SESSION_TOKEN, if any.
	AccessKey, SecretKey, SessionToken string
}

// S3Storage keeps files as objects in one bucket, each key the object's
// name, with path-style addressing (http://host/bucket/key), which every
// S3-compatible server understands. The content type is the object's.
type S3Storage struct {
	client *minio.Client
	bucket string
}

var _ Storage = (*S3Storage)(nil)

// DefaultS3Region is the region of an s3:// spec that names none; servers
// other than AWS mostly accept any region.
const DefaultS3Region = "us-east-1"

// s3CheckTimeout bounds the check at start-up that the bucket is there.
const s3CheckTimeout = 15 * time.Second

// NewS3Storage connects to the bucket and checks that it exists and that the
// credentials may use it, so that a wrong setting fails at start-up.
func NewS3Storage(ctx context.Context, cfg S3Config) (*S3Storage, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("media: S3 endpoint %q: want http://HOST[:PORT] or https://HOST[:PORT]", cfg.Endpoint)
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("media: S3 client for %s: %w", cfg.Endpoint, err)
	}
	s := &S3Storage{client: client, bucket: cfg.Bucket}
	ctx, cancel := context.WithTimeout(ctx, s3CheckTimeout)
	defer cancel()
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("media: S3 bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("media: S3 bucket %q does not exist at %s (create it first)", cfg.Bucket, cfg.Endpoint)
	}
	return s, nil
}

func (s *S3Storage) check(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return CheckKey(key)
}

// Put stores data under key. An empty contentType is derived from the key's
// extension. S3 replaces an object in one step: a reader sees the old or the
// new version, never a mix.
func (s *S3Storage) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := s.check(ctx, key); err != nil {
		return err
	}
	if contentType == "" {
		contentType = typeByExt(key)
	}
	if strings.ContainsAny(contentType, "\r\n") {
		return fmt.Errorf("media: bad content type %q", contentType)
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("media: put %s in S3 bucket %s: %w", key, s.bucket, err)
	}
	return nil
}

// Open returns the object under key; reading and seeking fetch its bytes
// as they are needed, within ctx.
func (s *S3Storage) Open(ctx context.Context, key string) (io.ReadSeekCloser, Info, error) {
	if err := s.check(ctx, key); err != nil {
		return nil, Info{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, s.openError(key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, Info{}, s.openError(key, err)
	}
	info := Info{Size: st.Size, ContentType: st.ContentType, ModTime: st.LastModified}
	if info.ContentType == "" {
		info.ContentType = typeByExt(key)
	}
	return obj, info, nil
}

func (s *S3Storage) openError(key string, err error) error {
	missing := minio.ToErrorResponse(err).Code == minio.NoSuchKey
	err = fmt.Errorf("media: open %s in S3 bucket %s: %w", key, s.bucket, err)
	if missing {
		return &ortsplan.Error{Code: ortsplan.ENOTFOUND, Key: "error.not_found", Err: err}
	}
	return err
}

// Delete removes the object under key; a missing key is no error.
func (s *S3Storage) Delete(ctx context.Context, key string) error {
	if err := s.check(ctx, key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil
		}
		return fmt.Errorf("media: delete %s in S3 bucket %s: %w", key, s.bucket, err)
	}
	return nil
}

// List yields the key of every object in the bucket whose name is a valid
// key, in byte order of the names; other objects are not the store's.
func (s *S3Storage) List(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := ctx.Err(); err != nil {
			yield("", err)
			return
		}
		parent := ctx
		// Cancelling stops minio's listing when the caller stops early.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for obj := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err != nil {
				yield("", fmt.Errorf("media: list S3 bucket %s: %w", s.bucket, obj.Err))
				return
			}
			if CheckKey(obj.Key) != nil {
				continue
			}
			if !yield(obj.Key, nil) {
				return
			}
		}
		// minio's iterator just ends when the context is done.
		if err := parent.Err(); err != nil {
			yield("", fmt.Errorf("media: list S3 bucket %s: %w", s.bucket, err))
		}
	}
}
