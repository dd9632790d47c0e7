package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func qfResident(t *testing.T, db *sqlstore.DB, email, name string) int64 {
	t.Helper()
	var id int64
	must(t, db.SQL().QueryRow(`INSERT INTO residents (email, name, lang, created_at) VALUES ($1, $2, 'sv', $3) RETURNING id`,
		email, name, time.Now().UTC()).Scan(&id))
	return id
}

func quickfixFor(localityID int64, cost int64) *ortsplan.Quickfix {
	return &ortsplan.Quickfix{LocalityID: localityID, Kind: ortsplan.ApplicantAssociation, Organisation: "Byalaget",
		Title: "Anslagstavla", Place: "Vid affären", Description: "En pelare för lappar och affischer.", Cost: cost,
		OwnEffort: "Vi bygger och sätter upp den.",
		Photos:    []ortsplan.QuickfixPhoto{{Alt: "Platsen vid affären", Variants: []ortsplan.FileVariant{{Name: "page", Key: "qf-1.webp", ContentType: "image/webp"}}}}}
}

func TestQuickfixFlowAndRights(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		db.PublicURL = "https://ortsplan.example"
		bg := context.Background()
		sk := mustCreateLocality(t, db, "skebokvarn", "Skebokvarn")
		mustCreateLocality(t, db, "bettna", "Bettna")
		own := mustCreateUser(t, db, "sk@example.se", ortsplan.RoleOfficial, "skebokvarn")
		other := mustCreateUser(t, db, "bettna@example.se", ortsplan.RoleOfficial, "bettna")
		leader := mustCreateUser(t, db, "ledare@example.se", ortsplan.RoleGroupLeader, "skebokvarn")
		coord := mustCreateUser(t, db, "coord@example.se", ortsplan.RoleCoordinator)
		res := qfResident(t, db, "sokande@example.se", "Sökande Person")
		stranger := qfResident(t, db, "annan@example.se", "Annan")
		asRes := sqltest.AsResident(bg, res)

		// Nobody applies without a resident login; staff are no residents.
		if err := db.ApplyQuickfix(bg, quickfixFor(sk.ID, 8000)); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("anonymous apply: %v", err)
		}
		q := quickfixFor(sk.ID, 8000)
		must(t, db.ApplyQuickfix(asRes, q))
		if q.Status != ortsplan.QuickfixApplied || q.ID == 0 {
			t.Fatalf("applied: %+v", q)
		}

		// Not decided: found by the applicant and the locality's staff only.
		for name, ctx := range map[string]context.Context{"anonymous": bg, "other resident": sqltest.AsResident(bg, stranger),
			"other locality's staff": sqltest.AsUser(bg, other)} {
			if _, err := db.FindQuickfix(ctx, q.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
				t.Fatalf("%s finds the application: %v", name, err)
			}
		}
		got, err := db.FindQuickfix(sqltest.AsUser(bg, own), q.ID)
		must(t, err)
		if got.ApplicantEmail != "sokande@example.se" || got.ApplicantName != "Sökande Person" || len(got.Photos) != 1 {
			t.Fatalf("staff view: %+v", got)
		}
		got, err = db.FindQuickfix(asRes, q.ID)
		must(t, err)
		if got.ApplicantEmail != "" || got.ResidentID != res {
			t.Fatalf("applicant view: %+v", got)
		}
		waiting, err := db.Quickfixes(sqltest.AsUser(bg, own), ortsplan.QuickfixFilter{Waiting: true})
		must(t, err)
		if len(waiting) != 1 {
			t.Fatalf("waiting for the official: %d", len(waiting))
		}
		waiting, err = db.Quickfixes(sqltest.AsUser(bg, other), ortsplan.QuickfixFilter{Waiting: true})
		must(t, err)
		if len(waiting) != 0 {
			t.Fatalf("waiting for another locality's official: %d", len(waiting))
		}
		// The staff home counts it for who decides: not a group leader, not another locality's official.
		for u, want := range map[*ortsplan.User]int{own: 1, coord: 1, leader: 0, other: 0} {
			w, err := db.Workload(sqltest.AsUser(bg, u), 0)
			must(t, err)
			if w.QuickfixesWaiting != want || (want > 0 && w.Waiting() < want) {
				t.Fatalf("%s: %d waiting, want %d", u.Email, w.QuickfixesWaiting, want)
			}
		}
		if pub, err := db.Quickfixes(bg, ortsplan.QuickfixFilter{}); err != nil || len(pub) != 0 {
			t.Fatalf("public before the decision: %d %v", len(pub), err)
		}

		// Deciding: not the applicant, not another locality's staff, not a group leader.
		supp := ortsplan.QuickfixDecision{QuickfixID: q.ID, Status: ortsplan.QuickfixSupplement, Reason: "Bifoga en offert."}
		for name, ctx := range map[string]context.Context{"applicant": asRes, "other": sqltest.AsUser(bg, other), "leader": sqltest.AsUser(bg, leader)} {
			want := ortsplan.EFORBIDDEN
			if name == "applicant" {
				want = ortsplan.EUNAUTHORIZED
			}
			if err := db.DecideQuickfix(ctx, supp); ortsplan.ErrorCode(err) != want {
				t.Fatalf("%s decides: %v", name, err)
			}
		}
		must(t, db.DecideQuickfix(sqltest.AsUser(bg, own), supp))
		// Only the applicant amends.
		amended := quickfixFor(sk.ID, 9000)
		amended.ID, amended.Photos = q.ID, nil
		amended.Description += " Offert: 9 000 kr från snickeriet."
		if err := db.AmendQuickfix(sqltest.AsResident(bg, stranger), amended); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("stranger amends: %v", err)
		}
		must(t, db.AmendQuickfix(asRes, amended))
		if err := db.AmendQuickfix(asRes, amended); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("amended twice: %v", err)
		}

		// A grant needs the year's budget.
		grant := ortsplan.QuickfixDecision{QuickfixID: q.ID, Status: ortsplan.QuickfixGranted, Amount: 8500, Reason: "Bra idé."}
		if err := db.DecideQuickfix(sqltest.AsUser(bg, own), grant); ortsplan.ErrorKey(err) != "quickfix.no_budget" {
			t.Fatalf("grant without a budget: %v", err)
		}
		if err := db.SetQuickfixBudget(sqltest.AsUser(bg, own), &ortsplan.QuickfixBudget{Year: 2026, Amount: 50000}); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("an official sets the budget: %v", err)
		}
		must(t, db.SetQuickfixBudget(sqltest.AsUser(bg, coord), &ortsplan.QuickfixBudget{Year: 2026, Amount: 50000}))
		must(t, db.SetQuickfixBudget(sqltest.AsUser(bg, coord), &ortsplan.QuickfixBudget{Year: 2026, LocalityID: sk.ID, Amount: 8000}))
		// The locality's share is smaller than the grant.
		if err := db.DecideQuickfix(sqltest.AsUser(bg, own), grant); ortsplan.ErrorKey(err) != "quickfix.over_budget" {
			t.Fatalf("grant over the locality's share: %v", err)
		}
		must(t, db.SetQuickfixBudget(sqltest.AsUser(bg, coord), &ortsplan.QuickfixBudget{Year: 2026, LocalityID: sk.ID, Amount: 10000}))
		must(t, db.DecideQuickfix(sqltest.AsUser(bg, own), grant))
		if err := db.DecideQuickfix(sqltest.AsUser(bg, own), grant); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("granted twice: %v", err)
		}
		bs, err := db.QuickfixBudgets(bg, 2026)
		must(t, err)
		if len(bs) != 2 || bs[0].LocalityID != 0 || bs[0].Granted != 8500 || bs[0].Remaining() != 41500 || bs[1].Granted != 8500 || bs[1].Remaining() != 1500 {
			t.Fatalf("budgets: %+v %+v", bs[0], bs[1])
		}
		if err := db.SetQuickfixBudget(sqltest.AsUser(bg, coord), &ortsplan.QuickfixBudget{Year: 2026, LocalityID: sk.ID, Amount: 8000}); ortsplan.FieldErrors(err)["budget"] != "quickfix.budget_below_granted" {
			t.Fatalf("budget below what was granted: %v", err)
		}

		// The effects dashboard counts it in the quarter it was granted, with the sum.
		e, err := db.Effects(bg, sk.ID, ortsplan.PeriodQuarter)
		must(t, err)
		if last := e.Periods[len(e.Periods)-1]; last.Quickfixes != 1 || last.QuickfixesAmount != 8500 {
			t.Fatalf("effects: %d quickfixes, %d kr", last.Quickfixes, last.QuickfixesAmount)
		}

		// Public now, without the applicant's details.
		pub, err := db.FindQuickfix(bg, q.ID)
		must(t, err)
		if pub.Status != ortsplan.QuickfixGranted || pub.Amount != 8500 || pub.ApplicantName != "" || pub.ApplicantEmail != "" || pub.ResidentID != 0 ||
			pub.DecidedBy != own.Name || len(pub.Events) != 4 {
			t.Fatalf("public view: %+v", pub)
		}
		list, err := db.Quickfixes(bg, ortsplan.QuickfixFilter{LocalityID: sk.ID})
		must(t, err)
		if len(list) != 1 || list[0].ID != q.ID {
			t.Fatalf("public list: %d", len(list))
		}

		// The applicant was e-mailed each decision.
		msgs, err := db.ListMessages(sqltest.System(), 10)
		must(t, err)
		var subjects []string
		for _, m := range msgs {
			if m.To == "sokande@example.se" {
				subjects = append(subjects, m.Subject)
				if !strings.Contains(m.Text, "https://ortsplan.example/quickfix/") {
					t.Fatalf("no link: %s", m.Text)
				}
			}
		}
		if len(subjects) != 2 || !strings.Contains(strings.Join(subjects, "|"), "beviljad") {
			t.Fatalf("mails to the applicant: %q", subjects)
		}

		// Closing: the applicant reports, staff record the payment.
		if err := db.RecordQuickfixPayment(sqltest.AsUser(bg, own), ortsplan.QuickfixPayment{QuickfixID: q.ID, On: now, Amount: 8500}); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("paid before the report: %v", err)
		}
		if err := db.ReportQuickfix(sqltest.AsUser(bg, own), q.ID, "Klart!", nil); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("staff report: %v", err)
		}
		must(t, db.ReportQuickfix(asRes, q.ID, "Tavlan står på plats sedan midsommar.",
			[]ortsplan.QuickfixPhoto{{Alt: "Den nya tavlan", Variants: []ortsplan.FileVariant{{Name: "page", Key: "qf-2.webp"}}}}))
		if err := db.RecordQuickfixPayment(sqltest.AsUser(bg, other), ortsplan.QuickfixPayment{QuickfixID: q.ID, On: now, Amount: 8500}); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("another locality's official pays: %v", err)
		}
		if err := db.RecordQuickfixPayment(sqltest.AsUser(bg, own), ortsplan.QuickfixPayment{QuickfixID: q.ID, On: now, Amount: 9000}); ortsplan.FieldErrors(err)["paid_amount"] == "" {
			t.Fatalf("paid more than granted: %v", err)
		}
		must(t, db.RecordQuickfixPayment(sqltest.AsUser(bg, own), ortsplan.QuickfixPayment{QuickfixID: q.ID, On: now, Amount: 8500}))
		pub, err = db.FindQuickfix(bg, q.ID)
		must(t, err)
		if pub.Status != ortsplan.QuickfixPaid || pub.PaidAmount != 8500 || !pub.PaidOn.Equal(time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)) ||
			pub.Report == "" || len(pub.Photos) != 2 || !pub.Photos[1].Report || len(pub.Events) != 6 {
			t.Fatalf("paid: %+v", pub)
		}
		var audits int
		must(t, db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'quickfix:%'").Scan(&audits))
		if audits != 6 { // two decisions, three budgets, one payment
			t.Fatalf("audit entries %d", audits)
		}

		// A refused one stays out of the public lists.
		r := quickfixFor(sk.ID, 3000)
		must(t, db.ApplyQuickfix(asRes, r))
		must(t, db.DecideQuickfix(sqltest.AsUser(bg, own), ortsplan.QuickfixDecision{QuickfixID: r.ID, Status: ortsplan.QuickfixRefused, Reason: "Ingår i planen."}))
		if _, err := db.FindQuickfix(bg, r.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("refused is public: %v", err)
		}
		mine, err := db.Quickfixes(asRes, ortsplan.QuickfixFilter{Own: true})
		must(t, err)
		if len(mine) != 2 {
			t.Fatalf("own list %d", len(mine))
		}
	})
}

