package loadgen

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan/media"
)

// UploadConfig is one run of residents posting idea photos at once.
type UploadConfig struct {
	URL string // the server
	// AdminEmail and AdminPassword log in an administrator, who reads the
	// residents' one-time login links in the outbox (/admin/utkorg).
	AdminEmail, AdminPassword string
	Clients                   int // residents posting at the same time
	Rounds                    int // photos each resident posts
	PID                       int // the server's process, for VmHWM
	// Limits are the residents' limits the photos are made for
	// (media.ResidentLimits, with the server's --upload-max-mb).
	Limits media.Limits
	// Log gets a line for each step; nil for none.
	Log io.Writer
}

// UploadPhoto is one picture the run posts, and the answer it should get.
type UploadPhoto struct {
	Name    string
	Data    []byte
	Decoded int64 // what media.DecodeBytes reckons decoding it takes
	Want    int   // 303: taken; 400: refused
}

// PhotoResult is what happened to one kind of photo.
type PhotoResult struct {
	Photo     *UploadPhoto
	Sent      int
	Status    map[int]int
	FirstErr  string
	P50, Max  time.Duration
	latencies []time.Duration
}

// UploadReport is the outcome of an upload run.
type UploadReport struct {
	Clients, Rounds  int
	Duration         time.Duration
	Photos           []*PhotoResult
	RSSBefore        int64 // VmRSS of the server when the run began
	PeakBefore       int64 // VmHWM of the server when the run began
	Peak             int64 // VmHWM of the server when the run ended
	Limits           media.Limits
	UnexpectedStatus int
	// Elsewhere are the answers to multipart bodies of the file limit's size
	// posted, at once, to a route that takes none (/logga-ut), and the peak
	// after them, before the photos.
	Elsewhere     map[string]int
	PeakElsewhere int64
}

// WorstPhotos makes the photos that take the most memory within limits, each
// padded with an ancillary chunk or comment segments to nearly
// limits.MaxBytes, since the file itself is held in memory too:
//
//   - a 16-bit RGBA PNG with as many pixels as the decoding budget allows
//   - an 8-bit RGBA PNG at the pixel limit (or the budget, if that is less)
//   - a baseline JPEG at the pixel limit
//
// and two that must be refused from their headers: a 16-bit RGBA PNG at the
// pixel limit (over the budget) and the 6300×6300 16-bit PNG of the report
// (317 MB decoded), both headers without pixel data.
func WorstPhotos(limits media.Limits) ([]*UploadPhoto, error) {
	pad := limits.MaxBytes - 4<<10
	w16, h16 := largestWithin(limits, 16)
	w8, h8 := largestWithin(limits, 8)
	wj, hj := aspect(int64(limits.MaxPixels))
	var out []*UploadPhoto
	add := func(name string, data []byte, want int) {
		n, _ := media.DecodeBytes(data)
		out = append(out, &UploadPhoto{Name: name, Data: data, Decoded: n, Want: want})
	}
	p16, err := noisePNG(w16, h16, true)
	if err != nil {
		return nil, err
	}
	add(fmt.Sprintf("PNG 16-bit RGBA %d×%d (%.1f MP)", w16, h16, mp(w16, h16)), padPNG(p16, pad), http.StatusSeeOther)
	p8, err := noisePNG(w8, h8, false)
	if err != nil {
		return nil, err
	}
	add(fmt.Sprintf("PNG 8-bit RGBA %d×%d (%.1f MP)", w8, h8, mp(w8, h8)), padPNG(p8, pad), http.StatusSeeOther)
	j, err := gradientJPEG(wj, hj)
	if err != nil {
		return nil, err
	}
	add(fmt.Sprintf("JPEG 4:2:0 %d×%d (%.1f MP)", wj, hj, mp(wj, hj)), padJPEG(j, pad), http.StatusSeeOther)
	add(fmt.Sprintf("PNG 16-bit RGBA %d×%d header only (over the budget)", wj, hj), pngClaiming(wj, hj, 16), http.StatusBadRequest)
	add("PNG 16-bit RGBA 6300×6300 header only (the report's 317 MB)", pngClaiming(6300, 6300, 16), http.StatusBadRequest)
	return out, nil
}

func mp(w, h int) float64 { return float64(w) * float64(h) / 1e6 }

// aspect returns a 4:3 size of at most px pixels.
func aspect(px int64) (int, int) {
	h := 1
	for int64(h+3)*int64((h+3)*4/3) <= px {
		h += 3
	}
	return h * 4 / 3, h
}

