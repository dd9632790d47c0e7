package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// The route-table authorization test: every route the server registers is
// requested as each of five actors who may not change anything in
// Malmköping, with path and form ids of Malmköping's rows (and, where the
// handler does not need the path's locality, with Flen, the actors' own, in
// the path). A refused request answers 401, 403 or 404 (a GET of a staff
// page may send to the login form instead) and leaves every row of the
// database as it was. Where a route may change something, the same request
// made by someone who may (the official of Malmköping, or an admin) must
// succeed and change the database, which shows that the refusal comes from
// a check and not from a bad request: removing any one check in the
// services makes this test fail. A route without a row here fails it too.

// The actors who may not, and those who may.
const (
	anonymous   = "anonymous"
	residentA   = "resident"
	deactivated = "deactivated staff"
	officialA   = "official of Flen"
	leaderA     = "group leader of Flen"
	editorA     = "official of Malmköping"
	adminA      = "admin"
)

var (
	refusedActors = []string{anonymous, residentA, deactivated, officialA, leaderA}
	everyone      = refusedActors
	staffActors   = []string{officialA, leaderA}
)

// secrets are Malmköping's personal data: none of the five actors may see
// them anywhere.
var secrets = []string{"hemlig-deltagare@example.se", "Hemlig kost RT", "hemlig-anmalan@example.se", "070-111 22 33",
	"Hemlig anmälan RT", "hemlig-medlem@example.se", "hemlig-sokande@example.se"}

// authzFixture holds the ids of Malmköping's rows the requests name.
type authzFixture struct {
	db                             *sqlstore.DB
	malm, flen                     *ortsplan.Locality
	theme, theme2, action, action2 int64
	group                          string
	meeting, file, signUp          int64
	// Rows only the archiving requests archive, once each.
	archTheme, archAction, archMeeting, archFile int64
	idea, comment, flenIdea, flenComm            int64
	revision, message, targetUser                int64
	invitedUser                                  int64
	failedMessage                                int64
	regToken                                     string
	survey, surveyText                           int64
	// Quickfixes: waiting for a decision and reported (by a resident whose
	// e-mail is secret), and asked to amend and granted (by the resident actor).
	qfApplied, qfReported, qfSupplement, qfGranted int64
	qfPhoto, qfGrantedPhoto                        int64
	matter, pubMatter                              int64 // Malmköping's, not published
	fact, swot, swotGone                           int64
	pngBytes, pdfBytes                             []byte
}

