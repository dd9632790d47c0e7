package demo

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ortsplan/ortsplan"
)

// The demo's facts: the populations the facts file gives with a year (Flen
// and Malmköping 2020, Hälleforsnäs 2015; SCB's urban-area figures as
// Wikipedia gives them), each locality's distance to Flen as the crow flies
// from the coordinates, Hälleforsnäs's history of its development work, and
// a SWOT for Hälleforsnäs drawn from what its first stormöte brought up.
// Nothing is invented: a figure the file does not give stays out.

// populationSource is where the demo's population figures come from.
const populationSource = "SCB, tätortsstatistik (enligt sv.wikipedia.org)"

// demoPopulations are the figures given with a year, as an SCB (PxWeb)
// export of one table would hold them; Hälleforsnäs's goes through the CSV
// import, the others through the form's path.
var demoPopulations = []struct {
	Slug  string
	Year  int
	Value float64
}{
	{"flen", 2020, 6577},
	{"malmkoping", 2020, 2180},
}

// halleforsnasCSV is Hälleforsnäs's population as SCB's database exports it.
const halleforsnasCSV = "\"Folkmängd i tätorter efter region och år\"\n\n\"region\";\"Folkmängd 2015\"\n\"T0482 Hälleforsnäs\";1624\n"

// distanceKm is the great-circle distance between two WGS84 points.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return math.Round(2*r*math.Asin(math.Sqrt(a))*10) / 10
}

const halleforsnasHistory = `Ortsutvecklingen i Hälleforsnäs började med ett stormöte den 6 april 2011 i Folkets hus. Över 80 ortsbor kom och arbetade i smågrupper med vad som är bra i Hälleforsnäs och vad som kan bli bättre.

På mötet bildades fyra arbetsgrupper:

- kultur och fritid
- näringsliv, service och marknadsföring
- trafik, boende och natur
- vision

Idéerna gällde bland annat att utveckla bruksområdet, en gång- och cykelväg genom samhället och ett promenadstråk runt Brukssjön. Handlingsplanen har senare beskrivits som till stor del genomförd.`

// halleforsnasSWOT is the SWOT, each point from the first stormöte (meeting
// true) or the source named.
var halleforsnasSWOT = []struct {
	Kind    ortsplan.SWOTKind
	Text    string
	Meeting bool
	Source  string
}{
	{ortsplan.SWOTStrength, "Bruksmiljön och bruksområdet mitt i samhället", true, ""},
	{ortsplan.SWOTStrength, "Brukssjön och naturen runt samhället", true, ""},
	{ortsplan.SWOTStrength, "Stort engagemang: över 80 ortsbor kom till det första stormötet", true, ""},
	{ortsplan.SWOTWeakness, "Ingen gång- och cykelväg genom samhället", true, ""},
	{ortsplan.SWOTWeakness, "Inget sammanhängande promenadstråk runt Brukssjön", true, ""},
	{ortsplan.SWOTOpportunity, "Bruksområdet kan utvecklas till en mötesplats", true, ""},
	{ortsplan.SWOTOpportunity, "Ett promenadstråk runt Brukssjön kan bli en plats för både ortsbor och besökare", true, ""},
	{ortsplan.SWOTOpportunity, "Quickfix-bidrag för snabba förbättringar som ortsborna själva föreslår", false, "Flens kommun, sidan om ortsutveckling"},
	{ortsplan.SWOTThreat, "Med 1 624 invånare (2015) är det få som ska bära fyra arbetsgrupper", false, populationSource},
	{ortsplan.SWOTThreat, "Engagemanget kan mattas när handlingsplanen till stor del är genomförd", false, "Kommunens uppföljning av handlingsplanen"},
}

// loadFacts writes the demo's facts, history text and SWOT as the
// coordinator, dated when the work would have been done.
func loadFacts(fs ortsplan.FactService, ck *clock, ls map[string]*ortsplan.Locality) error {
	at := ck.at(clockTime(day("2021-03-01"), 10))
	for _, p := range demoPopulations {
		l := ls[p.Slug]
		if l == nil {
			continue
		}
		if err := fs.SaveFact(at, &ortsplan.Fact{LocalityID: l.ID, Measure: ortsplan.MeasurePopulation, Year: p.Year, Value: p.Value,
			Source: populationSource}); err != nil {
			return fmt.Errorf("demo: population of %s: %w", p.Slug, err)
		}
	}
	if h := ls["halleforsnas"]; h != nil {
		tbl, err := ortsplan.ParsePxWeb([]byte(halleforsnasCSV))
		if err != nil {
			return fmt.Errorf("demo: Hälleforsnäs's table: %w", err)
		}
		facts, err := ortsplan.ImportFacts(h.ID, ortsplan.MeasurePopulation, populationSource, tbl)
		if err != nil {
			return fmt.Errorf("demo: Hälleforsnäs's table: %w", err)
		}
		if err := fs.StoreFacts(ck.at(clockTime(day("2016-03-01"), 10)), h.ID, facts); err != nil {
			return fmt.Errorf("demo: Hälleforsnäs's population: %w", err)
		}
	}
	// Distances to Flen, the municipality's centre, from the coordinates.
	flen := ls["flen"]
	for _, l := range Localities() {
		got := ls[l.Slug]
		if got == nil || flen == nil || l.Slug == "flen" || l.Lat == nil || l.Lon == nil || flen.Lat == nil || flen.Lon == nil {
			continue
		}
		d := distanceKm(*flen.Lat, *flen.Lon, *l.Lat, *l.Lon)
		if err := fs.SaveFact(at, &ortsplan.Fact{LocalityID: got.ID, Measure: ortsplan.MeasureDistance, Label: "Flen, fågelvägen", Year: 2021,
			Value: d, Source: "Beräknat från ortens och Flens koordinater (WGS84)"}); err != nil {
			return fmt.Errorf("demo: distance of %s: %w", l.Slug, err)
		}
	}
	h := ls["halleforsnas"]
	if h == nil {
		return nil
	}
	if err := fs.SaveHistory(ck.at(clockTime(day("2013-05-02"), 9)), &ortsplan.LocalityHistory{LocalityID: h.ID, Body: halleforsnasHistory}); err != nil {
		return fmt.Errorf("demo: Hälleforsnäs's history: %w", err)
	}
	first := ck.meetings["halleforsnas/Första stormötet i Hälleforsnäs"]
	for i, p := range halleforsnasSWOT {
		it := &ortsplan.SWOTItem{LocalityID: h.ID, Kind: p.Kind, Text: p.Text, Source: p.Source}
		if p.Meeting {
			if first == nil {
				it.Source = "Första stormötet i Hälleforsnäs, 6 april 2011"
			} else {
				it.MeetingID = first.ID
			}
		}
		when := clockTime(day("2011-05-10"), 9+i%6)
		if !p.Meeting {
			when = clockTime(day("2016-03-01"), 11)
		}
		if err := fs.SaveSWOTItem(ck.at(when), it); err != nil {
			return fmt.Errorf("demo: SWOT point %s: %w", strconv.Quote(p.Text), err)
		}
	}
	return nil
}
