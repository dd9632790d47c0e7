package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// openData is what seedOpenData created.
type openData struct {
	ideas    []int64 // visible ideas, in creation order
	hidden   int64   // an idea a moderator hid
	answered int64
	meeting  int64
}

// seedOpenData adds ideas with supports, an official answer and a hidden
// idea to Bettna and Sparreholm, and two meetings that start at the same time.
func seedOpenData(t *testing.T, s *site) openData {
	t.Helper()
	ctx := sqltest.System()
	db := s.db
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
	var residents []int64
	for _, e := range []string{"a@example.se", "b@example.se", "c@example.se"} {
		b := residentBrowser(t, s, e, "Invånarsson "+e[:1])
		title := "Idé nummer " + e[:1]
		wantStatus(t, b.post("/orter/bettna/ideer", url.Values{"title": {title}, "body": {"Text."}}), http.StatusSeeOther)
		is, err := db.Ideas(ctx, 0, ortsplan.SortNewest)
		if err != nil || len(is) == 0 || is[0].Title != title {
			t.Fatalf("idea not created: %v", err)
		}
		residents = append(residents, is[0].ResidentID)
	}
	var d openData
	is, _ := db.Ideas(ctx, 0, ortsplan.SortNewest)
	for _, i := range is {
		d.ideas = append([]int64{i.ID}, d.ideas...)
	}
	bettna, sparreholm := mustLocality(t, db, "bettna"), mustLocality(t, db, "sparreholm")
	for n := range 9 {
		loc := bettna.ID
		if n%2 == 1 {
			loc = sparreholm.ID
		}
		i := &ortsplan.Idea{LocalityID: loc, ResidentID: residents[n%3], Title: "Förslag " + string(rune('A'+n)), Body: "Beskrivning."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, i.ResidentID), i); err != nil {
			t.Fatal(err)
		}
		d.ideas = append(d.ideas, i.ID)
		// Supports 0, 1, 2, 3 (capped at three residents), so ties occur.
		for k := range min(n%4, 3) {
			if err := db.Support(sqltest.AsResident(ctx, residents[k]), i.ID, true, ortsplan.IdeaThreshold{Supports: 100, Within: time.Hour}); err != nil {
				t.Fatal(err)
			}
		}
	}
	d.answered = d.ideas[4]
	if err := db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: d.answered, Status: ortsplan.IdeaReceived, Answer: "Tack, vi tittar på det."}); err != nil {
		t.Fatal(err)
	}
	d.hidden = d.ideas[5]
	d.ideas = slices.Delete(d.ideas, 5, 6)
	if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: d.hidden, Kind: "idea", TargetID: d.hidden, Reason: "Kränkande"}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2031, 5, 4, 16, 0, 0, 0, time.UTC)
	for _, title := range []string{"Samma tid ett", "Samma tid två"} {
		m := &ortsplan.Meeting{LocalityID: bettna.ID, Kind: ortsplan.MeetingOpen, Title: title, Start: start, State: ortsplan.MeetingPlanned}
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		d.meeting = m.ID
	}
	return d
}

type apiListPage struct {
	Data       []map[string]any `json:"data"`
	NextCursor *string          `json:"next_cursor"`
	Links      struct {
		Self string  `json:"self"`
		Next *string `json:"next"`
	} `json:"links"`
}

