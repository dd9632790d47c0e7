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
)

// LoginLinkTTL is how long a one-time login link works.
const LoginLinkTTL = 30 * time.Minute

// ResidentSessionTTL is how long a resident stays logged in.
const ResidentSessionTTL = 30 * 24 * time.Hour

// baseURL is the public address for links in e-mails, without a trailing slash.
func (db *DB) baseURL() string { return db.PublicURL }

// RequestLogin stores a one-time token and queues the e-mail with the link.
// The answer is the same whether or not the address has an account.
func (db *DB) RequestLogin(ctx context.Context, req ortsplan.LoginRequest) error {
	if err := req.Validate(); err != nil {
		return err
	}
	now := db.now()
	token := NewToken()
	var loc any
	if req.LocalityID > 0 {
		loc = req.LocalityID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if req.LocalityID > 0 {
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", req.LocalityID).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return ortsplan.FieldError("locality", "error.choose_from_list")
			} else if err != nil {
				return dbErr("login locality", err)
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM resident_tokens WHERE expires_at < $1", now); err != nil {
			return fmt.Errorf("sqlstore: clear tokens: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resident_tokens (token_hash, email, name, locality_id, lang, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, hashToken(token), req.Email, req.Name, loc, req.Lang, now.Add(LoginLinkTTL)); err != nil {
			return fmt.Errorf("sqlstore: store login token: %w", err)
		}
		if db.Composer == nil {
			return nil
		}
		msg := db.Composer.ComposeResident("login", req.Email, req.Name, req.Lang, nil, db.baseURL()+"/inloggning/"+token)
		if msg == nil {
			return nil
		}
		return db.enqueue(ctx, tx, msg)
	})
}

// Login spends a one-time token and starts a session, creating the account
// (with a verified e-mail) the first time.
func (db *DB) Login(ctx context.Context, token string) (string, *ortsplan.Resident, error) {
	now := db.now()
	var session string
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var email, name, lang string
		var loc sql.NullInt64
		var expires time.Time
		var used sql.NullTime
		err := tx.QueryRowContext(ctx, "SELECT email, name, locality_id, lang, expires_at, used_at FROM resident_tokens WHERE token_hash = $1",
			hashToken(token)).Scan(&email, &name, &loc, &lang, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (used.Valid || now.After(expires))) {
			return ortsplan.Errorf(ortsplan.EUNAUTHORIZED, "resident.link_invalid")
		} else if err != nil {
			return fmt.Errorf("sqlstore: read login token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE resident_tokens SET used_at = $1 WHERE token_hash = $2", now, hashToken(token)); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, "SELECT id FROM residents WHERE email = $1", email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			if name == "" { // never a part of the e-mail address: it is shown publicly
				name = ortsplan.AnonymousResident
			}
			var l any
			if loc.Valid {
				l = loc.Int64
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				email, name, l, lang, now).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("sqlstore: resident: %w", err)
		}
		session = NewToken()
		_, err = tx.ExecContext(ctx, "INSERT INTO resident_sessions (token_hash, resident_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
			hashToken(session), id, now, now.Add(ResidentSessionTTL))
		return err
	})
	if err != nil {
		return "", nil, err
	}
	r, err := db.ResidentBySession(ctx, session)
	return session, r, err
}

