package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
)

// Uploads. A multipart body is read only on the three upload routes
// (registered with upload(...) in routes, which wraps them in uploadRoute),
// and only in this order:
//
//  1. The login, from the cookie, before a byte of the body is read: a staff
//     session for meeting files and locality pictures, a resident session
//     for ideas. Without it the answer is 401.
//  2. The CSRF token, which must be the body's first part (the forms put it
//     first) and come within its first csrfWindow bytes; otherwise 403.
//  3. The rest, part by part: the text fields, together at most
//     maxFormBytes, kept in r.PostForm; the one file, in the route's file
//     field, streamed to a temporary file within the route's
//     Limits.MaxBytes. A larger file is read on and dropped, so the page can
//     say so and keep what was typed; a body over the limit plus
//     maxUploadOverhead is cut off with 413.
//  4. The handler asks the service whether the account may (a refusal
//     processes nothing) and calls storeUpload: the photo's header is judged
//     (media.Precheck: pixels and decoding memory, answered at once), then it
//     waits for one of the uploadsAtOnce places shared by all three routes,
//     and only then reads the file into memory and decodes it within the
//     route's limits.
//
// Every other route refuses a multipart body with 415 without reading it
// (checkCSRF), except the one-click unsubscribe, whose body is capped at 1 KB
// and never parsed. A waiting upload holds a connection and its temporary
// file, no memory; a slow client cannot hold a place while it sends.

// uploadsAtOnce is how many uploads are decoded and scaled at once, by staff
// and residents together.
const uploadsAtOnce = 2

// csrfWindow is how much of an upload's body may come before its CSRF token
// has been read.
const csrfWindow = 16 << 10

// maxUploadParts bounds the parts of an upload's body.
const maxUploadParts = 50

// uploader is who may post to an upload route.
type uploader int

const (
	staffUpload    uploader = iota // a staff session
	residentUpload                 // a resident session
)

// uploadForm is what was read from an upload's body besides the text fields
// (those are in r.PostForm): the file, if one was chosen, in a temporary file.
type uploadForm struct {
	file     *os.File
	size     int64
	tooLarge bool   // a file over the limit was sent, and dropped
	name     string // the file's name as the browser sent it
}

// chosen reports whether a file came with the form.
func (u *uploadForm) chosen() bool { return u.file != nil || u.tooLarge }

// reader returns the file's bytes, exactly its size.
func (u *uploadForm) reader() *io.SectionReader { return io.NewSectionReader(u.file, 0, u.size) }

// sizeError is the field error of a file over the limit.
func (u *uploadForm) sizeError() error {
	return &ortsplan.Error{Code: ortsplan.EINVALID, Key: media.KeyUploadTooLarge, Field: media.FieldName}
}

func (u *uploadForm) close() {
	if u.file != nil {
		u.file.Close()
		os.Remove(u.file.Name())
		u.file = nil
	}
}

type uploadHandler func(w http.ResponseWriter, r *http.Request, up *uploadForm)

// uploadLimits are the limits of a route's files.
func (s *Server) uploadLimits(who uploader) media.Limits {
	if who == residentUpload {
		return s.cfg.ResidentUploadLimits
	}
	return s.cfg.UploadLimits
}

// uploadRoute wraps an upload route's handler: it asks for the login, then
// reads a multipart body as described above (an ordinary form was read and
// its token checked by checkCSRF). The handler gets the file, if any.
func (s *Server) uploadRoute(who uploader, fileField string, h uploadHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := reqInfo(r)
		switch {
		case who == staffUpload && ri.User == nil:
			s.loginRequired(w, r)
			return
		case who == residentUpload && ri.Resident == nil:
			s.residentRequired(w, r, r.URL.Path)
			return
		}
		up := &uploadForm{}
		defer up.close()
		if isMultipart(r) && !s.readUploadForm(w, r, fileField, s.uploadLimits(who).MaxBytes, up) {
			return
		}
		h(w, r, up)
	})
}

// errTokenLate is a body whose CSRF token does not come within csrfWindow.
var errTokenLate = errors.New("web: no CSRF token at the start of the upload")

// tokenGate lets at most csrfWindow bytes through until it is opened.
type tokenGate struct {
	r    io.Reader
	n    int64
	open bool
}

