package ortsplan

import (
	"context"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// GroupKind tells a working group from the coordination group.
type GroupKind string

// Kinds of group.
const (
	GroupWorking      GroupKind = "arbetsgrupp"
	GroupCoordination GroupKind = "samordningsgrupp"
)

// Group is a locality's working group (arbetsgrupp) or coordination group.
type Group struct {
	ID          int64
	LocalityID  int64
	Slug        string
	Name        string
	Kind        GroupKind
	Theme       string
	Description string // Markdown
	// ContactUserID is the staff contact (often the group leader); 0 for none.
	ContactUserID int64
	ContactName   string
	Open          bool // takes new members
	Members       []*GroupMember
	Organisations []*Organisation
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// GroupMember is a person in a group. The name is public only with consent;
// contact details are never public.
type GroupMember struct {
	ID       int64
	GroupID  int64
	Name     string
	Email    string
	Phone    string
	ShowName bool
	JoinedAt time.Time
}

// OrganisationKind is an association or a business.
type OrganisationKind string

// Kinds of organisation.
const (
	OrgAssociation OrganisationKind = "forening"
	OrgBusiness    OrganisationKind = "naringsidkare"
)

// Organisation is an association (förening) or business (näringsidkare) in a locality.
type Organisation struct {
	ID          int64
	LocalityID  int64
	Name        string
	Kind        OrganisationKind
	Website     string
	Description string
}

// MeetingKind is the kind of meeting.
type MeetingKind string

// Kinds of meeting.
const (
	MeetingOpen     MeetingKind = "stormote"
	MeetingGroup    MeetingKind = "arbetsgruppsmote"
	MeetingWorkshop MeetingKind = "workshop"
	MeetingOther    MeetingKind = "annat"
)

// MeetingKinds lists the kinds in display order.
var MeetingKinds = []MeetingKind{MeetingOpen, MeetingGroup, MeetingWorkshop, MeetingOther}

// MeetingState is where a meeting stands.
type MeetingState string

// Meeting states.
const (
	MeetingPlanned   MeetingState = "planerat"
	MeetingHeld      MeetingState = "genomfort"
	MeetingCancelled MeetingState = "installt"
)

// MeetingStates lists the states in order.
var MeetingStates = []MeetingState{MeetingPlanned, MeetingHeld, MeetingCancelled}

// Meeting is a stormöte, group meeting or workshop. Times are stored in UTC and
// shown in Europe/Stockholm.
type Meeting struct {
	ID            int64
	LocalityID    int64
	LocalitySlug  string
	LocalityName  string
	GroupID       int64 // 0 when the meeting is not a group's
	GroupName     string
	Kind          MeetingKind
	Title         string
	Start, End    time.Time
	PlaceName     string
	PlaceAddress  string
	Accessibility string // e.g. "Entré utan trappsteg, hörslinga"
	Agenda        string // Markdown
	State         MeetingState
	CancelReason  string // shown publicly

	// Registration (anmälan): optional, with a capacity (0 = no limit).
	Registration bool
	Capacity     int
	Registered   int // people registered (not waitlisted), computed
	Waitlisted   int // people on the waiting list, computed

	// After the meeting.
	Report          string    // Markdown notes or report
	ReportPublished time.Time // zero while the report is a draft (staff only)
	Participants    int

	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Full reports whether every place is taken.
func (m *Meeting) Full() bool { return m.Registration && m.Capacity > 0 && m.Registered >= m.Capacity }

// ReportIsPublic reports whether visitors may read the report.
func (m *Meeting) ReportIsPublic() bool {
	return !m.ReportPublished.IsZero() && strings.TrimSpace(m.Report) != ""
}

// Registration is one sign-up for a meeting. Everything but the count is
// personal data, seen by staff only.
//
// A registration holds no place until the registrant confirms it through the
// e-mailed link, by ConfirmBy; only then is it given places or put on the
// waiting list (see Registration.State in rules.go).
type Registration struct {
	ID        int64
	MeetingID int64
	Name      string
	Email     string
	People    int
	Needs     string // dietary or accessibility needs
	Lang      string
	// Token is known only when the registration is made: the confirm and
	// cancel links carry it. Only its hash is stored.
	Token       string
	Waitlisted  bool      // confirmed onto the waiting list rather than given places
	ConfirmedAt time.Time // zero until confirmed
	ConfirmBy   time.Time // an unconfirmed registration expires then
	CancelledAt time.Time
	CreatedAt   time.Time
}

// RegistrationRule bounds registration for meetings: how many people one
// registration may bring, and how long the registrant has to confirm it.
type RegistrationRule struct {
	MaxPeople     int
	ConfirmWithin time.Duration
}

// DefaultRegistrationRule is at most 6 people a registration, confirmed
// within 48 hours.
var DefaultRegistrationRule = RegistrationRule{MaxPeople: 6, ConfirmWithin: 48 * time.Hour}

// WithDefaults returns the rule with DefaultRegistrationRule's value for
// each part that is not set.
func (r RegistrationRule) WithDefaults() RegistrationRule {
	if r.MaxPeople <= 0 {
		r.MaxPeople = DefaultRegistrationRule.MaxPeople
	}
	if r.ConfirmWithin <= 0 {
		r.ConfirmWithin = DefaultRegistrationRule.ConfirmWithin
	}
	return r
}

// Limits of registrations that are not rules of a meeting.
const (
	// RegistrationResendAfter is how long after the last e-mail about a
	// registration another is sent when the same address registers again,
	// so the form cannot be used to flood someone's inbox.
	RegistrationResendAfter = 15 * time.Minute
	// RegistrationKeepExpired is how long an unconfirmed registration is
	// kept after its time to confirm ran out (so a late link says so), before
	// it is deleted.
	RegistrationKeepExpired = 7 * 24 * time.Hour
)

// Notice kinds: the e-mails the meeting service queues.
const (
	NoticeConfirm      = "confirm"      // asks the registrant to confirm, with the confirm and cancel links
	NoticeAlready      = "already"      // the address registered again: it already is, with a cancel link
	NoticeRegistered   = "registered"   // confirmed with places, with the cancel link
	NoticeWaitlisted   = "waitlisted"   // confirmed onto the waiting list, with the cancel link
	NoticePromoted     = "promoted"     // moved up from the waiting list
	NoticeUnregistered = "unregistered" // the person cancelled
	NoticeMoved        = "moved"        // the meeting's time or place changed
	NoticeCancelled    = "cancelled"    // the meeting is cancelled
)

// Composer writes the e-mail for a notice in the recipient's language. token is
// the registration's token when known (at registration, confirmation, or a
// fresh one for NoticeAlready), else "": the links in the e-mail carry it.
type Composer interface {
	Compose(kind string, m *Meeting, r *Registration, token string) *Message
	// ComposeSignUp writes the e-mails about "Vill du vara med?" sign-ups:
	// "signup_confirm" to the person, "signup_notice" to a staff member,
	// "signup_reminder" to a coordinator with the sign-ups that wait.
	ComposeSignUp(kind string, s *SignUp, to *User, waiting []*SignUp) *Message
	// ComposeResident writes e-mails to residents: "login" (with the one-time
	// link), "idea_answered" (to the proposer), and "idea_flagged" (to a
	// coordinator, when an idea reaches the support threshold).
	ComposeResident(kind, toEmail, toName, lang string, i *Idea, link string) *Message
	// ComposeStaff writes e-mails to a staff account in lang:
	// "password_reset" (with the one-time link to choose a new password).
	ComposeStaff(kind string, to *User, lang, link string) *Message
	// ComposeNews writes one e-mail with news for a follower, with the
	// one-click unsubscribe link (also in the List-Unsubscribe headers).
	ComposeNews(toEmail, toName, lang string, items []NewsItem, unsubscribeURL string) *Message
	// ComposeMessage writes a staff message for one recipient: the staff's
	// subject and text, a line saying why the recipient gets it, and for a
	// follower the unsubscribe link (the store adds the List-Unsubscribe headers).
	ComposeMessage(m *StaffMessage, toEmail, toName, lang, unsubscribeURL string) *Message
	// ComposeQuickfix writes the e-mail to a quickfix's applicant about
	// staff's decision (granted, refused or komplettering), with a link to it.
	ComposeQuickfix(toEmail, toName, lang string, q *Quickfix, link string) *Message
}

// MeetingFilter selects meetings for lists and calendars.
type MeetingFilter struct {
	LocalityID int64
	GroupID    int64
	From, To   time.Time // on Start; zero for open ends
	Limit      int
	// Latest orders by start time the other way round, the latest first, so
	// that with Limit a list holds the latest meetings.
	Latest bool
}

// MeetingService manages groups, organisations, meetings and registrations.
// Changing groups, organisations and meetings needs the right to edit their
// locality as stored; anyone may register for a meeting.
type MeetingService interface {
	Groups(ctx context.Context, localityID int64) ([]*Group, error)
	FindGroup(ctx context.Context, localityID int64, slug string) (*Group, error)
	SaveGroup(ctx context.Context, g *Group) error
	AddGroupMember(ctx context.Context, m *GroupMember) error
	Organisations(ctx context.Context, localityID int64) ([]*Organisation, error)
	SaveOrganisation(ctx context.Context, o *Organisation) error
	// LinkGroupOrganisation links an organisation of the group's locality to
	// the group; one with ID 0 is created there first, in the same transaction.
	LinkGroupOrganisation(ctx context.Context, groupID int64, o *Organisation) error

	Meetings(ctx context.Context, f MeetingFilter) ([]*Meeting, error)
	FindMeeting(ctx context.Context, id int64) (*Meeting, error)
	// SaveMeeting creates or updates a meeting; moving or cancelling one queues
	// a notice to everyone registered, in the same transaction.
	SaveMeeting(ctx context.Context, m *Meeting) error
	// ArchiveMeeting takes a meeting (and with it its files) out of every
	// public list, with the reason and a revision; the row stays.
	ArchiveMeeting(ctx context.Context, meetingID int64, reason string) error

	// Register records an unconfirmed registration, which holds no place,
	// and queues the e-mail with the confirm link (valid rule.ConfirmWithin).
	// People over rule.MaxPeople are refused. An address already registered
	// for the meeting gets an e-mail saying so instead (at most one per
	// RegistrationResendAfter) and nothing else changes; the answer is the
	// same nil, so the caller cannot tell the two apart. r.ID and r.Token are
	// set only for a new registration.
	Register(ctx context.Context, r *Registration, rule RegistrationRule) error
	// ConfirmRegistration confirms by token before the registration's
	// ConfirmBy: it is given places, or a place on the waiting list when the
	// places left are too few, and the registrant is told which. Confirming
	// twice changes nothing; an expired one is EINVALID error.confirm_expired.
	ConfirmRegistration(ctx context.Context, token string) (*Registration, *Meeting, error)
	// CancelRegistration cancels by token and moves the first on the waiting list up.
	CancelRegistration(ctx context.Context, token string) (*Meeting, error)
	FindRegistrationByToken(ctx context.Context, token string) (*Registration, *Meeting, error)
	// Registrations lists a meeting's registrations (personal data) for those
	// who may edit its locality; others get EUNAUTHORIZED or EFORBIDDEN.
	Registrations(ctx context.Context, meetingID int64) ([]*Registration, error)
	// DeleteExpiredRegistrations deletes unconfirmed registrations whose time
	// to confirm ran out before before, with their tokens; a periodic job.
	DeleteExpiredRegistrations(ctx context.Context, before time.Time) (int, error)

	// MessageAudience fills in the audience's name and how many addresses a
	// staff message to it reaches (never the addresses), for the preview.
	// Only for accounts that may edit the audience's locality as stored.
	MessageAudience(ctx context.Context, a *Audience) error
	// SendStaffMessage keeps a staff message and queues one outbox message
	// per recipient in the same transaction, with the same right as
	// MessageAudience. A nonce sent before queues nothing and loads the
	// stored message, with Repeated set.
	SendStaffMessage(ctx context.Context, m *StaffMessage) error
	// StaffMessages lists the messages sent in a locality, newest first, for
	// accounts that may edit it.
	StaffMessages(ctx context.Context, localityID int64) ([]*StaffMessage, error)
}

// Validate checks a meeting.
func (m *Meeting) Validate() error {
	v := ValidationErrors{}
	m.Title = strings.TrimSpace(m.Title)
	checkText(v, "title", m.Title, true, maxTitle)
	if !slices.Contains(MeetingKinds, m.Kind) {
		v.Add("kind", "error.choose_from_list")
	}
	if !slices.Contains(MeetingStates, m.State) {
		v.Add("state", "error.choose_from_list")
	}
	if m.Start.IsZero() {
		v.Add("start", "error.date_required")
	}
	if !m.End.IsZero() && !m.Start.IsZero() && !m.End.After(m.Start) {
		v.Add("end", "error.end_before_start")
	}
	checkText(v, "place_name", m.PlaceName, false, maxTitle)
	checkText(v, "place_address", m.PlaceAddress, false, maxTitle)
	checkText(v, "accessibility", m.Accessibility, false, maxNote)
	checkText(v, "agenda", m.Agenda, false, maxText)
	checkText(v, "report", m.Report, false, maxText)
	if m.State == MeetingCancelled {
		ReasonCancel.Check(v, m.CancelReason)
	}
	checkText(v, "cancel_reason", m.CancelReason, false, maxNote)
	if m.Capacity < 0 || m.Capacity > 100000 {
		v.Add("capacity", "error.number_invalid")
	}
	if m.Participants < 0 || m.Participants > 100000 {
		v.Add("participants", "error.number_invalid")
	}
	return v.Err()
}

// Validate checks a registration under the rule and normalises it: a name,
// a valid e-mail address, and from 1 to rule.MaxPeople people.
func (r *Registration) Validate(rule RegistrationRule) error {
	rule = rule.WithDefaults()
	v := ValidationErrors{}
	r.Name = strings.TrimSpace(r.Name)
	r.Email = NormalizeEmail(r.Email)
	checkText(v, "name", r.Name, true, 100)
	if r.Email == "" {
		v.Add("email", "error.email_required")
	} else if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || len(r.Email) > 254 {
		v.Add("email", "error.email_invalid")
	}
	if r.People < 1 || r.People > rule.MaxPeople {
		v.Add("people", "error.people_range")
	}
	checkText(v, "needs", r.Needs, false, 1000)
	return v.Err()
}

// Validate checks a group.
func (g *Group) Validate() error {
	v := ValidationErrors{}
	g.Name = strings.TrimSpace(g.Name)
	checkText(v, "name", g.Name, true, maxTitle)
	if g.Slug = FoldSlug(g.Slug); g.Slug == "" {
		g.Slug = SlugFromName(g.Name)
	}
	if !ValidSlug(g.Slug) {
		v.Add("slug", "error.slug_invalid")
	}
	if g.Kind != GroupWorking && g.Kind != GroupCoordination {
		v.Add("kind", "error.choose_from_list")
	}
	checkText(v, "theme", g.Theme, false, maxTitle)
	checkText(v, "description", g.Description, false, maxText)
	return v.Err()
}

// Validate checks a group member.
func (m *GroupMember) Validate() error {
	v := ValidationErrors{}
	m.Name = strings.TrimSpace(m.Name)
	checkText(v, "name", m.Name, true, 100)
	if m.Email != "" {
		if _, err := mail.ParseAddress(m.Email); err != nil {
			v.Add("email", "error.email_invalid")
		}
	}
	checkText(v, "phone", m.Phone, false, 40)
	return v.Err()
}

// Validate checks an organisation.
func (o *Organisation) Validate() error {
	v := ValidationErrors{}
	o.Name = strings.TrimSpace(o.Name)
	checkText(v, "name", o.Name, true, maxTitle)
	if o.Kind != OrgAssociation && o.Kind != OrgBusiness {
		v.Add("kind", "error.choose_from_list")
	}
	if o.Website != "" {
		u, err := url.Parse(o.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("website", "error.url_invalid")
		}
	}
	if utf8.RuneCountInString(o.Description) > maxNote {
		v.Add("description", "error.too_long")
	}
	return v.Err()
}

// File kinds.
const (
	FilePhoto    = "photo"
	FileDocument = "document"
)

// FileVariant is one stored size of a photo (or the single document file).
type FileVariant struct {
	Name        string `json:"name"` // thumb, page, full; "file" for documents
	Key         string `json:"key"`  // storage key
	Width       int    `json:"w,omitempty"`
	Height      int    `json:"h,omitempty"`
	ContentType string `json:"type"`
	Size        int64  `json:"size"`
}

// MeetingFile is a photo or PDF document from a meeting. Photos require alt text.
type MeetingFile struct {
	ID           int64
	MeetingID    int64
	MeetingTitle string
	Kind         string
	Title        string // documents: the link text
	Alt          string // photos: the alternative text
	Width        int
	Height       int
	Size         int64
	Variants     []FileVariant
	CreatedAt    time.Time
}

// Variant returns the named variant, or else the largest public one; the
// kept original (if any) only by its name.
func (f *MeetingFile) Variant(name string) FileVariant {
	var largest FileVariant
	for _, v := range f.Variants {
		if v.Name == name {
			return v
		}
		if v.Name != "original" {
			largest = v
		}
	}
	return largest
}

// Public returns the variants that may be shown to anyone (not the original).
func (f *MeetingFile) Public() []FileVariant {
	out := make([]FileVariant, 0, len(f.Variants))
	for _, v := range f.Variants {
		if v.Name != "original" {
			out = append(out, v)
		}
	}
	return out
}

// Validate checks a file's texts.
func (f *MeetingFile) Validate() error {
	v := ValidationErrors{}
	f.Alt = strings.TrimSpace(f.Alt)
	f.Title = strings.TrimSpace(f.Title)
	switch f.Kind {
	case FilePhoto:
		CheckAlt(v, "alt", f.Alt)
		checkText(v, "title", f.Title, false, maxTitle)
	case FileDocument:
		checkText(v, "title", f.Title, true, maxTitle)
	default:
		v.Add("file", "error.upload_type")
	}
	return v.Err()
}

// FileService stores the records of meeting files; the bytes live in a
// media.Storage. Files of a meeting whose report is not published, and kept
// originals, are only for those who may edit the meeting's locality.
type FileService interface {
	AddMeetingFile(ctx context.Context, f *MeetingFile) error
	// MeetingFiles lists the meeting's files the acting account may see.
	MeetingFiles(ctx context.Context, meetingID int64) ([]*MeetingFile, error)
	// FindMeetingFile returns a file the acting account may see, else ENOTFOUND.
	FindMeetingFile(ctx context.Context, id int64) (*MeetingFile, *Meeting, error)
	// LocalityPhotos lists photos of the locality's meetings whose reports are published, newest first.
	LocalityPhotos(ctx context.Context, localityID int64, limit int) ([]*MeetingFile, error)
	// ArchiveMeetingFile archives a photo or document with the reason and
	// returns its meeting as stored; the file is then served to nobody.
	ArchiveMeetingFile(ctx context.Context, fileID int64, reason string) (meetingID int64, err error)
	// UpdateMeetingFile changes a file's title and a photo's alt text (f.ID,
	// f.Title, f.Alt), recorded in the history; f.MeetingID is set.
	UpdateMeetingFile(ctx context.Context, f *MeetingFile) error
}
