package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// role is who looks at a page: an anonymous visitor or a logged-in staff member.
type role string

const (
	visitor  role = "visitor"
	admin    role = "admin"
	official role = "official"
	resident role = "resident" // a resident logged in with a one-time link
)

// roles lists the roles in the order the tests log in as them.
var roles = []role{visitor, admin, official, resident}

// languages are the site's languages; every page kind is checked in each.
var languages = []string{"sv", "en"}

// pageKind is one kind of page that the site can show. Every test walks the
// same list, so a new template only needs a new entry here.
type pageKind struct {
	name   string // short and unique; names the saved HTML file
	tmpl   string // the template in web/templates that renders it
	as     role
	path   string
	status int
	// link, when set, finds the path instead: the first link on the page at
	// path whose href matches, for pages whose address holds a database id.
	link *regexp.Regexp
	// submit, when set, fills in the form whose action is form (or path)
	// with these values, keeping what else the form holds, and sends it, to
	// show the page that answers the form.
	submit url.Values
	form   string
}

// action is where the kind's form is sent.
func (k pageKind) action() string {
	if k.form != "" {
		return k.form
	}
	return k.path
}

// pageKinds covers every template (TestEveryTemplateHasAPageKind checks that)
// and every state of a form worth checking.
var pageKinds = []pageKind{
	{name: "home", tmpl: "home", as: visitor, path: "/", status: http.StatusOK},
	{name: "localities", tmpl: "localities", as: visitor, path: "/orter", status: http.StatusOK},
	{name: "localities-filtered", tmpl: "localities", as: visitor, path: "/orter?fas=genomforande", status: http.StatusOK},
	{name: "locality", tmpl: "locality", as: visitor, path: "/orter/sparreholm", status: http.StatusOK},
	{name: "vision", tmpl: "vision", as: visitor, path: "/orter/sparreholm/vision", status: http.StatusOK},
	{name: "plan", tmpl: "plan", as: visitor, path: "/orter/sparreholm/handlingsplan", status: http.StatusOK},
	{name: "history", tmpl: "history", as: visitor, path: "/orter/sparreholm/historik", status: http.StatusOK},
	{name: "revision", tmpl: "revision", as: visitor, path: "/orter/sparreholm/historik", status: http.StatusOK,
		link: regexp.MustCompile(`^/orter/sparreholm/historik/\d+$`)},
	{name: "join", tmpl: "join", as: visitor, path: "/var-med", status: http.StatusOK},
	{name: "open-data", tmpl: "open_data", as: visitor, path: "/oppna-data", status: http.StatusOK},
	{name: "search", tmpl: "search", as: visitor, path: "/sok?q=g%C3%A5ngv%C3%A4gar", status: http.StatusOK},
	{name: "search-filtered", tmpl: "search", as: visitor, path: "/sok?q=m%C3%B6te&typ=mote&ort=halleforsnas", status: http.StatusOK},
	{name: "search-none", tmpl: "search", as: visitor, path: "/sok?q=zzxqv", status: http.StatusOK},
	{name: "search-empty", tmpl: "search", as: visitor, path: "/sok", status: http.StatusOK},
	{name: "effects", tmpl: "effects", as: visitor, path: "/effekter", status: http.StatusOK},
	{name: "effects-year", tmpl: "effects", as: visitor, path: "/effekter?period=year", status: http.StatusOK},
	{name: "effects-locality", tmpl: "effects", as: visitor, path: "/orter/sparreholm/effekter", status: http.StatusOK},
	{name: "effects-bad-period", tmpl: "effects", as: visitor, path: "/orter/sparreholm/effekter?period=month", status: http.StatusOK},
	{name: "join-locality", tmpl: "join", as: visitor, path: "/var-med?ort=sparreholm", status: http.StatusOK},
	{name: "join-errors", tmpl: "join", as: visitor, path: "/var-med?ort=sparreholm", status: http.StatusBadRequest,
		form: "/var-med#form-heading", submit: url.Values{"name": {""}, "email": {"inte-en-adress"}}},
	{name: "join-thanks", tmpl: "join_thanks", as: visitor, path: "/var-med?ort=sparreholm", status: http.StatusOK,
		form: "/var-med#form-heading", submit: url.Values{"name": {"Test Testsson"}, "email": {"test@ortsplan.example"}, "consent": {"1"},
			"message": {"Jag vill hjälpa till.\nGärna på kvällar."}}},
	{name: "join-thanks-plain", tmpl: "join_thanks", as: visitor, path: "/var-med/tack", status: http.StatusOK},
	{name: "resident-login", tmpl: "resident_login", as: visitor, path: "/logga-in/boende", status: http.StatusOK},
	{name: "resident-login-errors", tmpl: "resident_login", as: visitor, path: "/logga-in/boende", status: http.StatusBadRequest,
		submit: url.Values{"email": {"inte-en-adress"}}},
	{name: "resident-confirm", tmpl: "resident_login", as: visitor, path: "/inloggning/exempel", status: http.StatusOK},
	{name: "ideas", tmpl: "ideas", as: visitor, path: "/orter/sparreholm/ideer", status: http.StatusOK},
	{name: "idea", tmpl: "idea", as: visitor, path: "/orter/sparreholm/ideer", status: http.StatusOK,
		link: regexp.MustCompile(`^/ideer/\d+$`)},
	{name: "idea-staff", tmpl: "idea", as: admin, path: "/orter/sparreholm/ideer", status: http.StatusOK,
		link: regexp.MustCompile(`^/ideer/\d+$`)},
	{name: "my-data", tmpl: "my_data", as: resident, path: "/mina-uppgifter", status: http.StatusOK},
	{name: "my-data-errors", tmpl: "my_data", as: resident, path: "/mina-uppgifter", status: http.StatusBadRequest,
		submit: url.Values{"name": {""}}},
	{name: "locality-resident", tmpl: "locality", as: resident, path: "/orter/sparreholm", status: http.StatusOK},
	{name: "idea-resident", tmpl: "idea", as: resident, path: "/orter/sparreholm/ideer", status: http.StatusOK,
		link: regexp.MustCompile(`^/ideer/\d+$`)},
	{name: "ideas-resident", tmpl: "ideas", as: resident, path: "/orter/sparreholm/ideer", status: http.StatusOK},
	{name: "places", tmpl: "places", as: visitor, path: "/orter/malmkoping/karta", status: http.StatusOK},
	{name: "places-empty", tmpl: "places", as: visitor, path: "/orter/flen/karta", status: http.StatusOK},
	{name: "place-pick", tmpl: "place_pick", as: visitor, path: "/orter/bettna/valj-plats?for=ide", status: http.StatusOK},
	{name: "place-pick-bad", tmpl: "error", as: visitor, path: "/orter/bettna/valj-plats?for=annat", status: http.StatusBadRequest},
	{name: "ideas-picked", tmpl: "ideas", as: resident, path: "/orter/bettna/ideer?lat=58.9&lon=16.64", status: http.StatusOK},
	{name: "unsubscribe", tmpl: "unsubscribe", as: visitor, path: "/avregistrera/exempel", status: http.StatusOK},
	{name: "admin-audit", tmpl: "admin_audit", as: admin, path: "/admin/logg", status: http.StatusOK},
	{name: "admin-home", tmpl: "admin_home", as: admin, path: "/admin", status: http.StatusOK},
	{name: "admin-home-locality", tmpl: "admin_home", as: admin, path: "/admin?ort=flen", status: http.StatusOK},
	{name: "admin-ideas", tmpl: "admin_ideas", as: admin, path: "/admin/ideer", status: http.StatusOK},
	{name: "admin-late", tmpl: "admin_late", as: admin, path: "/admin/forsenade", status: http.StatusOK},
	{name: "admin-meetings-notes", tmpl: "admin_meetings", as: admin, path: "/admin/moten", status: http.StatusOK},
	{name: "admin-meetings-coming", tmpl: "admin_meetings", as: admin, path: "/admin/moten?visa=kommande", status: http.StatusOK},
	{name: "admin-reports", tmpl: "admin_reports", as: admin, path: "/admin/anmalt-innehall", status: http.StatusOK},
	{name: "admin-signups", tmpl: "admin_signups", as: admin, path: "/admin/anmalningar", status: http.StatusOK},
	{name: "admin-signup", tmpl: "admin_signup", as: admin, path: "/admin/anmalningar", status: http.StatusOK,
		link: regexp.MustCompile(`^/admin/anmalningar/\d+$`)},
	{name: "accessibility", tmpl: "accessibility", as: visitor, path: "/tillganglighet", status: http.StatusOK},
	{name: "privacy", tmpl: "privacy", as: visitor, path: "/personuppgifter", status: http.StatusOK},
	{name: "login", tmpl: "login", as: visitor, path: "/logga-in", status: http.StatusOK},
	{name: "login-errors", tmpl: "login", as: visitor, path: "/logga-in", status: http.StatusBadRequest,
		submit: url.Values{"email": {""}, "password": {""}}},
	{name: "login-password-reset", tmpl: "login", as: visitor, path: "/logga-in?losenord=nytt", status: http.StatusOK},
	{name: "forgot-password", tmpl: "password_reset", as: visitor, path: "/logga-in/glomt-losenord", status: http.StatusOK},
	{name: "forgot-password-errors", tmpl: "password_reset", as: visitor, path: "/logga-in/glomt-losenord", status: http.StatusBadRequest,
		submit: url.Values{"email": {"inte-en-adress"}}},
	{name: "forgot-password-sent", tmpl: "password_reset", as: visitor, path: "/logga-in/glomt-losenord", status: http.StatusOK,
		submit: url.Values{"email": {"ingen@ortsplan.example"}}},
	{name: "new-password", tmpl: "password_reset", as: visitor, path: "/nytt-losenord/{reset}", status: http.StatusOK},
	{name: "new-password-errors", tmpl: "password_reset", as: visitor, path: "/nytt-losenord/{reset}", status: http.StatusBadRequest,
		submit: url.Values{"new_password": {"kort"}, "confirm_password": {"kort"}}},
	{name: "invitation", tmpl: "password_reset", as: visitor, path: "/nytt-losenord/{invite}", status: http.StatusOK},
	{name: "invitation-errors", tmpl: "password_reset", as: visitor, path: "/nytt-losenord/{invite}", status: http.StatusBadRequest,
		submit: url.Values{"new_password": {"kort"}, "confirm_password": {"annat"}}},
	{name: "login-password-chosen", tmpl: "login", as: visitor, path: "/logga-in?losenord=valt", status: http.StatusOK},
	{name: "new-password-invalid", tmpl: "password_reset", as: visitor, path: "/nytt-losenord/exempel", status: http.StatusNotFound},
	{name: "not-found", tmpl: "error", as: visitor, path: "/finns-inte", status: http.StatusNotFound},

	{name: "account", tmpl: "account", as: admin, path: "/konto", status: http.StatusOK},
	{name: "admin-users", tmpl: "admin_users", as: admin, path: "/admin/anvandare", status: http.StatusOK},
	{name: "admin-users-errors", tmpl: "admin_users", as: admin, path: "/admin/anvandare", status: http.StatusBadRequest,
		submit: url.Values{"name": {""}, "email": {"inte-en-adress"}}},
	{name: "admin-user", tmpl: "admin_user", as: admin, path: "/admin/anvandare", status: http.StatusOK,
		link: regexp.MustCompile(`^/admin/anvandare/\d+$`)},
	{name: "admin-user-invited", tmpl: "admin_user", as: admin, path: "/admin/anvandare/{invited}", status: http.StatusOK},
	{name: "admin-user-errors", tmpl: "admin_user", as: admin, path: "/admin/anvandare/{invited}", status: http.StatusBadRequest,
		submit: url.Values{"department": {strings.Repeat("Förvaltning ", 10)}}},
	{name: "admin-outbox", tmpl: "admin_outbox", as: admin, path: "/admin/utkorg", status: http.StatusOK},
	{name: "admin-outbox-message", tmpl: "admin_outbox_message", as: admin, path: "/admin/utkorg", status: http.StatusOK,
		link: regexp.MustCompile(`^/admin/utkorg/\d+$`)},
	{name: "locality-new", tmpl: "locality_new", as: admin, path: "/orter/ny", status: http.StatusOK},
	{name: "locality-new-errors", tmpl: "locality_new", as: admin, path: "/orter/ny", status: http.StatusBadRequest,
		form: "/orter", submit: url.Values{"name": {""}, "slug": {"Inte En Adress"}}},
	{name: "locality-edit", tmpl: "locality_edit", as: admin, path: "/orter/sparreholm/redigera", status: http.StatusOK},
	{name: "vision-edit", tmpl: "vision_edit", as: admin, path: "/orter/sparreholm/vision/redigera", status: http.StatusOK},
	{name: "plan-edit", tmpl: "plan_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusOK},
	{name: "theme-edit", tmpl: "theme_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusOK,
		link: regexp.MustCompile(`^/orter/sparreholm/teman/\d+$`)},
	{name: "action-new", tmpl: "action_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusOK,
		link: regexp.MustCompile(`^/orter/sparreholm/atgarder/ny\?tema=\d+$`)},
	{name: "action-edit", tmpl: "action_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusOK,
		link: regexp.MustCompile(`^/orter/sparreholm/atgarder/\d+$`)},
	{name: "action-edit-errors", tmpl: "action_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusBadRequest,
		link: regexp.MustCompile(`^/orter/sparreholm/atgarder/\d+$`), submit: url.Values{"title": {""}}},
	{name: "action-edit-place-errors", tmpl: "action_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusBadRequest,
		link: regexp.MustCompile(`^/orter/sparreholm/atgarder/\d+$`), submit: url.Values{"place_lat": {"59,07"}, "place_lon": {""}, "place_address": {"Vid Kapellet"}}},
	// Archiving: a reason refused on each edit page (a sent one would change
	// the site for the other checks), and the pages that say "Arkiverat".
	{name: "action-archive-errors", tmpl: "action_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusBadRequest,
		link: regexp.MustCompile(`^/orter/sparreholm/atgarder/\d+$`), form: "{path}/arkivera", submit: url.Values{"archive_reason": {"ja"}}},
	{name: "theme-archive-errors", tmpl: "theme_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera", status: http.StatusBadRequest,
		link: regexp.MustCompile(`^/orter/sparreholm/teman/\d+$`), form: "{path}/arkivera", submit: url.Values{"archive_reason": {""}}},
	{name: "plan-edit-archived", tmpl: "plan_edit", as: admin, path: "/orter/sparreholm/handlingsplan/redigera?sparat=arkiverad", status: http.StatusOK},
	{name: "archive-list", tmpl: "archive_list", as: admin, path: "/orter/sparreholm/arkiv", status: http.StatusOK},
	{name: "archive-list-empty", tmpl: "archive_list", as: admin, path: "/orter/bettna/arkiv", status: http.StatusOK},
	// Facts, the history text and the SWOT (lup.go).
	{name: "facts", tmpl: "facts", as: visitor, path: "/orter/halleforsnas/fakta", status: http.StatusOK},
	{name: "facts-empty", tmpl: "facts", as: visitor, path: "/orter/vadsbro/fakta", status: http.StatusOK},
	{name: "swot", tmpl: "swot", as: visitor, path: "/orter/halleforsnas/swot", status: http.StatusOK},
	{name: "swot-empty", tmpl: "swot", as: visitor, path: "/orter/vadsbro/swot", status: http.StatusOK},
	{name: "print-plan", tmpl: "print_plan", as: visitor, path: "/orter/halleforsnas/skriv-ut", status: http.StatusOK},
	{name: "print-plan-empty", tmpl: "print_plan", as: visitor, path: "/orter/vadsbro/skriv-ut", status: http.StatusOK},
	{name: "facts-edit", tmpl: "facts_edit", as: admin, path: "/orter/halleforsnas/fakta/redigera", status: http.StatusOK},
	{name: "facts-edit-errors", tmpl: "facts_edit", as: admin, path: "/orter/halleforsnas/fakta/redigera", status: http.StatusBadRequest,
		form: "/orter/halleforsnas/fakta", submit: url.Values{"year": {"i fjol"}, "value": {""}}},
	{name: "facts-import-refused", tmpl: "facts_edit", as: admin, path: "/orter/halleforsnas/fakta/redigera", status: http.StatusBadRequest,
		form: "/orter/halleforsnas/fakta/import#import-errors", submit: url.Values{"csv_text": {"\"region\";\"2019\";\"2020\"\n\"Hälleforsnäs\";1600;tio\n\"Flen\";1;2\n"}}},
	{name: "history-text-edit", tmpl: "history_text_edit", as: admin, path: "/orter/halleforsnas/historia/redigera", status: http.StatusOK},
	{name: "swot-edit", tmpl: "swot_edit", as: admin, path: "/orter/halleforsnas/swot/redigera", status: http.StatusOK},
	{name: "swot-item-edit", tmpl: "swot_edit", as: admin, path: "/orter/halleforsnas/swot/redigera", status: http.StatusOK,
		link: regexp.MustCompile(`^/orter/halleforsnas/swot/\d+$`)},
	{name: "swot-edit-errors", tmpl: "swot_edit", as: admin, path: "/orter/halleforsnas/swot/redigera", status: http.StatusBadRequest,
		form: "/orter/halleforsnas/swot", submit: url.Values{"text": {""}, "source": {""}}},

	{name: "forbidden", tmpl: "error", as: official, path: "/admin/anvandare", status: http.StatusForbidden},

	// Meetings and groups; addMeetings makes the data and fills in the
	// markers {group}, {meeting}, {held}, {token} (a confirmed registration's),
	// {confirm} (one not confirmed yet), {reset}, {invite} (an invitation's link) and
	// {invited} (the invited account's id).
	{name: "groups", tmpl: "groups", as: visitor, path: "/orter/sparreholm/arbetsgrupper", status: http.StatusOK},
	{name: "group", tmpl: "group", as: visitor, path: "/orter/sparreholm/arbetsgrupper/{group}", status: http.StatusOK},
	{name: "meetings", tmpl: "meetings", as: visitor, path: "/orter/sparreholm/moten", status: http.StatusOK},
	{name: "calendar", tmpl: "calendar", as: visitor, path: "/kalender", status: http.StatusOK},
	{name: "meeting", tmpl: "meeting", as: visitor, path: "/moten/{meeting}", status: http.StatusOK},
	{name: "meeting-register-errors", tmpl: "meeting", as: visitor, path: "/moten/{meeting}", status: http.StatusBadRequest,
		form: "/moten/{meeting}/anmalan#anmalan", submit: url.Values{"name": {""}, "email": {"inte-en-adress"}}},
	{name: "registration-sent", tmpl: "registration_sent", as: visitor, path: "/moten/{meeting}/anmald", status: http.StatusOK},
	{name: "meeting-held", tmpl: "meeting", as: visitor, path: "/moten/{held}", status: http.StatusOK},
	{name: "registration-cancel", tmpl: "registration_cancel", as: visitor, path: "/anmalan/{token}", status: http.StatusOK},
	{name: "registration-confirm", tmpl: "registration_confirm", as: visitor, path: "/anmalan/{confirm}/bekrafta", status: http.StatusOK},
	{name: "registration-confirmed", tmpl: "registration_confirm", as: visitor, path: "/anmalan/{token}/bekrafta", status: http.StatusOK},
	{name: "meeting-staff", tmpl: "meeting", as: admin, path: "/moten/{meeting}", status: http.StatusOK},
	{name: "meeting-new", tmpl: "meeting_edit", as: admin, path: "/orter/sparreholm/moten/nytt", status: http.StatusOK},
	{name: "meeting-edit", tmpl: "meeting_edit", as: admin, path: "/moten/{meeting}/redigera", status: http.StatusOK},
	{name: "meeting-edit-errors", tmpl: "meeting_edit", as: admin, path: "/moten/{meeting}/redigera", status: http.StatusBadRequest,
		submit: url.Values{"title": {""}}},
	{name: "meeting-archive-errors", tmpl: "meeting_edit", as: admin, path: "/moten/{meeting}/redigera", status: http.StatusBadRequest,
		form: "/moten/{meeting}/arkivera", submit: url.Values{"archive_reason": {"  "}}},
	{name: "meetings-archived", tmpl: "meetings", as: admin, path: "/orter/sparreholm/moten?sparat=arkiverad", status: http.StatusOK},
	{name: "meeting-file-errors", tmpl: "meeting", as: admin, path: "/moten/{meeting}", status: http.StatusBadRequest,
		form: "/moten/{meeting}/filer/{file}", submit: url.Values{"file{file}-title": {""}}},
	{name: "meeting-file-archive-errors", tmpl: "meeting", as: admin, path: "/moten/{meeting}", status: http.StatusBadRequest,
		form: "/moten/{meeting}/filer/{file}/arkivera", submit: url.Values{"file{file}-archive_reason": {"x"}}},
	{name: "meeting-file-archived", tmpl: "meeting", as: admin, path: "/moten/{meeting}?sparat=arkiverad", status: http.StatusOK},
	{name: "group-new", tmpl: "group_edit", as: admin, path: "/orter/sparreholm/arbetsgrupper/ny", status: http.StatusOK},
	{name: "group-edit", tmpl: "group_edit", as: admin, path: "/orter/sparreholm/arbetsgrupper/{group}/redigera", status: http.StatusOK},
	{name: "messages", tmpl: "messages", as: admin, path: "/orter/sparreholm/meddelanden", status: http.StatusOK},
	{name: "message-new", tmpl: "message_edit", as: admin, path: "/orter/sparreholm/meddelanden/nytt?grupp={group}", status: http.StatusOK},
	{name: "message-new-meeting", tmpl: "message_edit", as: admin, path: "/orter/sparreholm/meddelanden/nytt?mote={meeting}", status: http.StatusOK},
	{name: "message-errors", tmpl: "message_edit", as: admin, path: "/orter/sparreholm/meddelanden/nytt?grupp={group}", status: http.StatusBadRequest,
		form: "/orter/sparreholm/meddelanden", submit: url.Values{"subject": {""}, "body": {""}, "step": {"preview"}}},
	{name: "message-preview", tmpl: "message_preview", as: admin, path: "/orter/sparreholm/meddelanden/nytt?grupp={group}", status: http.StatusOK,
		form: "/orter/sparreholm/meddelanden", submit: url.Values{"subject": {"Nästa träff"}, "body": {"Hej!\n\nVi ses på tisdag."}, "step": {"preview"}}},

	// Photos and documents: the demo has them for Hälleforsnäs's first stormöte.
	{name: "gallery", tmpl: "gallery", as: visitor, path: "/orter/halleforsnas/bilder", status: http.StatusOK},
	{name: "gallery-empty", tmpl: "gallery", as: visitor, path: "/orter/sparreholm/bilder", status: http.StatusOK},
	{name: "meeting-photos", tmpl: "meeting", as: visitor, path: "/orter/halleforsnas/bilder", status: http.StatusOK,
		link: regexp.MustCompile(`^/moten/\d+$`)},

	// Surveys: {survey} is the demo's open survey for Malmköping, {vikansla}
	// Hälleforsnäs's closed vi-känsla survey of 2025.
	{name: "surveys", tmpl: "surveys", as: visitor, path: "/enkater", status: http.StatusOK},
	{name: "surveys-locality-staff", tmpl: "surveys", as: admin, path: "/enkater?ort=halleforsnas", status: http.StatusOK},
	{name: "survey", tmpl: "survey", as: visitor, path: "/enkater/{survey}", status: http.StatusOK},
	{name: "survey-errors", tmpl: "survey", as: visitor, path: "/enkater/{survey}", status: http.StatusBadRequest,
		submit: url.Values{"q4": {"  "}}},
	{name: "survey-closed", tmpl: "survey", as: visitor, path: "/enkater/{vikansla}", status: http.StatusOK},
	{name: "survey-results", tmpl: "survey_results", as: visitor, path: "/enkater/{vikansla}/resultat", status: http.StatusOK},
	{name: "survey-results-staff", tmpl: "survey_results", as: admin, path: "/enkater/{survey}/resultat", status: http.StatusOK},
	{name: "survey-new", tmpl: "survey_edit", as: admin, path: "/enkater/ny?ort=sparreholm", status: http.StatusOK},
	{name: "survey-new-errors", tmpl: "survey_edit", as: admin, path: "/enkater/ny?ort=sparreholm", status: http.StatusBadRequest, form: "/enkater/ny",
		submit: url.Values{"title": {""}, "q1_text": {"Vad tycker du?"}, "q1_kind": {"single"}}},
	{name: "survey-edit", tmpl: "survey_edit", as: admin, path: "/enkater/{survey}/redigera", status: http.StatusOK},
	{name: "survey-paper", tmpl: "survey_paper", as: admin, path: "/enkater/{survey}/papper", status: http.StatusOK},
	{name: "effects-vikansla", tmpl: "effects", as: visitor, path: "/orter/halleforsnas/effekter", status: http.StatusOK},

	// Quickfix grants: the demo's (Skebokvarn's paid notice pillar,
	// Hälleforsnäs's reported bench, Bettna's waiting application) and the
	// resident's two in Sparreholm, {qfamend} asked for more and {qfreport} granted.
	{name: "quickfixes", tmpl: "quickfixes", as: visitor, path: "/quickfix", status: http.StatusOK},
	{name: "quickfixes-locality", tmpl: "quickfixes", as: visitor, path: "/orter/skebokvarn/quickfix", status: http.StatusOK},
	{name: "quickfixes-resident", tmpl: "quickfixes", as: resident, path: "/orter/sparreholm/quickfix", status: http.StatusOK},
	{name: "quickfixes-apply-errors", tmpl: "quickfixes", as: resident, path: "/orter/sparreholm/quickfix", status: http.StatusBadRequest,
		submit: url.Values{"title": {""}, "cost": {"mycket"}}},
	{name: "quickfix", tmpl: "quickfix", as: visitor, path: "/orter/skebokvarn/quickfix", status: http.StatusOK,
		link: regexp.MustCompile(`^/quickfix/\d+$`)},
	{name: "quickfix-amend", tmpl: "quickfix", as: resident, path: "/quickfix/{qfamend}", status: http.StatusOK},
	{name: "quickfix-amend-errors", tmpl: "quickfix", as: resident, path: "/quickfix/{qfamend}", status: http.StatusBadRequest,
		form: "/quickfix/{qfamend}/komplettera", submit: url.Values{"place": {""}}},
	{name: "quickfix-report", tmpl: "quickfix", as: resident, path: "/quickfix/{qfreport}", status: http.StatusOK},
	{name: "quickfix-report-errors", tmpl: "quickfix", as: resident, path: "/quickfix/{qfreport}", status: http.StatusBadRequest,
		form: "/quickfix/{qfreport}/rapport", submit: url.Values{"report": {""}}},
	{name: "quickfix-decide", tmpl: "quickfix", as: admin, path: "/admin/quickfix", status: http.StatusOK,
		link: regexp.MustCompile(`^/quickfix/\d+$`)},
	{name: "quickfix-decide-errors", tmpl: "quickfix", as: admin, path: "/admin/quickfix", status: http.StatusBadRequest,
		link: regexp.MustCompile(`^/quickfix/\d+$`), form: "{path}/beslut", submit: url.Values{"decision": {"avslagen"}, "reason": {""}}},
	{name: "quickfix-pay", tmpl: "quickfix", as: admin, path: "/orter/halleforsnas/quickfix", status: http.StatusOK,
		link: regexp.MustCompile(`^/quickfix/\d+$`)},
	{name: "quickfix-pay-errors", tmpl: "quickfix", as: admin, path: "/orter/halleforsnas/quickfix", status: http.StatusBadRequest,
		link: regexp.MustCompile(`^/quickfix/\d+$`), form: "{path}/utbetalning", submit: url.Values{"paid_amount": {"mycket"}}},
	{name: "admin-quickfix", tmpl: "admin_quickfix", as: admin, path: "/admin/quickfix", status: http.StatusOK},
	{name: "admin-quickfix-errors", tmpl: "admin_quickfix", as: admin, path: "/admin/quickfix", status: http.StatusBadRequest,
		form: "/admin/quickfix/budget", submit: url.Values{"budget": {"mycket"}}},
	// Plan revisions: Sparreholm's 2012 and 2015. Matters: Bettna's lighting
	// (published), Hälleforsnäs's bus stop (not yet published).
	{name: "editions", tmpl: "editions", as: visitor, path: "/orter/sparreholm/handlingsplan/revideringar", status: http.StatusOK},
	{name: "edition", tmpl: "edition", as: visitor, path: "/orter/sparreholm/handlingsplan/revideringar/2012", status: http.StatusOK},
	{name: "edition-compare", tmpl: "edition_compare", as: visitor, path: "/orter/sparreholm/handlingsplan/jamfor?fran=2012&till=2015", status: http.StatusOK},
	{name: "edition-compare-live", tmpl: "edition_compare", as: visitor, path: "/orter/skebokvarn/handlingsplan/jamfor?fran=2015&till=nu", status: http.StatusOK},
	{name: "edition-new", tmpl: "edition_new", as: admin, path: "/orter/sparreholm/handlingsplan/revideringar/ny", status: http.StatusOK},
	{name: "edition-new-errors", tmpl: "edition_new", as: admin, path: "/orter/sparreholm/handlingsplan/revideringar/ny", status: http.StatusBadRequest,
		form: "/orter/sparreholm/handlingsplan/revideringar", submit: url.Values{"year": {"2015"}, "decision_body": {""}}},
	{name: "effects-revisions", tmpl: "effects", as: visitor, path: "/orter/sparreholm/effekter?period=year", status: http.StatusOK},
	{name: "matters", tmpl: "matters", as: visitor, path: "/arenden", status: http.StatusOK},
	{name: "matters-locality", tmpl: "matters", as: visitor, path: "/orter/bettna/arenden", status: http.StatusOK},
	{name: "matters-staff", tmpl: "matters", as: admin, path: "/orter/halleforsnas/arenden", status: http.StatusOK},
	{name: "matter", tmpl: "matter", as: visitor, path: "/orter/bettna/arenden", status: http.StatusOK, link: regexp.MustCompile(`^/arenden/\d+$`)},
	{name: "matter-unpublished", tmpl: "matter", as: admin, path: "/orter/halleforsnas/arenden", status: http.StatusOK, link: regexp.MustCompile(`^/arenden/\d+$`)},
	{name: "matter-new", tmpl: "matter_edit", as: admin, path: "/orter/bettna/arenden/nytt", status: http.StatusOK},
	{name: "matter-new-errors", tmpl: "matter_edit", as: admin, path: "/orter/bettna/arenden/nytt", status: http.StatusBadRequest,
		form: "/orter/bettna/arenden", submit: url.Values{"title": {""}, "status": {"beviljat"}}},
	{name: "admin-matters", tmpl: "admin_matters", as: admin, path: "/admin/arenden", status: http.StatusOK},
}

// loginFor returns the login of a staff role.
func (s *site) loginFor(r role) login {
	switch r {
	case admin:
		return s.Admin
	case official:
		return s.Official
	}
	panic("no login for " + string(r))
}

// kindsFor returns the page kinds seen as role r, with their {…} markers
// filled in and the paths of the kinds that follow a link found: it reads the
// linking pages over HTTP as r.
func (s *site) kindsFor(t *testing.T, r role) []pageKind {
	t.Helper()
	var c *client
	var ks []pageKind
	fill := strings.NewReplacer("{group}", s.GroupSlug, "{meeting}", strconv.FormatInt(s.MeetingID, 10),
		"{held}", strconv.FormatInt(s.HeldID, 10), "{token}", s.RegistrationCancelToken, "{confirm}", s.RegistrationConfirmToken,
		"{reset}", s.PasswordResetToken, "{invite}", s.InvitationToken, "{invited}", strconv.FormatInt(s.InvitedID, 10),
		"{file}", strconv.FormatInt(s.FileID, 10), "{survey}", strconv.FormatInt(s.SurveyID, 10), "{vikansla}", strconv.FormatInt(s.ViKanslaID, 10),
		"{qfamend}", strconv.FormatInt(s.QuickfixAmendID, 10), "{qfreport}", strconv.FormatInt(s.QuickfixReportID, 10))
	for _, k := range pageKinds {
		if k.as != r {
			continue
		}
		k.path, k.form = fill.Replace(k.path), fill.Replace(k.form)
		if k.submit != nil {
			sub := url.Values{}
			for name, vs := range k.submit {
				sub[fill.Replace(name)] = vs
			}
			k.submit = sub
		}
		if k.link != nil {
			if c == nil {
				c = newClient(t, s.URL)
				if r != visitor {
					c.logInAs(s, r)
				}
			}
			status, body := c.do(http.MethodGet, k.path, nil)
			if status != http.StatusOK {
				t.Fatalf("%s: %s answered %d", k.name, k.path, status)
			}
			href := firstLink(t, body, k.link)
			if href == "" {
				t.Fatalf("%s: no link on %s matches %s", k.name, k.path, k.link)
			}
			k.path, k.link = href, nil
		}
		k.form = strings.ReplaceAll(k.form, "{path}", k.path)
		ks = append(ks, k)
	}
	return ks
}

// firstLink returns the first href in the page that re matches.
func firstLink(t *testing.T, page []byte, re *regexp.Regexp) string {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var href string
	doc.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if h := a.AttrOr("href", ""); re.MatchString(h) {
			href = h
			return false
		}
		return true
	})
	return href
}

