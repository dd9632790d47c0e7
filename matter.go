package ortsplan

import (
	"context"
	"slices"
	"strings"
	"time"
)

// MatterStatus is where a matter passed on (ärende) stands.
type MatterStatus string

// Matter statuses.
const (
	MatterSent     MatterStatus = "skickat"
	MatterAnswered MatterStatus = "besvarat"
	MatterGranted  MatterStatus = "beviljat"
	MatterRefused  MatterStatus = "avslaget"
	MatterDormant  MatterStatus = "vilande"
)

// MatterStatuses lists the statuses in display order.
var MatterStatuses = []MatterStatus{MatterSent, MatterAnswered, MatterGranted, MatterRefused, MatterDormant}

// Valid reports whether s is a known status.
func (s MatterStatus) Valid() bool { return slices.Contains(MatterStatuses, s) }

// Answered reports whether the status says an answer came.
func (s MatterStatus) Answered() bool {
	return s == MatterAnswered || s == MatterGranted || s == MatterRefused
}

// MatterTransition reports whether a matter may go from one status to
// another. Staying is always allowed (an edit of other fields). A sent matter
// may be answered, granted, refused or laid to rest (vilande); an answer may
// turn into a grant or a refusal, or rest; a resting matter may be sent again
// or answered; a refused matter may be sent again (to appeal or to ask
// someone else). A grant is final.
func MatterTransition(from, to MatterStatus) bool {
	if !from.Valid() || !to.Valid() {
		return false
	}
	if from == to {
		return true
	}
	switch from {
	case MatterSent:
		return true
	case MatterAnswered:
		return to == MatterGranted || to == MatterRefused || to == MatterDormant
	case MatterDormant:
		return to != MatterDormant
	case MatterRefused:
		return to == MatterSent
	}
	return false // granted
}

// MatterAnswerDays is how long a sent matter may wait for an answer before
// the staff home lists it.
const MatterAnswerDays = 60

// Matter (ärende) is something a locality passed on to whoever decides it:
// a municipal department, Trafikverket, the region, an association. It is
// public once staff have reviewed its text and published it.
type Matter struct {
	ID         int64
	LocalityID int64
	GroupID    int64 // the working group it came from; 0 for none
	ActionID   int64 // the plan action it serves; 0 for none

	Title      string
	Body       string // what was asked, plain text
	Recipient  string // to whom, free text
	SentOn     time.Time
	Answer     string
	AnsweredOn time.Time // zero while unanswered
	Status     MatterStatus
	Reference  string // diarienummer
	// PublishedAt is when staff published the matter; zero while only staff see it.
	PublishedAt time.Time
	Version     int

	// Set by the store when it reads a matter.
	LocalitySlug, LocalityName, GroupName, ActionTitle string
	CreatedAt, UpdatedAt                               time.Time
}

// Published reports whether the public may read the matter.
func (m *Matter) Published() bool { return m != nil && !m.PublishedAt.IsZero() }

// Validate checks a matter's fields. An answered status needs the answer's
// day, which cannot come before the day it was sent; a matter still sent
// (skickat) has no answer day.
func (m *Matter) Validate() error {
	v := ValidationErrors{}
	m.Title = strings.TrimSpace(m.Title)
	m.Recipient = strings.TrimSpace(m.Recipient)
	m.Reference = strings.TrimSpace(m.Reference)
	m.Body = strings.TrimSpace(m.Body)
	m.Answer = strings.TrimSpace(m.Answer)
	checkText(v, "title", m.Title, true, maxTitle)
	checkText(v, "body", m.Body, false, maxText)
	checkText(v, "recipient", m.Recipient, true, maxTitle)
	checkText(v, "answer", m.Answer, false, maxText)
	checkText(v, "reference", m.Reference, false, 100)
	if m.SentOn.IsZero() {
		v.Add("sent_on", "error.date_required")
	}
	if !m.Status.Valid() {
		v.Add("status", "error.choose_from_list")
	}
	switch {
	case m.Status.Answered() && m.AnsweredOn.IsZero():
		v.Add("answered_on", "matter.answer_date_required")
	case m.Status == MatterSent && !m.AnsweredOn.IsZero():
		v.Add("status", "matter.answered_but_sent")
	case !m.AnsweredOn.IsZero() && !m.SentOn.IsZero() && m.AnsweredOn.Before(m.SentOn):
		v.Add("answered_on", "matter.answer_before_sent")
	}
	return v.Err()
}

