package opendata

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/markdown"
)

// Atom 1.0 (RFC 4287) documents.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary,omitempty"`
}

// feedItem is an entry with the time it sorts by.
type feedItem struct {
	at time.Time
	e  atomEntry
}

// feedSource is what a feed is built from. Slug and Name give a locality's
// slug and name by id; prefix puts the locality's name before each title
// (for the site-wide feed).
type feedSource struct {
	revs   []*ortsplan.Revision
	ms     []*ortsplan.Meeting
	ideas  []*ortsplan.Idea
	slug   func(int64) string
	name   func(int64) string
	prefix bool
}

// A feed carries at most feedEntries entries, made from at most feedEntries
// revisions and ideas and the feedMeetings latest meetings (by start), so
// its cost does not grow with the data.
const (
	feedEntries  = 100
	feedMeetings = 200
)

// feedItems turns public changes, meetings and ideas into entries, newest
// first, at most feedEntries. Drafts and hidden ideas stay out; no names of residents.
func (h *Handler) feedItems(L *i18n.Localizer, src feedSource) []feedItem {
	host := strings.TrimPrefix(strings.TrimPrefix(h.cfg.BaseURL, "https://"), "http://")
	tag := func(kind string, id int64) string {
		return "tag:" + host + ",2026:" + kind + "-" + strconv.FormatInt(id, 10)
	}
	title := func(locID int64, t string) string {
		if src.prefix {
			return src.name(locID) + ": " + t
		}
		return t
	}
	var items []feedItem
	for _, rv := range src.revs {
		if rv.Draft {
			continue
		}
		t := L.T("rev." + rv.Kind + "." + rv.Action)
		if rv.Title != "" {
			t += ": " + rv.Title
		}
		items = append(items, feedItem{rv.CreatedAt, atomEntry{ID: tag("rev", rv.ID), Title: title(rv.LocalityID, t),
			Link:    atomLink{Href: h.cfg.BaseURL + "/orter/" + src.slug(rv.LocalityID) + "/historik/" + strconv.FormatInt(rv.ID, 10)},
			Summary: markdown.Plain(rv.Body, 300)}})
	}
	for _, m := range src.ms {
		link := atomLink{Href: h.cfg.BaseURL + "/moten/" + strconv.FormatInt(m.ID, 10)}
		items = append(items, feedItem{m.CreatedAt, atomEntry{ID: tag("meeting", m.ID), Title: title(m.LocalityID, L.T("feed.meeting_planned", m.Title)),
			Link: link, Summary: L.Date(m.Start) + " " + m.Start.In(i18n.Stockholm()).Format("15:04") + ", " + m.PlaceName}})
		if m.ReportIsPublic() {
			items = append(items, feedItem{m.ReportPublished, atomEntry{ID: tag("notes", m.ID), Title: title(m.LocalityID, L.T("feed.notes_published", m.Title)),
				Link: link, Summary: markdown.Plain(m.Report, 300)}})
		}
		if m.State == ortsplan.MeetingCancelled {
			items = append(items, feedItem{m.UpdatedAt, atomEntry{ID: tag("cancelled", m.ID), Title: title(m.LocalityID, L.T("feed.meeting_cancelled", m.Title)),
				Link: link, Summary: m.CancelReason}})
		}
	}
	for _, i := range src.ideas {
		if i.Hidden() {
			continue
		}
		link := atomLink{Href: h.cfg.BaseURL + "/ideer/" + strconv.FormatInt(i.ID, 10)}
		items = append(items, feedItem{i.CreatedAt, atomEntry{ID: tag("idea", i.ID), Title: title(i.LocalityID, L.T("feed.idea_new", i.Title)), Link: link,
			Summary: markdown.Plain(i.Body, 300)}})
		if !i.AnsweredAt.IsZero() {
			items = append(items, feedItem{i.AnsweredAt, atomEntry{ID: tag("answer", i.ID), Title: title(i.LocalityID, L.T("feed.idea_answered", i.Title)),
				Link: link, Summary: L.T("ideastatus."+string(i.Status)) + ". " + i.Answer}})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].at.After(items[j].at) })
	if len(items) > feedEntries {
		items = items[:feedEntries]
	}
	return items
}

