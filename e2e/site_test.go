package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// site is a running Ortsplan with the demo data, two known staff logins and
// the meeting data that the tests add.
type site struct {
	URL      string
	Admin    login // the demo administrator
	Official login // an official, who may not manage users
	// In Sparreholm: a working group, an upcoming meeting with registration,
	// a held meeting with a published report, a confirmed registration's
	// token (its cancel link) and the token of one not confirmed yet.
	GroupSlug         string
	MeetingID, HeldID int64
	// SurveyID is the demo's open survey (Malmköping), ViKanslaID Hälleforsnäs's vi-känsla survey of 2025.
	SurveyID, ViKanslaID     int64
	FileID                   int64 // a document of the upcoming meeting
	RegistrationCancelToken  string
	RegistrationConfirmToken string
	// PasswordResetToken is an unspent link for the official to choose a new password.
	PasswordResetToken string
	// InvitationToken is the unspent link of an invited account, whose id is InvitedID.
	InvitationToken string
	InvitedID       int64
	// QuickfixAmendID and QuickfixReportID are the resident's quickfix
	// applications in Sparreholm: one asked for more, one granted.
	QuickfixAmendID, QuickfixReportID int64
	// db is the site's database, for checks that read what the site stored.
	db *sqlstore.DB
	// residentTokens are one-time login links of a resident, one per login.
	residentTokens []string
	tokenMu        sync.Mutex
}

// nextResidentToken hands out an unused one-time login token.
func (s *site) nextResidentToken(t testing.TB) string {
	s.tokenMu.Lock()
	defer s.tokenMu.Unlock()
	if len(s.residentTokens) == 0 {
		t.Fatal("no resident login tokens left; make more in addMeetings")
	}
	tok := s.residentTokens[0]
	s.residentTokens = s.residentTokens[1:]
	return tok
}

type login struct{ Email, Password string }

// officialLogin is the non-admin account that the tests create.
var officialLogin = login{Email: "tjansteperson.e2e@ortsplan.example", Password: "e2e-officiell-losenord"}

// TestSite starts the site once, since loading the demo takes a while (its
// photos are encoded in three sizes), and runs the browser and HTML checks on
// it. Each check starts its own browser. None of them changes the site's
// data, and together they log in 7 times, below the login limit of 10 a
// minute from one address.
func TestSite(t *testing.T) {
	s := startSite(t)
	t.Run("Accessibility", func(t *testing.T) { testAccessibility(t, s) })
	t.Run("Keyboard", func(t *testing.T) { testKeyboard(t, s) })
	t.Run("HTMLValid", func(t *testing.T) { testHTMLValid(t, s) })
}

// startSite serves the real web layer from a fresh, migrated SQLite database
// loaded with the Flen demo. It stops at the end of the test.
// testLogo stands in for a municipality's logo: a shield drawn for the tests.
const testLogo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 48"><path d="M2 2h36v22c0 12-9 19-18 22C11 43 2 36 2 24z" fill="#005a9c"/><path d="M8 26l8-10 6 7 4-4 6 7z" fill="#fff"/></svg>`

func startSite(t *testing.T) *site {
	t.Helper()
	return startSiteWith(t, nil)
}

