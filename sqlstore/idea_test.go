package sqlstore_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// residentLogin asks for a link and follows it, as the e-mail would.
func residentLogin(t *testing.T, db *sqlstore.DB, email, name string, localityID int64) (string, *ortsplan.Resident) {
	t.Helper()
	ctx := sqltest.System()
	if err := db.RequestLogin(ctx, ortsplan.LoginRequest{Email: email, Name: name, LocalityID: localityID, Lang: "sv"}); err != nil {
		t.Fatal(err)
	}
	msgs, _ := db.ListMessages(ctx, 1)
	tok := regexp.MustCompile(`/inloggning/([A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Text)
	if msgs[0].To != ortsplan.NormalizeEmail(email) || tok == nil {
		t.Fatalf("login mail: %+v", msgs[0])
	}
	sess, r, err := db.Login(ctx, tok[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Login(ctx, tok[1]); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
		t.Fatalf("a login link worked twice: %v", err)
	}
	return sess, r
}

func TestResidentsIdeasSupportsCommentsAnswers(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		db.PublicURL = "https://ortsplan.example"
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		mustCreateUser(t, db, "coord@example.se", ortsplan.RoleCoordinator)
		sess, anna := residentLogin(t, db, "Anna@Example.se", "Anna i Bettna", l.ID)
		if anna.Name != "Anna i Bettna" || anna.LocalityID != l.ID {
			t.Fatalf("resident: %+v", anna)
		}
		if r, err := db.ResidentBySession(ctx, sess); err != nil || r.ID != anna.ID {
			t.Fatalf("session: %v", err)
		}
		// A second login of the same address is the same account.
		_, again := residentLogin(t, db, "anna@example.se", "", 0)
		if again.ID != anna.ID || again.Name != "Anna i Bettna" {
			t.Fatalf("second login made a new account: %+v", again)
		}
		now = now.Add(time.Hour)
		idea := &ortsplan.Idea{LocalityID: l.ID, ResidentID: anna.ID, Title: "Belysning vid busshållplatsen", Body: "Det är mörkt på vintern."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, idea.ResidentID), idea); err != nil {
			t.Fatal(err)
		}
		rule := ortsplan.IdeaThreshold{Supports: 2, Within: 90 * 24 * time.Hour}
		var supporters []*ortsplan.Resident
		for _, e := range []string{"b@example.se", "c@example.se"} {
			_, r := residentLogin(t, db, e, e, l.ID)
			supporters = append(supporters, r)
		}
		if err := db.Support(sqltest.AsResident(ctx, supporters[0].ID), idea.ID, true, rule); err != nil {
			t.Fatal(err)
		}
		db.Support(sqltest.AsResident(ctx, supporters[0].ID), idea.ID, true, rule) // twice counts once
		got, _ := db.FindIdea(ctx, idea.ID)
		if got.Supports != 1 || !got.FlaggedAt.IsZero() {
			t.Fatalf("after one support: %d flagged=%v", got.Supports, !got.FlaggedAt.IsZero())
		}
		db.Support(sqltest.AsResident(ctx, supporters[1].ID), idea.ID, true, rule)
		got, _ = db.FindIdea(ctx, idea.ID)
		if got.Supports != 2 || got.FlaggedAt.IsZero() {
			t.Fatalf("threshold reached but not flagged: %+v", got)
		}
		msgs, _ := db.ListMessages(ctx, 1)
		if msgs[0].To != "coord@example.se" {
			t.Fatalf("flag went to %s", msgs[0].To)
		}
		db.Support(sqltest.AsResident(ctx, supporters[1].ID), idea.ID, false, rule)
		if ok, _ := db.Supports(sqltest.AsResident(ctx, supporters[1].ID), idea.ID); ok {
			t.Fatal("withdrawn support remains")
		}

		c := &ortsplan.Comment{IdeaID: idea.ID, ResidentID: supporters[0].ID, Body: "Bra idé!"}
		if err := db.AddComment(sqltest.AsResident(ctx, c.ResidentID), c); err != nil {
			t.Fatal(err)
		}
		reply := &ortsplan.Comment{IdeaID: idea.ID, ParentID: c.ID, ResidentID: anna.ID, Body: "Tack!"}
		if err := db.AddComment(sqltest.AsResident(ctx, reply.ResidentID), reply); err != nil {
			t.Fatal(err)
		}
		if err := db.AddComment(sqltest.AsResident(ctx, anna.ID), &ortsplan.Comment{IdeaID: idea.ID, ParentID: reply.ID, Body: "För djupt"}); ortsplan.FieldErrors(err)["comment"] == "" {
			t.Fatalf("a reply to a reply was accepted: %v", err)
		}
		csPage, _ := db.Comments(ctx, idea.ID, 1)
		cs := csPage.Comments
		if len(cs) != 1 || len(cs[0].Replies) != 1 {
			t.Fatalf("comments: %+v", cs)
		}

		// An official answer: "ej aktuell" needs a reason; "i handlingsplanen" an action.
		if err := db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: idea.ID, Status: ortsplan.IdeaNotRelevant}); ortsplan.FieldErrors(err)["answer"] == "" {
			t.Fatalf("no reason: %v", err)
		}
		th := &ortsplan.Theme{LocalityID: l.ID, Title: "Trafik"}
		db.SaveTheme(ctx, th)
		a := &ortsplan.Action{ThemeID: th.ID, Title: "Belysning", Status: ortsplan.ActionNotStarted}
		db.SaveAction(ctx, a)
		if err := db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: idea.ID, Status: ortsplan.IdeaInPlan, Answer: "Vi tar med den.", ActionID: a.ID}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindIdea(ctx, idea.ID)
		if got.Status != ortsplan.IdeaInPlan || got.ActionTitle != "Belysning" || got.Comments != 2 {
			t.Fatalf("answered idea: %+v", got)
		}
		msgs, _ = db.ListMessages(ctx, 1)
		if msgs[0].To != "anna@example.se" {
			t.Fatalf("answer notice went to %s", msgs[0].To)
		}

		// Moderation: reported, hidden with a reason, kept.
		if err := db.Report(ctx, ortsplan.Report{IdeaID: c.IdeaID, Kind: "comment", TargetID: c.ID, Reason: "Olämpligt"}); err != nil {
			t.Fatal(err)
		}
		if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: c.IdeaID, Kind: "comment", TargetID: c.ID, Reason: ""}); ortsplan.FieldErrors(err)["reason"] == "" {
			t.Fatalf("hidden without a reason: %v", err)
		}
		if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: c.IdeaID, Kind: "comment", TargetID: c.ID, Reason: "Personangrepp"}); err != nil {
			t.Fatal(err)
		}
		cp, _ := db.Comments(ctx, idea.ID, 1)
		cs = cp.Comments
		if !cs[0].Hidden() || cs[0].Body != "Bra idé!" || cs[0].HiddenReason != "Personangrepp" {
			t.Fatalf("hidden comment: %+v", cs[0])
		}
		var logged int
		db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM moderation_log WHERE kind = 'comment' AND action = 'hide'").Scan(&logged)
		if logged != 1 {
			t.Fatal("moderation not logged")
		}
		list, _ := db.Ideas(ctx, l.ID, ortsplan.SortSupported)
		if len(list) != 1 {
			t.Fatalf("ideas: %d", len(list))
		}
		// An expired link does not work.
		db.RequestLogin(ctx, ortsplan.LoginRequest{Email: "late@example.se", Lang: "sv"})
		m, _ := db.ListMessages(ctx, 1)
		tok := regexp.MustCompile(`/inloggning/([A-Za-z0-9_-]+)`).FindStringSubmatch(m[0].Text)
		now = now.Add(31 * time.Minute)
		if _, _, err := db.Login(ctx, tok[1]); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("an expired link worked: %v", err)
		}
	})
}

// TestHiddenIdeaHidesItsComments: hiding an idea hides its comments and
// closes it to new ones, for everyone but its moderators; showing it again
// restores them. Comments come a page at a time, newest thread first.
func TestHiddenIdeaHidesItsComments(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		mod := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "mod@example.se", ortsplan.RoleOfficial, "bettna"))
		res := mustResident(t, db, "bo@example.se", "Bo", l.ID)
		asRes := sqltest.AsResident(context.Background(), res)
		idea := &ortsplan.Idea{LocalityID: l.ID, Title: "Badplats", Body: "Vid sjön"}
		must(t, db.CreateIdea(asRes, idea))
		var first *ortsplan.Comment
		for i := range ortsplan.CommentsPerPage + 10 {
			c := &ortsplan.Comment{IdeaID: idea.ID, Body: fmt.Sprintf("Kommentar %d", i)}
			must(t, db.AddComment(asRes, c))
			if i == 0 {
				first = c
			}
		}
		for i := range ortsplan.RepliesShown + 5 {
			must(t, db.AddComment(asRes, &ortsplan.Comment{IdeaID: idea.ID, ParentID: first.ID, Body: fmt.Sprintf("Svar %d", i)}))
		}
		anon := context.Background()
		p1, err := db.Comments(anon, idea.ID, 1)
		must(t, err)
		if len(p1.Comments) != ortsplan.CommentsPerPage || p1.Pages != 2 || p1.Total != ortsplan.CommentsPerPage+10 ||
			p1.Comments[0].Body != fmt.Sprintf("Kommentar %d", ortsplan.CommentsPerPage+9) {
			t.Fatalf("page 1: %d comments, %d pages, %d in all, first %q", len(p1.Comments), p1.Pages, p1.Total, p1.Comments[0].Body)
		}
		p2, err := db.Comments(anon, idea.ID, 2)
		must(t, err)
		last := p2.Comments[len(p2.Comments)-1]
		if len(p2.Comments) != 10 || last.ID != first.ID || len(last.Replies) != ortsplan.RepliesShown || last.MoreReplies != 5 ||
			last.Replies[0].Body != "Svar 0" {
			t.Fatalf("page 2: %d comments; oldest has %d replies shown, %d more", len(p2.Comments), len(last.Replies), last.MoreReplies)
		}
		if p9, _ := db.Comments(anon, idea.ID, 9); len(p9.Comments) != 0 {
			t.Fatal("a page past the last has comments")
		}

		must(t, db.Hide(mod, ortsplan.Moderation{IdeaID: idea.ID, Kind: ortsplan.ModerateIdea, TargetID: idea.ID, Reason: "Reklam"}))
		if p, _ := db.Comments(anon, idea.ID, 1); len(p.Comments) != 0 || p.Total != 0 {
			t.Fatalf("a hidden idea's comments are shown: %d", len(p.Comments))
		}
		if p, _ := db.Comments(asRes, idea.ID, 1); len(p.Comments) != 0 {
			t.Fatal("a hidden idea's comments are shown to a resident")
		}
		if p, _ := db.Comments(mod, idea.ID, 1); len(p.Comments) != ortsplan.CommentsPerPage {
			t.Fatal("the moderator does not see the hidden idea's comments")
		}
		err = db.AddComment(asRes, &ortsplan.Comment{IdeaID: idea.ID, Body: "Ändå"})
		if ortsplan.ErrorKey(err) != "idea.hidden_no_comment" {
			t.Fatalf("a comment on a hidden idea: %v", err)
		}
		if err := db.Support(asRes, idea.ID, true, ortsplan.IdeaThreshold{Supports: 5, Within: time.Hour}); err == nil {
			t.Fatal("a hidden idea took a support")
		}

		must(t, db.Unhide(mod, ortsplan.Moderation{IdeaID: idea.ID, Kind: ortsplan.ModerateIdea, TargetID: idea.ID, Reason: "Granskad"}))
		if p, _ := db.Comments(anon, idea.ID, 1); len(p.Comments) != ortsplan.CommentsPerPage {
			t.Fatal("showing the idea again did not restore its comments")
		}
		must(t, db.AddComment(asRes, &ortsplan.Comment{IdeaID: idea.ID, Body: "Nu går det igen"}))
		// A hidden comment takes no replies.
		must(t, db.Hide(mod, ortsplan.Moderation{IdeaID: idea.ID, Kind: ortsplan.ModerateComment, TargetID: first.ID, Reason: "Personangrepp"}))
		if err := db.AddComment(asRes, &ortsplan.Comment{IdeaID: idea.ID, ParentID: first.ID, Body: "Svar"}); ortsplan.FieldErrors(err)["comment"] != "error.reply_invalid" {
			t.Fatalf("a reply to a hidden comment: %v", err)
		}
	})
}

// A resident who gives no name is shown as "Anonym ortsbo", never by a part
// of the e-mail address, and the login mail greets without the address.
func TestResidentWithoutNameIsAnonymous(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		_, r := residentLogin(t, db, "gunbritt@example.se", "", 0)
		if r.Name != ortsplan.AnonymousResident {
			t.Fatalf("a resident without a name is called %q", r.Name)
		}
		msgs, _ := db.ListMessages(sqltest.System(), 5)
		for _, m := range msgs {
			if strings.Contains(m.Text, "Hej gunbritt") || !strings.Contains(m.Text, "Hej!") {
				t.Fatalf("the login mail greets: %q", m.Text)
			}
		}
	})
}

// A resident changes their name (their ideas and comments follow) and home
// locality, and sees their own ideas and comments, never another's.
func TestResidentProfileAndContributions(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		l := mustCreateLocality(t, db, "bettna", "Bettna")
		other := mustCreateLocality(t, db, "vadsbro", "Vadsbro")
		_, anna := residentLogin(t, db, "anna@example.se", "Anna", l.ID)
		_, bo := residentLogin(t, db, "bo@example.se", "Bo", l.ID)
		as := sqltest.AsResident(ctx, anna.ID)
		idea := &ortsplan.Idea{LocalityID: l.ID, ResidentID: anna.ID, Title: "Bänkar", Body: "Fler bänkar."}
		if err := db.CreateIdea(as, idea); err != nil {
			t.Fatal(err)
		}
		if err := db.AddComment(as, &ortsplan.Comment{IdeaID: idea.ID, Body: "Och en papperskorg."}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddComment(sqltest.AsResident(ctx, bo.ID), &ortsplan.Comment{IdeaID: idea.ID, Body: "Bra!"}); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateResident(as, ortsplan.ResidentProfile{Name: "  Anna Andersson ", LocalityID: other.ID}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindIdea(ctx, idea.ID)
		ideas, comments, err := db.Contributions(as)
		if err != nil {
			t.Fatal(err)
		}
		if got.AuthorName != "Anna Andersson" || len(ideas) != 1 || len(comments) != 1 || comments[0].AuthorName != "Anna Andersson" ||
			comments[0].Body != "Och en papperskorg." {
			t.Fatalf("after the rename: idea by %q, own ideas %d, own comments %+v", got.AuthorName, len(ideas), comments)
		}
		var home int64
		db.SQL().QueryRow("SELECT locality_id FROM residents WHERE id = $1", anna.ID).Scan(&home)
		if home != other.ID {
			t.Fatalf("home locality %d, want %d", home, other.ID)
		}
		// An empty name is refused unless anonymity is chosen; an address is no name.
		for p, field := range map[*ortsplan.ResidentProfile]string{{Name: " "}: "name", {Name: "anna@example.se"}: "name", {Name: "Anna", LocalityID: 99999}: "locality"} {
			if fe := ortsplan.FieldErrors(db.UpdateResident(as, *p)); fe[field] == "" {
				t.Fatalf("%+v accepted: %v", p, fe)
			}
		}
		if err := db.UpdateResident(as, ortsplan.ResidentProfile{Anonymous: true}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindIdea(ctx, idea.ID); got.AuthorName != ortsplan.AnonymousResident {
			t.Fatalf("the anonymous resident's idea shows %q", got.AuthorName)
		}
		if err := db.UpdateResident(ctx, ortsplan.ResidentProfile{Name: "X"}); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("without a resident: %v", err)
		}
	})
}
