package media

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"slices"
)

// Generate draws a photo-like picture for demo data and returns it as a JPEG
// of w×h (each at least 1): a lake landscape with sky, hills, trees and often
// a red house, or a meeting room with people round a table, as simple shapes
// with a little grain and vignetting. The scene and its details follow from
// seed; the same seed gives the same bytes (with the same Go version).
func Generate(seed int64, w, h int) []byte {
	w, h = max(w, 1), max(h, 1)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6f727473706c616e))
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), w: float64(w), h: float64(h), rng: rng}
	if uint64(seed)%3 == 2 { // every third seed
		c.meetingRoom()
	} else {
		c.landscape()
	}
	c.grain(uint64(seed))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, c.img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err) // writing to a bytes.Buffer does not fail
	}
	return buf.Bytes()
}

// canvas draws shapes in pixel coordinates (as float64) onto an RGBA image.
type canvas struct {
	img  *image.RGBA
	w, h float64
	rng  *rand.Rand
	clip *image.Rectangle // if set, only pixels inside it are drawn
}

type pt struct{ x, y float64 }

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{r, g, b, 255} }

func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	t = min(max(t, 0), 1)
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), l(a.A, b.A)}
}

// jitter returns c with each channel moved by up to ±d.
func (c *canvas) jitter(col color.NRGBA, d int) color.NRGBA {
	j := func(v uint8) uint8 { return uint8(min(max(int(v)+c.rng.IntN(2*d+1)-d, 0), 255)) }
	return color.NRGBA{j(col.R), j(col.G), j(col.B), col.A}
}

// between returns a random float64 in [a, b).
func (c *canvas) between(a, b float64) float64 { return a + (b-a)*c.rng.Float64() }

// set blends col over the pixel at x, y.
func (c *canvas) set(x, y int, col color.NRGBA) {
	if x < 0 || y < 0 || x >= c.img.Rect.Dx() || y >= c.img.Rect.Dy() || col.A == 0 {
		return
	}
	if c.clip != nil && !(image.Point{x, y}).In(*c.clip) {
		return
	}
	p := c.img.Pix[y*c.img.Stride+4*x : y*c.img.Stride+4*x+4]
	if col.A == 255 {
		p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 255
		return
	}
	a := uint32(col.A)
	p[0] = uint8((uint32(col.R)*a + uint32(p[0])*(255-a)) / 255)
	p[1] = uint8((uint32(col.G)*a + uint32(p[1])*(255-a)) / 255)
	p[2] = uint8((uint32(col.B)*a + uint32(p[2])*(255-a)) / 255)
	p[3] = 255
}

// span fills row y from x0 to x1 (pixel centres inside).
func (c *canvas) span(y int, x0, x1 float64, col color.NRGBA) {
	lo := max(int(math.Ceil(x0-0.5)), 0)
	hi := min(int(math.Ceil(x1-0.5)), c.img.Rect.Dx())
	for x := lo; x < hi; x++ {
		c.set(x, y, col)
	}
}

// rows calls f for each pixel row whose centre lies in [y0, y1).
func (c *canvas) rows(y0, y1 float64, f func(y int, fy float64)) {
	lo := max(int(math.Ceil(y0-0.5)), 0)
	hi := min(int(math.Ceil(y1-0.5)), c.img.Rect.Dy())
	for y := lo; y < hi; y++ {
		f(y, float64(y)+0.5)
	}
}

func (c *canvas) rect(x0, y0, x1, y1 float64, col color.NRGBA) {
	c.rows(y0, y1, func(y int, _ float64) { c.span(y, x0, x1, col) })
}

// vgrad fills the rows from y0 to y1 with a gradient from top to bottom.
func (c *canvas) vgrad(x0, y0, x1, y1 float64, top, bottom color.NRGBA) {
	c.rows(y0, y1, func(y int, fy float64) {
		c.span(y, x0, x1, mix(top, bottom, (fy-y0)/(y1-y0)))
	})
}

