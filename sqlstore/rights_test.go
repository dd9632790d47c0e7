package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func queryStrings(t *testing.T, q interface {
	Query(string, ...any) (*sql.Rows, error)
}, query string, args ...any) []string {
	t.Helper()
	rows, err := q.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// rightsFixture is two localities with a row of every kind in each, and
// the accounts that act on them.
type rightsFixture struct {
	own, other *ortsplan.Locality // Flen: the actors' own; Malmköping: the target
	ownIdea    *ortsplan.Idea
	ownComment *ortsplan.Comment
	idea       *ortsplan.Idea // Malmköping's
	comment    *ortsplan.Comment
	hiddenIdea *ortsplan.Idea // Malmköping's, hidden
	theme      *ortsplan.Theme
	action     *ortsplan.Action
	meeting    *ortsplan.Meeting
	group      *ortsplan.Group
	org        *ortsplan.Organisation
	signUp     *ortsplan.SignUp
	file       *ortsplan.MeetingFile
	// Rows only the archiving cases (run last) archive.
	archTheme   *ortsplan.Theme
	archAction  *ortsplan.Action
	archMeeting *ortsplan.Meeting
	resident    int64
	matter      *ortsplan.Matter // Malmköping's, not published
	editor      *ortsplan.User   // an official of Malmköping: may
	admin       *ortsplan.User
	actors      map[string]context.Context // may not
}

func newRightsFixture(t *testing.T, db *sqlstore.DB) *rightsFixture {
	t.Helper()
	ctx := sqltest.System()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := &rightsFixture{}
	f.own = mustCreateLocality(t, db, "flen", "Flen")
	f.other = mustCreateLocality(t, db, "malmkoping", "Malmköping")
	f.editor = mustCreateUser(t, db, "malm@example.se", ortsplan.RoleOfficial, "malmkoping")
	f.admin = mustCreateUser(t, db, "admin@example.se", ortsplan.RoleAdmin)
	official := mustCreateUser(t, db, "flen@example.se", ortsplan.RoleOfficial, "flen")
	leader := mustCreateUser(t, db, "ledare@example.se", ortsplan.RoleGroupLeader, "flen")
	gone := mustCreateUser(t, db, "slutat@example.se", ortsplan.RoleOfficial, "malmkoping")
	must(db.SetUserActive(ctx, gone.ID, false))
	f.resident = mustResident(t, db, "bo@example.se", "Bo", f.other.ID)
	f.actors = map[string]context.Context{
		"anonymous":                 context.Background(),
		"resident":                  sqltest.AsResident(context.Background(), f.resident),
		"deactivated official":      sqltest.AsUser(context.Background(), gone),
		"official of another place": sqltest.AsUser(context.Background(), official),
		"group leader of another":   sqltest.AsUser(context.Background(), leader),
	}

	f.theme = &ortsplan.Theme{LocalityID: f.other.ID, Title: "Torget"}
	must(db.SaveTheme(ctx, f.theme))
	f.action = &ortsplan.Action{ThemeID: f.theme.ID, Title: "Bänkar", Status: ortsplan.ActionOngoing, Progress: 10}
	must(db.SaveAction(ctx, f.action))
	f.group = &ortsplan.Group{LocalityID: f.other.ID, Slug: "torget", Name: "Torggruppen", Kind: ortsplan.GroupWorking, Open: true}
	must(db.SaveGroup(ctx, f.group))
	f.org = &ortsplan.Organisation{LocalityID: f.other.ID, Name: "Hembygdsföreningen", Kind: ortsplan.OrgAssociation}
	must(db.SaveOrganisation(ctx, f.org))
	start := time.Now().UTC().Add(20 * 24 * time.Hour).Truncate(time.Hour)
	f.meeting = &ortsplan.Meeting{LocalityID: f.other.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte", Start: start, End: start.Add(2 * time.Hour),
		State: ortsplan.MeetingPlanned, Registration: true, Capacity: 10}
	must(db.SaveMeeting(ctx, f.meeting))
	sqltest.Register(t, db, &ortsplan.Registration{MeetingID: f.meeting.ID, Name: "Karin", Email: "karin@example.se", People: 1})
	f.file = &ortsplan.MeetingFile{MeetingID: f.meeting.ID, Kind: ortsplan.FileDocument, Title: "Dagordning",
		Variants: []ortsplan.FileVariant{{Name: "file", Key: "m-doc", ContentType: "application/pdf", Size: 10}}}
	must(db.AddMeetingFile(ctx, f.file))
	f.archTheme = &ortsplan.Theme{LocalityID: f.other.ID, Title: "Gamla stationen"}
	must(db.SaveTheme(ctx, f.archTheme))
	f.archAction = &ortsplan.Action{ThemeID: f.theme.ID, Title: "Dubblett", Status: ortsplan.ActionNotStarted}
	must(db.SaveAction(ctx, f.archAction))
	f.archMeeting = &ortsplan.Meeting{LocalityID: f.other.ID, Kind: ortsplan.MeetingOpen, Title: "Felaktigt möte", Start: start, End: start.Add(time.Hour),
		State: ortsplan.MeetingPlanned}
	must(db.SaveMeeting(ctx, f.archMeeting))
	f.signUp = &ortsplan.SignUp{LocalityID: f.other.ID, Name: "Sara", Email: "sara@example.se"}
	must(db.CreateSignUp(ctx, f.signUp))
	f.matter = &ortsplan.Matter{LocalityID: f.other.ID, Title: "Busskur vid torget", Recipient: "Region Sörmland",
		SentOn: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Status: ortsplan.MatterSent}
	must(db.SaveMatter(ctx, f.matter))

	asRes := sqltest.AsResident(ctx, f.resident)
	f.idea = &ortsplan.Idea{LocalityID: f.other.ID, Title: "Fontän", Body: "På torget"}
	must(db.CreateIdea(asRes, f.idea))
	f.comment = &ortsplan.Comment{IdeaID: f.idea.ID, Body: "Bra!"}
	must(db.AddComment(asRes, f.comment))
	f.hiddenIdea = &ortsplan.Idea{LocalityID: f.other.ID, Title: "Reklam", Body: "Köp"}
	must(db.CreateIdea(asRes, f.hiddenIdea))
	must(db.Hide(ctx, ortsplan.Moderation{IdeaID: f.hiddenIdea.ID, Kind: ortsplan.ModerateIdea, TargetID: f.hiddenIdea.ID, Reason: "Reklam"}))
	f.ownIdea = &ortsplan.Idea{LocalityID: f.own.ID, Title: "Cykelbana", Body: "Till stationen"}
	must(db.CreateIdea(asRes, f.ownIdea))
	f.ownComment = &ortsplan.Comment{IdeaID: f.ownIdea.ID, Body: "Ja!"}
	must(db.AddComment(asRes, f.ownComment))
	return f
}

// rightsCase is a service call that changes something in Malmköping. It is
// valid: the official of Malmköping may make it, and it changes the
// database. Everyone in the fixture's actors must be refused, with nothing
// changed, so that removing any one check in the store makes this fail.
type rightsCase struct {
	name string
	call func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error
}

func rightsCases() []rightsCase {
	return []rightsCase{
		{"UpdateLocality", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			l, _ := db.FindLocality(sqltest.System(), "malmkoping")
			l.Description = "Ny beskrivning"
			return db.UpdateLocality(ctx, l, nil)
		}},
		{"UpdateLocality contacts", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			l, _ := db.FindLocality(sqltest.System(), "malmkoping")
			return db.UpdateLocality(ctx, l, &ortsplan.ContactChoice{IDs: []int64{f.editor.ID}, PageOwner: f.editor.ID})
		}},
		{"SetLocalityImage", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			_, err := db.SetLocalityImage(ctx, f.other.ID, []ortsplan.FileVariant{{Name: "page", Key: "k", ContentType: "image/jpeg"}}, "Torget en sommardag")
			return err
		}},
		{"ChangePhase", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.ChangePhase(ctx, &ortsplan.PhaseChange{LocalityID: f.other.ID, Phase: ortsplan.PhaseInitial, On: time.Now()})
		}},
		{"SaveVision", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			v := &ortsplan.Vision{LocalityID: f.other.ID, Title: "Malmköping 2040", Status: ortsplan.StatusDraft}
			if old, err := db.FindVision(sqltest.System(), f.other.ID); err == nil {
				v.Version, v.Title = old.Version, old.Title+" och framåt"
			}
			return db.SaveVision(ctx, v)
		}},
		{"SavePlan", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			p, _ := db.FindPlan(sqltest.System(), f.other.ID)
			p.NextReview = p.NextReview.AddDate(0, 0, 1)
			if p.NextReview.Year() < 2000 {
				p.NextReview = time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
			}
			return db.SavePlan(ctx, p)
		}},
		{"SaveTheme new", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.SaveTheme(ctx, &ortsplan.Theme{LocalityID: f.other.ID, Title: "Nytt tema"})
		}},
		{"SaveTheme existing", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			p, _ := db.FindPlan(sqltest.System(), f.other.ID)
			t := *p.Themes[0]
			t.Title += "!"
			// The form names the actor's own locality: it does not count.
			t.LocalityID = f.own.ID
			return db.SaveTheme(ctx, &t)
		}},
		{"MoveTheme", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.MoveTheme(ctx, f.theme.ID, 1) // "Nytt tema" comes after it by now
		}},
		{"SaveAction new", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.SaveAction(ctx, &ortsplan.Action{ThemeID: f.theme.ID, Title: "Ny åtgärd", Status: ortsplan.ActionNotStarted})
		}},
		{"SaveAction existing", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			p, _ := db.FindPlan(sqltest.System(), f.other.ID)
			a := *p.FindAction(f.action.ID)
			a.Children, a.Progress = nil, a.Progress+1
			return db.SaveAction(ctx, &a)
		}},
		{"SaveAction organisations", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			p, _ := db.FindPlan(sqltest.System(), f.other.ID)
			a := *p.FindAction(f.action.ID)
			a.Children = nil
			if len(a.Organisations) == 0 {
				a.Organisations = []*ortsplan.Organisation{{ID: f.org.ID}}
			} else {
				a.Organisations = nil
			}
			return db.SaveAction(ctx, &a)
		}},
		{"MoveAction", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.MoveAction(ctx, f.action.ID, 1)
		}},
		{"AddActionUpdate", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.AddActionUpdate(ctx, &ortsplan.ActionUpdate{ActionID: f.action.ID, On: time.Now(), Text: "Beställt"})
		}},
		{"SaveGroup new", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.SaveGroup(ctx, &ortsplan.Group{LocalityID: f.other.ID, Slug: fmt.Sprintf("g%d", time.Now().UnixNano()), Name: "Ny grupp", Kind: ortsplan.GroupWorking})
		}},
		{"SaveGroup existing", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			g, _ := db.FindGroup(sqltest.System(), f.other.ID, "torget")
			g.Name += "!"
			g.LocalityID = f.own.ID // does not count
			return db.SaveGroup(ctx, g)
		}},
		{"AddGroupMember", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: f.group.ID, Name: "Ny medlem"})
		}},
		{"LinkGroupOrganisation new", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.LinkGroupOrganisation(ctx, f.group.ID, &ortsplan.Organisation{Name: "Ny länkad förening", Kind: ortsplan.OrgAssociation})
		}},
		{"SaveOrganisation new", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.SaveOrganisation(ctx, &ortsplan.Organisation{LocalityID: f.other.ID, Name: "Ny förening", Kind: ortsplan.OrgAssociation})
		}},
		{"SaveOrganisation existing", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			os, _ := db.Organisations(sqltest.System(), f.other.ID)
			o := *os[0]
			o.Description += "."
			o.LocalityID = f.own.ID
			return db.SaveOrganisation(ctx, &o)
		}},
		{"LinkGroupOrganisation", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.LinkGroupOrganisation(ctx, f.group.ID, &ortsplan.Organisation{ID: f.org.ID})
		}},
		{"SaveMeeting new", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			m := *f.meeting
			m.ID, m.Version, m.Title = 0, 0, "Nytt möte"
			return db.SaveMeeting(ctx, &m)
		}},
		{"SaveMeeting existing", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			m, _ := db.FindMeeting(sqltest.System(), f.meeting.ID)
			m.Title += "!"
			m.LocalityID = f.own.ID // does not count
			return db.SaveMeeting(ctx, m)
		}},
		{"AddMeetingFile", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.AddMeetingFile(ctx, &ortsplan.MeetingFile{MeetingID: f.meeting.ID, Kind: ortsplan.FileDocument, Title: "Protokoll",
				Variants: []ortsplan.FileVariant{{Name: "file", Key: "m-prot", ContentType: "application/pdf", Size: 10}}})
		}},
		{"UpdateSignUp", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			s, _ := db.FindSignUp(sqltest.System(), f.signUp.ID)
			st := ortsplan.SignUpContacted
			if s.Status == st {
				st = ortsplan.SignUpNew
			}
			return db.UpdateSignUp(ctx, ortsplan.SignUpUpdate{ID: f.signUp.ID, Status: st, Notes: "Ringt"})
		}},
		{"AnswerIdea", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			i, _ := db.FindIdea(sqltest.System(), f.idea.ID)
			st := ortsplan.IdeaReceived
			if i.Status == st {
				st = ortsplan.IdeaPreparing
			}
			return db.AnswerIdea(ctx, ortsplan.IdeaAnswer{IdeaID: f.idea.ID, Status: st, Answer: "Tack"})
		}},
		{"Hide idea", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return toggle(ctx, db, ortsplan.Moderation{IdeaID: f.idea.ID, Kind: ortsplan.ModerateIdea, TargetID: f.idea.ID, Reason: "Olämpligt"})
		}},
		{"Hide comment", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return toggle(ctx, db, ortsplan.Moderation{IdeaID: f.idea.ID, Kind: ortsplan.ModerateComment, TargetID: f.comment.ID, Reason: "Olämpligt"})
		}},
		{"Unhide idea", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return toggle(ctx, db, ortsplan.Moderation{IdeaID: f.hiddenIdea.ID, Kind: ortsplan.ModerateIdea, TargetID: f.hiddenIdea.ID, Reason: "Granskad"})
		}},
		{"UpdateMeetingFile", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.UpdateMeetingFile(ctx, &ortsplan.MeetingFile{ID: f.file.ID, Title: fmt.Sprintf("Dagordning %d", time.Now().UnixNano())})
		}},
		{"MakeEdition", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			es, _ := db.Editions(sqltest.System(), f.other.ID)
			year := 2020 + len(es)
			return db.MakeEdition(ctx, &ortsplan.PlanEdition{LocalityID: f.other.ID, Year: year,
				Decision: ortsplan.Decision{On: time.Date(year, 12, 1, 0, 0, 0, 0, time.UTC), Body: "Kommunstyrelsen"}})
		}},
		{"SaveMatter new", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.SaveMatter(ctx, &ortsplan.Matter{LocalityID: f.other.ID, Title: "Parkbänkar", Recipient: "Tekniska avdelningen",
				SentOn: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), Status: ortsplan.MatterSent})
		}},
		{"SaveMatter existing", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			m, _ := db.FindMatter(sqltest.System(), f.matter.ID)
			m.Title += "!"
			m.LocalityID = f.own.ID // does not count
			return db.SaveMatter(ctx, m)
		}},
		{"PublishMatter", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.PublishMatter(ctx, f.matter.ID)
		}},
		// Archiving, last: each archives its own row once.
		{"ArchiveAction", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.ArchiveAction(ctx, f.archAction.ID, "Dubblett av Bänkar")
		}},
		{"ArchiveTheme", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.ArchiveTheme(ctx, f.archTheme.ID, "Ingår i Torget")
		}},
		{"ArchiveMeeting", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			return db.ArchiveMeeting(ctx, f.archMeeting.ID, "Lades in av misstag")
		}},
		{"ArchiveMeetingFile", func(ctx context.Context, db *sqlstore.DB, f *rightsFixture) error {
			_, err := db.ArchiveMeetingFile(ctx, f.file.ID, "Fel dokument")
			return err
		}},
	}
}

