package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// part is one part of a multipart body; the parts are sent in order.
type part struct {
	name, filename string
	data           []byte
}

func field(name, value string) part { return part{name: name, data: []byte(value)} }

// multipartBody returns a multipart/form-data body of the parts and its content type.
func multipartBody(t testing.TB, parts ...part) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// countingBody is a request body that counts what the server reads of it.
type countingBody struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// hugeUpload is a multipart body that starts with the CSRF token and a file
// part and goes on for size bytes.
func hugeUpload(token, fileField string, size int64) (*countingBody, string) {
	const boundary = "grans-grans-grans"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token + "\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"stor.png\"\r\n" +
		"Content-Type: image/png\r\n\r\n"
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, size))
	return &countingBody{r: body}, "multipart/form-data; boundary=" + boundary
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// direct sends one request through the real router in this process, with
// the browser's cookies, and returns the answer with its HTML parsed.
func (b *browser) direct(ctx context.Context, method, path, contentType string, body io.Reader, header ...string) (*httptest.ResponseRecorder, *goquery.Document) {
	b.s.t.Helper()
	req := httptest.NewRequestWithContext(ctx, method, b.s.srv.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.s.web.ServeHTTP(rec, req)
	var doc *goquery.Document
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		doc, _ = goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
	}
	return rec, doc
}

// emptyDir fails the test unless dir has no files (a received upload's
// temporary file is removed when the request ends).
func emptyDir(t *testing.T, dir, when string) {
	t.Helper()
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("%s: %d temporary files left in %s", when, len(es), dir)
	}
}

