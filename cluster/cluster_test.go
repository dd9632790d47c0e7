// Package cluster_test runs two real ortsplan serve processes on one
// PostgreSQL database, with shared file storage and a real SMTP server, as
// an operator would run them behind a load balancer.
package cluster_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-smtp"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/media/s3test"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// delivery is one message the sink accepted.
type delivery struct {
	to, messageID, subject string
	at                     time.Time
}

// sink is a real SMTP server that keeps what it is sent. Each message takes
// a little time, as a real server's do, so that sending 1,500 takes long
// enough to kill a process in the middle.
type sink struct {
	mu    sync.Mutex
	got   []delivery
	delay time.Duration
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (s *sink) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.got...)
}

type sinkSession struct {
	s  *sink
	to []string
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, m.Body)
	time.Sleep(ss.s.delay)
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	for _, to := range ss.to {
		ss.s.got = append(ss.s.got, delivery{to: strings.ToLower(to), messageID: m.Header.Get("Message-Id"), subject: subject, at: time.Now()})
	}
	return nil
}
func (ss *sinkSession) Reset()        { ss.to = nil }
func (ss *sinkSession) Logout() error { return nil }

// output is a process's output, written by exec's copying goroutine while
// the test reads it.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// instance is one running ortsplan serve process.
type instance struct {
	name   string
	cmd    *exec.Cmd
	base   string
	stdout *output
	stderr *output
	exited chan error
}

// env is what both instances share.
type env struct {
	t     *testing.T
	bin   string
	admin string // a connection string to create databases with
	smtp  string // host:port of the sink
	data  string
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start prepares one serve process on the database, with its data folder.
func (e *env) start(name, dsn, data, storageFlag string, extraEnv []string) *instance {
	e.t.Helper()
	addr := freePort(e.t)
	host, port, _ := net.SplitHostPort(e.smtp)
	args := []string{"serve", "--demo", "--addr", addr, "--db", dsn, "--data", data,
		"--base-url", "http://ortsplan.test", "--smtp-host", host, "--smtp-port", port, "--smtp-tls", "none",
		"--mail-from", "Ortsplan <noreply@ortsplan.test>", "--news-interval", "2s", "--drain", "0", "--log-level", "warn"}
	if storageFlag != "" {
		args = append(args, "--storage", storageFlag)
	}
	in := &instance{name: name, base: "http://" + addr, stdout: &output{}, stderr: &output{}, exited: make(chan error, 1)}
	in.cmd = exec.Command(e.bin, args...)
	in.cmd.Env = append(os.Environ(), extraEnv...)
	in.cmd.Stdout, in.cmd.Stderr = in.stdout, in.stderr
	return in
}

func (in *instance) run(t *testing.T) {
	if err := in.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", in.name, err)
	}
	go func() { in.exited <- in.cmd.Wait() }()
}

// ready waits until /readyz answers 200, or the process ends.
func (in *instance) ready(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-in.exited:
			in.exited <- err
			t.Fatalf("instance %s exited (%v) before it was ready:\n%s\n%s", in.name, err, in.stdout, in.stderr)
		default:
		}
		res, err := http.Get(in.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("instance %s not ready in 90 s:\n%s", in.name, in.stderr)
}

// stop ends the process with SIGTERM and wants exit status 0.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-in.exited:
		if err != nil {
			t.Fatalf("instance %s: exit after SIGTERM: %v\n%s", in.name, err, in.stderr)
		}
	case <-time.After(60 * time.Second):
		in.cmd.Process.Kill()
		t.Fatalf("instance %s did not stop within 60 s of SIGTERM", in.name)
	}
}

// kill ends the process with SIGKILL, as a crash would.
func (in *instance) kill() {
	in.cmd.Process.Kill()
	<-in.exited
}

