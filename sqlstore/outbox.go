package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

var _ ortsplan.Outbox = (*DB)(nil)

// enqueue writes m into the outbox inside the caller's transaction, so the
// message exists exactly when the change that causes it does. It sets m's ID,
// status (pending), attempts, creation time and first attempt time (now).
func (db *DB) enqueue(ctx context.Context, tx *sql.Tx, m *ortsplan.Message) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	if m.Lang == "" {
		m.Lang = "sv"
	}
	headers := m.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	hj, err := json.Marshal(headers)
	if err != nil {
		return fmt.Errorf("sqlstore: message headers: %w", err)
	}
	now := db.now()
	key := randomHex(16)
	err = tx.QueryRowContext(ctx, `INSERT INTO outbox (to_addr, to_name, subject, text_body, html_body, lang, headers,
		status, attempts, next_attempt_at, last_error, created_at, message_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, '', $8, $9) RETURNING id`,
		m.To, m.ToName, m.Subject, m.Text, m.HTML, m.Lang, string(hj), now, key).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: enqueue message: %w", err)
	}
	m.Status, m.Attempts, m.NextAttemptAt, m.CreatedAt, m.SentAt, m.LastError = ortsplan.MessagePending, 0, now, now, time.Time{}, ""
	m.Key, m.Claim = key, ""
	return nil
}

// randomHex returns n random bytes in hexadecimal.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// checkMessage refuses a message that could never be sent or that would let a
// value break out of its header line.
func checkMessage(m *ortsplan.Message) error {
	if strings.TrimSpace(m.To) == "" || strings.TrimSpace(m.Subject) == "" {
		return &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.required", Err: fmt.Errorf("sqlstore: message needs a recipient and a subject")}
	}
	values := []string{m.To, m.ToName, m.Subject, m.Lang}
	for k, v := range m.Headers {
		values = append(values, k, v)
	}
	for _, v := range values {
		if strings.ContainsAny(v, "\r\n") {
			return &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.form", Err: fmt.Errorf("sqlstore: line break in a message header")}
		}
	}
	return nil
}

// EnqueueMessage writes m into the outbox in its own transaction, for tests and
// tools; store code that causes a message uses enqueue inside its transaction.
func (db *DB) EnqueueMessage(ctx context.Context, m *ortsplan.Message) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.enqueue(ctx, tx, m) })
}

const messageColumns = `id, to_addr, to_name, subject, text_body, html_body, lang, headers, status, attempts,
	next_attempt_at, last_error, created_at, sent_at, message_key, COALESCE(claim_token, '')`

// messageListColumns are messageColumns without the text and HTML parts, for lists.
const messageListColumns = `id, to_addr, to_name, subject, '', '', lang, headers, status, attempts,
	next_attempt_at, last_error, created_at, sent_at, message_key, COALESCE(claim_token, '')`

func scanMessage(row interface{ Scan(...any) error }) (*ortsplan.Message, error) {
	var (
		m       ortsplan.Message
		headers string
		sent    sql.NullTime
	)
	err := row.Scan(&m.ID, &m.To, &m.ToName, &m.Subject, &m.Text, &m.HTML, &m.Lang, &headers, &m.Status, &m.Attempts,
		&m.NextAttemptAt, &m.LastError, &m.CreatedAt, &sent, &m.Key, &m.Claim)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(headers), &m.Headers); err != nil {
		return nil, fmt.Errorf("sqlstore: message %d headers: %w", m.ID, err)
	}
	if len(m.Headers) == 0 {
		m.Headers = nil
	}
	if sent.Valid {
		m.SentAt = sent.Time
	}
	return &m, nil
}

