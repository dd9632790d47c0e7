package demo

import (
	"context"
	"time"

	"github.com/ortsplan/ortsplan"
)

// The demo is written through the ordinary services, which date what they
// write by the clock. History that happened years ago is then dated when it
// happened: after each step the clock moves what the step wrote to its day.

// clock makes the contexts the demo writes in: the coordinator's (or a
// resident's, or the system's), dated when the work was done.
type clock struct {
	sys   context.Context
	coord *ortsplan.User
	// actions are the ids of the plan actions written, by "slug/title".
	actions map[string]int64
	// groups and meetings written, by "slug/slug" and "slug/title".
	groups   map[string]int64
	meetings map[string]*ortsplan.Meeting
}

func newClock(ctx context.Context) *clock {
	return &clock{sys: ortsplan.NewSystemContext(ctx), actions: map[string]int64{}, groups: map[string]int64{}, meetings: map[string]*ortsplan.Meeting{}}
}

// at is the coordinator's context, dated when.
func (c *clock) at(when time.Time) context.Context {
	return ortsplan.NewHistoryContext(c.sys, c.coord, when)
}

// system is the system's context, dated when.
func (c *clock) system(when time.Time) context.Context {
	return ortsplan.NewHistoryContext(c.sys, ortsplan.SystemUser, when)
}

// resident is a resident's context, dated when.
func (c *clock) resident(r *ortsplan.Resident, when time.Time) context.Context {
	return ortsplan.NewContextWithResident(ortsplan.NewHistoryContext(c.sys, nil, when), r)
}

// planFrom is when each locality's plan work began: actions are dated from it.
var planFrom = map[string]time.Time{
	"halleforsnas": day("2011-06-15"),
	"sparreholm":   day("2011-12-01"),
	"malmkoping":   day("2012-06-15"),
	"bettna":       day("2012-10-15"),
	"skebokvarn":   day("2013-03-15"),
}

// clockTime is a Stockholm working-day time on a date.
func clockTime(d time.Time, hour int) time.Time {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc).UTC()
}
