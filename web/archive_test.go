package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// publicPages are the public outputs an archived row must leave: pages,
// the CSV and JSON of the open data, the calendar feeds, search and the
// sitemap (the history and the Atom feed of changes keep the record).
func publicPages(slug string) []string {
	return []string{"/orter/" + slug, "/orter/" + slug + "/handlingsplan", "/orter/" + slug + "/vision", "/orter/" + slug + "/handlingsplan.csv",
		"/api/v1/localities/" + slug, "/api/v1/localities", "/orter/" + slug + "/moten", "/orter/" + slug + "/moten.csv", "/moten.csv",
		"/api/v1/meetings", "/kalender", "/kalender.ics", "/orter/" + slug + "/kalender.ics", "/orter/" + slug + "/bilder",
		"/sok?q=zebra", "/sok?q=zebrakorsning", "/sok?q=zebram%C3%B6tet", "/sitemap.xml", "/orter/" + slug + "/effekter"}
}

func shownAnywhere(t *testing.T, b *browser, slug string, words ...string) []string {
	t.Helper()
	var out []string
	for _, p := range publicPages(slug) {
		r := b.get(p)
		if r.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, r.StatusCode)
			continue
		}
		for _, w := range words {
			if strings.Contains(r.Body, w) {
				out = append(out, p+" shows "+w)
			}
		}
	}
	return out
}