// ResidentBySession returns the resident of a live session, verified when
// the session was verified through the eID broker.
func (db *DB) ResidentBySession(ctx context.Context, token string) (*ortsplan.Resident, error) {
	var r ortsplan.Resident
	err := db.db.QueryRowContext(ctx, `SELECT r.id, r.email, r.name, COALESCE(r.locality_id, 0), COALESCE(l.slug, ''), r.lang, r.created_at,
		COALESCE(s.person_key, '')
		FROM resident_sessions s JOIN residents r ON r.id = s.resident_id LEFT JOIN localities l ON l.id = r.locality_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, hashToken(token), db.now()).Scan(&r.ID, &r.Email, &r.Name, &r.LocalityID,
		&r.LocalitySlug, &r.Lang, &r.CreatedAt, &r.PersonKey)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ortsplan.Errorf(ortsplan.EUNAUTHORIZED, "resident.login_required")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: resident session: %w", err)
	}
	r.Verified = r.PersonKey != ""
	return &r, nil
}

// VerifySession marks a live resident session as verified through the eID
// broker with the person's key (a keyed hash; the number is never stored).
func (db *DB) VerifySession(ctx context.Context, token, personKey string) error {
	if personKey == "" {
		return fmt.Errorf("sqlstore: verify session: no person key")
	}
	res, err := db.db.ExecContext(ctx, "UPDATE resident_sessions SET person_key = $1 WHERE token_hash = $2 AND expires_at > $3",
		personKey, hashToken(token), db.now())
	if err != nil {
		return dbErr("verify session", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbErr("verify session", err)
	} else if n == 0 {
		return ortsplan.Errorf(ortsplan.EUNAUTHORIZED, "resident.login_required")
	}
	return nil
}

// Logout ends a resident session.
func (db *DB) Logout(ctx context.Context, token string) error {
	_, err := db.db.ExecContext(ctx, "DELETE FROM resident_sessions WHERE token_hash = $1", hashToken(token))
	return err
}

const ideaColumns = `i.id, i.locality_id, l.slug, l.name, COALESCE(i.resident_id, 0), i.author_name, i.title, i.body,
	COALESCE(t.id, 0), COALESCE(t.title, ''), i.photo, i.photo_alt, i.status, i.answer,
	COALESCE(u.name, ''), i.answered_at, COALESCE(a.id, 0), COALESCE(a.title, ''), i.supports, i.comments, i.hidden_reason,
	i.hidden_at, i.restored_reason, i.restored_at, i.flagged_at, i.created_at, i.updated_at, i.verified_supports,
	i.place_lat, i.place_lon, i.place_address`

// ideaFrom joins an idea to its locality and what it is linked to. The
// unary plus keeps SQLite from walking the localities first and sorting
// every idea of each (it drives from ideas, by the query's own index), which
// on the large data set made the newest ideas of all localities cost 200 ms.
const ideaFrom = ` FROM ideas i JOIN localities l ON l.id = +i.locality_id LEFT JOIN users u ON u.id = i.answered_by
	LEFT JOIN actions a ON a.id = i.action_id AND a.archived_at IS NULL LEFT JOIN themes t ON t.id = i.theme_id AND t.archived_at IS NULL`

func scanIdea(row interface{ Scan(...any) error }) (*ortsplan.Idea, error) {
	var i ortsplan.Idea
	var answered, hidden, restored, flagged sql.NullTime
	var photo string
	err := row.Scan(&i.ID, &i.LocalityID, &i.LocalitySlug, &i.LocalityName, &i.ResidentID, &i.AuthorName, &i.Title, &i.Body,
		&i.ThemeID, &i.ThemeTitle, &photo, &i.PhotoAlt, &i.Status,
		&i.Answer, &i.AnsweredBy, &answered, &i.ActionID, &i.ActionTitle, &i.Supports, &i.Comments, &i.HiddenReason, &hidden,
		&i.RestoredReason, &restored, &flagged, &i.CreatedAt, &i.UpdatedAt, &i.VerifiedSupports,
		nullFloat{&i.Place.Lat}, nullFloat{&i.Place.Lon}, &i.Place.Address)
	if err != nil {
		return nil, err
	}
	i.AnsweredAt, i.HiddenAt, i.RestoredAt, i.FlaggedAt = answered.Time, hidden.Time, restored.Time, flagged.Time
	if err := json.Unmarshal([]byte(photo), &i.Photo); err != nil {
		return nil, fmt.Errorf("sqlstore: idea %d photo: %w", i.ID, err)
	}
	return &i, nil
}

// CreateIdea stores the acting resident's idea in i.LocalityID.
func (db *DB) CreateIdea(ctx context.Context, i *ortsplan.Idea) error {
	if err := i.Validate(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := resident(ctx, tx)
		if err != nil {
			return err
		}
		i.ResidentID, i.AuthorName = res.ID, res.Name
		var loc int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", i.LocalityID).Scan(&loc); err != nil {
			return notFound(err, "idea locality")
		}
		i.Status = ortsplan.IdeaNew
		var theme any
		if i.ThemeID > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM themes WHERE id = $1 AND locality_id = $2 AND archived_at IS NULL", i.ThemeID, i.LocalityID).Scan(&n); err != nil {
				return dbErr("idea theme", err)
			}
			if n == 0 {
				return ortsplan.FieldError("theme", "error.choose_from_list")
			}
			theme = i.ThemeID
		}
		photo := i.Photo
		if photo == nil {
			photo = []ortsplan.FileVariant{}
		}
		pj, err := json.Marshal(photo)
		if err != nil {
			return fmt.Errorf("sqlstore: idea photo: %w", err)
		}
		if err := checkPlace(ctx, tx, i.LocalityID, &i.Place); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO ideas (locality_id, resident_id, author_name, title, body, theme_id, photo, photo_alt, status, created_at, updated_at,
			place_lat, place_lon, place_address)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) RETURNING id`, i.LocalityID, i.ResidentID, i.AuthorName, i.Title, i.Body,
			theme, string(pj), i.PhotoAlt, string(i.Status), now, floatArg(i.Place.Lat), floatArg(i.Place.Lon), i.Place.Address).Scan(&i.ID)
		if err != nil {
			return dbErr("insert idea", err)
		}
		i.CreatedAt, i.UpdatedAt = now, now
		return nil
	})
}

