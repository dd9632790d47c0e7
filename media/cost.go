package media

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// decodeSlack covers what every decoder allocates besides the pixels: the
// zlib window and Huffman tables of PNG, the JPEG decoder's tables and
// buffers, the WebP bit readers.
const decodeSlack = 1 << 20

// DecodeBytes returns an upper bound, in bytes, of the memory that decoding
// the photo in data allocates, read from its header before anything is
// decoded; ok is false when the header cannot be read. It counts what the
// decoders of the standard library and golang.org/x/image/webp really
// allocate, which is not always what image.DecodeConfig's colour model
// suggests:
//
//	PNG    the pixels at 1, 2, 4 or 8 bytes each by colour type and bit depth
//	       (a grey PNG with a tRNS chunk decodes to NRGBA, 4 or 8 bytes); an
//	       interlaced PNG twice that, as each of its seven passes is an image
//	       of its own; plus two rows
//	JPEG   every component's plane, rounded up to whole MCUs (1.5 bytes a
//	       pixel at 4:2:0, 3 at 4:4:4); a progressive JPEG also keeps every
//	       coefficient, 4 bytes per sample; a CMYK or RGB JPEG is converted
//	       into one more image of 4 bytes a pixel
//	WebP   lossy 1.5 bytes a pixel plus the compressed data; its alpha
//	       plane 1 byte a pixel, or 10 when it is itself compressed
//	       losslessly; lossless 9 bytes a pixel (the pixels, the
//	       colour-indexing transform's copy and the entropy images)
//
// plus decodeSlack for tables and buffers. TestDecodeBytesBoundsAllocation
// checks the bound against what the decoders allocate.
func DecodeBytes(data []byte) (n int64, ok bool) {
	var err error
	switch photoFormat(data) {
	case "png":
		n, err = pngDecodeBytes(data)
	case "jpeg":
		n, err = jpegDecodeBytes(data)
	case "webp":
		n, err = webpDecodeBytes(data)
	default:
		return 0, false
	}
	if err != nil {
		return 0, false
	}
	return n + decodeSlack, true
}

var errHeader = errors.New("media: cannot read the header")

// pngDecodeBytes reads IHDR and looks for tRNS before the first IDAT.
func pngDecodeBytes(data []byte) (int64, error) {
	// Signature (8), IHDR length and type (8), IHDR data (13).
	if len(data) < 8+8+13 || string(data[12:16]) != "IHDR" {
		return 0, errHeader
	}
	ihdr := data[16:29]
	w, h := int64(binary.BigEndian.Uint32(ihdr[0:4])), int64(binary.BigEndian.Uint32(ihdr[4:8]))
	depth, colour, interlace := ihdr[8], ihdr[9], ihdr[12]
	if w <= 0 || h <= 0 || w > 1<<31 || h > 1<<31 {
		return 0, errHeader
	}
	if w*h > 1<<50 { // keeps the products below from overflowing; far over any limit anyway
		return 1 << 56, nil
	}
	trns := false
	for p := 8; p+8 <= len(data); {
		length := int64(binary.BigEndian.Uint32(data[p : p+4]))
		typ := string(data[p+4 : p+8])
		if typ == "IDAT" || typ == "IEND" {
			break
		}
		if typ == "tRNS" {
			trns = true
		}
		next := int64(p) + 12 + length
		if next > int64(len(data)) {
			break
		}
		p = int(next)
	}
	var bpp int64 // bytes a pixel of the image the decoder returns
	wide := depth == 16
	switch colour {
	case 0: // grey: Gray or Gray16, NRGBA or NRGBA64 with tRNS
		switch {
		case trns && wide:
			bpp = 8
		case trns:
			bpp = 4
		case wide:
			bpp = 2
		default:
			bpp = 1
		}
	case 3: // palette
		bpp = 1
	case 2, 4, 6: // RGB, grey with alpha, RGBA: RGBA or NRGBA, 64-bit when 16-bit
		bpp = 4
		if wide {
			bpp = 8
		}
	default:
		return 0, errHeader
	}
	n := w * h * bpp
	if interlace == 1 {
		n *= 2 // the whole image, and the seven passes that add up to it
	}
	// The current and previous row of the raw data, at most 8 bytes a pixel.
	n += 2 * (8*w + 1)
	return n, nil
}

