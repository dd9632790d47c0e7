package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// BenchmarkPages serves the main public page kinds from the Flen demo on
// SQLite through the whole handler (middleware, store, templates), without
// the network. Run: go test -bench Pages -benchmem ./web
func BenchmarkPages(b *testing.B) {
	db := sqltest.Open(b, sqlstore.SQLite)
	s := newSite(b, db)
	for _, path := range []string{"/", "/orter", "/orter/sparreholm", "/orter/sparreholm/handlingsplan", "/orter/sparreholm/historik",
		"/orter/halleforsnas/moten", "/kalender", "/api/v1/localities/sparreholm", "/orter/sparreholm/handlingsplan.csv"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				rec := httptest.NewRecorder()
				s.web.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