// FindIdea returns one idea (hidden ones too; the page shows the reason).
func (db *DB) FindIdea(ctx context.Context, id int64) (*ortsplan.Idea, error) {
	i, err := scanIdea(db.db.QueryRowContext(ctx, "SELECT "+ideaColumns+ideaFrom+" WHERE i.id = $1", id))
	if err != nil {
		return nil, notFound(err, "find idea")
	}
	return i, nil
}

// ideaOrder is the ORDER BY of a sort.
func ideaOrder(sort ortsplan.IdeaSort) string {
	switch sort {
	case ortsplan.SortSupported:
		return "i.supports DESC, i.id DESC"
	case ortsplan.SortStatus:
		return "i.status, i.created_at DESC, i.id DESC"
	}
	return "i.created_at DESC, i.id DESC"
}

// ideaCountSQL counts a locality's ideas.
const ideaCountSQL = "SELECT COUNT(*) FROM ideas WHERE locality_id = $1"

// ideaListSQL is IdeaList's query for a page.
func ideaListSQL(localityID int64, sort ortsplan.IdeaSort, offset, limit int) (string, []any) {
	return `SELECT i.id, i.locality_id, i.title, i.status, i.supports, i.comments, i.hidden_at, i.created_at, i.updated_at
		FROM ideas i WHERE i.locality_id = $1 ORDER BY ` + ideaOrder(sort) + ` LIMIT $2 OFFSET $3`, []any{localityID, limit, offset}
}

// IdeaList lists a page of a locality's ideas in the chosen order with the
// fields a list shows, in one query without joins, and counts them all
// (from the index on locality_id).
func (db *DB) IdeaList(ctx context.Context, localityID int64, sort ortsplan.IdeaSort, offset, limit int) ([]*ortsplan.Idea, int, error) {
	if offset < 0 || limit <= 0 {
		return nil, 0, &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.bad_page"}
	}
	var total int
	if err := db.db.QueryRowContext(ctx, ideaCountSQL, localityID).Scan(&total); err != nil {
		return nil, 0, dbErr("count ideas", err)
	}
	q, args := ideaListSQL(localityID, sort, offset, limit)
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: idea list: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Idea
	for rows.Next() {
		var i ortsplan.Idea
		var hidden sql.NullTime
		if err := rows.Scan(&i.ID, &i.LocalityID, &i.Title, &i.Status, &i.Supports, &i.Comments, &hidden, &i.CreatedAt, &i.UpdatedAt); err != nil {
			return nil, 0, dbErr("idea list", err)
		}
		i.HiddenAt = hidden.Time
		out = append(out, &i)
	}
	return out, total, rows.Err()
}

