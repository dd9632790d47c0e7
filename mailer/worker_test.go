package mailer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/mailer"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// received is one message the test server accepted.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

// smtpServer is a real SMTP server (go-smtp) that keeps what it receives in memory.
type smtpServer struct {
	srv  *smtp.Server
	port int

	mu       sync.Mutex
	msgs     []received
	reject   map[string]bool // recipients answered with 550
	user     string          // required login, when set
	password string
	// onData, when set, sees each message's DATA before it is kept (n counts
	// them from 1): keep false drops it, and err becomes the reply.
	onData func(ss *smtpSession, n int) (keep bool, err error)
	datas  int
}

type serverOption func(*smtpServer, *smtp.Server)

func withAuth(user, password string) serverOption {
	return func(s *smtpServer, _ *smtp.Server) { s.user, s.password = user, password }
}

func withTLS(cfg *tls.Config) serverOption {
	return func(_ *smtpServer, srv *smtp.Server) { srv.TLSConfig = cfg }
}

// startSMTP serves SMTP on 127.0.0.1:port (0 for any free port) until the test ends;
// implicit wraps the listener in TLS.
func startSMTP(t *testing.T, port int, implicit *tls.Config, opts ...serverOption) *smtpServer {
	t.Helper()
	s := &smtpServer{reject: map[string]bool{}}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "mx.test"
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	for _, o := range opts {
		o(s, s.srv)
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if implicit != nil {
		l = tls.NewListener(l, implicit)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// NewSession implements smtp.Backend.
func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: s, conn: c}, nil
}

type smtpSession struct {
	s    *smtpServer
	conn *smtp.Conn
	user string
	cur  received
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != ss.s.user || password != ss.s.password {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.cur = received{From: from, TLS: isTLS, User: ss.user}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	ss.cur.To = append(ss.cur.To, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.cur.Data = b
	ss.s.mu.Lock()
	ss.s.datas++
	n, hook := ss.s.datas, ss.s.onData
	ss.s.mu.Unlock()
	keep := true
	if hook != nil {
		if keep, err = hook(ss, n); !keep {
			return err
		}
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.cur)
	ss.s.mu.Unlock()
	return err
}

func (ss *smtpSession) Reset()        { ss.cur = received{} }
func (ss *smtpSession) Logout() error { return nil }

// clock is a settable clock shared by the store and the worker.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock(dbs ...*sqlstore.DB) *clock {
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	for _, db := range dbs {
		db.Now = c.Now
	}
	return c
}

func newWorker(db *sqlstore.DB, c *clock, port int) *mailer.Worker {
	return &mailer.Worker{
		Outbox: db,
		SMTP:   mailer.Config{Host: "127.0.0.1", Port: port, TLS: mailer.TLSNone, From: testFrom, Timeout: 5 * time.Second},
		Logger: slog.New(slog.DiscardHandler),
		Now:    c.Now,
		Batch:  10,
	}
}

func sendDue(t *testing.T, w *mailer.Worker) int {
	t.Helper()
	n, err := w.SendDue(context.Background())
	if err != nil {
		t.Fatalf("SendDue: %v", err)
	}
	return n
}

func enqueue(t *testing.T, db *sqlstore.DB, m *ortsplan.Message) *ortsplan.Message {
	t.Helper()
	if err := db.EnqueueMessage(context.Background(), m); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return m
}

func find(t *testing.T, db *sqlstore.DB, id int64) *ortsplan.Message {
	t.Helper()
	m, err := db.FindMessage(sqltest.System(), id)
	if err != nil {
		t.Fatalf("find message %d: %v", id, err)
	}
	return m
}

// freePort returns a port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestWorkerSendsOverSMTP(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		srv := startSMTP(t, 0, nil)
		c := newClock(db)
		m := enqueue(t, db, swedishMessage())
		plain := enqueue(t, db, &ortsplan.Message{To: "bo@example.se", Subject: "Only text", Text: "Hello.", Lang: "en"})
		if n := sendDue(t, newWorker(db, c, srv.port)); n != 2 {
			t.Fatalf("sent %d, want 2", n)
		}
		got := srv.received()
		if len(got) != 2 {
			t.Fatalf("server received %d messages, want 2", len(got))
		}
		if got[0].From != "noreply@flen.example" || len(got[0].To) != 1 || got[0].To[0] != m.To {
			t.Fatalf("envelope %s → %v", got[0].From, got[0].To)
		}
		p := checkMessage(t, got[0].Data, m)
		if len(p.Parts) != 2 {
			t.Fatalf("parts %v, want text and HTML", p.Parts)
		}
		if d, _ := p.Header.Date(); !d.Equal(c.Now()) {
			t.Errorf("Date %v, want the worker's clock %v", d, c.Now())
		}
		if p := checkMessage(t, got[1].Data, plain); len(p.Parts) != 1 {
			t.Fatalf("parts %v, want text only", p.Parts)
		}
		for _, id := range []int64{m.ID, plain.ID} {
			if f := find(t, db, id); f.Status != ortsplan.MessageSent || f.Attempts != 1 || !f.SentAt.Equal(c.Now()) {
				t.Fatalf("message %d after sending: %+v", id, f)
			}
		}
		if n := sendDue(t, newWorker(db, c, srv.port)); n != 0 || len(srv.received()) != 2 {
			t.Fatal("a sent message was sent again")
		}
	})
}

