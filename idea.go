package ortsplan

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Resident is an optional account for proposing and supporting ideas. It has
// no password: the resident logs in with a one-time link sent by e-mail.
type Resident struct {
	ID           int64
	Email        string
	Name         string // display name, shown with ideas and comments
	LocalityID   int64  // home locality
	LocalitySlug string
	Lang         string
	CreatedAt    time.Time
	// Verified is set when the session in use was verified through the eID
	// broker; PersonKey is then the person's keyed hash (see PersonKey).
	Verified  bool
	PersonKey string
}

// IdentityVerified reports whether the resident logged in with a verified
// identity: what a rule that asks for a verified resident consults
// (MayApplyQuickfix with RequireVerified).
func (r *Resident) IdentityVerified() bool { return r != nil && r.Verified }

// LoginRequest asks for a one-time login link; Name and LocalityID are used
// when the e-mail has no account yet.
type LoginRequest struct {
	Email      string
	Name       string
	LocalityID int64
	Lang       string
}

// Validate checks a login request.
func (l *LoginRequest) Validate() error {
	v := ValidationErrors{}
	l.Email = NormalizeEmail(l.Email)
	l.Name = strings.TrimSpace(l.Name)
	if l.Email == "" {
		v.Add("email", "error.email_required")
	} else if a, err := mail.ParseAddress(l.Email); err != nil || a.Address != l.Email || len(l.Email) > 254 {
		v.Add("email", "error.email_invalid")
	}
	checkText(v, "name", l.Name, false, 60)
	return v.Err()
}

// IdeaStatus is the municipality's official answer to an idea.
type IdeaStatus string

// Idea statuses.
const (
	IdeaNew         IdeaStatus = "ny"
	IdeaReceived    IdeaStatus = "mottagen"
	IdeaPreparing   IdeaStatus = "under_beredning"
	IdeaInPlan      IdeaStatus = "i_handlingsplanen"
	IdeaDone        IdeaStatus = "genomford"
	IdeaNotRelevant IdeaStatus = "ej_aktuell"
)

// IdeaStatuses lists the statuses in order.
var IdeaStatuses = []IdeaStatus{IdeaNew, IdeaReceived, IdeaPreparing, IdeaInPlan, IdeaDone, IdeaNotRelevant}

