package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// Quickfix grants. Every step loads the quickfix in its transaction, takes
// the locality from the row and checks the actor there: the applicant (the
// resident who applied) amends and reports, staff who may decide the
// locality decide and record payments. A grant takes the year's budget rows
// first (SELECT … FOR UPDATE on PostgreSQL; SQLite's write transaction is
// already exclusive), checks the remainder with QuickfixBudget.CheckGrant
// and adds the amount in the same transaction, so two grants at once can
// never take the budget below zero; the table's CHECK stands behind it.

const quickfixColumns = `q.id, q.locality_id, l.slug, l.name, COALESCE(q.resident_id, 0), q.kind, q.organisation, q.title, q.place,
	q.description, q.cost, q.own_effort, q.status, q.amount, COALESCE(q.budget_year, 0), q.reason, COALESCE(u.name, ''), q.decided_at,
	q.report, q.reported_at, q.paid_on, q.paid_amount, q.created_at, q.updated_at`

const quickfixFrom = ` FROM quickfixes q JOIN localities l ON l.id = q.locality_id LEFT JOIN users u ON u.id = q.decided_by`

func scanQuickfix(row interface{ Scan(...any) error }) (*ortsplan.Quickfix, error) {
	var q ortsplan.Quickfix
	var decided, reported sql.NullTime
	err := row.Scan(&q.ID, &q.LocalityID, &q.LocalitySlug, &q.LocalityName, &q.ResidentID, &q.Kind, &q.Organisation, &q.Title, &q.Place,
		&q.Description, &q.Cost, &q.OwnEffort, &q.Status, &q.Amount, &q.BudgetYear, &q.Reason, &q.DecidedBy, &decided,
		&q.Report, &reported, dateCol{&q.PaidOn}, &q.PaidAmount, &q.CreatedAt, &q.UpdatedAt)
	if err != nil {
		return nil, err
	}
	q.DecidedAt, q.ReportedAt = decided.Time, reported.Time
	return &q, nil
}

// loadQuickfix reads a quickfix in a transaction.
func loadQuickfix(ctx context.Context, q querier, id int64) (*ortsplan.Quickfix, error) {
	qf, err := scanQuickfix(q.QueryRowContext(ctx, "SELECT "+quickfixColumns+quickfixFrom+" WHERE q.id = $1", id))
	if err != nil {
		return nil, notFound(err, "quickfix")
	}
	return qf, nil
}

var errQuickfixVerified = &ortsplan.Error{Code: ortsplan.EFORBIDDEN, Key: "quickfix.verified_required"}

// applicant returns the acting resident, who must be the quickfix's applicant.
func applicant(ctx context.Context, tx querier, qf *ortsplan.Quickfix) (*ortsplan.Resident, error) {
	res, err := resident(ctx, tx)
	if err != nil {
		return nil, err
	}
	if qf.ResidentID == 0 || res.ID != qf.ResidentID {
		return nil, errForbidden
	}
	return res, nil
}

// mayDecideQuickfix checks the acting staff account's right to decide the locality's quickfixes.
func mayDecideQuickfix(ctx context.Context, q querier, localityID int64) (*ortsplan.User, error) {
	u, err := actorFor(ctx, q)
	if err != nil {
		return nil, err
	}
	if !u.CanDecideQuickfix(localityID) {
		return nil, errForbidden
	}
	return u, nil
}

// addQuickfixPhotos stores photos with a quickfix, within MaxQuickfixPhotos in all.
func addQuickfixPhotos(ctx context.Context, tx *sql.Tx, id int64, photos []ortsplan.QuickfixPhoto, report bool, now time.Time) error {
	if len(photos) == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM quickfix_photos WHERE quickfix_id = $1", id).Scan(&n); err != nil {
		return dbErr("count quickfix photos", err)
	}
	if n+len(photos) > ortsplan.MaxQuickfixPhotos {
		return ortsplan.FieldError("photo_file", "quickfix.too_many_photos")
	}
	for _, p := range photos {
		v := ortsplan.ValidationErrors{}
		ortsplan.CheckAlt(v, "photo_alt", p.Alt)
		if err := v.Err(); err != nil {
			return err
		}
		vj, err := json.Marshal(p.Variants)
		if err != nil {
			return fmt.Errorf("sqlstore: quickfix photo: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO quickfix_photos (quickfix_id, report, alt, variants, created_at) VALUES ($1, $2, $3, $4, $5)`,
			id, report, strings.TrimSpace(p.Alt), string(vj), now); err != nil {
			return dbErr("store quickfix photo", err)
		}
	}
	return nil
}