// Ideas lists a locality's ideas (every locality's for 0) in the chosen order.
func (db *DB) Ideas(ctx context.Context, localityID int64, sort ortsplan.IdeaSort) ([]*ortsplan.Idea, error) {
	order := ideaOrder(sort)
	where, args := " WHERE i.locality_id = $1", []any{localityID}
	if localityID == 0 {
		where, args = "", nil
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+ideaColumns+ideaFrom+where+" ORDER BY "+order, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: ideas: %w", err)
	}
	defer rows.Close()
	var out []*ortsplan.Idea
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, dbErr("ideas", err)
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// Support adds or withdraws the acting resident's support and keeps the
// counts; an idea reaching the threshold in time is flagged to the
// coordinators once (ortsplan.IdeaThreshold.ShouldFlag). A verified
// resident's support keeps their person key, so one person supports an idea
// once, whichever resident account they use (a support given before the
// verification becomes verified); under rule.VerifiedOnly only verified
// residents support (ortsplan.CheckSupport).
func (db *DB) Support(ctx context.Context, ideaID int64, on bool, rule ortsplan.IdeaThreshold) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := resident(ctx, tx)
		if err != nil {
			return err
		}
		i, err := scanIdea(tx.QueryRowContext(ctx, "SELECT "+ideaColumns+ideaFrom+" WHERE i.id = $1", ideaID))
		if err != nil {
			return notFound(err, "support idea")
		}
		if i.Hidden() {
			return ortsplan.Errorf(ortsplan.EINVALID, "idea.hidden_no_support")
		}
		var changed sql.Result
		switch {
		case on && res.Verified && res.PersonKey != "":
			var other bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM idea_supports WHERE idea_id = $1 AND person_key = $2 AND resident_id <> $3)",
				ideaID, res.PersonKey, res.ID).Scan(&other); err != nil {
				return dbErr("check person support", err)
			} else if other {
				return ortsplan.Errorf(ortsplan.EINVALID, "idea.person_already_supports")
			}
			changed, err = tx.ExecContext(ctx, `INSERT INTO idea_supports (idea_id, resident_id, created_at, person_key) VALUES ($1, $2, $3, $4)
				ON CONFLICT (idea_id, resident_id) DO UPDATE SET person_key = excluded.person_key WHERE idea_supports.person_key IS NULL`,
				ideaID, res.ID, now, res.PersonKey)
		case on:
			if err := ortsplan.CheckSupport(rule, res); err != nil {
				return err
			}
			changed, err = tx.ExecContext(ctx, `INSERT INTO idea_supports (idea_id, resident_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, ideaID, res.ID, now)
		default:
			changed, err = tx.ExecContext(ctx, "DELETE FROM idea_supports WHERE idea_id = $1 AND resident_id = $2", ideaID, res.ID)
		}
		if err != nil {
			return dbErr("support", err)
		}
		if n, err := changed.RowsAffected(); err != nil {
			return dbErr("support", err)
		} else if n == 0 {
			return nil
		}
		var count, verified int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(person_key) FROM idea_supports WHERE idea_id = $1", ideaID).Scan(&count, &verified); err != nil {
			return dbErr("count supports", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE ideas SET supports = $1, verified_supports = $2 WHERE id = $3", count, verified, ideaID); err != nil {
			return dbErr("store supports", err)
		}
		if !on || !rule.ShouldFlag(i, count, now) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE ideas SET flagged_at = $1 WHERE id = $2", now, ideaID); err != nil {
			return dbErr("flag idea", err)
		}
		i.Supports = count
		if db.Composer == nil {
			return nil
		}
		to, err := scanRecipients(ctx, tx, `SELECT id, email, name, lang FROM users WHERE active AND role = 'coordinator'`)
		if err != nil {
			return err
		}
		for _, u := range to {
			if msg := db.Composer.ComposeResident("idea_flagged", u.Email, u.Name, u.Lang, i, db.baseURL()+"/ideer/"+strconv.FormatInt(i.ID, 10)); msg != nil {
				if err := db.enqueue(ctx, tx, msg); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Supports reports whether the acting resident supports the idea; false
// without a resident.
func (db *DB) Supports(ctx context.Context, ideaID int64) (bool, error) {
	res := ortsplan.ResidentFromContext(ctx)
	if res == nil {
		return false, nil
	}
	var n int
	if err := db.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM idea_supports WHERE idea_id = $1 AND resident_id = $2", ideaID, res.ID).Scan(&n); err != nil {
		return false, dbErr("supports", err)
	}
	return n > 0, nil
}

// AddComment adds the acting resident's comment, or a reply to a top-level
// comment, on an idea.
func (db *DB) AddComment(ctx context.Context, c *ortsplan.Comment) error {
	v := ortsplan.ValidationErrors{}
	if len([]rune(c.Body)) > 3000 {
		v.Add("comment", "error.too_long")
	} else if len([]rune(strings.TrimSpace(c.Body))) == 0 {
		v.Add("comment", "error.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := resident(ctx, tx)
		if err != nil {
			return err
		}
		c.ResidentID, c.AuthorName = res.ID, res.Name
		var author, loc int64
		var title string
		var hidden sql.NullTime
		err = tx.QueryRowContext(ctx, "SELECT COALESCE(resident_id, 0), locality_id, title, hidden_at FROM ideas WHERE id = $1", c.IdeaID).
			Scan(&author, &loc, &title, &hidden)
		if err != nil {
			return notFound(err, "comment idea")
		}
		if hidden.Valid {
			return ortsplan.Errorf(ortsplan.EINVALID, "idea.hidden_no_comment")
		}
		var parent any
		if c.ParentID > 0 {
			var pIdea, pParent int64
			var pHidden sql.NullTime
			err := tx.QueryRowContext(ctx, "SELECT idea_id, COALESCE(parent_id, 0), hidden_at FROM idea_comments WHERE id = $1", c.ParentID).
				Scan(&pIdea, &pParent, &pHidden)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return dbErr("reply parent", err)
			}
			if err != nil || pIdea != c.IdeaID || pParent != 0 || pHidden.Valid {
				return ortsplan.FieldError("comment", "error.reply_invalid")
			}
			parent = c.ParentID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO idea_comments (idea_id, parent_id, resident_id, author_name, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.IdeaID, parent, c.ResidentID, c.AuthorName, c.Body, now).Scan(&c.ID)
		if err != nil {
			return dbErr("insert comment", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE ideas SET comments = comments + 1, updated_at = $1 WHERE id = $2", now, c.IdeaID); err != nil {
			return dbErr("count comment", err)
		}
		c.CreatedAt = now
		// The proposer follows their own idea.
		if author != 0 && author != c.ResidentID {
			return db.notifyResident(ctx, tx, author, loc, "idea_commented", title, db.baseURL()+"/ideer/"+strconv.FormatInt(c.IdeaID, 10)+"#kommentarer")
		}
		return nil
	})
}

// Comments returns a page of an idea's comments: CommentsPerPage top-level
// comments, newest first, each with its first RepliesShown replies. The
// comments of a hidden idea are shown only to those who may moderate it.
func (db *DB) Comments(ctx context.Context, ideaID int64, page int) (*ortsplan.CommentPage, error) {
	var localityID int64
	var hidden sql.NullTime
	if err := db.db.QueryRowContext(ctx, "SELECT locality_id, hidden_at FROM ideas WHERE id = $1", ideaID).Scan(&localityID, &hidden); err != nil {
		return nil, notFound(err, "comments")
	}
	out := &ortsplan.CommentPage{Page: max(page, 1)}
	if hidden.Valid {
		if ok, err := db.canRead(ctx, localityID); err != nil {
			return nil, err
		} else if !ok {
			return out, nil
		}
	}
	if err := db.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM idea_comments WHERE idea_id = $1 AND parent_id IS NULL", ideaID).Scan(&out.Total); err != nil {
		return nil, dbErr("count comments", err)
	}
	out.Pages = (out.Total + ortsplan.CommentsPerPage - 1) / ortsplan.CommentsPerPage
	if out.Page > max(out.Pages, 1) {
		return out, nil
	}
	const cols = `id, idea_id, COALESCE(parent_id, 0), COALESCE(resident_id, 0), author_name, body, hidden_reason, hidden_at,
		restored_reason, restored_at, created_at`
	top, err := db.scanComments(ctx, "SELECT "+cols+` FROM idea_comments WHERE idea_id = $1 AND parent_id IS NULL
		ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, ideaID, ortsplan.CommentsPerPage, (out.Page-1)*ortsplan.CommentsPerPage)
	if err != nil {
		return nil, err
	}
	out.Comments = top
	if len(top) == 0 {
		return out, nil
	}
	byID := map[int64]*ortsplan.Comment{}
	args := []any{ideaID}
	for _, c := range top {
		byID[c.ID] = c
		args = append(args, c.ID)
	}
	replies, err := db.scanComments(ctx, "SELECT "+cols+` FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY parent_id ORDER BY created_at, id) AS n
		FROM idea_comments WHERE idea_id = $1 AND parent_id IN (`+placeholders(len(top), 2)+`)) r
		WHERE n <= `+strconv.Itoa(ortsplan.RepliesShown)+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	for _, r := range replies {
		if p := byID[r.ParentID]; p != nil {
			p.Replies = append(p.Replies, r)
		}
	}
	rows, err := db.db.QueryContext(ctx, `SELECT parent_id, COUNT(*) FROM idea_comments WHERE idea_id = $1 AND parent_id IN (`+
		placeholders(len(top), 2)+`) GROUP BY parent_id`, args...)
	if err != nil {
		return nil, dbErr("count replies", err)
	}
	defer rows.Close()
	for rows.Next() {
		var parent int64
		var n int
		if err := rows.Scan(&parent, &n); err != nil {
			return nil, dbErr("count replies", err)
		}
		if p := byID[parent]; p != nil {
			p.MoreReplies = n - len(p.Replies)
		}
	}
	return out, dbErr("count replies", rows.Err())
}

