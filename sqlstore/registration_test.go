package sqlstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// registrationDB is a database with a composer and a clock the test moves,
// and Skebokvarn to hold meetings.
func registrationDB(t *testing.T, db *sqlstore.DB) (*time.Time, *ortsplan.Locality) {
	t.Helper()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: "https://ortsplan.example", Org: "Flens kommun"}
	return &now, mustCreateLocality(t, db, "skebokvarn", "Skebokvarn")
}

// mailsTo returns the e-mails queued to an address, oldest first.
func mailsTo(t *testing.T, db *sqlstore.DB, to string) []*ortsplan.Message {
	t.Helper()
	msgs, err := db.ListMessages(sqltest.System(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*ortsplan.Message
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to {
			out = append(out, msgs[i])
		}
	}
	return out
}

var (
	confirmLink = regexp.MustCompile(`https://ortsplan\.example/anmalan/([A-Za-z0-9_-]+)/bekrafta`)
	cancelLink  = regexp.MustCompile(`https://ortsplan\.example/anmalan/([A-Za-z0-9_-]+)\n`)
)

func countRows(t *testing.T, db *sqlstore.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRegistrationBlockingAttack: two anonymous requests of 19 people used
// to fill a meeting of 40. Now 19 is over the cap, and registrations that
// nobody confirms hold no place, however many there are: the meeting stays
// open and someone who confirms gets a place.
func TestRegistrationBlockingAttack(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now, l := registrationDB(t, db)
		m := newMeeting(t, db, l, now.Add(10*24*time.Hour), 40)
		rule := ortsplan.DefaultRegistrationRule
		for i := 0; i < 2; i++ {
			r := &ortsplan.Registration{MeetingID: m.ID, Name: "Angripare", Email: fmt.Sprintf("a%d@example.se", i), People: 19}
			if err := db.Register(ctx, r, rule); ortsplan.FieldErrors(err)["people"] != "error.people_range" {
				t.Fatalf("19 people: %v", err)
			}
		}
		// Fifty parties of six, none of them confirmed: 300 people for 40 places.
		for i := 0; i < 50; i++ {
			r := &ortsplan.Registration{MeetingID: m.ID, Name: "Angripare", Email: fmt.Sprintf("b%d@example.se", i), People: 6}
			if err := db.Register(ctx, r, rule); err != nil || r.Token == "" {
				t.Fatalf("registration %d: %v", i, err)
			}
		}
		got, _ := db.FindMeeting(ctx, m.ID)
		if got.Registered != 0 || got.Waitlisted != 0 || got.Full() {
			t.Fatalf("unconfirmed registrations fill the meeting: registered %d, waitlisted %d, full %v", got.Registered, got.Waitlisted, got.Full())
		}
		e, err := db.Effects(ctx, l.ID, ortsplan.PeriodQuarter)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range e.Periods {
			if p.Registered != 0 {
				t.Fatalf("the effects count %d unconfirmed people in %s", p.Registered, p.Key())
			}
		}
		// The resident who confirms gets a place, not the waiting list.
		*now = now.Add(time.Hour)
		real := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m.ID, Name: "Åsa", Email: "asa@example.se", People: 2})
		if real.Waitlisted {
			t.Fatal("a resident who confirmed went to the waiting list of an empty meeting")
		}
		// Two days later the unconfirmed ones have expired: still nothing counted,
		// and they cannot be confirmed any more.
		*now = now.Add(48 * time.Hour)
		got, _ = db.FindMeeting(ctx, m.ID)
		if got.Registered != 2 || got.Waitlisted != 0 {
			t.Fatalf("after expiry: registered %d waitlisted %d", got.Registered, got.Waitlisted)
		}
		checkCounts(t, db, m.ID, *now)
		e, _ = db.Effects(ctx, l.ID, ortsplan.PeriodQuarter)
		if last := e.Periods[len(e.Periods)-1]; last.Registered != 2 {
			t.Fatalf("the effects count %d registered, want the 2 confirmed", last.Registered)
		}
		link := confirmLink.FindStringSubmatch(mailsTo(t, db, "b7@example.se")[0].Text)
		if link == nil {
			t.Fatal("no confirm link")
		}
		if _, _, err := db.ConfirmRegistration(ctx, link[1]); ortsplan.ErrorKey(err) != "error.confirm_expired" {
			t.Fatalf("confirming an expired registration: %v", err)
		}
	})
}

