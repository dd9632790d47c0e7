package ortsplan

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SignUpStatus is where a "Vill du vara med?" sign-up stands.
type SignUpStatus string

// Sign-up statuses.
const (
	SignUpNew       SignUpStatus = "ny"
	SignUpContacted SignUpStatus = "kontaktad"
	SignUpJoined    SignUpStatus = "med"
	SignUpDeclined  SignUpStatus = "avbojd"
)

// SignUpStatuses lists the statuses in order.
var SignUpStatuses = []SignUpStatus{SignUpNew, SignUpContacted, SignUpJoined, SignUpDeclined}

// AgeGroups are the optional age groups a person may give.
var AgeGroups = []string{"under-18", "18-29", "30-49", "50-64", "65-79", "80-"}

// SignUpWaitLimit is how long a sign-up may wait for an answer before it is
// highlighted and listed in the coordinator's weekly reminder.
const SignUpWaitLimit = 7 * 24 * time.Hour

// SignUp is a person's wish to take part. Everything in it is personal data,
// seen only by staff who work on its locality.
type SignUp struct {
	ID           int64
	LocalityID   int64
	LocalitySlug string
	LocalityName string
	Name         string
	Email        string
	Phone        string
	Interests    []string // "group:<slug>" or "theme:<id>"
	AgeGroup     string
	Message      string
	ShowName     bool // consents to the name being shown as a group member
	Lang         string
	Status       SignUpStatus
	HandlerID    int64
	HandlerName  string
	Notes        string // staff notes
	GroupID      int64  // the group the person joined
	GroupName    string
	Anonymised   bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Receipt is set by CreateSignUp: a one-time secret that shows the
	// person, for ReceiptValidFor, what they sent (see SignUpReceipt).
	Receipt string
}

// ReceiptValidFor is how long the page after a sign-up shows what was sent.
const ReceiptValidFor = time.Hour

// SignUpReceipt is what the person who just signed up is shown: what they
// sent, who will get in touch, and by when.
type SignUpReceipt struct {
	SignUp *SignUp
	// Contacts are the people the sign-up was sent to: the chosen groups'
	// contacts, or else the locality's. Names, roles and departments only.
	Contacts []*Contact
	AnswerBy time.Time // when the answer is due (SignUpWaitLimit)
}

// Waiting reports whether the sign-up has waited too long for an answer.
func (s *SignUp) Waiting(now time.Time) bool {
	return s.Status == SignUpNew && now.Sub(s.CreatedAt) > SignUpWaitLimit
}

// Validate checks a new sign-up. consent is the box that accepts the stated use of the data.
func (s *SignUp) Validate(consent bool) error {
	v := ValidationErrors{}
	s.Name = strings.TrimSpace(s.Name)
	s.Email = NormalizeEmail(s.Email)
	s.Phone = strings.TrimSpace(s.Phone)
	checkText(v, "name", s.Name, true, 100)
	if s.Email == "" && s.Phone == "" {
		v.Add("email", "error.email_or_phone")
	}
	if s.Email != "" {
		if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email || len(s.Email) > 254 {
			v.Add("email", "error.email_invalid")
		}
	}
	if s.Phone != "" {
		digits := 0
		for _, r := range s.Phone {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case strings.ContainsRune(" +-()", r):
			default:
				digits = -100
			}
		}
		if digits < 6 || utf8.RuneCountInString(s.Phone) > 30 {
			v.Add("phone", "error.phone_invalid")
		}
	}
	if s.LocalityID == 0 {
		v.Add("locality", "error.choose_from_list")
	}
	if s.AgeGroup != "" && !slices.Contains(AgeGroups, s.AgeGroup) {
		v.Add("age_group", "error.choose_from_list")
	}
	checkText(v, "message", s.Message, false, 2000)
	if len(s.Interests) > 30 {
		v.Add("interests", "error.choose_from_list")
	}
	if !consent {
		v.Add("consent", "error.consent_required")
	}
	return v.Err()
}

// SignUpFilter selects sign-ups for the staff inbox.
type SignUpFilter struct {
	LocalityIDs []int64 // nil: all
	Status      SignUpStatus
}

// SignUpUpdate is a staff member's handling of a sign-up.
type SignUpUpdate struct {
	ID        int64
	Status    SignUpStatus
	HandlerID int64
	Notes     string
	GroupID   int64 // joining a group adds the person as a member
}

// SignUpService stores sign-ups and their handling. Anyone may sign up;
// reading and handling sign-ups, which are personal data, needs the right to
// edit the sign-up's locality.
type SignUpService interface {
	// CreateSignUp stores the sign-up first, then queues the confirmation and
	// the notices to the locality's contacts (or the chosen group's contact).
	CreateSignUp(ctx context.Context, s *SignUp) error
	// SignUpReceipt returns what the sign-up with this receipt holds, for the
	// page after sending it, until ReceiptValidFor has passed; else ENOTFOUND.
	SignUpReceipt(ctx context.Context, receipt string) (*SignUpReceipt, error)
	// SignUps lists the sign-ups within the filter that the acting account may see.
	SignUps(ctx context.Context, f SignUpFilter) ([]*SignUp, error)
	// FindSignUp returns a sign-up the acting account may see, else ENOTFOUND.
	FindSignUp(ctx context.Context, id int64) (*SignUp, error)
	UpdateSignUp(ctx context.Context, u SignUpUpdate) error
	// SendSignUpReminder queues one reminder per coordinator listing sign-ups
	// that have waited too long, at most once a week; it reports how many it queued.
	SendSignUpReminder(ctx context.Context, baseURL string) (int, error)
	// AnonymiseSignUps clears the personal data of sign-ups older than the
	// cutoff that never led to group membership; it reports how many.
	AnonymiseSignUps(ctx context.Context, before time.Time) (int, error)
}
