package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan/loadgen"
)

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", "Drive a running server with concurrent clients and report requests per second, latency per page kind,\n"+
		"the server's peak memory and the weight of a locality page.", stderr)
	u := fs.String("url", "http://127.0.0.1:8080", "the server to load")
	clients := fs.Int("clients", 50, "concurrent keep-alive clients")
	duration := fs.Duration("duration", 10*time.Second, "how long to run")
	kinds := fs.String("kinds", "", "comma-separated page kinds (default all: "+strings.Join(loadgen.KindNames(), ", ")+")")
	pid := fs.Int("pid", 0, "the server's process id, for its peak memory (VmHWM); without it /metrics is sampled")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := loadgen.Config{URL: *u, Clients: *clients, Duration: *duration, PID: *pid, Seed: 1}
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
