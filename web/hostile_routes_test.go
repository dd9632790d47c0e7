package web_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// Hostile values: bytes that are not UTF-8, NUL, a control character, a
// number too large for any column, a negative number, and an id of nothing.
var hostileValues = []string{"%FF", "%00", "%1B", "99999999999999999999", "-1", "987654321"}

// hostileQuery are the query parameters the handlers read.
var hostileQuery = []string{"q", "ort", "typ", "sida", "sortera", "period", "locality", "limit", "cursor", "from", "to", "till",
	"lang", "tema", "foralder", "grupp", "status", "jamfor", "klart", "sparat", "anmald", "uppladdat", "tack", "sort", "phase", "fas", "skapad",
	"fore", "igen", "mote", "skickat"}

// TestHostileInputOnEveryRoute sends every route of the route table (see
// authz_test.go) with each hostile value in each of its path's variables,
// in each query parameter, and in each form field, as a visitor and as an
// admin (who reaches the deepest code), on both databases. Nothing may
// answer 5xx or panic.
//
// The race detector finds nothing here that the other tests do not reach,
// and it makes the 12,000 requests per engine take minutes; with it on, the
// test sends every fourth request (a different quarter per engine), and
// .ci/run also runs the whole set without it.
func TestHostileInputOnEveryRoute(t *testing.T) {
	engine := 0
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		engine++
		offset := engine
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		f := newAuthzFixture(t, s)
		s.user("fuzz-admin@example.se", ortsplan.RoleAdmin)
		admin := s.browser()
		admin.login("fuzz-admin@example.se", testPassword)
		actors := map[string]*browser{"visitor": s.browser(), "admin": admin}
		rows := authzRows()
		sort.SliceStable(rows, func(i, j int) bool { return !rows[i].last && rows[j].last })
		requests, sent := 0, 0
		// wanted says whether the next request is sent: all of them, or
		// every fourth under the race detector.
		wanted := func() bool {
			requests++
			return !raceEnabled || (requests+offset)%4 == 0
		}
		check := func(who, what string, r *response) {
			t.Helper()
			sent++
			if r.StatusCode >= 500 {
				t.Errorf("%s as %s: status %d\n%s", what, who, r.StatusCode, truncate(r.Body, 300))
			}
		}
		for _, row := range rows {
			base := row.path(f)
			u, _ := url.Parse(base)
			segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
			_, pat, _ := strings.Cut(row.pattern, " ")
			if pat == "" {
				pat = row.pattern
			}
			patSegs := strings.Split(strings.TrimPrefix(pat, "/"), "/")
			for _, name := range []string{"visitor", "admin"} {
				b := actors[name]
				send := func(path string, form url.Values) *response {
					if row.form == nil {
						return b.get(path)
					}
					if row.file != "" {
						fields := map[string]string{}
						for k := range form {
							if k != "filename" {
								fields[k] = form.Get(k)
							}
						}
						return b.uploadAs(path, row.file, fields, form.Get("filename"), f.pngBytes)
					}
					return b.post(path, form)
				}
				form := func() url.Values {
					if row.form == nil {
						return nil
					}
					return row.form(f)
				}
				for _, v := range hostileValues {
					// Each variable of the path.
					for i, ps := range patSegs {
						if i >= len(segs) || !strings.HasPrefix(ps, "{") {
							continue
						}
						bad := append([]string{}, segs...)
						bad[i] = v
						path := "/" + strings.Join(bad, "/")
						if !wanted() {
							continue
						}
						check(name, row.pattern+" path "+path, send(path, form()))
					}
					// Each form field, one at a time (the value decoded, as a browser sends it).
					if row.form != nil {
						raw, _ := url.PathUnescape(v)
						for k := range form() {
							if k == "filename" || k == "csrf" || !wanted() {
								continue
							}
							fv := form()
							fv.Set(k, raw)
							check(name, row.pattern+" "+base+" form "+k+"="+v, send(base, fv))
						}
					}
				}
				// Each query parameter: the values a handler parses one at a
				// time, the encodings (refused at the edge) all at once.
				if row.form == nil {
					for _, p := range hostileQuery {
						for _, v := range []string{"99999999999999999999", "-1"} {
							if !wanted() {
								continue
							}
							q := u.Query()
							q.Set(p, v)
							check(name, row.pattern+" "+u.Path+"?"+p+"="+v, send(u.Path+"?"+q.Encode(), nil))
						}
					}
					for _, v := range []string{"%FF", "%00", "%1B"} {
						var parts []string
						for _, p := range hostileQuery {
							parts = append(parts, p+"="+v)
						}
						path := u.Path + "?" + strings.Join(parts, "&")
						requests++
						r := send(path, nil)
						check(name, row.pattern+" all query parameters "+v, r)
						if r.StatusCode != http.StatusBadRequest {
							t.Errorf("%s with %s in the query as %s: %d, want 400", row.pattern, v, name, r.StatusCode)
						}
					}
				}
			}
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Errorf("%d texts were looked up under keys made from the input", n)
		}
		t.Logf("%d hostile requests sent of %d", sent, requests)
	})
}