func TestQuickfixRequireVerified(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		sk := mustCreateLocality(t, db, "skebokvarn", "Skebokvarn")
		res := qfResident(t, db, "boende@example.se", "Boende")
		db.RequireVerifiedQuickfix = true
		plain := ortsplan.NewContextWithResident(context.Background(), &ortsplan.Resident{ID: res})
		if err := db.ApplyQuickfix(plain, quickfixFor(sk.ID, 1000)); ortsplan.ErrorKey(err) != "quickfix.verified_required" {
			t.Fatalf("unverified resident: %v", err)
		}
		verified := ortsplan.NewContextWithResident(context.Background(), &ortsplan.Resident{ID: res, Verified: true})
		must(t, db.ApplyQuickfix(verified, quickfixFor(sk.ID, 1000)))
	})
}

// TestQuickfixBudgetUnderConcurrentGrants grants two applications at once
// that together exceed the budget: exactly one succeeds, and the budget
// never goes below zero.
func TestQuickfixBudgetUnderConcurrentGrants(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		db.Now = func() time.Time { return time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC) }
		bg := context.Background()
		sk := mustCreateLocality(t, db, "skebokvarn", "Skebokvarn")
		coord := mustCreateUser(t, db, "coord@example.se", ortsplan.RoleCoordinator)
		must(t, db.SetQuickfixBudget(sqltest.AsUser(bg, coord), &ortsplan.QuickfixBudget{Year: 2026, Amount: 10000}))
		for round := 0; round < 5; round++ {
			res := qfResident(t, db, "r"+string(rune('a'+round))+"@example.se", "R")
			var ids [2]int64
			for i := range ids {
				q := quickfixFor(sk.ID, 6000)
				must(t, db.ApplyQuickfix(sqltest.AsResident(bg, res), q))
				ids[i] = q.ID
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			for i, id := range ids {
				wg.Add(1)
				go func(i int, id int64) {
					defer wg.Done()
					<-start
					errs[i] = db.DecideQuickfix(sqltest.AsUser(bg, coord), ortsplan.QuickfixDecision{QuickfixID: id, Status: ortsplan.QuickfixGranted, Amount: 6000})
				}(i, id)
			}
			close(start)
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case ortsplan.ErrorKey(err) != "quickfix.over_budget":
					t.Fatalf("round %d: %v", round, err)
				}
			}
			bs, err := db.QuickfixBudgets(bg, 2026)
			must(t, err)
			if ok != 1 || bs[0].Granted != 6000 || bs[0].Remaining() < 0 {
				t.Fatalf("round %d: %d grants succeeded, granted %d", round, ok, bs[0].Granted)
			}
			var granted int
			must(t, db.SQL().QueryRow("SELECT COUNT(*) FROM quickfixes WHERE status = 'beviljad'").Scan(&granted))
			if granted != 1 {
				t.Fatalf("round %d: %d granted rows", round, granted)
			}
			// Give the budget back for the next round: undo the grant.
			_, err = db.SQL().Exec("UPDATE quickfixes SET status = 'avslagen', public = FALSE WHERE status = 'beviljad'")
			must(t, err)
			_, err = db.SQL().Exec("UPDATE quickfix_budgets SET granted = 0")
			must(t, err)
		}
	})
}