// toggle hides the target when it is shown and shows it when it is hidden.
func toggle(ctx context.Context, db *sqlstore.DB, m ortsplan.Moderation) error {
	hidden := false
	if m.Kind == ortsplan.ModerateIdea {
		i, _ := db.FindIdea(sqltest.System(), m.TargetID)
		hidden = i.Hidden()
	} else {
		csPage, _ := db.Comments(sqltest.System(), m.IdeaID, 1)
		cs := csPage.Comments
		for _, c := range cs {
			if c.ID == m.TargetID {
				hidden = c.Hidden()
			}
		}
	}
	if hidden {
		return db.Unhide(ctx, m)
	}
	return db.Hide(ctx, m)
}

// TestServicesDecideRights calls every changing service method on rows of
// Malmköping as each account that may not (and a resident, and nobody), and
// checks that each is refused and nothing at all changed; then as the
// official of Malmköping, who may, to show the call would have changed
// something.
func TestServicesDecideRights(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newRightsFixture(t, db)
		may := sqltest.AsUser(context.Background(), f.editor)
		for _, c := range rightsCases() {
			for name, ctx := range f.actors {
				before := sqltest.Digest(t, db)
				err := c.call(ctx, db, f)
				switch ortsplan.ErrorCode(err) {
				case ortsplan.EUNAUTHORIZED, ortsplan.EFORBIDDEN, ortsplan.ENOTFOUND:
				default:
					t.Errorf("%s as %s: %v, want a refusal", c.name, name, err)
				}
				if ch := sqltest.Changed(before, sqltest.Digest(t, db)); len(ch) > 0 {
					t.Errorf("%s as %s changed %v", c.name, name, ch)
				}
			}
			before := sqltest.Digest(t, db)
			if err := c.call(may, db, f); err != nil {
				t.Errorf("%s as the official of Malmköping: %v", c.name, err)
			} else if len(sqltest.Changed(before, sqltest.Digest(t, db))) == 0 {
				t.Errorf("%s as the official of Malmköping changed nothing: the case proves nothing", c.name)
			}
		}
	})
}