func (c *canvas) ellipse(cx, cy, rx, ry float64, col color.NRGBA) {
	c.rows(cy-ry, cy+ry, func(y int, fy float64) {
		d := (fy - cy) / ry
		if dx := rx * math.Sqrt(max(0, 1-d*d)); dx > 0 {
			c.span(y, cx-dx, cx+dx, col)
		}
	})
}

// poly fills a polygon by the even-odd rule.
func (c *canvas) poly(col color.NRGBA, pts ...pt) {
	y0, y1 := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		y0, y1 = min(y0, p.y), max(y1, p.y)
	}
	var xs []float64
	c.rows(y0, y1, func(y int, fy float64) {
		xs = xs[:0]
		for i, a := range pts {
			b := pts[(i+1)%len(pts)]
			if (a.y <= fy) != (b.y <= fy) {
				xs = append(xs, a.x+(fy-a.y)*(b.x-a.x)/(b.y-a.y))
			}
		}
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			c.span(y, xs[i], xs[i+1], col)
		}
	})
}

// ridge fills from a wavy line down to bottom; the line is made of a few
// sines around base with the given amplitude.
func (c *canvas) ridge(base, amp, bottom float64, col color.NRGBA) {
	var f [3]float64
	var ph [3]float64
	for i := range f {
		f[i] = c.between(1, 3) * float64(i+1) * 2 * math.Pi / c.w
		ph[i] = c.between(0, 2*math.Pi)
	}
	ix := c.img.Rect.Dx()
	top := make([]float64, ix)
	for x := range ix {
		fx := float64(x)
		top[x] = base - amp*(0.6*math.Sin(f[0]*fx+ph[0])+0.3*math.Sin(f[1]*fx+ph[1])+0.1*math.Sin(f[2]*fx+ph[2]))
	}
	c.rows(base-amp, bottom, func(y int, fy float64) {
		for x := range ix {
			if fy >= top[x] {
				c.set(x, y, col)
			}
		}
	})
}

