package web

import (
	"crypto/rand"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/chart"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/web/opendata"
)

// Surveys (enkäter): staff write them, anyone answers at /enkater/{id}
// without an account (one answer set per browser, by a cookie, plus the
// form rate limit; one per resident account where the survey asks), staff
// type in paper answers from a stormöte, and the results are drawn on the
// server after closing, or while open where staff chose so.

// surveyCookie identifies a browser to the surveys: a random token, of
// which the store keeps only a hash with each answer set.
const surveyCookie = "enkat"

// surveyEmptyRows is how many empty question rows the survey form offers;
// "more rows" adds as many again, without JavaScript.
const surveyEmptyRows = 3

func surveyPath(id int64) string { return "/enkater/" + strconv.FormatInt(id, 10) }

// surveyBrowser returns the browser's survey token, setting a new cookie when it has none.
func (s *Server) surveyBrowser(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(surveyCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 64 && cleanText(c.Value, false) {
		return c.Value
	}
	b := make([]byte, 24)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: surveyCookie, Value: tok, Path: "/enkater", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 2 * 365 * 24 * 3600})
	return tok
}

// surveyQuestionView is one question as the answer form shows it.
type surveyQuestionView struct {
	N       int    // from 1
	Name    string // the form field, "q<N>"
	Kind    ortsplan.QuestionKind
	Text    string
	Options []option
	Error   string
}

func (s *Server) questionText(L *i18n.Localizer, q ortsplan.SurveyQuestion) string {
	if q.Key != "" {
		return L.T("vikansla." + q.Key)
	}
	return q.Text
}

func (s *Server) questionViews(p *page, sv *ortsplan.Survey) []surveyQuestionView {
	out := make([]surveyQuestionView, len(sv.Questions))
	for n, q := range sv.Questions {
		v := surveyQuestionView{N: n + 1, Name: "q" + strconv.Itoa(n+1), Kind: q.Kind, Text: s.questionText(p.L, q)}
		switch q.Kind {
		case ortsplan.QuestionSingle, ortsplan.QuestionMultiple:
			for i, o := range q.Options {
				v.Options = append(v.Options, option{strconv.Itoa(i), o})
			}
		case ortsplan.QuestionScale:
			for i := ortsplan.ScaleMin; i <= ortsplan.ScaleMax; i++ {
				label := strconv.Itoa(i)
				switch i {
				case ortsplan.ScaleMin:
					label += " – " + p.L.T("survey.scale_1")
				case ortsplan.ScaleMax:
					label += " – " + p.L.T("survey.scale_5")
				}
				v.Options = append(v.Options, option{strconv.Itoa(i), label})
			}
		}
		if k := p.Form.Err(v.Name); k != "" {
			v.Error = p.L.T(k)
		}
		out[n] = v
	}
	return out
}

type surveyData struct {
	Survey    *ortsplan.Survey
	State     ortsplan.SurveyState
	Questions []surveyQuestionView
	Answered  bool
	Thanks    bool
	Paper     bool // the staff form for paper answers
	Saved     bool
	CanEdit   bool
	Results   bool // the results may be shown
	NeedLogin bool // one per resident and nobody logged in
}

