package cache

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func weighStrings(k, v string) int {
	return EntryOverhead + StringWeight(k) + StringWeight(v)
}

func newStrings(maxBytes int64) *Cache[string, string] {
	return New(maxBytes, weighStrings)
}

// settle runs the cache's pending maintenance until its size is within its
// budget or a second has passed, and returns the size then.
func settle[K comparable, V any](c *Cache[K, V]) uint64 {
	deadline := time.Now().Add(time.Second)
	for {
		c.c.CleanUp()
		s := c.Stats()
		if s.WeightedSize <= s.MaxBytes || time.Now().After(deadline) {
			return s.WeightedSize
		}
	}
}

func TestSizeStaysWithinLimit(t *testing.T) {
	cases := []struct {
		name     string
		maxBytes int64
		n        int // entries inserted
		value    int // bytes in each value
	}{
		{"small values", 16 << 10, 10_000, 10},
		{"large values", 64 << 10, 2_000, 1000},
		{"default budget", 0, 20_000, 200},
		{"each entry above the budget", 1 << 10, 100, 2000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newStrings(tc.maxBytes)
			limit := uint64(tc.maxBytes)
			if tc.maxBytes <= 0 {
				limit = DefaultMaxBytes
			}
			if got := c.Stats().MaxBytes; got != limit {
				t.Fatalf("MaxBytes = %d, want %d", got, limit)
			}
			value := strings.Repeat("x", tc.value)
			inserted := uint64(0)
			for i := range tc.n {
				k := strconv.Itoa(i)
				c.Set(k, value)
				inserted += uint64(weighStrings(k, value))
			}
			if inserted < 4*limit {
				t.Fatalf("test inserts only %d bytes; want far more than the limit %d", inserted, limit)
			}
			if got := settle(c); got > limit {
				t.Fatalf("WeightedSize = %d after inserting %d bytes, want at most %d", got, inserted, limit)
			}
			s := c.Stats()
			if s.Evictions == 0 {
				t.Errorf("Evictions = 0 after inserting %d bytes into %d", inserted, limit)
			}
			if max := int(limit) / weighStrings("0", value); s.Entries > max {
				t.Errorf("Entries = %d, want at most %d", s.Entries, max)
			}
		})
	}
}

func TestGetSetInvalidate(t *testing.T) {
	c := newStrings(1 << 20)
	if v, ok := c.Get("a"); ok {
		t.Fatalf("Get on an empty cache = %q, true", v)
	}
	steps := []struct {
		op     string // "set" or "invalidate"
		k, v   string
		getK   string
		want   string
		wantOK bool
	}{
		{op: "set", k: "a", v: "1", getK: "a", want: "1", wantOK: true},
		{op: "set", k: "b", v: "2", getK: "b", want: "2", wantOK: true},
		{op: "set", k: "a", v: "3", getK: "a", want: "3", wantOK: true},
		{op: "invalidate", k: "a", getK: "a", wantOK: false},
		{op: "invalidate", k: "a", getK: "b", want: "2", wantOK: true},
		{op: "invalidate", k: "never set", getK: "b", want: "2", wantOK: true},
	}
	for _, s := range steps {
		switch s.op {
		case "set":
			c.Set(s.k, s.v)
		case "invalidate":
			c.Invalidate(s.k)
		}
		v, ok := c.Get(s.getK)
		if v != s.want || ok != s.wantOK {
			t.Fatalf("after %s(%q): Get(%q) = %q, %v; want %q, %v", s.op, s.k, s.getK, v, ok, s.want, s.wantOK)
		}
	}
}

func TestStatsCountHitsAndMisses(t *testing.T) {
	c := newStrings(1 << 20)
	c.Set("a", "1")
	c.Get("a")
	c.Get("a")
	c.Get("b")
	s := c.Stats()
	if s.Hits != 2 || s.Misses != 1 {
		t.Fatalf("Hits, Misses = %d, %d; want 2, 1", s.Hits, s.Misses)
	}
	c.c.CleanUp()
	s = c.Stats()
	if s.Entries != 1 {
		t.Errorf("Entries = %d, want 1", s.Entries)
	}
	if want := uint64(weighStrings("a", "1")); s.WeightedSize != want {
		t.Errorf("WeightedSize = %d, want %d", s.WeightedSize, want)
	}
}

