package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// --- Groups and organisations ---

const groupColumns = `g.id, g.locality_id, g.slug, g.name, g.kind, g.theme, g.description, COALESCE(g.contact_user_id, 0),
	COALESCE(u.name, ''), g.open, g.version, g.created_at, g.updated_at`

func scanGroup(row interface{ Scan(...any) error }) (*ortsplan.Group, error) {
	var g ortsplan.Group
	err := row.Scan(&g.ID, &g.LocalityID, &g.Slug, &g.Name, &g.Kind, &g.Theme, &g.Description, &g.ContactUserID,
		&g.ContactName, &g.Open, &g.Version, &g.CreatedAt, &g.UpdatedAt)
	return &g, err
}

// Groups lists a locality's groups with members and organisations, the
// coordination group first.
func (db *DB) Groups(ctx context.Context, localityID int64) ([]*ortsplan.Group, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+groupColumns+` FROM working_groups g LEFT JOIN users u ON u.id = g.contact_user_id
		WHERE g.locality_id = $1 ORDER BY CASE WHEN g.kind = 'samordningsgrupp' THEN 0 ELSE 1 END, g.name`, localityID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: groups: %w", err)
	}
	defer rows.Close()
	var gs []*ortsplan.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, dbErr("groups", err)
		}
		gs = append(gs, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return gs, db.loadGroupParts(ctx, localityID, gs)
}

// loadGroupParts fills members and organisations of the groups in two queries.
func (db *DB) loadGroupParts(ctx context.Context, localityID int64, gs []*ortsplan.Group) error {
	byID := map[int64]*ortsplan.Group{}
	for _, g := range gs {
		byID[g.ID] = g
	}
	rows, err := db.db.QueryContext(ctx, `SELECT m.id, m.group_id, m.name, m.email, m.phone, m.show_name, m.joined_at
		FROM group_members m JOIN working_groups g ON g.id = m.group_id WHERE g.locality_id = $1 ORDER BY m.name, m.id`, localityID)
	if err != nil {
		return fmt.Errorf("sqlstore: group members: %w", err)
	}
	for rows.Next() {
		var m ortsplan.GroupMember
		if err := rows.Scan(&m.ID, &m.GroupID, &m.Name, &m.Email, &m.Phone, &m.ShowName, &m.JoinedAt); err != nil {
			rows.Close()
			return dbErr("group members", err)
		}
		if g := byID[m.GroupID]; g != nil {
			g.Members = append(g.Members, &m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("group members", err)
	}
	rows, err = db.db.QueryContext(ctx, `SELECT go.group_id, o.id, o.locality_id, o.name, o.kind, o.website, o.description
		FROM group_organisations go JOIN organisations o ON o.id = go.organisation_id WHERE o.locality_id = $1 ORDER BY o.name`, localityID)
	if err != nil {
		return fmt.Errorf("sqlstore: group organisations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var gid int64
		var o ortsplan.Organisation
		if err := rows.Scan(&gid, &o.ID, &o.LocalityID, &o.Name, &o.Kind, &o.Website, &o.Description); err != nil {
			return dbErr("group organisations", err)
		}
		if g := byID[gid]; g != nil {
			g.Organisations = append(g.Organisations, &o)
		}
	}
	return rows.Err()
}

// FindGroup returns a locality's group by slug.
func (db *DB) FindGroup(ctx context.Context, localityID int64, slug string) (*ortsplan.Group, error) {
	g, err := scanGroup(db.db.QueryRowContext(ctx, "SELECT "+groupColumns+` FROM working_groups g LEFT JOIN users u ON u.id = g.contact_user_id
		WHERE g.locality_id = $1 AND g.slug = $2`, localityID, slug))
	if err != nil {
		return nil, notFound(err, "find group")
	}
	return g, db.loadGroupParts(ctx, localityID, []*ortsplan.Group{g})
}

// checkStaffContact checks that id names an active staff account (0: none).
func checkStaffContact(ctx context.Context, tx *sql.Tx, field string, id int64) error {
	if id == 0 {
		return nil
	}
	var active bool
	err := tx.QueryRowContext(ctx, "SELECT active FROM users WHERE id = $1", id).Scan(&active)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !active {
		return ortsplan.FieldError(field, "error.contact_unknown")
	}
	return dbErr("check contact", err)
}

// SaveGroup creates a group in g.LocalityID (ID 0) or updates one in its own
// locality.
func (db *DB) SaveGroup(ctx context.Context, g *ortsplan.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	var contact any
	if g.ContactUserID > 0 {
		contact = g.ContactUserID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if g.ID == 0 {
			if err := lockLocality(ctx, tx, g.LocalityID); err != nil {
				return err
			}
		} else {
			loc, err := mayEditRow(ctx, tx, "update group", "SELECT locality_id FROM working_groups WHERE id = $1", g.ID)
			if err != nil {
				return err
			}
			g.LocalityID = loc
		}
		if err := checkStaffContact(ctx, tx, "contact", g.ContactUserID); err != nil {
			return err
		}
		if g.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO working_groups (locality_id, slug, name, kind, theme, description, contact_user_id, open, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id`,
				g.LocalityID, g.Slug, g.Name, string(g.Kind), g.Theme, g.Description, contact, g.Open, now).Scan(&g.ID)
			if isUniqueViolation(err) {
				return ortsplan.FieldError("slug", "error.slug_taken")
			} else if err != nil {
				return dbErr("insert group", err)
			}
			g.Version = 1
			return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "group:create", g.Slug, "")
		}
		res, err := tx.ExecContext(ctx, `UPDATE working_groups SET name = $1, kind = $2, theme = $3, description = $4, contact_user_id = $5,
			open = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			g.Name, string(g.Kind), g.Theme, g.Description, contact, g.Open, now, g.ID, g.Version)
		if err := mustAffect(res, err, "update group"); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT slug FROM working_groups WHERE id = $1", g.ID).Scan(&g.Slug); err != nil {
			return dbErr("group slug", err)
		}
		g.Version++
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "group:update", g.Slug, "")
	})
}

