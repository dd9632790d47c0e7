// Package media checks and re-encodes uploads for the public site: photos
// (JPEG, PNG, WebP) are decoded and encoded anew in a few sizes, which drops
// EXIF, GPS and every other metadata; PDFs are checked and kept as they are.
// It also stores files by key and draws demo photos.
package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/webp"

	"github.com/ortsplan/ortsplan"
)

// Translation keys of the errors an upload can give. Every such error is an
// *ortsplan.Error with Code ortsplan.EINVALID and Field "file".
const (
	KeyUploadType     = "error.upload_type"      // not JPEG, PNG, WebP or PDF
	KeyUploadTooLarge = "error.upload_too_large" // more than Limits.MaxBytes
	KeyUploadPixels   = "error.upload_pixels"    // more than Limits.MaxPixels
	KeyUploadMemory   = "error.upload_memory"    // decoding would take more than Limits.MaxDecodeBytes
	KeyUploadCorrupt  = "error.upload_corrupt"   // cannot be decoded, or truncated
	KeyUploadEmpty    = "error.upload_empty"     // no bytes at all
)

// FieldName is the form field that upload errors belong to.
const FieldName = "file"

// Limits bound an upload. A zero or negative field takes its default.
type Limits struct {
	MaxBytes  int64 // size of the uploaded file
	MaxPixels int   // width × height of a photo, read before it is decoded
	// MaxDecodeBytes bounds the memory that decoding a photo may take, as
	// DecodeBytes reckons it from the header before anything is decoded.
	MaxDecodeBytes int64
}

// Default limits, for staff: 15 MiB a file, 40 megapixels and 128 MiB of
// decoded pixels a photo. 128 MiB holds every baseline JPEG of 40 megapixels
// (60 MB at 4:2:0, 120 MB at 4:4:4) and an 8-bit PNG of 33 megapixels; a
// 16-bit PNG up to 16 megapixels.
const (
	DefaultMaxBytes       = 15 << 20
	DefaultMaxPixels      = 40_000_000
	DefaultMaxDecodeBytes = 128 << 20
)

// Limits for residents' photos: 12 megapixels and 48 MiB of decoded pixels,
// which holds a 12-megapixel JPEG (18 MB at 4:2:0) or 8-bit PNG (48 MB),
// a 16-bit PNG up to 6 megapixels, a progressive JPEG up to about 6.
const (
	ResidentMaxPixels      = 12_000_000
	ResidentMaxDecodeBytes = 48 << 20
)

// DefaultLimits returns the staff's limits: 15 MiB a file, 40 megapixels and
// 128 MiB decoded a photo.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxPixels: DefaultMaxPixels, MaxDecodeBytes: DefaultMaxDecodeBytes}
}

// ResidentLimits returns the limits of residents' photos: 15 MiB a file,
// 12 megapixels and 48 MiB decoded.
func ResidentLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxPixels: ResidentMaxPixels, MaxDecodeBytes: ResidentMaxDecodeBytes}
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxDecodeBytes <= 0 {
		l.MaxDecodeBytes = DefaultMaxDecodeBytes
	}
	return l
}

func uploadError(key string, err error) error {
	return &ortsplan.Error{Code: ortsplan.EINVALID, Key: key, Field: FieldName, Err: err}
}

// Sniff kinds.
const (
	KindPhoto = "photo"
	KindPDF   = "pdf"
)

// Sniff returns "photo" (JPEG, PNG or WebP), "pdf" or "" for the first bytes
// of a file; 12 bytes are enough. Only the content counts, never a file name.
func Sniff(head []byte) string {
	switch {
	case photoFormat(head) != "":
		return KindPhoto
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return KindPDF
	}
	return ""
}

// photoFormat returns "jpeg", "png", "webp" or "" from the magic bytes.
func photoFormat(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// readUpload reads all of r, refusing more than max bytes and no bytes. An
// *io.SectionReader (over a spooled upload) at its start and within the
// limit is read into a buffer of exactly its size, so a 15 MB file takes 15 MB, not the
// 16–32 MB a growing buffer would.
func readUpload(r io.Reader, max int64) ([]byte, error) {
	if sr, ok := r.(*io.SectionReader); ok && sr.Size() <= max {
		data := make([]byte, sr.Size())
		if _, err := io.ReadFull(sr, data); err != nil {
			return nil, fmt.Errorf("media: read upload: %w", err)
		}
		if len(data) == 0 {
			return nil, uploadError(KeyUploadEmpty, nil)
		}
		return data, nil
	}
	var buf bytes.Buffer
	_, err := buf.ReadFrom(io.LimitReader(r, max+1))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, uploadError(KeyUploadTooLarge, err)
	case err != nil:
		return nil, fmt.Errorf("media: read upload: %w", err)
	case int64(buf.Len()) > max:
		return nil, uploadError(KeyUploadTooLarge, fmt.Errorf("more than %d bytes", max))
	case buf.Len() == 0:
		return nil, uploadError(KeyUploadEmpty, nil)
	}
	return buf.Bytes(), nil
}