func TestGetOrLoadCallsLoadOnce(t *testing.T) {
	c := newStrings(1 << 20)
	var calls atomic.Int32
	release := make(chan struct{})
	load := func(context.Context) (string, error) {
		calls.Add(1)
		<-release // keep the load running until every caller has asked
		return "loaded", nil
	}
	const callers = 50
	var started, done sync.WaitGroup
	started.Add(callers)
	done.Add(callers)
	results := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		go func() {
			defer done.Done()
			started.Done()
			results[i], errs[i] = c.GetOrLoad(context.Background(), "k", load)
		}()
	}
	started.Wait()
	// Each caller counts a miss as it finds the key missing. Hold the load
	// until all have, so that all of them overlap with it.
	deadline := time.Now().Add(10 * time.Second)
	for c.Stats().Misses < callers {
		if time.Now().After(deadline) {
			close(release)
			t.Fatalf("only %d of %d callers reached the cache in 10 s", c.Stats().Misses, callers)
		}
		runtime.Gosched()
	}
	close(release)
	done.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("load called %d times for %d concurrent callers, want 1", n, callers)
	}
	for i := range callers {
		if errs[i] != nil || results[i] != "loaded" {
			t.Fatalf("caller %d got %q, %v; want %q, nil", i, results[i], errs[i], "loaded")
		}
	}
	if v, ok := c.Get("k"); !ok || v != "loaded" {
		t.Fatalf("Get after GetOrLoad = %q, %v; want %q, true", v, ok, "loaded")
	}
	if _, err := c.GetOrLoad(context.Background(), "k", load); err != nil || calls.Load() != 1 {
		t.Fatalf("GetOrLoad of a cached key: err %v, load called %d times; want nil, 1", err, calls.Load())
	}
}

func TestGetOrLoadErrorIsNotCached(t *testing.T) {
	c := newStrings(1 << 20)
	errLoad := errors.New("store: load plan 7: disk on fire")
	calls := 0
	failing := func(context.Context) (string, error) {
		calls++
		return "ignored", errLoad
	}
	for i := 1; i <= 2; i++ {
		v, err := c.GetOrLoad(context.Background(), "k", failing)
		if !errors.Is(err, errLoad) {
			t.Fatalf("GetOrLoad error = %v, want %v", err, errLoad)
		}
		if v != "" {
			t.Errorf("GetOrLoad value with an error = %q, want the zero value", v)
		}
		if calls != i {
			t.Fatalf("load called %d times after %d failing GetOrLoads, want %d", calls, i, i)
		}
	}
	if v, ok := c.Get("k"); ok {
		t.Fatalf("Get after a failed load = %q, true; want nothing cached", v)
	}
	v, err := c.GetOrLoad(context.Background(), "k", func(context.Context) (string, error) { return "ok", nil })
	if err != nil || v != "ok" {
		t.Fatalf("GetOrLoad after a failed load = %q, %v; want %q, nil", v, err, "ok")
	}
	if s := c.Stats(); s.LoadFailures != 2 || s.LoadSuccesses != 1 {
		t.Errorf("LoadFailures, LoadSuccesses = %d, %d; want 2, 1", s.LoadFailures, s.LoadSuccesses)
	}
}

func TestClampWeight(t *testing.T) {
	cases := []struct {
		in   int
		want uint32
	}{
		{-5, 1},
		{0, 1},
		{1, 1},
		{1000, 1000},
		{math.MaxUint32, math.MaxUint32},
		{math.MaxUint32 + 1, math.MaxUint32},
		{math.MaxInt, math.MaxUint32},
	}
	for _, tc := range cases {
		if got := clampWeight(tc.in); got != tc.want {
			t.Errorf("clampWeight(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestStringWeight(t *testing.T) {
	if a, b := StringWeight(""), StringWeight("åäö"); a <= 0 || b != a+len("åäö") {
		t.Fatalf("StringWeight(\"\"), StringWeight(\"åäö\") = %d, %d; want a positive header and the bytes on top", a, b)
	}
}
