package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// searchFixture is public and non-public content in two localities.
type searchFixture struct {
	sparreholm, bettna *ortsplan.Locality
	theme              *ortsplan.Theme
	action             *ortsplan.Action
	meeting            *ortsplan.Meeting
	group              *ortsplan.Group
	idea, hiddenIdea   *ortsplan.Idea
	comment            *ortsplan.Comment
	resident           int64
}

func mustResident(t testing.TB, db *sqlstore.DB, email, name string, localityID int64) int64 {
	t.Helper()
	var id int64
	err := db.SQL().QueryRow(`INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ($1, $2, $3, 'sv', $4) RETURNING id`,
		email, name, localityID, time.Now().UTC()).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newSearchFixture(t *testing.T, db *sqlstore.DB) *searchFixture {
	t.Helper()
	ctx := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "kim@example.se", ortsplan.RoleCoordinator))
	f := &searchFixture{}
	f.sparreholm = mustCreateLocality(t, db, "sparreholm", "Sparreholm")
	f.bettna = mustCreateLocality(t, db, "bettna", "Bettna")
	f.sparreholm.Description = "Ett samhälle vid sjön Hälgölen med **badplats** och tågstation."
	if err := db.UpdateLocality(ctx, f.sparreholm, nil); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.SaveVision(ctx, &ortsplan.Vision{LocalityID: f.sparreholm.ID, Title: "Sparreholm 2035",
		Body: "Ett levande samhälle där alla når skolan via trygga gångvägar.", Status: ortsplan.StatusAdopted,
		Decision: ortsplan.Decision{On: time.Date(2012, 4, 23, 0, 0, 0, 0, time.UTC), Body: "Kommunfullmäktige"}}))
	must(db.SaveVision(ctx, &ortsplan.Vision{LocalityID: f.bettna.ID, Title: "Utkast till vision",
		Body: "Hemlig utkastvision om hamnpiren.", Status: ortsplan.StatusDraft}))
	f.theme = &ortsplan.Theme{LocalityID: f.sparreholm.ID, Title: "Trafik och boende", Description: "Säkrare vägar."}
	must(db.SaveTheme(ctx, f.theme))
	f.action = &ortsplan.Action{ThemeID: f.theme.ID, Title: "Gångväg längs Nyköpingsvägen", Description: "En belyst gångväg till stationen.",
		Status: ortsplan.ActionOngoing}
	must(db.SaveAction(ctx, f.action))
	must(db.AddActionUpdate(ctx, &ortsplan.ActionUpdate{ActionID: f.action.ID, On: date("2026-05-01"),
		Text: "Förstudien om cykelbanan är klar."}))
	f.meeting = &ortsplan.Meeting{LocalityID: f.bettna.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om badplatsen",
		Start: time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC), PlaceName: "Bygdegården", State: ortsplan.MeetingHeld,
		Agenda: "Genomgång av bryggan.", Report: "Vi beslöt att måla omklädningsrummet.",
		ReportPublished: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	must(db.SaveMeeting(ctx, f.meeting))
	f.group = &ortsplan.Group{LocalityID: f.bettna.ID, Slug: "fritid", Name: "Fritidsgruppen", Kind: ortsplan.GroupWorking,
		Theme: "Kultur och fritid", Description: "Vi ordnar midsommarfirandet.", Open: true}
	must(db.SaveGroup(ctx, f.group))
	must(db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: f.group.ID, Name: "Zlatan Medlemsson", Email: "zlatan@example.se", ShowName: true}))
	f.resident = mustResident(t, db, "anna@example.se", "Annika Förslagsdotter", f.bettna.ID)
	f.idea = &ortsplan.Idea{LocalityID: f.bettna.ID, ResidentID: f.resident, Title: "Boulebana i parken", Body: "En boulebana vid lekplatsen."}
	must(db.CreateIdea(sqltest.AsResident(ctx, f.idea.ResidentID), f.idea))
	f.hiddenIdea = &ortsplan.Idea{LocalityID: f.bettna.ID, ResidentID: f.resident, Title: "Olämpligt förslag", Body: "Spam om kasinosajter."}
	must(db.CreateIdea(sqltest.AsResident(ctx, f.hiddenIdea.ResidentID), f.hiddenIdea))
	f.comment = &ortsplan.Comment{IdeaID: f.idea.ID, ResidentID: f.resident, Body: "Gärna med belysning så att man kan spela på kvällarna."}
	must(db.AddComment(sqltest.AsResident(ctx, f.comment.ResidentID), f.comment))
	// A comment made before its idea was hidden.
	must(db.AddComment(sqltest.AsResident(ctx, f.resident), &ortsplan.Comment{IdeaID: f.hiddenIdea.ID, Body: "Kasinokommentar under dold idé."}))
	must(db.Hide(ctx, ortsplan.Moderation{IdeaID: f.hiddenIdea.ID, Kind: "idea", TargetID: f.hiddenIdea.ID, Reason: "Reklam"}))
	return f
}

