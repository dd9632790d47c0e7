package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// Retry policy: the n-th failed attempt waits FirstRetry·2ⁿ⁻¹, at most MaxRetry;
// after MaxAttempts attempts the message is given up.
const (
	FirstRetry  = time.Minute
	MaxRetry    = 6 * time.Hour
	MaxAttempts = 10
)

// RetryDelay is how long to wait after the given number of failed attempts.
func RetryDelay(attempts int) time.Duration {
	d := FirstRetry
	for i := 1; i < attempts && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// Worker defaults.
const (
	// DefaultLease is how long a claim reserves its messages. The worker
	// renews it while it sends, so it bounds what a crash (kill -9) costs: the
	// messages the dead worker held are due again at most DefaultLease after
	// its last renewal, and another worker polls every DefaultInterval, so
	// they go out at most about 55 s late.
	DefaultLease = 45 * time.Second
	// DefaultInterval is the pause between polls when nothing is due.
	DefaultInterval = 10 * time.Second
	// DefaultMaxPause is the longest pause while the SMTP server cannot be
	// reached: the pause after a failed connection doubles from Interval up
	// to it, so a worker neither hammers a server that is down nor sleeps
	// long after it is back.
	DefaultMaxPause = time.Minute
	// DefaultBatch is how many messages one claim takes.
	DefaultBatch = 20
)

// Worker sends the outbox's due messages over SMTP. Several workers, in one
// process or many, may share an outbox: each message is leased to one of them.
// A message is marked sent only after the server accepted it, so a crash in
// between sends it again when the lease ends: at worst twice, never not at
// all, and both times with the same Message-ID (see Build).
type Worker struct {
	Outbox ortsplan.Outbox
	SMTP   Config
	Logger *slog.Logger
	// Now is the clock for retry times; nil means time.Now.
	Now func() time.Time
	// Interval is the pause between polls when the outbox is drained; 0 means DefaultInterval.
	Interval time.Duration
	// MaxPause bounds the backoff while the SMTP server is down; 0 means DefaultMaxPause.
	MaxPause time.Duration
	// Batch is how many messages one poll claims; 0 means DefaultBatch.
	Batch int
	// Lease is how long a claim reserves its messages; 0 means DefaultLease.
	// The worker renews it before each step (connecting, or sending one
	// message, each bounded by the SMTP timeout) that might outlast it, so
	// it is at least the SMTP timeout plus two seconds.
	Lease time.Duration
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

func (w *Worker) batch() int {
	if w.Batch > 0 {
		return w.Batch
	}
	return DefaultBatch
}

// guard is how much of a lease must be left to start a step: the step's
// bound and a second for the clocks of the processes sharing the outbox.
func (w *Worker) guard() time.Duration { return w.SMTP.timeout() + time.Second }

func (w *Worker) lease() time.Duration {
	l := w.Lease
	if l <= 0 {
		l = DefaultLease
	}
	return max(l, w.guard()+time.Second)
}

// round is what one claim came to.
type round struct {
	claimed, sent int
	down          bool // the SMTP server could not be reached
}

// SendDue claims one batch of due messages and sends them over one SMTP
// connection. Failed deliveries are recorded on their messages, not returned:
// err is only for the outbox itself. A cancelled ctx stops the batch between
// messages (the one being sent is finished): the messages not tried are
// released, due at once for another worker, their attempt not counted.
//
// When the SMTP server cannot be reached, the message the connection was for
// counts a failed attempt (and waits RetryDelay); the rest of the batch was
// not tried and is released. Run then backs off.
func (w *Worker) SendDue(ctx context.Context) (sent int, err error) {
	r, err := w.sendDue(ctx, w.batch())
	return r.sent, err
}

func (w *Worker) sendDue(ctx context.Context, n int) (r round, err error) {
	lease := w.lease()
	renewed := time.Now()
	msgs, err := w.Outbox.ClaimMessages(ctx, n, lease)
	if err != nil || len(msgs) == 0 {
		return r, err
	}
	r.claimed = len(msgs)
	// Results are recorded even when ctx ends meanwhile: a message the server
	// took must be marked sent.
	record := context.WithoutCancel(ctx)
	// held are the claimed messages not yet tried; whatever is left when
	// sendDue returns goes back to the queue at once.
	held := msgs
	defer func() {
		if len(held) == 0 {
			return
		}
		rctx, cancel := context.WithTimeout(record, 10*time.Second)
		defer cancel()
		if rerr := w.Outbox.ReleaseMessages(rctx, held); rerr != nil {
			w.logger().Error("mail not released; due again when the lease ends", "messages", len(held), "lease", lease, "err", rerr)
			err = errors.Join(err, rerr)
		} else {
			w.logger().Info("mail released for another worker", "messages", len(held))
		}
	}()
	from, err := parseAddress(w.SMTP.From)
	if err != nil {
		return r, fmt.Errorf("mailer: sender %q: %w", w.SMTP.From, err)
	}
	_, helloName, _ := strings.Cut(from.Address, "@")
	var s *session
	defer func() {
		if s != nil {
			s.close()
		}
	}()
	for len(held) > 0 {
		if ctx.Err() != nil {
			return r, nil // stopping: the deferred release hands the rest on
		}
		// Start no step the lease might not cover.
		if time.Since(renewed) > lease-w.guard() {
			at := time.Now()
			kept, err := w.Outbox.RenewMessages(record, held, lease)
			if err != nil {
				return r, fmt.Errorf("mailer: renew lease: %w", err)
			}
			if lost := len(held) - len(kept); lost > 0 {
				w.logger().Warn("mail lease ran out; left to another worker", "messages", lost)
			}
			held, renewed = kept, at
			continue
		}
		m := held[0]
		body, err := Build(m, w.SMTP.From, w.now())
		if err == nil && s == nil {
			if s, err = dial(ctx, w.SMTP, helloName); err != nil {
				if ctx.Err() != nil {
					return r, nil // stopping, not failing
				}
				// The server is down or refuses us: that is one failed attempt
				// for this message; the rest were not tried and are released.
				r.down = true
				held = held[1:]
				if ferr := w.failed(record, m, err); ferr != nil {
					return r, ferr
				}
				return r, nil
			}
		}
		if err == nil {
			if err = s.send(from.Address, m.To, body); err != nil && !s.usable(err) {
				s.client.Close()
				s = nil
			}
		}
		held = held[1:] // tried: never released, whatever comes of recording it
		if err != nil {
			if ferr := w.failed(record, m, err); ferr != nil {
				return r, ferr
			}
			continue
		}
		if err := w.Outbox.MarkSent(record, m.ID); err != nil {
			return r, fmt.Errorf("mailer: message %d was sent but not marked: %w", m.ID, err)
		}
		r.sent++
		w.logger().Info("mail sent", "message", m.ID, "attempt", m.Attempts)
	}
	return r, nil
}

// failed records a failed attempt on m: a retry after the backoff, or giving up.
func (w *Worker) failed(ctx context.Context, m *ortsplan.Message, sendErr error) error {
	permanent := Permanent(sendErr) || m.Attempts >= MaxAttempts
	retryAt := w.now().Add(RetryDelay(m.Attempts))
	if permanent {
		w.logger().Error("mail given up", "message", m.ID, "attempt", m.Attempts, "err", sendErr)
	} else {
		w.logger().Warn("mail not sent; will retry", "message", m.ID, "attempt", m.Attempts, "retry_at", retryAt, "err", sendErr)
	}
	if err := w.Outbox.MarkFailed(ctx, m.ID, sendErr.Error(), retryAt, permanent); err != nil {
		return fmt.Errorf("mailer: record failure of message %d: %w", m.ID, err)
	}
	return nil
}

// Run sends due messages until ctx ends. After a full batch it claims again
// at once, so the rate is the SMTP server's, not one batch per Interval;
// when the outbox is drained it waits Interval. While the SMTP server cannot
// be reached (or the outbox fails) it waits twice as long each time, from
// Interval up to MaxPause, and tries one message at a time; after the first
// connection that works it is back to full batches at full speed. Messages
// that failed wait their own backoff (RetryDelay) in the outbox, and new
// mail is claimed beside them (see ortsplan.Outbox.ClaimMessages).
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	maxPause := w.MaxPause
	if maxPause <= 0 {
		maxPause = DefaultMaxPause
	}
	maxPause = max(maxPause, interval)
	w.logger().Info("mail worker started", "smtp_host", w.SMTP.Host, "smtp_port", w.SMTP.Port, "tls", w.SMTP.TLS,
		"lease", w.lease(), "interval", interval)
	t := time.NewTimer(0)
	defer t.Stop()
	pause := time.Duration(0) // the backoff after failures; 0 when all is well
	for {
		select {
		case <-ctx.Done():
			w.logger().Info("mail worker stopped")
			return
		case <-t.C:
		}
		n := w.batch()
		if pause > 0 {
			n = 1 // still failing: one message finds out whether the server is back
		}
		r, err := w.sendDue(ctx, n)
		if err != nil && !errors.Is(err, context.Canceled) {
			w.logger().Error("mail worker", "err", err)
		}
		switch {
		case err != nil || r.down:
			pause = min(max(2*pause, interval), maxPause)
			if r.down {
				w.logger().Warn("SMTP server unreachable; waiting", "pause", pause)
			}
			t.Reset(pause)
		case r.claimed == n:
			pause = 0
			t.Reset(0)
		default:
			pause = 0
			t.Reset(interval)
		}
	}
}