func (c *canvas) landscape() {
	W, H := c.w, c.h
	dusk := c.rng.IntN(4) == 0
	autumn := c.rng.IntN(3) == 0
	horizon := H * c.between(0.42, 0.55)
	shore := horizon + H*c.between(0.16, 0.24)

	skyTop, skyLow := rgb(62, 120, 196), rgb(190, 218, 240)
	if dusk {
		skyTop, skyLow = rgb(58, 62, 128), rgb(246, 170, 110)
	}
	c.vgrad(0, 0, W, horizon, c.jitter(skyTop, 12), c.jitter(skyLow, 10))

	// Sun with a soft glow.
	sx, sy := W*c.between(0.15, 0.85), horizon*c.between(0.25, 0.8)
	r := min(W, H) * 0.035
	sun := rgb(255, 244, 214)
	if dusk {
		sun = rgb(255, 206, 140)
	}
	for i := 6; i >= 1; i-- {
		c.ellipse(sx, sy, r*(1+float64(i)*0.6), r*(1+float64(i)*0.6), withAlpha(sun, 22))
	}
	c.ellipse(sx, sy, r, r, sun)

	// Clouds: clusters of pale ellipses.
	for range 2 + c.rng.IntN(4) {
		cx, cy := W*c.between(0, 1), horizon*c.between(0.1, 0.6)
		s := W * c.between(0.03, 0.07)
		for range 5 + c.rng.IntN(5) {
			c.ellipse(cx+s*c.between(-2, 2), cy+s*c.between(-0.4, 0.4), s*c.between(0.8, 1.6), s*c.between(0.4, 0.8), withAlpha(rgb(255, 255, 255), 120))
		}
	}

	// Far hills, then forest on the far shore.
	c.ridge(horizon-H*0.06, H*0.05, horizon, c.jitter(rgb(98, 128, 150), 10))
	forest := rgb(38, 74, 46)
	if autumn {
		forest = rgb(92, 84, 40)
	}
	c.ridge(horizon-H*0.015, H*0.02, horizon, c.jitter(forest, 8))
	for x := 0.0; x < W; x += W * c.between(0.008, 0.02) {
		th := H * c.between(0.025, 0.06)
		c.poly(c.jitter(rgb(30, 60, 38), 8), pt{x, horizon - th}, pt{x - th*0.22, horizon + 1}, pt{x + th*0.22, horizon + 1})
	}

	// Lake: the sky mirrored and darkened, with ripples.
	c.vgrad(0, horizon, W, shore, mix(skyLow, rgb(30, 50, 70), 0.35), mix(skyTop, rgb(20, 40, 60), 0.45))
	for range 40 + c.rng.IntN(40) {
		y := c.between(horizon, shore)
		x := W * c.between(-0.1, 1)
		c.rect(x, y, x+W*c.between(0.02, 0.15), y+max(1, H*0.002), withAlpha(rgb(235, 240, 245), 60))
	}
	// Sun glitter on the water.
	for range 30 {
		y := c.between(horizon, shore)
		x := sx + W*c.between(-0.03, 0.03)
		c.rect(x, y, x+W*c.between(0.005, 0.03), y+max(1, H*0.002), withAlpha(sun, 110))
	}

	// Meadow on the near shore.
	grass, grassNear := rgb(92, 140, 60), rgb(54, 96, 38)
	if autumn {
		grass, grassNear = rgb(140, 138, 70), rgb(96, 90, 46)
	}
	c.ridge(shore, H*0.01, H, c.jitter(grass, 10))
	c.vgrad(0, shore+H*0.05, W, H, withAlpha(grass, 0), withAlpha(grassNear, 200))

	// Red house with white corners, on the meadow.
	if c.rng.IntN(10) < 7 {
		hw := W * c.between(0.14, 0.22)
		hh := hw * c.between(0.5, 0.65)
		hx := W * c.between(0.05, 0.95-0.22)
		hy := shore + (H-shore)*c.between(0.25, 0.45) // ground line
		red := c.jitter(rgb(140, 32, 26), 8)
		c.rect(hx, hy-hh, hx+hw, hy, red)
		trim := rgb(240, 238, 230)
		c.rect(hx, hy-hh, hx+hw*0.04, hy, trim)
		c.rect(hx+hw*0.96, hy-hh, hx+hw, hy, trim)
		c.poly(c.jitter(rgb(50, 48, 52), 6), pt{hx - hw*0.06, hy - hh}, pt{hx + hw*0.5, hy - hh - hw*0.35}, pt{hx + hw*1.06, hy - hh})
		c.rect(hx+hw*0.7, hy-hh-hw*0.3, hx+hw*0.78, hy-hh-hw*0.12, c.jitter(rgb(120, 60, 50), 8)) // chimney
		for i := range 3 {
			wx := hx + hw*(0.12+0.22*float64(i))
			if i == 2 {
				wx = hx + hw*0.78
			}
			c.rect(wx, hy-hh*0.72, wx+hw*0.13, hy-hh*0.35, trim)
			c.rect(wx+hw*0.015, hy-hh*0.69, wx+hw*0.115, hy-hh*0.38, rgb(70, 90, 110))
			c.rect(wx+hw*0.06, hy-hh*0.69, wx+hw*0.07, hy-hh*0.38, trim)
		}
		c.rect(hx+hw*0.6, hy-hh*0.65, hx+hw*0.72, hy, c.jitter(rgb(60, 90, 70), 6)) // door
		c.ellipse(hx+hw*0.5, hy, hw*0.7, hh*0.06, withAlpha(rgb(20, 40, 10), 60))   // shadow
	}

	// Trees in front: spruces and leafy trees.
	for range 3 + c.rng.IntN(5) {
		tx := W * c.between(0, 1)
		ground := shore + (H-shore)*c.between(0.3, 1)
		th := H * c.between(0.25, 0.45) * (ground - shore) / (H - shore)
		if c.rng.IntN(2) == 0 {
			c.rect(tx-th*0.025, ground-th*0.2, tx+th*0.025, ground, rgb(70, 50, 34))
			green := c.jitter(rgb(26, 62, 36), 8)
			for k := range 4 {
				top := ground - th + th*0.2*float64(k)
				c.poly(mix(green, rgb(10, 30, 20), float64(k)*0.1), pt{tx, top}, pt{tx - th*(0.12+0.05*float64(k)), top + th*0.35}, pt{tx + th*(0.12+0.05*float64(k)), top + th*0.35})
			}
		} else {
			c.rect(tx-th*0.03, ground-th*0.5, tx+th*0.03, ground, rgb(80, 60, 44))
			leaf := c.jitter(rgb(60, 110, 46), 12)
			if autumn {
				leaf = c.jitter(rgb(200, 120, 40), 20)
			}
			for range 7 {
				c.ellipse(tx+th*c.between(-0.2, 0.2), ground-th*c.between(0.55, 0.9), th*c.between(0.12, 0.2), th*c.between(0.1, 0.17), c.jitter(leaf, 14))
			}
		}
	}
}

