package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/ortsplan/ortsplan"
)

// workScope returns the condition that keeps a staff list to the localities
// the acting user works on, narrowed to one when localityID is not 0, with
// its arguments numbered from next. none is true when nothing can match.
func (db *DB) workScope(ctx context.Context, col string, localityID int64, next int) (cond string, args []any, none bool, err error) {
	u, err := actorFor(ctx, db.db)
	if err != nil {
		return "", nil, false, err
	}
	if !u.IsStaff() {
		return "", nil, false, &ortsplan.Error{Code: ortsplan.EFORBIDDEN, Key: "error.forbidden", Err: fmt.Errorf("sqlstore: work lists are for staff")}
	}
	all, ids := u.EditableLocalities()
	switch {
	case localityID != 0 && (all || containsID(ids, localityID)):
		return fmt.Sprintf("%s = $%d", col, next), []any{localityID}, false, nil
	case localityID != 0, !all && len(ids) == 0:
		return "", nil, true, nil
	case all:
		return "TRUE", nil, false, nil
	}
	for _, id := range ids {
		args = append(args, id)
	}
	return col + " IN (" + placeholders(len(ids), next) + ")", args, false, nil
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// Late actions: a planned end before today, neither done nor cancelled, not
// archived (archived rows are in no list)
// (ortsplan.ActionLate says the same for one action).
const lateActionWhere = `a.archived_at IS NULL AND a.end_on IS NOT NULL AND a.end_on < $1 AND a.status NOT IN ('genomford', 'avbruten')`

// Meetings held without notes and meetings soon (ortsplan.MeetingNeedsNotes
// and MeetingSoon say the same for one meeting).
const (
	needsNotesWhere = `m.archived_at IS NULL AND m.state <> 'installt' AND COALESCE(m.ends_at, m.starts_at) < $1 AND (m.report_published IS NULL OR TRIM(m.report) = '')`
	soonWhere       = `m.archived_at IS NULL AND m.state <> 'installt' AND m.starts_at >= $1 AND m.starts_at < $2`
)

// Workload counts what waits for the acting staff member; see ortsplan.Workload.
func (db *DB) Workload(ctx context.Context, localityID int64) (*ortsplan.Workload, error) {
	now := db.now()
	w := &ortsplan.Workload{}
	counts := []struct {
		n     *int
		col   string
		query string
		args  []any
	}{
		{&w.SignUpsWaiting, "s.locality_id", "SELECT COUNT(*) FROM signups s WHERE s.status = $1 AND NOT s.anonymised", []any{string(ortsplan.SignUpNew)}},
		{&w.SignUpsOverdue, "s.locality_id", "SELECT COUNT(*) FROM signups s WHERE s.status = $1 AND NOT s.anonymised AND s.created_at < $2",
			[]any{string(ortsplan.SignUpNew), now.Add(-ortsplan.SignUpWaitLimit)}},
		{&w.IdeasUnanswered, "i.locality_id", "SELECT COUNT(*) FROM ideas i WHERE i.answered_at IS NULL AND i.hidden_at IS NULL", nil},
		{&w.Reports, "i.locality_id", `SELECT COUNT(*) FROM content_reports r
			LEFT JOIN idea_comments c ON r.kind = 'comment' AND c.id = r.target_id
			JOIN ideas i ON i.id = CASE WHEN r.kind = 'idea' THEN r.target_id ELSE c.idea_id END
			WHERE NOT r.handled`, nil},
		{&w.LateActions, "a.locality_id", "SELECT COUNT(*) FROM actions a WHERE " + lateActionWhere, []any{dateArg(now)}},
		{&w.MeetingsWithoutNotes, "m.locality_id", "SELECT COUNT(*) FROM meetings m WHERE " + needsNotesWhere, []any{now}},
		{&w.MeetingsSoon, "m.locality_id", "SELECT COUNT(*) FROM meetings m WHERE " + soonWhere, []any{now, now.Add(ortsplan.MeetingsSoonWithin)}},
		{&w.MattersOverdue, "m.locality_id", "SELECT COUNT(*) FROM matters m WHERE " + overdueMatterWhere, []any{dateArg(ortsplan.MatterOverdueSince(now))}},
	}
	for _, c := range counts {
		cond, args, none, err := db.workScope(ctx, c.col, localityID, len(c.args)+1)
		if err != nil {
			return nil, err
		}
		if none {
			continue
		}
		if err := db.db.QueryRowContext(ctx, c.query+" AND "+cond, append(c.args, args...)...).Scan(c.n); err != nil {
			return nil, dbErr("workload", err)
		}
	}
	// Quickfix applications, for those who decide them.
	if u, err := actorFor(ctx, db.db); err != nil {
		return nil, err
	} else if u.Role != ortsplan.RoleGroupLeader {
		cond, args, none, err := db.workScope(ctx, "q.locality_id", localityID, 2)
		if err != nil {
			return nil, err
		}
		if !none {
			if err := db.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM quickfixes q WHERE q.status = $1 AND "+cond,
				append([]any{string(ortsplan.QuickfixApplied)}, args...)...).Scan(&w.QuickfixesWaiting); err != nil {
				return nil, dbErr("workload quickfixes", err)
			}
		}
	}
	return w, nil
}

