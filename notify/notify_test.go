package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

func TestComposeEveryNotice(t *testing.T) {
	c := &Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example/", Org: "Flens kommun"}
	m := &ortsplan.Meeting{ID: 7, Title: "Stormöte i <Skebokvarn>", Start: time.Date(2026, 6, 1, 16, 30, 0, 0, time.UTC),
		End: time.Date(2026, 6, 1, 18, 0, 0, 0, time.UTC), PlaceName: "Bygdegården", PlaceAddress: "Kvarnvägen 1", CancelReason: "Sjukdom"}
	kinds := []string{ortsplan.NoticeConfirm, ortsplan.NoticeAlready, ortsplan.NoticeRegistered, ortsplan.NoticeWaitlisted, ortsplan.NoticePromoted,
		ortsplan.NoticeUnregistered, ortsplan.NoticeMoved, ortsplan.NoticeCancelled}
	withToken := map[string]bool{ortsplan.NoticeConfirm: true, ortsplan.NoticeAlready: true, ortsplan.NoticeRegistered: true, ortsplan.NoticeWaitlisted: true}
	for _, lang := range []string{"sv", "en"} {
		for _, kind := range kinds {
			r := &ortsplan.Registration{Name: "Åsa Öberg", Email: "asa@example.se", People: 2, Lang: lang,
				ConfirmBy: time.Date(2026, 5, 30, 10, 0, 0, 0, time.UTC)}
			token := ""
			if withToken[kind] {
				token = "tok123"
			}
			msg := c.Compose(kind, m, r, token)
			if msg == nil || msg.To != "asa@example.se" || msg.Lang != lang || !strings.Contains(msg.Subject, "Skebokvarn") {
				t.Fatalf("%s/%s: %+v", lang, kind, msg)
			}
			// 16:30 UTC is 18:30 in Stockholm in June.
			if !strings.Contains(msg.Text, "18:30–20:00") || !strings.Contains(msg.Text, "https://ortsplan.example/moten/7") {
				t.Errorf("%s/%s text lacks local time or link:\n%s", lang, kind, msg.Text)
			}
			if hasCancel := strings.Contains(msg.Text, "https://ortsplan.example/anmalan/tok123\n"); hasCancel != (token != "") {
				t.Errorf("%s/%s: cancel link present=%v", lang, kind, hasCancel)
			}
			// Only the e-mail that asks to confirm has the confirm link, and the time to confirm by.
			if hasConfirm := strings.Contains(msg.Text, "https://ortsplan.example/anmalan/tok123/bekrafta\n"); hasConfirm != (kind == ortsplan.NoticeConfirm) {
				t.Errorf("%s/%s: confirm link present=%v", lang, kind, hasConfirm)
			}
			// 10:00 UTC is 12:00 in Stockholm in May.
			if hasBy := strings.Contains(msg.Text, "30\u00a0") && strings.Contains(msg.Text, "12:00"); hasBy != (kind == ortsplan.NoticeConfirm) {
				t.Errorf("%s/%s: the time to confirm by present=%v:\n%s", lang, kind, hasBy, msg.Text)
			}
			if strings.Contains(msg.HTML, "<Skebokvarn>") || !strings.Contains(msg.HTML, "&lt;Skebokvarn&gt;") {
				t.Errorf("%s/%s: title not escaped in HTML", lang, kind)
			}
			if kind == ortsplan.NoticeCancelled && !strings.Contains(msg.Text, "Sjukdom") {
				t.Errorf("cancel reason missing")
			}
		}
	}
	m.Title = "Två\r\nrader"
	if got := c.Compose(ortsplan.NoticeRegistered, m, &ortsplan.Registration{Email: "a@b.se", Lang: "sv"}, "").Subject; strings.ContainsAny(got, "\r\n") {
		t.Errorf("subject keeps a line break: %q", got)
	}
	if c.Compose("unknown", m, &ortsplan.Registration{}, "") != nil {
		t.Error("unknown notice kind composed")
	}
	if n := c.Cat.Missing.Load(); n != 0 {
		t.Fatalf("%d missing translations", n)
	}
}

