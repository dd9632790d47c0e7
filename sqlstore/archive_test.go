package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// archiveFixture is a locality with a focus area, a late action with a
// sub-action, a held meeting with published notes, a photo and a document,
// all under words only they use ("Zebrakorsning" and friends), so every
// public list can be asked whether it still shows them.
type archiveFixture struct {
	loc                 *ortsplan.Locality
	editor, other       *ortsplan.User
	theme               *ortsplan.Theme
	action, sub, other2 *ortsplan.Action
	meeting             *ortsplan.Meeting
	photo, doc          *ortsplan.MeetingFile
}

func newArchiveFixture(t *testing.T, db *sqlstore.DB) *archiveFixture {
	t.Helper()
	ctx := sqltest.System()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := &archiveFixture{loc: mustCreateLocality(t, db, "malmkoping", "Malmköping")}
	mustCreateLocality(t, db, "flen", "Flen")
	f.editor = mustCreateUser(t, db, "malm@example.se", ortsplan.RoleOfficial, "malmkoping")
	f.other = mustCreateUser(t, db, "flen@example.se", ortsplan.RoleOfficial, "flen")
	f.theme = &ortsplan.Theme{LocalityID: f.loc.ID, Title: "Zebratrafik", Description: "Säkra vägar"}
	must(db.SaveTheme(ctx, f.theme))
	past := time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)
	f.action = &ortsplan.Action{ThemeID: f.theme.ID, Title: "Zebrakorsning vid skolan", Status: ortsplan.ActionOngoing, Progress: 20, End: past}
	must(db.SaveAction(ctx, f.action))
	f.sub = &ortsplan.Action{ThemeID: f.theme.ID, ParentID: f.action.ID, Title: "Zebraskyltar", Status: ortsplan.ActionNotStarted, End: past}
	must(db.SaveAction(ctx, f.sub))
	f.other2 = &ortsplan.Action{ThemeID: f.theme.ID, Title: "Cykelställ", Status: ortsplan.ActionOngoing, Progress: 50}
	must(db.SaveAction(ctx, f.other2))
	must(db.AddActionUpdate(ctx, &ortsplan.ActionUpdate{ActionID: f.action.ID, On: past, Text: "Zebralinjer beställda"}))
	start := time.Now().UTC().Add(-10 * 24 * time.Hour).Truncate(time.Hour)
	f.meeting = &ortsplan.Meeting{LocalityID: f.loc.ID, Kind: ortsplan.MeetingOpen, Title: "Zebramöte", Start: start, End: start.Add(time.Hour),
		State: ortsplan.MeetingHeld, Report: "Vi talade om zebror", ReportPublished: start, Participants: 12}
	must(db.SaveMeeting(ctx, f.meeting))
	f.photo = &ortsplan.MeetingFile{MeetingID: f.meeting.ID, Kind: ortsplan.FilePhoto, Alt: "Barn vid en zebrakorsning",
		Variants: []ortsplan.FileVariant{{Name: "large", Key: "z-large", ContentType: "image/jpeg", Width: 800, Height: 600}}}
	must(db.AddMeetingFile(ctx, f.photo))
	f.doc = &ortsplan.MeetingFile{MeetingID: f.meeting.ID, Kind: ortsplan.FileDocument, Title: "Zebraprotokoll",
		Variants: []ortsplan.FileVariant{{Name: "file", Key: "z-doc", ContentType: "application/pdf", Size: 10}}}
	must(db.AddMeetingFile(ctx, f.doc))
	return f
}