// pathSurvey loads the survey the path's {id} names, or answers 404 or the
// service's error.
func (s *Server) pathSurvey(w http.ResponseWriter, r *http.Request) (*ortsplan.Survey, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	sv, err := s.svc.Surveys.FindSurvey(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return sv, true
}

// pathSurveyResults loads the results of the path's survey; results not yet
// public to this person answer 403 with the service's reason.
func (s *Server) pathSurveyResults(w http.ResponseWriter, r *http.Request) (*ortsplan.SurveyResults, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	res, err := s.svc.Surveys.SurveyResults(r.Context(), id)
	if err != nil {
		if ortsplan.ErrorCode(err) == ortsplan.EFORBIDDEN {
			s.renderError(w, r, http.StatusForbidden, ortsplan.ErrorKey(err))
		} else {
			s.fail(w, r, err)
		}
		return nil, false
	}
	return res, true
}

// surveyPage shows a survey with its answer form while it is open.
func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request, status int, paper bool, f *form) {
	sv, ok := s.pathSurvey(w, r)
	if !ok {
		return
	}
	ri := reqInfo(r)
	now := s.cfg.Now()
	d := &surveyData{Survey: sv, State: sv.State(now, stockholmLoc()), Paper: paper, CanEdit: ri.User.CanEditSurvey(sv.LocalityID),
		Thanks: r.URL.Query().Get("tack") == "1", Saved: r.URL.Query().Get("sparat") == "1"}
	d.Results = d.CanEdit || sv.ResultsPublic(now, stockholmLoc())
	if d.State == ortsplan.SurveyUpcoming && !d.CanEdit {
		s.notFound(w, r)
		return
	}
	if paper && !d.CanEdit {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	if !paper && d.State == ortsplan.SurveyOpen {
		browser := s.surveyBrowser(w, r)
		var err error
		if d.Answered, err = s.svc.Surveys.Answered(r.Context(), sv.ID, browser); err != nil {
			s.fail(w, r, err)
			return
		}
		d.NeedLogin = sv.OnePerResident && ri.Resident == nil
	}
	p := s.newPage(w, r)
	p.Form = f
	if p.Form == nil {
		p.Form = &form{Values: url.Values{}}
	}
	for n := range sv.Questions {
		p.Form.order = append(p.Form.order, "q"+strconv.Itoa(n+1))
	}
	d.Questions = s.questionViews(p, sv)
	p.Data = d
	p.Updated = sv.UpdatedAt
	name := "survey"
	if paper {
		name = "survey_paper"
	}
	s.render(w, r, status, name, p)
}

func (s *Server) survey(w http.ResponseWriter, r *http.Request) {
	s.surveyPage(w, r, http.StatusOK, false, nil)
}

func (s *Server) surveyPaperForm(w http.ResponseWriter, r *http.Request) {
	s.surveyPage(w, r, http.StatusOK, true, nil)
}

// parseResponse reads the answer form; a value that is no number is an
// error on its question, and the form is shown again.
func parseResponse(sv *ortsplan.Survey, f url.Values) (*ortsplan.SurveyResponse, ortsplan.ValidationErrors) {
	v := ortsplan.ValidationErrors{}
	resp := &ortsplan.SurveyResponse{SurveyID: sv.ID, Answers: make([]ortsplan.SurveyAnswer, len(sv.Questions))}
	for n, q := range sv.Questions {
		name := "q" + strconv.Itoa(n+1)
		a := &resp.Answers[n]
		vals := f[name]
		if len(vals) > ortsplan.MaxSurveyOptions {
			v.Add(name, "error.choose_from_list")
			continue
		}
		switch q.Kind {
		case ortsplan.QuestionText:
			a.Text = f.Get(name)
		case ortsplan.QuestionScale:
			if s := strings.TrimSpace(f.Get(name)); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || len(vals) > 1 {
					v.Add(name, "survey.scale_invalid")
					continue
				}
				a.Value = n
			}
		default:
			for _, s := range vals {
				c, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil {
					v.Add(name, "error.choose_from_list")
					break
				}
				a.Choices = append(a.Choices, c)
			}
		}
	}
	return resp, v
}

// answerSurvey stores an answer set from the public form, or a paper one
// typed in by staff (paper).
func (s *Server) answerSurveyAs(paper bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sv, ok := s.pathSurvey(w, r)
		if !ok {
			return
		}
		again := func(status int, f *form) { s.surveyPage(w, r, status, paper, f) }
		if !paper && !s.formByAddr.Allow(s.clientAddr(r)) {
			again(http.StatusTooManyRequests, &form{Values: r.PostForm, Error: "error.too_many_forms"})
			return
		}
		resp, fe := parseResponse(sv, r.PostForm)
		if len(fe) > 0 {
			again(http.StatusBadRequest, &form{Values: r.PostForm, Errors: fe, Error: "error.form"})
			return
		}
		resp.Paper = paper
		browser := ""
		if !paper {
			browser = s.surveyBrowser(w, r)
		}
		if err := s.svc.Surveys.AnswerSurvey(r.Context(), resp, browser); err != nil {
			switch ortsplan.ErrorCode(err) {
			case ortsplan.EINVALID, ortsplan.ECONFLICT:
				status := http.StatusBadRequest
				if ortsplan.ErrorCode(err) == ortsplan.ECONFLICT {
					status = http.StatusConflict
				}
				fe := ortsplan.FieldErrors(err)
				key := ortsplan.ErrorKey(err)
				if k, ok := fe["answers"]; ok {
					key = k
					delete(fe, "answers")
				}
				again(status, &form{Values: r.PostForm, Errors: fe, Error: key})
				return
			}
			s.fail(w, r, err)
			return
		}
		if paper {
			http.Redirect(w, r, surveyPath(sv.ID)+"/papper?sparat=1", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, surveyPath(sv.ID)+"?tack=1", http.StatusSeeOther)
	}
}

