package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/ortsplan/ortsplan"
)

// The demo's surveys: Hälleforsnäs's vi-känsla survey answered in 2024 and
// 2025, the later year warmer than the first, and an open survey for
// Malmköping's Stora Torget with web and paper answers. The answers are
// made by a fixed sequence, so every load gives the same figures.

// ViKanslaYears are the years of Hälleforsnäs's vi-känsla survey in the
// demo, with how many answer sets (web and paper) each year got.
var ViKanslaYears = []struct {
	Year, Web, Paper int
	Lift             int // added to each answer in tenths, on average: the change
}{
	{2024, 26, 8, 0},
	{2025, 34, 6, 6},
}

// seq is a small deterministic number sequence (a linear congruential generator).
type seq uint32

func (s *seq) next(n int) int {
	*s = *s*1664525 + 1013904223
	return int(uint32(*s)>>8) % n
}

// scaleAnswer draws a 1–5 answer around a base of 3 plus lift tenths.
func (s *seq) scaleAnswer(lift int) int {
	v := 1 + s.next(5) // 1–5, even
	if s.next(10) < 5+lift/2 {
		v++ // leans towards agreeing, more so with the lift
	}
	if s.next(10) < 2 {
		v = 3
	}
	return max(ortsplan.ScaleMin, min(ortsplan.ScaleMax, v))
}

func loadSurveys(ctx context.Context, s ortsplan.SurveyService, ls map[string]*ortsplan.Locality, now time.Time) error {
	sys := ortsplan.NewSystemContext(context.Background())
	hf := ls["halleforsnas"]
	r := seq(2011)
	for _, y := range ViKanslaYears {
		opens := time.Date(y.Year, 3, 1, 0, 0, 0, 0, time.UTC)
		sv := ortsplan.ViKanslaSurvey(hf.ID, hf.Name, opens, opens.AddDate(0, 0, 30))
		if err := s.SaveSurvey(ctx, sv); err != nil {
			return fmt.Errorf("demo: vi-känsla %d: %w", y.Year, err)
		}
		for i := 0; i < y.Web+y.Paper; i++ {
			a := make([]ortsplan.SurveyAnswer, len(sv.Questions))
			for n := range a {
				a[n].Value = r.scaleAnswer(y.Lift)
			}
			paper := i >= y.Web
			if err := s.AnswerSurvey(sys, &ortsplan.SurveyResponse{SurveyID: sv.ID, Paper: paper, Answers: a},
				fmt.Sprintf("demo-vikansla-%d-%03d-webblasare", y.Year, i)); err != nil {
				return fmt.Errorf("demo: vi-känsla %d answer: %w", y.Year, err)
			}
		}
	}

	// Malmköping's open survey, closing within two weeks, with its results shown while open.
	today := ortsplan.SurveyDay(now, time.UTC)
	torg := &ortsplan.Survey{LocalityID: ls["malmkoping"].ID, Title: "Stora Torget i sommar",
		Intro:  "Arbetsgruppen för torget vill veta vad du saknar på Stora Torget under sommaren. Det tar två minuter.",
		Opens:  today.AddDate(0, 0, -7),
		Closes: today.AddDate(0, 0, 10), ResultsWhileOpen: true,
		Questions: []ortsplan.SurveyQuestion{
			{Kind: ortsplan.QuestionSingle, Text: "Hur ofta är du på torget under sommaren?", Options: []string{"Varje vecka", "Några gånger", "Sällan eller aldrig"}},
			{Kind: ortsplan.QuestionMultiple, Text: "Vad vill du ha mer av?", Options: []string{"Sittplatser", "Grönska", "Marknader", "Musik", "Lek för barn"}},
			{Kind: ortsplan.QuestionScale, Text: "Hur trivs du på torget i dag?"},
			{Kind: ortsplan.QuestionText, Text: "Har du en idé till torget?"},
		}}
	if err := s.SaveSurvey(ctx, torg); err != nil {
		return fmt.Errorf("demo: torget survey: %w", err)
	}
	ideas := []string{"En fontän som barnen får plaska i.", "Fler bänkar i skuggan vid träden.", "Loppis första lördagen varje månad."}
	for i := 0; i < 18; i++ {
		a := []ortsplan.SurveyAnswer{{Choices: []int{r.next(3)}}, {Choices: []int{i % 5}}, {Value: r.scaleAnswer(2)}, {}}
		if i%3 == 0 {
			a[1].Choices = append(a[1].Choices, (i+2)%5)
		}
		if i < len(ideas) {
			a[3].Text = ideas[i]
		}
		if err := s.AnswerSurvey(sys, &ortsplan.SurveyResponse{SurveyID: torg.ID, Paper: i >= 14, Answers: a},
			fmt.Sprintf("demo-torget-%03d-webblasare", i)); err != nil {
			return fmt.Errorf("demo: torget answer: %w", err)
		}
	}
	res, err := s.SurveyResults(sys, torg.ID)
	if err != nil {
		return err
	}
	for n, t := range res.Questions[3].Texts {
		if n < 2 { // two read and shown, one still waiting for review
			if err := s.ReviewText(ctx, torg.ID, t.ID, ortsplan.TextApproved); err != nil {
				return err
			}
		}
	}
	return nil
}
