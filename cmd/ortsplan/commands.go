package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "Apply pending database migrations, each in a transaction, and exit.", stderr)
	var d dbFlags
	d.register(fs)
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, d.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Applied %d migration(s); the %s database is at schema version %d.\n", n, db.Dialect, v)
	return nil
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "Load the Flen demo data and an admin account into an empty database.", stderr)
	var d dbFlags
	d.register(fs)
	baseURL := fs.String("base-url", "http://localhost:8080", "public address, used in the printed login")
	scale := fs.String("scale", "", `"large" loads a generated load-test data set instead (300 localities, 100,000 ideas …); a number scales it`)
	seed := fs.Uint64("seed", 1, "seed of the generated data set")
	storage := fs.String("storage", "", "where the demo photos are stored: "+storageFlagHelp+" (default <data>/files)")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	spec, err := media.ParseStorageSpec(*storage, filepath.Join(d.data, "files"), os.Getenv)
	if err != nil {
		return err // it names the spec
	}
	db, err := sqlstore.OpenAndMigrate(ctx, d.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	if *scale != "" {
		factor := 1.0
		if *scale != "large" {
			f, err := strconv.ParseFloat(*scale, 64)
			if err != nil || f <= 0 || f > 10 {
				return fmt.Errorf(`--scale: want "large" or a factor between 0 and 10, not %q`, *scale)
			}
			factor = f
		}
		start := time.Now()
		res, err := demo.LoadLarge(ctx, db, demo.LargeScale(factor), *seed,
			func(step string) { fmt.Fprintln(stdout, "Loaded", step) })
		if err != nil {
			return err
		}
		sc := res.Scale
		fmt.Fprintf(stdout, "Loaded %d localities, %d actions, %d meetings, %d ideas, %d comments, %d supports and %d sign-ups in %s.\n",
			sc.Localities, sc.Actions, sc.Meetings, sc.Ideas, sc.Comments, sc.Supports, sc.SignUps, time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(stdout, "Log in at %s/logga-in as an administrator (shown only this once):\n", strings.TrimRight(*baseURL, "/"))
		fmt.Fprintf(stdout, "  e-mail:   %s\n  password: %s\n", res.AdminEmail, res.AdminPassword)
		return nil
	}
	files, err := spec.Open(ctx)
	if err != nil {
		return fmt.Errorf("--storage: %w", err)
	}
	res, err := demo.Load(ctx, db, files)
	if err != nil {
		return err
	}
	printDemoLogin(stdout, strings.TrimRight(*baseURL, "/"), res)
	return nil
}

func runUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user add", "Create a staff account. The password is read from the first line of standard input.", stderr)
	var d dbFlags
	d.register(fs)
	var n ortsplan.NewUser
	var role string
	var localities stringList
	fs.StringVar(&n.Email, "email", "", "e-mail address (the login)")
	fs.StringVar(&n.Name, "name", "", "full name")
	fs.StringVar(&role, "role", "", "admin, coordinator, official or groupleader")
	fs.StringVar(&n.Department, "department", "", "department (förvaltning), for officials")
	fs.Var(&localities, "locality", "slug of an assigned locality; repeat for more")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	n.Role = ortsplan.Role(role)
	n.Localities = localities

	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from standard input: %w", err)
	}
	n.Password = strings.TrimRight(line, "\r\n")

	db, err := sqlstore.OpenAndMigrate(ctx, d.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	// The command line acts as the system: it is how the first admin is made.
	u, err := db.CreateUser(ortsplan.NewSystemContext(ctx), n)
	if fe := ortsplan.FieldErrors(err); fe != nil {
		var msgs []string
		for field, key := range fe {
			msgs = append(msgs, fmt.Sprintf("--%s: %s", field, cliMessage(key)))
		}
		return fmt.Errorf("the account was not created:\n  %s", strings.Join(msgs, "\n  "))
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created %s account %d for %s <%s>.\n", u.Role, u.ID, u.Name, u.Email)
	return nil
}

// cliMessage returns the English text of a validation key for the terminal.
func cliMessage(key string) string {
	return cliCatalog.T("en", key)
}
