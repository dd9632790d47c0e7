package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ortsplan/ortsplan"
)

// LoginOIDC finds or creates the staff account the identity provider vouched
// for, linked by the sub claim. The first login may link an account with the
// same e-mail when l.MatchEmail is set; otherwise such an account is left
// alone and the person is refused. A login without a role (no claim value
// maps), or to a deactivated account, is refused: deactivation in Ortsplan
// wins over the provider. Every login and refusal is written to the audit
// log, and each login sets the role and localities the claims map to.
func (db *DB) LoginOIDC(ctx context.Context, l ortsplan.OIDCLogin) (*User, error) {
	email := ortsplan.NormalizeEmail(l.Email)
	now := db.now()
	var id int64
	var refused string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		refuse := func(reason string) error {
			refused = reason
			return audit(ctx, tx, now, id, "oidc:refused", l.Subject, reason+" "+email)
		}
		if l.Subject == "" {
			return refuse("no_subject")
		}
		var active bool
		err := tx.QueryRowContext(ctx, "SELECT id, active FROM users WHERE oidc_subject = $1", l.Subject).Scan(&id, &active)
		if errors.Is(err, sql.ErrNoRows) && l.MatchEmail && email != "" {
			err = tx.QueryRowContext(ctx, "SELECT id, active FROM users WHERE email = $1 AND oidc_subject IS NULL", email).Scan(&id, &active)
			if err == nil {
				if _, err := tx.ExecContext(ctx, "UPDATE users SET oidc_subject = $1 WHERE id = $2", l.Subject, id); err != nil {
					return dbErr("link oidc subject", err)
				}
			}
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if l.Role == "" {
				return refuse("unmapped")
			}
			if email == "" {
				return refuse("no_email")
			}
			var taken bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)", email).Scan(&taken); err != nil {
				return dbErr("check oidc email", err)
			} else if taken {
				return refuse("email_taken")
			}
			name := l.Name
			if name == "" {
				name = email
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, role, department, password_hash, active, lang, oidc_subject, created_at, updated_at)
				VALUES ($1, $2, $3, '', '', $4, 'sv', $5, $6, $6) RETURNING id`,
				email, name, string(l.Role), true, l.Subject, now).Scan(&id)
			if err != nil {
				return dbErr("insert oidc user", err)
			}
		case err != nil:
			return dbErr("find oidc user", err)
		case !active:
			return refuse("deactivated")
		case l.Role == "":
			return refuse("unmapped")
		default:
			if _, err := tx.ExecContext(ctx, "UPDATE users SET role = $1, updated_at = $2 WHERE id = $3", string(l.Role), now, id); err != nil {
				return dbErr("update oidc user", err)
			}
		}
		if err := setUserLocalities(ctx, tx, id, l.Localities); err != nil {
			return err
		}
		return audit(ctx, tx, now, id, "oidc:login", l.Subject, string(l.Role))
	})
	if err != nil {
		return nil, err
	}
	if refused != "" {
		return nil, ortsplan.Errorf(ortsplan.EFORBIDDEN, oidcRefusals[refused])
	}
	return db.FindUserByID(ctx, id)
}

// oidcRefusals are the messages of LoginOIDC's refusals, by reason.
var oidcRefusals = map[string]string{
	"no_subject":  "oidc.refused_no_subject",
	"unmapped":    "oidc.refused_unmapped",
	"no_email":    "oidc.refused_no_email",
	"email_taken": "oidc.refused_email_taken",
	"deactivated": "oidc.refused_deactivated",
}