func (db *DB) scanComments(ctx context.Context, q string, args ...any) ([]*ortsplan.Comment, error) {
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr("comments", err)
	}
	defer rows.Close()
	var out []*ortsplan.Comment
	for rows.Next() {
		var c ortsplan.Comment
		var hidden, restored sql.NullTime
		if err := rows.Scan(&c.ID, &c.IdeaID, &c.ParentID, &c.ResidentID, &c.AuthorName, &c.Body, &c.HiddenReason, &hidden,
			&c.RestoredReason, &restored, &c.CreatedAt); err != nil {
			return nil, dbErr("comments", err)
		}
		c.HiddenAt, c.RestoredAt = hidden.Time, restored.Time
		out = append(out, &c)
	}
	return out, dbErr("comments", rows.Err())
}

// AnswerIdea records the municipality's official answer and tells the proposer.
func (db *DB) AnswerIdea(ctx context.Context, a ortsplan.IdeaAnswer) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The right comes first: someone without it learns nothing of the rules.
		if _, err := mayEditRow(ctx, tx, "answer idea", "SELECT locality_id FROM ideas WHERE id = $1", a.IdeaID); err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		i, err := scanIdea(tx.QueryRowContext(ctx, "SELECT "+ideaColumns+ideaFrom+" WHERE i.id = $1", a.IdeaID))
		if err != nil {
			return notFound(err, "answer idea")
		}
		var action any
		if a.ActionID > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM actions WHERE id = $1 AND locality_id = $2 AND archived_at IS NULL", a.ActionID, i.LocalityID).Scan(&n); err != nil {
				return dbErr("answer action", err)
			}
			if n == 0 {
				return ortsplan.FieldError("action", "error.choose_from_list")
			}
			action = a.ActionID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ideas SET status = $1, answer = $2, action_id = $3, answered_by = $4, answered_at = $5, updated_at = $5
			WHERE id = $6`, string(a.Status), a.Answer, action, actorArg(ctx), now, a.IdeaID); err != nil {
			return dbErr("answer idea", err)
		}
		if err := audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "idea:answer", fmt.Sprint(a.IdeaID), string(a.Status)); err != nil {
			return err
		}
		if db.Composer == nil || i.ResidentID == 0 {
			return nil
		}
		var email, name, lang string
		err = tx.QueryRowContext(ctx, "SELECT email, name, lang FROM residents WHERE id = $1 AND deleted_at IS NULL", i.ResidentID).Scan(&email, &name, &lang)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // the account is gone: nobody to tell
		} else if err != nil {
			return dbErr("answer idea proposer", err)
		}
		i.Status, i.Answer = a.Status, a.Answer
		if msg := db.Composer.ComposeResident("idea_answered", email, name, lang, i, db.baseURL()+"/ideer/"+strconv.FormatInt(i.ID, 10)); msg != nil {
			return db.enqueue(ctx, tx, msg)
		}
		return nil
	})
}

// ProposerReachable reports whether the idea's proposer can be told of an
// answer; see ortsplan.IdeaService.
func (db *DB) ProposerReachable(ctx context.Context, ideaID int64) (bool, error) {
	if _, err := mayEditRow(ctx, db.db, "proposer of idea", "SELECT locality_id FROM ideas WHERE id = $1", ideaID); err != nil {
		return false, err
	}
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ideas i JOIN residents r ON r.id = i.resident_id
		WHERE i.id = $1 AND r.deleted_at IS NULL`, ideaID).Scan(&n)
	return n > 0, dbErr("proposer of idea", err)
}

