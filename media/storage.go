package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// Storage keeps files by key. Keys are made by the caller from lowercase
// a–z, 0–9 and "/-._", like "photos/2024/abc123-page.jpg"; others are refused.
type Storage interface {
	// Put stores data under key, replacing what was there.
	Put(ctx context.Context, key string, data []byte, contentType string) error
	// Open returns the file under key; a missing key gives ortsplan.ENOTFOUND.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, Info, error)
	// Delete removes the file under key; a missing key is no error.
	Delete(ctx context.Context, key string) error
	// List yields every stored key once, in no promised order, or an error
	// that ends the listing. The store's own hidden files are not keys.
	List(ctx context.Context) iter.Seq2[string, error]
}

// Info describes a stored file.
type Info struct {
	Size        int64
	ContentType string
	ModTime     time.Time
}

// KeyStorageKey is the translation key of the error for a refused key.
const KeyStorageKey = "error.storage_key"

// maxKeyLen bounds a key; file systems allow 255 bytes a name, 4096 a path.
const maxKeyLen = 512

// CheckKey returns an ortsplan.EINVALID error unless key is non-empty, made
// of a–z 0–9 / - . _ only, relative, without empty segments, "..", or a
// segment starting with "." (those names are the store's own temp files).
func CheckKey(key string) error {
	bad := key == "" || len(key) > maxKeyLen || strings.Contains(key, "..")
	for _, c := range []byte(key) {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '-' || c == '.' || c == '_'
		bad = bad || !ok
	}
	for seg := range strings.SplitSeq(key, "/") {
		bad = bad || seg == "" || seg[0] == '.'
	}
	if bad {
		return &ortsplan.Error{Code: ortsplan.EINVALID, Key: KeyStorageKey, Err: fmt.Errorf("media: bad key %q", key)}
	}
	return nil
}

// DirStorage stores files in a folder, by convention <data>/files. Each file
// is written to a temp file beside it and renamed, so a reader never sees half
// a file. The content type is kept in a hidden sidecar ".<name>.type" written
// just before the file. All access goes through os.Root, so even a symlink
// inside the folder cannot lead outside it.
type DirStorage struct {
	Root string
}

var _ Storage = (*DirStorage)(nil)

// NewDirStorage creates the folder root if needed and returns a DirStorage.
func NewDirStorage(root string) (*DirStorage, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("media: storage folder: %w", err)
	}
	return &DirStorage{Root: root}, nil
}

func (s *DirStorage) open(ctx context.Context, key string) (*os.Root, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(s.Root)
	if err != nil {
		return nil, fmt.Errorf("media: storage folder: %w", err)
	}
	return r, nil
}

// typeName is the sidecar holding the content type of key.
func typeName(key string) string {
	dir, name := path.Split(key)
	return dir + "." + name + ".type"
}

// Put stores data under key, atomically. An empty contentType is derived
// from the key's extension.
func (s *DirStorage) Put(ctx context.Context, key string, data []byte, contentType string) error {
	r, err := s.open(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	if contentType == "" {
		contentType = typeByExt(key)
	}
	if strings.ContainsAny(contentType, "\r\n") {
		return fmt.Errorf("media: bad content type %q", contentType)
	}
	if dir := path.Dir(key); dir != "." {
		if err := r.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("media: put %s: %w", key, err)
		}
	}
	if err := writeAtomic(r, typeName(key), []byte(contentType)); err != nil {
		return err
	}
	return writeAtomic(r, key, data)
}

// writeAtomic writes data to a hidden temp file beside name, syncs it and
// renames it to name; on any error the temp file is removed.
func writeAtomic(r *os.Root, name string, data []byte) (err error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	dir, base := path.Split(name)
	tmp := dir + "." + base + ".tmp-" + hex.EncodeToString(rnd[:])
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("media: put %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			r.Remove(tmp)
			err = fmt.Errorf("media: put %s: %w", name, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return r.Rename(tmp, name)
}

// Open returns the file under key with its size, content type and time.
func (s *DirStorage) Open(ctx context.Context, key string) (io.ReadSeekCloser, Info, error) {
	r, err := s.open(ctx, key)
	if err != nil {
		return nil, Info{}, err
	}
	defer r.Close()
	f, err := r.Open(key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = &ortsplan.Error{Code: ortsplan.ENOTFOUND, Key: "error.not_found", Err: err}
		}
		return nil, Info{}, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = &ortsplan.Error{Code: ortsplan.ENOTFOUND, Key: "error.not_found", Err: fmt.Errorf("media: %s is no file", key)}
	}
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	info := Info{Size: st.Size(), ModTime: st.ModTime(), ContentType: typeByExt(key)}
	if ct, err := r.ReadFile(typeName(key)); err == nil && len(ct) > 0 {
		info.ContentType = string(ct)
	}
	return f, info, nil
}

// Delete removes the file under key and its sidecar; a missing key is no
// error. Folders are left in place.
func (s *DirStorage) Delete(ctx context.Context, key string) error {
	r, err := s.open(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	for _, name := range []string{key, typeName(key)} {
		if err := r.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("media: delete %s: %w", key, err)
		}
	}
	return nil
}

// List yields the key of every file in the folder, folder by folder. It skips
// hidden names (the temp files and content-type sidecars, and any folder
// whose name starts with "."), symlinks and other non-regular files, and
// names that are no valid key, which Put never writes.
func (s *DirStorage) List(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		r, err := os.OpenRoot(s.Root)
		if err != nil {
			yield("", fmt.Errorf("media: storage folder: %w", err))
			return
		}
		defer r.Close()
		stopped := false
		err = fs.WalkDir(r.FS(), ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if name == "." {
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || CheckKey(name) != nil {
				return nil
			}
			if !yield(name, nil) {
				stopped = true
				return fs.SkipAll
			}
			return nil
		})
		if err != nil && !stopped {
			yield("", fmt.Errorf("media: list storage folder: %w", err))
		}
	}
}

// typeByExt returns the content type for the key's extension, from a fixed
// table so that it does not depend on the machine's MIME files.
func typeByExt(key string) string {
	switch strings.ToLower(path.Ext(key)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".webp":
		return "image/webp"
	case ".pdf":
		return "application/pdf"
	}
	return "application/octet-stream"
}
