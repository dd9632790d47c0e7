package ortsplan

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Quickfix grants: small sums for quick local improvements. A resident
// applies for themselves, an association or a working group; staff of the
// locality decide (granted with an amount, refused with a reason, or more
// asked for); after the work the applicant reports and staff record the
// payment. The rules below are the only place that says which step may
// follow which, and who may take it.

// QuickfixStatus is where an application stands.
type QuickfixStatus string

// Quickfix statuses, in the order an application passes them.
const (
	QuickfixApplied    QuickfixStatus = "ansokt"        // waits for a decision
	QuickfixSupplement QuickfixStatus = "komplettering" // staff asked for more; the applicant amends
	QuickfixGranted    QuickfixStatus = "beviljad"
	QuickfixRefused    QuickfixStatus = "avslagen"
	QuickfixReported   QuickfixStatus = "rapporterad" // the applicant reported the work done
	QuickfixPaid       QuickfixStatus = "utbetald"
)

// QuickfixStatuses lists the statuses in order.
var QuickfixStatuses = []QuickfixStatus{QuickfixApplied, QuickfixSupplement, QuickfixGranted, QuickfixRefused, QuickfixReported, QuickfixPaid}

// Public reports whether a quickfix in this status is shown to everyone:
// granted ones, reported or paid. Applications not decided and refused
// ones are for staff (and the applicant) only.
func (s QuickfixStatus) Public() bool {
	return s == QuickfixGranted || s == QuickfixReported || s == QuickfixPaid
}

// Waiting reports whether the application waits for a staff decision.
func (s QuickfixStatus) Waiting() bool { return s == QuickfixApplied }

// QuickfixActor is who takes a step: the applicant or staff.
type QuickfixActor string

// The two kinds of actor.
const (
	QuickfixByApplicant QuickfixActor = "applicant"
	QuickfixByStaff     QuickfixActor = "staff"
)

// quickfixSteps are the allowed steps: from a status, to a status, by whom.
var quickfixSteps = map[QuickfixStatus]map[QuickfixStatus]QuickfixActor{
	QuickfixApplied: {
		QuickfixGranted:    QuickfixByStaff,
		QuickfixRefused:    QuickfixByStaff,
		QuickfixSupplement: QuickfixByStaff,
	},
	QuickfixSupplement: {
		QuickfixApplied: QuickfixByApplicant, // amended
		QuickfixRefused: QuickfixByStaff,     // never amended
	},
	QuickfixGranted:  {QuickfixReported: QuickfixByApplicant},
	QuickfixReported: {QuickfixPaid: QuickfixByStaff},
}

// QuickfixStep reports whether who may move a quickfix from one status to
// another: staff decide an application (granted, refused or komplettering)
// and refuse one that was never amended; the applicant amends after a
// komplettering and reports granted work; staff record the payment of
// reported work. Nothing else: a refused or paid quickfix is closed, and
// a decision is not taken twice.
func QuickfixStep(from, to QuickfixStatus, who QuickfixActor) bool {
	by, ok := quickfixSteps[from][to]
	return ok && by == who
}

// CheckQuickfixStep returns nil when QuickfixStep allows the step, else
// an ECONFLICT error saying the quickfix is not in a state for it.
func CheckQuickfixStep(from, to QuickfixStatus, who QuickfixActor) error {
	if !QuickfixStep(from, to, who) {
		return Errorf(ECONFLICT, "quickfix.step_not_allowed")
	}
	return nil
}

// ApplicantKind is who applies: an association, a working group or a resident.
type ApplicantKind string

// Applicant kinds.
const (
	ApplicantAssociation ApplicantKind = "forening"
	ApplicantGroup       ApplicantKind = "arbetsgrupp"
	ApplicantResident    ApplicantKind = "boende"
)

// ApplicantKinds lists the kinds in the order the form offers them.
var ApplicantKinds = []ApplicantKind{ApplicantResident, ApplicantAssociation, ApplicantGroup}

// Quickfix limits.
const (
	// MaxQuickfixCost bounds the cost asked for, in kronor: a quickfix is small.
	MaxQuickfixCost = 1_000_000
	// MaxQuickfixPhotos bounds the photos of one quickfix (application,
	// amendments and report together).
	MaxQuickfixPhotos = 10
	// QuickfixListLimit bounds the lists of quickfixes on pages.
	QuickfixListLimit = 200
)

// QuickfixPhoto is a photo of a quickfix: with the application (or an
// amendment) or with the report.
type QuickfixPhoto struct {
	ID       int64
	Report   bool // with the report, else with the application
	Alt      string
	Variants []FileVariant
}