func newAuthzFixture(t *testing.T, s *site) *authzFixture {
	t.Helper()
	db := s.db
	ctx := sqltest.System()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := &authzFixture{db: db, malm: mustLocality(t, db, "malmkoping"), flen: mustLocality(t, db, "flen")}
	th := &ortsplan.Theme{LocalityID: f.malm.ID, Title: "RT Torget"}
	must(db.SaveTheme(ctx, th))
	th2 := &ortsplan.Theme{LocalityID: f.malm.ID, Title: "RT Skolan"}
	must(db.SaveTheme(ctx, th2))
	a := &ortsplan.Action{ThemeID: th.ID, Title: "RT Bänkar", Status: ortsplan.ActionOngoing, Progress: 10}
	must(db.SaveAction(ctx, a))
	a2 := &ortsplan.Action{ThemeID: th.ID, Title: "RT Lampor", Status: ortsplan.ActionNotStarted}
	must(db.SaveAction(ctx, a2))
	g := &ortsplan.Group{LocalityID: f.malm.ID, Slug: "rt-grupp", Name: "RT Torggruppen", Kind: ortsplan.GroupWorking, Open: true}
	must(db.SaveGroup(ctx, g))
	must(db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: g.ID, Name: "Medlem RT", Email: "hemlig-medlem@example.se"}))
	start := time.Now().UTC().Add(40 * 24 * time.Hour).Truncate(time.Hour)
	m := &ortsplan.Meeting{LocalityID: f.malm.ID, Kind: ortsplan.MeetingOpen, Title: "RT Stormöte", Start: start, End: start.Add(2 * time.Hour),
		PlaceName: "Torget", State: ortsplan.MeetingPlanned, Registration: true, Capacity: 50}
	must(db.SaveMeeting(ctx, m))
	reg := &ortsplan.Registration{MeetingID: m.ID, Name: "Deltagare RT", Email: "hemlig-deltagare@example.se", People: 1, Needs: "Hemlig kost RT"}
	sqltest.Register(t, db, reg)
	f.regToken = reg.Token
	f.pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	must(s.storage.Put(ctx, "rt-dagordning.pdf", f.pdfBytes, "application/pdf"))
	file := &ortsplan.MeetingFile{MeetingID: m.ID, Kind: ortsplan.FileDocument, Title: "RT Dagordning",
		Variants: []ortsplan.FileVariant{{Name: "file", Key: "rt-dagordning.pdf", ContentType: "application/pdf", Size: int64(len(f.pdfBytes))}}}
	must(db.AddMeetingFile(ctx, file))
	archFile := &ortsplan.MeetingFile{MeetingID: m.ID, Kind: ortsplan.FileDocument, Title: "RT Fel dokument",
		Variants: []ortsplan.FileVariant{{Name: "file", Key: "rt-dagordning.pdf", ContentType: "application/pdf", Size: int64(len(f.pdfBytes))}}}
	must(db.AddMeetingFile(ctx, archFile))
	f.archFile = archFile.ID
	archTheme := &ortsplan.Theme{LocalityID: f.malm.ID, Title: "RT Gamla stationen"}
	must(db.SaveTheme(ctx, archTheme))
	archAction := &ortsplan.Action{ThemeID: th2.ID, Title: "RT Dubblett", Status: ortsplan.ActionNotStarted}
	must(db.SaveAction(ctx, archAction))
	archMeeting := &ortsplan.Meeting{LocalityID: f.malm.ID, Kind: ortsplan.MeetingOpen, Title: "RT Felaktigt möte", Start: start, End: start.Add(time.Hour),
		State: ortsplan.MeetingPlanned}
	must(db.SaveMeeting(ctx, archMeeting))
	f.archTheme, f.archAction, f.archMeeting = archTheme.ID, archAction.ID, archMeeting.ID
	su := &ortsplan.SignUp{LocalityID: f.malm.ID, Name: "Anmäld RT", Email: "hemlig-anmalan@example.se", Phone: "070-111 22 33"}
	must(db.CreateSignUp(ctx, su))

	var res int64
	must(db.SQL().QueryRow(`INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ('rt-skribent@example.se', 'Skribent', $1, 'sv', $2) RETURNING id`,
		f.malm.ID, time.Now().UTC()).Scan(&res))
	asRes := sqltest.AsResident(ctx, res)
	idea := &ortsplan.Idea{LocalityID: f.malm.ID, Title: "RT Fontän", Body: "På torget"}
	must(db.CreateIdea(asRes, idea))
	c := &ortsplan.Comment{IdeaID: idea.ID, Body: "RT Bra förslag"}
	must(db.AddComment(asRes, c))
	fi := &ortsplan.Idea{LocalityID: f.flen.ID, Title: "RT Cykelbana", Body: "Till stationen"}
	must(db.CreateIdea(asRes, fi))
	fc := &ortsplan.Comment{IdeaID: fi.ID, Body: "RT Ja tack"}
	must(db.AddComment(asRes, fc))
	must(db.Report(ctx, ortsplan.Report{IdeaID: idea.ID, Kind: ortsplan.ModerateComment, TargetID: c.ID, Reason: "Hemlig anmälan RT"}))
	failed := &ortsplan.Message{To: "studsar@example.se", Subject: "RT studsade", Text: "Kom inte fram"}
	must(db.EnqueueMessage(ctx, failed))
	must(db.MarkFailed(ctx, failed.ID, "smtp rcpt: 550 No such user", time.Now(), true))
	f.failedMessage = failed.ID
	must(db.EnqueueMessage(ctx, &ortsplan.Message{To: "hemlig-deltagare@example.se", Subject: "RT", Text: "Hemlig kost RT"}))
	target := s.user("rt-mal@example.se", ortsplan.RoleOfficial, "malmkoping")
	invited, err := db.InviteUser(ctx, ortsplan.NewUser{Email: "rt-inbjuden@example.se", Name: "Inbjuden RT", Role: ortsplan.RoleOfficial, Localities: []string{"malmkoping"}})
	must(err)
	f.invitedUser = invited.ID
	must(db.SQL().QueryRow("SELECT MAX(id) FROM revisions WHERE locality_id = $1", f.malm.ID).Scan(&f.revision))
	must(db.SQL().QueryRow("SELECT MAX(id) FROM outbox").Scan(&f.message))
	f.theme, f.theme2, f.action, f.action2, f.group, f.meeting, f.file, f.signUp = th.ID, th2.ID, a.ID, a2.ID, g.Slug, m.ID, file.ID, su.ID
	f.idea, f.comment, f.flenIdea, f.flenComm, f.targetUser = idea.ID, c.ID, fi.ID, fc.ID, target.ID
	today := ortsplan.SurveyDay(time.Now(), time.UTC)
	sv := &ortsplan.Survey{LocalityID: f.malm.ID, Title: "RT Enkät", Opens: today.AddDate(0, 0, -1), Closes: today.AddDate(0, 1, 0), ResultsWhileOpen: true,
		Questions: []ortsplan.SurveyQuestion{{Kind: ortsplan.QuestionScale, Text: "RT Trivs du?"}, {Kind: ortsplan.QuestionText, Text: "RT Något mer?"}}}
	must(db.SaveSurvey(ctx, sv))
	must(db.AnswerSurvey(ctx, &ortsplan.SurveyResponse{SurveyID: sv.ID, Answers: []ortsplan.SurveyAnswer{{Value: 3}, {Text: "RT Fler bänkar"}}}, "rt-webblasare-0123456789"))
	f.survey = sv.ID
	must(db.MakeEdition(ctx, &ortsplan.PlanEdition{LocalityID: f.malm.ID, Year: 2020, Decision: ortsplan.Decision{On: time.Date(2020, 11, 20, 0, 0, 0, 0, time.UTC), Body: "Kommunstyrelsen"}}))
	for _, n := range []*int64{&f.matter, &f.pubMatter} {
		mt := &ortsplan.Matter{LocalityID: f.malm.ID, Title: "RT Busskur", Recipient: "Region Sörmland", SentOn: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Status: ortsplan.MatterSent}
		must(db.SaveMatter(ctx, mt))
		*n = mt.ID
	}
	must(db.SQL().QueryRow("SELECT MAX(id) FROM survey_answers WHERE survey_id = $1 AND body IS NOT NULL", sv.ID).Scan(&f.surveyText))

	fact := &ortsplan.Fact{LocalityID: f.malm.ID, Measure: ortsplan.MeasurePopulation, Year: 2020, Value: 2180, Source: "RT Wikipedia"}
	must(db.SaveFact(ctx, fact))
	f.fact = fact.ID
	sw := &ortsplan.SWOTItem{LocalityID: f.malm.ID, Kind: ortsplan.SWOTStrength, Text: "RT Torget", MeetingID: m.ID}
	must(db.SaveSWOTItem(ctx, sw))
	swGone := &ortsplan.SWOTItem{LocalityID: f.malm.ID, Kind: ortsplan.SWOTThreat, Text: "RT Butiken stänger", Source: "RT Enkät"}
	must(db.SaveSWOTItem(ctx, swGone))
	f.swot, f.swotGone = sw.ID, swGone.ID

	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			img.Set(x, y, color.RGBA{uint8(6 * x), uint8(8 * y), 120, 255})
		}
	}
	var buf bytes.Buffer
	must(png.Encode(&buf, img))
	f.pngBytes = buf.Bytes()

	// Quickfixes, with a budget for this year.
	year := time.Now().In(i18n.Stockholm()).Year()
	must(db.SetQuickfixBudget(ctx, &ortsplan.QuickfixBudget{Year: year, Amount: 100000}))
	must(s.storage.Put(ctx, "rt-quickfix.png", f.pngBytes, "image/png"))
	photo := []ortsplan.QuickfixPhoto{{Alt: "Platsen vid torget", Variants: []ortsplan.FileVariant{{Name: "page", Key: "rt-quickfix.png", ContentType: "image/png", Width: 40, Height: 30, Size: int64(len(f.pngBytes))}}}}
	var secret, bo int64
	must(db.SQL().QueryRow(`INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ('hemlig-sokande@example.se', 'Sökande RT', $1, 'sv', $2) RETURNING id`,
		f.malm.ID, time.Now().UTC()).Scan(&secret))
	// The resident actor logs in with this address later, to this account.
	must(db.SQL().QueryRow(`INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ('rt-bo@example.se', 'Bo RT', $1, 'sv', $2) RETURNING id`,
		f.malm.ID, time.Now().UTC()).Scan(&bo))
	apply := func(res int64, title string) int64 {
		q := &ortsplan.Quickfix{LocalityID: f.malm.ID, Kind: ortsplan.ApplicantAssociation, Organisation: "RT Torgföreningen", Title: title,
			Place: "Torget", Description: "RT Blomlådor runt torget.", Cost: 5000, OwnEffort: "Vi planterar och vattnar.", Photos: photo}
		must(db.ApplyQuickfix(sqltest.AsResident(ctx, res), q))
		return q.ID
	}
	decide := func(id int64, st ortsplan.QuickfixStatus, amount int64, reason string) {
		must(db.DecideQuickfix(ctx, ortsplan.QuickfixDecision{QuickfixID: id, Status: st, Amount: amount, Reason: reason}))
	}
	f.qfApplied = apply(secret, "RT Blomlådor")
	f.qfReported = apply(secret, "RT Bänk vid torget")
	decide(f.qfReported, ortsplan.QuickfixGranted, 4000, "")
	must(db.ReportQuickfix(sqltest.AsResident(ctx, secret), f.qfReported, "RT Bänken står på plats.", nil))
	f.qfSupplement = apply(bo, "RT Cykelställ")
	decide(f.qfSupplement, ortsplan.QuickfixSupplement, 0, "RT Bifoga en offert.")
	f.qfGranted = apply(bo, "RT Skylt")
	decide(f.qfGranted, ortsplan.QuickfixGranted, 3000, "")
	applied, _ := db.FindQuickfix(ctx, f.qfApplied)
	granted, _ := db.FindQuickfix(ctx, f.qfGranted)
	f.qfPhoto, f.qfGrantedPhoto = applied.Photos[0].ID, granted.Photos[0].ID
	return f
}

func (f *authzFixture) locality() *ortsplan.Locality {
	l, _ := f.db.FindLocality(sqltest.System(), "malmkoping")
	return l
}

func (f *authzFixture) planAction(id int64) *ortsplan.Action {
	p, _ := f.db.FindPlan(sqltest.System(), f.malm.ID)
	return p.FindAction(id)
}

func unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, time.Now().UnixNano()) }

// authzRow is one request of the table.
type authzRow struct {
	pattern string // the registered pattern this request reaches
	path    func(f *authzFixture) string
	form    func(f *authzFixture) url.Values // POST only
	file    string                           // multipart: the file field; the form's "filename" names the file
	allow   []string                         // actors who may; everyone else is refused
	control string                           // who may, and whose request must succeed (and change the database, for a POST)
	last    bool                             // ends sessions: run after the rest
}

func get(pattern string, path func(*authzFixture) string, allow []string, control string) authzRow {
	return authzRow{pattern: pattern, path: path, allow: allow, control: control}
}

func fixed(p string) func(*authzFixture) string { return func(*authzFixture) string { return p } }

