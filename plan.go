package ortsplan

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// DocStatus is whether a vision or plan is a draft (staff only) or adopted.
type DocStatus string

// Document statuses.
const (
	StatusDraft   DocStatus = "utkast"
	StatusAdopted DocStatus = "faststalld"
)

// Valid reports whether s is a known status.
func (s DocStatus) Valid() bool { return s == StatusDraft || s == StatusAdopted }

// Decision records who adopted a vision or plan, when, and under which
// reference number (diarienummer). Every field is optional.
type Decision struct {
	On        time.Time // zero when unknown
	Body      string    // e.g. kommunfullmäktige
	Reference string    // diarienummer
}

// Empty reports whether nothing is known about the decision.
func (d Decision) Empty() bool { return d.On.IsZero() && d.Body == "" && d.Reference == "" }

// PhaseChange is one step in a locality's process timeline.
type PhaseChange struct {
	ID         int64
	LocalityID int64
	Phase      Phase
	On         time.Time // the date the phase began; may lie in the past
	Note       string
	ActorName  string // who recorded it; empty for imported history
	CreatedAt  time.Time
}

// Vision is a locality's vision text.
type Vision struct {
	LocalityID int64
	Title      string
	Body       string // Markdown
	Status     DocStatus
	Decision   Decision
	Version    int // optimistic lock; 0 for a vision not yet stored
	UpdatedAt  time.Time
}

// Published reports whether the public may read the vision.
func (v *Vision) Published() bool { return v != nil && v.Status == StatusAdopted }

// ActionStatus is where an action stands.
type ActionStatus string

// Action statuses, shown with text and an icon, never colour alone.
const (
	ActionNotStarted ActionStatus = "ej_paborjad"
	ActionOngoing    ActionStatus = "pagar"
	ActionDone       ActionStatus = "genomford"
	ActionPaused     ActionStatus = "pausad"
	ActionCancelled  ActionStatus = "avbruten"
)

// ActionStatuses lists the statuses in display order.
var ActionStatuses = []ActionStatus{ActionNotStarted, ActionOngoing, ActionDone, ActionPaused, ActionCancelled}

// Valid reports whether s is a known status.
func (s ActionStatus) Valid() bool { return slices.Contains(ActionStatuses, s) }

// Priority of an action.
type Priority string

// Priorities, highest first.
const (
	PriorityHigh   Priority = "hog"
	PriorityMedium Priority = "medel"
	PriorityLow    Priority = "lag"
)

// Priorities lists the priorities, highest first.
var Priorities = []Priority{PriorityHigh, PriorityMedium, PriorityLow}

// ResponsibleKind is the kind of party responsible for an action.
type ResponsibleKind string

// Kinds of responsible party.
const (
	ResponsibleMunicipality ResponsibleKind = "kommunen"
	ResponsibleAssociation  ResponsibleKind = "forening"
	ResponsibleBusiness     ResponsibleKind = "naringsliv"
	ResponsibleResidents    ResponsibleKind = "invanare"
	ResponsibleWorkingGroup ResponsibleKind = "arbetsgrupp"
)

// ResponsibleKinds lists the kinds in display order.
var ResponsibleKinds = []ResponsibleKind{ResponsibleMunicipality, ResponsibleAssociation, ResponsibleBusiness, ResponsibleResidents, ResponsibleWorkingGroup}

// Action (åtgärd) is one thing the plan says will be done; it may have sub-actions.
type Action struct {
	ID       int64
	ThemeID  int64
	ParentID int64 // 0 for a top-level action

	Title       string
	Description string // Markdown
	// Responsible party: kind, name, and for the municipality a department.
	ResponsibleKind       ResponsibleKind
	ResponsibleName       string
	ResponsibleDepartment string
	// Funding says how the action is paid for (budget, grant, co-financing).
	Funding    string
	Priority   Priority
	Start, End time.Time // planned; zero when not set
	Status     ActionStatus
	Progress   int     // own progress in percent, used when there are no sub-actions
	Weight     float64 // weight among siblings; 0 means 1
	Position   int
	Version    int
	Place      Place // where it is meant to happen; zero when not given

	Children []*Action
	Updates  []*ActionUpdate // newest first
	// Organisations taking part (associations, businesses) of the same locality.
	Organisations        []*Organisation
	CreatedAt, UpdatedAt time.Time
}

// ActionUpdate is a dated note on an action's progress.
type ActionUpdate struct {
	ID        int64
	ActionID  int64
	On        time.Time
	Text      string
	ActorName string
	CreatedAt time.Time
	// LocalitySlug is set by the store when it adds the update: the slug of
	// the locality the action belongs to, as stored.
	LocalitySlug string
}

func (a *Action) weight() float64 {
	if a.Weight > 0 {
		return a.Weight
	}
	return 1
}

