package ortsplan

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// QuestionKind is what kind of answer a survey question takes.
type QuestionKind string

// Question kinds.
const (
	QuestionSingle   QuestionKind = "single"   // one of the options
	QuestionMultiple QuestionKind = "multiple" // any of the options
	QuestionScale    QuestionKind = "scale"    // 1–5
	QuestionText     QuestionKind = "text"     // free text, shown publicly after review
)

// QuestionKinds lists the kinds in the order forms offer them.
var QuestionKinds = []QuestionKind{QuestionSingle, QuestionMultiple, QuestionScale, QuestionText}

// Survey limits: a survey is short, so it is answered on a phone.
const (
	MaxSurveyQuestions = 20
	MaxSurveyOptions   = 10
	MinSurveyOptions   = 2
	MaxSurveyText      = 2000 // one free-text answer, in characters
	ScaleMin, ScaleMax = 1, 5
	// SurveysClosingWithin is how far ahead the staff home looks for
	// surveys that close.
	SurveysClosingWithin = 14 * 24 * time.Hour
	// SurveyListLimit bounds every list of surveys.
	SurveyListLimit = 200
	// SurveyTextsLimit bounds the free-text answers shown per question.
	SurveyTextsLimit = 500
)

// SurveyTemplateViKansla marks a survey made from the ready-made vi-känsla
// template: its 1–5 statements feed the effects dashboard.
const SurveyTemplateViKansla = "vikansla"

// SurveyQuestion is one question of a survey.
type SurveyQuestion struct {
	Kind    QuestionKind `json:"kind"`
	Text    string       `json:"text"`
	Options []string     `json:"options,omitempty"` // single and multiple choice
	// Key names a template's question (vi-känsla), so it is shown in the
	// reader's language; "" for questions staff wrote.
	Key string `json:"key,omitempty"`
}