func (g *tokenGate) Read(p []byte) (int, error) {
	if !g.open {
		if g.n >= csrfWindow {
			return 0, errTokenLate
		}
		p = p[:min(int64(len(p)), csrfWindow-g.n)]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// readUploadForm reads a multipart upload: the CSRF token first, then the
// text fields into r.PostForm and the file in fileField (at most maxFile
// bytes) into up. It answers and returns false on anything wrong.
func (s *Server) readUploadForm(w http.ResponseWriter, r *http.Request, fileField string, maxFile int64, up *uploadForm) bool {
	ri := reqInfo(r)
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		s.renderError(w, r, http.StatusBadRequest, "error.upload_corrupt")
		return false
	}
	body := http.MaxBytesReader(w, r.Body, maxFile+maxUploadOverhead)
	gate := &tokenGate{r: body}
	mr := multipart.NewReader(gate, params["boundary"])

	refuseToken := func(why string) bool {
		s.log.Warn("csrf token missing or wrong", "request_id", ri.ID, "path", r.URL.Path, "upload", why)
		s.renderError(w, r, http.StatusForbidden, "error.csrf")
		return false
	}
	p, err := mr.NextPart()
	if err != nil || p.FormName() != csrfField || p.FileName() != "" {
		return refuseToken("the first part is not the token")
	}
	token, err := io.ReadAll(io.LimitReader(p, 128))
	if err != nil || ri.CSRF == "" || subtle.ConstantTimeCompare(token, []byte(ri.CSRF)) != 1 {
		return refuseToken("wrong token")
	}
	gate.open = true

	values := url.Values{}
	textLeft := int64(maxFormBytes)
	for parts := 1; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.uploadReadFailed(w, r, err)
		}
		if parts > maxUploadParts {
			s.renderError(w, r, http.StatusBadRequest, "error.upload_corrupt")
			return false
		}
		name := p.FormName()
		if p.FileName() == "" && name != fileField {
			b, err := io.ReadAll(io.LimitReader(p, textLeft+1))
			if err != nil {
				return s.uploadReadFailed(w, r, err)
			}
			if textLeft -= int64(len(b)); textLeft < 0 {
				s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.request_too_large")
				return false
			}
			values.Add(name, string(b))
			continue
		}
		// One file, in the route's file field.
		if name != fileField || up.chosen() {
			s.renderError(w, r, http.StatusBadRequest, "error.upload_corrupt")
			return false
		}
		f, err := os.CreateTemp(s.cfg.UploadTempDir, "ortsplan-upload-*")
		if err != nil {
			s.serverError(w, r, err)
			return false
		}
		up.file, up.name = f, p.FileName()
		n, err := io.Copy(f, io.LimitReader(p, maxFile+1))
		if err != nil {
			return s.uploadReadFailed(w, r, err)
		}
		switch {
		case n > maxFile:
			up.close()
			up.tooLarge = true
			if _, err := io.Copy(io.Discard, p); err != nil {
				return s.uploadReadFailed(w, r, err)
			}
		case n == 0: // no file chosen: browsers send an empty part
			up.close()
		default:
			up.size = n
		}
	}
	if !cleanValues(values, true) {
		up.close()
		s.badInput(w, r, "upload form")
		return false
	}
	r.PostForm = values
	r.Form = url.Values{}
	for k, v := range r.URL.Query() {
		r.Form[k] = v
	}
	for k, v := range values {
		r.Form[k] = append(r.Form[k], v...)
	}
	r.MultipartForm = &multipart.Form{Value: values} // nothing parses the body again
	normalizeNewlines(r)
	return true
}

// uploadReadFailed answers an upload whose body could not be read to its end.
func (s *Server) uploadReadFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.upload_too_large")
	case errors.Is(err, errTokenLate):
		s.renderError(w, r, http.StatusForbidden, "error.csrf")
	default:
		s.renderError(w, r, http.StatusBadRequest, "error.upload_corrupt")
	}
	return false
}

// isMultipart reports whether the request's body claims to be multipart, in
// any spelling.
func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type"))), "multipart/")
}

// uploadSlot waits for one of the uploadsAtOnce places, the same for every
// upload route and for staff and residents alike, or until the request's
// context ends (the client left), when ok is false. Call release when the
// file is processed.
//
// Release collects garbage before it frees the place: a processed photo
// leaves up to about a hundred megabytes of it (the file, the decoded
// pixels, the scaled copies), and left to the pacer the heap would first
// grow to twice what is live before that memory is used again. Collected,
// the next upload reuses it. With eight residents posting the largest photos
// they may, that is the difference between a peak of 335 and 218 MB
// (scripts/uploadload.sh); a collection costs a few milliseconds, and
// uploads are rare.
func (s *Server) uploadSlot(ctx context.Context) (release func(), ok bool) {
	s.uploadsWaiting.Add(1)
	defer s.uploadsWaiting.Add(-1)
	select {
	case s.uploads <- struct{}{}:
		s.uploadsActive.Add(1)
		return func() {
			runtime.GC()
			s.uploadsActive.Add(-1)
			<-s.uploads
		}, true
	case <-ctx.Done():
		return nil, false
	}
}

// errUploadGaveUp is an upload whose client left while it waited for a place.
var errUploadGaveUp = errors.New("web: the client left while its upload waited")

// storeUpload processes and stores the upload's file within limits: it
// judges the file's header first, so that a photo with too many pixels or
// too much to decode is refused without waiting, then waits for a place
// (errUploadGaveUp when the client leaves first) and calls media.StoreUpload.
func (s *Server) storeUpload(ctx context.Context, up *uploadForm, base string, limits media.Limits, keepOriginal bool) (*ortsplan.MeetingFile, error) {
	head := make([]byte, min(up.size, media.PrecheckHead))
	if _, err := up.file.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("web: read the received upload: %w", err)
	}
	if err := media.Precheck(head, limits); err != nil {
		return nil, err
	}
	release, ok := s.uploadSlot(ctx)
	if !ok {
		return nil, errUploadGaveUp
	}
	defer release()
	return media.StoreUpload(ctx, s.cfg.Storage, base, up.reader(), limits, keepOriginal)
}

// uploadGaveUp answers an upload whose client left while it waited.
func (s *Server) uploadGaveUp(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusServiceUnavailable, "error.upload_busy")
}

// uploadGauges report the uploads being processed and those waiting for a place.
func (s *Server) uploadGauges() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ortsplan_uploads_processing",
			Help: "Uploads being decoded and stored now, at most " + strconv.Itoa(uploadsAtOnce) + "."},
			func() float64 { return float64(s.uploadsActive.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ortsplan_uploads_waiting",
			Help: "Uploads received and waiting for a place to be processed."},
			func() float64 { return float64(s.uploadsWaiting.Load()) }),
	}
}