// TestRegistrationConfirmation: the place counts once the registrant
// confirms within the time; after it the registration has expired.
func TestRegistrationConfirmation(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now, l := registrationDB(t, db)
		m := newMeeting(t, db, l, now.Add(10*24*time.Hour), 3)
		rule := ortsplan.RegistrationRule{MaxPeople: 4, ConfirmWithin: 2 * time.Hour}

		r := &ortsplan.Registration{MeetingID: m.ID, Name: "Anna", Email: "anna@example.se", People: 2}
		if err := db.Register(ctx, r, rule); err != nil {
			t.Fatal(err)
		}
		if !r.ConfirmBy.Equal(now.Add(2 * time.Hour)) {
			t.Fatalf("confirm by %v, want two hours from now", r.ConfirmBy)
		}
		// The e-mail asks to confirm by then, with the confirm and the cancel link.
		mails := mailsTo(t, db, "anna@example.se")
		if len(mails) != 1 || !strings.HasPrefix(mails[0].Subject, "Bekräfta din anmälan") ||
			!strings.Contains(mails[0].Text, "Bekräfta senast 25\u00a0november 2026 kl.\u00a015:00") {
			t.Fatalf("confirm e-mail: %+v", mails)
		}
		c, k := confirmLink.FindStringSubmatch(mails[0].Text), cancelLink.FindStringSubmatch(mails[0].Text)
		if c == nil || k == nil || c[1] != r.Token || k[1] != r.Token {
			t.Fatalf("the e-mail's links do not carry the token:\n%s", mails[0].Text)
		}
		found, _, err := db.FindRegistrationByToken(ctx, r.Token)
		if err != nil || found.State(*now) != ortsplan.RegPending {
			t.Fatalf("pending: %v %+v", err, found)
		}
		// A second before the limit it may still be confirmed.
		*now = now.Add(2*time.Hour - time.Second)
		got, gm, err := db.ConfirmRegistration(ctx, r.Token)
		if err != nil || got.State(*now) != ortsplan.RegPlace || gm.Registered != 2 {
			t.Fatalf("confirm within the limit: %v %+v", err, got)
		}
		// Confirming again changes nothing and sends nothing.
		before := len(mailsTo(t, db, "anna@example.se"))
		if again, gm, err := db.ConfirmRegistration(ctx, r.Token); err != nil || !again.ConfirmedAt.Equal(got.ConfirmedAt) || gm.Registered != 2 {
			t.Fatalf("confirm twice: %v %+v", err, again)
		}
		mails = mailsTo(t, db, "anna@example.se")
		if len(mails) != before || !strings.HasPrefix(mails[len(mails)-1].Subject, "Du är anmäld") ||
			!strings.Contains(mails[len(mails)-1].Text, "/anmalan/"+r.Token+"\n") {
			t.Fatalf("after confirming: %d mails, the last %q", len(mails), mails[len(mails)-1].Subject)
		}
		// A confirmed registration counts long after the limit.
		*now = now.Add(3 * 24 * time.Hour)
		if gm, _ := db.FindMeeting(ctx, m.ID); gm.Registered != 2 {
			t.Fatalf("a confirmed registration stopped counting: %d", gm.Registered)
		}

		// Bo confirms at the limit: too late.
		b := &ortsplan.Registration{MeetingID: m.ID, Name: "Bo", Email: "bo@example.se", People: 1}
		if err := db.Register(ctx, b, rule); err != nil {
			t.Fatal(err)
		}
		*now = b.ConfirmBy
		if _, _, err := db.ConfirmRegistration(ctx, b.Token); ortsplan.ErrorKey(err) != "error.confirm_expired" || ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Fatalf("confirm at the limit: %v", err)
		}
		*now = now.Add(time.Hour)
		got, gm, err = db.ConfirmRegistration(ctx, b.Token)
		if ortsplan.ErrorKey(err) != "error.confirm_expired" || got == nil || got.State(*now) != ortsplan.RegExpired || gm.Registered != 2 {
			t.Fatalf("confirm after the limit: %v %+v", err, got)
		}
		// Bo may register again: the expired one does not stand in the way.
		b2 := &ortsplan.Registration{MeetingID: m.ID, Name: "Bo", Email: "bo@example.se", People: 1}
		if err := db.Register(ctx, b2, rule); err != nil || b2.Token == "" || b2.ID == b.ID {
			t.Fatalf("registering again after expiry: %v %+v", err, b2)
		}
		if got, _, err := db.ConfirmRegistration(ctx, b2.Token); err != nil || got.Waitlisted {
			t.Fatalf("confirm the new registration: %v %+v", err, got)
		}

		// Cancelled before confirming: cannot be confirmed, and held nothing.
		c2 := &ortsplan.Registration{MeetingID: m.ID, Name: "Cilla", Email: "cilla@example.se", People: 1}
		if err := db.Register(ctx, c2, rule); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CancelRegistration(ctx, c2.Token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ConfirmRegistration(ctx, c2.Token); ortsplan.ErrorKey(err) != "error.registration_already_cancelled" {
			t.Fatalf("confirm a cancelled registration: %v", err)
		}
		if _, _, err := db.ConfirmRegistration(ctx, "forged"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("forged token: %v", err)
		}
		// People over the rule's cap are refused; the cap is the rule's, not a constant.
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Dan", Email: "dan@example.se", People: 5}, rule); ortsplan.FieldErrors(err)["people"] != "error.people_range" {
			t.Fatalf("5 people with a cap of 4: %v", err)
		}
		checkCounts(t, db, m.ID, *now)
	})
}

