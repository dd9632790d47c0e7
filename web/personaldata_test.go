package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web/hydratest"
)

// personalFixture holds the ids of the records that carry personal data.
type personalFixture struct {
	idea, hiddenIdea, meeting, survey int64
	quickfix                          int64
	matter                            int64 // published
}

// publicOutputs is every public output an anonymous visitor can fetch: pages,
// API, CSV, feeds, calendars and the sitemap. Add each new public page or
// file here; TestNoPersonalDataInPublicOutputs fails for a public GET route
// that no entry reaches (see notPublicRoutes for the exceptions).
func publicOutputs(f personalFixture) []string {
	idea, hidden, meeting := itoa(f.idea), itoa(f.hiddenIdea), itoa(f.meeting)
	return []string{
		// HTML pages.
		"/", "/orter", "/orter?fas=mobiliserande", "/orter/bettna", "/orter/bettna/vision", "/orter/bettna/handlingsplan",
		"/orter/bettna/historik", "/orter/bettna/arbetsgrupper", "/orter/bettna/arbetsgrupper/bredband", "/orter/bettna/moten",
		"/orter/bettna/ideer", "/orter/bettna/ideer?sortera=stod", "/orter/bettna/bilder", "/orter/bettna/karta", "/orter/bettna/valj-plats?for=ide", "/ideer/" + idea, "/ideer/" + hidden,
		"/moten/" + meeting, "/moten/" + meeting + "/anmald", "/kalender", "/var-med", "/var-med?ort=bettna", "/var-med/tack", "/oppna-data", "/tillganglighet", "/personuppgifter",
		"/logga-in/boende", "/logga-in/glomt-losenord", "/effekter", "/effekter?period=year", "/orter/bettna/effekter",
		// Search, for every kind of personal data stored above: none of it may be found.
		"/sok?q=hemlig", "/sok?q=Signe", "/sok?q=Anm%C3%A4lansdotter", "/sok?q=Regina", "/sok?q=allergi+jordn%C3%B6tter",
		"/sok?q=grannen", "/sok?q=Henrik", "/sok?q=Dold+id%C3%A9", "/sok?q=ol%C3%A4mpligt", "/sok?q=example.se", "/sok?q=070",
		"/sok?q=Idella", "/sok?q=Kalle+Kommentarsson",
		// The API.
		"/api/v1/openapi.json", "/api/v1/localities?limit=500", "/api/v1/localities/bettna", "/api/v1/localities/bettna/groups",
		"/api/v1/groups?limit=500", "/api/v1/meetings?limit=500", "/api/v1/meetings/" + meeting, "/api/v1/ideas?limit=500",
		"/api/v1/ideas?sort=supports&locality=bettna", "/api/v1/ideas/" + idea, "/api/v1/ideas/" + hidden,
		"/api/v1/effects", "/api/v1/effects?period=year", "/api/v1/effects?locality=bettna",
		// CSV files.
		"/orter.csv", "/arbetsgrupper.csv", "/orter/bettna/arbetsgrupper.csv", "/moten.csv", "/orter/bettna/moten.csv",
		"/ideer.csv", "/orter/bettna/ideer.csv", "/orter/bettna/handlingsplan.csv",
		"/effekter.csv", "/orter/bettna/effekter.csv",
		// Feeds, calendars, sitemap.
		"/flode.atom", "/orter/bettna/flode.atom", "/kalender.ics", "/orter/bettna/kalender.ics", "/moten/" + meeting + "/kalender.ics",
		"/sitemap.xml", "/sitemap/sidor.xml", "/sitemap/moten/0.xml", "/sitemap/ideer/0.xml", "/sitemap/quickfix/0.xml", "/robots.txt",
		// Surveys: a free-text answer not reviewed shows nowhere.
		"/enkater", "/enkater?ort=bettna", "/enkater/" + itoa(f.survey), "/enkater/" + itoa(f.survey) + "/resultat",
		"/enkater/" + itoa(f.survey) + "/resultat.csv", "/api/v1/surveys", "/api/v1/surveys/" + itoa(f.survey),
		// Quickfix grants: the granted one without its applicant; the others nowhere.
		"/quickfix", "/orter/bettna/quickfix", "/quickfix/" + itoa(f.quickfix), "/quickfix.csv", "/orter/bettna/quickfix.csv",
		"/api/v1/quickfixes", "/api/v1/quickfixes?locality=bettna&limit=500",
		// Plan revisions and matters: an unpublished matter's text shows nowhere.
		"/orter/bettna/handlingsplan/revideringar", "/orter/bettna/handlingsplan/revideringar/2015",
		"/orter/bettna/handlingsplan/jamfor?fran=2015&till=nu", "/arenden", "/arenden?status=skickat", "/orter/bettna/arenden",
		"/arenden/" + itoa(f.matter), "/api/v1/plan-revisions", "/api/v1/plan-revisions?locality=bettna", "/api/v1/matters",
		"/api/v1/matters?locality=bettna", "/api/v1/matters/" + itoa(f.matter),
		// Facts, the history text and the SWOT (with a point from the meeting above).
		"/orter/bettna/fakta", "/orter/bettna/swot", "/orter/bettna/skriv-ut", "/api/v1/localities/bettna/facts", "/api/v1/localities/bettna/swot",
		"/api/v1/swot?limit=500",
	}
}