// startSiteWith is startSite with the web configuration changed by
// configure (nil for none), which sees the site's address in BaseURL.
func startSiteWith(t *testing.T, configure func(*web.Config)) *site {
	t.Helper()
	ctx, cancel := context.WithTimeout(sqltest.System(), 3*time.Minute)
	defer cancel()
	db := sqltest.Open(t, sqlstore.SQLite)
	// The server must exist before the handler, because the base URL is its address.
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	// E-mails are written as serve writes them, so the outbox pages show real ones.
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: srv.URL, Org: "Flens kommun"}
	db.PublicURL = srv.URL
	files := mustStorage(t)
	res, err := demo.Load(ctx, db, files)
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	if _, err := db.CreateUser(ctx, ortsplan.NewUser{
		Email: officialLogin.Email, Name: "Tova Tjänsteperson", Role: ortsplan.RoleOfficial,
		Department: "Samhällsbyggnadsförvaltningen", Localities: []string{"sparreholm"},
		Password: officialLogin.Password,
	}); err != nil {
		t.Fatalf("create official: %v", err)
	}
	// A message in the outbox, for the admin's outbox pages.
	if err := db.EnqueueMessage(ctx, &ortsplan.Message{To: "deltagare@ortsplan.example", ToName: "Test Testsson",
		Subject: "Välkommen till stormötet", Text: "Hej!\n\nDu är anmäld till stormötet i Sparreholm.", Lang: "sv"}); err != nil {
		t.Fatalf("enqueue message: %v", err)
	}

	st := &site{Admin: login{res.AdminEmail, res.AdminPassword}, Official: officialLogin}
	addMeetings(ctx, t, db, st)
	if err := db.SQL().QueryRow("SELECT MAX(id) FROM surveys WHERE template = ''").Scan(&st.SurveyID); err != nil {
		t.Fatalf("the demo's open survey: %v", err)
	}
	if err := db.SQL().QueryRow("SELECT MAX(id) FROM surveys WHERE template = 'vikansla'").Scan(&st.ViKanslaID); err != nil {
		t.Fatalf("the demo's vi-känsla survey: %v", err)
	}

	home, homeAlt := demo.HomePicture()
	cfg := web.Config{
		BaseURL:      srv.URL,
		ContactEmail: "ortsutveckling@ortsplan.example",
		ContactPhone: "0157-00 00 00",
		Storage:      files,
		// The look a municipality configures: its colour, a logo, a picture.
		Brand: web.Brand{Accent: "#005a9c", Logo: []byte(testLogo), HomePicture: home, HomePictureAlt: homeAlt},
		// Warnings and errors show in the output of a failed test.
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if configure != nil {
		configure(&cfg)
	}
	h, err := web.New(web.Services{Users: db, Residents: db, Localities: db, Plans: db, Meetings: db, Files: db, SignUps: db, Ideas: db, Follows: db,
		PersonalData: db, Search: db, OpenData: db, Outbox: db, Effects: db, Work: db, Exports: db, Surveys: db, Quickfixes: db, Editions: db, Matters: db, Facts: db, Ping: db.Ping, PageVersion: db.PageVersion}, cfg)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	handler = h
	st.URL, st.db = srv.URL, db
	return st
}

