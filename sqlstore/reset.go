package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"github.com/ortsplan/ortsplan"
)

// PasswordResetTTL is how long a link to choose a new password works.
const PasswordResetTTL = 30 * time.Minute

// MaxLiveResets is how many unspent reset links an account may have at once;
// further requests send nothing until one is spent or expires, so nobody can
// fill a staff member's inbox.
const MaxLiveResets = 3

// errResetInvalid is the one answer for a reset link that is unknown, spent,
// expired or whose account is deactivated.
var errResetInvalid = ortsplan.Errorf(ortsplan.EUNAUTHORIZED, "password_reset.link_invalid")

// RequestPasswordReset stores a one-time token for the active account with
// the e-mail and queues the e-mail with the link. For an unknown or
// deactivated address, or one that already has MaxLiveResets live links, it
// does nothing and answers the same.
func (db *DB) RequestPasswordReset(ctx context.Context, email, lang string) error {
	email = ortsplan.NormalizeEmail(email)
	if email == "" {
		return ortsplan.FieldError("email", "error.email_required")
	} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return ortsplan.FieldError("email", "error.email_invalid")
	}
	now := db.now()
	token := NewToken()
	return db.tx(ctx, func(tx *sql.Tx) error {
		// Expired links are cleared as new ones are asked for, so the table stays small.
		if _, err := tx.ExecContext(ctx, "DELETE FROM password_resets WHERE expires_at < $1", now); err != nil {
			return dbErr("clear expired reset links", err)
		}
		u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.email = $1 AND u.active", email))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return dbErr("find account for reset", err)
		}
		var live int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2 AND purpose = 'reset'",
			u.ID, now).Scan(&live); err != nil {
			return dbErr("count reset links", err)
		}
		if live >= MaxLiveResets {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
			hashToken(token), u.ID, now, now.Add(PasswordResetTTL)); err != nil {
			return dbErr("store reset link", err)
		}
		if db.Composer == nil {
			return nil
		}
		msg := db.Composer.ComposeStaff("password_reset", u, lang, db.baseURL()+"/nytt-losenord/"+token)
		if msg == nil {
			return nil
		}
		return db.enqueue(ctx, tx, msg)
	})
}

// CheckPasswordReset reports whether the link works: not spent, not expired,
// and its account active; and whether it is an invitation. It spends nothing.
func (db *DB) CheckPasswordReset(ctx context.Context, token string) (invitation bool, err error) {
	var purpose string
	err = db.db.QueryRowContext(ctx, `SELECT r.purpose FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.active`, hashToken(token), db.now()).Scan(&purpose)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errResetInvalid
	}
	return purpose == purposeInvite, dbErr("check reset link", err)
}

// ResetPassword spends the link and sets its account's password, in one
// transaction: the account's sessions end, its other links are spent, its
// login limits are cleared (every address's count for it), and the change is
// written to the audit log. A new password that is too short or too long
// leaves the link unspent.
func (db *DB) ResetPassword(ctx context.Context, token, newPassword string) error {
	if err := ortsplan.ValidatePassword(newPassword); err != nil {
		return ortsplan.FieldError("new_password", ortsplan.ErrorKey(err))
	}
	// A link that does not work costs no password hashing.
	if _, err := db.CheckPasswordReset(ctx, token); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return fmt.Errorf("sqlstore: hash password: %w", err)
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var purpose string
		err := tx.QueryRowContext(ctx, `UPDATE password_resets SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id, purpose`, now, hashToken(token)).Scan(&id, &purpose)
		if errors.Is(err, sql.ErrNoRows) {
			return errResetInvalid
		} else if err != nil {
			return dbErr("spend reset link", err)
		}
		var email string
		err = tx.QueryRowContext(ctx, "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND active RETURNING email",
			hash, now, id).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return errResetInvalid // deactivated since the link was sent
		} else if err != nil {
			return dbErr("set password", err)
		}
		for _, q := range []struct {
			what, sql string
			args      []any
		}{
			{"end sessions", "DELETE FROM sessions WHERE user_id = $1", []any{id}},
			{"spend other reset links", "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL", []any{now, id}},
			{"clear login failures", "DELETE FROM login_throttle WHERE account = $1", []any{throttleKey("email", email)}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return dbErr(q.what, err)
			}
		}
		action := "user:password_reset"
		if purpose == purposeInvite {
			action = "user:password_chosen" // the invitation's link: the account's first password
		}
		return audit(ctx, tx, now, id, action, email, "")
	})
}
