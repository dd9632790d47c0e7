package media

import (
	"image"
	stddraw "image/draw"

	"golang.org/x/image/draw"
)

// downscale returns src scaled to dw×dh as a new *image.RGBA (or src itself
// when it already is one of that size). While the image is at least twice
// the target it is halved with ApproxBiLinear, which at exactly half is a
// 2×2 box average: cheap and free of aliasing. The last step uses
// CatmullRom, or ApproxBiLinear when big: CatmullRom keeps a float64 row
// buffer of dw × source height × 32 bytes, too much memory for the largest
// size of a 40-megapixel photo.
func downscale(src image.Image, dw, dh int, big bool) *image.RGBA {
	sb := src.Bounds()
	if sb.Dx() == dw && sb.Dy() == dh {
		if rgba, ok := src.(*image.RGBA); ok && sb.Min == (image.Point{}) {
			return rgba
		}
		dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
		stddraw.Draw(dst, dst.Rect, src, sb.Min, stddraw.Src)
		return dst
	}
	for {
		hw, hh := (sb.Dx()+1)/2, (sb.Dy()+1)/2
		if hw < dw || hh < dh {
			break
		}
		half := image.NewRGBA(image.Rect(0, 0, hw, hh))
		draw.ApproxBiLinear.Scale(half, half.Rect, src, sb, draw.Src, nil)
		src, sb = half, half.Rect
		if hw == dw && hh == dh {
			return half
		}
	}
	var scaler draw.Scaler = draw.CatmullRom
	if big {
		scaler = draw.ApproxBiLinear
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	scaler.Scale(dst, dst.Rect, src, sb, draw.Src, nil)
	return dst
}

// swapsAxes reports whether EXIF orientation o turns the image by 90°.
func swapsAxes(o int) bool { return o >= 5 && o <= 8 }

// orient returns img turned upright for EXIF orientation o (1–8):
// 2 mirror, 3 turn 180°, 4 flip, 5 transpose, 6 turn 90° clockwise,
// 7 transverse, 8 turn 90° counterclockwise. Orientation 1 and unknown
// values return img itself.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := w, h
	if swapsAxes(o) {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+4*dx:dy*dst.Stride+4*dx+4], row[4*x:4*x+4])
		}
	}
	return dst
}