func searchHits(t *testing.T, db *sqlstore.DB, text string) int {
	t.Helper()
	res, err := db.Search(context.Background(), ortsplan.SearchQuery{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func counter(t *testing.T, db *sqlstore.DB, scope int64) int64 {
	t.Helper()
	var v int64
	if err := db.SQL().QueryRow("SELECT version FROM change_counters WHERE scope = $1", scope).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func archivedRevision(t *testing.T, db *sqlstore.DB, localityID int64, kind string, id int64) *ortsplan.Revision {
	t.Helper()
	revs, err := db.Revisions(context.Background(), localityID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		if r.Kind == kind && r.EntityID == id && r.Action == "archived" {
			return r
		}
	}
	return nil
}

// TestArchiveAction: an action and its sub-action leave the plan, the
// outline, the summaries, search, the late list and the effects, while the
// rows stay with who, when and why, and the history says so with the reason.
func TestArchiveAction(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newArchiveFixture(t, db)
		ctx := context.Background()
		may := sqltest.AsUser(ctx, f.editor)
		if n := searchHits(t, db, "zebrakorsning"); n == 0 {
			t.Fatal("the action is not found before archiving")
		}
		w, _ := db.Workload(may, 0)
		if w.LateActions != 2 {
			t.Fatalf("late actions before: %d", w.LateActions)
		}
		before, _ := db.Effects(ctx, f.loc.ID, ortsplan.PeriodYear)

		// Refused: no reason, a reason too short, and an official of another locality.
		for _, reason := range []string{"", "  ", "ja"} {
			if err := db.ArchiveAction(may, f.action.ID, reason); ortsplan.ErrorCode(err) != ortsplan.EINVALID || ortsplan.FieldErrors(err)["archive_reason"] == "" {
				t.Errorf("reason %q: %v, want EINVALID on archive_reason", reason, err)
			}
		}
		if err := db.ArchiveAction(sqltest.AsUser(ctx, f.other), f.action.ID, "Dubblett"); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Errorf("official of Flen: %v, want EFORBIDDEN", err)
		}
		if err := db.ArchiveAction(ctx, f.action.ID, "Dubblett"); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Errorf("nobody: %v, want EUNAUTHORIZED", err)
		}
		c0, cl := counter(t, db, 0), counter(t, db, f.loc.ID)

		if err := db.ArchiveAction(may, f.action.ID, "  Dubblett av Trafiksäkerhet 3 "); err != nil {
			t.Fatal(err)
		}
		if counter(t, db, 0) == c0 || counter(t, db, f.loc.ID) == cl {
			t.Error("the change counters did not move")
		}
		if err := db.ArchiveAction(may, f.action.ID, "Igen"); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Errorf("archived twice: %v, want ECONFLICT", err)
		}

		p, err := db.FindPlan(ctx, f.loc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.FindAction(f.action.ID) != nil || p.FindAction(f.sub.ID) != nil || p.FindAction(f.other2.ID) == nil {
			t.Error("the plan still shows the archived action or its sub-action, or lost the other")
		}
		out, _ := db.PlanOutline(ctx, f.loc.ID)
		if out.FindAction(f.action.ID) != nil || out.FindAction(f.sub.ID) != nil {
			t.Error("the outline still shows the archived action")
		}
		ov, err := db.LocalityOverview(ctx, "malmkoping")
		if err != nil {
			t.Fatal(err)
		}
		if ov.Outline.FindAction(f.action.ID) != nil {
			t.Error("the overview still shows the archived action")
		}
		sums, _ := db.LocalitySummaries(ctx)
		for _, s := range sums {
			if s.ID == f.loc.ID && (s.ActionCount != 1 || s.Progress != 50) {
				t.Errorf("summary: %d actions, %.0f %%; want 1 and 50", s.ActionCount, s.Progress)
			}
		}
		for _, q := range []string{"zebrakorsning", "zebraskyltar", "zebralinjer"} {
			if n := searchHits(t, db, q); n != 0 {
				t.Errorf("search %q: %d hits after archiving", q, n)
			}
		}
		if w, _ := db.Workload(may, 0); w.LateActions != 0 {
			t.Errorf("late actions after: %d", w.LateActions)
		}
		if late, _, _ := db.LateActions(may, ortsplan.WorkFilter{}); len(late) != 0 {
			t.Errorf("late list after: %d", len(late))
		}
		after, _ := db.Effects(ctx, f.loc.ID, ortsplan.PeriodYear)
		if after.Actions != before.Actions-2 {
			t.Errorf("effects: %d actions, before %d", after.Actions, before.Actions)
		}
		// Nothing more can be done to it.
		if err := db.AddActionUpdate(may, &ortsplan.ActionUpdate{ActionID: f.action.ID, On: time.Now(), Text: "Mer"}); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("update of an archived action: %v", err)
		}
		if err := db.SaveAction(may, &ortsplan.Action{ThemeID: f.theme.ID, ParentID: f.action.ID, Title: "Ny", Status: ortsplan.ActionNotStarted}); err == nil {
			t.Error("a sub-action was added under an archived action")
		}

		// The rows stay, with who, when and why.
		for _, id := range []int64{f.action.ID, f.sub.ID} {
			var at *time.Time
			var by int64
			var reason string
			if err := db.SQL().QueryRow("SELECT archived_at, archived_by, archive_reason FROM actions WHERE id = $1", id).Scan(&at, &by, &reason); err != nil {
				t.Fatal(err)
			}
			if at == nil || by != f.editor.ID || reason != "Dubblett av Trafiksäkerhet 3" {
				t.Errorf("action %d: archived %v by %d, %q", id, at, by, reason)
			}
			r := archivedRevision(t, db, f.loc.ID, "action", id)
			if r == nil || len(r.Changes) != 1 || r.Changes[0].Field != "archive_reason" || r.Changes[0].To != "Dubblett av Trafiksäkerhet 3" {
				t.Errorf("action %d: revision %+v", id, r)
			}
		}
	})
}

