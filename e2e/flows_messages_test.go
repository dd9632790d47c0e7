package e2e

import (
	"context"
	"io"
	"log"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"

	"github.com/ortsplan/ortsplan/mailer"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// mailbox is a real SMTP server, started by the test, that keeps every
// message it is sent: recipient, subject and plain-text body.
type mailbox struct {
	mu  sync.Mutex
	got []received
}

type received struct{ to, subject, body string }

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{mb: mb}, nil }

func (mb *mailbox) messages() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.got...)
}

type mailboxSession struct {
	mb *mailbox
	to []string
}

func (ms *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ms *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ms.to = append(ms.to, to)
	return nil
}
func (ms *mailboxSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	ms.mb.mu.Lock()
	defer ms.mb.mu.Unlock()
	for _, to := range ms.to {
		ms.mb.got = append(ms.mb.got, received{to: strings.ToLower(to), subject: subject, body: strings.ReplaceAll(string(b), "\r\n", "\n")})
	}
	return nil
}
func (ms *mailboxSession) Reset()        { ms.to = nil }
func (ms *mailboxSession) Logout() error { return nil }

// startMailbox starts the SMTP server on a free port of the loopback
// interface and returns the mail worker's settings for it.
func startMailbox(t *testing.T) (*mailbox, mailer.Config) {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(mb)
	srv.Domain, srv.ErrorLog = "mx.test", log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return mb, mailer.Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: mailer.TLSNone,
		From: "Ortsplan <noreply@ortsplan.example>", Timeout: 10 * time.Second}
}

