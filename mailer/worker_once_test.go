package mailer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/mailer"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func messageID(t *testing.T, data []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return m.Header.Get("Message-ID")
}

// The connection drops after the server took the message: the worker cannot
// know, and sends it again. Both copies carry the same Message-ID, so the
// receiving server can drop the second.
func TestWorkerRetryKeepsMessageID(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		srv := startSMTP(t, 0, nil)
		srv.setOnData(func(ss *smtpSession, n int) (bool, error) {
			if n == 1 {
				ss.conn.Conn().Close() // the reply to DATA is lost
			}
			return true, nil
		})
		c := newClock(db)
		w := newWorker(db, c, srv.port)
		m := enqueue(t, db, swedishMessage())
		other := enqueue(t, db, &ortsplan.Message{To: "bo@example.se", Subject: "Annat", Text: "x"})
		if n := sendDue(t, w); n != 1 {
			t.Fatalf("sent %d, want the second message only", n)
		}
		if f := find(t, db, m.ID); f.Status != ortsplan.MessagePending || f.Attempts != 1 || !strings.Contains(f.LastError, "data") {
			t.Fatalf("after the lost reply: %s, %d attempts, %q", f.Status, f.Attempts, f.LastError)
		}
		c.Add(mailer.FirstRetry)
		if n := sendDue(t, w); n != 1 {
			t.Fatalf("retry sent %d", n)
		}
		got := srv.received()
		if len(got) != 3 || got[0].To[0] != m.To || got[2].To[0] != m.To {
			t.Fatalf("received %d messages", len(got))
		}
		first, retry, second := messageID(t, got[0].Data), messageID(t, got[2].Data), messageID(t, got[1].Data)
		if want := "<" + m.Key + "@flen.example>"; first != want || retry != want {
			t.Errorf("Message-IDs %q and %q, want %q both times", first, retry, want)
		}
		if second == first || second != "<"+other.Key+"@flen.example>" {
			t.Errorf("the other message's Message-ID is %q", second)
		}
	})
}

