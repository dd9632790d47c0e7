package web_test

import (
	"bytes"
	"image"
	"image/png"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// upload posts a multipart form with one file, as a browser does.
func (b *browser) upload(path string, fields map[string]string, filename string, data []byte) *response {
	b.s.t.Helper()
	return b.uploadAs(path, "upload_file", fields, filename, data)
}

// uploadAs is upload with the file in the named form field.
func (b *browser) uploadAs(path, fileField string, fields map[string]string, filename string, data []byte) *response {
	b.s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf())
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile(fileField, filename)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(d.Name(), ".type") {
			n++
		}
		return nil
	})
	return n
}

func TestUploadsRefuseBadFilesAndStoreNothing(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		dir := t.TempDir()
		store, _ := media.NewDirStorage(dir)
		s := newSite(t, db, func(c *web.Config, _ *web.Services) {
			c.Storage = store
			c.UploadLimits = media.Limits{MaxBytes: 200 << 10, MaxPixels: 4_000_000}
		})
		_, m, _ := meetingSiteOn(t, s, db)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		path := "/moten/" + itoa(m.ID) + "/filer"

		photo := media.Generate(7, 800, 600)
		var pngBuf bytes.Buffer
		png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 3000, 2000)))
		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		cases := []struct {
			name, filename string
			data           []byte
			fields         map[string]string
			field, key     string
		}{
			{"no alt text", "bild.jpg", photo, map[string]string{}, "upload_alt", "error.required"},
			{"pdf named jpg is judged by content: no title", "bild.jpg", pdf, map[string]string{"upload_alt": "x"}, "upload_title", "error.required"},
			{"text file", "notes.pdf", []byte("just text, not a PDF at all"), map[string]string{"upload_title": "x"}, "upload_file", "error.upload_type"},
			{"truncated jpeg", "trasig.jpg", photo[:len(photo)/3], map[string]string{"upload_alt": "x"}, "upload_file", "error.upload_corrupt"},
			{"too many pixels", "stor.png", pngBuf.Bytes(), map[string]string{"upload_alt": "x"}, "upload_file", "error.upload_pixels"},
			{"no file", "", nil, map[string]string{"upload_alt": "x"}, "upload_file", "error.upload_empty"},
		}
		for _, c := range cases {
			r := leader.upload(path, c.fields, c.filename, c.data)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("%s: status %d", c.name, r.StatusCode)
			}
			if got := r.Doc.Find("#f-" + c.field + "-error").Length(); got != 1 {
				t.Errorf("%s: no error at %s: %q", c.name, c.field, text(r, ".error-summary"))
			}
			for k, v := range c.fields {
				if got := r.Doc.Find("#f-"+k).AttrOr("value", ""); got != v {
					t.Errorf("%s: typed %s lost", c.name, k)
				}
			}
		}
		// Over the size limit: refused before it is read whole.
		big := bytes.Repeat([]byte{0xff}, 400<<10)
		r := leader.upload(path, map[string]string{"upload_alt": "x"}, "big.jpg", big)
		if r.StatusCode != http.StatusRequestEntityTooLarge && r.StatusCode != http.StatusBadRequest {
			t.Fatalf("oversized: status %d", r.StatusCode)
		}
		if n := countFiles(t, dir); n != 0 {
			t.Fatalf("%d files left in storage after refused uploads", n)
		}
		if fs, _ := db.MeetingFiles(ctx, m.ID); len(fs) != 0 {
			t.Fatalf("%d file records after refused uploads", len(fs))
		}

		// A good photo and a PDF.
		r = leader.upload(path, map[string]string{"upload_alt": "Ortsbor samlade vid bryggan"}, "brygga.jpg", photo)
		wantStatus(t, r, http.StatusSeeOther)
		r = leader.upload(path, map[string]string{"upload_title": "Minnesanteckningar"}, "anteckningar.pdf", pdf)
		wantStatus(t, r, http.StatusSeeOther)
		files, _ := db.MeetingFiles(ctx, m.ID)
		if len(files) != 2 || files[0].Kind != ortsplan.FilePhoto || len(files[0].Variants) < 2 || files[1].Kind != ortsplan.FileDocument {
			t.Fatalf("files: %+v", files)
		}
		// Not public until the notes are published; staff see it.
		photoURL := "/filer/" + itoa(files[0].ID) + "/page"
		visitor := s.browser()
		wantStatus(t, visitor.get(photoURL), http.StatusNotFound)
		r = leader.get(photoURL)
		wantStatus(t, r, 200)
		if r.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("staff preview headers: %v", r.Header)
		}
		m.ReportPublished = m.Start
		m.Report = "Anteckningar"
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		r = visitor.get(photoURL)
		wantStatus(t, r, 200)
		if cc := r.Header.Get("Cache-Control"); cc != "public, no-cache" || bytes.Contains([]byte(r.Body), []byte("Exif")) {
			t.Fatalf("public photo headers or metadata: %v", r.Header)
		}
		r = visitor.get("/moten/" + itoa(m.ID))
		checkShell(t, r, "sv")
		img := r.Doc.Find(".photo-grid img")
		if img.AttrOr("alt", "") != "Ortsbor samlade vid bryggan" || !strings.Contains(img.AttrOr("srcset", ""), " 320w") {
			t.Fatalf("photo markup: alt %q srcset %q", img.AttrOr("alt", ""), img.AttrOr("srcset", ""))
		}
		if r.Doc.Find(`.documents a[type="application/pdf"]`).Length() != 1 {
			t.Error("document link missing")
		}
		if r.Doc.Find(`form[enctype="multipart/form-data"]`).Length() != 0 {
			t.Error("a visitor sees the upload form")
		}
		r = visitor.get("/filer/" + itoa(files[1].ID) + "/file")
		if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Fatalf("pdf served as %q", r.Header.Get("Content-Type"))
		}
		// Downloaded, never shown in the site's origin; sandboxed if shown anyway.
		if d := r.Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment;") || !strings.Contains(d, "Minnesanteckningar.pdf") {
			t.Errorf("pdf disposition %q", d)
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") {
			t.Errorf("pdf CSP %q", csp)
		}
		r = visitor.get("/orter/vadsbro/bilder")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if r.Doc.Find(".photo-grid img").Length() != 1 {
			t.Error("gallery lacks the photo")
		}
		// Others may not upload.
		s.user("other@example.se", ortsplan.RoleOfficial, "flen")
		o := s.browser()
		o.login("other@example.se", testPassword)
		wantStatus(t, o.upload(path, map[string]string{"upload_alt": "x"}, "x.jpg", photo), http.StatusForbidden)
		wantStatus(t, visitor.upload(path, map[string]string{"upload_alt": "x"}, "x.jpg", photo), http.StatusUnauthorized)
		if n := countFiles(t, dir); n != len(files[0].Variants)+1 {
			t.Fatalf("storage has %d files, want %d", n, len(files[0].Variants)+1)
		}
	})
}

