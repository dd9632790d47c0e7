package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

const surveyColumns = `s.id, COALESCE(s.locality_id, 0), COALESCE(l.slug, ''), COALESCE(l.name, ''), s.title, s.intro, s.opens, s.closes,
	s.one_per_resident, s.results_while_open, s.template, s.questions, s.responses, s.paper_responses, s.created_at, s.updated_at`

const surveyFrom = " FROM surveys s LEFT JOIN localities l ON l.id = s.locality_id"

func scanSurvey(row interface{ Scan(...any) error }) (*ortsplan.Survey, error) {
	var s ortsplan.Survey
	var qs string
	if err := row.Scan(&s.ID, &s.LocalityID, &s.LocalitySlug, &s.LocalityName, &s.Title, &s.Intro, dateCol{&s.Opens}, dateCol{&s.Closes},
		&s.OnePerResident, &s.ResultsWhileOpen, &s.Template, &qs, &s.Responses, &s.PaperResponses, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(qs), &s.Questions); err != nil {
		return nil, fmt.Errorf("sqlstore: survey %d questions: %w", s.ID, err)
	}
	return &s, nil
}

// maySurvey checks the acting account's right to a survey of the locality
// (0: the municipality's own).
func maySurvey(ctx context.Context, q querier, localityID int64) error {
	u, err := actorFor(ctx, q)
	if err != nil {
		return err
	}
	if !u.CanEditSurvey(localityID) {
		return errForbidden
	}
	return nil
}

func nullID(id int64) any {
	if id > 0 {
		return id
	}
	return nil
}

