package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"runtime"
	"testing"
)

// pngChunk returns one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// withChunkAfterIHDR inserts a chunk after a PNG's IHDR.
func withChunkAfterIHDR(p []byte, typ string, data []byte) []byte {
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, pngChunk(typ, data)...)
	return append(out, p[afterIHDR:]...)
}

// interlacedPNG encodes img as a 16-bit RGBA PNG with Adam7 interlacing,
// which image/png does not write.
func interlacedPNG(t testing.TB, img *image.NRGBA64) []byte {
	t.Helper()
	w, h := img.Rect.Dx(), img.Rect.Dy()
	passes := []struct{ x0, y0, dx, dy int }{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var raw bytes.Buffer
	for _, p := range passes {
		for y := p.y0; y < h; y += p.dy {
			if p.x0 >= w {
				continue
			}
			raw.WriteByte(0) // filter: none
			for x := p.x0; x < w; x += p.dx {
				i := img.PixOffset(x, y)
				raw.Write(img.Pix[i : i+8])
			}
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 16, 6, 0, 0, 1) // 16 bit, RGBA, deflate, no filter, Adam7
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

func noisy64(w, h int, alpha bool) *image.NRGBA64 {
	img := image.NewNRGBA64(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint16(0xffff)
			if alpha && (x+y)%7 == 0 {
				a = 0x8000
			}
			img.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 97), uint16(y * 131), uint16((x ^ y) * 61), a})
		}
	}
	return img
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecodeBytesBoundsAllocation decodes photos of every kind the decoders
// treat differently and checks that DecodeBytes, read from the header
// alone, is at least what decoding allocated, and not far above it.
func TestDecodeBytesBoundsAllocation(t *testing.T) {
	const w, h = 640, 480
	grey := image.NewGray(image.Rect(0, 0, w, h))
	grey16 := image.NewGray16(image.Rect(0, 0, w, h))
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White, color.NRGBA{200, 0, 0, 255}})
	for i := range grey.Pix {
		grey.Pix[i], pal.Pix[i] = uint8(i*7), uint8(i%3)
	}
	for i := range grey16.Pix {
		grey16.Pix[i] = uint8(i * 13)
	}
	greyPNG := encodePNG(t, grey)
	cases := []struct {
		name string
		data []byte
		bpp  float64 // bytes a pixel of the image returned, for the log
	}{
		{"PNG RGBA 8-bit", encodePNG(t, fill(w, h, func(x, y int) color.NRGBA { return color.NRGBA{uint8(x), uint8(y), 9, uint8(x ^ y)} })), 4},
		{"PNG RGB 8-bit", encodePNG(t, fill(w, h, gradient)), 4},
		{"PNG RGBA 16-bit", encodePNG(t, noisy64(w, h, true)), 8},
		{"PNG RGB 16-bit", encodePNG(t, noisy64(w, h, false)), 8},
		{"PNG grey", greyPNG, 1},
		{"PNG grey 16-bit", encodePNG(t, grey16), 2},
		{"PNG grey with tRNS (decodes to NRGBA)", withChunkAfterIHDR(greyPNG, "tRNS", []byte{0, 0}), 4},
		{"PNG paletted", encodePNG(t, pal), 1},
		{"PNG RGBA 16-bit interlaced", interlacedPNG(t, noisy64(w, h, true)), 8},
		{"JPEG baseline 4:2:0", smoothJPEG(t, w, h), 1.5},
		{"JPEG baseline 4:4:4", readTestdata(t, "baseline444-640x480.jpg"), 3},
		{"JPEG grey", encodeJPEG(t, grey), 1},
		{"JPEG RGB", readTestdata(t, "rgb-640x480.jpg"), 3 + 4},
		{"JPEG progressive 4:2:0", readTestdata(t, "progressive420-640x480.jpg"), 1.5 + 6},
		{"JPEG progressive 4:4:4", readTestdata(t, "progressive444-640x480.jpg"), 3 + 12},
		{"JPEG progressive grey", readTestdata(t, "progressive-grey-640x480.jpg"), 1 + 4},
		{"WebP lossy", readTestdata(t, "lossy-640x480.webp"), 1.5},
		{"WebP lossy with alpha", readTestdata(t, "lossy-alpha-640x480.webp"), 2.5},
		{"WebP lossless", readTestdata(t, "lossless-640x480.webp"), 4},
	}
	limits := Limits{MaxPixels: 1 << 30, MaxDecodeBytes: 1 << 40}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			need, ok := DecodeBytes(c.data)
			if !ok {
				t.Fatal("DecodeBytes cannot read the header")
			}
			var err error
			got := allocated(func() { _, err = decodePhoto(c.data, limits) })
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("estimated %d, allocated %d (%.1f bytes a pixel; the image itself %.1f)", need, got, float64(got)/(w*h), c.bpp)
			if uint64(need) < got {
				t.Errorf("DecodeBytes says %d, decoding allocated %d", need, got)
			}
			if over := need - int64(got); over > decodeSlack+int64(w*h*6) {
				t.Errorf("DecodeBytes says %d, %d more than decoding allocated", need, over)
			}
		})
	}
}

