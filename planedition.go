package ortsplan

import (
	"context"
	"slices"
	"strings"
	"time"
)

// PlanEdition (revidering) is a locality's plan frozen as it stood at its
// yearly revision: the vision and every action with its status, who, when and
// funding, with the decision that approved it. It is written once and never
// changed; the live plan goes on as the next year's working version. It is a
// different thing from a Revision, which is one change in the history.
type PlanEdition struct {
	ID         int64
	LocalityID int64
	// Year is the plan year the edition closes; one edition per locality and year.
	Year int
	// Decision is the day, the body that approved it (Kommunstyrelsen,
	// Kommunfullmäktige …) and the diarienummer.
	Decision Decision
	Note     string
	Snapshot *PlanSnapshot
	// Counts of the snapshot, stored with it (see PlanSnapshot.Counts).
	Counts    EditionCounts
	ActorName string
	CreatedAt time.Time
}

// PlanSnapshot is the frozen content of a plan edition.
type PlanSnapshot struct {
	VisionTitle string           `json:"vision_title"`
	VisionBody  string           `json:"vision_body"`
	Themes      []SnapshotTheme  `json:"themes"`
	Actions     []SnapshotAction `json:"actions"` // in plan order, sub-actions after their parent
}

// SnapshotTheme is a focus area as it stood.
type SnapshotTheme struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// SnapshotAction is an action as it stood: what, status, who, when and funding.
type SnapshotAction struct {
	ID                    int64           `json:"id"`
	ThemeID               int64           `json:"theme_id"`
	ParentID              int64           `json:"parent_id,omitempty"`
	Title                 string          `json:"title"`
	Status                ActionStatus    `json:"status"`
	Progress              int             `json:"progress"`
	Weight                float64         `json:"weight,omitempty"`
	ResponsibleKind       ResponsibleKind `json:"responsible_kind,omitempty"`
	ResponsibleName       string          `json:"responsible_name,omitempty"`
	ResponsibleDepartment string          `json:"responsible_department,omitempty"`
	Start                 string          `json:"start,omitempty"` // yyyy-mm-dd
	End                   string          `json:"end,omitempty"`
	Funding               string          `json:"funding,omitempty"`
}

// EditionCounts are an edition's figures: actions (cancelled ones left
// out), those done, and the plan's progress in percent.
type EditionCounts struct {
	Total    int     `json:"total"`
	Done     int     `json:"done"`
	Progress float64 `json:"progress"`
}

// NewPlanSnapshot freezes a plan and its vision (nil when there is none)
// into a snapshot: the themes in order and every action, each parent before
// its sub-actions.
func NewPlanSnapshot(p *Plan, v *Vision) *PlanSnapshot {
	s := &PlanSnapshot{Themes: []SnapshotTheme{}, Actions: []SnapshotAction{}}
	if v != nil {
		s.VisionTitle, s.VisionBody = v.Title, v.Body
	}
	if p == nil {
		return s
	}
	var walk func(t *Theme, as []*Action)
	walk = func(t *Theme, as []*Action) {
		for _, a := range as {
			s.Actions = append(s.Actions, SnapshotAction{ID: a.ID, ThemeID: t.ID, ParentID: a.ParentID, Title: a.Title,
				Status: a.Status, Progress: a.Progress, Weight: a.Weight, ResponsibleKind: a.ResponsibleKind,
				ResponsibleName: a.ResponsibleName, ResponsibleDepartment: a.ResponsibleDepartment,
				Start: snapshotDate(a.Start), End: snapshotDate(a.End), Funding: a.Funding})
			walk(t, a.Children)
		}
	}
	for _, t := range p.Themes {
		s.Themes = append(s.Themes, SnapshotTheme{ID: t.ID, Title: t.Title})
		walk(t, t.Actions)
	}
	return s
}

func snapshotDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Plan rebuilds the snapshot as a plan tree (themes with actions and
// sub-actions), for showing it and for its progress.
func (s *PlanSnapshot) Plan() *Plan {
	p := &Plan{Status: StatusAdopted}
	if s == nil {
		return p
	}
	themes := make([]*Theme, len(s.Themes))
	for i, t := range s.Themes {
		themes[i] = &Theme{ID: t.ID, Title: t.Title, Position: i + 1}
	}
	actions := make([]*Action, len(s.Actions))
	for i, a := range s.Actions {
		start, _ := time.Parse("2006-01-02", a.Start)
		end, _ := time.Parse("2006-01-02", a.End)
		actions[i] = &Action{ID: a.ID, ThemeID: a.ThemeID, ParentID: a.ParentID, Title: a.Title, Status: a.Status,
			Progress: a.Progress, Weight: a.Weight, ResponsibleKind: a.ResponsibleKind, ResponsibleName: a.ResponsibleName,
			ResponsibleDepartment: a.ResponsibleDepartment, Start: start, End: end, Funding: a.Funding, Position: i + 1}
	}
	p.Themes = BuildTree(themes, actions)
	return p
}

// Counts returns the snapshot's figures: every action that is not
// cancelled, those done, and the plan's progress.
func (s *PlanSnapshot) Counts() EditionCounts {
	var c EditionCounts
	if s == nil {
		return c
	}
	for _, a := range s.Actions {
		switch a.Status {
		case ActionCancelled:
			continue
		case ActionDone:
			c.Done++
		}
		c.Total++
	}
	c.Progress = s.Plan().Progress()
	return c
}

// ThemeTitle returns the title of the snapshot's theme with the given id.
func (s *PlanSnapshot) ThemeTitle(id int64) string {
	for _, t := range s.Themes {
		if t.ID == id {
			return t.Title
		}
	}
	return ""
}

// Validate checks an edition before it is made: a year, the day of the
// decision and the body that made it; the diarienummer is optional. The
// decision may fall in the year after the plan year (a plan for 2015 approved
// in January 2016), not before it.
func (e *PlanEdition) Validate() error {
	v := ValidationErrors{}
	e.Decision.Body = strings.TrimSpace(e.Decision.Body)
	e.Decision.Reference = strings.TrimSpace(e.Decision.Reference)
	e.Note = strings.TrimSpace(e.Note)
	if e.Year < 1990 || e.Year > 2200 {
		v.Add("year", "edition.year_invalid")
	}
	if e.Decision.On.IsZero() {
		v.Add("decision_date", "edition.decision_date_required")
	} else if y := e.Decision.On.Year(); e.Year >= 1990 && (y < e.Year || y > e.Year+1) {
		v.Add("decision_date", "edition.date_outside_year")
	}
	if e.Decision.Body == "" {
		v.Add("decision_body", "edition.decision_body_required")
	}
	checkText(v, "decision_body", e.Decision.Body, false, maxTitle)
	checkText(v, "decision_reference", e.Decision.Reference, false, 100)
	checkText(v, "note", e.Note, false, maxNote)
	return v.Err()
}

// CheckEditionYear decides whether an edition for year may follow the
// locality's latest edition (latest 0 when it has none): revisions go
// forward, one a year, so a later edition never changes what the earlier
// ones compared.
func CheckEditionYear(latest, year int) error {
	switch {
	case latest == 0 || year > latest:
		return nil
	case year == latest:
		return FieldError("year", "edition.year_taken")
	}
	return FieldError("year", "edition.year_before_latest")
}

// NextPlanYear is the year the live plan is the working version of, after
// the latest edition (0 when there is none: the plan has not been revised).
func NextPlanYear(latest int) int {
	if latest == 0 {
		return 0
	}
	return latest + 1
}

// EditionChange is one action in a comparison of two editions.
type EditionChange struct {
	// Action as it stands in the later edition (in the earlier one for a
	// dropped action).
	Action     SnapshotAction
	ThemeTitle string
	// Before is the action in the earlier edition; nil for an added one.
	Before *SnapshotAction
	// Fields names what changed, for a changed action: title, status,
	// progress, responsible, start, end, funding, theme.
	Fields []string
}

// EditionDiff is what happened to the plan between two editions.
type EditionDiff struct {
	Added, Finished, Changed, Dropped []EditionChange
}

// Empty reports whether nothing differs.
func (d *EditionDiff) Empty() bool {
	return len(d.Added)+len(d.Finished)+len(d.Changed)+len(d.Dropped) == 0
}

// CompareEditions says what happened between an earlier and a later
// snapshot, matching actions by id:
//   - added: in the later one only (an action added already done counts as
//     added, not finished);
//   - finished: done in the later one and not in the earlier;
//   - dropped: in the earlier one only (archived), or cancelled in the later
//     one and not in the earlier;
//   - changed: in both, neither finished nor dropped, with other fields
//     (title, status, progress, who, when, funding, focus area) different.
//
// Each list keeps the later snapshot's order (the earlier one's for actions
// no longer there).
func CompareEditions(from, to *PlanSnapshot) EditionDiff {
	var d EditionDiff
	if from == nil {
		from = &PlanSnapshot{}
	}
	if to == nil {
		to = &PlanSnapshot{}
	}
	before := make(map[int64]*SnapshotAction, len(from.Actions))
	for i := range from.Actions {
		before[from.Actions[i].ID] = &from.Actions[i]
	}
	seen := make(map[int64]bool, len(to.Actions))
	for _, a := range to.Actions {
		seen[a.ID] = true
		c := EditionChange{Action: a, ThemeTitle: to.ThemeTitle(a.ThemeID), Before: before[a.ID]}
		b := c.Before
		switch {
		case b == nil:
			d.Added = append(d.Added, c)
		case a.Status == ActionDone && b.Status != ActionDone:
			d.Finished = append(d.Finished, c)
		case a.Status == ActionCancelled && b.Status != ActionCancelled:
			d.Dropped = append(d.Dropped, c)
		default:
			if c.Fields = changedFields(b, &a); len(c.Fields) > 0 {
				d.Changed = append(d.Changed, c)
			}
		}
	}
	for _, b := range from.Actions {
		if !seen[b.ID] {
			d.Dropped = append(d.Dropped, EditionChange{Action: b, ThemeTitle: from.ThemeTitle(b.ThemeID), Before: &b})
		}
	}
	return d
}

func changedFields(b, a *SnapshotAction) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("title", a.Title != b.Title)
	add("status", a.Status != b.Status)
	add("progress", a.Progress != b.Progress)
	add("responsible", a.ResponsibleKind != b.ResponsibleKind || a.ResponsibleName != b.ResponsibleName ||
		a.ResponsibleDepartment != b.ResponsibleDepartment)
	add("start", a.Start != b.Start)
	add("end", a.End != b.End)
	add("funding", a.Funding != b.Funding)
	add("theme", a.ThemeID != b.ThemeID)
	return out
}