// quickfixEvent records one step of a quickfix's history.
func quickfixEvent(ctx context.Context, tx *sql.Tx, id int64, st ortsplan.QuickfixStatus, amount int64, body string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO quickfix_events (quickfix_id, status, actor_id, amount, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, string(st), actorArg(ctx), amount, body, now)
	return dbErr("quickfix event", err)
}

// ApplyQuickfix stores the acting resident's application, with its photos.
// Where RequireVerifiedQuickfix is set, only a resident with a verified
// identity may apply.
func (db *DB) ApplyQuickfix(ctx context.Context, q *ortsplan.Quickfix) error {
	if err := q.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := resident(ctx, tx)
		if err != nil {
			return err
		}
		if !res.MayApplyQuickfix(db.RequireVerifiedQuickfix) {
			return errQuickfixVerified
		}
		var loc int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", q.LocalityID).Scan(&loc); err != nil {
			return notFound(err, "quickfix locality")
		}
		q.ResidentID, q.Status = res.ID, ortsplan.QuickfixApplied
		err = tx.QueryRowContext(ctx, `INSERT INTO quickfixes (locality_id, resident_id, kind, organisation, title, place, description, cost,
			own_effort, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			q.LocalityID, res.ID, string(q.Kind), q.Organisation, q.Title, q.Place, q.Description, q.Cost, q.OwnEffort,
			string(q.Status), now).Scan(&q.ID)
		if err != nil {
			return dbErr("apply for quickfix", err)
		}
		q.CreatedAt, q.UpdatedAt = now, now
		if err := addQuickfixPhotos(ctx, tx, q.ID, q.Photos, false, now); err != nil {
			return err
		}
		return quickfixEvent(ctx, tx, q.ID, ortsplan.QuickfixApplied, q.Cost, "", now)
	})
}

// AmendQuickfix changes the application after a komplettering and sends it
// back for a decision.
func (db *DB) AmendQuickfix(ctx context.Context, q *ortsplan.Quickfix) error {
	if err := q.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := loadQuickfix(ctx, tx, q.ID)
		if err != nil {
			return err
		}
		if _, err := applicant(ctx, tx, old); err != nil {
			return err
		}
		if err := ortsplan.CheckQuickfixStep(old.Status, ortsplan.QuickfixApplied, ortsplan.QuickfixByApplicant); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE quickfixes SET kind = $1, organisation = $2, title = $3, place = $4, description = $5, cost = $6,
			own_effort = $7, status = $8, updated_at = $9 WHERE id = $10 AND status = $11`,
			string(q.Kind), q.Organisation, q.Title, q.Place, q.Description, q.Cost, q.OwnEffort, string(ortsplan.QuickfixApplied), now,
			q.ID, string(old.Status))
		if err := oneRow(res, err, "amend quickfix"); err != nil {
			return err
		}
		if err := addQuickfixPhotos(ctx, tx, q.ID, q.Photos, false, now); err != nil {
			return err
		}
		return quickfixEvent(ctx, tx, q.ID, ortsplan.QuickfixApplied, q.Cost, "", now)
	})
}

var errQuickfixChanged = &ortsplan.Error{Code: ortsplan.ECONFLICT, Key: "quickfix.step_not_allowed"}

// oneRow checks that an UPDATE guarded by the status it read changed the
// row: another step taken at the same time makes it change none.
func oneRow(res sql.Result, err error, op string) error {
	if err != nil {
		return dbErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbErr(op, err)
	} else if n != 1 {
		return errQuickfixChanged
	}
	return nil
}