func TestWorkerRetriesWhenServerIsDown(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		c := newClock(db)
		port := freePort(t)
		w := newWorker(db, c, port)
		m := enqueue(t, db, swedishMessage())
		if n := sendDue(t, w); n != 0 {
			t.Fatalf("sent %d with the server down", n)
		}
		f := find(t, db, m.ID)
		if f.Status != ortsplan.MessagePending || f.Attempts != 1 || !strings.Contains(f.LastError, "connect") ||
			!f.NextAttemptAt.Equal(c.Now().Add(mailer.FirstRetry)) {
			t.Fatalf("after a failed attempt: status %s, attempts %d, next %v, error %q", f.Status, f.Attempts, f.NextAttemptAt, f.LastError)
		}

		srv := startSMTP(t, port, nil)
		if n := sendDue(t, w); n != 0 {
			t.Fatal("sent before the retry time")
		}
		c.Add(mailer.FirstRetry)
		if n := sendDue(t, w); n != 1 {
			t.Fatalf("sent %d after the retry time, want 1", n)
		}
		if got := srv.received(); len(got) != 1 {
			t.Fatalf("server received %d", len(got))
		}
		if f := find(t, db, m.ID); f.Status != ortsplan.MessageSent || f.Attempts != 2 {
			t.Fatalf("after the retry: %+v", f)
		}
	})
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	c := newClock(db)
	w := newWorker(db, c, freePort(t))
	m := enqueue(t, db, swedishMessage())
	for i := 1; i <= mailer.MaxAttempts; i++ {
		sendDue(t, w)
		f := find(t, db, m.ID)
		if f.Attempts != i {
			t.Fatalf("attempt %d recorded as %d", i, f.Attempts)
		}
		if want := ortsplan.MessagePending; i == mailer.MaxAttempts {
			if f.Status != ortsplan.MessageFailed {
				t.Fatalf("after %d attempts status %s, want failed", i, f.Status)
			}
		} else if f.Status != want {
			t.Fatalf("after %d attempts status %s", i, f.Status)
		}
		c.Add(mailer.RetryDelay(i))
	}
}

func TestWorkerPermanentRcptFailure(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		srv := startSMTP(t, 0, nil)
		srv.reject["nobody@example.se"] = true
		c := newClock(db)
		bad := enqueue(t, db, &ortsplan.Message{To: "nobody@example.se", Subject: "Hej", Text: "x"})
		good := enqueue(t, db, &ortsplan.Message{To: "bo@example.se", Subject: "Hej", Text: "x"})
		if n := sendDue(t, newWorker(db, c, srv.port)); n != 1 {
			t.Fatalf("sent %d, want 1", n)
		}
		f := find(t, db, bad.ID)
		if f.Status != ortsplan.MessageFailed || !strings.Contains(f.LastError, "550") {
			t.Fatalf("after a 550 reply to RCPT: status %s, error %q", f.Status, f.LastError)
		}
		if find(t, db, good.ID).Status != ortsplan.MessageSent {
			t.Fatal("the next message in the batch was not sent over the same connection")
		}
		if got := srv.received(); len(got) != 1 || got[0].To[0] != "bo@example.se" {
			t.Fatalf("server received %+v", got)
		}
	})
}

