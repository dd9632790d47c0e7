package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
)

// stallingInbox is an inbox whose first DATA waits for a signal.
type stallingInbox struct {
	inbox
	reached, unblock chan struct{}
}

func (b *stallingInbox) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &stallingSession{inboxSession: inboxSession{b: &b.inbox}, s: b}, nil
}

type stallingSession struct {
	inboxSession
	s *stallingInbox
}

func (s *stallingSession) Data(r io.Reader) error {
	select {
	case <-s.s.reached:
	default:
		close(s.s.reached)
		<-s.s.unblock
	}
	return s.inboxSession.Data(r)
}

// Stopping the server (SIGTERM) stops the mail worker between two messages:
// the one being sent is finished and marked sent, and the rest are released
// before the database closes, due at once for another instance.
func TestServeReleasesMailOnClose(t *testing.T) {
	be := &stallingInbox{reached: make(chan struct{}), unblock: make(chan struct{})}
	srv := smtp.NewServer(be)
	srv.Domain, srv.ErrorLog = "mx.test", log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	data := t.TempDir()
	dsn := filepath.Join(data, "ortsplan.db")
	db, err := sqlstore.OpenAndMigrate(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range 5 {
		m := &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Hej", Text: "Hej!"}
		if err := db.EnqueueMessage(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	db.Close()

	_, port, _ := net.SplitHostPort(l.Addr().String())
	var stdout, stderr lockedBuffer // the server's jobs log while the test reads
	m := NewMain(&stdout, &stderr)
	if err := m.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", data, "--smtp-host", "127.0.0.1", "--smtp-port", port,
		"--smtp-tls", "none", "--mail-from", "Ortsplan <noreply@flen.example>"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	select {
	case <-be.reached:
	case <-time.After(10 * time.Second):
		m.Close()
		t.Fatalf("the worker sent nothing\n%s", stderr.String())
	}
	// The first message is on its way when the worker is told to stop.
	stopped := make(chan struct{})
	stop := m.mailStop
	m.mailStop = func() { stop(); close(stopped) }
	closed := make(chan error)
	go func() { closed <- m.Close() }()
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not stop the mail worker")
	}
	close(be.unblock)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}

	db, err = sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, id := range ids {
		f, err := db.FindMessage(ortsplan.NewSystemContext(context.Background()), id)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && f.Status != ortsplan.MessageSent || i > 0 && (f.Status != ortsplan.MessagePending || f.Attempts != 0) {
			t.Errorf("message %d after Close: %s, %d attempts", i, f.Status, f.Attempts)
		}
	}
	var held int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM outbox WHERE claimed_until IS NOT NULL").Scan(&held); err != nil || held != 0 {
		t.Errorf("%d messages still reserved after Close (%v)\n%s", held, err, stderr.String())
	}
	if got := be.recipients(); len(got) != 1 || got[0] != "m0@example.se" {
		t.Errorf("received %v, want the first message only", got)
	}
}

// The hourly jobs delete e-mail sent longer ago than --mail-retention-days.
func TestServeDeletesOldMail(t *testing.T) {
	data := t.TempDir()
	dsn := filepath.Join(data, "ortsplan.db")
	db, err := sqlstore.OpenAndMigrate(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ortsplan.NewSystemContext(context.Background())
	var ms []*ortsplan.Message
	for _, to := range []string{"gammal@example.se", "ny@example.se", "vantar@example.se"} {
		m := &ortsplan.Message{To: to, ToName: "Namn", Subject: "Hej", Text: "Hej!"}
		if err := db.EnqueueMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	for _, m := range ms[:2] {
		if err := db.MarkSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().UTC().AddDate(0, 0, -31)
	if _, err := db.SQL().Exec("UPDATE outbox SET created_at = $1, sent_at = $1 WHERE id = $2", old, ms[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("UPDATE outbox SET created_at = $1 WHERE id = $2", old, ms[2].ID); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var stdout, stderr lockedBuffer // the server's jobs log while the test reads
	m := NewMain(&stdout, &stderr)
	if err := m.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", data, "--mail-retention-days", "30"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	defer m.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := m.DB.ListMessages(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 2 {
			if list[0].To != "vantar@example.se" || list[1].To != "ny@example.se" {
				t.Fatalf("kept %s and %s, want the recent and the waiting one", list[0].To, list[1].To)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages after the jobs ran, want 2\n%s", len(list), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeMailRetentionFlag(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	if err := m.ParseServe(nil); err != nil || m.mailDays != 90 {
		t.Fatalf("default --mail-retention-days %d, %v", m.mailDays, err)
	}
	m = NewMain(io.Discard, io.Discard)
	if err := m.ParseServe([]string{"--mail-retention-days", "0"}); err == nil {
		t.Error("--mail-retention-days 0 accepted")
	}
}
