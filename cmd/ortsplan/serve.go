package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/mailer"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/web"
)

// Main is the running service: configuration, database and HTTP server.
type Main struct {
	stdout, stderr io.Writer

	db       dbFlags
	addr     string
	baseURL  string
	loadDemo bool
	web      web.Config
	logJSON  bool
	uploadMB int
	logLevel string
	smtp     mailer.Config
	// drain is how long /readyz answers 503 before the listener closes, and
	// shutdownTimeout how long requests in flight then get to finish.
	drain, shutdownTimeout time.Duration
	// newsInterval is how often the news for followers is turned into e-mail.
	newsInterval time.Duration
	handler      *web.Server
	// storage is --storage, parsed: where uploaded files are kept.
	storage media.StorageSpec
	// login is the identity provider, password login and eID settings.
	login loginFlags

	DB       *sqlstore.DB
	mailStop context.CancelFunc // stops the mail worker
	mailDone chan struct{}
	jobsStop context.CancelFunc // stops the periodic jobs
	jobsDone chan struct{}
	// retentionMonths is how long sign-ups that led nowhere keep their personal data.
	retentionMonths int
	ideaDays        int
	mailDays        int // --mail-retention-days
	confirmHours    int // --registration-confirm-hours
	cacheMB         int
	pageCacheMB     int
	pprofAddr       string
	pprof           *http.Server
	pprofListen     net.Addr
	server          *http.Server
	listener        net.Listener
	done            chan error
}

// NewMain returns a Main writing to the given streams.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{stdout: stdout, stderr: stderr}
}

