// Package loadgen drives a running Ortsplan server with concurrent keep-alive
// clients and reports throughput and latency per page kind, the server's peak
// memory and the weight of a locality page.
package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Kind is one kind of page: a name and how to pick a path.
type Kind struct {
	Name string
	Path func(t *Targets, r *rand.Rand) string
}

// Targets are the real URLs found on the server.
type Targets struct {
	Slugs    []string
	Meetings []int64
	Words    []string // search words
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// Kinds are the page kinds the load test knows, in report order.
var Kinds = []Kind{
	{"orter", func(*Targets, *rand.Rand) string { return "/orter" }},
	{"locality", func(t *Targets, r *rand.Rand) string { return "/orter/" + pick(r, t.Slugs) }},
	{"plan", func(t *Targets, r *rand.Rand) string { return "/orter/" + pick(r, t.Slugs) + "/handlingsplan" }},
	{"meeting", func(t *Targets, r *rand.Rand) string { return fmt.Sprintf("/moten/%d", pick(r, t.Meetings)) }},
	{"ideas-by-support", func(t *Targets, r *rand.Rand) string { return "/orter/" + pick(r, t.Slugs) + "/ideer?sortera=stod" }},
	{"search", func(t *Targets, r *rand.Rand) string { return "/sok?q=" + url.QueryEscape(pick(r, t.Words)) }},
	{"api-localities", func(*Targets, *rand.Rand) string { return "/api/v1/localities" }},
	{"api-meetings", func(t *Targets, r *rand.Rand) string { return "/api/v1/meetings?locality=" + pick(r, t.Slugs) }},
	{"effects", func(*Targets, *rand.Rand) string { return "/effekter" }},
}

// KindNames lists the names of Kinds.
func KindNames() []string {
	var out []string
	for _, k := range Kinds {
		out = append(out, k.Name)
	}
	return out
}

// Config is one load run.
type Config struct {
	URL      string        // the server, e.g. http://127.0.0.1:8080
	Clients  int           // concurrent keep-alive clients
	Duration time.Duration // how long to drive it
	Kinds    []string      // kinds to request, round robin; empty for all
	PID      int           // the server's process, for VmHWM; 0 reads /metrics
	Seed     uint64
}

// Result holds the figures of one kind.
type Result struct {
	Kind      string
	Requests  int
	Errors    int
	FirstErr  string
	RPS       float64
	P50, P99  time.Duration
	Max       time.Duration
	latencies []time.Duration
}

// Report is the outcome of a run.
type Report struct {
	Duration   time.Duration
	Clients    int
	Kinds      []*Result
	Total      int
	PeakMemory int64 // bytes; 0 when unknown
	MemorySrc  string
	PageWeight *Weight
}

// Percentile returns the p-th percentile (0–100) of sorted durations, by the
// nearest-rank method.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

// summarise fills the figures from the latencies.
func (r *Result) summarise(d time.Duration) {
	slices.Sort(r.latencies)
	r.P50 = Percentile(r.latencies, 50)
	r.P99 = Percentile(r.latencies, 99)
	if n := len(r.latencies); n > 0 {
		r.Max = r.latencies[n-1]
	}
	if d > 0 {
		r.RPS = float64(r.Requests) / d.Seconds()
	}
}

// Client returns an HTTP client that keeps n connections open to one host.
func Client(n int) *http.Client {
	tr := &http.Transport{MaxIdleConns: n * 2, MaxIdleConnsPerHost: n * 2, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute,
		DisableCompression: true}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Discover finds locality slugs and meeting ids through the API, following
// its pages (all localities, the first pages of meetings).
func Discover(ctx context.Context, c *http.Client, base string) (*Targets, error) {
	t := &Targets{Words: []string{"badplatsen", "lekplatsen", "belysning", "cykelväg", "bygdegården", "trygghet"}}
	err := pages(ctx, c, base+"/api/v1/localities?limit=500", 100, func(items json.RawMessage) error {
		var ls []struct {
			Slug string `json:"slug"`
			Name string `json:"name"`
		}
		if err := json.Unmarshal(items, &ls); err != nil {
			return err
		}
		for _, l := range ls {
			t.Slugs = append(t.Slugs, l.Slug)
			t.Words = append(t.Words, l.Name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = pages(ctx, c, base+"/api/v1/meetings?limit=500", 10, func(items json.RawMessage) error {
		var ms []struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(items, &ms); err != nil {
			return err
		}
		for _, m := range ms {
			t.Meetings = append(t.Meetings, m.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.Slugs) == 0 || len(t.Meetings) == 0 {
		return nil, fmt.Errorf("loadgen: the server has %d localities and %d meetings; load a data set first", len(t.Slugs), len(t.Meetings))
	}
	return t, nil
}

// pages reads up to max pages of an API list, handing each page's items to
// fn. Pages hold their items in "data" (or, unpaged, under the list's name)
// and link the next page in "links.next".
func pages(ctx context.Context, c *http.Client, u string, max int, fn func(json.RawMessage) error) error {
	for n := 0; u != "" && n < max; n++ {
		var page map[string]json.RawMessage
		if err := getJSON(ctx, c, u, &page); err != nil {
			return err
		}
		items := page["data"]
		for _, k := range []string{"localities", "meetings"} {
			if items == nil {
				items = page[k]
			}
		}
		if items != nil {
			if err := fn(items); err != nil {
				return fmt.Errorf("loadgen: %s: %w", u, err)
			}
		}
		var links struct {
			Next string `json:"next"`
		}
		u = ""
		if raw := page["links"]; raw != nil && json.Unmarshal(raw, &links) == nil {
			u = links.Next
		}
	}
	return nil
}

func getJSON(ctx context.Context, c *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("loadgen: GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// Run drives the server and returns the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	base := strings.TrimRight(cfg.URL, "/")
	if cfg.Clients <= 0 {
		cfg.Clients = 1
	}
	var kinds []Kind
	for _, k := range Kinds {
		if len(cfg.Kinds) == 0 || slices.Contains(cfg.Kinds, k.Name) {
			kinds = append(kinds, k)
		}
	}
	for _, name := range cfg.Kinds {
		if !slices.Contains(KindNames(), name) {
			return nil, fmt.Errorf("loadgen: unknown kind %q (known: %s)", name, strings.Join(KindNames(), ", "))
		}
	}
	c := Client(cfg.Clients)
	t, err := Discover(ctx, c, base)
	if err != nil {
		return nil, err
	}
	rep := &Report{Clients: cfg.Clients}
	rep.PageWeight, _ = PageWeight(ctx, c, base+"/orter/"+t.Slugs[0])

	mem := newMemWatch(c, base, cfg.PID)
	memCtx, stopMem := context.WithCancel(ctx)
	memDone := make(chan struct{})
	go func() { mem.watch(memCtx); close(memDone) }()

	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	per := make([][]*Result, cfg.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < cfg.Clients; i++ {
		res := make([]*Result, len(kinds))
		for k := range res {
			res[k] = &Result{Kind: kinds[k].Name}
		}
		per[i] = res
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
			for n := i; runCtx.Err() == nil; n++ {
				k := n % len(kinds)
				one(runCtx, c, base+kinds[k].Path(t, r), res[k])
			}
		}(i)
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	stopMem()
	<-memDone
	rep.PeakMemory, rep.MemorySrc = mem.peak, mem.src
	for k := range kinds {
		sum := &Result{Kind: kinds[k].Name}
		for _, res := range per {
			sum.Requests += res[k].Requests
			sum.Errors += res[k].Errors
			if sum.FirstErr == "" {
				sum.FirstErr = res[k].FirstErr
			}
			sum.latencies = append(sum.latencies, res[k].latencies...)
		}
		sum.summarise(rep.Duration)
		rep.Total += sum.Requests
		rep.Kinds = append(rep.Kinds, sum)
	}
	return rep, nil
}

// one makes a request and records it; requests cut off by the end of the run
// are not counted.
func one(ctx context.Context, c *http.Client, u string, res *Result) {
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	t0 := time.Now()
	resp, err := c.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	d := time.Since(t0)
	if ctx.Err() != nil {
		return
	}
	res.Requests++
	res.latencies = append(res.latencies, d)
	switch {
	case err != nil:
		res.Errors++
		if res.FirstErr == "" {
			res.FirstErr = err.Error()
		}
	case resp.StatusCode != http.StatusOK:
		res.Errors++
		if res.FirstErr == "" {
			res.FirstErr = u + ": " + resp.Status
		}
	}
}

// Print writes the report as a table.
func (rep *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d clients for %s, %d requests (%.0f/s)\n\n", rep.Clients, rep.Duration.Round(time.Millisecond), rep.Total,
		float64(rep.Total)/rep.Duration.Seconds())
	fmt.Fprintf(w, "%-18s %9s %9s %9s %9s %9s %7s\n", "kind", "requests", "req/s", "p50", "p99", "max", "errors")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
	kinds := rep.Kinds
	for _, k := range kinds {
		fmt.Fprintf(w, "%-18s %9d %9.0f %9s %9s %9s %7d\n", k.Kind, k.Requests, k.RPS, ms(k.P50), ms(k.P99), ms(k.Max), k.Errors)
	}
	for _, k := range kinds {
		if k.FirstErr != "" {
			fmt.Fprintf(w, "  %s: first error: %s\n", k.Kind, k.FirstErr)
		}
	}
	if rep.PeakMemory > 0 {
		fmt.Fprintf(w, "\nserver peak memory: %.1f MB (%s)\n", float64(rep.PeakMemory)/(1<<20), rep.MemorySrc)
	} else {
		fmt.Fprintf(w, "\nserver peak memory: unknown (give --pid, or let /metrics answer)\n")
	}
	if pw := rep.PageWeight; pw != nil {
		fmt.Fprintf(w, "locality page weight: %.1f KB as sent (%d files: HTML %.1f KB, other %.1f KB)\n",
			float64(pw.Total)/1024, len(pw.Files), float64(pw.Files[0].Bytes)/1024, float64(pw.Total-pw.Files[0].Bytes)/1024)
	}
}
