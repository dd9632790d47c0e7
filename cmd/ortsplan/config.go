package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
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
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "./data", "data directory for the SQLite database and uploaded files")
	fs.StringVar(&d.db, "db", "", "SQLite file path or postgres:// URL (default <data>/ortsplan.db)")
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
