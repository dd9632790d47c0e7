package ortsplan

import (
	"testing"
	"time"
)

func TestAdoptionNeedsDecision(t *testing.T) {
	day := time.Date(2012, 4, 23, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		status DocStatus
		d      Decision
		want   map[string]string
	}{
		{"draft without decision", StatusDraft, Decision{}, nil},
		{"adopted with day and body", StatusAdopted, Decision{On: day, Body: "Kommunfullmäktige"}, nil},
		{"adopted with reference too", StatusAdopted, Decision{On: day, Body: "Kommunstyrelsen", Reference: "KS 2012/4"}, nil},
		{"adopted without day", StatusAdopted, Decision{Body: "Kommunfullmäktige"}, map[string]string{"decision_date": "error.decision_date_required"}},
		{"adopted without body", StatusAdopted, Decision{On: day}, map[string]string{"decision_body": "error.decision_body_required"}},
		{"adopted with blank body", StatusAdopted, Decision{On: day, Body: "  \t"}, map[string]string{"decision_body": "error.decision_body_required"}},
		{"adopted without anything", StatusAdopted, Decision{}, map[string]string{"decision_date": "error.decision_date_required", "decision_body": "error.decision_body_required"}},
		{"draft may carry a decision", StatusDraft, Decision{Body: "Kommunfullmäktige"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, what := range []string{"vision", "plan"} {
				var err error
				if what == "vision" {
					err = (&Vision{Title: "Vision", Status: c.status, Decision: c.d}).Validate()
				} else {
					err = (&Plan{Status: c.status, Decision: c.d}).Validate()
				}
				got := FieldErrors(err)
				if len(got) != len(c.want) {
					t.Fatalf("%s: errors %v, want %v", what, got, c.want)
				}
				for f, k := range c.want {
					if got[f] != k {
						t.Fatalf("%s: errors %v, want %v", what, got, c.want)
					}
				}
			}
		})
	}
}
