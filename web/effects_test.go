package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// tableRows reads a table's rows as "header: cell cell …", the total row too.
func tableRows(r *response, id string) map[string]string {
	out := map[string]string{}
	r.Doc.Find("#" + id + " tr").Each(func(_ int, tr *goquery.Selection) {
		th := strings.TrimSpace(tr.Find(`th[scope="row"]`).Text())
		if th == "" {
			return
		}
		var cells []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, strings.TrimSpace(td.Text())) })
		out[th] = strings.Join(cells, " ")
	})
	return out
}

func TestEffectsDashboard(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		// Logged in by the real clock, the session outlasts the fixed one below.
		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		now := time.Date(2026, 8, 10, 10, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		l := &ortsplan.Locality{Slug: "testby", Name: "Testby", Phase: ortsplan.PhaseImplementing}
		must(db.CreateLocality(ctx, l))
		g := &ortsplan.Group{LocalityID: l.ID, Slug: "bad", Name: "Badplatsen", Kind: ortsplan.GroupWorking}
		must(db.SaveGroup(ctx, g))
		signUp := func(age string) *ortsplan.SignUp {
			su := &ortsplan.SignUp{LocalityID: l.ID, Name: "Hemlig Person", Email: "hemlig@example.se", AgeGroup: age}
			must(db.CreateSignUp(ctx, su))
			return su
		}
		idea := func() int64 {
			r := anna.post("/orter/testby/ideer", url.Values{"title": {"Bänkar vid sjön"}, "body": {"Så att fler kan vila."}})
			id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/ideer/"), "?klart=ny"), 10, 64)
			if err != nil {
				t.Fatalf("idea not created: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			return id
		}
		theme := &ortsplan.Theme{LocalityID: l.ID, Title: "Natur"}
		must(db.SaveTheme(ctx, theme))

		// The third quarter of 2026.
		joined := signUp("18-29")
		must(db.UpdateSignUp(ctx, ortsplan.SignUpUpdate{ID: joined.ID, Status: ortsplan.SignUpJoined, GroupID: g.ID}))
		signUp("")
		m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte", Start: time.Date(2026, 9, 1, 16, 0, 0, 0, time.UTC),
			State: ortsplan.MeetingPlanned, Registration: true}
		must(db.SaveMeeting(ctx, m))
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m.ID, Name: "Reg", Email: "reg@example.se", People: 3})
		must(db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Obekräftad", Email: "obekraftad@example.se", People: 4},
			ortsplan.DefaultRegistrationRule))
		m, _ = db.FindMeeting(ctx, m.ID)
		m.State, m.Participants = ortsplan.MeetingHeld, 5
		must(db.SaveMeeting(ctx, m))
		first := idea()
		must(db.SaveAction(ctx, &ortsplan.Action{ThemeID: theme.ID, Title: "Röj stigen", Status: ortsplan.ActionDone}))

		// The fourth quarter.
		now = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		signUp("65-79")
		idea()
		must(db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: first, Status: ortsplan.IdeaDone, Answer: "Klart."}))
		must(db.SaveAction(ctx, &ortsplan.Action{ThemeID: theme.ID, Title: "Bygg bryggan", Status: ortsplan.ActionOngoing}))
		now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

		b := s.browser()
		r := b.get("/orter/testby")
		if r.Doc.Find(`a[href="/orter/testby/effekter"]`).Length() == 0 {
			t.Error("the locality page does not link to its effects")
		}
		r = b.get("/orter/testby/effekter")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		noPersonalData(t, r)
		if strings.Contains(r.Body, "Hemlig") || strings.Contains(r.Body, "hemlig@") || strings.Contains(r.Body, "reg@example.se") {
			t.Error("personal data on the dashboard")
		}
		if h1 := text(r, "h1"); !strings.Contains(h1, "Testby") {
			t.Errorf("h1 %q", h1)
		}
		for id, want := range map[string]map[string]string{
			"signups-table":  {"2026 K3": "2 1", "2026 K4": "1 0", "2026 K2": "0 0", "Summa": "3 1"},
			"ages-table":     {"18–29 år": "1 1", "65–79 år": "1 0", "Ingen ålder angiven": "1 0", "Under 18 år": "0 0"},
			"meetings-table": {"2026 K3": "1 3 5", "2026 K4": "0 0 0", "Summa": "1 3 5"},
			"ideas-table":    {"2026 K3": "1 0 0", "2026 K4": "1 1 1", "Summa": "2 1 1"},
			"actions-table":  {"2026 K3": "1 1", "2026 K4": "1 0"},
			"status-table":   {"Genomförd": "1", "Pågår": "1", "Pausad": "0", "Summa": "2"},
		} {
			got := tableRows(r, id)
			for row, w := range want {
				if got[row] != w {
					t.Errorf("%s, row %s: %q, want %q", id, row, got[row], w)
				}
			}
			if id != "ages-table" && id != "status-table" && len(got) != ortsplan.EffectQuarters+1 {
				t.Errorf("%s has %d rows", id, len(got))
			}
		}
		// Every table has a caption and column headers; every chart an accessible name.
		if r.Doc.Find("table").Length() != 7 || r.Doc.Find("table caption").Length() != 7 || r.Doc.Find(`th[scope="col"]`).Length() < 12 {
			t.Error("tables without caption or column headers")
		}
		charts := r.Doc.Find(`svg.chart[role="img"]`)
		if charts.Length() != 7 {
			t.Errorf("%d charts", charts.Length())
		}
		charts.Each(func(_ int, c *goquery.Selection) {
			ids, _ := c.Attr("aria-labelledby")
			title := strings.Fields(ids)
			if len(title) == 0 || strings.TrimSpace(c.Find("title#"+title[0]).Text()) == "" {
				t.Errorf("chart without a name: %q", ids)
			}
		})
		if !strings.Contains(r.Body, "3 personer anmälde sig och 1 av dem har gått med i en grupp.") ||
			!strings.Contains(r.Body, "2 idéer föreslogs, 1 besvarades och 1 genomfördes.") {
			t.Error("the text summaries miss the figures")
		}
		if p := text(r, "#progress-heading + p"); !strings.Contains(p, "50") {
			t.Errorf("plan progress: %q", p)
		}
		if r.Doc.Find(`a[href="/orter/testby/effekter.csv?period=quarter"]`).Length() != 1 {
			t.Error("no CSV link")
		}

		// Per year, and a period the page does not know.
		r = b.get("/orter/testby/effekter?period=year")
		if got := tableRows(r, "signups-table"); got["2026"] != "3 1" || len(got) != 2 {
			t.Errorf("per year: %v", got)
		}
		r = b.get("/orter/testby/effekter?period=<month>")
		wantStatus(t, r, 200)
		if !strings.Contains(text(r, ".notice"), "Välj per kvartal eller per år") || tableRows(r, "signups-table")["2026 K3"] != "2 1" {
			t.Error("a bad period gives no clear message or no quarters")
		}
		wantStatus(t, b.get("/orter/finns-inte/effekter"), 404)

		// English.
		b.header.Set("Accept-Language", "en")
		r = b.get("/orter/testby/effekter")
		checkShell(t, r, "en")
		if got := tableRows(r, "signups-table"); got["2026 Q3"] != "2 1" {
			t.Errorf("in English: %v", got)
		}
		b.header.Del("Accept-Language")

		// CSV: the same figures.
		r = b.get("/orter/testby/effekter.csv")
		wantStatus(t, r, 200)
		if !strings.HasPrefix(r.Body, "\ufeff") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV without BOM: %q", truncate(r.Body, 40))
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff")))
		cr.Comma, cr.FieldsPerRecord = ';', -1
		recs, err := cr.ReadAll()
		must(err)
		byPeriod := map[string][]string{}
		for _, rec := range recs {
			byPeriod[rec[0]] = rec
		}
		// Period, from, to, signed up, joined, 7 age groups, meetings, registered, participants,
		// proposed, answered, done, actions added, finished, quickfixes granted and their sum.
		if got := strings.Join(byPeriod["2026 K3"], ","); got != "2026 K3,2026-07-01,2026-09-30,2,1,0,1,0,0,0,0,1,1,3,5,1,0,0,1,1,0,0" {
			t.Errorf("CSV Q3: %s", got)
		}
		if got := strings.Join(byPeriod["2026 K4"], ","); got != "2026 K4,2026-10-01,2026-12-31,1,0,0,0,0,0,1,0,0,0,0,0,1,1,1,1,0,0,0" {
			t.Errorf("CSV Q4: %s", got)
		}
		if got := byPeriod["Genomförd"]; len(got) != 2 || got[1] != "1" {
			t.Errorf("CSV status: %v", got)
		}

		// JSON: the same figures.
		r = b.get("/api/v1/effects?locality=testby")
		wantStatus(t, r, 200)
		var j struct {
			Locality *string `json:"locality"`
			Period   string  `json:"period"`
			Periods  []struct {
				Period, Start, End string
				SignUps            int            `json:"signups"`
				Joined             int            `json:"signups_joined_group"`
				Ages               map[string]int `json:"signups_by_age_group"`
				Meetings           int            `json:"meetings"`
				Registered         int            `json:"meeting_registrations"`
				Participants       int            `json:"meeting_participants"`
				IdeasProposed      int            `json:"ideas_proposed"`
				IdeasAnswered      int            `json:"ideas_answered"`
				IdeasDone          int            `json:"ideas_done"`
				ActionsAdded       int            `json:"actions_added"`
				ActionsDone        int            `json:"actions_done"`
			} `json:"periods"`
			Status   map[string]int `json:"actions_by_status"`
			Actions  int            `json:"actions"`
			Progress *float64       `json:"plan_progress"`
		}
		must(json.Unmarshal([]byte(r.Body), &j))
		if j.Locality == nil || *j.Locality != "testby" || j.Period != "quarter" || len(j.Periods) != ortsplan.EffectQuarters {
			t.Fatalf("JSON: %s", truncate(r.Body, 300))
		}
		q3 := j.Periods[6]
		if q3.Period != "2026-Q3" || q3.Start != "2026-07-01" || q3.End != "2026-09-30" || q3.SignUps != 2 || q3.Joined != 1 ||
			q3.Ages["18-29"] != 1 || q3.Ages["unknown"] != 1 || q3.Meetings != 1 || q3.Registered != 3 || q3.Participants != 5 ||
			q3.IdeasProposed != 1 || q3.ActionsAdded != 1 || q3.ActionsDone != 1 {
			t.Errorf("JSON Q3: %+v", q3)
		}
		if q4 := j.Periods[7]; q4.IdeasAnswered != 1 || q4.IdeasDone != 1 || q4.SignUps != 1 || q4.Ages["65-79"] != 1 {
			t.Errorf("JSON Q4: %+v", q4)
		}
		if j.Status["genomford"] != 1 || j.Status["pagar"] != 1 || j.Actions != 2 || j.Progress == nil || *j.Progress != 50 {
			t.Errorf("JSON now: %v %d %v", j.Status, j.Actions, j.Progress)
		}
		if r := b.get("/api/v1/effects?period=month"); r.StatusCode != 400 || !strings.Contains(r.Body, "error") {
			t.Errorf("bad period: %d %s", r.StatusCode, r.Body)
		}
		wantStatus(t, b.get("/api/v1/effects?locality=finns-inte"), 404)

		// The whole municipality: the page, the CSV and the JSON agree.
		r = b.get("/effekter")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		// Seven counted figures (with the quickfixes) and the demo's plan revisions (Sparreholm, Skebokvarn); the vi-känsla section (surveys) has its own chart.
		if r.Doc.Find(`section:not([aria-labelledby="vikansla-heading"]) svg.chart[role="img"]`).Length() != 8 ||
			r.Doc.Find(`section[aria-labelledby="revisions-heading"] svg.chart[role="img"]`).Length() != 1 || r.Doc.Find(`footer a[href="/effekter"]`).Length() != 1 {
			t.Error("municipality dashboard: charts or footer link missing")
		}
		page := tableRows(r, "signups-table")
		r = b.get("/api/v1/effects?period=quarter")
		j.Periods = nil
		must(json.Unmarshal([]byte(r.Body), &j))
		if j.Locality != nil {
			t.Error("municipality JSON names a locality")
		}
		total := 0
		for _, p := range j.Periods {
			total += p.SignUps
			if strings.Fields(page[strings.Replace(p.Period, "-Q", " K", 1)])[0] != strconv.Itoa(p.SignUps) {
				t.Errorf("page and JSON differ for %s", p.Period)
			}
		}
		if total < 3 || strings.Fields(page["Summa"])[0] != strconv.Itoa(total) {
			t.Errorf("municipality total %d, page %q", total, page["Summa"])
		}
		// A new sign-up shows at once, on the locality's page and the municipality's.
		signUp("80-")
		if got := tableRows(b.get("/orter/testby/effekter"), "signups-table"); got["2026 K4"] != "2 0" || got["Summa"] != "4 1" {
			t.Errorf("after a new sign-up: %v", got)
		}
		if got := tableRows(b.get("/effekter"), "signups-table"); !strings.HasPrefix(got["Summa"], strconv.Itoa(total+1)+" ") {
			t.Errorf("municipality after a new sign-up: %v, was %d", got["Summa"], total)
		}
		r = b.get("/effekter.csv?period=year")
		if !strings.Contains(r.Header.Get("Content-Disposition"), "effekter-year.csv") || !strings.Contains(r.Body, "\r\n2026;2026-01-01;2026-12-31;") {
			t.Errorf("municipality CSV: %s", truncate(r.Body, 300))
		}
	})
}

// BenchmarkEffectsPages serves the dashboard, its CSV and JSON from the Flen
// demo on SQLite through the whole handler; the figures come from the cache
// after the first request. Run: go test -bench EffectsPages -benchmem ./web
func BenchmarkEffectsPages(b *testing.B) {
	db := sqltest.Open(b, sqlstore.SQLite)
	s := newSite(b, db)
	for _, path := range []string{"/effekter", "/effekter?period=year", "/orter/sparreholm/effekter", "/effekter.csv", "/api/v1/effects?locality=sparreholm"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				rec := httptest.NewRecorder()
				s.web.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
