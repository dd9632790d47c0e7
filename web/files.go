package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
)

// maxUploadOverhead is what a multipart upload may carry besides the file:
// its text fields (at most maxFormBytes) and the parts' headers.
const maxUploadOverhead = 1 << 20

func randomKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// uploadFile adds a photo (with alt text) or a PDF to a meeting. The file is
// checked by its content, processed, stored and recorded; a refusal leaves
// nothing behind and keeps the texts the person typed. The body was read by
// uploadRoute; the file waits in up.
func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request, up *uploadForm) {
	// The right is asked before the upload is processed, and again when it is recorded.
	m, _, ok := s.editableMeeting(w, r)
	if !ok {
		return
	}
	fail := func(err error) {
		fe := ortsplan.FieldErrors(err)
		if fe == nil {
			fe = ortsplan.ValidationErrors{"file": ortsplan.ErrorKey(err)}
		}
		vals := url.Values{"people": {"1"}}
		for k, v := range r.PostForm {
			if strings.HasPrefix(k, "upload_") {
				vals[k] = v
			}
		}
		s.meetingPage(w, r, http.StatusBadRequest, &form{Values: vals, Errors: prefixErrors("upload_", fe), Error: "error.form", Scope: "upload"})
	}
	switch {
	case up.tooLarge:
		fail(up.sizeError())
		return
	case up.file == nil:
		fail(&ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.upload_empty", Field: "file"})
		return
	}
	alt, title := r.PostFormValue("upload_alt"), r.PostFormValue("upload_title")
	f, err := s.storeUpload(r.Context(), up, fmt.Sprintf("m%d-%s", m.ID, randomKey()), s.cfg.UploadLimits, s.cfg.KeepOriginals)
	if errors.Is(err, errUploadGaveUp) {
		s.uploadGaveUp(w, r)
		return
	}
	if err != nil {
		if ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		fail(err)
		return
	}
	f.MeetingID, f.Alt, f.Title = m.ID, alt, title
	// The texts are checked before the record is written; a refusal removes the stored bytes.
	if err := f.Validate(); err != nil {
		media.RemoveVariants(r.Context(), s.cfg.Storage, f)
		fail(err)
		return
	}
	if err := s.svc.Files.AddMeetingFile(r.Context(), f); err != nil {
		media.RemoveVariants(context.WithoutCancel(r.Context()), s.cfg.Storage, f)
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
			fail(err)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/moten/"+strconv.FormatInt(m.ID, 10)+"?uppladdat=1#filer", http.StatusSeeOther)
}

func prefixErrors(prefix string, fe ortsplan.ValidationErrors) ortsplan.ValidationErrors {
	out := ortsplan.ValidationErrors{}
	for k, v := range fe {
		out[prefix+k] = v
	}
	return out
}

// serveFile streams a stored variant. Files of a meeting whose report is not
// published are for staff who may edit the locality.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	// The service returns only files (and variants) the visitor may see.
	f, m, err := s.svc.Files.FindMeetingFile(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	public := !m.ReportPublished.IsZero()
	v := f.Variant(r.PathValue("variant"))
	if v.Name == "original" {
		public = false // it may carry EXIF and GPS data
	} else if name := r.PathValue("variant"); name == "original" {
		s.notFound(w, r) // not kept, or not for this visitor
		return
	}
	if v.Key == "" {
		s.notFound(w, r)
		return
	}
	rc, info, err := s.cfg.Storage.Open(r.Context(), v.Key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || ortsplan.ErrorCode(err) == ortsplan.ENOTFOUND {
			s.storedFileMissing(w, r, v.Key, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", v.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if public {
		// Not immutable: once the file or its meeting is archived, it is
		// gone for everyone (404), so caches must ask again.
		h.Set("Cache-Control", "public, no-cache")
	} else {
		h.Set("Cache-Control", "private, no-store")
	}
	if v.ContentType == "application/pdf" {
		// A PDF may carry scripts: it is downloaded, never shown in the
		// site's origin, and if a browser shows it anyway it runs sandboxed.
		name := strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == '"' || r == '\\' || r == '/' {
				return -1
			}
			return r
		}, f.Title)
		disp := mime.FormatMediaType("attachment", map[string]string{"filename": name + ".pdf"})
		if disp == "" {
			disp = `attachment; filename="dokument.pdf"`
		}
		h.Set("Content-Disposition", disp)
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	}
	http.ServeContent(w, r, "", info.ModTime, rc)
}

type galleryData struct {
	Locality *ortsplan.Locality
	Photos   []*ortsplan.MeetingFile
}

// gallery shows the photos from a locality's meetings.
func (s *Server) gallery(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	photos, err := s.svc.Files.LocalityPhotos(r.Context(), l.ID, 300)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r)
	p.Data = galleryData{Locality: l, Photos: photos}
	p.Updated = l.UpdatedAt
	for _, ph := range photos {
		if ph.CreatedAt.After(p.Updated) {
			p.Updated = ph.CreatedAt
		}
	}
	s.render(w, r, http.StatusOK, "gallery", p)
}

// localityImage uploads or replaces a locality's picture; only photos, with
// alt text. A form with remove=1 takes the picture away. The body was read
// by uploadRoute; the file waits in up.
func (s *Server) localityImage(w http.ResponseWriter, r *http.Request, up *uploadForm) {
	// The right is asked before the upload is processed, and again when it is recorded.
	l, ok := s.editableLocality(w, r)
	if !ok {
		return
	}
	back := func(err error) {
		fe := ortsplan.FieldErrors(err)
		if fe == nil {
			fe = ortsplan.ValidationErrors{"file": ortsplan.ErrorKey(err)}
		}
		errs := ortsplan.ValidationErrors{}
		for k, v := range fe {
			if k == "file" {
				k = "image_file"
			}
			errs[k] = v
		}
		s.localityEditFail(w, r, l, errs)
	}
	if r.PostFormValue("remove") == "1" {
		old, err := s.svc.Localities.SetLocalityImage(r.Context(), l.ID, nil, "")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		media.RemoveVariants(r.Context(), s.cfg.Storage, &ortsplan.MeetingFile{Variants: old})
		http.Redirect(w, r, "/orter/"+l.Slug+"/redigera?sparat=bild#bild", http.StatusSeeOther)
		return
	}
	alt := strings.TrimSpace(r.PostFormValue("image_alt"))
	switch {
	case alt == "":
		back(ortsplan.FieldError("image_alt", "error.required"))
		return
	case up.tooLarge:
		back(up.sizeError())
		return
	case up.file == nil:
		back(&ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.upload_empty", Field: "file"})
		return
	}
	f, err := s.storeUpload(r.Context(), up, "ort-"+l.Slug+"-"+randomKey(), s.cfg.UploadLimits, false)
	if errors.Is(err, errUploadGaveUp) {
		s.uploadGaveUp(w, r)
		return
	}
	if err == nil && f.Kind != ortsplan.FilePhoto {
		media.RemoveVariants(r.Context(), s.cfg.Storage, f)
		err = &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.image_only", Field: "file"}
	}
	if err != nil {
		if ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			s.fail(w, r, err)
			return
		}
		back(err)
		return
	}
	old, err := s.svc.Localities.SetLocalityImage(r.Context(), l.ID, f.Variants, alt)
	if err != nil {
		media.RemoveVariants(r.Context(), s.cfg.Storage, f)
		if ortsplan.ErrorCode(err) == ortsplan.EINVALID {
			back(err)
			return
		}
		s.fail(w, r, err)
		return
	}
	// The old picture's files go only after the new one is recorded.
	media.RemoveVariants(r.Context(), s.cfg.Storage, &ortsplan.MeetingFile{Variants: old})
	http.Redirect(w, r, "/orter/"+l.Slug+"/redigera?sparat=bild#bild", http.StatusSeeOther)
}

// serveLocalityImage streams a size of a locality's picture.
func (s *Server) serveLocalityImage(w http.ResponseWriter, r *http.Request) {
	l, err := s.svc.Localities.FindLocality(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The URL names no version, so the picture may change: cache for a day.
	s.serveVariant(w, r, (&ortsplan.MeetingFile{Variants: l.Image}).Variant(r.PathValue("variant")), "public, max-age=86400")
}

// serveVariant streams a stored public variant with the given caching.
func (s *Server) serveVariant(w http.ResponseWriter, r *http.Request, v ortsplan.FileVariant, cache string) {
	if v.Key == "" || v.Name == "original" {
		s.notFound(w, r)
		return
	}
	rc, info, err := s.cfg.Storage.Open(r.Context(), v.Key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || ortsplan.ErrorCode(err) == ortsplan.ENOTFOUND {
			s.storedFileMissing(w, r, v.Key, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", v.ContentType)
	w.Header().Set("Cache-Control", cache)
	http.ServeContent(w, r, "", info.ModTime, rc)
}

// storedFileMissing answers 404 for a file that the database records but the
// storage lacks, and logs it as an error: the file was lost, or this process
// keeps its files somewhere else than the one that stored it (see --storage).
func (s *Server) storedFileMissing(w http.ResponseWriter, r *http.Request, key string, err error) {
	s.log.Error("stored file missing", "key", key, "request_id", reqInfo(r).ID, "path", r.URL.Path, "err", err)
	s.notFound(w, r)
}
