package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TLS modes for Config.TLS.
const (
	TLSNone     = "none"     // plain text (only for a relay on the same host or network)
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, usually port 587
	TLSImplicit = "tls"      // TLS from the first byte, usually port 465
)

// Config is how to reach the SMTP server.
type Config struct {
	Host string
	Port int
	// Username and Password log in with AUTH PLAIN when Username is set.
	Username, Password string
	TLS                string // TLSNone, TLSStartTLS or TLSImplicit
	From               string // e.g. "Ortsplan <noreply@example.se>"
	// Timeout bounds connecting (with the greeting, STARTTLS and the login) and
	// each message's exchange; 0 means 30 seconds.
	Timeout time.Duration
	// TLSConfig, when set, replaces the default TLS settings (e.g. a private CA).
	TLSConfig *tls.Config
}

// Validate checks the settings before the worker starts.
func (c Config) Validate() error {
	if c.Host == "" {
		return errors.New("mailer: no SMTP host")
	}
	if c.Port <= 0 || c.Port > 65535 {
		return fmt.Errorf("mailer: SMTP port %d out of range", c.Port)
	}
	if !slices.Contains([]string{TLSNone, TLSStartTLS, TLSImplicit}, c.TLS) {
		return fmt.Errorf("mailer: SMTP TLS mode %q: use none, starttls or tls", c.TLS)
	}
	if _, err := parseAddress(c.From); err != nil {
		return fmt.Errorf("mailer: sender %q: %v", c.From, err)
	}
	return nil
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

func (c Config) tlsConfig() *tls.Config {
	t := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TLSConfig != nil {
		t = c.TLSConfig.Clone()
	}
	if t.ServerName == "" {
		t.ServerName = c.Host
	}
	return t
}

// stepError is an SMTP failure with the command it answered.
type stepError struct {
	step string // connect, hello, starttls, auth, mail, rcpt, data
	err  error
}

func (e *stepError) Error() string { return "smtp " + e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// Permanent reports whether err means the message can never be delivered: a
// message Build refuses, or a 5xx reply to RCPT or DATA (unknown recipient,
// message rejected). Everything else, including 5xx replies about the sender
// or the login (a configuration error), is worth retrying.
func Permanent(err error) bool {
	if errors.Is(err, ErrBadMessage) {
		return true
	}
	var se *stepError
	var te *textproto.Error
	return errors.As(err, &se) && (se.step == "rcpt" || se.step == "data") &&
		errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// session is one connection to the SMTP server, reused for a batch.
type session struct {
	cfg    Config
	conn   net.Conn
	client *smtp.Client
}

// dial connects, says hello, upgrades to TLS and logs in as configured.
func dial(ctx context.Context, cfg Config, helloName string) (*session, error) {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	var (
		conn net.Conn
		err  error
	)
	if cfg.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{Config: cfg.tlsConfig()}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, &stepError{"connect", err}
	}
	// Connecting and the setup share one Timeout, so a dial is one step of
	// at most Timeout, as sending one message is (the worker's lease counts on it).
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	s := &session{cfg: cfg, conn: conn}
	if s.client, err = smtp.NewClient(conn, cfg.Host); err != nil {
		conn.Close()
		return nil, &stepError{"connect", err}
	}
	if err := s.setup(helloName); err != nil {
		s.client.Close()
		return nil, err
	}
	return s, nil
}

func (s *session) setup(helloName string) error {
	if err := s.client.Hello(helloName); err != nil {
		return &stepError{"hello", err}
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := s.client.Extension("STARTTLS"); !ok {
			return &stepError{"starttls", errors.New("the server does not offer STARTTLS")}
		}
		if err := s.client.StartTLS(s.cfg.tlsConfig()); err != nil {
			return &stepError{"starttls", err}
		}
	}
	if s.cfg.Username != "" {
		if ok, mechs := s.client.Extension("AUTH"); !ok || !slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") {
			return &stepError{"auth", errors.New("the server does not offer AUTH PLAIN")}
		}
		// PlainAuth refuses to send the password unencrypted except to localhost.
		if err := s.client.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return &stepError{"auth", err}
		}
	}
	return nil
}

// send delivers one message to one recipient.
func (s *session) send(from, to string, msg []byte) error {
	s.conn.SetDeadline(time.Now().Add(s.cfg.timeout()))
	if err := s.client.Mail(from); err != nil {
		return &stepError{"mail", err}
	}
	if err := s.client.Rcpt(to); err != nil {
		return &stepError{"rcpt", err}
	}
	w, err := s.client.Data()
	if err != nil {
		return &stepError{"data", err}
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return &stepError{"data", err}
	}
	if err := w.Close(); err != nil {
		return &stepError{"data", err}
	}
	return nil
}

// usable reports whether the connection may carry the next message after err:
// the server answered (and accepts RSET), rather than the connection breaking.
func (s *session) usable(err error) bool {
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code == 421 {
		return false
	}
	s.conn.SetDeadline(time.Now().Add(s.cfg.timeout()))
	return s.client.Reset() == nil
}

// close says goodbye and closes the connection.
func (s *session) close() {
	s.conn.SetDeadline(time.Now().Add(s.cfg.timeout()))
	if err := s.client.Quit(); err != nil {
		s.client.Close()
	}
}
