package web_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/loadgen"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// TestLargeDemo loads a small slice of the load-test data set and checks that
// its cached counts match the rows and that its pages render.
func TestLargeDemo(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		res, err := demo.LoadLarge(ctx, db, demo.LargeScale(0.005), 7, nil)
		if err != nil {
			t.Fatalf("LoadLarge: %v", err)
		}
		if len(res.Slugs) != 2 || res.Scale.Ideas != 500 {
			t.Fatalf("loaded %d localities and %d ideas, want 2 and 500", len(res.Slugs), res.Scale.Ideas)
		}
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.SQL().QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM ideas"); n != 500 {
			t.Errorf("ideas = %d, want 500", n)
		}
		if n := count(`SELECT COUNT(*) FROM ideas i WHERE i.supports <> (SELECT COUNT(*) FROM idea_supports s WHERE s.idea_id = i.id)
			OR i.comments <> (SELECT COUNT(*) FROM idea_comments c WHERE c.idea_id = i.id)`); n != 0 {
			t.Errorf("%d ideas have counts that differ from their rows", n)
		}
		if n := count("SELECT COUNT(*) FROM idea_comments c JOIN idea_comments p ON p.id = c.parent_id WHERE p.parent_id IS NOT NULL OR p.idea_id <> c.idea_id"); n != 0 {
			t.Errorf("%d replies to replies or to another idea's comments", n)
		}
		if n := count("SELECT COUNT(*) FROM signups s WHERE s.status = 'med' AND s.group_id IS NULL"); n != 0 {
			t.Errorf("%d joined sign-ups without a group", n)
		}
		if n := count("SELECT COUNT(*) FROM localities l WHERE l.phase <> (SELECT p.phase FROM phase_changes p WHERE p.locality_id = l.id ORDER BY p.on_date DESC, p.id DESC LIMIT 1)"); n != 0 {
			t.Errorf("%d localities whose phase is not their latest phase change", n)
		}

		// The idea list's pages, one after the other, hold the same ideas in
		// the same order as Ideas, for every sort.
		for _, srt := range []ortsplan.IdeaSort{ortsplan.SortNewest, ortsplan.SortSupported, ortsplan.SortStatus} {
			full, err := db.Ideas(ctx, 1, srt)
			if err != nil {
				t.Fatal(err)
			}
			var list []*ortsplan.Idea
			for offset := 0; ; offset += 25 {
				page, total, err := db.IdeaList(ctx, 1, srt, offset, 25)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(full) {
					t.Fatalf("%s: the list counts %d ideas, Ideas has %d", srt, total, len(full))
				}
				if len(page) > 25 {
					t.Fatalf("%s: a page of 25 holds %d", srt, len(page))
				}
				if len(page) == 0 {
					break
				}
				list = append(list, page...)
			}
			if len(list) != len(full) || len(list) == 0 {
				t.Fatalf("%s: list has %d ideas, Ideas %d", srt, len(list), len(full))
			}
			for n := range list {
				a, b := list[n], full[n]
				if a.ID != b.ID || a.Title != b.Title || a.Status != b.Status || a.Supports != b.Supports || a.Comments != b.Comments ||
					a.Hidden() != b.Hidden() || !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
					t.Fatalf("%s: idea %d of the list %+v differs from %+v", srt, n, a, b)
				}
			}
		}

		s := serveSite(t, db)
		b := s.browser()
		slug := res.Slugs[0]
		for _, path := range []string{"/", "/orter", "/orter/" + slug, "/orter/" + slug + "/handlingsplan", "/orter/" + slug + "/historik",
			"/orter/" + slug + "/ideer?sortera=stod", "/orter/" + slug + "/moten", "/orter/" + slug + "/arbetsgrupper",
			"/kalender", "/api/v1/localities", "/api/v1/meetings", "/sitemap.xml"} {
			wantStatus(t, b.get(path), 200)
		}
		// The idea list sorted by supports starts with the most supported idea.
		var topTitle string
		var topSupports int
		if err := db.SQL().QueryRowContext(ctx, `SELECT i.title, i.supports FROM ideas i JOIN localities l ON l.id = i.locality_id
			WHERE l.slug = $1 ORDER BY i.supports DESC, i.created_at DESC, i.id DESC LIMIT 1`, slug).Scan(&topTitle, &topSupports); err != nil {
			t.Fatal(err)
		}
		r := b.get("/orter/" + slug + "/ideer?sortera=stod")
		if first := strings.TrimSpace(r.Doc.Find("main h2, main h3").First().Text()); !strings.Contains(r.Body, topTitle) || first == "" {
			t.Errorf("idea list lacks the most supported idea %q", topTitle)
		}
		// Some generated meetings, ideas and revisions render.
		for _, q := range []string{"SELECT id FROM meetings ORDER BY id LIMIT 3", "SELECT id FROM ideas WHERE comments > 0 ORDER BY id LIMIT 3"} {
			rows, err := db.SQL().QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			if len(ids) == 0 {
				t.Fatalf("%s: none", q)
			}
			for _, id := range ids {
				path := fmt.Sprintf("/moten/%d", id)
				if strings.Contains(q, "ideas") {
					path = fmt.Sprintf("/ideer/%d", id)
				}
				wantStatus(t, b.get(path), 200)
			}
		}
		r = b.get("/orter/" + slug + "/historik")
		href, ok := r.Doc.Find(`a[href*="/historik/"]`).First().Attr("href")
		if !ok {
			t.Fatal("the history lists no revisions")
		}
		wantStatus(t, b.get(href), 200)
		// Every kind of generated revision renders with known texts.
		rows, err := db.SQL().QueryContext(ctx, "SELECT MIN(r.id), l.slug FROM revisions r JOIN localities l ON l.id = r.locality_id WHERE NOT r.draft GROUP BY r.kind, r.action, l.slug")
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for rows.Next() {
			var id int64
			var slug string
			rows.Scan(&id, &slug)
			paths = append(paths, fmt.Sprintf("/orter/%s/historik/%d", slug, id))
		}
		rows.Close()
		for _, p := range paths {
			wantStatus(t, b.get(p), 200)
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Errorf("%d texts missing from the catalog on the generated pages", n)
		}
	})
}

// BenchmarkLoadPages serves the page kinds of the load test from an existing
// database (ORTSPLAN_BENCH_DSN, e.g. one made by ortsplan demo --scale large),
// for profiling with -cpuprofile. It is skipped without one.
func BenchmarkLoadPages(b *testing.B) {
	dsn := os.Getenv("ORTSPLAN_BENCH_DSN")
	if dsn == "" {
		b.Skip("ORTSPLAN_BENCH_DSN names no database")
	}
	db, err := sqlstore.OpenAndMigrate(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	// The page cache is off: the benchmark measures the work behind a page.
	s := serveSite(b, db, func(_ *web.Config, svc *web.Services) { svc.PageVersion = nil })
	var slugs []string
	rows, err := db.SQL().Query("SELECT slug FROM localities ORDER BY id")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var slug string
		rows.Scan(&slug)
		slugs = append(slugs, slug)
	}
	rows.Close()
	c := loadgen.Client(8)
	for _, k := range loadgen.Kinds {
		b.Run(k.Name, func(b *testing.B) {
			t := &loadgen.Targets{Slugs: slugs, Meetings: []int64{1, 2, 3, 100, 2000}, Ideas: []int64{1, 2, 3, 100, 5000}, Words: []string{"badplatsen"}}
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(1, 2))
				for pb.Next() {
					resp, err := c.Get(s.srv.URL + k.Path(t, r))
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		})
	}
}