func (c *canvas) meetingRoom() {
	W, H := c.w, c.h
	floorY := H * c.between(0.58, 0.66)
	wall := c.jitter(rgb(226, 218, 200), 14)
	c.vgrad(0, 0, W, floorY, mix(wall, rgb(255, 255, 255), 0.15), mix(wall, rgb(0, 0, 0), 0.12))
	c.vgrad(0, floorY, W, H, c.jitter(rgb(150, 112, 76), 12), c.jitter(rgb(98, 70, 48), 10))
	for x := 0.0; x < W; x += W * 0.06 { // floor boards
		c.poly(withAlpha(rgb(60, 40, 30), 40), pt{W/2 + (x-W/2)*0.6, floorY}, pt{W/2 + (x-W/2)*0.6 + 2, floorY}, pt{W/2 + (x-W/2)*1.6 + 3, H}, pt{W/2 + (x-W/2)*1.6, H})
	}

	// Window with sky and a tree outside.
	wx0, wy0, wx1, wy1 := W*0.05, H*0.08, W*0.28, H*0.45
	c.vgrad(wx0, wy0, wx1, wy1, rgb(120, 170, 220), rgb(210, 230, 245))
	c.clip = &image.Rectangle{image.Pt(int(wx0), int(wy0)), image.Pt(int(wx1), int(wy1))}
	for range 6 {
		c.ellipse(wx0+(wx1-wx0)*c.between(0.3, 0.9), wy1-(wy1-wy0)*c.between(0, 0.4), (wx1-wx0)*c.between(0.2, 0.35), (wy1-wy0)*c.between(0.15, 0.3), c.jitter(rgb(70, 120, 60), 14))
	}
	c.clip = nil
	frame := rgb(245, 245, 240)
	c.rect(wx0-W*0.008, wy0-W*0.008, wx1+W*0.008, wy0, frame)
	c.rect(wx0-W*0.008, wy1, wx1+W*0.008, wy1+W*0.008, frame)
	c.rect(wx0-W*0.008, wy0, wx0, wy1, frame)
	c.rect(wx1, wy0, wx1+W*0.008, wy1, frame)
	c.rect((wx0+wx1)/2-W*0.004, wy0, (wx0+wx1)/2+W*0.004, wy1, frame)

	// Screen with a bar chart.
	sx0, sy0, sx1, sy1 := W*0.42, H*0.1, W*0.8, H*0.4
	c.rect(sx0-W*0.006, sy0-W*0.006, sx1+W*0.006, sy1+W*0.006, rgb(40, 40, 44))
	c.rect(sx0, sy0, sx1, sy1, rgb(250, 250, 252))
	n := 4 + c.rng.IntN(4)
	bw := (sx1 - sx0) * 0.8 / float64(n)
	for i := range n {
		bh := (sy1 - sy0) * c.between(0.2, 0.75)
		x := sx0 + (sx1-sx0)*0.1 + bw*float64(i)
		c.rect(x+bw*0.15, sy1-(sy1-sy0)*0.1-bh, x+bw*0.85, sy1-(sy1-sy0)*0.1, c.jitter(rgb(40, 110, 170), 30))
	}

	// Table in perspective, people around it.
	tTop, tBottom := floorY-H*0.04, H*0.86
	table := c.jitter(rgb(176, 136, 92), 10)
	skins := []color.NRGBA{rgb(241, 204, 176), rgb(224, 172, 128), rgb(176, 120, 84), rgb(120, 80, 56), rgb(250, 218, 196)}
	hairs := []color.NRGBA{rgb(40, 30, 24), rgb(110, 70, 40), rgb(200, 170, 110), rgb(160, 160, 160), rgb(20, 20, 20)}
	person := func(x, y, s float64) { // y is the shoulder line
		shirt := c.jitter([]color.NRGBA{rgb(60, 80, 140), rgb(180, 60, 60), rgb(80, 130, 90), rgb(230, 230, 230), rgb(70, 70, 80)}[c.rng.IntN(5)], 16)
		c.rect(x-s*0.6, y-s*0.3, x+s*0.6, y+s*0.9, c.jitter(rgb(50, 50, 56), 6)) // chair back
		c.ellipse(x, y+s*0.3, s*0.5, s*0.5, shirt)
		c.rect(x-s*0.5, y+s*0.3, x+s*0.5, y+s*1.4, shirt)
		skin := skins[c.rng.IntN(len(skins))]
		c.ellipse(x, y-s*0.35, s*0.28, s*0.34, skin)
		c.ellipse(x, y-s*0.52, s*0.3, s*0.2, hairs[c.rng.IntN(len(hairs))])
	}
	far := 3 + c.rng.IntN(3)
	for i := range far {
		x := W*0.3 + W*0.4*(float64(i)+0.5)/float64(far)
		person(x, tTop-H*0.07, H*0.075)
	}
	c.poly(table, pt{W * 0.28, tTop}, pt{W * 0.72, tTop}, pt{W * 0.9, tBottom}, pt{W * 0.1, tBottom})
	c.rect(W*0.1, tBottom, W*0.9, tBottom+H*0.025, mix(table, rgb(0, 0, 0), 0.3))
	for range 4 + c.rng.IntN(5) { // papers and cups
		px := W * c.between(0.25, 0.7)
		py := c.between(tTop+H*0.02, tBottom-H*0.06)
		if c.rng.IntN(2) == 0 {
			c.poly(rgb(250, 250, 248), pt{px, py}, pt{px + W*0.05, py}, pt{px + W*0.055, py + H*0.04}, pt{px + W*0.005, py + H*0.04})
		} else {
			c.rect(px, py, px+W*0.015, py+H*0.03, rgb(240, 240, 236))
			c.ellipse(px+W*0.0075, py, W*0.0075, H*0.005, rgb(90, 60, 40))
		}
	}
	for _, side := range []float64{-1, 1} { // people at the sides
		for k := range 1 + c.rng.IntN(2) {
			t := 0.35 + 0.35*float64(k)
			x := W/2 + side*(W*0.24+W*0.19*t)
			person(x, tTop+(tBottom-tTop)*t-H*0.05, H*(0.08+0.03*t))
		}
	}
}

// grain adds a little noise and darkens the corners, like a camera would.
func (c *canvas) grain(seed uint64) {
	img := c.img
	cx, cy := c.w/2, c.h/2
	norm := 1 / (cx*cx + cy*cy)
	for y := 0; y < img.Rect.Dy(); y++ {
		dy := float64(y) + 0.5 - cy
		for x := 0; x < img.Rect.Dx(); x++ {
			dx := float64(x) + 0.5 - cx
			v := 1 - 0.3*(dx*dx+dy*dy)*norm
			hsh := (uint64(x)*0x9E3779B97F4A7C15 ^ uint64(y)*0xC2B2AE3D27D4EB4F ^ seed) * 0x165667B19E3779F9
			n := float64(int(hsh>>59)-16) * 0.6
			p := img.Pix[y*img.Stride+4*x : y*img.Stride+4*x+4]
			for i := range 3 {
				p[i] = uint8(min(max(float64(p[i])*v+n, 0), 255))
			}
			p[3] = 255
		}
	}
}