// lockBudgets reads the year's budget rows a grant in the locality takes
// from, locked until the transaction ends: the municipality's (required)
// first, then the locality's share if it has one, always in that order.
func (db *DB) lockBudgets(ctx context.Context, tx *sql.Tx, year int, localityID int64) ([]*ortsplan.QuickfixBudget, []int64, error) {
	var out []*ortsplan.QuickfixBudget
	var ids []int64
	for _, scope := range []int64{0, localityID} {
		q := "SELECT id, amount, granted FROM quickfix_budgets WHERE year = $1 AND locality_id IS NULL"
		args := []any{year}
		if scope > 0 {
			q = "SELECT id, amount, granted FROM quickfix_budgets WHERE year = $1 AND locality_id = $2"
			args = append(args, scope)
		}
		b := &ortsplan.QuickfixBudget{Year: year, LocalityID: scope}
		var id int64
		err := tx.QueryRowContext(ctx, q+db.forUpdate(), args...).Scan(&id, &b.Amount, &b.Granted)
		switch {
		case errors.Is(err, sql.ErrNoRows) && scope == 0:
			return nil, nil, ortsplan.FieldError("amount", "quickfix.no_budget")
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return nil, nil, dbErr("lock quickfix budget", err)
		}
		out, ids = append(out, b), append(ids, id)
	}
	return out, ids, nil
}

// DecideQuickfix records staff's decision. A grant locks the year's budgets
// before anything else is written, checks that the amount fits in each
// and adds it, all in the transaction. The applicant is e-mailed through
// the outbox in the same transaction.
func (db *DB) DecideQuickfix(ctx context.Context, d ortsplan.QuickfixDecision) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		qf, err := loadQuickfix(ctx, tx, d.QuickfixID)
		if err != nil {
			return err
		}
		if _, err := mayDecideQuickfix(ctx, tx, qf.LocalityID); err != nil {
			return err
		}
		if err := ortsplan.CheckQuickfixStep(qf.Status, d.Status, ortsplan.QuickfixByStaff); err != nil && ortsplan.ErrorCode(d.Validate(qf.Cost)) == "" {
			return err
		}
		if err := d.Validate(qf.Cost); err != nil {
			return err
		}
		var year any
		if d.Status == ortsplan.QuickfixGranted {
			y := now.In(i18n.Stockholm()).Year()
			budgets, ids, err := db.lockBudgets(ctx, tx, y, qf.LocalityID)
			if err != nil {
				return err
			}
			for _, b := range budgets {
				if err := b.CheckGrant(d.Amount); err != nil {
					return err
				}
			}
			for _, id := range ids {
				if _, err := tx.ExecContext(ctx, "UPDATE quickfix_budgets SET granted = granted + $1, updated_at = $2 WHERE id = $3", d.Amount, now, id); err != nil {
					return dbErr("take from quickfix budget", err)
				}
			}
			year = y
		}
		res, err := tx.ExecContext(ctx, `UPDATE quickfixes SET status = $1, public = $2, amount = $3, budget_year = $4, reason = $5,
			decided_by = $6, decided_at = $7, updated_at = $7 WHERE id = $8 AND status = $9`,
			string(d.Status), d.Status.Public(), d.Amount, year, d.Reason, actorArg(ctx), now, qf.ID, string(qf.Status))
		if err := oneRow(res, err, "decide quickfix"); err != nil {
			return err
		}
		if err := quickfixEvent(ctx, tx, qf.ID, d.Status, d.Amount, d.Reason, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "quickfix:decide", strconv.FormatInt(qf.ID, 10),
			fmt.Sprintf("%s %d", d.Status, d.Amount)); err != nil {
			return err
		}
		qf.Status, qf.Amount, qf.Reason = d.Status, d.Amount, d.Reason
		return db.tellApplicant(ctx, tx, qf)
	})
}

