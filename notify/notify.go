// Package notify writes the e-mails that meetings send (the confirm link, the
// confirmation with the cancel link, already registered, waiting list, moved
// or cancelled meeting), in the recipient's language, as plain text and HTML.
package notify

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// Composer implements ortsplan.Composer with the site's catalogs.
type Composer struct {
	Cat     *i18n.Catalog
	BaseURL string // e.g. https://ortsplan.flen.se, for links
	Org     string // the organisation named in the signature
}

var htmlTmpl = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; color: #1b1b1b;">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}<table role="presentation" style="border-collapse: collapse;">
{{range .Facts}}<tr><th scope="row" style="text-align: left; padding: 2px 12px 2px 0;">{{.Label}}</th><td>{{.Value}}</td></tr>
{{end}}</table>
{{range .Links}}<p><a href="{{.URL}}">{{.Text}}</a></p>
{{end}}<p style="color: #4a4a4a;">{{.Signature}}</p>
</body></html>
`))

type fact struct{ Label, Value string }
type link struct{ Text, URL string }

type mailData struct {
	Lang, Subject, Signature string
	Paragraphs               []string
	Facts                    []fact
	Links                    []link
}

// When formats a meeting's time in Stockholm, e.g. "19 november 2012 kl. 18:30–20:30".
func When(L *i18n.Localizer, m *ortsplan.Meeting) string {
	loc := i18n.Stockholm()
	s := L.Date(m.Start) + " " + L.T("mail.at") + "\u00a0" + m.Start.In(loc).Format("15:04")
	if !m.End.IsZero() {
		s += "–" + m.End.In(loc).Format("15:04")
	}
	return s
}

// Compose returns the message for a notice, or nil for an unknown kind.
func (c *Composer) Compose(kind string, m *ortsplan.Meeting, r *ortsplan.Registration, token string) *ortsplan.Message {
	lang := r.Lang
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	L := c.Cat.For(lang)
	if !c.Cat.Has(lang, "mail."+kind+".subject") {
		return nil
	}
	base := strings.TrimRight(c.BaseURL, "/")
	meetingURL := base + "/moten/" + itoa(m.ID)
	// A subject is one line: collapse any line breaks a title might carry.
	subject := strings.Join(strings.Fields(L.T("mail."+kind+".subject", m.Title)), " ")
	d := mailData{Lang: lang, Subject: subject,
		Signature: L.T("mail.signature", c.Org)}
	d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting", r.Name), L.T("mail."+kind+".body", m.Title))
	switch kind {
	case ortsplan.NoticeCancelled:
		if m.CancelReason != "" {
			d.Paragraphs = append(d.Paragraphs, L.T("mail.reason", m.CancelReason))
		}
	case ortsplan.NoticeConfirm:
		d.Paragraphs = append(d.Paragraphs, L.T("mail.confirm.deadline", At(L, r.ConfirmBy)), L.T("mail.confirm.not_you"))
	case ortsplan.NoticeAlready:
		if r.Waitlisted {
			d.Paragraphs = append(d.Paragraphs, L.T("mail.already.waiting"))
		} else {
			d.Paragraphs = append(d.Paragraphs, L.T("mail.already.place"))
		}
		d.Paragraphs = append(d.Paragraphs, L.T("mail.already.change"))
	}
	d.Facts = []fact{{L.T("mail.when"), When(L, m)}}
	if place := strings.Trim(m.PlaceName+", "+m.PlaceAddress, ", "); place != "" {
		d.Facts = append(d.Facts, fact{L.T("mail.where"), place})
	}
	switch kind {
	case ortsplan.NoticeConfirm, ortsplan.NoticeAlready, ortsplan.NoticeRegistered, ortsplan.NoticeWaitlisted:
		// The mail repeats what was sent, so the person can check it.
		d.Facts = append(d.Facts, fact{L.T("mail.name"), r.Name}, fact{L.T("mail.people"), itoa(int64(r.People))})
		if r.Needs != "" {
			d.Facts = append(d.Facts, fact{L.T("mail.needs"), r.Needs})
		}
	}
	d.Links = []link{{L.T("mail.meeting_link"), meetingURL}}
	if token != "" {
		if kind == ortsplan.NoticeConfirm {
			d.Links = append(d.Links, link{L.T("mail.confirm_link"), base + "/anmalan/" + token + "/bekrafta"})
		}
		d.Links = append(d.Links, link{L.T("mail.cancel_link"), base + "/anmalan/" + token})
	}

	return c.message(d, r.Email, r.Name)
}

// At formats a moment in Stockholm, e.g. "19 november 2012 kl. 18:30".
func At(L *i18n.Localizer, t time.Time) string {
	return L.Date(t) + " " + L.T("mail.at") + "\u00a0" + t.In(i18n.Stockholm()).Format("15:04")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ComposeSignUp writes the e-mails about "Vill du vara med?" sign-ups. Staff
// get the name and a link to the inbox; contact details stay behind the login.
func (c *Composer) ComposeSignUp(kind string, su *ortsplan.SignUp, to *ortsplan.User, waiting []*ortsplan.SignUp) *ortsplan.Message {
	base := strings.TrimRight(c.BaseURL, "/")
	lang, toAddr, toName := i18n.Default, "", ""
	switch {
	case kind == "signup_confirm" && su != nil:
		lang, toAddr, toName = su.Lang, su.Email, su.Name
	case to != nil:
		lang, toAddr, toName = to.Lang, to.Email, to.Name
	default:
		return nil
	}
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	L := c.Cat.For(lang)
	d := mailData{Lang: lang, Signature: L.T("mail.signature", c.Org)}
	d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting", toName))
	switch kind {
	case "signup_confirm":
		d.Subject = L.T("mail.signup_confirm.subject", su.LocalityName)
		d.Paragraphs = append(d.Paragraphs, L.T("mail.signup_confirm.body", su.LocalityName))
		// The mail repeats what was sent, so the person can check it.
		d.Paragraphs = append(d.Paragraphs, L.T("mail.signup_confirm.sent"))
		d.Facts = append(d.Facts, fact{L.T("join.name"), su.Name}, fact{L.T("join.email"), su.Email})
		if su.Phone != "" {
			d.Facts = append(d.Facts, fact{L.T("join.phone"), su.Phone})
		}
		if su.AgeGroup != "" {
			d.Facts = append(d.Facts, fact{L.T("join.age_group"), L.T("agegroup." + su.AgeGroup)})
		}
		if su.Message != "" {
			d.Facts = append(d.Facts, fact{L.T("join.message"), su.Message})
		}
		d.Links = []link{{L.T("mail.signup_confirm.link", su.LocalityName), base + "/orter/" + su.LocalitySlug}}
	case "signup_notice":
		d.Subject = L.T("mail.signup_notice.subject", su.Name, su.LocalityName)
		d.Paragraphs = append(d.Paragraphs, L.T("mail.signup_notice.body", su.Name, su.LocalityName))
		d.Links = []link{{L.T("mail.signup_inbox_link"), base + "/admin/anmalningar/" + itoa(su.ID)}}
	case "signup_reminder":
		d.Subject = L.N("mail.signup_reminder.subject", len(waiting))
		d.Paragraphs = append(d.Paragraphs, L.N("mail.signup_reminder.body", len(waiting)))
		for _, w := range waiting {
			d.Facts = append(d.Facts, fact{w.LocalityName, w.Name + " (" + L.Date(w.CreatedAt) + ")"})
		}
		d.Links = []link{{L.T("mail.signup_inbox_link"), base + "/admin/anmalningar"}}
	default:
		return nil
	}
	d.Subject = strings.Join(strings.Fields(d.Subject), " ")
	return c.message(d, toAddr, toName)
}

// message renders the text and HTML parts of a mail.
func (c *Composer) message(d mailData, to, toName string) *ortsplan.Message {
	var text strings.Builder
	for _, p := range d.Paragraphs {
		text.WriteString(p + "\n\n")
	}
	for _, f := range d.Facts {
		text.WriteString(f.Label + ": " + f.Value + "\n")
	}
	if len(d.Facts) > 0 {
		text.WriteString("\n")
	}
	for _, l := range d.Links {
		text.WriteString(l.Text + ":\n" + l.URL + "\n\n")
	}
	text.WriteString("-- \n" + d.Signature + "\n")
	var html bytes.Buffer
	if err := htmlTmpl.Execute(&html, d); err != nil {
		html.Reset()
	}
	return &ortsplan.Message{To: to, ToName: toName, Subject: d.Subject, Text: text.String(), HTML: html.String(), Lang: d.Lang}
}

// ComposeResident writes the e-mails to residents and the flag to coordinators.
func (c *Composer) ComposeResident(kind, toEmail, toName, lang string, i *ortsplan.Idea, href string) *ortsplan.Message {
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	L := c.Cat.For(lang)
	d := mailData{Lang: lang, Signature: L.T("mail.signature", c.Org)}
	// Greet by name, never by the e-mail address.
	if toName == "" || toName == ortsplan.AnonymousResident {
		d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting_plain"))
	} else {
		d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting", toName))
	}
	switch kind {
	case "login":
		d.Subject = L.T("mail.login.subject")
		d.Paragraphs = append(d.Paragraphs, L.T("mail.login.body"))
		d.Links = []link{{L.T("mail.login.link"), href}}
	case "idea_answered":
		d.Subject = L.T("mail.idea_answered.subject", i.Title)
		d.Paragraphs = append(d.Paragraphs, L.T("mail.idea_answered.body", i.Title, L.T("ideastatus."+string(i.Status))))
		if i.Answer != "" {
			d.Paragraphs = append(d.Paragraphs, i.Answer)
		}
		d.Links = []link{{L.T("mail.idea_link"), href}}
	case "idea_flagged":
		d.Subject = L.T("mail.idea_flagged.subject", i.Title)
		d.Paragraphs = append(d.Paragraphs, L.N("mail.idea_flagged.body", i.Supports, i.Title))
		d.Links = []link{{L.T("mail.idea_link"), href}}
	default:
		return nil
	}
	d.Subject = strings.Join(strings.Fields(d.Subject), " ")
	return c.message(d, toEmail, toName)
}

// ComposeStaff writes the e-mails to staff accounts with a one-time link:
// "password_reset" (asked for on the login page), "password_reset_admin"
// (asked for by an admin) and "invitation" (a new account's first password).
func (c *Composer) ComposeStaff(kind string, to *ortsplan.User, lang, href string) *ortsplan.Message {
	if to == nil {
		return nil
	}
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	L := c.Cat.For(lang)
	d := mailData{Lang: lang, Signature: L.T("mail.signature", c.Org)}
	d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting", to.Name))
	switch kind {
	case "password_reset":
		d.Subject = L.T("mail.password_reset.subject")
		d.Paragraphs = append(d.Paragraphs, L.T("mail.password_reset.body"), L.T("mail.password_reset.not_you"))
		d.Links = []link{{L.T("mail.password_reset.link"), href}}
	case "password_reset_admin":
		d.Subject = L.T("mail.password_reset.subject")
		d.Paragraphs = append(d.Paragraphs, L.T("mail.password_reset_admin.body"))
		d.Links = []link{{L.T("mail.password_reset.link"), href}}
	case "invitation":
		d.Subject = L.T("mail.invitation.subject")
		d.Paragraphs = append(d.Paragraphs, L.T("mail.invitation.body", strings.ToLower(L.T("role."+string(to.Role)))), L.T("mail.invitation.valid"))
		d.Links = []link{{L.T("mail.invitation.link"), href}}
	default:
		return nil
	}
	d.Subject = strings.Join(strings.Fields(d.Subject), " ")
	return c.message(d, to.Email, to.Name)
}

// ComposeNews writes the news e-mail for a follower, with a one-click
// unsubscribe link and the List-Unsubscribe headers (RFC 8058).
func (c *Composer) ComposeNews(toEmail, toName, lang string, items []ortsplan.NewsItem, unsubscribeURL string) *ortsplan.Message {
	if len(items) == 0 {
		return nil
	}
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	L := c.Cat.For(lang)
	d := mailData{Lang: lang, Signature: L.T("mail.signature", c.Org)}
	d.Subject = L.T("mail.news.subject", items[0].LocalityName)
	for _, it := range items[1:] {
		if it.LocalityName != items[0].LocalityName {
			d.Subject = L.T("mail.news.subject_many")
		}
	}
	d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting", toName), L.T("mail.news.body"))
	for _, it := range items {
		d.Links = append(d.Links, link{L.T("news."+it.Kind, it.Title), it.Link})
	}
	var headers map[string]string
	if unsubscribeURL != "" {
		d.Links = append(d.Links, link{L.T("mail.news.unsubscribe"), unsubscribeURL})
		headers = map[string]string{"List-Unsubscribe": "<" + unsubscribeURL + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
	}
	d.Subject = strings.Join(strings.Fields(d.Subject), " ")
	m := c.message(d, toEmail, toName)
	m.Headers = headers
	return m
}

// ComposeMessage writes a staff message for one recipient, as plain text:
// the staff's text as written, then why the recipient gets it, the
// unsubscribe link for a follower, and the signature. The subject is the
// staff's, on one line.
func (c *Composer) ComposeMessage(m *ortsplan.StaffMessage, toEmail, toName, lang, unsubscribeURL string) *ortsplan.Message {
	if m == nil || !m.Audience.Kind.Valid() {
		return nil
	}
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	L := c.Cat.For(lang)
	var text strings.Builder
	text.WriteString(m.Body + "\n\n-- \n")
	text.WriteString(L.T("mail.message.why."+string(m.Audience.Kind), m.Audience.Name) + "\n")
	if unsubscribeURL != "" {
		text.WriteString(L.T("mail.news.unsubscribe") + ":\n" + unsubscribeURL + "\n")
	}
	text.WriteString(L.T("mail.signature", c.Org) + "\n")
	return &ortsplan.Message{To: toEmail, ToName: toName, Subject: strings.Join(strings.Fields(m.Subject), " "), Text: text.String(), Lang: lang}
}

var _ ortsplan.Composer = (*Composer)(nil)

// ComposeQuickfix writes the e-mail about staff's decision on a quickfix
// application: granted (with the amount), refused (with the reason) or
// komplettering (with what is asked for), and a link to the application.
func (c *Composer) ComposeQuickfix(toEmail, toName, lang string, q *ortsplan.Quickfix, href string) *ortsplan.Message {
	if q == nil {
		return nil
	}
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	L := c.Cat.For(lang)
	d := mailData{Lang: lang, Signature: L.T("mail.signature", c.Org)}
	if toName == "" || toName == ortsplan.AnonymousResident {
		d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting_plain"))
	} else {
		d.Paragraphs = append(d.Paragraphs, L.T("mail.greeting", toName))
	}
	switch q.Status {
	case ortsplan.QuickfixGranted:
		d.Subject = L.T("mail.quickfix_granted.subject", q.Title)
		d.Paragraphs = append(d.Paragraphs, L.T("mail.quickfix_granted.body", q.Title, L.Number(int(q.Amount))), L.T("mail.quickfix_granted.report"))
	case ortsplan.QuickfixRefused:
		d.Subject = L.T("mail.quickfix_refused.subject", q.Title)
		d.Paragraphs = append(d.Paragraphs, L.T("mail.quickfix_refused.body", q.Title))
	case ortsplan.QuickfixSupplement:
		d.Subject = L.T("mail.quickfix_supplement.subject", q.Title)
		d.Paragraphs = append(d.Paragraphs, L.T("mail.quickfix_supplement.body", q.Title))
	default:
		return nil
	}
	if q.Reason != "" {
		d.Paragraphs = append(d.Paragraphs, q.Reason)
	}
	d.Links = []link{{L.T("mail.quickfix_link"), href}}
	d.Subject = strings.Join(strings.Fields(d.Subject), " ")
	return c.message(d, toEmail, toName)
}
