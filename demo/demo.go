// Package demo loads the Flen demonstration data: the municipality's eight
// localities with their real phases and figures, and fictional staff.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
)

// Store is what the demo needs to write.
type Store interface {
	ortsplan.UserService
	ortsplan.LocalityService
	ortsplan.PlanService
	ortsplan.MeetingService
	ortsplan.FileService
}

// ErrNotEmpty is returned when the database already has content.
var ErrNotEmpty = errors.New("demo: the database already has localities, or another process is loading the demo; demo data is only loaded once, into an empty database")

// onceClaimer is a store that can say which of several processes starting
// at once on an empty database loads the demo (sqlstore.DB can).
type onceClaimer interface {
	ClaimOnce(ctx context.Context, name string) (bool, error)
}

// claim takes the demo load for this process, or returns ErrNotEmpty when
// another process took it first.
func claim(ctx context.Context, s any) error {
	c, ok := s.(onceClaimer)
	if !ok {
		return nil
	}
	got, err := c.ClaimOnce(ctx, "demo")
	if err != nil {
		return err
	}
	if !got {
		return ErrNotEmpty
	}
	return nil
}

// AdminEmail is the demo administrator's login.
const AdminEmail = "admin@ortsplan.example"

// Result tells what was created; AdminPassword is shown once and never stored in clear.
type Result struct {
	AdminEmail    string
	AdminPassword string
	Localities    int
	Users         int
}

func ptr[T any](v T) *T { return &v }

// Localities are Flen's eight localities (flen.se/om-flen). Unknown figures stay empty.
func Localities() []*ortsplan.Locality {
	return []*ortsplan.Locality{
		{Slug: "flen", Name: "Flen", Inhabitants: ptr(6577), Lat: ptr(59.0568), Lon: ptr(16.5893), Phase: ortsplan.PhaseImplementing,
			Description: "Centralorten, med stationen, handeln och de flesta kommunala verksamheterna. Stormöten hölls 2013 och 2014."},
		{Slug: "malmkoping", Name: "Malmköping", Inhabitants: ptr(2180), Lat: ptr(59.1331), Lon: ptr(16.7255), Phase: ortsplan.PhaseImplementing,
			Description: "Den gamla garnisonsorten kring Stora Torget och Malmahed. Det första öppna mötet hölls den 5 maj 2011, och kommunfullmäktige har antagit ortens vision och handlingsplan."},
		{Slug: "halleforsnas", Name: "Hälleforsnäs", Inhabitants: ptr(1624), Lat: ptr(59.1514), Lon: ptr(16.5001), Phase: ortsplan.PhaseClosing,
			Description: "Bruksorten vid Brukssjön. Arbetet startade den 6 april 2011 med över 80 ortsbor på det första mötet, och handlingsplanen är till stor del genomförd."},
		{Slug: "sparreholm", Name: "Sparreholm", Inhabitants: ptr(750), Lat: ptr(59.0716), Lon: ptr(16.8293), Phase: ortsplan.PhaseImplementing,
			Description: "Orten vid Hälleren och stambanan. Arbetet startade i januari 2011, och vision och handlingsplan antogs av kommunfullmäktige i april 2012."},
		{Slug: "mellosa", Name: "Mellösa", Lat: ptr(59.1007), Lon: ptr(16.5618), Phase: ortsplan.PhaseMobilising,
			Description: "Kyrkbyn vid Båven-vägen norr om Flen. Här har ortsutvecklingen ännu inte tagit fram någon plan."},
		{Slug: "bettna", Name: "Bettna", Lat: ptr(58.9073), Lon: ptr(16.6387), Phase: ortsplan.PhaseInitial,
			Description: "Orten i södra delen av kommunen. Arbetet startade i maj 2012 med grupper för trafik, näringsliv, mötesplatser och bredband."},
		{Slug: "skebokvarn", Name: "Skebokvarn", Inhabitants: ptr(200), Lat: ptr(59.0615), Lon: ptr(16.7081), Phase: ortsplan.PhaseImplementing,
			Description: "En liten ort med badplats och kvarnmiljö. Första stormötet hölls den 19 november 2012, och planen antogs efter ett stormöte i september 2015."},
		{Slug: "vadsbro", Name: "Vadsbro", Phase: ortsplan.PhaseMobilising,
			Description: "Landsbygden kring Vadsbro kyrka i kommunens sydöstra del."},
	}
}