// tellApplicant queues the e-mail about a decision to the applicant, if
// the account is still there.
func (db *DB) tellApplicant(ctx context.Context, tx *sql.Tx, qf *ortsplan.Quickfix) error {
	if db.Composer == nil || qf.ResidentID == 0 {
		return nil
	}
	var email, name, lang string
	err := tx.QueryRowContext(ctx, "SELECT email, name, lang FROM residents WHERE id = $1 AND deleted_at IS NULL", qf.ResidentID).Scan(&email, &name, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return dbErr("quickfix applicant", err)
	}
	if msg := db.Composer.ComposeQuickfix(email, name, lang, qf, db.baseURL()+"/quickfix/"+strconv.FormatInt(qf.ID, 10)); msg != nil {
		return db.enqueue(ctx, tx, msg)
	}
	return nil
}

// ReportQuickfix records the applicant's report of granted work.
func (db *DB) ReportQuickfix(ctx context.Context, id int64, report string, photos []ortsplan.QuickfixPhoto) error {
	report = strings.TrimSpace(report)
	v := ortsplan.ValidationErrors{}
	if report == "" {
		v.Add("report", "error.required")
	} else if len([]rune(report)) > 5000 {
		v.Add("report", "error.too_long")
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		qf, err := loadQuickfix(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := applicant(ctx, tx, qf); err != nil {
			return err
		}
		if err := ortsplan.CheckQuickfixStep(qf.Status, ortsplan.QuickfixReported, ortsplan.QuickfixByApplicant); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE quickfixes SET status = $1, public = $2, report = $3, reported_at = $4, updated_at = $4
			WHERE id = $5 AND status = $6`, string(ortsplan.QuickfixReported), true, report, now, id, string(qf.Status))
		if err := oneRow(res, err, "report quickfix"); err != nil {
			return err
		}
		if err := addQuickfixPhotos(ctx, tx, id, photos, true, now); err != nil {
			return err
		}
		return quickfixEvent(ctx, tx, id, ortsplan.QuickfixReported, 0, "", now)
	})
}

// RecordQuickfixPayment records the payment of reported work.
func (db *DB) RecordQuickfixPayment(ctx context.Context, p ortsplan.QuickfixPayment) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		qf, err := loadQuickfix(ctx, tx, p.QuickfixID)
		if err != nil {
			return err
		}
		if _, err := mayDecideQuickfix(ctx, tx, qf.LocalityID); err != nil {
			return err
		}
		if err := ortsplan.CheckQuickfixStep(qf.Status, ortsplan.QuickfixPaid, ortsplan.QuickfixByStaff); err != nil {
			return err
		}
		if err := p.Validate(qf.Amount, ortsplan.SurveyDay(now, i18n.Stockholm())); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE quickfixes SET status = $1, paid_on = $2, paid_amount = $3, paid_by = $4, updated_at = $5
			WHERE id = $6 AND status = $7`, string(ortsplan.QuickfixPaid), dateArg(p.On), p.Amount, actorArg(ctx), now, qf.ID, string(qf.Status))
		if err := oneRow(res, err, "record quickfix payment"); err != nil {
			return err
		}
		if err := quickfixEvent(ctx, tx, qf.ID, ortsplan.QuickfixPaid, p.Amount, p.On.Format("2006-01-02"), now); err != nil {
			return err
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "quickfix:pay", strconv.FormatInt(qf.ID, 10), fmt.Sprintf("%d %s", p.Amount, p.On.Format("2006-01-02")))
	})
}

// quickfixViewer says what the acting account may see of a quickfix of
// the locality: staff who work on it see everything, the applicant their own.
func (db *DB) quickfixViewer(ctx context.Context, qf *ortsplan.Quickfix) (staff, own bool, err error) {
	if ortsplan.IsSystem(ctx) || ortsplan.UserFromContext(ctx) != nil {
		if staff, err = db.canRead(ctx, qf.LocalityID); err != nil {
			return false, false, err
		}
	}
	if r := ortsplan.ResidentFromContext(ctx); r != nil && r.ID > 0 && r.ID == qf.ResidentID {
		own = true
	}
	return staff, own, nil
}

