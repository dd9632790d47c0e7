package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
)

// --- helpers -------------------------------------------------------------

// uploadKey returns the Key of an upload error and checks its Code and Field.
func uploadKey(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *ortsplan.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is no *ortsplan.Error", err)
	}
	if e.Code != ortsplan.EINVALID || e.Field != "file" {
		t.Fatalf("error %v: code %q field %q, want invalid/file", err, e.Code, e.Field)
	}
	return e.Key
}

// fill returns a w×h NRGBA image coloured by f.
func fill(w, h int, f func(x, y int) color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, f(x, y))
		}
	}
	return img
}

func gradient(x, y int) color.NRGBA { return color.NRGBA{uint8(x), uint8(y), 128, 255} }

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tiffWithGPS builds an EXIF TIFF block: IFD0 with an image description,
// the orientation and a pointer to a GPS IFD with a latitude.
func tiffWithGPS(bo binary.ByteOrder, orientation uint16) []byte {
	const ifd0, gps, lat, desc = 8, 50, 80, 104
	text := "GPS fix at the town hall\x00"
	b := make([]byte, desc+len(text))
	if bo == binary.BigEndian {
		copy(b, "MM\x00*")
	} else {
		copy(b, "II*\x00")
	}
	bo.PutUint32(b[4:], ifd0)
	entry := func(at int, tag, typ uint16, n, val uint32) {
		bo.PutUint16(b[at:], tag)
		bo.PutUint16(b[at+2:], typ)
		bo.PutUint32(b[at+4:], n)
		bo.PutUint32(b[at+8:], val)
	}
	bo.PutUint16(b[ifd0:], 3)
	entry(ifd0+2, 0x010E, 2, uint32(len(text)), desc) // ImageDescription
	entry(ifd0+14, 0x0112, 3, 1, 0)                   // Orientation
	bo.PutUint16(b[ifd0+14+8:], orientation)          // a SHORT sits first
	entry(ifd0+26, 0x8825, 4, 1, gps)                 // GPSInfo IFD
	bo.PutUint16(b[gps:], 2)
	entry(gps+2, 0x0001, 2, 2, 0) // GPSLatitudeRef "N"
	b[gps+2+8] = 'N'
	entry(gps+14, 0x0002, 5, 3, lat) // GPSLatitude 59/1 3/1 0/1
	for i, v := range []uint32{59, 1, 3, 1, 0, 1} {
		bo.PutUint32(b[lat+4*i:], v)
	}
	copy(b[desc:], text)
	return b
}

