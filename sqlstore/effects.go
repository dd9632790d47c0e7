package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Stockholm time even on hosts without a zone database

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// The effects dashboard's figures are aggregated from the records with SQL,
// per period bounds computed in Go in Stockholm time and passed as UTC
// parameters, so both engines bucket alike. Aggregating 100,000 ideas on every
// page view would be too slow, so the figures are cached per locality and
// period kind under the locality's change counter (the site's for the whole
// municipality; see cache.go), which triggers bump in the same transaction as
// every change to the records the figures come from.

// Effects returns the dashboard's figures for a locality (0: all localities),
// kept under the change counter of the locality (or the site) until the next
// committed change to the records they are counted from.
func (db *DB) Effects(ctx context.Context, localityID int64, kind ortsplan.PeriodKind) (*ortsplan.Effects, error) {
	if !kind.Valid() {
		return nil, ortsplan.Errorf(ortsplan.EINVALID, "effects.period_invalid")
	}
	now := db.now()
	cur := ortsplan.PeriodOf(kind, now, i18n.Stockholm())
	// The counter is read before the figures, so figures computed from a
	// later state are at worst newer than their counter, never older.
	version, err := db.counter(ctx, localityID)
	if err != nil {
		return nil, err
	}
	key := cacheKey{kind: "effects", scope: localityID, version: version, detail: string(kind) + strconv.FormatInt(cur.Start.Unix(), 10)}
	v, err := db.cache.GetOrLoad(ctx, key, func(ctx context.Context) (any, error) {
		e, err := db.computeEffects(ctx, localityID, kind, now)
		if err != nil {
			return nil, err
		}
		e.Version = version
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*ortsplan.Effects), nil
}

// firstEffectRecord returns when the earliest record counted on the dashboard was made.
func (db *DB) firstEffectRecord(ctx context.Context, localityID int64) (time.Time, error) {
	var first time.Time
	for _, q := range []string{
		"SELECT created_at FROM signups %s ORDER BY created_at LIMIT 1",
		"SELECT created_at FROM ideas %s ORDER BY created_at LIMIT 1",
		"SELECT starts_at FROM meetings WHERE archived_at IS NULL %s ORDER BY starts_at LIMIT 1",
		"SELECT created_at FROM actions WHERE archived_at IS NULL %s ORDER BY created_at LIMIT 1",
		"SELECT decided_at FROM quickfixes WHERE public %s ORDER BY decided_at LIMIT 1",
	} {
		where, args := "", []any{}
		if localityID > 0 {
			where, args = "WHERE locality_id = $1", []any{localityID}
			if strings.Contains(q, "WHERE") {
				where = "AND locality_id = $1"
			}
		}
		var t time.Time
		err := db.db.QueryRowContext(ctx, fmt.Sprintf(q, where), args...).Scan(&t)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return time.Time{}, fmt.Errorf("sqlstore: first effect record: %w", err)
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first, nil
}

// bucketQuery builds the bucketing of a timestamp column into the periods:
// a CASE expression giving the period's index and a WHERE condition for the
// whole range, with the bounds as UTC parameters appended to args.
type bucketQuery struct {
	args []any
	ends []string // parameter of each period's end
	lo   string
}

func newBucketQuery(ps []ortsplan.Period, localityID int64) *bucketQuery {
	b := &bucketQuery{}
	b.lo = b.arg(ps[0].Start.UTC())
	for _, p := range ps {
		b.ends = append(b.ends, b.arg(p.End.UTC()))
	}
	if localityID > 0 {
		b.arg(localityID) // always $1+len(ps)+1; see locality
	}
	return b
}

func (b *bucketQuery) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// locality is the condition on the locality column col, or "" for all.
func (b *bucketQuery) locality(col string) string {
	if len(b.args) == len(b.ends)+1 {
		return ""
	}
	return " AND " + col + " = " + "$" + strconv.Itoa(len(b.args))
}

// index is the CASE expression numbering the period that col falls in.
func (b *bucketQuery) index(col string) string {
	if len(b.ends) == 1 {
		return "0"
	}
	var sb strings.Builder
	sb.WriteString("CASE")
	for i, end := range b.ends[:len(b.ends)-1] {
		fmt.Fprintf(&sb, " WHEN %s < %s THEN %d", col, end, i)
	}
	fmt.Fprintf(&sb, " ELSE %d END", len(b.ends)-1)
	return sb.String()
}

// within is the condition that col lies in the whole range.
func (b *bucketQuery) within(col string) string {
	return col + " >= " + b.lo + " AND " + col + " < " + b.ends[len(b.ends)-1]
}

// eachBucket runs q and calls fn for each row with dest filled in; the first
// column, the period index, is passed as i.
func (db *DB) eachBucket(ctx context.Context, b *bucketQuery, q string, dest []any, fn func(i int)) error {
	rows, err := db.db.QueryContext(ctx, q, b.args...)
	if err != nil {
		return fmt.Errorf("sqlstore: effects: %w", err)
	}
	defer rows.Close()
	var i int
	for rows.Next() {
		if err := rows.Scan(append([]any{&i}, dest...)...); err != nil {
			return fmt.Errorf("sqlstore: effects: %w", err)
		}
		if i >= 0 && i < len(b.ends) {
			fn(i)
		}
	}
	return rows.Err()
}

func (db *DB) computeEffects(ctx context.Context, localityID int64, kind ortsplan.PeriodKind, now time.Time) (*ortsplan.Effects, error) {
	var first time.Time
	if kind == ortsplan.PeriodYear {
		var err error
		if first, err = db.firstEffectRecord(ctx, localityID); err != nil {
			return nil, err
		}
	}
	ps := ortsplan.EffectPeriods(kind, now, first, i18n.Stockholm())
	e := &ortsplan.Effects{LocalityID: localityID, Kind: kind, Periods: make([]ortsplan.EffectPeriod, len(ps))}
	for i, p := range ps {
		e.Periods[i] = ortsplan.EffectPeriod{Period: p, SignUpsByAge: map[string]int{}}
	}
	b := newBucketQuery(ps, localityID)
	var a, c int64
	var age string
	var err error

	// Sign-ups, by age group, and how many of them joined a group.
	ages := map[string]*ortsplan.AgeGroupCount{}
	err = db.eachBucket(ctx, b, `SELECT `+b.index("created_at")+`, age_group, COUNT(*), SUM(CASE WHEN status = 'med' THEN 1 ELSE 0 END)
		FROM signups WHERE `+b.within("created_at")+b.locality("locality_id")+` GROUP BY 1, 2`, []any{&age, &a, &c}, func(i int) {
		p := &e.Periods[i]
		p.SignUps += int(a)
		p.Joined += int(c)
		p.SignUpsByAge[age] += int(a)
		g := ages[age]
		if g == nil {
			g = &ortsplan.AgeGroupCount{AgeGroup: age}
			ages[age] = g
		}
		g.SignUps += int(a)
		g.Joined += int(c)
	})
	if err != nil {
		return nil, err
	}
	for _, g := range append(append([]string{}, ortsplan.AgeGroups...), "") {
		if n := ages[g]; n != nil {
			e.AgeGroups = append(e.AgeGroups, *n)
		} else {
			e.AgeGroups = append(e.AgeGroups, ortsplan.AgeGroupCount{AgeGroup: g})
		}
	}

	// Meetings not cancelled, the people registered to them (confirmed with
	// places, as ortsplan.Registration.HoldsPlace) and the participants recorded.
	err = db.eachBucket(ctx, b, `SELECT `+b.index("starts_at")+`, COUNT(*), COALESCE(SUM(participants), 0)
		FROM meetings WHERE archived_at IS NULL AND state <> 'installt' AND `+b.within("starts_at")+b.locality("locality_id")+` GROUP BY 1`, []any{&a, &c}, func(i int) {
		e.Periods[i].Meetings += int(a)
		e.Periods[i].Participants += int(c)
	})
	if err != nil {
		return nil, err
	}
	err = db.eachBucket(ctx, b, `SELECT `+b.index("m.starts_at")+`, COALESCE(SUM(r.people), 0)
		FROM registrations r JOIN meetings m ON m.id = r.meeting_id
		WHERE r.cancelled_at IS NULL AND r.confirmed_at IS NOT NULL AND NOT r.waitlisted AND m.archived_at IS NULL AND m.state <> 'installt' AND `+b.within("m.starts_at")+b.locality("m.locality_id")+`
		GROUP BY 1`, []any{&a}, func(i int) { e.Periods[i].Registered += int(a) })
	if err != nil {
		return nil, err
	}

	// Ideas proposed, answered and carried out; hidden ideas are left out.
	err = db.eachBucket(ctx, b, `SELECT `+b.index("created_at")+`, COUNT(*)
		FROM ideas WHERE hidden_at IS NULL AND `+b.within("created_at")+b.locality("locality_id")+` GROUP BY 1`, []any{&a}, func(i int) {
		e.Periods[i].Proposed += int(a)
	})
	if err != nil {
		return nil, err
	}
	err = db.eachBucket(ctx, b, `SELECT `+b.index("answered_at")+`, COUNT(*), SUM(CASE WHEN status = 'genomford' THEN 1 ELSE 0 END)
		FROM ideas WHERE hidden_at IS NULL AND `+b.within("answered_at")+b.locality("locality_id")+` GROUP BY 1`, []any{&a, &c}, func(i int) {
		e.Periods[i].Answered += int(a)
		e.Periods[i].Done += int(c)
	})
	if err != nil {
		return nil, err
	}

	// Plan actions added and finished.
	err = db.eachBucket(ctx, b, `SELECT `+b.index("created_at")+`, COUNT(*)
		FROM actions WHERE archived_at IS NULL AND `+b.within("created_at")+b.locality("locality_id")+` GROUP BY 1`, []any{&a}, func(i int) {
		e.Periods[i].ActionsAdded += int(a)
	})
	if err != nil {
		return nil, err
	}
	err = db.eachBucket(ctx, b, `SELECT `+b.index("done_at")+`, COUNT(*)
		FROM actions WHERE archived_at IS NULL AND status = 'genomford' AND `+b.within("done_at")+b.locality("locality_id")+` GROUP BY 1`, []any{&a}, func(i int) {
		e.Periods[i].ActionsDone += int(a)
	})
	if err != nil {
		return nil, err
	}
	// Quickfixes granted, and the sum granted, by when they were decided
	// (public: granted, and later reported or paid).
	err = db.eachBucket(ctx, b, `SELECT `+b.index("decided_at")+`, COUNT(*), COALESCE(SUM(amount), 0)
		FROM quickfixes WHERE public AND `+b.within("decided_at")+b.locality("locality_id")+` GROUP BY 1`, []any{&a, &c}, func(i int) {
		e.Periods[i].Quickfixes += int(a)
		e.Periods[i].QuickfixesAmount += int(c)
	})
	if err != nil {
		return nil, err
	}
	if err := db.actionFigures(ctx, localityID, e); err != nil {
		return nil, err
	}
	// The plan revisions: actions finished per revision, summed per plan year.
	where, args := "TRUE ORDER BY e.locality_id, e.year", []any{}
	if localityID > 0 {
		where, args = "e.locality_id = $1 ORDER BY e.year", []any{localityID}
	}
	es, err := db.editions(ctx, where, args...)
	if err != nil {
		return nil, err
	}
	e.Revisions = ortsplan.EditionYears(es)
	return e, nil
}

// actionFigures fills in the actions by status and the plan progress now.
func (db *DB) actionFigures(ctx context.Context, localityID int64, e *ortsplan.Effects) error {
	where, args := " WHERE archived_at IS NULL", []any{}
	if localityID > 0 {
		where, args = " WHERE archived_at IS NULL AND locality_id = $1", []any{localityID}
	}
	rows, err := db.db.QueryContext(ctx, "SELECT status, COUNT(*) FROM actions"+where+" GROUP BY status", args...)
	if err != nil {
		return fmt.Errorf("sqlstore: actions by status: %w", err)
	}
	counts := map[ortsplan.ActionStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return err
		}
		counts[ortsplan.ActionStatus(st)] = n
		e.Actions += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, st := range ortsplan.ActionStatuses {
		e.ActionsByStatus = append(e.ActionsByStatus, ortsplan.StatusCount{Status: st, Count: counts[st]})
	}
	if e.Actions == 0 {
		return nil
	}

	// Progress is a weighted average over the action tree (see
	// ortsplan.Plan.Progress), computed from the stored actions.
	rows, err = db.db.QueryContext(ctx, `SELECT id, locality_id, COALESCE(parent_id, 0), status, progress, weight
		FROM actions`+where+` ORDER BY position, id`, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: effect actions: %w", err)
	}
	defer rows.Close()
	type node struct {
		a   *ortsplan.Action
		loc int64
	}
	var nodes []node
	byID := map[int64]*ortsplan.Action{}
	for rows.Next() {
		var a ortsplan.Action
		var loc int64
		if err := rows.Scan(&a.ID, &loc, &a.ParentID, &a.Status, &a.Progress, &a.Weight); err != nil {
			return err
		}
		nodes = append(nodes, node{&a, loc})
		byID[a.ID] = &a
	}
	if err := rows.Err(); err != nil {
		return err
	}
	top := map[int64][]*ortsplan.Action{}
	var order []int64
	for _, n := range nodes {
		if p := byID[n.a.ParentID]; n.a.ParentID != 0 && p != nil {
			p.Children = append(p.Children, n.a)
			continue
		}
		if top[n.loc] == nil {
			order = append(order, n.loc)
		}
		top[n.loc] = append(top[n.loc], n.a)
	}
	var sum float64
	for _, loc := range order {
		sum += (&ortsplan.Plan{Themes: []*ortsplan.Theme{{Actions: top[loc]}}}).Progress()
	}
	e.Plans = len(order)
	if e.Plans > 0 {
		e.PlanProgress = sum / float64(e.Plans)
	}
	return nil
}

var _ ortsplan.EffectService = (*DB)(nil)