// ComputedProgress returns the action's completion in percent: its own
// progress, or, with sub-actions, their weighted average. A done action counts
// as 100; cancelled sub-actions are left out.
func (a *Action) ComputedProgress() float64 {
	if a.Status == ActionDone {
		return 100
	}
	if p, ok := weightedProgress(a.Children); ok {
		return p
	}
	return float64(a.Progress)
}

// weightedProgress averages the progress of actions that are not cancelled.
func weightedProgress(actions []*Action) (float64, bool) {
	var sum, weights float64
	for _, c := range actions {
		if c.Status == ActionCancelled {
			continue
		}
		sum += c.ComputedProgress() * c.weight()
		weights += c.weight()
	}
	if weights == 0 {
		return 0, false
	}
	return sum / weights, true
}

// Theme (fokusområde) groups the plan's actions.
type Theme struct {
	ID          int64
	LocalityID  int64
	Title       string
	Description string
	Position    int
	Version     int
	Actions     []*Action // top-level actions in order
}

// Progress returns the theme's completion: the weighted average of its top-level actions.
func (t *Theme) Progress() float64 {
	p, _ := weightedProgress(t.Actions)
	return p
}

// Plan (handlingsplan) is a locality's action plan.
type Plan struct {
	LocalityID int64
	Status     DocStatus
	Decision   Decision
	NextReview time.Time // plans are revised yearly
	Version    int
	UpdatedAt  time.Time
	Themes     []*Theme
}

// Progress returns the plan's completion: the weighted average of all its
// top-level actions, so a theme with many actions counts for more.
func (p *Plan) Progress() float64 {
	if p == nil {
		return 0
	}
	var all []*Action
	for _, t := range p.Themes {
		all = append(all, t.Actions...)
	}
	v, _ := weightedProgress(all)
	return v
}

// CountByStatus counts every action in the plan (sub-actions included) by status.
func (p *Plan) CountByStatus() map[ActionStatus]int {
	m := map[ActionStatus]int{}
	var walk func([]*Action)
	walk = func(as []*Action) {
		for _, a := range as {
			m[a.Status]++
			walk(a.Children)
		}
	}
	if p != nil {
		for _, t := range p.Themes {
			walk(t.Actions)
		}
	}
	return m
}

// FindAction returns the action with the given id anywhere in the plan, or nil.
func (p *Plan) FindAction(id int64) *Action {
	var find func([]*Action) *Action
	find = func(as []*Action) *Action {
		for _, a := range as {
			if a.ID == id {
				return a
			}
			if f := find(a.Children); f != nil {
				return f
			}
		}
		return nil
	}
	for _, t := range p.Themes {
		if a := find(t.Actions); a != nil {
			return a
		}
	}
	return nil
}

// Revision is an immutable record of one change to a locality's description,
// phase, vision or plan: who, when, what, and the text after the change.
type Revision struct {
	ID         int64
	LocalityID int64
	Kind       string // locality, phase, vision, plan, theme, action, update
	EntityID   int64
	Action     string // created, updated, adopted, moved, …
	Title      string // what was changed, e.g. the action's title
	Body       string // the text after the change, for word diffs
	HasText    bool   // whether the change carries a version of a text
	Changes    []FieldChange
	// Draft marks a revision of a draft (a vision not adopted): staff only.
	Draft     bool
	ActorName string
	CreatedAt time.Time
}

// FieldChange is one field's old and new value in a revision.
type FieldChange struct {
	Field string `json:"f"`
	From  string `json:"a,omitempty"`
	To    string `json:"b,omitempty"`
}

// LocalityOverview is a locality with what its pages show at the top.
type LocalityOverview struct {
	Locality    *Locality
	Phases      []*PhaseChange
	Vision      *Vision // nil without one
	Outline     *Plan   // themes and action tree, as PlanOutline
	LastChanged time.Time
}

// LocalitySummary is a locality with the figures the overview needs.
type LocalitySummary struct {
	*Locality
	Progress    float64
	HasPlan     bool
	ActionCount int
}

// Contact is a staff member shown publicly as a locality's contact: name,
// role and department only, never e-mail or phone.
type Contact struct {
	UserID     int64
	Name       string
	Role       Role
	Department string
	// PageOwner marks the contact chosen as the page owner (sidansvarig).
	PageOwner bool
}

// MaxContacts is the most contact people a locality lists.
const MaxContacts = 20

// ContactChoice is a locality's contact people in the order they are shown,
// and which of them is the page owner. Staff choose both by hand.
type ContactChoice struct {
	IDs       []int64
	PageOwner int64 // one of IDs; 0 only when IDs is empty
}

