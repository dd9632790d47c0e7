package media

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/ortsplan/ortsplan"
)

// StoreUpload judges an upload by its content, processes it (a photo is
// re-encoded in several sizes, a PDF checked) and writes the result to st under
// keys that begin with base. With keepOriginal a photo's original bytes, EXIF
// and all, are kept too as the variant "original" (for staff only). It returns
// the file record to save; on any error nothing stays in storage.
func StoreUpload(ctx context.Context, st Storage, base string, r io.Reader, limits Limits, keepOriginal bool) (*ortsplan.MeetingFile, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, uploadError("error.upload_corrupt", err)
	}
	head = head[:n]
	body := io.MultiReader(bytes.NewReader(head), r)
	f := &ortsplan.MeetingFile{}
	put := func(v ortsplan.FileVariant, data []byte) error {
		f.Variants = append(f.Variants, v)
		if err := st.Put(ctx, v.Key, data, v.ContentType); err != nil {
			RemoveVariants(ctx, st, f)
			return fmt.Errorf("media: store %s: %w", v.Key, err)
		}
		return nil
	}
	switch Sniff(head) {
	case "photo":
		var orig bytes.Buffer
		src := body
		if keepOriginal {
			src = io.TeeReader(body, &orig)
		}
		p, err := ProcessPhoto(src, limits)
		if err != nil {
			return nil, err
		}
		f.Kind, f.Width, f.Height = ortsplan.FilePhoto, p.Width, p.Height
		for _, v := range p.Variants {
			ext := ".jpg"
			if v.ContentType == "image/png" {
				ext = ".png"
			}
			f.Size += int64(len(v.Data))
			if err := put(ortsplan.FileVariant{Name: v.Name, Key: base + "-" + v.Name + ext, Width: v.Width, Height: v.Height,
				ContentType: v.ContentType, Size: int64(len(v.Data))}, v.Data); err != nil {
				return nil, err
			}
		}
		if keepOriginal {
			typ := map[string]string{"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[photoFormat(head)]
			if err := put(ortsplan.FileVariant{Name: "original", Key: base + "-original", Width: p.Width, Height: p.Height,
				ContentType: typ, Size: int64(orig.Len())}, orig.Bytes()); err != nil {
				return nil, err
			}
		}
	case "pdf":
		data, err := CheckPDF(body, limits)
		if err != nil {
			return nil, err
		}
		f.Kind, f.Size = ortsplan.FileDocument, int64(len(data))
		if err := put(ortsplan.FileVariant{Name: "file", Key: base + ".pdf", ContentType: "application/pdf", Size: f.Size}, data); err != nil {
			return nil, err
		}
	default:
		if n == 0 {
			return nil, uploadError("error.upload_empty", nil)
		}
		return nil, uploadError("error.upload_type", nil)
	}
	return f, nil
}

// RemoveVariants deletes every stored variant of f, ignoring ones already gone.
func RemoveVariants(ctx context.Context, st Storage, f *ortsplan.MeetingFile) {
	for _, v := range f.Variants {
		st.Delete(ctx, v.Key)
	}
}
