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

// User is a staff account.
type User struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	Department string // förvaltning, for officials
	Active     bool
	Lang       string
	Localities []string // slugs of assigned localities (officials, group leaders)
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// CanManageUsers reports whether u may create and deactivate accounts.
func (u *User) CanManageUsers() bool { return u != nil && u.Active && u.Role == RoleAdmin }

// CanEditLocality reports whether u may edit the locality with the given slug.
func (u *User) CanEditLocality(slug string) bool {
	if u == nil || !u.Active {
		return false
	}
	switch u.Role {
	case RoleAdmin, RoleCoordinator:
		return true
	case RoleOfficial, RoleGroupLeader:
		return slices.Contains(u.Localities, slug)
	}
	return false
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

// Validate checks the input and normalises it in place.
func (n *NewUser) Validate() error {
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
	if err := ValidatePassword(n.Password); err != nil {
		v.Add("password", ErrorKey(err))
	}
	if n.Role == RoleGroupLeader && len(n.Localities) > 1 {
		v.Add("localities", "error.groupleader_one_locality")
	}
	return v.Err()
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

// UserService manages staff accounts, passwords and sessions.
type UserService interface {
	CreateUser(ctx context.Context, n NewUser) (*User, error)
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	ListUsers(ctx context.Context) ([]*User, error)
	SetUserActive(ctx context.Context, id int64, active bool) error
	SetUserLocalities(ctx context.Context, id int64, slugs []string) error

	// Authenticate checks an e-mail and password. It returns EUNAUTHORIZED for a
	// wrong pair and ERATELIMIT while the e-mail is slowed down after failures.
	Authenticate(ctx context.Context, email, password string) (*User, error)
	ChangePassword(ctx context.Context, id int64, oldPassword, newPassword string) error

	CreateSession(ctx context.Context, userID int64) (*Session, error)
	// UserBySession returns the active user of a live session.
	UserBySession(ctx context.Context, token string) (*User, error)
	DeleteSession(ctx context.Context, token string) error
}
