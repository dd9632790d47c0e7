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
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/svgmap"
)

// Services are the domain services the web layer needs.
type Services struct {
	Users      ortsplan.UserService
	Localities ortsplan.LocalityService
	Plans      ortsplan.PlanService
	Meetings   ortsplan.MeetingService
	Files      ortsplan.FileService
	SignUps    ortsplan.SignUpService
	Ideas      ortsplan.IdeaService
	Follows    ortsplan.FollowService
	Search     ortsplan.SearchService
	OpenData   ortsplan.OpenDataService
	Outbox     ortsplan.Outbox
	// Effects computes the effects dashboard; when nil, the first of the other
	// services that implements ortsplan.EffectService (the SQL store does).
	Effects ortsplan.EffectService
	// Ping reports whether the database is reachable, for /readyz.
	Ping func(ctx context.Context) error
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
	// TrustProxy takes the client address from X-Forwarded-For (behind a proxy).
	TrustProxy bool
	// MetricsToken, when set, is required as a bearer token on /metrics; without
	// it /metrics answers only requests from the loopback interface.
	MetricsToken string
	// Storage keeps uploaded files; UploadLimits bounds each upload.
	Storage      media.Storage
	UploadLimits media.Limits
	// DataLicence names the licence of the open data (default CC0 1.0), with a link.
	DataLicence    string
	DataLicenceURL string
	// IdeaThreshold flags an idea to the coordinator for a committee.
	IdeaThreshold ortsplan.IdeaThreshold
	// KeepOriginals keeps uploaded photos' original bytes (staff only) beside the re-encoded sizes.
	KeepOriginals bool
	Logger        *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Server serves the site.
type Server struct {
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

	// uploads bounds how many uploads are processed at once: a large photo
	// takes a few hundred MB while it is decoded and scaled.
	uploads chan struct{}

	loginByAddr *rateLimiter
	formByAddr  *rateLimiter

	maps        svgmap.Memo      // the locality map, drawn again only when a locality changes
	effectsHTML effectsHTMLCache // rendered dashboards, see effects.go

	handler http.Handler
}

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
		cfg.IdeaThreshold = DefaultIdeaThreshold
	}
	for _, v := range []any{svc.Plans, svc.Localities, svc.Ideas, svc.SignUps, svc.Meetings} {
		if e, ok := v.(ortsplan.EffectService); ok && svc.Effects == nil {
			svc.Effects = e
		}
	}
	if svc.Effects == nil {
		return nil, fmt.Errorf("web: no effects service configured")
	}
	if cfg.Storage == nil {
		return nil, fmt.Errorf("web: no file storage configured")
	}
	if cfg.UploadLimits.MaxBytes == 0 {
		cfg.UploadLimits = media.DefaultLimits()
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
	tm, err := parseTemplates(as)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	s := &Server{
		svc: svc, cfg: cfg, cat: cat, tmpl: tm, assets: as, log: cfg.Logger,
		registry: reg, metrics: newMetrics(reg), secure: u.Scheme == "https",
		uploads:     make(chan struct{}, 2),
		loginByAddr: newRateLimiter(10, time.Minute, cfg.Now),
		formByAddr:  newRateLimiter(30, time.Minute, cfg.Now),
	}
	s.handler = s.middleware(s.routes())
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Catalog returns the translation catalog, for tests.
func (s *Server) Catalog() *i18n.Catalog { return s.cat }

func (s *Server) routes() *http.ServeMux {
	mux := &routeMux{ServeMux: http.NewServeMux(), s: s}
	defer func() { s.patterns = mux.patterns }()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /metrics", s.metricsHandler)
	mux.HandleFunc("GET /static/{file}", s.assets.serve)
	mux.HandleFunc("GET /favicon.ico", s.assets.favicon)

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /orter", s.localities)
	mux.HandleFunc("GET /orter/{slug}", s.localityPage("locality", planOutline))
	mux.HandleFunc("GET /orter/{slug}/vision", s.localityPage("vision", noPlan))
	mux.HandleFunc("GET /orter/{slug}/handlingsplan", s.localityPage("plan", fullPlan))
	mux.HandleFunc("GET /orter/{slug}/handlingsplan.csv", s.planCSV)
	mux.HandleFunc("GET /orter.csv", s.localitiesCSV)
	mux.HandleFunc("GET /arbetsgrupper.csv", s.groupsCSV)
	mux.HandleFunc("GET /orter/{slug}/arbetsgrupper.csv", s.groupsCSV)
	mux.HandleFunc("GET /moten.csv", s.meetingsCSV)
	mux.HandleFunc("GET /orter/{slug}/moten.csv", s.meetingsCSV)
	mux.HandleFunc("GET /ideer.csv", s.ideasCSV)
	mux.HandleFunc("GET /orter/{slug}/ideer.csv", s.ideasCSV)
	mux.HandleFunc("GET /flode.atom", s.siteFeed)
	mux.HandleFunc("GET /orter/{slug}/historik", s.history)
	mux.HandleFunc("GET /orter/{slug}/historik/{id}", s.revision)
	mux.HandleFunc("GET /var-med", s.join)
	mux.HandleFunc("GET /oppna-data", s.openDataPage)
	mux.HandleFunc("GET /sok", s.search)
	mux.HandleFunc("GET /effekter", s.effectsPage)
	mux.HandleFunc("GET /effekter.csv", s.effectsCSV)
	mux.HandleFunc("GET /orter/{slug}/effekter", s.effectsPage)
	mux.HandleFunc("GET /orter/{slug}/effekter.csv", s.effectsCSV)
	mux.HandleFunc("GET /api/v1/effects", s.apiEffects)
	mux.HandleFunc("GET /sitemap.xml", s.sitemap)
	mux.HandleFunc("GET /robots.txt", s.robots)
	mux.HandleFunc("POST /var-med", s.signUp)
	mux.HandleFunc("GET /logga-in/boende", s.residentLoginForm)
	mux.HandleFunc("POST /logga-in/boende", s.requestResidentLogin)
	mux.HandleFunc("GET /inloggning/{token}", s.confirmResidentLogin)
	mux.HandleFunc("POST /inloggning/{token}", s.residentLogin)
	mux.HandleFunc("POST /logga-ut/boende", s.residentLogout)
	mux.HandleFunc("GET /orter/{slug}/ideer", s.ideas)
	mux.HandleFunc("POST /orter/{slug}/ideer", s.createIdea)
	mux.HandleFunc("GET /ideer/{id}", s.idea)
	mux.HandleFunc("GET /ideer/{id}/bild/{variant}", s.ideaPhoto)
	mux.HandleFunc("POST /ideer/{id}/{what}", s.ideaAction)
	mux.HandleFunc("POST /orter/{slug}/folj", s.follow)
	mux.HandleFunc("GET /mina-uppgifter", s.myDataPage)
	mux.HandleFunc("GET /mina-uppgifter.json", s.myDataJSON)
	mux.HandleFunc("POST /mina-uppgifter/radera", s.deleteMe)
	mux.HandleFunc("GET /avregistrera/{token}", s.unsubscribeForm)
	mux.HandleFunc("POST /avregistrera/{token}", s.unsubscribe)
	mux.Handle("GET /admin/anmalningar", s.requireStaff(s.inbox))
	mux.Handle("GET /admin/anmalt-innehall", s.requireStaff(s.reports))
	mux.Handle("GET /admin/anmalningar/{id}", s.requireStaff(s.signUpDetail))
	mux.Handle("POST /admin/anmalningar/{id}", s.requireStaff(s.updateSignUp))
	mux.HandleFunc("GET /orter/{slug}/arbetsgrupper", s.groups)
	mux.HandleFunc("GET /orter/{slug}/arbetsgrupper/{group}", s.group)
	mux.HandleFunc("GET /orter/{slug}/moten", s.localityMeetings)
	mux.HandleFunc("GET /orter/{slug}/kalender.ics", s.localityICS)
	mux.HandleFunc("GET /orter/{slug}/flode.atom", s.localityFeed)
	mux.HandleFunc("GET /moten/{id}", s.meeting)
	mux.HandleFunc("POST /moten/{id}/anmalan", s.register)
	mux.HandleFunc("GET /moten/{id}/kalender.ics", s.meetingICS)
	mux.HandleFunc("GET /anmalan/{token}", s.cancelForm)
	mux.HandleFunc("POST /anmalan/{token}", s.cancelRegistration)
	mux.HandleFunc("GET /kalender", s.calendar)
	mux.HandleFunc("GET /orter/{slug}/bilder", s.gallery)
	mux.HandleFunc("GET /filer/{id}/{variant}", s.serveFile)
	mux.HandleFunc("GET /orter/{slug}/bild/{variant}", s.serveLocalityImage)
	mux.HandleFunc("POST /orter/{slug}/bild", s.localityImage)
	mux.HandleFunc("POST /moten/{id}/filer", s.uploadFile)
	mux.HandleFunc("GET /kalender.ics", s.calendarICS)
	// The open data API: every route under /api/v1/ gets CORS and ETags from
	// routeMux, and must be described in openapi.json.
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.HandleFunc("GET /api/v1/localities", s.apiLocalities)
	mux.HandleFunc("GET /api/v1/localities/{slug}", s.apiLocality)
	mux.HandleFunc("GET /api/v1/localities/{slug}/groups", s.apiGroups)
	mux.HandleFunc("GET /api/v1/groups", s.apiGroups)
	mux.HandleFunc("GET /api/v1/meetings", s.apiMeetings)
	mux.HandleFunc("GET /api/v1/meetings/{id}", s.apiMeeting)
	mux.HandleFunc("GET /api/v1/ideas", s.apiIdeas)
	mux.HandleFunc("GET /api/v1/ideas/{id}", s.apiIdea)
	mux.HandleFunc("/api/v1/", s.apiFallback)

	// Editing: every handler checks the user's right to the locality.
	mux.HandleFunc("GET /orter/ny", s.newLocalityForm)
	mux.HandleFunc("POST /orter", s.createLocality)
	mux.HandleFunc("GET /orter/{slug}/redigera", s.editLocalityForm)
	mux.HandleFunc("POST /orter/{slug}/redigera", s.editLocality)
	mux.HandleFunc("POST /orter/{slug}/fas", s.changePhase)
	mux.HandleFunc("GET /orter/{slug}/vision/redigera", s.editVisionForm)
	mux.HandleFunc("POST /orter/{slug}/vision/redigera", s.editVision)
	mux.HandleFunc("GET /orter/{slug}/handlingsplan/redigera", s.editPlanForm)
	mux.HandleFunc("POST /orter/{slug}/handlingsplan/redigera", s.editPlan)
	mux.HandleFunc("POST /orter/{slug}/teman", s.createTheme)
	mux.HandleFunc("GET /orter/{slug}/teman/{id}", s.editThemeForm)
	mux.HandleFunc("POST /orter/{slug}/teman/{id}", s.editTheme)
	mux.HandleFunc("POST /orter/{slug}/teman/{id}/flytta", s.mover(s.svc.Plans.MoveTheme, "tema-"))
	mux.HandleFunc("GET /orter/{slug}/atgarder/ny", s.newActionForm)
	mux.HandleFunc("POST /orter/{slug}/atgarder", s.saveAction)
	mux.HandleFunc("GET /orter/{slug}/atgarder/{id}", s.editActionForm)
	mux.HandleFunc("POST /orter/{slug}/atgarder/{id}", s.saveAction)
	mux.HandleFunc("POST /orter/{slug}/atgarder/{id}/flytta", s.mover(s.svc.Plans.MoveAction, "atgard-"))
	mux.HandleFunc("POST /orter/{slug}/atgarder/{id}/uppdateringar", s.addActionUpdate)
	mux.HandleFunc("GET /orter/{slug}/moten/nytt", s.newMeetingForm)
	mux.HandleFunc("POST /orter/{slug}/moten", s.saveMeeting)
	mux.HandleFunc("GET /moten/{id}/redigera", s.editMeetingForm)
	mux.HandleFunc("POST /moten/{id}/redigera", s.saveMeeting)
	mux.HandleFunc("GET /orter/{slug}/arbetsgrupper/ny", s.newGroupForm)
	mux.HandleFunc("POST /orter/{slug}/arbetsgrupper", s.saveGroup)
	mux.HandleFunc("GET /orter/{slug}/arbetsgrupper/{group}/redigera", s.editGroupForm)
	mux.HandleFunc("POST /orter/{slug}/arbetsgrupper/{group}/redigera", s.saveGroup)
	mux.HandleFunc("POST /orter/{slug}/arbetsgrupper/{group}/medlemmar", s.addMember)
	mux.HandleFunc("POST /orter/{slug}/arbetsgrupper/{group}/organisationer", s.addOrganisation)
	mux.HandleFunc("GET /tillganglighet", s.static("accessibility"))
	mux.HandleFunc("GET /personuppgifter", s.static("privacy"))
	mux.HandleFunc("GET /sprak", s.setLanguage)

	mux.HandleFunc("GET /logga-in", s.loginForm)
	mux.HandleFunc("POST /logga-in", s.login)
	mux.HandleFunc("POST /logga-ut", s.logout)
	mux.Handle("GET /konto", s.requireStaff(s.account))
	mux.Handle("POST /konto/losenord", s.requireStaff(s.changePassword))

	mux.Handle("GET /admin/anvandare", s.requireRole(s.adminUsers, ortsplan.RoleAdmin))
	mux.Handle("POST /admin/anvandare", s.requireRole(s.adminCreateUser, ortsplan.RoleAdmin))
	mux.Handle("POST /admin/anvandare/{id}/aktiv", s.requireRole(s.adminSetActive, ortsplan.RoleAdmin))
	mux.Handle("GET /admin/utkorg", s.requireRole(s.adminOutbox, ortsplan.RoleAdmin))
	mux.Handle("GET /admin/utkorg/{id}", s.requireRole(s.adminOutboxMessage, ortsplan.RoleAdmin))

	mux.HandleFunc("/", s.notFound)
	return mux.ServeMux
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
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
