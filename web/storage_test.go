package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/media/s3test"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// logRecords is a JSON log that a test reads back.
type logRecords struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logRecords) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logRecords) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(l, nil)) }

// find returns the records with the given level and message.
func (l *logRecords) find(t *testing.T, level, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(l.buf.Bytes()))
	for {
		var rec map[string]any
		if err := dec.Decode(&rec); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("log is no JSON: %v\n%s", err, l.buf.String())
		}
		if rec["level"] == level && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
}

func TestMissingStoredFileIsLoggedAndNotFound(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		var logs logRecords
		store := mustStorage(t)
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.Storage, c.Logger = store, logs.logger() })
		_, m, _ := meetingSiteOn(t, s, db)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		wantStatus(t, leader.upload("/moten/"+itoa(m.ID)+"/filer", map[string]string{"upload_alt": "Bryggan"}, "b.jpg", media.Generate(3, 900, 600)), http.StatusSeeOther)
		files, err := db.MeetingFiles(ctx, m.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("files: %v %v", files, err)
		}
		m.ReportPublished, m.Report = m.Start, "x"
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		photo := "/filer/" + itoa(files[0].ID) + "/page"
		visitor := s.browser()
		wantStatus(t, visitor.get(photo), http.StatusOK)
		// Nothing that the database lacks is an error: an unknown file is a plain 404.
		wantStatus(t, visitor.get("/filer/999999/page"), http.StatusNotFound)
		if got := logs.find(t, "ERROR", "stored file missing"); len(got) != 0 {
			t.Fatalf("logged before any file went missing: %v", got)
		}

		key := files[0].Variant("page").Key
		if err := store.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		r := visitor.get(photo)
		wantStatus(t, r, http.StatusNotFound)
		if r.Doc == nil || r.Doc.Find("main").Length() == 0 {
			t.Fatalf("the visitor did not get the site's 404 page:\n%s", truncate(r.Body, 500))
		}
		recs := logs.find(t, "ERROR", "stored file missing")
		if len(recs) != 1 || recs[0]["key"] != key || recs[0]["path"] != photo {
			t.Fatalf("want one error naming key %s and path %s; logged %v", key, photo, recs)
		}

		// The same for a locality's picture.
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		coord := s.browser()
		coord.login("kim@example.se", testPassword)
		r = coord.uploadAs("/orter/sparreholm/bild", "image_file", map[string]string{"image_alt": "Sjön"}, "ort.jpg", media.Generate(4, 900, 600))
		wantStatus(t, r, http.StatusSeeOther)
		l := mustLocality(t, db, "sparreholm")
		pageKey := (&ortsplan.MeetingFile{Variants: l.Image}).Variant("page").Key
		wantStatus(t, visitor.get("/orter/sparreholm/bild/page"), http.StatusOK)
		if err := store.Delete(ctx, pageKey); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, visitor.get("/orter/sparreholm/bild/page"), http.StatusNotFound)
		recs = logs.find(t, "ERROR", "stored file missing")
		if len(recs) != 2 || recs[1]["key"] != pageKey {
			t.Fatalf("want a second error naming key %s; logged %v", pageKey, recs)
		}
	})
}

// TestSitesShareS3Storage runs two sites on one database and one bucket, as
// two instances behind a proxy: a photo uploaded through one is served by
// the other, byte for byte, with ranges.
func TestSitesShareS3Storage(t *testing.T) {
	srv := s3test.Start(t)
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		bucket := srv.Bucket(t)
		storeA, err := media.NewS3Storage(context.Background(), bucket)
		if err != nil {
			t.Fatal(err)
		}
		storeB, err := media.NewS3Storage(context.Background(), bucket)
		if err != nil {
			t.Fatal(err)
		}
		a := newSite(t, db, func(c *web.Config, _ *web.Services) { c.Storage, c.KeepOriginals = storeA, true })
		b := serveSite(t, db, func(c *web.Config, _ *web.Services) { c.Storage = storeB })
		_, m, _ := meetingSiteOn(t, a, db)
		leader := a.browser()
		leader.login("leader@example.se", testPassword)
		original := media.Generate(8, 1200, 800)
		wantStatus(t, leader.upload("/moten/"+itoa(m.ID)+"/filer", map[string]string{"upload_alt": "Bryggan"}, "b.jpg", original), http.StatusSeeOther)
		files, err := db.MeetingFiles(ctx, m.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("files: %v %v", files, err)
		}
		m.ReportPublished, m.Report = m.Start, "x"
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}

		visitor := b.browser()
		for _, v := range files[0].Variants {
			if v.Name == "original" {
				continue
			}
			stored, _, err := storeB.Open(context.Background(), v.Key)
			if err != nil {
				t.Fatalf("variant %s is not in the bucket: %v", v.Name, err)
			}
			want, _ := io.ReadAll(stored)
			stored.Close()
			r := visitor.get("/filer/" + itoa(files[0].ID) + "/" + v.Name)
			wantStatus(t, r, http.StatusOK)
			if r.Body != string(want) || r.Header.Get("Content-Type") != v.ContentType || len(want) == 0 {
				t.Errorf("variant %s: served %d bytes as %q, stored %d as %q", v.Name, len(r.Body), r.Header.Get("Content-Type"), len(want), v.ContentType)
			}
		}
		// A range, as a browser resuming a download asks.
		req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/filer/"+itoa(files[0].ID)+"/page", nil)
		req.Header.Set("Range", "bytes=2-11")
		r := visitor.do(req)
		if r.StatusCode != http.StatusPartialContent || len(r.Body) != 10 {
			t.Errorf("range: status %d, %d bytes", r.StatusCode, len(r.Body))
		}
		// The kept original is the uploaded file, for staff of either site.
		staffB := b.browser()
		staffB.login("leader@example.se", testPassword)
		r = staffB.get("/filer/" + itoa(files[0].ID) + "/original")
		wantStatus(t, r, http.StatusOK)
		if r.Body != string(original) {
			t.Errorf("the original from B is %d bytes, uploaded %d", len(r.Body), len(original))
		}
		// The bucket holds the variants, under keys that name the meeting.
		var keys []string
		for key, err := range storeA.List(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, key)
		}
		if len(keys) != len(files[0].Variants) {
			t.Errorf("bucket holds %q, want the %d variants", keys, len(files[0].Variants))
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, "m"+itoa(m.ID)+"-") {
				t.Errorf("key %q does not name the meeting", k)
			}
		}
	})
}
