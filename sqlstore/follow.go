package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// DigestInterval is how often a digest follower gets news at most.
const DigestInterval = 24 * time.Hour

// Follow starts or changes the acting resident's follow of a locality.
func (db *DB) Follow(ctx context.Context, localityID int64, mode ortsplan.FollowMode) error {
	if mode != ortsplan.FollowImmediate && mode != ortsplan.FollowDigest {
		return ortsplan.FieldError("mode", "error.choose_from_list")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := resident(ctx, tx)
		if err != nil {
			return err
		}
		var loc int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", localityID).Scan(&loc); err != nil {
			return notFound(err, "follow locality")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO follows (resident_id, locality_id, mode, token, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (resident_id, locality_id) DO UPDATE SET mode = excluded.mode`, res.ID, localityID, string(mode), NewToken(), db.now())
		return dbErr("follow", err)
	})
}

// Unfollow ends the acting resident's follow of a locality.
func (db *DB) Unfollow(ctx context.Context, localityID int64) error {
	res := ortsplan.ResidentFromContext(ctx)
	if res == nil {
		return errResidentLogin
	}
	_, err := db.db.ExecContext(ctx, "DELETE FROM follows WHERE resident_id = $1 AND locality_id = $2", res.ID, localityID)
	return dbErr("unfollow", err)
}

const followColumns = "f.locality_id, l.slug, l.name, f.mode, f.token"

func scanFollows(rows *sql.Rows) ([]*ortsplan.Follow, error) {
	defer rows.Close()
	var out []*ortsplan.Follow
	for rows.Next() {
		var f ortsplan.Follow
		if err := rows.Scan(&f.LocalityID, &f.LocalitySlug, &f.LocalityName, &f.Mode, &f.Token); err != nil {
			return nil, dbErr("follows", err)
		}
		out = append(out, &f)
	}
	return out, rows.Err()
}

// Follows lists the localities the acting resident follows.
func (db *DB) Follows(ctx context.Context) ([]*ortsplan.Follow, error) {
	res := ortsplan.ResidentFromContext(ctx)
	if res == nil {
		return nil, errResidentLogin
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+followColumns+" FROM follows f JOIN localities l ON l.id = f.locality_id WHERE f.resident_id = $1 ORDER BY l.name", res.ID)
	if err != nil {
		return nil, dbErr("follows", err)
	}
	return scanFollows(rows)
}

// UnsubscribeByToken ends the follow named by an e-mailed token.
func (db *DB) UnsubscribeByToken(ctx context.Context, token string) (*ortsplan.Follow, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+followColumns+" FROM follows f JOIN localities l ON l.id = f.locality_id WHERE f.token = $1", token)
	if err != nil {
		return nil, err
	}
	fs, err := scanFollows(rows)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, notFound(sql.ErrNoRows, "unsubscribe")
	}
	if _, err := db.db.ExecContext(ctx, "DELETE FROM follows WHERE token = $1", token); err != nil {
		return nil, err
	}
	return fs[0], nil
}

// notifyFollowers queues news for everyone following the locality, in the
// caller's transaction.
func (db *DB) notifyFollowers(ctx context.Context, tx *sql.Tx, localityID int64, kind, title, link string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (resident_id, locality_id, kind, immediate, title, link, created_at)
		SELECT f.resident_id, f.locality_id, $1, f.mode = $2, $3, $4, $5 FROM follows f JOIN residents r ON r.id = f.resident_id
		WHERE f.locality_id = $6 AND r.deleted_at IS NULL`, kind, string(ortsplan.FollowImmediate), title, link, db.now(), localityID)
	if err != nil {
		return fmt.Errorf("sqlstore: notify followers: %w", err)
	}
	return nil
}

// notifyResident queues news for one resident (the author of an idea), at once.
func (db *DB) notifyResident(ctx context.Context, tx *sql.Tx, residentID, localityID int64, kind, title, link string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (resident_id, locality_id, kind, immediate, title, link, created_at)
		SELECT id, $2, $3, $4, $5, $6, $7 FROM residents WHERE id = $1 AND deleted_at IS NULL`,
		residentID, localityID, kind, true, title, link, db.now())
	return err
}

// newsChunk is how many residents one transaction of SendNotifications
// handles, so a change seen by thousands of followers is sent in bounded steps.
const newsChunk = 500

// SendNotifications turns pending news into e-mails: one per resident and run,
// sent at once when any item is immediate, else once the oldest item is a day old.
// It is safe with any number of processes: each step takes the job's lock
// (see tryJobLock), and a process that finds it taken leaves the run to the
// holder. Each item is marked sent in the transaction that queues its e-mail.
func (db *DB) SendNotifications(ctx context.Context) (int, error) {
	sent := 0
	var after int64
	for {
		n, last, err := db.sendNewsChunk(ctx, after)
		sent += n
		if err != nil || last == 0 {
			return sent, err
		}
		after = last
	}
}

// sendNewsChunk queues the news of up to newsChunk residents with ids above
// after and returns how many e-mails it queued and the last resident id it
// looked at (0 when there were none, or another process holds the job).
func (db *DB) sendNewsChunk(ctx context.Context, after int64) (int, int64, error) {
	now := db.now()
	sent := 0
	var last int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if ok, err := db.tryJobLock(ctx, tx, "news"); err != nil || !ok {
			return err
		}
		// The chunk's last resident: the residents with pending news are
		// read by the index on (sent_at, resident_id).
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(resident_id), 0) FROM (SELECT DISTINCT resident_id FROM notifications
			WHERE sent_at IS NULL AND resident_id > $1 ORDER BY resident_id LIMIT $2) c`, after, newsChunk).Scan(&last)
		if err != nil {
			return dbErr("pending notifications", err)
		}
		if last == 0 {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT n.id, n.resident_id, n.kind, n.immediate, n.title, n.link, n.created_at, COALESCE(l.name, ''),
			r.email, r.name, r.lang, COALESCE(f.token, '')
			FROM notifications n JOIN residents r ON r.id = n.resident_id LEFT JOIN localities l ON l.id = n.locality_id
			LEFT JOIN follows f ON f.resident_id = n.resident_id AND f.locality_id = n.locality_id
			WHERE n.sent_at IS NULL AND n.resident_id > $1 AND n.resident_id <= $2 ORDER BY n.resident_id, n.created_at, n.id`, after, last)
		if err != nil {
			return fmt.Errorf("sqlstore: pending notifications: %w", err)
		}
		type batch struct {
			email, name, lang, token string
			items                    []ortsplan.NewsItem
			ids                      []int64
			due                      bool
		}
		var order []int64
		batches := map[int64]*batch{}
		for rows.Next() {
			var id, rid int64
			var kind, title, link, locName, email, name, lang, token string
			var immediate bool
			var created time.Time
			if err := rows.Scan(&id, &rid, &kind, &immediate, &title, &link, &created, &locName, &email, &name, &lang, &token); err != nil {
				rows.Close()
				return dbErr("pending notifications", err)
			}
			b := batches[rid]
			if b == nil {
				b = &batch{email: email, name: name, lang: lang}
				batches[rid] = b
				order = append(order, rid)
			}
			if b.token == "" {
				b.token = token
			}
			b.items = append(b.items, ortsplan.NewsItem{Kind: kind, Title: title, Link: link, LocalityName: locName})
			b.ids = append(b.ids, id)
			b.due = b.due || immediate || now.Sub(created) >= DigestInterval
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, rid := range order {
			b := batches[rid]
			if !b.due {
				continue
			}
			if db.Composer != nil {
				unsub := ""
				if b.token != "" {
					unsub = db.baseURL() + "/avregistrera/" + b.token
				}
				if msg := db.Composer.ComposeNews(b.email, b.name, b.lang, b.items, unsub); msg != nil {
					if err := db.enqueue(ctx, tx, msg); err != nil {
						return err
					}
					sent++
				}
			}
			if err := markNewsSent(ctx, tx, now, b.ids); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return sent, last, nil
}

// markNewsSent marks the given notifications sent, a hundred at a time.
func markNewsSent(ctx context.Context, tx *sql.Tx, now time.Time, ids []int64) error {
	for len(ids) > 0 {
		part := ids[:min(len(ids), 100)]
		ids = ids[len(part):]
		args := []any{now}
		marks := make([]string, len(part))
		for i, id := range part {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE notifications SET sent_at = $1 WHERE sent_at IS NULL AND id IN ("+strings.Join(marks, ", ")+")", args...); err != nil {
			return dbErr("mark news sent", err)
		}
	}
	return nil
}

// ExportResident gathers everything stored about the acting resident,
// including sign-ups and meeting registrations made with the same e-mail
// address.
func (db *DB) ExportResident(ctx context.Context) (map[string]any, error) {
	res := ortsplan.ResidentFromContext(ctx)
	if res == nil {
		return nil, errResidentLogin
	}
	residentID := res.ID
	var email, name, lang string
	var loc sql.NullInt64
	var created time.Time
	err := db.db.QueryRowContext(ctx, "SELECT email, name, locality_id, lang, created_at FROM residents WHERE id = $1 AND deleted_at IS NULL",
		residentID).Scan(&email, &name, &loc, &lang, &created)
	if err != nil {
		return nil, notFound(err, "export resident")
	}
	out := map[string]any{"account": map[string]any{"email": email, "name": name, "home_locality_id": loc.Int64, "language": lang,
		"created_at": created.UTC().Format(time.RFC3339)}}
	query := func(key, q string, args ...any) error {
		rows, err := db.db.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("sqlstore: export %s: %w", key, err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return dbErr("export "+key, err)
		}
		list := []map[string]any{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return dbErr("export "+key, err)
			}
			m := map[string]any{}
			for i, c := range cols {
				switch v := vals[i].(type) {
				case []byte:
					m[c] = string(v)
				case time.Time:
					m[c] = v.UTC().Format(time.RFC3339)
				default:
					m[c] = v
				}
			}
			list = append(list, m)
		}
		out[key] = list
		return rows.Err()
	}
	for _, q := range []struct{ key, sql string }{
		{"follows", "SELECT l.slug AS locality, f.mode, f.created_at FROM follows f JOIN localities l ON l.id = f.locality_id WHERE f.resident_id = $1"},
		{"ideas", "SELECT id, title, body, status, answer, supports, created_at FROM ideas WHERE resident_id = $1"},
		{"comments", "SELECT id, idea_id, body, created_at FROM idea_comments WHERE resident_id = $1"},
		{"supports", "SELECT idea_id, created_at FROM idea_supports WHERE resident_id = $1"},
		{"quickfixes", `SELECT id, kind, organisation, title, place, description, cost, own_effort, status, amount, reason, report, created_at
			FROM quickfixes WHERE resident_id = $1 ORDER BY id`},
		{"notifications", "SELECT kind, title, link, created_at, sent_at FROM notifications WHERE resident_id = $1"},
	} {
		if err := query(q.key, q.sql, residentID); err != nil {
			return nil, err
		}
	}
	if err := query("sign_ups", "SELECT id, name, phone, age_group, message, status, created_at FROM signups WHERE email = $1", email); err != nil {
		return nil, err
	}
	if err := query("meeting_registrations", "SELECT meeting_id, name, people, needs, waitlisted, confirmed_at, confirm_by, cancelled_at, created_at FROM registrations WHERE email = $1", email); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteResident scrubs the acting resident's account: ideas and comments
// stay as public records without the name; follows, sessions and pending
// news go.
func (db *DB) DeleteResident(ctx context.Context) (*ortsplan.DeletionReport, error) {
	res := ortsplan.ResidentFromContext(ctx)
	if res == nil {
		return nil, errResidentLogin
	}
	residentID := res.ID
	now := db.now()
	rep := &ortsplan.DeletionReport{}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, "SELECT email FROM residents WHERE id = $1 AND deleted_at IS NULL", residentID).Scan(&email)
		if err != nil {
			return notFound(err, "delete resident")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE residents SET email = $1, name = '', deleted_at = $2 WHERE id = $3`,
			fmt.Sprintf("deleted-%d@invalid", residentID), now, residentID); err != nil {
			return dbErr("delete resident", err)
		}
		email = ortsplan.NormalizeEmail(email)
		steps := []struct {
			n    *int
			q    string
			args []any
		}{
			{&rep.Ideas, "UPDATE ideas SET author_name = '' WHERE resident_id = $1", []any{residentID}},
			{&rep.Comments, "UPDATE idea_comments SET author_name = '' WHERE resident_id = $1", []any{residentID}},
			{&rep.Follows, "DELETE FROM follows WHERE resident_id = $1", []any{residentID}},
			{nil, "DELETE FROM resident_sessions WHERE resident_id = $1", []any{residentID}},
			{nil, "DELETE FROM notifications WHERE resident_id = $1", []any{residentID}},
			// Sign-ups and registrations made with the same address: the
			// personal data goes, the counts stay; registrations for meetings
			// to come are cancelled, and their links stop working.
			{&rep.SignUps, `UPDATE signups SET name = '', email = '', phone = '', message = '', notes = '', anonymised = $1,
				receipt_hash = NULL, updated_at = $2 WHERE email = $3 AND NOT anonymised`, []any{true, now, email}},
			{nil, `DELETE FROM registration_tokens WHERE registration_id IN (SELECT id FROM registrations WHERE email = $1)`, []any{email}},
			{&rep.Registrations, `UPDATE registrations SET name = '', email = '', needs = '',
				cancelled_at = CASE WHEN cancelled_at IS NULL AND meeting_id IN (SELECT id FROM meetings WHERE starts_at > $1) THEN $1 ELSE cancelled_at END
				WHERE email = $2`, []any{now, email}},
		}
		for _, st := range steps {
			r, err := tx.ExecContext(ctx, st.q, st.args...)
			if err != nil {
				return fmt.Errorf("sqlstore: delete resident: %w", err)
			}
			if st.n != nil {
				n, err := r.RowsAffected()
				if err != nil {
					return dbErr("delete resident", err)
				}
				*st.n = int(n)
			}
		}
		return audit(ctx, tx, now, 0, "resident:delete", fmt.Sprint(residentID),
			fmt.Sprintf("follows %d, sign-ups %d, registrations %d", rep.Follows, rep.SignUps, rep.Registrations))
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

var (
	_ ortsplan.FollowService       = (*DB)(nil)
	_ ortsplan.PersonalDataService = (*DB)(nil)
)
