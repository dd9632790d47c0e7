package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/ortsplan/ortsplan"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// history is each locality's phase timeline. Dates follow the facts file; where
// only a month or a year is known, the note says the date is approximate.
var history = map[string][]ortsplan.PhaseChange{
	"flen": {
		{Phase: ortsplan.PhaseMobilising, On: day("2013-02-01"), Note: "Stormöten 2013–2014 (ungefärligt)."},
		{Phase: ortsplan.PhaseImplementing, On: day("2014-12-01"), Note: "(ungefärligt)"},
	},
	"malmkoping": {
		{Phase: ortsplan.PhaseMobilising, On: day("2011-05-05"), Note: "Första öppna mötet."},
		{Phase: ortsplan.PhaseImplementing, On: day("2012-06-01"), Note: "Vision och handlingsplan antagna av kommunfullmäktige (ungefärligt)."},
	},
	"halleforsnas": {
		{Phase: ortsplan.PhaseMobilising, On: day("2011-04-06"), Note: "Över 80 ortsbor kom till det första mötet."},
		{Phase: ortsplan.PhaseInitial, On: day("2011-06-01"), Note: "Fyra arbetsgrupper bildades (ungefärligt)."},
		{Phase: ortsplan.PhaseImplementing, On: day("2012-06-01"), Note: "(ungefärligt)"},
		{Phase: ortsplan.PhaseClosing, On: day("2019-01-01"), Note: "Handlingsplanen är till stor del genomförd (ungefärligt)."},
	},
	"sparreholm": {
		{Phase: ortsplan.PhaseMobilising, On: day("2011-01-01"), Note: "Arbetet startade i januari 2011."},
		{Phase: ortsplan.PhaseInitial, On: day("2011-06-01"), Note: "(ungefärligt)"},
		{Phase: ortsplan.PhaseImplementing, On: day("2012-04-01"), Note: "Vision och handlingsplan antagna av kommunfullmäktige i april 2012."},
	},
	"bettna": {
		{Phase: ortsplan.PhaseMobilising, On: day("2012-05-01"), Note: "Arbetet startade i maj 2012."},
		{Phase: ortsplan.PhaseInitial, On: day("2012-10-01"), Note: "Visionsgrupp och SWOT-analys (ungefärligt)."},
	},
	"skebokvarn": {
		{Phase: ortsplan.PhaseMobilising, On: day("2012-11-19"), Note: "Första stormötet."},
		{Phase: ortsplan.PhaseInitial, On: day("2013-03-01"), Note: "(ungefärligt)"},
		{Phase: ortsplan.PhaseImplementing, On: day("2015-09-01"), Note: "Planen antogs efter ett stormöte i september 2015."},
	},
}

// contacts are the staff shown for each locality; the first is the page owner.
var contacts = map[string][]string{
	"flen":         {"tjansteperson.fritid@ortsplan.example", "samordnare@ortsplan.example"},
	"malmkoping":   {"tjansteperson.bygg@ortsplan.example", "samordnare@ortsplan.example"},
	"halleforsnas": {"tjansteperson.fritid@ortsplan.example", "samordnare@ortsplan.example"},
	"sparreholm":   {"tjansteperson.bygg@ortsplan.example", "samordnare@ortsplan.example"},
	"mellosa":      {"samordnare@ortsplan.example"},
	"bettna":       {"gruppledare.bettna@ortsplan.example", "tjansteperson.fritid@ortsplan.example", "samordnare@ortsplan.example"},
	"skebokvarn":   {"tjansteperson.bygg@ortsplan.example", "samordnare@ortsplan.example"},
	"vadsbro":      {"samordnare@ortsplan.example"},
}

// visions: Sparreholm's adopted (kommunfullmäktige, April 2012); the others
// drafts. Malmköping's council adopted its vision and plan, but the day is not
// known, and Ortsplan records a document as fastställd only with the day and
// the body that decided: until the coordinator looks the decision up, the demo
// keeps them as drafts rather than invent a date. Nothing says when, or
// whether, Hälleforsnäs's vision was adopted.
type demoVision struct {
	draft  string // an earlier draft, saved first so the history has a diff
	vision ortsplan.Vision
}