// FindQuickfix returns a quickfix with its photos and history. One that is
// not public is not found but by staff of its locality and its applicant;
// the applicant's name and e-mail are filled in for staff only.
func (db *DB) FindQuickfix(ctx context.Context, id int64) (*ortsplan.Quickfix, error) {
	qf, err := loadQuickfix(ctx, db.db, id)
	if err != nil {
		return nil, err
	}
	staff, own, err := db.quickfixViewer(ctx, qf)
	if err != nil {
		return nil, err
	}
	if !qf.Status.Public() && !staff && !own {
		return nil, notFound(sql.ErrNoRows, "quickfix")
	}
	if staff && qf.ResidentID > 0 {
		err := db.db.QueryRowContext(ctx, "SELECT name, email FROM residents WHERE id = $1 AND deleted_at IS NULL", qf.ResidentID).
			Scan(&qf.ApplicantName, &qf.ApplicantEmail)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, dbErr("quickfix applicant", err)
		}
	}
	if !staff && !own {
		qf.ResidentID = 0
	}
	rows, err := db.db.QueryContext(ctx, `SELECT id, report, alt, variants FROM quickfix_photos WHERE quickfix_id = $1 ORDER BY id LIMIT `+
		strconv.Itoa(ortsplan.MaxQuickfixPhotos), id)
	if err != nil {
		return nil, dbErr("quickfix photos", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p ortsplan.QuickfixPhoto
		var vj string
		if err := rows.Scan(&p.ID, &p.Report, &p.Alt, &vj); err != nil {
			return nil, dbErr("quickfix photos", err)
		}
		if err := json.Unmarshal([]byte(vj), &p.Variants); err != nil {
			return nil, fmt.Errorf("sqlstore: quickfix photo %d: %w", p.ID, err)
		}
		qf.Photos = append(qf.Photos, p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("quickfix photos", err)
	}
	rows.Close()
	// The history: a bounded number of steps (each status is passed at most a few times).
	rows, err = db.db.QueryContext(ctx, `SELECT e.created_at, e.status, COALESCE(u.name, ''), e.amount, e.body FROM quickfix_events e
		LEFT JOIN users u ON u.id = e.actor_id WHERE e.quickfix_id = $1 ORDER BY e.id LIMIT 100`, id)
	if err != nil {
		return nil, dbErr("quickfix history", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e ortsplan.QuickfixEvent
		if err := rows.Scan(&e.At, &e.Status, &e.Actor, &e.Amount, &e.Text); err != nil {
			return nil, dbErr("quickfix history", err)
		}
		// Before the decision the steps are staff's and the applicant's
		// business; the public sees the history of public quickfixes.
		qf.Events = append(qf.Events, e)
	}
	return qf, dbErr("quickfix history", rows.Err())
}

// Quickfixes lists quickfixes, newest first: public ones, the acting
// resident's own, or (Waiting) those waiting for a decision in the
// localities the acting staff member works on.
func (db *DB) Quickfixes(ctx context.Context, f ortsplan.QuickfixFilter) ([]*ortsplan.Quickfix, error) {
	query, args, none, err := db.quickfixesSQL(ctx, f)
	if err != nil || none {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr("list quickfixes", err)
	}
	defer rows.Close()
	var out []*ortsplan.Quickfix
	for rows.Next() {
		q, err := scanQuickfix(rows)
		if err != nil {
			return nil, dbErr("list quickfixes", err)
		}
		if !f.Own {
			q.ResidentID = 0
		}
		out = append(out, q)
	}
	return out, dbErr("list quickfixes", rows.Err())
}

func (db *DB) quickfixesSQL(ctx context.Context, f ortsplan.QuickfixFilter) (string, []any, bool, error) {
	w := &whereArgs{}
	switch {
	case f.Waiting:
		// For those who decide them: not group leaders (see CanDecideQuickfix).
		if u, err := actorFor(ctx, db.db); err != nil || u.Role == ortsplan.RoleGroupLeader {
			return "", nil, err == nil, err
		}
		cond, args, none, err := db.workScope(ctx, "q.locality_id", f.LocalityID, 2)
		if err != nil || none {
			return "", nil, none, err
		}
		w.add("q.status = ?", string(ortsplan.QuickfixApplied))
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	case f.Own:
		res, err := resident(ctx, db.db)
		if err != nil {
			return "", nil, false, err
		}
		w.add("q.resident_id = ?", res.ID)
		if f.LocalityID > 0 {
			w.add("q.locality_id = ?", f.LocalityID)
		}
	default:
		if f.LocalityID > 0 {
			w.add("q.locality_id = ?", f.LocalityID)
		}
		w.add("q.public = ?", true)
	}
	if f.BeforeID > 0 {
		w.add("q.id < ?", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = ortsplan.QuickfixListLimit
	}
	return "SELECT " + quickfixColumns + quickfixFrom + w.sql() + " ORDER BY q.id DESC LIMIT " + strconv.Itoa(limit), w.args, false, nil
}

// SetQuickfixBudget sets a year's budget (the municipality's for
// LocalityID 0): never below what was granted from it. The row is locked
// like a grant's, so a grant and a change of the budget go one at a time.
func (db *DB) SetQuickfixBudget(ctx context.Context, b *ortsplan.QuickfixBudget) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := mayAct(ctx, tx, (*ortsplan.User).CanSetQuickfixBudget); err != nil {
			return err
		}
		if b.LocalityID > 0 {
			var id int64
			if err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", b.LocalityID).Scan(&id); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return ortsplan.FieldError("locality", "error.choose_from_list")
				}
				return dbErr("budget locality", err)
			}
		}
		q := "SELECT id, granted FROM quickfix_budgets WHERE year = $1 AND locality_id IS NULL"
		args := []any{b.Year}
		if b.LocalityID > 0 {
			q = "SELECT id, granted FROM quickfix_budgets WHERE year = $1 AND locality_id = $2"
			args = append(args, b.LocalityID)
		}
		var id int64
		err := tx.QueryRowContext(ctx, q+db.forUpdate(), args...).Scan(&id, &b.Granted)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return dbErr("read quickfix budget", err)
		}
		if err := b.Validate(); err != nil {
			return err
		}
		if id == 0 {
			_, err = tx.ExecContext(ctx, "INSERT INTO quickfix_budgets (year, locality_id, amount, granted, updated_at) VALUES ($1, $2, $3, 0, $4)",
				b.Year, nullID(b.LocalityID), b.Amount, now)
		} else {
			_, err = tx.ExecContext(ctx, "UPDATE quickfix_budgets SET amount = $1, updated_at = $2 WHERE id = $3", b.Amount, now, id)
		}
		if err != nil {
			return dbErr("set quickfix budget", err)
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "quickfix:budget", strconv.Itoa(b.Year),
			fmt.Sprintf("%d %d", b.LocalityID, b.Amount))
	})
}

