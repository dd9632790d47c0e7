package media

import (
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
//
// The file is read into memory once (within limits.MaxBytes; an
// *io.SectionReader into a buffer of exactly its size) and the photo decoded
// from there, within limits.MaxPixels and limits.MaxDecodeBytes.
func StoreUpload(ctx context.Context, st Storage, base string, r io.Reader, limits Limits, keepOriginal bool) (*ortsplan.MeetingFile, error) {
	limits = limits.withDefaults()
	data, err := readUpload(r, limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	f := &ortsplan.MeetingFile{}
	put := func(v ortsplan.FileVariant, data []byte) error {
		f.Variants = append(f.Variants, v)
		if err := st.Put(ctx, v.Key, data, v.ContentType); err != nil {
			RemoveVariants(ctx, st, f)
			return fmt.Errorf("media: store %s: %w", v.Key, err)
		}
		return nil
	}
	switch Sniff(data) {
	case KindPhoto:
		p, err := processPhoto(data, limits)
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
			typ := map[string]string{"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[photoFormat(data)]
			if err := put(ortsplan.FileVariant{Name: "original", Key: base + "-original", Width: p.Width, Height: p.Height,
				ContentType: typ, Size: int64(len(data))}, data); err != nil {
				return nil, err
			}
		}
	case KindPDF:
		data, err := checkPDF(data)
		if err != nil {
			return nil, err
		}
		f.Kind, f.Size = ortsplan.FileDocument, int64(len(data))
		if err := put(ortsplan.FileVariant{Name: "file", Key: base + ".pdf", ContentType: "application/pdf", Size: f.Size}, data); err != nil {
			return nil, err
		}
	default:
		return nil, uploadError(KeyUploadType, nil)
	}
	return f, nil
}

// RemoveVariants deletes every stored variant of f, ignoring ones already gone.
func RemoveVariants(ctx context.Context, st Storage, f *ortsplan.MeetingFile) {
	for _, v := range f.Variants {
		st.Delete(ctx, v.Key)
	}
}
