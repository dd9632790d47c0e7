package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
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
