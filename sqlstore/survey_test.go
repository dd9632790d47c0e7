package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func surveyFor(localityID int64) *ortsplan.Survey {
	return &ortsplan.Survey{LocalityID: localityID, Title: "Badplatsen", Intro: "Tyck till.",
		Opens: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC),
		Questions: []ortsplan.SurveyQuestion{
			{Kind: ortsplan.QuestionSingle, Text: "Badar du?", Options: []string{"Ja", "Nej"}},
			{Kind: ortsplan.QuestionMultiple, Text: "Vad saknas?", Options: []string{"Brygga", "Toalett", "Bänkar"}},
			{Kind: ortsplan.QuestionScale, Text: "Hur nöjd är du?"},
			{Kind: ortsplan.QuestionText, Text: "Något mer?"},
		}}
}

func TestSurveyRightsAnswersAndResults(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		bg := context.Background()
		hf := mustCreateLocality(t, db, "halleforsnas", "Hälleforsnäs")
		mustCreateLocality(t, db, "bettna", "Bettna")
		own := mustCreateUser(t, db, "hf@example.se", ortsplan.RoleOfficial, "halleforsnas")
		other := mustCreateUser(t, db, "bettna@example.se", ortsplan.RoleOfficial, "bettna")
		coord := mustCreateUser(t, db, "coord@example.se", ortsplan.RoleCoordinator)

		// Staff of another locality may not write one; nor may a coordinator for the whole municipality.
		if err := db.SaveSurvey(sqltest.AsUser(bg, other), surveyFor(hf.ID)); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("other locality's staff: %v", err)
		}
		if err := db.SaveSurvey(sqltest.AsUser(bg, coord), surveyFor(0)); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("coordinator for the municipality: %v", err)
		}
		if err := db.SaveSurvey(bg, surveyFor(hf.ID)); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("nobody: %v", err)
		}
		s := surveyFor(hf.ID)
		if err := db.SaveSurvey(sqltest.AsUser(bg, own), s); err != nil {
			t.Fatal(err)
		}
		// Moving it to a locality the official does not work on is refused too.
		moved := *s
		moved.LocalityID = 0
		if err := db.SaveSurvey(sqltest.AsUser(bg, own), &moved); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("moved to the municipality: %v", err)
		}

		ans := func(ctx context.Context, browser string, paper bool, a ...ortsplan.SurveyAnswer) error {
			return db.AnswerSurvey(ctx, &ortsplan.SurveyResponse{SurveyID: s.ID, Paper: paper, Answers: a}, browser)
		}
		full := []ortsplan.SurveyAnswer{{Choices: []int{0}}, {Choices: []int{0, 2}}, {Value: 4}, {Text: "Fler soptunnor"}}
		if err := ans(bg, "webbläsare-1", false, full...); err != nil {
			t.Fatal(err)
		}
		if err := ans(bg, "webbläsare-1", false, full...); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("second answer from one browser: %v", err)
		}
		if ok, err := db.Answered(bg, s.ID, "webbläsare-1"); err != nil || !ok {
			t.Fatalf("answered: %v %v", ok, err)
		}
		if ok, _ := db.Answered(bg, s.ID, "webbläsare-2"); ok {
			t.Fatal("another browser counts as answered")
		}
		if err := ans(bg, "webbläsare-2", false, ortsplan.SurveyAnswer{Choices: []int{5}}, ortsplan.SurveyAnswer{}, ortsplan.SurveyAnswer{}, ortsplan.SurveyAnswer{}); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Fatalf("unknown option: %v", err)
		}
		// Paper answers: staff of the locality only.
		paper := []ortsplan.SurveyAnswer{{Choices: []int{1}}, {}, {Value: 2}, {Text: "Bättre belysning"}}
		if err := ans(sqltest.AsUser(bg, other), "", true, paper...); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("paper answer by another locality's staff: %v", err)
		}
		if err := ans(bg, "", true, paper...); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("paper answer by nobody: %v", err)
		}
		if err := ans(sqltest.AsUser(bg, own), "", true, paper...); err != nil {
			t.Fatal(err)
		}
		if err := ans(sqltest.AsUser(bg, own), "", true, paper...); err != nil {
			t.Fatalf("a second paper form: %v", err)
		}

		// Results: not public while open; staff see them.
		if _, err := db.SurveyResults(bg, s.ID); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("results while open: %v", err)
		}
		res, err := db.SurveyResults(sqltest.AsUser(bg, own), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Survey.Responses; got != 3 || res.Survey.PaperResponses != 2 {
			t.Fatalf("responses %d (paper %d)", got, res.Survey.PaperResponses)
		}
		q1 := res.Questions[0]
		if q1.Counts[0].Count != 1 || q1.Counts[1].Count != 2 || q1.Counts[1].Paper != 2 || q1.Answered != 3 || q1.Paper != 2 {
			t.Fatalf("question 1: %+v", q1)
		}
		if q2 := res.Questions[1]; q2.Answered != 1 || q2.Counts[2].Count != 1 || q2.Counts[1].Count != 0 {
			t.Fatalf("question 2: %+v", q2)
		}
		if q3 := res.Questions[2]; q3.Mean != 8.0/3 || q3.Counts[1].Count != 2 || q3.Counts[3].Count != 1 {
			t.Fatalf("question 3: %+v", q3)
		}
		q4 := res.Questions[3]
		if len(q4.Texts) != 3 || q4.TextsWaiting != 3 {
			t.Fatalf("texts for staff: %+v", q4)
		}
		// After closing the results are public, the texts only once approved.
		now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		if err := ans(bg, "webbläsare-3", false, full...); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Fatalf("answer after closing: %v", err)
		}
		if err := db.ReviewText(sqltest.AsUser(bg, other), s.ID, q4.Texts[0].ID, ortsplan.TextApproved); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("review by another locality's staff: %v", err)
		}
		if err := db.ReviewText(sqltest.AsUser(bg, own), s.ID, q4.Texts[0].ID, ortsplan.TextApproved); err != nil {
			t.Fatal(err)
		}
		if err := db.ReviewText(sqltest.AsUser(bg, own), s.ID, q4.Texts[1].ID, ortsplan.TextHidden); err != nil {
			t.Fatal(err)
		}
		pub, err := db.SurveyResults(bg, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if texts := pub.Questions[3].Texts; len(texts) != 1 || texts[0].Text != "Fler soptunnor" {
			t.Fatalf("public texts: %+v", texts)
		}
		// The questions stay once answered.
		s.Questions[0].Options = []string{"Ja", "Nej", "Ibland"}
		if err := db.SaveSurvey(sqltest.AsUser(bg, own), s); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Fatalf("questions changed after answers: %v", err)
		}
	})
}

