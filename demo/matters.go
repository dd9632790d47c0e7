package demo

import (
	"fmt"
	"time"

	"github.com/ortsplan/ortsplan"
)

// Matters passed on (ärenden). Bettna's is from the facts file: the
// locality asked Trafikverket for lighting at the junction of roads 221 and
// 52, Trafikverket said no, and the municipality offered to pre-finance it
// (the plan's progress notes carry the same dates). When it was sent is not
// known; the demo says about when. Malmköping's, about the signposting from
// the south, is the demo's own and recent, so the staff home shows a
// matter that has waited more than 60 days; Hälleforsnäs's is not yet
// published.
type demoMatter struct {
	slug, group, action string
	m                   ortsplan.Matter
	daysAgo             int // sent this many days before the load, when SentOn is not set
	publish             bool
}

var matters = []demoMatter{
	{slug: "bettna", group: "trafik-skyltar-belysning", action: "Belysning vid korsningen väg 221/52", publish: true, m: ortsplan.Matter{
		Title:     "Belysning vid korsningen väg 221/52",
		Body:      "Bettna ber Trafikverket sätta upp belysning i korsningen mellan väg 221 och väg 52. Många går och cyklar där till bussen, och korsningen är mörk en stor del av året. (Skickat i slutet av 2012, dagen ungefärlig.)",
		Recipient: "Trafikverket", SentOn: day("2012-12-01"), Status: ortsplan.MatterRefused,
		AnsweredOn: day("2013-02-01"),
		Answer:     "Trafikverket bekostar inte belysning i korsningen. Kommunen har därefter, i juni 2013, erbjudit sig att förskottera belysningen.",
	}},
	{slug: "malmkoping", action: "Skyltning från söder", daysAgo: 75, publish: true, m: ortsplan.Matter{
		Title:     "Skyltning till Malmköping från söder",
		Body:      "Ortsborna vill ha vägvisning till Malmköping och Malmahed från väg 53 söderifrån.",
		Recipient: "Trafikverket", Status: ortsplan.MatterSent,
	}},
	{slug: "halleforsnas", daysAgo: 10, m: ortsplan.Matter{
		Title:     "Busshållplats vid bruket",
		Body:      "Arbetsgruppen föreslår en ny hållplats vid bruksområdet.",
		Recipient: "Region Sörmland", Status: ortsplan.MatterSent,
	}},
}

func loadMatters(ms ortsplan.MatterService, ck *clock, ls map[string]*ortsplan.Locality, now time.Time) error {
	for _, dm := range matters {
		m := dm.m
		m.LocalityID = ls[dm.slug].ID
		m.GroupID = ck.groups[dm.slug+"/"+dm.group]
		m.ActionID = ck.actions[dm.slug+"/"+dm.action]
		if m.SentOn.IsZero() {
			d := now.AddDate(0, 0, -dm.daysAgo)
			m.SentOn = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		}
		written := clockTime(m.SentOn, 10)
		if !m.AnsweredOn.IsZero() {
			written = clockTime(m.AnsweredOn, 10)
		}
		if err := ms.SaveMatter(ck.at(written), &m); err != nil {
			return fmt.Errorf("demo: matter %q: %w", m.Title, err)
		}
		if dm.publish {
			if err := ms.PublishMatter(ck.at(written.Add(time.Hour)), m.ID); err != nil {
				return fmt.Errorf("demo: publish matter %q: %w", m.Title, err)
			}
		}
	}
	return nil
}
