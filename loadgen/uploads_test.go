package loadgen

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// small are residents' limits that make the worst photos quick to draw.
var small = media.Limits{MaxBytes: 1 << 20, MaxPixels: 500_000, MaxDecodeBytes: 2 << 20}

// TestWorstPhotos: the photos that should be taken are within every limit
// and as large as they allow; the others are refused from the header.
func TestWorstPhotos(t *testing.T) {
	photos, err := WorstPhotos(small)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range photos {
		if p.Want == http.StatusSeeOther {
			if int64(len(p.Data)) > small.MaxBytes || int64(len(p.Data)) < small.MaxBytes-8<<10 {
				t.Errorf("%s: %d bytes, want just under %d", p.Name, len(p.Data), small.MaxBytes)
			}
			if p.Decoded > small.MaxDecodeBytes {
				t.Errorf("%s: %d bytes to decode, more than %d", p.Name, p.Decoded, small.MaxDecodeBytes)
			}
		}
		_, err := media.ProcessPhoto(readerOf(p.Data), small)
		if taken := err == nil; taken != (p.Want == http.StatusSeeOther) {
			t.Errorf("%s: processed with error %v, want it taken: %v", p.Name, err, p.Want == http.StatusSeeOther)
		}
	}
}

// TestRunUploadsOnTheSite runs the upload load against the real site: the
// residents log in through their one-time links, every photo gets the
// expected answer, and the multipart posts to /logga-ut are refused.
func TestRunUploadsOnTheSite(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	res, err := demo.Load(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	st, err := media.NewDirStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.PublicURL = srv.URL
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: srv.URL, Org: "Flens kommun"}
	h, err = web.New(web.Services{Users: db, Residents: db, Localities: db, Plans: db, Meetings: db, Files: db, SignUps: db, Ideas: db,
		Follows: db, PersonalData: db, Search: db, OpenData: db, Outbox: db, Effects: db, Work: db, Exports: db, Surveys: db, Quickfixes: db, Editions: db, Matters: db, Facts: db, Ping: db.Ping, PageVersion: db.PageVersion},
		web.Config{BaseURL: srv.URL, Storage: st, UploadLimits: media.Limits{MaxBytes: small.MaxBytes}, ResidentUploadLimits: small,
			UploadTempDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := RunUploads(context.Background(), UploadConfig{URL: srv.URL, AdminEmail: res.AdminEmail, AdminPassword: res.AdminPassword,
		Clients: 3, Rounds: 5, Limits: small})
	if err != nil {
		t.Fatal(err)
	}
	if rep.UnexpectedStatus != 0 || rep.Elsewhere["415"] != 3 {
		for _, p := range rep.Photos {
			t.Logf("%s: %v %s", p.Photo.Name, p.Status, p.FirstErr)
		}
		t.Fatalf("%d unexpected answers; /logga-ut answered %v", rep.UnexpectedStatus, rep.Elsewhere)
	}
	for _, p := range rep.Photos {
		if p.Sent == 0 {
			t.Errorf("%s was never sent", p.Photo.Name)
		}
	}
}

func readerOf(b []byte) io.Reader { return bytes.NewReader(b) }
