package demo

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/media"
)

// Drawing a picture and making its sizes takes most of the time of loading
// the demo, and the tests load it many times in one process: each picture
// is drawn and processed once per process and kept. The same seed gives the
// same picture, so what is kept is what would be drawn again.
var pictures = struct {
	sync.Mutex
	m map[[3]int64]*media.Photo
}{m: map[[3]int64]*media.Photo{}}

func picture(seed int64, w, h int) (*media.Photo, error) {
	k := [3]int64{seed, int64(w), int64(h)}
	pictures.Lock()
	defer pictures.Unlock()
	if p := pictures.m[k]; p != nil {
		return p, nil
	}
	p, err := media.ProcessPhoto(bytes.NewReader(media.Generate(seed, w, h)), media.DefaultLimits())
	if err != nil {
		return nil, err
	}
	pictures.m[k] = p
	return p, nil
}

// storePicture stores the sizes of a drawn picture under base, as
// media.StoreUpload stores an uploaded photo's.
func storePicture(ctx context.Context, st media.Storage, base string, seed int64, w, h int) (*ortsplan.MeetingFile, error) {
	p, err := picture(seed, w, h)
	if err != nil {
		return nil, fmt.Errorf("demo: picture %d: %w", seed, err)
	}
	f := &ortsplan.MeetingFile{Kind: ortsplan.FilePhoto, Width: p.Width, Height: p.Height}
	for _, v := range p.Variants {
		ext := ".jpg"
		if v.ContentType == "image/png" {
			ext = ".png"
		}
		fv := ortsplan.FileVariant{Name: v.Name, Key: base + "-" + v.Name + ext, Width: v.Width, Height: v.Height,
			ContentType: v.ContentType, Size: int64(len(v.Data))}
		if err := st.Put(ctx, fv.Key, v.Data, v.ContentType); err != nil {
			return nil, fmt.Errorf("demo: store %s: %w", fv.Key, err)
		}
		f.Variants = append(f.Variants, fv)
		f.Size += fv.Size
	}
	return f, nil
}