type surveysData struct {
	Surveys  []surveyRow
	Locality *ortsplan.Locality
	Now      time.Time
	CanEdit  bool
	// ViKansla offers this year's vi-känsla survey for the locality in one click.
	ViKansla bool
}

// surveys lists the surveys that have opened (staff see theirs to come too).
func (s *Server) surveys(w http.ResponseWriter, r *http.Request) {
	f := ortsplan.SurveyFilter{Public: true}
	d := surveysData{Now: s.cfg.Now()}
	if slug := r.URL.Query().Get("ort"); slug != "" {
		l, err := s.svc.Localities.FindLocality(r.Context(), slug)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Locality, f.LocalityID = l, l.ID
	}
	u := reqInfo(r).User
	d.CanEdit = u.IsStaff()
	d.ViKansla = d.Locality != nil && u.CanEditSurvey(d.Locality.ID)
	f.Public = !d.CanEdit
	ss, err := s.svc.Surveys.Surveys(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, sv := range ss {
		if !f.Public && sv.State(d.Now, stockholmLoc()) == ortsplan.SurveyUpcoming && !u.CanEditSurvey(sv.LocalityID) {
			continue
		}
		d.Surveys = append(d.Surveys, surveyRow{sv, surveyStateKey(sv, d.Now)})
	}
	p := s.newPage(w, r)
	p.Data = d
	s.render(w, r, http.StatusOK, "surveys", p)
}

// surveyRow is a survey in a list, with its state's catalog key.
type surveyRow struct {
	*ortsplan.Survey
	StateKey string
}

// formatMean writes a mean with two decimals, a decimal comma in Swedish.
func formatMean(lang string, f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// surveyStateKey is the catalog key of a survey's state.
func surveyStateKey(sv *ortsplan.Survey, now time.Time) string {
	return "surveystate." + string(sv.State(now, stockholmLoc()))
}

// surveyEditData is the survey form.
type surveyEditData struct {
	Survey     *ortsplan.Survey // nil for a new one
	Localities []*ortsplan.Locality
	Rows       []int // question rows, from 1
	Kinds      []ortsplan.QuestionKind
	Saved      bool
	Locked     bool // it has answers: the questions stay
	Admin      bool // may write one for the whole municipality
}

func (s *Server) surveyEditPage(w http.ResponseWriter, r *http.Request, status int, sv *ortsplan.Survey, f *form) {
	ls, err := s.svc.Localities.ListLocalities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := reqInfo(r).User
	d := &surveyEditData{Survey: sv, Kinds: ortsplan.QuestionKinds, Saved: r.URL.Query().Get("sparat") == "1", Admin: u.CanEditSurvey(0)}
	for _, l := range ls {
		if u.CanEditSurvey(l.ID) {
			d.Localities = append(d.Localities, l)
		}
	}
	if f == nil {
		f = &form{Values: url.Values{}}
		if sv != nil {
			f.Values = surveyValues(sv)
		} else if slug := r.URL.Query().Get("ort"); slug != "" {
			for _, l := range ls {
				if l.Slug == slug {
					f.Values.Set("locality", strconv.FormatInt(l.ID, 10))
				}
			}
		}
	}
	d.Locked = sv != nil && sv.Responses > 0
	rows, _ := strconv.Atoi(f.Values.Get("rows"))
	if sv != nil && rows < len(sv.Questions) {
		rows = len(sv.Questions)
	}
	if f.Values.Get("rows") == "" && !d.Locked {
		rows += surveyEmptyRows
	}
	rows = min(max(rows, 1), ortsplan.MaxSurveyQuestions)
	if d.Locked {
		rows = len(sv.Questions)
	}
	for n := 1; n <= rows; n++ {
		d.Rows = append(d.Rows, n)
	}
	f.Values.Set("rows", strconv.Itoa(rows))
	f.order = []string{"title", "intro", "locality", "opens", "closes", "questions"}
	for _, n := range d.Rows {
		f.order = append(f.order, "q"+strconv.Itoa(n)+"_text")
	}
	p := s.newPage(w, r)
	p.Form = f
	p.Data = d
	s.render(w, r, status, "survey_edit", p)
}

// surveyValues are a stored survey as form values.
func surveyValues(sv *ortsplan.Survey) url.Values {
	v := url.Values{"title": {sv.Title}, "intro": {sv.Intro}, "locality": {strconv.FormatInt(sv.LocalityID, 10)},
		"opens": {dateValue(sv.Opens)}, "closes": {dateValue(sv.Closes)}, "rows": {strconv.Itoa(len(sv.Questions))}}
	if sv.OnePerResident {
		v.Set("one_per_resident", "1")
	}
	if sv.ResultsWhileOpen {
		v.Set("results_while_open", "1")
	}
	for n, q := range sv.Questions {
		k := "q" + strconv.Itoa(n+1)
		v.Set(k+"_kind", string(q.Kind))
		v.Set(k+"_text", q.Text)
		v.Set(k+"_options", strings.Join(q.Options, "\n"))
		v.Set(k+"_key", q.Key)
	}
	return v
}

func (s *Server) newSurveyForm(w http.ResponseWriter, r *http.Request) {
	s.surveyEditPage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) editSurveyForm(w http.ResponseWriter, r *http.Request) {
	sv, ok := s.editableSurvey(w, r)
	if !ok {
		return
	}
	s.surveyEditPage(w, r, http.StatusOK, sv, nil)
}

// editableSurvey loads the survey of the path; the service decides on saving.
func (s *Server) editableSurvey(w http.ResponseWriter, r *http.Request) (*ortsplan.Survey, bool) {
	sv, ok := s.pathSurvey(w, r)
	if !ok {
		return nil, false
	}
	if !reqInfo(r).User.CanEditSurvey(sv.LocalityID) {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return nil, false
	}
	return sv, true
}

// saveSurvey creates a survey (POST /enkater) or changes one. Question rows
// without a text are left out; a "more rows" button shows the form again
// with more empty rows, saving nothing.
func (s *Server) saveSurvey(w http.ResponseWriter, r *http.Request) {
	var old *ortsplan.Survey
	if r.PathValue("id") != "" {
		var ok bool
		if old, ok = s.editableSurvey(w, r); !ok {
			return
		}
	}
	f := r.PostForm
	v := ortsplan.ValidationErrors{}
	sv := &ortsplan.Survey{Title: f.Get("title"), Intro: f.Get("intro"), OnePerResident: f.Get("one_per_resident") == "1",
		ResultsWhileOpen: f.Get("results_while_open") == "1", Opens: formDate(f, "opens", v), Closes: formDate(f, "closes", v)}
	if old != nil {
		sv.ID, sv.Template = old.ID, old.Template
	}
	if loc := f.Get("locality"); loc != "0" {
		id, ok := parseID(loc)
		if !ok {
			v.Add("locality", "error.choose_from_list")
		}
		sv.LocalityID = id
	}
	rows, err := strconv.Atoi(f.Get("rows"))
	if err != nil || rows < 1 || rows > ortsplan.MaxSurveyQuestions {
		rows = min(max(rows, 1), ortsplan.MaxSurveyQuestions)
		f.Set("rows", strconv.Itoa(rows))
	}
	if f.Get("more") != "" {
		f.Set("rows", strconv.Itoa(min(rows+surveyEmptyRows, ortsplan.MaxSurveyQuestions)))
		s.surveyEditPage(w, r, http.StatusOK, old, &form{Values: f})
		return
	}
	var rowOf []int // the form row of each question
	for n := 1; n <= rows; n++ {
		k := "q" + strconv.Itoa(n)
		text := strings.TrimSpace(f.Get(k + "_text"))
		if text == "" {
			continue
		}
		q := ortsplan.SurveyQuestion{Kind: ortsplan.QuestionKind(f.Get(k + "_kind")), Text: text}
		if opts := strings.TrimSpace(f.Get(k + "_options")); opts != "" {
			q.Options = strings.Split(strings.ReplaceAll(opts, "\r\n", "\n"), "\n")
		}
		if old != nil && n <= len(old.Questions) && old.Questions[n-1].Key != "" && old.Questions[n-1].Text == text {
			q.Key = old.Questions[n-1].Key
		}
		sv.Questions = append(sv.Questions, q)
		rowOf = append(rowOf, n)
	}
	again := func(status int, fe ortsplan.ValidationErrors, key string) {
		s.surveyEditPage(w, r, status, old, &form{Values: f, Errors: fe, Error: key})
	}
	if len(v) > 0 {
		again(http.StatusBadRequest, v, "error.form")
		return
	}
	if err := s.svc.Surveys.SaveSurvey(r.Context(), sv); err != nil {
		fe := ortsplan.FieldErrors(err)
		if fe == nil {
			s.fail(w, r, err)
			return
		}
		// A question's error goes to its row's text field.
		out := ortsplan.ValidationErrors{}
		for k, key := range fe {
			if n, err := strconv.Atoi(strings.TrimPrefix(k, "q")); strings.HasPrefix(k, "q") && err == nil && n >= 1 && n <= len(rowOf) {
				out.Add("q"+strconv.Itoa(rowOf[n-1])+"_text", key)
				continue
			}
			out.Add(k, key)
		}
		again(http.StatusBadRequest, out, "error.form")
		return
	}
	http.Redirect(w, r, surveyPath(sv.ID)+"/redigera?sparat=1", http.StatusSeeOther)
}

// createViKansla makes this year's vi-känsla survey for the locality with
// one click: open from today for four weeks.
func (s *Server) createViKansla(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := ortsplan.SurveyDay(s.cfg.Now(), stockholmLoc())
	sv := ortsplan.ViKanslaSurvey(l.ID, l.Name, today, today.AddDate(0, 0, 27))
	if err := s.svc.Surveys.SaveSurvey(r.Context(), sv); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, surveyPath(sv.ID)+"/redigera?sparat=1", http.StatusSeeOther)
}

// reviewSurveyText approves or hides one free-text answer.
func (s *Server) reviewSurveyText(w http.ResponseWriter, r *http.Request) {
	id, ok1 := parseID(r.PathValue("id"))
	text, ok2 := parseID(r.PathValue("text"))
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	review := ortsplan.TextReview(r.PostFormValue("review"))
	if err := s.svc.Surveys.ReviewText(r.Context(), id, text, review); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, surveyPath(id)+"/resultat?sparat=1#fritext", http.StatusSeeOther)
}

