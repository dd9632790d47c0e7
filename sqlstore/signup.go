package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// CreateSignUp stores a sign-up and, in the same transaction, queues the
// confirmation to the person and a notice to whoever should answer: the
// contact of a chosen group, else the locality's contact people.
func (db *DB) CreateSignUp(ctx context.Context, s *ortsplan.SignUp) error {
	if err := s.Validate(true); err != nil {
		return err
	}
	interests, err := json.Marshal(s.Interests)
	if err != nil {
		return err
	}
	if s.Lang == "" {
		s.Lang = "sv"
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT slug, name FROM localities WHERE id = $1", s.LocalityID).Scan(&s.LocalitySlug, &s.LocalityName)
		if errors.Is(err, sql.ErrNoRows) {
			return ortsplan.FieldError("locality", "error.choose_from_list")
		} else if err != nil {
			return dbErr("sign-up locality", err)
		}
		s.Status = ortsplan.SignUpNew
		receipt := NewToken()
		err = tx.QueryRowContext(ctx, `INSERT INTO signups (locality_id, name, email, phone, interests, age_group, message, show_name, lang, status,
			receipt_hash, receipt_expires, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			s.LocalityID, s.Name, s.Email, s.Phone, string(interests), s.AgeGroup, s.Message, s.ShowName, s.Lang, string(s.Status),
			hashToken(receipt), now.Add(ortsplan.ReceiptValidFor), now).Scan(&s.ID)
		if err != nil {
			return dbErr("insert sign-up", err)
		}
		s.CreatedAt, s.UpdatedAt, s.Receipt = now, now, receipt
		if db.Composer == nil {
			return nil
		}
		if s.Email != "" {
			if msg := db.Composer.ComposeSignUp("signup_confirm", s, nil, nil); msg != nil {
				if err := db.enqueue(ctx, tx, msg); err != nil {
					return err
				}
			}
		}
		to, err := signUpRecipients(ctx, tx, s)
		if err != nil {
			return err
		}
		for _, u := range to {
			if msg := db.Composer.ComposeSignUp("signup_notice", s, u, nil); msg != nil {
				if err := db.enqueue(ctx, tx, msg); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// SignUpReceipt returns the sign-up whose receipt this is, while it is
// valid, with the people it was sent to. The receipt is the only key: it
// was handed to the browser that sent the sign-up, and is kept as a hash.
func (db *DB) SignUpReceipt(ctx context.Context, receipt string) (*ortsplan.SignUpReceipt, error) {
	if receipt == "" || len(receipt) > 100 {
		return nil, ortsplan.Errorf(ortsplan.ENOTFOUND, "error.not_found")
	}
	var out *ortsplan.SignUpReceipt
	err := db.tx(ctx, func(tx *sql.Tx) error {
		su, err := scanSignUp(tx.QueryRowContext(ctx, "SELECT "+signUpColumns+signUpFrom+
			" WHERE s.receipt_hash = $1 AND s.receipt_expires > $2 AND NOT s.anonymised", hashToken(receipt), db.now()))
		if errors.Is(err, sql.ErrNoRows) {
			return ortsplan.Errorf(ortsplan.ENOTFOUND, "error.not_found")
		} else if err != nil {
			return dbErr("sign-up receipt", err)
		}
		to, err := signUpRecipients(ctx, tx, su)
		if err != nil {
			return err
		}
		out = &ortsplan.SignUpReceipt{SignUp: su, AnswerBy: su.CreatedAt.Add(ortsplan.SignUpWaitLimit)}
		for _, u := range to {
			out.Contacts = append(out.Contacts, &ortsplan.Contact{UserID: u.ID, Name: u.Name})
		}
		return nil
	})
	return out, err
}

// signUpRecipients are the active contacts of the groups the person chose,
// or else the locality's contact people.
func signUpRecipients(ctx context.Context, tx *sql.Tx, s *ortsplan.SignUp) ([]*ortsplan.User, error) {
	var slugs []string
	for _, in := range s.Interests {
		if slug, ok := strings.CutPrefix(in, "group:"); ok {
			slugs = append(slugs, slug)
		}
	}
	q := `SELECT DISTINCT u.id, u.email, u.name, u.lang FROM locality_contacts c JOIN users u ON u.id = c.user_id
		WHERE c.locality_id = $1 AND u.active`
	args := []any{s.LocalityID}
	if len(slugs) > 0 {
		var ph []string
		for _, slug := range slugs {
			args = append(args, slug)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		q = `SELECT DISTINCT u.id, u.email, u.name, u.lang FROM working_groups g JOIN users u ON u.id = g.contact_user_id
			WHERE g.locality_id = $1 AND u.active AND g.slug IN (` + strings.Join(ph, ", ") + `)`
	}
	users, err := scanRecipients(ctx, tx, q, args...)
	if err != nil || len(users) > 0 || len(slugs) == 0 {
		return users, err
	}
	// The chosen groups have no contact: fall back to the locality's contacts.
	return scanRecipients(ctx, tx, `SELECT DISTINCT u.id, u.email, u.name, u.lang FROM locality_contacts c JOIN users u ON u.id = c.user_id
		WHERE c.locality_id = $1 AND u.active`, s.LocalityID)
}

func scanRecipients(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]*ortsplan.User, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: sign-up recipients: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.User
	for rows.Next() {
		var u ortsplan.User
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Lang); err != nil {
			return nil, dbErr("recipients", err)
		}
		out = append(out, &u)
	}
	return out, rows.Err()
}

const signUpColumns = `s.id, s.locality_id, l.slug, l.name, s.name, s.email, s.phone, s.interests, s.age_group, s.message, s.show_name,
	s.lang, s.status, COALESCE(s.handler_id, 0), COALESCE(u.name, ''), s.notes, COALESCE(s.group_id, 0), COALESCE(g.name, ''),
	s.anonymised, s.created_at, s.updated_at`

const signUpFrom = ` FROM signups s JOIN localities l ON l.id = s.locality_id LEFT JOIN users u ON u.id = s.handler_id
	LEFT JOIN working_groups g ON g.id = s.group_id`

func scanSignUp(row interface{ Scan(...any) error }) (*ortsplan.SignUp, error) {
	var s ortsplan.SignUp
	var interests string
	err := row.Scan(&s.ID, &s.LocalityID, &s.LocalitySlug, &s.LocalityName, &s.Name, &s.Email, &s.Phone, &interests, &s.AgeGroup,
		&s.Message, &s.ShowName, &s.Lang, &s.Status, &s.HandlerID, &s.HandlerName, &s.Notes, &s.GroupID, &s.GroupName,
		&s.Anonymised, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(interests), &s.Interests); err != nil {
		return nil, fmt.Errorf("sqlstore: sign-up %d interests: %w", s.ID, err)
	}
	return &s, nil
}

// SignUps lists sign-ups oldest first within the filter and the localities
// the acting account may edit, so the longest waiting come first.
func (db *DB) SignUps(ctx context.Context, f ortsplan.SignUpFilter) ([]*ortsplan.SignUp, error) {
	u, err := actorFor(ctx, db.db)
	if err != nil {
		return nil, err
	}
	all, mine := u.EditableLocalities()
	ids := f.LocalityIDs
	if !all {
		if ids == nil {
			ids = mine
		} else {
			ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return !slices.Contains(mine, id) })
		}
	}
	var where []string
	var args []any
	if ids != nil {
		if len(ids) == 0 {
			return nil, nil
		}
		where = append(where, "s.locality_id IN ("+placeholders(len(ids), 1)+")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, fmt.Sprintf("s.status = $%d", len(args)))
	}
	q := "SELECT " + signUpColumns + signUpFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.db.QueryContext(ctx, q+" ORDER BY s.created_at, s.id", args...)
	if err != nil {
		return nil, dbErr("sign-ups", err)
	}
	defer rows.Close()
	var out []*ortsplan.SignUp
	for rows.Next() {
		s, err := scanSignUp(rows)
		if err != nil {
			return nil, dbErr("sign-ups", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSignUp returns one sign-up to those who may edit its locality; to
// anyone else it does not exist.
func (db *DB) FindSignUp(ctx context.Context, id int64) (*ortsplan.SignUp, error) {
	s, err := scanSignUp(db.db.QueryRowContext(ctx, "SELECT "+signUpColumns+signUpFrom+" WHERE s.id = $1", id))
	if err != nil {
		return nil, notFound(err, "find sign-up")
	}
	if ok, err := db.canRead(ctx, s.LocalityID); err != nil {
		return nil, err
	} else if !ok {
		return nil, notFound(sql.ErrNoRows, "find sign-up")
	}
	return s, nil
}

// UpdateSignUp records a staff member's handling. Joining a group (status
// "med") adds the person to it, with their name public only by their consent.
// The handler must be staff who may edit the sign-up's locality, and the
// group one of its groups.
func (db *DB) UpdateSignUp(ctx context.Context, u ortsplan.SignUpUpdate) error {
	v := ortsplan.ValidationErrors{}
	if !slices.Contains(ortsplan.SignUpStatuses, u.Status) {
		v.Add("status", "error.choose_from_list")
	}
	if len([]rune(u.Notes)) > 5000 {
		v.Add("notes", "error.too_long")
	}
	if u.Status == ortsplan.SignUpJoined && u.GroupID == 0 {
		v.Add("group", "error.group_required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var localityID int64
		if err := tx.QueryRowContext(ctx, "SELECT locality_id FROM signups WHERE id = $1", u.ID).Scan(&localityID); err != nil {
			return notFound(err, "update sign-up")
		}
		if err := mayEdit(ctx, tx, localityID); err != nil {
			if ortsplan.ErrorCode(err) == ortsplan.EFORBIDDEN {
				return notFound(sql.ErrNoRows, "update sign-up") // personal data: to others it does not exist
			}
			return err
		}
		s, err := scanSignUp(tx.QueryRowContext(ctx, "SELECT "+signUpColumns+signUpFrom+" WHERE s.id = $1", u.ID))
		if err != nil {
			return notFound(err, "update sign-up")
		}
		if s.Anonymised {
			return ortsplan.Errorf(ortsplan.EINVALID, "error.signup_anonymised")
		}
		var group, handler any
		if u.GroupID > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM working_groups WHERE id = $1 AND locality_id = $2", u.GroupID, s.LocalityID).Scan(&n); err != nil {
				return dbErr("sign-up group", err)
			}
			if n == 0 {
				return ortsplan.FieldError("group", "error.choose_from_list")
			}
			group = u.GroupID
		}
		if u.HandlerID > 0 {
			h, err := staffRights(ctx, tx, u.HandlerID)
			if ortsplan.ErrorCode(err) == ortsplan.EUNAUTHORIZED || err == nil && !h.CanEditLocality(s.LocalityID) {
				return ortsplan.FieldError("handler", "error.choose_from_list")
			} else if err != nil {
				return err
			}
			handler = u.HandlerID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = $1, handler_id = $2, notes = $3, group_id = $4, updated_at = $5 WHERE id = $6`,
			string(u.Status), handler, u.Notes, group, now, u.ID); err != nil {
			return dbErr("update sign-up", err)
		}
		if u.Status == ortsplan.SignUpJoined && u.GroupID != s.GroupID {
			if _, err := tx.ExecContext(ctx, `INSERT INTO group_members (group_id, name, email, phone, show_name, joined_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, u.GroupID, s.Name, s.Email, s.Phone, s.ShowName, now); err != nil {
				return dbErr("add member from sign-up", err)
			}
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "signup:update", fmt.Sprint(u.ID), string(u.Status))
	})
}

// claimJob records a run of a periodic job unless one ran after since; it
// reports whether this caller may run it. Safe with several processes.
func claimJob(ctx context.Context, tx *sql.Tx, name string, now, since time.Time) (bool, error) {
	var got string
	err := tx.QueryRowContext(ctx, `INSERT INTO job_runs (name, last_at) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET last_at = excluded.last_at WHERE job_runs.last_at < $3 RETURNING name`, name, now, since).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, dbErr("claim job "+name, err)
}

// SendSignUpReminder queues the weekly reminder about waiting sign-ups to
// every active coordinator (or, without one, every admin).
func (db *DB) SendSignUpReminder(ctx context.Context, baseURL string) (int, error) {
	now := db.now()
	queued := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		ok, err := claimJob(ctx, tx, "signup_reminder", now, now.Add(-ortsplan.SignUpWaitLimit))
		if err != nil || !ok {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+signUpColumns+signUpFrom+` WHERE s.status = $1 AND s.created_at < $2 AND NOT s.anonymised
			ORDER BY s.created_at`, string(ortsplan.SignUpNew), now.Add(-ortsplan.SignUpWaitLimit))
		if err != nil {
			return fmt.Errorf("sqlstore: waiting sign-ups: %w", err)
		}
		var waiting []*ortsplan.SignUp
		for rows.Next() {
			s, err := scanSignUp(rows)
			if err != nil {
				rows.Close()
				return err
			}
			waiting = append(waiting, s)
		}
		rows.Close()
		if len(waiting) == 0 || db.Composer == nil {
			return nil
		}
		to, err := scanRecipients(ctx, tx, `SELECT id, email, name, lang FROM users WHERE active AND role = 'coordinator'`)
		if err == nil && len(to) == 0 {
			to, err = scanRecipients(ctx, tx, `SELECT id, email, name, lang FROM users WHERE active AND role = 'admin'`)
		}
		if err != nil {
			return err
		}
		for _, u := range to {
			if msg := db.Composer.ComposeSignUp("signup_reminder", nil, u, waiting); msg != nil {
				if err := db.enqueue(ctx, tx, msg); err != nil {
					return err
				}
				queued++
			}
		}
		return nil
	})
	return queued, err
}

// AnonymiseSignUps clears the personal data of old sign-ups that never led to
// group membership. The age group and interests stay, for statistics.
func (db *DB) AnonymiseSignUps(ctx context.Context, before time.Time) (int, error) {
	now := db.now()
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE signups SET name = '', email = '', phone = '', message = '', notes = '', anonymised = $1, updated_at = $2
			WHERE created_at < $3 AND status <> $4 AND NOT anonymised`, true, now, before.UTC(), string(ortsplan.SignUpJoined))
		if err != nil {
			return fmt.Errorf("sqlstore: anonymise sign-ups: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return dbErr("anonymise sign-ups", err)
		}
		if n > 0 {
			return audit(ctx, tx, now, 0, "signup:anonymise", fmt.Sprint(n), before.UTC().Format(time.RFC3339))
		}
		return nil
	})
	return int(n), err
}

var _ ortsplan.SignUpService = (*DB)(nil)

// ClaimOnce records that the named one-time task (such as loading the demo)
// is taken and reports whether this caller took it. Of any number of
// processes asking at once, exactly one gets true, ever.
func (db *DB) ClaimOnce(ctx context.Context, name string) (bool, error) {
	if !ortsplan.IsSystem(ctx) {
		return false, &ortsplan.Error{Code: ortsplan.EFORBIDDEN, Key: "error.forbidden", Err: fmt.Errorf("sqlstore: claim %s: not the system", name)}
	}
	var got string
	err := db.db.QueryRowContext(ctx, `INSERT INTO job_runs (name, last_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING name`,
		"once:"+name, db.now()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, dbErr("claim "+name, err)
}