var visions = map[string]demoVision{
	"sparreholm": {
		draft: "Sparreholm är en levande ort vid Hälleren där människor i alla åldrar vill bo.\n\nVi har nära till naturen och till tåget.",
		vision: ortsplan.Vision{Title: "Sparreholms vision 2019", Status: ortsplan.StatusAdopted,
			Decision: ortsplan.Decision{On: day("2012-04-01"), Body: "Kommunfullmäktige"},
			Body: "Sparreholm är en levande och trygg ort vid sjön Hälleren där människor i alla åldrar vill bo och verka.\n\n" +
				"- Vi har nära till naturen, till badet och till tåget.\n- Det finns bostäder för både unga och äldre, också nära Kapellet.\n" +
				"- Det är säkert att gå och cykla i hela samhället.\n\nTillsammans tar vi vara på ortens historia och bygger dess framtid."},
	},
	"halleforsnas": {
		draft: "Hälleforsnäs är bruksorten med framtidstro.",
		vision: ortsplan.Vision{Title: "Hälleforsnäs vision 2019", Status: ortsplan.StatusDraft,
			Body: "Hälleforsnäs är bruksorten med framtidstro, där bruksmiljön och Brukssjön är en källa till stolthet, kultur och företagande.\n\n" +
				"Det är lätt att ta sig fram till fots och på cykel, och föreningslivet samlar människor i alla åldrar."},
	},
	"malmkoping": {
		vision: ortsplan.Vision{Title: "Malmköpings vision 2019", Status: ortsplan.StatusDraft, Decision: ortsplan.Decision{Body: "Kommunfullmäktige"},
			Body: "Malmköping är en välkomnande kulturort kring Stora Torget och Malmahed, med en levande handel, ett rikt föreningsliv och trygga gator."},
	},
	"bettna": {
		vision: ortsplan.Vision{Title: "Bettnas vision 2030", Status: ortsplan.StatusDraft,
			Body: "Visionsgruppen arbetar med texten utifrån SWOT-analysen. Utkastet är inte klart."},
	},
}

// demoAction is an action with its sub-actions, progress updates and later edits.
type demoAction struct {
	a       ortsplan.Action
	subs    []demoAction
	updates []ortsplan.ActionUpdate
	// later, if set, is a change saved after the action was created, so the
	// history shows an edit (for example a status change).
	later func(*ortsplan.Action)
	// added, if set, is the day the action was added, instead of the plan's
	// steady pace (an action from a known stormöte, or added years later).
	added time.Time
}

type demoTheme struct {
	title, description string
	actions            []demoAction
}

type demoPlan struct {
	plan   ortsplan.Plan
	themes []demoTheme
}

func act(title string, st ortsplan.ActionStatus, progress int, kind ortsplan.ResponsibleKind, name string) ortsplan.Action {
	return ortsplan.Action{Title: title, Status: st, Progress: progress, ResponsibleKind: kind, ResponsibleName: name, Priority: ortsplan.PriorityMedium}
}

func done(a *ortsplan.Action) { a.Status, a.Progress = ortsplan.ActionDone, 100 }

// spot is a place on the locality's map.
func spot(lat, lon float64, address string) ortsplan.Place {
	return ortsplan.Place{Lat: ptr(lat), Lon: ptr(lon), Address: address}
}

// placed gives an action a place.
func placed(a ortsplan.Action, p ortsplan.Place) ortsplan.Action {
	a.Place = p
	return a
}

