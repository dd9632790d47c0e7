package sqlstore_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func failAll(t *testing.T, db *sqlstore.DB, ms []*ortsplan.Message, retryAt time.Time) {
	t.Helper()
	for _, m := range ms {
		if err := db.MarkFailed(context.Background(), m.ID, "smtp connect: connection refused", retryAt, false); err != nil {
			t.Fatal(err)
		}
	}
}

func ids(ms []*ortsplan.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func TestOutboxMessageKeyIsStable(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		clock := newFakeClock(db)
		a := mustEnqueue(t, db, "a@example.se", "Hej")
		b := mustEnqueue(t, db, "b@example.se", "Hej")
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(a.Key) || a.Key == b.Key {
			t.Fatalf("keys %q and %q: want 32 random hex digits each", a.Key, b.Key)
		}
		got := claim(t, db, 1, time.Minute)
		if len(got) != 1 || got[0].Key != a.Key {
			t.Fatalf("claimed %+v, want key %q", got, a.Key)
		}
		failAll(t, db, got, clock.Now())
		clock.Add(time.Minute)
		again := claim(t, db, 2, time.Minute)
		if len(again) != 2 {
			t.Fatalf("claimed %d", len(again))
		}
		for _, m := range again {
			if want := map[int64]string{a.ID: a.Key, b.ID: b.Key}[m.ID]; m.Key != want {
				t.Errorf("message %d on attempt %d has key %q, want %q", m.ID, m.Attempts, m.Key, want)
			}
		}
	})
}

// After an outage the retries are all overdue at once; mail queued since
// must not wait behind them.
func TestOutboxClaimTakesNewMailBesideRetries(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		clock := newFakeClock(db)
		for i := range 30 {
			mustEnqueue(t, db, fmt.Sprintf("old%d@example.se", i), "Hej")
		}
		for range 3 {
			failAll(t, db, claim(t, db, 10, time.Minute), clock.Now().Add(time.Minute))
		}
		clock.Add(time.Hour) // the server is back; every retry is overdue
		var fresh []*ortsplan.Message
		for i := range 3 {
			clock.Add(time.Second)
			fresh = append(fresh, mustEnqueue(t, db, fmt.Sprintf("new%d@example.se", i), "Ny"))
		}
		got := claim(t, db, 4, time.Minute)
		if len(got) != 4 || got[0].ID != fresh[0].ID || got[1].Attempts != 2 || got[2].ID != fresh[1].ID || got[3].Attempts != 2 {
			t.Fatalf("claimed %v (attempts %v), want new, retry, new, retry", ids(got), attempts(got))
		}
		if got[1].ID != 1 || got[3].ID != 2 {
			t.Errorf("retries %d and %d, want the first due, 1 and 2", got[1].ID, got[3].ID)
		}
		// The last new message first, then the retries fill the batch.
		got = claim(t, db, 10, time.Minute)
		if len(got) != 10 || got[0].ID != fresh[2].ID || got[1].ID != 3 || got[9].ID != 11 {
			t.Fatalf("claimed %v, want %d then retries 3 to 11", ids(got), fresh[2].ID)
		}
		// Only retries left: whole batches of them, until none is left.
		if got := claim(t, db, 10, time.Minute); len(got) != 10 || got[0].ID != 12 {
			t.Fatalf("claimed %v, want retries 12 to 21", ids(got))
		}
		if got := claim(t, db, 10, time.Minute); len(got) != 9 || got[8].ID != 30 {
			t.Fatalf("claimed %v, want the 9 retries left", ids(got))
		}
		// Only new mail: a whole batch of it.
		for i := range 12 {
			mustEnqueue(t, db, fmt.Sprintf("more%d@example.se", i), "Ny")
		}
		if got := claim(t, db, 10, time.Minute); len(got) != 10 || got[0].Attempts != 1 || got[9].Attempts != 1 {
			t.Fatalf("claimed %d new messages, want 10", len(got))
		}
	})
}

