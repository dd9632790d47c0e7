package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestTrustProxyFlag(t *testing.T) {
	cases := []struct {
		args []string
		env  string
		want int
		bad  bool
	}{
		{nil, "", 0, false},
		{[]string{"--trust-proxy"}, "", 1, false},
		{[]string{"--trust-proxy=2"}, "", 2, false},
		{[]string{"--trust-proxy=false"}, "", 0, false},
		{nil, "true", 1, false},
		{nil, "3", 3, false},
		{[]string{"--trust-proxy=many"}, "", 0, true},
		{[]string{"--trust-proxy=-1"}, "", 0, true},
		{nil, "11", 0, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.args, "env=", c.env), func(t *testing.T) {
			t.Setenv("ORTSPLAN_TRUST_PROXY", c.env)
			if c.env == "" {
				t.Setenv("ORTSPLAN_TRUST_PROXY", "false")
			}
			m := NewMain(io.Discard, io.Discard)
			err := m.ParseServe(c.args)
			if (err != nil) != c.bad {
				t.Fatalf("err = %v", err)
			}
			if !c.bad && m.web.TrustProxy != c.want {
				t.Fatalf("TrustProxy = %d, want %d", m.web.TrustProxy, c.want)
			}
		})
	}
}

func TestPostgresTimeouts(t *testing.T) {
	for _, c := range []struct {
		dsn                string
		connect, statement time.Duration
		want               string
	}{
		{"postgres://u@db/ortsplan", 5 * time.Second, 30 * time.Second, "postgres://u@db/ortsplan?connect_timeout=5&statement_timeout=30000"},
		{"postgres://u@db/ortsplan?sslmode=disable", 1500 * time.Millisecond, time.Second, "postgres://u@db/ortsplan?connect_timeout=2&sslmode=disable&statement_timeout=1000"},
		// What the URL says wins.
		{"postgres://u@db/o?statement_timeout=5&connect_timeout=9", 5 * time.Second, 30 * time.Second, "postgres://u@db/o?connect_timeout=9&statement_timeout=5"},
		// 0 is no limit.
		{"postgresql://u@db/o", 0, 0, "postgresql://u@db/o"},
		// SQLite is left alone.
		{"data/ortsplan.db", 5 * time.Second, 30 * time.Second, "data/ortsplan.db"},
	} {
		if got := postgresTimeouts(c.dsn, c.connect, c.statement); got != c.want {
			t.Errorf("postgresTimeouts(%q, %v, %v) = %q, want %q", c.dsn, c.connect, c.statement, got, c.want)
		}
	}
}

// TestPostgresTimeoutsHold: with the defaults' mechanism, a statement that
// runs too long is stopped, and a server that accepts but never answers fails
// the connection instead of hanging it.
func TestPostgresTimeoutsHold(t *testing.T) {
	if os.Getenv(sqltest.EnvPostgres) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set", sqltest.EnvPostgres)
		}
		t.Skip(sqltest.EnvPostgres + " is not set")
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, postgresTimeouts(os.Getenv(sqltest.EnvPostgres), time.Second, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, err = db.SQL().ExecContext(ctx, "SELECT pg_sleep(3)")
	if err == nil || !strings.Contains(err.Error(), "57014") {
		t.Fatalf("a 3 s statement under a 200 ms timeout: %v, want SQLSTATE 57014 (statement timeout)", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the statement ran %v", took)
	}

	// A "database" that accepts connections and then says nothing.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	silent, err := sqlstore.Open(ctx, postgresTimeouts("postgres://u@"+l.Addr().String()+"/o?sslmode=disable", time.Second, time.Second))
	if err == nil {
		start = time.Now()
		err = silent.Ping(ctx)
		silent.Close()
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("ping of a silent server took %v", took)
		}
	}
	if err == nil {
		t.Fatal("a server that never answers: no error")
	}
}

// The look and the statements' facts come from flags; what fails its check
// stops the start with a message that names the flag.
func TestLookAndStatementFlags(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	logo := write("logo.svg", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>`)
	bad := write("bad.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>`)
	parse := func(args ...string) (*Main, error) {
		m := NewMain(io.Discard, io.Discard)
		return m, m.ParseServe(args)
	}
	m, err := parse("--accent-color", "#005a9c", "--logo", logo, "--a11y-method", "Granskat med NVDA.", "--a11y-assessed", "2026-10-05",
		"--log-retention-days", "14", "--signup-retention-months", "18", "--mail-retention-days", "30")
	if err != nil {
		t.Fatal(err)
	}
	st := m.web.Statements
	if m.web.Brand.Accent != "#005a9c" || len(m.web.Brand.Logo) == 0 || st.A11yMethod != "Granskat med NVDA." ||
		st.A11yAssessed.Format(time.DateOnly) != "2026-10-05" || st.LogRetentionDays != 14 || st.SignUpRetentionMonths != 18 || st.MailRetentionDays != 30 {
		t.Fatalf("parsed %+v %+v", m.web.Brand, st)
	}
	// The demo draws its own home picture, with a description.
	if m, err = parse("--demo"); err != nil || len(m.web.Brand.HomePicture) == 0 || m.web.Brand.HomePictureAlt == "" {
		t.Fatalf("--demo: %v, picture %d bytes, alt %q", err, len(m.web.Brand.HomePicture), m.web.Brand.HomePictureAlt)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--accent-color", "#ffcc00"}, "--accent-color: the accent colour #ffcc00 has a contrast of 1.5"},
		{[]string{"--logo", bad}, "--logo " + bad + ": the SVG logo has an event attribute onload"},
		{[]string{"--logo", filepath.Join(dir, "missing.svg")}, "--logo:"},
		{[]string{"--home-picture", logo, "--home-picture-alt", "x"}, "--home-picture " + logo + ": the picture is neither"},
		{[]string{"--a11y-assessed", "5 okt"}, "--a11y-assessed: want a date"},
	} {
		if _, err := parse(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}