// newDatabase creates a fresh PostgreSQL database and returns its URL.
func (e *env) newDatabase(i int) string {
	e.t.Helper()
	name := fmt.Sprintf("ortsplan_cluster_%d_%d", os.Getpid(), i)
	db, err := sql.Open("pgx", e.admin)
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		e.t.Fatalf("create database: %v", err)
	}
	e.t.Cleanup(func() {
		db, err := sql.Open("pgx", e.admin)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, _ := url.Parse(e.admin)
	u.Path = "/" + name
	return u.String()
}

// client is a browser with cookies that may talk to either instance: both
// sit behind the same public address, so one session is valid on both.
type client struct {
	t   *testing.T
	c   *http.Client
	jar http.CookieJar
}

func newClient(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, jar: jar, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var public, _ = url.Parse("http://ortsplan.test/")

func (c *client) do(req *http.Request) (*http.Response, []byte) {
	c.t.Helper()
	for _, k := range c.jar.Cookies(public) {
		req.AddCookie(k)
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	c.jar.SetCookies(public, res.Cookies())
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func (c *client) get(in *instance, path string) (*http.Response, []byte) {
	req, _ := http.NewRequest(http.MethodGet, in.base+path, nil)
	return c.do(req)
}

func (c *client) csrf(in *instance) string {
	for _, k := range c.jar.Cookies(public) {
		if k.Name == "csrf" {
			return k.Value
		}
	}
	// An anonymous visitor's pages carry no token, and need none.
	_, body := c.get(in, "/")
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(body))
	return doc.Find(`input[name="csrf"]`).AttrOr("value", "")
}

func (c *client) post(in *instance, path string, form url.Values) *http.Response {
	form.Set("csrf", c.csrf(in))
	req, _ := http.NewRequest(http.MethodPost, in.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ := c.do(req)
	return res
}

func pngPhoto(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTwoInstances is issue 12's proof: two serve processes on one fresh
// PostgreSQL database and one S3 bucket, started at the same moment, several times; both come
// up every time and the demo is loaded once. Then, on the last pair: a session
// made on A works on B; a photo uploaded through A is served by B; news for
// 1,500 followers and 40 sign-ups made on both arrive exactly once each, while
// A is killed with SIGKILL in the middle of sending, and nothing is lost.
func TestTwoInstances(t *testing.T) {
	base := os.Getenv(sqltest.EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set", sqltest.EnvPostgres)
		}
		t.Skip(sqltest.EnvPostgres + " is not set")
	}
	e := &env{t: t, admin: base, data: t.TempDir()}
	e.bin = filepath.Join(t.TempDir(), "ortsplan")
	build := exec.Command("go", "build", "-o", e.bin, "../cmd/ortsplan")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build ortsplan: %v\n%s", err, out)
	}
	mx := &sink{delay: 3 * time.Millisecond}
	srv := smtp.NewServer(mx)
	srv.Domain, srv.ErrorLog = "mx.test", log.New(io.Discard, "", 0)
	srv.MaxRecipients = 10
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	e.smtp = l.Addr().String()
	storageFlag, storageEnv := sharedStorage(t)

	// Start a pair at the same moment on a fresh database, several times.
	const starts = 4
	var a, b *instance
	var dsn string
	for i := range starts {
		dsn = e.newDatabase(i)
		bucket := storageFlag(i) // one bucket for the pair
		a = e.start(fmt.Sprintf("a%d", i), dsn, filepath.Join(e.data, fmt.Sprintf("a%d", i)), bucket, storageEnv)
		b = e.start(fmt.Sprintf("b%d", i), dsn, filepath.Join(e.data, fmt.Sprintf("b%d", i)), bucket, storageEnv)
		var wg sync.WaitGroup
		for _, in := range []*instance{a, b} {
			wg.Go(func() { in.run(t) })
		}
		wg.Wait()
		a.ready(t)
		b.ready(t)
		loaded := 0
		for _, in := range []*instance{a, b} {
			if strings.Contains(in.stdout.String(), "password:") {
				loaded++
			}
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		var localities int
		err = db.QueryRow("SELECT COUNT(*) FROM localities").Scan(&localities)
		db.Close()
		if err != nil || loaded != 1 || localities != len(demo.Localities()) {
			t.Fatalf("start %d: the demo was loaded by %d processes, %d localities (%v), want 1 and %d", i+1, loaded, localities, err, len(demo.Localities()))
		}
		if i < starts-1 {
			a.stop(t)
			b.stop(t)
		}
	}
	t.Cleanup(func() {
		for _, in := range []*instance{a, b} {
			if in.cmd.ProcessState == nil {
				in.cmd.Process.Kill()
			}
		}
	})
	t.Logf("%d starts of two processes at once: both came up every time, the demo loaded once each time", starts)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// A session made on A works on B.
	password := regexp.MustCompile(`password: (\S+)`)
	var pw []string
	for _, in := range []*instance{a, b} {
		if m := password.FindStringSubmatch(in.stdout.String()); m != nil {
			pw = m
		}
	}
	admin := newClient(t)
	res := admin.post(a, "/logga-in", url.Values{"email": {demo.AdminEmail}, "password": {pw[1]}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on A: %d", res.StatusCode)
	}
	if res, body := admin.get(b, "/admin/anvandare"); res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(demo.AdminEmail)) {
		t.Fatalf("the session made on A, on B: %d", res.StatusCode)
	}

	// Each keeps the anonymous plan page in its page cache; a theme saved
	// on A shows on B at the next request, and B's old ETag gets no 304.
	const plan = "/orter/bettna/handlingsplan"
	visitor := newClient(t)
	etags := map[*instance]string{}
	for _, in := range []*instance{a, b} {
		visitor.get(in, plan)
		res, _ := visitor.get(in, plan)
		etags[in] = res.Header.Get("ETag")
		req, _ := http.NewRequest(http.MethodGet, in.base+plan, nil)
		req.Header.Set("If-None-Match", etags[in])
		if res, _ := visitor.do(req); etags[in] == "" || res.StatusCode != http.StatusNotModified {
			t.Fatalf("the plan page on %s: ETag %q, revalidated with %d, want 304", in.name, etags[in], res.StatusCode)
		}
	}
	if res := admin.post(a, "/orter/bettna/teman", url.Values{"theme_title": {"Tema sparat på A"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a theme saved on A: %d", res.StatusCode)
	}
	again, _ := http.NewRequest(http.MethodGet, b.base+plan, nil)
	again.Header.Set("If-None-Match", etags[b])
	if res, body := visitor.do(again); res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("Tema sparat på A")) {
		t.Fatalf("B after the change on A: %d, the new theme shown: %v", res.StatusCode, bytes.Contains(body, []byte("Tema sparat på A")))
	}

	// A photo uploaded through A is served by B.
	var meeting int64
	if err := db.QueryRow("SELECT id FROM meetings ORDER BY id LIMIT 1").Scan(&meeting); err != nil {
		t.Fatal(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("csrf", admin.csrf(a))
	mw.WriteField("upload_title", "Bild från stormötet")
	mw.WriteField("upload_alt", "Deltagare vid stormötet")
	fw, _ := mw.CreateFormFile("upload_file", "stormote.png")
	fw.Write(pngPhoto(t))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/moten/%d/filer", a.base, meeting), &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if res, body := admin.do(req); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload through A: %d\n%s", res.StatusCode, body)
	}
	var fileID int64
	if err := db.QueryRow("SELECT id FROM meeting_files ORDER BY id DESC LIMIT 1").Scan(&fileID); err != nil {
		t.Fatal(err)
	}
	_, page := admin.get(a, fmt.Sprintf("/moten/%d", meeting))
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(page))
	src := ""
	doc.Find("img").Each(func(_ int, s *goquery.Selection) {
		if v := s.AttrOr("src", ""); strings.HasPrefix(v, fmt.Sprintf("/filer/%d/", fileID)) {
			src = v
		}
	})
	if src == "" {
		t.Fatalf("the meeting page on A shows no image of file %d", fileID)
	}
	visitor = newClient(t)
	resA, photoA := visitor.get(a, src)
	resB, photoB := visitor.get(b, src)
	if resA.StatusCode != 200 || resB.StatusCode != 200 || !bytes.Equal(photoA, photoB) || len(photoB) == 0 {
		t.Fatalf("photo %s: %d (%d bytes) on A, %d (%d bytes) on B", src, resA.StatusCode, len(photoA), resB.StatusCode, len(photoB))
	}

	// 1,500 followers of Flen hear of a change; 40 people sign up, half on each.
	const followers, signUps = 1500, 40
	var flen int64
	if err := db.QueryRow("SELECT id FROM localities WHERE slug = 'flen'").Scan(&flen); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= followers; i++ {
		var id int64
		if err := tx.QueryRow("INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ($1, $2, $3, 'sv', now()) RETURNING id",
			fmt.Sprintf("foljare%d@example.se", i), fmt.Sprintf("Följare %d", i), flen).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO follows (resident_id, locality_id, mode, token, created_at) VALUES ($1, $2, 'direkt', $3, now())",
			id, flen, fmt.Sprintf("tok%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if res := admin.post(a, "/orter/flen/teman", url.Values{"theme_title": {"Torget och stationen"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new theme on A: %d", res.StatusCode)
	}
	for i := range signUps {
		in := a
		if i%2 == 1 {
			in = b
		}
		c := newClient(t)
		res := c.post(in, "/var-med", url.Values{"ort": {"flen"}, "name": {fmt.Sprintf("Deltagare %d", i)},
			"email": {fmt.Sprintf("deltagare%d@example.se", i)}, "consent": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-up %d on %s: %d", i, in.name, res.StatusCode)
		}
	}

	// Kill A in the middle of sending.
	isNews := func(d delivery) bool { return strings.HasPrefix(d.to, "foljare") }
	deadline := time.Now().Add(3 * time.Minute)
	for {
		n := 0
		for _, d := range mx.deliveries() {
			if isNews(d) {
				n++
			}
		}
		if n >= followers/5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d news e-mails arrived in 3 minutes", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	a.kill()
	killed := time.Now()
	before := len(mx.deliveries())

	// Everything arrives, once per Message-ID and recipient.
	wantTo := map[string]bool{}
	for i := 1; i <= followers; i++ {
		wantTo[fmt.Sprintf("foljare%d@example.se", i)] = true
	}
	for i := range signUps {
		wantTo[fmt.Sprintf("deltagare%d@example.se", i)] = true
	}
	var last time.Time
	for {
		got := map[string]map[string]bool{}
		for _, d := range mx.deliveries() {
			if got[d.to] == nil {
				got[d.to] = map[string]bool{}
			}
			got[d.to][d.messageID] = true
			if d.at.After(last) {
				last = d.at
			}
		}
		missing, twice := 0, 0
		for to := range wantTo {
			switch len(got[to]) {
			case 0:
				missing++
			case 1:
			default:
				twice++
			}
		}
		if twice > 0 {
			t.Fatalf("%d recipients got two different messages", twice)
		}
		if missing == 0 {
			break
		}
		if time.Since(killed) > 3*time.Minute {
			t.Fatalf("3 minutes after A was killed %d of %d recipients have nothing", missing, len(wantTo))
		}
		time.Sleep(100 * time.Millisecond)
	}
	all := mx.deliveries()
	resent := 0
	seen := map[string]bool{}
	for _, d := range all {
		k := d.to + " " + d.messageID
		if seen[k] {
			resent++
		}
		seen[k] = true
	}
	var pending int
	if err := db.QueryRow("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").Scan(&pending); err != nil {
		t.Fatal(err)
	}
	t.Logf("news to %d followers and %d sign-ups: each recipient got exactly one message; %d deliveries in all (%d resent with the same Message-ID after the kill), "+
		"%d had arrived when A was killed, the last arrived %s after the kill; %d messages still pending in the outbox",
		followers, signUps, len(all), resent, before, last.Sub(killed).Round(time.Millisecond), pending)
	if d := last.Sub(killed); d > 75*time.Second {
		t.Errorf("the last message arrived %s after the kill, want at most about a minute", d)
	}
	b.stop(t)
}

// sharedStorage starts a real S3 server (SeaweedFS) and returns the
// --storage value of each pair (a bucket of its own) and the credentials
// the instances need in their environment.
func sharedStorage(t *testing.T) (func(i int) string, []string) {
	srv := s3test.Start(t)
	return func(int) string { return srv.Spec(t) },
		[]string{"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey}
}
