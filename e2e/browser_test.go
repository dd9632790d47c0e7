package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds every single browser step, so a lost event fails the
// test quickly instead of hanging it.
const stepTimeout = 20 * time.Second

// Desktop and phone viewports, in CSS pixels.
const (
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 320, 640
)

// startBrowser starts one headless Chromium for the test, with a fresh
// profile and a Swedish Accept-Language, and returns a context that owns it.
// Tabs made with newTab share the process.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("accept-lang", "sv-SE,sv"),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser and binds it to the context it gets,
	// so that must be ctx itself, with no deadline.
	if err := withWatchdog(ctx, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// withWatchdog runs f, which must run on ctx without a deadline, and cancels
// ctx if f takes longer than a minute, so a browser that never answers
// cannot hang the test.
func withWatchdog(ctx context.Context, cancel context.CancelFunc, f func() error) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-ctx.Done():
		case <-time.After(time.Minute):
			cancel()
		}
	}()
	return f()
}

// tab is one browser tab with its own cookies (a fresh browser context), as
// a new visitor would have. It records what the page logs as an error. Its
// methods stop the test t on an error; use in to bind the tab to a subtest.
type tab struct {
	t   *testing.T
	ctx context.Context
	log *pageLog
}

// pageLog keeps what the page logged as an error.
type pageLog struct {
	mu       sync.Mutex
	problems []problem
}

// problem is an error that the browser reported while showing a page.
type problem struct {
	source, text, url string
}

func (p problem) String() string {
	if p.url != "" {
		return p.source + ": " + p.text + " (" + p.url + ")"
	}
	return p.source + ": " + p.text
}

// in returns the same tab reporting to the test t.
func (tb tab) in(t *testing.T) tab {
	tb.t = t
	return tb
}

// newTab opens a tab in its own browser context in the browser of parent.
func newTab(t *testing.T, parent context.Context) tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := tab{t: t, ctx: ctx, log: &pageLog{}}
	// The first Do attaches the tab and binds it to the context it gets, so
	// that context must be ctx itself, with no deadline.
	if err := withWatchdog(ctx, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tb.log.listen); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	return tb
}

// listen keeps console errors, uncaught exceptions and browser log errors,
// such as a resource that the Content-Security-Policy blocked.
func (l *pageLog) listen(ev any) {
	var p problem
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		p = problem{source: "exception", text: ev.ExceptionDetails.Text, url: ev.ExceptionDetails.URL}
		if ev.ExceptionDetails.Exception != nil {
			p.text += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if a.Description != "" {
					args = append(args, a.Description)
				} else {
					args = append(args, string(a.Value))
				}
			}
			p = problem{source: "console." + string(ev.Type), text: strings.Join(args, " ")}
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			p = problem{source: string(ev.Entry.Source), text: ev.Entry.Text, url: ev.Entry.URL}
		}
	}
	if p.source != "" {
		l.mu.Lock()
		l.problems = append(l.problems, p)
		l.mu.Unlock()
	}
}

// takeProblems returns and forgets what the page logged as errors.
func (tb tab) takeProblems() []problem {
	tb.log.mu.Lock()
	defer tb.log.mu.Unlock()
	p := tb.log.problems
	tb.log.problems = nil
	return p
}

// do runs steps with a timeout and stops the test on an error.
func (tb tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// run runs one action with a timeout and returns its value; an error stops the test.
func run[T any](tb tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](tb tab, expr string) T {
	tb.t.Helper()
	return run(tb, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// load runs steps that make the tab load a new document, waits for it and
// returns the response.
func (tb tab) load(what string, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		tb.t.Fatalf("%s: no response", what)
	}
	return resp
}

// poll waits until a JavaScript expression is true.
func (tb tab) poll(what, expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond)))
	if errors.Is(err, chromedp.ErrPollingTimeout) || errors.Is(err, context.DeadlineExceeded) {
		tb.t.Fatalf("%s: timed out waiting for %s (page %s)", what, expr, eval[string](tb, "location.href"))
	} else if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// logIn logs in through the real login form, as a person would.