// A worker told to stop finishes the message it is sending and gives the
// rest back at once, their attempts not counted.
func TestWorkerReleasesOnShutdown(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		srv := startSMTP(t, 0, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv.setOnData(func(_ *smtpSession, n int) (bool, error) {
			if n == 2 {
				cancel() // SIGTERM while the second message is being sent
			}
			return true, nil
		})
		c := newClock(db)
		var msgs []*ortsplan.Message
		for i := range 6 {
			msgs = append(msgs, enqueue(t, db, &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Hej", Text: "x"}))
		}
		var logs bytes.Buffer
		w := newWorker(db, c, srv.port)
		w.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		n, err := w.SendDue(ctx)
		if err != nil || n != 2 {
			t.Fatalf("sent %d before stopping, want 2 (the one in progress finished): %v", n, err)
		}
		for i, m := range msgs {
			f := find(t, db, m.ID)
			if i < 2 && f.Status != ortsplan.MessageSent || i >= 2 && (f.Status != ortsplan.MessagePending || f.Attempts != 0) {
				t.Errorf("message %d after the stop: %s, %d attempts", i, f.Status, f.Attempts)
			}
		}
		if !strings.Contains(logs.String(), "mail released") {
			t.Errorf("no release logged:\n%s", logs.String())
		}
		// Another worker sends them at once: the clock has not moved.
		srv.setOnData(nil)
		if n := sendDue(t, newWorker(db, c, srv.port)); n != 4 {
			t.Fatalf("the next worker sent %d, want the 4 released", n)
		}
		for _, m := range msgs[2:] {
			if f := find(t, db, m.ID); f.Status != ortsplan.MessageSent || f.Attempts != 1 {
				t.Errorf("message %d: %s after %d attempts", m.ID, f.Status, f.Attempts)
			}
		}
		if got := len(srv.received()); got != 6 {
			t.Errorf("received %d, want each of the 6 once", got)
		}
	})
}

// crashEnv carries the settings of the worker that TestWorkerCrashChild runs.
const crashEnv = "MAILER_CRASH_CHILD"

// crashLease is the crashing worker's lease; its SMTP timeout is half of it.
const crashLease = 4 * time.Second

// TestWorkerCrashChild is the worker process that TestWorkerCrashKeepsLease
// kills; run alone it does nothing.
func TestWorkerCrashChild(t *testing.T) {
	env := os.Getenv(crashEnv)
	if env == "" {
		t.Skip("the process TestWorkerCrashKeepsLease starts and kills")
	}
	dsn, port, _ := strings.Cut(env, " ")
	p, _ := strconv.Atoi(port)
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	w := &mailer.Worker{Outbox: db, Batch: 5, Lease: crashLease, Logger: slog.New(slog.DiscardHandler),
		SMTP: mailer.Config{Host: "127.0.0.1", Port: p, TLS: mailer.TLSNone, From: testFrom, Timeout: crashLease / 2}}
	w.SendDue(context.Background())
}

// A worker killed (SIGKILL) while sending keeps its messages reserved until
// its lease ends; then another worker sends them, each once.
func TestWorkerCrashKeepsLease(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := sqltest.System()
			dsn := sqltest.DSN(t, d)
			db, err := sqlstore.OpenAndMigrate(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			srv := startSMTP(t, 0, nil)
			stalled, unblock := make(chan struct{}), make(chan struct{})
			srv.setOnData(func(_ *smtpSession, n int) (bool, error) {
				if n == 2 {
					close(stalled)
					<-unblock
					return false, &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again"}
				}
				return true, nil
			})
			var msgs []*ortsplan.Message
			for i := range 5 {
				msgs = append(msgs, enqueue(t, db, &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Hej", Text: "x"}))
			}
			child := exec.Command(os.Args[0], "-test.run=^TestWorkerCrashChild$")
			child.Env = append(os.Environ(), crashEnv+"="+dsn+" "+strconv.Itoa(srv.port))
			child.Stdout, child.Stderr = io.Discard, io.Discard
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-stalled:
			case <-time.After(30 * time.Second):
				child.Process.Kill()
				t.Fatal("the child worker did not reach the second message")
			}
			if err := child.Process.Kill(); err != nil { // SIGKILL: no release, no cleanup
				t.Fatal(err)
			}
			killed := time.Now()
			child.Wait()
			close(unblock)

			if f := find(t, db, msgs[0].ID); f.Status != ortsplan.MessageSent {
				t.Fatalf("the first message: %s", f.Status)
			}
			var until time.Time
			if err := db.SQL().QueryRow("SELECT claimed_until FROM outbox WHERE id = $1", msgs[1].ID).Scan(&until); err != nil {
				t.Fatal(err)
			}
			if left := time.Until(until); left <= 0 || left > crashLease {
				t.Fatalf("the dead worker's lease runs %v more, want at most %v", left, crashLease)
			}
			other := &mailer.Worker{Outbox: db, Batch: 10, Logger: slog.New(slog.DiscardHandler),
				SMTP: mailer.Config{Host: "127.0.0.1", Port: srv.port, TLS: mailer.TLSNone, From: testFrom, Timeout: 5 * time.Second}}
			if n := sendDue(t, other); n != 0 {
				t.Fatalf("another worker sent %d while the lease held", n)
			}
			sent := 0
			for sent < 4 && time.Since(killed) < crashLease+10*time.Second {
				time.Sleep(50 * time.Millisecond)
				sent += sendDue(t, other)
			}
			delay := time.Since(killed)
			if sent != 4 || delay > crashLease+time.Second {
				t.Fatalf("sent %d of the 4 left %v after the kill, want all within the lease (%v)", sent, delay, crashLease)
			}
			t.Logf("the dead worker's messages went out %v after the kill (lease %v)", delay.Round(10*time.Millisecond), crashLease)
			count := map[string]int{}
			for _, r := range srv.received() {
				count[r.To[0]]++
			}
			for _, m := range msgs {
				if count[m.To] != 1 {
					t.Errorf("%s received %d times", m.To, count[m.To])
				}
			}
		})
	}
}

