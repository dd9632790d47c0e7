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

// Worker sends the outbox's due messages over SMTP. Several workers, in one
// process or many, may share an outbox: each message is leased to one of them.
// A message is marked sent only after the server accepted it, so a crash in
// between sends it again when the lease ends: at worst twice, never not at all.
type Worker struct {
	Outbox ortsplan.Outbox
	SMTP   Config
	Logger *slog.Logger
	// Now is the clock for retry times; nil means time.Now.
	Now func() time.Time
	// Interval is the pause between polls when the outbox is drained; 0 means 30 s.
	Interval time.Duration
	// Batch is how many messages one poll claims; 0 means 20.
	Batch int
	// Lease is how long a claimed batch is reserved; 0 means 10 minutes. It must
	// be longer than sending a batch takes (at most Batch × SMTP timeout).
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
	return 20
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return 10 * time.Minute
}

// SendDue claims one batch of due messages and sends them over one SMTP
// connection. Failed deliveries are recorded on their messages, not returned:
// err is only for the outbox itself. A cancelled ctx stops the batch between
// messages; what is left goes back to the queue when its lease ends.
func (w *Worker) SendDue(ctx context.Context) (sent int, err error) {
	start := time.Now()
	msgs, err := w.Outbox.ClaimMessages(ctx, w.batch(), w.lease())
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	from, err := parseAddress(w.SMTP.From)
	if err != nil {
		return 0, fmt.Errorf("mailer: sender %q: %w", w.SMTP.From, err)
	}
	_, helloName, _ := strings.Cut(from.Address, "@")
	// Results are recorded even when ctx ends meanwhile: a message the server
	// took must be marked sent.
	record := context.WithoutCancel(ctx)
	var s *session
	defer func() {
		if s != nil {
			s.close()
		}
	}()
	for i, m := range msgs {
		if ctx.Err() != nil || time.Since(start) > w.lease() {
			break // the rest is claimable again when the lease ends
		}
		body, err := Build(m, w.SMTP.From, w.now())
		if err == nil && s == nil {
			if s, err = dial(ctx, w.SMTP, helloName); err != nil {
				if ctx.Err() != nil {
					return sent, nil // stopping, not failing
				}
				// Nothing in this batch can go out now: count a failed attempt on each.
				for _, rest := range msgs[i:] {
					if ferr := w.failed(record, rest, err); ferr != nil {
						return sent, ferr
					}
				}
				return sent, nil
			}
		}
		if err == nil {
			if err = s.send(from.Address, m.To, body); err != nil && !s.usable(err) {
				s.client.Close()
				s = nil
			}
		}
		if err != nil {
			if ferr := w.failed(record, m, err); ferr != nil {
				return sent, ferr
			}
			continue
		}
		if err := w.Outbox.MarkSent(record, m.ID); err != nil {
			return sent, fmt.Errorf("mailer: message %d was sent but not marked: %w", m.ID, err)
		}
		sent++
		w.logger().Info("mail sent", "message", m.ID, "attempt", m.Attempts)
	}
	return sent, nil
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

// Run sends due messages until ctx ends: again at once after a full batch,
// else after Interval. Errors are logged and retried on the next round.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	w.logger().Info("mail worker started", "smtp_host", w.SMTP.Host, "smtp_port", w.SMTP.Port, "tls", w.SMTP.TLS)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			w.logger().Info("mail worker stopped")
			return
		case <-t.C:
		}
		n, err := w.SendDue(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			w.logger().Error("mail worker", "err", err)
		}
		if n == w.batch() {
			t.Reset(0)
		} else {
			t.Reset(interval)
		}
	}
}
