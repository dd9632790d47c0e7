package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"unsafe"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/cache"
)

// Cached values are kept under change counters (the table change_counters):
// one per locality and one for the whole site, which triggers bump in the
// same transaction as every change to what a cached value shows (migration
// 0011). A reader reads the counter first and keeps what it reads under the
// counter's value; a committed change moves the counter on, so the next
// reader, on any server, reads anew. Values under old counters are never
// asked for again and age out of the one bounded cache.

// DefaultCacheBytes is the store's cache budget unless Open is told otherwise.
const DefaultCacheBytes = 64 << 20

// cacheKey names a cached value: what it is, the counter's scope (a
// locality's id, or 0 for the site), the counter's value it was read under,
// and whatever else tells values apart (a period).
type cacheKey struct {
	kind    string
	scope   int64
	version int64
	detail  string
}

func newStoreCache(maxBytes int64) *cache.Cache[cacheKey, any] {
	return cache.New(maxBytes, func(k cacheKey, v any) int {
		return int(unsafe.Sizeof(k)) + len(k.kind) + len(k.detail) + valueSize(v)
	})
}

// valueSize estimates the bytes a cached value holds.
func valueSize(v any) int {
	switch v := v.(type) {
	case *summaries:
		n := 64
		for _, l := range v.localities {
			n += 256 + len(l.Name) + len(l.Slug) + len(l.Description) + len(l.ImageAlt) + 128*len(l.Image)
		}
		return n + 48*len(v.figures)
	case *ortsplan.LocalityOverview:
		n := 512 + len(v.Locality.Description) + 128*len(v.Phases)
		if v.Vision != nil {
			n += 256 + len(v.Vision.Title) + len(v.Vision.Body)
		}
		for _, t := range v.Outline.Themes {
			n += 128 + len(t.Title) + len(t.Description)
		}
		return n + 160*countActions(v.Outline)
	case *ortsplan.Effects:
		return 1024 + 256*len(v.Periods) + 64*len(v.AgeGroups)
	}
	return 1024
}

func countActions(p *ortsplan.Plan) int {
	n := 0
	for _, c := range p.CountByStatus() {
		n += c
	}
	return n
}

// counter returns the change counter of a scope: a locality's id, or 0 for
// the whole site.
func (db *DB) counter(ctx context.Context, scope int64) (int64, error) {
	return scanCounter(db.db.QueryRowContext(ctx, "SELECT version FROM change_counters WHERE scope = $1", scope))
}

// scanCounter reads a change counter's row: 0 while the scope has none.
func scanCounter(row *sql.Row) (int64, error) {
	var v int64
	err := row.Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, dbErr("read change counter", err)
}

// SetCacheBytes replaces the store's cache with an empty one of the given
// budget. Call it before the store is used.
func (db *DB) SetCacheBytes(maxBytes int64) { db.cache = newStoreCache(maxBytes) }

// CacheStats reports how the store's cache is used, for /metrics.
func (db *DB) CacheStats() cache.Stats { return db.cache.Stats() }

// pageScope is the change counter that moves with every change to what a
// public page shows (migration 0023).
const pageScope = -1

// PageVersion reads the page counter: the web server's page cache keeps
// rendered pages under it, so one indexed read per request tells whether a
// kept page still shows what the database holds.
// The statement is prepared once, on first use (after the migrations), and
// kept: on SQLite preparing it again costs as much as running it.
func (db *DB) PageVersion(ctx context.Context) (int64, error) {
	pc := db.pageCounter
	pc.once.Do(func() {
		pc.stmt, pc.err = db.db.PrepareContext(context.Background(), "SELECT version FROM change_counters WHERE scope = "+strconv.Itoa(pageScope))
	})
	if pc.err != nil {
		return db.counter(ctx, pageScope)
	}
	return scanCounter(pc.stmt.QueryRowContext(ctx))
}