// SaveSurvey creates or changes a survey. The right is checked against the
// locality stored for an existing survey as well as the one asked for; the
// questions stay as they are once the survey has answers.
func (db *DB) SaveSurvey(ctx context.Context, s *ortsplan.Survey) error {
	if err := s.Validate(); err != nil {
		return err
	}
	qs, err := json.Marshal(s.Questions)
	if err != nil {
		return fmt.Errorf("sqlstore: survey questions: %w", err)
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if s.LocalityID > 0 {
			var id int64
			if err := tx.QueryRowContext(ctx, "SELECT id FROM localities WHERE id = $1", s.LocalityID).Scan(&id); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return ortsplan.FieldError("locality", "error.choose_from_list")
				}
				return dbErr("survey locality", err)
			}
		}
		if err := maySurvey(ctx, tx, s.LocalityID); err != nil {
			return err
		}
		if s.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO surveys (locality_id, title, intro, opens, closes, one_per_resident, results_while_open,
				template, questions, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
				nullID(s.LocalityID), s.Title, s.Intro, dateArg(s.Opens), dateArg(s.Closes), s.OnePerResident, s.ResultsWhileOpen,
				s.Template, string(qs), actorArg(ctx), now).Scan(&s.ID)
			if err != nil {
				return dbErr("create survey", err)
			}
			return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "survey:create", strconv.FormatInt(s.ID, 10), s.Title)
		}
		old, err := scanSurvey(tx.QueryRowContext(ctx, "SELECT "+surveyColumns+surveyFrom+" WHERE s.id = $1", s.ID))
		if err != nil {
			return notFound(err, "survey")
		}
		if err := maySurvey(ctx, tx, old.LocalityID); err != nil {
			return err
		}
		oldQs, _ := json.Marshal(old.Questions)
		if old.Responses > 0 && string(oldQs) != string(qs) {
			return ortsplan.FieldError("questions", "survey.questions_locked")
		}
		s.Template = old.Template
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET locality_id = $1, title = $2, intro = $3, opens = $4, closes = $5,
			one_per_resident = $6, results_while_open = $7, questions = $8, updated_at = $9 WHERE id = $10`,
			nullID(s.LocalityID), s.Title, s.Intro, dateArg(s.Opens), dateArg(s.Closes), s.OnePerResident, s.ResultsWhileOpen,
			string(qs), now, s.ID); err != nil {
			return dbErr("update survey", err)
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "survey:update", strconv.FormatInt(s.ID, 10), s.Title)
	})
}

// FindSurvey returns a survey. One that has not opened yet is shown only
// to staff who may edit it.
func (db *DB) FindSurvey(ctx context.Context, id int64) (*ortsplan.Survey, error) {
	s, err := scanSurvey(db.db.QueryRowContext(ctx, "SELECT "+surveyColumns+surveyFrom+" WHERE s.id = $1", id))
	if err != nil {
		return nil, notFound(err, "survey")
	}
	return s, nil
}

// Surveys lists surveys, the latest opening first.
func (db *DB) Surveys(ctx context.Context, f ortsplan.SurveyFilter) ([]*ortsplan.Survey, error) {
	q := "SELECT " + surveyColumns + surveyFrom + " WHERE 1 = 1"
	var args []any
	if f.LocalityID > 0 {
		args = append(args, f.LocalityID)
		q += " AND s.locality_id = $" + strconv.Itoa(len(args))
	}
	if f.Public {
		args = append(args, dateArg(ortsplan.SurveyDay(db.now(), i18n.Stockholm())))
		q += " AND s.opens <= $" + strconv.Itoa(len(args))
	}
	q += " ORDER BY s.opens DESC, s.id DESC LIMIT " + strconv.Itoa(ortsplan.SurveyListLimit)
	return db.scanSurveys(ctx, q, args...)
}

func (db *DB) scanSurveys(ctx context.Context, q string, args ...any) ([]*ortsplan.Survey, error) {
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr("list surveys", err)
	}
	defer rows.Close()
	var out []*ortsplan.Survey
	for rows.Next() {
		s, err := scanSurvey(rows)
		if err != nil {
			return nil, dbErr("list surveys", err)
		}
		out = append(out, s)
	}
	return out, dbErr("list surveys", rows.Err())
}

var (
	errSurveyAnswered = &ortsplan.Error{Code: ortsplan.ECONFLICT, Key: "survey.already_answered"}
	errSurveyClosed   = &ortsplan.Error{Code: ortsplan.EINVALID, Key: "survey.not_open"}
)

// AnswerSurvey stores one answer set and counts it, in one transaction: the
// survey must be open today (paper answers may be entered after closing),
// the browser (and the resident, when the survey asks) must not have
// answered it before — the unique keys decide that, so two submissions at
// once store one.
func (db *DB) AnswerSurvey(ctx context.Context, r *ortsplan.SurveyResponse, browser string) error {
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		s, err := scanSurvey(tx.QueryRowContext(ctx, "SELECT "+surveyColumns+surveyFrom+" WHERE s.id = $1", r.SurveyID))
		if err != nil {
			return notFound(err, "survey")
		}
		var browserArg, residentArg, enteredBy any
		if r.Paper {
			if err := maySurvey(ctx, tx, s.LocalityID); err != nil {
				return err
			}
			if s.State(now, i18n.Stockholm()) == ortsplan.SurveyUpcoming {
				return errSurveyClosed
			}
			enteredBy = actorArg(ctx)
		} else {
			// The system (the demo loader, an import) may store answer sets
			// from outside the dates; nobody else may.
			if s.State(now, i18n.Stockholm()) != ortsplan.SurveyOpen && !ortsplan.IsSystem(ctx) {
				return errSurveyClosed
			}
			if browser == "" {
				return ortsplan.Errorf(ortsplan.EINVALID, "survey.cookie_needed")
			}
			browserArg = hashToken(browser)
			if s.OnePerResident {
				res, err := resident(ctx, tx)
				if err != nil {
					return err
				}
				residentArg = res.ID
			}
		}
		if err := s.CheckResponse(r); err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO survey_responses (survey_id, browser_hash, resident_id, paper, entered_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, s.ID, browserArg, residentArg, r.Paper, enteredBy, now).Scan(&id)
		if isUniqueViolation(err) {
			return errSurveyAnswered
		} else if err != nil {
			return dbErr("store answer set", err)
		}
		ins := func(q int, choice, value, body any) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (response_id, survey_id, question, choice, value, body, review, paper, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, s.ID, q, choice, value, body, reviewFor(body), r.Paper, now)
			return dbErr("store answer", err)
		}
		for n, a := range r.Answers {
			var err error
			switch {
			case a.Empty():
			case s.Questions[n].Kind == ortsplan.QuestionScale:
				err = ins(n, nil, a.Value, nil)
			case s.Questions[n].Kind == ortsplan.QuestionText:
				err = ins(n, nil, nil, a.Text)
			default:
				for _, c := range a.Choices {
					if err = ins(n, c, nil, nil); err != nil {
						break
					}
				}
			}
			if err != nil {
				return err
			}
		}
		paper := 0
		if r.Paper {
			paper = 1
		}
		_, err = tx.ExecContext(ctx, "UPDATE surveys SET responses = responses + 1, paper_responses = paper_responses + $1 WHERE id = $2", paper, s.ID)
		return dbErr("count answer set", err)
	})
}

func reviewFor(body any) string {
	if body == nil {
		return ""
	}
	return string(ortsplan.TextWaiting)
}

// Answered reports whether this browser, or the acting resident, has answered the survey.
func (db *DB) Answered(ctx context.Context, surveyID int64, browser string) (bool, error) {
	var res int64 = -1
	if r := ortsplan.ResidentFromContext(ctx); r != nil && r.ID > 0 {
		res = r.ID
	}
	hash := "-"
	if browser != "" {
		hash = hashToken(browser)
	}
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1 AND (browser_hash = $2 OR resident_id = $3)`,
		surveyID, hash, res).Scan(&n)
	return n > 0, dbErr("answered", err)
}