// Validate drops repeated ids (keeping the first place) and checks that a
// list with people names its page owner among them.
func (c *ContactChoice) Validate() error {
	ids := make([]int64, 0, len(c.IDs))
	for _, id := range c.IDs {
		if id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	c.IDs = ids
	v := ValidationErrors{}
	switch {
	case len(ids) > MaxContacts:
		v.Add("contacts", "error.contacts_too_many")
	case len(ids) == 0 && c.PageOwner != 0:
		v.Add("page_owner", "error.page_owner_not_contact")
	case len(ids) > 0 && c.PageOwner == 0:
		v.Add("page_owner", "error.page_owner_required")
	case len(ids) > 0 && !slices.Contains(ids, c.PageOwner):
		v.Add("page_owner", "error.page_owner_not_contact")
	}
	return v.Err()
}

// ContactPlace is one chosen contact with the place typed for it in the
// form: Order is 0 when none was typed.
type ContactPlace struct {
	ID    int64
	Order int
}

// OrderContacts returns the chosen contacts' ids in the order shown: by the
// place typed, lowest first; those without a place after them; equal
// places keep the order they came in.
func OrderContacts(ps []ContactPlace) []int64 {
	sorted := slices.Clone(ps)
	slices.SortStableFunc(sorted, func(a, b ContactPlace) int {
		switch {
		case a.Order == b.Order:
			return 0
		case a.Order == 0:
			return 1
		case b.Order == 0:
			return -1
		case a.Order < b.Order:
			return -1
		}
		return 1
	})
	ids := make([]int64, len(sorted))
	for i, p := range sorted {
		ids[i] = p.ID
	}
	return ids
}

// PlanService reads and changes localities' process, vision, plan and history.
// Every change writes a Revision in the same transaction. Every method that
// changes something checks that the account acting in the context may edit
// the locality of what it changes, as stored.
type PlanService interface {
	LocalitySummaries(ctx context.Context) ([]*LocalitySummary, error)

	ChangePhase(ctx context.Context, c *PhaseChange) error
	PhaseHistory(ctx context.Context, localityID int64) ([]*PhaseChange, error)

	// FindVision returns ENOTFOUND when the locality has no vision yet, or
	// only a draft that the acting account may not see.
	FindVision(ctx context.Context, localityID int64) (*Vision, error)
	SaveVision(ctx context.Context, v *Vision) error

	// FindPlan returns the plan with its themes, actions and updates; a locality
	// without a stored plan gets an empty draft.
	FindPlan(ctx context.Context, localityID int64) (*Plan, error)
	// PlanOutline returns the plan's themes and action tree with only the
	// fields progress needs (no texts, updates or organisations).
	PlanOutline(ctx context.Context, localityID int64) (*Plan, error)
	// LocalityOverview returns the locality with the given slug and what its
	// pages show at the top: phase history, vision (a draft only for those who
	// may edit it), plan outline, last change.
	LocalityOverview(ctx context.Context, slug string) (*LocalityOverview, error)
	SavePlan(ctx context.Context, p *Plan) error
	// SaveTheme creates a theme in t.LocalityID (ID 0) or updates one where it is.
	SaveTheme(ctx context.Context, t *Theme) error
	MoveTheme(ctx context.Context, themeID int64, delta int) error
	// SaveAction creates an action in its theme's locality (ID 0) or updates
	// one, linking exactly the organisations in a.Organisations, in one
	// transaction.
	SaveAction(ctx context.Context, a *Action) error
	MoveAction(ctx context.Context, actionID int64, delta int) error
	// ArchiveTheme archives a focus area with all its live actions, and
	// ArchiveAction an action with its live sub-actions (ArchiveCascade), each
	// with the reason (CheckArchive) and a revision; the rows stay.
	ArchiveTheme(ctx context.Context, themeID int64, reason string) error
	ArchiveAction(ctx context.Context, actionID int64, reason string) error
	// ArchivedItems lists what is archived in the locality, newest first:
	// focus areas, actions, meetings and files. Staff who may edit it only.
	ArchivedItems(ctx context.Context, localityID int64) ([]*ArchivedItem, error)
	AddActionUpdate(ctx context.Context, u *ActionUpdate) error

	// Revisions lists the locality's history, newest first; revisions of
	// drafts only for those who may edit the locality.
	Revisions(ctx context.Context, localityID int64) ([]*Revision, error)
	FindRevision(ctx context.Context, localityID, id int64) (*Revision, error)
	// LastChanged returns the time of the locality's newest revision.
	LastChanged(ctx context.Context, localityID int64) (time.Time, error)
}

// Validation limits.
const (
	maxTitle = 200
	maxText  = 50000
	maxNote  = 2000
)

func checkText(v ValidationErrors, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}

// Validate checks a vision.
func (vi *Vision) Validate() error {
	v := ValidationErrors{}
	vi.Title = strings.TrimSpace(vi.Title)
	checkText(v, "title", vi.Title, true, maxTitle)
	checkText(v, "body", vi.Body, false, maxText)
	if !vi.Status.Valid() {
		v.Add("status", "error.status_invalid")
	}
	checkDecision(v, vi.Status, vi.Decision)
	return v.Err()
}

// checkDecision checks a vision's or plan's decision: an adopted
// (fastställd) document names the day it was adopted and the body that
// adopted it; the reference number is optional.
func checkDecision(v ValidationErrors, status DocStatus, d Decision) {
	d.Body = strings.TrimSpace(d.Body)
	if status == StatusAdopted {
		if d.On.IsZero() {
			v.Add("decision_date", "error.decision_date_required")
		}
		if d.Body == "" {
			v.Add("decision_body", "error.decision_body_required")
		}
	}
	checkText(v, "decision_body", d.Body, false, maxTitle)
	checkText(v, "decision_reference", d.Reference, false, 100)
}

// Validate checks the plan's own fields.
func (p *Plan) Validate() error {
	v := ValidationErrors{}
	if !p.Status.Valid() {
		v.Add("status", "error.status_invalid")
	}
	checkDecision(v, p.Status, p.Decision)
	return v.Err()
}

// Validate checks a theme.
func (t *Theme) Validate() error {
	v := ValidationErrors{}
	t.Title = strings.TrimSpace(t.Title)
	checkText(v, "title", t.Title, true, maxTitle)
	checkText(v, "description", t.Description, false, maxNote)
	return v.Err()
}

// Validate checks an action.
func (a *Action) Validate() error {
	v := ValidationErrors{}
	a.Title = strings.TrimSpace(a.Title)
	a.ResponsibleName = strings.TrimSpace(a.ResponsibleName)
	a.ResponsibleDepartment = strings.TrimSpace(a.ResponsibleDepartment)
	checkText(v, "title", a.Title, true, maxTitle)
	checkText(v, "description", a.Description, false, maxText)
	checkText(v, "responsible_name", a.ResponsibleName, false, maxTitle)
	checkText(v, "responsible_department", a.ResponsibleDepartment, false, maxTitle)
	a.Funding = strings.TrimSpace(a.Funding)
	checkText(v, "funding", a.Funding, false, maxTitle)
	if a.ResponsibleKind != "" && !slices.Contains(ResponsibleKinds, a.ResponsibleKind) {
		v.Add("responsible_kind", "error.choose_from_list")
	}
	if a.Priority != "" && !slices.Contains(Priorities, a.Priority) {
		v.Add("priority", "error.choose_from_list")
	}
	if !a.Status.Valid() {
		v.Add("status", "error.status_invalid")
	}
	if a.Progress < 0 || a.Progress > 100 {
		v.Add("progress", "error.progress_range")
	}
	if a.Weight < 0 || a.Weight > 1000 {
		v.Add("weight", "error.weight_range")
	}
	if !a.Start.IsZero() && !a.End.IsZero() && a.End.Before(a.Start) {
		v.Add("end", "error.end_before_start")
	}
	if a.ThemeID == 0 {
		v.Add("theme", "error.choose_from_list")
	}
	CheckPlace(v, &a.Place, nil) // the distance from the locality is checked where the locality is known
	return v.Err()
}

// Validate checks a progress update.
func (u *ActionUpdate) Validate() error {
	v := ValidationErrors{}
	u.Text = strings.TrimSpace(u.Text)
	checkText(v, "text", u.Text, true, maxNote)
	if u.On.IsZero() {
		v.Add("on", "error.date_required")
	}
	return v.Err()
}

// Validate checks a phase change.
func (c *PhaseChange) Validate() error {
	v := ValidationErrors{}
	if !c.Phase.Valid() {
		v.Add("phase", "error.phase_invalid")
	}
	if c.On.IsZero() {
		v.Add("on", "error.date_required")
	}
	checkText(v, "note", c.Note, false, maxNote)
	return v.Err()
}

// MostRecent returns at most n of the summaries: those whose locality was
// updated last, in their given order (the home page shows a bounded list,
// however many localities there are, and links to all).
func MostRecent(ls []*LocalitySummary, n int) []*LocalitySummary {
	if len(ls) <= n {
		return ls
	}
	byTime := slices.Clone(ls)
	slices.SortStableFunc(byTime, func(a, b *LocalitySummary) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	keep := map[*LocalitySummary]bool{}
	for _, l := range byTime[:n] {
		keep[l] = true
	}
	out := make([]*LocalitySummary, 0, n)
	for _, l := range ls {
		if keep[l] {
			out = append(out, l)
		}
	}
	return out
}