// TestArchiveTheme: a focus area takes its live actions along.
func TestArchiveTheme(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newArchiveFixture(t, db)
		ctx := context.Background()
		may := sqltest.AsUser(ctx, f.editor)
		if err := db.ArchiveTheme(sqltest.AsUser(ctx, f.other), f.theme.ID, "Fel ort"); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Errorf("official of Flen: %v", err)
		}
		if err := db.ArchiveTheme(may, f.theme.ID, ""); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("no reason: %v", err)
		}
		if err := db.ArchiveTheme(may, f.theme.ID, "Slogs ihop med Torget"); err != nil {
			t.Fatal(err)
		}
		p, _ := db.FindPlan(ctx, f.loc.ID)
		if len(p.Themes) != 0 {
			t.Errorf("themes after archiving: %d", len(p.Themes))
		}
		if n := searchHits(t, db, "zebratrafik"); n != 0 {
			t.Errorf("search finds the archived theme: %d", n)
		}
		for _, id := range []int64{f.action.ID, f.sub.ID, f.other2.ID} {
			if archivedRevision(t, db, f.loc.ID, "action", id) == nil {
				t.Errorf("action %d: no archived revision", id)
			}
		}
		if archivedRevision(t, db, f.loc.ID, "theme", f.theme.ID) == nil {
			t.Error("no archived revision for the theme")
		}
		if err := db.SaveAction(may, &ortsplan.Action{ThemeID: f.theme.ID, Title: "Ny", Status: ortsplan.ActionNotStarted}); ortsplan.FieldErrors(err)["theme"] == "" {
			t.Errorf("an action added to an archived theme: %v", err)
		}
		if err := db.ArchiveTheme(may, f.theme.ID, "Igen"); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Errorf("archived twice: %v", err)
		}
	})
}