func TestSurveyOnePerResident(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		db.Now = func() time.Time { return time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC) }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		_, anna := residentLogin(t, db, "anna@example.se", "Anna", l.ID)
		s := surveyFor(l.ID)
		s.OnePerResident = true
		if err := db.SaveSurvey(sqltest.System(), s); err != nil {
			t.Fatal(err)
		}
		a := []ortsplan.SurveyAnswer{{}, {}, {Value: 3}, {}}
		bg := context.Background()
		if err := db.AnswerSurvey(bg, &ortsplan.SurveyResponse{SurveyID: s.ID, Answers: a}, "b1"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("without a resident: %v", err)
		}
		if err := db.AnswerSurvey(sqltest.AsResident(bg, anna.ID), &ortsplan.SurveyResponse{SurveyID: s.ID, Answers: a}, "b1"); err != nil {
			t.Fatal(err)
		}
		if err := db.AnswerSurvey(sqltest.AsResident(bg, anna.ID), &ortsplan.SurveyResponse{SurveyID: s.ID, Answers: a}, "b2"); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("second answer from another browser: %v", err)
		}
	})
}

// TestSurveyAnswersCountedUnderConcurrency submits many answer sets at once,
// some from the same browser twice: every distinct browser is counted once,
// and the counts per option add up exactly.
func TestSurveyAnswersCountedUnderConcurrency(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		db.Now = func() time.Time { return time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC) }
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		s := surveyFor(l.ID)
		if err := db.SaveSurvey(sqltest.System(), s); err != nil {
			t.Fatal(err)
		}
		const browsers = 40
		var wg sync.WaitGroup
		errs := make(chan error, 2*browsers)
		for i := 0; i < browsers; i++ {
			for twice := 0; twice < 2; twice++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					a := []ortsplan.SurveyAnswer{{Choices: []int{i % 2}}, {Choices: []int{0, 1}}, {Value: i%5 + 1}, {}}
					err := db.AnswerSurvey(context.Background(), &ortsplan.SurveyResponse{SurveyID: s.ID, Answers: a}, fmt.Sprintf("b%d", i))
					if err != nil && ortsplan.ErrorKey(err) != "survey.already_answered" {
						errs <- err
					}
				}(i)
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		res, err := db.SurveyResults(sqltest.System(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Survey.Responses != browsers {
			t.Fatalf("responses %d, want %d", res.Survey.Responses, browsers)
		}
		q := res.Questions
		if q[0].Counts[0].Count != browsers/2 || q[0].Counts[1].Count != browsers/2 || q[0].Answered != browsers {
			t.Fatalf("single choice: %+v", q[0])
		}
		if q[1].Counts[0].Count != browsers || q[1].Counts[1].Count != browsers || q[1].Counts[2].Count != 0 {
			t.Fatalf("multiple choice: %+v", q[1])
		}
		for i, c := range q[2].Counts {
			if c.Count != browsers/5 {
				t.Fatalf("scale step %d: %d", i+1, c.Count)
			}
		}
		if q[2].Mean != 3 {
			t.Fatalf("mean %v", q[2].Mean)
		}
	})
}