// TestDecodeBytesRefusals: a photo whose decoding needs more than
// MaxDecodeBytes is refused with error.upload_memory before it is decoded,
// however few bytes the file has; one within the budget passes.
func TestDecodeBytesRefusals(t *testing.T) {
	// 16-bit RGBA PNG, 1000×1000: 8 MB decoded, a few hundred KB as a file.
	png16 := encodePNG(t, noisy64(1000, 1000, true))
	png8 := encodePNG(t, fill(1000, 1000, gradient))
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		want   string
	}{
		{"16-bit PNG over the budget", png16, Limits{MaxDecodeBytes: 8 << 20}, KeyUploadMemory},
		{"16-bit PNG within it", png16, Limits{MaxDecodeBytes: 12 << 20}, ""},
		{"8-bit PNG of the same size within it", png8, Limits{MaxDecodeBytes: 8 << 20}, ""},
		{"pixels are checked first", png16, Limits{MaxPixels: 999_999, MaxDecodeBytes: 1 << 20}, KeyUploadPixels},
		{"the attacker's 6300×6300 16-bit PNG, as a resident", pngHeader16(6300, 6300), ResidentLimits(), KeyUploadPixels},
		{"the same at 3400×3400 (11.6 MP), as a resident", pngHeader16(3400, 3400), ResidentLimits(), KeyUploadMemory},
		{"a 12 MP 8-bit PNG, as a resident", pngHeaderBits(4000, 3000, 8), ResidentLimits(), KeyUploadCorrupt}, // passes both checks, then has no pixels
		{"a 40 MP progressive JPEG, as staff", progressiveClaiming(t, 7740, 5160), DefaultLimits(), KeyUploadMemory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			alloc := allocated(func() { _, err = ProcessPhoto(bytes.NewReader(tt.data), tt.limits) })
			if k := uploadKey(t, err); k != tt.want {
				t.Fatalf("key %q (%v), want %q", k, err, tt.want)
			}
			if tt.want == KeyUploadMemory && alloc > 4<<20 {
				t.Errorf("a refusal allocated %d bytes", alloc)
			}
		})
	}
}

// pngHeader16 is pngHeader for a 16-bit RGBA image.
func pngHeader16(w, h uint32) []byte { return pngHeaderBits(w, h, 16) }

func pngHeaderBits(w, h uint32, depth byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, 6, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// progressiveClaiming returns the progressive test JPEG with its SOF2 saying w×h.
func progressiveClaiming(t testing.TB, w, h uint16) []byte {
	jpg := append([]byte{}, readTestdata(t, "progressive420-640x480.jpg")...)
	i := bytes.Index(jpg, []byte{0xFF, 0xC2})
	if i < 0 {
		t.Fatal("no SOF2")
	}
	binary.BigEndian.PutUint16(jpg[i+5:], h)
	binary.BigEndian.PutUint16(jpg[i+7:], w)
	return jpg
}

func TestDecodeBytesUnreadable(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("\x89PNG\r\n\x1a\n"), {0xFF, 0xD8, 0xFF}, []byte("RIFF\x04\x00\x00\x00WEBP"), []byte("GIF89a")} {
		if n, ok := DecodeBytes(data); ok {
			t.Errorf("%q: %d, want not ok", data, n)
		}
	}
}

// TestPrecheck: from the first bytes of a file, a photo with too many pixels
// or too much to decode is refused with the key ProcessPhoto would give;
// anything it cannot tell from the head passes on to ProcessPhoto.
func TestPrecheck(t *testing.T) {
	jpg := smoothJPEG(t, 640, 480)
	tests := []struct {
		name   string
		head   []byte
		limits Limits
		want   string
	}{
		{"the attacker's PNG, as a resident", pngHeader16(6300, 6300), ResidentLimits(), KeyUploadPixels},
		{"the attacker's PNG, as staff", pngHeader16(6300, 6300), DefaultLimits(), KeyUploadMemory},
		{"a 12 MP 16-bit PNG, as a resident", pngHeader16(4000, 3000), ResidentLimits(), KeyUploadMemory},
		{"a 40 MP progressive JPEG, as staff", progressiveClaiming(t, 7740, 5160)[:PrecheckHead/8], DefaultLimits(), KeyUploadMemory},
		{"a photo within the limits", jpg, ResidentLimits(), ""},
		{"the first bytes of a JPEG", jpg[:20], ResidentLimits(), ""},
		{"a PDF", minimalPDF(), ResidentLimits(), ""},
		{"nothing", nil, ResidentLimits(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if k := uploadKey(t, Precheck(tt.head, tt.limits)); k != tt.want {
				t.Fatalf("key %q, want %q", k, tt.want)
			}
		})
	}
}