// TestArchiveMeetingAndFiles: an archived file and an archived meeting leave
// the meeting lists, the photos, the files and search; the rows stay.
func TestArchiveMeetingAndFiles(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newArchiveFixture(t, db)
		ctx := context.Background()
		may := sqltest.AsUser(ctx, f.editor)
		if photos, _ := db.LocalityPhotos(ctx, f.loc.ID, 0); len(photos) != 1 {
			t.Fatalf("photos before: %d", len(photos))
		}
		if _, err := db.ArchiveMeetingFile(sqltest.AsUser(ctx, f.other), f.photo.ID, "Fel bild"); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Errorf("official of Flen: %v", err)
		}
		m, err := db.ArchiveMeetingFile(may, f.photo.ID, "Personer som inte gett samtycke")
		if err != nil || m != f.meeting.ID {
			t.Fatalf("archive photo: %d, %v", m, err)
		}
		if photos, _ := db.LocalityPhotos(ctx, f.loc.ID, 0); len(photos) != 0 {
			t.Errorf("photos after: %d", len(photos))
		}
		if _, _, err := db.FindMeetingFile(ctx, f.photo.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("archived photo found: %v", err)
		}
		if _, _, err := db.FindMeetingFile(may, f.photo.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("archived photo found by staff: %v", err)
		}
		fs, _ := db.MeetingFiles(ctx, f.meeting.ID)
		if len(fs) != 1 || fs[0].ID != f.doc.ID {
			t.Errorf("files after archiving the photo: %v", fs)
		}
		if r := archivedRevision(t, db, f.loc.ID, "file", f.photo.ID); r == nil || r.Title != "Barn vid en zebrakorsning" {
			t.Errorf("file revision %+v", r)
		}
		if err := db.UpdateMeetingFile(may, &ortsplan.MeetingFile{ID: f.photo.ID, Alt: "Ny text"}); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("alt text of an archived photo: %v", err)
		}

		if n := searchHits(t, db, "zebramöte"); n == 0 {
			t.Fatal("meeting not found before archiving")
		}
		if err := db.ArchiveMeeting(sqltest.AsUser(ctx, f.other), f.meeting.ID, "Fel ort"); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Errorf("official of Flen: %v", err)
		}
		if err := db.ArchiveMeeting(may, f.meeting.ID, "x"); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("short reason: %v", err)
		}
		effBefore, _ := db.Effects(ctx, f.loc.ID, ortsplan.PeriodYear)
		if err := db.ArchiveMeeting(may, f.meeting.ID, "Dubblett av stormötet"); err != nil {
			t.Fatal(err)
		}
		if ms, _ := db.Meetings(ctx, ortsplan.MeetingFilter{LocalityID: f.loc.ID}); len(ms) != 0 {
			t.Errorf("meetings after: %d", len(ms))
		}
		if ms, _ := db.Meetings(ctx, ortsplan.MeetingFilter{}); len(ms) != 0 {
			t.Errorf("all meetings after: %d", len(ms))
		}
		if ms, _ := db.MeetingPage(ctx, ortsplan.MeetingPageQuery{}); len(ms) != 0 {
			t.Errorf("meeting page after: %d", len(ms))
		}
		if _, err := db.FindMeeting(ctx, f.meeting.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("archived meeting found: %v", err)
		}
		if _, _, err := db.FindMeetingFile(ctx, f.doc.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Errorf("document of an archived meeting found: %v", err)
		}
		if n := searchHits(t, db, "zebramöte"); n != 0 {
			t.Errorf("search finds the archived meeting: %d", n)
		}
		if w, _ := db.Workload(may, 0); w.MeetingsWithoutNotes != 0 || w.MeetingsSoon != 0 {
			t.Errorf("work counts after: %+v", w)
		}
		effAfter, _ := db.Effects(ctx, f.loc.ID, ortsplan.PeriodYear)
		sum := func(e *ortsplan.Effects) (n int) {
			for _, p := range e.Periods {
				n += p.Meetings
			}
			return n
		}
		if sum(effAfter) != sum(effBefore)-1 {
			t.Errorf("effects meetings: %d, before %d", sum(effAfter), sum(effBefore))
		}
		var reason string
		if err := db.SQL().QueryRow("SELECT archive_reason FROM meetings WHERE id = $1 AND archived_at IS NOT NULL", f.meeting.ID).Scan(&reason); err != nil || reason != "Dubblett av stormötet" {
			t.Errorf("meeting row: %q, %v", reason, err)
		}
		if archivedRevision(t, db, f.loc.ID, "meeting", f.meeting.ID) == nil {
			t.Error("no archived revision for the meeting")
		}
		if err := db.ArchiveMeeting(may, f.meeting.ID, "Igen igen"); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Errorf("archived twice: %v", err)
		}

		// The staff's list of what is archived, for those who may edit the locality only.
		if _, err := db.ArchivedItems(sqltest.AsUser(ctx, f.other), f.loc.ID); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Errorf("archived items for an official of Flen: %v", err)
		}
		if _, err := db.ArchivedItems(ctx, f.loc.ID); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Errorf("archived items for nobody: %v", err)
		}
		items, err := db.ArchivedItems(may, f.loc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || items[0].Kind != "meeting" || items[0].Reason != "Dubblett av stormötet" || items[0].ByName == "" || items[0].At.IsZero() ||
			items[1].Kind != "file" || items[1].Title != "Barn vid en zebrakorsning" || items[1].MeetingID != f.meeting.ID || items[1].By != f.editor.ID {
			for _, it := range items {
				t.Logf("%+v", *it)
			}
			t.Error("archived items are not the meeting and the photo, newest first")
		}
	})
}

