package ortsplan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func validSurvey() *ortsplan.Survey {
	return &ortsplan.Survey{Title: "Badplatsen", Opens: date("2026-05-01"), Closes: date("2026-05-31"),
		Questions: []ortsplan.SurveyQuestion{
			{Kind: ortsplan.QuestionSingle, Text: "Badar du?", Options: []string{"Ja", "Nej"}},
			{Kind: ortsplan.QuestionMultiple, Text: "Vad saknas?", Options: []string{"Brygga", "Toalett", "Bänkar"}},
			{Kind: ortsplan.QuestionScale, Text: "Hur nöjd är du?"},
			{Kind: ortsplan.QuestionText, Text: "Något mer?"},
		}}
}

func TestSurveyValidate(t *testing.T) {
	many := make([]ortsplan.SurveyQuestion, ortsplan.MaxSurveyQuestions+1)
	for i := range many {
		many[i] = ortsplan.SurveyQuestion{Kind: ortsplan.QuestionScale, Text: "Fråga"}
	}
	tests := []struct {
		name  string
		edit  func(s *ortsplan.Survey)
		field string
		key   string
	}{
		{"valid", func(s *ortsplan.Survey) {}, "", ""},
		{"no title", func(s *ortsplan.Survey) { s.Title = "  " }, "title", "error.required"},
		{"no opening", func(s *ortsplan.Survey) { s.Opens = time.Time{} }, "opens", "error.required"},
		{"closes before opens", func(s *ortsplan.Survey) { s.Closes = date("2026-04-30") }, "closes", "survey.closes_before_opens"},
		{"same day", func(s *ortsplan.Survey) { s.Closes = s.Opens }, "", ""},
		{"no questions", func(s *ortsplan.Survey) { s.Questions = nil }, "questions", "survey.no_questions"},
		{"too many questions", func(s *ortsplan.Survey) { s.Questions = many }, "questions", "survey.too_many_questions"},
		{"question without text", func(s *ortsplan.Survey) { s.Questions[2].Text = "" }, "q3", "error.required"},
		{"unknown kind", func(s *ortsplan.Survey) { s.Questions[0].Kind = "ranking" }, "q1", "error.choose_from_list"},
		{"one option", func(s *ortsplan.Survey) { s.Questions[0].Options = []string{"Ja", " "} }, "q1", "survey.too_few_options"},
		{"too many options", func(s *ortsplan.Survey) {
			s.Questions[1].Options = strings.Split("a b c d e f g h i j k", " ")
		}, "q2", "survey.too_many_options"},
		{"option twice", func(s *ortsplan.Survey) { s.Questions[1].Options = []string{"Brygga", "brygga"} }, "q2", "survey.option_twice"},
		{"long option", func(s *ortsplan.Survey) { s.Questions[1].Options[0] = strings.Repeat("x", 151) }, "q2", "error.too_long"},
		{"unknown template", func(s *ortsplan.Survey) { s.Template = "x" }, "template", "error.choose_from_list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSurvey()
			tt.edit(s)
			fe := ortsplan.FieldErrors(s.Validate())
			if tt.field == "" {
				if fe != nil {
					t.Fatalf("errors %v, want none", fe)
				}
				return
			}
			if fe[tt.field] != tt.key {
				t.Errorf("errors %v, want %s on %s", fe, tt.key, tt.field)
			}
		})
	}
}

func TestSurveyValidateDropsOptionsOfScale(t *testing.T) {
	s := validSurvey()
	s.Questions[2].Options = []string{"kvar"}
	if err := s.Validate(); err != nil || s.Questions[2].Options != nil {
		t.Fatalf("err %v, options %v", err, s.Questions[2].Options)
	}
}

