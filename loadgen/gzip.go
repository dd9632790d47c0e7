package loadgen

import (
	"bytes"
	"compress/gzip"
	"io"
)

// gunzipIf returns b decompressed when it is gzip data, else b.
func gunzipIf(b []byte) []byte {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return b
	}
	return out
}
