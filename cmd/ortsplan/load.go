package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan/loadgen"
	"github.com/ortsplan/ortsplan/media"
)

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", "Drive a running server with concurrent clients and report requests per second, latency per page kind,\n"+
		"the server's peak memory and the weight of a locality page.", stderr)
	u := fs.String("url", "http://127.0.0.1:8080", "the server to load")
	clients := fs.Int("clients", 50, "concurrent keep-alive clients")
	duration := fs.Duration("duration", 10*time.Second, "how long to run")
	kinds := fs.String("kinds", "", "comma-separated page kinds (default all: "+strings.Join(loadgen.KindNames(), ", ")+")")
	pid := fs.Int("pid", 0, "the server's process id, for its peak memory (VmHWM); without it /metrics is sampled")
	perKind := fs.Bool("per-kind", false, "drive each kind alone for --duration, one after the other")
	limit := fs.Bool("limit", false, "also drive a server in this process that sends the same answers from memory, for each kind's share of that limit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := loadgen.Config{URL: *u, Clients: *clients, Duration: *duration, PID: *pid, Seed: 1, PerKind: *perKind, Limit: *limit,
		StartLimit: startLimitProcess}
	if *kinds != "" {
		for _, k := range strings.Split(*kinds, ",") {
			cfg.Kinds = append(cfg.Kinds, strings.TrimSpace(k))
		}
	}
	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Print(stdout)
	return nil
}

func runUploadLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("upload-load", "Log in residents through their one-time links (read from the outbox by an administrator), have them\n"+
		"post the photos that take the most memory within the residents' limits as idea photos, all at once,\n"+
		"and report the answers and the server's peak memory (VmHWM).", stderr)
	u := fs.String("url", "http://127.0.0.1:8080", "the server")
	email := fs.String("admin-email", "admin@ortsplan.example", "an administrator's e-mail, to read the login links in the outbox")
	password := fs.String("admin-password", "", "the administrator's password (better set as ORTSPLAN_ADMIN_PASSWORD)")
	clients := fs.Int("clients", 8, "residents posting at the same time")
	rounds := fs.Int("rounds", 3, "photos each resident posts")
	pid := fs.Int("pid", 0, "the server's process id, for its peak memory (VmHWM)")
	uploadMB := fs.Int("upload-max-mb", 15, "the server's --upload-max-mb, which the photos are padded to")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	limits := media.ResidentLimits()
	limits.MaxBytes = int64(*uploadMB) << 20
	rep, err := loadgen.RunUploads(ctx, loadgen.UploadConfig{URL: *u, AdminEmail: *email, AdminPassword: *password,
		Clients: *clients, Rounds: *rounds, PID: *pid, Limits: limits, Log: stdout})
	if err != nil {
		return err
	}
	rep.Print(stdout)
	if rep.UnexpectedStatus > 0 {
		return fmt.Errorf("%d unexpected answers", rep.UnexpectedStatus)
	}
	return nil
}

// startLimitProcess starts the load test's memory server in a process of
// its own ("ortsplan load-limit"), as the server under test runs in one, so
// that neither shares a heap or a scheduler with the load generator.
func startLimitProcess(ctx context.Context, answers map[string]*loadgen.Answer) (string, func(), error) {
	f, err := os.CreateTemp("", "ortsplan-limit-*.gob")
	if err != nil {
		return "", nil, err
	}
	defer os.Remove(f.Name())
	if err := loadgen.SaveAnswers(f, answers); err != nil {
		f.Close()
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self, "load-limit", "--answers", f.Name())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		stop()
		return "", nil, fmt.Errorf("the memory server said %q: %v", line, err)
	}
	return strings.TrimSpace(line), stop, nil
}

// runLoadLimit serves recorded answers from memory for ortsplan load,
// printing its address once it listens.
func runLoadLimit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load-limit", "Serve the answers ortsplan load recorded, from memory (used by ortsplan load --limit).", stderr)
	file := fs.String("answers", "", "the recorded answers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	answers, err := loadgen.LoadAnswers(f)
	f.Close()
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "http://%s\n", l.Addr())
	srv := &http.Server{Handler: loadgen.MemoryServer(answers), ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