// ParseServe reads the serve flags and environment.
func (m *Main) ParseServe(args []string) error {
	fs := newFlagSet("serve", "Start the Ortsplan web server. It migrates the database first.", m.stderr)
	m.db.register(fs)
	fs.StringVar(&m.addr, "addr", "localhost:8080", "address to listen on (use :8080 to listen on every interface)")
	fs.StringVar(&m.baseURL, "base-url", "", "public address of the site, e.g. https://ortsplan.flen.se (default http://ADDR)")
	fs.BoolVar(&m.loadDemo, "demo", false, "load the Flen demo data and an admin account when the database is empty")
	fs.StringVar(&m.web.OrgName, "org", "Flens kommun", "organisation that runs the service")
	fs.StringVar(&m.web.ContactEmail, "contact-email", "", "public contact e-mail shown in the footer")
	fs.StringVar(&m.web.ContactPhone, "contact-phone", "", "public contact phone shown in the footer")
	fs.Var((*proxyCount)(&m.web.TrustProxy), "trust-proxy", "number of reverse proxies in front (alone: 1); the client address is taken that many hops from the right of X-Forwarded-For")
	fs.StringVar(&m.web.MetricsToken, "metrics-token", "", "bearer token for /metrics (without it only loopback clients may read it)")
	fs.IntVar(&m.web.IdeaThreshold.Supports, "idea-supports", 10, "supports that flag an idea to the coordinator for a committee")
	fs.BoolVar(&m.web.QuickfixRequireVerified, "quickfix-require-verified", false,
		"let only residents who signed in with a verified identity (e-ID) apply for quickfix grants")
	fs.IntVar(&m.ideaDays, "idea-support-days", 90, "days after an idea is proposed within which the supports must come")
	fs.IntVar(&m.retentionMonths, "signup-retention-months", 24, "months after which sign-ups that led to no group membership are anonymised")
	fs.IntVar(&m.web.RegistrationRule.MaxPeople, "registration-max-people", ortsplan.DefaultRegistrationRule.MaxPeople,
		"most people one registration for a meeting may bring")
	fs.IntVar(&m.confirmHours, "registration-confirm-hours", int(ortsplan.DefaultRegistrationRule.ConfirmWithin/time.Hour),
		"hours within which a meeting registration must be confirmed through the e-mailed link; until then it holds no place")
	fs.IntVar(&m.uploadMB, "upload-max-mb", 15, "largest upload in MB (photos are re-encoded; staff's up to 40 megapixels, residents' up to 12)")
	fs.IntVar(&m.cacheMB, "cache-mb", 64, "memory budget in MB of the store's cache (locality lists, overviews, effects figures)")
	fs.IntVar(&m.pageCacheMB, "page-cache-mb", 16, "memory budget in MB of rendered pages kept for anonymous visitors (0 keeps none)")
	fs.DurationVar(&m.web.SharedCacheMaxAge, "shared-cache-max-age", 10*time.Second,
		"how long a shared cache in front (nginx, Varnish, a CDN) may keep an anonymous page without asking again (s-maxage; 0 for never)")
	fs.DurationVar(&m.web.SharedCacheStale, "shared-cache-stale", time.Minute,
		"how long after that a shared cache may still send the page while it asks again (stale-while-revalidate)")
	fs.StringVar(&m.web.DataLicence, "data-licence", "", "licence of the open data, e.g. \"CC BY 4.0\" (default CC0 1.0)")
	fs.StringVar(&m.web.DataLicenceURL, "data-licence-url", "", "address of the open data licence's text")
	fs.BoolVar(&m.web.KeepOriginals, "keep-originals", false, "also keep uploaded photos' original files, EXIF included (shown to staff only)")
	fs.StringVar(&m.pprofAddr, "pprof-addr", "", "address of a second listener with Go's profiles (net/http/pprof), e.g. 127.0.0.1:6060; off unless given, never public")
	fs.BoolVar(&m.logJSON, "log-json", false, "write logs as JSON instead of text")
	fs.StringVar(&m.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&m.smtp.Host, "smtp-host", "", "SMTP server for outgoing e-mail (without it e-mail stays in the outbox, readable at /admin/utkorg)")
	fs.IntVar(&m.smtp.Port, "smtp-port", 587, "SMTP server port")
	fs.StringVar(&m.smtp.Username, "smtp-user", "", "SMTP login name (AUTH PLAIN); empty for no login")
	fs.StringVar(&m.smtp.Password, "smtp-password", "", "SMTP password (prefer the environment variable)")
	fs.StringVar(&m.smtp.TLS, "smtp-tls", mailer.TLSStartTLS, "SMTP encryption: none, starttls or tls")
	fs.DurationVar(&m.newsInterval, "news-interval", time.Minute, "how often news for followers is turned into e-mail (the other jobs run every 60 times that)")
	fs.DurationVar(&m.drain, "drain", 5*time.Second, "on SIGTERM, how long /readyz answers 503 (so load balancers move away) before the server stops listening")
	fs.DurationVar(&m.shutdownTimeout, "shutdown-timeout", 30*time.Second, "then, how long requests in flight (such as uploads) get to finish before they are cut off")
	fs.StringVar(&m.smtp.From, "mail-from", "Ortsplan <noreply@localhost>", "sender of outgoing e-mail")
	fs.IntVar(&m.mailDays, "mail-retention-days", 90, "days after which sent e-mail, and e-mail given up, is deleted from the outbox with its text and addresses")
	fs.StringVar(&m.web.Brand.Accent, "accent-color", "", "the organisation's accent colour as #rrggbb; refused unless it has a contrast of 4.5:1 against white (default #0b4f8a)")
	logo := fs.String("logo", "", "the organisation's logo: a file with an SVG (no scripts, nothing from outside) or a PNG, shown in the header")
	home := fs.String("home-picture", "", "a PNG or JPEG shown at the top of the home page (with --home-picture-alt)")
	fs.StringVar(&m.web.Brand.HomePictureAlt, "home-picture-alt", "", "text that describes the home page's picture")
	fs.StringVar(&m.web.Statements.A11yMethod, "a11y-method", "", "how the organisation assessed accessibility, in Swedish, for the accessibility statement (e.g. \"Granskat med skärmläsaren NVDA och med 200 procents förstoring av …\")")
	assessed := fs.String("a11y-assessed", "", "date of that assessment, YYYY-MM-DD")
	fs.IntVar(&m.web.Statements.LogRetentionDays, "log-retention-days", 0, "days the server's and the proxy's logs are kept, as the privacy page states it (0: the page states no time)")
	m.login.register(fs)
	storage := fs.String("storage", "", "where uploaded files are kept: "+storageFlagHelp+" (default <data>/files)")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	if m.newsInterval < time.Second {
		return fmt.Errorf("--news-interval must be at least 1s, not %s", m.newsInterval)
	}
	if err := m.login.check(); err != nil {
		return err
	}
	if m.drain < 0 || m.shutdownTimeout < 0 {
		return fmt.Errorf("--drain and --shutdown-timeout cannot be negative")
	}
	spec, err := media.ParseStorageSpec(*storage, filepath.Join(m.db.data, "files"), os.Getenv)
	if err != nil {
		return err // it names the spec
	}
	m.storage = spec
	if m.smtp.Host != "" {
		if err := m.smtp.Validate(); err != nil {
			return err
		}
	}
	if m.baseURL == "" {
		host := m.addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		m.baseURL = "http://" + host
	}
	m.web.BaseURL = m.baseURL
	m.web.IdeaThreshold.Within = time.Duration(m.ideaDays) * 24 * time.Hour
	if m.web.RegistrationRule.MaxPeople < 1 {
		return fmt.Errorf("--registration-max-people must be at least 1, not %d", m.web.RegistrationRule.MaxPeople)
	}
	if m.mailDays < 1 {
		return fmt.Errorf("--mail-retention-days must be at least 1, not %d", m.mailDays)
	}
	if m.confirmHours < 1 {
		return fmt.Errorf("--registration-confirm-hours must be at least 1, not %d", m.confirmHours)
	}
	m.web.RegistrationRule.ConfirmWithin = time.Duration(m.confirmHours) * time.Hour
	if err := m.parseLook(*logo, *home, *assessed); err != nil {
		return err
	}
	if m.loadDemo && m.web.ContactEmail == "" {
		m.web.ContactEmail = "ortsutveckling@ortsplan.example"
	}
	return nil
}

