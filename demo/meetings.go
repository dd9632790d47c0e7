package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
)

type demoGroup struct {
	slug, name, theme, description string
	kind                           ortsplan.GroupKind
	contact                        string // staff e-mail
	members                        []ortsplan.GroupMember
	orgs                           []ortsplan.Organisation
}

type demoPhoto struct {
	seed int64
	alt  string
}

type demoMeeting struct {
	group string // group slug, or ""
	m     ortsplan.Meeting
	// daysAhead places an upcoming meeting relative to the day the demo loads.
	daysAhead int
	photos    []demoPhoto
	document  string // title of a generated PDF, if any
}

// at is a Stockholm wall-clock time.
func at(date, clock string) time.Time {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, loc)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

var groups = map[string][]demoGroup{
	"halleforsnas": {
		{slug: "samordningsgruppen", name: "Samordningsgruppen", kind: ortsplan.GroupCoordination, contact: "samordnare@ortsplan.example",
			description: "Samordnar arbetsgrupperna och håller kontakten med kommunen."},
		{slug: "kultur-och-fritid", name: "Kultur och fritid", kind: ortsplan.GroupWorking, theme: "Kultur och fritid", contact: "tjansteperson.fritid@ortsplan.example",
			description: "Bruksområdet, evenemang och promenadstråket runt Brukssjön.",
			members:     []ortsplan.GroupMember{{Name: "Lisa Andersson", ShowName: true}, {Name: "Per Karlsson"}, {Name: "Gun Svensson", ShowName: true}},
			orgs:        []ortsplan.Organisation{{Name: "Brukets hembygdsförening", Kind: ortsplan.OrgAssociation, Description: "Håller bruksmiljön levande."}}},
		{slug: "naringsliv", name: "Näringsliv, service och marknadsföring", kind: ortsplan.GroupWorking, theme: "Näringsliv",
			members: []ortsplan.GroupMember{{Name: "Omar Haddad", ShowName: true}},
			orgs:    []ortsplan.Organisation{{Name: "Ortens företagarförening", Kind: ortsplan.OrgBusiness, Website: "https://foretagare.example"}}},
		{slug: "trafik-boende-natur", name: "Trafik, boende och natur", kind: ortsplan.GroupWorking, theme: "Trafik, boende och natur",
			members: []ortsplan.GroupMember{{Name: "Karin Berg"}}},
		{slug: "vision", name: "Visionsgruppen", kind: ortsplan.GroupWorking, theme: "Vision", description: "Skrev förslaget till ortens vision."},
	},
	"bettna": {
		{slug: "trafik-skyltar-belysning", name: "Trafik, skyltar och belysning", kind: ortsplan.GroupWorking, contact: "gruppledare.bettna@ortsplan.example",
			description: "Arbetar bland annat för belysning vid korsningen väg 221/52.",
			members:     []ortsplan.GroupMember{{Name: "Erik Holm", ShowName: true}, {Name: "Maja Lind", ShowName: true}}},
		{slug: "naringsliv", name: "Näringsliv", kind: ortsplan.GroupWorking},
		{slug: "motesplatser", name: "Mötesplatser", kind: ortsplan.GroupWorking},
		{slug: "bredband", name: "Bredband", kind: ortsplan.GroupWorking,
			orgs: []ortsplan.Organisation{{Name: "Bygdens fiberförening", Kind: ortsplan.OrgAssociation}}},
		{slug: "vision", name: "Visionsgruppen", kind: ortsplan.GroupWorking, description: "Tar fram visionen utifrån en SWOT-analys."},
	},
	"skebokvarn": {
		{slug: "badplatsen", name: "Badplatsgruppen", kind: ortsplan.GroupWorking, contact: "tjansteperson.bygg@ortsplan.example",
			description: "Badbryggor, ramp och trädplantering vid badplatsen.",
			members:     []ortsplan.GroupMember{{Name: "Anders Ek", ShowName: true}},
			orgs:        []ortsplan.Organisation{{Name: "Skebokvarns byalag", Kind: ortsplan.OrgAssociation}}},
	},
}