func attempts(ms []*ortsplan.Message) []int {
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = m.Attempts
	}
	return out
}

func TestOutboxReleaseAndRenew(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := newFakeClock(db)
		for i := range 4 {
			mustEnqueue(t, db, fmt.Sprintf("m%d@example.se", i), "Hej")
		}
		held := claim(t, db, 4, time.Minute)
		if len(held) != 4 || held[0].Claim == "" || held[0].Claim != held[3].Claim {
			t.Fatalf("claimed %d with claims %q…%q, want one claim for the batch", len(held), held[0].Claim, held[3].Claim)
		}
		// The first was sent, the second failed; the last two were not tried.
		if err := db.MarkSent(ctx, held[0].ID); err != nil {
			t.Fatal(err)
		}
		failAll(t, db, held[1:2], clock.Now().Add(time.Hour))
		if err := db.ReleaseMessages(ctx, held); err != nil {
			t.Fatal(err)
		}
		// Released messages are due at once, with no attempt counted.
		got := claim(t, db, 4, time.Minute)
		if len(got) != 2 || got[0].ID != held[2].ID || got[1].ID != held[3].ID || got[0].Attempts != 1 || got[1].Attempts != 1 {
			t.Fatalf("after the release claimed %v with attempts %v, want %v with 1 each", ids(got), attempts(got), ids(held[2:]))
		}
		for i, want := range []string{ortsplan.MessageSent, ortsplan.MessagePending} {
			if f, _ := db.FindMessage(sqltest.System(), held[i].ID); f.Status != want || f.Attempts != 1 {
				t.Errorf("message %d after the release: %s, %d attempts", held[i].ID, f.Status, f.Attempts)
			}
		}

		// A renewed lease holds for the new term.
		clock.Add(50 * time.Second)
		kept, err := db.RenewMessages(ctx, got, time.Minute)
		if err != nil || len(kept) != 2 {
			t.Fatalf("renew: %d kept, %v", len(kept), err)
		}
		clock.Add(50 * time.Second) // past the first lease, within the renewed one
		if again := claim(t, db, 4, time.Minute); len(again) != 0 {
			t.Fatalf("claimed %v while the renewed lease held", ids(again))
		}
		// Once the lease ran out and another claim took the messages, the first
		// claim can neither renew nor release them.
		clock.Add(10 * time.Second)
		other := claim(t, db, 4, time.Minute)
		if len(other) != 2 || other[0].Claim == got[0].Claim {
			t.Fatalf("after the lease claimed %d", len(other))
		}
		if kept, err := db.RenewMessages(ctx, got, time.Hour); err != nil || len(kept) != 0 {
			t.Fatalf("the old claim renewed %d: %v", len(kept), err)
		}
		if err := db.ReleaseMessages(ctx, got); err != nil {
			t.Fatal(err)
		}
		if again := claim(t, db, 4, time.Minute); len(again) != 0 {
			t.Fatalf("the old claim released the new claim's messages: %v", ids(again))
		}
		if f, _ := db.FindMessage(sqltest.System(), other[0].ID); f.Attempts != 2 {
			t.Errorf("attempts %d, want 2 (the released attempt not counted, the two claims counted)", f.Attempts)
		}
	})
}