// jpegDecodeBytes reads the frame header (SOF0, SOF1 or SOF2, the kinds
// image/jpeg decodes) and whether an Adobe APP14 segment asks for RGB.
func jpegDecodeBytes(data []byte) (int64, error) {
	type comp struct {
		id   byte
		h, v int64
	}
	var (
		comps       []comp
		progressive bool
		w, h        int64
	)
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return 0, errHeader
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 {
			p += 2
			continue
		}
		length := int(binary.BigEndian.Uint16(data[p+2 : p+4]))
		if length < 2 || p+2+length > len(data) {
			return 0, errHeader
		}
		seg := data[p+4 : p+2+length]
		switch marker {
		case 0xC0, 0xC1, 0xC2:
			if len(seg) < 6 {
				return 0, errHeader
			}
			progressive = marker == 0xC2
			h, w = int64(binary.BigEndian.Uint16(seg[1:3])), int64(binary.BigEndian.Uint16(seg[3:5]))
			n := int(seg[5])
			if (n != 1 && n != 3 && n != 4) || len(seg) < 6+3*n {
				return 0, errHeader
			}
			for i := range n {
				c := seg[6+3*i : 9+3*i]
				comps = append(comps, comp{id: c[0], h: int64(c[1] >> 4), v: int64(c[1] & 0x0f)})
			}
		}
		if comps != nil {
			break
		}
		p += 2 + length
	}
	if comps == nil || w <= 0 || h <= 0 {
		return 0, errHeader
	}
	if len(comps) == 1 {
		comps[0].h, comps[0].v = 1, 1 // a grey JPEG's MCU is always one block
	}
	var hmax, vmax int64 = 1, 1
	for _, c := range comps {
		if c.h < 1 || c.v < 1 || c.h > 4 || c.v > 4 {
			return 0, errHeader
		}
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	mxx, myy := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	var n int64
	for i, c := range comps {
		if i == 2 && len(comps) >= 3 {
			c.h, c.v = comps[1].h, comps[1].v // image.NewYCbCr gives Cr the size of Cb
		}
		plane := 64 * mxx * myy * c.h * c.v
		// The chroma planes of image.NewYCbCr are rounded up by one sample.
		n += plane + 2*(8*mxx*c.h+8*myy*c.v) + 1
		if progressive {
			n += 4 * plane // a block of 64 int32 coefficients for every 64 samples
		}
	}
	switch {
	case len(comps) == 4:
		n += 4 * w * h // converted into an image.CMYK
	case len(comps) == 3 && jpegMaybeRGB(data, comps[0].id, comps[1].id, comps[2].id):
		n += 4 * w * h // converted into an image.RGBA
	}
	return n, nil
}

// jpegMaybeRGB reports whether image/jpeg may take a three-component JPEG
// for RGB and convert it: its components are named R, G and B, or an Adobe
// APP14 segment anywhere in the file says "unknown" (transform 0). A marker
// cannot hide in entropy-coded data (a 0xFF there is always followed by 0x00
// or a restart marker), so looking at every occurrence errs only towards RGB.
func jpegMaybeRGB(data []byte, c0, c1, c2 byte) bool {
	if c0 == 'R' && c1 == 'G' && c2 == 'B' {
		return true
	}
	for rest := data; ; {
		i := bytes.Index(rest, []byte("\xFF\xEE"))
		if i < 0 {
			return false
		}
		seg := rest[i+2:]
		// Length (2), "Adobe" (5), version (2), flags0 (2), flags1 (2), transform (1).
		if len(seg) >= 14 && string(seg[2:7]) == "Adobe" && seg[13] == 0 {
			return true
		}
		rest = rest[i+2:]
	}
}

// webpDecodeBytes walks the RIFF chunks to the image data.
func webpDecodeBytes(data []byte) (int64, error) {
	if len(data) < 12 {
		return 0, errHeader
	}
	var (
		w, h  int64
		alpha int64 // bytes a pixel of the alpha plane
	)
	for p := 12; p+8 <= len(data); {
		id := string(data[p : p+4])
		size := int64(binary.LittleEndian.Uint32(data[p+4 : p+8]))
		body := data[p+8:]
		if size < int64(len(body)) {
			body = body[:size]
		}
		switch id {
		case "VP8X":
			if len(body) < 10 {
				return 0, errHeader
			}
			w = int64(uint32(body[4])|uint32(body[5])<<8|uint32(body[6])<<16) + 1
			h = int64(uint32(body[7])|uint32(body[8])<<8|uint32(body[9])<<16) + 1
		case "ALPH":
			if len(body) < 1 {
				return 0, errHeader
			}
			alpha = 1
			if body[0]&0x03 == 1 { // compressed losslessly: decoded as a VP8L image, then copied
				alpha = 1 + 9
			}
		case "VP8 ":
			// Frame tag (3), start code (3), width (2) and height (2), 14 bits each.
			if len(body) < 10 {
				return 0, errHeader
			}
			fw := int64(binary.LittleEndian.Uint16(body[6:8]) & 0x3fff)
			fh := int64(binary.LittleEndian.Uint16(body[8:10]) & 0x3fff)
			if fw <= 0 || fh <= 0 {
				return 0, errHeader
			}
			mbw, mbh := (fw+15)/16, (fh+15)/16
			// A 4:2:0 image of whole macroblocks, per-macroblock state, the
			// partitions copied, and the alpha plane.
			return 256*mbw*mbh*3/2 + 64*mbw*mbh + int64(len(body)) + alpha*max(fw*fh, w*h), nil
		case "VP8L":
			// Signature (1), then width-1 and height-1 in 14 bits each.
			if len(body) < 5 || body[0] != 0x2f {
				return 0, errHeader
			}
			bits := binary.LittleEndian.Uint32(body[1:5])
			lw, lh := int64(bits&0x3fff)+1, int64((bits>>14)&0x3fff)+1
			return 9 * lw * lh, nil
		}
		p += 8 + int(size) + int(size&1)
		if size > int64(len(data)) {
			break
		}
	}
	return 0, errHeader
}
