package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/fts"
)

// Scale sets how much the large data set holds.
type Scale struct {
	Localities int
	Actions    int
	Meetings   int
	Ideas      int
	Comments   int
	Supports   int
	SignUps    int
	Residents  int
}

// LargeScale is the load-test data set times factor: at 1, 300 localities,
// 20,000 actions, 5,000 meetings, 100,000 ideas, 500,000 comments, 500,000
// supports and 50,000 sign-ups. Tests use a small factor.
func LargeScale(factor float64) Scale {
	n := func(v float64, min int) int { return max(min, int(math.Round(v*factor))) }
	return Scale{Localities: n(300, 2), Actions: n(20000, 20), Meetings: n(5000, 10), Ideas: n(100000, 20),
		Comments: n(500000, 40), Supports: n(500000, 40), SignUps: n(50000, 20), Residents: n(20000, 30)}
}

// LargeResult tells what the large data set holds.
type LargeResult struct {
	Result
	Scale Scale
	Slugs []string
	names []string
}

// gen holds the state of one generation run.
type gen struct {
	rng      *rand.Rand
	now      time.Time
	sc       Scale
	staff    []int64 // officials and the coordinator, for handlers and contacts
	answerer int64
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }
func (g *gen) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.rng.Int64N(int64(b.Sub(a)))))
}
func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// sentence is 6–14 words, capitalised, with a full stop.
func (g *gen) sentence() string {
	n := 6 + g.rng.IntN(9)
	w := make([]string, n)
	for i := range w {
		w[i] = g.pick(words)
	}
	s := []rune(strings.Join(w, " "))
	s[0] = unicode.ToUpper(s[0])
	return string(s) + "."
}

func (g *gen) paragraph(min, max int) string {
	n := min + g.rng.IntN(max-min+1)
	s := make([]string, n)
	for i := range s {
		s[i] = g.sentence()
	}
	return strings.Join(s, " ")
}

func (g *gen) person() string { return g.pick(firstNames) + " " + g.pick(lastNames) }

// slugify makes a URL slug of a Swedish name, folded as search folds words.
func slugify(s string) string { return strings.ReplaceAll(fts.Fold(s), " ", "-") }

// placeNames returns n distinct invented place names.
func (g *gen) placeNames(n int) []string {
	var all []string
	for _, h := range placeHeads {
		for _, t := range placeTails {
			all = append(all, h+t)
		}
	}
	g.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	out := make([]string, n)
	for i := range out {
		out[i] = all[i%len(all)]
		if i >= len(all) {
			out[i] += " " + strconv.Itoa(i/len(all)+1)
		}
	}
	return out
}