func TestLocalityPictureAndKeptOriginals(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		dir := t.TempDir()
		store, _ := media.NewDirStorage(dir)
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.Storage, c.KeepOriginals = store, true })
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		b := s.browser()
		b.login("kim@example.se", testPassword)
		photo := media.Generate(5, 1400, 900)

		r := b.uploadAs("/orter/sparreholm/bild", "image_file", map[string]string{"image_alt": ""}, "ort.jpg", photo)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-image_alt-error").Length() != 1 {
			t.Fatal("missing alt text not reported")
		}
		pdf := []byte("%PDF-1.4\n%%EOF\n")
		r = b.uploadAs("/orter/sparreholm/bild", "image_file", map[string]string{"image_alt": "Sjön"}, "x.pdf", pdf)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-image_file-error").Length() != 1 || r.Doc.Find("#f-image_alt").AttrOr("value", "") != "Sjön" {
			t.Fatal("a PDF as locality picture not refused at the field, or alt lost")
		}
		if n := countFiles(t, dir); n != 0 {
			t.Fatalf("%d files stored by refused uploads", n)
		}
		r = b.uploadAs("/orter/sparreholm/bild", "image_file", map[string]string{"image_alt": "Hälleren en sommarkväll"}, "ort.jpg", photo)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d %q", r.StatusCode, text(r, ".error-summary"))
		}
		first := countFiles(t, dir)
		r = s.browser().get("/orter/sparreholm")
		img := r.Doc.Find("img.locality-image")
		if img.AttrOr("alt", "") != "Hälleren en sommarkväll" || strings.Contains(img.AttrOr("srcset", ""), "original") {
			t.Fatalf("locality picture markup: %q %q", img.AttrOr("alt", ""), img.AttrOr("srcset", ""))
		}
		wantStatus(t, s.browser().get("/orter/sparreholm/bild/page"), 200)
		// Replacing removes the old files.
		r = b.uploadAs("/orter/sparreholm/bild", "image_file", map[string]string{"image_alt": "Ny bild"}, "ny.jpg", media.Generate(6, 800, 600))
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("replace: %d %q", r.StatusCode, text(r, ".error-summary"))
		}
		if n := countFiles(t, dir); n > first {
			t.Errorf("old picture files left behind: %d files, had %d", n, first)
		}
		r = b.post("/orter/sparreholm/bild", url.Values{"remove": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		if l := mustLocality(t, db, "sparreholm"); len(l.Image) != 0 || countFiles(t, dir) != 0 {
			t.Fatalf("picture not removed: %v, %d files", l.Image, countFiles(t, dir))
		}

		// With KeepOriginals a meeting photo's original is kept, for staff only.
		_, m, _ := meetingSiteOn(t, s, db)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		wantStatus(t, leader.upload("/moten/"+itoa(m.ID)+"/filer", map[string]string{"upload_alt": "Bryggan"}, "b.jpg", photo), http.StatusSeeOther)
		files, _ := db.MeetingFiles(ctx, m.ID)
		if files[0].Variant("original").Key == "" {
			t.Fatal("original not kept")
		}
		m.ReportPublished, m.Report = m.Start, "x"
		db.SaveMeeting(ctx, m)
		orig := "/filer/" + itoa(files[0].ID) + "/original"
		wantStatus(t, s.browser().get(orig), http.StatusNotFound)
		r = leader.get(orig)
		wantStatus(t, r, 200)
		if !bytes.Equal([]byte(r.Body), photo) || !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
			t.Fatal("the original is not the uploaded file, or is cacheable")
		}
		if strings.Contains(s.browser().get("/moten/"+itoa(m.ID)).Body, "/original") {
			t.Fatal("the public page links the original")
		}
	})
}