// AddGroupMember adds a person to a group.
func (db *DB) AddGroupMember(ctx context.Context, m *ortsplan.GroupMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	m.JoinedAt = now
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := mayEditRow(ctx, tx, "group for member", "SELECT locality_id FROM working_groups WHERE id = $1", m.GroupID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO group_members (group_id, name, email, phone, show_name, joined_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.GroupID, m.Name, m.Email, m.Phone, m.ShowName, now).Scan(&m.ID)
		if err != nil {
			return dbErr("add group member", err)
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "group:member", strconv.FormatInt(m.GroupID, 10), "")
	})
}

// Organisations lists a locality's associations and businesses.
func (db *DB) Organisations(ctx context.Context, localityID int64) ([]*ortsplan.Organisation, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, locality_id, name, kind, website, description FROM organisations
		WHERE locality_id = $1 ORDER BY name, id`, localityID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: organisations: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Organisation
	for rows.Next() {
		var o ortsplan.Organisation
		if err := rows.Scan(&o.ID, &o.LocalityID, &o.Name, &o.Kind, &o.Website, &o.Description); err != nil {
			return nil, dbErr("organisations", err)
		}
		out = append(out, &o)
	}
	return out, rows.Err()
}

// SaveOrganisation creates an organisation in o.LocalityID (ID 0) or updates
// one in its own locality.
func (db *DB) SaveOrganisation(ctx context.Context, o *ortsplan.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if o.ID == 0 {
			if err := lockLocality(ctx, tx, o.LocalityID); err != nil {
				return err
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO organisations (locality_id, name, kind, website, description, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, o.LocalityID, o.Name, string(o.Kind), o.Website, o.Description, db.nowFor(ctx)).Scan(&o.ID)
			return dbErr("insert organisation", err)
		}
		loc, err := mayEditRow(ctx, tx, "update organisation", "SELECT locality_id FROM organisations WHERE id = $1", o.ID)
		if err != nil {
			return err
		}
		o.LocalityID = loc
		res, err := tx.ExecContext(ctx, `UPDATE organisations SET name = $1, kind = $2, website = $3, description = $4 WHERE id = $5`,
			o.Name, string(o.Kind), o.Website, o.Description, o.ID)
		return mustAffect(res, err, "update organisation")
	})
}

// LinkGroupOrganisation links an organisation to a group of the same
// locality; a new one (ID 0) is created in the group's locality first, in
// the same transaction, so a refused link leaves no organisation behind.
func (db *DB) LinkGroupOrganisation(ctx context.Context, groupID int64, o *ortsplan.Organisation) error {
	if o.ID == 0 {
		if err := o.Validate(); err != nil {
			return err
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		loc, err := mayEditRow(ctx, tx, "group for organisation", "SELECT locality_id FROM working_groups WHERE id = $1", groupID)
		if err != nil {
			return err
		}
		if o.ID == 0 {
			o.LocalityID = loc
			if err := tx.QueryRowContext(ctx, `INSERT INTO organisations (locality_id, name, kind, website, description, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, o.LocalityID, o.Name, string(o.Kind), o.Website, o.Description, db.nowFor(ctx)).Scan(&o.ID); err != nil {
				return dbErr("insert organisation", err)
			}
		}
		orgID := o.ID
		var orgLoc int64
		err = tx.QueryRowContext(ctx, "SELECT locality_id FROM organisations WHERE id = $1", orgID).Scan(&orgLoc)
		if errors.Is(err, sql.ErrNoRows) || err == nil && orgLoc != loc {
			return ortsplan.FieldError("organisation", "error.choose_from_list")
		} else if err != nil {
			return dbErr("organisation for group", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO group_organisations (group_id, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, groupID, orgID)
		return dbErr("link organisation", err)
	})
}

