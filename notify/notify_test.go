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
	kinds := []string{ortsplan.NoticeRegistered, ortsplan.NoticeWaitlisted, ortsplan.NoticePromoted, ortsplan.NoticeUnregistered,
		ortsplan.NoticeMoved, ortsplan.NoticeCancelled}
	for _, lang := range []string{"sv", "en"} {
		for _, kind := range kinds {
			r := &ortsplan.Registration{Name: "Åsa Öberg", Email: "asa@example.se", People: 2, Lang: lang}
			token := ""
			if kind == ortsplan.NoticeRegistered {
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
			if hasCancel := strings.Contains(msg.Text, "/anmalan/tok123"); hasCancel != (token != "") {
				t.Errorf("%s/%s: cancel link present=%v", lang, kind, hasCancel)
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
