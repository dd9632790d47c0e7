package opendata

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// apiPrefix is where the open data API lives.
const apiPrefix = "/api/v1/"

// bufferWriter holds a response so that its ETag can be computed.
type bufferWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.buf.Write(p)
}

// apiHeaders buffers an API response, sets CORS headers and a strong ETag
// (a hash of the body), and answers 304 when If-None-Match names it.
func (h *Handler) apiHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag, Link")
		bw := &bufferWriter{header: h}
		next.ServeHTTP(bw, r)
		if bw.status == 0 {
			bw.status = http.StatusOK
		}
		if bw.status == http.StatusNoContent || bw.status == http.StatusNotModified {
			w.WriteHeader(bw.status)
			return
		}
		sum := sha256.Sum256(bw.buf.Bytes())
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", etag)
		if bw.status == http.StatusOK && etagMatch(r.Header.Get("If-None-Match"), etag) {
			h.Del("Content-Type")
			h.Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(bw.buf.Len()))
		w.WriteHeader(bw.status)
		w.Write(bw.buf.Bytes())
	})
}

// etagMatch reports whether an If-None-Match header names the ETag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// apiFallback answers what no API route does: the CORS preflight for GET,
// 404 for unknown paths and 405 for methods other than GET.
func (h *Handler) apiFallback(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodOptions:
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "If-None-Match")
		h.Set("Access-Control-Max-Age", "86400")
		h.Set("Allow", "GET, HEAD, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet, http.MethodHead:
		h.apiStatus(w, http.StatusNotFound, "no such API path: see "+h.cfg.BaseURL+"/api/v1/openapi.json")
	default:
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		h.apiStatus(w, http.StatusMethodNotAllowed, "the API is read-only: use GET")
	}
}

// apiStatus writes a JSON error {"error": msg}.
func (h *Handler) apiStatus(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// Paging: lists return pages of at most maxLimit items with an opaque
// cursor to the next page. The cursor holds the sort key of the last item.
const (
	defaultLimit = 100
	maxLimit     = 500
)

type cursor struct {
	List     string `json:"l"`
	Sort     string `json:"o,omitempty"`
	ID       int64  `json:"i,omitempty"`
	Supports int    `json:"n,omitempty"`
	Start    string `json:"t,omitempty"`
	Slug     string `json:"s,omitempty"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// pageRequest is the limit and cursor of a list request.
type pageRequest struct {
	Limit  int
	Cursor *cursor // nil for the first page
}

// parsePage reads limit and cursor; msg explains a bad value.
func parsePage(r *http.Request, list, sort string) (pageRequest, string) {
	p := pageRequest{Limit: defaultLimit}
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return p, "limit must be a whole number from 1 to " + strconv.Itoa(maxLimit)
		}
		p.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		var c cursor
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err == nil {
			err = json.Unmarshal(b, &c)
		}
		if err != nil || c.List != list || c.Sort != sort {
			return p, "cursor is not valid for this list: use the next link of the previous page"
		}
		p.Cursor = &c
	}
	return p, ""
}

// apiPage is the envelope of every list.
type apiPage struct {
	Data       any      `json:"data"`
	NextCursor *string  `json:"next_cursor"`
	Links      apiLinks `json:"links"`
}

type apiLinks struct {
	Self string  `json:"self"`
	Next *string `json:"next"`
}

// writePage writes a list page; next is the cursor of the following page or
// nil on the last. The next link keeps the request's filters.
func (h *Handler) writePage(w http.ResponseWriter, r *http.Request, data any, next *cursor) {
	page := apiPage{Data: data, Links: apiLinks{Self: h.cfg.BaseURL + r.URL.RequestURI()}}
	if next != nil {
		c := next.encode()
		q := r.URL.Query()
		q.Set("cursor", c)
		u := h.cfg.BaseURL + r.URL.Path + "?" + q.Encode()
		page.NextCursor, page.Links.Next = &c, &u
		w.Header().Set("Link", "<"+u+`>; rel="next"`)
	}
	h.writeJSON(w, r, page)
}

// queryLocality resolves ?locality=slug; 0 without the parameter.
func (h *Handler) queryLocality(w http.ResponseWriter, r *http.Request) (int64, bool) {
	slug := r.URL.Query().Get("locality")
	if slug == "" {
		return 0, true
	}
	l, err := h.svc.Localities.FindLocality(r.Context(), slug)
	if err != nil {
		h.apiError(w, r, err)
		return 0, false
	}
	return l.ID, true
}