// SurveyResults counts a survey's answers. Before the results are public
// only staff who may edit the survey see them; free texts not approved are
// left out for everyone else.
func (db *DB) SurveyResults(ctx context.Context, id int64) (*ortsplan.SurveyResults, error) {
	s, err := db.FindSurvey(ctx, id)
	if err != nil {
		return nil, err
	}
	staff := false
	if ortsplan.IsSystem(ctx) || ortsplan.UserFromContext(ctx) != nil {
		staff = maySurvey(ctx, db.db, s.LocalityID) == nil
	}
	if !staff && !s.ResultsPublic(db.now(), i18n.Stockholm()) {
		return nil, &ortsplan.Error{Code: ortsplan.EFORBIDDEN, Key: "survey.results_not_yet"}
	}
	res := &ortsplan.SurveyResults{Survey: s, Questions: make([]ortsplan.QuestionResult, len(s.Questions))}
	for n, q := range s.Questions {
		qr := &res.Questions[n]
		qr.Question = q
		switch q.Kind {
		case ortsplan.QuestionSingle, ortsplan.QuestionMultiple:
			for _, o := range q.Options {
				qr.Counts = append(qr.Counts, ortsplan.OptionCount{Label: o})
			}
		case ortsplan.QuestionScale:
			for v := ortsplan.ScaleMin; v <= ortsplan.ScaleMax; v++ {
				qr.Counts = append(qr.Counts, ortsplan.OptionCount{Label: strconv.Itoa(v)})
			}
		}
	}
	// One row per question and option or step: bounded by the survey's limits.
	rows, err := db.db.QueryContext(ctx, `SELECT question, COALESCE(choice, -1), COALESCE(value, 0), COUNT(*),
		SUM(CASE WHEN paper THEN 1 ELSE 0 END) FROM survey_answers WHERE survey_id = $1 AND body IS NULL
		GROUP BY question, choice, value`, id)
	if err != nil {
		return nil, dbErr("count answers", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q, choice, value, count, paper int
		if err := rows.Scan(&q, &choice, &value, &count, &paper); err != nil {
			return nil, dbErr("count answers", err)
		}
		if q < 0 || q >= len(res.Questions) {
			continue
		}
		qr := &res.Questions[q]
		i := choice
		if qr.Question.Kind == ortsplan.QuestionScale {
			i = value - ortsplan.ScaleMin
		}
		if i >= 0 && i < len(qr.Counts) {
			qr.Counts[i].Count += count
			qr.Counts[i].Paper += paper
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("count answers", err)
	}
	rows.Close()
	// How many answer sets answered each question, and of them on paper.
	rows, err = db.db.QueryContext(ctx, `SELECT a.question, COUNT(DISTINCT a.response_id),
		COUNT(DISTINCT CASE WHEN a.paper THEN a.response_id END) FROM survey_answers a WHERE a.survey_id = $1 GROUP BY a.question`, id)
	if err != nil {
		return nil, dbErr("count answered", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q, n, paper int
		if err := rows.Scan(&q, &n, &paper); err != nil {
			return nil, dbErr("count answered", err)
		}
		if q >= 0 && q < len(res.Questions) {
			res.Questions[q].Answered, res.Questions[q].Paper = n, paper
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("count answered", err)
	}
	rows.Close()
	for n := range res.Questions {
		qr := &res.Questions[n]
		if qr.Question.Kind == ortsplan.QuestionScale {
			counts := make([]int, len(qr.Counts))
			for i, c := range qr.Counts {
				counts[i] = c.Count
			}
			qr.Mean, _ = ortsplan.ScaleMean(counts)
		}
		if qr.Question.Kind != ortsplan.QuestionText {
			continue
		}
		q := `SELECT id, body, paper, review, created_at FROM survey_answers WHERE survey_id = $1 AND question = $2 AND body IS NOT NULL`
		if !staff {
			q += " AND review = 'approved'"
		}
		q += " ORDER BY id LIMIT " + strconv.Itoa(ortsplan.SurveyTextsLimit)
		if err := func() error {
			rows, err := db.db.QueryContext(ctx, q, id, n)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var t ortsplan.SurveyText
				if err := rows.Scan(&t.ID, &t.Text, &t.Paper, &t.Review, &t.Answered); err != nil {
					return err
				}
				if t.Review == ortsplan.TextWaiting {
					qr.TextsWaiting++
				}
				qr.Texts = append(qr.Texts, t)
			}
			return rows.Err()
		}(); err != nil {
			return nil, dbErr("read free texts", err)
		}
	}
	return res, nil
}

// ReviewText approves or hides one free-text answer of the survey.
func (db *DB) ReviewText(ctx context.Context, surveyID, textID int64, review ortsplan.TextReview) error {
	if review != ortsplan.TextApproved && review != ortsplan.TextHidden {
		return ortsplan.FieldError("review", "error.choose_from_list")
	}
	now := db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var loc sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT locality_id FROM surveys WHERE id = $1", surveyID).Scan(&loc); err != nil {
			return notFound(err, "survey")
		}
		if err := maySurvey(ctx, tx, loc.Int64); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE survey_answers SET review = $1 WHERE id = $2 AND survey_id = $3 AND body IS NOT NULL",
			string(review), textID, surveyID)
		if err != nil {
			return dbErr("review text", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(sql.ErrNoRows, "survey text")
		}
		return audit(ctx, tx, now, ortsplan.UserIDFromContext(ctx), "survey:review", strconv.FormatInt(surveyID, 10),
			strconv.FormatInt(textID, 10)+" "+string(review))
	})
}