var plans = map[string]demoPlan{
	"halleforsnas": {
		// Nothing says when, or whether, Hälleforsnäs's plan was adopted: a draft.
		plan: ortsplan.Plan{Status: ortsplan.StatusDraft, NextReview: day("2027-03-01")},
		themes: []demoTheme{
			{title: "Kultur och fritid", description: "Arbetsgruppen för kultur och fritid.", actions: []demoAction{
				{a: act("Utveckla bruksområdet", ortsplan.ActionOngoing, 80, ortsplan.ResponsibleWorkingGroup, "Kultur och fritid"),
					updates: []ortsplan.ActionUpdate{{On: day("2014-06-01"), Text: "Bruksområdet har fått nya verksamheter och en sommarmarknad."}}},
				{a: placed(act("Promenadstråk runt Brukssjön", ortsplan.ActionOngoing, 60, ortsplan.ResponsibleMunicipality, ""), spot(59.1561, 16.4952, "Brukssjön")),
					later:   done,
					updates: []ortsplan.ActionUpdate{{On: day("2015-09-15"), Text: "Stråket runt Brukssjön är klart och skyltat."}}},
			}},
			{title: "Näringsliv, service och marknadsföring", actions: []demoAction{
				{a: act("Marknadsföra orten och bruket", ortsplan.ActionDone, 100, ortsplan.ResponsibleBusiness, "Lokala företagare")},
			}},
			{title: "Trafik, boende och natur", actions: []demoAction{
				{a: ortsplan.Action{Title: "Gång- och cykelväg genom samhället", Status: ortsplan.ActionOngoing, ResponsibleKind: ortsplan.ResponsibleMunicipality,
					ResponsibleDepartment: "Samhällsbyggnadsförvaltningen", Priority: ortsplan.PriorityHigh, Start: day("2013-01-01"), End: day("2016-12-31")},
					subs: []demoAction{
						{a: ortsplan.Action{Title: "Förstudie", Status: ortsplan.ActionDone, Weight: 1}},
						{a: ortsplan.Action{Title: "Bygga första etappen", Status: ortsplan.ActionDone, Weight: 3}},
						{a: ortsplan.Action{Title: "Bygga andra etappen", Status: ortsplan.ActionOngoing, Progress: 50, Weight: 3}},
					}},
			}},
		},
	},
	"sparreholm": {
		plan: ortsplan.Plan{Status: ortsplan.StatusAdopted, Decision: ortsplan.Decision{On: day("2012-04-01"), Body: "Kommunfullmäktige"}, NextReview: day("2027-04-01")},
		themes: []demoTheme{
			{title: "Boende", actions: []demoAction{
				{a: ortsplan.Action{Title: "Seniorboende vid Kapellet", Description: "Bostäder för äldre nära Kapellet. Kräver en ny detaljplan.",
					Status: ortsplan.ActionOngoing, ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnadsförvaltningen", Priority: ortsplan.PriorityHigh,
					Place: spot(59.0731, 16.8262, "Vid Kapellet")},
					subs: []demoAction{
						{a: ortsplan.Action{Title: "Ta fram detaljplan", Status: ortsplan.ActionOngoing, Progress: 10},
							later: func(a *ortsplan.Action) { a.Progress = 40 }},
						{a: ortsplan.Action{Title: "Bygga bostäderna", Status: ortsplan.ActionNotStarted}},
					}},
				{a: ortsplan.Action{Title: "LIS-områden (landsbygdsutveckling i strandnära lägen)", Status: ortsplan.ActionOngoing, Progress: 50,
					ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnadsförvaltningen"}},
			}},
			{title: "Trafik", actions: []demoAction{
				{a: act("Översyn av hastighetsgränserna", ortsplan.ActionOngoing, 50, ortsplan.ResponsibleMunicipality, ""), later: done,
					updates: []ortsplan.ActionUpdate{{On: day("2013-05-01"), Text: "Hastighetsgränserna är sänkta i centrum."}}},
				{a: ortsplan.Action{Title: "Bättre gångväg Spårvägen–Nyköpingsvägen", Status: ortsplan.ActionOngoing, Progress: 30,
					ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnadsförvaltningen", Start: day("2013-01-01")}},
				{a: ortsplan.Action{Title: "Utreda gång- och cykelväg till kyrkan", Status: ortsplan.ActionNotStarted, ResponsibleKind: ortsplan.ResponsibleMunicipality,
					Priority: ortsplan.PriorityLow}},
			}},
			{title: "Mötesplatser", actions: []demoAction{
				{a: ortsplan.Action{Title: "Bänkar och papperskorgar vid badplatsen", Description: "En snabb förbättring med ett Quickfix-bidrag.",
					Status: ortsplan.ActionOngoing, Progress: 20, ResponsibleKind: ortsplan.ResponsibleAssociation, ResponsibleName: "Sparreholms hembygdsförening",
					Funding: "Quickfix-bidrag"}, added: day("2014-06-10")},
			}},
		},
	},
	"malmkoping": {
		plan: ortsplan.Plan{Status: ortsplan.StatusDraft, Decision: ortsplan.Decision{Body: "Kommunfullmäktige"}, NextReview: day("2027-02-01")},
		themes: []demoTheme{
			{title: "Landsvägsgatan", actions: []demoAction{
				{a: ortsplan.Action{Title: "Bygga om Landsvägsgatan", Description: "Finansieras med statlig medfinansiering.",
					Status: ortsplan.ActionOngoing, ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnadsförvaltningen", Priority: ortsplan.PriorityHigh},
					subs: []demoAction{
						{a: ortsplan.Action{Title: "Samtal med Trafikverket", Status: ortsplan.ActionDone}},
						{a: ortsplan.Action{Title: "Detaljplan", Status: ortsplan.ActionDone}},
						{a: ortsplan.Action{Title: "Ombyggnad", Status: ortsplan.ActionOngoing, Progress: 30, Weight: 2}},
					}},
			}},
			{title: "Besöksmål och centrum", actions: []demoAction{
				{a: act("Informationstavlor", ortsplan.ActionDone, 100, ortsplan.ResponsibleMunicipality, "")},
				{a: placed(act("Malmakvarn", ortsplan.ActionOngoing, 40, ortsplan.ResponsibleAssociation, "Hembygdsföreningen"), spot(59.1296, 16.7196, "Malmakvarn"))},
				{a: placed(act("Stora Torget", ortsplan.ActionOngoing, 20, ortsplan.ResponsibleMunicipality, ""), spot(59.1336, 16.7263, "Stora Torget"))},
			}},
			{title: "Ortsbornas lista", description: "Förslag från ett senare möte.", actions: []demoAction{
				{a: act("Skyltning från söder", ortsplan.ActionNotStarted, 0, ortsplan.ResponsibleMunicipality, "")},
				{a: act("Offentlig toalett", ortsplan.ActionNotStarted, 0, ortsplan.ResponsibleMunicipality, "")},
				{a: act("Hjärtstartare", ortsplan.ActionDone, 100, ortsplan.ResponsibleAssociation, "Företagarföreningen")},
				{a: act("Biltrafiken på Plevnahöjden", ortsplan.ActionPaused, 10, ortsplan.ResponsibleMunicipality, "")},
			}},
		},
	},
	"bettna": {
		plan: ortsplan.Plan{Status: ortsplan.StatusDraft},
		themes: []demoTheme{
			{title: "Trafik, skyltar och belysning", actions: []demoAction{
				{a: ortsplan.Action{Title: "Belysning vid korsningen väg 221/52", Status: ortsplan.ActionOngoing, Progress: 20,
					ResponsibleKind: ortsplan.ResponsibleMunicipality, ResponsibleDepartment: "Samhällsbyggnadsförvaltningen", Priority: ortsplan.PriorityHigh,
					Place: spot(58.9057, 16.6436, "Korsningen väg 221/52")},
					updates: []ortsplan.ActionUpdate{
						{On: day("2013-02-01"), Text: "Trafikverket har sagt nej till belysning i korsningen."},
						{On: day("2013-06-01"), Text: "Kommunen har erbjudit sig att förskottera belysningen."},
					}},
			}},
			{title: "Näringsliv", actions: []demoAction{{a: act("Träff för ortens företagare", ortsplan.ActionNotStarted, 0, ortsplan.ResponsibleWorkingGroup, "Näringsliv")}}},
			{title: "Mötesplatser", actions: []demoAction{{a: act("Kartlägga lokaler för möten", ortsplan.ActionOngoing, 30, ortsplan.ResponsibleWorkingGroup, "Mötesplatser")}}},
			{title: "Bredband", actions: []demoAction{{a: act("Intresseanmälan för fiber", ortsplan.ActionOngoing, 50, ortsplan.ResponsibleAssociation, "Fiberföreningen")}}},
		},
	},
	"skebokvarn": {
		plan: ortsplan.Plan{Status: ortsplan.StatusAdopted, Decision: ortsplan.Decision{On: day("2015-09-01"), Body: "Stormöte"}, NextReview: day("2027-09-01")},
		themes: []demoTheme{
			{title: "Badplatsen och naturen", actions: []demoAction{
				{a: act("Nya badbryggor", ortsplan.ActionDone, 100, ortsplan.ResponsibleAssociation, "Byalaget"), added: day("2012-11-19")},
				{a: act("Ramp vid badplatsen", ortsplan.ActionDone, 100, ortsplan.ResponsibleMunicipality, ""), added: day("2012-11-19")},
				{a: act("Plantera träd", ortsplan.ActionOngoing, 50, ortsplan.ResponsibleResidents, "Ortsbor"), added: day("2012-11-19")},
			}},
			{title: "Mötesplatser och information", actions: []demoAction{
				{a: ortsplan.Action{Title: "Anslagspelare", Description: "Bekostad med ett Quickfix-bidrag.", Status: ortsplan.ActionDone,
					ResponsibleKind: ortsplan.ResponsibleAssociation, ResponsibleName: "Byalaget", Funding: "Quickfix-bidrag",
					Place: spot(59.0617, 16.7074, "Vid affären")}},
			}},
		},
	},
}

func loadProcess(s Store, ck *clock, ls map[string]*ortsplan.Locality, users map[string]*ortsplan.User) error {
	for _, loc := range Localities() {
		slug, l := loc.Slug, ls[loc.Slug]
		// The locality's page and its contacts date from when the work began.
		started := clockTime(l.PhaseSince, 9)
		if l.PhaseSince.IsZero() {
			started = clockTime(day("2019-01-15"), 9)
		}
		// The first contact listed is the page owner.
		choice := &ortsplan.ContactChoice{}
		for _, email := range contacts[slug] {
			choice.IDs = append(choice.IDs, users[email].ID)
		}
		if len(choice.IDs) > 0 {
			choice.PageOwner = choice.IDs[0]
		}
		if err := s.UpdateLocality(ck.at(started), l, choice); err != nil {
			return fmt.Errorf("demo: contacts %s: %w", slug, err)
		}
		for _, c := range history[slug][min(1, len(history[slug])):] {
			c.LocalityID = l.ID
			if err := s.ChangePhase(ck.at(clockTime(c.On, 10)), &c); err != nil {
				return fmt.Errorf("demo: phase %s: %w", slug, err)
			}
		}
		if v, ok := visions[slug]; ok {
			vi := v.vision
			vi.LocalityID = l.ID
			// A vision is written while the plan is: dated at its decision,
			// or else at the start of the plan work; its draft two months before.
			when := planFrom[slug].AddDate(0, 3, 0)
			if !vi.Decision.On.IsZero() {
				when = vi.Decision.On
			}
			if v.draft != "" {
				d := &ortsplan.Vision{LocalityID: l.ID, Title: vi.Title, Body: v.draft, Status: ortsplan.StatusDraft}
				if err := s.SaveVision(ck.at(clockTime(when.AddDate(0, -2, 0), 11)), d); err != nil {
					return fmt.Errorf("demo: vision draft %s: %w", slug, err)
				}
				vi.Version = d.Version
			}
			if err := s.SaveVision(ck.at(clockTime(when, 11)), &vi); err != nil {
				return fmt.Errorf("demo: vision %s: %w", slug, err)
			}
		}
		if p, ok := plans[slug]; ok {
			if err := loadPlan(s, ck, l, p); err != nil {
				return fmt.Errorf("demo: plan %s: %w", slug, err)
			}
		}
	}
	return nil
}

// planDates dates a plan's actions: n is the action's place in the plan,
// counted over the whole plan, so each is added a few weeks after the last.
type planDates struct {
	from time.Time
	n    int
}

func (pd *planDates) next(on time.Time) (added, finished time.Time) {
	added = clockTime(pd.from.AddDate(0, 0, 12*pd.n), 13)
	if !on.IsZero() {
		added = clockTime(on, 13)
	}
	// A finished action took one to four years, by its place in the plan.
	finished = clockTime(added.AddDate(1+pd.n%4, pd.n%7, 0), 14)
	pd.n++
	return added, finished
}

func loadPlan(s Store, ck *clock, l *ortsplan.Locality, p demoPlan) error {
	pd := &planDates{from: planFrom[l.Slug]}
	// A plan with yearly revisions is written in the order it happened:
	// every step (a focus area, an action, a progress note, a later change)
	// is kept and written by date with the revisions between them, so each
	// revision freezes the plan as it stood that day. Other plans are
	// written step by step as they are read.
	w := &planWriter{}
	es, revises := s.(ortsplan.EditionService)
	w.deferred = revises && len(editions[l.Slug]) > 0
	for _, dt := range p.themes {
		t := &ortsplan.Theme{LocalityID: l.ID, Title: dt.title, Description: dt.description}
		on := pd.from
		for _, da := range dt.actions {
			if !da.added.IsZero() && da.added.Before(on) {
				on = da.added // a focus area is there before its first action
			}
		}
		when := clockTime(on, 12)
		if err := w.do(when, func() error { return s.SaveTheme(ck.at(when), t) }); err != nil {
			return err
		}
		for _, da := range dt.actions {
			if err := loadAction(s, ck, pd, w, l, &t.ID, nil, da); err != nil {
				return err
			}
		}
	}
	if w.deferred {
		if err := w.run(es, ck, l); err != nil {
			return err
		}
	}
	plan := p.plan
	plan.LocalityID = l.ID
	when := pd.from.AddDate(0, 6, 0)
	if !plan.Decision.On.IsZero() {
		when = plan.Decision.On
	}
	return s.SavePlan(ck.at(clockTime(when, 15)), &plan)
}

// loadAction adds an action with its sub-actions, updates and later edit.
// An action already finished is added as started and finished later, on
// the day it was, so the history and the effects show both. The theme and
// parent ids are read when the step is written.
func loadAction(s Store, ck *clock, pd *planDates, w *planWriter, l *ortsplan.Locality, themeID, parentID *int64, da demoAction) error {
	a := da.a
	added, finished := pd.next(da.added)
	if a.Status == ortsplan.ActionDone && da.later == nil {
		a.Status, a.Progress = ortsplan.ActionOngoing, min(a.Progress, 50)
		da.later = done
	}
	err := w.do(added, func() error {
		a.ThemeID = *themeID
		if parentID != nil {
			a.ParentID = *parentID
		}
		if err := s.SaveAction(ck.at(added), &a); err != nil {
			return fmt.Errorf("action %q: %w", a.Title, err)
		}
		ck.actions[l.Slug+"/"+a.Title] = a.ID
		return nil
	})
	if err != nil {
		return err
	}
	for _, sub := range da.subs {
		if err := loadAction(s, ck, pd, w, l, themeID, &a.ID, sub); err != nil {
			return err
		}
	}
	for _, u := range da.updates {
		when := clockTime(u.On, 14)
		if err := w.do(when, func() error {
			u.ActionID = a.ID
			return s.AddActionUpdate(ck.at(when), &u)
		}); err != nil {
			return err
		}
		if u.On.After(finished) {
			finished = clockTime(u.On, 15)
		}
	}
	if da.later != nil {
		return w.do(finished, func() error {
			da.later(&a)
			return s.SaveAction(ck.at(finished), &a)
		})
	}
	return nil
}

// planWriter writes a plan's steps: at once, or (deferred) kept and
// written by date with the plan's revisions between them.
type planWriter struct {
	deferred bool
	steps    []planStep
}

type planStep struct {
	at    time.Time
	write func() error
}

func (w *planWriter) do(at time.Time, write func() error) error {
	if !w.deferred {
		return write()
	}
	w.steps = append(w.steps, planStep{at, write})
	return nil
}

// run writes the kept steps and the locality's revisions (editions), each
// on its day.
func (w *planWriter) run(es ortsplan.EditionService, ck *clock, l *ortsplan.Locality) error {
	slices.SortStableFunc(w.steps, func(a, b planStep) int { return a.at.Compare(b.at) })
	i := 0
	for _, de := range editions[l.Slug] {
		when := clockTime(de.Decision.On, 16)
		for ; i < len(w.steps) && w.steps[i].at.Before(when); i++ {
			if err := w.steps[i].write(); err != nil {
				return err
			}
		}
		e := de
		e.LocalityID = l.ID
		if err := es.MakeEdition(ck.at(when), &e); err != nil {
			return fmt.Errorf("revision %d: %w", e.Year, err)
		}
	}
	for ; i < len(w.steps); i++ {
		if err := w.steps[i].write(); err != nil {
			return err
		}
	}
	return nil
}

// editions are the plans' yearly revisions (revideringar), oldest first.
// Sparreholm's plan was adopted by kommunfullmäktige in April 2012 and
// Skebokvarn's after a stormöte in September 2015 (the facts file); the day
// of each is not known, so the demo uses the first of the month, as it does
// for the plans, and says so. Skebokvarn's first list came from its first
// stormöte on 19 November 2012; Sparreholm's 2015 revision is the demo's own.
var editions = map[string][]ortsplan.PlanEdition{
	"sparreholm": {
		{Year: 2012, Decision: ortsplan.Decision{On: day("2012-04-01"), Body: "Kommunfullmäktige"},
			Note: "Vision och handlingsplan antagna av kommunfullmäktige i april 2012 (dagen ungefärlig)."},
		{Year: 2015, Decision: ortsplan.Decision{On: day("2015-04-01"), Body: "Kommunstyrelsen"},
			Note: "Årlig revidering efter stormötet (dagen ungefärlig)."},
	},
	"skebokvarn": {
		{Year: 2012, Decision: ortsplan.Decision{On: day("2012-11-19"), Body: "Stormöte"},
			Note: "Den första åtgärdslistan, från stormötet den 19 november 2012."},
		{Year: 2015, Decision: ortsplan.Decision{On: day("2015-09-01"), Body: "Stormöte"},
			Note: "Handlingsplanen antogs efter stormötet i september 2015 (dagen ungefärlig)."},
	},
}
