package media

import "encoding/binary"

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG, read from the
// first APP1 "Exif" segment before the image data, or 1 when there is none
// or it cannot be read.
func jpegOrientation(b []byte) int {
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	i := 2
	for i+2 <= len(b) {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		i += 2
		switch {
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8:
			continue // no length: TEM, RSTn, SOI
		case marker == 0xDA || marker == 0xD9:
			return 1 // image data or end: no EXIF before it
		}
		if i+2 > len(b) {
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return 1
		}
		seg := b[i+2 : i+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return exifOrientation(seg[6:])
		}
		i += n
	}
	return 1
}

// exifOrientation reads tag 0x0112 from IFD0 of a TIFF structure, or 1.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for k := range count {
		e := off + 2 + 12*int64(k)
		if e+12 > int64(len(t)) {
			break
		}
		tag, typ, n := bo.Uint16(t[e:]), bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:])
		if tag != 0x0112 {
			continue
		}
		if typ != 3 || n != 1 { // SHORT, one value, stored in the entry
			return 1
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