// addMeetings gives Sparreholm a working group with a member, an upcoming
// stormöte with registration and two registrations (one confirmed, one not
// yet), and a held meeting with a
// published report, so that every meeting page has something to show.
func addMeetings(ctx context.Context, t *testing.T, db *sqlstore.DB, st *site) {
	t.Helper()
	l, err := db.FindLocality(ctx, "sparreholm")
	if err != nil {
		t.Fatalf("find Sparreholm: %v", err)
	}
	g := &ortsplan.Group{LocalityID: l.ID, Slug: "e2e-trafik", Name: "Trafik och säkra vägar", Kind: ortsplan.GroupWorking,
		Theme: "Trafik", Description: "Gruppen arbetar för **säkrare** skolvägar och bättre busstider.", Open: true}
	if err := db.SaveGroup(ctx, g); err != nil {
		t.Fatalf("save group: %v", err)
	}
	if err := db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: g.ID, Name: "Karin Berg",
		Email: "karin.berg@ortsplan.example", ShowName: true}); err != nil {
		t.Fatalf("add group member: %v", err)
	}
	start := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(24 * time.Hour).Add(16 * time.Hour)
	m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om handlingsplanen",
		Start: start, End: start.Add(2 * time.Hour), PlaceName: "Sparreholms bygdegård", PlaceAddress: "Bygdegårdsvägen 1, Sparreholm",
		Accessibility: "Entré utan trappsteg och hörslinga.", Agenda: "1. Välkommen\n2. Handlingsplanen\n3. Fika",
		State: ortsplan.MeetingPlanned, Registration: true, Capacity: 40}
	if err := db.SaveMeeting(ctx, m); err != nil {
		t.Fatalf("save meeting: %v", err)
	}
	held := &ortsplan.Meeting{LocalityID: l.ID, GroupID: g.ID, Kind: ortsplan.MeetingGroup, Title: "Arbetsgruppsmöte om skolvägen",
		Start: start.Add(-60 * 24 * time.Hour), End: start.Add(-60*24*time.Hour + 90*time.Minute), PlaceName: "Skolan",
		State: ortsplan.MeetingHeld, Report: "Gruppen gick skolvägen och skrev ner **fem** platser att åtgärda.",
		ReportPublished: time.Now().UTC().Add(-50 * 24 * time.Hour), Participants: 9}
	if err := db.SaveMeeting(ctx, held); err != nil {
		t.Fatalf("save held meeting: %v", err)
	}
	reg := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m.ID, Name: "Test Testsson", Email: "deltagare@ortsplan.example",
		People: 2, Needs: "Glutenfritt", Lang: "sv"})
	pending := &ortsplan.Registration{MeetingID: m.ID, Name: "Vera Väntar", Email: "obekraftad@ortsplan.example", People: 1, Lang: "sv"}
	if err := db.Register(ctx, pending, ortsplan.DefaultRegistrationRule); err != nil {
		t.Fatalf("register: %v", err)
	}
	st.GroupSlug, st.MeetingID, st.HeldID = g.Slug, m.ID, held.ID
	// A document of the upcoming meeting, for the staff's file forms.
	doc := &ortsplan.MeetingFile{MeetingID: m.ID, Kind: ortsplan.FileDocument, Title: "Protokoll från skolvägen",
		Variants: []ortsplan.FileVariant{{Name: "file", Key: "e2e-protokoll.pdf", ContentType: "application/pdf", Size: 1200}}}
	if err := db.AddMeetingFile(ctx, doc); err != nil {
		t.Fatalf("add document: %v", err)
	}
	st.FileID = doc.ID
	// An action archived with a reason, for the history's archive entries.
	p, err := db.FindPlan(ctx, l.ID)
	if err != nil || len(p.Themes) == 0 {
		t.Fatalf("Sparreholm's plan: %v", err)
	}
	gone := &ortsplan.Action{ThemeID: p.Themes[0].ID, Title: "Gammal åtgärd som lades in två gånger", Status: ortsplan.ActionNotStarted}
	if err := db.SaveAction(ctx, gone); err != nil {
		t.Fatalf("save action: %v", err)
	}
	if err := db.ArchiveAction(ctx, gone.ID, "Dubblett av en annan åtgärd i samma fokusområde"); err != nil {
		t.Fatalf("archive action: %v", err)
	}
	st.RegistrationCancelToken, st.RegistrationConfirmToken = reg.Token, pending.Token
	// A resident's idea with a comment and a reply, for the idea pages.
	if err := db.RequestLogin(ctx, ortsplan.LoginRequest{Email: "ortsbo@ortsplan.example", Name: "Olle Ortsbo", LocalityID: l.ID, Lang: "sv"}); err != nil {
		t.Fatalf("request login: %v", err)
	}
	msgs, err := db.ListMessages(ctx, 1)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("login mail: %v", err)
	}
	tok := regexp.MustCompile(`/inloggning/([A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Text)
	if tok == nil {
		t.Fatalf("no login link in %q", msgs[0].Text)
	}
	_, res, err := db.Login(ctx, tok[1])
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	idea := &ortsplan.Idea{LocalityID: l.ID, ResidentID: res.ID, Title: "Fler bänkar längs Hälleren", Body: "Äldre behöver kunna vila på promenaden."}
	if err := db.CreateIdea(sqltest.AsResident(ctx, idea.ResidentID), idea); err != nil {
		t.Fatalf("idea: %v", err)
	}
	c := &ortsplan.Comment{IdeaID: idea.ID, ResidentID: res.ID, Body: "Gärna med ryggstöd."}
	if err := db.AddComment(sqltest.AsResident(ctx, c.ResidentID), c); err != nil {
		t.Fatalf("comment: %v", err)
	}
	if err := db.AddComment(sqltest.AsResident(ctx, res.ID), &ortsplan.Comment{IdeaID: idea.ID, ParentID: c.ID, Body: "Och armstöd."}); err != nil {
		t.Fatalf("reply: %v", err)
	}
	// The resident's quickfixes: one staff asked more of, one granted and waiting for the report.
	for i, title := range []string{"Blomlådor vid stationen", "Bänk vid Spårvägen"} {
		q := &ortsplan.Quickfix{LocalityID: l.ID, Kind: ortsplan.ApplicantResident, Title: title, Place: "Sparreholms station",
			Description: "Fyra lådor med sommarblommor.", Cost: 2400, OwnEffort: "Jag planterar och vattnar hela sommaren."}
		if err := db.ApplyQuickfix(sqltest.AsResident(ctx, res.ID), q); err != nil {
			t.Fatalf("quickfix: %v", err)
		}
		d := ortsplan.QuickfixDecision{QuickfixID: q.ID, Status: ortsplan.QuickfixSupplement, Reason: "Vilka blommor tänker du dig?"}
		if i == 1 {
			d = ortsplan.QuickfixDecision{QuickfixID: q.ID, Status: ortsplan.QuickfixGranted, Amount: 2000}
			st.QuickfixReportID = q.ID
		} else {
			st.QuickfixAmendID = q.ID
		}
		if err := db.DecideQuickfix(ctx, d); err != nil {
			t.Fatalf("quickfix decision: %v", err)
		}
	}
	// Spare one-time links for the resident role's logins in the checks.
	for range 8 {
		if err := db.RequestLogin(ctx, ortsplan.LoginRequest{Email: "ortsbo@ortsplan.example", Lang: "sv"}); err != nil {
			t.Fatalf("request login: %v", err)
		}
		msgs, _ := db.ListMessages(ctx, 1)
		st.residentTokens = append(st.residentTokens, regexp.MustCompile(`/inloggning/([A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Text)[1])
	}
	// A link to choose a new password, for the reset form; the pages only show it.
	if err := db.RequestPasswordReset(ctx, officialLogin.Email, "sv"); err != nil {
		t.Fatalf("request password reset: %v", err)
	}
	msgs, _ = db.ListMessages(ctx, 1)
	reset := regexp.MustCompile(`/nytt-losenord/([A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Text)
	if reset == nil {
		t.Fatalf("no reset link in %q", msgs[0].Text)
	}
	st.PasswordResetToken = reset[1]
	// An invited account that has not chosen its password, for the invitation's pages.
	invited, err := db.InviteUser(ctx, ortsplan.NewUser{Email: "inbjuden.e2e@ortsplan.example", Name: "Ines Inbjuden",
		Role: ortsplan.RoleOfficial, Department: "Kultur- och fritidsförvaltningen", Localities: []string{"sparreholm"}})
	if err != nil {
		t.Fatalf("invite: %v", err)
	}
	msgs, _ = db.ListMessages(ctx, 1)
	invitation := regexp.MustCompile(`/nytt-losenord/([A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Text)
	if invitation == nil || msgs[0].To != invited.Email {
		t.Fatalf("no invitation in %q", msgs[0].Text)
	}
	st.InvitationToken, st.InvitedID = invitation[1], invited.ID
	// A "Vill du vara med?" sign-up for the staff inbox pages.
	if err := db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: l.ID, Name: "Vera Vilja", Email: "vera@ortsplan.example",
		AgeGroup: "30-49", Message: "Jag vill hjälpa till med trafikfrågorna.", Interests: []string{"group:" + g.Slug}}); err != nil {
		t.Fatalf("sign-up: %v", err)
	}
	// A message to the group, for the staff's list of messages.
	if err := db.SendStaffMessage(ctx, &ortsplan.StaffMessage{Audience: ortsplan.Audience{Kind: ortsplan.AudienceGroup, LocalityID: l.ID, TargetID: g.ID},
		Subject: "Välkommen till trafikgruppen", Body: "Hej!\n\nVi träffas första tisdagen varje månad.", Nonce: "e2e-sidans-meddelande-1"}); err != nil {
		t.Fatalf("staff message: %v", err)
	}
}

// missingTool stops a test whose tool is not installed: under CI=true it
// fails, since CI must run every check; elsewhere it skips with how to install it.
func missingTool(t *testing.T, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s not found; install it with: %s", what, install)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// chromiumPath returns the Chromium executable.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missingTool(t, "Chromium", "apt-get install chromium")
	return ""
}

// javaPath returns the Java executable, for the Nu HTML checker.
func javaPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("java")
	if err != nil {
		missingTool(t, "Java", "apt-get install default-jre-headless")
	}
	return p
}

// nodeModule returns a file from node_modules in the module root, which is
// found by walking up from the working directory to go.mod.
func nodeModule(t *testing.T, rel string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "node_modules", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missingTool(t, p, "npm ci (in "+root+")")
	}
	return p
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// mustStorage returns file storage in a fresh temporary folder.
func mustStorage(t *testing.T) *media.DirStorage {
	t.Helper()
	st, err := media.NewDirStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}