// walk follows next links from path and returns every item's key field.
func walk(t *testing.T, b *browser, path, key string) []string {
	t.Helper()
	var keys []string
	for range 200 {
		r := b.get(path)
		wantStatus(t, r, 200)
		var p apiListPage
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, it := range p.Data {
			keys = append(keys, jsonString(it[key]))
		}
		if p.Links.Next == nil {
			if p.NextCursor != nil || r.Header.Get("Link") != "" {
				t.Fatalf("%s: last page with a cursor or Link header", path)
			}
			return keys
		}
		if want := "<" + *p.Links.Next + `>; rel="next"`; r.Header.Get("Link") != want {
			t.Fatalf("%s: Link %q, want %q", path, r.Header.Get("Link"), want)
		}
		u, _ := url.Parse(*p.Links.Next)
		if u.Query().Get("cursor") != *p.NextCursor {
			t.Fatalf("%s: next link %s does not carry next_cursor", path, *p.Links.Next)
		}
		path = u.RequestURI()
	}
	t.Fatalf("%s: more than 200 pages", path)
	return nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

func TestAPIPagingIsStableAndComplete(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		d := seedOpenData(t, s)
		b := s.browser()
		for _, c := range []struct{ list, key string }{
			{"/api/v1/localities", "slug"}, {"/api/v1/groups", "url"}, {"/api/v1/meetings", "id"},
			{"/api/v1/ideas", "id"}, {"/api/v1/ideas?sort=supports", "id"}, {"/api/v1/ideas?locality=sparreholm", "id"},
			{"/api/v1/meetings?locality=bettna&from=2020-01-01", "id"},
		} {
			sep := "?"
			if strings.Contains(c.list, "?") {
				sep = "&"
			}
			all := walk(t, b, c.list+sep+"limit=500", c.key)
			for _, limit := range []string{"1", "2", "3"} {
				paged := walk(t, b, c.list+sep+"limit="+limit, c.key)
				if !slices.Equal(paged, all) {
					t.Errorf("%s by %s: %v, want %v", c.list, limit, paged, all)
				}
			}
			if len(all) < 2 || len(all) != len(slices.Compact(slices.Clone(all))) {
				t.Errorf("%s: %d items, duplicates or too few: %v", c.list, len(all), all)
			}
		}
		// Ideas: newest first, hidden left out; by supports the counts never rise.
		ids := walk(t, b, "/api/v1/ideas?limit=4", "id")
		if len(ids) != len(d.ideas) || slices.Contains(ids, itoa(d.hidden)) || ids[0] != itoa(d.ideas[len(d.ideas)-1]) {
			t.Errorf("ideas %v, want %d newest first without %d", ids, len(d.ideas), d.hidden)
		}
		sup := walk(t, b, "/api/v1/ideas?sort=supports&limit=2", "supports")
		most := 0 // the demo's ideas have more supports than those seeded here
		for _, id := range d.ideas {
			if i, err := s.db.FindIdea(sqltest.System(), id); err == nil {
				most = max(most, i.Supports)
			}
		}
		if !sort.SliceIsSorted(sup, func(i, j int) bool { return atoi(sup[i]) > atoi(sup[j]) }) || sup[0] != itoa(int64(most)) {
			t.Errorf("supports order: %v", sup)
		}
		r := b.get("/api/v1/ideas/" + itoa(d.answered))
		var idea struct {
			Answer   *struct{ Text, Date string } `json:"answer"`
			Status   string                       `json:"status"`
			Comments *int                         `json:"comments"`
			Supports *int                         `json:"supports"`
		}
		if err := json.Unmarshal([]byte(r.Body), &idea); err != nil || idea.Answer == nil || idea.Answer.Text != "Tack, vi tittar på det." ||
			idea.Status != "mottagen" || idea.Comments == nil || idea.Supports == nil {
			t.Errorf("answered idea: %v %s", err, r.Body)
		}
		if strings.Contains(r.Body, "Invånarsson") || strings.Contains(r.Body, "@") {
			t.Errorf("idea shows its author: %s", r.Body)
		}
		wantStatus(t, b.get("/api/v1/ideas/"+itoa(d.hidden)), 404)
		// A cursor only works with the list and sort it came from.
		r = b.get("/api/v1/ideas?sort=supports&limit=1")
		var p apiListPage
		json.Unmarshal([]byte(r.Body), &p)
		for _, bad := range []string{"/api/v1/ideas?cursor=" + *p.NextCursor, "/api/v1/meetings?cursor=" + *p.NextCursor,
			"/api/v1/ideas?cursor=inte-en-markör", "/api/v1/ideas?limit=0", "/api/v1/ideas?limit=501", "/api/v1/ideas?limit=tio",
			"/api/v1/ideas?sort=flest", "/api/v1/localities?phase=klar", "/api/v1/meetings?to=imorgon"} {
			r := b.get(bad)
			wantStatus(t, r, 400)
			var e struct{ Error string }
			if json.Unmarshal([]byte(r.Body), &e) != nil || e.Error == "" {
				t.Errorf("%s: no error message: %s", bad, r.Body)
			}
		}
	})
}