func search(t *testing.T, db *sqlstore.DB, q ortsplan.SearchQuery) *ortsplan.SearchResults {
	t.Helper()
	res, err := db.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// found lists the hits as kind:title.
func found(res *ortsplan.SearchResults) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, string(h.Kind)+":"+h.Title)
	}
	return out
}

func has(res *ortsplan.SearchResults, kind ortsplan.DocKind, title string) bool {
	for _, h := range res.Hits {
		if h.Kind == kind && h.Title == title {
			return true
		}
	}
	return false
}

func TestSearchFindsPublicContentSwedishAware(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newSearchFixture(t, db)
		for _, c := range []struct {
			q     string
			kind  ortsplan.DocKind
			title string
		}{
			{"gångväg", ortsplan.DocAction, "Gångväg längs Nyköpingsvägen"},
			{"gångväg", ortsplan.DocVision, "Sparreholm 2035"}, // "gångvägar"
			{"gångvägar", ortsplan.DocAction, "Gångväg längs Nyköpingsvägen"},
			{"gångvägen", ortsplan.DocVision, "Sparreholm 2035"},
			{"GANGVAG", ortsplan.DocAction, "Gångväg längs Nyköpingsvägen"},
			{"halgolen", ortsplan.DocLocality, "Sparreholm"},
			{"badplats", ortsplan.DocLocality, "Sparreholm"},
			{"badplatser", ortsplan.DocMeeting, "Stormöte om badplatsen"},
			{"omklädningsrum", ortsplan.DocMeeting, "Stormöte om badplatsen"},
			{"bygdegården", ortsplan.DocMeeting, "Stormöte om badplatsen"},
			{"förstudie", ortsplan.DocUpdate, "Gångväg längs Nyköpingsvägen"},
			{"midsommar", ortsplan.DocGroup, "Fritidsgruppen"},
			{"kultur", ortsplan.DocGroup, "Fritidsgruppen"},
			{"boulebanor", ortsplan.DocIdea, "Boulebana i parken"},
			{"kvällen", ortsplan.DocComment, "Boulebana i parken"},
			{"trafik", ortsplan.DocTheme, "Trafik och boende"},
			{"belyst gångväg", ortsplan.DocAction, "Gångväg längs Nyköpingsvägen"},
		} {
			res := search(t, db, ortsplan.SearchQuery{Text: c.q})
			if !has(res, c.kind, c.title) {
				t.Errorf("%q: want %s %q, got %v", c.q, c.kind, c.title, found(res))
			}
		}
		// Every term must match.
		if res := search(t, db, ortsplan.SearchQuery{Text: "gångväg boulebana"}); res.Total != 0 {
			t.Errorf("two unrelated words: %v", found(res))
		}
		// Links and localities.
		res := search(t, db, ortsplan.SearchQuery{Text: "kvällarna"})
		if len(res.Hits) != 1 || res.Hits[0].Path() != fmt.Sprintf("/ideer/%d#kommentar-%d", f.idea.ID, f.comment.ID) ||
			res.Hits[0].LocalityName != "Bettna" {
			t.Fatalf("comment hit: %+v", res.Hits)
		}
		if !strings.Contains(res.Hits[0].Excerpt, "kvällarna") {
			t.Errorf("excerpt %q", res.Hits[0].Excerpt)
		}
		res = search(t, db, ortsplan.SearchQuery{Text: "midsommarfirandet"})
		if len(res.Hits) != 1 || res.Hits[0].Path() != "/orter/bettna/arbetsgrupper/fritid" {
			t.Fatalf("group hit: %+v", res.Hits)
		}
	})
}

