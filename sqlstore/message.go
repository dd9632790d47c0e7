package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ortsplan/ortsplan"
)

// recipient is one address a staff message reaches.
type recipient struct {
	email, name, lang string
	token             string // a follower's own token, for the unsubscribe link
}

// audience checks the audience as stored and reads who it reaches: the group
// or meeting must belong to a.LocalityID, and the acting account must be
// allowed to edit that locality as stored. It fills in a.Name and a.Count.
func (db *DB) audience(ctx context.Context, q querier, a *ortsplan.Audience) ([]recipient, error) {
	var (
		localityID int64
		query      string
		arg        int64
	)
	switch a.Kind {
	case ortsplan.AudienceGroup:
		err := q.QueryRowContext(ctx, "SELECT locality_id, name FROM working_groups WHERE id = $1", a.TargetID).Scan(&localityID, &a.Name)
		if err != nil {
			return nil, notFound(err, "message group")
		}
		// Each address once, however often it is in the group.
		query = `SELECT MIN(email), MIN(name), 'sv', '' FROM group_members WHERE group_id = $1 AND email <> ''
			GROUP BY LOWER(email) ORDER BY LOWER(email)`
		arg = a.TargetID
	case ortsplan.AudienceMeeting:
		err := q.QueryRowContext(ctx, "SELECT locality_id, title FROM meetings WHERE id = $1", a.TargetID).Scan(&localityID, &a.Name)
		if err != nil {
			return nil, notFound(err, "message meeting")
		}
		// Only confirmed registrations that are not cancelled count.
		waiting := " AND NOT waitlisted"
		if a.Waitlist {
			waiting = ""
		}
		query = `SELECT MIN(email), MIN(name), MIN(lang), '' FROM registrations
			WHERE meeting_id = $1 AND cancelled_at IS NULL AND confirmed_at IS NOT NULL` + waiting + `
			GROUP BY LOWER(email) ORDER BY LOWER(email)`
		arg = a.TargetID
	case ortsplan.AudienceFollowers:
		err := q.QueryRowContext(ctx, "SELECT id, name FROM localities WHERE id = $1", a.LocalityID).Scan(&localityID, &a.Name)
		if err != nil {
			return nil, notFound(err, "message locality")
		}
		query = `SELECT r.email, r.name, r.lang, f.token FROM follows f JOIN residents r ON r.id = f.resident_id
			WHERE f.locality_id = $1 AND r.deleted_at IS NULL AND r.email <> '' ORDER BY r.id`
		arg = localityID
	default:
		return nil, ortsplan.FieldError("audience", "error.choose_from_list")
	}
	if localityID != a.LocalityID {
		return nil, notFound(sql.ErrNoRows, "message audience")
	}
	if err := mayEdit(ctx, q, localityID); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, dbErr("message recipients", err)
	}
	defer rows.Close()
	var out []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.email, &r.name, &r.lang, &r.token); err != nil {
			return nil, dbErr("message recipients", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("message recipients", err)
	}
	a.Count = len(out)
	return out, nil
}

// MessageAudience checks who a staff message would reach, for the preview:
// it fills in the audience's name and count (never the addresses). Only
// for accounts that may edit the audience's locality as stored.
func (db *DB) MessageAudience(ctx context.Context, a *ortsplan.Audience) error {
	if !a.Kind.Valid() {
		return ortsplan.FieldError("audience", "error.choose_from_list")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.audience(ctx, tx, a)
		return err
	})
}