// EditionFigures is one edition's line in the per-year progress: its counts
// and, against the edition before it, how many actions were added and finished.
type EditionFigures struct {
	Year            int
	Counts          EditionCounts
	Added, Finished int
}

// EditionProgress returns the per-year figures of a locality's editions,
// given oldest first: each edition's counts, and what was added and finished
// since the one before (everything in the first counts as added, its done
// actions as finished; an action added already done counts as both).
func EditionProgress(es []*PlanEdition) []EditionFigures {
	sorted := slices.Clone(es)
	slices.SortStableFunc(sorted, func(a, b *PlanEdition) int { return a.Year - b.Year })
	out := make([]EditionFigures, 0, len(sorted))
	var prev *PlanSnapshot
	for _, e := range sorted {
		d := CompareEditions(prev, e.Snapshot)
		f := EditionFigures{Year: e.Year, Counts: e.Snapshot.Counts(), Added: len(d.Added), Finished: len(d.Finished)}
		for _, c := range d.Added {
			if c.Action.Status == ActionDone {
				f.Finished++ // added and finished between the two
			}
		}
		out = append(out, f)
		prev = e.Snapshot
	}
	return out
}

// FindEdition returns the edition of the given year, or nil.
func FindEdition(es []*PlanEdition, year int) *PlanEdition {
	for _, e := range es {
		if e.Year == year {
			return e
		}
	}
	return nil
}

// EditionService makes and reads plan editions. MakeEdition freezes the
// plan and vision as they stand now, in one transaction that also checks
// that the account acting in the context may edit the locality, as stored.
type EditionService interface {
	MakeEdition(ctx context.Context, e *PlanEdition) error
	// Editions lists the locality's editions, oldest first, with their snapshots.
	Editions(ctx context.Context, localityID int64) ([]*PlanEdition, error)
	// FindEdition returns one edition by locality and year; ENOTFOUND without one.
	FindEdition(ctx context.Context, localityID int64, year int) (*PlanEdition, error)
}

// EditionYear is one plan year on the effects dashboard: how many
// localities revised their plan for it, the actions those revisions hold and
// have done, and how many they finished since each one's revision before.
type EditionYear struct {
	Year            int
	Revisions       int
	Total, Done     int
	Added, Finished int
}

// EditionYears sums the editions of any number of localities per plan year,
// oldest first; what was added and finished is counted per locality against
// its own edition before (see EditionProgress).
func EditionYears(es []*PlanEdition) []EditionYear {
	byLocality := map[int64][]*PlanEdition{}
	var order []int64
	for _, e := range es {
		if _, ok := byLocality[e.LocalityID]; !ok {
			order = append(order, e.LocalityID)
		}
		byLocality[e.LocalityID] = append(byLocality[e.LocalityID], e)
	}
	years := map[int]*EditionYear{}
	for _, id := range order {
		for _, f := range EditionProgress(byLocality[id]) {
			y := years[f.Year]
			if y == nil {
				y = &EditionYear{Year: f.Year}
				years[f.Year] = y
			}
			y.Revisions++
			y.Total += f.Counts.Total
			y.Done += f.Counts.Done
			y.Added += f.Added
			y.Finished += f.Finished
		}
	}
	out := make([]EditionYear, 0, len(years))
	for _, y := range years {
		out = append(out, *y)
	}
	slices.SortFunc(out, func(a, b EditionYear) int { return a.Year - b.Year })
	return out
}