func TestSearchNeverFindsHiddenDraftOrPersonalData(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		f := newSearchFixture(t, db)
		for _, q := range []string{"hamnpiren", "utkastvision", "kasinosajter", "olämpligt", "kasinokommentar",
			"zlatan", "medlemsson", "annika", "förslagsdotter", "anna@example.se", "example"} {
			if res := search(t, db, ortsplan.SearchQuery{Text: q}); res.Total != 0 {
				t.Errorf("%q found %v", q, found(res))
			}
		}
		// A report still being written is not searchable.
		m, _ := db.FindMeeting(ctx, f.meeting.ID)
		m.Report, m.ReportPublished = "Utkast: anteckningar om vattenrutschkanan.", time.Time{}
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "vattenrutschkana"}); res.Total != 0 {
			t.Errorf("unpublished report found: %v", found(res))
		}
		m, _ = db.FindMeeting(ctx, f.meeting.ID)
		m.ReportPublished = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "vattenrutschkana"}); res.Total != 1 {
			t.Errorf("published report not found: %v", found(res))
		}
	})
}

func TestSearchReflectsChangesAtOnce(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		f := newSearchFixture(t, db)
		// Hiding a comment, then its idea.
		if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: f.comment.IdeaID, Kind: "comment", TargetID: f.comment.ID, Reason: "Personangrepp"}); err != nil {
			t.Fatal(err)
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "kvällarna"}); res.Total != 0 {
			t.Errorf("hidden comment found: %v", found(res))
		}
		other := &ortsplan.Comment{IdeaID: f.idea.ID, ResidentID: f.resident, Body: "Petanque är också roligt."}
		if err := db.AddComment(sqltest.AsResident(ctx, other.ResidentID), other); err != nil {
			t.Fatal(err)
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "petanque"}); res.Total != 1 {
			t.Errorf("new comment: %v", found(res))
		}
		if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: f.idea.ID, Kind: "idea", TargetID: f.idea.ID, Reason: "Dubblett"}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"boulebana", "petanque"} {
			if res := search(t, db, ortsplan.SearchQuery{Text: q}); res.Total != 0 {
				t.Errorf("%q after hiding the idea: %v", q, found(res))
			}
		}
		// An official answer is searchable with its idea.
		idea := &ortsplan.Idea{LocalityID: f.bettna.ID, ResidentID: f.resident, Title: "Fler papperskorgar", Body: "Vid badet."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, idea.ResidentID), idea); err != nil {
			t.Fatal(err)
		}
		if err := db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: idea.ID, Status: ortsplan.IdeaReceived,
			Answer: "Tekniska förvaltningen tömmer dem varje vecka."}); err != nil {
			t.Fatal(err)
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "förvaltningen"}); !has(res, ortsplan.DocIdea, "Fler papperskorgar") {
			t.Errorf("answer not found: %v", found(res))
		}
		// Adopting a draft vision makes it public.
		v, _ := db.FindVision(ctx, f.bettna.ID)
		v.Status = ortsplan.StatusAdopted
		v.Decision = ortsplan.Decision{On: time.Date(2013, 5, 2, 0, 0, 0, 0, time.UTC), Body: "Kommunfullmäktige"}
		if err := db.SaveVision(ctx, v); err != nil {
			t.Fatal(err)
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "hamnpiren"}); !has(res, ortsplan.DocVision, "Utkast till vision") {
			t.Errorf("adopted vision not found: %v", found(res))
		}
		// Renaming an action renames its updates, and the old words are gone.
		f.action.Title, f.action.Description = "Trottoar vid stationen", "Bredare trottoar."
		if err := db.SaveAction(ctx, f.action); err != nil {
			t.Fatal(err)
		}
		res := search(t, db, ortsplan.SearchQuery{Text: "förstudien"})
		if !has(res, ortsplan.DocUpdate, "Trottoar vid stationen") {
			t.Errorf("update after renaming the action: %v", found(res))
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "belyst"}); res.Total != 0 {
			t.Errorf("old description still found: %v", found(res))
		}
	})
}

