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