// moderationTarget reads the idea a report or moderation is about, and checks
// that the target is the idea itself or one of its comments. It returns the
// idea's locality and the target's table.
func moderationTarget(ctx context.Context, q querier, ideaID int64, kind string, targetID int64) (int64, string, error) {
	var localityID int64
	if err := q.QueryRowContext(ctx, "SELECT locality_id FROM ideas WHERE id = $1", ideaID).Scan(&localityID); err != nil {
		return 0, "", notFound(err, "moderated idea")
	}
	switch kind {
	case ortsplan.ModerateIdea:
		if targetID != ideaID {
			return 0, "", notFound(sql.ErrNoRows, "moderated idea is another idea")
		}
		return localityID, "ideas", nil
	case ortsplan.ModerateComment:
	default:
		return 0, "", ortsplan.FieldError("kind", "error.choose_from_list")
	}
	var commentIdea int64
	err := q.QueryRowContext(ctx, "SELECT idea_id FROM idea_comments WHERE id = $1", targetID).Scan(&commentIdea)
	if err != nil {
		return 0, "", notFound(err, "moderated comment")
	}
	if commentIdea != ideaID {
		return 0, "", notFound(sql.ErrNoRows, "moderated comment of another idea")
	}
	return localityID, "idea_comments", nil
}

