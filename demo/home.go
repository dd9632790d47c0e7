package demo

import (
	"bytes"
	"image/jpeg"

	"github.com/ortsplan/ortsplan/media"
)

// HomePicture is the demo's picture for the top of the home page, drawn in
// code like the meeting photos, with the text that describes it. It is
// stored at JPEG quality 60 (about 30 KB), light enough for a slow line.
func HomePicture() ([]byte, string) {
	img, err := jpeg.Decode(bytes.NewReader(media.Generate(40, 960, 320)))
	if err != nil {
		panic(err) // Generate writes a valid JPEG
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 60}); err != nil {
		panic(err)
	}
	return b.Bytes(), "Tecknad bild: ett rött hus vid en sjö, med skog och kullar på andra sidan."
}
