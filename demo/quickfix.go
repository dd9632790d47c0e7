package demo

import (
	"fmt"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
)

// The demo's quickfix grants: Skebokvarn's notice pillar (granted,
// reported and paid; the municipality's own example of a quickfix), a
// bench by Brukssjön in Hälleforsnäs (granted and reported, the payment
// waits) and lighting at Bettna's bus stop (waiting for a decision, so the
// staff home has one). Each goes through the ordinary service, dated
// relative to the day the demo loads, with a yearly budget for every year
// they fall in.

// QuickfixBudget is the demo municipality's yearly quickfix budget, in kronor.
const QuickfixBudget = 50000

type demoQuickfix struct {
	slug     string
	by       int // resident
	daysAgo  int // applied
	q        ortsplan.Quickfix
	photo    *demoPhoto
	grant    int64 // kronor; 0: not decided
	decided  int   // days after applying
	report   string
	reported int // days after applying
	paid     int // days after applying; 0: not paid
}

var demoQuickfixes = []demoQuickfix{
	{slug: "skebokvarn", by: 19, daysAgo: 420, q: ortsplan.Quickfix{Kind: ortsplan.ApplicantAssociation, Organisation: "Skebokvarns byalag",
		Title: "Anslagstavla – en informationspelare vid affären", Place: "Vid affären och busshållplatsen",
		Description: "I dag sitter lappar om möten, loppisar och badplatsens städdag på elskåpet. Vi vill sätta upp en rund informationspelare med tak, där alla får sätta upp sina lappar och där byalaget kan visa kartan över byn.",
		Cost:        9500, OwnEffort: "Vi bygger pelaren själva på en arbetsdag, gjuter plintarna, målar den och håller den fri från gamla lappar."},
		photo: &demoPhoto{48, localityImages["skebokvarn"].alt},
		grant: 9500, decided: 12, reported: 80, paid: 90,
		report: "Pelaren står sedan midsommar vid affären. Tolv grannar var med på arbetsdagen, och nu sitter mötes- och loppislapparna där i stället för på elskåpet."},
	{slug: "halleforsnas", by: 8, daysAgo: 120, q: ortsplan.Quickfix{Kind: ortsplan.ApplicantGroup, Organisation: "Arbetsgruppen trafik, boende och natur",
		Title: "Två bänkar längs promenaden runt Brukssjön", Place: "Stigen runt Brukssjön, vid udden och vid badet",
		Description: "Promenaden runt Brukssjön är lång för den som behöver vila. Två bänkar av trä på platser med utsikt över sjön.",
		Cost:        7200, OwnEffort: "Gruppen monterar bänkarna och sköter dem; kommunens fritidsavdelning visar var de får stå."},
		grant: 6000, decided: 21, reported: 95,
		report: "Bänkarna står på plats och används redan, mest av äldre som går runt sjön på förmiddagarna."},
	{slug: "bettna", by: 17, daysAgo: 9, q: ortsplan.Quickfix{Kind: ortsplan.ApplicantResident,
		Title: "Belysning vid busshållplatsen", Place: "Busshållplatsen vid skolan",
		Description: "Det är mörkt vid hållplatsen på vintermorgnarna när barnen väntar på bussen. En solcellslampa på stolpen skulle räcka.",
		Cost:        3800, OwnEffort: "Jag och grannen sätter upp lampan och byter batteri när det behövs."}},
}

func loadQuickfixes(s ortsplan.QuickfixService, ck *clock, st media.Storage, ls map[string]*ortsplan.Locality, rs []*ortsplan.Resident, ago func(int) time.Time, now time.Time) error {
	sthlm := i18n.Stockholm()
	for y := ago(700).In(sthlm).Year(); y <= now.In(sthlm).Year(); y++ {
		if err := s.SetQuickfixBudget(ck.sys, &ortsplan.QuickfixBudget{Year: y, Amount: QuickfixBudget}); err != nil {
			return fmt.Errorf("demo: quickfix budget %d: %w", y, err)
		}
	}
	for n, dq := range demoQuickfixes {
		q := dq.q
		q.LocalityID = ls[dq.slug].ID
		applied := ago(dq.daysAgo)
		res := rs[dq.by]
		if dq.photo != nil && st != nil {
			f, err := storePicture(ck.sys, st, fmt.Sprintf("demo-quickfix-%d", n), dq.photo.seed, 1280, 720)
			if err != nil {
				return err
			}
			q.Photos = []ortsplan.QuickfixPhoto{{Alt: dq.photo.alt, Variants: f.Variants}}
		}
		if err := s.ApplyQuickfix(ck.resident(res, applied), &q); err != nil {
			return fmt.Errorf("demo: quickfix %s: %w", q.Title, err)
		}
		if dq.grant == 0 {
			continue
		}
		day := func(d int) time.Time { return applied.AddDate(0, 0, d) }
		if err := s.DecideQuickfix(ck.at(day(dq.decided)), ortsplan.QuickfixDecision{QuickfixID: q.ID, Status: ortsplan.QuickfixGranted,
			Amount: dq.grant, Reason: "Beviljas ur årets quickfix-pengar. Skicka en rapport med foto när arbetet är klart."}); err != nil {
			return fmt.Errorf("demo: quickfix %s decision: %w", q.Title, err)
		}
		if dq.report == "" {
			continue
		}
		if err := s.ReportQuickfix(ck.resident(res, day(dq.reported)), q.ID, dq.report, nil); err != nil {
			return fmt.Errorf("demo: quickfix %s report: %w", q.Title, err)
		}
		if dq.paid == 0 {
			continue
		}
		if err := s.RecordQuickfixPayment(ck.at(day(dq.paid)), ortsplan.QuickfixPayment{QuickfixID: q.ID,
			On: ortsplan.SurveyDay(day(dq.paid), sthlm), Amount: dq.grant}); err != nil {
			return fmt.Errorf("demo: quickfix %s payment: %w", q.Title, err)
		}
	}
	return nil
}