// withAPP1 inserts an APP1 segment holding payload right after SOI.
func withAPP1(jpg, payload []byte) []byte {
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func exifJPEG(t testing.TB, img image.Image, bo binary.ByteOrder, orientation uint16) []byte {
	return withAPP1(encodeJPEG(t, img), append([]byte("Exif\x00\x00"), tiffWithGPS(bo, orientation)...))
}

// markers lists the JPEG markers up to the start of scan.
func markers(t *testing.T, jpg []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(jpg, []byte{0xFF, 0xD8}) {
		t.Fatal("no SOI")
	}
	var ms []byte
	for i := 2; i+4 <= len(jpg); {
		if jpg[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := jpg[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(jpg[i+2:]))
	}
	return ms
}

// pngHeader returns a PNG signature, an IHDR for w×h RGBA and an IEND, with
// correct CRCs: enough for DecodeConfig.
func pngHeader(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8 bit, RGBA, deflate, no filter, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// jpegClaiming returns a small JPEG whose SOF says w×h.
func jpegClaiming(t testing.TB, w, h uint16) []byte {
	jpg := encodeJPEG(t, fill(16, 16, gradient))
	i := bytes.Index(jpg, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(jpg[i+5:], h)
	binary.BigEndian.PutUint16(jpg[i+7:], w)
	return jpg
}

// minimalPDF returns a one-page PDF with a correct xref table.
func minimalPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
	}
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// smoothJPEG returns a w×h JPEG of soft gradients, quick to make and decode.
func smoothJPEG(t testing.TB, w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8((x + y) * 255 / (w + h))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 100, 150
	}
	return encodeJPEG(t, img)
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkVariants decodes every variant and compares it with what it claims.
func checkVariants(t *testing.T, p *Photo) {
	t.Helper()
	for _, v := range p.Variants {
		cfg, format, err := image.DecodeConfig(bytes.NewReader(v.Data))
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if "image/"+format != v.ContentType || cfg.Width != v.Width || cfg.Height != v.Height {
			t.Fatalf("%s: is %s %d×%d, says %s %d×%d", v.Name, format, cfg.Width, cfg.Height, v.ContentType, v.Width, v.Height)
		}
	}
	if last := p.Variants[len(p.Variants)-1]; last.Name != "full" {
		t.Fatalf("largest variant is %q", last.Name)
	}
}

func decodeVariant(t *testing.T, v Variant) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// --- photos --------------------------------------------------------------

func TestExifStrippedAndRotated(t *testing.T) {
	// 60×40 stored; a red square at the stored top-left, blue elsewhere.
	// Orientation 6 turns it 90° clockwise: 40×60, red at the top-right.
	src := fill(60, 40, func(x, y int) color.NRGBA {
		if x < 20 && y < 20 {
			return color.NRGBA{255, 0, 0, 255}
		}
		return color.NRGBA{0, 0, 255, 255}
	})
	in := exifJPEG(t, src, binary.BigEndian, 6)
	for _, s := range []string{"Exif", "GPS"} {
		if !bytes.Contains(in, []byte(s)) {
			t.Fatalf("test input lacks %q", s)
		}
	}
	p, err := ProcessPhoto(bytes.NewReader(in), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	checkVariants(t, p)
	if p.Width != 40 || p.Height != 60 || len(p.Variants) != 1 {
		t.Fatalf("photo %d×%d with %d variants, want 40×60 with 1", p.Width, p.Height, len(p.Variants))
	}
	out := p.Variants[0]
	if out.Width != 40 || out.Height != 60 || out.ContentType != "image/jpeg" {
		t.Fatalf("variant %s %d×%d", out.ContentType, out.Width, out.Height)
	}
	for _, m := range markers(t, out.Data) {
		if m >= 0xE1 && m <= 0xEF {
			t.Errorf("output has APP%d segment", m-0xE0)
		}
	}
	for _, s := range []string{"Exif", "GPS", "town hall"} {
		if bytes.Contains(out.Data, []byte(s)) {
			t.Errorf("output contains %q", s)
		}
	}
	img := decodeVariant(t, out)
	isRed := func(x, y int) bool { r, g, b, _ := img.At(x, y).RGBA(); return r > 0xc000 && g < 0x4000 && b < 0x4000 }
	if !isRed(35, 5) || isRed(5, 5) || isRed(35, 55) {
		t.Error("red square is not at the top-right after turning")
	}
}

func TestOrientationAllValues(t *testing.T) {
	src := fill(60, 40, gradient)
	for o := uint16(0); o <= 9; o++ {
		for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			in := exifJPEG(t, src, bo, o)
			if got, want := jpegOrientation(in), max(1, int(o)); got != want && o <= 8 {
				t.Errorf("orientation %d (%v): read %d", o, bo, got)
			} else if o > 8 && got != 1 {
				t.Errorf("bad orientation %d read as %d", o, got)
			}
			p, err := ProcessPhoto(bytes.NewReader(in), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			w, h := 60, 40
			if o >= 5 && o <= 8 {
				w, h = 40, 60
			}
			if v := p.Pick("full"); v.Width != w || v.Height != h {
				t.Errorf("orientation %d: %d×%d, want %d×%d", o, v.Width, v.Height, w, h)
			}
		}
	}
}

func TestJPEGOrientationMalformed(t *testing.T) {
	good := exifJPEG(t, fill(8, 8, gradient), binary.LittleEndian, 6)
	tiff := tiffWithGPS(binary.LittleEndian, 6)
	for name, in := range map[string][]byte{
		"no SOI":         good[2:],
		"cut in APP1":    good[:30],
		"short TIFF":     withAPP1(encodeJPEG(t, fill(8, 8, gradient)), []byte("Exif\x00\x00II*\x00")),
		"bad byte order": withAPP1(encodeJPEG(t, fill(8, 8, gradient)), append([]byte("Exif\x00\x00XX"), tiff[2:]...)),
		"IFD past end":   withAPP1(encodeJPEG(t, fill(8, 8, gradient)), append([]byte("Exif\x00\x00"), append(tiff[:4:4], 0xff, 0xff, 0, 0)...)),
		"not Exif APP1":  withAPP1(encodeJPEG(t, fill(8, 8, gradient)), append([]byte("http://ns.adobe.com/xap/1.0/\x00"), tiff...)),
		"empty":          nil,
	} {
		if o := jpegOrientation(in); o != 1 {
			t.Errorf("%s: orientation %d, want 1", name, o)
		}
	}
}

func TestOrient(t *testing.T) {
	// Stored 3×2: a b c / d e f. Each EXIF orientation turns it upright.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range 6 {
		src.Pix[4*i] = byte('a' + i)
	}
	for o, want := range map[int]string{
		1: "abc/def", 2: "cba/fed", 3: "fed/cba", 4: "def/abc",
		5: "ad/be/cf", 6: "da/eb/fc", 7: "fc/eb/da", 8: "cf/be/ad",
	} {
		dst := orient(src, o)
		var rows []string
		for y := range dst.Rect.Dy() {
			var row []byte
			for x := range dst.Rect.Dx() {
				row = append(row, dst.Pix[y*dst.Stride+4*x])
			}
			rows = append(rows, string(row))
		}
		if got := strings.Join(rows, "/"); got != want {
			t.Errorf("orientation %d: %s, want %s", o, got, want)
		}
	}
}

func TestTransparency(t *testing.T) {
	round := func(x, y int) color.NRGBA { // clear outside a circle
		c := gradient(x, y)
		if (x-25)*(x-25)+(y-20)*(y-20) > 18*18 {
			c.A = 0
		}
		return c
	}
	palette := color.Palette{color.NRGBA{0, 0, 0, 0}, color.NRGBA{200, 10, 10, 255}}
	paletted := image.NewPaletted(image.Rect(0, 0, 50, 40), palette)
	for i := range paletted.Pix {
		paletted.Pix[i] = uint8(i % 2)
	}
	opaquePaletted := image.NewPaletted(image.Rect(0, 0, 50, 40), palette)
	for i := range opaquePaletted.Pix {
		opaquePaletted.Pix[i] = 1
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"png with alpha", encodePNG(t, fill(50, 40, round)), "image/png"},
		{"opaque png", encodePNG(t, fill(50, 40, gradient)), "image/jpeg"},
		{"all clear RGBA64", encodePNG(t, image.NewRGBA64(image.Rect(0, 0, 50, 40))), "image/png"},
		{"paletted with tRNS", encodePNG(t, paletted), "image/png"},
		{"paletted opaque", encodePNG(t, opaquePaletted), "image/jpeg"},
		{"gray png", encodePNG(t, image.NewGray(image.Rect(0, 0, 50, 40))), "image/jpeg"},
		{"webp lossless with alpha", readTestdata(t, "alpha-96x64.webp"), "image/png"},
		{"webp lossy with alpha", readTestdata(t, "lossy-alpha-96x64.webp"), "image/png"},
		{"webp lossy opaque", readTestdata(t, "opaque-96x64.webp"), "image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ProcessPhoto(bytes.NewReader(tt.data), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			checkVariants(t, p)
			for _, v := range p.Variants {
				if v.ContentType != tt.want {
					t.Errorf("%s is %s, want %s", v.Name, v.ContentType, tt.want)
				}
			}
			if tt.want == "image/png" {
				img := decodeVariant(t, p.Pick("full"))
				if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
					t.Errorf("corner alpha %d, want clear", a)
				}
			}
		})
	}
}