// resultQuestion is one question's results with its chart and table rows.
type resultQuestion struct {
	ortsplan.QuestionResult
	N     int
	Text  string
	Chart any
	Mean  string
}

type surveyResultsData struct {
	Survey    *ortsplan.Survey
	Questions []resultQuestion
	CanEdit   bool
	Saved     bool
}

func (s *Server) surveyResults(w http.ResponseWriter, r *http.Request) {
	res, ok := s.pathSurveyResults(w, r)
	if !ok {
		return
	}
	p := s.newPage(w, r)
	d := surveyResultsData{Survey: res.Survey, CanEdit: reqInfo(r).User.CanEditSurvey(res.Survey.LocalityID),
		Saved: r.URL.Query().Get("sparat") == "1"}
	for n, q := range res.Questions {
		rq := resultQuestion{QuestionResult: q, N: n + 1, Text: s.questionText(p.L, q.Question)}
		if len(q.Counts) > 0 {
			cats := make([]string, len(q.Counts))
			web, paper := make([]float64, len(q.Counts)), make([]float64, len(q.Counts))
			for i, c := range q.Counts {
				cats[i], web[i], paper[i] = c.Label, float64(c.Count-c.Paper), float64(c.Paper)
			}
			rq.Chart = chart.Bars{ID: "chart-q" + strconv.Itoa(n+1), Title: rq.Text, Desc: p.L.T("effects.chart_desc"), Categories: cats,
				Series: []chart.Series{{Name: p.L.T("survey.web_answers"), Values: web}, {Name: p.L.T("survey.paper_answers"), Values: paper}}}.SVG()
		}
		if q.Question.Kind == ortsplan.QuestionScale && q.Answered > 0 {
			rq.Mean = formatMean(p.Lang, q.Mean)
		}
		d.Questions = append(d.Questions, rq)
	}
	p.Data = d
	p.Updated = res.Survey.UpdatedAt
	s.render(w, r, http.StatusOK, "survey_results", p)
}

