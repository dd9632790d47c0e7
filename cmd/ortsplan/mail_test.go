package main

import (
	"context"
	"io"
	"log"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
)

// inbox is a go-smtp backend that keeps the recipients of what it receives.
type inbox struct {
	mu  sync.Mutex
	rcp []string
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &inboxSession{b: b}, nil }

func (b *inbox) recipients() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.rcp...)
}

type inboxSession struct {
	b  *inbox
	to []string
}

func (s *inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *inboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *inboxSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	s.b.mu.Lock()
	s.b.rcp = append(s.b.rcp, s.to...)
	s.b.mu.Unlock()
	return nil
}
func (s *inboxSession) Reset()        { s.to = nil }
func (s *inboxSession) Logout() error { return nil }

func TestServeSendsOutboxMail(t *testing.T) {
	be := &inbox{}
	srv := smtp.NewServer(be)
	srv.Domain, srv.ErrorLog = "mx.test", log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	// A message waits in the outbox before the server starts.
	data := t.TempDir()
	db, err := sqlstore.OpenAndMigrate(context.Background(), filepath.Join(data, "ortsplan.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EnqueueMessage(context.Background(), &ortsplan.Message{To: "asa@example.se", Subject: "Hej", Text: "Hej!"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, port, _ := net.SplitHostPort(l.Addr().String())
	t.Setenv("ORTSPLAN_SMTP_HOST", "127.0.0.1")
	t.Setenv("ORTSPLAN_SMTP_PORT", port)
	var stdout, stderr lockedBuffer // the server's jobs log while the test reads
	m := NewMain(&stdout, &stderr)
	if err := m.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", data, "--smtp-tls", "none",
		"--mail-from", "Ortsplan <noreply@flen.example>"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(be.recipients()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := be.recipients(); len(got) != 1 || got[0] != "asa@example.se" {
		t.Fatalf("SMTP server received %v\n%s", got, stderr.String())
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "mail worker stopped") {
		t.Errorf("the mail worker was not stopped on Close:\n%s", stderr.String())
	}
}

func TestServeMailFlags(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	if err := m.ParseServe([]string{"--smtp-host", "smtp.example.se", "--smtp-tls", "ssl"}); err == nil {
		t.Error("--smtp-tls ssl accepted")
	}
	m = NewMain(io.Discard, io.Discard)
	if err := m.ParseServe([]string{"--smtp-host", "smtp.example.se", "--mail-from", "noreply"}); err == nil {
		t.Error("--mail-from without a domain accepted")
	}
	m = NewMain(io.Discard, io.Discard)
	if err := m.ParseServe(nil); err != nil {
		t.Fatal(err)
	}
	if m.smtp.Port != 587 || m.smtp.TLS != "starttls" || m.smtp.From != "Ortsplan <noreply@localhost>" {
		t.Errorf("defaults: %+v", m.smtp)
	}
}