// writeFeed writes an Atom feed of the items; updated is the newest of the
// items and the given time.
func (h *Handler) writeFeed(w http.ResponseWriter, r *http.Request, feed atomFeed, items []feedItem, updated time.Time) {
	for _, it := range items {
		it.e.Updated = it.at.UTC().Format(time.RFC3339)
		feed.Entries = append(feed.Entries, it.e)
		if it.at.After(updated) {
			updated = it.at
		}
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(feed); err != nil {
		h.cfg.Logger.Warn("write feed", "request_id", h.requestID(r), "err", err)
	}
}

// localityFeed is the Atom feed of a locality: meetings planned, notes
// published and changes to the description, phase, vision and plan. It holds
// public content only, never drafts or personal data.
func (h *Handler) localityFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, err := h.svc.Localities.FindLocality(ctx, r.PathValue("slug"))
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	revs, err := h.svc.OpenData.RecentRevisions(ctx, l.ID, feedEntries)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	ms, err := h.svc.Meetings.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: l.ID, Latest: true, Limit: feedMeetings})
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	ideas, err := h.svc.OpenData.IdeaPage(ctx, ortsplan.IdeaPageQuery{LocalityID: l.ID, Sort: ortsplan.SortNewest, Limit: feedEntries})
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
	items := h.feedItems(L, feedSource{revs: revs, ms: ms, ideas: ideas,
		slug: func(int64) string { return l.Slug }, name: func(int64) string { return l.Name }})
	self := h.cfg.BaseURL + "/orter/" + l.Slug + "/flode.atom"
	feed := atomFeed{Lang: L.Lang, ID: self, Title: L.T("feed.title", l.Name), Author: atomAuthor{Name: h.cfg.OrgName},
		Links: []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"},
			{Href: h.cfg.BaseURL + "/orter/" + l.Slug, Rel: "alternate", Type: "text/html"}}}
	h.writeFeed(w, r, feed, items, l.UpdatedAt)
}

// siteFeed is /flode.atom: the news of every locality in one feed — the
// newest public changes, the latest meetings by start, and the newest
// ideas with their answers.
func (h *Handler) siteFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ls, err := h.svc.Localities.ListLocalities(ctx)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	slugs, names := map[int64]string{}, map[int64]string{}
	var updated time.Time
	for _, l := range ls {
		slugs[l.ID], names[l.ID] = l.Slug, l.Name
		if l.UpdatedAt.After(updated) {
			updated = l.UpdatedAt
		}
	}
	revs, err := h.svc.OpenData.RecentRevisions(ctx, 0, feedEntries)
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	ms, err := h.svc.Meetings.Meetings(ctx, ortsplan.MeetingFilter{Latest: true, Limit: feedMeetings})
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	ideas, err := h.svc.OpenData.IdeaPage(ctx, ortsplan.IdeaPageQuery{Sort: ortsplan.SortNewest, Limit: feedEntries})
	if err != nil {
		h.cfg.Fail(w, r, err)
		return
	}
	L := h.localizer(r)
	items := h.feedItems(L, feedSource{revs: revs, ms: ms, ideas: ideas, prefix: true,
		slug: func(id int64) string { return slugs[id] }, name: func(id int64) string { return names[id] }})
	self := h.cfg.BaseURL + "/flode.atom"
	feed := atomFeed{Lang: L.Lang, ID: self, Title: L.T("feed.site_title", h.cfg.OrgName), Author: atomAuthor{Name: h.cfg.OrgName},
		Links: []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"},
			{Href: h.cfg.BaseURL + "/orter", Rel: "alternate", Type: "text/html"}}}
	h.writeFeed(w, r, feed, items, updated)
}
