package mailer_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/mailer"
)

const testFrom = "Ortsplan Flens kommun <noreply@flen.example>"

func swedishMessage() *ortsplan.Message {
	return &ortsplan.Message{
		To: "asa.oberg@example.se", ToName: "Åsa Öberg",
		Subject: "Bekräftelse: möte om ängen i Malmköping, lördag 14 mars kl. 10–12 på Hembygdsgården",
		Text:    "Hej Åsa!\n\nDu är anmäld till mötet.\nAvboka: https://ortsplan.example/avboka/abc\n",
		HTML:    "<p>Hej Åsa!</p>\n<p>Du är anmäld till mötet.</p>",
		Lang:    "sv",
		Headers: map[string]string{"List-Unsubscribe": "<https://ortsplan.example/avregistrera/abc>", "X-Ortsplan-Meeting": "42"},
	}
}

// parsed is a received message taken apart with net/mail and mime/multipart.
type parsed struct {
	Header  mail.Header
	Subject string
	Parts   map[string]string // media type → decoded body
}

func parseMessage(t *testing.T, raw []byte) *parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, raw)
	}
	p := &parsed{Header: msg.Header, Parts: map[string]string{}}
	p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		p.Parts[mt+"; charset="+params["charset"]] = decodeBody(t, msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		return p
	}
	if mt != "multipart/alternative" {
		t.Fatalf("content type %s, want multipart/alternative", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		pt, pp, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		p.Parts[pt+"; charset="+pp["charset"]] = decodeBody(t, part.Header.Get("Content-Transfer-Encoding"), part)
	}
	return p
}

func decodeBody(t *testing.T, cte string, r io.Reader) string {
	t.Helper()
	if cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q, want quoted-printable", cte)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatalf("quoted-printable: %v", err)
	}
	return string(b)
}

// checkMessage checks a built or received message against the message it came from.
func checkMessage(t *testing.T, raw []byte, m *ortsplan.Message) *parsed {
	t.Helper()
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d characters long: %q", i+1, len(line), line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("line %d has a bare LF", i+1)
		}
	}
	p := parseMessage(t, raw)
	if p.Subject != m.Subject {
		t.Errorf("subject %q, want %q", p.Subject, m.Subject)
	}
	if strings.ContainsFunc(p.Header.Get("Subject"), func(r rune) bool { return r > 127 }) {
		t.Error("raw subject is not ASCII: not RFC 2047 encoded")
	}
	from, err := p.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "noreply@flen.example" || from[0].Name != "Ortsplan Flens kommun" {
		t.Errorf("From %v (%v)", from, err)
	}
	to, err := p.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != m.To || to[0].Name != m.ToName {
		t.Errorf("To %v (%v), want %s <%s>", to, err, m.ToName, m.To)
	}
	if d, err := p.Header.Date(); err != nil || d.IsZero() {
		t.Errorf("Date %q: %v", p.Header.Get("Date"), err)
	}
	if id := p.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@flen.example>") || len(id) < 20 {
		t.Errorf("Message-ID %q", id)
	}
	if p.Header.Get("MIME-Version") != "1.0" || p.Header.Get("Content-Language") != m.Lang {
		t.Errorf("MIME-Version %q, Content-Language %q", p.Header.Get("MIME-Version"), p.Header.Get("Content-Language"))
	}
	for k, v := range m.Headers {
		if got := p.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	// Line ends are CRLF on the wire, and a body may gain a final one.
	trim := func(s string) string { return strings.TrimRight(s, "\r\n") }
	crlf := func(s string) string { return trim(strings.ReplaceAll(s, "\n", "\r\n")) }
	if got := trim(p.Parts["text/plain; charset=utf-8"]); got != crlf(m.Text) {
		t.Errorf("text part %q, want %q", got, crlf(m.Text))
	}
	if m.HTML != "" {
		if got := trim(p.Parts["text/html; charset=utf-8"]); got != crlf(m.HTML) {
			t.Errorf("HTML part %q, want %q", got, crlf(m.HTML))
		}
	}
	return p
}

func TestBuild(t *testing.T) {
	m := swedishMessage()
	raw, err := mailer.Build(m, testFrom, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	p := checkMessage(t, raw, m)
	if len(p.Parts) != 2 {
		t.Fatalf("parts %v, want text and HTML", p.Parts)
	}
	if d, _ := p.Header.Date(); !d.Equal(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("Date %v", d)
	}
	again, _ := mailer.Build(m, testFrom, time.Now())
	if parseMessage(t, again).Header.Get("Message-ID") == p.Header.Get("Message-ID") {
		t.Error("Message-ID repeats")
	}
}

func TestBuildTextOnly(t *testing.T) {
	m := &ortsplan.Message{To: "bo@example.se", Subject: "Plain ASCII subject", Text: "Rad ett.\nRad två, med en lång rad som måste brytas av quoted-printable eftersom den är längre än sjuttiosex tecken.", Lang: "en"}
	raw, err := mailer.Build(m, testFrom, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p := checkMessage(t, raw, m)
	if len(p.Parts) != 1 {
		t.Fatalf("parts %v, want only text/plain", p.Parts)
	}
	if p.Header.Get("Subject") != m.Subject {
		t.Errorf("an ASCII subject was encoded: %q", p.Header.Get("Subject"))
	}
}

func TestBuildRefusesHeaderInjection(t *testing.T) {
	base := func() *ortsplan.Message { return &ortsplan.Message{To: "a@example.se", Subject: "Hej", Text: "x"} }
	cases := map[string]func(*ortsplan.Message){
		"subject":       func(m *ortsplan.Message) { m.Subject = "Hej\r\nBcc: evil@example.com" },
		"to":            func(m *ortsplan.Message) { m.To = "a@example.se\nBcc: evil@example.com" },
		"to name":       func(m *ortsplan.Message) { m.ToName = "A\rBcc: evil@example.com" },
		"header value":  func(m *ortsplan.Message) { m.Headers = map[string]string{"X-A": "1\r\nBcc: evil@example.com"} },
		"header name":   func(m *ortsplan.Message) { m.Headers = map[string]string{"X-A\r\nBcc": "x"} },
		"reserved name": func(m *ortsplan.Message) { m.Headers = map[string]string{"bcc": "evil@example.com"} },
		"bad address":   func(m *ortsplan.Message) { m.To = "not an address" },
		"two addresses": func(m *ortsplan.Message) { m.To = "a@example.se, b@example.se" },
	}
	for name, change := range cases {
		m := base()
		change(m)
		if _, err := mailer.Build(m, testFrom, time.Now()); !errors.Is(err, mailer.ErrBadMessage) || !mailer.Permanent(err) {
			t.Errorf("%s: got %v, want a permanent ErrBadMessage", name, err)
		}
	}
	if _, err := mailer.Build(base(), "Evil\r\nBcc: x@example.com <a@example.se>", time.Now()); err == nil {
		t.Error("line break in From accepted")
	}
}

func TestRetryDelay(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, w := range want {
		if got := mailer.RetryDelay(i + 1); got != w {
			t.Errorf("RetryDelay(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := mailer.RetryDelay(mailer.MaxAttempts); got != 6*time.Hour {
		t.Errorf("RetryDelay(%d) = %v, want the 6 h cap", mailer.MaxAttempts, got)
	}
}
