package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed names, so they
// can be cached for a year and still change on every release.
type assets struct {
	byName map[string]string // "style.css" → "style.3f2a9c1b.css"
	files  map[string]asset  // hashed name → content
}

type asset struct {
	body []byte
	typ  string
	etag string
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(path.Base(p), b, "")
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}
	return a, nil
}

// add serves b under name's content-hashed form; typ "" is taken from the
// name's extension.
func (a *assets) add(name string, b []byte, typ string) {
	sum := sha256.Sum256(b)
	h := hex.EncodeToString(sum[:])[:10]
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + h + ext
	if typ == "" {
		typ = mime.TypeByExtension(ext)
	}
	if typ == "" {
		typ = "application/octet-stream"
	}
	a.byName[name] = hashed
	a.files[hashed] = asset{body: b, typ: typ, etag: `"` + h + `"`}
}

// url returns the hashed URL of a static file; an unknown name panics at
// template parse time through the caller's test, never silently.
func (a *assets) url(name string) (string, error) {
	h, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + h, nil
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.typ)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(f.body)
}

func (a *assets) favicon(w http.ResponseWriter, r *http.Request) {
	u, err := a.url("favicon.svg")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, u, http.StatusMovedPermanently)
}
