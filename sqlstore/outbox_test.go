package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// fakeClock is a settable clock for db.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(db *sqlstore.DB) *fakeClock {
	c := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.Now = c.Now
	return c
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func mustEnqueue(t *testing.T, db *sqlstore.DB, to, subject string) *ortsplan.Message {
	t.Helper()
	m := &ortsplan.Message{To: to, ToName: "Åsa Öberg", Subject: subject, Text: "Hej!\nVälkommen.", HTML: "<p>Hej!</p>"}
	if err := db.EnqueueMessage(context.Background(), m); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return m
}

func claim(t *testing.T, db *sqlstore.DB, n int, lease time.Duration) []*ortsplan.Message {
	t.Helper()
	ms, err := db.ClaimMessages(context.Background(), n, lease)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return ms
}

func TestOutboxEnqueueClaimSent(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		clock := newFakeClock(db)
		m := &ortsplan.Message{To: "asa@example.se", ToName: "Åsa Öberg", Subject: "Möte i Sparreholm",
			Text: "Välkommen på möte.", HTML: "<p>Välkommen på möte.</p>", Lang: "en",
			Headers: map[string]string{"List-Unsubscribe": "<https://ortsplan.example/avregistrera/x>"}}
		if err := db.EnqueueMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 || m.Status != ortsplan.MessagePending || !m.CreatedAt.Equal(clock.Now()) || !m.NextAttemptAt.Equal(clock.Now()) {
			t.Fatalf("enqueued message not filled in: %+v", m)
		}
		clock.Add(time.Second)
		second := mustEnqueue(t, db, "bo@example.se", "Andra")

		got := claim(t, db, 10, 5*time.Minute)
		if len(got) != 2 || got[0].ID != m.ID || got[1].ID != second.ID {
			t.Fatalf("claimed %d messages, want both oldest first", len(got))
		}
		c := got[0]
		if c.To != m.To || c.ToName != m.ToName || c.Subject != m.Subject || c.Text != m.Text || c.HTML != m.HTML ||
			c.Lang != "en" || c.Headers["List-Unsubscribe"] != m.Headers["List-Unsubscribe"] || c.Attempts != 1 {
			t.Fatalf("claimed message differs: %+v", c)
		}
		if again := claim(t, db, 10, 5*time.Minute); len(again) != 0 {
			t.Fatalf("a leased message was claimed again: %d", len(again))
		}
		clock.Add(time.Minute)
		if err := db.MarkSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		f, err := db.FindMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Status != ortsplan.MessageSent || !f.SentAt.Equal(clock.Now()) || f.Attempts != 1 {
			t.Fatalf("after MarkSent: %+v", f)
		}
		clock.Add(time.Hour) // long after the lease: a sent message is never claimed again
		if ms := claim(t, db, 10, time.Minute); len(ms) != 1 || ms[0].ID != second.ID {
			t.Fatalf("after the lease only the unsent message is due, got %d", len(ms))
		}

		list, err := db.ListMessages(ctx, 10)
		if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != m.ID {
			t.Fatalf("ListMessages: %v, %d messages", err, len(list))
		}
		if list, _ := db.ListMessages(ctx, 1); len(list) != 1 {
			t.Fatalf("limit not applied: %d", len(list))
		}
		if _, err := db.FindMessage(ctx, 9999); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("missing message: %v", err)
		}
		if err := db.MarkSent(ctx, 9999); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("MarkSent of a missing message: %v", err)
		}
	})
}

func TestOutboxRefusesHeaderInjection(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		for _, m := range []*ortsplan.Message{
			{To: "a@example.se", Subject: "Hej\r\nBcc: evil@example.com", Text: "x"},
			{To: "a@example.se\nBcc: evil@example.com", Subject: "Hej", Text: "x"},
			{To: "a@example.se", ToName: "A\rB", Subject: "Hej", Text: "x"},
			{To: "a@example.se", Subject: "Hej", Text: "x", Headers: map[string]string{"X-A": "1\n2"}},
			{To: "", Subject: "Hej", Text: "x"},
		} {
			if err := db.EnqueueMessage(context.Background(), m); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
				t.Errorf("enqueue %q/%q: %v, want invalid", m.To, m.Subject, err)
			}
		}
		if list, _ := db.ListMessages(sqltest.System(), 10); len(list) != 0 {
			t.Fatalf("%d refused messages stored", len(list))
		}
	})
}