var meetings = map[string][]demoMeeting{
	"halleforsnas": {
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Första stormötet i Hälleforsnäs", Start: at("2011-04-06", "18:30"), End: at("2011-04-06", "21:00"),
			PlaceName: "Folkets hus", State: ortsplan.MeetingHeld, Participants: 84, ReportPublished: at("2011-04-20", "12:00"),
			Report: "Över 80 ortsbor kom. Vi arbetade i smågrupper med vad som är bra i Hälleforsnäs och vad som kan bli bättre.\n\n" +
				"- Bruksområdet kan utvecklas till en mötesplats.\n- En gång- och cykelväg genom samhället behövs.\n- Ett promenadstråk runt Brukssjön.\n\n" +
				"Fyra arbetsgrupper bildades: kultur och fritid; näringsliv, service och marknadsföring; trafik, boende och natur; vision."},
			photos:   []demoPhoto{{11, "Ortsbor sitter vid bord i en stor lokal och diskuterar i smågrupper."}, {12, "Utsikt över Brukssjön med skog i bakgrunden."}},
			document: "Minnesanteckningar från första stormötet"},
		{group: "kultur-och-fritid", m: ortsplan.Meeting{Kind: ortsplan.MeetingGroup, Title: "Arbetsgruppen kultur och fritid", PlaceName: "Bruksmuseet",
			State: ortsplan.MeetingPlanned, Registration: true, Capacity: 15}, daysAhead: 9},
	},
	"skebokvarn": {
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Stormöte i Skebokvarn", Start: at("2012-11-19", "18:30"), End: at("2012-11-19", "20:30"),
			PlaceName: "Bygdegården", State: ortsplan.MeetingHeld, Participants: 37, ReportPublished: at("2012-11-30", "12:00"),
			Report: "Vi samlade idéer om badplatsen, mötesplatser och information. Förslag: nya badbryggor, en ramp och en anslagspelare."},
			photos: []demoPhoto{{21, "Badplatsen i Skebokvarn en solig dag."}}},
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Stormöte: handlingsplanen", Start: at("2015-09-14", "18:30"), End: at("2015-09-14", "20:30"),
			PlaceName: "Bygdegården", State: ortsplan.MeetingHeld, Participants: 29, ReportPublished: at("2015-09-20", "12:00"),
			Report: "Stormötet ställde sig bakom handlingsplanen."}},
		{group: "badplatsen", m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Stormöte: badplatsen inför sommaren", PlaceName: "Bygdegården",
			PlaceAddress: "Skebokvarn", Accessibility: "Entré utan trappsteg. Hörslinga finns.", State: ortsplan.MeetingPlanned,
			Agenda: "1. Läget för bryggorna\n2. Trädplanteringen\n3. Övriga frågor", Registration: true, Capacity: 40}, daysAhead: 21},
	},
	"malmkoping": {
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Öppet möte om Malmköpings utveckling", Start: at("2011-05-05", "18:30"), End: at("2011-05-05", "21:00"),
			PlaceName: "Malmahed", State: ortsplan.MeetingHeld, ReportPublished: at("2011-05-20", "12:00"),
			Report: "Mötet tog upp Landsvägsgatan, informationstavlor, Malmakvarn och Stora Torget."},
			photos: []demoPhoto{{31, "Stora Torget i Malmköping med gamla trähus runt torget."}}},
	},
	"sparreholm": {
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingWorkshop, Title: "Workshop: seniorboende vid Kapellet", PlaceName: "Kapellet",
			State: ortsplan.MeetingPlanned, Registration: true, Capacity: 12, Agenda: "Vad behöver ett seniorboende i Sparreholm?"}, daysAhead: 14},
	},
	"bettna": {
		{group: "trafik-skyltar-belysning", m: ortsplan.Meeting{Kind: ortsplan.MeetingGroup, Title: "Arbetsgruppen trafik, skyltar och belysning",
			Start: at("2013-02-12", "19:00"), End: at("2013-02-12", "20:30"), PlaceName: "Bettna skola", State: ortsplan.MeetingHeld, Participants: 8,
			ReportPublished: at("2013-02-15", "12:00"), Report: "Trafikverket har sagt nej till belysning vid korsningen väg 221/52. Gruppen ber kommunen om hjälp."}},
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Stormöte i Bettna", PlaceName: "Bettna bygdegård", State: ortsplan.MeetingCancelled,
			CancelReason: "Lokalen är upptagen. Ett nytt datum kommer."}, daysAhead: 5},
	},
	"flen": {
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Stormöte i Flen", Start: at("2013-10-10", "18:30"), End: at("2013-10-10", "20:30"),
			PlaceName: "Stadshuset", State: ortsplan.MeetingHeld, ReportPublished: at("2013-10-20", "12:00"), Report: "Första stormötet om centralortens utveckling."}},
		{m: ortsplan.Meeting{Kind: ortsplan.MeetingOpen, Title: "Stormöte i Flen", Start: at("2014-04-03", "18:30"), End: at("2014-04-03", "20:30"),
			PlaceName: "Stadshuset", State: ortsplan.MeetingHeld, Report: "Anteckningarna är inte publicerade ännu."}},
	},
}