func TestAPIHeaders(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		seedOpenData(t, s)
		b := s.browser()
		for _, p := range []string{"/api/v1/localities", "/api/v1/localities/sparreholm", "/api/v1/ideas", "/api/v1/openapi.json", "/api/v1/localities/atlantis"} {
			r := b.get(p)
			etag := r.Header.Get("ETag")
			if r.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.HasPrefix(etag, `"`) {
				t.Fatalf("%s: CORS %q, ETag %q", p, r.Header.Get("Access-Control-Allow-Origin"), etag)
			}
			if r.StatusCode != 200 {
				continue
			}
			again := b.get(p)
			if again.Header.Get("ETag") != etag {
				t.Errorf("%s: ETag changed without a change", p)
			}
			req, _ := http.NewRequest(http.MethodGet, s.srv.URL+p, nil)
			req.Header.Set("If-None-Match", `"anders", `+etag)
			r = b.do(req)
			if r.StatusCode != http.StatusNotModified || r.Body != "" || r.Header.Get("ETag") != etag {
				t.Errorf("%s with If-None-Match: %d %q", p, r.StatusCode, r.Body)
			}
			req.Header.Set("If-None-Match", `"gammal"`)
			wantStatus(t, b.do(req), 200)
		}
		// A change gives a new ETag.
		before := b.get("/api/v1/localities/sparreholm").Header.Get("ETag")
		l := mustLocality(t, db, "sparreholm")
		l.Description += " Ändrad."
		if err := db.UpdateLocality(sqltest.System(), l, nil); err != nil {
			t.Fatal(err)
		}
		if b.get("/api/v1/localities/sparreholm").Header.Get("ETag") == before {
			t.Error("ETag unchanged after a change")
		}
		// Preflight for GET, read-only otherwise, JSON 404 for unknown paths.
		req, _ := http.NewRequest(http.MethodOptions, s.srv.URL+"/api/v1/ideas", nil)
		req.Header.Set("Origin", "https://example.org")
		req.Header.Set("Access-Control-Request-Method", "GET")
		r := b.do(req)
		if r.StatusCode != http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "GET") {
			t.Errorf("preflight: %d %v", r.StatusCode, r.Header)
		}
		req, _ = http.NewRequest(http.MethodDelete, s.srv.URL+"/api/v1/ideas", nil)
		if r := b.do(req); r.StatusCode < 400 { // 403 from the CSRF check or 405
			t.Errorf("DELETE: %d", r.StatusCode)
		}
		r = b.get("/api/v1/finns-inte")
		if r.StatusCode != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("unknown API path: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
	})
}