// MatterWaitingDays returns how many whole days a matter has waited for an
// answer on the given day, counted from the day it was sent, and whether it
// is waiting at all: only a sent matter without an answer waits.
func MatterWaitingDays(m *Matter, today time.Time) (int, bool) {
	if m.Status != MatterSent || !m.AnsweredOn.IsZero() || m.SentOn.IsZero() {
		return 0, false
	}
	y, mo, d := today.Date()
	t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	sy, smo, sd := m.SentOn.Date()
	s := time.Date(sy, smo, sd, 0, 0, 0, 0, time.UTC)
	days := int(t.Sub(s).Hours() / 24)
	return max(days, 0), true
}

// MatterOverdue reports whether a matter has waited MatterAnswerDays days or
// more without an answer on the given day.
func MatterOverdue(m *Matter, today time.Time) bool {
	n, waiting := MatterWaitingDays(m, today)
	return waiting && n >= MatterAnswerDays
}

// MatterOverdueSince is the last sent day that is overdue on the given day:
// a matter sent on it or before and still unanswered is overdue (the same
// rule as MatterOverdue, for a query).
func MatterOverdueSince(today time.Time) time.Time {
	y, m, d := today.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -MatterAnswerDays)
}

// MatterRecipients are the suggestions the form offers for whom a matter
// goes to; anything else may be typed.
var MatterRecipients = []string{
	"Kommunstyrelsen",
	"Samhällsbyggnadsförvaltningen",
	"Kultur- och fritidsförvaltningen",
	"Tekniska avdelningen",
	"Trafikverket",
	"Region Sörmland",
	"Länsstyrelsen i Södermanlands län",
	"Sörmlands Kollektivtrafikmyndighet",
}

// MatterFilter picks matters for a list: one locality (0 for all), one
// status ("" for any), and a page (1 is the first).
type MatterFilter struct {
	LocalityID int64
	Status     MatterStatus
	Page       int
}

// MatterPageSize is how many matters one page lists.
const MatterPageSize = 25

// MatterCount is how many matters a list has, by status.
type MatterCount struct {
	Total    int
	ByStatus map[MatterStatus]int
	// Waiting are sent and unanswered.
	Waiting int
}

// MatterService keeps the matters passed on. Every changing method checks, in
// its transaction, that the account acting in the context may edit the
// matter's locality as stored (for a new one, the locality it names).
// Unpublished matters are read only by staff who may edit their locality.
type MatterService interface {
	SaveMatter(ctx context.Context, m *Matter) error
	PublishMatter(ctx context.Context, id int64) error
	FindMatter(ctx context.Context, id int64) (*Matter, error)
	// Matters lists matters, the latest sent first; the bool says whether
	// another page follows. Unpublished ones only for staff who may edit
	// their locality.
	Matters(ctx context.Context, f MatterFilter) ([]*Matter, bool, error)
	// CountMatters counts the list Matters would page through.
	CountMatters(ctx context.Context, f MatterFilter) (*MatterCount, error)
	// OverdueMatters lists the matters the acting staff member works on that
	// have waited MatterAnswerDays or more, the longest waiting first.
	OverdueMatters(ctx context.Context, f WorkFilter) ([]*Matter, bool, error)
	// MatterRecipients returns the recipients used before, for suggestions.
	MatterRecipients(ctx context.Context) ([]string, error)
}
