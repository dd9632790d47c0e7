package ortsplan

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a staff account may do.
type Role string

// The staff roles. Residents need no account to read.
const (
	RoleAdmin       Role = "admin"       // everything, including users
	RoleCoordinator Role = "coordinator" // ortsutvecklare: all localities
	RoleOfficial    Role = "official"    // tjänsteman: assigned localities
	RoleGroupLeader Role = "groupleader" // resident leading a group in one locality
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleOfficial, RoleGroupLeader}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// LocalityRef names a locality: its id, address (slug) and name.
type LocalityRef struct {
	ID   int64
	Slug string
	Name string
}

// User is a staff account.
type User struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	Department string // förvaltning, for officials
	Active     bool
	Lang       string
	Localities []LocalityRef // assigned localities (officials, group leaders), by name
	// PasswordSet is false for an invited account whose owner has not yet
	// chosen a password from the invitation.
	PasswordSet bool
	// LoginMethod is how the session in use was started; set only on the
	// user of a session (UserBySession).
	LoginMethod LoginMethod
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// The rights of staff accounts are decided here and nowhere else: the
// services ask these methods about the locality of the row they change, read
// in their own transaction, and the templates ask them what to offer.

// IsStaff reports whether u is an active staff account.
func (u *User) IsStaff() bool { return u != nil && u.Active }

// AllLocalities reports whether u works on every locality: admins and coordinators.
func (u *User) AllLocalities() bool {
	return u.IsStaff() && (u.Role == RoleAdmin || u.Role == RoleCoordinator)
}

// CanEditLocality reports whether u may change what belongs to the locality
// with the given id (its description, phase, vision, plan, groups, meetings
// and files), answer and moderate its ideas, and read and handle its
// sign-ups and registrations. Admins and coordinators may for every
// locality; officials and group leaders for those assigned to them.
func (u *User) CanEditLocality(localityID int64) bool {
	if !u.IsStaff() || localityID <= 0 {
		return false
	}
	switch u.Role {
	case RoleAdmin, RoleCoordinator:
		return true
	case RoleOfficial, RoleGroupLeader:
		for _, l := range u.Localities {
			if l.ID == localityID {
				return true
			}
		}
	}
	return false
}

// EditableLocalities tells which localities u may edit, for lists filtered
// in a query: all of them (admins and coordinators), or the ids returned
// (none for an inactive account). It agrees with CanEditLocality.
func (u *User) EditableLocalities() (all bool, ids []int64) {
	switch {
	case !u.IsStaff():
		return false, []int64{}
	case u.AllLocalities():
		return true, nil
	case u.Role == RoleOfficial || u.Role == RoleGroupLeader:
		return false, u.LocalityIDs()
	}
	return false, []int64{}
}

// CanCreateLocality reports whether u may add a locality.
func (u *User) CanCreateLocality() bool { return u.AllLocalities() }

// CanManageUsers reports whether u may create, change and deactivate accounts.
func (u *User) CanManageUsers() bool { return u.IsStaff() && u.Role == RoleAdmin }

// CanReadOutbox reports whether u may read the e-mail outbox, which holds
// every message with its recipient.
func (u *User) CanReadOutbox() bool { return u.IsStaff() && u.Role == RoleAdmin }

// LocalityIDs returns the ids of the assigned localities.
func (u *User) LocalityIDs() []int64 {
	ids := make([]int64, len(u.Localities))
	for i, l := range u.Localities {
		ids[i] = l.ID
	}
	return ids
}

// NewUser is the input for creating a staff account.
type NewUser struct {
	Email      string
	Name       string
	Role       Role
	Department string
	Password   string
	Localities []string
}

// MinPasswordLen is the shortest password accepted for a staff account.
const MinPasswordLen = 12

// NormalizeEmail trims and lower-cases an e-mail address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks the input and normalises it in place. The password is
// required: an account made with one (on the command line, in the demo).
func (n *NewUser) Validate() error { return n.validate(true) }

// ValidateInvite checks the input for an invitation, which has no password:
// the person chooses one from the invitation's link.
func (n *NewUser) ValidateInvite() error {
	if n.Password != "" {
		return FieldError("password", "error.invite_no_password")
	}
	return n.validate(false)
}

func (n *NewUser) validate(password bool) error {
	v := ValidationErrors{}
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	n.Department = strings.TrimSpace(n.Department)
	if n.Email == "" {
		v.Add("email", "error.email_required")
	} else if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email || len(n.Email) > 254 {
		v.Add("email", "error.email_invalid")
	}
	if n.Name == "" {
		v.Add("name", "error.name_required")
	} else if utf8.RuneCountInString(n.Name) > 100 {
		v.Add("name", "error.too_long")
	}
	if !n.Role.Valid() {
		v.Add("role", "error.role_invalid")
	}
	if utf8.RuneCountInString(n.Department) > 100 {
		v.Add("department", "error.too_long")
	}
	if password {
		if err := ValidatePassword(n.Password); err != nil {
			v.Add("password", ErrorKey(err))
		}
	}
	if n.Role == RoleGroupLeader && len(n.Localities) > 1 {
		v.Add("localities", "error.groupleader_one_locality")
	}
	return v.Err()
}

// InvitationTTL is how long the link of an invitation works (once).
const InvitationTTL = 72 * time.Hour

// UserUpdate is what an admin changes on an account: its role, department
// and localities (by slug).
type UserUpdate struct {
	Role       Role
	Department string
	Localities []string
}