func TestSearchRankingFiltersAndPaging(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "kim@example.se", ortsplan.RoleCoordinator))
		a := mustCreateLocality(t, db, "malmkoping", "Malmköping")
		b := mustCreateLocality(t, db, "hallbybrunn", "Hälleforsnäs")
		th := &ortsplan.Theme{LocalityID: a.ID, Title: "Natur"}
		if err := db.SaveTheme(ctx, th); err != nil {
			t.Fatal(err)
		}
		// One action has the word in its title; many have it in their body only.
		for i := range 25 {
			act := &ortsplan.Action{ThemeID: th.ID, Title: fmt.Sprintf("Åtgärd %d", i), Status: ortsplan.ActionNotStarted,
				Description: "Rensa sly och bygga en ny brygga vid sjön, och sedan mycket annat som ska göras under året."}
			if err := db.SaveAction(ctx, act); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SaveAction(ctx, &ortsplan.Action{ThemeID: th.ID, Title: "Bryggan", Status: ortsplan.ActionNotStarted}); err != nil {
			t.Fatal(err)
		}
		g := &ortsplan.Group{LocalityID: b.ID, Slug: "brygga", Name: "Bryggföreningen", Kind: ortsplan.GroupWorking, Description: "Sköter bryggorna."}
		if err := db.SaveGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		res := search(t, db, ortsplan.SearchQuery{Text: "bryggor"})
		if res.Total != 27 || res.Pages() != 2 || len(res.Hits) != 20 {
			t.Fatalf("total %d pages %d hits %d", res.Total, res.Pages(), len(res.Hits))
		}
		if top := res.Hits[0].Title + "," + res.Hits[1].Title; !strings.Contains(top, "Bryggan") || !strings.Contains(top, "Bryggföreningen") {
			t.Errorf("titles should rank first, got %v", found(res)[:3])
		}
		if res.ByKind[ortsplan.SearchPlans] != 26 || res.ByKind[ortsplan.SearchGroups] != 1 {
			t.Errorf("by kind: %v", res.ByKind)
		}
		page2 := search(t, db, ortsplan.SearchQuery{Text: "bryggor", Page: 2})
		if len(page2.Hits) != 7 || page2.Page != 2 {
			t.Fatalf("page 2: %d hits", len(page2.Hits))
		}
		seen := map[string]bool{}
		for _, h := range append(res.Hits, page2.Hits...) {
			if seen[h.Path()] {
				t.Errorf("%s on both pages", h.Path())
			}
			seen[h.Path()] = true
		}
		if r := search(t, db, ortsplan.SearchQuery{Text: "bryggor", Page: 9}); len(r.Hits) != 0 || r.Total != 27 {
			t.Errorf("page beyond the end: %d hits, total %d", len(r.Hits), r.Total)
		}
		// Filters.
		if r := search(t, db, ortsplan.SearchQuery{Text: "bryggor", Locality: "hallbybrunn"}); r.Total != 1 || r.Hits[0].Kind != ortsplan.DocGroup {
			t.Errorf("locality filter: %v", found(r))
		}
		r := search(t, db, ortsplan.SearchQuery{Text: "bryggor", Kind: ortsplan.SearchGroups})
		if r.Total != 1 || r.Hits[0].Title != "Bryggföreningen" || r.ByKind[ortsplan.SearchPlans] != 26 {
			t.Errorf("kind filter: %v %v", found(r), r.ByKind)
		}
		if r := search(t, db, ortsplan.SearchQuery{Text: "bryggor", Kind: ortsplan.SearchIdeas}); r.Total != 0 {
			t.Errorf("ideas filter: %v", found(r))
		}
		if r := search(t, db, ortsplan.SearchQuery{Text: "bryggor", Locality: "finns-inte"}); r.Total != 0 {
			t.Errorf("unknown locality: %v", found(r))
		}
		if r := search(t, db, ortsplan.SearchQuery{Text: "bryggor", PerPage: 1000}); len(r.Hits) != 27 {
			t.Errorf("per page is capped at 50: %d", len(r.Hits))
		}
	})
}

func TestSearchEnglish(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		l := mustCreateLocality(t, db, "flen", "Flen")
		r := mustResident(t, db, "sam@example.com", "Sam", l.ID)
		if err := db.CreateIdea(sqltest.AsResident(ctx, r), &ortsplan.Idea{LocalityID: l.ID, Title: "Walking paths to the libraries",
			Body: "Safer crossings."}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"walk", "walked", "library", "crossing"} {
			if res := search(t, db, ortsplan.SearchQuery{Text: q, English: true}); res.Total != 1 {
				t.Errorf("%q (English): %v", q, found(res))
			}
		}
	})
}

