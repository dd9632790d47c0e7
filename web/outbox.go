package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// oneTimeLink matches the one-time links the e-mails carry: logging in, a
// new password, a registration's confirm and cancel links, unsubscribing.
var oneTimeLink = regexp.MustCompile(`/(inloggning|nytt-losenord|anmalan|avregistrera)/[A-Za-z0-9_-]{16,}`)

// outboxPage is how many messages one page of /admin/utkorg lists.
const outboxPage = 50

type outboxData struct {
	Messages []*ortsplan.Message
	Stats    ortsplan.OutboxStats
	Waited   string // how long the oldest waiting message has waited, in words
	Statuses []string
	Status   string // the status shown, "" for all
	PerPage  int
	Next     string // the page of older messages, "" on the last page
	First    string // the first page, when this is a later one
}

// adminOutbox lists the e-mail outbox, newest first, a page at a time, so
// admins can see what was sent, what waits, and what failed (and, without
// SMTP, read the messages), with the totals by status. The next page is
// the messages before (older than) the last one shown: ?fore=ID.
func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	d := outboxData{Statuses: ortsplan.MessageStatuses, PerPage: outboxPage}
	if st := q.Get("status"); slices.Contains(ortsplan.MessageStatuses, st) {
		d.Status = st
	}
	before, ok := parseID(q.Get("fore"))
	if !ok {
		before = 0
	}
	var err error
	if d.Stats, err = s.svc.Outbox.OutboxStats(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.svc.Outbox.Messages(ctx, ortsplan.MessageFilter{Status: d.Status, Before: before, Limit: outboxPage + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := func(before int64) string {
		v := url.Values{}
		if d.Status != "" {
			v.Set("status", d.Status)
		}
		if before > 0 {
			v.Set("fore", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return "/admin/utkorg"
		}
		return "/admin/utkorg?" + v.Encode()
	}
	if len(ms) > outboxPage {
		ms = ms[:outboxPage]
		d.Next = page(ms[len(ms)-1].ID)
	}
	if before > 0 {
		d.First = page(0)
	}
	d.Messages = ms
	p := s.newPage(w, r)
	if !d.Stats.OldestPending.IsZero() {
		d.Waited = waited(p.L, s.cfg.Now().Sub(d.Stats.OldestPending))
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_outbox", p)
}

// waited says how long something has waited, roughly: minutes up to two
// hours, then hours up to two days, then days.
func waited(l *i18n.Localizer, d time.Duration) string {
	switch {
	case d < time.Minute:
		return l.T("outbox.age.now")
	case d < 2*time.Minute:
		return l.T("outbox.age.minute")
	case d < 2*time.Hour:
		return l.N("outbox.age.minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		return l.N("outbox.age.hours", int(d/time.Hour))
	default:
		return l.N("outbox.age.days", int(d/(24*time.Hour)))
	}
}

// adminOutboxRetry sends a failed message again: it is pending and due at
// once (the service checks the right and writes the audit log).
func (s *Server) adminOutboxRetry(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.svc.Outbox.RetryMessage(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/utkorg/"+strconv.FormatInt(id, 10)+"?igen=1", http.StatusSeeOther)
}

type outboxMessageData struct {
	*ortsplan.Message
	Retried bool // just sent again by the retry button
}

// adminOutboxMessage shows one message of the outbox with its text part.
func (s *Server) adminOutboxMessage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	m, err := s.svc.Outbox.FindMessage(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Once e-mail is sent by SMTP, the one-time links are for their
	// recipients only: an admin reading the outbox cannot log in as a
	// resident or choose a staff member's password. Without SMTP the outbox
	// is the only way the messages go out, so they are shown whole.
	if s.cfg.MailSent {
		c := *m
		c.Text = oneTimeLink.ReplaceAllString(m.Text, "/$1/…")
		c.HTML = oneTimeLink.ReplaceAllString(m.HTML, "/$1/…")
		m = &c
	}
	p := s.newPage(w, r)
	p.Data = outboxMessageData{Message: m, Retried: r.URL.Query().Get("igen") == "1"}
	s.render(w, r, http.StatusOK, "admin_outbox_message", p)
}
