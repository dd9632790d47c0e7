package ortsplan

import (
	"context"
	"time"
)

// Workload counts what waits for a staff member in the localities they
// work on (all of them for coordinators and admins), for the staff home.
type Workload struct {
	// SignUpsWaiting are new sign-ups nobody has answered; SignUpsOverdue
	// those of them older than SignUpWaitLimit.
	SignUpsWaiting, SignUpsOverdue int
	// IdeasUnanswered are visible ideas without an official answer.
	IdeasUnanswered int
	// Reports are reported ideas and comments not yet handled.
	Reports int
	// LateActions are actions whose planned end has passed and that are not
	// done (see ActionLate).
	LateActions int
	// MeetingsWithoutNotes have been held without published notes (see
	// MeetingNeedsNotes); MeetingsSoon start within MeetingsSoonWithin.
	MeetingsWithoutNotes, MeetingsSoon int
	// QuickfixesWaiting are quickfix applications waiting for a decision,
	// for those who decide them (not group leaders; see CanDecideQuickfix).
	QuickfixesWaiting int
	// MattersOverdue are matters passed on that have waited
	// MatterAnswerDays or more without an answer (see MatterOverdue).
	MattersOverdue int
}

// Waiting is how many things wait for someone to act: everything but the
// meetings to come.
func (w *Workload) Waiting() int {
	return w.SignUpsWaiting + w.IdeasUnanswered + w.Reports + w.LateActions + w.MeetingsWithoutNotes + w.QuickfixesWaiting + w.MattersOverdue
}

// MeetingsSoonWithin is how far ahead the staff home looks for meetings.
const MeetingsSoonWithin = 14 * 24 * time.Hour

// ActionLate reports whether an action with this status and planned end is
// late on the given day: its end date has passed and it is neither done nor
// cancelled. An action without an end date is never late.
func ActionLate(status ActionStatus, end, today time.Time) bool {
	if end.IsZero() || status == ActionDone || status == ActionCancelled {
		return false
	}
	y, m, d := today.Date()
	return end.Before(time.Date(y, m, d, 0, 0, 0, 0, end.Location()))
}

// Late reports whether the action is late on the given day (see ActionLate).
func (a *Action) Late(today time.Time) bool { return ActionLate(a.Status, a.End, today) }

// MeetingEnded reports whether the meeting is over at now: its end, or
// without one its start, has passed.
func MeetingEnded(m *Meeting, now time.Time) bool {
	end := m.End
	if end.IsZero() {
		end = m.Start
	}
	return end.Before(now)
}

// MeetingNeedsNotes reports whether a meeting was held (it is over and not
// cancelled) and still has no published notes.
func MeetingNeedsNotes(m *Meeting, now time.Time) bool {
	return m.State != MeetingCancelled && MeetingEnded(m, now) && !m.ReportIsPublic()
}

// MeetingSoon reports whether a meeting that is not cancelled starts within
// MeetingsSoonWithin from now.
func MeetingSoon(m *Meeting, now time.Time) bool {
	return m.State != MeetingCancelled && !m.Start.Before(now) && m.Start.Before(now.Add(MeetingsSoonWithin))
}

// WorkFilter narrows a staff list to one locality (0: all the user works on)
// and picks a page of it (1 is the first).
type WorkFilter struct {
	LocalityID int64
	Page       int
}

// WorkPageSize is how many rows one page of a staff list has.
const WorkPageSize = 50

// LateAction is an action that is late, with where it belongs.
type LateAction struct {
	*Action
	LocalitySlug, LocalityName, ThemeTitle string
}

// MeetingList names one of the staff home's meeting lists.
type MeetingList string

const (
	MeetingsNeedingNotes MeetingList = "utan-anteckningar"
	MeetingsComing       MeetingList = "kommande"
)

// WorkService answers the staff home: what waits, and the lists behind each
// count. Every method covers only the localities the acting user works on.
type WorkService interface {
	Workload(ctx context.Context, localityID int64) (*Workload, error)
	// LateActions lists late actions, latest planned end first.
	LateActions(ctx context.Context, f WorkFilter) ([]*LateAction, bool, error)
	// WorkMeetings lists the meetings of one list: those needing notes
	// newest first, those coming soonest first.
	WorkMeetings(ctx context.Context, list MeetingList, f WorkFilter) ([]*Meeting, bool, error)
	// UnansweredIdeas lists visible ideas without an official answer, oldest
	// first; status "" means any.
	UnansweredIdeas(ctx context.Context, status IdeaStatus, f WorkFilter) ([]*Idea, bool, error)
}