// SurveysClosingSoon lists the open surveys the acting staff member may
// edit that close within ortsplan.SurveysClosingWithin, soonest first.
func (db *DB) SurveysClosingSoon(ctx context.Context) ([]*ortsplan.Survey, error) {
	u, err := actorFor(ctx, db.db)
	if err != nil {
		return nil, err
	}
	today := ortsplan.SurveyDay(db.now(), i18n.Stockholm())
	ss, err := db.scanSurveys(ctx, "SELECT "+surveyColumns+surveyFrom+` WHERE s.opens <= $1 AND s.closes >= $1 AND s.closes < $2
		ORDER BY s.closes, s.id LIMIT `+strconv.Itoa(ortsplan.SurveyListLimit),
		dateArg(today), dateArg(today.Add(ortsplan.SurveysClosingWithin)))
	if err != nil {
		return nil, err
	}
	out := ss[:0]
	for _, s := range ss {
		if u.CanEditSurvey(s.LocalityID) {
			out = append(out, s)
		}
	}
	return out, nil
}

// ViKansla sums the vi-känsla surveys' 1–5 answers per locality and year
// (the year the survey opened). One row per survey is read, then added up.
func (db *DB) ViKansla(ctx context.Context, localityID int64) ([]ortsplan.ViKanslaYear, error) {
	q := `SELECT s.locality_id, l.name, s.opens, s.responses, COALESCE(SUM(a.value), 0), COUNT(a.value)
		FROM surveys s JOIN localities l ON l.id = s.locality_id LEFT JOIN survey_answers a ON a.survey_id = s.id
		WHERE s.template = $1`
	args := []any{ortsplan.SurveyTemplateViKansla}
	if localityID > 0 {
		q += " AND s.locality_id = $2"
		args = append(args, localityID)
	}
	q += " GROUP BY s.id, s.locality_id, l.name, s.opens, s.responses LIMIT 10000"
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr("vi-känsla", err)
	}
	defer rows.Close()
	type key struct {
		loc  int64
		year int
	}
	sums := map[key]*struct {
		ortsplan.ViKanslaYear
		sum, n int
	}{}
	for rows.Next() {
		var loc int64
		var name string
		var opens time.Time
		var n, responses, sum int
		if err := rows.Scan(&loc, &name, dateCol{&opens}, &responses, &sum, &n); err != nil {
			return nil, dbErr("vi-känsla", err)
		}
		k := key{loc, opens.Year()}
		v := sums[k]
		if v == nil {
			v = &struct {
				ortsplan.ViKanslaYear
				sum, n int
			}{ViKanslaYear: ortsplan.ViKanslaYear{LocalityID: loc, LocalityName: name, Year: k.year}}
			sums[k] = v
		}
		v.Responses += responses
		v.sum += sum
		v.n += n
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("vi-känsla", err)
	}
	out := make([]ortsplan.ViKanslaYear, 0, len(sums))
	for _, v := range sums {
		if v.n > 0 {
			v.Mean = float64(v.sum) / float64(v.n)
		}
		out = append(out, v.ViKanslaYear)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].LocalityName != out[j].LocalityName {
			return out[i].LocalityName < out[j].LocalityName
		}
		return out[i].Year < out[j].Year
	})
	return out, nil
}