// TestModerationTargetMustBelongToTheIdea is the hole the attacker found: an
// official of Flen moderating "a Flen idea" while the form names a
// Malmköping idea or comment as the target. The idea decides the locality,
// and the target must be the idea or one of its comments.
func TestModerationTargetMustBelongToTheIdea(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newRightsFixture(t, db)
		for _, name := range []string{"official of another place", "group leader of another"} {
			ctx := f.actors[name]
			for _, m := range []ortsplan.Moderation{
				{IdeaID: f.ownIdea.ID, Kind: ortsplan.ModerateIdea, TargetID: f.idea.ID, Reason: "x"},
				{IdeaID: f.ownIdea.ID, Kind: ortsplan.ModerateComment, TargetID: f.comment.ID, Reason: "x"},
				{IdeaID: f.idea.ID, Kind: ortsplan.ModerateComment, TargetID: f.ownComment.ID, Reason: "x"},
				{IdeaID: f.ownIdea.ID, Kind: ortsplan.ModerateIdea, TargetID: f.hiddenIdea.ID, Reason: "x"},
			} {
				before := sqltest.Digest(t, db)
				for _, fn := range []func(context.Context, ortsplan.Moderation) error{db.Hide, db.Unhide} {
					if err := fn(ctx, m); err == nil {
						t.Errorf("%s moderated %+v", name, m)
					}
				}
				if ch := sqltest.Changed(before, sqltest.Digest(t, db)); len(ch) > 0 {
					t.Errorf("%s moderating %+v changed %v", name, m, ch)
				}
			}
			if i, _ := db.FindIdea(sqltest.System(), f.idea.ID); i.Hidden() {
				t.Fatal("Malmköping's idea was hidden from Flen")
			}
		}
		// Their own locality's idea and comment they may hide and show again.
		ctx := f.actors["official of another place"]
		own := ortsplan.Moderation{IdeaID: f.ownIdea.ID, Kind: ortsplan.ModerateComment, TargetID: f.ownComment.ID, Reason: "Personangrepp"}
		if err := db.Hide(ctx, own); err != nil {
			t.Fatal(err)
		}
		own.Reason = "Granskad igen: inget personangrepp"
		if err := db.Unhide(ctx, own); err != nil {
			t.Fatal(err)
		}
		csPage, _ := db.Comments(ctx, f.ownIdea.ID, 1)
		cs := csPage.Comments
		if cs[0].Hidden() || cs[0].RestoredReason != own.Reason || cs[0].RestoredAt.IsZero() {
			t.Fatalf("shown again without its reason: %+v", cs[0])
		}
		if err := db.Unhide(ctx, own); ortsplan.ErrorKey(err) != "moderation.not_hidden" {
			t.Fatalf("showing a shown comment: %v", err)
		}
		var actions []string
		actions = queryStrings(t, db.SQL(), "SELECT action || ':' || reason FROM moderation_log WHERE kind = 'comment' AND target_id = $1 ORDER BY id", f.ownComment.ID)
		if strings.Join(actions, "|") != "hide:Personangrepp|unhide:Granskad igen: inget personangrepp" {
			t.Fatalf("moderation log: %v", actions)
		}
	})
}