// pngClaiming returns a PNG whose header says w×h pixels at 16 bits a
// channel (RGBA), with no pixel data: enough for the checks made from the
// header, which must refuse it before anything is decoded.
func pngClaiming(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(append(c, typ...), data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 16, 6, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// gradientJPEG is a w×h JPEG, quick to make.
func gradientJPEG(t testing.TB, w, h int) []byte {
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
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestMultipartRefusedOutsideUploadRoutes: a multipart body to any route but
// the three upload routes is answered 415 with a translated page before a
// byte of it is read, whoever sends it and however the type is spelled.
func TestMultipartRefusedOutsideUploadRoutes(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	s.user("kim@example.se", ortsplan.RoleCoordinator)
	staff := s.browser()
	staff.login("kim@example.se", testPassword)
	visitor := s.browser()
	cat := s.web.Catalog()
	const size = 15 << 20
	cases := []struct {
		name         string
		b            *browser
		method, path string
		typ          string // the Content-Type's media type as sent
		lang         string
	}{
		{"log out, as nobody", visitor, "POST", "/logga-ut", "multipart/form-data", "sv"},
		{"log out, as staff", staff, "POST", "/logga-ut", "multipart/form-data", "en"},
		{"sign up", visitor, "POST", "/var-med", "multipart/form-data", "sv"},
		{"staff login", visitor, "POST", "/logga-in", "multipart/form-data", "sv"},
		{"resident login", visitor, "POST", "/logga-in/boende", "multipart/form-data", "sv"},
		{"a staff form", staff, "POST", "/orter/flen/redigera", "multipart/form-data", "sv"},
		{"odd spelling", staff, "POST", "/orter/flen/teman", "Multipart/Form-Data", "en"},
		{"multipart/mixed", visitor, "POST", "/var-med", "multipart/mixed", "sv"},
		{"a GET with a body", visitor, "GET", "/orter/flen/ideer", "multipart/form-data", "sv"},
		{"an unknown address", visitor, "POST", "/finns-inte", "multipart/form-data", "sv"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, ct := hugeUpload(c.b.csrf(), "upload_file", size)
			ct = strings.Replace(ct, "multipart/form-data", c.typ, 1)
			rec, doc := c.b.direct(context.Background(), c.method, c.path, ct, body, "Accept-Language", c.lang)
			if rec.Code != http.StatusUnsupportedMediaType {
				t.Fatalf("status %d, want 415", rec.Code)
			}
			if n := body.n.Load(); n != 0 {
				t.Errorf("the server read %d bytes of the body", n)
			}
			if doc == nil || !strings.Contains(doc.Find("main").Text(), cat.T(c.lang, "error.multipart_refused")) {
				t.Errorf("the page does not say %q", cat.T(c.lang, "error.multipart_refused"))
			}
		})
	}

	// Over the network: the answer comes while the client is still sending.
	t.Run("answered before the body is sent", func(t *testing.T) {
		pr, pw := io.Pipe()
		var sent atomic.Int64
		go func() {
			chunk := make([]byte, 64<<10)
			for sent.Load() < size {
				if _, err := pw.Write(chunk); err != nil {
					return
				}
				sent.Add(int64(len(chunk)))
			}
			pw.Close()
		}()
		defer pw.CloseWithError(io.ErrClosedPipe)
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/logga-ut", pr)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Fatalf("status %d, want 415", res.StatusCode)
		}
		if n := sent.Load(); n >= size {
			t.Errorf("the client had sent all %d bytes before the answer", n)
		}
	})

	// The one-click unsubscribe of RFC 8058 may come as multipart; it is not parsed.
	body, ct := multipartBody(t, field("List-Unsubscribe", "One-Click"))
	rec, _ := visitor.direct(context.Background(), "POST", "/avregistrera/inte-en-riktig-token", ct, bytes.NewReader(body))
	if rec.Code != http.StatusOK {
		t.Errorf("one-click unsubscribe as multipart: status %d", rec.Code)
	}
}

// TestUploadRefusedBeforeProcessing: on the upload routes, a request without
// the login is refused before a byte of the body is read; with the login but
// a wrong, missing or late CSRF token, before more than the first 16 KiB is
// read, and nothing is kept.
func TestUploadRefusedBeforeProcessing(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		tmp := t.TempDir()
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.UploadTempDir = tmp })
		_, m, _ := meetingSiteOn(t, s, db)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		visitor := s.browser()
		visitor.csrf()
		resident := residentBrowser(t, s, "bo@example.se", "Bo")
		meetingFiles := "/moten/" + itoa(m.ID) + "/filer"
		const size = 15 << 20
		before := sqltest.Digest(t, db)

		noLogin := []struct {
			name, path, field string
			b                 *browser
		}{
			{"meeting file, as nobody", meetingFiles, "upload_file", visitor},
			{"meeting file, as a resident", meetingFiles, "upload_file", resident},
			{"locality picture, as nobody", "/orter/vadsbro/bild", "image_file", visitor},
			{"locality picture, as a resident", "/orter/vadsbro/bild", "image_file", resident},
			{"idea photo, as nobody", "/orter/vadsbro/ideer", "photo_file", visitor},
			{"idea photo, as staff", "/orter/vadsbro/ideer", "photo_file", leader},
		}
		for _, c := range noLogin {
			body, ct := hugeUpload(c.b.csrf(), c.field, size)
			rec, _ := c.b.direct(context.Background(), "POST", c.path, ct, body)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", c.name, rec.Code)
			}
			if n := body.n.Load(); n != 0 {
				t.Errorf("%s: the server read %d bytes of the body", c.name, n)
			}
		}

		photo := media.Generate(3, 400, 300)
		badToken := []struct {
			name, path, field string
			b                 *browser
			parts             []part
		}{
			{"wrong token", meetingFiles, "upload_file", leader,
				[]part{field("csrf", strings.Repeat("x", 43)), field("upload_alt", "Bryggan"), {name: "upload_file", filename: "b.jpg", data: photo}}},
			{"no token", "/orter/vadsbro/bild", "image_file", leader,
				[]part{field("image_alt", "Bryggan"), {name: "image_file", filename: "b.jpg", data: photo}}},
			{"token after the file", "/orter/vadsbro/ideer", "photo_file", resident,
				[]part{field("title", "Brygga"), field("body", "En ny brygga"), {name: "photo_file", filename: "b.jpg", data: photo}, field("csrf", resident.csrf())}},
			{"another visitor's token", "/orter/vadsbro/ideer", "photo_file", resident,
				[]part{field("csrf", visitor.csrf()), field("title", "Brygga"), field("body", "En ny brygga"), {name: "photo_file", filename: "b.jpg", data: photo}}},
		}
		for _, c := range badToken {
			data, ct := multipartBody(t, c.parts...)
			data = append(data, bytes.Repeat([]byte{'x'}, size)...) // and then much more
			body := &countingBody{r: bytes.NewReader(data)}
			rec, doc := c.b.direct(context.Background(), "POST", c.path, ct, body)
			if rec.Code != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", c.name, rec.Code)
			}
			if n := body.n.Load(); n > 16<<10 {
				t.Errorf("%s: the server read %d bytes before refusing the token", c.name, n)
			}
			if doc == nil || !strings.Contains(doc.Find("main").Text(), s.web.Catalog().T("sv", "error.csrf")) {
				t.Errorf("%s: the page does not explain the refusal", c.name)
			}
		}
		if ch := sqltest.Changed(before, sqltest.Digest(t, db)); len(ch) > 0 {
			t.Errorf("refused uploads changed %v", ch)
		}
		// The token as the first part of an otherwise ordinary upload is enough.
		data, ct := multipartBody(t, field("csrf", leader.csrf()), field("upload_alt", "Bryggan"), part{name: "upload_file", filename: "b.jpg", data: photo})
		rec, _ := leader.direct(context.Background(), "POST", meetingFiles, ct, bytes.NewReader(data))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("a good upload: status %d", rec.Code)
		}
		if len(sqltest.Changed(before, sqltest.Digest(t, db))) == 0 {
			t.Fatal("the good upload changed nothing")
		}
		emptyDir(t, tmp, "after the refusals")
	})
}