// parseLook reads the logo and the home picture and checks them with the
// accent colour and the assessment date, so a wrong one stops the start with
// the reason. The demo gets a home picture drawn in code.
func (m *Main) parseLook(logo, home, assessed string) error {
	if m.web.Brand.Accent != "" {
		if _, err := ortsplan.CheckAccent(m.web.Brand.Accent); err != nil {
			return fmt.Errorf("--accent-color: %w", err)
		}
	}
	if logo != "" {
		b, err := os.ReadFile(logo)
		if err != nil {
			return fmt.Errorf("--logo: %w", err)
		}
		if _, err := ortsplan.CheckLogo(b); err != nil {
			return fmt.Errorf("--logo %s: %w", logo, err)
		}
		m.web.Brand.Logo = b
	}
	if home != "" {
		b, err := os.ReadFile(home)
		if err != nil {
			return fmt.Errorf("--home-picture: %w", err)
		}
		if _, err := ortsplan.CheckPicture(b); err != nil {
			return fmt.Errorf("--home-picture %s: %w", home, err)
		}
		if m.web.Brand.HomePictureAlt == "" {
			return fmt.Errorf("--home-picture needs --home-picture-alt, a text that describes the picture")
		}
		m.web.Brand.HomePicture = b
	} else if m.loadDemo {
		m.web.Brand.HomePicture, m.web.Brand.HomePictureAlt = demo.HomePicture()
	}
	if assessed != "" {
		t, err := time.Parse(time.DateOnly, assessed)
		if err != nil {
			return fmt.Errorf("--a11y-assessed: want a date as YYYY-MM-DD, not %q", assessed)
		}
		m.web.Statements.A11yAssessed = t
	}
	if m.web.Statements.LogRetentionDays < 0 {
		return fmt.Errorf("--log-retention-days cannot be negative")
	}
	m.web.Statements.SignUpRetentionMonths = m.retentionMonths
	m.web.Statements.MailRetentionDays = m.mailDays
	return nil
}

func (m *Main) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(m.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if m.logJSON {
		return slog.New(slog.NewJSONHandler(m.stderr, opts)), nil
	}
	return slog.New(slog.NewTextHandler(m.stderr, opts)), nil
}