// pdfTail is how far from the end "%%EOF" may stand (the PDF spec allows
// some trailing bytes; writers add a newline or a few bytes of padding).
const pdfTail = 1024

// CheckPDF reads a PDF upload within limits.MaxBytes and returns its bytes if
// it really is a PDF: it starts with "%PDF-" (else error.upload_type) and has
// "%%EOF" within its last 1024 bytes (else error.upload_corrupt, as a PDF cut
// short). The content is not parsed or changed; serve it as a download or
// with a strict Content-Security-Policy.
func CheckPDF(r io.Reader, limits Limits) ([]byte, error) {
	limits = limits.withDefaults()
	data, err := readUpload(r, limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	return checkPDF(data)
}

func checkPDF(data []byte) ([]byte, error) {
	if Sniff(data) != KindPDF {
		return nil, uploadError(KeyUploadType, errors.New("not a PDF"))
	}
	tail := data[max(0, len(data)-pdfTail):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return nil, uploadError(KeyUploadCorrupt, errors.New("PDF has no %%EOF at its end"))
	}
	return data, nil
}

// Variant is one stored size of a photo.
type Variant struct {
	Name        string // "thumb", "page" or "full"
	Width       int
	Height      int
	ContentType string // "image/jpeg" or "image/png"
	Data        []byte
}

// Photo is a re-encoded photo: the variants, largest last. EXIF, GPS and every
// other metadata (ICC profiles too) is gone because the pixels are decoded and
// encoded anew. Width and Height are the original's, upright.
type Photo struct {
	Width    int
	Height   int
	Variants []Variant
}

// Pick returns the variant with that name or, when it was left out because
// the photo is small, the next larger one; at last "full", which is always
// there (a zero Photo gives a zero Variant).
func (p *Photo) Pick(name string) Variant {
	if len(p.Variants) == 0 {
		return Variant{}
	}
	want := variantRank(name)
	for _, v := range p.Variants {
		if variantRank(v.Name) >= want {
			return v
		}
	}
	return p.Variants[len(p.Variants)-1]
}

// variantSpec is a named bounding box: width W, height at most 2×W so that
// very tall images stay bounded too.
type variantSpec struct {
	name string
	w, h int
}

// variantSpecs, smallest first.
var variantSpecs = []variantSpec{
	{"thumb", 320, 640},
	{"page", 1024, 2048},
	{"full", 2048, 4096},
}

func variantRank(name string) int {
	for i, s := range variantSpecs {
		if s.name == name {
			return i
		}
	}
	return len(variantSpecs) - 1
}

// fit returns the size of a w×h image scaled to fit in bw×bh keeping its
// aspect ratio, never upscaled, and whether it had to be scaled down.
func fit(w, h, bw, bh int) (int, int, bool) {
	if w <= bw && h <= bh {
		return w, h, false
	}
	W, H, BW, BH := int64(w), int64(h), int64(bw), int64(bh)
	if W*BH >= H*BW { // width is the tighter bound
		return bw, int(max(1, (H*BW+W/2)/W)), true
	}
	return int(max(1, (W*BH+H/2)/H)), bh, true
}

// ProcessPhoto reads a photo upload and returns it re-encoded in up to three
// sizes, upright. It reads at most limits.MaxBytes, accepts JPEG, PNG and
// WebP by their content, refuses more than limits.MaxPixels and a decoding
// that would take more than limits.MaxDecodeBytes (see DecodeBytes), both
// from the header before decoding (so a decompression bomb allocates
// nothing), turns JPEGs by their EXIF orientation, and encodes variants,
// each never upscaled and keeping the aspect ratio:
//
//	thumb  320 px wide (at most 640 px high)
//	page   1024 px wide (at most 2048 px high)
//	full   up to 2048 px wide (at most 4096 px high)
//
// A variant the original is not larger than is left out, so a 500×300 photo
// gives thumb 320×192 and full 500×300, and a 300×200 one only full; use
// Photo.Pick to get a size by name. Variants are JPEG (quality 82) unless the
// photo has transparent pixels, then PNG.
func ProcessPhoto(r io.Reader, limits Limits) (*Photo, error) {
	limits = limits.withDefaults()
	data, err := readUpload(r, limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	return processPhoto(data, limits)
}

func processPhoto(data []byte, limits Limits) (*Photo, error) {
	img, err := decodePhoto(data, limits)
	if err != nil {
		return nil, err
	}
	orientation := 1
	if photoFormat(data) == "jpeg" {
		orientation = jpegOrientation(data)
	}
	return encodeVariants(img, orientation)
}

// PrecheckHead is how much of a file Precheck looks at.
const PrecheckHead = 64 << 10

// Precheck judges a photo by the first bytes of its file (PrecheckHead are
// enough for any ordinary header) and returns the error ProcessPhoto would
// give for too many pixels or too much memory, so that such a file can be
// refused without waiting for a place to process it. It returns nil when
// the head shows no such refusal, or is not a photo's or not enough to
// tell; ProcessPhoto checks again from the whole file.
func Precheck(head []byte, limits Limits) (err error) {
	limits = limits.withDefaults()
	defer func() {
		if p := recover(); p != nil {
			err = nil // ProcessPhoto will say what is wrong
		}
	}()
	var config func(io.Reader) (image.Config, error)
	switch photoFormat(head) {
	case "jpeg":
		config = jpeg.DecodeConfig
	case "png":
		config = png.DecodeConfig
	case "webp":
		config = webp.DecodeConfig
	default:
		return nil
	}
	cfg, err := config(bytes.NewReader(head))
	if err != nil {
		return nil
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(limits.MaxPixels) {
		return uploadError(KeyUploadPixels, fmt.Errorf("%d×%d pixels", cfg.Width, cfg.Height))
	}
	// From a head, DecodeBytes may miss what lies beyond it (a tRNS chunk,
	// an Adobe segment), so it can only count too little: a refusal holds.
	if need, ok := DecodeBytes(head); ok && need > limits.MaxDecodeBytes {
		return uploadError(KeyUploadMemory, fmt.Errorf("%d×%d pixels take %d bytes to decode, more than %d",
			cfg.Width, cfg.Height, need, limits.MaxDecodeBytes))
	}
	return nil
}

// decodePhoto checks the format, the pixel count and the memory decoding
// takes, then decodes.
func decodePhoto(data []byte, limits Limits) (img image.Image, err error) {
	var decode func(io.Reader) (image.Image, error)
	var config func(io.Reader) (image.Config, error)
	switch photoFormat(data) {
	case "jpeg":
		decode, config = jpeg.Decode, jpeg.DecodeConfig
	case "png":
		decode, config = png.Decode, png.DecodeConfig
	case "webp":
		decode, config = webp.Decode, webp.DecodeConfig
	default:
		return nil, uploadError(KeyUploadType, errors.New("not JPEG, PNG or WebP"))
	}
	// Decoders are not meant to panic, but this one reads strangers' bytes.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, uploadError(KeyUploadCorrupt, fmt.Errorf("decoder panic: %v", p))
		}
	}()
	cfg, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, uploadError(KeyUploadCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, uploadError(KeyUploadCorrupt, errors.New("no pixels"))
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(limits.MaxPixels) {
		return nil, uploadError(KeyUploadPixels, fmt.Errorf("%d×%d pixels", cfg.Width, cfg.Height))
	}
	need, ok := DecodeBytes(data)
	if !ok {
		return nil, uploadError(KeyUploadCorrupt, errors.New("unreadable header"))
	}
	if need > limits.MaxDecodeBytes {
		return nil, uploadError(KeyUploadMemory, fmt.Errorf("%d×%d pixels take %d bytes to decode, more than %d",
			cfg.Width, cfg.Height, need, limits.MaxDecodeBytes))
	}
	img, err = decode(bytes.NewReader(data))
	if err != nil {
		return nil, uploadError(KeyUploadCorrupt, err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, uploadError(KeyUploadCorrupt, errors.New("size differs from header"))
	}
	return img, nil
}

// encodeVariants scales img (stored turned by the EXIF orientation o) to the
// variant sizes, turns each upright and encodes it.
func encodeVariants(img image.Image, o int) (*Photo, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if swapsAxes(o) {
		w, h = h, w
	}
	opaque := isOpaque(img)
	p := &Photo{Width: w, Height: h}

	// Scale from the largest down, each from the one before: full from the
	// original, page from full, thumb from page. Sizes are upright; the
	// scaling works on the stored (unturned) pixels.
	var prev image.Image = img
	variants := make([]Variant, 0, len(variantSpecs))
	for i := len(variantSpecs) - 1; i >= 0; i-- {
		spec := variantSpecs[i]
		vw, vh, scaled := fit(w, h, spec.w, spec.h)
		if !scaled && spec.name != "full" {
			continue
		}
		sw, sh := vw, vh
		if swapsAxes(o) {
			sw, sh = sh, sw
		}
		big := spec.name == "full"
		rgba := downscale(prev, sw, sh, big)
		prev = rgba
		v, err := encode(spec.name, orient(rgba, o), opaque)
		if err != nil {
			return nil, err
		}
		variants = append(variants, v)
	}
	for i := len(variants) - 1; i >= 0; i-- { // smallest first, largest last
		p.Variants = append(p.Variants, variants[i])
	}
	return p, nil
}

// isOpaque reports whether every pixel of img is fully opaque.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// JPEGQuality is the quality of re-encoded JPEG variants.
const JPEGQuality = 82

func encode(name string, img *image.RGBA, opaque bool) (Variant, error) {
	var buf bytes.Buffer
	v := Variant{Name: name, Width: img.Rect.Dx(), Height: img.Rect.Dy()}
	var err error
	if opaque {
		v.ContentType = "image/jpeg"
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality})
	} else {
		v.ContentType = "image/png"
		err = png.Encode(&buf, img)
	}
	if err != nil {
		return Variant{}, fmt.Errorf("media: encode %s: %w", name, err)
	}
	v.Data = buf.Bytes()
	return v, nil
}