// TestArchiveThroughTheSite: staff archive an action, a focus area, a file
// and a meeting with a reason through the forms; each leaves every public
// page, feed and list, stays in the history with the reason, and the page
// after says "Arkiverat". A refused reason keeps what was typed.
func TestArchiveThroughTheSite(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		ctx := sqltest.System()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		l := mustLocality(t, db, "malmkoping")
		th := &ortsplan.Theme{LocalityID: l.ID, Title: "Zebratrafiken"}
		must(db.SaveTheme(ctx, th))
		a := &ortsplan.Action{ThemeID: th.ID, Title: "Zebrakorsning vid skolan", Status: ortsplan.ActionOngoing, Progress: 30}
		must(db.SaveAction(ctx, a))
		sub := &ortsplan.Action{ThemeID: th.ID, ParentID: a.ID, Title: "Zebraskyltar", Status: ortsplan.ActionNotStarted}
		must(db.SaveAction(ctx, sub))
		keep := &ortsplan.Action{ThemeID: th.ID, Title: "Zebrastaket", Status: ortsplan.ActionNotStarted}
		must(db.SaveAction(ctx, keep))
		start := time.Now().UTC().Add(-5 * 24 * time.Hour).Truncate(time.Hour)
		m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Zebramötet", Start: start, End: start.Add(time.Hour),
			State: ortsplan.MeetingHeld, Report: "Anteckningar om zebror", ReportPublished: start}
		must(db.SaveMeeting(ctx, m))
		pdf := []byte("%PDF-1.4\n%%EOF\n")
		must(s.storage.Put(ctx, "zebra.pdf", pdf, "application/pdf"))
		doc := &ortsplan.MeetingFile{MeetingID: m.ID, Kind: ortsplan.FileDocument, Title: "Zebraprotokoll",
			Variants: []ortsplan.FileVariant{{Name: "file", Key: "zebra.pdf", ContentType: "application/pdf", Size: int64(len(pdf))}}}
		must(db.AddMeetingFile(ctx, doc))
		photo := &ortsplan.MeetingFile{MeetingID: m.ID, Kind: ortsplan.FilePhoto, Alt: "Zebrabild från mötet",
			Variants: []ortsplan.FileVariant{{Name: "page", Key: "zebra.pdf", ContentType: "image/jpeg", Width: 40, Height: 30}}}
		must(db.AddMeetingFile(ctx, photo))

		s.user("arkiv-malm@example.se", ortsplan.RoleOfficial, "malmkoping")
		s.user("arkiv-flen@example.se", ortsplan.RoleOfficial, "flen")
		staff := s.browser()
		staff.login("arkiv-malm@example.se", testPassword)
		other := s.browser()
		other.login("arkiv-flen@example.se", testPassword)
		visitor := s.browser()
		if shown := shownAnywhere(t, visitor, "malmkoping", "Zebrakorsning"); len(shown) == 0 {
			t.Fatal("the action is shown nowhere before archiving: the test proves nothing")
		}

		// The action's edit page has the section, saying what happens.
		actionPath := "/orter/malmkoping/atgarder/" + itoa(a.ID)
		r := staff.get(actionPath)
		wantStatus(t, r, 200)
		if !strings.Contains(text(r, ".archive-box"), "historiken") || r.Doc.Find(`form[action="`+actionPath+`/arkivera"] textarea#f-archive_reason`).Length() != 1 {
			t.Fatalf("no archive section on the action's page:\n%s", truncate(text(r, ".archive-box"), 300))
		}
		// A reason too short is refused with the message, keeping the form.
		r = staff.post(actionPath+"/arkivera", url.Values{"archive_reason": {"ja"}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(text(r, "#f-archive_reason-error"), "minst 3 tecken") || r.Doc.Find("#f-archive_reason").Text() != "ja" ||
			r.Doc.Find("#f-title").AttrOr("value", "") != a.Title {
			t.Errorf("refused reason: error %q, reason %q, title %q", text(r, "#f-archive_reason-error"), r.Doc.Find("#f-archive_reason").Text(),
				r.Doc.Find("#f-title").AttrOr("value", ""))
		}
		long := strings.Repeat("å", 501)
		r = staff.post(actionPath+"/arkivera", url.Values{"archive_reason": {long}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-archive_reason").Text() != long {
			t.Error("a long reason was not kept")
		}
		// An official of another locality is refused, whatever the path says.
		r = other.post("/orter/flen/atgarder/"+itoa(a.ID)+"/arkivera", url.Values{"archive_reason": {"Fel ort"}})
		wantStatus(t, r, http.StatusForbidden)

		r = staff.post(actionPath+"/arkivera", url.Values{"archive_reason": {"Dubblett av Trafiksäkerhet 3"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = staff.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, `main [role="status"]`), "Arkiverat") {
			t.Errorf("after archiving: %q", text(r, `main [role="status"]`))
		}
		if shown := shownAnywhere(t, visitor, "malmkoping", "Zebrakorsning", "Zebraskyltar"); len(shown) > 0 {
			t.Errorf("archived action still public: %v", shown)
		}
		if !strings.Contains(visitor.get("/orter/malmkoping/handlingsplan").Body, "Zebrastaket") {
			t.Error("the action left alone is gone too")
		}
		wantStatus(t, staff.get(actionPath), http.StatusNotFound)
		r = staff.post(actionPath+"/arkivera", url.Values{"archive_reason": {"Igen"}})
		if r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusConflict {
			t.Errorf("archived twice: %d", r.StatusCode)
		}
		r = visitor.get("/orter/malmkoping/historik")
		hist := text(r, "ol.history")
		if !strings.Contains(hist, "Åtgärden arkiverades: Zebrakorsning vid skolan") || !strings.Contains(hist, "Skäl: Dubblett av Trafiksäkerhet 3") ||
			!strings.Contains(hist, "Åtgärden arkiverades: Zebraskyltar") {
			t.Errorf("history:\n%s", truncate(hist, 600))
		}

		// A photo's alt text is changed, checked as on upload.
		meetingPath := "/moten/" + itoa(m.ID)
		r = staff.get(meetingPath)
		photoForm := meetingPath + "/filer/" + itoa(photo.ID)
		alt := "file" + itoa(photo.ID) + "-alt"
		if r.Doc.Find(`form[action="`+photoForm+`"] #f-`+alt).AttrOr("value", "") != "Zebrabild från mötet" {
			t.Fatalf("no alt text form for the photo")
		}
		r = staff.post(photoForm, url.Values{alt: {"IMG_0042.JPG"}})
		wantStatus(t, r, http.StatusBadRequest)
		if text(r, "#f-"+alt+"-error") == "" || r.Doc.Find("#f-"+alt).AttrOr("value", "") != "IMG_0042.JPG" || r.Doc.Find("#fil-"+itoa(photo.ID)+"[open]").Length() != 1 {
			t.Errorf("refused alt text: %q", text(r, "#f-"+alt+"-error"))
		}
		r = staff.post(photoForm, url.Values{alt: {"Barn och en lärare vid zebralinjerna"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = staff.get(r.Header.Get("Location"))
		if text(r, `main [role="status"]`) == "" {
			t.Error("no status after changing the alt text")
		}
		if r = visitor.get(meetingPath); r.Doc.Find(`img[alt="Barn och en lärare vid zebralinjerna"]`).Length() != 1 || r.Doc.Find(".file-manage").Length() != 0 {
			t.Error("the new alt text is not shown, or the staff forms are shown to a visitor")
		}
		wantStatus(t, other.post(photoForm, url.Values{alt: {"Något annat helt"}}), http.StatusForbidden)

		// The document is served, then archived and gone for everyone.
		fileURL := "/filer/" + itoa(doc.ID) + "/file"
		r = visitor.get(fileURL)
		wantStatus(t, r, 200)
		if cc := r.Header.Get("Cache-Control"); cc != "public, no-cache" {
			t.Errorf("file Cache-Control %q", cc)
		}
		reason := "file" + itoa(doc.ID) + "-archive_reason"
		docArchive := meetingPath + "/filer/" + itoa(doc.ID) + "/arkivera"
		r = staff.post(docArchive, url.Values{reason: {""}})
		wantStatus(t, r, http.StatusBadRequest)
		if text(r, "#f-"+reason+"-error") == "" {
			t.Error("no error for a file archived without a reason")
		}
		r = staff.post(docArchive, url.Values{reason: {"Fel dokument uppladdat"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = staff.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, `main [role="status"]`), "Arkiverat") || strings.Contains(r.Body, "Zebraprotokoll") {
			t.Errorf("after archiving the file: %q", text(r, `main [role="status"]`))
		}
		wantStatus(t, visitor.get(fileURL), http.StatusNotFound)
		wantStatus(t, staff.get(fileURL), http.StatusNotFound)

		// The meeting, from its edit page.
		r = staff.get(meetingPath + "/redigera")
		if r.Doc.Find(`form[action="`+meetingPath+`/arkivera"]`).Length() != 1 {
			t.Fatal("no archive form on the meeting's edit page")
		}
		r = staff.post(meetingPath+"/arkivera", url.Values{"archive_reason": {" "}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-title").AttrOr("value", "") != "Zebramötet" || text(r, "#f-archive_reason-error") == "" {
			t.Error("refused meeting archive lost the form or the error")
		}
		wantStatus(t, other.post(meetingPath+"/arkivera", url.Values{"archive_reason": {"Fel ort"}}), http.StatusForbidden)
		r = staff.post(meetingPath+"/arkivera", url.Values{"archive_reason": {"Dubblett av stormötet"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = staff.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, `main [role="status"]`), "Arkiverat") {
			t.Errorf("after archiving the meeting: %q", text(r, `main [role="status"]`))
		}
		if shown := shownAnywhere(t, visitor, "malmkoping", "Zebramötet", "meeting/"+itoa(m.ID), "/moten/"+itoa(m.ID)+"<"); len(shown) > 0 {
			t.Errorf("archived meeting still public: %v", shown)
		}
		wantStatus(t, visitor.get(meetingPath), http.StatusNotFound)
		wantStatus(t, visitor.get(meetingPath+"/kalender.ics"), http.StatusNotFound)
		wantStatus(t, visitor.get("/api/v1/meetings/"+itoa(m.ID)), http.StatusNotFound)
		wantStatus(t, visitor.get("/filer/"+itoa(photo.ID)+"/page"), http.StatusNotFound)

		// The focus area, with the action left in it.
		themePath := "/orter/malmkoping/teman/" + itoa(th.ID)
		r = staff.get(themePath)
		if !strings.Contains(text(r, ".archive-box"), "alla dess åtgärder") {
			t.Errorf("theme archive section: %q", text(r, ".archive-box"))
		}
		r = staff.post(themePath+"/arkivera", url.Values{"archive_reason": {"Ingår nu i Torget"}})
		wantStatus(t, r, http.StatusSeeOther)
		if shown := shownAnywhere(t, visitor, "malmkoping", "Zebratrafiken", "Zebrastaket"); len(shown) > 0 {
			t.Errorf("archived theme still public: %v", shown)
		}
		hist = text(visitor.get("/orter/malmkoping/historik"), "ol.history")
		for _, want := range []string{"Fokusområdet arkiverades: Zebratrafiken", "Skäl: Ingår nu i Torget", "Mötet arkiverades: Zebramötet",
			"En fil arkiverades: Zebraprotokoll", "Åtgärden arkiverades: Zebrastaket"} {
			if !strings.Contains(hist, want) {
				t.Errorf("history lacks %q", want)
			}
		}

		// Staff see what is archived in the locality, with the reasons; nobody else does.
		r = staff.get("/orter/malmkoping/arkiv")
		wantStatus(t, r, 200)
		list := text(r, "table tbody")
		for _, want := range []string{"Zebratrafiken", "Ingår nu i Torget", "Zebrakorsning vid skolan", "Dubblett av Trafiksäkerhet 3",
			"Zebramötet", "Zebraprotokoll", "Fel dokument uppladdat"} {
			if !strings.Contains(list, want) {
				t.Errorf("the archive list lacks %q", want)
			}
		}
		if n := r.Doc.Find("table tbody tr").Length(); n != 6 {
			t.Errorf("the archive list has %d rows, want 6: the focus area, its 3 actions, the document and the meeting", n)
		}
		wantStatus(t, other.get("/orter/malmkoping/arkiv"), http.StatusForbidden)
	})
}
