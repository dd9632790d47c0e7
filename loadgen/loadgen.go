// Package loadgen drives a running Ortsplan server with concurrent keep-alive
// clients and reports throughput and latency per page kind, the server's peak
// memory and the weight of a locality page.
package loadgen

import (
	"context"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
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
	Ideas    []int64
	Words    []string // search words
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// Kinds are the page kinds the load test knows, in report order.
var Kinds = []Kind{
	{"home", func(*Targets, *rand.Rand) string { return "/" }},
	{"orter", func(*Targets, *rand.Rand) string { return "/orter" }},
	{"locality", func(t *Targets, r *rand.Rand) string { return "/orter/" + pick(r, t.Slugs) }},
	{"plan", func(t *Targets, r *rand.Rand) string { return "/orter/" + pick(r, t.Slugs) + "/handlingsplan" }},
	{"meeting", func(t *Targets, r *rand.Rand) string { return fmt.Sprintf("/moten/%d", pick(r, t.Meetings)) }},
	{"ideas-by-support", func(t *Targets, r *rand.Rand) string { return "/orter/" + pick(r, t.Slugs) + "/ideer?sortera=stod" }},
	{"one-idea", func(t *Targets, r *rand.Rand) string { return fmt.Sprintf("/ideer/%d", pick(r, t.Ideas)) }},
	{"search", func(t *Targets, r *rand.Rand) string { return "/sok?q=" + url.QueryEscape(pick(r, t.Words)) }},
	{"api-localities", func(*Targets, *rand.Rand) string { return "/api/v1/localities" }},
	{"api-meetings", func(t *Targets, r *rand.Rand) string { return "/api/v1/meetings?locality=" + pick(r, t.Slugs) }},
	{"effects", func(*Targets, *rand.Rand) string { return "/effekter" }},
	{"calendar", func(*Targets, *rand.Rand) string { return "/kalender" }},
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
	Duration time.Duration // how long to drive it (each kind, with PerKind)
	Kinds    []string      // kinds to request, round robin; empty for all
	PID      int           // the server's process, for VmHWM; 0 reads /metrics
	Seed     uint64
	// PerKind drives each kind alone for Duration, one after the other,
	// rather than all of them in turn at once.
	PerKind bool
	// Limit also drives a server that sends the same answers from memory
	// (the limit), the same way, for each kind's share of it. StartLimit
	// starts that server, best in a process of its own as the real one is
	// (ortsplan load does); nil serves it from this process.
	Limit      bool
	StartLimit func(ctx context.Context, answers map[string]*Answer) (url string, stop func(), err error)
}

// startLimitHere serves the memory server from this process.
func startLimitHere(_ context.Context, answers map[string]*Answer) (string, func(), error) {
	srv := httptest.NewServer(MemoryServer(answers))
	return srv.URL, srv.Close, nil
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

	// Raw and Sent are the mean size of an answer uncompressed and as
	// sent to a client that takes gzip.
	Raw, Sent int
	// LimitRPS and LimitP99 are the memory server's, when Config.Limit.
	LimitRPS float64
	LimitP99 time.Duration
}

// Share is the kind's requests per second as a share of the limit's.
func (r *Result) Share() float64 {
	if r.LimitRPS == 0 {
		return 0
	}
	return r.RPS / r.LimitRPS
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
	err = pages(ctx, c, base+"/api/v1/ideas?limit=200", 2, func(items json.RawMessage) error {
		var is []struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(items, &is); err != nil {
			return err
		}
		for _, i := range is {
			t.Ideas = append(t.Ideas, i.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.Slugs) == 0 || len(t.Meetings) == 0 || len(t.Ideas) == 0 {
		return nil, fmt.Errorf("loadgen: the server has %d localities, %d meetings and %d ideas; load a data set first", len(t.Slugs), len(t.Meetings), len(t.Ideas))
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

// pathsPerKind is how many addresses of each kind a run picks, and draws
// from; the limit is sent the same ones.
const pathsPerKind = 40

// Run discovers the server's pages, then drives it with cfg.Clients
// clients requesting the kinds in turn (or each alone, cfg.PerKind), and,
// with cfg.Limit, the memory server the same way.
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

	// Each kind's addresses, drawn once, so the server and the limit get
	// the same ones; and what the server answers to them, for the sizes
	// and for the limit to send.
	r := rand.New(rand.NewPCG(cfg.Seed, 0))
	paths := make([][]string, len(kinds))
	for k, kind := range kinds {
		seen := map[string]bool{}
		for range pathsPerKind * 4 {
			p := kind.Path(t, r)
			if !seen[p] {
				seen[p] = true
				paths[k] = append(paths[k], p)
			}
			if len(paths[k]) == pathsPerKind {
				break
			}
		}
	}
	answers := map[string]*Answer{}
	results := make([]*Result, len(kinds))
	for k, kind := range kinds {
		results[k] = &Result{Kind: kind.Name}
		raw, sent := 0, 0
		for _, p := range paths[k] {
			a, n, err := record(ctx, c, base+p)
			if err != nil {
				return nil, err
			}
			answers[p] = a
			raw += n
			sent += len(a.Body)
		}
		results[k].Raw, results[k].Sent = raw/len(paths[k]), sent/len(paths[k])
	}

	mem := newMemWatch(c, base, cfg.PID)
	memCtx, stopMem := context.WithCancel(ctx)
	memDone := make(chan struct{})
	go func() { mem.watch(memCtx); close(memDone) }()
	start := time.Now()
	phases := [][]int{}
	if cfg.PerKind {
		for k := range kinds {
			phases = append(phases, []int{k})
		}
	} else {
		all := make([]int, len(kinds))
		for k := range all {
			all[k] = k
		}
		phases = append(phases, all)
	}
	for _, ks := range phases {
		d := drive(ctx, c, base, cfg, ks, paths, results, false)
		rep.Duration += d
	}
	stopMem()
	<-memDone
	rep.PeakMemory, rep.MemorySrc = mem.peak, mem.src
	rep.Kinds = results
	for _, res := range results {
		rep.Total += res.Requests
	}
	if !cfg.PerKind {
		rep.Duration = time.Since(start)
	}
	if cfg.Limit {
		start := cfg.StartLimit
		if start == nil {
			start = startLimitHere
		}
		limitURL, stop, err := start(ctx, answers)
		if err != nil {
			return nil, fmt.Errorf("loadgen: start the memory server: %w", err)
		}
		defer stop()
		lc := Client(cfg.Clients)
		for _, ks := range phases {
			drive(ctx, lc, limitURL, cfg, ks, paths, results, true)
		}
	}
	return rep, nil
}

// drive runs cfg.Clients clients for cfg.Duration on the kinds ks, each
// client taking them in turn, and fills their results (or their limit's).
func drive(ctx context.Context, c *http.Client, base string, cfg Config, ks []int, paths [][]string, results []*Result, limit bool) time.Duration {
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	per := make([][]*Result, cfg.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range cfg.Clients {
		res := make([]*Result, len(ks))
		for j := range res {
			res[j] = &Result{}
		}
		per[i] = res
		wg.Go(func() {
			r := rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1))
			for n := i; runCtx.Err() == nil; n++ {
				j := n % len(ks)
				one(runCtx, c, base+pick(r, paths[ks[j]]), res[j])
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	for j, k := range ks {
		sum := &Result{}
		for _, res := range per {
			sum.Requests += res[j].Requests
			sum.Errors += res[j].Errors
			if sum.FirstErr == "" {
				sum.FirstErr = res[j].FirstErr
			}
			sum.latencies = append(sum.latencies, res[j].latencies...)
		}
		sum.summarise(d)
		out := results[k]
		if limit {
			out.LimitRPS, out.LimitP99 = sum.RPS, sum.P99
			continue
		}
		out.Requests, out.Errors, out.FirstErr, out.latencies = sum.Requests, sum.Errors, sum.FirstErr, sum.latencies
		out.RPS, out.P50, out.P99, out.Max = sum.RPS, sum.P50, sum.P99, sum.Max
	}
	return d
}

// Answer is what the server sent to an address, for the memory server.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// SaveAnswers writes answers for LoadAnswers, in another process.
func SaveAnswers(w io.Writer, answers map[string]*Answer) error {
	return gob.NewEncoder(w).Encode(answers)
}

// LoadAnswers reads what SaveAnswers wrote.
func LoadAnswers(r io.Reader) (map[string]*Answer, error) {
	var m map[string]*Answer
	err := gob.NewDecoder(r).Decode(&m)
	return m, err
}

// record fetches an address as a client taking gzip does, keeping the
// answer, and returns the size of its uncompressed body too.
func record(ctx context.Context, c *http.Client, u string) (*Answer, int, error) {
	get := func(enc string) (*http.Response, []byte, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		res, err := c.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res, b, err
	}
	res, body, err := get("gzip")
	if err != nil {
		return nil, 0, fmt.Errorf("loadgen: %s: %w", u, err)
	}
	_, plain, err := get("")
	if err != nil {
		return nil, 0, fmt.Errorf("loadgen: %s: %w", u, err)
	}
	h := http.Header{}
	for _, k := range []string{"Content-Type", "Content-Encoding", "Cache-Control", "ETag", "Vary", "Content-Security-Policy"} {
		if v := res.Header.Values(k); len(v) > 0 {
			h[k] = v
		}
	}
	return &Answer{Status: res.StatusCode, Header: h, Body: body}, len(plain), nil
}

// MemoryServer sends the recorded answers, as they were, from memory: the
// most any server could do on this machine with these answers.
func MemoryServer(answers map[string]*Answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range a.Header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)))
		w.WriteHeader(a.Status)
		w.Write(a.Body)
	})
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
	fmt.Fprintf(w, "%-18s %9s %9s %9s %7s %9s %9s %9s %9s %9s %7s\n", "kind", "requests", "req/s", "limit/s", "share", "p50", "p99", "max", "raw KB", "sent KB", "errors")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
	kinds := rep.Kinds
	for _, k := range kinds {
		limit, share := "-", "-"
		if k.LimitRPS > 0 {
			limit, share = fmt.Sprintf("%.0f", k.LimitRPS), fmt.Sprintf("%.3f", k.Share())
		}
		fmt.Fprintf(w, "%-18s %9d %9.0f %9s %7s %9s %9s %9s %9.1f %9.1f %7d\n", k.Kind, k.Requests, k.RPS, limit, share,
			ms(k.P50), ms(k.P99), ms(k.Max), float64(k.Raw)/1024, float64(k.Sent)/1024, k.Errors)
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
