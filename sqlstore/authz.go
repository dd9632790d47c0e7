package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ortsplan/ortsplan"
)

// Rights are decided here, where the data is: every method that changes
// something (or reads personal data) reads the locality of the row it is
// about in its own transaction and asks the domain's rule (User.CanEditLocality
// and its kin) whether the account acting in the context may. The account's
// role, state and localities are read again in that transaction, so a
// deactivation or reassignment counts at once. The locality a URL or a form
// names never decides.

// querier is a transaction or the pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	errLoginRequired = &ortsplan.Error{Code: ortsplan.EUNAUTHORIZED, Key: "login.required"}
	errForbidden     = &ortsplan.Error{Code: ortsplan.EFORBIDDEN, Key: "error.forbidden"}
	errResidentLogin = &ortsplan.Error{Code: ortsplan.EUNAUTHORIZED, Key: "resident.login_required"}
)

// actorFor reads the acting staff account as it stands now: role, state and
// assigned localities. In a system context it is SystemUser.
func actorFor(ctx context.Context, q querier) (*ortsplan.User, error) {
	if ortsplan.IsSystem(ctx) {
		return ortsplan.SystemUser, nil
	}
	u := ortsplan.UserFromContext(ctx)
	if u == nil || u.ID <= 0 {
		return nil, errLoginRequired
	}
	return staffRights(ctx, q, u.ID)
}

// staffRights reads an active staff account's role and localities, as the
// rules need them; EUNAUTHORIZED for an unknown or inactive account.
func staffRights(ctx context.Context, q querier, id int64) (*ortsplan.User, error) {
	now := &ortsplan.User{ID: id}
	err := q.QueryRowContext(ctx, "SELECT name, role, active FROM users WHERE id = $1", id).Scan(&now.Name, &now.Role, &now.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errLoginRequired
	} else if err != nil {
		return nil, dbErr("read acting account", err)
	}
	if !now.Active {
		return nil, errLoginRequired
	}
	rows, err := q.QueryContext(ctx, "SELECT locality_id FROM user_localities WHERE user_id = $1 ORDER BY locality_id", id)
	if err != nil {
		return nil, dbErr("read acting account's localities", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, dbErr("read acting account's localities", err)
		}
		now.Localities = append(now.Localities, ortsplan.LocalityRef{ID: id})
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("read acting account's localities", err)
	}
	return now, nil
}

// mayEdit checks that the acting account may change what belongs to the
// locality: EUNAUTHORIZED without a staff account, EFORBIDDEN for one without
// the right.
func mayEdit(ctx context.Context, q querier, localityID int64) error {
	u, err := actorFor(ctx, q)
	if err != nil {
		return err
	}
	if !u.CanEditLocality(localityID) {
		return errForbidden
	}
	return nil
}

// mayEditRow reads the locality of one row (query selects it by the row's id)
// and checks the acting account's right to it; ENOTFOUND when there is no
// such row. It returns the row's locality.
func mayEditRow(ctx context.Context, q querier, what, query string, id int64) (int64, error) {
	var localityID int64
	if err := q.QueryRowContext(ctx, query, id).Scan(&localityID); err != nil {
		return 0, notFound(err, what)
	}
	return localityID, mayEdit(ctx, q, localityID)
}

// mayAct checks a right that belongs to no locality (rule is one of the
// domain's User methods, such as CanManageUsers).
func mayAct(ctx context.Context, q querier, rule func(*ortsplan.User) bool) (*ortsplan.User, error) {
	u, err := actorFor(ctx, q)
	if err != nil {
		return nil, err
	}
	if !rule(u) {
		return nil, errForbidden
	}
	return u, nil
}

// mayRead is mayEdit for reading personal data outside a transaction: it
// answers without a query when nobody is logged in.
func (db *DB) mayRead(ctx context.Context, localityID int64) error {
	if !ortsplan.IsSystem(ctx) && ortsplan.UserFromContext(ctx) == nil {
		return errLoginRequired
	}
	return mayEdit(ctx, db.db, localityID)
}

// canRead reports whether the acting account may read the locality's
// personal data and drafts; a database error is returned as such.
func (db *DB) canRead(ctx context.Context, localityID int64) (bool, error) {
	err := db.mayRead(ctx, localityID)
	switch ortsplan.ErrorCode(err) {
	case "":
		return true, nil
	case ortsplan.EUNAUTHORIZED, ortsplan.EFORBIDDEN:
		return false, nil
	}
	return false, err
}

// resident returns the resident acting in ctx, as stored now: EUNAUTHORIZED
// without one or for a deleted account.
func resident(ctx context.Context, q querier) (*ortsplan.Resident, error) {
	r := ortsplan.ResidentFromContext(ctx)
	if r == nil || r.ID <= 0 {
		return nil, errResidentLogin
	}
	now := *r
	err := q.QueryRowContext(ctx, "SELECT email, name FROM residents WHERE id = $1 AND deleted_at IS NULL", r.ID).Scan(&now.Email, &now.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errResidentLogin
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: read acting resident: %w", err)
	}
	return &now, nil
}

// actorArg is the acting staff account's id for a column, or NULL.
func actorArg(ctx context.Context) any {
	if id := ortsplan.UserIDFromContext(ctx); id > 0 {
		return id
	}
	return nil
}