// page returns the LIMIT and OFFSET of a staff list's page, asking one row
// more than a page to learn whether another follows.
func workPage(f ortsplan.WorkFilter) string {
	p := max(f.Page, 1)
	return fmt.Sprintf(" LIMIT %d OFFSET %d", ortsplan.WorkPageSize+1, (p-1)*ortsplan.WorkPageSize)
}

// LateActions lists the late actions the acting user works on, the latest
// planned end first.
func (db *DB) LateActions(ctx context.Context, f ortsplan.WorkFilter) ([]*ortsplan.LateAction, bool, error) {
	cond, args, none, err := db.workScope(ctx, "a.locality_id", f.LocalityID, 2)
	if err != nil || none {
		return nil, false, err
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+actionColumns+`, l.slug, l.name, t.title FROM actions a
		JOIN localities l ON l.id = a.locality_id JOIN themes t ON t.id = a.theme_id
		WHERE `+lateActionWhere+" AND "+cond+" ORDER BY a.end_on DESC, a.id"+workPage(f), append([]any{dateArg(db.now())}, args...)...)
	if err != nil {
		return nil, false, dbErr("late actions", err)
	}
	defer rows.Close()
	var out []*ortsplan.LateAction
	for rows.Next() {
		la := &ortsplan.LateAction{}
		var extra [3]string
		a, err := scanAction(rowWith{rows, []any{&extra[0], &extra[1], &extra[2]}})
		if err != nil {
			return nil, false, dbErr("late actions", err)
		}
		la.Action, la.LocalitySlug, la.LocalityName, la.ThemeTitle = a, extra[0], extra[1], extra[2]
		out = append(out, la)
	}
	more := len(out) > ortsplan.WorkPageSize
	return out[:min(len(out), ortsplan.WorkPageSize)], more, rows.Err()
}

// WorkMeetings lists the meetings of one of the staff home's lists.
func (db *DB) WorkMeetings(ctx context.Context, list ortsplan.MeetingList, f ortsplan.WorkFilter) ([]*ortsplan.Meeting, bool, error) {
	now := db.now()
	var where, order string
	var args []any
	switch list {
	case ortsplan.MeetingsNeedingNotes:
		where, order, args = needsNotesWhere, "m.starts_at DESC, m.id", []any{now}
	case ortsplan.MeetingsComing:
		where, order, args = soonWhere, "m.starts_at, m.id", []any{now, now.Add(ortsplan.MeetingsSoonWithin)}
	default:
		return nil, false, &ortsplan.Error{Code: ortsplan.EINVALID, Key: "work.unknown_list", Err: fmt.Errorf("sqlstore: no meeting list %q", list)}
	}
	cond, scope, none, err := db.workScope(ctx, "m.locality_id", f.LocalityID, len(args)+1)
	if err != nil || none {
		return nil, false, err
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+meetingColumns+meetingFrom+" WHERE "+where+" AND "+cond+" ORDER BY "+order+workPage(f), append(args, scope...)...)
	if err != nil {
		return nil, false, dbErr("work meetings", err)
	}
	defer rows.Close()
	var out []*ortsplan.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, false, dbErr("work meetings", err)
		}
		out = append(out, m)
	}
	more := len(out) > ortsplan.WorkPageSize
	return out[:min(len(out), ortsplan.WorkPageSize)], more, rows.Err()
}

// UnansweredIdeas lists visible ideas without an official answer, oldest
// first, in the localities the acting user works on.
func (db *DB) UnansweredIdeas(ctx context.Context, status ortsplan.IdeaStatus, f ortsplan.WorkFilter) ([]*ortsplan.Idea, bool, error) {
	where := []string{"i.answered_at IS NULL", "i.hidden_at IS NULL"}
	var args []any
	if status != "" {
		args = append(args, string(status))
		where = append(where, "i.status = $1")
	}
	cond, scope, none, err := db.workScope(ctx, "i.locality_id", f.LocalityID, len(args)+1)
	if err != nil || none {
		return nil, false, err
	}
	where = append(where, cond)
	rows, err := db.db.QueryContext(ctx, "SELECT "+ideaColumns+ideaFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY i.created_at, i.id"+workPage(f),
		append(args, scope...)...)
	if err != nil {
		return nil, false, dbErr("unanswered ideas", err)
	}
	defer rows.Close()
	var out []*ortsplan.Idea
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, false, dbErr("unanswered ideas", err)
		}
		out = append(out, i)
	}
	more := len(out) > ortsplan.WorkPageSize
	return out[:min(len(out), ortsplan.WorkPageSize)], more, rows.Err()
}

// rowWith scans a row's leading columns with scan and its trailing ones into
// extra, so a scan function made for a table reads a joined row too.
type rowWith struct {
	row interface {
		Scan(...any) error
	}
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

var _ ortsplan.WorkService = (*DB)(nil)