// TestAlreadyRegisteredGetsAnEmail: registering an address that is already
// registered answers as for a new one; the address is e-mailed instead, with
// a fresh link, and at most once in RegistrationResendAfter.
func TestAlreadyRegisteredGetsAnEmail(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now, l := registrationDB(t, db)
		m := newMeeting(t, db, l, now.Add(10*24*time.Hour), 10)
		rule := ortsplan.DefaultRegistrationRule
		first := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m.ID, Name: "Anna", Email: "anna@example.se", People: 2})
		rows := countRows(t, db, "SELECT COUNT(*) FROM registrations")
		mails := len(mailsTo(t, db, "anna@example.se"))

		// At once: the same answer, nothing stored, no e-mail (too soon after the last).
		again := &ortsplan.Registration{MeetingID: m.ID, Name: "Någon annan", Email: " Anna@Example.se ", People: 6}
		if err := db.Register(ctx, again, rule); err != nil || again.ID != 0 || again.Token != "" {
			t.Fatalf("registering again: %v %+v", err, again)
		}
		if n := len(mailsTo(t, db, "anna@example.se")); n != mails {
			t.Fatalf("an e-mail within %v of the last: %d mails, want %d", ortsplan.RegistrationResendAfter, n, mails)
		}
		// Later: an e-mail saying so, with a fresh cancel link.
		*now = now.Add(ortsplan.RegistrationResendAfter)
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Någon annan", Email: "anna@example.se", People: 6}, rule); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM registrations"); n != rows {
			t.Fatalf("registering again stored a registration: %d rows, want %d", n, rows)
		}
		all := mailsTo(t, db, "anna@example.se")
		last := all[len(all)-1]
		if len(all) != mails+1 || last.Subject != "Du är redan anmäld: Stormöte om badplatsen" || !strings.Contains(last.Text, "Du har en plats.") ||
			!strings.Contains(last.Text, "Hej Anna!") || strings.Contains(last.Text, "Någon annan") || confirmLink.MatchString(last.Text) {
			t.Fatalf("already registered e-mail (%d mails):\n%s\n%s", len(all), last.Subject, last.Text)
		}
		fresh := cancelLink.FindStringSubmatch(last.Text)
		if fresh == nil || fresh[1] == first.Token {
			t.Fatalf("no fresh cancel link:\n%s", last.Text)
		}
		// Both the first link and the fresh one find the registration, unchanged.
		for _, tok := range []string{first.Token, fresh[1]} {
			r, _, err := db.FindRegistrationByToken(ctx, tok)
			if err != nil || r.ID != first.ID || r.People != 2 || r.Name != "Anna" {
				t.Fatalf("token %s: %v %+v", tok, err, r)
			}
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM registration_tokens WHERE registration_id = $1", first.ID); n != 2 {
			t.Fatalf("%d tokens, want 2", n)
		}
		// The fresh link cancels.
		if _, err := db.CancelRegistration(ctx, fresh[1]); err != nil {
			t.Fatal(err)
		}
		if r, _, _ := db.FindRegistrationByToken(ctx, first.Token); r.CancelledAt.IsZero() {
			t.Fatal("the fresh link did not cancel the registration")
		}
		// Cancelled, the address registers anew.
		anew := &ortsplan.Registration{MeetingID: m.ID, Name: "Anna", Email: "anna@example.se", People: 1}
		if err := db.Register(ctx, anew, rule); err != nil || anew.Token == "" || anew.ID == first.ID {
			t.Fatalf("registering after cancelling: %v %+v", err, anew)
		}

		// Unconfirmed and registered again: the confirm link again, a fresh one that confirms.
		*now = now.Add(ortsplan.RegistrationResendAfter)
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Anna", Email: "anna@example.se", People: 1}, rule); err != nil {
			t.Fatal(err)
		}
		all = mailsTo(t, db, "anna@example.se")
		last = all[len(all)-1]
		link := confirmLink.FindStringSubmatch(last.Text)
		if !strings.HasPrefix(last.Subject, "Bekräfta din anmälan") || link == nil || link[1] == anew.Token {
			t.Fatalf("the confirm e-mail again:\n%s\n%s", last.Subject, last.Text)
		}
		if got, _, err := db.ConfirmRegistration(ctx, link[1]); err != nil || got.ID != anew.ID || got.State(*now) != ortsplan.RegPlace {
			t.Fatalf("confirm with the fresh link: %v %+v", err, got)
		}
		// On the waiting list, the e-mail says so.
		full := newMeeting(t, db, l, now.Add(5*24*time.Hour), 1)
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: full.ID, Name: "Först", Email: "forst@example.se", People: 1})
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: full.ID, Name: "Bo", Email: "bo@example.se", People: 1})
		*now = now.Add(ortsplan.RegistrationResendAfter)
		if err := db.Register(ctx, &ortsplan.Registration{MeetingID: full.ID, Name: "Bo", Email: "bo@example.se", People: 1}, rule); err != nil {
			t.Fatal(err)
		}
		bo := mailsTo(t, db, "bo@example.se")
		if last := bo[len(bo)-1]; !strings.HasPrefix(last.Subject, "Du är redan anmäld") || !strings.Contains(last.Text, "Du står på väntelistan.") {
			t.Fatalf("already registered, waiting:\n%s", last.Text)
		}
	})
}