func TestWebP(t *testing.T) {
	// Made with cwebp from generated PNGs; see testdata/README.md.
	for _, name := range []string{"opaque-96x64.webp", "alpha-96x64.webp", "lossy-alpha-96x64.webp"} {
		in := readTestdata(t, name)
		if Sniff(in) != KindPhoto {
			t.Fatalf("%s not sniffed as photo", name)
		}
		p, err := ProcessPhoto(bytes.NewReader(in), DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkVariants(t, p)
		if p.Width != 96 || p.Height != 64 || len(p.Variants) != 1 {
			t.Fatalf("%s: %d×%d, %d variants", name, p.Width, p.Height, len(p.Variants))
		}
		// The centre is a gradient (red rising to the right), not blank.
		img := decodeVariant(t, p.Variants[0])
		r1, _, _, _ := img.At(30, 32).RGBA()
		r2, _, _, _ := img.At(66, 32).RGBA()
		if r2 <= r1 {
			t.Errorf("%s: picture lost (red %d then %d)", name, r1, r2)
		}
	}
}

func TestVariantSizes(t *testing.T) {
	type size struct {
		name string
		w, h int
	}
	tests := []struct {
		w, h int
		want []size
	}{
		{3000, 2000, []size{{"thumb", 320, 213}, {"page", 1024, 683}, {"full", 2048, 1365}}},
		{1200, 1800, []size{{"thumb", 320, 480}, {"page", 1024, 1536}, {"full", 1200, 1800}}},
		{5000, 1000, []size{{"thumb", 320, 64}, {"page", 1024, 205}, {"full", 2048, 410}}},
		// Never upscaled: sizes the photo is not larger than are left out.
		{500, 300, []size{{"thumb", 320, 192}, {"full", 500, 300}}},
		{320, 200, []size{{"full", 320, 200}}},
		{1, 1, []size{{"full", 1, 1}}},
		// Tall images are bounded by height too (2× the width of the box).
		{100, 5000, []size{{"thumb", 13, 640}, {"page", 41, 2048}, {"full", 82, 4096}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d", tt.w, tt.h), func(t *testing.T) {
			p, err := ProcessPhoto(bytes.NewReader(smoothJPEG(t, tt.w, tt.h)), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			checkVariants(t, p)
			var got []size
			for _, v := range p.Variants {
				got = append(got, size{v.Name, v.Width, v.Height})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if p.Width != tt.w || p.Height != tt.h {
				t.Errorf("photo %d×%d", p.Width, p.Height)
			}
		})
	}
}

func TestPick(t *testing.T) {
	p, err := ProcessPhoto(bytes.NewReader(Generate(1, 500, 300)), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"thumb": "thumb", "page": "full", "full": "full", "other": "full"} {
		if got := p.Pick(name).Name; got != want {
			t.Errorf("Pick(%q) = %q, want %q", name, got, want)
		}
	}
	if v := (&Photo{}).Pick("page"); v.Data != nil {
		t.Errorf("zero photo picked %+v", v)
	}
}

func TestProcessPhotoErrors(t *testing.T) {
	jpg := encodeJPEG(t, fill(100, 80, gradient))
	pngData := encodePNG(t, fill(100, 80, gradient))
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		want   string
	}{
		{"empty", nil, Limits{}, KeyUploadEmpty},
		{"PDF named .jpg", minimalPDF(), Limits{}, KeyUploadType},
		{"text", []byte("hello, world"), Limits{}, KeyUploadType},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), Limits{}, KeyUploadType},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), Limits{}, KeyUploadType},
		{"too large", jpg, Limits{MaxBytes: int64(len(jpg)) - 1}, KeyUploadTooLarge},
		{"just fits", jpg, Limits{MaxBytes: int64(len(jpg))}, ""},
		{"truncated JPEG", jpg[:len(jpg)/2], Limits{}, KeyUploadCorrupt},
		{"JPEG header only", jpg[:3], Limits{}, KeyUploadCorrupt},
		{"truncated PNG", pngData[:len(pngData)/2], Limits{}, KeyUploadCorrupt},
		{"bad PNG CRC", append(append([]byte{}, pngData[:29]...), 0, 0, 0, 0), Limits{}, KeyUploadCorrupt},
		{"garbage WebP", []byte("RIFF\x20\x00\x00\x00WEBPVP8 \x10\x00\x00\x00garbage-garbage!"), Limits{}, KeyUploadCorrupt},
		{"PNG bomb", pngHeader(50000, 50000), Limits{}, KeyUploadPixels},
		{"JPEG bomb", jpegClaiming(t, 60000, 60000), Limits{}, KeyUploadPixels},
		{"PNG zero size", pngHeader(0, 10), Limits{}, KeyUploadCorrupt},
		{"over MaxPixels", jpg, Limits{MaxPixels: 100*80 - 1}, KeyUploadPixels},
		{"at MaxPixels", jpg, Limits{MaxPixels: 100 * 80}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ProcessPhoto(bytes.NewReader(tt.data), tt.limits)
			if got := uploadKey(t, err); got != tt.want {
				t.Fatalf("key %q (%v), want %q", got, err, tt.want)
			}
			if err == nil {
				checkVariants(t, p)
			}
		})
	}
}

