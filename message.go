package ortsplan

import (
	"strings"
	"time"
)

// AudienceKind names who a staff message is written to.
type AudienceKind string

// The audiences of a staff message.
const (
	AudienceGroup     AudienceKind = "group"     // a working group's members with an e-mail address
	AudienceMeeting   AudienceKind = "meeting"   // a meeting's confirmed registrants (and, when chosen, its waiting list)
	AudienceFollowers AudienceKind = "followers" // the residents who follow a locality
)

// Valid reports whether k is one of the audiences.
func (k AudienceKind) Valid() bool {
	return k == AudienceGroup || k == AudienceMeeting || k == AudienceFollowers
}

// Audience is who a staff message goes to: the members of a group, the
// registrants of a meeting, or the followers of a locality. The store fills
// in Name and Count from the rows as stored.
type Audience struct {
	Kind AudienceKind
	// LocalityID is the locality the message is written in; a group or
	// meeting must belong to it.
	LocalityID int64
	// TargetID is the group's or the meeting's id; 0 for followers.
	TargetID int64
	// Waitlist includes a meeting's waiting list.
	Waitlist bool
	// Name is the group's name, the meeting's title or the locality's name.
	Name string
	// Count is how many addresses the message reaches (each address once).
	Count int
}

// Limits of a staff message.
const (
	MaxMessageSubject = 150
	MaxMessageBody    = 10000
)

// StaffMessage is an e-mail that staff write to an audience; it is kept, with
// one outbox message queued per recipient in the same transaction.
type StaffMessage struct {
	ID       int64
	Audience Audience
	Subject  string
	Body     string // plain text
	// Nonce is drawn when the form is opened and stored UNIQUE with the
	// message: sending the same form again queues nothing.
	Nonce      string
	SenderID   int64
	SenderName string
	// Recipients is how many messages were queued.
	Recipients int
	CreatedAt  time.Time
	// Repeated is set when the nonce had been sent already: nothing new was
	// queued and the message is the one stored then.
	Repeated bool
}

// ValidNonce reports whether s can be a staff message's nonce: 16 to 64
// letters, digits, '-' or '_'.
func ValidNonce(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Validate checks a staff message before it is previewed or sent: a subject
// on one line (runs of white space, line breaks among them, become one
// space), a body, both within their limits, a known audience and a nonce.
func (m *StaffMessage) Validate() error {
	v := ValidationErrors{}
	m.Subject = strings.Join(strings.Fields(m.Subject), " ")
	checkText(v, "subject", m.Subject, true, MaxMessageSubject)
	m.Body = strings.TrimRight(strings.ReplaceAll(m.Body, "\r\n", "\n"), " \t\n")
	m.Body = strings.TrimLeft(m.Body, "\n")
	checkText(v, "body", m.Body, true, MaxMessageBody)
	if !m.Audience.Kind.Valid() || (m.Audience.Kind != AudienceFollowers) != (m.Audience.TargetID > 0) {
		v.Add("audience", "error.choose_from_list")
	}
	if m.Audience.Kind != AudienceMeeting {
		m.Audience.Waitlist = false
	}
	if !ValidNonce(m.Nonce) {
		v.Add("nonce", "error.form_stale")
	}
	return v.Err()
}