// TestSearchNastyQueries: whatever is typed, the search answers without an
// error; syntax characters are plain text.
func TestSearchNastyQueries(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		newSearchFixture(t, db)
		for _, c := range []struct {
			q    string
			hits bool // whether the query should still find something
		}{
			{"", false},
			{"   \t\n", false},
			{`"`, false},
			{`"gångväg`, true},
			{`gångväg"`, true},
			{`"gångväg" OR "boulebana"`, false},
			{"gångväg AND NOT", true},
			{"NEAR(gångväg boulebana)", false},
			{"gångväg*", true},
			{"*", false},
			{"^gångväg", true},
			{"title:gångväg", false},
			{"gångväg -belyst", true},
			{"(((", false},
			{"')); DROP TABLE ideas; --", false},
			{"gång\x00väg\x07", false},
			{"\u202egångväg", true},
			{"gångväg & | ! : * <->", true},
			{strings.Repeat("gångväg ", 2000), true},
			{strings.Repeat("x", 10000), false},
			{strings.Repeat("ab ", 5000), false},
			{"a b c d e f g h i j k l m n o p", false},
			{"\xff\xfe gångväg", true},
			{"och", true}, // a stop word alone is still searched for
			{"💩 gångväg", true},
			{"\u0301\u0301 ga\u030angva\u0308g", true},
			{"١٢٣ ٤٥", false},
			{"日本語 검색", false},
			{"gångväg \u200b\ufeff", true},
		} {
			res, err := db.Search(context.Background(), ortsplan.SearchQuery{Text: c.q})
			if err != nil {
				t.Errorf("%.40q: %v", c.q, err)
				continue
			}
			if got := res.Total > 0; got != c.hits {
				t.Errorf("%.40q: %d hits, want hits=%v (terms %v)", c.q, res.Total, c.hits, res.Terms)
			}
			if len(res.Terms) > 8 {
				t.Errorf("%.40q: %d terms", c.q, len(res.Terms))
			}
		}
		if res := search(t, db, ortsplan.SearchQuery{Text: "ideas"}); res.Total != 0 {
			t.Errorf("the table is still there and nothing matches: %v", found(res))
		}
	})
}

