// Package web is the HTTP layer: routes, middleware, templates and handlers.
// It talks to the domain only through the ortsplan service interfaces.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/cache"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/markdown"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/svgmap"
	"github.com/ortsplan/ortsplan/web/opendata"
)

// Services are the domain services the web layer needs; every one is required.
// They decide who may do what: the web layer puts the acting staff account or
// resident in the request's context and shows what they answer.
type Services struct {
	Users        ortsplan.UserService
	Residents    ortsplan.ResidentService
	Localities   ortsplan.LocalityService
	Plans        ortsplan.PlanService
	Meetings     ortsplan.MeetingService
	Files        ortsplan.FileService
	SignUps      ortsplan.SignUpService
	Ideas        ortsplan.IdeaService
	Follows      ortsplan.FollowService
	PersonalData ortsplan.PersonalDataService
	Search       ortsplan.SearchService
	OpenData     ortsplan.OpenDataService
	Outbox       ortsplan.Outbox
	Effects      ortsplan.EffectService
	// Work answers the staff home (/admin).
	Work ortsplan.WorkService
	// Exports gives staff their localities' personal data as files.
	Exports ortsplan.ExportService
	// Surveys writes, answers and counts the surveys (enkäter).
	Surveys ortsplan.SurveyService
	// Quickfixes runs the quickfix grants: applications, decisions, budgets.
	Quickfixes ortsplan.QuickfixService
	// Editions makes and reads the plans' yearly revisions (revideringar).
	Editions ortsplan.EditionService
	// Matters keeps the matters passed on (ärenden).
	Matters ortsplan.MatterService
	// Facts keeps a locality's facts, history text and SWOT.
	Facts ortsplan.FactService
	// Ping reports whether the database is reachable, for /readyz.
	Ping func(ctx context.Context) error
	// PageVersion reads the page counter, which moves with every committed
	// change to what a public page shows; nil turns the page cache off
	// (see pagecache.go).
	PageVersion func(ctx context.Context) (int64, error)
}

// check reports the first service that is missing.
func (svc Services) check() error {
	for name, v := range map[string]any{"Users": svc.Users, "Residents": svc.Residents, "Localities": svc.Localities,
		"Plans": svc.Plans, "Meetings": svc.Meetings, "Files": svc.Files, "SignUps": svc.SignUps, "Ideas": svc.Ideas,
		"Follows": svc.Follows, "PersonalData": svc.PersonalData, "Search": svc.Search, "OpenData": svc.OpenData,
		"Outbox": svc.Outbox, "Effects": svc.Effects, "Work": svc.Work, "Exports": svc.Exports, "Surveys": svc.Surveys,
		"Quickfixes": svc.Quickfixes, "Editions": svc.Editions, "Matters": svc.Matters, "Facts": svc.Facts} {
		if v == nil {
			return fmt.Errorf("web: no %s service configured", name)
		}
	}
	if svc.Ping == nil {
		return fmt.Errorf("web: no Ping configured")
	}
	return nil
}