// Run opens and migrates the database, loads the demo when asked, and starts
// serving in the background. Close stops it.
func (m *Main) Run(ctx context.Context) error {
	log, err := m.logger()
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	m.web.Logger = log

	m.DB, err = sqlstore.OpenAndMigrate(ctx, m.db.dsnWithTimeouts())
	if err != nil {
		return err
	}
	version, _ := m.DB.SchemaVersion(ctx)
	log.Info("database ready", "dialect", m.DB.Dialect, "schema_version", version)

	if m.cacheMB > 0 {
		m.DB.SetCacheBytes(int64(m.cacheMB) << 20)
	}
	m.web.StoreCache = m.DB.CacheStats
	m.web.PageCacheBytes = int64(m.pageCacheMB) << 20
	if m.pageCacheMB <= 0 {
		m.web.PageCacheBytes = -1
	}
	m.web.OutboxStats = m.DB.OutboxCounts
	m.web.MailSent = m.smtp.Host != ""
	m.DB.PublicURL = m.baseURL
	m.DB.RequireVerifiedQuickfix = m.web.QuickfixRequireVerified
	m.DB.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: m.baseURL, Org: m.web.OrgName}
	if m.web.Storage, err = m.storage.Open(ctx); err != nil {
		return fmt.Errorf("--storage: %w", err)
	}
	log.Info("file storage ready", "storage", m.storage.String())
	if m.loadDemo {
		res, err := demo.Load(ctx, m.DB, m.web.Storage)
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			log.Info("demo: the database already has content, or another process loads the demo; nothing loaded here")
		case err != nil:
			return err
		default:
			printDemoLogin(m.stdout, m.baseURL, res)
		}
	}

	if err := m.login.apply(ctx, m.baseURL, &m.web); err != nil {
		return err
	}
	m.web.UploadLimits = media.DefaultLimits()
	m.web.UploadLimits.MaxBytes = int64(m.uploadMB) << 20
	m.web.ResidentUploadLimits = media.ResidentLimits()
	m.web.ResidentUploadLimits.MaxBytes = int64(m.uploadMB) << 20
	h, err := web.New(web.Services{Users: m.DB, Residents: m.DB, Localities: m.DB, Plans: m.DB, Meetings: m.DB, Files: m.DB, SignUps: m.DB, Ideas: m.DB, Follows: m.DB,
		PersonalData: m.DB, Search: m.DB, OpenData: m.DB, Outbox: m.DB, Effects: m.DB, Work: m.DB, Exports: m.DB, Surveys: m.DB, Quickfixes: m.DB, Editions: m.DB, Matters: m.DB, Facts: m.DB, Ping: m.DB.Ping, PageVersion: m.DB.PageVersion}, m.web)
	if err != nil {
		return err
	}
	m.handler = h
	m.listener, err = net.Listen("tcp", m.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.addr, err)
	}
	m.server = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.listener) }()
	if m.pprofAddr != "" {
		if m.pprof, m.pprofListen, err = startProfiles(m.pprofAddr, log); err != nil {
			return err
		}
	}
	m.startMail(log)
	m.startJobs(log)
	// Compute the municipality's effect figures once now, so the first visitors
	// of /effekter do not wait for them (they stay cached until a change).
	go func() {
		for _, k := range []ortsplan.PeriodKind{ortsplan.PeriodQuarter, ortsplan.PeriodYear} {
			if _, err := m.DB.Effects(context.Background(), 0, k); err != nil {
				log.Debug("warm effects", "err", err)
			}
		}
	}()
	fmt.Fprintf(m.stdout, "Ortsplan is running at %s (listening on %s)\n", m.baseURL, m.listener.Addr())
	return nil
}

// Addr returns the address the server listens on.
func (m *Main) Addr() string { return m.listener.Addr().String() }