func TestDecompressionBombAllocatesLittle(t *testing.T) {
	bomb := pngHeader(50000, 50000) // 2.5 gigapixels, 10 GB as RGBA
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := ProcessPhoto(bytes.NewReader(bomb), DefaultLimits())
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if k := uploadKey(t, err); k != KeyUploadPixels {
		t.Fatalf("key %q, want %q", k, KeyUploadPixels)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 10<<20 {
		t.Errorf("allocated %d bytes for a refused bomb", alloc)
	}
	if elapsed > 2*time.Second {
		t.Errorf("took %v", elapsed)
	}
	allocs := testing.AllocsPerRun(20, func() { ProcessPhoto(bytes.NewReader(bomb), DefaultLimits()) })
	if allocs > 100 {
		t.Errorf("%v allocations a run", allocs)
	}
}

// errReader fails after giving some bytes, like a client that hangs up.
type errReader struct{ n int }

func (r *errReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(r.n, len(p))
	r.n -= n
	return n, nil
}

func TestReadErrorIsNotAnUploadError(t *testing.T) {
	_, err := ProcessPhoto(&errReader{n: 10}, DefaultLimits())
	if !errors.Is(err, io.ErrUnexpectedEOF) || ortsplan.ErrorCode(err) != ortsplan.EINTERNAL {
		t.Fatalf("got %v", err)
	}
}

func TestReadStopsAtLimit(t *testing.T) {
	// An endless body is read no further than MaxBytes+1.
	r := &countingReader{}
	_, err := ProcessPhoto(r, Limits{MaxBytes: 1000})
	if k := uploadKey(t, err); k != KeyUploadTooLarge {
		t.Fatalf("key %q", k)
	}
	if r.n > 1001 {
		t.Fatalf("read %d bytes", r.n)
	}
}

type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	r.n += len(p)
	return len(p), nil
}