// Idea is a resident's proposal for a locality. A hidden idea is kept (it is a
// public record) and shown as hidden by a moderator, with the reason.
type Idea struct {
	ID           int64
	LocalityID   int64
	LocalitySlug string
	LocalityName string
	ResidentID   int64
	AuthorName   string // "" once the author deleted the account
	Title        string
	Body         string
	ThemeID      int64 // optional: the plan's focus area it belongs to
	ThemeTitle   string
	Photo        []FileVariant // optional photo, in its stored sizes
	PhotoAlt     string
	Place        Place // where it is meant to happen; zero when not given
	Status       IdeaStatus
	Answer       string
	AnsweredBy   string
	AnsweredAt   time.Time
	ActionID     int64 // the plan action it became
	ActionTitle  string
	Supports     int
	// VerifiedSupports counts the supports given after an eID login.
	VerifiedSupports int
	Comments         int
	HiddenReason     string
	HiddenAt         time.Time
	// RestoredReason is why a moderator showed the idea again after hiding it.
	RestoredReason string
	RestoredAt     time.Time
	FlaggedAt      time.Time // reached the support threshold in time: for a committee
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Hidden reports whether a moderator hid the idea.
func (i *Idea) Hidden() bool { return !i.HiddenAt.IsZero() }

// Validate checks a new idea.
func (i *Idea) Validate() error {
	v := ValidationErrors{}
	i.Title = strings.TrimSpace(i.Title)
	i.Body = strings.TrimSpace(i.Body)
	checkText(v, "title", i.Title, true, 150)
	checkText(v, "body", i.Body, true, 5000)
	i.PhotoAlt = strings.TrimSpace(i.PhotoAlt)
	if len(i.Photo) > 0 {
		CheckAlt(v, "photo_alt", i.PhotoAlt)
	}
	CheckPlace(v, &i.Place, nil) // the distance from the locality is checked where the locality is known
	return v.Err()
}

// Comment is a comment on an idea; replies are one level deep.
type Comment struct {
	ID             int64
	IdeaID         int64
	ParentID       int64
	ResidentID     int64
	AuthorName     string
	Body           string
	HiddenReason   string
	HiddenAt       time.Time
	RestoredReason string // why a moderator showed it again
	RestoredAt     time.Time
	CreatedAt      time.Time
	Replies        []*Comment // oldest first, at most RepliesShown
	MoreReplies    int        // replies not in Replies
}

// An idea page shows its comments a page at a time, the newest thread first.
const (
	CommentsPerPage = 50 // top-level comments, each with its replies
	RepliesShown    = 50 // replies under one comment; the rest are counted
)

// CommentPage is one page of an idea's comments.
type CommentPage struct {
	Comments []*Comment // top-level, newest first
	Page     int        // from 1
	Pages    int
	Total    int // top-level comments on all pages
}

// Hidden reports whether a moderator hid the comment.
func (c *Comment) Hidden() bool { return !c.HiddenAt.IsZero() }

// IdeaAnswer is the municipality's official answer.
type IdeaAnswer struct {
	IdeaID   int64
	Status   IdeaStatus
	Answer   string
	ActionID int64
}

// Validate checks an answer: "ej aktuell" needs a reason and "med i
// handlingsplanen" the action it became.
func (a *IdeaAnswer) Validate() error {
	v := ValidationErrors{}
	a.Answer = strings.TrimSpace(a.Answer)
	if !slices.Contains(IdeaStatuses, a.Status) || a.Status == IdeaNew {
		v.Add("status", "error.choose_from_list")
	}
	if a.Status == IdeaNotRelevant {
		ReasonNotRelevant.Check(v, a.Answer)
	}
	if a.Status == IdeaInPlan && a.ActionID == 0 {
		v.Add("action", "error.action_required")
	}
	checkText(v, "answer", a.Answer, false, 5000)
	return v.Err()
}

// IdeaSort orders idea lists.
type IdeaSort string

// Sort orders.
const (
	SortNewest    IdeaSort = "nyast"
	SortSupported IdeaSort = "stod"
	SortStatus    IdeaSort = "status"
)

// IdeaThreshold is the e-förslag rule: an idea with Supports supports within
// Within of being proposed is flagged to the coordinator for a committee.
type IdeaThreshold struct {
	Supports int
	Within   time.Duration
	// VerifiedOnly lets only residents verified through the eID broker
	// support (--support-requires-verified); see CheckSupport.
	VerifiedOnly bool
}

// ResidentService signs residents in and out: a one-time link by e-mail
// instead of a password, and a session cookie.
type ResidentService interface {
	// RequestLogin queues a one-time login link (valid 30 minutes) to the e-mail.
	RequestLogin(ctx context.Context, req LoginRequest) error
	// Login spends a one-time token, creating the account on first use, and
	// returns a session token and the resident.
	Login(ctx context.Context, token string) (string, *Resident, error)
	ResidentBySession(ctx context.Context, token string) (*Resident, error)
	Logout(ctx context.Context, token string) error
	// UpdateResident changes the acting resident's display name and home
	// locality (0 for none); their ideas and comments show the new name.
	UpdateResident(ctx context.Context, p ResidentProfile) error
	// Contributions lists the acting resident's latest ideas and comments,
	// at most MaxContributions of each, newest first.
	Contributions(ctx context.Context) ([]*Idea, []*Comment, error)
	// VerifySession marks the resident session with the token as verified
	// through the eID broker, keeping the person's key (never the number).
	VerifySession(ctx context.Context, token, personKey string) error
}

// MaxContributions bounds each list of a resident's own ideas and comments.
const MaxContributions = 50

// ResidentProfile is what a resident may change about themselves.
type ResidentProfile struct {
	Name string
	// Anonymous chooses, on purpose, to be shown as AnonymousResident.
	Anonymous  bool
	LocalityID int64
}

// Validate requires a display name unless the resident chose to be
// anonymous, and sets Name to what will be shown.
func (p *ResidentProfile) Validate() error {
	v := ValidationErrors{}
	p.Name = strings.TrimSpace(p.Name)
	switch {
	case p.Anonymous:
		p.Name = AnonymousResident
	case p.Name == "":
		v.Add("name", "error.display_name_required")
	case utf8.RuneCountInString(p.Name) > 100:
		v.Add("name", "error.too_long")
	case strings.Contains(p.Name, "@"):
		v.Add("name", "error.display_name_email")
	}
	if p.LocalityID < 0 {
		v.Add("locality", "error.choose_from_list")
	}
	return v.Err()
}

// IdeaService manages ideas, supports, comments, answers and moderation.
// Proposing, supporting and commenting need a resident in the context;
// answering and moderating need the right to edit the idea's locality.
type IdeaService interface {
	// CreateIdea stores the acting resident's idea.
	CreateIdea(ctx context.Context, i *Idea) error
	FindIdea(ctx context.Context, id int64) (*Idea, error)
	// Ideas lists a locality's ideas, or every locality's for localityID 0.
	Ideas(ctx context.Context, localityID int64, sort IdeaSort) ([]*Idea, error)
	// IdeaList lists a page of a locality's ideas like Ideas (limit of
	// them from offset), with only what a list shows: id, title, status,
	// counts, hiding and dates; and how many the locality has in all.
	IdeaList(ctx context.Context, localityID int64, sort IdeaSort, offset, limit int) ([]*Idea, int, error)
	// Support adds (on) or withdraws the acting resident's support; one per
	// resident. An idea meeting rule is flagged to the coordinators once.
	Support(ctx context.Context, ideaID int64, on bool, rule IdeaThreshold) error
	// Supports reports whether the acting resident supports the idea.
	Supports(ctx context.Context, ideaID int64) (bool, error)
	// AddComment adds the acting resident's comment or reply.
	// AddComment adds the acting resident's comment or reply; a hidden idea
	// takes none.
	AddComment(ctx context.Context, c *Comment) error
	// Comments returns a page of an idea's comments (page from 1). A hidden
	// idea's comments are hidden with it, except from its moderators.
	Comments(ctx context.Context, ideaID int64, page int) (*CommentPage, error)
	AnswerIdea(ctx context.Context, a IdeaAnswer) error
	// ProposerReachable reports whether an answer to the idea reaches its
	// proposer by e-mail: false when the idea has no resident behind it or
	// the resident's account is deleted. Only staff who may answer may ask.
	ProposerReachable(ctx context.Context, ideaID int64) (bool, error)
	// Report records that someone finds an idea or a comment of it inappropriate.
	Report(ctx context.Context, r Report) error
	// Hide hides an idea or one of its comments with a public reason and logs
	// it; nothing is deleted.
	Hide(ctx context.Context, m Moderation) error
	// Unhide shows a hidden idea or comment again, with a public reason, and logs it.
	Unhide(ctx context.Context, m Moderation) error
	// OpenReports lists reports not yet handled in the localities the acting
	// account works on, oldest first.
	OpenReports(ctx context.Context) ([]*ContentReport, error)
}

// FollowMode is how a follower gets news: each as it happens, or a daily digest.
type FollowMode string

// Follow modes.
const (
	FollowImmediate FollowMode = "direkt"
	FollowDigest    FollowMode = "sammanfattning"
)

// Follow is a resident following a locality.
type Follow struct {
	LocalityID   int64
	LocalitySlug string
	LocalityName string
	Mode         FollowMode
	Token        string // for the one-click unsubscribe link
}

// DeletionReport says what deleting a resident's account removed: the
// follows, the sign-ups and registrations made with its address, and the
// ideas and comments kept as public records without the name.
type DeletionReport struct {
	Follows, SignUps, Registrations, Ideas, Comments int
}

// AnonymousResident is the name shown for a resident who gave none: never
// a part of their e-mail address.
const AnonymousResident = "Anonym ortsbo"

// FollowService lets the acting resident follow localities, and sends the news.
type FollowService interface {
	Follow(ctx context.Context, localityID int64, mode FollowMode) error
	Unfollow(ctx context.Context, localityID int64) error
	Follows(ctx context.Context) ([]*Follow, error)
	// UnsubscribeByToken ends the follow the e-mailed link names.
	UnsubscribeByToken(ctx context.Context, token string) (*Follow, error)
	// SendNotifications queues the e-mails for pending news: at once for
	// immediate followers, at most daily for the digest. It reports how many.
	SendNotifications(ctx context.Context) (int, error)
}

// PersonalDataService gives the acting resident everything stored about
// them, or removes their account.
type PersonalDataService interface {
	// ExportResident returns everything stored about the resident.
	ExportResident(ctx context.Context) (map[string]any, error)
	// DeleteResident removes the account; ideas and comments stay as public
	// records without the name.
	// It also anonymises the sign-ups and meeting registrations made with
	// the account's e-mail address (cancelling those for meetings to come),
	// and reports what it removed.
	DeleteResident(ctx context.Context) (*DeletionReport, error)
}

// NewsItem is one piece of news for a follower.
type NewsItem struct {
	Kind         string // meeting_planned, notes_published, plan_changed, idea_commented
	Title        string
	Link         string
	LocalityName string
}

// ContentReport is a report that an idea or comment is inappropriate.
type ContentReport struct {
	ID           int64
	Kind         string // idea or comment
	TargetID     int64
	IdeaID       int64
	IdeaTitle    string
	LocalitySlug string
	Reason       string
	CreatedAt    time.Time
}
