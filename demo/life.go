package demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
)

// The demo's life: residents' ideas with supports, comments and the
// municipality's answers, "Vill du vara med?" sign-ups in every state,
// registrations for the meetings to come, and a drawn picture for each
// locality with a plan. Recent things are dated relative to the day the
// demo loads, like the meetings to come, so the demo always looks alive.

// lifeStore is what the demo's life needs beyond Store (sqlstore.DB has it).
type lifeStore interface {
	ortsplan.IdeaService
	ortsplan.SignUpService
	// Bulk writes the residents: accounts are made by logging in, and the
	// demo's residents never do.
	Bulk(ctx context.Context, fn func(tx *sql.Tx) error) error
}

// ideaRule is Flen's e-förslag rule: 10 supports in 90 days.
var ideaRule = ortsplan.IdeaThreshold{Supports: 10, Within: 90 * 24 * time.Hour}

func residentEmail(i int) string { return fmt.Sprintf("ortsbo%02d@ortsplan.example", i+1) }

func loadLife(s Store, ck *clock, st media.Storage, ls map[string]*ortsplan.Locality, now time.Time) error {
	ls2, ok := s.(lifeStore)
	if !ok {
		return nil
	}
	ago := func(days int) time.Time {
		return clockTime(now.AddDate(0, 0, -days), 12).Add(time.Duration(days%7) * 47 * time.Minute)
	}
	rs, err := loadResidents(ls2, ck, ls, ago(700))
	if err != nil {
		return err
	}
	if err := loadIdeas(ls2, ck, ls, rs, ago); err != nil {
		return err
	}
	if err := loadSignUps(ls2, ck, ls, ago); err != nil {
		return err
	}
	if err := loadRegistrations(s, ck, ago); err != nil {
		return err
	}
	// Quickfix grants, where the store has them (sqlstore.DB does).
	if qs, ok := s.(ortsplan.QuickfixService); ok {
		if err := loadQuickfixes(qs, ck, st, ls, rs, ago, now); err != nil {
			return err
		}
	}
	return loadLocalityImages(s, ck, st, ls)
}

