package sqlstore

import (
	"time"

	"github.com/ortsplan/ortsplan"
)

// OutboxQueries are the outbox's queries that read many rows, with sample
// arguments, for the test that each has an index.
func OutboxQueries() map[string][]any {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	qs := map[string][]any{
		dueSQL("attempts = 0"): {now, 20},
		dueSQL("attempts > 0"): {now, 20},
		outboxCountsSQL:        nil,
		purgeSQL[0]:            {now, purgeBatch},
		purgeSQL[1]:            {now, purgeBatch},
		listMessagesSQL:        {50},
	}
	for _, f := range []ortsplan.MessageFilter{{Limit: 51}, {Limit: 51, Before: 1000},
		{Status: ortsplan.MessageFailed, Limit: 51}, {Status: ortsplan.MessagePending, Before: 1000, Limit: 51}} {
		q, args := messagesSQL(f)
		qs[q] = args
	}
	return qs
}

// SetSearchCap lowers the search's cap (ortsplan.SearchCap) for a test.
func (db *DB) SetSearchCap(n int) { db.searchCap = n }

// ListQueries are the queries of the public lists that read the newest or
// most supported rows of one locality or of all, with sample arguments, for
// the test that each walks an index instead of reading and sorting a table.
func ListQueries() map[string][]any {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	qs := map[string][]any{}
	add := func(q string, args []any) { qs[q] = args }
	for _, q := range []ortsplan.IdeaPageQuery{
		{Limit: 5},                 // the home page's newest ideas
		{LocalityID: 7, Limit: 20}, // a locality's
		{LocalityID: 7, Sort: ortsplan.SortSupported, Limit: 20},
		{LocalityID: 7, Sort: ortsplan.SortSupported, AfterID: 90, AfterSupports: 4, Limit: 20},
		{AfterID: 900, Limit: 20},                 // the API's next page
		{LocalityID: 7, Placed: true, Limit: 200}, // the locality's map
	} {
		add(ideaPageSQL(q))
	}
	// The pages of a locality's idea list, in each order, and its count.
	for _, srt := range []ortsplan.IdeaSort{ortsplan.SortNewest, ortsplan.SortSupported, ortsplan.SortStatus} {
		add(ideaListSQL(7, srt, 0, 25))
		add(ideaListSQL(7, srt, 50, 25))
	}
	qs[ideaCountSQL] = []any{7}
	for _, q := range []ortsplan.MeetingPageQuery{
		{From: now, Limit: 51}, // the calendar
		{From: now, AfterStart: now.Add(time.Hour), AfterID: 40, Limit: 51}, // its next page
		{LocalityID: 7, From: now, Limit: 20},
		{From: now, Limit: 26, Brief: true}, // the calendar's
	} {
		add(meetingPageSQL(q))
	}
	add(recentRevisionsSQL(0, 5))
	add(recentRevisionsSQL(7, 5))
	qs[factsSQL] = []any{7}
	add(factPageSQL(7, 0, 100))
	add(factPageSQL(7, 300, 100))
	qs[swotSQL] = []any{7}
	add(swotPageSQL(7, 0, 100))
	add(swotPageSQL(0, 300, 100))
	// Matters: the municipality's and a locality's list, and the API's pages.
	add(matterListSQL(0, 1))
	add(matterListSQL(7, 3))
	for _, q := range []ortsplan.MatterPageQuery{{Limit: 100}, {LocalityID: 7, Limit: 100}, {AfterID: 90, Limit: 100}, {LocalityID: 7, AfterID: 90, Limit: 100}} {
		add(matterPageSQL(q))
	}
	for _, q := range []ortsplan.EditionPageQuery{{Limit: 100}, {LocalityID: 7, AfterID: 3, Limit: 100}} {
		where, args := editionPageWhere(q)
		add("SELECT "+editionColumns+" FROM plan_editions e LEFT JOIN users u ON u.id = e.actor_id WHERE "+where, args)
	}
	return qs
}