// TestPromotionOnlyOfConfirmed: a freed place goes to the first on the
// waiting list in the order of confirmation; unconfirmed registrations are
// never moved up, whatever they asked for.
func TestPromotionOnlyOfConfirmed(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now, l := registrationDB(t, db)
		m := newMeeting(t, db, l, now.Add(10*24*time.Hour), 3)
		rule := ortsplan.DefaultRegistrationRule
		register := func(name string, people int) *ortsplan.Registration {
			t.Helper()
			r := &ortsplan.Registration{MeetingID: m.ID, Name: name, Email: strings.ToLower(name) + "@example.se", People: people}
			if err := db.Register(ctx, r, rule); err != nil {
				t.Fatal(err)
			}
			*now = now.Add(time.Minute)
			return r
		}
		confirm := func(r *ortsplan.Registration) *ortsplan.Registration {
			t.Helper()
			got, _, err := db.ConfirmRegistration(ctx, r.Token)
			if err != nil {
				t.Fatal(err)
			}
			*now = now.Add(time.Minute)
			return got
		}
		anna := register("Anna", 3)
		confirm(anna)
		erik := register("Erik", 2) // registers before Frida but confirms after her
		frida := register("Frida", 2)
		ulla := register("Ulla", 1) // never confirms
		if !confirm(frida).Waitlisted || !confirm(erik).Waitlisted {
			t.Fatal("Frida and Erik should wait: the meeting is full")
		}
		checkCounts(t, db, m.ID, *now)

		// Anna cancels: three places free. Frida confirmed first and moves up;
		// Erik (2) no longer fits; Ulla (1) would fit but never confirmed.
		if _, err := db.CancelRegistration(ctx, anna.Token); err != nil {
			t.Fatal(err)
		}
		state := map[string]ortsplan.RegistrationState{}
		regs, _ := db.Registrations(ctx, m.ID)
		for _, r := range regs {
			state[r.Name] = r.State(*now)
		}
		want := map[string]ortsplan.RegistrationState{"Anna": ortsplan.RegCancelled, "Frida": ortsplan.RegPlace,
			"Erik": ortsplan.RegWaiting, "Ulla": ortsplan.RegPending}
		for name, w := range want {
			if state[name] != w {
				t.Errorf("%s is %q, want %q", name, state[name], w)
			}
		}
		got, _ := db.FindMeeting(ctx, m.ID)
		if got.Registered != 2 || got.Waitlisted != 2 {
			t.Fatalf("after promotion: registered %d waitlisted %d", got.Registered, got.Waitlisted)
		}
		checkCounts(t, db, m.ID, *now)
		promoted := 0
		for _, to := range []string{"frida@example.se", "erik@example.se", "ulla@example.se"} {
			for _, msg := range mailsTo(t, db, to) {
				if strings.HasPrefix(msg.Subject, "Du har fått en plats") {
					promoted++
					if to != "frida@example.se" {
						t.Errorf("%s was told of a place", to)
					}
				}
			}
		}
		if promoted != 1 {
			t.Errorf("%d promotion e-mails, want 1", promoted)
		}
		// Ulla confirms now: one place is left, and it is hers.
		if got := confirm(ulla); got.Waitlisted {
			t.Fatal("Ulla should get the place left")
		}
		// Frida cancels: Erik (2) fits in the two free places.
		if _, err := db.CancelRegistration(ctx, frida.Token); err != nil {
			t.Fatal(err)
		}
		if r, _, _ := db.FindRegistrationByToken(ctx, erik.Token); r.State(*now) != ortsplan.RegPlace {
			t.Fatalf("Erik is %q after Frida cancelled", r.State(*now))
		}
		checkCounts(t, db, m.ID, *now)
	})
}

