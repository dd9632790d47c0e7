package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan/sqlstore"
)

// envName returns the environment variable for a flag: base-url → ORTSPLAN_BASE_URL.
func envName(flagName string) string {
	return "ORTSPLAN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// newFlagSet returns a flag set whose usage lists each flag's environment variable.
func newFlagSet(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ortsplan %s [flags]\n\n%s\n\nFlags (each also read from its environment variable):\n", name, summary)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(stderr, "  --%s\t%s%s\n  \t[%s]\n", f.Name, f.Usage, def, envName(f.Name))
		})
	}
	return fs
}

// parseWithEnv parses args after filling each flag not given on the command
// line from its environment variable.
func parseWithEnv(fs *flag.FlagSet, args []string) error {
	return parseWithEnvArgs(fs, args, 0)
}

// parseWithEnvArgs is parseWithEnv for a command that takes n arguments
// after its flags.
func parseWithEnvArgs(fs *flag.FlagSet, args []string, n int) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > n {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(n))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	return err
}

// proxyCount is --trust-proxy: a number of proxies, where the flag alone
// (or "true") means one and "false" none.
type proxyCount int

func (p *proxyCount) String() string {
	if p == nil {
		return "0"
	}
	return strconv.Itoa(int(*p))
}

func (p *proxyCount) Set(v string) error {
	switch v {
	case "true":
		*p = 1
	case "false":
		*p = 0
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10 {
			return fmt.Errorf("want a number of proxies from 0 to 10, or true or false")
		}
		*p = proxyCount(n)
	}
	return nil
}

// IsBoolFlag lets --trust-proxy stand alone.
func (p *proxyCount) IsBoolFlag() bool { return true }

// dbFlags are the database flags shared by every command.
type dbFlags struct {
	data string
	db   string
	// connectTimeout and statementTimeout bound PostgreSQL: a database that
	// stops answering fails requests instead of hanging them.
	connectTimeout, statementTimeout time.Duration
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "./data", "data directory for the SQLite database and uploaded files")
	fs.StringVar(&d.db, "db", "", "SQLite file path or postgres:// URL (default <data>/ortsplan.db)")
	fs.DurationVar(&d.connectTimeout, "db-connect-timeout", 5*time.Second, "PostgreSQL: longest wait for a connection (0: no limit)")
	fs.DurationVar(&d.statementTimeout, "db-statement-timeout", 30*time.Second, "PostgreSQL: longest time one statement may run (0: no limit)")
}

// dsnWithTimeouts is the database to open, a PostgreSQL URL given the
// connect and statement timeouts unless it sets them itself.
func (d *dbFlags) dsnWithTimeouts() string {
	return postgresTimeouts(d.dsn(), d.connectTimeout, d.statementTimeout)
}

// postgresTimeouts adds connect_timeout (whole seconds, at least 1) and
// statement_timeout (milliseconds) to a postgres:// URL that lacks them.
// Other data source names are returned as they are.
func postgresTimeouts(dsn string, connect, statement time.Duration) string {
	if !sqlstore.IsPostgresURL(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver reports the bad URL
	}
	q := u.Query()
	if connect > 0 && !q.Has("connect_timeout") {
		q.Set("connect_timeout", strconv.FormatInt(max(1, int64((connect+time.Second-1)/time.Second)), 10))
	}
	if statement > 0 && !q.Has("statement_timeout") {
		q.Set("statement_timeout", strconv.FormatInt(max(1, statement.Milliseconds()), 10))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// dsn is the database to open.
func (d *dbFlags) dsn() string {
	if d.db != "" {
		return d.db
	}
	return filepath.Join(d.data, "ortsplan.db")
}

// stringList is a repeatable flag; commas also separate values.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if p := strings.TrimSpace(part); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}
