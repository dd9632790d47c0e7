package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestServeDemoLoginAndGracefulShutdown(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			m := NewMain(&stdout, &stderr)
			args := []string{"--demo", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--drain", "1s"}
			if d == sqlstore.Postgres {
				args = append(args, "--db", sqltest.DSN(t, d))
			}
			if err := m.ParseServe(args); err != nil {
				t.Fatal(err)
			}
			if err := m.Run(context.Background()); err != nil {
				t.Fatalf("run: %v\n%s", err, stderr.String())
			}
			closed := false
			t.Cleanup(func() {
				if !closed {
					m.Close()
				}
			})
			base := "http://" + m.Addr()
			pw := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(stdout.String())
			if pw == nil || !strings.Contains(stdout.String(), "admin@ortsplan.example") {
				t.Fatalf("no admin login printed:\n%s", stdout.String())
			}

			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			res, err := c.Get(base + "/logga-in")
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := goquery.NewDocumentFromReader(res.Body)
			res.Body.Close()
			token := doc.Find(`input[name="csrf"]`).AttrOr("value", "")
			res, err = c.PostForm(base+"/logga-in", url.Values{"email": {"admin@ortsplan.example"}, "password": {pw[1]}, "csrf": {token}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.Request.URL.Path != "/admin" || res.StatusCode != 200 {
				t.Fatalf("login with the printed password ended at %s (%d)", res.Request.URL, res.StatusCode)
			}
			res, _ = c.Get(base + "/admin/anvandare")
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("admin page: %d", res.StatusCode)
			}

			// A request in flight when shutdown begins is still answered.
			conn, err := net.Dial("tcp", m.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// The handler is busy reading a slowly sent form body.
			body := "email=a%40b.se&password=x"
			fmt.Fprintf(conn, "POST /logga-in HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"+
				"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:5])
			time.Sleep(50 * time.Millisecond)
			done := make(chan error, 1)
			go func() { done <- m.Close() }()
			closed = true
			select {
			case err := <-done:
				t.Fatalf("Close returned (%v) while a request was in flight", err)
			case <-time.After(300 * time.Millisecond):
			}
			// While draining, /readyz says 503 so a load balancer moves away,
			// and pages are still served.
			if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("/readyz while draining: %v %v, want 503", res, err)
			} else {
				res.Body.Close()
			}
			if res, err := http.Get(base + "/"); err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("/ while draining: %v %v, want 200", res, err)
			} else {
				res.Body.Close()
			}
			fmt.Fprint(conn, body[5:])
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("in-flight request lost: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != http.StatusUnauthorized { // a wrong password: refused, but answered
				t.Fatalf("in-flight request: %d", resp.StatusCode)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("close: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Close did not return after the request finished")
			}
			if _, err := http.Get(base + "/healthz"); err == nil {
				t.Fatal("server still answers after Close")
			}
		})
	}
}

func TestUserAddFromStdinAndEnv(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqltest.DSN(t, d)
			t.Setenv("ORTSPLAN_DB", dsn)
			t.Setenv("ORTSPLAN_DATA", t.TempDir())
			ctx := context.Background()
			var out, errOut bytes.Buffer
			if err := run(ctx, []string{"demo"}, nil, &out, &errOut); err != nil {
				t.Fatalf("demo: %v", err)
			}
			err := run(ctx, []string{"user", "add", "--email", "ny@example.se", "--name", "Ny Tjänsteperson", "--role", "official",
				"--department", "Socialförvaltningen", "--locality", "bettna", "--locality", "flen"},
				strings.NewReader("ett långt lösenord\n"), &out, &errOut)
			if err != nil {
				t.Fatalf("user add: %v", err)
			}
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			u, err := db.Authenticate(ctx, "ny@example.se", "ett långt lösenord", "127.0.0.1")
			if err != nil || u.Department != "Socialförvaltningen" || len(u.Localities) != 2 || u.Localities[0].Slug+","+u.Localities[1].Slug != "bettna,flen" {
				t.Fatalf("created user: %+v %v", u, err)
			}
			err = run(ctx, []string{"user", "add", "--email", "x", "--name", "", "--role", "king"}, strings.NewReader("kort\n"), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), "--role: Choose a role from the list.") || !strings.Contains(err.Error(), "--password") {
				t.Fatalf("bad input: %v", err)
			}
			if err := run(ctx, []string{"demo"}, nil, &out, &errOut); err == nil {
				t.Fatal("demo loaded twice")
			}
		})
	}
}