// staff are fictional people; no real name, e-mail or phone number.
var staff = []ortsplan.NewUser{
	{Email: "samordnare@ortsplan.example", Name: "Maria Lindholm", Role: ortsplan.RoleCoordinator},
	{Email: "tjansteperson.bygg@ortsplan.example", Name: "Johan Ek", Role: ortsplan.RoleOfficial,
		Department: "Samhällsbyggnadsförvaltningen", Localities: []string{"sparreholm", "skebokvarn", "malmkoping"}},
	{Email: "tjansteperson.fritid@ortsplan.example", Name: "Sara Nyberg", Role: ortsplan.RoleOfficial,
		Department: "Kultur- och fritidsförvaltningen", Localities: []string{"halleforsnas", "bettna", "flen"}},
	{Email: "gruppledare.bettna@ortsplan.example", Name: "Erik Holm", Role: ortsplan.RoleGroupLeader, Localities: []string{"bettna"}},
}

// Password returns a random password of n characters from an unambiguous alphabet.
func Password(n int) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	for i := range b {
		x, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[x.Int64()]
	}
	return string(b)
}

// Load fills an empty database with the demo and creates an administrator with
// a random password, returned once in the Result. Meeting photos (drawn in
// code) and documents go to files; with nil files the demo has none.
func Load(ctx context.Context, s Store, files media.Storage) (*Result, error) {
	// The localities and accounts are made by the system, as the command line
	// does; no request ever runs this.
	work := ctx
	ctx = ortsplan.NewSystemContext(ctx)
	existing, err := s.ListLocalities(ctx)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, ErrNotEmpty
	}
	if err := claim(ctx, s); err != nil {
		return nil, err
	}
	res := &Result{AdminEmail: AdminEmail, AdminPassword: Password(20)}
	ck := newClock(work)
	localities := map[string]*ortsplan.Locality{}
	for _, l := range Localities() {
		if h := history[l.Slug]; len(h) > 0 {
			l.Phase, l.PhaseSince = h[0].Phase, h[0].On
		}
		since := l.PhaseSince
		if since.IsZero() {
			since = day("2019-01-15")
		}
		if err := s.CreateLocality(ck.system(clockTime(since, 8)), l); err != nil {
			return nil, fmt.Errorf("demo: locality %s: %w", l.Slug, err)
		}
		localities[l.Slug] = l
		res.Localities++
	}
	if _, err := s.CreateUser(ctx, ortsplan.NewUser{Email: AdminEmail, Name: "Demoadministratör",
		Role: ortsplan.RoleAdmin, Password: res.AdminPassword}); err != nil {
		return nil, fmt.Errorf("demo: admin: %w", err)
	}
	res.Users++
	users := map[string]*ortsplan.User{}
	for _, n := range staff {
		n.Password = Password(24)
		u, err := s.CreateUser(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", n.Email, err)
		}
		users[n.Email] = u
		res.Users++
	}
	// The process, visions and plans are recorded as the coordinator's work,
	// with the coordinator's rights.
	ck.coord = users["samordnare@ortsplan.example"]
	if err := loadProcess(s, ck, localities, users); err != nil {
		return nil, err
	}
	now := time.Now()
	if err := loadMeetings(s, ck, files, localities, users, now); err != nil {
		return nil, err
	}
	if err := loadLife(s, ck, files, localities, now); err != nil {
		return nil, err
	}
	// Matters passed on, where the store has them (sqlstore.DB does).
	if ms, ok := s.(ortsplan.MatterService); ok {
		if err := loadMatters(ms, ck, localities, now); err != nil {
			return nil, err
		}
	}
	// Surveys, where the store has them (sqlstore.DB does).
	if ss, ok := s.(ortsplan.SurveyService); ok {
		if err := loadSurveys(ctx, ss, localities, time.Now()); err != nil {
			return nil, err
		}
	}
	// Facts, history text and SWOT, where the store has them (sqlstore.DB does).
	if fs, ok := s.(ortsplan.FactService); ok {
		if err := loadFacts(fs, ck, localities); err != nil {
			return nil, err
		}
	}
	return res, nil
}