// TestPersonalDataReadsNeedTheRight: sign-ups, registrations, reports and
// the outbox are personal data; the services hand them only to those who
// may see them.
func TestPersonalDataReadsNeedTheRight(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newRightsFixture(t, db)
		must(t, db.Report(sqltest.System(), ortsplan.Report{IdeaID: f.idea.ID, Kind: ortsplan.ModerateIdea, TargetID: f.idea.ID, Reason: "Olämpligt"}))
		for name, ctx := range f.actors {
			if _, err := db.FindSignUp(ctx, f.signUp.ID); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
				t.Errorf("%s: FindSignUp %v", name, err)
			}
			if list, _ := db.SignUps(ctx, ortsplan.SignUpFilter{LocalityIDs: []int64{f.other.ID}}); len(list) != 0 {
				t.Errorf("%s: SignUps listed %d", name, len(list))
			}
			if regs, err := db.Registrations(ctx, f.meeting.ID); err == nil || len(regs) != 0 {
				t.Errorf("%s: Registrations %d %v", name, len(regs), err)
			}
			if reps, _ := db.OpenReports(ctx); len(reps) != 0 {
				t.Errorf("%s: OpenReports %d", name, len(reps))
			}
			if ms, err := db.ListMessages(ctx, 10); err == nil || len(ms) != 0 {
				t.Errorf("%s: ListMessages %d %v", name, len(ms), err)
			}
			if fs, _ := db.MeetingFiles(ctx, f.meeting.ID); len(fs) != 0 {
				t.Errorf("%s: files of an unpublished meeting: %d", name, len(fs))
			}
			if us, err := db.ListUsers(ctx); err == nil || len(us) != 0 {
				t.Errorf("%s: ListUsers %d %v", name, len(us), err)
			}
		}
		may := sqltest.AsUser(context.Background(), f.editor)
		if _, err := db.FindSignUp(may, f.signUp.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.SignUps(may, ortsplan.SignUpFilter{}); len(list) != 1 {
			t.Fatalf("the official sees %d sign-ups", len(list))
		}
		if regs, _ := db.Registrations(may, f.meeting.ID); len(regs) != 1 {
			t.Fatalf("the official sees %d registrations", len(regs))
		}
		if reps, _ := db.OpenReports(may); len(reps) != 1 {
			t.Fatalf("the official sees %d reports", len(reps))
		}
		if fs, _ := db.MeetingFiles(may, f.meeting.ID); len(fs) != 1 {
			t.Fatalf("the official sees %d files", len(fs))
		}
		must(t, db.EnqueueMessage(sqltest.System(), &ortsplan.Message{To: "karin@example.se", Subject: "Välkommen", Text: "Hej"}))
		if ms, err := db.ListMessages(sqltest.AsUser(context.Background(), f.admin), 10); err != nil || len(ms) == 0 {
			t.Fatalf("the admin reads the outbox: %d %v", len(ms), err)
		}
		// Staff may list staff for choosing contacts, without their addresses.
		staff, err := db.ListStaff(may)
		if err != nil || len(staff) == 0 || staff[0].Email != "" {
			t.Fatalf("ListStaff: %v %+v", err, staff)
		}
	})
}

// TestActingAccountIsReadAgain: rights come from the account as stored when
// the call is made, not as it was when the request began.
func TestActingAccountIsReadAgain(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		f := newRightsFixture(t, db)
		stale := *f.editor // what a request loaded before the admin acted
		ctx := sqltest.AsUser(context.Background(), &stale)
		admin := sqltest.AsUser(context.Background(), f.admin)
		theme := func() error {
			return db.SaveTheme(ctx, &ortsplan.Theme{LocalityID: f.other.ID, Title: "Ännu ett tema"})
		}
		must(t, theme())
		must(t, db.SetUserLocalities(admin, f.editor.ID, []string{"flen"}))
		if err := theme(); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("after reassignment: %v", err)
		}
		must(t, db.SetUserLocalities(admin, f.editor.ID, []string{"malmkoping"}))
		must(t, db.SetUserActive(admin, f.editor.ID, false))
		if err := theme(); ortsplan.ErrorCode(err) != ortsplan.EUNAUTHORIZED {
			t.Fatalf("after deactivation: %v", err)
		}
		if err := db.SetUserActive(admin, f.admin.ID, false); ortsplan.ErrorKey(err) != "admin.cannot_deactivate_self" {
			t.Fatalf("an admin deactivated themself: %v", err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