// largestWithin returns the largest 4:3 RGBA PNG of the given bit depth
// within the pixel limit and the decoding budget, as media reckons it.
func largestWithin(limits media.Limits, depth byte) (int, int) {
	w, h := aspect(int64(limits.MaxPixels))
	for h > 3 {
		if n, ok := media.DecodeBytes(pngClaiming(w, h, depth)); ok && n <= limits.MaxDecodeBytes {
			return w, h
		}
		h -= 3
		w = h * 4 / 3
	}
	return w, h
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(append(c, typ...), data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngClaiming is an RGBA PNG header of w×h with an empty IDAT.
func pngClaiming(w, h int, depth byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	ihdr = append(ihdr, depth, 6, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// padPNG grows a PNG to size bytes with a private ancillary chunk before
// IEND, which decoders skip.
func padPNG(p []byte, size int64) []byte {
	const iend = 12
	fill := size - int64(len(p)) - 12
	if fill <= 0 {
		return p
	}
	out := append([]byte{}, p[:len(p)-iend]...)
	out = append(out, pngChunk("prVt", make([]byte, fill))...)
	return append(out, p[len(p)-iend:]...)
}

// padJPEG grows a JPEG to about size bytes with comment segments after SOI.
func padJPEG(j []byte, size int64) []byte {
	out := append([]byte{}, j[:2]...)
	for left := size - int64(len(j)); left > 4; {
		n := min(left-4, 65533)
		out = append(out, 0xFF, 0xFE)
		out = binary.BigEndian.AppendUint16(out, uint16(n+2))
		out = append(out, make([]byte, n)...)
		left -= n + 4
	}
	return append(out, j[2:]...)
}

// noisePNG draws a w×h RGBA PNG (16 or 8 bits a channel) of gradients with
// some noise and a few half-transparent pixels, so it stays RGBA.
func noisePNG(w, h int, wide bool) ([]byte, error) {
	var img image.Image
	if wide {
		m := image.NewNRGBA64(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				a := uint16(0xffff)
				if x%97 == 0 {
					a = 0x8000
				}
				n := uint16((x*7919 ^ y*104729) & 0x7) // a little noise; the file must stay within the limit
				m.SetNRGBA64(x, y, color.NRGBA64{uint16(x*65535/w) ^ n, uint16(y*65535/h) ^ n, 0x7000 + n, a})
			}
		}
		img = m
	} else {
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				a := uint8(255)
				if x%97 == 0 {
					a = 128
				}
				n := uint8((x*7919 ^ y*104729) & 0x3)
				m.SetNRGBA(x, y, color.NRGBA{uint8(x*255/w) ^ n, uint8(y*255/h) ^ n, 0x70 + n, a})
			}
		}
		img = m
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func gradientJPEG(w, h int) ([]byte, error) {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8((x + y) * 255 / (w + h))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 110, 140
	}
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	return buf.Bytes(), err
}

// resident is one logged-in resident: a cookie jar and an address of its own.
type resident struct {
	c     *http.Client
	addr  string // sent as X-Forwarded-For: the server counts forms per address
	token string // the CSRF token
}

func (r *resident) do(req *http.Request) (*http.Response, error) {
	req.Header.Set("X-Forwarded-For", r.addr)
	return r.c.Do(req)
}

var linkRE = regexp.MustCompile(`/inloggning/[A-Za-z0-9_-]+`)

// RunUploads logs in Clients residents through the one-time link flow, then
// has them post WorstPhotos as idea photos, all at once, Rounds each, and
// reads the server's peak memory.
func RunUploads(ctx context.Context, cfg UploadConfig) (*UploadReport, error) {
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	photos, err := WorstPhotos(cfg.Limits)
	if err != nil {
		return nil, err
	}
	for _, p := range photos {
		logf("photo: %s, %d bytes, %d bytes to decode", p.Name, len(p.Data), p.Decoded)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Clients * 2, DisableCompression: true}
	newClient := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Transport: tr, Jar: jar, Timeout: 5 * time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}

	admin := &resident{c: newClient(), addr: "192.0.2.1"}
	if err := admin.staffLogin(ctx, cfg.URL, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		return nil, err
	}
	slug, err := firstLocality(ctx, admin.c, cfg.URL)
	if err != nil {
		return nil, err
	}
	var residents []*resident
	for i := range cfg.Clients {
		r := &resident{c: newClient(), addr: fmt.Sprintf("198.51.100.%d", 1+i%250)}
		email := fmt.Sprintf("uppladdare-%d-%d@example.se", time.Now().UnixNano(), i)
		if err := r.residentLogin(ctx, cfg.URL, admin, email); err != nil {
			return nil, fmt.Errorf("loadgen: log in resident %d: %w", i, err)
		}
		residents = append(residents, r)
	}
	logf("%d residents logged in through their one-time links; posting to /orter/%s/ideer", len(residents), slug)

	rep := &UploadReport{Clients: cfg.Clients, Rounds: cfg.Rounds, Limits: cfg.Limits}
	for _, p := range photos {
		rep.Photos = append(rep.Photos, &PhotoResult{Photo: p, Status: map[int]int{}})
	}
	if cfg.PID > 0 {
		rep.RSSBefore, _ = procField(cfg.PID, "VmRSS:")
		rep.PeakBefore, _ = VmHWM(cfg.PID)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup

	// Multipart bodies where none is taken: refused before they are read.
	rep.Elsewhere = map[string]int{}
	for _, r := range residents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answer := r.postElsewhere(ctx, cfg.URL, rep.Photos[0].Photo.Data)
			mu.Lock()
			rep.Elsewhere[answer]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if cfg.PID > 0 {
		rep.PeakElsewhere, _ = VmHWM(cfg.PID)
	}
	logf("%d multipart posts of %.1f MB to /logga-ut answered: %v", len(residents), float64(len(rep.Photos[0].Photo.Data))/1e6, rep.Elsewhere)

	start := time.Now()
	for i, r := range residents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range cfg.Rounds {
				res := rep.Photos[(i+round)%len(rep.Photos)]
				t0 := time.Now()
				status, err := r.postIdea(ctx, cfg.URL, slug, fmt.Sprintf("Foto %d-%d", i, round), res.Photo.Data)
				d := time.Since(t0)
				mu.Lock()
				res.Sent++
				res.latencies = append(res.latencies, d)
				res.Status[status]++
				if err != nil && res.FirstErr == "" {
					res.FirstErr = err.Error()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	for _, res := range rep.Photos {
		slices.Sort(res.latencies)
		res.P50 = Percentile(res.latencies, 50)
		if n := len(res.latencies); n > 0 {
			res.Max = res.latencies[n-1]
		}
		for code, n := range res.Status {
			if code != res.Photo.Want {
				rep.UnexpectedStatus += n
			}
		}
	}
	if cfg.PID > 0 {
		rep.Peak, err = VmHWM(cfg.PID)
		if err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func firstLocality(ctx context.Context, c *http.Client, base string) (string, error) {
	var page struct {
		Data []struct {
			Slug string `json:"slug"`
		} `json:"data"`
	}
	if err := getJSON(ctx, c, base+"/api/v1/localities?limit=1", &page); err != nil {
		return "", err
	}
	if len(page.Data) == 0 {
		return "", fmt.Errorf("loadgen: the server has no localities; load the demo first")
	}
	return page.Data[0].Slug, nil
}

// page GETs a page and parses it.
func (r *resident) page(ctx context.Context, u string) (*goquery.Document, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	res, err := r.do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	return goquery.NewDocumentFromReader(res.Body)
}

// form POSTs an ordinary form and returns the status and the Location.
func (r *resident) form(ctx context.Context, u string, v url.Values) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(v.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := r.do(req)
	if err != nil {
		return 0, "", err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), nil
}

func formToken(doc *goquery.Document, action string) string {
	return doc.Find(`form[action="`+action+`"] input[name="csrf"]`).First().AttrOr("value", "")
}

func (r *resident) staffLogin(ctx context.Context, base, email, password string) error {
	doc, err := r.page(ctx, base+"/logga-in")
	if err != nil {
		return err
	}
	r.token = formToken(doc, "/logga-in")
	status, _, err := r.form(ctx, base+"/logga-in", url.Values{"email": {email}, "password": {password}, "csrf": {r.token}})
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("loadgen: the administrator's login gave status %d", status)
	}
	return r.signedInToken(ctx, base, "/logga-ut")
}

// signedInToken reads the CSRF token a signed-in person's forms carry (an
// anonymous visitor's carry none), from the log-out form.
func (r *resident) signedInToken(ctx context.Context, base, logout string) error {
	doc, err := r.page(ctx, base+"/")
	if err != nil {
		return err
	}
	if r.token = formToken(doc, logout); r.token == "" {
		return fmt.Errorf("loadgen: no CSRF token in the log-out form after logging in")
	}
	return nil
}

// residentLogin asks for a one-time link, has the administrator find it in
// the outbox and follows it, as the resident would from the e-mail.
func (r *resident) residentLogin(ctx context.Context, base string, admin *resident, email string) error {
	doc, err := r.page(ctx, base+"/logga-in/boende")
	if err != nil {
		return err
	}
	r.token = formToken(doc, "/logga-in/boende")
	loc := doc.Find(`select[name="locality"] option[value!=""]`).First().AttrOr("value", "")
	status, _, err := r.form(ctx, base+"/logga-in/boende", url.Values{"email": {email}, "name": {"Uppladdare"}, "locality": {loc}, "csrf": {r.token}})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("asking for a login link: status %d", status)
	}
	outbox, err := admin.page(ctx, base+"/admin/utkorg")
	if err != nil {
		return err
	}
	var msg string
	outbox.Find("tbody tr").EachWithBreak(func(_ int, tr *goquery.Selection) bool {
		if strings.TrimSpace(tr.Find(".meta").Text()) == email {
			msg = tr.Find("th a").AttrOr("href", "")
			return false
		}
		return true
	})
	if msg == "" {
		return fmt.Errorf("no login e-mail to %s in the outbox", email)
	}
	mail, err := admin.page(ctx, base+msg)
	if err != nil {
		return err
	}
	link := linkRE.FindString(mail.Text())
	if link == "" {
		return fmt.Errorf("no login link in %s", msg)
	}
	if _, err := r.page(ctx, base+link); err != nil { // the page that asks before it logs in
		return err
	}
	status, _, err = r.form(ctx, base+link, url.Values{"csrf": {r.token}})
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("following the login link: status %d", status)
	}
	return r.signedInToken(ctx, base, "/logga-ut/boende")
}

// postIdea posts an idea with a photo as the form does: the token first.
func (r *resident) postIdea(ctx context.Context, base, slug, title string, photo []byte) (int, error) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for _, f := range [][2]string{{"csrf", r.token}, {"title", title}, {"body", "Ett förslag med ett stort foto."}, {"photo_alt", "Ett stort foto"}} {
		mw.WriteField(f[0], f[1])
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="photo_file"; filename="foto"`)
	h.Set("Content-Type", "application/octet-stream")
	mw.CreatePart(h)
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), bytes.NewReader(photo), strings.NewReader(tail))
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/orter/"+slug+"/ideer", body)
	if err != nil {
		return 0, err
	}
	req.ContentLength = int64(head.Len() + len(photo) + len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := r.do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// postElsewhere posts a multipart body with the photo to /logga-ut, which
// takes no files, and returns the status, or what cut the request off.
func (r *resident) postElsewhere(ctx context.Context, base string, photo []byte) string {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", r.token)
	fw, _ := mw.CreateFormFile("upload_file", "foto")
	fw.Write(photo)
	mw.Close()
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/logga-ut", &body)
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := r.do(req)
	if err != nil {
		return "cut off"
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return strconv.Itoa(res.StatusCode)
}

// Print writes the report.
func (rep *UploadReport) Print(w io.Writer) {
	fmt.Fprintf(w, "%d residents posting %d idea photos each at once, %s; residents' limits %d MiB a file, %.0f megapixels, %d MiB decoded\n",
		rep.Clients, rep.Rounds, rep.Duration.Round(time.Millisecond), rep.Limits.MaxBytes>>20, float64(rep.Limits.MaxPixels)/1e6, rep.Limits.MaxDecodeBytes>>20)
	fmt.Fprintf(w, "%-62s %9s %9s %5s %-14s %8s %8s\n", "photo", "file MB", "decode MB", "sent", "answers", "p50", "max")
	for _, r := range rep.Photos {
		var codes []string
		for _, c := range slices.Sorted(maps.Keys(r.Status)) {
			codes = append(codes, fmt.Sprintf("%d×%d", r.Status[c], c))
		}
		fmt.Fprintf(w, "%-62s %9.1f %9.1f %5d %-14s %8s %8s\n", r.Photo.Name, float64(len(r.Photo.Data))/1e6, float64(r.Photo.Decoded)/1e6,
			r.Sent, strings.Join(codes, " "), r.P50.Round(time.Millisecond), r.Max.Round(time.Millisecond))
		if r.FirstErr != "" {
			fmt.Fprintf(w, "  first error: %s\n", r.FirstErr)
		}
	}
	if rep.UnexpectedStatus > 0 {
		fmt.Fprintf(w, "%d answers were not the expected ones (303 for photos within the limits, 400 for the others)\n", rep.UnexpectedStatus)
	}
	if len(rep.Elsewhere) > 0 {
		fmt.Fprintf(w, "first, %d multipart posts of %.1f MB at once to /logga-ut, which takes no files: answers %v; peak after them %.0f MB\n",
			rep.Clients, float64(len(rep.Photos[0].Photo.Data))/1e6, rep.Elsewhere, float64(rep.PeakElsewhere)/1e6)
	}
	if rep.Peak > 0 {
		fmt.Fprintf(w, "server memory: %.0f MB resident when the run began (peak %.0f MB so far); peak (VmHWM) after it %.0f MB\n",
			float64(rep.RSSBefore)/1e6, float64(rep.PeakBefore)/1e6, float64(rep.Peak)/1e6)
	}
}
