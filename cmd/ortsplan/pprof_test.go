package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestProfilesOnTheirOwnListener: --pprof-addr serves Go's profiles on a
// listener of its own; the site's listener never serves them.
func TestProfilesOnTheirOwnListener(t *testing.T) {
	get := func(u string) (int, string) {
		t.Helper()
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	var stdout, stderr bytes.Buffer
	m := NewMain(&stdout, &stderr)
	if err := m.ParseServe([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--drain", "0", "--pprof-addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	defer m.Close()
	if code, body := get("http://" + m.pprofListen.String() + "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Fatalf("the profiles' index: %d\n%.300s", code, body)
	}
	if code, _ := get("http://" + m.Addr() + "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("the site's listener answers /debug/pprof/ with %d, want 404", code)
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