func loadResidents(s lifeStore, ck *clock, ls map[string]*ortsplan.Locality, at time.Time) ([]*ortsplan.Resident, error) {
	out := make([]*ortsplan.Resident, len(residents))
	err := s.Bulk(ck.sys, func(tx *sql.Tx) error {
		for i, dr := range residents {
			r := &ortsplan.Resident{Email: residentEmail(i), Name: dr.name, Lang: "sv", CreatedAt: at}
			var home any
			if l := ls[dr.home]; l != nil {
				r.LocalityID, r.LocalitySlug, home = l.ID, l.Slug, l.ID
			}
			if err := tx.QueryRowContext(ck.sys, `INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				r.Email, r.Name, home, r.Lang, at).Scan(&r.ID); err != nil {
				return err
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("demo: residents: %w", err)
	}
	return out, nil
}

func loadIdeas(s lifeStore, ck *clock, ls map[string]*ortsplan.Locality, rs []*ortsplan.Resident, ago func(int) time.Time) error {
	for n, di := range ideas {
		l := ls[di.slug]
		proposed := ago(di.daysAgo)
		i := &ortsplan.Idea{LocalityID: l.ID, Title: di.title, Body: di.body, Place: di.place}
		if err := s.CreateIdea(ck.resident(rs[di.by], proposed), i); err != nil {
			return fmt.Errorf("demo: idea %q: %w", di.title, err)
		}
		// The supporters are the residents after the proposer, in turn,
		// one a day or so after the idea was proposed.
		for k, j := 0, di.by+1+n%5; k < di.supports; j++ {
			r := rs[j%len(rs)]
			if r == rs[di.by] {
				continue
			}
			when := proposed.Add(time.Duration(k+1) * 26 * time.Hour)
			if err := s.Support(ck.resident(r, when), i.ID, true, ideaRule); err != nil {
				return fmt.Errorf("demo: support %q: %w", di.title, err)
			}
			k++
		}
		var last int64
		for _, dc := range di.comments {
			c := &ortsplan.Comment{IdeaID: i.ID, Body: dc.body}
			if dc.reply {
				c.ParentID = last
			}
			when := proposed.AddDate(0, 0, dc.days)
			if err := s.AddComment(ck.resident(rs[dc.by], when), c); err != nil {
				return fmt.Errorf("demo: comment on %q: %w", di.title, err)
			}
			if !dc.reply {
				last = c.ID
			}
			if dc.hide != "" {
				m := ortsplan.Moderation{IdeaID: i.ID, Kind: ortsplan.ModerateComment, TargetID: c.ID, Reason: dc.hide}
				if err := s.Hide(ck.at(when.Add(5*time.Hour)), m); err != nil {
					return fmt.Errorf("demo: hide a comment on %q: %w", di.title, err)
				}
			}
		}
		if a := di.answer; a != nil {
			ans := ortsplan.IdeaAnswer{IdeaID: i.ID, Status: a.status, Answer: a.text}
			if a.action != "" {
				ans.ActionID = ck.actions[di.slug+"/"+a.action]
			}
			if err := s.AnswerIdea(ck.at(proposed.AddDate(0, 0, a.days)), ans); err != nil {
				return fmt.Errorf("demo: answer %q: %w", di.title, err)
			}
		}
	}
	return nil
}

type demoSignUp struct {
	slug     string
	daysAgo  int
	s        ortsplan.SignUp
	status   ortsplan.SignUpStatus
	group    string // the group joined
	notes    string
	handler  string
	answered int // days after the sign-up
}

// signUps are in every state; one has waited more than SignUpWaitLimit.
var signUps = []demoSignUp{
	{slug: "halleforsnas", daysAgo: 11, s: ortsplan.SignUp{Name: "Rasmus Öberg", Email: "rasmus.oberg@ortsplan.example", AgeGroup: "30-49",
		Interests: []string{"group:kultur-och-fritid"}, Message: "Jag vill gärna hjälpa till med sommarmarknaden."}},
	{slug: "bettna", daysAgo: 2, s: ortsplan.SignUp{Name: "Hanna Lindgren", Phone: "070-000 00 01", AgeGroup: "18-29",
		Interests: []string{"group:bredband"}, Message: "Vi har precis flyttat hit och saknar fiber."}},
	{slug: "skebokvarn", daysAgo: 6, s: ortsplan.SignUp{Name: "Oskar Nordin", Email: "oskar.nordin@ortsplan.example", AgeGroup: "65-79"}},
	{slug: "sparreholm", daysAgo: 30, s: ortsplan.SignUp{Name: "Agneta Blom", Email: "agneta.blom@ortsplan.example", AgeGroup: "65-79",
		Message: "Intresserad av seniorboendet vid Kapellet."},
		status: ortsplan.SignUpContacted, handler: "tjansteperson.bygg@ortsplan.example", answered: 3, notes: "Ringt. Kommer till workshopen om seniorboende."},
	{slug: "halleforsnas", daysAgo: 90, s: ortsplan.SignUp{Name: "Leila Karimi", Email: "leila.karimi@ortsplan.example", AgeGroup: "30-49", ShowName: true,
		Interests: []string{"group:naringsliv"}, Message: "Jag driver ett litet företag och vill vara med i gruppen."},
		status: ortsplan.SignUpJoined, group: "naringsliv", handler: "tjansteperson.fritid@ortsplan.example", answered: 4, notes: "Med i gruppen från nästa möte."},
	{slug: "bettna", daysAgo: 200, s: ortsplan.SignUp{Name: "Stig Wallin", Email: "stig.wallin@ortsplan.example", AgeGroup: "80-",
		Interests: []string{"group:trafik-skyltar-belysning"}},
		status: ortsplan.SignUpJoined, group: "trafik-skyltar-belysning", handler: "gruppledare.bettna@ortsplan.example", answered: 6},
	{slug: "malmkoping", daysAgo: 60, s: ortsplan.SignUp{Name: "Jenny Falk", Email: "jenny.falk@ortsplan.example", AgeGroup: "50-64",
		Message: "Vill vara med men har bara tid på helgerna."},
		status: ortsplan.SignUpDeclined, handler: "tjansteperson.bygg@ortsplan.example", answered: 5, notes: "Vill själv vänta till hösten. Hör av sig igen."},
}

func loadSignUps(s lifeStore, ck *clock, ls map[string]*ortsplan.Locality, ago func(int) time.Time) error {
	for _, ds := range signUps {
		su := ds.s
		su.LocalityID = ls[ds.slug].ID
		made := ago(ds.daysAgo)
		// Anyone may sign up: nobody acts.
		if err := s.CreateSignUp(ortsplan.NewHistoryContext(ck.sys, nil, made), &su); err != nil {
			return fmt.Errorf("demo: sign-up %s: %w", su.Name, err)
		}
		if ds.status == "" {
			continue
		}
		u := ortsplan.SignUpUpdate{ID: su.ID, Status: ds.status, Notes: ds.notes, GroupID: ck.groups[ds.slug+"/"+ds.group]}
		if err := s.UpdateSignUp(ck.at(made.AddDate(0, 0, ds.answered)), u); err != nil {
			return fmt.Errorf("demo: handle sign-up %s: %w", su.Name, err)
		}
	}
	return nil
}

type demoRegistration struct {
	meeting string // "slug/title"
	r       ortsplan.Registration
	daysAgo int
}

// registrations for the meetings to come; the workshop fills up, and the
// last to register waits for a place.
var registrations = []demoRegistration{
	{"halleforsnas/Arbetsgruppen kultur och fritid", ortsplan.Registration{Name: "Lisa Andersson", Email: "ortsbo09@ortsplan.example", People: 1}, 4},
	{"halleforsnas/Arbetsgruppen kultur och fritid", ortsplan.Registration{Name: "Peter Johansson", Email: "ortsbo10@ortsplan.example", People: 2}, 3},
	{"halleforsnas/Arbetsgruppen kultur och fritid", ortsplan.Registration{Name: "Elin Forsberg", Email: "ortsbo11@ortsplan.example", People: 1, Needs: "Vegetarisk fika"}, 1},
	{"skebokvarn/Stormöte: badplatsen inför sommaren", ortsplan.Registration{Name: "Göran Mattsson", Email: "ortsbo20@ortsplan.example", People: 2}, 6},
	{"skebokvarn/Stormöte: badplatsen inför sommaren", ortsplan.Registration{Name: "Helena Sjöberg", Email: "ortsbo21@ortsplan.example", People: 3, Needs: "Rullstol"}, 5},
	{"skebokvarn/Stormöte: badplatsen inför sommaren", ortsplan.Registration{Name: "Oskar Nordin", Email: "oskar.nordin@ortsplan.example", People: 1}, 2},
	{"sparreholm/Workshop: seniorboende vid Kapellet", ortsplan.Registration{Name: "Gunnar Åberg", Email: "ortsbo12@ortsplan.example", People: 2}, 9},
	{"sparreholm/Workshop: seniorboende vid Kapellet", ortsplan.Registration{Name: "Ingrid Persson", Email: "ortsbo14@ortsplan.example", People: 2}, 8},
	{"sparreholm/Workshop: seniorboende vid Kapellet", ortsplan.Registration{Name: "Agneta Blom", Email: "agneta.blom@ortsplan.example", People: 4}, 7},
	{"sparreholm/Workshop: seniorboende vid Kapellet", ortsplan.Registration{Name: "Sofia Lindqvist", Email: "ortsbo13@ortsplan.example", People: 4}, 4},
	{"sparreholm/Workshop: seniorboende vid Kapellet", ortsplan.Registration{Name: "Birgitta Holm", Email: "ortsbo07@ortsplan.example", People: 2}, 1},
}

func loadRegistrations(s Store, ck *clock, ago func(int) time.Time) error {
	for _, dr := range registrations {
		m := ck.meetings[dr.meeting]
		if m == nil {
			return fmt.Errorf("demo: no meeting %q to register for", dr.meeting)
		}
		r := dr.r
		r.MeetingID, r.Lang = m.ID, "sv"
		made := ago(dr.daysAgo)
		ctx := ortsplan.NewHistoryContext(ck.sys, nil, made)
		if err := s.Register(ctx, &r, ortsplan.DefaultRegistrationRule); err != nil {
			return fmt.Errorf("demo: register %s: %w", r.Name, err)
		}
		if _, _, err := s.ConfirmRegistration(ortsplan.NewHistoryContext(ck.sys, nil, made.Add(20*time.Minute)), r.Token); err != nil {
			return fmt.Errorf("demo: confirm %s: %w", r.Name, err)
		}
	}
	return nil
}

// localityImages are drawn by media.Generate from the seed; the alt text says
// what that seed draws.
var localityImages = map[string]demoPhoto{
	"halleforsnas": {40, "Tecknad bild: en sjö med skogklädda berg bakom, och ett rött hus med lövträd på stranden under en blå himmel."},
	"sparreholm":   {43, "Tecknad bild: ett rött hus vid en sjö, med granar och lövträd på gräset framför och solen bakom huset."},
	"malmkoping":   {45, "Tecknad bild: en sjö med skogklädda kullar, en grön äng i förgrunden och vita moln på en blå himmel."},
	"bettna":       {46, "Tecknad bild: en stilla sjö med skog på andra sidan, en gran på ängen och solen på en blå himmel."},
	"skebokvarn":   {48, "Tecknad bild: ett rött hus vid en sjö i skymningen, med granar runt huset och moln på en orange och lila himmel."},
}

func loadLocalityImages(s Store, ck *clock, st media.Storage, ls map[string]*ortsplan.Locality) error {
	if st == nil {
		return nil
	}
	for _, l0 := range Localities() {
		p, ok := localityImages[l0.Slug]
		if !ok {
			continue
		}
		l := ls[l0.Slug]
		ctx := ck.at(clockTime(planFrom[l.Slug].AddDate(0, 1, 0), 9))
		f, err := storePicture(ctx, st, fmt.Sprintf("demo-%s-picture", l.Slug), p.seed, 1280, 720)
		if err != nil {
			return fmt.Errorf("demo: picture of %s: %w", l.Slug, err)
		}
		if _, err := s.SetLocalityImage(ctx, l.ID, f.Variants, p.alt); err != nil {
			return fmt.Errorf("demo: picture of %s: %w", l.Slug, err)
		}
	}
	return nil
}
