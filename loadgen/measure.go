package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// memWatch samples the server's memory while the load runs.
type memWatch struct {
	c    *http.Client
	base string
	pid  int
	peak int64
	src  string
}

func newMemWatch(c *http.Client, base string, pid int) *memWatch {
	return &memWatch{c: c, base: base, pid: pid}
}

func (m *memWatch) watch(ctx context.Context) {
	m.sample(ctx)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			m.sample(context.Background())
			return
		case <-tick.C:
			m.sample(ctx)
		}
	}
}

func (m *memWatch) sample(ctx context.Context) {
	var v int64
	var err error
	if m.pid > 0 {
		v, err = VmHWM(m.pid)
		m.src = fmt.Sprintf("VmHWM of process %d", m.pid)
	} else {
		v, err = residentFromMetrics(ctx, m.c, m.base+"/metrics")
		m.src = "highest process_resident_memory_bytes sampled from /metrics"
	}
	if err == nil && v > m.peak {
		m.peak = v
	}
}

// VmHWM reads a process's peak resident set size from /proc.
func VmHWM(pid int) (int64, error) { return procField(pid, "VmHWM:") }

// procField reads a field in kB of /proc/PID/status, such as "VmRSS:", in bytes.
func procField(pid int, name string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("loadgen: no %s for process %d", strings.TrimSuffix(name, ":"), pid)
}

func residentFromMetrics(ctx context.Context, c *http.Client, u string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("loadgen: %s: %s", u, resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return int64(f), err
		}
	}
	return 0, fmt.Errorf("loadgen: no process_resident_memory_bytes in %s", u)
}

// File is one resource of a page and the bytes it took on the wire.
type File struct {
	URL   string
	Bytes int
}

// Weight is a page with everything it loads.
type Weight struct {
	Files []File // the page first
	Total int
}

// PageWeight fetches a page as a browser would (gzip accepted) and the style
// sheets, scripts, images and icons it references, summing the bytes as sent.
func PageWeight(ctx context.Context, c *http.Client, page string) (*Weight, error) {
	base, err := url.Parse(page)
	if err != nil {
		return nil, err
	}
	get := func(u string) ([]byte, int, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return nil, 0, err
		}
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := c.Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, 0, fmt.Errorf("loadgen: %s: %s", u, resp.Status)
		}
		raw, err := io.ReadAll(resp.Body)
		return raw, len(raw), err
	}
	raw, n, err := get(page)
	if err != nil {
		return nil, err
	}
	w := &Weight{Files: []File{{page, n}}, Total: n}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(gunzipIf(raw))))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{page: true}
	add := func(ref string) {
		if ref == "" {
			return
		}
		u, err := base.Parse(ref)
		if err != nil || u.Host != base.Host || seen[u.String()] {
			return
		}
		seen[u.String()] = true
		if _, n, err := get(u.String()); err == nil {
			w.Files = append(w.Files, File{u.String(), n})
			w.Total += n
		}
	}
	doc.Find(`link[rel~="stylesheet"], link[rel~="icon"]`).Each(func(_ int, s *goquery.Selection) { add(s.AttrOr("href", "")) })
	doc.Find("script[src], img[src]").Each(func(_ int, s *goquery.Selection) { add(s.AttrOr("src", "")) })
	return w, nil
}