func changesJSON(pairs ...string) string {
	out := []ortsplan.FieldChange{}
	for i := 0; i+2 < len(pairs); i += 3 {
		if pairs[i+1] != pairs[i+2] {
			out = append(out, ortsplan.FieldChange{Field: pairs[i], From: pairs[i+1], To: pairs[i+2]})
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func dateStr(t time.Time) string { return t.Format("2006-01-02") }

// LargeStore is what LoadLarge writes to: the services for the staff accounts,
// and bulk transactions for the rest. *sqlstore.DB implements it.
type LargeStore interface {
	Store
	// Bulk runs fn in one transaction, committing when fn returns nil.
	Bulk(ctx context.Context, fn func(tx *sql.Tx) error) error
	// FinishBulk makes later inserts into tables, filled with explicit ids,
	// pick ids past them, and refreshes the planner statistics.
	FinishBulk(ctx context.Context, tables ...string) error
}

// explicitIDTables are the tables LoadLarge fills with ids of its own, so that
// rows can refer to each other before they are written.
var explicitIDTables = []string{"localities", "phase_changes", "themes", "actions", "working_groups", "organisations", "meetings",
	"residents", "ideas", "idea_comments"}

// LoadLarge fills an empty database with a large generated data set for load
// tests: staff through the services of s (passwords are hashed there),
// everything else with multi-row INSERTs in a few big bulk transactions. The
// text is invented and the same for the same seed; dates are relative to now.
// progress, when not nil, hears of each finished step.
func LoadLarge(ctx context.Context, s LargeStore, sc Scale, seed uint64, progress func(string)) (*LargeResult, error) {
	ctx = ortsplan.NewSystemContext(ctx) // only the command line and tests load it
	existing, err := s.ListLocalities(ctx)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, ErrNotEmpty
	}
	if err := claim(ctx, s); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(string) {}
	}
	g := &gen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: time.Now().UTC().Truncate(time.Second), sc: sc}
	res := &LargeResult{Result: Result{AdminEmail: AdminEmail, AdminPassword: Password(20)}, Scale: sc}
	if _, err := s.CreateUser(ctx, ortsplan.NewUser{Email: AdminEmail, Name: "Demoadministratör",
		Role: ortsplan.RoleAdmin, Password: res.AdminPassword}); err != nil {
		return nil, fmt.Errorf("demo: admin: %w", err)
	}
	res.Users++
	coord, err := s.CreateUser(ctx, ortsplan.NewUser{Email: "samordnare@ortsplan.example", Name: "Maria Lindholm",
		Role: ortsplan.RoleCoordinator, Password: Password(24)})
	if err != nil {
		return nil, fmt.Errorf("demo: coordinator: %w", err)
	}
	res.Users++
	g.staff = append(g.staff, coord.ID)
	g.answerer = coord.ID
	for i := 0; i < 10; i++ {
		u, err := s.CreateUser(ctx, ortsplan.NewUser{Email: fmt.Sprintf("tjansteperson%d@ortsplan.example", i+1), Name: g.person(),
			Role: ortsplan.RoleOfficial, Department: departments[i%len(departments)], Password: Password(24)})
		if err != nil {
			return nil, fmt.Errorf("demo: official: %w", err)
		}
		g.staff = append(g.staff, u.ID)
		res.Users++
	}

	steps := []struct {
		name string
		fn   func(context.Context, *sql.Tx, *LargeResult) error
	}{
		{"localities, phases, visions, plans and actions", g.localities},
		{"groups, organisations, meetings and registrations", g.meetings},
		{"residents, ideas, supports and comments", g.ideas},
		{"sign-ups and group members", g.signUps},
	}
	for _, st := range steps {
		start := time.Now()
		if err := s.Bulk(ctx, func(tx *sql.Tx) error { return st.fn(ctx, tx, res) }); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", st.name, err)
		}
		progress(fmt.Sprintf("%s in %s", st.name, time.Since(start).Round(time.Millisecond)))
	}
	start := time.Now()
	if err := s.FinishBulk(ctx, explicitIDTables...); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	progress(fmt.Sprintf("statistics in %s", time.Since(start).Round(time.Millisecond)))
	res.Localities = sc.Localities
	return res, nil
}

