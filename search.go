package ortsplan

import (
	"context"
	"strconv"

	"github.com/ortsplan/ortsplan/fts"
)

// DocKind is the kind of a searchable item.
type DocKind string

// Kinds of searchable item.
const (
	DocLocality DocKind = "locality"
	DocVision   DocKind = "vision"
	DocTheme    DocKind = "theme"
	DocAction   DocKind = "action"
	DocUpdate   DocKind = "update" // an action's progress note
	DocMeeting  DocKind = "meeting"
	DocGroup    DocKind = "group"
	DocIdea     DocKind = "idea" // with its official answer
	DocComment  DocKind = "comment"
)

// SearchKind is a filter on the search results: one or more DocKinds.
type SearchKind string

// Search filters, as they appear in the address (?typ=).
const (
	SearchLocalities SearchKind = "ort"
	SearchVisions    SearchKind = "vision"
	SearchPlans      SearchKind = "plan"
	SearchMeetings   SearchKind = "mote"
	SearchGroups     SearchKind = "grupp"
	SearchIdeas      SearchKind = "ide"
)

// SearchKinds lists the filters in display order.
var SearchKinds = []SearchKind{SearchLocalities, SearchVisions, SearchPlans, SearchMeetings, SearchGroups, SearchIdeas}

// DocKinds returns the kinds of item the filter covers; nil for an unknown filter.
func (k SearchKind) DocKinds() []DocKind {
	switch k {
	case SearchLocalities:
		return []DocKind{DocLocality}
	case SearchVisions:
		return []DocKind{DocVision}
	case SearchPlans:
		return []DocKind{DocTheme, DocAction, DocUpdate}
	case SearchMeetings:
		return []DocKind{DocMeeting}
	case SearchGroups:
		return []DocKind{DocGroup}
	case SearchIdeas:
		return []DocKind{DocIdea, DocComment}
	}
	return nil
}

// SearchKindOf returns the filter that covers a kind of item.
func SearchKindOf(d DocKind) SearchKind {
	for _, k := range SearchKinds {
		for _, dk := range k.DocKinds() {
			if dk == d {
				return k
			}
		}
	}
	return ""
}

// SearchQuery is a full-text search over public content.
type SearchQuery struct {
	Text     string     // what the visitor typed; cleaned by the service
	English  bool       // also strip English endings (the visitor reads English)
	Locality string     // slug; "" for all localities
	Kind     SearchKind // "" for every kind
	Page     int        // from 1
	PerPage  int        // default 20, at most 50
}

// SearchHit is one matching item.
type SearchHit struct {
	Kind         DocKind
	ID           int64 // the item's id (for a vision, the locality's)
	ParentID     int64 // a comment's idea, an update's action
	LocalitySlug string
	LocalityName string
	GroupSlug    string // for a group
	Title        string
	Excerpt      string // plain text, a few dozen words around the first match
}

// Path is the address of the page that shows the item.
func (h *SearchHit) Path() string {
	loc := "/orter/" + h.LocalitySlug
	id := strconv.FormatInt(h.ID, 10)
	switch h.Kind {
	case DocVision:
		return loc + "/vision"
	case DocTheme:
		return loc + "/handlingsplan#tema-" + id
	case DocAction:
		return loc + "/handlingsplan#atgard-" + id
	case DocUpdate:
		return loc + "/handlingsplan#atgard-" + strconv.FormatInt(h.ParentID, 10)
	case DocMeeting:
		return "/moten/" + id
	case DocGroup:
		return loc + "/arbetsgrupper/" + h.GroupSlug
	case DocIdea:
		return "/ideer/" + id
	case DocComment:
		return "/ideer/" + strconv.FormatInt(h.ParentID, 10) + "#kommentar-" + id
	}
	return loc
}

// SearchCap bounds a search's work: matches are counted up to it, and the
// newest SearchCap matches (with the filters) are the ones ranked by
// relevance and paged, so a common word costs what a rare one does.
const SearchCap = 1000

// SearchResults is one page of hits, best first.
type SearchResults struct {
	Hits  []*SearchHit
	Total int // hits on all pages, with the filters; at most SearchCap
	// Capped says there are more than Total hits (over SearchCap).
	Capped bool
	// ByKind counts the hits per filter, ignoring the kind filter; when
	// ByKindCapped they are counted among the newest SearchCap matches only,
	// so each is at least that.
	ByKind       map[SearchKind]int
	ByKindCapped bool
	// Terms are the words actually searched for; none when nothing usable was typed.
	Terms   []fts.Term
	Page    int
	PerPage int
}

// Pages returns the number of pages.
func (r *SearchResults) Pages() int {
	if r.PerPage <= 0 || r.Total == 0 {
		return 0
	}
	return (r.Total + r.PerPage - 1) / r.PerPage
}

// SearchService searches public content: hidden and draft items are never found.
type SearchService interface {
	Search(ctx context.Context, q SearchQuery) (*SearchResults, error)
}