func TestComposeStaff(t *testing.T) {
	c := &Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
	u := &ortsplan.User{Email: "kim@example.se", Name: "Kim <Berg>", Role: ortsplan.RoleOfficial}
	for _, kl := range []string{"password_reset/sv", "password_reset/en", "password_reset/xx", "password_reset_admin/sv", "password_reset_admin/en",
		"invitation/sv", "invitation/en", "invitation/xx"} {
		kind, lang, _ := strings.Cut(kl, "/")
		msg := c.ComposeStaff(kind, u, lang, "https://ortsplan.example/nytt-losenord/tok123")
		if msg == nil || msg.To != "kim@example.se" || msg.Subject == "" || !strings.Contains(msg.Text, "https://ortsplan.example/nytt-losenord/tok123") ||
			!strings.Contains(msg.HTML, `href="https://ortsplan.example/nytt-losenord/tok123"`) || strings.Contains(msg.HTML, "<Berg>") {
			t.Fatalf("%s: %+v", lang, msg)
		}
		if want := map[string]string{"sv": "sv", "en": "en", "xx": "sv"}[lang]; msg.Lang != want {
			t.Errorf("%s: language %s, want %s", kl, msg.Lang, want)
		}
		if kind == "invitation" && (!strings.Contains(msg.Text, "72") || !strings.Contains(msg.Text, map[string]string{"sv": "som tjänsteperson", "en": "the role municipal official", "xx": "som tjänsteperson"}[lang])) {
			t.Errorf("%s: the invitation does not say how long the link works or the role:\n%s", kl, msg.Text)
		}
	}
	if c.ComposeStaff("unknown", u, "sv", "x") != nil || c.ComposeStaff("password_reset", nil, "sv", "x") != nil {
		t.Error("an unknown kind or no recipient composed a mail")
	}
	if n := c.Cat.Missing.Load(); n != 0 {
		t.Fatalf("%d missing translations", n)
	}
}

func TestComposeMessage(t *testing.T) {
	c := &Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
	m := &ortsplan.StaffMessage{Audience: ortsplan.Audience{Kind: ortsplan.AudienceFollowers, LocalityID: 1, Name: "Bettna"},
		Subject: "Nytt om bygget", Body: "Bygget börjar i maj.\nVälkomna på visning."}
	msg := c.ComposeMessage(m, "anna@example.se", "Anna", "en", "https://ortsplan.example/avregistrera/tok")
	if msg.To != "anna@example.se" || msg.Subject != "Nytt om bygget" || msg.Lang != "en" || msg.HTML != "" ||
		!strings.HasPrefix(msg.Text, "Bygget börjar i maj.\nVälkomna på visning.\n\n-- \n") ||
		!strings.Contains(msg.Text, "you follow Bettna") || !strings.Contains(msg.Text, "https://ortsplan.example/avregistrera/tok") {
		t.Fatalf("follower's copy: %+v\n%s", msg, msg.Text)
	}
	m.Audience = ortsplan.Audience{Kind: ortsplan.AudienceGroup, TargetID: 2, Name: "Torggruppen"}
	msg = c.ComposeMessage(m, "bo@example.se", "Bo", "xx", "")
	if msg.Lang != "sv" || !strings.Contains(msg.Text, "med i Torggruppen") || strings.Contains(msg.Text, "avregistrera") {
		t.Fatalf("member's copy: %+v\n%s", msg, msg.Text)
	}
	if c.ComposeMessage(&ortsplan.StaffMessage{Audience: ortsplan.Audience{Kind: "alla"}}, "x@example.se", "", "sv", "") != nil {
		t.Fatal("an unknown audience gave a message")
	}
}

// The confirmation of a sign-up repeats what the person sent.
func TestSignUpConfirmationRepeatsWhatWasSent(t *testing.T) {
	c := &Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
	su := &ortsplan.SignUp{LocalitySlug: "bettna", LocalityName: "Bettna", Name: "Signe Östlund", Email: "signe@example.se",
		Phone: "070-123 45 67", AgeGroup: "30-49", Message: "Jag kan hjälpa till med belysningen.", Lang: "sv"}
	m := c.ComposeSignUp("signup_confirm", su, nil, nil)
	if m == nil || m.To != su.Email {
		t.Fatalf("message %+v", m)
	}
	for _, want := range []string{"Det här skickade du:", "Namn: Signe Östlund", "070-123 45 67", "30–49 år", "Jag kan hjälpa till med belysningen."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the text lacks %q:\n%s", want, m.Text)
		}
		if !strings.Contains(m.HTML, strings.TrimPrefix(want, "Namn: ")) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	if c.Cat.Missing.Load() != 0 {
		t.Fatal("missing translations")
	}
}
