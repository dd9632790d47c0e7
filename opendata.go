package ortsplan

import (
	"context"
	"time"
)

// IdeaPageQuery selects one page of the public (not hidden) ideas for the
// open data, in a stable order: newest first by id, or by supports and then id.
type IdeaPageQuery struct {
	LocalityID int64    // 0 for every locality
	Sort       IdeaSort // SortNewest or SortSupported
	// The keyset of the last idea on the previous page; AfterID 0 starts at the top.
	AfterID       int64
	AfterSupports int
	Limit         int
	Placed        bool // only ideas with a point (for the locality's map); newest first
}

// MeetingPageQuery selects one page of meetings ordered by start time and id.
type MeetingPageQuery struct {
	LocalityID int64
	From, To   time.Time // on Start; zero for open ends
	// The keyset of the last meeting on the previous page; AfterID 0 starts at the top.
	AfterStart time.Time
	AfterID    int64
	Limit      int
	// Brief leaves out the long texts (agenda, accessibility, report),
	// which a list of meetings does not show.
	Brief bool
}

// GroupPageQuery selects one page of working groups ordered by id.
type GroupPageQuery struct {
	LocalityID int64 // 0 for every locality
	AfterID    int64
	Limit      int
}

// EditionPageQuery selects one page of plan editions ordered by id.
type EditionPageQuery struct {
	LocalityID int64 // 0 for every locality
	AfterID    int64
	Limit      int
}

// MatterPageQuery selects one page of published matters, newest first by id.
type MatterPageQuery struct {
	LocalityID int64 // 0 for every locality
	Status     MatterStatus
	AfterID    int64 // 0 starts at the top
	Limit      int
}

// OpenDataService reads the paged lists of the open data API. The records
// carry what the other services return; the web layer picks the public fields.
type OpenDataService interface {
	IdeaPage(ctx context.Context, q IdeaPageQuery) ([]*Idea, error)
	MeetingPage(ctx context.Context, q MeetingPageQuery) ([]*Meeting, error)
	// GroupPage returns groups with their organisations and members (the
	// members' contact details included: callers show only consented names).
	GroupPage(ctx context.Context, q GroupPageQuery) ([]*Group, error)
	// RecentRevisions returns the newest public (not draft) revisions of a
	// locality (0: of every locality), newest first, for the feeds.
	RecentRevisions(ctx context.Context, localityID int64, limit int) ([]*Revision, error)
	// EditionPage returns plan editions with their snapshots, oldest id first.
	EditionPage(ctx context.Context, q EditionPageQuery) ([]*PlanEdition, error)
	// MatterPage returns published matters only.
	MatterPage(ctx context.Context, q MatterPageQuery) ([]*Matter, error)
	// SitemapRange returns the public pages of one of SitemapKinds ("ideer":
	// ideas not hidden, "moten": meetings not archived, "quickfix": public
	// quickfix applications) whose ids are above afterID and at most
	// throughID, by id: at most throughID-afterID, read by primary key.
	SitemapRange(ctx context.Context, kind string, afterID, throughID int64) ([]SitemapEntry, error)
	// SitemapMaxIDs returns the highest id of each of SitemapKinds.
	SitemapMaxIDs(ctx context.Context) (map[string]int64, error)
}

// SitemapKinds are the kinds of pages the sitemap lists by id, each the
// start of the pages' addresses (/moten/ID, /ideer/ID, /quickfix/ID).
var SitemapKinds = []string{"moten", "ideer", "quickfix"}

// SitemapEntry is one page in the sitemap: its row's id and last change.
type SitemapEntry struct {
	ID        int64
	UpdatedAt time.Time
}