func TestCheckResponse(t *testing.T) {
	ok := func() []ortsplan.SurveyAnswer {
		return []ortsplan.SurveyAnswer{{Choices: []int{1}}, {Choices: []int{0, 2}}, {Value: 4}, {Text: " Fler soptunnor "}}
	}
	tests := []struct {
		name    string
		answers func() []ortsplan.SurveyAnswer
		field   string
		key     string
	}{
		{"all answered", ok, "", ""},
		{"some answered", func() []ortsplan.SurveyAnswer { return []ortsplan.SurveyAnswer{{}, {}, {Value: 1}, {}} }, "", ""},
		{"nothing", func() []ortsplan.SurveyAnswer { return make([]ortsplan.SurveyAnswer, 4) }, "answers", "survey.nothing_answered"},
		{"only blanks", func() []ortsplan.SurveyAnswer { return []ortsplan.SurveyAnswer{{}, {}, {}, {Text: "  "}} }, "answers", "survey.nothing_answered"},
		{"wrong length", func() []ortsplan.SurveyAnswer { return ok()[:3] }, "answers", "error.form"},
		{"two single choices", func() []ortsplan.SurveyAnswer { a := ok(); a[0].Choices = []int{0, 1}; return a }, "q1", "error.choose_from_list"},
		{"unknown option", func() []ortsplan.SurveyAnswer { a := ok(); a[1].Choices = []int{3}; return a }, "q2", "error.choose_from_list"},
		{"negative option", func() []ortsplan.SurveyAnswer { a := ok(); a[0].Choices = []int{-1}; return a }, "q1", "error.choose_from_list"},
		{"option twice", func() []ortsplan.SurveyAnswer { a := ok(); a[1].Choices = []int{0, 0}; return a }, "q2", "error.choose_from_list"},
		{"scale six", func() []ortsplan.SurveyAnswer { a := ok(); a[2].Value = 6; return a }, "q3", "survey.scale_invalid"},
		{"scale zero with text", func() []ortsplan.SurveyAnswer { a := ok(); a[2] = ortsplan.SurveyAnswer{Value: -2}; return a }, "q3", "survey.scale_invalid"},
		{"long text", func() []ortsplan.SurveyAnswer {
			a := ok()
			a[3].Text = strings.Repeat("å", ortsplan.MaxSurveyText+1)
			return a
		}, "q4", "error.too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &ortsplan.SurveyResponse{Answers: tt.answers()}
			fe := ortsplan.FieldErrors(validSurvey().CheckResponse(r))
			if tt.field == "" {
				if fe != nil {
					t.Fatalf("errors %v, want none", fe)
				}
				return
			}
			if fe[tt.field] != tt.key {
				t.Errorf("errors %v, want %s on %s", fe, tt.key, tt.field)
			}
		})
	}
}

func TestSurveyState(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Stockholm")
	s := validSurvey()
	s.ResultsWhileOpen = false
	tests := []struct {
		now          string
		state        ortsplan.SurveyState
		public, soon bool
	}{
		{"2026-04-30T21:59:00Z", ortsplan.SurveyUpcoming, false, false}, // 23:59 in Stockholm
		{"2026-04-30T22:00:00Z", ortsplan.SurveyOpen, false, false},     // midnight in Stockholm
		{"2026-05-20T10:00:00Z", ortsplan.SurveyOpen, false, true},
		{"2026-05-31T21:59:00Z", ortsplan.SurveyOpen, false, true},
		{"2026-05-31T22:00:00Z", ortsplan.SurveyClosed, true, false},
	}
	for _, tt := range tests {
		now, _ := time.Parse(time.RFC3339, tt.now)
		if got := s.State(now, loc); got != tt.state {
			t.Errorf("%s: state %s, want %s", tt.now, got, tt.state)
		}
		if got := s.ResultsPublic(now, loc); got != tt.public {
			t.Errorf("%s: public %v, want %v", tt.now, got, tt.public)
		}
		if got := s.ClosingSoon(now, loc); got != tt.soon {
			t.Errorf("%s: closing soon %v, want %v", tt.now, got, tt.soon)
		}
	}
	s.ResultsWhileOpen = true
	if now, _ := time.Parse(time.RFC3339, "2026-05-02T10:00:00Z"); !s.ResultsPublic(now, loc) {
		t.Error("results while open are not public")
	}
}

func TestViKanslaSurveyIsValid(t *testing.T) {
	s := ortsplan.ViKanslaSurvey(3, "Hälleforsnäs", date("2025-03-01"), date("2025-03-31"))
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(s.Questions) != len(ortsplan.ViKanslaKeys) || s.Questions[0].Kind != ortsplan.QuestionScale || s.Template != ortsplan.SurveyTemplateViKansla {
		t.Fatalf("survey %+v", s)
	}
	if !strings.Contains(s.Title, "2025") {
		t.Errorf("title %q has no year", s.Title)
	}
}

func TestScaleMean(t *testing.T) {
	tests := []struct {
		counts []int
		mean   float64
		n      int
	}{
		{nil, 0, 0},
		{[]int{0, 0, 0, 0, 0}, 0, 0},
		{[]int{1, 0, 0, 0, 1}, 3, 2},
		{[]int{0, 0, 0, 3, 1}, 4.25, 4},
	}
	for _, tt := range tests {
		if m, n := ortsplan.ScaleMean(tt.counts); m != tt.mean || n != tt.n {
			t.Errorf("ScaleMean(%v) = %v, %d; want %v, %d", tt.counts, m, n, tt.mean, tt.n)
		}
	}
}