// SendStaffMessage keeps the message and queues one outbox message per
// recipient, in one transaction. The acting account must be allowed to edit
// the locality of the group, meeting or followers as stored. A nonce that
// was sent already queues nothing: m becomes the message stored then, with
// Repeated set. Followers' copies carry their own unsubscribe link and the
// List-Unsubscribe headers.
func (db *DB) SendStaffMessage(ctx context.Context, m *ortsplan.StaffMessage) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		actor, err := actorFor(ctx, tx)
		if err != nil {
			return err
		}
		recipients, err := db.audience(ctx, tx, &m.Audience)
		if err != nil {
			return err
		}
		if done, err := db.sentNonce(ctx, tx, m, actor.ID); done || err != nil {
			return err
		}
		if len(recipients) == 0 {
			return ortsplan.FieldError("audience", "messages.no_recipients")
		}
		now := db.now()
		var target, sender any
		if m.Audience.TargetID > 0 {
			target = m.Audience.TargetID
		}
		if actor.ID > 0 {
			sender = actor.ID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO staff_messages (locality_id, audience, target_id, waitlist, audience_name, subject, body,
			sender_id, recipients, nonce, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (nonce) DO NOTHING RETURNING id`,
			m.Audience.LocalityID, string(m.Audience.Kind), target, m.Audience.Waitlist, m.Audience.Name, m.Subject, m.Body,
			sender, len(recipients), m.Nonce, now).Scan(&m.ID)
		if errors.Is(err, sql.ErrNoRows) {
			// Another request with the same nonce committed meanwhile.
			if done, err := db.sentNonce(ctx, tx, m, actor.ID); done || err != nil {
				return err
			}
			return ortsplan.Errorf(ortsplan.ECONFLICT, "error.try_again")
		} else if err != nil {
			return dbErr("save staff message", err)
		}
		m.SenderID, m.SenderName, m.Recipients, m.CreatedAt, m.Repeated = actor.ID, actor.Name, len(recipients), now, false
		for _, r := range recipients {
			unsubscribe := ""
			if r.token != "" {
				unsubscribe = db.baseURL() + "/avregistrera/" + r.token
			}
			msg := db.staffMail(m, r, unsubscribe)
			if unsubscribe != "" {
				msg.Headers = map[string]string{"List-Unsubscribe": "<" + unsubscribe + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
			}
			if err := db.enqueue(ctx, tx, msg); err != nil {
				return err
			}
		}
		return nil
	})
}

// sentNonce reports whether m's nonce was sent already; if so it loads the
// stored message into m. A nonce another account sent is a conflict.
func (db *DB) sentNonce(ctx context.Context, tx *sql.Tx, m *ortsplan.StaffMessage, actorID int64) (bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+staffMessageColumns+" WHERE s.nonce = $1", m.Nonce)
	if err != nil {
		return false, dbErr("staff message nonce", err)
	}
	list, err := scanStaffMessages(rows)
	if err != nil || len(list) == 0 {
		return false, err
	}
	if list[0].SenderID != actorID {
		return false, ortsplan.Errorf(ortsplan.ECONFLICT, "error.try_again")
	}
	*m = *list[0]
	m.Repeated = true
	return true, nil
}

// staffMail writes one recipient's copy, with the Composer when there is one.
func (db *DB) staffMail(m *ortsplan.StaffMessage, r recipient, unsubscribe string) *ortsplan.Message {
	if db.Composer != nil {
		if msg := db.Composer.ComposeMessage(m, r.email, r.name, r.lang, unsubscribe); msg != nil {
			return msg
		}
	}
	text := m.Body + "\n"
	if unsubscribe != "" {
		text += "\n-- \n" + unsubscribe + "\n"
	}
	return &ortsplan.Message{To: r.email, ToName: r.name, Subject: m.Subject, Text: text, Lang: r.lang}
}

const staffMessageColumns = `s.id, s.locality_id, s.audience, COALESCE(s.target_id, 0), s.waitlist, s.audience_name, s.subject, s.body,
	COALESCE(s.sender_id, 0), COALESCE(u.name, ''), s.recipients, s.nonce, s.created_at
	FROM staff_messages s LEFT JOIN users u ON u.id = s.sender_id`

func scanStaffMessages(rows *sql.Rows) ([]*ortsplan.StaffMessage, error) {
	defer rows.Close()
	var out []*ortsplan.StaffMessage
	for rows.Next() {
		var m ortsplan.StaffMessage
		a := &m.Audience
		if err := rows.Scan(&m.ID, &a.LocalityID, &a.Kind, &a.TargetID, &a.Waitlist, &a.Name, &m.Subject, &m.Body,
			&m.SenderID, &m.SenderName, &m.Recipients, &m.Nonce, &m.CreatedAt); err != nil {
			return nil, dbErr("staff messages", err)
		}
		a.Count = m.Recipients
		out = append(out, &m)
	}
	return out, rows.Err()
}

// MaxStaffMessages is how many messages StaffMessages lists at most.
const MaxStaffMessages = 200

// StaffMessages lists the messages sent in a locality, newest first, for
// accounts that may edit it.
func (db *DB) StaffMessages(ctx context.Context, localityID int64) ([]*ortsplan.StaffMessage, error) {
	if err := db.mayRead(ctx, localityID); err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+staffMessageColumns+" WHERE s.locality_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT $2",
		localityID, MaxStaffMessages)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: staff messages: %w", err)
	}
	return scanStaffMessages(rows)
}