// The default lease is short: a crash delays the mail it held by at most
// the lease and one poll interval, under a minute.
func TestWorkerDefaultLease(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	c := newClock(db)
	srv := startSMTP(t, 0, nil)
	reached, unblock := make(chan struct{}), make(chan struct{})
	srv.setOnData(func(*smtpSession, int) (bool, error) {
		close(reached)
		<-unblock
		return true, nil
	})
	m := enqueue(t, db, swedishMessage())
	w := newWorker(db, c, srv.port)
	w.SMTP.Timeout = 0 // the defaults throughout
	done := make(chan int)
	go func() { n, _ := w.SendDue(context.Background()); done <- n }()
	<-reached
	var until time.Time
	if err := db.SQL().QueryRow("SELECT claimed_until FROM outbox WHERE id = $1", m.ID).Scan(&until); err != nil {
		t.Fatal(err)
	}
	close(unblock)
	if n := <-done; n != 1 {
		t.Fatalf("sent %d", n)
	}
	if lease := until.Sub(c.Now()); lease != mailer.DefaultLease || lease+mailer.DefaultInterval >= time.Minute {
		t.Fatalf("lease %v and poll interval %v: a crash could delay mail a minute or more", lease, mailer.DefaultInterval)
	}
}

// A batch that outlasts the lease keeps its messages: the worker renews the
// lease before a step the lease might not cover, and no other claimer gets them.
func TestWorkerRenewsLease(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		srv := startSMTP(t, 0, nil)
		claimed := make(chan struct{})
		srv.setOnData(func(_ *smtpSession, n int) (bool, error) {
			if n == 1 {
				close(claimed) // the worker holds the batch: now the other claimer may try
			}
			time.Sleep(600 * time.Millisecond)
			return true, nil
		})
		for i := range 6 {
			enqueue(t, db, &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Hej", Text: "x"})
		}
		w := &mailer.Worker{Outbox: db, Batch: 6, Lease: 3 * time.Second, Logger: slog.New(slog.DiscardHandler),
			SMTP: mailer.Config{Host: "127.0.0.1", Port: srv.port, TLS: mailer.TLSNone, From: testFrom, Timeout: time.Second}}
		var (
			stop    atomic.Bool
			stolen  []int64
			wg      sync.WaitGroup
			claimer error
		)
		wg.Go(func() {
			select {
			case <-claimed:
			case <-time.After(10 * time.Second):
				return
			}
			for !stop.Load() {
				ms, err := db.ClaimMessages(context.Background(), 10, time.Hour)
				if err != nil {
					claimer = err
					return
				}
				for _, m := range ms {
					stolen = append(stolen, m.ID)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
		start := time.Now()
		n, err := w.SendDue(context.Background())
		took := time.Since(start)
		stop.Store(true)
		wg.Wait()
		if err != nil || claimer != nil {
			t.Fatal(err, claimer)
		}
		if took < 3*time.Second {
			t.Fatalf("the batch took %v, less than the lease: the test shows nothing", took)
		}
		if n != 6 || len(stolen) != 0 {
			t.Fatalf("sent %d in %v; another claimer took %v", n, took, stolen)
		}
	})
}

// flakyListener refuses SMTP (421 and close) while down, counting the
// connections, and hands them to the server when up.
type flakyListener struct {
	net.Listener
	down     atomic.Bool
	refused  atomic.Int64
	accepted atomic.Int64
}

func (l *flakyListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if !l.down.Load() {
			l.accepted.Add(1)
			return c, nil
		}
		l.refused.Add(1)
		io.WriteString(c, "421 mx.test Service not available\r\n")
		c.Close()
	}
}

// While the SMTP server refuses, the worker backs off instead of trying every
// Interval; once the server is back, mail queued meanwhile goes out in the
// first batch, not behind the retries, and the retries follow.
func TestWorkerRunBacksOffAndCatchesUp(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		srv := startSMTP(t, 0, nil)
		srv.srv.Close()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		fl := &flakyListener{Listener: l}
		fl.down.Store(true)
		srv.srv = smtp.NewServer(srv)
		srv.srv.Domain = "mx.test"
		go srv.srv.Serve(fl)
		t.Cleanup(func() { srv.srv.Close() })

		c := newClock(db)
		// A long queue of retries from an earlier outage, all overdue now.
		var old []*ortsplan.Message
		for i := range 40 {
			old = append(old, enqueue(t, db, &ortsplan.Message{To: fmt.Sprintf("old%d@example.se", i), Subject: "Gammalt", Text: "x"}))
		}
		for len(old) > 0 {
			ms, err := db.ClaimMessages(ctx, 40, time.Minute)
			if err != nil || len(ms) == 0 {
				t.Fatalf("claim: %d %v", len(ms), err)
			}
			for _, m := range ms {
				if err := db.MarkFailed(ctx, m.ID, "smtp connect: refused", c.Now().Add(time.Minute), false); err != nil {
					t.Fatal(err)
				}
			}
			old = old[len(ms):]
		}
		c.Add(time.Hour)

		w := newWorker(db, c, l.Addr().(*net.TCPAddr).Port)
		w.Interval, w.MaxPause = 20*time.Millisecond, 160*time.Millisecond
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { w.Run(runCtx); close(done) }()
		defer func() { cancel(); <-done }()

		const downFor = 900 * time.Millisecond
		time.Sleep(downFor)
		// Every Interval would be 45 tries; backing off to MaxPause, about 8.
		tries := fl.refused.Load()
		if tries < 3 || tries > 12 {
			t.Fatalf("%d connections in %v while the server refused, want about 8 (backing off)", tries, downFor)
		}
		tried := 0
		for i := range 40 {
			if f := find(t, db, int64(i+1)); f.Attempts == 2 {
				tried++
			} else if f.Attempts != 1 || f.Status != ortsplan.MessagePending {
				t.Fatalf("message %d while down: %s, %d attempts", f.ID, f.Status, f.Attempts)
			}
		}
		// The worker runs on while the rows are read: one more refusal may
		// land between reading the count and reading the rows.
		if after := fl.refused.Load(); int64(tried) < tries || int64(tried) > after {
			t.Errorf("%d messages counted an attempt in %d–%d connections, want one each", tried, tries, after)
		}

		fl.down.Store(false)
		fresh := enqueue(t, db, &ortsplan.Message{To: "new@example.se", Subject: "Nytt", Text: "x"})
		// Everything due goes out: the new message and the retries not tried
		// again while down (a refusal still on its way when the server came
		// back counts as tried). Those tried again wait for their retry time.
		waiting := func() (due, retrying int) {
			for i := range 41 {
				f := find(t, db, int64(i+1))
				switch {
				case f.Status == ortsplan.MessagePending && f.Attempts >= 2:
					retrying++
				case f.Status == ortsplan.MessagePending:
					due++
				}
			}
			return due, retrying
		}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if d, _ := waiting(); d == 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		left, retrying := waiting()
		due := 41 - retrying
		got := srv.received()
		if left != 0 || len(got) != due {
			t.Fatalf("received %d after the server came back (%d still due), want the %d due", len(got), left, due)
		}
		pos := -1
		for i, r := range got {
			if r.To[0] == fresh.To {
				pos = i
			}
		}
		// The first batch claimed after it was queued carries it; one batch
		// of retries claimed just before may already be on its way.
		if pos < 0 || pos >= 2*w.Batch {
			t.Fatalf("the new message arrived as number %d of %d, want it in the first batch claimed after it (within %d)", pos+1, due, 2*w.Batch)
		}
		// The messages tried while down wait their own retry time, then go too.
		c.Add(mailer.RetryDelay(2))
		deadline = time.Now().Add(10 * time.Second)
		for len(srv.received()) < 41 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		count := map[string]int{}
		for _, r := range srv.received() {
			count[r.To[0]]++
		}
		if len(count) != 41 || len(srv.received()) != 41 {
			t.Fatalf("received %d messages for %d recipients, want 41 once each", len(srv.received()), len(count))
		}
	})
}

// With the server up, Run keeps claiming while messages are due: the rate is
// not one batch per Interval, even when some messages in a batch fail.
func TestWorkerRunKeepsClaimingWhileDue(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		srv := startSMTP(t, 0, nil)
		for i := range 3 {
			srv.reject[fmt.Sprintf("m%d@example.se", i*10)] = true
		}
		c := newClock(db)
		const total = 95
		for i := range total {
			enqueue(t, db, &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Hej", Text: "x"})
		}
		w := newWorker(db, c, srv.port)
		w.Interval = time.Hour
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		deadline := time.Now().Add(20 * time.Second)
		for len(srv.received()) < total-3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := len(srv.received()); got != total-3 {
			t.Fatalf("received %d of %d: the worker waited for its interval", got, total-3)
		}
	})
}