// TestOpenAPIConformance checks the OpenAPI document against the router and
// the real responses: every /api/v1 route is documented and every documented
// path is routed, and every response (200, 304, 400, 404) validates.
func TestOpenAPIConformance(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		d := seedOpenData(t, s)
		b := s.browser()
		r := b.get("/api/v1/openapi.json")
		wantStatus(t, r, 200)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData([]byte(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(loader.Context); err != nil {
			t.Fatalf("the OpenAPI document is not valid: %v", err)
		}

		var routed []string
		for _, p := range s.web.Patterns() {
			if path, ok := strings.CutPrefix(p, "GET "); ok && strings.HasPrefix(path, "/api/v1/") {
				routed = append(routed, path)
			}
		}
		documented := doc.Paths.InMatchingOrder()
		sort.Strings(routed)
		sort.Strings(documented)
		if !slices.Equal(routed, documented) {
			t.Fatalf("routes and document differ:\nrouted     %v\ndocumented %v", routed, documented)
		}

		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			t.Fatal(err)
		}
		opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
		covered := map[string]bool{} // "path status"
		validate := func(req *http.Request, res *response) {
			t.Helper()
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("%s: not in the document: %v", req.URL, err)
			}
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
				Status:                 res.StatusCode, Header: res.Header, Options: opts,
			}
			in.SetBodyBytes([]byte(res.Body))
			if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
				t.Errorf("%s (%d) does not match the document: %v\n%s", req.URL, res.StatusCode, err, truncate(res.Body, 500))
			}
			covered[route.Path+" "+itoa(int64(res.StatusCode))] = true
		}
		// check fetches path, wants the status and validates the response; a
		// 200 is fetched again with its ETag and must give a valid 304.
		check := func(path string, want int) *response {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
			res := b.do(req)
			if res.StatusCode != want {
				t.Fatalf("%s: status %d, want %d: %s", path, res.StatusCode, want, truncate(res.Body, 300))
			}
			validate(req, res)
			if res.StatusCode == 200 {
				req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
				req.Header.Set("If-None-Match", res.Header.Get("ETag"))
				again := b.do(req)
				if again.StatusCode != http.StatusNotModified {
					t.Fatalf("%s with its ETag: status %d, want 304", path, again.StatusCode)
				}
				validate(req, again)
			}
			return res
		}
		lists := []string{"/api/v1/localities", "/api/v1/localities?phase=genomforande", "/api/v1/localities/bettna/groups",
			"/api/v1/groups", "/api/v1/groups?locality=vadsbro", "/api/v1/meetings", "/api/v1/meetings?locality=bettna&from=2020-01-01&to=2040-01-01",
			"/api/v1/ideas", "/api/v1/ideas?sort=supports&locality=bettna", "/api/v1/localities/halleforsnas/facts",
			"/api/v1/localities/halleforsnas/swot", "/api/v1/swot", "/api/v1/swot?locality=halleforsnas"}
		for _, l := range lists {
			sep := "?"
			if strings.Contains(l, "?") {
				sep = "&"
			}
			// Every page of a small page size, so first, middle and last pages validate.
			path := l + sep + "limit=2"
			for path != "" {
				var p apiListPage
				json.Unmarshal([]byte(check(path, 200).Body), &p)
				path = ""
				if p.Links.Next != nil {
					u, _ := url.Parse(*p.Links.Next)
					path = u.RequestURI()
				}
			}
			check(l+sep+"limit=0", 400)
			check(l+sep+"cursor=%C3%A5", 400)
		}
		check("/api/v1/groups?locality=atlantis", 404)
		check("/api/v1/localities/atlantis/groups", 404)
		check("/api/v1/meetings?locality=atlantis", 404)
		check("/api/v1/ideas?locality=atlantis", 404)
		check("/api/v1/localities/atlantis/facts", 404)
		check("/api/v1/localities/atlantis/swot", 404)
		check("/api/v1/swot?locality=atlantis", 404)
		check("/api/v1/openapi.json", 200)
		ls, _ := db.ListLocalities(ctx)
		for _, l := range ls {
			check("/api/v1/localities/"+l.Slug, 200)
		}
		check("/api/v1/localities/atlantis", 404)
		ms, _ := db.Meetings(ctx, ortsplan.MeetingFilter{})
		for _, m := range ms {
			check("/api/v1/meetings/"+itoa(m.ID), 200)
		}
		check("/api/v1/meetings/"+itoa(d.meeting+1000), 404)
		for _, id := range d.ideas {
			check("/api/v1/ideas/"+itoa(id), 200)
		}
		check("/api/v1/ideas/"+itoa(d.hidden), 404)
		for _, p := range []string{"/api/v1/effects", "/api/v1/effects?period=year", "/api/v1/effects?locality=bettna&period=quarter"} {
			check(p, 200)
		}
		check("/api/v1/effects?period=month", 400)
		check("/api/v1/effects?locality=atlantis", 404)
		// Surveys: an open one (results not yet public) and a closed one with answers.
		open := openSurvey(t, db, mustLocality(t, db, "bettna").ID, "Öppen enkät")
		closed := openSurvey(t, db, 0, "Stängd enkät")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(db.AnswerSurvey(ctx, &ortsplan.SurveyResponse{SurveyID: closed.ID, Answers: []ortsplan.SurveyAnswer{{Choices: []int{1}}, {}, {Value: 5}, {Text: "Bra"}}}, "api-test-browser-token"))
		today := ortsplan.SurveyDay(time.Now(), time.UTC)
		closed.Opens, closed.Closes = today.AddDate(0, 0, -30), today.AddDate(0, 0, -2)
		must(db.SaveSurvey(ctx, closed))
		check("/api/v1/surveys", 200)
		check("/api/v1/surveys?locality=bettna", 200)
		check("/api/v1/surveys?locality=atlantis", 404)
		if r := check("/api/v1/surveys/"+itoa(open.ID), 200); !strings.Contains(r.Body, `"results": null`) {
			t.Errorf("open survey's results in the API: %s", truncate(r.Body, 400))
		}
		if r := check("/api/v1/surveys/"+itoa(closed.ID), 200); !strings.Contains(r.Body, `"mean": 5`) || strings.Contains(r.Body, `"Bra"`) {
			t.Errorf("closed survey in the API: %s", truncate(r.Body, 1500))
		}
		check("/api/v1/surveys/999999", 404)
		// Plan revisions and matters: only published matters; paged through every one.
		bettna := mustLocality(t, db, "bettna")
		must(db.MakeEdition(ctx, &ortsplan.PlanEdition{LocalityID: bettna.ID, Year: 2014, Decision: ortsplan.Decision{On: time.Date(2014, 10, 6, 0, 0, 0, 0, time.UTC), Body: "Kommunstyrelsen", Reference: "KS 2014/88"}}))
		must(db.MakeEdition(ctx, &ortsplan.PlanEdition{LocalityID: bettna.ID, Year: 2015, Decision: ortsplan.Decision{On: time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC), Body: "Kommunstyrelsen"}}))
		var matters []int64
		for i, st := range []ortsplan.MatterStatus{ortsplan.MatterSent, ortsplan.MatterRefused, ortsplan.MatterSent} {
			m := &ortsplan.Matter{LocalityID: bettna.ID, Title: fmt.Sprintf("API-ärende %d", i), Recipient: "Trafikverket",
				SentOn: time.Date(2025, 3, 1+i, 0, 0, 0, 0, time.UTC), Status: st}
			if st == ortsplan.MatterRefused {
				m.AnsweredOn, m.Answer = time.Date(2025, 5, 2, 0, 0, 0, 0, time.UTC), "Nej."
			}
			must(db.SaveMatter(ctx, m))
			if i < 2 {
				must(db.PublishMatter(ctx, m.ID))
			}
			matters = append(matters, m.ID)
		}
		check("/api/v1/plan-revisions", 200)
		if r := check("/api/v1/plan-revisions?locality=bettna&limit=1", 200); !strings.Contains(r.Body, `"year": 2014`) || !strings.Contains(r.Body, `"next_cursor": "`) {
			t.Errorf("first page of Bettna's revisions: %s", truncate(r.Body, 600))
		}
		check("/api/v1/plan-revisions?locality=atlantis", 404)
		check("/api/v1/plan-revisions?limit=0", 400)
		if r := check("/api/v1/matters?locality=bettna", 200); strings.Contains(r.Body, "API-ärende 2") || !strings.Contains(r.Body, "API-ärende 1") {
			t.Errorf("matters in the API: %s", truncate(r.Body, 800))
		}
		check("/api/v1/matters?status=avslaget", 200)
		check("/api/v1/matters?status=klart", 400)
		check("/api/v1/matters?locality=atlantis", 404)
		check("/api/v1/matters/"+itoa(matters[0]), 200)
		check("/api/v1/matters/"+itoa(matters[2]), 404) // not published
		check("/api/v1/matters/x", 404)

		// Quickfixes: three granted, one of them reported and paid, and one waiting (never listed);
		// the demo's are listed too.
		var res int64
		must(db.SQL().QueryRow(`INSERT INTO residents (email, name, lang, created_at) VALUES ('api-qf@example.se', 'Sökande', 'sv', $1) RETURNING id`,
			time.Now().UTC()).Scan(&res))
		must(db.SetQuickfixBudget(ctx, &ortsplan.QuickfixBudget{Year: time.Now().In(i18n.Stockholm()).Year(), Amount: 50000}))
		bettna = mustLocality(t, db, "bettna")
		for n := 0; n < 4; n++ {
			q := &ortsplan.Quickfix{LocalityID: bettna.ID, Kind: ortsplan.ApplicantGroup, Organisation: "Trafikgruppen", Title: "Skylt " + itoa(int64(n)),
				Place: "Vid 52:an", Description: "En skylt.", Cost: 2000, OwnEffort: "Vi sätter upp den."}
			must(db.ApplyQuickfix(sqltest.AsResident(ctx, res), q))
			if n == 3 {
				continue
			}
			must(db.DecideQuickfix(ctx, ortsplan.QuickfixDecision{QuickfixID: q.ID, Status: ortsplan.QuickfixGranted, Amount: 1500}))
			if n == 0 {
				must(db.ReportQuickfix(sqltest.AsResident(ctx, res), q.ID, "Skylten sitter uppe.", nil))
				must(db.RecordQuickfixPayment(ctx, ortsplan.QuickfixPayment{QuickfixID: q.ID, On: time.Now(), Amount: 1500}))
			}
		}
		seenQF := 0
		for path := "/api/v1/quickfixes?limit=2"; path != ""; {
			var p apiListPage
			r := check(path, 200)
			json.Unmarshal([]byte(r.Body), &p)
			seenQF += strings.Count(r.Body, `"title": "Skylt `)
			path = ""
			if p.Links.Next != nil {
				u, _ := url.Parse(*p.Links.Next)
				path = u.RequestURI()
			}
		}
		if seenQF != 3 {
			t.Errorf("quickfixes in the API: %d, want the 3 granted", seenQF)
		}
		check("/api/v1/quickfixes?locality=bettna", 200)
		check("/api/v1/quickfixes?limit=0", 400)
		check("/api/v1/quickfixes?locality=atlantis", 404)

		// Every documented response of every path was seen.
		for _, path := range documented {
			for code := range doc.Paths.Value(path).Get.Responses.Map() {
				if !covered[path+" "+code] {
					t.Errorf("no test response for %s %s", path, code)
				}
			}
		}
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