// Validate checks the change and normalises it in place: a known role, a
// department of at most 100 characters, each locality once, and at most one
// locality for a group leader.
func (c *UserUpdate) Validate() error {
	v := ValidationErrors{}
	c.Department = strings.TrimSpace(c.Department)
	if !c.Role.Valid() {
		v.Add("role", "error.role_invalid")
	}
	if utf8.RuneCountInString(c.Department) > 100 {
		v.Add("department", "error.too_long")
	}
	var slugs []string
	for _, s := range c.Localities {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(slugs, s) {
			slugs = append(slugs, s)
		}
	}
	c.Localities = slugs
	if c.Role == RoleGroupLeader && len(c.Localities) > 1 {
		v.Add("localities", "error.groupleader_one_locality")
	}
	return v.Err()
}

// CheckUserUpdate reports whether actor may give target the role in c: an
// admin never takes the admin role from their own account, so there is
// always an admin left who can manage the accounts.
func CheckUserUpdate(actor, target *User, c UserUpdate) error {
	if actor != nil && target != nil && actor.ID > 0 && actor.ID == target.ID && target.Role == RoleAdmin && c.Role != RoleAdmin {
		return FieldError("role", "admin.cannot_demote_self")
	}
	return nil
}

// CheckSetActive reports whether actor may activate or deactivate the
// account with the id: nobody deactivates their own account.
func CheckSetActive(actor *User, targetID int64, active bool) error {
	if !active && actor != nil && actor.ID > 0 && actor.ID == targetID {
		return Errorf(EINVALID, "admin.cannot_deactivate_self")
	}
	return nil
}

// ValidatePassword checks a new password's length.
func ValidatePassword(p string) error {
	switch n := utf8.RuneCountInString(p); {
	case n < MinPasswordLen:
		return FieldError("password", "error.password_short")
	case len(p) > 256:
		return FieldError("password", "error.too_long")
	}
	return nil
}

// Session is a logged-in browser. Token is only known when it is created;
// the store keeps a hash.
type Session struct {
	Token     string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// UserService manages staff accounts, passwords and sessions. Creating and
// changing accounts needs an admin (or the system: the command line); the
// staff list needs a staff account.
type UserService interface {
	// AuditLog returns, to admins, a page of the audit log, newest first:
	// the entries with ids below before (0 for the newest), and whether
	// older ones follow.
	AuditLog(ctx context.Context, before int64) ([]*AuditEntry, bool, error)
	// CreateUser makes an account with the password in n: for the command
	// line and the demo.
	CreateUser(ctx context.Context, n NewUser) (*User, error)
	// InviteUser makes an account without a password and, in the same
	// transaction, queues the invitation with a link to choose one, valid
	// InvitationTTL and once.
	InviteUser(ctx context.Context, n NewUser) (*User, error)
	// ResendInvitation sends a new invitation to an account that has not
	// chosen its password; the earlier links stop working.
	ResendInvitation(ctx context.Context, id int64) error
	// SendPasswordReset e-mails an account a link to choose a new password,
	// asked for by an admin.
	SendPasswordReset(ctx context.Context, id int64) error
	// ManagedUser returns an account with its e-mail address, to admins.
	ManagedUser(ctx context.Context, id int64) (*User, error)
	// UpdateUser changes an account's role, department and localities.
	UpdateUser(ctx context.Context, id int64, c UserUpdate) error
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// ListUsers returns every account with its e-mail address, for admins.
	ListUsers(ctx context.Context) ([]*User, error)
	// ListStaff returns the active staff accounts (names, roles, departments
	// and localities, no e-mail) to staff, for choosing contact people and
	// handlers.
	ListStaff(ctx context.Context) ([]*User, error)
	// SetUserActive activates or deactivates an account; nobody deactivates
	// their own.
	SetUserActive(ctx context.Context, id int64, active bool) error
	SetUserLocalities(ctx context.Context, id int64, slugs []string) error

	// Authenticate checks an e-mail and password tried from the client
	// address addr. It returns EUNAUTHORIZED for a wrong pair and ERATELIMIT
	// (with a WaitError) while the address must wait after failures (see
	// LoginWait); the answers are the same whether or not the e-mail has an
	// account.
	Authenticate(ctx context.Context, email, password, addr string) (*User, error)
	// LoginOIDC finds, links or creates the account an identity provider
	// vouched for (by its sub claim) and refuses unmapped or deactivated
	// people with EFORBIDDEN; both outcomes are audited.
	LoginOIDC(ctx context.Context, l OIDCLogin) (*User, error)
	// ChangePassword changes the acting account's password after checking the old one.
	ChangePassword(ctx context.Context, oldPassword, newPassword string) error

	// RequestPasswordReset e-mails an active account with the address a
	// one-time link to choose a new password (valid 30 minutes), in lang. It
	// answers the same whether or not there is such an account.
	RequestPasswordReset(ctx context.Context, email, lang string) error
	// CheckPasswordReset reports whether a reset link still works, without
	// spending it: EUNAUTHORIZED when it does not; and whether it is an
	// invitation's link.
	CheckPasswordReset(ctx context.Context, token string) (invitation bool, err error)
	// ResetPassword spends a reset link and sets the account's password,
	// ending its sessions and clearing its login limits.
	ResetPassword(ctx context.Context, token, newPassword string) error

	// CreateSession starts a password session; StartSession one started
	// by the given method (a break-glass session is audited).
	CreateSession(ctx context.Context, userID int64) (*Session, error)
	StartSession(ctx context.Context, userID int64, method LoginMethod) (*Session, error)
	// UserBySession returns the active user of a live session.
	UserBySession(ctx context.Context, token string) (*User, error)
	DeleteSession(ctx context.Context, token string) error
}

// AuditEntry is one line of the audit log: who did what to what, and when.
type AuditEntry struct {
	ID        int64
	At        time.Time
	ActorName string // "" for the system
	Action    string // such as "user:create" or "export:signups"
	Subject   string
	Detail    string
}

// AuditPageSize is how many entries one page of the audit log shows.
const AuditPageSize = 50