// TestDeleteExpiredRegistrations: registrations never confirmed are deleted
// with their tokens once RegistrationKeepExpired has passed since their time
// ran out; confirmed ones stay. Only the process itself runs the job.
func TestDeleteExpiredRegistrations(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now, l := registrationDB(t, db)
		m := newMeeting(t, db, l, now.Add(30*24*time.Hour), 10)
		kept := sqltest.Register(t, db, &ortsplan.Registration{MeetingID: m.ID, Name: "Kvar", Email: "kvar@example.se", People: 1})
		gone := &ortsplan.Registration{MeetingID: m.ID, Name: "Borta", Email: "borta@example.se", People: 1, Needs: "Hemligt"}
		if err := db.Register(ctx, gone, ortsplan.DefaultRegistrationRule); err != nil {
			t.Fatal(err)
		}
		*now = now.Add(24 * time.Hour)
		young := &ortsplan.Registration{MeetingID: m.ID, Name: "Ung", Email: "ung@example.se", People: 1}
		if err := db.Register(ctx, young, ortsplan.DefaultRegistrationRule); err != nil {
			t.Fatal(err)
		}
		staff := mustCreateUser(t, db, "admin@example.se", ortsplan.RoleAdmin)
		for name, c := range map[string]func() (int, error){
			"an admin": func() (int, error) {
				return db.DeleteExpiredRegistrations(sqltest.AsUser(t.Context(), staff), now.Add(30*24*time.Hour))
			},
			"a visitor": func() (int, error) { return db.DeleteExpiredRegistrations(t.Context(), now.Add(30*24*time.Hour)) },
		} {
			if _, err := c(); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
				t.Errorf("%s deleting registrations: %v", name, err)
			}
		}
		// The job runs with the cutoff a week back; the first expired a day ago.
		*now = gone.ConfirmBy.Add(24 * time.Hour)
		if n, err := db.DeleteExpiredRegistrations(ctx, now.Add(-ortsplan.RegistrationKeepExpired)); err != nil || n != 0 {
			t.Fatalf("within the week: %d deleted, %v", n, err)
		}
		if r, _, err := db.FindRegistrationByToken(ctx, gone.Token); err != nil || r.State(*now) != ortsplan.RegExpired {
			t.Fatalf("an expired registration within the week: %v", err)
		}
		*now = gone.ConfirmBy.Add(ortsplan.RegistrationKeepExpired + time.Hour)
		if n, err := db.DeleteExpiredRegistrations(ctx, now.Add(-ortsplan.RegistrationKeepExpired)); err != nil || n != 1 {
			t.Fatalf("after the week: %d deleted, %v", n, err)
		}
		if _, _, err := db.FindRegistrationByToken(ctx, gone.Token); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("the deleted registration's link: %v", err)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM registrations WHERE email = $1", "borta@example.se"); n != 0 {
			t.Fatal("the expired registration is still stored")
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM registration_tokens t LEFT JOIN registrations r ON r.id = t.registration_id WHERE r.id IS NULL"); n != 0 {
			t.Fatalf("%d tokens of deleted registrations remain", n)
		}
		for _, r := range []*ortsplan.Registration{kept, young} {
			if _, _, err := db.FindRegistrationByToken(ctx, r.Token); err != nil {
				t.Errorf("%s was deleted: %v", r.Name, err)
			}
		}
	})
}