// QuickfixBudgets returns the year's budgets: the municipality's first,
// then the localities' shares by name. Budgets are public.
func (db *DB) QuickfixBudgets(ctx context.Context, year int) ([]*ortsplan.QuickfixBudget, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT COALESCE(b.locality_id, 0), COALESCE(l.slug, ''), COALESCE(l.name, ''), b.amount, b.granted
		FROM quickfix_budgets b LEFT JOIN localities l ON l.id = b.locality_id WHERE b.year = $1
		ORDER BY CASE WHEN b.locality_id IS NULL THEN 0 ELSE 1 END, l.name LIMIT 1000`, year)
	if err != nil {
		return nil, dbErr("quickfix budgets", err)
	}
	defer rows.Close()
	out := []*ortsplan.QuickfixBudget{}
	for rows.Next() {
		b := &ortsplan.QuickfixBudget{Year: year}
		if err := rows.Scan(&b.LocalityID, &b.LocalitySlug, &b.LocalityName, &b.Amount, &b.Granted); err != nil {
			return nil, dbErr("quickfix budgets", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("quickfix budgets", err)
	}
	if len(out) == 0 || out[0].LocalityID != 0 {
		out = append([]*ortsplan.QuickfixBudget{{Year: year}}, out...)
	}
	return out, nil
}

var _ ortsplan.QuickfixService = (*DB)(nil)
