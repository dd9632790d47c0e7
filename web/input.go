package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Hostile input is refused at the edge, before any query runs: paths, query
// values and form values must be valid UTF-8 without NUL or other control
// characters (text areas may hold line breaks and tabs).

// cleanText reports whether s is valid UTF-8 without control characters;
// with multiline, newlines, carriage returns and tabs are allowed.
func cleanText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\uFFFE' || r == '\uFFFF' {
			return false
		}
	}
	return true
}

// cleanValues reports whether every key and value is clean text.
func cleanValues(vs url.Values, multiline bool) bool {
	for k, list := range vs {
		if !cleanText(k, false) {
			return false
		}
		for _, v := range list {
			if !cleanText(v, multiline) {
				return false
			}
		}
	}
	return true
}

// refuseBadInput answers 400 for a path or query that is not clean text,
// and logs the refusal without the raw bytes.
func (s *Server) refuseBadInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil || !cleanText(r.URL.Path, false) || !cleanValues(q, false) {
			s.badInput(w, r, "path or query")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// badInput refuses a request whose input is not clean text.
func (s *Server) badInput(w http.ResponseWriter, r *http.Request, where string) {
	s.log.Warn("refused input that is not clean text", "request_id", reqInfo(r).ID, "in", where, "path", safeLog(r.URL.Path))
	s.renderError(w, r, http.StatusBadRequest, "error.bad_input")
}

// safeLog returns s for a log line: invalid bytes and control characters
// become U+FFFD, and it is cut at 200 bytes.
func safeLog(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// redirectTarget decides where a redirect to a path that came from the
// visitor (a "till" parameter or cookie) may go: a path on this site, else
// "/". It refuses control characters (browsers drop tabs and newlines, so
// "/\t/evil.example" would leave the site), backslashes (which browsers read
// as slashes), a scheme, a host or user info, and paths that start with two
// slashes.
func redirectTarget(p string) string {
	if p == "" || len(p) > 2000 || !cleanText(p, false) || strings.ContainsRune(p, '\\') ||
		!strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	// Percent-encoded slashes and backslashes stay encoded in the Location
	// header, but refuse them where the path would start with them.
	if lower := strings.ToLower(u.EscapedPath()); strings.HasPrefix(lower, "/%2f") || strings.HasPrefix(lower, "/%5c") {
		return "/"
	}
	return u.RequestURI() + fragment(u)
}

func fragment(u *url.URL) string {
	if u.Fragment == "" {
		return ""
	}
	return "#" + u.EscapedFragment()
}