func TestHelpAndMigrate(t *testing.T) {
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"help"}, nil, &out, &errOut); err != nil || !strings.Contains(out.String(), "ortsplan user add") {
		t.Fatalf("help: %v %q", err, out.String())
	}
	for _, cmd := range [][]string{{"serve", "--help"}, {"migrate", "--help"}, {"demo", "--help"}, {"user", "add", "--help"}} {
		errOut.Reset()
		err := run(ctx, cmd, nil, &out, &errOut)
		if err == nil || !strings.Contains(errOut.String(), "ORTSPLAN_DB") {
			t.Errorf("%v: err=%v, usage=%q", cmd, err, errOut.String())
		}
	}
	if err := run(ctx, []string{"frobnicate"}, nil, &out, &errOut); err == nil {
		t.Error("unknown command accepted")
	}
	out.Reset()
	ms, _ := sqlstore.Migrations(sqlstore.SQLite)
	want := fmt.Sprintf("Applied %d migration(s); the sqlite database is at schema version %d.", len(ms), len(ms))
	if err := run(ctx, []string{"migrate", "--data", t.TempDir()}, nil, &out, &errOut); err != nil || !strings.Contains(out.String(), want) {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
}

func TestDemoScale(t *testing.T) {
	for _, d := range sqltest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Setenv("ORTSPLAN_DB", sqltest.DSN(t, d))
			t.Setenv("ORTSPLAN_DATA", t.TempDir())
			ctx := context.Background()
			var out, errOut bytes.Buffer
			if err := run(ctx, []string{"demo", "--scale", "0.01"}, nil, &out, &errOut); err != nil {
				t.Fatalf("demo --scale: %v", err)
			}
			if !strings.Contains(out.String(), "Loaded 3 localities, 200 actions, 50 meetings, 1000 ideas") ||
				!strings.Contains(out.String(), "password: ") {
				t.Fatalf("output: %s", out.String())
			}
			// A second load is refused: the database is no longer empty.
			if err := run(ctx, []string{"demo", "--scale", "large"}, nil, &out, &errOut); err == nil {
				t.Fatal("loaded into a database with localities")
			}
			if err := run(ctx, []string{"demo", "--scale", "huge"}, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "--scale") {
				t.Fatalf("bad scale: %v", err)
			}
		})
	}
}

// TestRegistrationFlags: the registration rule comes from the flags or
// their environment variables, with the documented defaults, and a rule
// that would refuse everyone is refused at start.
func TestRegistrationFlags(t *testing.T) {
	parse := func(args ...string) (*Main, error) {
		m := NewMain(io.Discard, io.Discard)
		return m, m.ParseServe(args)
	}
	m, err := parse()
	if err != nil || m.web.RegistrationRule.MaxPeople != 6 || m.web.RegistrationRule.ConfirmWithin != 48*time.Hour {
		t.Fatalf("defaults: %v %+v", err, m.web.RegistrationRule)
	}
	m, err = parse("--registration-max-people", "4", "--registration-confirm-hours", "24")
	if err != nil || m.web.RegistrationRule.MaxPeople != 4 || m.web.RegistrationRule.ConfirmWithin != 24*time.Hour {
		t.Fatalf("flags: %v %+v", err, m.web.RegistrationRule)
	}
	t.Setenv("ORTSPLAN_REGISTRATION_MAX_PEOPLE", "2")
	t.Setenv("ORTSPLAN_REGISTRATION_CONFIRM_HOURS", "12")
	m, err = parse()
	if err != nil || m.web.RegistrationRule.MaxPeople != 2 || m.web.RegistrationRule.ConfirmWithin != 12*time.Hour {
		t.Fatalf("environment: %v %+v", err, m.web.RegistrationRule)
	}
	for _, args := range [][]string{{"--registration-max-people", "0"}, {"--registration-confirm-hours", "0"}} {
		if _, err := parse(args...); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: %v, want a refusal that names the flag", args, err)
		}
	}
}

// TestShutdownCutsOffAStuckRequestAndExitsCleanly: a request still running
// when the shutdown time ends (an upload on a slow line, say) is cut off,
// and stopping is still a clean exit.
func TestShutdownCutsOffAStuckRequestAndExitsCleanly(t *testing.T) {
	var stdout bytes.Buffer
	stderr := &lockedBuffer{} // the server's goroutines log while the test reads
	m := NewMain(&stdout, stderr)
	if err := m.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--drain", "0", "--shutdown-timeout", "500ms"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	conn, err := net.Dial("tcp", m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /logga-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=")
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := m.Close(); err != nil {
		t.Fatalf("Close with a stuck request: %v, want nil (exit status 0)\n%s", err, stderr.String())
	}
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Fatalf("Close took %v: it did not give the request its shutdown time", took)
	}
	if !strings.Contains(stderr.String(), "cut off") {
		t.Fatalf("no warning about the request cut off:\n%s", stderr.String())
	}
}

// lockedBuffer is a bytes.Buffer that goroutines may write while a test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
