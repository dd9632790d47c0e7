package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/ortsplan/ortsplan"
)

// The paged lists of the open data API. Each page is a keyset query on a
// unique order, so a page never repeats or skips a row when rows are added.

// whereArgs builds a WHERE clause with numbered placeholders.
type whereArgs struct {
	conds []string
	args  []any
}

// add appends a condition whose ? marks take the values in order.
func (w *whereArgs) add(cond string, vs ...any) {
	for _, v := range vs {
		w.args = append(w.args, v)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *whereArgs) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func pageLimit(n int) int {
	if n <= 0 || n > 1000 {
		return 1000
	}
	return n
}

// IdeaPage returns a page of visible ideas, newest first or most supported first.
func (db *DB) IdeaPage(ctx context.Context, q ortsplan.IdeaPageQuery) ([]*ortsplan.Idea, error) {
	query, args := ideaPageSQL(q)
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: idea page: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Idea
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: idea page: %w", err)
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// ideaPageSQL is IdeaPage's query.
func ideaPageSQL(q ortsplan.IdeaPageQuery) (string, []any) {
	w := &whereArgs{}
	w.add("i.hidden_at IS NULL")
	if q.LocalityID > 0 {
		w.add("i.locality_id = ?", q.LocalityID)
	}
	if q.Placed {
		w.add("i.place_lat IS NOT NULL")
	}
	order := " ORDER BY i.id DESC"
	if q.Sort == ortsplan.SortSupported {
		order = " ORDER BY i.supports DESC, i.id DESC"
		if q.AfterID > 0 {
			w.add("(i.supports < ? OR (i.supports = ? AND i.id < ?))", q.AfterSupports, q.AfterSupports, q.AfterID)
		}
	} else if q.AfterID > 0 {
		w.add("i.id < ?", q.AfterID)
	}
	return "SELECT " + ideaColumns + ideaFrom + w.sql() + order + fmt.Sprintf(" LIMIT %d", pageLimit(q.Limit)), w.args
}

// MeetingPage returns a page of meetings by start time and id.
func (db *DB) MeetingPage(ctx context.Context, q ortsplan.MeetingPageQuery) ([]*ortsplan.Meeting, error) {
	query, args := meetingPageSQL(q)
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: meeting page: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: meeting page: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// meetingPageSQL is MeetingPage's query.
func meetingPageSQL(q ortsplan.MeetingPageQuery) (string, []any) {
	w := &whereArgs{}
	w.add("m.archived_at IS NULL")
	if q.LocalityID > 0 {
		w.add("m.locality_id = ?", q.LocalityID)
	}
	if !q.From.IsZero() {
		w.add("m.starts_at >= ?", q.From.UTC())
	}
	if !q.To.IsZero() {
		w.add("m.starts_at < ?", q.To.UTC())
	}
	if q.AfterID > 0 {
		at := q.AfterStart.UTC()
		w.add("(m.starts_at > ? OR (m.starts_at = ? AND m.id > ?))", at, at, q.AfterID)
	}
	cols := meetingColumns
	if q.Brief {
		cols = meetingBriefColumns
	}
	return "SELECT " + cols + meetingFrom + w.sql() + fmt.Sprintf(" ORDER BY m.starts_at, m.id LIMIT %d", pageLimit(q.Limit)), w.args
}

// meetingBriefColumns are meetingColumns with empty long texts, for lists.
var meetingBriefColumns = strings.NewReplacer("m.accessibility, m.agenda,", "'', '',", "m.report,", "'',").Replace(meetingColumns)

// GroupPage returns a page of working groups by id, with members and
// organisations loaded in two more queries.
func (db *DB) GroupPage(ctx context.Context, q ortsplan.GroupPageQuery) ([]*ortsplan.Group, error) {
	w := &whereArgs{}
	if q.LocalityID > 0 {
		w.add("g.locality_id = ?", q.LocalityID)
	}
	if q.AfterID > 0 {
		w.add("g.id > ?", q.AfterID)
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+groupColumns+` FROM working_groups g LEFT JOIN users u ON u.id = g.contact_user_id`+
		w.sql()+fmt.Sprintf(" ORDER BY g.id LIMIT %d", pageLimit(q.Limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: group page: %w", err)
	}
	var gs []*ortsplan.Group
	byID := map[int64]*ortsplan.Group{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: group page: %w", err)
		}
		gs = append(gs, g)
		byID[g.ID] = g
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(gs) == 0 {
		return gs, err
	}
	// The page is a contiguous id range, so the parts come by range.
	lo, hi := gs[0].ID, gs[len(gs)-1].ID
	mrows, err := db.db.QueryContext(ctx, `SELECT m.id, m.group_id, m.name, m.email, m.phone, m.show_name, m.joined_at
		FROM group_members m WHERE m.group_id BETWEEN $1 AND $2 ORDER BY m.name, m.id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: group page members: %w", err)
	}
	for mrows.Next() {
		var m ortsplan.GroupMember
		if err := mrows.Scan(&m.ID, &m.GroupID, &m.Name, &m.Email, &m.Phone, &m.ShowName, &m.JoinedAt); err != nil {
			mrows.Close()
			return nil, err
		}
		if g := byID[m.GroupID]; g != nil {
			g.Members = append(g.Members, &m)
		}
	}
	mrows.Close()
	if err := mrows.Err(); err != nil {
		return nil, err
	}
	orows, err := db.db.QueryContext(ctx, `SELECT go.group_id, o.id, o.locality_id, o.name, o.kind, o.website, o.description
		FROM group_organisations go JOIN organisations o ON o.id = go.organisation_id WHERE go.group_id BETWEEN $1 AND $2 ORDER BY o.name`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: group page organisations: %w", err)
	}
	defer orows.Close()
	for orows.Next() {
		var gid int64
		var o ortsplan.Organisation
		if err := orows.Scan(&gid, &o.ID, &o.LocalityID, &o.Name, &o.Kind, &o.Website, &o.Description); err != nil {
			return nil, err
		}
		if g := byID[gid]; g != nil {
			g.Organisations = append(g.Organisations, &o)
		}
	}
	return gs, orows.Err()
}

// notArchivedRevision leaves out the revisions of what is archived: the news
// and the feeds no longer show an archived focus area, action (with its
// progress updates), meeting or file; only the history does.
const notArchivedRevision = `
	AND NOT (r.kind = 'theme' AND EXISTS (SELECT 1 FROM themes x WHERE x.id = r.entity_id AND x.archived_at IS NOT NULL))
	AND NOT (r.kind IN ('action', 'update') AND EXISTS (SELECT 1 FROM actions x WHERE x.id = r.entity_id AND x.archived_at IS NOT NULL))
	AND NOT (r.kind = 'meeting' AND EXISTS (SELECT 1 FROM meetings x WHERE x.id = r.entity_id AND x.archived_at IS NOT NULL))
	AND NOT (r.kind = 'file' AND EXISTS (SELECT 1 FROM meeting_files x WHERE x.id = r.entity_id AND x.archived_at IS NOT NULL))`

// RecentRevisions returns the newest revisions that are neither drafts nor
// of something archived, of one locality or (localityID 0) of all.
func (db *DB) RecentRevisions(ctx context.Context, localityID int64, limit int) ([]*ortsplan.Revision, error) {
	query, args := recentRevisionsSQL(localityID, limit)
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr("recent revisions", err)
	}
	defer rows.Close()
	var out []*ortsplan.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// recentRevisionsSQL is RecentRevisions' query.
func recentRevisionsSQL(localityID int64, limit int) (string, []any) {
	where, args := "", []any{}
	if localityID > 0 {
		where, args = " AND r.locality_id = $1", []any{localityID}
	}
	return "SELECT " + revisionColumns + ` FROM revisions r LEFT JOIN users u ON u.id = r.actor_id
		WHERE NOT r.draft` + notArchivedRevision + where + ` ORDER BY r.created_at DESC, r.id DESC` + fmt.Sprintf(" LIMIT %d", pageLimit(limit)), args
}

var _ ortsplan.OpenDataService = (*DB)(nil)

// sitemapSQL is SitemapRange's query per kind.
var sitemapSQL = map[string]string{
	"ideer": "SELECT id, updated_at FROM ideas WHERE id > $1 AND id <= $2 AND hidden_at IS NULL ORDER BY id",
	"moten": "SELECT id, updated_at FROM meetings WHERE id > $1 AND id <= $2 AND archived_at IS NULL ORDER BY id",
	// (public is a boolean both engines read as true when it is 1.)
	"quickfix": "SELECT id, updated_at FROM quickfixes WHERE id > $1 AND id <= $2 AND public = $3 ORDER BY id",
}

// sitemapTables are the tables of the sitemap's kinds.
var sitemapTables = map[string]string{"ideer": "ideas", "moten": "meetings", "quickfix": "quickfixes"}

// SitemapRange returns the public ideas or meetings with ids in (afterID, throughID].
func (db *DB) SitemapRange(ctx context.Context, kind string, afterID, throughID int64) ([]ortsplan.SitemapEntry, error) {
	q, ok := sitemapSQL[kind]
	if !ok || throughID < afterID || throughID-afterID > 50000 {
		return nil, &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.not_found"}
	}
	args := []any{afterID, throughID}
	if kind == "quickfix" {
		args = append(args, true)
	}
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: sitemap %s: %w", kind, err)
	}
	defer rows.Close()
	var out []ortsplan.SitemapEntry
	for rows.Next() {
		var e ortsplan.SitemapEntry
		if err := rows.Scan(&e.ID, &e.UpdatedAt); err != nil {
			return nil, dbErr("sitemap "+kind, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SitemapMaxIDs returns the highest id of each of the sitemap's kinds (0
// for none), each from its primary key.
func (db *DB) SitemapMaxIDs(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, kind := range ortsplan.SitemapKinds {
		var n int64
		if err := db.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+sitemapTables[kind]).Scan(&n); err != nil {
			return nil, dbErr("sitemap max id", err)
		}
		out[kind] = n
	}
	return out, nil
}
