package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ortsplan/ortsplan"
)

// outboxCollector exports the outbox to /metrics: the messages by status and
// how long the oldest waiting one has waited, read with one query per scrape
// (Config.OutboxStats), and whether an SMTP server is set.
type outboxCollector struct {
	stats      func(context.Context) (ortsplan.OutboxStats, error)
	configured bool
	now        func() time.Time
	log        *slog.Logger

	messages, oldest, mail *prometheus.Desc
}

func newOutboxCollector(cfg Config) *outboxCollector {
	return &outboxCollector{stats: cfg.OutboxStats, configured: cfg.MailSent, now: cfg.Now, log: cfg.Logger,
		messages: prometheus.NewDesc("ortsplan_outbox_messages", "E-mails in the outbox by state: pending (waiting or to be retried), sent, failed (given up).",
			[]string{"state"}, nil),
		oldest: prometheus.NewDesc("ortsplan_outbox_oldest_pending_seconds", "How long the oldest pending e-mail has waited since it was queued; 0 when none waits.",
			nil, nil),
		mail: prometheus.NewDesc("ortsplan_mail_configured", "1 when an SMTP server is set (--smtp-host) and the outbox is sent, 0 when e-mail stays in the outbox.",
			nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.messages
	ch <- c.oldest
	ch <- c.mail
}

// Collect implements prometheus.Collector. When the outbox cannot be read
// its figures are left out of the scrape (and /readyz tells why).
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	on := 0.0
	if c.configured {
		on = 1
	}
	ch <- prometheus.MustNewConstMetric(c.mail, prometheus.GaugeValue, on)
	if c.stats == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.stats(ctx)
	if err != nil {
		c.log.Warn("metrics: outbox unreadable", "err", err)
		return
	}
	for state, n := range map[string]int{ortsplan.MessagePending: st.Pending, ortsplan.MessageSent: st.Sent, ortsplan.MessageFailed: st.Failed} {
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.GaugeValue, float64(n), state)
	}
	age := 0.0
	if !st.OldestPending.IsZero() {
		age = max(c.now().Sub(st.OldestPending).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
