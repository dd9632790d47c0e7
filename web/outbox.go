package web

import (
	"net/http"
	"regexp"
	"strconv"

	"github.com/ortsplan/ortsplan"
)

// oneTimeLink matches the one-time links the e-mails carry: logging in, a
// new password, a registration's confirm and cancel links, unsubscribing.
var oneTimeLink = regexp.MustCompile(`/(inloggning|nytt-losenord|anmalan|avregistrera)/[A-Za-z0-9_-]{16,}`)

// outboxLimit is how many messages /admin/utkorg lists.
const outboxLimit = 200

type outboxData struct {
	Messages []*ortsplan.Message
	Limit    int
}

// adminOutbox lists the e-mail outbox, newest first, so admins can see what
// was sent, what waits, and what failed (and, without SMTP, read the messages).
func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	ms, err := s.svc.Outbox.ListMessages(r.Context(), outboxLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = outboxData{Messages: ms, Limit: outboxLimit}
	s.render(w, r, http.StatusOK, "admin_outbox", p)
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
	p.Data = m
	s.render(w, r, http.StatusOK, "admin_outbox_message", p)
}