func TestViKanslaPerYear(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		hf := mustCreateLocality(t, db, "halleforsnas", "Hälleforsnäs")
		ctx := sqltest.System()
		for year, values := range map[int][]int{2024: {2, 3, 3}, 2025: {4, 4}} {
			opens := time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC)
			s := ortsplan.ViKanslaSurvey(hf.ID, hf.Name, opens, opens.AddDate(0, 0, 30))
			if err := db.SaveSurvey(ctx, s); err != nil {
				t.Fatal(err)
			}
			db.Now = func() time.Time { return opens.Add(36 * time.Hour) }
			for i, v := range values {
				a := make([]ortsplan.SurveyAnswer, len(s.Questions))
				for n := range a {
					a[n].Value = v
				}
				if err := db.AnswerSurvey(context.Background(), &ortsplan.SurveyResponse{SurveyID: s.ID, Answers: a}, fmt.Sprint(year, i)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A survey that is not vi-känsla does not count.
		other := surveyFor(hf.ID)
		if err := db.SaveSurvey(ctx, other); err != nil {
			t.Fatal(err)
		}
		got, err := db.ViKansla(context.Background(), hf.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []ortsplan.ViKanslaYear{{LocalityID: hf.ID, LocalityName: "Hälleforsnäs", Year: 2024, Mean: 8.0 / 3, Responses: 3},
			{LocalityID: hf.ID, LocalityName: "Hälleforsnäs", Year: 2025, Mean: 4, Responses: 2}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("vi-känsla %v, want %v", got, want)
		}
	})
}

// TestDemoSurveys: the demo's vi-känsla survey for Hälleforsnäs is answered
// in two years and shows a change; Malmköping has an open survey closing soon.
func TestDemoSurveys(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := demo.Load(context.Background(), db, nil); err != nil {
			t.Fatal(err)
		}
		hf, err := db.FindLocality(sqltest.System(), "halleforsnas")
		if err != nil {
			t.Fatal(err)
		}
		years, err := db.ViKansla(context.Background(), hf.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(years) != 2 || years[0].Year != 2024 || years[1].Year != 2025 {
			t.Fatalf("years %+v", years)
		}
		for i, y := range demo.ViKanslaYears {
			if years[i].Responses != y.Web+y.Paper {
				t.Errorf("%d: %d answers, want %d", y.Year, years[i].Responses, y.Web+y.Paper)
			}
		}
		if years[1].Mean-years[0].Mean < 0.2 {
			t.Errorf("no clear change: %.2f then %.2f", years[0].Mean, years[1].Mean)
		}
		t.Logf("vi-känsla in Hälleforsnäs: 2024 %.2f (%d answers), 2025 %.2f (%d answers)", years[0].Mean, years[0].Responses, years[1].Mean, years[1].Responses)
		open, err := db.Surveys(sqltest.System(), ortsplan.SurveyFilter{Public: true})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range open {
			found = found || (s.State(time.Now(), time.Local) == ortsplan.SurveyOpen && s.LocalitySlug == "malmkoping" && s.Responses == 18 && s.PaperResponses == 4)
		}
		if !found {
			t.Error("no open survey for Malmköping")
		}
	})
}
