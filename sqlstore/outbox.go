package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	err = tx.QueryRowContext(ctx, `INSERT INTO outbox (to_addr, to_name, subject, text_body, html_body, lang, headers,
		status, attempts, next_attempt_at, last_error, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, '', $8) RETURNING id`,
		m.To, m.ToName, m.Subject, m.Text, m.HTML, m.Lang, string(hj), now).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: enqueue message: %w", err)
	}
	m.Status, m.Attempts, m.NextAttemptAt, m.CreatedAt, m.SentAt, m.LastError = ortsplan.MessagePending, 0, now, now, time.Time{}, ""
	return nil
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
	next_attempt_at, last_error, created_at, sent_at`

func scanMessage(row interface{ Scan(...any) error }) (*ortsplan.Message, error) {
	var (
		m       ortsplan.Message
		headers string
		sent    sql.NullTime
	)
	err := row.Scan(&m.ID, &m.To, &m.ToName, &m.Subject, &m.Text, &m.HTML, &m.Lang, &headers, &m.Status, &m.Attempts,
		&m.NextAttemptAt, &m.LastError, &m.CreatedAt, &sent)
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
// On PostgreSQL the rows are locked with SKIP LOCKED, so concurrent claimers
// take different messages; SQLite runs one write transaction at a time.
func (db *DB) ClaimMessages(ctx context.Context, n int, lease time.Duration) ([]*ortsplan.Message, error) {
	if n <= 0 {
		return nil, nil
	}
	var out []*ortsplan.Message
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		now := db.now()
		rows, err := tx.QueryContext(ctx, `SELECT id FROM outbox
			WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
			ORDER BY next_attempt_at, id LIMIT $2`+db.skipLocked(), now, n)
		if err != nil {
			return fmt.Errorf("sqlstore: claim messages: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: claim messages: %w", err)
		}
		for _, id := range ids {
			m, err := scanMessage(tx.QueryRowContext(ctx, `UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
				WHERE id = $2 RETURNING `+messageColumns, now.Add(lease), id))
			if err != nil {
				return fmt.Errorf("sqlstore: claim message %d: %w", id, err)
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkSent records that the message was handed to the mail server.
func (db *DB) MarkSent(ctx context.Context, id int64) error {
	res, err := db.db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, claimed_until = NULL
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
		last_error = $2, next_attempt_at = $3, claimed_until = NULL WHERE id = $4`,
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

// ListMessages returns up to limit messages, newest first.
func (db *DB) ListMessages(ctx context.Context, limit int) ([]*ortsplan.Message, error) {
	if _, err := mayAct(ctx, db.db, (*ortsplan.User).CanReadOutbox); err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+messageColumns+" FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1", limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list messages: %w", err)
	}
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
