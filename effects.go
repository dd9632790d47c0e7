package ortsplan

import (
	"context"
	"strconv"
	"time"
)

// PeriodKind is how the effects dashboard groups figures over time.
type PeriodKind string

// Period kinds.
const (
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
)

// Valid reports whether k is a known period kind.
func (k PeriodKind) Valid() bool { return k == PeriodQuarter || k == PeriodYear }

// EffectQuarters is how many quarters the dashboard shows, the current one last.
const EffectQuarters = 8

// EffectMaxYears bounds how many years the dashboard shows.
const EffectMaxYears = 20

// Period is one quarter or year in Stockholm time: [Start, End).
type Period struct {
	Kind       PeriodKind
	Year       int
	Quarter    int // 1–4 for quarters, 0 for years
	Start, End time.Time
}

// Key names the period in data: "2026-Q3" or "2026".
func (p Period) Key() string {
	if p.Kind == PeriodQuarter {
		return strconv.Itoa(p.Year) + "-Q" + strconv.Itoa(p.Quarter)
	}
	return strconv.Itoa(p.Year)
}

// PeriodOf returns the quarter or year that holds t, in loc (Europe/Stockholm).
func PeriodOf(kind PeriodKind, t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	if kind == PeriodYear {
		start := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, loc)
		return Period{Kind: kind, Year: t.Year(), Start: start, End: start.AddDate(1, 0, 0)}
	}
	q := (int(t.Month())-1)/3 + 1
	start := time.Date(t.Year(), time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, loc)
	return Period{Kind: kind, Year: t.Year(), Quarter: q, Start: start, End: start.AddDate(0, 3, 0)}
}

// Prev returns the period before p.
func (p Period) Prev(loc *time.Location) Period {
	return PeriodOf(p.Kind, p.Start.Add(-time.Hour), loc)
}

// EffectPeriod holds the figures of one period. Sign-ups, ideas and added
// actions count by when they were made; answers and finished actions by when
// they were answered or finished; meetings by when they start.
type EffectPeriod struct {
	Period
	SignUps int // "Vill du vara med?" sign-ups
	Joined  int // of those, how many have joined a group
	// SignUpsByAge counts the sign-ups by age group; "" for not given.
	SignUpsByAge map[string]int
	Meetings     int // meetings not cancelled
	Registered   int // people registered and confirmed (not unconfirmed, waitlisted or cancelled)
	Participants int // participants recorded after the meetings
	Proposed     int // ideas proposed (not hidden)
	Answered     int // ideas answered
	Done         int // ideas carried out (answered as done)
	ActionsAdded int // plan actions added
	ActionsDone  int // plan actions finished
	// Quickfixes granted in the period (counted when decided, whatever
	// came of them later), and the sum granted in kronor.
	Quickfixes       int
	QuickfixesAmount int
}

// AgeGroupCount is the sign-ups of one age group over all periods shown.
type AgeGroupCount struct {
	AgeGroup string // "" for not given
	SignUps  int
	Joined   int
}

// StatusCount is how many plan actions have one status now.
type StatusCount struct {
	Status ActionStatus
	Count  int
}

// Effects are the figures of the effects dashboard, for one locality or the
// whole municipality. They are computed from the records; callers must not
// change them (the store may share one value between requests).
type Effects struct {
	LocalityID int64 // 0 for the whole municipality
	// Version is the change counter the figures were counted under: the same
	// figures have the same Version, so what is made from them can be cached.
	Version   int64
	Kind      PeriodKind
	Periods   []EffectPeriod // oldest first, the current period last
	AgeGroups []AgeGroupCount
	// Now: actions by status (sub-actions included) and plan progress.
	ActionsByStatus []StatusCount
	Actions         int
	// PlanProgress is the plan's completion in percent; for the whole
	// municipality, the mean of the localities that have plan actions.
	PlanProgress float64
	// Plans is how many localities have plan actions.
	Plans int
	// Revisions are the plans' yearly revisions per plan year, with the
	// actions finished since each locality's revision before (EditionYears).
	Revisions []EditionYear
}

// Total adds up one figure over all periods.
func (e *Effects) Total(f func(*EffectPeriod) int) int {
	n := 0
	for i := range e.Periods {
		n += f(&e.Periods[i])
	}
	return n
}

// EffectService computes the effects dashboard's figures.
type EffectService interface {
	// Effects returns the figures for a locality (0: the whole municipality)
	// per quarter (the last EffectQuarters) or per year (every year with records).
	Effects(ctx context.Context, localityID int64, kind PeriodKind) (*Effects, error)
}