// TestResidentPhotoLimits: a resident's photo over 12 megapixels, or one
// whose decoding would take more than 48 MiB (a 16-bit PNG of 7.5
// megapixels), is refused with a translated message at the field, keeping
// what was typed; the same pictures are taken from staff up to their own
// limits, and the attacker's 6300×6300 16-bit PNG from nobody.
func TestResidentPhotoLimits(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		dir, tmp := t.TempDir(), t.TempDir()
		store, _ := media.NewDirStorage(dir)
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.Storage, c.UploadTempDir = store, tmp })
		_, m, _ := meetingSiteOn(t, s, db)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		cat := s.web.Catalog()
		l := mustLocality(t, db, "bettna")
		ideasBefore, _, _ := db.IdeaList(ctx, l.ID, ortsplan.SortNewest, 0, 1000)

		big := gradientJPEG(t, 4100, 3000) // 12.3 megapixels
		refused := []struct {
			name, key string
			data      []byte
		}{
			{"12.3-megapixel JPEG", media.KeyUploadPixels, big},
			{"16-bit PNG of 7.5 megapixels", media.KeyUploadMemory, pngClaiming(3000, 2500)},
			{"the attacker's 6300×6300 16-bit PNG", media.KeyUploadPixels, pngClaiming(6300, 6300)},
		}
		fields := map[string]string{"title": "Bänkar vid sjön", "body": "Två bänkar\nvid badplatsen.", "photo_alt": "Sjön en sommardag"}
		for _, c := range refused {
			r := anna.uploadAs("/orter/bettna/ideer", "photo_file", fields, "bild.png", c.data)
			wantStatus(t, r, http.StatusBadRequest)
			if got, want := text(r, "#f-photo_file-error"), cat.T("sv", c.key); !strings.Contains(got, want) {
				t.Errorf("%s: the field says %q, want %q", c.name, got, want)
			}
			if r.Doc.Find("#f-title").AttrOr("value", "") != fields["title"] || r.Doc.Find("#f-body").Text() != fields["body"] ||
				r.Doc.Find("#f-photo_alt").AttrOr("value", "") != fields["photo_alt"] {
				t.Errorf("%s: what was typed is lost", c.name)
			}
		}
		if n := countFiles(t, dir); n != 0 {
			t.Fatalf("%d files stored for refused photos", n)
		}
		if ideas, _, _ := db.IdeaList(ctx, l.ID, ortsplan.SortNewest, 0, 1000); len(ideas) != len(ideasBefore) {
			t.Fatal("an idea was created with a refused photo")
		}
		// The page tells the resident the limits.
		hint := text(anna.get("/orter/bettna/ideer"), "#f-photo_file-hint")
		if want := cat.T("sv", "ideas.photo_hint", 15, 12); hint != want {
			t.Errorf("hint %q, want %q", hint, want)
		}

		// Staff: 12.3 megapixels are within their 40; 7.5 megapixels at 16 bits
		// (60 MB) within their 128 MiB; the attacker's PNG (317 MB) is not.
		path := "/moten/" + itoa(m.ID) + "/filer"
		r := leader.upload(path, map[string]string{"upload_alt": "Bryggan från sjön"}, "stor.jpg", big)
		wantStatus(t, r, http.StatusSeeOther)
		r = leader.upload(path, map[string]string{"upload_alt": "x"}, "stor.png", pngClaiming(3000, 2500))
		if got := text(r, "#f-upload_file-error"); !strings.Contains(got, cat.T("sv", "error.upload_corrupt")) {
			t.Errorf("staff's 7.5-megapixel 16-bit PNG header: %q, want it past the limits (and then without pixels)", got)
		}
		r = leader.upload(path, map[string]string{"upload_alt": "x"}, "bomb.png", pngClaiming(6300, 6300))
		if got := text(r, "#f-upload_file-error"); !strings.Contains(got, cat.T("sv", "error.upload_memory")) {
			t.Errorf("staff's 6300×6300 16-bit PNG: %q, want %q", got, cat.T("sv", "error.upload_memory"))
		}

		// A resident's photo over the file size limit (15 MiB) is refused at the field too.
		r = anna.uploadAs("/orter/bettna/ideer", "photo_file", fields, "stor.jpg", append(append([]byte{}, big...), make([]byte, 15<<20)...))
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r, "#f-photo_file-error"); !strings.Contains(got, cat.T("sv", "error.upload_too_large")) ||
			r.Doc.Find("#f-title").AttrOr("value", "") != fields["title"] {
			t.Errorf("a photo over the size limit: %q, or the title is lost", got)
		}
		emptyDir(t, tmp, "after the uploads")
	})
}