// TestFlowMessageToGroup: an official adds a member with an e-mail address
// to a working group of the demo, writes to the group from its staff page,
// previews the message (the count, no addresses), sends it, and sees it in
// the list. The real mail worker then delivers the outbox to a real SMTP
// server, where each member has the message with its subject and text.
func TestFlowMessageToGroup(t *testing.T) {
	s := startFlowSite(t)
	mb, cfg := startMailbox(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	tb.logIn(s.URL, s.Official)

	// A second member, with an address, through the group's staff page.
	groupEdit := "/orter/sparreholm/arbetsgrupper/" + s.GroupSlug + "/redigera"
	tb.load("open the group's staff page", chromedp.Navigate(s.URL+groupEdit))
	tb.do("fill in the new member",
		chromedp.SendKeys(chromedp.ID("f-member_name"), "Nils Nyman"),
		chromedp.SendKeys(chromedp.ID("f-member_email"), "nils.nyman@ortsplan.example"))
	resp := tb.load("add the member", chromedp.Click(chromedp.CSS(`form[action$="/medlemmar"] button[type=submit]`)))
	if resp.Status != 200 || !strings.Contains(partText(tb, "#members-caption ~ tbody"), "nils.nyman@ortsplan.example") {
		t.Fatalf("adding the member gave status %d; members: %q", resp.Status, partText(tb, "#members-caption ~ tbody"))
	}

	// Write to the group.
	link := `a[href="/orter/sparreholm/meddelanden/nytt?grupp=` + s.GroupSlug + `"]`
	if partText(tb, link) != "Skriv till gruppen" {
		t.Fatalf("the group's staff page has no link Skriv till gruppen (%s)", link)
	}
	tb.load("press Skriv till gruppen", chromedp.Click(chromedp.CSS(link)))
	if facts := partFacts(tb); facts["Mottagare"] != "2 mottagare" || !strings.Contains(facts["Till"], "Trafik och säkra vägar") {
		t.Errorf("the form says %v, want 2 mottagare of Trafik och säkra vägar", facts)
	}
	const subject = "Skolvägen på lördag"
	const body = "Hej alla!\n\nVi går skolvägen på lördag kl. 10 och skriver ner det som behöver åtgärdas.\nVälkomna!"
	tb.do("write the message",
		chromedp.SendKeys(chromedp.ID("f-subject"), subject),
		chromedp.SendKeys(chromedp.ID("f-body"), body))
	tb.load("press Förhandsgranska", chromedp.Click(chromedp.CSS(`button[name=step][value=preview]`)))

	// The preview shows the message, how many get it, and no address.
	if got := partText(tb, "#recipient-count"); got != "2 mottagare" {
		t.Errorf("the preview counts %q, want 2 mottagare", got)
	}
	if got := partText(tb, "pre.mail-text"); !strings.HasPrefix(got, body) {
		t.Errorf("the preview shows %q, want the text as written", got)
	}
	page := eval[string](tb, "document.body.innerText + document.body.innerHTML")
	for _, addr := range []string{"karin.berg@ortsplan.example", "nils.nyman@ortsplan.example"} {
		if strings.Contains(page, addr) {
			t.Errorf("the preview shows the address %s", addr)
		}
	}
	// What the Skicka button sends, to send it once more later.
	again := eval[string](tb, `(() => { const b = document.querySelector('button[name=step][value=send]');
		return new URLSearchParams(new FormData(b.form, b)).toString(); })()`)
	resp = tb.load("press Skicka", chromedp.Click(chromedp.CSS(`button[name=step][value=send]`)))
	if resp.Status != 200 || !strings.HasPrefix(partPath(tb), "/orter/sparreholm/meddelanden?skickat=") {
		t.Fatalf("sending gave status %d at %s", resp.Status, partPath(tb))
	}
	if got := partText(tb, "main .notice[role=status]"); got != "Skickat till 2 mottagare." {
		t.Errorf("after sending the page says %q, want Skickat till 2 mottagare.", got)
	}
	row := eval[[]string](tb, `[...document.querySelectorAll('#messages-caption ~ tbody tr:first-child > *')].map(c => c.textContent.trim())`)
	if len(row) != 5 || row[1] != "Tova Tjänsteperson" || !strings.Contains(row[2], "Trafik och säkra vägar") || row[3] != subject || row[4] != "2" {
		t.Errorf("the list shows %q", row)
	}
	// The same form sent once more (a double click, a retry) queues nothing.
	eval[bool](tb, `((params) => { const f = document.createElement('form'); f.method = 'post'; f.action = '/orter/sparreholm/meddelanden';
		for (const [k, v] of new URLSearchParams(params)) { const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.append(i); }
		const b = document.createElement('button'); b.id = 'send-again'; b.textContent = 'Skicka igen'; f.append(b);
		document.querySelector('main').append(f); return true; })(`+flowQuote(again)+`)`)
	resp = tb.load("send the same form again", chromedp.Click(chromedp.ID("send-again")))
	if resp.Status != 200 || !strings.Contains(partPath(tb), "igen=1") || !strings.Contains(partText(tb, "main .notice[role=status]"), "redan skickat") {
		t.Errorf("sending the form again gave %d at %s saying %q, want the list saying it was sent already", resp.Status, partPath(tb), partText(tb, "main .notice[role=status]"))
	}
	tb.load("open the list again", chromedp.Reload())
	if n := eval[int](tb, `[...document.querySelectorAll('#messages-caption ~ tbody tr th')].filter(th => th.textContent.trim() === `+flowQuote(subject)+`).length`); n != 1 {
		t.Errorf("the list has the message %d times, want once", n)
	}
	flowNoProblems(tb)

	// The real mail worker delivers the outbox to the SMTP server.
	w := &mailer.Worker{Outbox: s.db, SMTP: cfg, Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))}
	ctx, cancel := context.WithTimeout(sqltest.System(), time.Minute)
	defer cancel()
	for {
		n, err := w.SendDue(ctx)
		if err != nil {
			t.Fatalf("send the outbox: %v", err)
		}
		if n == 0 {
			break
		}
	}
	got := map[string]received{}
	for _, m := range mb.messages() {
		if m.subject == subject {
			if _, twice := got[m.to]; twice {
				t.Errorf("%s got the message twice", m.to)
			}
			got[m.to] = m
		}
	}
	for _, to := range []string{"karin.berg@ortsplan.example", "nils.nyman@ortsplan.example"} {
		m, ok := got[to]
		if !ok {
			t.Errorf("%s did not get the message; the server got %d messages", to, len(mb.messages()))
			continue
		}
		if !strings.HasPrefix(m.body, body) || !strings.Contains(m.body, "Trafik och säkra vägar") {
			t.Errorf("%s got the text %q", to, m.body)
		}
	}
	if len(got) != 2 {
		t.Errorf("%d addresses got the message, want 2", len(got))
	}
}