func TestOutboxPagesAndStats(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		clock := newFakeClock(db)
		admin := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "admin@example.se", ortsplan.RoleAdmin))
		coord := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "coord@example.se", ortsplan.RoleCoordinator))

		st, err := db.OutboxStats(admin)
		if err != nil || st != (ortsplan.OutboxStats{}) {
			t.Fatalf("empty outbox: %+v %v", st, err)
		}
		var all []*ortsplan.Message
		for i := range 120 {
			clock.Add(time.Minute)
			all = append(all, mustEnqueue(t, db, fmt.Sprintf("m%d@example.se", i), fmt.Sprintf("Brev %d", i)))
		}
		// 0–39 sent, 40–44 failed, the rest waits.
		for _, m := range all[:40] {
			if err := db.MarkSent(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range all[40:45] {
			if err := db.MarkFailed(ctx, m.ID, "550 no such user", clock.Now(), true); err != nil {
				t.Fatal(err)
			}
		}
		st, err = db.OutboxStats(admin)
		if err != nil || st.Pending != 75 || st.Sent != 40 || st.Failed != 5 || !st.OldestPending.Equal(all[45].CreatedAt) {
			t.Fatalf("stats %+v %v, want 75 pending since %v, 40 sent, 5 failed", st, err, all[45].CreatedAt)
		}
		if counts, err := db.OutboxCounts(context.Background()); err != nil || counts != st {
			t.Fatalf("counts for /metrics %+v %v", counts, err)
		}

		// Pages of 50, newest first, without the text.
		page := func(f ortsplan.MessageFilter) []*ortsplan.Message {
			t.Helper()
			ms, err := db.Messages(admin, f)
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}
		p1 := page(ortsplan.MessageFilter{Limit: 50})
		if len(p1) != 50 || p1[0].ID != all[119].ID || p1[49].ID != all[70].ID || p1[0].Text != "" || p1[0].HTML != "" || p1[0].To != all[119].To {
			t.Fatalf("first page: %d from %d to %d", len(p1), p1[0].ID, p1[len(p1)-1].ID)
		}
		p2 := page(ortsplan.MessageFilter{Limit: 50, Before: p1[49].ID})
		p3 := page(ortsplan.MessageFilter{Limit: 50, Before: p2[49].ID})
		if len(p2) != 50 || p2[0].ID != all[69].ID || len(p3) != 20 || p3[19].ID != all[0].ID {
			t.Fatalf("later pages: %d and %d", len(p2), len(p3))
		}
		failed := page(ortsplan.MessageFilter{Status: ortsplan.MessageFailed, Limit: 3})
		if len(failed) != 3 || failed[0].ID != all[44].ID || failed[0].Status != ortsplan.MessageFailed || failed[0].LastError != "550 no such user" {
			t.Fatalf("failed page: %v", ids(failed))
		}
		if rest := page(ortsplan.MessageFilter{Status: ortsplan.MessageFailed, Limit: 3, Before: failed[2].ID}); len(rest) != 2 || rest[1].ID != all[40].ID {
			t.Fatalf("second failed page: %v", ids(rest))
		}
		if sent := page(ortsplan.MessageFilter{Status: ortsplan.MessageSent}); len(sent) != 40 {
			t.Fatalf("%d sent", len(sent))
		}
		if _, err := db.Messages(admin, ortsplan.MessageFilter{Status: "x"}); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Fatalf("unknown status: %v", err)
		}

		// The admin only.
		for name, c := range map[string]context.Context{"anonymous": context.Background(), "coordinator": coord} {
			if ms, err := db.Messages(c, ortsplan.MessageFilter{}); err == nil || len(ms) != 0 {
				t.Errorf("%s: Messages %d %v", name, len(ms), err)
			}
			if _, err := db.OutboxStats(c); err == nil {
				t.Errorf("%s: OutboxStats allowed", name)
			}
		}
	})
}