// ClaimMessages leases up to n due pending messages for lease and counts the
// attempt. A message whose lease ran out unsent (its worker died) is due again.
// New messages (never tried) and retries are read from two queues, each in
// the order they fell due, and taken in turn, half the batch each when both
// have enough: a long line of retries due after an outage cannot hold back
// mail queued since. The messages of one call share a claim token
// (Message.Claim) that RenewMessages and ReleaseMessages check.
// On PostgreSQL the rows are locked with SKIP LOCKED, so concurrent claimers
// take different messages; SQLite runs one write transaction at a time.
func (db *DB) ClaimMessages(ctx context.Context, n int, lease time.Duration) ([]*ortsplan.Message, error) {
	if n <= 0 {
		return nil, nil
	}
	token := randomHex(12)
	var out []*ortsplan.Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		now := db.now()
		// The conditions are literal, so both engines use the partial indexes
		// outbox_due_new and outbox_due_retry.
		fresh, err := dueMessages(ctx, tx, "attempts = 0", now, n, db.skipLocked())
		if err != nil {
			return err
		}
		retries, err := dueMessages(ctx, tx, "attempts > 0", now, n-min(len(fresh), (n+1)/2), db.skipLocked())
		if err != nil {
			return err
		}
		fresh = fresh[:min(len(fresh), n-len(retries))]
		for i := 0; i < len(fresh) || i < len(retries); i++ {
			for _, q := range [][]int64{fresh, retries} {
				if i >= len(q) {
					continue
				}
				m, err := scanMessage(tx.QueryRowContext(ctx, `UPDATE outbox SET claimed_until = $1, claim_token = $2, attempts = attempts + 1
					WHERE id = $3 RETURNING `+messageColumns, now.Add(lease), token, q[i]))
				if err != nil {
					return fmt.Errorf("sqlstore: claim message %d: %w", q[i], err)
				}
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dueSQL selects due, unclaimed pending messages that meet cond ($1 is now, $2 the limit).
func dueSQL(cond string) string {
	return `SELECT id FROM outbox
		WHERE status = 'pending' AND ` + cond + ` AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
		ORDER BY next_attempt_at, id LIMIT $2`
}

// dueMessages returns the ids of up to n due, unclaimed pending messages that
// meet cond, in the order they fell due.
func dueMessages(ctx context.Context, tx *sql.Tx, cond string, now time.Time, n int, lock string) ([]int64, error) {
	if n <= 0 {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, dueSQL(cond)+lock, now, n)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claim messages: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: claim messages: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: claim messages: %w", err)
	}
	return ids, nil
}

// RenewMessages extends the lease of messages a claim still holds (pending,
// with the claim's token) to lease from now, and returns those messages.
func (db *DB) RenewMessages(ctx context.Context, ms []*ortsplan.Message, lease time.Duration) ([]*ortsplan.Message, error) {
	var kept []*ortsplan.Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		kept = nil
		until := db.now().Add(lease)
		for _, m := range ms {
			res, err := tx.ExecContext(ctx, `UPDATE outbox SET claimed_until = $1
				WHERE id = $2 AND claim_token = $3 AND status = 'pending'`, until, m.ID, m.Claim)
			if err != nil {
				return fmt.Errorf("sqlstore: renew lease of message %d: %w", m.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("sqlstore: renew lease of message %d: %w", m.ID, err)
			} else if n == 1 {
				kept = append(kept, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return kept, nil
}

// ReleaseMessages ends the lease of claimed messages that were not tried:
// they are due again at once, for any worker, and the attempt their claim
// counted is taken back. A message its claim no longer holds (sent, failed,
// or claimed by another worker after the lease ran out) is left alone.
func (db *DB) ReleaseMessages(ctx context.Context, ms []*ortsplan.Message) error {
	if len(ms) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, m := range ms {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET claimed_until = NULL, claim_token = NULL, attempts = attempts - 1
				WHERE id = $1 AND claim_token = $2 AND status = 'pending' AND attempts > 0`, m.ID, m.Claim); err != nil {
				return fmt.Errorf("sqlstore: release message %d: %w", m.ID, err)
			}
		}
		return nil
	})
}

// MarkSent records that the message was handed to the mail server.
func (db *DB) MarkSent(ctx context.Context, id int64) error {
	res, err := db.db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, claimed_until = NULL, claim_token = NULL
		WHERE id = $2`, db.now(), id)
	return checkUpdated(res, err, "mark message sent")
}

// MarkFailed records a failed attempt: the message is due again at retryAt, or,
// when permanent, is given up (status failed). A sent message stays sent.
func (db *DB) MarkFailed(ctx context.Context, id int64, errText string, retryAt time.Time, permanent bool) error {
	status := ortsplan.MessagePending
	if permanent {
		status = ortsplan.MessageFailed
	}
	if len(errText) > 2000 {
		errText = errText[:2000]
	}
	res, err := db.db.ExecContext(ctx, `UPDATE outbox SET status = CASE WHEN status = 'sent' THEN status ELSE $1 END,
		last_error = $2, next_attempt_at = $3, claimed_until = NULL, claim_token = NULL WHERE id = $4`,
		status, errText, retryAt.UTC(), id)
	return checkUpdated(res, err, "mark message failed")
}

// checkUpdated turns an UPDATE that matched no row into ENOTFOUND.
func checkUpdated(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	} else if n == 0 {
		return notFound(sql.ErrNoRows, what)
	}
	return nil
}

const listMessagesSQL = "SELECT " + messageColumns + " FROM outbox ORDER BY id DESC LIMIT $1"

// ListMessages returns up to limit messages with their text, newest (the
// last queued) first.
func (db *DB) ListMessages(ctx context.Context, limit int) ([]*ortsplan.Message, error) {
	if _, err := mayAct(ctx, db.db, (*ortsplan.User).CanReadOutbox); err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, listMessagesSQL, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list messages: %w", err)
	}
	return scanMessages(rows)
}

// Messages returns one page of the outbox, newest first, without the
// messages' text and HTML: by the primary key, or by outbox_status for one status.
func (db *DB) Messages(ctx context.Context, f ortsplan.MessageFilter) ([]*ortsplan.Message, error) {
	if _, err := mayAct(ctx, db.db, (*ortsplan.User).CanReadOutbox); err != nil {
		return nil, err
	}
	if f.Status != "" && !slices.Contains(ortsplan.MessageStatuses, f.Status) {
		return nil, &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.form", Err: fmt.Errorf("sqlstore: no message status %q", f.Status)}
	}
	q, args := messagesSQL(f)
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list messages: %w", err)
	}
	return scanMessages(rows)
}

// messagesSQL is the query of one page of the outbox and its arguments.
func messagesSQL(f ortsplan.MessageFilter) (string, []any) {
	if f.Limit <= 0 || f.Limit > ortsplan.MaxMessagePage {
		f.Limit = ortsplan.MaxMessagePage
	}
	var (
		where []string
		args  []any
	)
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, "status = $"+strconv.Itoa(len(args)))
	}
	if f.Before > 0 {
		args = append(args, f.Before)
		where = append(where, "id < $"+strconv.Itoa(len(args)))
	}
	q := "SELECT " + messageListColumns + " FROM outbox"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	return q + " ORDER BY id DESC LIMIT $" + strconv.Itoa(len(args)), args
}

func scanMessages(rows *sql.Rows) ([]*ortsplan.Message, error) {
	defer rows.Close()
	var out []*ortsplan.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindMessage returns one message of the outbox.
func (db *DB) FindMessage(ctx context.Context, id int64) (*ortsplan.Message, error) {
	if _, err := mayAct(ctx, db.db, (*ortsplan.User).CanReadOutbox); err != nil {
		return nil, err
	}
	m, err := scanMessage(db.db.QueryRowContext(ctx, "SELECT "+messageColumns+" FROM outbox WHERE id = $1", id))
	if err != nil {
		return nil, notFound(err, "find message")
	}
	return m, nil
}

// OutboxStats returns the outbox's totals by status and when the oldest
// waiting message was queued, for /admin/utkorg.
func (db *DB) OutboxStats(ctx context.Context) (ortsplan.OutboxStats, error) {
	if _, err := mayAct(ctx, db.db, (*ortsplan.User).CanReadOutbox); err != nil {
		return ortsplan.OutboxStats{}, err
	}
	return db.OutboxCounts(ctx)
}

const outboxCountsSQL = `SELECT s.status, s.n, o.created_at
	FROM (SELECT status, COUNT(*) AS n, MIN(id) AS first FROM outbox GROUP BY status) s
	JOIN outbox o ON o.id = s.first`

// OutboxCounts is OutboxStats for /metrics: figures only, no personal data,
// so it asks for no account. It is one query: a count per status over the
// index outbox_status (status, id), whose smallest pending id finds the
// oldest waiting message by its primary key.
func (db *DB) OutboxCounts(ctx context.Context) (ortsplan.OutboxStats, error) {
	var st ortsplan.OutboxStats
	rows, err := db.db.QueryContext(ctx, outboxCountsSQL)
	if err != nil {
		return st, fmt.Errorf("sqlstore: outbox counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			status string
			n      int
			first  time.Time
		)
		if err := rows.Scan(&status, &n, &first); err != nil {
			return st, fmt.Errorf("sqlstore: outbox counts: %w", err)
		}
		switch status {
		case ortsplan.MessagePending:
			st.Pending, st.OldestPending = n, first.UTC()
		case ortsplan.MessageSent:
			st.Sent = n
		case ortsplan.MessageFailed:
			st.Failed = n
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("sqlstore: outbox counts: %w", err)
	}
	return st, nil
}

// RetryMessage makes a failed message pending and due now, with its attempts
// counted from zero again, and writes it to the audit log. A message still
// pending is left as it is (a second click changes nothing); a sent one is
// ECONFLICT.
func (db *DB) RetryMessage(ctx context.Context, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		u, err := mayAct(ctx, tx, (*ortsplan.User).CanReadOutbox)
		if err != nil {
			return err
		}
		var status string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM outbox WHERE id = $1"+db.forUpdate(), id).Scan(&status); err != nil {
			return notFound(err, "retry message")
		}
		switch status {
		case ortsplan.MessagePending:
			return nil
		case ortsplan.MessageSent:
			return &ortsplan.Error{Code: ortsplan.ECONFLICT, Key: "outbox.already_sent"}
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1,
			claimed_until = NULL, claim_token = NULL WHERE id = $2`, now, id); err != nil {
			return fmt.Errorf("sqlstore: retry message %d: %w", id, err)
		}
		return audit(ctx, tx, now, u.ID, "outbox:retry", strconv.FormatInt(id, 10), "")
	})
}

// purgeBatch is how many messages one statement of PurgeMessages deletes.
const purgeBatch = 500

// purgeSQL select what PurgeMessages deletes ($1 is the cutoff, $2 the limit).
var purgeSQL = []string{
	// By the partial index outbox_sent_at.
	`SELECT id FROM outbox WHERE status = 'sent' AND sent_at < $1 ORDER BY sent_at LIMIT $2`,
	// By outbox_status: the failed messages only.
	`SELECT id FROM outbox WHERE status = 'failed' AND created_at < $1 ORDER BY id LIMIT $2`,
}

// PurgeMessages deletes the messages, with their text, addresses and names,
// that were sent before cutoff, and those given up (failed) that were queued
// before it; pending messages are kept whatever their age. It deletes in
// statements of at most purgeBatch rows, each committed on its own, so it
// never holds a long lock; two processes may run it at once (on PostgreSQL
// they skip each other's rows, on SQLite they take turns). Only the process
// itself (a system context) may; it returns how many messages were deleted.
func (db *DB) PurgeMessages(ctx context.Context, cutoff time.Time) (int, error) {
	if !ortsplan.IsSystem(ctx) {
		return 0, errForbidden
	}
	total := 0
	for _, sel := range purgeSQL {
		for {
			res, err := db.db.ExecContext(ctx, "DELETE FROM outbox WHERE id IN ("+sel+db.skipLocked()+")", cutoff.UTC(), purgeBatch)
			if err != nil {
				return total, fmt.Errorf("sqlstore: purge messages: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return total, fmt.Errorf("sqlstore: purge messages: %w", err)
			}
			total += int(n)
			if n < purgeBatch {
				break
			}
		}
	}
	return total, nil
}