// --- PDF and sniffing ----------------------------------------------------

func TestCheckPDF(t *testing.T) {
	pdf := minimalPDF()
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		want   string
	}{
		{"minimal PDF", pdf, Limits{}, ""},
		{"trailing newlines", append(append([]byte{}, pdf...), "\r\n\r\n"...), Limits{}, ""},
		{"JPEG", encodeJPEG(t, fill(10, 10, gradient)), Limits{}, KeyUploadType},
		{"HTML", []byte("<html>%PDF-1.4 %%EOF</html>"), Limits{}, KeyUploadType},
		{"empty", nil, Limits{}, KeyUploadEmpty},
		{"truncated", pdf[:len(pdf)-20], Limits{}, KeyUploadCorrupt},
		{"%%EOF far from the end", append(append([]byte{}, pdf...), bytes.Repeat([]byte("x"), 2000)...), Limits{}, KeyUploadCorrupt},
		{"too large", pdf, Limits{MaxBytes: 100}, KeyUploadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckPDF(bytes.NewReader(tt.data), tt.limits)
			if k := uploadKey(t, err); k != tt.want {
				t.Fatalf("key %q (%v), want %q", k, err, tt.want)
			}
			if err == nil && !bytes.Equal(got, tt.data) {
				t.Fatal("bytes changed")
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head []byte
		want string
	}{
		{encodeJPEG(t, fill(4, 4, gradient))[:12], KindPhoto},
		{encodePNG(t, fill(4, 4, gradient))[:12], KindPhoto},
		{readTestdata(t, "opaque-96x64.webp")[:12], KindPhoto},
		{[]byte("%PDF-1.7\n"), KindPDF},
		{[]byte("RIFF\x00\x00\x00\x00WAVE"), ""},
		{[]byte("GIF89a"), ""},
		{[]byte("\xFF\xD8"), ""},
		{[]byte("<?xml"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Sniff(tt.head); got != tt.want {
			t.Errorf("Sniff(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

// --- storage -------------------------------------------------------------

func TestDirStorage(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "files")
	s, err := NewDirStorage(root)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("photo bytes")
	if err := s.Put(ctx, "photos/2024/ab-1_x.page.jpg", data, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "doc", []byte("%PDF-"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "guess.png", []byte("x"), ""); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"photos/2024/ab-1_x.page.jpg": "image/jpeg", "doc": "application/pdf", "guess.png": "image/png"} {
		f, info, err := s.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if info.ContentType != want || info.Size != int64(len(got)) || info.ModTime.IsZero() {
			t.Errorf("%s: info %+v", key, info)
		}
	}
	f, _, err := s.Open(ctx, "photos/2024/ab-1_x.page.jpg")
	if err != nil {
		t.Fatal(err)
	}
	f.Seek(6, io.SeekStart)
	rest, _ := io.ReadAll(f)
	f.Close()
	if string(rest) != "bytes" {
		t.Errorf("after seek: %q", rest)
	}

	// Replace, then delete; deleting twice is fine.
	if err := s.Put(ctx, "doc", []byte("new"), "text/plain"); err != nil {
		t.Fatal(err)
	}
	f, info, _ := s.Open(ctx, "doc")
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != "new" || info.ContentType != "text/plain" {
		t.Errorf("replaced: %q %+v", got, info)
	}
	for range 2 {
		if err := s.Delete(ctx, "doc"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Open(ctx, "doc"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
		t.Errorf("open deleted: %v", err)
	}
	if _, _, err := s.Open(ctx, "photos"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
		t.Errorf("open folder: %v", err)
	}

	// No temp files are left; only files and their type sidecars.
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temp file left: %s", p)
		}
		return err
	})

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Put(cancelled, "x", data, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("put with cancelled context: %v", err)
	}
}

func TestStorageBadKeys(t *testing.T) {
	ctx := context.Background()
	s, err := NewDirStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		"../x", "/abs", "A B", "", "a//b", "a/", "a/../b", "..", ".", ".hidden", "a/.x.type",
		"a..b", `a\b`, "Photo.jpg", "ä.jpg", "a\x00b", strings.Repeat("a", 513),
	} {
		var e *ortsplan.Error
		if err := s.Put(ctx, key, []byte("x"), ""); !errors.As(err, &e) || e.Code != ortsplan.EINVALID || e.Key != KeyStorageKey {
			t.Errorf("Put(%q): %v", key, err)
		}
		if _, _, err := s.Open(ctx, key); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("Open(%q): %v", key, err)
		}
		if err := s.Delete(ctx, key); ortsplan.ErrorCode(err) != ortsplan.EINVALID {
			t.Errorf("Delete(%q): %v", key, err)
		}
	}
	for _, key := range []string{"a", "a/b/c.jpg", "x-1_2.page.jpg", "0"} {
		if err := CheckKey(key); err != nil {
			t.Errorf("CheckKey(%q): %v", key, err)
		}
	}
}

func TestStorageSymlinkCannotEscape(t *testing.T) {
	ctx := context.Background()
	outside, root := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Skip(err)
	}
	s := &DirStorage{Root: root}
	if err := s.Put(ctx, "link/x", []byte("x"), ""); err == nil {
		t.Error("wrote through a symlink out of the root")
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("files outside the root: %v", entries)
	}
}

func TestStorageAtomicWrite(t *testing.T) {
	// A reader racing a writer sees one whole version or the other.
	ctx := context.Background()
	s, err := NewDirStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	versions := [][]byte{bytes.Repeat([]byte("a"), 256<<10), bytes.Repeat([]byte("b"), 256<<10)}
	if err := s.Put(ctx, "f", versions[0], ""); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 40 {
			if err := s.Put(ctx, "f", versions[i%2], ""); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 200 {
		f, _, err := s.Open(ctx, "f")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, versions[0]) && !bytes.Equal(got, versions[1]) {
			t.Fatalf("read a mixed or partial file of %d bytes", len(got))
		}
	}
	wg.Wait()
	entries, _ := os.ReadDir(s.Root)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if fmt.Sprint(names) != "[.f.type f]" {
		t.Errorf("files left: %v", names)
	}
}

// --- generated pictures --------------------------------------------------

func TestGenerate(t *testing.T) {
	for _, tt := range []struct{ seed, w, h int }{{1, 640, 480}, {2, 300, 500}, {5, 33, 7}, {-4, 1, 1}, {9, 0, -3}} {
		a, b := Generate(int64(tt.seed), tt.w, tt.h), Generate(int64(tt.seed), tt.w, tt.h)
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d: not deterministic", tt.seed)
		}
		img, err := jpeg.Decode(bytes.NewReader(a))
		if err != nil {
			t.Fatal(err)
		}
		if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != max(tt.w, 1) || h != max(tt.h, 1) {
			t.Errorf("seed %d: %d×%d, want %d×%d", tt.seed, w, h, tt.w, tt.h)
		}
	}
	seen := map[string]bool{}
	for seed := range int64(6) {
		seen[string(Generate(seed, 160, 120))] = true
	}
	if len(seen) != 6 {
		t.Errorf("6 seeds gave %d different pictures", len(seen))
	}
}

// --- fuzzing and benchmarks ----------------------------------------------

func FuzzProcessPhoto(f *testing.F) {
	f.Add(encodeJPEG(f, fill(20, 12, gradient)))
	f.Add(exifJPEG(f, fill(20, 12, gradient), binary.LittleEndian, 8))
	f.Add(encodePNG(f, fill(20, 12, func(x, y int) color.NRGBA { return color.NRGBA{1, 2, 3, uint8(x * y)} })))
	f.Add(pngHeader(3000, 3000))
	f.Add(jpegClaiming(f, 2000, 2000))
	f.Add(readTestdata(f, "alpha-96x64.webp"))
	f.Add(readTestdata(f, "lossy-alpha-96x64.webp"))
	f.Add(readTestdata(f, "opaque-96x64.webp"))
	f.Add(minimalPDF())
	limits := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ProcessPhoto(bytes.NewReader(data), limits)
		if err != nil {
			switch k := uploadKey(t, err); k {
			case KeyUploadType, KeyUploadTooLarge, KeyUploadPixels, KeyUploadCorrupt, KeyUploadEmpty:
			default:
				t.Fatalf("unknown key %q", k)
			}
			return
		}
		if len(p.Variants) == 0 || len(p.Variants) > 3 {
			t.Fatalf("%d variants", len(p.Variants))
		}
		for _, v := range p.Variants {
			spec := variantSpecs[variantRank(v.Name)]
			if v.Width < 1 || v.Height < 1 || v.Width > spec.w || v.Height > spec.h ||
				v.Width*v.Height > limits.MaxPixels || v.Width > p.Width || v.Height > p.Height {
				t.Fatalf("%s is %d×%d (photo %d×%d)", v.Name, v.Width, v.Height, p.Width, p.Height)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(v.Data))
			if err != nil || cfg.Width != v.Width || cfg.Height != v.Height {
				t.Fatalf("%s does not decode as %d×%d: %v", v.Name, v.Width, v.Height, err)
			}
		}
	})
}

func BenchmarkProcessPhoto(b *testing.B) {
	jpg := Generate(42, 4000, 3000)
	b.SetBytes(int64(len(jpg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ProcessPhoto(bytes.NewReader(jpg), DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}
