// Package mailer sends the outbox's messages over SMTP: Build writes one
// message as RFC 5322 text, and Worker claims due messages, sends them and
// records the result, retrying with exponential backoff.
package mailer

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
)

// ErrBadMessage is wrapped by Build's errors: the message can never be sent.
var ErrBadMessage = errors.New("mailer: bad message")

// reserved are the headers Build writes itself; extra headers may not replace them.
var reserved = []string{"bcc", "cc", "content-language", "content-transfer-encoding", "content-type", "date",
	"from", "message-id", "mime-version", "sender", "subject", "to"}

// Build writes m as an RFC 5322 message from the address from (e.g.
// "Ortsplan <noreply@example.se>"), dated now: multipart/alternative with a
// plain-text and an HTML part, or plain text alone when m.HTML is empty, both
// UTF-8 and quoted-printable. Header values with CR or LF are refused.
//
// The Message-ID is m.Key at the sender's domain, <KEY@DOMAIN>: the same on
// every attempt, so a server that received a message whose reply was lost
// can drop the copy the retry brings. Without a key it is random.
func Build(m *ortsplan.Message, from string, now time.Time) ([]byte, error) {
	fromAddr, err := parseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("%w: From %q: %v", ErrBadMessage, from, err)
	}
	if err := noLineBreaks(m.To, m.ToName); err != nil {
		return nil, err
	}
	to, err := parseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: To %q: %v", ErrBadMessage, m.To, err)
	}
	to.Name = m.ToName
	lang := m.Lang
	if lang == "" {
		lang = "sv"
	}
	if err := noLineBreaks(m.Subject, lang); err != nil {
		return nil, err
	}
	_, domain, _ := strings.Cut(fromAddr.Address, "@")
	id, err := messageID(m.Key, domain)
	if err != nil {
		return nil, err
	}

	var b bytes.Buffer
	header(&b, "From", fromAddr.String())
	header(&b, "To", to.String())
	header(&b, "Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header(&b, "Date", now.Format(time.RFC1123Z))
	header(&b, "Message-ID", id)
	header(&b, "MIME-Version", "1.0")
	header(&b, "Content-Language", lang)
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := m.Headers[k]
		if !validFieldName(k) || slices.Contains(reserved, strings.ToLower(k)) {
			return nil, fmt.Errorf("%w: header name %q not allowed", ErrBadMessage, k)
		}
		if err := noLineBreaks(v); err != nil {
			return nil, err
		}
		header(&b, textproto.CanonicalMIMEHeaderKey(k), mime.QEncoding.Encode("utf-8", v))
	}

	if m.HTML == "" {
		header(&b, "Content-Type", "text/plain; charset=utf-8")
		header(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
			b.WriteString("\r\n") // a message ends with a line break
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	header(&b, "Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.text); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// parseAddress parses one address, "Name <a@b>" or "a@b".
func parseAddress(s string) (*mail.Address, error) {
	if err := noLineBreaks(s); err != nil {
		return nil, err
	}
	return mail.ParseAddress(s)
}

func noLineBreaks(values ...string) error {
	for _, v := range values {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("%w: line break in header value %q", ErrBadMessage, v)
		}
	}
	return nil
}

// validFieldName reports whether s is a header field name: printable ASCII
// without colon or space (RFC 5322 section 3.6.8).
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// messageID returns the Message-ID <key@domain>, with a random key when key
// is empty. A key must be a dot-atom of letters, digits, '.', '_' and '-'.
func messageID(key, domain string) (string, error) {
	if key == "" {
		var r [16]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", err
		}
		key = hex.EncodeToString(r[:])
	}
	if !validKey(key) {
		return "", fmt.Errorf("%w: Message-ID key %q", ErrBadMessage, key)
	}
	if domain == "" {
		domain = "localhost"
	}
	return "<" + key + "@" + domain + ">", nil
}

func validKey(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// header writes one header line, folded at spaces to keep lines near 78
// characters (encoded words are separated by spaces, so long subjects fold too).
func header(b *bytes.Buffer, name, value string) {
	line := name + ":"
	for _, word := range strings.Split(value, " ") {
		switch {
		case word != "" && len(line)+1+len(word) > 78 && strings.TrimSpace(line) != "":
			// Fold before the word; a header may even start on the next line.
			b.WriteString(line + "\r\n")
			line = " " + word
		default:
			line += " " + word
		}
	}
	b.WriteString(line + "\r\n")
}

// writeQP writes s quoted-printable with CRLF line ends.
func writeQP(w interface{ Write([]byte) (int, error) }, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(s)); err != nil {
		return err
	}
	return qp.Close()
}