// logInResident logs in as a resident with a one-time link: the link shows a
// button, as in the e-mail flow.
func (tb tab) logInResident(base, token string) {
	tb.t.Helper()
	tb.load("open the login link", chromedp.Navigate(base+"/inloggning/"+token))
	resp := tb.load("press Logga in", chromedp.Click(chromedp.CSS(`form[action="/inloggning/`+token+`"] button[type=submit]`)))
	if resp.Status != 200 {
		tb.t.Fatalf("resident login: status %d", resp.Status)
	}
	if !eval[bool](tb, `!!document.querySelector('form[action="/logga-ut/boende"] button')`) {
		tb.t.Fatalf("resident login: no log-out button on %s", eval[string](tb, "location.href"))
	}
}

func (tb tab) logIn(base string, l login) {
	tb.t.Helper()
	tb.load("open the login page", chromedp.Navigate(base+"/logga-in"))
	tb.do("fill in the login form",
		chromedp.SendKeys(chromedp.ID("f-email"), l.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), l.Password),
	)
	resp := tb.load("send the login form", chromedp.Click(chromedp.CSS(`form[action="/logga-in"] button[type=submit]`)))
	if resp.Status != 200 {
		tb.t.Fatalf("log in as %s: status %d", l.Email, resp.Status)
	}
	if !eval[bool](tb, `!!document.querySelector('form[action="/logga-ut"] button')`) {
		tb.t.Fatalf("log in as %s: no log-out button on %s", l.Email, eval[string](tb, "location.href"))
	}
}

// useLanguage makes lang the tab's language through the language link in the
// header, unless it already is.
func (tb tab) useLanguage(base, lang string) {
	tb.t.Helper()
	tb.load("open the home page", chromedp.Navigate(base+"/"))
	if eval[string](tb, "document.documentElement.lang") != lang {
		tb.load("follow the language link", chromedp.Click(chromedp.CSS(`.lang-switch a[hreflang="`+lang+`"]`)))
	}
	if got := eval[string](tb, "document.documentElement.lang"); got != lang {
		tb.t.Fatalf("after the language link the page is in %q, want %q", got, lang)
	}
}

// open shows a page kind in the tab: it loads the path and, for a kind that
// submits a form, fills in the form and sends it. It checks the status and
// the language of the page.
func (tb tab) open(base string, k pageKind, lang string) *network.Response {
	tb.t.Helper()
	resp := tb.load("open "+k.path, chromedp.Navigate(base+k.path))
	if k.submit != nil {
		action, _ := json.Marshal(k.action())
		values := map[string]string{}
		for name, vs := range k.submit {
			values[name] = vs[0]
		}
		jv, _ := json.Marshal(values)
		msg := eval[string](tb, fmt.Sprintf(`((action, values) => {
			const f = [...document.forms].find(f => f.getAttribute('action') === action);
			if (!f) return 'no form with action ' + action;
			// A form in a closed disclosure is opened first, as a person does.
			const d = f.closest('details');
			if (d) d.open = true;
			for (const [name, v] of Object.entries(values)) {
				const e = f.elements.namedItem(name);
				if (!e) return 'no field ' + name + ' in the form ' + action;
				if (e.type === 'checkbox') e.checked = v !== ''; else e.value = v;
			}
			return '';
		})(%s, %s)`, action, jv))
		if msg != "" {
			tb.t.Fatalf("%s: %s", k.name, msg)
		}
		resp = tb.load("send the form "+k.action(),
			// The form's own submit button, not one that only adds rows.
			chromedp.Click(chromedp.CSS(`form[action="`+k.action()+`"] button[type=submit]:not([name="more"])`)))
	}
	if int(resp.Status) != k.status {
		tb.t.Errorf("%s (%s): status %d, want %d", k.name, lang, resp.Status, k.status)
	}
	if got := eval[string](tb, "document.documentElement.lang"); got != lang {
		tb.t.Errorf("%s: page language %q, want %q", k.name, got, lang)
	}
	return resp
}