// Variant returns the photo's stored size of that name (or its largest).
func (p *QuickfixPhoto) Variant(name string) FileVariant {
	return (&MeetingFile{Variants: p.Variants}).Variant(name)
}

// QuickfixEvent is one step in a quickfix's history: who took it, when, and
// the reason or amount that came with it.
type QuickfixEvent struct {
	At     time.Time
	Status QuickfixStatus
	// Actor is the staff member's name; "" for the applicant.
	Actor  string
	Amount int64
	Text   string
}

// Quickfix is an application for a quickfix grant and what became of it.
// ApplicantName and ApplicantEmail are personal data: the store fills them
// in only for staff who work on the locality.
type Quickfix struct {
	ID           int64
	LocalityID   int64
	LocalitySlug string
	LocalityName string
	ResidentID   int64
	Kind         ApplicantKind
	// Organisation names the association or working group applying; "" for
	// a resident on their own.
	Organisation   string
	ApplicantName  string
	ApplicantEmail string
	Title          string // what
	Place          string // where
	Description    string
	Cost           int64  // kronor asked for
	OwnEffort      string // what the applicants do themselves
	Status         QuickfixStatus
	Amount         int64 // kronor granted
	BudgetYear     int   // the year whose budget the grant took from
	Reason         string
	DecidedBy      string
	DecidedAt      time.Time
	Report         string
	ReportedAt     time.Time
	PaidOn         time.Time
	PaidAmount     int64
	Photos         []QuickfixPhoto
	Events         []QuickfixEvent // oldest first
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Validate checks an application (new or amended) and trims it in place:
// what and where, a cost from 1 to MaxQuickfixCost kronor, the own effort,
// and an association's or group's name when one applies.
func (q *Quickfix) Validate() error {
	v := ValidationErrors{}
	q.Title = strings.TrimSpace(q.Title)
	q.Place = strings.TrimSpace(q.Place)
	q.Description = strings.TrimSpace(q.Description)
	q.OwnEffort = strings.TrimSpace(q.OwnEffort)
	q.Organisation = strings.TrimSpace(q.Organisation)
	checkText(v, "title", q.Title, true, 150)
	checkText(v, "place", q.Place, true, 200)
	checkText(v, "description", q.Description, true, 5000)
	checkText(v, "own_effort", q.OwnEffort, true, 2000)
	if !slices.Contains(ApplicantKinds, q.Kind) {
		v.Add("kind", "error.choose_from_list")
	} else if q.Kind == ApplicantResident {
		q.Organisation = ""
	} else {
		checkText(v, "organisation", q.Organisation, true, 150)
	}
	if q.Cost < 1 || q.Cost > MaxQuickfixCost {
		v.Add("cost", "quickfix.cost_invalid")
	}
	return v.Err()
}

// QuickfixDecision is staff's decision on an application.
type QuickfixDecision struct {
	QuickfixID int64
	Status     QuickfixStatus // granted, refused or komplettering
	Amount     int64          // kronor, for a grant
	Reason     string         // required for a refusal and a komplettering
}

// Validate checks a decision against the application: a grant is from 1
// krona up to the cost applied for; a refusal gives its reason and a
// komplettering says what is missing.
func (d *QuickfixDecision) Validate(cost int64) error {
	v := ValidationErrors{}
	d.Reason = strings.TrimSpace(d.Reason)
	switch d.Status {
	case QuickfixGranted:
		if d.Amount < 1 || d.Amount > cost {
			v.Add("amount", "quickfix.amount_invalid")
		}
	case QuickfixRefused, QuickfixSupplement:
		d.Amount = 0
		if d.Reason == "" {
			v.Add("reason", "quickfix.reason_required")
		}
	default:
		v.Add("status", "error.choose_from_list")
	}
	checkText(v, "reason", d.Reason, false, 2000)
	return v.Err()
}

// QuickfixPayment is the payment staff record for reported work.
type QuickfixPayment struct {
	QuickfixID int64
	On         time.Time // the day it was paid
	Amount     int64     // kronor
}

// Validate checks a payment: a day not after today, an amount from 1
// krona up to the amount granted.
func (p *QuickfixPayment) Validate(granted int64, today time.Time) error {
	v := ValidationErrors{}
	if !p.On.IsZero() {
		p.On = time.Date(p.On.Year(), p.On.Month(), p.On.Day(), 0, 0, 0, 0, time.UTC)
	}
	if p.On.IsZero() {
		v.Add("paid_on", "error.required")
	} else if p.On.After(today) {
		v.Add("paid_on", "quickfix.paid_in_future")
	}
	if p.Amount < 1 || p.Amount > granted {
		v.Add("paid_amount", "quickfix.paid_amount_invalid")
	}
	return v.Err()
}

// QuickfixBudget is a year's budget for quickfixes: the whole
// municipality's (LocalityID 0) or one locality's share. Granted is what
// the grants of that year took from it.
type QuickfixBudget struct {
	Year         int
	LocalityID   int64
	LocalitySlug string
	LocalityName string
	Amount       int64 // kronor
	Granted      int64
}

// Remaining is what is left to grant.
func (b *QuickfixBudget) Remaining() int64 { return b.Amount - b.Granted }

// CheckGrant reports whether a grant of amount fits in the budget: it
// never goes below zero. The store calls it with the budget row locked.
func (b *QuickfixBudget) CheckGrant(amount int64) error {
	if amount < 1 || amount > b.Remaining() {
		return FieldError("amount", "quickfix.over_budget")
	}
	return nil
}

// Validate checks a budget that staff set: a year from 2000 to 2100 and an
// amount not below what has already been granted from it.
func (b *QuickfixBudget) Validate() error {
	v := ValidationErrors{}
	if b.Year < 2000 || b.Year > 2100 {
		v.Add("year", "quickfix.year_invalid")
	}
	if b.Amount < 0 || b.Amount > 1_000_000_000 {
		v.Add("budget", "quickfix.budget_invalid")
	} else if b.Amount < b.Granted {
		v.Add("budget", "quickfix.budget_below_granted")
	}
	return v.Err()
}

// CanDecideQuickfix reports whether u may decide the locality's quickfix
// applications and record their payments: admins, coordinators and the
// officials who work on it. Group leaders are residents themselves (and
// may apply), so they do not decide.
func (u *User) CanDecideQuickfix(localityID int64) bool {
	return u.CanEditLocality(localityID) && u.Role != RoleGroupLeader
}

// CanSetQuickfixBudget reports whether u may set the yearly budgets: the
// budget is the municipality's, so admins and coordinators.
func (u *User) CanSetQuickfixBudget() bool { return u.AllLocalities() }

// MayApplyQuickfix reports whether the resident may apply: any resident
// account, or only one whose identity was verified (eID) where the
// municipality asks for that.
func (r *Resident) MayApplyQuickfix(requireVerified bool) bool {
	return r != nil && r.ID > 0 && (!requireVerified || r.IdentityVerified())
}

// QuickfixFilter narrows a list of quickfixes: to a locality (0: all), to
// the public ones (granted, reported, paid) or those waiting for a
// decision, to the acting resident's own; paged by id, newest first.
type QuickfixFilter struct {
	LocalityID int64
	Public     bool
	Waiting    bool
	Own        bool // the acting resident's applications
	BeforeID   int64
	Limit      int // at most QuickfixListLimit (or 1000 for the API)
}

// QuickfixService runs the quickfix grants. Applying, amending and
// reporting need the resident who applies (a verified one where the
// municipality asks); deciding and recording the payment need staff who
// may decide the quickfix's locality (CanDecideQuickfix); budgets need
// CanSetQuickfixBudget. A quickfix not public is found only by staff of
// its locality and its applicant.
type QuickfixService interface {
	// ApplyQuickfix stores a new application with its photos.
	ApplyQuickfix(ctx context.Context, q *Quickfix) error
	// AmendQuickfix changes an application staff asked more of, and sends
	// it back for a decision; photos given are added.
	AmendQuickfix(ctx context.Context, q *Quickfix) error
	// DecideQuickfix records staff's decision and e-mails the applicant. A
	// grant takes its amount from the year's budget (the municipality's,
	// and the locality's where it has one), locked first: it never goes
	// below zero.
	DecideQuickfix(ctx context.Context, d QuickfixDecision) error
	// ReportQuickfix records the applicant's report of the work, with photos.
	ReportQuickfix(ctx context.Context, id int64, report string, photos []QuickfixPhoto) error
	// RecordQuickfixPayment records the payment of reported work.
	RecordQuickfixPayment(ctx context.Context, p QuickfixPayment) error
	// FindQuickfix returns a quickfix with its photos and history.
	FindQuickfix(ctx context.Context, id int64) (*Quickfix, error)
	// Quickfixes lists quickfixes, newest first. Waiting lists are for staff
	// (their localities only), Own for the acting resident; otherwise only
	// public ones are listed.
	Quickfixes(ctx context.Context, f QuickfixFilter) ([]*Quickfix, error)
	// SetQuickfixBudget sets a year's budget, the municipality's or a locality's.
	SetQuickfixBudget(ctx context.Context, b *QuickfixBudget) error
	// QuickfixBudgets returns the year's budgets: the municipality's first
	// (Amount 0 when none is set), then the localities' by name.
	QuickfixBudgets(ctx context.Context, year int) ([]*QuickfixBudget, error)
}
