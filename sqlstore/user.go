package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ortsplan/ortsplan"
)

// SessionTTL is how long a staff session lasts.
const SessionTTL = 7 * 24 * time.Hour

// dummyHash is checked when an e-mail is unknown, so timing does not tell
// whether an account exists. It is made on the first such login, not when
// the program starts: Argon2id takes 19 MiB to make it, which would
// otherwise count in the memory of every process.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("not a real password, only for timing")
	if err != nil {
		panic(err)
	}
	return h
})

const userColumns = "u.id, u.email, u.name, u.role, u.department, u.active, u.lang, u.password_hash <> '', u.created_at, u.updated_at"

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Department, &u.Active, &u.Lang, &u.PasswordSet, &u.CreatedAt, &u.UpdatedAt)
	return &u, err
}

// User is an alias so this file reads naturally.
type User = ortsplan.User

// CreateUser validates n, hashes the password and stores the account.
func (db *DB) CreateUser(ctx context.Context, n ortsplan.NewUser) (*User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: hash password: %w", err)
	}
	now := db.now()
	var id int64
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := mayAct(ctx, tx, (*User).CanManageUsers); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, role, department, password_hash, active, lang, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'sv', $7, $7) RETURNING id`,
			n.Email, n.Name, string(n.Role), n.Department, hash, true, now).Scan(&id)
		if isUniqueViolation(err) {
			return ortsplan.FieldError("email", "error.email_taken")
		} else if err != nil {
			return dbErr("insert user", err)
		}
		if err := setUserLocalities(ctx, tx, id, n.Localities); err != nil {
			return err
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "user:create", n.Email, string(n.Role))
	})
	if err != nil {
		return nil, err
	}
	return db.FindUserByID(ctx, id)
}

func setUserLocalities(ctx context.Context, tx *sql.Tx, userID int64, slugs []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_localities WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("sqlstore: clear user localities: %w", err)
	}
	for _, slug := range slugs {
		res, err := tx.ExecContext(ctx, `INSERT INTO user_localities (user_id, locality_id)
			SELECT $1, id FROM localities WHERE slug = $2`, userID, slug)
		if err != nil {
			return fmt.Errorf("sqlstore: assign locality: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbErr("assign locality", err)
		} else if n == 0 {
			return ortsplan.FieldError("localities", "error.locality_unknown")
		}
	}
	return nil
}

func audit(ctx context.Context, tx *sql.Tx, at time.Time, actorID int64, action, subject, detail string) error {
	var actor any
	if actorID > 0 {
		actor = actorID
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (at, actor_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
		at, actor, action, subject, detail)
	if err != nil {
		return fmt.Errorf("sqlstore: audit %s: %w", action, err)
	}
	return nil
}

func (db *DB) loadLocalities(ctx context.Context, users ...*User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*User, len(users))
	for _, u := range users {
		byID[u.ID] = u
		u.Localities = nil
	}
	q := `SELECT ul.user_id, l.id, l.slug, l.name FROM user_localities ul JOIN localities l ON l.id = ul.locality_id`
	var args []any
	if len(users) == 1 {
		q += " WHERE ul.user_id = $1"
		args = append(args, users[0].ID)
	}
	rows, err := db.db.QueryContext(ctx, q+" ORDER BY l.name", args...)
	if err != nil {
		return fmt.Errorf("sqlstore: load user localities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l ortsplan.LocalityRef
		if err := rows.Scan(&id, &l.ID, &l.Slug, &l.Name); err != nil {
			return dbErr("load user localities", err)
		}
		if u := byID[id]; u != nil {
			u.Localities = append(u.Localities, l)
		}
	}
	return rows.Err()
}

func (db *DB) findUser(ctx context.Context, where string, arg any) (*User, error) {
	u, err := scanUser(db.db.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE "+where, arg))
	if err != nil {
		return nil, notFound(err, "find user")
	}
	if err := db.loadLocalities(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// FindUserByID returns the account with the given id.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*User, error) {
	return db.findUser(ctx, "u.id = $1", id)
}

// FindUserByEmail returns the account with the given e-mail (case-insensitive).
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	return db.findUser(ctx, "u.email = $1", ortsplan.NormalizeEmail(email))
}

// ListUsers returns every account, active ones first, by name, to admins.
func (db *DB) ListUsers(ctx context.Context) ([]*User, error) {
	if _, err := mayAct(ctx, db.db, (*User).CanManageUsers); err != nil {
		return nil, err
	}
	return db.listUsers(ctx, "")
}

// ListStaff returns the active staff accounts by name, without their e-mail
// addresses, to staff.
func (db *DB) ListStaff(ctx context.Context) ([]*User, error) {
	if _, err := mayAct(ctx, db.db, (*User).IsStaff); err != nil {
		return nil, err
	}
	us, err := db.listUsers(ctx, " WHERE u.active")
	for _, u := range us {
		u.Email = ""
	}
	return us, err
}

func (db *DB) listUsers(ctx context.Context, where string) ([]*User, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+userColumns+" FROM users u"+where+" ORDER BY u.active DESC, u.name, u.id")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list users: %w", err)
	}
	defer rows.Close()
	var users []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbErr("scan user", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return users, db.loadLocalities(ctx, users...)
}

// SetUserActive activates or deactivates an account. Deactivating ends its
// sessions; the account and its history stay. Nobody deactivates their own.
func (db *DB) SetUserActive(ctx context.Context, id int64, active bool) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		admin, err := mayAct(ctx, tx, (*User).CanManageUsers)
		if err != nil {
			return err
		}
		if err := ortsplan.CheckSetActive(admin, id, active); err != nil {
			return err
		}
		var email string
		if err := tx.QueryRowContext(ctx, "UPDATE users SET active = $1, updated_at = $2 WHERE id = $3 RETURNING email",
			active, now, id).Scan(&email); err != nil {
			return notFound(err, "set user active")
		}
		if !active {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", id); err != nil {
				return fmt.Errorf("sqlstore: end sessions: %w", err)
			}
		}
		action := "user:activate"
		if !active {
			action = "user:deactivate"
		}
		return audit(ctx, tx, now, admin.ID, action, email, "")
	})
}

// SetUserLocalities replaces the localities assigned to an account.
func (db *DB) SetUserLocalities(ctx context.Context, id int64, slugs []string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := mayAct(ctx, tx, (*User).CanManageUsers); err != nil {
			return err
		}
		var role ortsplan.Role
		if err := tx.QueryRowContext(ctx, "SELECT role FROM users WHERE id = $1", id).Scan(&role); err != nil {
			return notFound(err, "user for localities")
		}
		if role == ortsplan.RoleGroupLeader && len(slugs) > 1 {
			return ortsplan.FieldError("localities", "error.groupleader_one_locality")
		}
		if err := setUserLocalities(ctx, tx, id, slugs); err != nil {
			return err
		}
		return audit(ctx, tx, db.now(), ortsplan.UserIDFromContext(ctx), "user:localities", fmt.Sprint(id), strings.Join(slugs, ","))
	})
}

// Authenticate checks e-mail and password tried from the client address
// addr. Failures are counted per address, per account and address, and per
// account, for any e-mail typed, known or not, and ortsplan.LoginWait decides
// from the counts whether the address must wait; so the answers never tell
// whether an account exists, and guessing from one address never keeps the
// owner out from another. A try that must wait is refused before the
// password is checked, right or not, and is not counted.
func (db *DB) Authenticate(ctx context.Context, email, password, addr string) (*User, error) {
	email = ortsplan.NormalizeEmail(email)
	now := db.now()
	account, client := throttleKey("email", email), throttleKey("addr", addr)

	f, err := db.loginFailures(ctx, account, client, now)
	if err != nil {
		return nil, err
	}
	if wait := ortsplan.LoginWait(f, now); wait > 0 {
		return nil, slowed(wait)
	}

	var hash string
	var active bool
	var id int64
	err = db.db.QueryRowContext(ctx, "SELECT id, password_hash, active FROM users WHERE email = $1", email).Scan(&id, &hash, &active)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && hash == "") {
		// No account, or an invited one without a password yet: no password fits.
		hash, id = dummyHash(), 0
	} else if err != nil {
		return nil, dbErr("read user", err)
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return nil, err
	}
	if ok && id > 0 && active {
		if _, err := db.db.ExecContext(ctx, "DELETE FROM login_throttle WHERE account = $1 AND addr = $2", account, client); err != nil {
			return nil, dbErr("clear login failures", err)
		}
		return db.FindUserByID(ctx, id)
	}

	f, err = db.recordLoginFailure(ctx, account, client, now)
	if err != nil {
		return nil, err
	}
	if wait := ortsplan.LoginWait(f, now); wait > 0 {
		return nil, slowed(wait)
	}
	return nil, ortsplan.Errorf(ortsplan.EUNAUTHORIZED, "login.failed")
}

func slowed(wait time.Duration) error {
	return &ortsplan.Error{Code: ortsplan.ERATELIMIT, Key: "login.slowed", Err: &ortsplan.WaitError{Wait: wait}}
}

// throttleKey is how the login limits store an e-mail or a client address:
// a hash, so the table holds no readable address or typed text.
func throttleKey(kind, s string) string { return hashToken(kind + ":" + s) }

// loginFailures reads the counts not yet forgotten for a try on account from
// client: its pair, its address (empty account) and its account (empty addr).
func (db *DB) loginFailures(ctx context.Context, account, client string, now time.Time) (ortsplan.LoginFailures, error) {
	var f ortsplan.LoginFailures
	rows, err := db.db.QueryContext(ctx, `SELECT account, addr, failures, last_at FROM login_throttle
		WHERE expires_at > $1 AND ((account = $2 AND addr IN ($3, '')) OR (account = '' AND addr = $3))`, now, account, client)
	if err != nil {
		return f, dbErr("read login failures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, c string
		var n int
		var last time.Time
		if err := rows.Scan(&a, &c, &n, &last); err != nil {
			return f, dbErr("read login failures", err)
		}
		switch {
		case a == "":
			f.Addr, f.AddrLast = n, last
		case c == "":
			f.Account = n
		default:
			f.Pair, f.PairLast = n, last
		}
	}
	return f, dbErr("read login failures", rows.Err())
}

// recordLoginFailure counts a failure for the pair, the address and the
// account, and returns the new counts. Each count is one statement of its
// own (an atomic upsert), so processes sharing the database count every
// failure and never wait on each other's rows; expired rows are deleted
// first, so the table holds only the last hour's failures.
func (db *DB) recordLoginFailure(ctx context.Context, account, client string, now time.Time) (ortsplan.LoginFailures, error) {
	var f ortsplan.LoginFailures
	if _, err := db.db.ExecContext(ctx, "DELETE FROM login_throttle WHERE expires_at <= $1", now); err != nil {
		return f, dbErr("clear expired login failures", err)
	}
	expires := now.Add(ortsplan.LoginForget)
	for _, row := range []struct {
		account, addr string
		n             *int
	}{{account, client, &f.Pair}, {"", client, &f.Addr}, {account, "", &f.Account}} {
		err := db.db.QueryRowContext(ctx, `INSERT INTO login_throttle (account, addr, failures, last_at, expires_at) VALUES ($1, $2, 1, $3, $4)
			ON CONFLICT (account, addr) DO UPDATE SET
				failures = CASE WHEN login_throttle.expires_at <= excluded.last_at THEN 1 ELSE login_throttle.failures + 1 END,
				last_at = excluded.last_at, expires_at = excluded.expires_at
			RETURNING failures`, row.account, row.addr, now, expires).Scan(row.n)
		if err != nil {
			return f, dbErr("record login failure", err)
		}
	}
	f.AddrLast, f.PairLast = now, now
	return f, nil
}

// ChangePassword replaces the acting account's password after checking the
// old one, and ends the account's other sessions.
func (db *DB) ChangePassword(ctx context.Context, oldPassword, newPassword string) error {
	id := ortsplan.UserIDFromContext(ctx)
	if id == 0 {
		return errLoginRequired
	}
	var hash string
	if err := db.db.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = $1 AND active", id).Scan(&hash); err != nil {
		return notFound(err, "change password")
	}
	ok, err := CheckPassword(hash, oldPassword)
	if err != nil {
		return err
	}
	v := ortsplan.ValidationErrors{}
	if !ok {
		v.Add("old_password", "error.password_wrong")
	}
	if err := ortsplan.ValidatePassword(newPassword); err != nil {
		v.Add("new_password", ortsplan.ErrorKey(err))
	} else if newPassword == oldPassword {
		v.Add("new_password", "error.password_same")
	}
	if err := v.Err(); err != nil {
		return err
	}
	newHash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", newHash, now, id); err != nil {
			return fmt.Errorf("sqlstore: update password: %w", err)
		}
		if tok := ortsplan.SessionFrom(ctx); tok != "" {
			_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", id, hashToken(tok))
			if err != nil {
				return fmt.Errorf("sqlstore: end other sessions: %w", err)
			}
		}
		return audit(ctx, tx, now, id, "user:password", fmt.Sprint(id), "")
	})
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a random URL-safe token with 256 bits of entropy.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateSession starts a password session for an active user.
func (db *DB) CreateSession(ctx context.Context, userID int64) (*ortsplan.Session, error) {
	return db.StartSession(ctx, userID, ortsplan.LoginPassword)
}

// StartSession starts a session for an active user, remembering how it was
// started. Only a hash of the token is stored. A break-glass session is
// written to the audit log in the same transaction.
func (db *DB) StartSession(ctx context.Context, userID int64, method ortsplan.LoginMethod) (*ortsplan.Session, error) {
	if !method.Valid() {
		return nil, fmt.Errorf("sqlstore: start session: unknown login method %q", method)
	}
	now := db.now()
	s := &ortsplan.Session{Token: NewToken(), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// Expired sessions are cleared as new ones start, so the table stays small.
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < $1", now); err != nil {
			return fmt.Errorf("sqlstore: clear expired sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, method) VALUES ($1, $2, $3, $4, $5)",
			hashToken(s.Token), userID, s.CreatedAt, s.ExpiresAt, string(method))
		if err != nil {
			return fmt.Errorf("sqlstore: insert session: %w", err)
		}
		if method == ortsplan.LoginBreakGlass {
			return audit(ctx, tx, now, userID, "login:break-glass", "", "password login while it is off")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// UserBySession returns the active user of a live session, or EUNAUTHORIZED.
func (db *DB) UserBySession(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, ortsplan.Errorf(ortsplan.EUNAUTHORIZED, "login.required")
	}
	var u User
	err := db.db.QueryRowContext(ctx, "SELECT "+userColumns+`, s.method FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active`, hashToken(token), db.now()).Scan(&u.ID, &u.Email, &u.Name, &u.Role,
		&u.Department, &u.Active, &u.Lang, &u.PasswordSet, &u.CreatedAt, &u.UpdatedAt, &u.LoginMethod)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ortsplan.Errorf(ortsplan.EUNAUTHORIZED, "login.required")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: session user: %w", err)
	}
	return &u, db.loadLocalities(ctx, &u)
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	if _, err := db.db.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", hashToken(token)); err != nil {
		return fmt.Errorf("sqlstore: delete session: %w", err)
	}
	return nil
}

var _ ortsplan.UserService = (*DB)(nil)

// AuditLog returns a page of the audit log to admins; see ortsplan.UserService.
func (db *DB) AuditLog(ctx context.Context, before int64) ([]*ortsplan.AuditEntry, bool, error) {
	u, err := actorFor(ctx, db.db)
	if err != nil {
		return nil, false, err
	}
	if !u.CanManageUsers() {
		return nil, false, &ortsplan.Error{Code: ortsplan.EFORBIDDEN, Key: "error.forbidden", Err: fmt.Errorf("sqlstore: audit log: not an admin")}
	}
	q := `SELECT a.id, a.at, COALESCE(u.name, ''), a.action, a.subject, a.detail FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id`
	args := []any{ortsplan.AuditPageSize + 1}
	if before > 0 {
		q += " WHERE a.id < $2"
		args = append(args, before)
	}
	rows, err := db.db.QueryContext(ctx, q+" ORDER BY a.id DESC LIMIT $1", args...)
	if err != nil {
		return nil, false, dbErr("audit log", err)
	}
	defer rows.Close()
	var out []*ortsplan.AuditEntry
	for rows.Next() {
		e := &ortsplan.AuditEntry{}
		if err := rows.Scan(&e.ID, &e.At, &e.ActorName, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, false, dbErr("audit log", err)
		}
		out = append(out, e)
	}
	more := len(out) > ortsplan.AuditPageSize
	return out[:min(len(out), ortsplan.AuditPageSize)], more, rows.Err()
}
