// Package opendata serves the open data: the JSON API under /api/v1 with its
// OpenAPI document, the CSV lists and the Atom feeds. Everything it serves is
// public: it reads the services as a visitor without an account, whoever
// asks, so no draft or personal data can reach it.
package opendata

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// Services are the domain services the open data is read from.
type Services struct {
	Localities ortsplan.LocalityService
	Plans      ortsplan.PlanService
	Meetings   ortsplan.MeetingService
	Ideas      ortsplan.IdeaService
	OpenData   ortsplan.OpenDataService
	Effects    ortsplan.EffectService
	Surveys    ortsplan.SurveyService
	Quickfixes ortsplan.QuickfixService
	Editions   ortsplan.EditionService
	Matters    ortsplan.MatterService
	Facts      ortsplan.FactService
}

// Config holds the open data's settings and what it borrows from the site.
type Config struct {
	BaseURL        string // the public address, without a trailing slash
	OrgName        string
	DataLicence    string
	DataLicenceURL string
	Catalog        *i18n.Catalog
	Logger         *slog.Logger
	Now            func() time.Time
	// Lang returns the visitor's language, for CSV heads and feed texts.
	Lang func(*http.Request) string
	// RequestID returns the request's id, for the log.
	RequestID func(*http.Request) string
	// Fail answers a CSV or feed request that failed with the site's error page.
	Fail func(http.ResponseWriter, *http.Request, error)
}

// Handler serves the open data routes.
type Handler struct {
	svc Services
	cfg Config
}

// New returns the open data handler.
func New(svc Services, cfg Config) *Handler { return &Handler{svc: svc, cfg: cfg} }

// Mux is where the routes are registered: a ServeMux, or one that records
// its patterns.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Register adds every open data route to mux. Each request is served as a
// visitor without an account; every route under /api/v1/ gets open CORS, an
// ETag and conditional GET, and must be described in openapi.json.
func (h *Handler) Register(mux Mux) {
	for _, rt := range []struct {
		pattern string
		fn      http.HandlerFunc
	}{
		{"GET /orter/{slug}/handlingsplan.csv", h.planCSV},
		{"GET /orter.csv", h.localitiesCSV},
		{"GET /arbetsgrupper.csv", h.groupsCSV},
		{"GET /orter/{slug}/arbetsgrupper.csv", h.groupsCSV},
		{"GET /moten.csv", h.meetingsCSV},
		{"GET /orter/{slug}/moten.csv", h.meetingsCSV},
		{"GET /ideer.csv", h.ideasCSV},
		{"GET /orter/{slug}/ideer.csv", h.ideasCSV},
		{"GET /quickfix.csv", h.quickfixesCSV},
		{"GET /orter/{slug}/quickfix.csv", h.quickfixesCSV},
		{"GET /effekter.csv", h.effectsCSV},
		{"GET /orter/{slug}/effekter.csv", h.effectsCSV},
		{"GET /flode.atom", h.siteFeed},
		{"GET /orter/{slug}/flode.atom", h.localityFeed},
		{"GET /api/v1/openapi.json", h.openAPI},
		{"GET /api/v1/localities", h.apiLocalities},
		{"GET /api/v1/localities/{slug}", h.apiLocality},
		{"GET /api/v1/localities/{slug}/groups", h.apiGroups},
		{"GET /api/v1/groups", h.apiGroups},
		{"GET /api/v1/meetings", h.apiMeetings},
		{"GET /api/v1/meetings/{id}", h.apiMeeting},
		{"GET /api/v1/ideas", h.apiIdeas},
		{"GET /api/v1/ideas/{id}", h.apiIdea},
		{"GET /api/v1/effects", h.apiEffects},
		{"GET /api/v1/quickfixes", h.apiQuickfixes},
		{"GET /api/v1/surveys", h.apiSurveys},
		{"GET /api/v1/surveys/{id}", h.apiSurvey},
		{"GET /api/v1/plan-revisions", h.apiEditions},
		{"GET /api/v1/matters", h.apiMatters},
		{"GET /api/v1/matters/{id}", h.apiMatter},
		{"GET /api/v1/localities/{slug}/facts", h.apiFacts},
		{"GET /api/v1/localities/{slug}/swot", h.apiSWOT},
		{"GET /api/v1/swot", h.apiSWOT},
		{"/api/v1/", h.apiFallback},
	} {
		var next http.Handler = rt.fn
		_, path, _ := strings.Cut(rt.pattern, " ")
		if path == "" {
			path = rt.pattern
		}
		if strings.HasPrefix(path, apiPrefix) {
			next = h.apiHeaders(next)
		}
		mux.Handle(rt.pattern, anonymous(next))
	}
}

// anonymous serves a request as a visitor without an account: the open data
// is the same for everyone.
func anonymous(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(ortsplan.NewAnonymousContext(r.Context())))
	})
}

func (h *Handler) lang(r *http.Request) string { return h.cfg.Lang(r) }

func (h *Handler) localizer(r *http.Request) *i18n.Localizer { return h.cfg.Catalog.For(h.lang(r)) }

func (h *Handler) requestID(r *http.Request) string { return h.cfg.RequestID(r) }

// localityView is a locality with what its API document and plan CSV show.
type localityView struct {
	Locality *ortsplan.Locality
	Phases   []*ortsplan.PhaseChange
	Vision   *ortsplan.Vision // nil without an adopted one
	Plan     *ortsplan.Plan
	Contacts []*ortsplan.Contact
}

// locality reads the locality in the path with its phases, vision, whole
// plan and contacts.
func (h *Handler) locality(ctx context.Context, r *http.Request) (*localityView, error) {
	o, err := h.svc.Plans.LocalityOverview(ctx, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	v := &localityView{Locality: o.Locality, Phases: o.Phases, Vision: o.Vision}
	if v.Contacts, err = h.svc.Localities.Contacts(ctx, o.Locality.ID); err != nil {
		return nil, err
	}
	if v.Plan, err = h.svc.Plans.FindPlan(ctx, o.Locality.ID); err != nil {
		return nil, err
	}
	return v, nil
}