// --- Meetings ---

// meetingColumns are a meeting's columns with its registered and waitlisted
// people: confirmed registrations only, as ortsplan.Registration.HoldsPlace
// and Waits say (an unconfirmed registration holds no place).
const meetingColumns = `m.id, m.locality_id, l.slug, l.name, COALESCE(m.group_id, 0), COALESCE(g.name, ''), m.kind, m.title,
	m.starts_at, m.ends_at, m.place_name, m.place_address, m.accessibility, m.agenda, m.state, m.cancel_reason,
	m.registration, m.capacity, m.report, m.report_published, m.participants, m.version, m.created_at, m.updated_at,
	COALESCE((SELECT SUM(r.people) FROM registrations r WHERE r.meeting_id = m.id AND r.cancelled_at IS NULL AND r.confirmed_at IS NOT NULL AND NOT r.waitlisted), 0),
	COALESCE((SELECT SUM(r.people) FROM registrations r WHERE r.meeting_id = m.id AND r.cancelled_at IS NULL AND r.confirmed_at IS NOT NULL AND r.waitlisted), 0)`

const meetingFrom = ` FROM meetings m JOIN localities l ON l.id = m.locality_id LEFT JOIN working_groups g ON g.id = m.group_id`

func scanMeeting(row interface{ Scan(...any) error }) (*ortsplan.Meeting, error) {
	var m ortsplan.Meeting
	var end, published sql.NullTime
	err := row.Scan(&m.ID, &m.LocalityID, &m.LocalitySlug, &m.LocalityName, &m.GroupID, &m.GroupName, &m.Kind, &m.Title,
		&m.Start, &end, &m.PlaceName, &m.PlaceAddress, &m.Accessibility, &m.Agenda, &m.State, &m.CancelReason,
		&m.Registration, &m.Capacity, &m.Report, &published, &m.Participants, &m.Version, &m.CreatedAt, &m.UpdatedAt,
		&m.Registered, &m.Waitlisted)
	if err != nil {
		return nil, err
	}
	m.End, m.ReportPublished = end.Time, published.Time
	m.Start = m.Start.UTC()
	if !m.End.IsZero() {
		m.End = m.End.UTC()
	}
	return &m, nil
}

