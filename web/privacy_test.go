package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestNoPersonalDataInAnyPublicOutput seeds personal data of every kind the
// site stores, then crawls every page a visitor can reach by following links,
// plus the API, feeds, calendars and CSV files, and fails if any of it shows.
func TestNoPersonalDataInAnyPublicOutput(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		l := mustLocality(t, db, "bettna")
		secrets := []string{"hemlig.anmalan@example.se", "0701234567", "hemlig.deltagare@example.se", "Nötallergi",
			"hemlig.ortsbo@example.se", "hemlig.medlem@example.se", "0709998877", "Hemliga Henrik", "Jag heter Signe och vill hjälpa"}
		// A sign-up, a meeting registration, a resident with an idea, a group member without consent.
		if err := db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: l.ID, Name: "Signe", Email: secrets[0], Phone: secrets[1],
			AgeGroup: "80-", Message: secrets[8]}); err != nil {
			t.Fatal(err)
		}
		m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Öppet möte", Start: time.Now().Add(48 * time.Hour),
			State: ortsplan.MeetingPlanned, Registration: true}
		db.SaveMeeting(ctx, m)
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Deltagare", Email: secrets[2], People: 1, Needs: secrets[3]},
			ortsplan.DefaultRegistrationRule); err != nil {
			t.Fatal(err)
		}
		res := residentBrowser(t, s, secrets[4], "Ortsbo")
		res.post("/orter/bettna/ideer", url.Values{"title": {"En idé"}, "body": {"Text."}})
		res.post("/orter/bettna/folj", url.Values{"mode": {"direkt"}})
		g, _ := db.FindGroup(ctx, l.ID, "bredband")
		db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: g.ID, Name: secrets[7], Email: secrets[5], Phone: secrets[6]})

		v := s.browser()
		seen := map[string]bool{}
		queue := []string{"/", "/orter", "/kalender", "/var-med?ort=bettna", "/api/v1/localities", "/api/v1/meetings",
			"/kalender.ics", "/api/v1/localities/bettna/groups", "/orter/bettna/flode.atom", "/orter/bettna/kalender.ics",
			"/orter/bettna/handlingsplan.csv", "/api/v1/localities/bettna"}
		skip := []string{"/logga-ut", "/static/", "/filer/", "/sprak", "/logga-in", "/admin", "/mina-uppgifter", "/inloggning", "/avregistrera"}
		for len(queue) > 0 && len(seen) < 600 {
			path := queue[0]
			queue = queue[1:]
			if seen[path] {
				continue
			}
			seen[path] = true
			r := v.get(path)
			for _, secret := range secrets {
				if strings.Contains(r.Body, secret) {
					t.Errorf("%s shows personal data %q", path, secret)
				}
			}
			if r.Doc == nil {
				continue
			}
			for _, a := range r.Doc.Find("a[href]").Nodes {
				for _, attr := range a.Attr {
					if attr.Key != "href" {
						continue
					}
					u, err := url.Parse(attr.Val)
					if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
						continue
					}
					next := u.Path
					if u.RawQuery != "" {
						next += "?" + u.RawQuery
					}
					ok := true
					for _, p := range skip {
						if strings.HasPrefix(next, p) {
							ok = false
						}
					}
					if ok && !seen[next] {
						queue = append(queue, next)
					}
				}
			}
		}
		// The search finds none of it either.
		for _, secret := range secrets {
			r := v.get("/sok?q=" + url.QueryEscape(secret))
			if hits := r.Doc.Find(".search-hit h3"); hits.Length() != 0 {
				t.Errorf("searching %q finds %q", secret, hits.Text())
			}
		}
		if len(seen) < 80 {
			t.Fatalf("crawled only %d pages", len(seen))
		}
		t.Logf("crawled %d public pages and files", len(seen))
	})
}