func authzRows() []authzRow {
	malm := func(rest string) func(*authzFixture) string {
		return func(*authzFixture) string { return "/orter/malmkoping" + rest }
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	public := func(pattern string, path func(*authzFixture) string) authzRow {
		return get(pattern, path, everyone, "")
	}
	staffGet := func(pattern string, path func(*authzFixture) string, control string) authzRow {
		return get(pattern, path, nil, control)
	}
	change := func(pattern string, path func(*authzFixture) string, form func(*authzFixture) url.Values, control string) authzRow {
		return authzRow{pattern: pattern, path: path, form: form, control: control}
	}
	open := func(pattern string, path func(*authzFixture) string, form func(*authzFixture) url.Values, allow []string) authzRow {
		return authzRow{pattern: pattern, path: path, form: form, allow: allow}
	}
	return []authzRow{
		// Operations and the public site: everyone, and nothing changes.
		public("GET /healthz", fixed("/healthz")),
		public("GET /readyz", fixed("/readyz")),
		public("GET /metrics", fixed("/metrics")),
		public("GET /static/{file}", fixed("/static/finns-inte.css")),
		public("GET /favicon.ico", fixed("/favicon.ico")),
		public("GET /{$}", fixed("/")),
		public("GET /orter", fixed("/orter")),
		public("GET /orter/{slug}", malm("")),
		public("GET /orter/{slug}/vision", malm("/vision")),
		public("GET /orter/{slug}/handlingsplan", malm("/handlingsplan")),
		public("GET /orter/{slug}/historik", malm("/historik")),
		public("GET /orter/{slug}/historik/{id}", func(f *authzFixture) string { return "/orter/malmkoping/historik/" + id(f.revision) }),
		public("GET /orter/{slug}/arbetsgrupper", malm("/arbetsgrupper")),
		public("GET /orter/{slug}/arbetsgrupper/{group}", malm("/arbetsgrupper/rt-grupp")),
		public("GET /orter/{slug}/moten", malm("/moten")),
		public("GET /orter/{slug}/bilder", malm("/bilder")),
		public("GET /orter/{slug}/bild/{variant}", malm("/bild/page")),
		public("GET /orter/{slug}/effekter", malm("/effekter")),
		public("GET /orter/{slug}/ideer", malm("/ideer")),
		public("GET /orter/{slug}/handlingsplan/revideringar", malm("/handlingsplan/revideringar")),
		public("GET /orter/{slug}/handlingsplan/revideringar/{year}", malm("/handlingsplan/revideringar/2020")),
		public("GET /orter/{slug}/handlingsplan/jamfor", malm("/handlingsplan/jamfor?fran=2020&till=nu")),
		public("GET /orter/{slug}/arenden", malm("/arenden")),
		public("GET /arenden", fixed("/arenden")),
		// A matter not yet published: only for who may edit its locality.
		staffGet("GET /arenden/{id}", func(f *authzFixture) string { return "/arenden/" + id(f.matter) }, editorA),
		public("GET /orter/{slug}/fakta", malm("/fakta")),
		public("GET /orter/{slug}/swot", malm("/swot")),
		public("GET /orter/{slug}/skriv-ut", malm("/skriv-ut")),
		public("GET /orter/{slug}/karta", malm("/karta")),
		public("GET /orter/{slug}/valj-plats", malm("/valj-plats?for=ide")),
		public("GET /moten/{id}", func(f *authzFixture) string { return "/moten/" + id(f.meeting) }),
		public("GET /kalender", fixed("/kalender")),
		public("GET /kalender.ics", fixed("/kalender.ics")),
		public("GET /orter/{slug}/kalender.ics", malm("/kalender.ics")),
		// Staff login through the identity provider: not configured here, so
		// nobody reaches it (404 for every actor).
		get("GET /logga-in/oidc", fixed("/logga-in/oidc"), nil, ""),
		get("GET /logga-in/oidc/callback", fixed("/logga-in/oidc/callback?state=x&code=y"), nil, ""),
		// The residents' eID login, likewise not configured here (TestEID*
		// drives it against a real provider).
		get("GET /logga-in/eid", fixed("/logga-in/eid"), nil, ""),
		get("GET /logga-in/eid/callback", fixed("/logga-in/eid/callback?state=x&code=y"), nil, ""),
		public("GET /moten/{id}/anmald", func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/anmald" }),
		public("GET /moten/{id}/kalender.ics", func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/kalender.ics" }),
		public("GET /ideer/{id}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) }),
		public("GET /ideer/{id}/bild/{variant}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) + "/bild/page" }),
		public("GET /effekter", fixed("/effekter")),
		public("GET /sok", fixed("/sok?q=torget")),
		public("GET /oppna-data", fixed("/oppna-data")),
		public("GET /sitemap.xml", fixed("/sitemap.xml")),
		public("GET /sitemap/sidor.xml", fixed("/sitemap/sidor.xml")),
		public("GET /sitemap/{kind}/{part}", fixed("/sitemap/ideer/0.xml")),
		public("GET /robots.txt", fixed("/robots.txt")),
		public("GET /tillganglighet", fixed("/tillganglighet")),
		public("GET /personuppgifter", fixed("/personuppgifter")),
		public("GET /sprak", fixed("/sprak?lang=en&till=/orter")),
		public("GET /var-med", fixed("/var-med?ort=malmkoping")),
		public("GET /var-med/tack", fixed("/var-med/tack")),
		public("GET /anmalan/{token}", fixed("/anmalan/inte-en-riktig-token")),
		public("GET /anmalan/{token}/bekrafta", fixed("/anmalan/inte-en-riktig-token/bekrafta")),
		public("GET /avregistrera/{token}", fixed("/avregistrera/inte-en-riktig-token")),
		public("GET /logga-in/boende", fixed("/logga-in/boende")),
		public("GET /inloggning/{token}", fixed("/inloggning/inte-en-riktig-token")),
		public("GET /logga-in", fixed("/logga-in")),
		public("GET /logga-in/glomt-losenord", fixed("/logga-in/glomt-losenord")),
		public("GET /nytt-losenord/{token}", fixed("/nytt-losenord/inte-en-riktig-token")),
		public("GET /mina-uppgifter", fixed("/mina-uppgifter")),
		public("GET /mina-uppgifter.json", fixed("/mina-uppgifter.json")),
		// The open data: read as a visitor without an account, whoever asks.
		public("GET /orter/{slug}/handlingsplan.csv", malm("/handlingsplan.csv")),
		public("GET /orter.csv", fixed("/orter.csv")),
		public("GET /arbetsgrupper.csv", fixed("/arbetsgrupper.csv")),
		public("GET /orter/{slug}/arbetsgrupper.csv", malm("/arbetsgrupper.csv")),
		public("GET /moten.csv", fixed("/moten.csv")),
		public("GET /orter/{slug}/moten.csv", malm("/moten.csv")),
		public("GET /ideer.csv", fixed("/ideer.csv")),
		public("GET /orter/{slug}/ideer.csv", malm("/ideer.csv")),
		public("GET /effekter.csv", fixed("/effekter.csv")),
		public("GET /orter/{slug}/effekter.csv", malm("/effekter.csv")),
		public("GET /flode.atom", fixed("/flode.atom")),
		public("GET /orter/{slug}/flode.atom", malm("/flode.atom")),
		public("GET /api/v1/openapi.json", fixed("/api/v1/openapi.json")),
		public("GET /api/v1/localities", fixed("/api/v1/localities")),
		public("GET /api/v1/localities/{slug}", fixed("/api/v1/localities/malmkoping")),
		public("GET /api/v1/localities/{slug}/groups", fixed("/api/v1/localities/malmkoping/groups")),
		public("GET /api/v1/groups", fixed("/api/v1/groups")),
		public("GET /api/v1/meetings", fixed("/api/v1/meetings?locality=malmkoping")),
		public("GET /api/v1/meetings/{id}", func(f *authzFixture) string { return "/api/v1/meetings/" + id(f.meeting) }),
		public("GET /api/v1/ideas", fixed("/api/v1/ideas")),
		public("GET /api/v1/ideas/{id}", func(f *authzFixture) string { return "/api/v1/ideas/" + id(f.idea) }),
		public("GET /api/v1/effects", fixed("/api/v1/effects?locality=malmkoping")),
		public("GET /api/v1/surveys", fixed("/api/v1/surveys?locality=malmkoping")),
		public("GET /api/v1/surveys/{id}", func(f *authzFixture) string { return "/api/v1/surveys/" + id(f.survey) }),
		public("GET /api/v1/plan-revisions", fixed("/api/v1/plan-revisions?locality=malmkoping")),
		public("GET /api/v1/matters", fixed("/api/v1/matters?locality=malmkoping")),
		public("GET /api/v1/matters/{id}", func(f *authzFixture) string { return "/api/v1/matters/" + id(f.matter) }),
		public("GET /api/v1/localities/{slug}/facts", fixed("/api/v1/localities/malmkoping/facts")),
		public("GET /api/v1/localities/{slug}/swot", fixed("/api/v1/localities/malmkoping/swot")),
		public("GET /api/v1/swot", fixed("/api/v1/swot?locality=malmkoping")),
		public("/api/v1/", fixed("/api/v1/finns-inte")),
		public("/", fixed("/finns-inte")),

		// Files of a meeting whose notes are not published: only for who may edit.
		staffGet("GET /filer/{id}/{variant}", func(f *authzFixture) string { return "/filer/" + id(f.file) + "/file" }, editorA),

		// Taking part without an account: anyone may.
		open("POST /var-med", fixed("/var-med"), func(*authzFixture) url.Values {
			return url.Values{"ort": {"malmkoping"}, "name": {"Ny deltagare"}, "email": {unique("ny") + "@example.se"}, "consent": {"1"}}
		}, everyone),
		open("POST /moten/{id}/anmalan", func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/anmalan" }, func(*authzFixture) url.Values {
			return url.Values{"name": {"Ny"}, "email": {unique("anm") + "@example.se"}, "people": {"1"}}
		}, everyone),
		open("POST /anmalan/{token}", fixed("/anmalan/inte-en-riktig-token"), func(*authzFixture) url.Values { return url.Values{} }, everyone),
		open("POST /anmalan/{token}/bekrafta", fixed("/anmalan/inte-en-riktig-token/bekrafta"), func(*authzFixture) url.Values { return url.Values{} }, everyone),
		open("POST /avregistrera/{token}", fixed("/avregistrera/inte-en-riktig-token"), func(*authzFixture) url.Values { return url.Values{} }, everyone),
		open("POST /logga-in/boende", fixed("/logga-in/boende"), func(*authzFixture) url.Values {
			return url.Values{"email": {unique("boende") + "@example.se"}}
		}, everyone),
		open("POST /inloggning/{token}", fixed("/inloggning/inte-en-riktig-token"), func(*authzFixture) url.Values { return url.Values{} }, everyone),
		open("POST /logga-in", fixed("/logga-in"), func(*authzFixture) url.Values {
			return url.Values{"email": {"ingen@example.se"}, "password": {"fel lösenord helt"}}
		}, everyone),
		open("POST /logga-in/glomt-losenord", fixed("/logga-in/glomt-losenord"), func(*authzFixture) url.Values {
			return url.Values{"email": {unique("glomsk") + "@example.se"}}
		}, everyone),
		open("POST /nytt-losenord/{token}", fixed("/nytt-losenord/inte-en-riktig-token"), func(*authzFixture) url.Values {
			return url.Values{"new_password": {"ett nytt långt lösenord"}, "confirm_password": {"ett nytt långt lösenord"}}
		}, everyone),
		{pattern: "POST /logga-ut/boende", path: fixed("/logga-ut/boende"), form: func(*authzFixture) url.Values { return url.Values{} }, allow: everyone, last: true},
		{pattern: "POST /logga-ut", path: fixed("/logga-ut"), form: func(*authzFixture) url.Values { return url.Values{} }, allow: everyone, last: true},

		// Residents: only the resident may; staff and visitors are refused.
		open("POST /orter/{slug}/ideer", malm("/ideer"), func(*authzFixture) url.Values {
			return url.Values{"title": {"Ny idé RT"}, "body": {"Mer grönska"}}
		}, []string{residentA}),
		open("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) + "/stod" }, func(*authzFixture) url.Values {
			return url.Values{"on": {"1"}}
		}, []string{residentA}),
		open("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) + "/kommentar" }, func(*authzFixture) url.Values {
			return url.Values{"comment": {"Ny kommentar RT"}}
		}, []string{residentA}),
		open("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) + "/anmal" }, func(f *authzFixture) url.Values {
			return url.Values{"kind": {"idea"}, "target": {id(f.idea)}, "reason": {"Reklam"}}
		}, everyone),
		open("POST /orter/{slug}/folj", malm("/folj"), func(*authzFixture) url.Values { return url.Values{"mode": {"direkt"}} }, []string{residentA}),
		open("POST /mina-uppgifter/radera", fixed("/mina-uppgifter/radera"), func(*authzFixture) url.Values { return url.Values{} }, []string{residentA}),
		open("POST /mina-uppgifter", fixed("/mina-uppgifter"), func(*authzFixture) url.Values { return url.Values{"name": {"Nytt namn RT"}} }, []string{residentA}),

		// The idea's answer and moderation: the idea's locality decides.
		change("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) + "/svar" }, func(f *authzFixture) url.Values {
			i, _ := f.db.FindIdea(sqltest.System(), f.idea)
			st := "mottagen"
			if string(i.Status) == st {
				st = "under_beredning"
			}
			return url.Values{"status": {st}, "answer": {"Tack för idén"}}
		}, editorA),
		change("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) + "/dolj" }, func(f *authzFixture) url.Values {
			return url.Values{"kind": {"idea"}, "target": {id(f.idea)}, "reason": {"Olämpligt"}}
		}, editorA),
		change("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.idea) + "/visa" }, func(f *authzFixture) url.Values {
			return url.Values{"kind": {"idea"}, "target": {id(f.idea)}, "reason": {"Granskad"}}
		}, editorA),
		// The hole that was found: Flen's idea in the path, Malmköping's content as the target.
		change("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.flenIdea) + "/dolj" }, func(f *authzFixture) url.Values {
			return url.Values{"kind": {"idea"}, "target": {id(f.idea)}, "reason": {"Olämpligt"}}
		}, ""),
		change("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.flenIdea) + "/dolj" }, func(f *authzFixture) url.Values {
			return url.Values{"kind": {"comment"}, "target": {id(f.comment)}, "reason": {"Olämpligt"}}
		}, ""),
		change("POST /ideer/{id}/{what}", func(f *authzFixture) string { return "/ideer/" + id(f.flenIdea) + "/visa" }, func(f *authzFixture) url.Values {
			return url.Values{"kind": {"comment"}, "target": {id(f.comment)}, "reason": {"Granskad"}}
		}, ""),

		// Quickfix grants: granted ones are public; the rest for staff of the
		// locality and the applicant (the resident actor applied for two).
		public("GET /quickfix", fixed("/quickfix")),
		public("GET /orter/{slug}/quickfix", malm("/quickfix")),
		public("GET /quickfix/{id}", func(f *authzFixture) string { return "/quickfix/" + id(f.qfGranted) }),
		staffGet("GET /quickfix/{id}", func(f *authzFixture) string { return "/quickfix/" + id(f.qfApplied) }, editorA),
		public("GET /quickfix/{id}/bild/{photo}/{variant}", func(f *authzFixture) string {
			return "/quickfix/" + id(f.qfGranted) + "/bild/" + id(f.qfGrantedPhoto) + "/page"
		}),
		staffGet("GET /quickfix/{id}/bild/{photo}/{variant}", func(f *authzFixture) string {
			return "/quickfix/" + id(f.qfApplied) + "/bild/" + id(f.qfPhoto) + "/page"
		}, editorA),
		public("GET /quickfix.csv", fixed("/quickfix.csv")),
		public("GET /orter/{slug}/quickfix.csv", malm("/quickfix.csv")),
		public("GET /api/v1/quickfixes", fixed("/api/v1/quickfixes?locality=malmkoping")),
		open("POST /orter/{slug}/quickfix", malm("/quickfix"), func(*authzFixture) url.Values {
			return url.Values{"kind": {"boende"}, "title": {"RT Ny bänk"}, "place": {"Parken"}, "description": {"En bänk i parken."},
				"cost": {"2 500"}, "own_effort": {"Vi målar den."}}
		}, []string{residentA}),
		open("POST /quickfix/{id}/komplettera", func(f *authzFixture) string { return "/quickfix/" + id(f.qfSupplement) + "/komplettera" },
			func(*authzFixture) url.Values {
				return url.Values{"kind": {"forening"}, "organisation": {"RT Torgföreningen"}, "title": {"RT Cykelställ"}, "place": {"Torget"},
					"description": {"RT Offert: 4 800 kr."}, "cost": {"4800"}, "own_effort": {"Vi monterar."}}
			}, []string{residentA}),
		open("POST /quickfix/{id}/rapport", func(f *authzFixture) string { return "/quickfix/" + id(f.qfGranted) + "/rapport" },
			func(*authzFixture) url.Values { return url.Values{"report": {"RT Skylten sitter uppe."}} }, []string{residentA}),
		change("POST /quickfix/{id}/beslut", func(f *authzFixture) string { return "/quickfix/" + id(f.qfApplied) + "/beslut" }, func(f *authzFixture) url.Values {
			q, _ := f.db.FindQuickfix(sqltest.System(), f.qfApplied)
			if q.Status == ortsplan.QuickfixApplied {
				return url.Values{"decision": {"komplettering"}, "reason": {"RT Hur många lådor?"}}
			}
			return url.Values{"decision": {"avslagen"}, "reason": {"RT Ingen komplettering kom."}}
		}, editorA),
		change("POST /quickfix/{id}/utbetalning", func(f *authzFixture) string { return "/quickfix/" + id(f.qfReported) + "/utbetalning" },
			func(*authzFixture) url.Values {
				return url.Values{"paid_on": {time.Now().In(i18n.Stockholm()).Format("2006-01-02")}, "paid_amount": {"4000"}}
			}, editorA),
		get("GET /admin/quickfix", fixed("/admin/quickfix"), staffActors, editorA),
		change("POST /admin/quickfix/budget", fixed("/admin/quickfix/budget"), func(f *authzFixture) url.Values {
			return url.Values{"year": {strconv.Itoa(time.Now().In(i18n.Stockholm()).Year())}, "budget_locality": {id(f.malm.ID)},
				"budget": {strconv.FormatInt(20000+time.Now().UnixNano()%1000, 10)}}
		}, adminA),

		// Staff pages: the login is asked for; the services decide.
		get("GET /konto", fixed("/konto"), staffActors, ""),
		open("POST /konto/losenord", fixed("/konto/losenord"), func(*authzFixture) url.Values {
			return url.Values{"old_password": {"inte det rätta"}, "new_password": {"ett nytt långt lösenord"}, "confirm_password": {"ett nytt långt lösenord"}}
		}, staffActors),
		// Surveys: anyone answers and reads open results; the survey's locality decides the rest.
		public("GET /enkater", fixed("/enkater?ort=malmkoping")),
		public("GET /enkater/{id}", func(f *authzFixture) string { return "/enkater/" + id(f.survey) }),
		open("POST /enkater/{id}", func(f *authzFixture) string { return "/enkater/" + id(f.survey) }, func(*authzFixture) url.Values {
			return url.Values{"q1": {"4"}}
		}, everyone),
		public("GET /enkater/{id}/resultat", func(f *authzFixture) string { return "/enkater/" + id(f.survey) + "/resultat" }),
		public("GET /enkater/{id}/resultat.csv", func(f *authzFixture) string { return "/enkater/" + id(f.survey) + "/resultat.csv" }),
		get("GET /enkater/ny", fixed("/enkater/ny"), staffActors, ""),
		change("POST /enkater/ny", fixed("/enkater/ny"), func(f *authzFixture) url.Values {
			return url.Values{"title": {"Ny enkät RT"}, "locality": {id(f.malm.ID)}, "opens": {"2026-01-01"}, "closes": {"2026-01-31"}, "rows": {"1"},
				"q1_text": {"Trivs du?"}, "q1_kind": {"scale"}}
		}, editorA),
		staffGet("GET /enkater/{id}/redigera", func(f *authzFixture) string { return "/enkater/" + id(f.survey) + "/redigera" }, editorA),
		change("POST /enkater/{id}/redigera", func(f *authzFixture) string { return "/enkater/" + id(f.survey) + "/redigera" }, func(f *authzFixture) url.Values {
			sv, _ := f.db.FindSurvey(sqltest.System(), f.survey)
			return url.Values{"title": {unique("RT Enkät ")}, "locality": {id(f.malm.ID)}, "opens": {dateOf(sv.Opens)}, "closes": {dateOf(sv.Closes)},
				"results_while_open": {"1"}, "rows": {"2"}, "q1_text": {sv.Questions[0].Text}, "q1_kind": {"scale"},
				"q2_text": {sv.Questions[1].Text}, "q2_kind": {"text"}}
		}, editorA),
		staffGet("GET /enkater/{id}/papper", func(f *authzFixture) string { return "/enkater/" + id(f.survey) + "/papper" }, editorA),
		change("POST /enkater/{id}/papper", func(f *authzFixture) string { return "/enkater/" + id(f.survey) + "/papper" }, func(*authzFixture) url.Values {
			return url.Values{"q1": {"2"}}
		}, editorA),
		change("POST /enkater/{id}/fritext/{text}", func(f *authzFixture) string { return "/enkater/" + id(f.survey) + "/fritext/" + id(f.surveyText) },
			func(f *authzFixture) url.Values {
				var review string
				f.db.SQL().QueryRow("SELECT review FROM survey_answers WHERE id = $1", f.surveyText).Scan(&review)
				if review == "approved" {
					return url.Values{"review": {"hidden"}}
				}
				return url.Values{"review": {"approved"}}
			}, editorA),
		change("POST /orter/{slug}/vi-kansla", malm("/vi-kansla"), func(*authzFixture) url.Values { return url.Values{} }, editorA),
		staffGet("GET /orter/ny", fixed("/orter/ny"), adminA),
		change("POST /orter", fixed("/orter"), func(*authzFixture) url.Values {
			return url.Values{"name": {"Ny ort"}, "slug": {unique("ny-ort-")}, "phase": {"mobiliserande"}, "since": {"2026-11-01"}}
		}, adminA),
		staffGet("GET /orter/{slug}/redigera", malm("/redigera"), editorA),
		change("POST /orter/{slug}/redigera", malm("/redigera"), func(f *authzFixture) url.Values {
			l := f.locality()
			return url.Values{"name": {l.Name}, "description": {l.Description + " Mer."}, "version": {fmt.Sprint(l.Version)}}
		}, editorA),
		change("POST /orter/{slug}/fas", malm("/fas"), func(*authzFixture) url.Values {
			return url.Values{"phase": {"genomforande"}, "on": {time.Now().Format("2006-01-02")}, "note": {"RT"}}
		}, editorA),
		{pattern: "POST /orter/{slug}/bild", path: malm("/bild"), file: "image_file", control: editorA, form: func(*authzFixture) url.Values {
			return url.Values{"image_alt": {"Torget en sommardag"}, "filename": {"torget.png"}}
		}},
		staffGet("GET /orter/{slug}/vision/redigera", malm("/vision/redigera"), editorA),
		change("POST /orter/{slug}/vision/redigera", malm("/vision/redigera"), func(f *authzFixture) url.Values {
			v, err := f.db.FindVision(sqltest.System(), f.malm.ID)
			if err != nil {
				v = &ortsplan.Vision{Status: ortsplan.StatusDraft}
			}
			return url.Values{"title": {"Malmköping 2040 " + unique("")}, "body": {v.Body}, "status": {string(v.Status)}, "version": {fmt.Sprint(v.Version)},
				"decision_date": {dateOf(v.Decision.On)}, "decision_body": {v.Decision.Body}, "decision_reference": {v.Decision.Reference}}
		}, editorA),
		staffGet("GET /orter/{slug}/handlingsplan/redigera", malm("/handlingsplan/redigera"), editorA),
		staffGet("GET /orter/{slug}/arkiv", malm("/arkiv"), editorA),
		change("POST /orter/{slug}/handlingsplan/redigera", malm("/handlingsplan/redigera"), func(f *authzFixture) url.Values {
			p, _ := f.db.FindPlan(sqltest.System(), f.malm.ID)
			return url.Values{"status": {string(p.Status)}, "version": {fmt.Sprint(p.Version)}, "next_review": {time.Now().AddDate(1, 0, 0).Add(time.Duration(p.Version) * 24 * time.Hour).Format("2006-01-02")},
				"decision_date": {dateOf(p.Decision.On)}, "decision_body": {p.Decision.Body}, "decision_reference": {p.Decision.Reference}}
		}, editorA),
		change("POST /orter/{slug}/teman", malm("/teman"), func(*authzFixture) url.Values { return url.Values{"theme_title": {"Nytt tema RT"}} }, editorA),
		staffGet("GET /orter/{slug}/teman/{id}", func(f *authzFixture) string { return "/orter/malmkoping/teman/" + id(f.theme) }, editorA),
		change("POST /orter/{slug}/teman/{id}", func(f *authzFixture) string { return "/orter/flen/teman/" + id(f.theme) }, func(f *authzFixture) url.Values {
			p, _ := f.db.FindPlan(sqltest.System(), f.malm.ID)
			for _, t := range p.Themes {
				if t.ID == f.theme {
					return url.Values{"title": {t.Title + "!"}, "description": {t.Description}, "version": {fmt.Sprint(t.Version)}}
				}
			}
			return nil
		}, editorA),
		change("POST /orter/{slug}/teman/{id}/flytta", func(f *authzFixture) string { return "/orter/flen/teman/" + id(f.theme) + "/flytta" }, func(f *authzFixture) url.Values {
			p, _ := f.db.FindPlan(sqltest.System(), f.malm.ID)
			if p.Themes[0].ID == f.theme {
				return url.Values{"riktning": {"ner"}}
			}
			return url.Values{"riktning": {"upp"}}
		}, editorA),
		change("POST /orter/{slug}/teman/{id}/arkivera", func(f *authzFixture) string { return "/orter/flen/teman/" + id(f.archTheme) + "/arkivera" },
			func(*authzFixture) url.Values { return url.Values{"archive_reason": {"Ingår i RT Torget"}} }, editorA),
		staffGet("GET /orter/{slug}/atgarder/ny", malm("/atgarder/ny"), editorA),
		change("POST /orter/{slug}/atgarder", fixed("/orter/flen/atgarder"), func(f *authzFixture) url.Values {
			return url.Values{"title": {"Ny åtgärd RT"}, "status": {"ej_paborjad"}, "theme": {id(f.theme)}, "version": {"0"}, "progress": {"0"}}
		}, editorA),
		staffGet("GET /orter/{slug}/atgarder/{id}", func(f *authzFixture) string { return "/orter/malmkoping/atgarder/" + id(f.action) }, editorA),
		change("POST /orter/{slug}/atgarder/{id}", func(f *authzFixture) string { return "/orter/flen/atgarder/" + id(f.action) }, func(f *authzFixture) url.Values {
			a := f.planAction(f.action)
			return url.Values{"title": {a.Title}, "status": {string(a.Status)}, "theme": {id(a.ThemeID)}, "version": {fmt.Sprint(a.Version)},
				"progress": {fmt.Sprint(a.Progress + 1)}, "priority": {string(a.Priority)}}
		}, editorA),
		change("POST /orter/{slug}/atgarder/{id}/flytta", func(f *authzFixture) string { return "/orter/flen/atgarder/" + id(f.action) + "/flytta" }, func(f *authzFixture) url.Values {
			p, _ := f.db.FindPlan(sqltest.System(), f.malm.ID)
			for _, t := range p.Themes {
				if t.ID == f.theme && t.Actions[0].ID == f.action {
					return url.Values{"riktning": {"ner"}}
				}
			}
			return url.Values{"riktning": {"upp"}}
		}, editorA),
		change("POST /orter/{slug}/atgarder/{id}/uppdateringar", func(f *authzFixture) string {
			return "/orter/flen/atgarder/" + id(f.action) + "/uppdateringar"
		}, func(*authzFixture) url.Values {
			return url.Values{"update_text": {"Beställt RT"}, "update_on": {time.Now().Format("2006-01-02")}}
		}, editorA),
		change("POST /orter/{slug}/atgarder/{id}/arkivera", func(f *authzFixture) string { return "/orter/flen/atgarder/" + id(f.archAction) + "/arkivera" },
			func(*authzFixture) url.Values { return url.Values{"archive_reason": {"Dubblett av RT Bänkar"}} }, editorA),
		staffGet("GET /orter/{slug}/moten/nytt", malm("/moten/nytt"), editorA),
		change("POST /orter/{slug}/moten", malm("/moten"), func(*authzFixture) url.Values {
			return url.Values{"title": {"Nytt möte RT"}, "kind": {"stormote"}, "state": {"planerat"}, "date": {time.Now().AddDate(0, 2, 0).Format("2006-01-02")},
				"start_time": {"18:00"}, "end_time": {"20:00"}, "version": {"0"}}
		}, editorA),
		staffGet("GET /moten/{id}/redigera", func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/redigera" }, editorA),
		change("POST /moten/{id}/redigera", func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/redigera" }, func(f *authzFixture) url.Values {
			m, _ := f.db.FindMeeting(sqltest.System(), f.meeting)
			sthlm, _ := time.LoadLocation("Europe/Stockholm")
			return url.Values{"title": {m.Title + "!"}, "kind": {string(m.Kind)}, "state": {string(m.State)}, "date": {m.Start.In(sthlm).Format("2006-01-02")},
				"start_time": {m.Start.In(sthlm).Format("15:04")}, "end_time": {m.End.In(sthlm).Format("15:04")}, "place_name": {m.PlaceName},
				"registration": {"1"}, "capacity": {fmt.Sprint(m.Capacity)}, "version": {fmt.Sprint(m.Version)}}
		}, editorA),
		change("POST /moten/{id}/arkivera", func(f *authzFixture) string { return "/moten/" + id(f.archMeeting) + "/arkivera" },
			func(*authzFixture) url.Values { return url.Values{"archive_reason": {"Lades in av misstag RT"}} }, editorA),
		change("POST /moten/{id}/filer/{file}", func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/filer/" + id(f.file) },
			func(f *authzFixture) url.Values {
				return url.Values{"file" + id(f.file) + "-title": {unique("RT Dagordning ")}}
			}, editorA),
		change("POST /moten/{id}/filer/{file}/arkivera", func(f *authzFixture) string {
			return "/moten/" + id(f.meeting) + "/filer/" + id(f.archFile) + "/arkivera"
		},
			func(f *authzFixture) url.Values {
				return url.Values{"file" + id(f.archFile) + "-archive_reason": {"Fel dokument RT"}}
			}, editorA),
		{pattern: "POST /moten/{id}/filer", path: func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/filer" }, file: "upload_file",
			control: editorA, form: func(*authzFixture) url.Values {
				return url.Values{"upload_title": {"Protokoll RT"}, "filename": {"protokoll.pdf"}}
			}},
		staffGet("GET /orter/{slug}/arbetsgrupper/ny", malm("/arbetsgrupper/ny"), editorA),
		change("POST /orter/{slug}/arbetsgrupper", malm("/arbetsgrupper"), func(*authzFixture) url.Values {
			return url.Values{"name": {"Ny grupp RT"}, "slug": {unique("grupp-")}, "kind": {"arbetsgrupp"}, "contact": {"0"}}
		}, editorA),
		staffGet("GET /orter/{slug}/arbetsgrupper/{group}/redigera", malm("/arbetsgrupper/rt-grupp/redigera"), editorA),
		change("POST /orter/{slug}/arbetsgrupper/{group}/redigera", malm("/arbetsgrupper/rt-grupp/redigera"), func(f *authzFixture) url.Values {
			g, _ := f.db.FindGroup(sqltest.System(), f.malm.ID, f.group)
			return url.Values{"name": {g.Name + "!"}, "kind": {string(g.Kind)}, "theme": {g.Theme}, "description": {g.Description}, "contact": {"0"},
				"open": {"1"}, "version": {fmt.Sprint(g.Version)}}
		}, editorA),
		change("POST /orter/{slug}/arbetsgrupper/{group}/medlemmar", malm("/arbetsgrupper/rt-grupp/medlemmar"), func(*authzFixture) url.Values {
			return url.Values{"member_name": {"Ny medlem RT"}}
		}, editorA),
		change("POST /orter/{slug}/arbetsgrupper/{group}/organisationer", malm("/arbetsgrupper/rt-grupp/organisationer"), func(*authzFixture) url.Values {
			return url.Values{"org_name": {unique("Förening ")}, "org_kind": {"forening"}}
		}, editorA),
		// Facts, the history text and the SWOT: the path's locality for a new
		// row, the row's own for a change (Flen in the path, Malmköping's row).
		staffGet("GET /orter/{slug}/fakta/redigera", malm("/fakta/redigera"), editorA),
		change("POST /orter/{slug}/fakta", malm("/fakta"), func(*authzFixture) url.Values {
			return url.Values{"measure": {"hushall"}, "year": {"2020"}, "value": {fmt.Sprint(time.Now().UnixNano() % 100000)}, "source": {"RT SCB"}}
		}, editorA),
		change("POST /orter/{slug}/fakta/{id}/ta-bort", func(f *authzFixture) string { return "/orter/flen/fakta/" + id(f.fact) + "/ta-bort" },
			func(*authzFixture) url.Values { return url.Values{} }, editorA),
		{pattern: "POST /orter/{slug}/fakta/import", path: malm("/fakta/import"), file: "csv_file", control: editorA, form: func(*authzFixture) url.Values {
			return url.Values{"import_measure": {"aldersgrupp"}, "import_source": {"RT SCB"}, "filename": {"folkmangd.csv"},
				"csvdata": {"\"region\";\"ålder\";\"Folkmängd 2020\"\n\"Malmköping\";\"0-19 år\";" + fmt.Sprint(time.Now().UnixNano()%100000) + "\n"}}
		}},
		staffGet("GET /orter/{slug}/historia/redigera", malm("/historia/redigera"), editorA),
		change("POST /orter/{slug}/historia/redigera", malm("/historia/redigera"), func(f *authzFixture) url.Values {
			h, _ := f.db.FindHistory(sqltest.System(), f.malm.ID)
			return url.Values{"body": {unique("RT Malmköping blev köping 1785. ")}, "version": {fmt.Sprint(h.Version)}}
		}, editorA),
		staffGet("GET /orter/{slug}/swot/redigera", malm("/swot/redigera"), editorA),
		change("POST /orter/{slug}/swot", malm("/swot"), func(*authzFixture) url.Values {
			return url.Values{"kind": {"mojlighet"}, "text": {unique("RT Turism ")}, "source": {"RT Stormöte"}}
		}, editorA),
		staffGet("GET /orter/{slug}/swot/{id}", func(f *authzFixture) string { return "/orter/malmkoping/swot/" + id(f.swot) }, editorA),
		change("POST /orter/{slug}/swot/{id}", func(f *authzFixture) string { return "/orter/flen/swot/" + id(f.swot) }, func(f *authzFixture) url.Values {
			return url.Values{"kind": {"styrka"}, "text": {unique("RT Torget ")}, "meeting": {id(f.meeting)}}
		}, editorA),
		change("POST /orter/{slug}/swot/{id}/ta-bort", func(f *authzFixture) string { return "/orter/flen/swot/" + id(f.swotGone) + "/ta-bort" },
			func(*authzFixture) url.Values { return url.Values{} }, editorA),

		// Messages to a group's members, a meeting's registrants, the followers.
		staffGet("GET /orter/{slug}/handlingsplan/revideringar/ny", malm("/handlingsplan/revideringar/ny"), editorA),
		change("POST /orter/{slug}/handlingsplan/revideringar", malm("/handlingsplan/revideringar"), func(f *authzFixture) url.Values {
			es, _ := f.db.Editions(sqltest.System(), f.malm.ID)
			year := es[len(es)-1].Year + 1
			return url.Values{"year": {fmt.Sprint(year)}, "decision_date": {fmt.Sprintf("%d-12-01", year)}, "decision_body": {"Kommunstyrelsen"}}
		}, editorA),
		staffGet("GET /orter/{slug}/arenden/nytt", malm("/arenden/nytt"), editorA),
		change("POST /orter/{slug}/arenden", malm("/arenden"), func(*authzFixture) url.Values {
			return url.Values{"title": {unique("RT Nytt ärende ")}, "recipient": {"Trafikverket"}, "sent_on": {"2025-06-01"}, "status": {"skickat"}}
		}, editorA),
		staffGet("GET /arenden/{id}/redigera", func(f *authzFixture) string { return "/arenden/" + id(f.matter) + "/redigera" }, editorA),
		change("POST /arenden/{id}/redigera", func(f *authzFixture) string { return "/arenden/" + id(f.matter) + "/redigera" }, func(f *authzFixture) url.Values {
			m, _ := f.db.FindMatter(sqltest.System(), f.matter)
			return url.Values{"title": {unique("RT Busskur ")}, "recipient": {m.Recipient}, "sent_on": {dateOf(m.SentOn)}, "status": {string(m.Status)},
				"version": {fmt.Sprint(m.Version)}}
		}, editorA),
		change("POST /arenden/{id}/publicera", func(f *authzFixture) string { return "/arenden/" + id(f.pubMatter) + "/publicera" },
			func(*authzFixture) url.Values { return url.Values{} }, editorA),
		staffGet("GET /orter/{slug}/meddelanden", malm("/meddelanden"), editorA),
		staffGet("GET /orter/{slug}/meddelanden/nytt", malm("/meddelanden/nytt?grupp=rt-grupp"), editorA),
		change("POST /orter/{slug}/meddelanden", malm("/meddelanden"), func(*authzFixture) url.Values {
			return url.Values{"group": {"rt-grupp"}, "subject": {"RT Hej gruppen"}, "body": {"RT Vi ses"}, "nonce": {unique("rt-nonce-")}, "step": {"send"}}
		}, editorA),

		// What waits for staff: lists of their own localities, details of others' refused.
		get("GET /admin", fixed("/admin"), staffActors, editorA),
		get("GET /admin/ideer", fixed("/admin/ideer?ort=malmkoping"), staffActors, editorA),
		get("GET /admin/forsenade", fixed("/admin/forsenade"), staffActors, editorA),
		get("GET /admin/arenden", fixed("/admin/arenden"), staffActors, editorA),
		get("GET /admin/moten", fixed("/admin/moten?visa=kommande"), staffActors, editorA),
		get("GET /admin/anmalningar", fixed("/admin/anmalningar"), staffActors, editorA),
		get("GET /admin/anmalningar.csv", fixed("/admin/anmalningar.csv"), staffActors, editorA),
		staffGet("GET /moten/{id}/anmalningar.csv", func(f *authzFixture) string { return "/moten/" + id(f.meeting) + "/anmalningar.csv" }, editorA),
		staffGet("GET /admin/anmalningar/{id}", func(f *authzFixture) string { return "/admin/anmalningar/" + id(f.signUp) }, editorA),
		change("POST /admin/anmalningar/{id}", func(f *authzFixture) string { return "/admin/anmalningar/" + id(f.signUp) }, func(f *authzFixture) url.Values {
			su, _ := f.db.FindSignUp(sqltest.System(), f.signUp)
			st := "kontaktad"
			if string(su.Status) == st {
				st = "ny"
			}
			return url.Values{"status": {st}, "notes": {"Ringt RT"}, "handler": {"0"}, "group": {"0"}}
		}, editorA),
		get("GET /admin/anmalt-innehall", fixed("/admin/anmalt-innehall"), staffActors, editorA),
		staffGet("GET /admin/anvandare", fixed("/admin/anvandare"), adminA),
		staffGet("GET /admin/logg", fixed("/admin/logg"), adminA),
		change("POST /admin/anvandare", fixed("/admin/anvandare"), func(*authzFixture) url.Values {
			return url.Values{"email": {unique("ny-anstalld") + "@example.se"}, "name": {"Ny Anställd"}, "role": {"official"}, "localities": {"malmkoping"}}
		}, adminA),
		staffGet("GET /admin/anvandare/{id}", func(f *authzFixture) string { return "/admin/anvandare/" + id(f.targetUser) }, adminA),
		change("POST /admin/anvandare/{id}", func(f *authzFixture) string { return "/admin/anvandare/" + id(f.targetUser) }, func(f *authzFixture) url.Values {
			return url.Values{"role": {"official"}, "department": {unique("Förvaltning ")}, "localities": {"malmkoping"}}
		}, adminA),
		change("POST /admin/anvandare/{id}/inbjudan", func(f *authzFixture) string { return "/admin/anvandare/" + id(f.invitedUser) + "/inbjudan" },
			func(*authzFixture) url.Values { return url.Values{} }, adminA),
		change("POST /admin/anvandare/{id}/losenord", func(f *authzFixture) string { return "/admin/anvandare/" + id(f.targetUser) + "/losenord" },
			func(*authzFixture) url.Values { return url.Values{} }, adminA),
		change("POST /admin/anvandare/{id}/aktiv", func(f *authzFixture) string { return "/admin/anvandare/" + id(f.targetUser) + "/aktiv" }, func(f *authzFixture) url.Values {
			u, _ := f.db.FindUserByID(sqltest.System(), f.targetUser)
			if u.Active {
				return url.Values{"active": {"0"}}
			}
			return url.Values{"active": {"1"}}
		}, adminA),
		staffGet("GET /admin/utkorg", fixed("/admin/utkorg"), adminA),
		staffGet("GET /admin/utkorg/{id}", func(f *authzFixture) string { return "/admin/utkorg/" + id(f.message) }, adminA),
		change("POST /admin/utkorg/{id}/forsok-igen", func(f *authzFixture) string { return "/admin/utkorg/" + id(f.failedMessage) + "/forsok-igen" },
			func(*authzFixture) url.Values { return url.Values{} }, adminA),
	}
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// send makes a row's request as one browser.
func (row authzRow) send(b *browser, f *authzFixture) *response {
	path := row.path(f)
	if row.form == nil {
		return b.get(path)
	}
	form := row.form(f)
	if row.file == "" {
		return b.post(path, form)
	}
	fields := map[string]string{}
	for k := range form {
		if k != "filename" && k != "csvdata" {
			fields[k] = form.Get(k)
		}
	}
	data := f.pngBytes
	switch {
	case strings.HasSuffix(form.Get("filename"), ".pdf"):
		data = f.pdfBytes
	case strings.HasSuffix(form.Get("filename"), ".csv"):
		data = []byte(form.Get("csvdata"))
	}
	return b.uploadAs(path, row.file, fields, form.Get("filename"), data)
}