// BenchmarkSearch searches about 3,000 documents.
func BenchmarkSearch(b *testing.B) {
	for _, d := range sqltest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			db := sqltest.Open(b, d)
			ctx := sqltest.System()
			words := []string{"gångväg", "brygga", "badplats", "belysning", "skolan", "cykelbana", "lekplats", "bibliotek", "parken", "stationen"}
			var ls []int64
			for i := range 30 {
				l := &ortsplan.Locality{Slug: fmt.Sprintf("ort-%d", i), Name: fmt.Sprintf("Ort %d", i), Phase: ortsplan.PhaseInitial}
				if err := db.CreateLocality(ctx, l); err != nil {
					b.Fatal(err)
				}
				ls = append(ls, l.ID)
			}
			r := mustResident(b, db, "bench@example.se", "Bench", ls[0])
			for i := range 3000 {
				body := fmt.Sprintf("Förslag nummer %d om %s vid %s, och mer text om %s som gör beskrivningen lite längre.",
					i, words[i%len(words)], words[(i/7)%len(words)], words[(i/3)%len(words)])
				if err := db.CreateIdea(sqltest.AsResident(ctx, r), &ortsplan.Idea{LocalityID: ls[i%len(ls)],
					Title: "Idé om " + words[(i/11)%len(words)], Body: body}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := db.Search(ctx, ortsplan.SearchQuery{Text: words[i%len(words)] + "ar", Page: 1 + i%3}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSearchMigrationIndexesExistingRows: content written before migration
// 0009 is searchable once it has run.
func TestSearchMigrationIndexesExistingRows(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := sqltest.System()
			db, err := sqlstore.Open(ctx, sqltest.DSN(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ms, err := sqlstore.Migrations(d)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL().Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.Version >= 9 {
					break
				}
				if _, err := db.SQL().Exec(m.SQL); err != nil {
					t.Fatalf("%s: %v", m.Name, err)
				}
				if _, err := db.SQL().Exec("INSERT INTO schema_migrations VALUES ($1, $2, '2026-01-01')", m.Version, m.Name); err != nil {
					t.Fatal(err)
				}
			}
			l := mustCreateLocality(t, db, "bettna", "Bettna")
			r := mustResident(t, db, "a@example.se", "A", l.ID)
			shown := &ortsplan.Idea{LocalityID: l.ID, ResidentID: r, Title: "Hundrastgård", Body: "Inhägnad."}
			hidden := &ortsplan.Idea{LocalityID: l.ID, ResidentID: r, Title: "Hundrastgårdar överallt", Body: "Dold."}
			// Stored as the code of that time did: the schema is the old one.
			for _, i := range []*ortsplan.Idea{shown, hidden} {
				if err := db.SQL().QueryRow(`INSERT INTO ideas (locality_id, resident_id, author_name, title, body, status, created_at, updated_at)
					VALUES ($1, $2, 'A', $3, $4, 'ny', $5, $5) RETURNING id`, i.LocalityID, i.ResidentID, i.Title, i.Body, time.Now().UTC()).Scan(&i.ID); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Hide(ctx, ortsplan.Moderation{IdeaID: hidden.ID, Kind: "idea", TargetID: hidden.ID, Reason: "Dubblett"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			res := search(t, db, ortsplan.SearchQuery{Text: "hundrastgård"})
			if res.Total != 1 || res.Hits[0].ID != shown.ID {
				t.Fatalf("after migrating: %v", found(res))
			}
			if res := search(t, db, ortsplan.SearchQuery{Text: "bettna"}); !has(res, ortsplan.DocLocality, "Bettna") {
				t.Fatalf("locality: %v", found(res))
			}
		})
	}
}

// TestSearchCapBoundsTheWork searches a word in more items than the cap:
// the count stops at the cap and says so, the hits are the best of the
// newest matches by relevance, and the filters stay exact.
func TestSearchCapBoundsTheWork(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "kim@example.se", ortsplan.RoleCoordinator))
		malm := mustCreateLocality(t, db, "malmkoping", "Malmköping")
		bettna := mustCreateLocality(t, db, "bettna", "Bettna")
		res := mustResident(t, db, "ida@example.se", "Ida", malm.ID)
		var ids []int64
		for i := range 12 {
			loc := malm.ID
			if i%4 == 3 {
				loc = bettna.ID // 3 in Bettna
			}
			idea := &ortsplan.Idea{LocalityID: loc, ResidentID: res, Title: fmt.Sprintf("Förslag %d", i), Body: "Mer gatubelysning längs vägen."}
			if i == 10 {
				idea.Title = "Gatubelysning vid skolan" // in the title: ranks first
			}
			must(t, db.CreateIdea(sqltest.AsResident(ctx, res), idea))
			ids = append(ids, idea.ID)
		}
		db.SetSearchCap(5)
		r, err := db.Search(ctx, ortsplan.SearchQuery{Text: "gatubelysning"})
		must(t, err)
		if r.Total != 5 || !r.Capped || !r.ByKindCapped || r.ByKind[ortsplan.SearchIdeas] != 5 || r.Pages() != 1 {
			t.Fatalf("capped search: total %d capped %v, by kind %v (capped %v), %d pages", r.Total, r.Capped, r.ByKind, r.ByKindCapped, r.Pages())
		}
		newest := map[int64]bool{}
		for _, id := range ids[len(ids)-5:] {
			newest[id] = true
		}
		if len(r.Hits) != 5 || r.Hits[0].ID != ids[10] {
			t.Fatalf("hits %d, first %d; want 5, the title match %d first", len(r.Hits), r.Hits[0].ID, ids[10])
		}
		for _, h := range r.Hits {
			if !newest[h.ID] {
				t.Errorf("hit %d is not among the 5 newest matches", h.ID)
			}
		}
		// A filter is applied before the cap: Bettna's 3 are all there.
		r, err = db.Search(ctx, ortsplan.SearchQuery{Text: "gatubelysning", Locality: "bettna"})
		must(t, err)
		if r.Total != 3 || r.Capped || r.ByKindCapped || len(r.Hits) != 3 {
			t.Errorf("Bettna: total %d capped %v, %d hits; want 3, not capped", r.Total, r.Capped, len(r.Hits))
		}
		for _, h := range r.Hits {
			if h.LocalitySlug != "bettna" {
				t.Errorf("a Bettna search found %s's idea %d", h.LocalitySlug, h.ID)
			}
		}
		// Under the cap, counts are exact.
		db.SetSearchCap(50)
		r, err = db.Search(ctx, ortsplan.SearchQuery{Text: "gatubelysning"})
		must(t, err)
		if r.Total != 12 || r.Capped || r.ByKindCapped {
			t.Errorf("uncapped: total %d capped %v", r.Total, r.Capped)
		}
	})
}