// formValues returns what a browser would send for the form with the given
// action on the page, before anyone changes a field.
func formValues(t *testing.T, page []byte, action string) url.Values {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	form := doc.Find(`form[action="` + action + `"]`).First()
	if form.Length() == 0 {
		t.Fatalf("no form with action %s on the page", action)
	}
	v := url.Values{}
	form.Find("input[name], select[name], textarea[name]").Each(func(_ int, e *goquery.Selection) {
		name := e.AttrOr("name", "")
		if _, disabled := e.Attr("disabled"); disabled {
			return
		}
		switch goquery.NodeName(e) {
		case "textarea":
			v.Add(name, e.Text())
		case "select":
			opt := e.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = e.Find("option").First()
			}
			if opt.Length() > 0 {
				v.Add(name, opt.AttrOr("value", opt.Text()))
			}
		default:
			switch e.AttrOr("type", "text") {
			case "submit", "button", "image", "reset", "file":
			case "checkbox", "radio":
				if _, checked := e.Attr("checked"); checked {
					v.Add(name, e.AttrOr("value", "on"))
				}
			default:
				v.Add(name, e.AttrOr("value", ""))
			}
		}
	})
	return v
}

// TestEveryTemplateHasAPageKind keeps pageKinds complete: a new page template
// needs a page kind, so that the browser and HTML checks see it.
func TestEveryTemplateHasAPageKind(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "web", "templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates in web/templates (%v)", err)
	}
	covered := map[string]bool{}
	for _, k := range pageKinds {
		covered[k.tmpl] = true
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		if !covered[name] {
			t.Errorf("web/templates/%s.html has no page kind: add one to pageKinds in e2e/pages_test.go", name)
		}
	}
}
