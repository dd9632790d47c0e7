package opendata

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// The surveys in the API: every survey that has opened, and its counted
// answers once they are public (after closing, or while open where staff
// chose so). Free texts are those staff approved.

type apiSurvey struct {
	ID             int64   `json:"id"`
	Title          string  `json:"title"`
	Intro          string  `json:"intro"`
	Locality       *string `json:"locality"`
	URL            string  `json:"url"`
	Opens          string  `json:"opens"`
	Closes         string  `json:"closes"`
	State          string  `json:"state"`
	Template       string  `json:"template"`
	OnePerResident bool    `json:"one_per_resident"`
	Responses      int     `json:"responses"`
	PaperResponses int     `json:"paper_responses"`
	ResultsPublic  bool    `json:"results_public"`
}

type apiSurveyOption struct {
	Label string `json:"label"`
	Count int    `json:"count"`
	Paper int    `json:"paper"`
}

type apiSurveyQuestion struct {
	Number   int               `json:"number"`
	Kind     string            `json:"kind"`
	Text     string            `json:"text"`
	Answered int               `json:"answered"`
	Paper    int               `json:"paper"`
	Mean     *float64          `json:"mean"`
	Options  []apiSurveyOption `json:"options"`
	Texts    []string          `json:"texts"`
}

type apiSurveyDetail struct {
	apiSurvey
	Results []apiSurveyQuestion `json:"results"`
}

func (h *Handler) toAPISurvey(s *ortsplan.Survey, now time.Time) apiSurvey {
	out := apiSurvey{ID: s.ID, Title: s.Title, Intro: s.Intro, URL: h.cfg.BaseURL + "/enkater/" + strconv.FormatInt(s.ID, 10),
		Opens: apiDate(s.Opens), Closes: apiDate(s.Closes), State: string(s.State(now, i18n.Stockholm())), Template: s.Template,
		OnePerResident: s.OnePerResident, Responses: s.Responses, PaperResponses: s.PaperResponses, ResultsPublic: s.ResultsPublic(now, i18n.Stockholm())}
	if s.LocalitySlug != "" {
		slug := s.LocalitySlug
		out.Locality = &slug
	}
	return out
}

// apiSurveys lists the surveys that have opened, the latest first (at most ortsplan.SurveyListLimit).
func (h *Handler) apiSurveys(w http.ResponseWriter, r *http.Request) {
	f := ortsplan.SurveyFilter{Public: true}
	if slug := r.URL.Query().Get("locality"); slug != "" {
		l, err := h.svc.Localities.FindLocality(r.Context(), slug)
		if err != nil {
			h.apiError(w, r, err)
			return
		}
		f.LocalityID = l.ID
	}
	ss, err := h.svc.Surveys.Surveys(r.Context(), f)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	now := h.cfg.Now()
	out := struct {
		Surveys []apiSurvey `json:"surveys"`
	}{Surveys: []apiSurvey{}}
	for _, s := range ss {
		out.Surveys = append(out.Surveys, h.toAPISurvey(s, now))
	}
	h.writeJSON(w, r, out)
}

// apiSurvey is one survey that has opened, with its results when they are public (else null).
func (h *Handler) apiSurvey(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.apiError(w, r, ortsplan.Errorf(ortsplan.ENOTFOUND, "error.not_found"))
		return
	}
	s, err := h.svc.Surveys.FindSurvey(r.Context(), id)
	now := h.cfg.Now()
	if err == nil && s.State(now, i18n.Stockholm()) == ortsplan.SurveyUpcoming {
		err = ortsplan.Errorf(ortsplan.ENOTFOUND, "error.not_found")
	}
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := apiSurveyDetail{apiSurvey: h.toAPISurvey(s, now)}
	if out.ResultsPublic {
		res, err := h.svc.Surveys.SurveyResults(r.Context(), id)
		if err != nil {
			h.apiError(w, r, err)
			return
		}
		L := h.cfg.Catalog.For("sv")
		out.Results = []apiSurveyQuestion{}
		for n, q := range res.Questions {
			text := q.Question.Text
			if q.Question.Key != "" {
				text = L.T("vikansla." + q.Question.Key)
			}
			aq := apiSurveyQuestion{Number: n + 1, Kind: string(q.Question.Kind), Text: text, Answered: q.Answered, Paper: q.Paper,
				Options: []apiSurveyOption{}, Texts: []string{}}
			if q.Question.Kind == ortsplan.QuestionScale && q.Answered > 0 {
				m := float64(int(q.Mean*100+0.5)) / 100
				aq.Mean = &m
			}
			for _, c := range q.Counts {
				aq.Options = append(aq.Options, apiSurveyOption{Label: c.Label, Count: c.Count, Paper: c.Paper})
			}
			for _, t := range q.Texts {
				if t.Review == ortsplan.TextApproved {
					aq.Texts = append(aq.Texts, t.Text)
				}
			}
			out.Results = append(out.Results, aq)
		}
	}
	h.writeJSON(w, r, out)
}
