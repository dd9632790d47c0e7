package web

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
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

// localityFeed is the Atom feed of a locality: meetings planned, notes
// published and changes to the description, phase, vision and plan. It holds
// public content only, never drafts or personal data.
func (s *Server) localityFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, err := s.svc.Localities.FindLocality(ctx, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	revs, err := s.svc.Plans.Revisions(ctx, l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.svc.Meetings.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: l.ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	L := s.cat.For(reqInfo(r).Lang)
	host := strings.TrimPrefix(strings.TrimPrefix(s.cfg.BaseURL, "https://"), "http://")
	tag := func(kind string, id int64) string {
		return "tag:" + host + ",2026:" + kind + "-" + strconv.FormatInt(id, 10)
	}
	type item struct {
		at time.Time
		e  atomEntry
	}
	var items []item
	for _, rv := range revs {
		if rv.Draft {
			continue
		}
		title := L.T("rev." + rv.Kind + "." + rv.Action)
		if rv.Title != "" {
			title += ": " + rv.Title
		}
		items = append(items, item{rv.CreatedAt, atomEntry{ID: tag("rev", rv.ID), Title: title,
			Link:    atomLink{Href: s.cfg.BaseURL + "/orter/" + l.Slug + "/historik/" + strconv.FormatInt(rv.ID, 10)},
			Summary: markdown.Plain(rv.Body, 300)}})
	}
	for _, m := range ms {
		link := atomLink{Href: s.cfg.BaseURL + "/moten/" + strconv.FormatInt(m.ID, 10)}
		items = append(items, item{m.CreatedAt, atomEntry{ID: tag("meeting", m.ID), Title: L.T("feed.meeting_planned", m.Title),
			Link: link, Summary: L.Date(m.Start) + " " + m.Start.In(stockholmLoc()).Format("15:04") + ", " + m.PlaceName}})
		if m.ReportIsPublic() {
			items = append(items, item{m.ReportPublished, atomEntry{ID: tag("notes", m.ID), Title: L.T("feed.notes_published", m.Title),
				Link: link, Summary: markdown.Plain(m.Report, 300)}})
		}
		if m.State == ortsplan.MeetingCancelled {
			items = append(items, item{m.UpdatedAt, atomEntry{ID: tag("cancelled", m.ID), Title: L.T("feed.meeting_cancelled", m.Title),
				Link: link, Summary: m.CancelReason}})
		}
	}
	ideas, err := s.svc.Ideas.Ideas(ctx, l.ID, ortsplan.SortNewest)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, i := range ideas {
		if i.Hidden() {
			continue
		}
		link := atomLink{Href: s.cfg.BaseURL + "/ideer/" + strconv.FormatInt(i.ID, 10)}
		items = append(items, item{i.CreatedAt, atomEntry{ID: tag("idea", i.ID), Title: L.T("feed.idea_new", i.Title), Link: link,
			Summary: markdown.Plain(i.Body, 300)}})
		if !i.AnsweredAt.IsZero() {
			items = append(items, item{i.AnsweredAt, atomEntry{ID: tag("answer", i.ID), Title: L.T("feed.idea_answered", i.Title),
				Link: link, Summary: L.T("ideastatus."+string(i.Status)) + ". " + i.Answer}})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].at.After(items[j].at) })
	if len(items) > 100 {
		items = items[:100]
	}
	feed := atomFeed{Lang: L.Lang, ID: s.cfg.BaseURL + "/orter/" + l.Slug + "/flode.atom", Title: L.T("feed.title", l.Name),
		Author: atomAuthor{Name: s.cfg.OrgName},
		Links: []atomLink{{Href: s.cfg.BaseURL + "/orter/" + l.Slug + "/flode.atom", Rel: "self", Type: "application/atom+xml"},
			{Href: s.cfg.BaseURL + "/orter/" + l.Slug, Rel: "alternate", Type: "text/html"}}}
	updated := l.UpdatedAt
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
		s.log.Warn("write feed", "request_id", reqInfo(r).ID, "err", err)
	}
}
