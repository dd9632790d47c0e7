package ortsplan

import "context"

type ctxKey int

const (
	userKey ctxKey = iota
	residentKey
	systemKey
	sessionKey
)

// NewContextWithUser returns a context in which the staff account u acts.
// Every service method that changes something asks the context who acts and
// decides, in its own transaction, whether that account may.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFromContext returns the staff account acting in ctx, or nil. In a
// system context it returns SystemUser.
func UserFromContext(ctx context.Context) *User {
	if IsSystem(ctx) {
		return SystemUser
	}
	u, _ := ctx.Value(userKey).(*User)
	return u
}

// UserIDFromContext returns the acting staff account's id, for the audit log
// and revisions; 0 for none and for the system.
func UserIDFromContext(ctx context.Context) int64 {
	if u, _ := ctx.Value(userKey).(*User); u != nil && !IsSystem(ctx) {
		return u.ID
	}
	return 0
}

// NewContextWithResident returns a context in which the resident r acts:
// proposing, supporting, commenting, following, and their own personal data.
func NewContextWithResident(ctx context.Context, r *Resident) context.Context {
	return context.WithValue(ctx, residentKey, r)
}

// ResidentFromContext returns the resident acting in ctx, or nil.
func ResidentFromContext(ctx context.Context) *Resident {
	r, _ := ctx.Value(residentKey).(*Resident)
	return r
}

// NewAnonymousContext returns ctx in which nobody acts: no staff account,
// resident or system, as for a visitor without an account. The open data is
// read this way, whoever asks.
func NewAnonymousContext(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, userKey, (*User)(nil))
	ctx = context.WithValue(ctx, residentKey, (*Resident)(nil))
	return context.WithValue(ctx, systemKey, false)
}

// SystemUser is who acts in a system context: the process itself, with every
// right. It has no id and no account; no request can carry it.
var SystemUser = &User{Name: "system", Role: RoleAdmin, Active: true}

// NewSystemContext returns a context in which the process itself acts: the
// command line (creating accounts, loading the demo) and periodic jobs. The
// HTTP layer never makes one.
func NewSystemContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, systemKey, true)
}

// IsSystem reports whether ctx is a system context.
func IsSystem(ctx context.Context) bool {
	v, _ := ctx.Value(systemKey).(bool)
	return v
}

// WithSession returns a context carrying the current session token.
func WithSession(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, sessionKey, token)
}

// SessionFrom returns the current session token, or "".
func SessionFrom(ctx context.Context) string {
	tok, _ := ctx.Value(sessionKey).(string)
	return tok
}
