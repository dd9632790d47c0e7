package sqlstore_test

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestStaffMessages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
		db.PublicURL = "https://ortsplan.example"
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		malm := mustCreateLocality(t, db, "malmkoping", "Malmköping")
		flen := mustCreateLocality(t, db, "flen", "Flen")
		editor := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "tjansteperson@example.se", ortsplan.RoleOfficial, "malmkoping"))
		other := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "annan@example.se", ortsplan.RoleOfficial, "flen"))

		g := &ortsplan.Group{LocalityID: malm.ID, Slug: "torget", Name: "Torggruppen", Kind: ortsplan.GroupWorking, Open: true}
		must(db.SaveGroup(ctx, g))
		for _, m := range []ortsplan.GroupMember{{Name: "Ada", Email: "ada@example.se"}, {Name: "Bo", Email: "bo@example.se"},
			{Name: "Ada igen", Email: "ADA@example.se"}, {Name: "Utan adress", Phone: "070-1"}} {
			m.GroupID = g.ID
			must(db.AddGroupMember(ctx, &m))
		}

		start := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
		mt := &ortsplan.Meeting{LocalityID: malm.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte", Start: start, End: start.Add(time.Hour),
			State: ortsplan.MeetingPlanned, Registration: true, Capacity: 2}
		must(db.SaveMeeting(ctx, mt))
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: mt.ID, Name: "Först", Email: "forst@example.se", People: 1})
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: mt.ID, Name: "Andra", Email: "andra@example.se", People: 1})
		if r := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: mt.ID, Name: "Väntar", Email: "vantar@example.se", People: 1}); !r.Waitlisted {
			t.Fatal("the third registration should wait")
		}
		must(db.Register(ctx, &ortsplan.Registration{MeetingID: mt.ID, Name: "Obekräftad", Email: "obekraftad@example.se", People: 1}, ortsplan.DefaultRegistrationRule))
		cancelled := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: mt.ID, Name: "Avbokad", Email: "avbokad@example.se", People: 1})
		if _, err := db.CancelRegistration(ctx, cancelled.Token); err != nil {
			t.Fatal(err)
		}

		followers := map[string]bool{}
		for _, email := range []string{"foljare1@example.se", "foljare2@example.se", "raderad@example.se"} {
			var id int64
			must(db.SQL().QueryRow(`INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ($1, 'Boende', $2, 'sv', $3) RETURNING id`,
				email, malm.ID, time.Now().UTC()).Scan(&id))
			must(db.Follow(sqltest.AsResident(ctx, id), malm.ID, ortsplan.FollowDigest))
			if email == "raderad@example.se" {
				// A deleted resident whose follow is somehow left.
				_, err := db.SQL().Exec("UPDATE residents SET deleted_at = $1 WHERE id = $2", time.Now().UTC(), id)
				must(err)
			} else {
				followers[email] = true
			}
		}

		audiences := map[string]ortsplan.Audience{
			"group":     {Kind: ortsplan.AudienceGroup, LocalityID: malm.ID, TargetID: g.ID},
			"meeting":   {Kind: ortsplan.AudienceMeeting, LocalityID: malm.ID, TargetID: mt.ID},
			"waitlist":  {Kind: ortsplan.AudienceMeeting, LocalityID: malm.ID, TargetID: mt.ID, Waitlist: true},
			"followers": {Kind: ortsplan.AudienceFollowers, LocalityID: malm.ID},
		}
		want := map[string]struct {
			count int
			name  string
		}{"group": {2, "Torggruppen"}, "meeting": {2, "Stormöte"}, "waitlist": {3, "Stormöte"}, "followers": {2, "Malmköping"}}
		for name, a := range audiences {
			got := a
			must(db.MessageAudience(editor, &got))
			if got.Count != want[name].count || got.Name != want[name].name {
				t.Errorf("%s: %d %q, want %d %q", name, got.Count, got.Name, want[name].count, want[name].name)
			}
			refused := a
			if err := db.MessageAudience(other, &refused); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
				t.Errorf("%s: another locality's official: %v", name, err)
			}
			if err := db.SendStaffMessage(other, &ortsplan.StaffMessage{Audience: a, Subject: "Hej", Body: "Text", Nonce: "annan-nonce-" + name + "-0123456789"}); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
				t.Errorf("%s: another locality's official sends: %v", name, err)
			}
			// The locality the request names must be the row's own.
			elsewhere := a
			elsewhere.LocalityID = flen.ID
			if a.Kind != ortsplan.AudienceFollowers {
				if err := db.MessageAudience(editor, &elsewhere); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
					t.Errorf("%s named in another locality: %v", name, err)
				}
			}
		}

		outbox := func() []*ortsplan.Message {
			ms, err := db.ListMessages(ctx, 1000)
			must(err)
			return ms
		}
		before := len(outbox())
		// Refused sends queued nothing and kept nothing.
		if n := len(outbox()); n != before {
			t.Fatalf("outbox grew on refusals")
		}

		if err := db.SendStaffMessage(editor, &ortsplan.StaffMessage{Audience: audiences["group"], Subject: " ", Body: "x", Nonce: "nonce-invalid-0123456789"}); ortsplan.FieldErrors(err)["subject"] != "error.required" {
			t.Fatalf("empty subject: %v", err)
		}
		if err := db.SendStaffMessage(editor, &ortsplan.StaffMessage{Audience: audiences["group"], Subject: "Hej", Body: "x", Nonce: "kort"}); ortsplan.FieldErrors(err)["nonce"] == "" {
			t.Fatalf("bad nonce: %v", err)
		}

		msg := &ortsplan.StaffMessage{Audience: audiences["group"], Subject: "Nästa\nträff", Body: "Vi ses på torget.\r\nVälkomna!", Nonce: "grupp-nonce-0123456789"}
		must(db.SendStaffMessage(editor, msg))
		if msg.Recipients != 2 || msg.Repeated || msg.ID == 0 || msg.SenderName == "" || msg.Subject != "Nästa träff" {
			t.Fatalf("sent: %+v", msg)
		}
		queued := outbox()[:len(outbox())-before]
		if len(queued) != 2 {
			t.Fatalf("queued %d, want 2", len(queued))
		}
		to := map[string]bool{}
		for _, m := range queued {
			to[strings.ToLower(m.To)] = true
			if m.Subject != "Nästa träff" || !strings.Contains(m.Text, "Vi ses på torget.\nVälkomna!") || !strings.Contains(m.Text, "Torggruppen") {
				t.Errorf("group copy: %+v", m)
			}
			if m.Headers["List-Unsubscribe"] != "" {
				t.Errorf("a group member's copy has an unsubscribe header: %v", m.Headers)
			}
		}
		if !to["ada@example.se"] || !to["bo@example.se"] {
			t.Fatalf("group recipients: %v", to)
		}

		// The same form again (a double click, a reload) queues nothing.
		again := &ortsplan.StaffMessage{Audience: audiences["group"], Subject: "Nästa träff", Body: "Vi ses på torget.", Nonce: "grupp-nonce-0123456789"}
		must(db.SendStaffMessage(editor, again))
		if !again.Repeated || again.ID != msg.ID || again.Recipients != 2 {
			t.Fatalf("repeated send: %+v", again)
		}
		if n := len(outbox()); n != before+2 {
			t.Fatalf("outbox after the repeat: %d, want %d", n, before+2)
		}

		// Two sends of one form at the same moment: one queues, the other finds it.
		n0 := len(outbox())
		var wg sync.WaitGroup
		results := make([]*ortsplan.StaffMessage, 2)
		errs := make([]error, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = &ortsplan.StaffMessage{Audience: audiences["group"], Subject: "Samtidigt", Body: "Text", Nonce: "samtidig-nonce-0123456789"}
				errs[i] = db.SendStaffMessage(editor, results[i])
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil && ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
				t.Fatalf("concurrent send %d: %v", i, err)
			}
		}
		if n := len(outbox()); n != n0+2 {
			t.Fatalf("two sends of one form queued %d, want 2", n-n0)
		}
		if (errs[0] == nil && errs[1] == nil) && results[0].Repeated == results[1].Repeated {
			t.Fatalf("both sends say repeated=%v", results[0].Repeated)
		}

		// The meeting: the waiting list only when chosen.
		for _, c := range []struct {
			name string
			want []string
		}{{"meeting", []string{"andra@example.se", "forst@example.se"}}, {"waitlist", []string{"andra@example.se", "forst@example.se", "vantar@example.se"}}} {
			n := len(outbox())
			m := &ortsplan.StaffMessage{Audience: audiences[c.name], Subject: "Om mötet", Body: "Ta med fika.", Nonce: c.name + "-nonce-0123456789"}
			must(db.SendStaffMessage(editor, m))
			got := outbox()[:len(outbox())-n]
			var addrs []string
			for _, q := range got {
				addrs = append(addrs, q.To)
			}
			if m.Recipients != len(c.want) || strings.Join(sortedStrings(addrs), ",") != strings.Join(c.want, ",") {
				t.Errorf("%s: %d %v, want %v", c.name, m.Recipients, addrs, c.want)
			}
		}

		// Followers: each copy with the follow's own unsubscribe link and the headers.
		n := len(outbox())
		fm := &ortsplan.StaffMessage{Audience: audiences["followers"], Subject: "Nyheter", Body: "Nu börjar bygget.", Nonce: "foljare-nonce-0123456789"}
		must(db.SendStaffMessage(editor, fm))
		got := outbox()[:len(outbox())-n]
		if fm.Recipients != 2 || len(got) != 2 {
			t.Fatalf("followers: %d, queued %d", fm.Recipients, len(got))
		}
		for _, m := range got {
			var token string
			must(db.SQL().QueryRow("SELECT f.token FROM follows f JOIN residents r ON r.id = f.resident_id WHERE r.email = $1", m.To).Scan(&token))
			link := "https://ortsplan.example/avregistrera/" + token
			if !followers[m.To] || m.Headers["List-Unsubscribe"] != "<"+link+">" || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.Contains(m.Text, link) {
				t.Errorf("follower's copy: %s %v\n%s", m.To, m.Headers, m.Text)
			}
		}

		// The list: for the locality's staff only, newest first.
		if _, err := db.StaffMessages(other, malm.ID); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
			t.Fatalf("list for another locality's official: %v", err)
		}
		list, err := db.StaffMessages(editor, malm.ID)
		must(err)
		if len(list) != 5 || list[0].Audience.Kind != ortsplan.AudienceFollowers || list[4].ID != msg.ID || list[4].Recipients != 2 ||
			list[4].SenderName == "" || list[4].Audience.Name != "Torggruppen" {
			t.Fatalf("list: %d %+v", len(list), list)
		}
		if others, err := db.StaffMessages(sqltest.AsUser(context.Background(), mustCreateUser(t, db, "flen2@example.se", ortsplan.RoleOfficial, "flen")), flen.ID); err != nil || len(others) != 0 {
			t.Fatalf("Flen's list: %v %v", others, err)
		}
	})
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
