package web

import (
	"context"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// newsItems is how many of each kind of news the home page and a
// locality's Aktuellt show.
const newsItems = 3

// news is what is happening: the next meetings, the latest ideas and the
// latest changes to the plans, of one locality or of all (0). Each list is
// bounded, read with the queries the feeds use.
type news struct {
	Meetings []*ortsplan.Meeting
	Ideas    []*ortsplan.Idea
	Changes  []newsChange
	// Names gives a locality's name by id, for the lists of every locality.
	Names map[int64]string
}

type newsChange struct {
	Text, Link, Locality string
	At                   time.Time
}

func (s *Server) loadNews(ctx context.Context, L *i18n.Localizer, localityID int64, ls []*ortsplan.Locality) (*news, error) {
	n := &news{Names: map[int64]string{}}
	slugs := map[int64]string{}
	for _, l := range ls {
		n.Names[l.ID], slugs[l.ID] = l.Name, l.Slug
	}
	ms, err := s.svc.Meetings.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: localityID, From: s.cfg.Now(), Limit: newsItems + 2})
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.State != ortsplan.MeetingCancelled && len(n.Meetings) < newsItems {
			n.Meetings = append(n.Meetings, m)
		}
	}
	ideas, err := s.svc.OpenData.IdeaPage(ctx, ortsplan.IdeaPageQuery{LocalityID: localityID, Sort: ortsplan.SortNewest, Limit: newsItems})
	if err != nil {
		return nil, err
	}
	for _, i := range ideas {
		if !i.Hidden() {
			n.Ideas = append(n.Ideas, i)
		}
	}
	revs, err := s.svc.OpenData.RecentRevisions(ctx, localityID, newsItems)
	if err != nil {
		return nil, err
	}
	for _, rv := range revs {
		if rv.Draft {
			continue
		}
		t := L.T("rev." + rv.Kind + "." + rv.Action)
		if rv.Title != "" {
			t += ": " + rv.Title
		}
		n.Changes = append(n.Changes, newsChange{Text: t, Locality: n.Names[rv.LocalityID], At: rv.CreatedAt,
			Link: "/orter/" + slugs[rv.LocalityID] + "/historik/" + strconv.FormatInt(rv.ID, 10)})
	}
	return n, nil
}

// newsData hands the news partial its page, the news and whether they are
// of every locality (then each item names its locality).
type newsData struct {
	P   *page
	N   *news
	All bool
}