// localities writes the localities with their phase history, contacts,
// visions, plans, themes, actions, updates and the revisions the app would
// have written for them.
func (g *gen) localities(ctx context.Context, tx *sql.Tx, res *LargeResult) error {
	sc := g.sc
	locs := newInserter(ctx, tx, "localities", "id", "slug", "name", "description", "inhabitants", "lat", "lon", "phase", "version", "created_at", "updated_at")
	phases := newInserter(ctx, tx, "phase_changes", "id", "locality_id", "phase", "on_date", "note", "actor_id", "created_at").after(locs)
	contacts := newInserter(ctx, tx, "locality_contacts", "locality_id", "user_id", "position").after(locs)
	userLocs := newInserter(ctx, tx, "user_localities", "user_id", "locality_id").after(locs)
	visions := newInserter(ctx, tx, "visions", "locality_id", "title", "body", "status", "decided_on", "decided_by", "decision_ref", "version", "updated_at").after(locs)
	plans := newInserter(ctx, tx, "plans", "locality_id", "status", "decided_on", "decided_by", "decision_ref", "next_review", "version", "updated_at").after(locs)
	themes := newInserter(ctx, tx, "themes", "id", "locality_id", "title", "description", "position", "version", "created_at", "updated_at").after(locs)
	actions := newInserter(ctx, tx, "actions", "id", "locality_id", "theme_id", "parent_id", "title", "description", "responsible_kind",
		"responsible_name", "responsible_department", "priority", "start_on", "end_on", "status", "progress", "weight", "position", "version", "created_at", "updated_at").after(themes)
	updates := newInserter(ctx, tx, "action_updates", "action_id", "locality_id", "on_date", "text", "actor_id", "created_at").after(actions)
	revs := newInserter(ctx, tx, "revisions", "locality_id", "kind", "entity_id", "action", "title", "body", "changes", "draft", "actor_id", "created_at").after(locs)
	all := []*inserter{locs, phases, contacts, userLocs, visions, plans, themes, actions, updates, revs}

	names := g.placeNames(sc.Localities)
	res.names = names
	order := []ortsplan.Phase{ortsplan.PhaseMobilising, ortsplan.PhaseInitial, ortsplan.PhaseImplementing, ortsplan.PhaseClosing}
	var phaseID, themeID, actionID int64
	actor := g.answerer
	for li := 0; li < sc.Localities; li++ {
		lid := int64(li + 1)
		name := names[li]
		slug := slugify(name)
		res.Slugs = append(res.Slugs, slug)
		start := g.between(g.now.AddDate(-14, 0, 0), g.now.AddDate(-2, 0, 0)).Truncate(24 * time.Hour)
		nPhases := 1 + g.rng.IntN(4)
		desc := fmt.Sprintf("%s ligger vid %s. %s", name, g.pick(actionObjects), g.paragraph(2, 4))
		var inh any
		if g.chance(0.8) {
			inh = 80 + g.rng.IntN(4000)
		}
		lat, lon := 58.8+g.rng.Float64()*0.5, 16.2+g.rng.Float64()*0.8
		current := order[nPhases-1]
		if err := locs.add(lid, slug, name, desc, inh, lat, lon, string(current), 1, start, start); err != nil {
			return err
		}
		if err := revs.add(lid, "locality", lid, "created", name, desc, changesJSON("phase", "", string(order[0])), false, actor, start); err != nil {
			return err
		}
		on := start
		for p := 0; p < nPhases; p++ {
			phaseID++
			note := ""
			if p > 0 || g.chance(0.5) {
				note = g.sentence()
			}
			if err := phases.add(phaseID, lid, string(order[p]), dateStr(on), note, actor, on); err != nil {
				return err
			}
			if p > 0 {
				if err := revs.add(lid, "phase", phaseID, "changed", "", note,
					changesJSON("phase", string(order[p-1]), string(order[p]), "phase_date", "", dateStr(on)+" "+string(order[p])), false, actor, on); err != nil {
					return err
				}
			}
			on = on.AddDate(0, 3+g.rng.IntN(18), 0)
			if on.After(g.now) {
				on = g.now.AddDate(0, 0, -1)
			}
		}
		owner := g.staff[1+li%(len(g.staff)-1)]
		if err := contacts.add(lid, owner, 1); err != nil {
			return err
		}
		if err := userLocs.add(owner, lid); err != nil {
			return err
		}
		if err := contacts.add(lid, g.staff[0], 2); err != nil {
			return err
		}
		if nPhases < 2 && li%3 != 0 {
			continue // no vision or plan yet
		}
		adopted := nPhases >= 3
		status, decided, body, ref := ortsplan.StatusDraft, any(nil), "", ""
		when := start.AddDate(0, 4, 0)
		if adopted {
			status, decided, body, ref = ortsplan.StatusAdopted, dateStr(when), "Kommunfullmäktige", fmt.Sprintf("KF %d/%d", 10+g.rng.IntN(90), when.Year())
		}
		vtitle := fmt.Sprintf("%ss vision %d", name, when.Year()+8)
		vbody := fmt.Sprintf("%s är en levande ort där människor i alla åldrar vill bo.\n\n- %s\n- %s\n- %s\n\n%s",
			name, g.sentence(), g.sentence(), g.sentence(), g.paragraph(1, 2))
		if err := visions.add(lid, vtitle, vbody, string(status), decided, body, ref, 1, when); err != nil {
			return err
		}
		vAction := "created"
		if adopted {
			vAction = "adopted"
		}
		if err := revs.add(lid, "vision", lid, vAction, vtitle, vbody, changesJSON("title", "", vtitle, "status", "", string(status),
			"decision_date", "", fmt.Sprint(decidedStr(decided)), "decision_body", "", body, "decision_reference", "", ref), !adopted, actor, when); err != nil {
			return err
		}
		var review any
		if adopted {
			review = dateStr(g.now.AddDate(0, 1+g.rng.IntN(12), 0))
		}
		if err := plans.add(lid, string(status), decided, body, ref, review, 1, when); err != nil {
			return err
		}
		pAction := "updated" // as SavePlan names a first draft
		if adopted {
			pAction = "adopted"
		}
		if err := revs.add(lid, "plan", lid, pAction, "", nil, changesJSON("status", "utkast", string(status),
			"decision_date", "", fmt.Sprint(decidedStr(decided)), "decision_body", "", body), false, actor, when); err != nil {
			return err
		}
		// Actions: this locality's share, over five themes.
		nActions := sc.Actions / sc.Localities
		if li < sc.Actions%sc.Localities {
			nActions++
		}
		nThemes := 5
		firstTheme := themeID + 1
		for t := 0; t < nThemes; t++ {
			themeID++
			title := themeTitles[(li+t)%len(themeTitles)]
			d := g.sentence()
			if err := themes.add(themeID, lid, title, d, t+1, 1, when, when); err != nil {
				return err
			}
			if err := revs.add(lid, "theme", themeID, "created", title, d, changesJSON("title", "", title), false, actor, when); err != nil {
				return err
			}
		}
		pos := make([]int, nThemes)
		var tops []int64 // top-level actions per theme, for children
		topTheme := map[int64]int64{}
		for a := 0; a < nActions; a++ {
			actionID++
			ti := g.rng.IntN(nThemes)
			theme := firstTheme + int64(ti)
			var parent any
			if len(tops) > 0 && g.chance(0.2) {
				p := tops[g.rng.IntN(len(tops))]
				parent, theme = p, topTheme[p]
				ti = int(theme - firstTheme)
			}
			pos[ti]++
			title := g.pick(actionVerbs) + " " + g.pick(actionObjects)
			d := g.paragraph(1, 3)
			kinds := []ortsplan.ResponsibleKind{ortsplan.ResponsibleMunicipality, ortsplan.ResponsibleAssociation, ortsplan.ResponsibleBusiness,
				ortsplan.ResponsibleResidents, ortsplan.ResponsibleWorkingGroup}
			rk := kinds[g.rng.IntN(len(kinds))]
			rname, rdep := "", ""
			if rk == ortsplan.ResponsibleMunicipality {
				rdep = g.pick(departments)
			} else {
				rname = g.pick(placeHeads) + "bygdens " + []string{"hembygdsförening", "idrottsförening", "byalag", "arbetsgrupp"}[g.rng.IntN(4)]
			}
			prio := []ortsplan.Priority{ortsplan.PriorityHigh, ortsplan.PriorityMedium, ortsplan.PriorityLow, ""}[g.rng.IntN(4)]
			st := []ortsplan.ActionStatus{ortsplan.ActionNotStarted, ortsplan.ActionOngoing, ortsplan.ActionOngoing, ortsplan.ActionDone,
				ortsplan.ActionPaused, ortsplan.ActionCancelled}[g.rng.IntN(6)]
			progress := 0
			switch st {
			case ortsplan.ActionDone:
				progress = 100
			case ortsplan.ActionOngoing, ortsplan.ActionPaused:
				progress = 10 * (1 + g.rng.IntN(9))
			}
			sOn := when.AddDate(0, g.rng.IntN(24), 0)
			eOn := sOn.AddDate(0, 3+g.rng.IntN(24), 0)
			created := g.between(when, g.now)
			weight := float64(g.rng.IntN(4))
			if err := actions.add(actionID, lid, theme, parent, title, d, string(rk), rname, rdep, string(prio), dateStr(sOn), dateStr(eOn),
				string(st), progress, weight, pos[ti], 1, created, created); err != nil {
				return err
			}
			if parent == nil {
				tops = append(tops, actionID)
				topTheme[actionID] = theme
			}
			if err := revs.add(lid, "action", actionID, "created", title, d, changesJSON("title", "", title, "action_status", "", string(st),
				"priority", "", string(prio), "start", "", dateStr(sOn), "end", "", dateStr(eOn)), false, actor, created); err != nil {
				return err
			}
			if g.chance(0.25) {
				u := g.sentence()
				uOn := g.between(created, g.now)
				if err := updates.add(actionID, lid, dateStr(uOn), u, actor, uOn); err != nil {
					return err
				}
				if err := revs.add(lid, "update", actionID, "added", title, u, changesJSON("update_date", "", dateStr(uOn)), false, actor, uOn); err != nil {
					return err
				}
			}
		}
	}
	for _, b := range all {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

func decidedStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// meetings writes three working groups and two organisations per locality,
// meetings from the start of the work until half a year ahead (held ones with
// notes), and confirmed registrations for the coming ones that take them.
func (g *gen) meetings(ctx context.Context, tx *sql.Tx, res *LargeResult) error {
	sc := g.sc
	groups := newInserter(ctx, tx, "working_groups", "id", "locality_id", "slug", "name", "kind", "theme", "description", "contact_user_id",
		"open", "version", "created_at", "updated_at")
	orgs := newInserter(ctx, tx, "organisations", "id", "locality_id", "name", "kind", "website", "description", "created_at")
	groupOrgs := newInserter(ctx, tx, "group_organisations", "group_id", "organisation_id").after(groups, orgs)
	meetings := newInserter(ctx, tx, "meetings", "id", "locality_id", "group_id", "kind", "title", "starts_at", "ends_at", "place_name",
		"place_address", "accessibility", "agenda", "state", "cancel_reason", "registration", "capacity", "report", "report_published",
		"participants", "version", "created_at", "updated_at").after(groups)
	regs := newInserter(ctx, tx, "registrations", "meeting_id", "name", "email", "people", "needs", "lang", "waitlisted", "confirmed_at",
		"confirm_by", "cancelled_at", "created_at").after(meetings)
	all := []*inserter{groups, orgs, groupOrgs, meetings, regs}
	var groupID, orgID, meetingID int64
	var regN int
	for li := 0; li < sc.Localities; li++ {
		lid := int64(li + 1)
		first := groupID + 1
		since := g.now.AddDate(-3, 0, 0)
		for k := 0; k < 3; k++ {
			groupID++
			theme := themeTitles[(li+k)%len(themeTitles)]
			kind := ortsplan.GroupWorking
			name := "Arbetsgruppen för " + strings.ToLower(theme)
			if k == 0 {
				kind, name, theme = ortsplan.GroupCoordination, "Samordningsgruppen", ""
			}
			if err := groups.add(groupID, lid, groupSlug(li, k), name, string(kind), theme,
				g.sentence(), nil, true, 1, since, since); err != nil {
				return err
			}
		}
		for k := 0; k < 2; k++ {
			orgID++
			kinds := []ortsplan.OrganisationKind{ortsplan.OrgAssociation, ortsplan.OrgBusiness}
			oname := res.placeName(li) + []string{"s hembygdsförening", " Livs"}[k]
			if err := orgs.add(orgID, lid, oname, string(kinds[k]), "", g.sentence(), since); err != nil {
				return err
			}
			if err := groupOrgs.add(first+int64(1+k), orgID); err != nil {
				return err
			}
		}
		n := sc.Meetings / sc.Localities
		if li < sc.Meetings%sc.Localities {
			n++
		}
		for k := 0; k < n; k++ {
			meetingID++
			starts := g.between(g.now.AddDate(-3, 0, 0), g.now.AddDate(0, 6, 0))
			starts = time.Date(starts.Year(), starts.Month(), starts.Day(), 17+g.rng.IntN(3), 0, 0, 0, time.UTC)
			ends := starts.Add(2 * time.Hour)
			kind := []ortsplan.MeetingKind{ortsplan.MeetingOpen, ortsplan.MeetingGroup, ortsplan.MeetingGroup, ortsplan.MeetingWorkshop}[g.rng.IntN(4)]
			var group any
			title := "Stormöte i " + res.placeName(li)
			switch kind {
			case ortsplan.MeetingGroup:
				gid := first + int64(g.rng.IntN(3))
				group = gid
				title = "Möte i " + []string{"samordningsgruppen", "arbetsgruppen", "arbetsgruppen"}[gid-first]
			case ortsplan.MeetingWorkshop:
				title = "Workshop om " + strings.ToLower(themeTitles[g.rng.IntN(len(themeTitles))])
			}
			place := g.pick(placeKinds)
			addr := fmt.Sprintf("%s %d, %s", g.pick(streets), 1+g.rng.IntN(40), res.placeName(li))
			agenda := fmt.Sprintf("1. Välkommen\n2. %s\n3. %s\n4. Övriga frågor", g.pick(actionVerbs)+" "+g.pick(actionObjects), g.sentence())
			state, reason, report, published, participants := ortsplan.MeetingPlanned, "", "", any(nil), 0
			registration, capacity := false, 0
			created := starts.AddDate(0, 0, -30)
			if created.After(g.now) {
				created = g.now
			}
			if starts.Before(g.now) {
				state = ortsplan.MeetingHeld
				participants = 5 + g.rng.IntN(80)
				if g.chance(0.7) {
					report = fmt.Sprintf("## Minnesanteckningar\n\n%s\n\n- %s\n- %s\n\n%s", g.paragraph(2, 4), g.sentence(), g.sentence(), g.paragraph(1, 3))
					published = starts.AddDate(0, 0, 3)
				}
				if g.chance(0.03) {
					state, reason, participants, report, published = ortsplan.MeetingCancelled, "För få anmälda.", 0, "", nil
				}
			} else if kind != ortsplan.MeetingGroup && g.chance(0.5) {
				registration, capacity = true, 30+10*g.rng.IntN(5)
			}
			if err := meetings.add(meetingID, lid, group, string(kind), title, starts, ends, place, addr,
				"Entrén har ramp och det finns en tillgänglig toalett.", agenda, string(state), reason, registration, capacity,
				report, published, participants, 1, created, created); err != nil {
				return err
			}
			if registration {
				seats := 0
				for r := 0; r < g.rng.IntN(15); r++ {
					regN++
					people := 1 + g.rng.IntN(3)
					wait := seats+people > capacity
					if !wait {
						seats += people
					}
					// Confirmed when made; they have no token, so nobody can cancel them.
					at := g.between(created, g.now)
					if err := regs.add(meetingID, g.person(), fmt.Sprintf("anmald%d@ortsplan.example", regN), people, "", "sv",
						wait, at, at, nil, at); err != nil {
						return err
					}
				}
			}
		}
	}
	for _, b := range all {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

// groupSlug is the slug of group k (0 is the coordination group) of locality li.
func groupSlug(li, k int) string {
	if k == 0 {
		return "samordningsgruppen"
	}
	return slugify(strings.ReplaceAll(strings.ToLower(themeTitles[(li+k)%len(themeTitles)]), ",", ""))
}

// placeName is the name of the locality with index i.
func (r *LargeResult) placeName(i int) string {
	if i < len(r.names) {
		return r.names[i]
	}
	return r.Slugs[i]
}

// ideas writes residents, ideas with a skewed number of supports and
// comments (replies included), and keeps each idea's cached counts equal to
// its rows.
func (g *gen) ideas(ctx context.Context, tx *sql.Tx, res *LargeResult) error {
	sc := g.sc
	residents := newInserter(ctx, tx, "residents", "id", "email", "name", "locality_id", "lang", "created_at")
	ideas := newInserter(ctx, tx, "ideas", "id", "locality_id", "resident_id", "author_name", "title", "body", "theme_id", "photo", "photo_alt",
		"status", "answer", "answered_by", "answered_at", "action_id", "supports", "comments", "hidden_reason", "hidden_at", "created_at", "updated_at").after(residents)
	supports := newInserter(ctx, tx, "idea_supports", "idea_id", "resident_id", "created_at").after(ideas)
	comments := newInserter(ctx, tx, "idea_comments", "id", "idea_id", "parent_id", "resident_id", "author_name", "body", "hidden_reason", "hidden_at", "created_at").after(ideas)
	all := []*inserter{residents, ideas, supports, comments}
	names := make([]string, sc.Residents)
	for r := range names {
		names[r] = g.person()
		at := g.now.AddDate(0, 0, -g.rng.IntN(1500))
		if err := residents.add(int64(r+1), fmt.Sprintf("boende%d@ortsplan.example", r+1), names[r], 1+g.rng.IntN(sc.Localities), "sv", at); err != nil {
			return err
		}
	}
	// Per-locality theme and action id ranges, read back from what was written.
	themeOf, actionOf, err := localityRanges(ctx, tx)
	if err != nil {
		return err
	}
	meanSupports := float64(sc.Supports) / float64(sc.Ideas)
	meanComments := float64(sc.Comments) / float64(sc.Ideas)
	maxPer := sc.Residents - 1
	var commentID int64
	statuses := []ortsplan.IdeaStatus{ortsplan.IdeaNew, ortsplan.IdeaNew, ortsplan.IdeaReceived, ortsplan.IdeaPreparing, ortsplan.IdeaInPlan,
		ortsplan.IdeaDone, ortsplan.IdeaNotRelevant}
	for i := 0; i < sc.Ideas; i++ {
		id := int64(i + 1)
		li := i % sc.Localities
		lid := int64(li + 1)
		author := 1 + g.rng.IntN(sc.Residents)
		created := g.now.Add(-time.Duration(g.rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
		title := g.pick(ideaStarts) + " " + g.pick(actionObjects)
		body := g.paragraph(1, 4)
		var theme, action, answeredBy, answeredAt, hiddenAt any
		if th := themeOf[lid]; len(th) > 0 && g.chance(0.6) {
			theme = th[g.rng.IntN(len(th))]
		}
		st := statuses[g.rng.IntN(len(statuses))]
		answer, hidden := "", ""
		if st != ortsplan.IdeaNew {
			answer = "Tack för idén! " + g.sentence()
			answeredBy, answeredAt = g.answerer, g.between(created, g.now)
			if acts := actionOf[lid]; st == ortsplan.IdeaInPlan && len(acts) > 0 {
				action = acts[g.rng.IntN(len(acts))]
			}
		}
		if g.chance(0.01) {
			hidden, hiddenAt = "Innehållet bröt mot reglerna för idéer.", g.between(created, g.now)
		}
		// Supports: exponential around the mean, a few ideas get many.
		ns := min(maxPer, int(g.rng.ExpFloat64()*meanSupports))
		nc := int(g.rng.ExpFloat64() * meanComments)
		if err := ideas.add(id, lid, author, names[author-1], title, body, theme, "[]", "", string(st), answer, answeredBy, answeredAt,
			action, ns, nc, hidden, hiddenAt, created, created); err != nil {
			return err
		}
		first := g.rng.IntN(sc.Residents)
		for k := 0; k < ns; k++ {
			if err := supports.add(id, int64((first+k)%sc.Residents+1), g.between(created, g.now)); err != nil {
				return err
			}
		}
		var top []int64
		for k := 0; k < nc; k++ {
			commentID++
			var parent any
			if len(top) > 0 && g.chance(0.3) {
				parent = top[g.rng.IntN(len(top))]
			} else {
				top = append(top, commentID)
			}
			who := 1 + g.rng.IntN(sc.Residents)
			var hAt any
			hReason := ""
			if g.chance(0.005) {
				hReason, hAt = "Kommentaren var kränkande.", g.now
			}
			if err := comments.add(commentID, id, parent, who, names[who-1], g.paragraph(1, 2), hReason, hAt, created.Add(time.Duration(k+1)*time.Hour)); err != nil {
				return err
			}
		}
	}
	for _, b := range all {
		if err := b.flush(); err != nil {
			return err
		}
	}
	res.Scale.Supports, res.Scale.Comments = supports.Total, comments.Total
	return nil
}

// localityRanges reads the theme and action ids of every locality.
func localityRanges(ctx context.Context, tx *sql.Tx) (themes, actions map[int64][]int64, err error) {
	read := func(q string) (map[int64][]int64, error) {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[int64][]int64{}
		for rows.Next() {
			var l, id int64
			if err := rows.Scan(&l, &id); err != nil {
				return nil, err
			}
			out[l] = append(out[l], id)
		}
		return out, rows.Err()
	}
	if themes, err = read("SELECT locality_id, id FROM themes ORDER BY id"); err != nil {
		return nil, nil, err
	}
	actions, err = read("SELECT locality_id, id FROM actions WHERE parent_id IS NULL ORDER BY id")
	return themes, actions, err
}

// signUps writes sign-ups in every state; those who joined a group are its members.
func (g *gen) signUps(ctx context.Context, tx *sql.Tx, res *LargeResult) error {
	sc := g.sc
	signups := newInserter(ctx, tx, "signups", "locality_id", "name", "email", "phone", "interests", "age_group", "message", "show_name", "lang",
		"status", "handler_id", "notes", "group_id", "anonymised", "created_at", "updated_at")
	members := newInserter(ctx, tx, "group_members", "group_id", "name", "email", "phone", "show_name", "joined_at")
	all := []*inserter{signups, members}
	statuses := []ortsplan.SignUpStatus{ortsplan.SignUpNew, ortsplan.SignUpContacted, ortsplan.SignUpJoined, ortsplan.SignUpJoined, ortsplan.SignUpDeclined}
	for i := 0; i < sc.SignUps; i++ {
		li := g.rng.IntN(sc.Localities)
		lid := int64(li + 1)
		firstGroup := int64(li*3 + 1)
		name := g.person()
		email := fmt.Sprintf("anmalan%d@ortsplan.example", i+1)
		phone := ""
		if g.chance(0.4) {
			phone = fmt.Sprintf("070-%03d %02d %02d", g.rng.IntN(1000), g.rng.IntN(100), g.rng.IntN(100))
		}
		gi := firstGroup + int64(g.rng.IntN(3))
		interests, _ := json.Marshal([]string{"group:" + groupSlug(li, int(gi-firstGroup))})
		age := ortsplan.AgeGroups[g.rng.IntN(len(ortsplan.AgeGroups))]
		st := statuses[g.rng.IntN(len(statuses))]
		created := g.now.Add(-time.Duration(g.rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
		updated := created
		var handler, group any
		notes := ""
		if st != ortsplan.SignUpNew {
			handler = g.staff[g.rng.IntN(len(g.staff))]
			updated = g.between(created, g.now)
			notes = "Ringde upp. " + g.sentence()
		}
		show := g.chance(0.5)
		if st == ortsplan.SignUpJoined {
			group = gi
			if err := members.add(gi, name, email, phone, show, updated); err != nil {
				return err
			}
		}
		msg := ""
		if g.chance(0.5) {
			msg = g.sentence()
		}
		if err := signups.add(lid, name, email, phone, string(interests), age, msg, show, "sv", string(st), handler, notes, group, false, created, updated); err != nil {
			return err
		}
	}
	for _, b := range all {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}