// surveyResultsCSV gives the counts, one row per question and option or
// step, and the free texts shown on the page.
func (s *Server) surveyResultsCSV(w http.ResponseWriter, r *http.Request) {
	res, ok := s.pathSurveyResults(w, r)
	if !ok {
		return
	}
	L := s.cat.For(reqInfo(r).Lang)
	cache := "public, max-age=300"
	if reqInfo(r).User != nil {
		cache = "no-store"
	}
	cw := opendata.StartCSV(w, L, "enkat-"+strconv.FormatInt(res.Survey.ID, 10), cache, "survey.csv_question", "survey.csv_text", "survey.csv_answer",
		"survey.csv_count", "survey.csv_paper")
	for n, q := range res.Questions {
		text := s.questionText(L, q.Question)
		for _, c := range q.Counts {
			cw.Write([]string{strconv.Itoa(n + 1), text, c.Label, strconv.Itoa(c.Count), strconv.Itoa(c.Paper)})
		}
		for _, t := range q.Texts {
			if t.Review != ortsplan.TextApproved {
				continue
			}
			paper := "0"
			if t.Paper {
				paper = "1"
			}
			cw.Write([]string{strconv.Itoa(n + 1), text, t.Text, "1", paper})
		}
	}
	cw.Flush()
}

// viKanslaView is the effects dashboard's vi-känsla section: the mean of the
// vi-känsla survey per locality and year, with the number of answers.
type viKanslaView struct {
	Chart    template.HTML
	Rows     []effectRow
	Locality bool // one locality: no locality column
}