// Report records a report about an idea or one of its comments.
func (db *DB) Report(ctx context.Context, r ortsplan.Report) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := moderationTarget(ctx, tx, r.IdeaID, r.Kind, r.TargetID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO content_reports (kind, target_id, reason, created_at) VALUES ($1, $2, $3, $4)",
			r.Kind, r.TargetID, r.Reason, db.nowFor(ctx))
		return dbErr("report", err)
	})
}

// Hide hides an idea or one of its comments with a reason shown publicly,
// marks its reports handled and logs the decision. The content is kept. The
// target must belong to the idea, and the acting account must be allowed to
// edit the idea's locality.
func (db *DB) Hide(ctx context.Context, m ortsplan.Moderation) error {
	return db.moderate(ctx, m, true)
}

// Unhide shows a hidden idea or comment again with a reason shown publicly,
// and logs the decision.
func (db *DB) Unhide(ctx context.Context, m ortsplan.Moderation) error {
	return db.moderate(ctx, m, false)
}

func (db *DB) moderate(ctx context.Context, m ortsplan.Moderation, hide bool) error {
	now := db.nowFor(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The right to the idea's locality comes first, then that the target
		// belongs to the idea, then the decision's rules.
		if _, err := mayEditRow(ctx, tx, "moderated idea", "SELECT locality_id FROM ideas WHERE id = $1", m.IdeaID); err != nil {
			return err
		}
		_, table, err := moderationTarget(ctx, tx, m.IdeaID, m.Kind, m.TargetID)
		if err != nil {
			return err
		}
		if err := m.Validate(); err != nil {
			return err
		}
		var hidden sql.NullTime
		if err := tx.QueryRowContext(ctx, "SELECT hidden_at FROM "+table+" WHERE id = $1", m.TargetID).Scan(&hidden); err != nil {
			return notFound(err, "moderate")
		}
		var res sql.Result
		action := "hide"
		switch {
		case hide && hidden.Valid:
			return ortsplan.Errorf(ortsplan.EINVALID, "moderation.already_hidden")
		case !hide && !hidden.Valid:
			return ortsplan.Errorf(ortsplan.EINVALID, "moderation.not_hidden")
		case hide:
			res, err = tx.ExecContext(ctx, "UPDATE "+table+" SET hidden_reason = $1, hidden_at = $2 WHERE id = $3", m.Reason, now, m.TargetID)
		default:
			action = "unhide"
			res, err = tx.ExecContext(ctx, `UPDATE `+table+` SET hidden_reason = '', hidden_at = NULL, restored_reason = $1, restored_at = $2
				WHERE id = $3`, m.Reason, now, m.TargetID)
		}
		if err := mustAffect(res, err, action); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE content_reports SET handled = $1 WHERE kind = $2 AND target_id = $3", true, m.Kind, m.TargetID); err != nil {
			return dbErr("handle reports", err)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO moderation_log (kind, target_id, action, reason, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
			m.Kind, m.TargetID, action, m.Reason, actorArg(ctx), now)
		return dbErr("moderation log", err)
	})
}