func TestOutboxLeaseExpiry(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		clock := newFakeClock(db)
		m := mustEnqueue(t, db, "a@example.se", "Hej")
		if got := claim(t, db, 5, 2*time.Minute); len(got) != 1 {
			t.Fatalf("claimed %d", len(got))
		}
		clock.Add(2*time.Minute - time.Second)
		if got := claim(t, db, 5, 2*time.Minute); len(got) != 0 {
			t.Fatal("claimed again before the lease ended")
		}
		clock.Add(time.Second)
		got := claim(t, db, 5, 2*time.Minute)
		if len(got) != 1 || got[0].ID != m.ID || got[0].Attempts != 2 {
			t.Fatalf("after the lease the unsent message must be claimable again: %d", len(got))
		}
	})
}

func TestOutboxRetryAndPermanentFailure(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		clock := newFakeClock(db)
		m := mustEnqueue(t, db, "a@example.se", "Hej")
		claim(t, db, 5, time.Minute)
		if err := db.MarkFailed(ctx, m.ID, "dial tcp: connection refused", clock.Now().Add(10*time.Minute), false); err != nil {
			t.Fatal(err)
		}
		f, _ := db.FindMessage(ctx, m.ID)
		if f.Status != ortsplan.MessagePending || f.Attempts != 1 || f.LastError != "dial tcp: connection refused" ||
			!f.NextAttemptAt.Equal(clock.Now().Add(10*time.Minute)) {
			t.Fatalf("after a failed attempt: %+v", f)
		}
		clock.Add(5 * time.Minute) // the lease is over but the retry is not due
		if got := claim(t, db, 5, time.Minute); len(got) != 0 {
			t.Fatal("claimed before its retry time")
		}
		clock.Add(5 * time.Minute)
		got := claim(t, db, 5, time.Minute)
		if len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("not claimable at its retry time: %d", len(got))
		}
		if err := db.MarkFailed(ctx, m.ID, "550 no such user", clock.Now(), true); err != nil {
			t.Fatal(err)
		}
		f, _ = db.FindMessage(ctx, m.ID)
		if f.Status != ortsplan.MessageFailed || f.LastError != "550 no such user" {
			t.Fatalf("after a permanent failure: %+v", f)
		}
		clock.Add(24 * time.Hour)
		if got := claim(t, db, 5, time.Minute); len(got) != 0 {
			t.Fatal("a failed message was claimed")
		}
	})
}

// TestOutboxConcurrentClaimers claims from two connection pools on one database
// at once: no message may be handed to both.
func TestOutboxConcurrentClaimers(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := sqltest.System()
			dsn := sqltest.DSN(t, d)
			var dbs [2]*sqlstore.DB
			for i := range dbs {
				db, err := sqlstore.OpenAndMigrate(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs[i] = db
			}
			const total = 200
			for i := range total {
				mustEnqueue(t, dbs[0], fmt.Sprintf("m%d@example.se", i), "Hej")
			}
			var (
				wg     sync.WaitGroup
				mu     sync.Mutex
				owner  = map[int64]int{}
				errs   []error
				counts [2]int
			)
			for w, db := range dbs {
				wg.Go(func() {
					for empty := 0; empty < 3; {
						ms, err := db.ClaimMessages(ctx, 7, time.Hour)
						if err != nil {
							mu.Lock()
							errs = append(errs, err)
							mu.Unlock()
							return
						}
						if len(ms) == 0 {
							empty++
							time.Sleep(5 * time.Millisecond)
							continue
						}
						empty = 0
						mu.Lock()
						for _, m := range ms {
							if prev, dup := owner[m.ID]; dup {
								errs = append(errs, fmt.Errorf("message %d claimed by worker %d and %d", m.ID, prev, w))
							}
							owner[m.ID] = w
							counts[w]++
						}
						mu.Unlock()
						for _, m := range ms {
							if err := db.MarkSent(ctx, m.ID); err != nil {
								mu.Lock()
								errs = append(errs, err)
								mu.Unlock()
							}
						}
					}
				})
			}
			wg.Wait()
			for _, err := range errs {
				t.Error(err)
			}
			if len(owner) != total {
				t.Fatalf("claimed %d distinct messages, want %d", len(owner), total)
			}
			t.Logf("worker claims: %v", counts)
		})
	}
}