// minimalPDF is a small valid PDF document made in code for the demo.
func minimalPDF(title string) []byte {
	var b bytes.Buffer
	offsets := []int{}
	obj := func(s string) {
		offsets = append(offsets, b.Len())
		b.WriteString(s)
	}
	b.WriteString("%PDF-1.4\n")
	text := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", asciiOnly(title))
	obj("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	obj("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	obj("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n")
	obj(fmt.Sprintf("4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", len(text), text))
	obj("5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

func asciiOnly(s string) string {
	r := []rune{}
	for _, c := range s {
		switch {
		case c == 'å' || c == 'ä':
			c = 'a'
		case c == 'ö':
			c = 'o'
		case c == '(' || c == ')' || c == '\\' || c > 126:
			continue
		}
		r = append(r, c)
	}
	return string(r)
}

// loadMeetings adds groups, organisations and meetings; files are stored when st is not nil.
func loadMeetings(s Store, ck *clock, st media.Storage, ls map[string]*ortsplan.Locality, users map[string]*ortsplan.User, now time.Time) error {
	loc, _ := time.LoadLocation("Europe/Stockholm")
	for _, l0 := range Localities() {
		l := ls[l0.Slug]
		ctx := ck.at(clockTime(planFrom[l.Slug], 10))
		groupIDs := map[string]int64{}
		for _, dg := range groups[l.Slug] {
			g := &ortsplan.Group{LocalityID: l.ID, Slug: dg.slug, Name: dg.name, Kind: dg.kind, Theme: dg.theme, Description: dg.description, Open: true}
			if u := users[dg.contact]; u != nil {
				g.ContactUserID = u.ID
			}
			if err := s.SaveGroup(ctx, g); err != nil {
				return fmt.Errorf("demo: group %s: %w", dg.slug, err)
			}
			groupIDs[dg.slug] = g.ID
			ck.groups[l.Slug+"/"+dg.slug] = g.ID
			for _, m := range dg.members {
				m.GroupID = g.ID
				if err := s.AddGroupMember(ctx, &m); err != nil {
					return err
				}
			}
			for _, o := range dg.orgs {
				if err := s.LinkGroupOrganisation(ctx, g.ID, &o); err != nil {
					return err
				}
			}
		}
		for i, dm := range meetings[l.Slug] {
			m := dm.m
			m.LocalityID, m.GroupID = l.ID, groupIDs[dm.group]
			if dm.daysAhead > 0 {
				d := now.In(loc).AddDate(0, 0, dm.daysAhead)
				m.Start = time.Date(d.Year(), d.Month(), d.Day(), 18, 30, 0, 0, loc).UTC()
				m.End = m.Start.Add(2 * time.Hour)
			}
			// A meeting to come was announced four weeks before (or a day
			// ago); one held is dated when its notes were published.
			when := m.Start.AddDate(0, 0, -28)
			if when.After(now) {
				when = now.AddDate(0, 0, -1)
			}
			if !m.ReportPublished.IsZero() {
				when = m.ReportPublished
			} else if m.Start.Before(now) {
				when = m.Start.AddDate(0, 0, 1)
			}
			ctx := ck.at(when)
			if err := s.SaveMeeting(ctx, &m); err != nil {
				return fmt.Errorf("demo: meeting %q: %w", m.Title, err)
			}
			ck.meetings[l.Slug+"/"+m.Title] = &m
			if err := loadMeetingFiles(ctx, s, st, l, i, &m, dm); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadMeetingFiles stores a meeting's photos and document, when st is not nil.
func loadMeetingFiles(ctx context.Context, s Store, st media.Storage, l *ortsplan.Locality, i int, m *ortsplan.Meeting, dm demoMeeting) error {
	if st == nil {
		return nil
	}
	for _, p := range dm.photos {
		f, err := storePicture(ctx, st, fmt.Sprintf("demo-%s-%d-%d", l.Slug, i, p.seed), p.seed, 1280, 853)
		if err != nil {
			return fmt.Errorf("demo: photo: %w", err)
		}
		f.MeetingID, f.Alt = m.ID, p.alt
		if err := s.AddMeetingFile(ctx, f); err != nil {
			return err
		}
	}
	if dm.document != "" {
		f, err := media.StoreUpload(ctx, st, fmt.Sprintf("demo-%s-%d-doc", l.Slug, i), bytes.NewReader(minimalPDF(dm.document)), media.DefaultLimits(), false)
		if err != nil {
			return fmt.Errorf("demo: document: %w", err)
		}
		f.MeetingID, f.Title = m.ID, dm.document
		if err := s.AddMeetingFile(ctx, f); err != nil {
			return err
		}
	}
	return nil
}
