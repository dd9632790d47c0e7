package ortsplan

import (
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// The domain's rules as pure functions: the stores load the rows, call these
// inside their transaction, and store what they decide.

// MeetingNotice returns the notice everyone registered for a meeting gets when
// it is saved as next after being prev: NoticeCancelled when it becomes
// cancelled, NoticeMoved when a planned meeting's start, end, place or address
// changes, and "" when nothing the registered need to hear of changed.
func MeetingNotice(prev, next *Meeting) string {
	switch {
	case next.State == MeetingCancelled && prev.State != MeetingCancelled:
		return NoticeCancelled
	case next.State == MeetingPlanned && (!next.Start.Equal(prev.Start) || !next.End.Equal(prev.End) ||
		next.PlaceName != prev.PlaceName || next.PlaceAddress != prev.PlaceAddress):
		return NoticeMoved
	}
	return ""
}

// RegistrationOpen reports whether the meeting takes registrations, and
// confirmations of them, at now: it takes registrations, is planned (not
// held or cancelled) and has not started.
func (m *Meeting) RegistrationOpen(now time.Time) bool {
	return m.Registration && m.State == MeetingPlanned && m.Start.After(now)
}

// Waitlisted reports whether a registration of people goes to the waiting
// list when it is confirmed: when the meeting has a capacity and the places
// left (registered is the people of confirmed registrations with places)
// are too few.
func Waitlisted(capacity, registered, people int) bool {
	return capacity > 0 && registered+people > capacity
}

// RegistrationState is where a registration stands.
type RegistrationState string

// Registration states.
const (
	RegPending   RegistrationState = "pending"   // not confirmed yet: holds no place
	RegExpired   RegistrationState = "expired"   // not confirmed in time: holds no place, cannot be confirmed
	RegPlace     RegistrationState = "place"     // confirmed, with places
	RegWaiting   RegistrationState = "waiting"   // confirmed, on the waiting list
	RegCancelled RegistrationState = "cancelled" // cancelled by the registrant
)

// State returns where the registration stands at now. A registration counts
// (Registered, Waitlisted, the effects figures, the waiting list) only once it
// is confirmed; one not confirmed by ConfirmBy has expired.
func (r *Registration) State(now time.Time) RegistrationState {
	switch {
	case !r.CancelledAt.IsZero():
		return RegCancelled
	case r.ConfirmedAt.IsZero() && !now.Before(r.ConfirmBy):
		return RegExpired
	case r.ConfirmedAt.IsZero():
		return RegPending
	case r.Waitlisted:
		return RegWaiting
	}
	return RegPlace
}

// HoldsPlace reports whether the registration's people take places: it is
// confirmed, not on the waiting list and not cancelled. Meeting.Registered
// is the sum of their people (sqlstore's meetingColumns says the same in SQL).
func (r *Registration) HoldsPlace() bool {
	return r.CancelledAt.IsZero() && !r.ConfirmedAt.IsZero() && !r.Waitlisted
}

// Waits reports whether the registration is on the waiting list: confirmed
// onto it and not cancelled. Only these are counted in Meeting.Waitlisted and
// moved up by Promote.
func (r *Registration) Waits() bool {
	return r.CancelledAt.IsZero() && !r.ConfirmedAt.IsZero() && r.Waitlisted
}

// Blocks reports whether the registration stands in the way of another by the
// same address for the same meeting at now: it is not cancelled and is
// confirmed, or still may be. Such an address is told it is registered.
func (r *Registration) Blocks(now time.Time) bool {
	switch r.State(now) {
	case RegPending, RegPlace, RegWaiting:
		return true
	}
	return false
}

// AgainNotice returns the e-mail an address gets when it registers again for a
// meeting it has the registration r for, at now, when the last e-mail about
// r went at last: NoticeConfirm (the confirm link again) while r waits for
// confirmation, NoticeAlready once it is confirmed, and "" when r does not
// block a new registration or an e-mail went less than
// RegistrationResendAfter ago.
func AgainNotice(r *Registration, last, now time.Time) string {
	if !r.Blocks(now) || now.Sub(last) < RegistrationResendAfter {
		return ""
	}
	if r.ConfirmedAt.IsZero() {
		return NoticeConfirm
	}
	return NoticeAlready
}

// ConfirmBy returns when a registration made at created expires unless it
// is confirmed.
func (r RegistrationRule) ConfirmBy(created time.Time) time.Time {
	return created.Add(r.WithDefaults().ConfirmWithin)
}

// Promote returns the registrations to move up from the waiting list when
// places are free: in the order given (the order they were confirmed), each
// one on the waiting list whose people fit in the places still free. A party
// too large for the free places keeps its turn and a smaller one behind it
// may move up. Only confirmed registrations wait (Registration.Waits):
// cancelled and unconfirmed ones are passed over; without a capacity nobody
// waits.
func Promote(capacity, registered int, regs []*Registration) []*Registration {
	if capacity <= 0 {
		return nil
	}
	free := capacity - registered
	var up []*Registration
	for _, r := range regs {
		if !r.Waits() || r.People > free {
			continue
		}
		up = append(up, r)
		free -= r.People
	}
	return up
}

// Reached reports whether an idea proposed at created, with supports
// supports at now, meets the threshold: enough supports within the time.
// A threshold of no supports is never reached.
func (t IdeaThreshold) Reached(supports int, created, now time.Time) bool {
	return t.Supports > 0 && supports >= t.Supports && now.Sub(created) <= t.Within
}

// ShouldFlag reports whether an idea is flagged to the coordinators now that
// it has supports supports: it reaches the threshold, is not hidden, and was
// not flagged before (an idea is flagged once).
func (t IdeaThreshold) ShouldFlag(i *Idea, supports int, now time.Time) bool {
	return i.FlaggedAt.IsZero() && !i.Hidden() && t.Reached(supports, i.CreatedAt, now)
}

// MaxAlt is the longest alternative text of a picture.
const MaxAlt = 500

// imageExts are endings that make an alternative text a file name.
var imageExts = []string{".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".tif", ".tiff"}

// CheckAlt records in v, under field, what is wrong with a picture's
// alternative text: it is required for every picture, at most MaxAlt
// characters, and says what the picture shows, so a file name ("IMG_1234.jpg")
// is refused. Surrounding space does not count.
func CheckAlt(v ValidationErrors, field, alt string) {
	alt = strings.TrimSpace(alt)
	switch {
	case alt == "":
		v.Add(field, "error.alt_required")
	case utf8.RuneCountInString(alt) > MaxAlt:
		v.Add(field, "error.too_long")
	case !strings.ContainsRune(alt, ' ') && isImageFileName(alt):
		v.Add(field, "error.alt_filename")
	}
}

func isImageFileName(s string) bool {
	ext := strings.ToLower(path.Ext(s))
	for _, e := range imageExts {
		if ext == e {
			return true
		}
	}
	return false
}

// ReasonRule is a decision that must give a reason: the form field the
// reason is typed in, the message shown when it is missing, and its
// longest length. The reason is shown with what was decided.
type ReasonRule struct {
	Field string
	Key   string // translation key of the message for a missing reason
	Max   int
}

// The decisions that need a reason.
var (
	// ReasonModerate: hiding an idea or comment, or showing it again.
	ReasonModerate = ReasonRule{Field: "reason", Key: "error.reason_required", Max: 500}
	// ReasonReport: a visitor's report that content is inappropriate.
	ReasonReport = ReasonRule{Field: "reason", Key: "error.reason_required", Max: 1000}
	// ReasonCancel: cancelling a meeting; everyone registered is told why.
	ReasonCancel = ReasonRule{Field: "cancel_reason", Key: "error.cancel_reason_required", Max: maxNote}
	// ReasonNotRelevant: answering an idea "ej aktuell".
	ReasonNotRelevant = ReasonRule{Field: "answer", Key: "error.reason_required", Max: 5000}
)

// Check records in v what is wrong with reason: it must say something, not
// only space, and be at most Max characters.
func (r ReasonRule) Check(v ValidationErrors, reason string) {
	switch {
	case strings.TrimSpace(reason) == "":
		v.Add(r.Field, r.Key)
	case utf8.RuneCountInString(reason) > r.Max:
		v.Add(r.Field, "error.too_long")
	}
}

// Moderation kinds: what a moderator hides or shows again.
const (
	ModerateIdea    = "idea"
	ModerateComment = "comment"
)

// Moderation is a moderator's decision to hide an idea or a comment, or to
// show it again. Target is the idea itself or one of its comments; the idea
// decides whose locality it is.
type Moderation struct {
	IdeaID   int64
	Kind     string // ModerateIdea or ModerateComment
	TargetID int64
	Reason   string // shown publicly with the content
}

// Validate checks the decision: a known kind and a reason. That the target
// is the idea itself or one of its comments is for the store to check, with
// the rows at hand; a target that is not is not found.
func (m *Moderation) Validate() error {
	v := ValidationErrors{}
	m.Reason = strings.TrimSpace(m.Reason)
	if m.Kind != ModerateIdea && m.Kind != ModerateComment {
		v.Add("kind", "error.choose_from_list")
	}
	ReasonModerate.Check(v, m.Reason)
	return v.Err()
}

// Report is a visitor's report that an idea or a comment of it is inappropriate.
type Report struct {
	IdeaID   int64
	Kind     string // ModerateIdea or ModerateComment
	TargetID int64
	Reason   string
}

// Validate checks a report like a moderation, with a longer reason allowed.
func (r *Report) Validate() error {
	v := ValidationErrors{}
	r.Reason = strings.TrimSpace(r.Reason)
	if r.Kind != ModerateIdea && r.Kind != ModerateComment {
		v.Add("kind", "error.choose_from_list")
	}
	ReasonReport.Check(v, r.Reason)
	return v.Err()
}

// BuildTree hangs actions, given in position order, under their parents and
// the top-level ones under their themes, and returns the themes. An action
// whose parent is unknown counts as top-level; one whose theme is unknown is
// left out.
func BuildTree(themes []*Theme, actions []*Action) []*Theme {
	byTheme := make(map[int64]*Theme, len(themes))
	for _, t := range themes {
		byTheme[t.ID] = t
	}
	for _, a := range ActionTree(actions) {
		if t := byTheme[a.ThemeID]; t != nil {
			t.Actions = append(t.Actions, a)
		}
	}
	return themes
}

// ActionTree hangs actions, given in position order, under their parents and
// returns the top-level ones in order. An action whose parent is not among
// them counts as top-level.
func ActionTree(actions []*Action) []*Action {
	byID := make(map[int64]*Action, len(actions))
	for _, a := range actions {
		byID[a.ID] = a
	}
	var top []*Action
	for _, a := range actions {
		if p := byID[a.ParentID]; a.ParentID != 0 && p != nil && p != a {
			p.Children = append(p.Children, a)
			continue
		}
		top = append(top, a)
	}
	return top
}

// PlanProgress returns the completion in percent of a plan whose top-level
// actions are top: their weighted average (see Action.ComputedProgress), 0
// when there are none.
func PlanProgress(top []*Action) float64 {
	p, _ := weightedProgress(top)
	return p
}

// CheckParent decides whether an action may be a sub-action of parent.
// Sub-actions are one level deep: the parent must be a top-level action
// other than the action itself, and an action that has sub-actions of its
// own (children > 0) cannot become one. The sub-action belongs to its
// parent's theme.
//
// The parent must be in the same focus area: moving an action to another
// focus area is a step of its own (change the focus area, without a parent),
// never a side effect of choosing a parent. A new parent that is done or
// cancelled takes no sub-actions; newParent says whether the parent is being
// chosen now rather than kept.
func CheckParent(a, parent *Action, children int, newParent bool) error {
	switch {
	case parent == nil || parent.ID == a.ID || parent.ParentID != 0 || children > 0:
		return FieldError("parent", "error.parent_invalid")
	case parent.ThemeID != a.ThemeID:
		return FieldError("parent", "error.parent_other_theme")
	case newParent && (parent.Status == ActionDone || parent.Status == ActionCancelled):
		return FieldError("parent", "error.parent_closed")
	}
	return nil
}

// EffectPeriods returns the periods the effects dashboard shows at now,
// oldest first, ending with the current one: the last EffectQuarters
// quarters, or every year from the year of first (the earliest record; zero
// for none) to now, at most EffectMaxYears. Bounds are in loc.
func EffectPeriods(kind PeriodKind, now, first time.Time, loc *time.Location) []Period {
	cur := PeriodOf(kind, now, loc)
	n := EffectQuarters
	if kind == PeriodYear {
		n = 1
		if !first.IsZero() {
			n = max(1, min(EffectMaxYears, cur.Year-first.In(loc).Year()+1))
		}
	}
	ps := make([]Period, n)
	p := cur
	for i := n - 1; i >= 0; i-- {
		ps[i] = p
		p = p.Prev(loc)
	}
	return ps
}

// The login limits. Failed logins are counted per client address (for any
// accounts), per account and address, and per account (from every address);
// a count is forgotten LoginForget after its latest failure, and a right
// password clears the count of its account and address. LoginWait turns the
// counts into how long an address must wait before it may try an account
// again. An address that has not been guessing never waits, so nobody can
// lock an account's owner out from elsewhere.
const (
	// LoginAddrFree is how many failures one address may make, for any
	// accounts, before each further try must wait.
	LoginAddrFree = 10
	// LoginAddrMax is how many failures one address may make before it is
	// refused until they are forgotten.
	LoginAddrMax = 100
	// LoginPairFree is how many failures one address may make for one account
	// before it must wait to try that account again.
	LoginPairFree = 5
	// LoginAttacked is how many failures for one account, from every address,
	// put it under attack: then each address may fail LoginAttackedFree times
	// for it before it must wait. An address that has not failed for it may
	// still try it at once.
	LoginAttacked     = 10
	LoginAttackedFree = 1
	// LoginFirstWait is the first wait; each further failure doubles it, up to
	// LoginMaxWait.
	LoginFirstWait = 30 * time.Second
	LoginMaxWait   = 15 * time.Minute
	// LoginForget is how long after its latest failure a count is forgotten.
	LoginForget = time.Hour
)

// LoginFailures are the failed logins not yet forgotten that bear on one try:
// from its client address for any accounts (Addr), for its account from that
// address (Pair) and for its account from every address (Account), with the
// times of the latest from the address and of the pair.
type LoginFailures struct {
	Addr, Pair, Account int
	AddrLast, PairLast  time.Time
}

// LoginWait returns how long from now the address must wait before it may
// try the account, 0 when it may try at once. It depends only on the
// counts, which are kept alike for e-mails with and without an account, so
// it never tells whether an account exists. With no failures for the
// account from the address (Pair 0) and fewer than LoginAddrFree from the
// address, it is always 0, however the account is attacked from elsewhere.
func LoginWait(f LoginFailures, now time.Time) time.Duration {
	var until time.Time
	switch {
	case f.Addr >= LoginAddrMax:
		until = f.AddrLast.Add(LoginForget)
	case f.Addr >= LoginAddrFree:
		until = f.AddrLast.Add(loginBackoff(f.Addr - LoginAddrFree))
	}
	free := LoginPairFree
	if f.Account >= LoginAttacked {
		free = LoginAttackedFree
	}
	if f.Pair > 0 && f.Pair >= free {
		if u := f.PairLast.Add(loginBackoff(f.Pair - free)); u.After(until) {
			until = u
		}
	}
	if d := until.Sub(now); d > 0 {
		return d
	}
	return 0
}

// loginBackoff is the wait after n failures beyond the free ones: the first
// wait doubled n times, at most the longest wait.
func loginBackoff(n int) time.Duration {
	return min(LoginFirstWait<<min(n, 10), LoginMaxWait)
}