// Meetings lists meetings by start time within the filter.
func (db *DB) Meetings(ctx context.Context, f ortsplan.MeetingFilter) ([]*ortsplan.Meeting, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	where = append(where, "m.archived_at IS NULL")
	if f.LocalityID > 0 {
		add("m.locality_id = ?", f.LocalityID)
	}
	if f.GroupID > 0 {
		add("m.group_id = ?", f.GroupID)
	}
	if !f.From.IsZero() {
		add("m.starts_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("m.starts_at < ?", f.To.UTC())
	}
	q := "SELECT " + meetingColumns + meetingFrom + " WHERE " + strings.Join(where, " AND ")
	if f.Latest {
		q += " ORDER BY m.starts_at DESC, m.id DESC"
	} else {
		q += " ORDER BY m.starts_at, m.id"
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: meetings: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, dbErr("scan meeting", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindMeeting returns one meeting.
func (db *DB) FindMeeting(ctx context.Context, id int64) (*ortsplan.Meeting, error) {
	m, err := scanMeeting(db.db.QueryRowContext(ctx, "SELECT "+meetingColumns+meetingFrom+" WHERE m.id = $1 AND m.archived_at IS NULL", id))
	if err != nil {
		return nil, notFound(err, "find meeting")
	}
	return m, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// SaveMeeting creates a meeting in m.LocalityID (ID 0) or updates one in
// its own locality. When a planned meeting is moved, or cancelled
// (ortsplan.MeetingNotice), everyone registered gets a notice queued in the
// same transaction.
func (db *DB) SaveMeeting(ctx context.Context, m *ortsplan.Meeting) error {
	if err := m.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	var group any
	if m.GroupID > 0 {
		group = m.GroupID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if m.ID == 0 {
			if err := lockLocality(ctx, tx, m.LocalityID); err != nil {
				return err
			}
		} else {
			loc, err := mayEditRow(ctx, tx, "update meeting", "SELECT locality_id FROM meetings WHERE id = $1 AND archived_at IS NULL", m.ID)
			if err != nil {
				return err
			}
			m.LocalityID = loc
		}
		if m.GroupID > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM working_groups WHERE id = $1 AND locality_id = $2", m.GroupID, m.LocalityID).Scan(&n); err != nil {
				return dbErr("meeting group", err)
			}
			if n == 0 {
				return ortsplan.FieldError("group", "error.choose_from_list")
			}
		}
		if m.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO meetings (locality_id, group_id, kind, title, starts_at, ends_at, place_name, place_address,
				accessibility, agenda, state, cancel_reason, registration, capacity, report, report_published, participants, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, $18, $18) RETURNING id`,
				m.LocalityID, group, string(m.Kind), m.Title, m.Start.UTC(), nullTime(m.End), m.PlaceName, m.PlaceAddress,
				m.Accessibility, m.Agenda, string(m.State), m.CancelReason, m.Registration, m.Capacity, m.Report,
				nullTime(m.ReportPublished), m.Participants, now).Scan(&m.ID)
			if err != nil {
				return dbErr("insert meeting", err)
			}
			m.Version, m.CreatedAt, m.UpdatedAt = 1, now, now
			if m.State == ortsplan.MeetingPlanned && m.Start.After(now) {
				if err := db.notifyFollowers(ctx, tx, m.LocalityID, "meeting_planned", m.Title, db.baseURL()+"/moten/"+fmt.Sprint(m.ID)); err != nil {
					return err
				}
			}
			return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "meeting:create", fmt.Sprint(m.ID), m.Title)
		}
		old, err := scanMeeting(tx.QueryRowContext(ctx, "SELECT "+meetingColumns+meetingFrom+" WHERE m.id = $1", m.ID))
		if err != nil {
			return notFound(err, "update meeting")
		}
		res, err := tx.ExecContext(ctx, `UPDATE meetings SET group_id = $1, kind = $2, title = $3, starts_at = $4, ends_at = $5, place_name = $6,
			place_address = $7, accessibility = $8, agenda = $9, state = $10, cancel_reason = $11, registration = $12, capacity = $13,
			report = $14, report_published = $15, participants = $16, version = version + 1, updated_at = $17
			WHERE id = $18 AND version = $19`,
			group, string(m.Kind), m.Title, m.Start.UTC(), nullTime(m.End), m.PlaceName, m.PlaceAddress, m.Accessibility, m.Agenda,
			string(m.State), m.CancelReason, m.Registration, m.Capacity, m.Report, nullTime(m.ReportPublished), m.Participants, now, m.ID, m.Version)
		if err := mustAffect(res, err, "update meeting"); err != nil {
			return err
		}
		m.Version++
		m.UpdatedAt = now
		m.LocalitySlug, m.LocalityName = old.LocalitySlug, old.LocalityName
		if notice := ortsplan.MeetingNotice(old, m); notice != "" {
			if err := db.noticeAll(ctx, tx, m, notice); err != nil {
				return err
			}
		}
		if old.ReportPublished.IsZero() && !m.ReportPublished.IsZero() {
			if err := db.notifyFollowers(ctx, tx, m.LocalityID, "notes_published", m.Title, db.baseURL()+"/moten/"+fmt.Sprint(m.ID)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "meeting:update", fmt.Sprint(m.ID), m.Title)
	})
}

// noticeAll queues a notice to everyone confirmed, with places or on the
// waiting list. Unconfirmed registrations are not told: their addresses have
// not shown that they want e-mail from us, and whoever confirms later sees
// the meeting's time and place as they are then (a cancelled meeting cannot be
// confirmed, and says why).
func (db *DB) noticeAll(ctx context.Context, tx *sql.Tx, m *ortsplan.Meeting, kind string) error {
	regs, err := registrations(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	for _, r := range regs {
		if r.HoldsPlace() || r.Waits() {
			if err := db.notice(ctx, tx, kind, m, r, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// notice queues one e-mail about a registration; token is put in its links.
func (db *DB) notice(ctx context.Context, tx *sql.Tx, kind string, m *ortsplan.Meeting, r *ortsplan.Registration, token string) error {
	if db.Composer == nil {
		return nil
	}
	if msg := db.Composer.Compose(kind, m, r, token); msg != nil {
		return db.enqueue(ctx, tx, msg)
	}
	return nil
}

const registrationColumns = `r.id, r.meeting_id, r.name, r.email, r.people, r.needs, r.lang, r.waitlisted,
	r.confirmed_at, r.confirm_by, r.cancelled_at, r.created_at`

func scanRegistration(row interface{ Scan(...any) error }) (*ortsplan.Registration, error) {
	var r ortsplan.Registration
	var confirmed, cancelled sql.NullTime
	if err := row.Scan(&r.ID, &r.MeetingID, &r.Name, &r.Email, &r.People, &r.Needs, &r.Lang, &r.Waitlisted,
		&confirmed, &r.ConfirmBy, &cancelled, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.ConfirmedAt, r.CancelledAt = confirmed.Time, cancelled.Time
	return &r, nil
}

// registrations lists a meeting's registrations in the order they were made.
func registrations(ctx context.Context, q querier, meetingID int64) ([]*ortsplan.Registration, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+registrationColumns+" FROM registrations r WHERE r.meeting_id = $1 ORDER BY r.created_at, r.id", meetingID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: registrations: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, dbErr("registrations", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Registrations lists a meeting's registrations, confirmed or not: personal
// data, for those who may edit the meeting's locality.
func (db *DB) Registrations(ctx context.Context, meetingID int64) ([]*ortsplan.Registration, error) {
	if !ortsplan.IsSystem(ctx) && ortsplan.UserFromContext(ctx) == nil {
		return nil, errLoginRequired
	}
	if _, err := mayEditRow(ctx, db.db, "registrations", "SELECT locality_id FROM meetings WHERE id = $1", meetingID); err != nil {
		return nil, err
	}
	return registrations(ctx, db.db, meetingID)
}

// lockMeeting reads a meeting with its counts after locking its row, so
// that transactions which give places by the counts go one at a time.
func (db *DB) lockMeeting(ctx context.Context, tx *sql.Tx, id int64, what string) (*ortsplan.Meeting, error) {
	var got int64
	if err := tx.QueryRowContext(ctx, "SELECT id FROM meetings WHERE id = $1 AND archived_at IS NULL"+db.forUpdate(), id).Scan(&got); err != nil {
		return nil, notFound(err, what)
	}
	m, err := scanMeeting(tx.QueryRowContext(ctx, "SELECT "+meetingColumns+meetingFrom+" WHERE m.id = $1", id))
	if err != nil {
		return nil, notFound(err, what)
	}
	return m, nil
}

// addToken gives a registration a new token and returns it; only its hash is stored.
func addToken(ctx context.Context, tx *sql.Tx, registrationID int64, now time.Time) (string, error) {
	token := NewToken()
	_, err := tx.ExecContext(ctx, "INSERT INTO registration_tokens (token_hash, registration_id, created_at) VALUES ($1, $2, $3)",
		hashToken(token), registrationID, now)
	return token, dbErr("registration token", err)
}

// blockingRegistration returns the address's registration for the meeting
// that stands in the way of another (ortsplan.Registration.Blocks), with when
// its newest token was made (when it was last e-mailed a link); nil for none.
func blockingRegistration(ctx context.Context, tx *sql.Tx, meetingID int64, email string, now time.Time) (*ortsplan.Registration, time.Time, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+registrationColumns+` FROM registrations r
		WHERE r.meeting_id = $1 AND r.email = $2 AND r.cancelled_at IS NULL ORDER BY r.id DESC`, meetingID, email)
	if err != nil {
		return nil, time.Time{}, dbErr("registered address", err)
	}
	var found *ortsplan.Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			rows.Close()
			return nil, time.Time{}, dbErr("registered address", err)
		}
		if found == nil && r.Blocks(now) {
			found = r
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || found == nil {
		return nil, time.Time{}, dbErr("registered address", err)
	}
	var last time.Time
	err = tx.QueryRowContext(ctx, "SELECT created_at FROM registration_tokens WHERE registration_id = $1 ORDER BY created_at DESC LIMIT 1",
		found.ID).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, dbErr("last registration e-mail", err)
	}
	return found, last, nil
}

var errRegistrationClosed = ortsplan.Errorf(ortsplan.EINVALID, "error.registration_closed")

// Register records an unconfirmed registration, which holds no place until
// it is confirmed, and queues the e-mail with the confirm and cancel links.
// An address with a registration for the meeting that is confirmed or may
// still be is sent an e-mail instead (ortsplan.AgainNotice): the confirm link
// again, or that it is already registered with a fresh cancel link. Either
// way the answer is nil.
func (db *DB) Register(ctx context.Context, r *ortsplan.Registration, rule ortsplan.RegistrationRule) error {
	rule = rule.WithDefaults()
	if err := r.Validate(rule); err != nil {
		return err
	}
	if r.Lang == "" {
		r.Lang = "sv"
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		m, err := db.lockMeeting(ctx, tx, r.MeetingID, "register")
		if err != nil {
			return err
		}
		if !m.RegistrationOpen(now) {
			return errRegistrationClosed
		}
		prev, last, err := blockingRegistration(ctx, tx, r.MeetingID, r.Email, now)
		if err != nil {
			return err
		}
		if prev != nil {
			r.ID, r.Token = 0, ""
			kind := ortsplan.AgainNotice(prev, last, now)
			if kind == "" {
				return nil
			}
			token, err := addToken(ctx, tx, prev.ID, now)
			if err != nil {
				return err
			}
			return db.notice(ctx, tx, kind, m, prev, token)
		}
		r.Waitlisted, r.ConfirmedAt, r.CancelledAt = false, time.Time{}, time.Time{}
		r.CreatedAt, r.ConfirmBy = now, rule.ConfirmBy(now)
		err = tx.QueryRowContext(ctx, `INSERT INTO registrations (meeting_id, name, email, people, needs, lang, waitlisted, confirm_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			r.MeetingID, r.Name, r.Email, r.People, r.Needs, r.Lang, false, r.ConfirmBy, now).Scan(&r.ID)
		if err != nil {
			return dbErr("insert registration", err)
		}
		if r.Token, err = addToken(ctx, tx, r.ID, now); err != nil {
			return err
		}
		return db.notice(ctx, tx, ortsplan.NoticeConfirm, m, r, r.Token)
	})
}

// registrationByToken returns the registration one of whose tokens is token.
func registrationByToken(ctx context.Context, q querier, token, what string) (*ortsplan.Registration, error) {
	r, err := scanRegistration(q.QueryRowContext(ctx, "SELECT "+registrationColumns+` FROM registrations r
		JOIN registration_tokens t ON t.registration_id = r.id WHERE t.token_hash = $1`, hashToken(token)))
	if err != nil {
		return nil, notFound(err, what)
	}
	return r, nil
}

// FindRegistrationByToken returns a registration, in whatever state, and its meeting.
func (db *DB) FindRegistrationByToken(ctx context.Context, token string) (*ortsplan.Registration, *ortsplan.Meeting, error) {
	r, err := registrationByToken(ctx, db.db, token, "find registration")
	if err != nil {
		return nil, nil, err
	}
	m, err := db.FindMeeting(ctx, r.MeetingID)
	if err != nil {
		return nil, nil, err
	}
	return r, m, nil
}

// ConfirmRegistration confirms the registration with the token before its
// time runs out: it takes places, or goes on the waiting list when the places
// left are too few (ortsplan.Waitlisted), and the registrant is e-mailed which,
// with the cancel link. A confirmed one is returned as it is. When it cannot
// be confirmed (cancelled, expired, the meeting closed) the registration and
// meeting found are returned with the error, for the page that says so.
func (db *DB) ConfirmRegistration(ctx context.Context, token string) (*ortsplan.Registration, *ortsplan.Meeting, error) {
	now := db.nowFor(ctx)
	var reg *ortsplan.Registration
	var meeting *ortsplan.Meeting
	err := db.tx(ctx, func(tx *sql.Tx) error {
		r, err := registrationByToken(ctx, tx, token, "confirm registration")
		if err != nil {
			return err
		}
		m, err := db.lockMeeting(ctx, tx, r.MeetingID, "confirm registration")
		if err != nil {
			return err
		}
		// Read it again under the lock: another confirmation may have come first.
		if r, err = registrationByToken(ctx, tx, token, "confirm registration"); err != nil {
			return err
		}
		reg, meeting = r, m
		switch r.State(now) {
		case ortsplan.RegPlace, ortsplan.RegWaiting:
			return nil
		case ortsplan.RegCancelled:
			return ortsplan.Errorf(ortsplan.EINVALID, "error.registration_already_cancelled")
		case ortsplan.RegExpired:
			return ortsplan.Errorf(ortsplan.EINVALID, "error.confirm_expired")
		}
		if !m.RegistrationOpen(now) {
			return errRegistrationClosed
		}
		r.Waitlisted = ortsplan.Waitlisted(m.Capacity, m.Registered, r.People)
		r.ConfirmedAt = now
		res, err := tx.ExecContext(ctx, "UPDATE registrations SET confirmed_at = $1, waitlisted = $2 WHERE id = $3 AND confirmed_at IS NULL",
			now, r.Waitlisted, r.ID)
		if err := mustAffect(res, err, "confirm registration"); err != nil {
			return err
		}
		kind := ortsplan.NoticeRegistered
		if r.Waitlisted {
			m.Waitlisted += r.People
			kind = ortsplan.NoticeWaitlisted
		} else {
			m.Registered += r.People
		}
		return db.notice(ctx, tx, kind, m, r, token)
	})
	return reg, meeting, err
}

// CancelRegistration cancels the registration with the token and moves people
// up from the waiting list while places allow, in the order they confirmed,
// telling each of them.
func (db *DB) CancelRegistration(ctx context.Context, token string) (*ortsplan.Meeting, error) {
	now := db.nowFor(ctx)
	var meeting *ortsplan.Meeting
	err := db.tx(ctx, func(tx *sql.Tx) error {
		r, err := registrationByToken(ctx, tx, token, "cancel registration")
		if err != nil {
			return err
		}
		if _, err := db.lockMeeting(ctx, tx, r.MeetingID, "cancel registration"); err != nil {
			return err
		}
		if r, err = registrationByToken(ctx, tx, token, "cancel registration"); err != nil {
			return err
		}
		if !r.CancelledAt.IsZero() {
			return ortsplan.Errorf(ortsplan.EINVALID, "error.registration_already_cancelled")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET cancelled_at = $1 WHERE id = $2", now, r.ID); err != nil {
			return dbErr("cancel registration", err)
		}
		r.CancelledAt = now
		m, err := scanMeeting(tx.QueryRowContext(ctx, "SELECT "+meetingColumns+meetingFrom+" WHERE m.id = $1", r.MeetingID))
		if err != nil {
			return dbErr("cancel registration", err)
		}
		meeting = m
		if err := db.notice(ctx, tx, ortsplan.NoticeUnregistered, m, r, ""); err != nil {
			return err
		}
		all, err := registrations(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		// The waiting list is in the order of confirmation.
		sort.SliceStable(all, func(i, j int) bool {
			a, b := all[i].ConfirmedAt, all[j].ConfirmedAt
			return a.Before(b) || a.Equal(b) && all[i].ID < all[j].ID
		})
		for _, p := range ortsplan.Promote(m.Capacity, m.Registered, all) {
			if _, err := tx.ExecContext(ctx, "UPDATE registrations SET waitlisted = $1 WHERE id = $2", false, p.ID); err != nil {
				return dbErr("promote", err)
			}
			if err := db.notice(ctx, tx, ortsplan.NoticePromoted, m, p, ""); err != nil {
				return err
			}
		}
		return nil
	})
	return meeting, err
}

// DeleteExpiredRegistrations deletes the registrations never confirmed whose
// time to confirm ran out before before, and their tokens: they held no
// place, and the address may not even be the registrant's. Only the process
// itself (ortsplan.NewSystemContext) runs it.
func (db *DB) DeleteExpiredRegistrations(ctx context.Context, before time.Time) (int, error) {
	if !ortsplan.IsSystem(ctx) {
		return 0, errForbidden
	}
	now := db.now()
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM registration_tokens WHERE registration_id IN
			(SELECT id FROM registrations WHERE confirmed_at IS NULL AND confirm_by < $1)`, before.UTC()); err != nil {
			return dbErr("delete expired registration tokens", err)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM registrations WHERE confirmed_at IS NULL AND confirm_by < $1", before.UTC())
		if err != nil {
			return dbErr("delete expired registrations", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return dbErr("delete expired registrations", err)
		}
		if n > 0 {
			return audit(ctx, tx, now, 0, "registration:expire", fmt.Sprint(n), before.UTC().Format(time.RFC3339))
		}
		return nil
	})
	return int(n), err
}

var _ ortsplan.MeetingService = (*DB)(nil)
