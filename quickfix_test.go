package ortsplan_test

import (
	"testing"

	"github.com/ortsplan/ortsplan"
)

func TestQuickfixStep(t *testing.T) {
	const (
		applied    = ortsplan.QuickfixApplied
		supplement = ortsplan.QuickfixSupplement
		granted    = ortsplan.QuickfixGranted
		refused    = ortsplan.QuickfixRefused
		reported   = ortsplan.QuickfixReported
		paid       = ortsplan.QuickfixPaid
		staff      = ortsplan.QuickfixByStaff
		applicant  = ortsplan.QuickfixByApplicant
	)
	allowed := map[[2]ortsplan.QuickfixStatus]ortsplan.QuickfixActor{
		{applied, granted}:    staff,
		{applied, refused}:    staff,
		{applied, supplement}: staff,
		{supplement, applied}: applicant,
		{supplement, refused}: staff,
		{granted, reported}:   applicant,
		{reported, paid}:      staff,
	}
	// Every pair of statuses, by each actor: only the table's steps, only by their actor.
	for _, from := range ortsplan.QuickfixStatuses {
		for _, to := range ortsplan.QuickfixStatuses {
			for _, who := range []ortsplan.QuickfixActor{staff, applicant} {
				want := allowed[[2]ortsplan.QuickfixStatus{from, to}] == who
				if got := ortsplan.QuickfixStep(from, to, who); got != want {
					t.Errorf("%s → %s by %s: %v, want %v", from, to, who, got, want)
				}
				err := ortsplan.CheckQuickfixStep(from, to, who)
				if (err == nil) != want || (err != nil && ortsplan.ErrorCode(err) != ortsplan.ECONFLICT) {
					t.Errorf("check %s → %s by %s: %v", from, to, who, err)
				}
			}
		}
	}
	// Some steps in words, as the rules were asked for.
	for _, c := range []struct {
		from, to ortsplan.QuickfixStatus
		who      ortsplan.QuickfixActor
		want     bool
	}{
		{applied, granted, applicant, false}, // nobody grants themselves
		{granted, granted, staff, false},     // a decision is not taken twice
		{granted, refused, staff, false},
		{refused, applied, applicant, false}, // refused is closed
		{paid, reported, applicant, false},
		{granted, paid, staff, false}, // paid only after the report
		{supplement, granted, staff, false},
		{reported, paid, staff, true},
	} {
		if got := ortsplan.QuickfixStep(c.from, c.to, c.who); got != c.want {
			t.Errorf("%s → %s by %s: %v", c.from, c.to, c.who, got)
		}
	}
}

func TestQuickfixStatusPublic(t *testing.T) {
	for st, want := range map[ortsplan.QuickfixStatus]bool{
		ortsplan.QuickfixApplied: false, ortsplan.QuickfixSupplement: false, ortsplan.QuickfixRefused: false,
		ortsplan.QuickfixGranted: true, ortsplan.QuickfixReported: true, ortsplan.QuickfixPaid: true,
	} {
		if st.Public() != want {
			t.Errorf("%s public: %v", st, !want)
		}
		if st.Waiting() != (st == ortsplan.QuickfixApplied) {
			t.Errorf("%s waiting", st)
		}
	}
}

func validQuickfix() *ortsplan.Quickfix {
	return &ortsplan.Quickfix{Kind: ortsplan.ApplicantAssociation, Organisation: " Skebokvarns byalag ", Title: " Anslagstavla ",
		Place: "Vid affären", Description: "En pelare för lappar.", Cost: 8000, OwnEffort: "Vi bygger och sätter upp den."}
}

func TestQuickfixValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*ortsplan.Quickfix)
		field  string // "" for valid
	}{
		{"valid", func(*ortsplan.Quickfix) {}, ""},
		{"resident needs no organisation", func(q *ortsplan.Quickfix) { q.Kind, q.Organisation = ortsplan.ApplicantResident, "" }, ""},
		{"association needs its name", func(q *ortsplan.Quickfix) { q.Organisation = " " }, "organisation"},
		{"unknown kind", func(q *ortsplan.Quickfix) { q.Kind = "bolag" }, "kind"},
		{"no what", func(q *ortsplan.Quickfix) { q.Title = "" }, "title"},
		{"no where", func(q *ortsplan.Quickfix) { q.Place = "  " }, "place"},
		{"no own effort", func(q *ortsplan.Quickfix) { q.OwnEffort = "" }, "own_effort"},
		{"no description", func(q *ortsplan.Quickfix) { q.Description = "" }, "description"},
		{"zero cost", func(q *ortsplan.Quickfix) { q.Cost = 0 }, "cost"},
		{"negative cost", func(q *ortsplan.Quickfix) { q.Cost = -5 }, "cost"},
		{"too large", func(q *ortsplan.Quickfix) { q.Cost = ortsplan.MaxQuickfixCost + 1 }, "cost"},
		{"largest", func(q *ortsplan.Quickfix) { q.Cost = ortsplan.MaxQuickfixCost }, ""},
	} {
		q := validQuickfix()
		c.change(q)
		err := q.Validate()
		fe := ortsplan.FieldErrors(err)
		if c.field == "" && err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if c.field != "" && fe[c.field] == "" {
			t.Errorf("%s: errors %v, want one on %s", c.name, fe, c.field)
		}
	}
	q := validQuickfix()
	if err := q.Validate(); err != nil || q.Title != "Anslagstavla" || q.Organisation != "Skebokvarns byalag" {
		t.Fatalf("not trimmed: %q %q %v", q.Title, q.Organisation, err)
	}
}

