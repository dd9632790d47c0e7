package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// Statements are the facts the accessibility statement and the privacy page
// state. What the organisation did (how it assessed the site, how long its
// logs are kept) comes from the configuration and is said only when given;
// what the binary enforces (how long each kind of personal data is kept)
// comes from the same values the jobs use.
type Statements struct {
	// A11yMethod is how the organisation assessed the site, in its words.
	// "" states only the automated checks every release passes.
	A11yMethod string
	// A11yAssessed is the date of that assessment; zero says none is given.
	A11yAssessed time.Time
	// LogRetentionDays is how long the server's and its proxy's logs are
	// kept; 0 states no time, since the binary does not delete them.
	LogRetentionDays int
	// SignUpRetentionMonths is when sign-ups that led to no group are
	// anonymised; MailRetentionDays when sent e-mail is deleted. The command
	// fills them with the values its jobs use; 0 says no job runs.
	SignUpRetentionMonths int
	MailRetentionDays     int
}

// keptRow is one kind of personal data on the privacy page: what is kept and
// for how long, each a message key with its arguments.
type keptRow struct {
	What      string
	Retention string
	// Count, when not -1, is the number the retention's plural form follows
	// (the first argument); Args come after it.
	Count int
	Args  []any
}

// RetentionText is the row's retention in L's language.
func (k keptRow) RetentionText(L *i18n.Localizer) string {
	if k.Count >= 0 {
		return L.N(k.Retention, k.Count, k.Args...)
	}
	return L.T(k.Retention, k.Args...)
}

// keptRows lists every kind of personal data the service keeps, with the
// time the binary keeps it.
func (s *Server) keptRows() []keptRow {
	st := s.cfg.Statements
	signups := keptRow{What: "privacy.kept.signups", Retention: "privacy.kept.signups.none", Count: -1}
	if st.SignUpRetentionMonths > 0 {
		signups = keptRow{What: "privacy.kept.signups", Retention: "privacy.kept.signups.months", Count: st.SignUpRetentionMonths}
	}
	mail := keptRow{What: "privacy.kept.mail", Retention: "privacy.kept.mail.none", Count: -1}
	if st.MailRetentionDays > 0 {
		mail = keptRow{What: "privacy.kept.mail", Retention: "privacy.kept.mail.days", Count: st.MailRetentionDays}
	}
	hours := func(d time.Duration) int { return int(d / time.Hour) }
	days := func(d time.Duration) int { return int(d / (24 * time.Hour)) }
	forever := func(what, retention string) keptRow { return keptRow{What: what, Retention: retention, Count: -1} }
	rows := []keptRow{
		signups,
		{What: "privacy.kept.registrations", Retention: "privacy.kept.registrations.time",
			Count: days(ortsplan.RegistrationKeepExpired), Args: []any{strconv.Itoa(hours(s.cfg.RegistrationRule.ConfirmWithin))}},
		forever("privacy.kept.residents", "privacy.kept.residents.time"),
		forever("privacy.kept.ideas", "privacy.kept.ideas.time"),
		forever("privacy.kept.follows", "privacy.kept.follows.time"),
		mail,
		forever("privacy.kept.staff", "privacy.kept.staff.time"),
		{What: "privacy.kept.invitations", Retention: "privacy.kept.invitations.time", Count: hours(ortsplan.InvitationTTL)},
		forever("privacy.kept.audit", "privacy.kept.audit.time"),
		{What: "privacy.kept.logins", Retention: "privacy.kept.logins.time", Count: int(ortsplan.LoginForget / time.Minute)},
	}
	if s.cfg.EID != nil {
		rows = append(rows, forever("privacy.kept.eid", "privacy.kept.eid.time"))
	}
	return rows
}

// statementData is what the two statement pages show.
type statementData struct {
	Statements
	Kept []keptRow
	// OIDC and EID say which logins through a provider are configured,
	// for the cookies they set.
	OIDC, EID bool
}

// statement renders the accessibility statement or the privacy page.
func (s *Server) statement(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r)
		p.Updated = contentDate
		p.Data = statementData{Statements: s.cfg.Statements, Kept: s.keptRows(), OIDC: s.cfg.OIDC != nil, EID: s.cfg.EID != nil}
		s.render(w, r, http.StatusOK, name, p)
	}
}