func TestRouteTableAuthorization(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		f := newAuthzFixture(t, s)
		rows := authzRows()

		// Route rule: every registered route has a row, and every row reaches the route it names.
		mux := http.NewServeMux()
		patterns := s.web.Patterns()
		covered := map[string]bool{}
		for _, p := range patterns {
			mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
		}
		for _, row := range rows {
			method := http.MethodGet
			if row.form != nil {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, "http://x"+row.path(f), nil)
			if _, p := mux.Handler(req); p != row.pattern {
				t.Errorf("the row for %s requests %s %s, which reaches %q", row.pattern, method, row.path(f), p)
			}
			covered[row.pattern] = true
		}
		for _, p := range patterns {
			if !covered[p] {
				t.Errorf("route %s has no row in the route-table authorization test", p)
			}
		}
		if t.Failed() {
			return
		}

		// The actors.
		browsers := map[string]*browser{anonymous: s.browser()}
		browsers[residentA] = residentBrowser(t, s, "rt-bo@example.se", "Bo RT")
		login := func(name, email string, role ortsplan.Role, locs ...string) {
			s.user(email, role, locs...)
			b := s.browser()
			b.login(email, testPassword)
			browsers[name] = b
		}
		login(deactivated, "rt-slutat@example.se", ortsplan.RoleOfficial, "malmkoping")
		login(officialA, "rt-flen@example.se", ortsplan.RoleOfficial, "flen")
		login(leaderA, "rt-ledare@example.se", ortsplan.RoleGroupLeader, "flen")
		login(editorA, "rt-malmkoping@example.se", ortsplan.RoleOfficial, "malmkoping")
		login(adminA, "rt-admin@example.se", ortsplan.RoleAdmin)
		gone, _ := db.FindUserByEmail(sqltest.System(), "rt-slutat@example.se")
		if err := db.SetUserActive(sqltest.System(), gone.ID, false); err != nil {
			t.Fatal(err)
		}

		sort.SliceStable(rows, func(i, j int) bool { return !rows[i].last && rows[j].last })
		for _, row := range rows {
			name := row.pattern + " " + row.path(f)
			allowed := map[string]bool{}
			for _, a := range row.allow {
				allowed[a] = true
			}
			before := sqltest.Digest(t, db)
			var refusedBy []string
			for _, actor := range refusedActors {
				if allowed[actor] {
					continue
				}
				refusedBy = append(refusedBy, actor)
				r := row.send(browsers[actor], f)
				if !refused(r, row.form == nil) {
					t.Errorf("%s as %s: status %d %s, want a refusal", name, actor, r.StatusCode, r.Header.Get("Location"))
				}
				noSecrets(t, name, actor, r)
			}
			if ch := sqltest.Changed(before, sqltest.Digest(t, db)); len(ch) > 0 {
				t.Errorf("%s refused for %v, but the database changed: %v", name, refusedBy, ch)
			}
			for _, actor := range refusedActors {
				if !allowed[actor] {
					continue
				}
				r := row.send(browsers[actor], f)
				if r.StatusCode >= 500 {
					t.Errorf("%s as %s: status %d", name, actor, r.StatusCode)
				}
				noSecrets(t, name, actor, r)
			}
			if row.control == "" {
				continue
			}
			before = sqltest.Digest(t, db)
			r := row.send(browsers[row.control], f)
			if row.form == nil {
				if r.StatusCode != http.StatusOK {
					t.Errorf("%s as %s (who may): status %d", name, row.control, r.StatusCode)
				}
				continue
			}
			if r.StatusCode != http.StatusSeeOther {
				t.Errorf("%s as %s (who may): status %d, want 303; %s", name, row.control, r.StatusCode, text(r, ".error-summary"))
			} else if len(sqltest.Changed(before, sqltest.Digest(t, db))) == 0 {
				t.Errorf("%s as %s (who may) changed nothing: the row proves nothing", name, row.control)
			}
		}
		// The moderation hole stays shut: Malmköping's idea and comment are shown.
		if i, _ := db.FindIdea(sqltest.System(), f.idea); i.Hidden() {
			t.Error("Malmköping's idea is hidden")
		}
		csPage, _ := db.Comments(sqltest.System(), f.idea, 1)
		cs := csPage.Comments
		shown := false
		for _, c := range cs {
			shown = shown || c.ID == f.comment && !c.Hidden()
		}
		if !shown {
			t.Error("Malmköping's comment is hidden")
		}
	})
}

// refused reports whether a response refuses the request: 401, 403 or
// 404, or for a GET a redirect to the staff login form.
func refused(r *response, isGet bool) bool {
	switch r.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusSeeOther:
		return isGet && strings.HasPrefix(r.Header.Get("Location"), "/logga-in?")
	}
	return false
}

func noSecrets(t *testing.T, name, actor string, r *response) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.Body, s) {
			t.Errorf("%s as %s shows Malmköping's personal data %q", name, actor, s)
		}
	}
}
