package web_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestEverySaveSaysSo sends every staff form of the route table (see
// authz_test.go) as an admin and follows it: each save must end on a page
// with a visible status message, so nobody is left wondering whether it took.
func TestEverySaveSaysSo(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		f := newAuthzFixture(t, s)
		s.user("sparat-admin@example.se", ortsplan.RoleAdmin)
		admin := s.browser()
		admin.login("sparat-admin@example.se", testPassword)
		rows := authzRows()
		sort.SliceStable(rows, func(i, j int) bool { return !rows[i].last && rows[j].last })
		checked := 0
		for _, row := range rows {
			if !strings.HasPrefix(row.pattern, "POST ") || row.form == nil || row.last || (row.control != editorA && row.control != adminA) {
				continue
			}
			path := row.path(f)
			var res *response
			if row.file != "" {
				fields := map[string]string{}
				form := row.form(f)
				for k := range form {
					if k != "filename" && k != "csvdata" {
						fields[k] = form.Get(k)
					}
				}
				data := f.pngBytes
				switch {
				case strings.HasSuffix(form.Get("filename"), ".pdf"):
					data = f.pdfBytes
				case strings.HasSuffix(form.Get("filename"), ".csv"):
					data = []byte(form.Get("csvdata"))
				}
				res = admin.uploadAs(path, row.file, fields, form.Get("filename"), data)
			} else {
				res = admin.post(path, row.form(f))
			}
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("%s %s: status %d, want 303", row.pattern, path, res.StatusCode)
				continue
			}
			page := admin.get(res.Header.Get("Location"))
			if page.Doc == nil || strings.TrimSpace(page.Doc.Find(`main [role="status"]`).Text()) == "" {
				t.Errorf("%s %s: the page after saving (%s, %d) has no status message\n%s", row.pattern, path, res.Header.Get("Location"), page.StatusCode, truncate(text(page, "main"), 400))
			}
			checked++
		}
		if checked < 20 {
			t.Fatalf("only %d staff forms checked", checked)
		}
		t.Logf("%d staff forms end with a status message", checked)
	})
}