// Survey is a short questionnaire for a locality (LocalityID > 0) or the
// whole municipality (0), open from Opens to Closes (whole days, Stockholm).
type Survey struct {
	ID           int64
	LocalityID   int64
	LocalitySlug string
	LocalityName string
	Title        string
	Intro        string
	Opens        time.Time // the first day it takes answers
	Closes       time.Time // the last day it takes answers
	// OnePerResident asks for a resident login: one answer per account
	// (besides one per browser).
	OnePerResident bool
	// ResultsWhileOpen shows the results before the survey closes.
	ResultsWhileOpen bool
	Template         string // SurveyTemplateViKansla or ""
	Questions        []SurveyQuestion
	Responses        int // all answer sets, paper ones included
	PaperResponses   int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// SurveyState is where a survey stands on a given day.
type SurveyState string

// Survey states.
const (
	SurveyUpcoming SurveyState = "upcoming"
	SurveyOpen     SurveyState = "open"
	SurveyClosed   SurveyState = "closed"
)

// day returns t's date in loc as midnight UTC, for comparing whole days.
func day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// State returns whether the survey is upcoming, open or closed at now; the
// dates are whole days in loc (Europe/Stockholm), both included.
func (s *Survey) State(now time.Time, loc *time.Location) SurveyState {
	today := day(now, loc)
	switch {
	case today.Before(day(s.Opens, time.UTC)):
		return SurveyUpcoming
	case today.After(day(s.Closes, time.UTC)):
		return SurveyClosed
	}
	return SurveyOpen
}

// ResultsPublic reports whether anyone may see the results at now: after
// closing, or while open when staff chose so.
func (s *Survey) ResultsPublic(now time.Time, loc *time.Location) bool {
	switch s.State(now, loc) {
	case SurveyClosed:
		return true
	case SurveyOpen:
		return s.ResultsWhileOpen
	}
	return false
}

// ClosingSoon reports whether an open survey closes within SurveysClosingWithin.
func (s *Survey) ClosingSoon(now time.Time, loc *time.Location) bool {
	return s.State(now, loc) == SurveyOpen && day(s.Closes, time.UTC).Before(day(now, loc).Add(SurveysClosingWithin))
}

// Validate checks a survey staff wrote: a title, dates in order, and a
// bounded number of questions, each with a text and, for choices, two to
// MaxSurveyOptions distinct options. Question errors are on "q<n>" (from 1).
func (s *Survey) Validate() error {
	v := ValidationErrors{}
	s.Title = strings.TrimSpace(s.Title)
	s.Intro = strings.TrimSpace(s.Intro)
	checkText(v, "title", s.Title, true, maxTitle)
	checkText(v, "intro", s.Intro, false, 5000)
	switch {
	case s.Opens.IsZero():
		v.Add("opens", "error.required")
	case s.Closes.IsZero():
		v.Add("closes", "error.required")
	case s.Closes.Before(s.Opens):
		v.Add("closes", "survey.closes_before_opens")
	}
	if s.Template != "" && s.Template != SurveyTemplateViKansla {
		v.Add("template", "error.choose_from_list")
	}
	if len(s.Questions) == 0 {
		v.Add("questions", "survey.no_questions")
	} else if len(s.Questions) > MaxSurveyQuestions {
		v.Add("questions", "survey.too_many_questions")
	}
	for n := range s.Questions {
		q := &s.Questions[n]
		field := "q" + strconv.Itoa(n+1)
		q.Text = strings.TrimSpace(q.Text)
		checkText(v, field, q.Text, true, 300)
		if !slices.Contains(QuestionKinds, q.Kind) {
			v.Add(field, "error.choose_from_list")
			continue
		}
		var opts []string
		for _, o := range q.Options {
			if o = strings.TrimSpace(o); o != "" {
				opts = append(opts, o)
			}
		}
		q.Options = opts
		if q.Kind != QuestionSingle && q.Kind != QuestionMultiple {
			q.Options = nil
			continue
		}
		switch {
		case len(opts) < MinSurveyOptions:
			v.Add(field, "survey.too_few_options")
		case len(opts) > MaxSurveyOptions:
			v.Add(field, "survey.too_many_options")
		}
		seen := map[string]bool{}
		for _, o := range opts {
			checkText(v, field, o, true, 150)
			if seen[strings.ToLower(o)] {
				v.Add(field, "survey.option_twice")
			}
			seen[strings.ToLower(o)] = true
		}
	}
	return v.Err()
}

// SurveyAnswer is the answer to one question: Choices (option indexes, from
// 0) for single and multiple choice, Value for the scale, Text for free text.
type SurveyAnswer struct {
	Choices []int
	Value   int
	Text    string
}

// Empty reports whether the question was left unanswered.
func (a SurveyAnswer) Empty() bool {
	return len(a.Choices) == 0 && a.Value == 0 && strings.TrimSpace(a.Text) == ""
}

// SurveyResponse is one person's answer set, typed by them or, from paper
// at a stormöte, by staff (Paper).
type SurveyResponse struct {
	SurveyID int64
	Paper    bool
	Answers  []SurveyAnswer // one per question, in order
}

// CheckResponse checks an answer set against the survey's questions: every
// answer within its question's options or scale, at least one question
// answered. Errors are on "q<n>" (from 1); it trims the free texts.
func (s *Survey) CheckResponse(r *SurveyResponse) error {
	v := ValidationErrors{}
	if len(r.Answers) != len(s.Questions) {
		v.Add("answers", "error.form")
		return v.Err()
	}
	answered := false
	for n, q := range s.Questions {
		a := &r.Answers[n]
		field := "q" + strconv.Itoa(n+1)
		a.Text = strings.TrimSpace(a.Text)
		if a.Empty() {
			continue
		}
		answered = true
		switch q.Kind {
		case QuestionSingle, QuestionMultiple:
			if a.Value != 0 || a.Text != "" || (q.Kind == QuestionSingle && len(a.Choices) > 1) {
				v.Add(field, "error.choose_from_list")
			}
			seen := map[int]bool{}
			for _, c := range a.Choices {
				if c < 0 || c >= len(q.Options) || seen[c] {
					v.Add(field, "error.choose_from_list")
				}
				seen[c] = true
			}
		case QuestionScale:
			if a.Value < ScaleMin || a.Value > ScaleMax || len(a.Choices) > 0 || a.Text != "" {
				v.Add(field, "survey.scale_invalid")
			}
		case QuestionText:
			if len(a.Choices) > 0 || a.Value != 0 {
				v.Add(field, "error.form")
			}
			checkText(v, field, a.Text, false, MaxSurveyText)
		}
	}
	if !answered && len(v) == 0 {
		v.Add("answers", "survey.nothing_answered")
	}
	return v.Err()
}

// ViKanslaKeys name the vi-känsla template's statements, in order; the
// texts are in the catalogs as "vikansla.<key>".
var ViKanslaKeys = []string{"belong", "neighbours", "trust", "listens", "future"}

// viKanslaSwedish are the statements as stored with the survey.
var viKanslaSwedish = map[string]string{
	"belong":     "Jag känner att jag hör hemma på orten.",
	"neighbours": "Här hjälper vi varandra när det behövs.",
	"trust":      "Jag litar på att kommunen gör det den lovar.",
	"listens":    "Kommunen lyssnar på oss som bor här.",
	"future":     "Jag tror att orten har en bra framtid.",
}

// ViKanslaSurvey returns the ready-made vi-känsla survey for a locality and
// year: five 1–5 statements on belonging, trust in the municipality and
// belief in the locality's future, open the given days. Title and intro are
// Swedish; the statements are shown in the reader's language.
func ViKanslaSurvey(localityID int64, localityName string, opens, closes time.Time) *Survey {
	s := &Survey{LocalityID: localityID, Template: SurveyTemplateViKansla,
		Title:  "Vi-känsla i " + localityName + " " + strconv.Itoa(opens.Year()),
		Intro:  "Hur känns det att bo här? Svara på fem korta påståenden från 1 (stämmer inte alls) till 5 (stämmer helt). Vi frågar varje år för att se om något förändras.",
		Opens:  opens,
		Closes: closes,
	}
	for _, k := range ViKanslaKeys {
		s.Questions = append(s.Questions, SurveyQuestion{Kind: QuestionScale, Text: viKanslaSwedish[k], Key: k})
	}
	return s
}

// OptionCount is how many chose one option or scale step, and of them how
// many on paper.
type OptionCount struct {
	Label string
	Count int
	Paper int
}

// SurveyText is one free-text answer and its review.
type SurveyText struct {
	ID       int64
	Text     string
	Paper    bool
	Review   TextReview
	Answered time.Time
}

// TextReview is staff's decision on a free-text answer.
type TextReview string

// Review states.
const (
	TextWaiting  TextReview = "waiting"
	TextApproved TextReview = "approved"
	TextHidden   TextReview = "hidden"
)

// QuestionResult is the counted answers to one question.
type QuestionResult struct {
	Question SurveyQuestion
	Answered int // answer sets that answered it
	Paper    int // of them, on paper
	Counts   []OptionCount
	Mean     float64 // scale questions
	Texts    []SurveyText
	// TextsWaiting are free-text answers staff have not reviewed.
	TextsWaiting int
}

// SurveyResults are a survey's counted answers.
type SurveyResults struct {
	Survey    *Survey
	Questions []QuestionResult
}

// ScaleMean returns the mean of counts of the steps 1–5 (counts[0] is 1), 0 for none.
func ScaleMean(counts []int) (float64, int) {
	sum, n := 0, 0
	for i, c := range counts {
		sum += (i + ScaleMin) * c
		n += c
	}
	if n == 0 {
		return 0, 0
	}
	return float64(sum) / float64(n), n
}

// ViKanslaYear is the vi-känsla of one locality in one year: the mean of
// every statement's answers in the year's vi-känsla surveys, and how many
// answer sets.
type ViKanslaYear struct {
	LocalityID   int64
	LocalityName string
	Year         int
	Mean         float64
	Responses    int
}

// SurveyFilter narrows a list of surveys: to a locality (0: all, including
// the municipality's own), and to the public ones (opened by now).
type SurveyFilter struct {
	LocalityID int64
	Public     bool
}

// SurveyService writes, answers and counts surveys. Writing one, entering
// paper answers and reviewing free text need the right to edit the survey's
// locality (an admin for the whole municipality's); answering needs nobody,
// or a resident for a survey that asks one per account.
type SurveyService interface {
	// SaveSurvey creates (ID 0) or changes a survey; its questions can change
	// only while it has no answers.
	SaveSurvey(ctx context.Context, s *Survey) error
	FindSurvey(ctx context.Context, id int64) (*Survey, error)
	// Surveys lists surveys, the latest opening first, at most SurveyListLimit.
	Surveys(ctx context.Context, f SurveyFilter) ([]*Survey, error)
	// AnswerSurvey stores an answer set. browser is the browser's survey
	// cookie (its hash is kept): one answer set per browser, and per resident
	// when the survey asks. Paper answer sets need staff rights instead.
	AnswerSurvey(ctx context.Context, r *SurveyResponse, browser string) error
	// Answered reports whether this browser (or the acting resident) has answered.
	Answered(ctx context.Context, surveyID int64, browser string) (bool, error)
	// SurveyResults counts the answers. Free texts are those approved, or
	// all of them for staff who may review them.
	SurveyResults(ctx context.Context, id int64) (*SurveyResults, error)
	// ReviewText approves or hides one free-text answer.
	ReviewText(ctx context.Context, surveyID, textID int64, review TextReview) error
	// SurveysClosingSoon lists the open surveys of the localities the acting
	// staff member works on (and the municipality's), soonest closing first.
	SurveysClosingSoon(ctx context.Context) ([]*Survey, error)
	// ViKansla returns the vi-känsla per locality and year for a locality
	// (0: every locality), by locality name and then oldest year first.
	ViKansla(ctx context.Context, localityID int64) ([]ViKanslaYear, error)
}

// CanEditSurvey reports whether u may write a survey for the locality
// (0: the whole municipality, admins only), enter its paper answers and
// review its free texts.
func (u *User) CanEditSurvey(localityID int64) bool {
	if localityID == 0 {
		return u.IsStaff() && u.Role == RoleAdmin
	}
	return u.CanEditLocality(localityID)
}

// SurveyDay returns the day t falls on in loc, as midnight UTC: the form
// the survey dates are kept in.
func SurveyDay(t time.Time, loc *time.Location) time.Time { return day(t, loc) }