func TestOutboxRetryMessage(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		clock := newFakeClock(db)
		adminUser := mustCreateUser(t, db, "admin@example.se", ortsplan.RoleAdmin)
		admin := sqltest.AsUser(context.Background(), adminUser)
		official := sqltest.AsUser(context.Background(), mustCreateUser(t, db, "off@example.se", ortsplan.RoleOfficial))
		m := mustEnqueue(t, db, "a@example.se", "Hej")
		sent := mustEnqueue(t, db, "b@example.se", "Hej")
		for range 3 {
			claim(t, db, 1, time.Minute)
			if err := db.MarkFailed(ctx, m.ID, "550 mailbox full", clock.Now().Add(time.Hour), true); err != nil {
				t.Fatal(err)
			}
			clock.Add(2 * time.Hour)
		}
		if err := db.MarkSent(ctx, sent.ID); err != nil {
			t.Fatal(err)
		}
		auditRows := func() int {
			var n int
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox:retry'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		for name, c := range map[string]context.Context{"anonymous": context.Background(), "official": official} {
			if err := db.RetryMessage(c, m.ID); err == nil {
				t.Errorf("%s may retry", name)
			}
		}
		if f, _ := db.FindMessage(ctx, m.ID); f.Status != ortsplan.MessageFailed || auditRows() != 0 {
			t.Fatalf("refused retries changed the message: %+v", f)
		}
		clock.Add(time.Minute)
		if err := db.RetryMessage(admin, m.ID); err != nil {
			t.Fatal(err)
		}
		f, _ := db.FindMessage(ctx, m.ID)
		if f.Status != ortsplan.MessagePending || f.Attempts != 0 || !f.NextAttemptAt.Equal(clock.Now()) || f.Key != m.Key {
			t.Fatalf("after the retry: %+v", f)
		}
		var actor int64
		var subject string
		if err := db.SQL().QueryRow("SELECT actor_id, subject FROM audit_log WHERE action = 'outbox:retry'").Scan(&actor, &subject); err != nil ||
			actor != adminUser.ID || subject != fmt.Sprint(m.ID) {
			t.Fatalf("audit: actor %d subject %q %v", actor, subject, err)
		}
		// A second click changes nothing; a sent message is not sent again.
		if err := db.RetryMessage(admin, m.ID); err != nil || auditRows() != 1 {
			t.Fatalf("second retry: %v, %d audit rows", err, auditRows())
		}
		if err := db.RetryMessage(admin, sent.ID); ortsplan.ErrorCode(err) != ortsplan.ECONFLICT {
			t.Fatalf("retry of a sent message: %v", err)
		}
		if err := db.RetryMessage(admin, 9999); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("retry of nothing: %v", err)
		}
		if got := claim(t, db, 5, time.Minute); len(got) != 1 || got[0].ID != m.ID || got[0].Attempts != 1 {
			t.Fatalf("the retried message is not due now: %v", ids(got))
		}
	})
}