// notPublicRoutes are GET routes the test does not need to reach: staff and
// account pages, one-time links (logging in, a new password, and a
// registration's confirm and cancel links, /anmalan/{token}/bekrafta and
// /anmalan/{token}, which show the registrant's name to whoever holds the
// e-mailed token), health checks, and binary files.
var notPublicRoutes = []string{
	"/healthz", "/readyz", "/metrics", "/static/", "/favicon.ico", "/filer/", "/bild/", "/logga-in", "/inloggning/", "/nytt-losenord/",
	"/mina-uppgifter", "/anmalningar.csv", "/avregistrera/", "/anmalan/", "/bekrafta", "/admin", "/konto", "/sprak", "/redigera", "/ny", "/nytt",
	"/atgarder/", "/teman/", "/historik/{id}", "/swot/{id}", "/meddelanden", "/arkiv", "/papper",
}

// TestNoPersonalDataInPublicOutputs stores personal data of every kind —
// sign-ups, meeting registrations, residents behind ideas and comments, group
// members without consent, staff e-mail addresses, hidden ideas and comments —
// and fetches every public output as an anonymous visitor, and every page
// those link to, asserting that none of it shows. A resident's chosen display
// name is published with their ideas and comments on the HTML pages only; it
// must not appear in any data output.
func TestNoPersonalDataInPublicOutputs(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		l := mustLocality(t, db, "bettna")
		never := []string{
			"signe.anmalan@example.se", "070-111 22 33", "Signe Anmälansdotter", "Mitt hemliga meddelande om grannen",
			"regina.registrerad@example.se", "Regina Registrerad", "Hemlig allergi mot jordnötter",
			"idella.ide@example.se", "kalle.kommentar@example.se",
			"henrik.hemlig@example.se", "070-999 88 77", "Hemliga Henrik",
			"personal.hemlig@example.se",
			"Dold idé om något olämpligt", "Dold kommentar med olämpligt innehåll",
			"osa.obekraftad@example.se", "Osa Obekräftad", "Hemlig rullstolsplats",
			"Ogranskad fritext om grannen Nils",
			"Hemlig quickfix som väntar", "Avslagen quickfix om grannens staket",
			"Opublicerat ärende om grannen Olle", "Olle Grannes adress Storgatan 5",
		}
		displayNames := []string{"Idella Idésson", "Kalle Kommentarsson"}

		if err := db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: l.ID, Name: never[2], Email: never[0], Phone: never[1],
			AgeGroup: "80-", Message: never[3]}); err != nil {
			t.Fatal(err)
		}
		m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Öppet möte om skolan", Start: time.Now().Add(72 * time.Hour),
			State: ortsplan.MeetingPlanned, Registration: true, Capacity: 30}
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		// A confirmed registration and one not confirmed yet.
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m.ID, Name: never[5], Email: never[4], People: 2, Needs: never[6]})
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: never[16], Email: never[15], People: 1, Needs: never[17]},
			ortsplan.DefaultRegistrationRule); err != nil {
			t.Fatal(err)
		}
		staff := s.user(never[12], ortsplan.RoleCoordinator, "bettna")
		g, err := db.FindGroup(ctx, l.ID, "bredband")
		if err != nil {
			t.Fatal(err)
		}
		g.ContactUserID = staff.ID
		if err := db.SaveGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		if err := db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: g.ID, Name: never[11], Email: never[9], Phone: never[10]}); err != nil {
			t.Fatal(err)
		}

		idella := residentBrowser(t, s, never[7], displayNames[0])
		r := idella.post("/orter/bettna/ideer", url.Values{"title": {"Bättre busshållplats"}, "body": {"Med tak och bänk."}})
		wantStatus(t, r, http.StatusSeeOther)
		var f personalFixture
		f.idea, _ = parseTrailingID(r.Header.Get("Location"))
		r = idella.post("/orter/bettna/ideer", url.Values{"title": {"En annan idé"}, "body": {never[13]}})
		f.hiddenIdea, _ = parseTrailingID(r.Header.Get("Location"))
		f.meeting = m.ID
		sv := openSurvey(t, db, l.ID, "Bettnaenkäten")
		sv.ResultsWhileOpen = true
		if err := db.SaveSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		f.survey = sv.ID
		if err := db.MakeEdition(ctx, &ortsplan.PlanEdition{LocalityID: l.ID, Year: 2015,
			Decision: ortsplan.Decision{On: time.Date(2015, 12, 1, 0, 0, 0, 0, time.UTC), Body: "Kommunstyrelsen"}}); err != nil {
			t.Fatal(err)
		}
		hiddenMatter := &ortsplan.Matter{LocalityID: l.ID, Title: never[19], Body: never[20], Recipient: "Tekniska avdelningen",
			SentOn: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), Status: ortsplan.MatterSent}
		pubMatter := &ortsplan.Matter{LocalityID: l.ID, Title: "Belysning vid korsningen", Recipient: "Trafikverket",
			SentOn: time.Date(2025, 1, 12, 0, 0, 0, 0, time.UTC), Status: ortsplan.MatterSent}
		for _, m := range []*ortsplan.Matter{hiddenMatter, pubMatter} {
			if err := db.SaveMatter(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.PublishMatter(ctx, pubMatter.ID); err != nil {
			t.Fatal(err)
		}
		f.matter = pubMatter.ID
		wantStatus(t, s.browser().post("/enkater/"+itoa(sv.ID), url.Values{"q1": {"0"}, "q4": {never[18]}}), http.StatusSeeOther)
		if f.idea == 0 || f.hiddenIdea == 0 {
			t.Fatal("ideas not created")
		}
		// Idella applies for three quickfixes: one granted, one waiting, one refused.
		for _, title := range []string{"Blomlådor vid skolan", never[19], never[20]} {
			r := idella.post("/orter/bettna/quickfix", url.Values{"kind": {"boende"}, "title": {title}, "place": {"Skolgården"},
				"description": {"Lådor med sommarblommor."}, "cost": {"3000"}, "own_effort": {"Jag planterar och vattnar."}})
			wantStatus(t, r, http.StatusSeeOther)
			id, _ := parseTrailingID(strings.Split(r.Header.Get("Location"), "?")[0])
			switch title {
			case never[19]:
			case never[20]:
				if err := db.DecideQuickfix(ctx, ortsplan.QuickfixDecision{QuickfixID: id, Status: ortsplan.QuickfixRefused, Reason: "Inte på kommunens mark."}); err != nil {
					t.Fatal(err)
				}
			default:
				if err := db.SetQuickfixBudget(ctx, &ortsplan.QuickfixBudget{Year: time.Now().In(i18n.Stockholm()).Year(), Amount: 20000}); err != nil {
					t.Fatal(err)
				}
				if err := db.DecideQuickfix(ctx, ortsplan.QuickfixDecision{QuickfixID: id, Status: ortsplan.QuickfixGranted, Amount: 3000}); err != nil {
					t.Fatal(err)
				}
				f.quickfix = id
			}
		}
		kalle := residentBrowser(t, s, never[8], displayNames[1])
		wantStatus(t, kalle.post("/ideer/"+itoa(f.idea)+"/kommentar", url.Values{"comment": {"Bra förslag!"}}), http.StatusSeeOther)
		wantStatus(t, kalle.post("/ideer/"+itoa(f.idea)+"/kommentar", url.Values{"comment": {never[14]}}), http.StatusSeeOther)
		wantStatus(t, kalle.post("/ideer/"+itoa(f.idea)+"/stod", url.Values{"on": {"1"}}), http.StatusSeeOther)
		csPage, err := db.Comments(ctx, f.idea, 1)
		cs := csPage.Comments
		if err != nil || len(cs) != 2 {
			t.Fatalf("comments: %v %d", err, len(cs))
		}
		for _, c := range cs {
			if c.Body == never[14] {
				if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: c.IdeaID, Kind: "comment", TargetID: c.ID, Reason: "Olämpligt"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: f.hiddenIdea, Kind: "idea", TargetID: f.hiddenIdea, Reason: "Olämpligt"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: f.idea, Status: ortsplan.IdeaPreparing, Answer: "Vi utreder frågan."}); err != nil {
			t.Fatal(err)
		}

		if err := db.SaveSWOTItem(ctx, &ortsplan.SWOTItem{LocalityID: l.ID, Kind: ortsplan.SWOTStrength, Text: "Engagerade boende",
			MeetingID: m.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveFact(ctx, &ortsplan.Fact{LocalityID: l.ID, Measure: ortsplan.MeasureService, Label: "Skola", Year: 2024,
			Value: 1, Source: "Kommunen"}); err != nil {
			t.Fatal(err)
		}

		visitor := s.browser()
		seen := map[string]bool{}
		var queue []string
		for _, p := range publicOutputs(f) {
			queue = append(queue, p)
		}
		explicit := len(queue)
		skip := append([]string{"/logga-ut"}, notPublicRoutes...)
		for i := 0; i < len(queue); i++ {
			path := queue[i]
			if seen[path] {
				continue
			}
			seen[path] = true
			for _, lang := range []string{"sv", "en"} {
				visitor.header.Set("Accept-Language", lang)
				r := visitor.get(path)
				if i < explicit && r.StatusCode != 200 && !(strings.Contains(path, hiddenSuffix(f)) && r.StatusCode == 404) {
					t.Errorf("%s: status %d", path, r.StatusCode)
				}
				for _, secret := range never {
					if strings.Contains(r.Body, secret) {
						t.Errorf("%s shows personal data %q", path, secret)
					}
				}
				if r.Doc == nil {
					for _, name := range displayNames {
						if strings.Contains(r.Body, name) {
							t.Errorf("%s (%s) shows the resident name %q", path, r.Header.Get("Content-Type"), name)
						}
					}
				}
				if lang == "en" || r.Doc == nil || i >= explicit {
					continue
				}
				// Follow the links of the listed pages one step.
				r.Doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
					u, err := url.Parse(a.AttrOr("href", ""))
					if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
						return
					}
					next := u.Path
					if u.RawQuery != "" {
						next += "?" + u.RawQuery
					}
					for _, p := range skip {
						if strings.HasPrefix(next, p) {
							return
						}
					}
					queue = append(queue, next)
				})
			}
		}
		// The ideas page really shows the display name (so the check above
		// would see a leak in the data outputs).
		if !strings.Contains(visitor.get("/ideer/"+itoa(f.idea)).Body, displayNames[1]) {
			t.Error("the idea page does not name the commenter: the test data is not what it seems")
		}

		// Every public GET route is reached by some output.
		mux := http.NewServeMux()
		var routes []string
		for _, p := range s.web.Patterns() {
			if path, ok := strings.CutPrefix(p, "GET "); ok {
				mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
				routes = append(routes, path)
			}
		}
		reached := map[string]bool{}
		for p := range seen {
			req, _ := http.NewRequest(http.MethodGet, "http://x"+p, nil)
			_, pattern := mux.Handler(req)
			reached[strings.TrimPrefix(pattern, "GET ")] = true
		}
	route:
		for _, r := range routes {
			for _, p := range notPublicRoutes {
				if strings.Contains(r, p) {
					continue route
				}
			}
			if !reached[r] {
				t.Errorf("public route %s is not in publicOutputs", r)
			}
		}
		t.Logf("checked %d public pages and files", len(seen))
	})
}