func TestQuickfixDecisionValidate(t *testing.T) {
	for _, c := range []struct {
		d     ortsplan.QuickfixDecision
		field string
	}{
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixGranted, Amount: 8000}, ""},
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixGranted, Amount: 1}, ""},
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixGranted, Amount: 8001}, "amount"}, // more than asked for
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixGranted}, "amount"},
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixRefused}, "reason"},
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixRefused, Reason: "Ingår redan i planen."}, ""},
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixSupplement, Reason: " "}, "reason"},
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixSupplement, Reason: "Bifoga en offert."}, ""},
		{ortsplan.QuickfixDecision{Status: ortsplan.QuickfixPaid}, "status"},
		{ortsplan.QuickfixDecision{Status: "ja"}, "status"},
	} {
		err := c.d.Validate(8000)
		fe := ortsplan.FieldErrors(err)
		if c.field == "" && err != nil {
			t.Errorf("%+v: %v", c.d, err)
		} else if c.field != "" && fe[c.field] == "" {
			t.Errorf("%+v: errors %v, want one on %s", c.d, fe, c.field)
		}
	}
}

func TestQuickfixPaymentValidate(t *testing.T) {
	today := date("2026-06-10")
	for _, c := range []struct {
		p     ortsplan.QuickfixPayment
		field string
	}{
		{ortsplan.QuickfixPayment{On: today, Amount: 5000}, ""},
		{ortsplan.QuickfixPayment{On: date("2026-06-01"), Amount: 1}, ""},
		{ortsplan.QuickfixPayment{On: date("2026-06-11"), Amount: 5000}, "paid_on"},
		{ortsplan.QuickfixPayment{Amount: 5000}, "paid_on"},
		{ortsplan.QuickfixPayment{On: today, Amount: 5001}, "paid_amount"},
		{ortsplan.QuickfixPayment{On: today}, "paid_amount"},
	} {
		fe := ortsplan.FieldErrors(c.p.Validate(5000, today))
		if (c.field == "") != (len(fe) == 0) || (c.field != "" && fe[c.field] == "") {
			t.Errorf("%+v: %v, want %q", c.p, fe, c.field)
		}
	}
}

func TestQuickfixBudget(t *testing.T) {
	b := &ortsplan.QuickfixBudget{Year: 2026, Amount: 50000, Granted: 42000}
	if b.Remaining() != 8000 {
		t.Fatalf("remaining %d", b.Remaining())
	}
	for amount, ok := range map[int64]bool{1: true, 8000: true, 8001: false, 0: false, -1: false} {
		if err := b.CheckGrant(amount); (err == nil) != ok {
			t.Errorf("grant %d: %v", amount, err)
		}
	}
	for _, c := range []struct {
		b     ortsplan.QuickfixBudget
		field string
	}{
		{ortsplan.QuickfixBudget{Year: 2026, Amount: 50000}, ""},
		{ortsplan.QuickfixBudget{Year: 2026, Amount: 42000, Granted: 42000}, ""},
		{ortsplan.QuickfixBudget{Year: 2026, Amount: 41999, Granted: 42000}, "budget"}, // below what was granted
		{ortsplan.QuickfixBudget{Year: 2026, Amount: -1}, "budget"},
		{ortsplan.QuickfixBudget{Year: 1999, Amount: 1}, "year"},
	} {
		fe := ortsplan.FieldErrors(c.b.Validate())
		if (c.field == "") != (len(fe) == 0) || (c.field != "" && fe[c.field] == "") {
			t.Errorf("%+v: %v, want %q", c.b, fe, c.field)
		}
	}
}

func TestQuickfixRights(t *testing.T) {
	admin := &ortsplan.User{ID: 1, Role: ortsplan.RoleAdmin, Active: true}
	coord := &ortsplan.User{ID: 2, Role: ortsplan.RoleCoordinator, Active: true}
	official := &ortsplan.User{ID: 3, Role: ortsplan.RoleOfficial, Active: true, Localities: []ortsplan.LocalityRef{{ID: 7}}}
	leader := &ortsplan.User{ID: 4, Role: ortsplan.RoleGroupLeader, Active: true, Localities: []ortsplan.LocalityRef{{ID: 7}}}
	gone := &ortsplan.User{ID: 5, Role: ortsplan.RoleCoordinator}
	for _, c := range []struct {
		u          *ortsplan.User
		loc        int64
		decide, bg bool
	}{
		{admin, 7, true, true}, {coord, 9, true, true}, {official, 7, true, false}, {official, 9, false, false},
		{leader, 7, false, false}, {gone, 7, false, false}, {nil, 7, false, false},
	} {
		if got := c.u.CanDecideQuickfix(c.loc); got != c.decide {
			t.Errorf("%+v decides %d: %v", c.u, c.loc, got)
		}
		if got := c.u.CanSetQuickfixBudget(); got != c.bg {
			t.Errorf("%+v sets budgets: %v", c.u, got)
		}
	}
	for _, c := range []struct {
		r               *ortsplan.Resident
		requireVerified bool
		want            bool
	}{
		{&ortsplan.Resident{ID: 1}, false, true},
		{&ortsplan.Resident{ID: 1}, true, false},
		{&ortsplan.Resident{ID: 1, Verified: true}, true, true},
		{&ortsplan.Resident{}, false, false},
		{nil, false, false},
	} {
		if got := c.r.MayApplyQuickfix(c.requireVerified); got != c.want {
			t.Errorf("%+v (verified required %v): %v", c.r, c.requireVerified, got)
		}
	}
}