// TestWorkersDeliverEachMessageOnce runs two workers, each with its own
// connection pool, against one outbox.
func TestWorkersDeliverEachMessageOnce(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := sqltest.System()
			dsn := sqltest.DSN(t, d)
			srv := startSMTP(t, 0, nil)
			var workers [2]*mailer.Worker
			for i := range workers {
				db, err := sqlstore.OpenAndMigrate(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				workers[i] = &mailer.Worker{Outbox: db, Logger: slog.New(slog.DiscardHandler), Batch: 7,
					SMTP: mailer.Config{Host: "127.0.0.1", Port: srv.port, TLS: mailer.TLSNone, From: testFrom}}
			}
			const total = 100
			for i := range total {
				enqueue(t, workers[0].Outbox.(*sqlstore.DB), &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Hej", Text: "x"})
			}
			var (
				wg    sync.WaitGroup
				errs  = make(chan error, 2)
				sends [2]int
			)
			for i, w := range workers {
				wg.Go(func() {
					for idle := 0; idle < 3; {
						n, err := w.SendDue(ctx)
						if err != nil {
							errs <- err
							return
						}
						sends[i] += n
						if n == 0 {
							idle++
							time.Sleep(10 * time.Millisecond)
						} else {
							idle = 0
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			t.Logf("sent by each worker: %v", sends)
			count := map[string]int{}
			for _, r := range srv.received() {
				count[r.To[0]]++
			}
			for i := range total {
				if to := fmt.Sprintf("m%d@example.se", i); count[to] != 1 {
					t.Errorf("%s received %d times", to, count[to])
				}
			}
			list, err := workers[1].Outbox.ListMessages(ctx, total)
			if err != nil || len(list) != total {
				t.Fatalf("outbox: %d messages, %v", len(list), err)
			}
			for _, m := range list {
				if m.Status != ortsplan.MessageSent || m.Attempts != 1 {
					t.Fatalf("message %d: status %s, attempts %d", m.ID, m.Status, m.Attempts)
				}
			}
		})
	}
}

// selfSigned returns a server certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

func TestWorkerTLSAndAuth(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	clientTLS := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	for _, mode := range []string{mailer.TLSStartTLS, mailer.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			db := sqltest.Open(t, sqlstore.SQLite)
			c := newClock(db)
			var implicit *tls.Config
			if mode == mailer.TLSImplicit {
				implicit = serverTLS
			}
			srv := startSMTP(t, 0, implicit, withTLS(serverTLS), withAuth("ortsplan", "hemligt-lösenord"))
			w := newWorker(db, c, srv.port)
			w.SMTP.TLS, w.SMTP.TLSConfig = mode, clientTLS
			w.SMTP.Username, w.SMTP.Password = "ortsplan", "hemligt-lösenord"
			m := enqueue(t, db, swedishMessage())
			if n := sendDue(t, w); n != 1 {
				t.Fatalf("sent %d: %q", n, find(t, db, m.ID).LastError)
			}
			got := srv.received()
			if len(got) != 1 || !got[0].TLS || got[0].User != "ortsplan" {
				t.Fatalf("received %+v", got)
			}
			checkMessage(t, got[0].Data, m)

			// A wrong password is a configuration error: retried, not given up.
			w.SMTP.Password = "fel"
			m2 := enqueue(t, db, swedishMessage())
			sendDue(t, w)
			if f := find(t, db, m2.ID); f.Status != ortsplan.MessagePending || !strings.Contains(f.LastError, "auth") {
				t.Fatalf("wrong password: status %s, error %q", f.Status, f.LastError)
			}
			// A certificate the worker does not trust stops it before the login.
			w.SMTP.Password, w.SMTP.TLSConfig = "hemligt-lösenord", nil
			c.Add(time.Hour)
			sendDue(t, w)
			if f := find(t, db, m2.ID); f.Status != ortsplan.MessagePending || !strings.Contains(f.LastError, "certificate") {
				t.Fatalf("untrusted certificate: status %s, error %q", f.Status, f.LastError)
			}
		})
	}
}

func TestWorkerRefusesStartTLSDowngrade(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	c := newClock(db)
	srv := startSMTP(t, 0, nil) // no TLS offered
	w := newWorker(db, c, srv.port)
	w.SMTP.TLS = mailer.TLSStartTLS
	m := enqueue(t, db, swedishMessage())
	sendDue(t, w)
	if f := find(t, db, m.ID); f.Status != ortsplan.MessagePending || !strings.Contains(f.LastError, "STARTTLS") || len(srv.received()) != 0 {
		t.Fatalf("sent without STARTTLS: %+v", f)
	}
}

func TestWorkerRun(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	srv := startSMTP(t, 0, nil)
	w := newWorker(db, newClock(db), srv.port)
	w.Interval = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	enqueue(t, db, swedishMessage())
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(srv.received()) != 1 {
		t.Fatal("Run did not send the message")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop when its context ended")
	}
}

func TestConfigValidate(t *testing.T) {
	ok := mailer.Config{Host: "smtp.example.se", Port: 587, TLS: "starttls", From: testFrom}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*mailer.Config){
		"host": func(c *mailer.Config) { c.Host = "" },
		"port": func(c *mailer.Config) { c.Port = 0 },
		"tls":  func(c *mailer.Config) { c.TLS = "ssl" },
		"from": func(c *mailer.Config) { c.From = "noreply" },
	} {
		c := ok
		change(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: invalid config accepted", name)
		}
	}
}

// setOnData sets the hook the server calls for each message, under the
// lock the sessions read it with.
func (s *smtpServer) setOnData(hook func(*smtpSession, int) (bool, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onData = hook
}
