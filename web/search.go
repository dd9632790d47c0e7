package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/fts"
)

// searchData is what the search page shows.
type searchData struct {
	Query      string
	Locality   string
	Kind       ortsplan.SearchKind
	Localities []localityOption
	Kinds      []ortsplan.SearchKind
	// Message is a translation key: why nothing was searched, or a note.
	Message  string
	Searched bool
	Total    int
	Capped   bool // more than Total (ortsplan.SearchCap) hits
	Filters  []searchFilter
	Hits     []searchHit
	First    int // the number of the first hit on the page
	Pager    []pageLink
	Prev     string
	Next     string
}

// localityOption is a locality in a form's choice of localities.
type localityOption struct {
	Slug, Name string
	Selected   bool
}

// searchFilter is a link that shows one kind of hit, with its count.
type searchFilter struct {
	Kind    ortsplan.SearchKind // "" for all
	Count   int
	Over    bool // at least Count: counted among the newest matches only
	URL     string
	Current bool
}

// searchHit is a hit with its title and excerpt split for <mark>.
type searchHit struct {
	*ortsplan.SearchHit
	TitleMarks   []fts.Segment
	ExcerptMarks []fts.Segment
}

// pageLink is one link of the pager.
type pageLink struct {
	N       int
	URL     string
	Current bool
}

// search is the site search (/sok): ?q= words, ?ort= a locality's slug,
// ?typ= a kind of content, ?sida= the page. Whatever is typed, the page
// answers 200 with results or a message saying why there are none.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	qv := r.URL.Query()
	// The localities to choose from, from the cached summaries.
	ls, _, err := s.summaries(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	raw := qv.Get("q")
	d := searchData{Query: fts.Clean(raw), Localities: make([]localityOption, len(ls)), Kinds: ortsplan.SearchKinds}
	slug := qv.Get("ort")
	for i, l := range ls {
		d.Localities[i] = localityOption{Slug: l.Slug, Name: l.Name, Selected: slug != "" && l.Slug == slug}
		if d.Localities[i].Selected {
			d.Locality = slug
		}
	}
	if k := ortsplan.SearchKind(qv.Get("typ")); slices.Contains(ortsplan.SearchKinds, k) {
		d.Kind = k
	}
	page, err := strconv.Atoi(qv.Get("sida"))
	if err != nil || page > 10000 {
		page = 1
	}
	english := reqInfo(r).Lang == "en"
	terms := fts.Parse(d.Query, english)
	switch {
	case d.Query == "":
		d.Message = "search.empty"
	case len(terms) == 0:
		d.Message = "search.no_terms"
	default:
		q := ortsplan.SearchQuery{Text: d.Query, English: english, Locality: d.Locality, Kind: d.Kind, Page: page}
		res, err := s.svc.Search.Search(ctx, q)
		if err == nil && len(res.Hits) == 0 && res.Pages() > 0 && page > res.Pages() {
			q.Page = res.Pages() // a page past the end shows the last one
			res, err = s.svc.Search.Search(ctx, q)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.fill(res)
		if utf8.RuneCountInString(raw) > fts.MaxQueryRunes || len(fts.Words(d.Query)) > fts.MaxTerms && len(terms) == fts.MaxTerms {
			d.Message = "search.shortened"
		}
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "search", p)
}

// fill adds the results, the filter links and the pager.
func (d *searchData) fill(res *ortsplan.SearchResults) {
	d.Searched, d.Total, d.Capped = true, res.Total, res.Capped
	all := 0
	for _, n := range res.ByKind {
		all += n
	}
	if all > 0 {
		d.Filters = append(d.Filters, searchFilter{Count: all, Over: res.ByKindCapped, URL: d.url("", 1), Current: d.Kind == ""})
		for _, k := range ortsplan.SearchKinds {
			// Counted among the newest matches only, a kind may have none
			// there and still have hits: its link stays.
			if n := res.ByKind[k]; n > 0 || k == d.Kind || res.ByKindCapped {
				d.Filters = append(d.Filters, searchFilter{Kind: k, Count: n, Over: res.ByKindCapped, URL: d.url(k, 1), Current: d.Kind == k})
			}
		}
	}
	for _, h := range res.Hits {
		d.Hits = append(d.Hits, searchHit{SearchHit: h, TitleMarks: fts.Highlight(h.Title, res.Terms),
			ExcerptMarks: fts.Highlight(h.Excerpt, res.Terms)})
	}
	d.First = (res.Page-1)*res.PerPage + 1
	pages := res.Pages()
	if pages <= 1 {
		return
	}
	from, to := max(1, res.Page-4), min(pages, res.Page+4)
	for n := from; n <= to; n++ {
		d.Pager = append(d.Pager, pageLink{N: n, URL: d.url(d.Kind, n), Current: n == res.Page})
	}
	if res.Page > 1 {
		d.Prev = d.url(d.Kind, res.Page-1)
	}
	if res.Page < pages {
		d.Next = d.url(d.Kind, res.Page+1)
	}
}

// url is the address of the search with another kind filter or page.
func (d *searchData) url(kind ortsplan.SearchKind, page int) string {
	v := url.Values{"q": {d.Query}}
	if d.Locality != "" {
		v.Set("ort", d.Locality)
	}
	if kind != "" {
		v.Set("typ", string(kind))
	}
	if page > 1 {
		v.Set("sida", strconv.Itoa(page))
	}
	return "/sok?" + v.Encode()
}