// viKanslaSection reads and lays out the vi-känsla for the dashboard; nil
// when no vi-känsla survey has answers.
func (s *Server) viKanslaSection(r *http.Request, L *i18n.Localizer, lang string, l *ortsplan.Locality) (*viKanslaView, error) {
	var id int64
	if l != nil {
		id = l.ID
	}
	years, err := s.svc.Surveys.ViKansla(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &viKanslaView{Locality: l != nil}
	var cats []string
	var means []float64
	for _, y := range years {
		if y.Responses == 0 {
			continue
		}
		label := strconv.Itoa(y.Year)
		if l == nil {
			label = y.LocalityName + " " + label
		}
		cats, means = append(cats, label), append(means, y.Mean)
		row := effectRow{Label: strconv.Itoa(y.Year), Values: []string{formatMean(lang, y.Mean), L.Number(y.Responses)}}
		if l == nil {
			row.Values = append([]string{y.LocalityName}, row.Values...)
		}
		v.Rows = append(v.Rows, row)
	}
	if len(v.Rows) == 0 {
		return v, nil
	}
	v.Chart = chart.Bars{ID: "chart-vikansla", Title: L.T("vikansla.heading"), Desc: L.T("effects.chart_desc"), Categories: cats,
		Series: []chart.Series{{Name: L.T("vikansla.mean"), Values: means}}, Decimals: 2}.SVG()
	return v, nil
}

// surveysClosingSoon lists the staff home's open surveys that close within
// ortsplan.SurveysClosingWithin, of one locality when the home is filtered.
func (s *Server) surveysClosingSoon(r *http.Request, localityID int64) ([]*ortsplan.Survey, error) {
	ss, err := s.svc.Surveys.SurveysClosingSoon(r.Context())
	if err != nil || localityID == 0 {
		return ss, err
	}
	out := ss[:0]
	for _, sv := range ss {
		if sv.LocalityID == localityID {
			out = append(out, sv)
		}
	}
	return out, nil
}