// Config holds the web layer's settings.
type Config struct {
	// BaseURL is the public address, e.g. https://ortsplan.flen.se. Cookies are
	// Secure when it is https.
	BaseURL string
	// OrgName is the organisation running the service, shown in the footer and
	// the accessibility statement.
	OrgName      string
	ContactEmail string
	ContactPhone string
	// TrustProxy is how many reverse proxies stand in front of the server:
	// the client address is taken that many hops from the right of
	// X-Forwarded-For. 0 believes no header.
	TrustProxy int
	// MetricsToken, when set, is required as a bearer token on /metrics; without
	// it /metrics answers only requests from the loopback interface.
	MetricsToken string
	// Storage keeps uploaded files. UploadLimits bounds each staff upload
	// (media.DefaultLimits when MaxBytes is zero), ResidentUploadLimits a
	// resident's idea photo (each field not given: media.ResidentLimits',
	// the file size UploadLimits').
	Storage              media.Storage
	UploadLimits         media.Limits
	ResidentUploadLimits media.Limits
	// UploadTempDir holds uploads while they are received (os.TempDir when empty).
	UploadTempDir string
	// DataLicence names the licence of the open data (default CC0 1.0), with a link.
	DataLicence    string
	DataLicenceURL string
	// IdeaThreshold flags an idea to the coordinator for a committee.
	IdeaThreshold ortsplan.IdeaThreshold
	// RegistrationRule bounds meeting registrations (people per registration,
	// time to confirm); handed to the meeting service with each registration.
	// Parts not set take ortsplan.DefaultRegistrationRule's.
	RegistrationRule ortsplan.RegistrationRule
	// QuickfixRequireVerified says that only residents with a verified
	// identity may apply for quickfix grants; the pages say so. The store
	// decides (sqlstore.DB.RequireVerifiedQuickfix, set from the same flag).
	QuickfixRequireVerified bool
	// OIDC, when set, offers staff login through the identity provider.
	OIDC *OIDC
	// OIDCLabel is the login button's text ("" gives "Logga in med
	// <OrgName>s konto").
	OIDCLabel string
	// PasswordLoginOff turns staff password login off (--password-login=false):
	// the form is not shown and its POST is refused, except for
	// BreakGlassAdmin, the e-mail of the one admin who may still use a
	// password, at /logga-in?reserv=1 (audited).
	PasswordLoginOff bool
	BreakGlassAdmin  string
	// EID, when set, lets residents verify who they are through an eID
	// broker; PersonSecret is the key of the keyed hash of their
	// personnummer (ortsplan.PersonKey). IdeaThreshold.VerifiedOnly then
	// asks a verified login to support an idea.
	EID          *OIDC
	PersonSecret []byte
	// KeepOriginals keeps uploaded photos' original bytes (staff only) beside the re-encoded sizes.
	KeepOriginals bool
	Logger        *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// MailSent says e-mail goes out by SMTP: the outbox pages then hide the
	// one-time links in the messages.
	MailSent bool
	// StoreCache reports the store's cache, for /metrics; nil for none.
	StoreCache func() cache.Stats
	// Brand is the organisation's accent colour, logo and home picture.
	Brand Brand
	// Statements are the facts the accessibility statement and the privacy
	// page state; see Statements.
	Statements Statements
	// OutboxStats reads the outbox's figures for /metrics (no personal data,
	// so it asks for no account); nil leaves them out.
	OutboxStats func(context.Context) (ortsplan.OutboxStats, error)
	// PageCacheBytes is the budget of rendered anonymous pages kept in memory
	// (DefaultPageCacheBytes when 0; below 0 keeps none).
	PageCacheBytes int64
	// SharedCacheMaxAge is how long a shared cache in front (nginx, Varnish,
	// a CDN) may keep an anonymous page without asking (s-maxage), and
	// SharedCacheStale how long after that it may still serve it while it
	// asks again (stale-while-revalidate). 0 lets it keep none.
	SharedCacheMaxAge time.Duration
	SharedCacheStale  time.Duration
}

// Server serves the site.
type Server struct {
	brand    brandPage
	svc      Services
	cfg      Config
	cat      *i18n.Catalog
	tmpl     *templates
	assets   *assets
	log      *slog.Logger
	metrics  *metrics
	registry *prometheus.Registry
	secure   bool
	// patterns are the routes, in the order registered.
	patterns []string

	// uploads bounds how many uploads are processed at once, on every upload
	// route, for staff and residents alike (see upload.go and uploadSlot).
	uploads                       chan struct{}
	uploadsWaiting, uploadsActive atomic.Int64
	// uploadPatterns are the routes that read multipart bodies themselves.
	uploadPatterns map[string]bool

	loginByAddr *rateLimiter
	formByAddr  *rateLimiter

	maps        svgmap.Memo                                // the locality map, drawn again only when a locality changes
	effectsHTML *cache.Cache[effectsHTMLKey, *effectsData] // rendered dashboards, see effects.go
	pages       *cache.Cache[pageKey, *keptPage]           // rendered anonymous pages, see pagecache.go
	pageVersion *sharedRead                                // the page counter, one read shared by the requests that wait for it
	pageCC      string                                     // their Cache-Control
	openData    *opendata.Handler

	handler http.Handler

	// draining is set when the process is shutting down: /readyz answers
	// 503 so that load balancers stop sending new requests here.
	draining atomic.Bool
}