// TestUpdateMeetingFile: a photo's alt text and title are changed, checked
// as on upload, and recorded in the history.
func TestUpdateMeetingFile(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newArchiveFixture(t, db)
		ctx := context.Background()
		may := sqltest.AsUser(ctx, f.editor)
		if err := db.UpdateMeetingFile(sqltest.AsUser(ctx, f.other), &ortsplan.MeetingFile{ID: f.photo.ID, Alt: "Barn och lärare vid övergångsstället"}); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Errorf("official of Flen: %v", err)
		}
		for _, alt := range []string{"", "IMG_2041.jpg", string(make([]byte, ortsplan.MaxAlt+1))} {
			if err := db.UpdateMeetingFile(may, &ortsplan.MeetingFile{ID: f.photo.ID, Alt: alt}); ortsplan.FieldErrors(err)["alt"] == "" {
				t.Errorf("alt %.20q: %v, want a field error", alt, err)
			}
		}
		c := counter(t, db, f.loc.ID)
		upd := &ortsplan.MeetingFile{ID: f.photo.ID, Title: "Skolvägen", Alt: "Barn och lärare vid övergångsstället"}
		if err := db.UpdateMeetingFile(may, upd); err != nil {
			t.Fatal(err)
		}
		if upd.MeetingID != f.meeting.ID || counter(t, db, f.loc.ID) == c {
			t.Errorf("meeting %d, counter %d → %d", upd.MeetingID, c, counter(t, db, f.loc.ID))
		}
		got, _, err := db.FindMeetingFile(ctx, f.photo.ID)
		if err != nil || got.Alt != upd.Alt || got.Title != "Skolvägen" {
			t.Fatalf("after: %+v, %v", got, err)
		}
		revs, _ := db.Revisions(ctx, f.loc.ID)
		if r := revs[0]; r.Kind != "file" || r.Action != "updated" || len(r.Changes) != 2 || r.Changes[1].From != "Barn vid en zebrakorsning" {
			t.Errorf("revision %+v", r)
		}
		// A document keeps no alt text.
		doc := &ortsplan.MeetingFile{ID: f.doc.ID, Title: "Protokoll", Alt: "ignored"}
		if err := db.UpdateMeetingFile(may, doc); err != nil {
			t.Fatal(err)
		}
		if d, _, _ := db.FindMeetingFile(ctx, f.doc.ID); d.Alt != "" || d.Title != "Protokoll" {
			t.Errorf("document after: %+v", d)
		}
		if err := db.UpdateMeetingFile(may, &ortsplan.MeetingFile{ID: f.doc.ID, Title: ""}); ortsplan.FieldErrors(err)["title"] == "" {
			t.Errorf("document without title: %v", err)
		}
	})
}
