// Package cache is the bounded in-memory cache that Ortsplan's cached values
// are meant to share (the Markdown renderings and the locality maps so far).
// A cache is limited by an estimate of the bytes
// its entries hold rather than by their number, so a few large values (a
// rendered dashboard) and many small ones (a short Markdown text) share one
// kind of budget. It is a thin layer over github.com/maypok86/otter/v2,
// which does the eviction, the statistics and the deduplication of loads.
package cache

import (
	"context"
	"math"

	"github.com/maypok86/otter/v2"
	"github.com/maypok86/otter/v2/stats"
)

// DefaultMaxBytes is the budget of a cache made with a maxBytes of zero or
// less: small enough never to matter, large enough to be useful.
const DefaultMaxBytes = 1 << 20

// EntryOverhead is a rough estimate of the bytes the cache itself spends on
// an entry (its node in otter's table and eviction policy), to be added by a
// weigh function to the bytes of the key and value.
const EntryOverhead = 64

// stringHeader is the size of a string header (pointer and length) on a
// 64-bit machine.
const stringHeader = 16

// Cache is a concurrency-safe map from K to V that forgets its least useful
// entries when the estimated bytes it holds exceed its budget. Make one with
// New; the zero Cache is not usable.
type Cache[K comparable, V any] struct {
	c        *otter.Cache[K, V]
	maxBytes uint64
}

// Stats is a snapshot of a cache's counters and size, for metrics. The
// counters only grow over the life of the cache.
type Stats struct {
	Hits          uint64 // lookups that found a value
	Misses        uint64 // lookups that found none
	Evictions     uint64 // entries dropped to stay within the budget
	EvictedBytes  uint64 // estimated bytes of the evicted entries
	LoadSuccesses uint64 // calls of a GetOrLoad loader that returned a value
	LoadFailures  uint64 // calls of a GetOrLoad loader that returned an error
	WeightedSize  uint64 // estimated bytes held now
	MaxBytes      uint64 // the budget
	Entries       int    // approximate number of entries held now
}

// New returns a cache that holds at most about maxBytes, as estimated by
// weigh. A maxBytes of zero or less means DefaultMaxBytes.
//
// weigh estimates the bytes one entry holds: key, value and overhead (see
// EntryOverhead and StringWeight). It runs while the cache holds a lock and
// must not call the cache. A weight below 1 counts as 1, so that every entry
// takes part in eviction, and one above math.MaxUint32 as math.MaxUint32; an
// entry weighing more than maxBytes is not kept for long.
func New[K comparable, V any](maxBytes int64, weigh func(K, V) int) *Cache[K, V] {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Cache[K, V]{
		c: otter.Must(&otter.Options[K, V]{
			MaximumWeight: uint64(maxBytes),
			Weigher: func(k K, v V) uint32 {
				return clampWeight(weigh(k, v))
			},
			StatsRecorder: stats.NewCounter(),
		}),
		maxBytes: uint64(maxBytes),
	}
}

// clampWeight turns an int weight into otter's uint32, at least 1.
func clampWeight(w int) uint32 {
	switch {
	case w < 1:
		return 1
	case uint64(w) > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(w)
}

// Get returns the value cached for k, and whether there was one.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	return c.c.GetIfPresent(k)
}

// Set caches v for k, replacing any value k had.
func (c *Cache[K, V]) Set(k K, v V) {
	c.c.Set(k, v)
}

// Invalidate forgets the value cached for k, if any.
func (c *Cache[K, V]) Invalidate(k K) {
	c.c.Invalidate(k)
}

// GetOrLoad returns the value cached for k or, when there is none, calls
// load, caches what it returns and returns that. Callers asking for the same
// missing key at the same time share one call of load. An error from load is
// returned as it is, with the zero V, and nothing is cached; so is the
// context's error when ctx is done before a missing value could be loaded.
//
// load must not call this cache, and every load passed for one key should
// compute the same value: a caller may get the result of another caller's
// load.
func (c *Cache[K, V]) GetOrLoad(ctx context.Context, k K, load func(context.Context) (V, error)) (V, error) {
	v, err := c.c.Get(ctx, k, otter.LoaderFunc[K, V](func(ctx context.Context, _ K) (V, error) {
		return load(ctx)
	}))
	if err != nil {
		var zero V
		return zero, err
	}
	return v, nil
}

// Stats returns the cache's counters and current size.
func (c *Cache[K, V]) Stats() Stats {
	s := c.c.Stats()
	return Stats{
		Hits:          s.Hits,
		Misses:        s.Misses,
		Evictions:     s.Evictions,
		EvictedBytes:  s.EvictionWeight,
		LoadSuccesses: s.LoadSuccesses,
		LoadFailures:  s.LoadFailures,
		WeightedSize:  c.c.WeightedSize(),
		MaxBytes:      c.maxBytes,
		Entries:       c.c.EstimatedSize(),
	}
}

// StringWeight estimates the bytes a string holds: its header and its bytes.
// Use it for string keys and values, and for types whose underlying type is
// string (template.HTML) after a conversion, which costs nothing.
func StringWeight(s string) int {
	return stringHeader + len(s)
}