// Drain makes /readyz answer 503 from now on; the process calls it on
// SIGTERM, some seconds before it stops listening.
func (s *Server) Drain() { s.draining.Store(true) }

// New builds a server: it parses every template and hashes every asset, so a
// broken template fails here rather than on a request.
func New(svc Services, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DataLicence == "" {
		cfg.DataLicence, cfg.DataLicenceURL = "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/deed.sv"
	}
	if cfg.IdeaThreshold.Supports == 0 {
		verifiedOnly := cfg.IdeaThreshold.VerifiedOnly
		cfg.IdeaThreshold = DefaultIdeaThreshold
		cfg.IdeaThreshold.VerifiedOnly = verifiedOnly
	}
	cfg.RegistrationRule = cfg.RegistrationRule.WithDefaults()
	if cfg.EID != nil && len(cfg.PersonSecret) < ortsplan.MinPersonKeyBytes {
		return nil, fmt.Errorf("web: the eID login needs a person key of at least %d bytes", ortsplan.MinPersonKeyBytes)
	}
	if cfg.IdeaThreshold.VerifiedOnly && cfg.EID == nil {
		return nil, fmt.Errorf("web: supports that require a verified login need the eID login configured")
	}
	if err := svc.check(); err != nil {
		return nil, err
	}
	if cfg.Storage == nil {
		return nil, fmt.Errorf("web: no file storage configured")
	}
	if cfg.UploadLimits.MaxBytes == 0 {
		cfg.UploadLimits = media.DefaultLimits()
	}
	// A resident's limit not given is the residents' default, the file size staff's.
	rl, def := &cfg.ResidentUploadLimits, media.ResidentLimits()
	if rl.MaxBytes <= 0 {
		rl.MaxBytes = cfg.UploadLimits.MaxBytes
	}
	if rl.MaxPixels <= 0 {
		rl.MaxPixels = def.MaxPixels
	}
	if rl.MaxDecodeBytes <= 0 {
		rl.MaxDecodeBytes = def.MaxDecodeBytes
	}
	if cfg.OrgName == "" {
		cfg.OrgName = "Flens kommun"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost:8080"
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("web: base URL %q must be an http or https address", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	brand, err := setupBrand(cfg.Brand, as)
	if err != nil {
		return nil, err
	}
	tm, err := parseTemplates(as)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	s := &Server{
		svc: svc, cfg: cfg, cat: cat, tmpl: tm, assets: as, log: cfg.Logger, brand: brand,
		registry: reg, metrics: newMetrics(reg), secure: u.Scheme == "https",
		uploads:     make(chan struct{}, uploadsAtOnce),
		effectsHTML: newEffectsHTMLCache(),
		loginByAddr: newRateLimiter(10, time.Minute, cfg.Now),
		formByAddr:  newRateLimiter(30, time.Minute, cfg.Now),
	}
	caches := map[string]func() cache.Stats{"effects_html": s.effectsHTML.Stats, "markdown": markdown.CacheStats, "map": s.maps.CacheStats}
	if svc.PageVersion != nil && cfg.PageCacheBytes >= 0 {
		if cfg.PageCacheBytes == 0 {
			cfg.PageCacheBytes = DefaultPageCacheBytes
		}
		s.pages = newPageCache(cfg.PageCacheBytes)
		s.pageVersion = newSharedRead(svc.PageVersion)
		s.pageCC = pageCacheControl(cfg.SharedCacheMaxAge, cfg.SharedCacheStale)
		caches["pages"] = s.pages.Stats
	}
	if cfg.StoreCache != nil {
		caches["store"] = cfg.StoreCache
	}
	reg.MustRegister(newCacheCollector(caches))
	reg.MustRegister(s.uploadGauges()...)
	reg.MustRegister(newOutboxCollector(cfg))
	s.openData = opendata.New(opendata.Services{Localities: svc.Localities, Plans: svc.Plans, Meetings: svc.Meetings,
		Ideas: svc.Ideas, OpenData: svc.OpenData, Effects: svc.Effects, Surveys: svc.Surveys, Quickfixes: svc.Quickfixes,
		Editions: svc.Editions, Matters: svc.Matters, Facts: svc.Facts},
		opendata.Config{BaseURL: cfg.BaseURL, OrgName: cfg.OrgName, DataLicence: cfg.DataLicence, DataLicenceURL: cfg.DataLicenceURL,
			Catalog: cat, Logger: cfg.Logger, Now: cfg.Now, Fail: s.fail,
			Lang: func(r *http.Request) string { return reqInfo(r).Lang }, RequestID: func(r *http.Request) string { return reqInfo(r).ID }})
	s.handler = s.middleware(s.routes())
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Catalog returns the translation catalog, for tests.
func (s *Server) Catalog() *i18n.Catalog { return s.cat }

// routes registers every route. Rights are not decided here: the staff
// wrapper only asks for a staff login, and the services decide, for the row
// a request changes, whether the account may (see sqlstore/authz.go).
func (s *Server) routes() *http.ServeMux {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	defer func() { s.patterns = mux.patterns }()
	staff := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.staff(h)) }
	// The only routes that take a multipart body: they read it themselves (upload.go).
	s.uploadPatterns = map[string]bool{}
	upload := func(pattern string, who uploader, fileField string, h uploadHandler) {
		s.uploadPatterns[pattern] = true
		mux.Handle(pattern, s.uploadRoute(who, fileField, h))
	}

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /metrics", s.metricsHandler)
	mux.HandleFunc("GET /static/{file}", s.assets.serve)
	mux.HandleFunc("GET /favicon.ico", s.assets.favicon)

	// The public site.
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /orter", s.localities)
	mux.HandleFunc("GET /orter/{slug}", s.localityPage("locality", planOutline))
	mux.HandleFunc("GET /orter/{slug}/vision", s.localityPage("vision", noPlan))
	mux.HandleFunc("GET /orter/{slug}/handlingsplan", s.localityPage("plan", fullPlan))
	mux.HandleFunc("GET /orter/{slug}/historik", s.history)
	mux.HandleFunc("GET /orter/{slug}/historik/{id}", s.revision)
	mux.HandleFunc("GET /orter/{slug}/arbetsgrupper", s.groups)
	mux.HandleFunc("GET /orter/{slug}/arbetsgrupper/{group}", s.group)
	mux.HandleFunc("GET /orter/{slug}/moten", s.localityMeetings)
	mux.HandleFunc("GET /orter/{slug}/bilder", s.gallery)
	mux.HandleFunc("GET /orter/{slug}/bild/{variant}", s.serveLocalityImage)
	mux.HandleFunc("GET /orter/{slug}/effekter", s.effectsPage)
	mux.HandleFunc("GET /orter/{slug}/ideer", s.ideas)
	mux.HandleFunc("GET /orter/{slug}/handlingsplan/revideringar", s.editions)
	mux.HandleFunc("GET /orter/{slug}/handlingsplan/revideringar/{year}", s.edition)
	mux.HandleFunc("GET /orter/{slug}/handlingsplan/jamfor", s.compareEditions)
	mux.HandleFunc("GET /orter/{slug}/arenden", s.matterList)
	mux.HandleFunc("GET /arenden", s.matterList)
	mux.HandleFunc("GET /arenden/{id}", s.matterPage)
	mux.HandleFunc("GET /orter/{slug}/karta", s.localityPlaces)
	mux.HandleFunc("GET /orter/{slug}/valj-plats", s.pickPlace)
	mux.HandleFunc("GET /moten/{id}", s.meeting)
	mux.HandleFunc("GET /filer/{id}/{variant}", s.serveFile)
	mux.HandleFunc("GET /kalender", s.calendar)
	mux.HandleFunc("GET /kalender.ics", s.calendarICS)
	mux.HandleFunc("GET /orter/{slug}/kalender.ics", s.localityICS)
	mux.HandleFunc("GET /moten/{id}/kalender.ics", s.meetingICS)
	mux.HandleFunc("GET /ideer/{id}", s.idea)
	mux.HandleFunc("GET /ideer/{id}/bild/{variant}", s.ideaPhoto)
	mux.HandleFunc("GET /effekter", s.effectsPage)
	mux.HandleFunc("GET /sok", s.search)
	mux.HandleFunc("GET /oppna-data", s.openDataPage)
	mux.HandleFunc("GET /sitemap.xml", s.sitemap)
	mux.HandleFunc("GET /sitemap/sidor.xml", s.sitemapPages)
	mux.HandleFunc("GET /sitemap/{kind}/{part}", s.sitemapPart)
	mux.HandleFunc("GET /robots.txt", s.robots)
	mux.HandleFunc("GET /tillganglighet", s.statement("accessibility"))
	mux.HandleFunc("GET /personuppgifter", s.statement("privacy"))
	mux.HandleFunc("GET /sprak", s.setLanguage)

	// Taking part without an account: signing up, registering for a meeting.
	mux.HandleFunc("GET /var-med", s.join)
	mux.HandleFunc("POST /var-med", s.signUp)
	mux.HandleFunc("GET /var-med/tack", s.signUpThanks)
	mux.HandleFunc("POST /moten/{id}/anmalan", s.register)
	mux.HandleFunc("GET /moten/{id}/anmald", s.registrationSent)
	mux.HandleFunc("GET /anmalan/{token}", s.cancelForm)
	mux.HandleFunc("POST /anmalan/{token}", s.cancelRegistration)
	mux.HandleFunc("GET /anmalan/{token}/bekrafta", s.confirmForm)
	mux.HandleFunc("POST /anmalan/{token}/bekrafta", s.confirmRegistration)
	mux.HandleFunc("GET /avregistrera/{token}", s.unsubscribeForm)
	mux.HandleFunc("POST /avregistrera/{token}", s.unsubscribe)

	// Residents: signing in by e-mail, ideas, following, their own data.
	mux.HandleFunc("GET /logga-in/boende", s.residentLoginForm)
	mux.HandleFunc("POST /logga-in/boende", s.requestResidentLogin)
	mux.HandleFunc("GET /inloggning/{token}", s.confirmResidentLogin)
	mux.HandleFunc("POST /inloggning/{token}", s.residentLogin)
	mux.HandleFunc("POST /logga-ut/boende", s.residentLogout)
	upload("POST /orter/{slug}/ideer", residentUpload, "photo_file", s.createIdea)
	mux.HandleFunc("POST /ideer/{id}/{what}", s.ideaAction) // support, comment and report; answer and moderation check staff rights in the service
	mux.HandleFunc("POST /orter/{slug}/folj", s.follow)
	mux.HandleFunc("GET /mina-uppgifter", s.myDataPage)
	mux.HandleFunc("POST /mina-uppgifter", s.updateMe)
	mux.HandleFunc("GET /mina-uppgifter.json", s.myDataJSON)
	mux.HandleFunc("POST /mina-uppgifter/radera", s.deleteMe)

	// Staff: signing in, their account.
	mux.HandleFunc("GET /logga-in", s.loginForm)
	mux.HandleFunc("POST /logga-in", s.login)
	mux.HandleFunc("GET /logga-in/glomt-losenord", s.forgotPasswordForm)
	mux.HandleFunc("POST /logga-in/glomt-losenord", s.requestPasswordReset)
	mux.HandleFunc("GET /nytt-losenord/{token}", s.newPasswordForm)
	mux.HandleFunc("POST /nytt-losenord/{token}", s.resetPassword)
	mux.HandleFunc("POST /logga-ut", s.logout)
	// Registered always, so the route table covers them; without an
	// identity provider configured they answer 404.
	mux.HandleFunc("GET /logga-in/oidc", s.oidcStart)
	mux.HandleFunc("GET /logga-in/oidc/callback", s.oidcCallback)
	// The residents' verified login through the eID broker, 404 until configured.
	mux.HandleFunc("GET /logga-in/eid", s.eidStart)
	mux.HandleFunc("GET /logga-in/eid/callback", s.eidCallback)
	staff("GET /konto", s.account)
	staff("POST /konto/losenord", s.changePassword)

	// Staff: editing. Every one behind the staff login; the services decide.
	staff("GET /orter/ny", s.newLocalityForm)
	staff("POST /orter", s.createLocality)
	staff("GET /orter/{slug}/redigera", s.editLocalityForm)
	staff("POST /orter/{slug}/redigera", s.editLocality)
	staff("POST /orter/{slug}/fas", s.changePhase)
	upload("POST /orter/{slug}/bild", staffUpload, "image_file", s.localityImage)
	staff("GET /orter/{slug}/vision/redigera", s.editVisionForm)
	staff("POST /orter/{slug}/vision/redigera", s.editVision)
	staff("GET /orter/{slug}/handlingsplan/redigera", s.editPlanForm)
	staff("GET /orter/{slug}/arkiv", s.archiveList)
	staff("POST /orter/{slug}/handlingsplan/redigera", s.editPlan)
	staff("POST /orter/{slug}/teman", s.createTheme)
	staff("GET /orter/{slug}/teman/{id}", s.editThemeForm)
	staff("POST /orter/{slug}/teman/{id}", s.editTheme)
	staff("POST /orter/{slug}/teman/{id}/flytta", s.mover(s.svc.Plans.MoveTheme, "tema-"))
	staff("POST /orter/{slug}/teman/{id}/arkivera", s.archiveTheme)
	staff("GET /orter/{slug}/atgarder/ny", s.newActionForm)
	staff("POST /orter/{slug}/atgarder", s.saveAction)
	staff("GET /orter/{slug}/atgarder/{id}", s.editActionForm)
	staff("POST /orter/{slug}/atgarder/{id}", s.saveAction)
	staff("POST /orter/{slug}/atgarder/{id}/flytta", s.mover(s.svc.Plans.MoveAction, "atgard-"))
	staff("POST /orter/{slug}/atgarder/{id}/uppdateringar", s.addActionUpdate)
	staff("POST /orter/{slug}/atgarder/{id}/arkivera", s.archiveAction)
	staff("GET /orter/{slug}/moten/nytt", s.newMeetingForm)
	staff("POST /orter/{slug}/moten", s.saveMeeting)
	staff("GET /moten/{id}/redigera", s.editMeetingForm)
	staff("POST /moten/{id}/redigera", s.saveMeeting)
	staff("POST /moten/{id}/arkivera", s.archiveMeeting)
	upload("POST /moten/{id}/filer", staffUpload, "upload_file", s.uploadFile)
	staff("POST /moten/{id}/filer/{file}", s.updateFile)
	staff("POST /moten/{id}/filer/{file}/arkivera", s.archiveFile)
	staff("GET /orter/{slug}/arbetsgrupper/ny", s.newGroupForm)
	staff("POST /orter/{slug}/arbetsgrupper", s.saveGroup)
	staff("GET /orter/{slug}/arbetsgrupper/{group}/redigera", s.editGroupForm)
	staff("POST /orter/{slug}/arbetsgrupper/{group}/redigera", s.saveGroup)
	staff("POST /orter/{slug}/arbetsgrupper/{group}/medlemmar", s.addMember)
	staff("POST /orter/{slug}/arbetsgrupper/{group}/organisationer", s.addOrganisation)
	staff("GET /orter/{slug}/meddelanden", s.staffMessagesPage)
	staff("GET /orter/{slug}/meddelanden/nytt", s.newStaffMessage)
	staff("POST /orter/{slug}/meddelanden", s.postStaffMessage)
	staff("GET /orter/{slug}/handlingsplan/revideringar/ny", s.newEditionForm)
	staff("POST /orter/{slug}/handlingsplan/revideringar", s.makeEdition)
	staff("GET /orter/{slug}/arenden/nytt", s.newMatterForm)
	staff("POST /orter/{slug}/arenden", s.saveMatter)
	staff("GET /arenden/{id}/redigera", s.editMatterForm)
	staff("POST /arenden/{id}/redigera", s.saveMatter)
	staff("POST /arenden/{id}/publicera", s.publishMatter)

	// Surveys: anyone answers; staff write them, type in paper answers and review free texts.
	mux.HandleFunc("GET /enkater", s.surveys)
	mux.HandleFunc("GET /enkater/{id}", s.survey)
	mux.HandleFunc("POST /enkater/{id}", s.answerSurveyAs(false))
	mux.HandleFunc("GET /enkater/{id}/resultat", s.surveyResults)
	mux.HandleFunc("GET /enkater/{id}/resultat.csv", s.surveyResultsCSV)
	staff("GET /enkater/ny", s.newSurveyForm)
	staff("POST /enkater/ny", s.saveSurvey)
	staff("GET /enkater/{id}/redigera", s.editSurveyForm)
	staff("POST /enkater/{id}/redigera", s.saveSurvey)
	staff("GET /enkater/{id}/papper", s.surveyPaperForm)
	staff("POST /enkater/{id}/papper", s.answerSurveyAs(true))
	staff("POST /enkater/{id}/fritext/{text}", s.reviewSurveyText)
	staff("POST /orter/{slug}/vi-kansla", s.createViKansla)

	// Quickfix grants: residents apply, amend and report; staff decide and pay; granted ones are public.
	mux.HandleFunc("GET /quickfix", s.quickfixes)
	mux.HandleFunc("GET /orter/{slug}/quickfix", s.quickfixes)
	upload("POST /orter/{slug}/quickfix", residentUpload, "photo_file", s.applyQuickfix)
	mux.HandleFunc("GET /quickfix/{id}", s.quickfix)
	mux.HandleFunc("GET /quickfix/{id}/bild/{photo}/{variant}", s.quickfixPhotoFile)
	upload("POST /quickfix/{id}/komplettera", residentUpload, "photo_file", s.amendQuickfix)
	upload("POST /quickfix/{id}/rapport", residentUpload, "photo_file", s.reportQuickfix)
	staff("POST /quickfix/{id}/beslut", s.decideQuickfix)
	staff("POST /quickfix/{id}/utbetalning", s.payQuickfix)
	staff("GET /admin/quickfix", s.adminQuickfixes)
	staff("POST /admin/quickfix/budget", s.setQuickfixBudget)
	// The picture of the locality: facts, history text, associations and SWOT (lup.go).
	s.lupRoutes(mux, staff, upload)

	// Staff: what waits for them, and the administration.
	staff("GET /admin", s.adminHome)
	staff("GET /admin/ideer", s.adminIdeas)
	staff("GET /admin/forsenade", s.adminLate)
	staff("GET /admin/moten", s.adminMeetings)
	staff("GET /admin/arenden", s.adminMatters)
	staff("GET /admin/anmalningar", s.inbox)
	staff("GET /admin/anmalningar.csv", s.signUpsCSV)
	staff("GET /moten/{id}/anmalningar.csv", s.registrationsCSV)
	staff("GET /admin/anmalningar/{id}", s.signUpDetail)
	staff("POST /admin/anmalningar/{id}", s.updateSignUp)
	staff("GET /admin/anmalt-innehall", s.reports)
	staff("GET /admin/anvandare", s.adminUsers)
	staff("POST /admin/anvandare", s.adminCreateUser)
	staff("GET /admin/anvandare/{id}", s.adminUser)
	staff("POST /admin/anvandare/{id}", s.adminUpdateUser)
	staff("POST /admin/anvandare/{id}/aktiv", s.adminSetActive)
	staff("POST /admin/anvandare/{id}/inbjudan", s.adminResendInvitation)
	staff("POST /admin/anvandare/{id}/losenord", s.adminSendReset)
	staff("GET /admin/utkorg", s.adminOutbox)
	staff("GET /admin/logg", s.auditLog)
	staff("GET /admin/utkorg/{id}", s.adminOutboxMessage)
	staff("POST /admin/utkorg/{id}/forsok-igen", s.adminOutboxRetry)

	// The open data: JSON API, CSV, Atom and the OpenAPI document, a sub-router of its own.
	s.openData.Register(mux)

	mux.HandleFunc("/", s.notFound)
	return mux.ServeMux
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok: database answers")
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "shutting down")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.svc.Ping(ctx); err != nil {
		s.log.Error("readyz: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unreachable")
		return
	}
	fmt.Fprintln(w, "ok")
}