func hiddenSuffix(f personalFixture) string { return "/" + itoa(f.hiddenIdea) }

var trailingID = regexp.MustCompile(`/(\d+)(?:[?#].*)?$`)

func parseTrailingID(s string) (int64, bool) {
	m := trailingID.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	var id int64
	err := json.Unmarshal([]byte(m[1]), &id)
	return id, err == nil
}

// TestPersonnummerIsNeverStored: a resident verified through the eID broker
// (a real provider sending the personnummer) who supports an idea leaves no
// trace of the number in any table, in no form (twelve or ten digits); what
// is kept is the keyed hash, which the resident's own data download does not
// show either.
func TestPersonnummerIsNeverStored(t *testing.T) {
	p := hydratest.Start(t)
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := eidSite(t, db, p)
		idea := newIdea(t, s)
		a := residentBrowser(t, s, "pnr@example.se", "P")
		wantStatus(t, a.eidVerify(p, "eid-pnr-"+string(db.Dialect), "19121212-1212", idea), http.StatusSeeOther)
		wantStatus(t, a.post(idea+"/stod", url.Values{"on": {"1"}}), http.StatusSeeOther)
		for _, form := range []string{"191212121212", "19121212-1212", "1212121212", "121212-1212"} {
			if tables := sqltest.Containing(t, db, form); len(tables) != 0 {
				t.Errorf("the personnummer %s is stored in %v", form, tables)
			}
		}
		key := ortsplan.PersonKey(testPersonKey, "191212121212", "", "")
		if tables := sqltest.Containing(t, db, key); len(tables) != 2 || tables[0] != "idea_supports" || tables[1] != "resident_sessions" {
			t.Errorf("the person key is kept in %v, want idea_supports and resident_sessions", tables)
		}
		r := a.get("/mina-uppgifter.json")
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(r.Body, key) || strings.Contains(r.Body, "1212121212") {
			t.Error("the resident's data download shows the person key or the number")
		}
	})
}