// TestOutboxPurge deletes old sent and failed mail in batches, from two
// processes at once.
func TestOutboxPurge(t *testing.T) {
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
			db := dbs[0]
			clock := newFakeClock(db)
			start := clock.Now()
			const oldSent = 1234 // more than two batches
			var keep []*ortsplan.Message
			for i := range oldSent {
				mustEnqueue(t, db, fmt.Sprintf("old%d@example.se", i), "Gammalt")
			}
			mustEnqueue(t, db, "failed-old@example.se", "Gammalt")
			keep = append(keep, mustEnqueue(t, db, "waiting-old@example.se", "Väntar sedan länge"))
			for _, m := range claim(t, db, oldSent+1, time.Minute) {
				if m.To == "failed-old@example.se" {
					must(t, db.MarkFailed(ctx, m.ID, "550", clock.Now(), true))
				} else if m.To != "waiting-old@example.se" {
					must(t, db.MarkSent(ctx, m.ID))
				}
			}
			clock.Add(100 * 24 * time.Hour)
			for _, to := range []string{"sent-new@example.se", "failed-new@example.se", "waiting-new@example.se"} {
				m := mustEnqueue(t, db, to, "Nytt")
				keep = append(keep, m)
				switch {
				case strings.HasPrefix(to, "sent"):
					must(t, db.MarkSent(ctx, m.ID))
				case strings.HasPrefix(to, "failed"):
					must(t, db.MarkFailed(ctx, m.ID, "550", clock.Now(), true))
				}
			}
			// An old message sent only now is kept: the time it was sent counts.
			late := claim(t, db, 5, time.Minute)
			if len(late) != 2 { // the old and the new waiting message
				t.Fatalf("claimed %d", len(late))
			}
			must(t, db.MarkSent(ctx, keep[0].ID))

			if _, err := db.PurgeMessages(context.Background(), clock.Now()); ortsplan.ErrorCode(err) != ortsplan.EFORBIDDEN {
				t.Fatalf("purge outside the process: %v", err)
			}
			cutoff := start.Add(90 * 24 * time.Hour)
			var (
				wg     sync.WaitGroup
				counts [2]int
				errs   [2]error
			)
			for i, db := range dbs {
				wg.Go(func() { counts[i], errs[i] = db.PurgeMessages(ctx, cutoff) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if counts[0]+counts[1] != oldSent+1 {
				t.Fatalf("deleted %v, want %d in all", counts, oldSent+1)
			}
			t.Logf("deleted by each process: %v", counts)
			left, err := db.ListMessages(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range left {
				got = append(got, m.To)
			}
			if len(left) != len(keep) {
				t.Fatalf("left %v, want the waiting, the recent and the lately sent", got)
			}
			if n, err := db.PurgeMessages(ctx, cutoff); err != nil || n != 0 {
				t.Fatalf("second purge: %d %v", n, err)
			}
		})
	}
}

// TestOutboxQueriesUseIndexes asks each engine how it runs the outbox's
// queries that read many rows: none may read the whole table or sort it.
func TestOutboxQueriesUseIndexes(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		for q, args := range sqlstore.OutboxQueries() {
			text := queryPlan(t, db, q, args)
			bad := regexp.MustCompile(`(?m)^SCAN outbox$|TEMP B-TREE|Seq Scan on outbox|Sort  `)
			if strings.HasSuffix(q, "FROM outbox ORDER BY id DESC LIMIT $1") && text == "SCAN outbox" {
				continue // SQLite walks its table, which is the primary key's tree, backwards
			}
			if lower := strings.ToLower(text); bad.MatchString(text) || !strings.Contains(lower, "index") && !strings.Contains(lower, "primary key") {
				t.Errorf("%s\n%s", strings.Join(strings.Fields(q), " "), text)
			}
		}
	})
}

// TestListQueriesUseIndexes asks each engine how it runs the public lists'
// queries (newest ideas, ideas by support, the calendar, the latest
// changes): each must walk an index in the order it shows, never read a
// whole table of ideas, meetings or revisions nor sort one.
func TestListQueriesUseIndexes(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		// (SQLite's "SCAN i" alone is its walk of the table by rowid, in
		// the order asked for.)
		bad := regexp.MustCompile(`(?m)USE TEMP B-TREE FOR ORDER BY|Seq Scan on (ideas|meetings|revisions)|^\s*(->\s*)?Sort  `)
		for q, args := range sqlstore.ListQueries() {
			text := queryPlan(t, db, q, args)
			if bad.MatchString(text) {
				t.Errorf("%s\n%s", strings.Join(strings.Fields(q), " "), text)
			}
		}
	})
}

// queryPlan returns the engine's plan for a query, one line per step. On
// PostgreSQL only plain index scans are allowed, since an empty table is
// read whole whatever its indexes: a query that has none shows it.
func queryPlan(t *testing.T, db *sqlstore.DB, q string, args []any) string {
	t.Helper()
	conn, err := db.SQL().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	explain := "EXPLAIN QUERY PLAN "
	if db.Dialect == sqlstore.Postgres {
		explain = "EXPLAIN "
		for _, set := range []string{"SET enable_seqscan = off", "SET enable_bitmapscan = off"} {
			if _, err := conn.ExecContext(context.Background(), set); err != nil {
				t.Fatal(err)
			}
		}
		defer conn.ExecContext(context.Background(), "RESET ALL")
	}
	rows, err := conn.QueryContext(context.Background(), explain+q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(*vals[len(vals)-1].(*any)))
	}
	return strings.Join(plan, "\n")
}
