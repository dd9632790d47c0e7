package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/fts"
)

// Search page sizes.
const (
	searchPerPage    = 20
	searchMaxPerPage = 50
	searchMaxPage    = 50 // deeper pages are not worth their cost
	excerptWords     = 30
)

// Search implements ortsplan.SearchService over search_docs, which triggers
// keep in step with the public content (see migration 0009). Both engines get
// the same plain terms from fts.Parse, each a stemmed, folded prefix, so they
// find the same items; they rank with their own relevance functions.
func (db *DB) Search(ctx context.Context, q ortsplan.SearchQuery) (*ortsplan.SearchResults, error) {
	if q.PerPage <= 0 {
		q.PerPage = searchPerPage
	}
	q.PerPage = min(q.PerPage, searchMaxPerPage)
	q.Page = min(max(q.Page, 1), searchMaxPage)
	res := &ortsplan.SearchResults{Terms: fts.Parse(q.Text, q.English), Page: q.Page, PerPage: q.PerPage,
		ByKind: map[ortsplan.SearchKind]int{}}
	if len(res.Terms) == 0 {
		return res, nil
	}
	searchCap := ortsplan.SearchCap
	if db.searchCap > 0 {
		searchCap = db.searchCap
	}
	match, args := db.searchMatch(res.Terms)
	where := " WHERE " + db.searchCond()
	if q.Locality != "" {
		args = append(args, q.Locality)
		where += " AND l.slug = $" + strconv.Itoa(len(args))
	}
	// The newest matches, at most SearchCap of them (and one more, to know
	// whether there are more): counted per filter, for the filter list, and
	// the lowest id is where ranking starts. Both engines walk the matches
	// newest first and stop there, so the work is bounded however common
	// the word.
	newest := func(where string, args []any) (ids []int64, kinds []string, err error) {
		rows, err := db.db.QueryContext(ctx, "SELECT d.id, d.kind"+db.searchFrom(match, false)+where+
			" ORDER BY "+db.searchNewest()+" LIMIT "+strconv.Itoa(searchCap+1), args...)
		if err != nil {
			return nil, nil, fmt.Errorf("sqlstore: count search hits: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var kind string
			if err := rows.Scan(&id, &kind); err != nil {
				return nil, nil, fmt.Errorf("sqlstore: count search hits: %w", err)
			}
			ids, kinds = append(ids, id), append(kinds, kind)
		}
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("sqlstore: count search hits: %w", err)
		}
		return ids, kinds, nil
	}
	ids, kinds, err := newest(where, args)
	if err != nil {
		return nil, err
	}
	res.ByKindCapped = len(ids) > searchCap
	for _, kind := range kinds[:min(len(kinds), searchCap)] {
		res.ByKind[ortsplan.SearchKindOf(ortsplan.DocKind(kind))]++
	}
	if len(ids) == 0 {
		return res, nil
	}
	if ks := q.Kind.DocKinds(); len(ks) > 0 {
		var ph []string
		for _, k := range ks {
			args = append(args, string(k))
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
		where += " AND d.kind IN (" + strings.Join(ph, ", ") + ")"
		if ids, _, err = newest(where, args); err != nil {
			return nil, err
		}
	}
	res.Total, res.Capped = min(len(ids), searchCap), len(ids) > searchCap
	if res.Total == 0 {
		return res, nil
	}
	if res.Capped {
		args = append(args, ids[searchCap-1])
		where += " AND " + db.searchFromID() + " >= $" + strconv.Itoa(len(args))
	}
	args = append(args, q.PerPage, (q.Page-1)*q.PerPage)
	query := `SELECT d.kind, d.ref_id, d.parent_id, l.slug, l.name, COALESCE(g.slug, ''), d.title, d.body` + db.searchFrom(match, true) + where +
		" ORDER BY " + db.searchRank() + ", d.id LIMIT $" + strconv.Itoa(len(args)-1) + " OFFSET $" + strconv.Itoa(len(args))
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		h := &ortsplan.SearchHit{}
		var kind, body string
		if err := rows.Scan(&kind, &h.ID, &h.ParentID, &h.LocalitySlug, &h.LocalityName, &h.GroupSlug, &h.Title, &body); err != nil {
			return nil, fmt.Errorf("sqlstore: search: %w", err)
		}
		h.Kind = ortsplan.DocKind(kind)
		h.Excerpt = fts.Excerpt(body, res.Terms, excerptWords)
		res.Hits = append(res.Hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: search: %w", err)
	}
	return res, nil
}

// searchFrom joins the documents to their locality and, for the hits
// themselves, a group's slug for the link. On PostgreSQL the query is built
// once, in q.
func (db *DB) searchFrom(match string, hits bool) string {
	j := ` JOIN localities l ON l.id = d.locality_id`
	if hits {
		j += ` LEFT JOIN working_groups g ON d.kind = 'group' AND g.id = d.ref_id`
	}
	if db.Dialect == Postgres {
		return " FROM (SELECT " + match + " AS q) q CROSS JOIN search_docs d" + j
	}
	return " FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid" + j
}

// searchMatch returns the query that every term matches (on PostgreSQL; FTS5
// takes it as argument $1), and its arguments.
// Terms hold only letters and digits (fts.Parse), and they are passed as
// arguments, never spliced into SQL.
func (db *DB) searchMatch(terms []fts.Term) (string, []any) {
	if db.Dialect == Postgres {
		// Each term: its Swedish stem (the 'swedish' configuration) or a
		// folded stem prefix; every term must match.
		var parts []string
		var args []any
		for _, t := range terms {
			var alts []string
			for _, p := range t.Prefixes {
				alts = append(alts, p+":*")
			}
			args = append(args, t.Word, strings.Join(alts, " | "))
			parts = append(parts, fmt.Sprintf("(plainto_tsquery('swedish', $%d) || to_tsquery('simple', $%d))", len(args)-1, len(args)))
		}
		return "(" + strings.Join(parts, " && ") + ")", args
	}
	// FTS5: ("stem"* OR "stem2"*) AND …; the tokenizer folds the prefixes as it
	// folded the text.
	var parts []string
	for _, t := range terms {
		var alts []string
		for _, p := range t.Prefixes {
			alts = append(alts, `"`+p+`"*`)
		}
		parts = append(parts, "("+strings.Join(alts, " OR ")+")")
	}
	return "", []any{strings.Join(parts, " AND ")}
}

// searchCond is the condition that a document matches.
func (db *DB) searchCond() string {
	if db.Dialect == Postgres {
		return "d.tsv @@ q.q"
	}
	return "search_fts MATCH $1"
}

// searchNewest orders matches newest first, in the order the engine's
// index can give them without reading them all.
func (db *DB) searchNewest() string {
	if db.Dialect == Postgres {
		return "d.id DESC"
	}
	return "search_fts.rowid DESC"
}

// searchFromID is the matched document's id where the engine's index can
// bound it (FTS5 takes a rowid range inside its own walk).
func (db *DB) searchFromID() string {
	if db.Dialect == Postgres {
		return "d.id"
	}
	return "search_fts.rowid"
}

// searchRank orders by relevance, titles weighing more than bodies.
func (db *DB) searchRank() string {
	if db.Dialect == Postgres {
		return "ts_rank(d.tsv, q.q) DESC"
	}
	return "bm25(search_fts, 10.0, 1.0)"
}
