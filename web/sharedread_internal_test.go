package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedCounter is a page counter whose reads each wait to be let through
// and return how many reads began.
type gatedCounter struct {
	began atomic.Int64
	gate  chan struct{}
}

func (g *gatedCounter) read(ctx context.Context) (int64, error) {
	n := g.began.Add(1)
	select {
	case <-g.gate:
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// waitFor polls until cond holds, or fails the test after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (s *sharedRead) waiting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next != nil
}

func TestSharedReadNeverAnswersWithAReadBegunBefore(t *testing.T) {
	g := &gatedCounter{gate: make(chan struct{})}
	s := newSharedRead(g.read)
	ctx := context.Background()

	first := make(chan int64)
	go func() { v, _ := s.Version(ctx); first <- v }()
	waitFor(t, "the first read to begin", func() bool { return g.began.Load() == 1 })

	// Three requests come while the first read runs: none may take its
	// value, all three share the next read.
	const later = 3
	var wg sync.WaitGroup
	got := make([]int64, later)
	for i := range later {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], _ = s.Version(ctx) }()
	}
	waitFor(t, "the later requests to wait", s.waiting)
	time.Sleep(20 * time.Millisecond) // let all three join the same read
	g.gate <- struct{}{}
	if v := <-first; v != 1 {
		t.Fatalf("the first request got %d, want the first read (1)", v)
	}
	waitFor(t, "the second read to begin", func() bool { return g.began.Load() == 2 })
	g.gate <- struct{}{}
	wg.Wait()
	for i, v := range got {
		if v != 2 {
			t.Errorf("request %d that came during the first read got %d, want the second read (2)", i, v)
		}
	}
	if n := g.began.Load(); n != 2 {
		t.Errorf("%d reads for 4 requests, want 2", n)
	}

	// A quiet server reads once per request.
	close(g.gate)
	for want := int64(3); want <= 4; want++ {
		if v, err := s.Version(ctx); err != nil || v != want {
			t.Fatalf("a request on a quiet server got %d, %v; want its own read %d", v, err, want)
		}
	}
}

func TestSharedReadGivesUpWithTheRequest(t *testing.T) {
	g := &gatedCounter{gate: make(chan struct{})}
	s := newSharedRead(g.read)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := s.Version(ctx); done <- err }()
	waitFor(t, "the read to begin", func() bool { return g.began.Load() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a request whose context ended got %v, want context.Canceled", err)
	}
	// The read still ends, and the next request reads again.
	close(g.gate)
	if v, err := s.Version(context.Background()); err != nil || v != 2 {
		t.Fatalf("the next request got %d, %v; want 2", v, err)
	}
}

func TestSharedReadPassesOnTheError(t *testing.T) {
	boom := errors.New("database gone")
	s := newSharedRead(func(context.Context) (int64, error) { return 0, boom })
	if _, err := s.Version(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the read's error", err)
	}
}
