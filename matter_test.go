package ortsplan_test

import (
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
)

func TestMatterTransition(t *testing.T) {
	const (
		sent     = ortsplan.MatterSent
		answered = ortsplan.MatterAnswered
		granted  = ortsplan.MatterGranted
		refused  = ortsplan.MatterRefused
		dormant  = ortsplan.MatterDormant
	)
	tests := []struct {
		from, to ortsplan.MatterStatus
		ok       bool
	}{
		{sent, sent, true},
		{sent, answered, true},
		{sent, granted, true},
		{sent, refused, true},
		{sent, dormant, true},
		{answered, granted, true},
		{answered, refused, true},
		{answered, dormant, true},
		{answered, sent, false},
		{dormant, sent, true},
		{dormant, answered, true},
		{dormant, granted, true},
		{refused, sent, true},
		{refused, granted, false},
		{refused, dormant, false},
		{granted, granted, true},
		{granted, refused, false},
		{granted, sent, false},
		{granted, dormant, false},
		{"", sent, false},
		{sent, "klart", false},
	}
	for _, tt := range tests {
		if got := ortsplan.MatterTransition(tt.from, tt.to); got != tt.ok {
			t.Errorf("MatterTransition(%q, %q) = %v, want %v", tt.from, tt.to, got, tt.ok)
		}
	}
}

func TestMatterValidate(t *testing.T) {
	valid := func() *ortsplan.Matter {
		return &ortsplan.Matter{Title: " Belysning i korsningen 221/52 ", Recipient: "Trafikverket", SentOn: date("2013-03-01"), Status: ortsplan.MatterSent}
	}
	tests := []struct {
		name  string
		edit  func(m *ortsplan.Matter)
		field string
		key   string
	}{
		{"valid", func(m *ortsplan.Matter) {}, "", ""},
		{"refused with answer", func(m *ortsplan.Matter) {
			m.Status, m.AnsweredOn, m.Answer = ortsplan.MatterRefused, date("2013-05-02"), "Nej."
		}, "", ""},
		{"dormant without answer", func(m *ortsplan.Matter) { m.Status = ortsplan.MatterDormant }, "", ""},
		{"no title", func(m *ortsplan.Matter) { m.Title = " " }, "title", "error.required"},
		{"no recipient", func(m *ortsplan.Matter) { m.Recipient = "" }, "recipient", "error.required"},
		{"no sent date", func(m *ortsplan.Matter) { m.SentOn = time.Time{} }, "sent_on", "error.date_required"},
		{"unknown status", func(m *ortsplan.Matter) { m.Status = "klart" }, "status", "error.choose_from_list"},
		{"granted without answer day", func(m *ortsplan.Matter) { m.Status = ortsplan.MatterGranted }, "answered_on", "matter.answer_date_required"},
		{"sent with an answer day", func(m *ortsplan.Matter) { m.AnsweredOn = date("2013-04-01") }, "status", "matter.answered_but_sent"},
		{"answered before sent", func(m *ortsplan.Matter) {
			m.Status, m.AnsweredOn = ortsplan.MatterAnswered, date("2013-02-01")
		}, "answered_on", "matter.answer_before_sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.edit(m)
			errs := ortsplan.FieldErrors(m.Validate())
			if tt.field == "" {
				if errs != nil {
					t.Fatalf("errors %v", errs)
				}
				if m.Title != "Belysning i korsningen 221/52" {
					t.Errorf("title not trimmed: %q", m.Title)
				}
				return
			}
			if errs[tt.field] != tt.key {
				t.Fatalf("errors %v, want %s: %s", errs, tt.field, tt.key)
			}
		})
	}
}

func TestMatterWaiting(t *testing.T) {
	sent := date("2026-01-01")
	tests := []struct {
		name    string
		m       ortsplan.Matter
		today   time.Time
		days    int
		waiting bool
		overdue bool
	}{
		{"same day", ortsplan.Matter{Status: ortsplan.MatterSent, SentOn: sent}, date("2026-01-01"), 0, true, false},
		{"59 days", ortsplan.Matter{Status: ortsplan.MatterSent, SentOn: sent}, date("2026-03-01"), 59, true, false},
		{"60 days", ortsplan.Matter{Status: ortsplan.MatterSent, SentOn: sent}, date("2026-03-02"), 60, true, true},
		{"late in the day counts the day", ortsplan.Matter{Status: ortsplan.MatterSent, SentOn: sent}, date("2026-03-02").Add(23 * time.Hour), 60, true, true},
		{"a year", ortsplan.Matter{Status: ortsplan.MatterSent, SentOn: sent}, date("2027-01-01"), 365, true, true},
		{"answered waits no more", ortsplan.Matter{Status: ortsplan.MatterAnswered, SentOn: sent, AnsweredOn: date("2026-01-10")}, date("2027-01-01"), 0, false, false},
		{"refused", ortsplan.Matter{Status: ortsplan.MatterRefused, SentOn: sent, AnsweredOn: date("2026-01-10")}, date("2027-01-01"), 0, false, false},
		{"dormant waits for nobody", ortsplan.Matter{Status: ortsplan.MatterDormant, SentOn: sent}, date("2027-01-01"), 0, false, false},
		{"sent in the future", ortsplan.Matter{Status: ortsplan.MatterSent, SentOn: date("2026-02-01")}, date("2026-01-01"), 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, waiting := ortsplan.MatterWaitingDays(&tt.m, tt.today)
			if days != tt.days || waiting != tt.waiting {
				t.Errorf("MatterWaitingDays = %d, %v; want %d, %v", days, waiting, tt.days, tt.waiting)
			}
			if got := ortsplan.MatterOverdue(&tt.m, tt.today); got != tt.overdue {
				t.Errorf("MatterOverdue = %v, want %v", got, tt.overdue)
			}
			// The query's bound says the same as the rule for a waiting matter.
			if tt.waiting {
				bound := !tt.m.SentOn.After(ortsplan.MatterOverdueSince(tt.today))
				if bound != tt.overdue {
					t.Errorf("MatterOverdueSince: sent %v ≤ %v is %v, rule says %v", tt.m.SentOn, ortsplan.MatterOverdueSince(tt.today), bound, tt.overdue)
				}
			}
		})
	}
}