// TestRegistrationMigrationKeepsPlaces: registrations made before migration
// 0012 held their places at once; after it they count as confirmed, and their
// cancel links still work.
func TestRegistrationMigrationKeepsPlaces(t *testing.T) {
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
				if m.Version >= 12 {
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
			m := newMeeting(t, db, l, time.Now().Add(10*24*time.Hour), 4)
			token := sqlstore.NewToken()
			made := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
			for i, row := range []struct {
				people  int
				waiting bool
				hash    string
			}{{3, false, hashOf(token)}, {2, true, hashOf("b")}} {
				if _, err := db.SQL().Exec(`INSERT INTO registrations (meeting_id, name, email, people, lang, token_hash, waitlisted, created_at)
					VALUES ($1, $2, $3, $4, 'sv', $5, $6, $7)`, m.ID, "Före", fmt.Sprintf("fore%d@example.se", i), row.people, row.hash, row.waiting, made); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindMeeting(ctx, m.ID)
			if err != nil || got.Registered != 3 || got.Waitlisted != 2 {
				t.Fatalf("after migrating: %v, registered %d waitlisted %d", err, got.Registered, got.Waitlisted)
			}
			r, _, err := db.FindRegistrationByToken(ctx, token)
			if err != nil || r.State(time.Now()) != ortsplan.RegPlace || !r.ConfirmedAt.Equal(made) {
				t.Fatalf("the old registration: %v %+v", err, r)
			}
			// The old link cancels, and the one waiting moves up.
			if _, err := db.CancelRegistration(ctx, token); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.FindMeeting(ctx, m.ID); got.Registered != 2 || got.Waitlisted != 0 {
				t.Fatalf("after cancelling: registered %d waitlisted %d", got.Registered, got.Waitlisted)
			}
			// The counter triggers were made again (SQLite built the table anew).
			var before, after int64
			db.SQL().QueryRow("SELECT version FROM change_counters WHERE scope = $1", l.ID).Scan(&before)
			if err := db.Register(ctx, &ortsplan.Registration{MeetingID: m.ID, Name: "Ny", Email: "ny@example.se", People: 1}, ortsplan.DefaultRegistrationRule); err != nil {
				t.Fatal(err)
			}
			db.SQL().QueryRow("SELECT version FROM change_counters WHERE scope = $1", l.ID).Scan(&after)
			if after <= before {
				t.Fatalf("a registration did not bump the locality's counter: %d then %d", before, after)
			}
		})
	}
}

// hashOf is how the store keeps a token: its SHA-256 in hex.
func hashOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// TestConcurrentConfirmationsDoNotOverfill: confirmations that come at
// once take the places one at a time (the meeting's row is locked), so no
// more people get places than there are.
func TestConcurrentConfirmationsDoNotOverfill(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now, l := registrationDB(t, db)
		m := newMeeting(t, db, l, now.Add(10*24*time.Hour), 3)
		var tokens []string
		for i := 0; i < 10; i++ {
			r := &ortsplan.Registration{MeetingID: m.ID, Name: "Samtidig", Email: fmt.Sprintf("s%d@example.se", i), People: 1}
			if err := db.Register(ctx, r, ortsplan.DefaultRegistrationRule); err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, r.Token)
		}
		errs := make(chan error, len(tokens))
		start := make(chan struct{})
		for _, tok := range tokens {
			go func() {
				<-start
				_, _, err := db.ConfirmRegistration(ctx, tok)
				errs <- err
			}()
		}
		close(start)
		for range tokens {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		got, _ := db.FindMeeting(ctx, m.ID)
		if got.Registered != 3 || got.Waitlisted != 7 {
			t.Fatalf("after 10 confirmations at once for 3 places: registered %d, waitlisted %d", got.Registered, got.Waitlisted)
		}
		checkCounts(t, db, m.ID, *now)
	})
}