// Close shuts down: /readyz answers 503 for the drain time while requests
// are still served, then the listener closes and requests in flight get the
// shutdown time to finish (those still running are cut off, which is no
// error: the process was asked to stop), then the mail worker and the jobs
// stop and the database closes.
func (m *Main) Close() error {
	var errs []error
	if m.pprof != nil {
		m.pprof.Close()
	}
	if m.server != nil {
		if m.handler != nil && m.drain > 0 {
			m.handler.Drain()
			slog.Info("draining: /readyz answers 503", "for", m.drain)
			time.Sleep(m.drain)
		}
		ctx, cancel := context.WithTimeout(context.Background(), m.shutdownTimeout)
		defer cancel()
		if err := m.server.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
			slog.Warn("requests still running at the end of the shutdown time were cut off", "shutdown_timeout", m.shutdownTimeout)
			m.server.Close()
		} else if err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
		if err := <-m.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		slog.Info("server stopped")
	}
	if m.mailStop != nil {
		m.mailStop()
		<-m.mailDone
	}
	if m.jobsStop != nil {
		m.jobsStop()
		<-m.jobsDone
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// startJobs runs the periodic jobs: every --news-interval (a minute) the
// news for followers, and every 60 intervals (an hour) the weekly reminder
// about sign-ups that wait, the anonymising of old sign-ups, the deleting of
// e-mail sent (or given up) more than --mail-retention-days ago and of
// meeting registrations never confirmed
// (a week after their time to confirm ran out). Each run is recorded in the
// database, so several processes do each job once.
func (m *Main) startJobs(log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	m.jobsStop, m.jobsDone = cancel, make(chan struct{})
	run := func() {
		if n, err := m.DB.SendSignUpReminder(ctx, m.baseURL); err != nil {
			log.Error("sign-up reminder", "err", err)
		} else if n > 0 {
			log.Info("sign-up reminder queued", "messages", n)
		}
		cutoff := time.Now().AddDate(0, -m.retentionMonths, 0)
		if n, err := m.DB.AnonymiseSignUps(ctx, cutoff); err != nil {
			log.Error("anonymise sign-ups", "err", err)
		} else if n > 0 {
			log.Info("sign-ups anonymised", "count", n, "before", cutoff.Format(time.DateOnly))
		}
		mailCutoff := time.Now().AddDate(0, 0, -m.mailDays)
		if n, err := m.DB.PurgeMessages(ortsplan.NewSystemContext(ctx), mailCutoff); err != nil {
			log.Error("delete old e-mail", "err", err)
		} else if n > 0 {
			log.Info("old e-mail deleted from the outbox", "count", n, "before", mailCutoff.Format(time.DateOnly))
		}
		expired := time.Now().Add(-ortsplan.RegistrationKeepExpired)
		if n, err := m.DB.DeleteExpiredRegistrations(ortsplan.NewSystemContext(ctx), expired); err != nil {
			log.Error("delete unconfirmed registrations", "err", err)
		} else if n > 0 {
			log.Info("unconfirmed registrations deleted", "count", n, "expired_before", expired.Format(time.RFC3339))
		}
	}
	news := func() {
		if n, err := m.DB.SendNotifications(ctx); err != nil {
			log.Error("news for followers", "err", err)
		} else if n > 0 {
			log.Info("news for followers queued", "messages", n)
		}
	}
	go func() {
		defer close(m.jobsDone)
		run()
		news()
		t := time.NewTicker(m.newsInterval)
		defer t.Stop()
		for tick := 1; ; tick++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				news()
				if tick%60 == 0 {
					run()
				}
			}
		}
	}()
}

// startMail runs the mail worker in the background when an SMTP server is set.
func (m *Main) startMail(log *slog.Logger) {
	if m.smtp.Host == "" {
		log.Info("no --smtp-host: e-mail stays in the outbox (see /admin/utkorg)")
		return
	}
	w := &mailer.Worker{Outbox: m.DB, SMTP: m.smtp, Logger: log.With("component", "mailer")}
	ctx, cancel := context.WithCancel(context.Background())
	m.mailStop, m.mailDone = cancel, make(chan struct{})
	go func() {
		defer close(m.mailDone)
		w.Run(ctx)
	}()
}

func printDemoLogin(w io.Writer, baseURL string, res *demo.Result) {
	fmt.Fprintf(w, "\nLoaded the Flen demo: %d localities, %d staff accounts.\n", res.Localities, res.Users)
	fmt.Fprintf(w, "Log in at %s/logga-in as an administrator (shown only this once):\n", baseURL)
	fmt.Fprintf(w, "  e-mail:   %s\n  password: %s\n\n", res.AdminEmail, res.AdminPassword)
}
