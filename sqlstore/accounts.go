package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// The purposes of a row of password_resets: a link asked for to choose a
// new password, or the link of an invitation to choose the first one.
const (
	purposeReset  = "reset"
	purposeInvite = "invite"
)

// InviteUser validates n (which has no password), creates the account
// without a usable password and, in the same transaction, stores a one-time
// link valid for ortsplan.InvitationTTL and queues the invitation with it,
// in the account's language. Admins only; written to the audit log.
func (db *DB) InviteUser(ctx context.Context, n ortsplan.NewUser) (*User, error) {
	now := db.now()
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// Rights first: the form's errors are only for admins.
		admin, err := mayAct(ctx, tx, (*User).CanManageUsers)
		if err != nil {
			return err
		}
		if err := n.ValidateInvite(); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO users (email, name, role, department, password_hash, active, lang, created_at, updated_at)
			VALUES ($1, $2, $3, $4, '', $5, 'sv', $6, $6) RETURNING id`,
			n.Email, n.Name, string(n.Role), n.Department, true, now).Scan(&id)
		if isUniqueViolation(err) {
			return ortsplan.FieldError("email", "error.email_taken")
		} else if err != nil {
			return dbErr("insert invited user", err)
		}
		if err := setUserLocalities(ctx, tx, id, n.Localities); err != nil {
			return err
		}
		if err := db.sendLink(ctx, tx, id, purposeInvite, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, admin.ID, "user:invite", n.Email, string(n.Role))
	})
	if err != nil {
		return nil, err
	}
	return db.FindUserByID(ctx, id)
}

// ResendInvitation sends a new invitation to an active account that has not
// yet chosen its password; the links sent before stop working. Admins only;
// written to the audit log.
func (db *DB) ResendInvitation(ctx context.Context, id int64) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		admin, err := mayAct(ctx, tx, (*User).CanManageUsers)
		if err != nil {
			return err
		}
		var email, hash string
		var active bool
		if err := tx.QueryRowContext(ctx, "SELECT email, password_hash, active FROM users WHERE id = $1", id).Scan(&email, &hash, &active); err != nil {
			return notFound(err, "user to invite again")
		}
		if hash != "" {
			return ortsplan.Errorf(ortsplan.EINVALID, "admin.users.invite_has_password")
		} else if !active {
			return ortsplan.Errorf(ortsplan.EINVALID, "admin.users.invite_inactive")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL AND purpose = $3",
			now, id, purposeInvite); err != nil {
			return dbErr("spend earlier invitations", err)
		}
		if err := db.sendLink(ctx, tx, id, purposeInvite, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, admin.ID, "user:invite_resend", email, "")
	})
}

// SendPasswordReset queues, for an admin, the e-mail with a one-time link to
// choose a new password (valid PasswordResetTTL) to an active account. The
// current password keeps working until the link is used. Written to the
// audit log.
func (db *DB) SendPasswordReset(ctx context.Context, id int64) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		admin, err := mayAct(ctx, tx, (*User).CanManageUsers)
		if err != nil {
			return err
		}
		var email string
		var active bool
		if err := tx.QueryRowContext(ctx, "SELECT email, active FROM users WHERE id = $1", id).Scan(&email, &active); err != nil {
			return notFound(err, "user to reset")
		}
		if !active {
			return ortsplan.Errorf(ortsplan.EINVALID, "admin.users.reset_inactive")
		}
		if err := db.sendLink(ctx, tx, id, purposeReset, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, admin.ID, "user:reset_sent", email, "")
	})
}

// sendLink stores a new one-time link for the account and queues the e-mail
// with it: an invitation or a reset asked for by an admin.
func (db *DB) sendLink(ctx context.Context, tx *sql.Tx, userID int64, purpose string, now time.Time) error {
	ttl, kind := PasswordResetTTL, "password_reset_admin"
	if purpose == purposeInvite {
		ttl, kind = ortsplan.InvitationTTL, "invitation"
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM password_resets WHERE expires_at < $1", now); err != nil {
		return dbErr("clear expired links", err)
	}
	token := NewToken()
	if _, err := tx.ExecContext(ctx, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at, purpose) VALUES ($1, $2, $3, $4, $5)",
		hashToken(token), userID, now, now.Add(ttl), purpose); err != nil {
		return dbErr("store link", err)
	}
	if db.Composer == nil {
		return nil
	}
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", userID))
	if err != nil {
		return dbErr("read account for link", err)
	}
	msg := db.Composer.ComposeStaff(kind, u, u.Lang, db.baseURL()+"/nytt-losenord/"+token)
	if msg == nil {
		return nil
	}
	return db.enqueue(ctx, tx, msg)
}

// ManagedUser returns, to admins, the account with the id, its e-mail
// address and its localities.
func (db *DB) ManagedUser(ctx context.Context, id int64) (*User, error) {
	if _, err := mayAct(ctx, db.db, (*User).CanManageUsers); err != nil {
		return nil, err
	}
	return db.FindUserByID(ctx, id)
}

// UpdateUser changes an account's role, department and localities in one
// transaction, for admins. The rules are ortsplan's: UserUpdate.Validate and
// CheckUserUpdate (no admin demotes themself). Each change is written to the
// audit log with the old and the new value.
func (db *DB) UpdateUser(ctx context.Context, id int64, c ortsplan.UserUpdate) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		admin, err := mayAct(ctx, tx, (*User).CanManageUsers)
		if err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		old, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", id))
		if err != nil {
			return notFound(err, "user to update")
		}
		if err := ortsplan.CheckUserUpdate(admin, old, c); err != nil {
			return err
		}
		oldNames, err := localityNames(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET role = $1, department = $2, updated_at = $3 WHERE id = $4",
			string(c.Role), c.Department, now, id); err != nil {
			return dbErr("update user", err)
		}
		if err := setUserLocalities(ctx, tx, id, c.Localities); err != nil {
			return err
		}
		newNames, err := localityNames(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, ch := range []struct{ action, old, new string }{
			{"user:role", string(old.Role), string(c.Role)},
			{"user:department", old.Department, c.Department},
			{"user:localities", strings.Join(oldNames, ", "), strings.Join(newNames, ", ")},
		} {
			if ch.old == ch.new {
				continue
			}
			if err := audit(ctx, tx, now, admin.ID, ch.action, old.Email, auditChange(ch.old, ch.new)); err != nil {
				return err
			}
		}
		return nil
	})
}

// auditChange writes an old and a new value for the audit log; "–" stands for nothing.
func auditChange(old, new string) string {
	if old == "" {
		old = "–"
	}
	if new == "" {
		new = "–"
	}
	return old + " → " + new
}

// localityNames returns the names of an account's localities in order.
func localityNames(ctx context.Context, tx *sql.Tx, userID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.name FROM user_localities ul JOIN localities l ON l.id = ul.locality_id
		WHERE ul.user_id = $1`, userID)
	if err != nil {
		return nil, dbErr("read user localities", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, dbErr("read user localities", err)
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return names, dbErr("read user localities", rows.Err())
}
