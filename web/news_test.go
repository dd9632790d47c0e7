package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// The home page and a locality's Aktuellt show what is happening: the next
// meetings, the latest ideas and the latest plan changes; a locality's page
// only its own.
func TestHomeAndLocalityShowWhatIsHappening(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		skebo := mustLocality(t, db, "skebokvarn")
		start := time.Now().Add(9 * 24 * time.Hour).Truncate(time.Hour)
		m := &ortsplan.Meeting{LocalityID: skebo.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om bryggorna", Start: start,
			End: start.Add(2 * time.Hour), PlaceName: "Bygdegården", State: ortsplan.MeetingPlanned}
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveTheme(ctx, &ortsplan.Theme{LocalityID: skebo.ID, Title: "Badplatsen"}); err != nil {
			t.Fatal(err)
		}
		v := s.browser()
		home := v.get("/")
		wantStatus(t, home, http.StatusOK)
		news := text(home, "section.news")
		for _, want := range []string{"Stormöte om bryggorna", "Skebokvarn", "Badplatsen"} {
			if !strings.Contains(news, want) {
				t.Errorf("the home page's news lack %q: %q", want, news)
			}
		}
		if home.Doc.Find(`section.news a[href="/moten/`+itoa(m.ID)+`"]`).Length() != 1 {
			t.Error("the home page does not link the coming meeting")
		}
		page := v.get("/orter/skebokvarn")
		if got := text(page, "section.news"); !strings.Contains(got, "Stormöte om bryggorna") || !strings.Contains(got, "Badplatsen") {
			t.Errorf("Skebokvarn's Aktuellt lacks its news: %q", got)
		}
		if got := text(v.get("/orter/bettna"), "section.news"); strings.Contains(got, "Stormöte om bryggorna") || strings.Contains(got, "Badplatsen") {
			t.Errorf("Bettna's Aktuellt shows Skebokvarn's news: %q", got)
		}
	})
}