// TestUploadPlacesShared: staff and residents wait for the same two places.
// With both taken, a resident's idea photo and a staff member's meeting
// photo both wait, while a photo refused by its header is answered at once;
// the resident who gives up gets nothing stored and no idea, and the staff
// upload goes on when a place is freed.
func TestUploadPlacesShared(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		dir, tmp := t.TempDir(), t.TempDir()
		store, _ := media.NewDirStorage(dir)
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.Storage, c.UploadTempDir = store, tmp })
		_, m, _ := meetingSiteOn(t, s, db)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		l := mustLocality(t, db, "bettna")
		ideasBefore, _, _ := db.IdeaList(ctx, l.ID, ortsplan.SortNewest, 0, 1000)
		photo := media.Generate(3, 400, 300)

		slots := s.web.UploadSlots()
		for range cap(slots) {
			slots <- struct{}{}
		}
		waitFor := func(n int64) {
			t.Helper()
			for deadline := time.Now().Add(10 * time.Second); s.web.UploadsWaiting() != n; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d uploads waiting, want %d", s.web.UploadsWaiting(), n)
				}
			}
		}
		var wg sync.WaitGroup
		idea, ct := multipartBody(t, field("csrf", anna.csrf()), field("title", "Brygga"), field("body", "En ny brygga"),
			field("photo_alt", "Bryggan"), part{name: "photo_file", filename: "b.jpg", data: photo})
		resCtx, giveUp := context.WithCancel(context.Background())
		var resCode int
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := anna.direct(resCtx, "POST", "/orter/bettna/ideer", ct, bytes.NewReader(idea))
			resCode = rec.Code
		}()
		waitFor(1)
		file, ct2 := multipartBody(t, field("csrf", leader.csrf()), field("upload_alt", "Bryggan"), part{name: "upload_file", filename: "b.jpg", data: photo})
		var staffCode int
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := leader.direct(context.Background(), "POST", "/moten/"+itoa(m.ID)+"/filer", ct2, bytes.NewReader(file))
			staffCode = rec.Code
		}()
		waitFor(2) // the resident's and the staff member's upload wait for the same places

		// A photo refused by its header is refused without waiting for a place.
		bomb, ct3 := multipartBody(t, field("csrf", anna.csrf()), field("title", "Bomb"), field("body", "Stor"),
			field("photo_alt", "Stor"), part{name: "photo_file", filename: "b.png", data: pngClaiming(6300, 6300)})
		bombCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		rec, doc := anna.direct(bombCtx, "POST", "/orter/bettna/ideer", ct3, bytes.NewReader(bomb))
		cancel()
		if rec.Code != http.StatusBadRequest || doc.Find("#f-photo_file-error").Length() != 1 {
			t.Errorf("the 6300×6300 PNG while every place is taken: status %d, want 400 at the field", rec.Code)
		}

		giveUp()
		waitFor(1)
		if n := countFiles(t, dir); n != 0 {
			t.Errorf("%d files stored while every place was taken", n)
		}
		<-slots // a place is freed: the staff upload goes on
		waitFor(0)
		wg.Wait()
		if resCode != http.StatusServiceUnavailable || staffCode != http.StatusSeeOther {
			t.Fatalf("the resident who gave up got %d, want 503; staff got %d, want 303", resCode, staffCode)
		}
		if ideas, _, _ := db.IdeaList(ctx, l.ID, ortsplan.SortNewest, 0, 1000); len(ideas) != len(ideasBefore) {
			t.Error("the upload given up created an idea")
		}
		if files, _ := db.MeetingFiles(ctx, m.ID); len(files) != 1 {
			t.Errorf("%d meeting files, want the staff upload's 1", len(files))
		}
		<-slots
		emptyDir(t, tmp, "after the uploads")
	})
}