// maxOpenReports bounds the list of open reports.
const maxOpenReports = 500

// OpenReports lists unhandled reports in the localities the acting account
// may edit, with the idea they concern, oldest first.
func (db *DB) OpenReports(ctx context.Context) ([]*ortsplan.ContentReport, error) {
	u, err := actorFor(ctx, db.db)
	if err != nil {
		return nil, err
	}
	all, ids := u.EditableLocalities()
	if !all && len(ids) == 0 {
		return nil, nil
	}
	where, args := "", []any{}
	if !all {
		where = " AND i.locality_id IN (" + placeholders(len(ids), 1) + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := db.db.QueryContext(ctx, `SELECT r.id, r.kind, r.target_id, i.id, i.title, l.slug, r.reason, r.created_at
		FROM content_reports r
		LEFT JOIN idea_comments c ON r.kind = 'comment' AND c.id = r.target_id
		JOIN ideas i ON i.id = CASE WHEN r.kind = 'idea' THEN r.target_id ELSE c.idea_id END
		JOIN localities l ON l.id = i.locality_id
		WHERE NOT r.handled`+where+` ORDER BY r.created_at, r.id LIMIT `+strconv.Itoa(maxOpenReports), args...)
	if err != nil {
		return nil, dbErr("open reports", err)
	}
	defer rows.Close()
	var out []*ortsplan.ContentReport
	for rows.Next() {
		var c ortsplan.ContentReport
		if err := rows.Scan(&c.ID, &c.Kind, &c.TargetID, &c.IdeaID, &c.IdeaTitle, &c.LocalitySlug, &c.Reason, &c.CreatedAt); err != nil {
			return nil, dbErr("open reports", err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// placeholders returns "$from, $from+1, …" for n parameters.
func placeholders(n, from int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

var (
	_ ortsplan.IdeaService     = (*DB)(nil)
	_ ortsplan.ResidentService = (*DB)(nil)
)

// UpdateResident changes the acting resident's display name and home
// locality, and the name their ideas and comments show, in one transaction.
func (db *DB) UpdateResident(ctx context.Context, p ortsplan.ResidentProfile) error {
	res := ortsplan.ResidentFromContext(ctx)
	if res == nil {
		return errResidentLogin
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var loc any
		if p.LocalityID > 0 {
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", p.LocalityID).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return ortsplan.FieldError("locality", "error.choose_from_list")
			} else if err != nil {
				return dbErr("resident locality", err)
			}
			loc = id
		}
		var old string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM residents WHERE id = $1 AND deleted_at IS NULL", res.ID).Scan(&old); err != nil {
			return notFound(err, "update resident")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE residents SET name = $1, locality_id = $2 WHERE id = $3", p.Name, loc, res.ID); err != nil {
			return dbErr("update resident", err)
		}
		if old == p.Name {
			return nil
		}
		for _, q := range []string{
			"UPDATE ideas SET author_name = $1 WHERE resident_id = $2",
			"UPDATE idea_comments SET author_name = $1 WHERE resident_id = $2",
		} {
			if _, err := tx.ExecContext(ctx, q, p.Name, res.ID); err != nil {
				return dbErr("rename resident", err)
			}
		}
		return nil
	})
}

// Contributions lists the acting resident's own latest ideas and comments.
func (db *DB) Contributions(ctx context.Context) ([]*ortsplan.Idea, []*ortsplan.Comment, error) {
	res := ortsplan.ResidentFromContext(ctx)
	if res == nil {
		return nil, nil, errResidentLogin
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+ideaColumns+ideaFrom+" WHERE i.resident_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2",
		res.ID, ortsplan.MaxContributions)
	if err != nil {
		return nil, nil, dbErr("own ideas", err)
	}
	defer rows.Close()
	var ideas []*ortsplan.Idea
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, nil, dbErr("own ideas", err)
		}
		ideas = append(ideas, i)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, dbErr("own ideas", err)
	}
	comments, err := db.scanComments(ctx, `SELECT id, idea_id, COALESCE(parent_id, 0), COALESCE(resident_id, 0), author_name, body, hidden_reason,
		hidden_at, restored_reason, restored_at, created_at FROM idea_comments WHERE resident_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
		res.ID, ortsplan.MaxContributions)
	if err != nil {
		return nil, nil, err
	}
	return ideas, comments, nil
}
