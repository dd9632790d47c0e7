// Command ortsplan runs the Ortsplan web service and its admin tasks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `ortsplan – öppen plattform för ortsutveckling

Usage:
  ortsplan serve   [flags]   start the web server (--demo loads the Flen demo into an empty database)
  ortsplan migrate [flags]   apply pending database migrations and exit
  ortsplan demo    [flags]   load the Flen demo data into an empty database (--scale large: a load-test data set)
  ortsplan load    [flags]   drive a running server and report latency per page kind
  ortsplan load-limit [flags]
                             serve load's recorded answers from memory (started by load --limit)
  ortsplan upload-load [flags]
                             post the largest photos residents may, all at once, and report peak memory
  ortsplan backup  [flags] DEST
                             copy the SQLite database and the uploaded files into a new folder, online
  ortsplan restore [flags] SRC
                             put a backup in place (stop the server first)
  ortsplan user add --email E --name N --role R [--locality SLUG]...
                             create a staff account; the password is read from standard input
  ortsplan storage copy --from SPEC --to SPEC
                             copy the uploaded files between storages (a folder, an S3 bucket)
  ortsplan help              show this text

Run "ortsplan COMMAND --help" for a command's flags. Every flag can also be set
with an environment variable: --db is ORTSPLAN_DB, --base-url is ORTSPLAN_BASE_URL.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "ortsplan:", err)
		os.Exit(1)
	}
}

// run dispatches a command line; main and tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve":
		m := NewMain(stdout, stderr)
		if err := m.ParseServe(args[1:]); err != nil {
			return err
		}
		if err := m.Run(ctx); err != nil {
			m.Close()
			return err
		}
		<-ctx.Done()
		return m.Close()
	case "migrate":
		return runMigrate(ctx, args[1:], stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "upload-load":
		return runUploadLoad(ctx, args[1:], stdout, stderr)
	case "load-limit":
		return runLoadLimit(ctx, args[1:], stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], stdout, stderr)
	case "restore":
		return runRestore(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			fmt.Fprint(stderr, "Usage: ortsplan user add --email E --name N --role R [--locality SLUG]...\n")
			return errors.New(`unknown "user" command; the only one is "user add"`)
		}
		return runUserAdd(ctx, args[2:], stdin, stdout, stderr)
	case "storage":
		return runStorage(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
