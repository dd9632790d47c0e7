package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestProfilesOnTheirOwnListener: --pprof-addr serves Go's profiles on a
// listener of its own; the site's listener never serves them.
func TestProfilesOnTheirOwnListener(t *testing.T) {
	var stdout, stderr bytes.Buffer
	m := NewMain(&stdout, &stderr)
	if err := m.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--drain", "0", "--pprof-addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	defer m.Close()
	if body := get(t, "http://"+m.pprofListen.String()+"/debug/pprof/"); !strings.Contains(body, "goroutine") {
		t.Fatalf("the profiles' index:\n%.300s", body)
	}
	res, err := http.Get("http://" + m.Addr() + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("the site's listener answers /debug/pprof/ with %d, want 404", res.StatusCode)
	}

	// Without the flag there is no such listener.
	quiet := NewMain(&stdout, &stderr)
	if err := quiet.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--drain", "0"}); err != nil {
		t.Fatal(err)
	}
	if err := quiet.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer quiet.Close()
	if quiet.pprof != nil || quiet.pprofListen != nil {
		t.Error("profiles served without --pprof-addr")
	}
}
