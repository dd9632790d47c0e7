package loadgen

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}, {1, time.Millisecond}} {
		if got := Percentile(d, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := Percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one = %v", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("p50 of none = %v", got)
	}
	r := &Result{latencies: []time.Duration{3, 1, 2, 10}, Requests: 4}
	r.summarise(2 * time.Second)
	if r.P50 != 2 || r.P99 != 10 || r.Max != 10 || r.RPS != 2 {
		t.Errorf("summary = %+v", r)
	}
}

// fakeServer answers the API, pages that take a known time, a 404 for
// search and the locality page with a style sheet and an image.
func fakeServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/localities", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "2" {
			fmt.Fprint(w, `{"data":[{"slug":"aspa","name":"Aspå"}],"links":{"self":"x"}}`)
			return
		}
		fmt.Fprintf(w, `{"data":[{"slug":"ekby","name":"Ekby"}],"links":{"next":"http://%s/api/v1/localities?cursor=2"}}`, r.Host)
	})
	mux.HandleFunc("GET /api/v1/ideas", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"data":[{"id":7}],"links":{}}`)
	})
	mux.HandleFunc("GET /api/v1/meetings", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"meetings":[{"id":4},{"id":9}]}`)
	})
	mux.HandleFunc("GET /orter/{slug}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("slug") != "ekby" && r.PathValue("slug") != "aspa" {
			http.NotFound(w, r)
			return
		}
		html := `<!doctype html><html><head><link rel="stylesheet" href="/static/app.css"><link rel="icon" href="/favicon.ico"></head>` +
			`<body><img src="/orter/ekby/bild/liten" alt="x"><img src="https://elsewhere.example/x.png" alt="y">` + strings.Repeat("<p>text</p>", 200) + `</body></html>`
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write([]byte(html))
			zw.Close()
			return
		}
		fmt.Fprint(w, html)
	})
	mux.HandleFunc("GET /static/app.css", func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("a"), 1000)) })
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("b"), 300)) })
	mux.HandleFunc("GET /orter/ekby/bild/liten", func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("c"), 2000)) })
	mux.HandleFunc("GET /moten/{id}", func(w http.ResponseWriter, r *http.Request) {
		if id := r.PathValue("id"); id != "4" && id != "9" {
			t.Errorf("meeting %s was not discovered", id)
		}
		time.Sleep(2 * time.Millisecond)
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.2345678e+07\n")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestRunReportsPerKind(t *testing.T) {
	srv := fakeServer(t)
	rep, err := Run(context.Background(), Config{URL: srv.URL, Clients: 4, Duration: 300 * time.Millisecond, Kinds: []string{"meeting", "search", "locality"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Kinds) != 3 {
		t.Fatalf("kinds = %d, want 3", len(rep.Kinds))
	}
	byName := map[string]*Result{}
	for _, k := range rep.Kinds {
		byName[k.Kind] = k
		if k.Requests == 0 {
			t.Errorf("%s: no requests", k.Kind)
		}
	}
	m := byName["meeting"]
	if m.Errors != 0 || m.P50 < 2*time.Millisecond || m.Max < m.P99 || m.P99 < m.P50 {
		t.Errorf("meeting: %+v", m)
	}
	if s := byName["search"]; s.Errors != s.Requests || !strings.Contains(s.FirstErr, "404") {
		t.Errorf("search: %d errors of %d, first %q", s.Errors, s.Requests, s.FirstErr)
	}
	if l := byName["locality"]; l.Errors != 0 {
		t.Errorf("locality: %d errors, first %q", l.Errors, l.FirstErr)
	}
	if rep.Total != byName["meeting"].Requests+byName["search"].Requests+byName["locality"].Requests {
		t.Errorf("total %d is not the sum of the kinds", rep.Total)
	}
	if rep.PeakMemory != 12345678 {
		t.Errorf("peak memory = %d, want the /metrics figure", rep.PeakMemory)
	}
	// The page as sent (gzip) plus the style sheet, icon and the one local image.
	pw := rep.PageWeight
	if pw == nil || len(pw.Files) != 4 || pw.Total != pw.Files[0].Bytes+1000+300+2000 || pw.Files[0].Bytes > 1000 {
		t.Fatalf("page weight: %+v", pw)
	}
	var out strings.Builder
	rep.Print(&out)
	for _, want := range []string{"meeting", "search", "404 Not Found", "11.8 MB", "locality page weight"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunAgainstTheLimit drives each kind alone, then the memory server
// with the same answers: each kind has a limit, the sizes raw and as sent.
func TestRunAgainstTheLimit(t *testing.T) {
	srv := fakeServer(t)
	rep, err := Run(context.Background(), Config{URL: srv.URL, Clients: 2, Duration: 200 * time.Millisecond,
		Kinds: []string{"meeting", "locality"}, PerKind: true, Limit: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range rep.Kinds {
		if k.Requests == 0 || k.Errors != 0 || k.LimitRPS == 0 || k.Share() <= 0 {
			t.Errorf("%s: %d requests, %d errors (%s), limit %.0f/s", k.Kind, k.Requests, k.Errors, k.FirstErr, k.LimitRPS)
		}
	}
	if len(rep.Kinds) != 2 {
		t.Fatalf("%d kinds, want 2", len(rep.Kinds))
	}
	l, m := rep.Kinds[0], rep.Kinds[1] // in the order of Kinds
	// The meeting page takes 2 ms here; from memory it takes less.
	if m.LimitRPS <= m.RPS || m.Share() >= 1 {
		t.Errorf("meeting: %.0f/s, limit %.0f/s", m.RPS, m.LimitRPS)
	}
	if l.Raw < 2000 || l.Sent >= l.Raw || m.Raw != 2 || m.Sent != 2 {
		t.Errorf("sizes: locality %d raw, %d sent; meeting %d, %d", l.Raw, l.Sent, m.Raw, m.Sent)
	}
	if rep.Duration < 400*time.Millisecond {
		t.Errorf("two kinds alone for 200 ms took %s", rep.Duration)
	}
	var out strings.Builder
	rep.Print(&out)
	if !strings.Contains(out.String(), "share") || !strings.Contains(out.String(), "sent KB") {
		t.Errorf("report:\n%s", out.String())
	}
}

func TestDiscoverFollowsPages(t *testing.T) {
	srv := fakeServer(t)
	tg, err := Discover(context.Background(), Client(1), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tg.Slugs, ",") != "ekby,aspa" || len(tg.Meetings) != 2 {
		t.Fatalf("targets: %+v", tg)
	}
}

func TestUnknownKind(t *testing.T) {
	srv := fakeServer(t)
	if _, err := Run(context.Background(), Config{URL: srv.URL, Duration: time.Millisecond, Kinds: []string{"nope"}}); err == nil ||
		!strings.Contains(err.Error(), "unknown kind") {
		t.Fatalf("err = %v", err)
	}
}
